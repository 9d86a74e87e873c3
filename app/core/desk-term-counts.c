/* desk-term-counts.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-term-counts"

#include "config.h"

#include "desk-term-counts.h"

/* Past this many tokens the counts start again: a bound on the memory. */
#define MAX_REMEMBERED 50000

struct _DeskTermCounts
{
  sqlite3      *db;
  sqlite3_stmt *count;
  sqlite3_stmt *data_version;
  GHashTable   *counts; /* token -> gint64 * */
  sqlite3_int64 seen_total_changes;
  sqlite3_int64 seen_data_version;
};

void
desk_term_counts_free (DeskTermCounts *self)
{
  if (self == NULL)
    return;

  sqlite3_finalize (self->count);
  sqlite3_finalize (self->data_version);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_free (self);
}

DeskTermCounts *
desk_term_counts_new (sqlite3 *db, const char *fts_table, GError **error)
{
  g_autoptr (DeskTermCounts) self = g_new0 (DeskTermCounts, 1);
  g_autofree char *create = NULL;
  g_autofree char *select = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (fts_table != NULL, NULL);

  self->db = db;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->seen_data_version = -1;

  /* A temporary table: read-only connections have one too. */
  create = g_strdup_printf ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.\"%s_vocab\""
                            " USING fts5vocab (main, \"%s\", row)",
                            fts_table, fts_table);
  select = g_strdup_printf ("SELECT doc FROM temp.\"%s_vocab\" WHERE term = ?", fts_table);
  if (sqlite3_exec (db, create, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, select, -1, &self->count, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &self->data_version, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not count the words of %s: %s",
                   fts_table, sqlite3_errmsg (db));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* Forgets the counts when the cache has changed since they were read: by
 * another connection (data_version) or by this one (total_changes). */
static void
forget_if_changed (DeskTermCounts *self)
{
  sqlite3_int64 total_changes = sqlite3_total_changes64 (self->db);
  sqlite3_int64 data_version = -1;

  if (sqlite3_step (self->data_version) == SQLITE_ROW)
    data_version = sqlite3_column_int64 (self->data_version, 0);
  sqlite3_reset (self->data_version);

  if (data_version != self->seen_data_version || total_changes != self->seen_total_changes ||
      g_hash_table_size (self->counts) > MAX_REMEMBERED)
    {
      g_hash_table_remove_all (self->counts);
      self->seen_data_version = data_version;
      self->seen_total_changes = total_changes;
    }
}

gint64
desk_term_counts_lookup (DeskTermCounts *self, const char *token)
{
  gint64 *count;
  gint64  n_rows = 0;
  int     rc;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (token != NULL, 0);

  forget_if_changed (self);
  count = g_hash_table_lookup (self->counts, token);
  if (count != NULL)
    return *count;

  sqlite3_bind_text (self->count, 1, token, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (self->count);
  if (rc == SQLITE_ROW)
    n_rows = sqlite3_column_int64 (self->count, 0);
  sqlite3_reset (self->count);

  /* A count that could not be read is no count to remember. */
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_hash_table_insert (self->counts, g_strdup (token), g_memdup2 (&n_rows, sizeof n_rows));
  else
    g_debug ("Could not count “%s”: %s", token, sqlite3_errmsg (self->db));

  return n_rows;
}
