/* desk-fts-rank.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Makes the FTS5 auxiliary function desk_bm25_best(table, n, weight, …)
 * known to @db: bm25(table, weight, …) for a query that keeps its n best
 * rows, without reading the length of rows that cannot be among them.
 * See desk-fts-rank.c for how a query must use it. */
gboolean desk_fts_rank_register (sqlite3 *db, GError **error);

G_END_DECLS
