/* desk-sqlite.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-sqlite"

#include "config.h"

#include <gio/gio.h>

#include "desk-sqlite.h"

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

/* Statements keyed by their SQL text, which must be static. */
GHashTable *
desk_sqlite_statement_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

/* Prepared once and kept; handed out reset, with no bindings. */
sqlite3_stmt *
desk_sqlite_prepare_cached (sqlite3 *db, GHashTable *cache, const char *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (cache, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  /* Our SQL is constant text: a statement that does not compile is a bug. */
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    g_error ("Invalid SQL statement %s: %s", sql, sqlite3_errmsg (db));

  g_hash_table_insert (cache, (gpointer) sql, stmt);
  return stmt;
}

gboolean
desk_sqlite_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;

  g_set_error (error, G_IO_ERROR, rc == SQLITE_CONSTRAINT ? G_IO_ERROR_EXISTS : G_IO_ERROR_FAILED,
               "Database error: %s", sqlite3_errmsg (db));
  return FALSE;
}

gboolean
desk_sqlite_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Database error: %s",
                   message ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}
