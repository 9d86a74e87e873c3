/* desk-bench.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void   desk_bench_report (const char *name, double value, const char *unit);
gint64 desk_bench_rss_kb (void);

void desk_bench_report_ratio (const char *name, double value);

/* Child processes, for the benchmarks that time whole programs. */
GSubprocessLauncher *desk_bench_launcher_new (GSubprocessFlags flags);
gboolean             desk_bench_wait_for (const gboolean *done, guint timeout_ms);
double               desk_bench_peak_rss_mib (GPid pid);
double               desk_bench_median (GArray *values);
void                 desk_bench_remove_tree (const char *path);

G_END_DECLS
