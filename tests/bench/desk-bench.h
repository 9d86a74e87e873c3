/* desk-bench.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-store.h"

G_BEGIN_DECLS

void   desk_bench_report (const char *name, double value, const char *unit);
gint64 desk_bench_rss_kb (void);

void desk_bench_report_ratio (const char *name, double value);

gboolean desk_bench_wait_for (const gboolean *done, guint timeout_ms);
void     desk_bench_remove_tree (const char *path);

int    desk_bench_compare_doubles (gconstpointer a, gconstpointer b);
double desk_bench_percentile (GArray *sorted_values, double p);
double desk_bench_median (GArray *values);

/* Child processes, for the benchmarks that time whole programs. */
GSubprocessLauncher *desk_bench_launcher_new (GSubprocessFlags flags);
double               desk_bench_peak_rss_mib (GPid pid);
/* A synthetic knowledge base: words of a support desk with a long tail of
 * made-up ones, drawn with about Zipf's distribution. The same seed gives
 * the same articles and replies. */
GPtrArray  *desk_bench_make_vocabulary (GRand *rand);
const char *desk_bench_pick_word (GRand *rand, GPtrArray *vocabulary);
char       *desk_bench_make_words (GRand *rand, GPtrArray *vocabulary, guint n_words);
char       *desk_bench_make_sentences (GRand *rand, GPtrArray *vocabulary, gsize min_length);
char       *desk_bench_make_query (GRand *rand, GPtrArray *vocabulary);

gboolean desk_bench_fill_knowledge_base (
    DeskStore *store, GRand *rand, GPtrArray *vocabulary, guint n_articles, GError **error);
gboolean desk_bench_fill_canned_replies (
    DeskStore *store, GRand *rand, GPtrArray *vocabulary, guint n_replies, GError **error);

G_END_DECLS
