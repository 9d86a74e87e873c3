/* desk-sqlite.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The few SQLite helpers the client cache and the server share. */

GHashTable   *desk_sqlite_statement_cache_new (void);
sqlite3_stmt *desk_sqlite_prepare_cached (sqlite3 *db, GHashTable *cache, const char *sql);
gboolean      desk_sqlite_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error);
gboolean      desk_sqlite_exec (sqlite3 *db, const char *sql, GError **error);

G_END_DECLS
