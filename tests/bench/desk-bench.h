/* desk-bench.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   desk_bench_report (const char *name, double value, const char *unit);
gint64 desk_bench_rss_kb (void);

G_END_DECLS
