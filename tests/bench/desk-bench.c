/* desk-bench.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-bench"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "desk-bench.h"

/* One line a figure, "name: value unit", so runs can be compared with diff. */
void
desk_bench_report (const char *name, double value, const char *unit)
{
  printf ("%s: %.1f %s\n", name, value, unit);
  fflush (stdout);
}

gint64
desk_bench_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}
