/* desk-bench.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-bench"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

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

/* A ratio, with the two decimals that a limit such as 1.6x needs. */
void
desk_bench_report_ratio (const char *name, double value)
{
  printf ("%s: %.2f x\n", name, value);
  fflush (stdout);
}

/* Child processes, for the benchmarks that time whole programs
 * (bench-start). */

/* A child dies with the benchmark, even when it stops on g_error(). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocessLauncher *
desk_bench_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until *@done or @timeout_ms have passed;
 * returns *@done. */
gboolean
desk_bench_wait_for (const gboolean *done, guint timeout_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timed_out_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);

  return *done;
}

/* The peak resident memory (VmHWM) of process @pid so far, in MiB; 0 when
 * it cannot be read. */
double
desk_bench_peak_rss_mib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10) / 1024.0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median of @values (of double), which it sorts; 0 for none. */
double
desk_bench_median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

/* Removes @path and everything under it; symbolic links are not followed. */
void
desk_bench_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          desk_bench_remove_tree (child);
        }
    }

  if (g_remove (path) != 0)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}
