/* desk-server-store.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "desk-json.h"
#include "desk-sqlite.h"
#include "desk-server-private.h"

/* The server's SQLite storage. Every synced collection has a `seq` column:
 * each write gives the row the next number of its table, so that paging by
 * seq returns every change once, in order, whatever happens between pages.
 * `doc` holds the row's API JSON, so a page is a concatenation of rows. */

static const char schema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = NORMAL;"
    "CREATE TABLE IF NOT EXISTS queues (id INTEGER PRIMARY KEY, doc TEXT NOT NULL,"
    "  first_response_minutes INTEGER NOT NULL, resolution_minutes INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    "  email TEXT UNIQUE, role TEXT NOT NULL, queue_ids TEXT NOT NULL DEFAULT '[]',"
    "  presence TEXT NOT NULL DEFAULT 'offline');"
    "CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE,"
    "  name TEXT NOT NULL, locale TEXT);"
    "CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, user_id INTEGER,"
    "  chat_id INTEGER, created_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    "  version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, queue_id INTEGER NOT NULL,"
    "  assignee_id INTEGER, status TEXT NOT NULL, channel TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, first_response_due INTEGER, first_responded_at INTEGER,"
    "  resolution_due INTEGER, solved_at INTEGER, csat INTEGER, doc TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS tickets_by_seq ON tickets (seq);"
    "CREATE INDEX IF NOT EXISTS tickets_by_created ON tickets (created_at);"
    /* The open-work feed walks only open tickets, and counts them for its
     * `remaining` from the index alone (queue_id is there for agents). */
    "CREATE INDEX IF NOT EXISTS tickets_open_by_seq ON tickets (seq, queue_id)"
    "  WHERE " DESK_SERVER_OPEN_TICKET_SQL ";"
    "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    "  ticket_id INTEGER NOT NULL, author_key TEXT NOT NULL, client_id TEXT,"
    "  created_at INTEGER NOT NULL, doc TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS messages_by_seq ON messages (seq);"
    "CREATE INDEX IF NOT EXISTS messages_by_ticket ON messages (ticket_id, id);"
    "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (author_key, client_id)"
    "  WHERE client_id IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    "  version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS articles_by_seq ON articles (seq);"
    "CREATE TABLE IF NOT EXISTS canned (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    "  owner_id INTEGER, deleted INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS canned_by_seq ON canned (seq);"
    /* The replies made by a POST with a client_id, so that its repeat
     * answers with the first instead of making another. A table of its own:
     * `canned` rows are rewritten on every edit, and IF NOT EXISTS brings the
     * table to a database made before it. */
    "CREATE TABLE IF NOT EXISTS canned_client_ids (user_id INTEGER NOT NULL,"
    "  client_id TEXT NOT NULL, canned_id INTEGER NOT NULL, PRIMARY KEY (user_id, client_id));"
    "CREATE TABLE IF NOT EXISTS quizzes (id INTEGER PRIMARY KEY, doc_full TEXT NOT NULL,"
    "  doc_public TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, quiz_id INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL, created_at INTEGER NOT NULL, score REAL NOT NULL,"
    "  passed INTEGER NOT NULL, doc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS uploads (id INTEGER PRIMARY KEY, owner_id INTEGER,"
    "  chat_id INTEGER, ticket_id INTEGER, name TEXT NOT NULL, mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL, data BLOB NOT NULL);";

gboolean
_desk_server_exec (DeskServer *self, const char *sql, GError **error)
{
  return desk_sqlite_exec (self->db, sql, error);
}

gboolean
_desk_server_store_open (DeskServer *self, GError **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, "desk-server.db", NULL);

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the data folder %s: %s", self->data_dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open %s: %s", path,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  /* Another process (the CLI creating a token) may write at the same time. */
  sqlite3_busy_timeout (self->db, 5000);
  self->statements = desk_sqlite_statement_cache_new ();

  return _desk_server_exec (self, schema, error);
}

sqlite3_stmt *
_desk_server_prepare (DeskServer *self, const char *sql)
{
  return desk_sqlite_prepare_cached (self->db, self->statements, sql);
}

gboolean
_desk_server_step_done (DeskServer *self, sqlite3_stmt *stmt, GError **error)
{
  return desk_sqlite_step_done (self->db, stmt, error);
}

gboolean
_desk_server_begin (DeskServer *self)
{
  return _desk_server_exec (self, "BEGIN IMMEDIATE", NULL);
}

gboolean
_desk_server_commit (DeskServer *self)
{
  return _desk_server_exec (self, "COMMIT", NULL);
}

void
_desk_server_rollback (DeskServer *self)
{
  if (!sqlite3_get_autocommit (self->db))
    _desk_server_exec (self, "ROLLBACK", NULL);
}

char *
_desk_server_record_to_string (gpointer record, void (*to_json) (gconstpointer, JsonBuilder *))
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  to_json (record, builder);
  return desk_json_builder_to_string (builder, NULL);
}

static char *
ticket_to_string (DeskTicketRecord *ticket)
{
  return _desk_server_record_to_string (ticket, (gpointer) desk_ticket_record_to_json);
}

DeskTicketRecord *
_desk_server_load_ticket (DeskServer *self, gint64 ticket_id, gint64 *queue_id)
{
  sqlite3_stmt *stmt;
  g_autoptr (JsonNode) node = NULL;
  DeskTicketRecord *ticket;

  stmt =
      _desk_server_prepare (self, "SELECT doc, queue_id FROM tickets WHERE id = ? AND NOT deleted");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return NULL;
    }

  node = desk_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  if (queue_id != NULL)
    *queue_id = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  ticket = node ? desk_ticket_record_from_json (node, NULL, NULL) : NULL;
  if (ticket == NULL)
    g_warning ("Ticket %" G_GINT64_FORMAT " has a damaged document", ticket_id);

  return ticket;
}

static void
bind_nullable (sqlite3_stmt *stmt, int column, gint64 usec)
{
  if (usec != 0)
    sqlite3_bind_int64 (stmt, column, usec);
  else
    sqlite3_bind_null (stmt, column);
}

gboolean
_desk_server_save_ticket (DeskServer *self, DeskTicketRecord *ticket, GError **error)
{
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;

  if (ticket->id == 0)
    {
      stmt = _desk_server_prepare (self, "SELECT COALESCE(MAX(id), 0) + 1 FROM tickets");
      sqlite3_step (stmt);
      ticket->id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }

  doc = ticket_to_string (ticket);
  stmt = _desk_server_prepare (
      self, "INSERT OR REPLACE INTO tickets (id, seq, version, deleted, queue_id, assignee_id,"
            " status, channel, created_at, first_response_due, first_responded_at,"
            " resolution_due, solved_at, csat, doc)"
            " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tickets), ?2, ?3, ?4, ?5, ?6,"
            " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  sqlite3_bind_int64 (stmt, 1, ticket->id);
  sqlite3_bind_int64 (stmt, 2, ticket->version);
  sqlite3_bind_int (stmt, 3, ticket->deleted);
  sqlite3_bind_int64 (stmt, 4, ticket->queue_id);
  bind_nullable (stmt, 5, ticket->assignee_id);
  sqlite3_bind_text (stmt, 6, desk_enum_to_nick (DESK_TYPE_TICKET_STATUS, ticket->status), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, desk_enum_to_nick (DESK_TYPE_CHANNEL, ticket->channel), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, ticket->created_at);
  bind_nullable (stmt, 9, ticket->first_response_due);
  bind_nullable (stmt, 10, ticket->first_responded_at);
  bind_nullable (stmt, 11, ticket->resolution_due);
  bind_nullable (stmt, 12, ticket->solved_at);
  bind_nullable (stmt, 13, ticket->csat);
  sqlite3_bind_text (stmt, 14, doc, -1, SQLITE_STATIC);

  return _desk_server_step_done (self, stmt, error);
}

gboolean
_desk_server_insert_message (DeskServer        *self,
                             DeskMessageRecord *message,
                             const char        *author_key,
                             GError           **error)
{
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;

  if (message->id == 0)
    {
      stmt = _desk_server_prepare (self, "SELECT COALESCE(MAX(id), 0) + 1 FROM messages");
      sqlite3_step (stmt);
      message->id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }

  doc = _desk_server_record_to_string (message, (gpointer) desk_message_record_to_json);
  stmt = _desk_server_prepare (
      self, "INSERT INTO messages (id, seq, ticket_id, author_key, client_id, created_at, doc)"
            " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages), ?2, ?3, ?4, ?5, ?6)");
  sqlite3_bind_int64 (stmt, 1, message->id);
  sqlite3_bind_int64 (stmt, 2, message->ticket_id);
  sqlite3_bind_text (stmt, 3, author_key, -1, SQLITE_STATIC);
  if (message->client_id != NULL)
    sqlite3_bind_text (stmt, 4, message->client_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, message->created_at);
  sqlite3_bind_text (stmt, 6, doc, -1, SQLITE_STATIC);

  return _desk_server_step_done (self, stmt, error);
}

/* Moves every message of @from_ticket to @to_ticket, each with a new seq
 * so that clients sync it again, now under its new ticket. Returns how
 * many moved, or -1. */
gint64
_desk_server_move_messages (DeskServer *self, gint64 from_ticket, gint64 to_ticket, GError **error)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  stmt =
      _desk_server_prepare (self, "SELECT id, doc FROM messages WHERE ticket_id = ? ORDER BY id");
  sqlite3_bind_int64 (stmt, 1, from_ticket);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (docs, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (JsonNode) node = desk_json_parse (g_ptr_array_index (docs, i), -1, error);
      g_autoptr (DeskMessageRecord) message = NULL;
      g_autofree char *doc = NULL;

      if (node == NULL || !(message = desk_message_record_from_json (node, NULL, error)))
        return -1;
      message->ticket_id = to_ticket;
      doc = _desk_server_record_to_string (message, (gpointer) desk_message_record_to_json);

      stmt =
          _desk_server_prepare (self, "UPDATE messages SET ticket_id = ?1, doc = ?2, seq = (SELECT"
                                      " COALESCE(MAX(seq), 0) + 1 FROM messages) WHERE id = ?3");
      sqlite3_bind_int64 (stmt, 1, to_ticket);
      sqlite3_bind_text (stmt, 2, doc, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_array_index (ids, gint64, i));
      if (!_desk_server_step_done (self, stmt, error))
        return -1;
    }

  return ids->len;
}

gboolean
_desk_server_tombstone_messages (DeskServer *self,
                                 gint64      ticket_id,
                                 gint64      deleted_at,
                                 GError    **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  stmt = _desk_server_prepare (self, "SELECT id FROM messages WHERE ticket_id = ? ORDER BY id");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      DeskMessageRecord tombstone = { .id = g_array_index (ids, gint64, i),
                                      .deleted = TRUE,
                                      .updated_at = deleted_at };
      g_autofree char  *doc =
          _desk_server_record_to_string (&tombstone, (gpointer) desk_message_record_to_json);

      stmt = _desk_server_prepare (self, "UPDATE messages SET doc = ?1, seq = (SELECT"
                                         " COALESCE(MAX(seq), 0) + 1 FROM messages) WHERE id = ?2");
      sqlite3_bind_text (stmt, 1, doc, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, tombstone.id);
      if (!_desk_server_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
_desk_server_save_article (DeskServer *self, DeskArticleRecord *article, GError **error)
{
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;

  stmt = _desk_server_prepare (self, "SELECT version FROM articles WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, article->id);
  article->version = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) + 1 : 1;
  sqlite3_reset (stmt);
  article->updated_at = g_get_real_time ();

  doc = _desk_server_record_to_string (article, (gpointer) desk_article_record_to_json);
  stmt = _desk_server_prepare (
      self, "INSERT OR REPLACE INTO articles (id, seq, version, deleted, doc)"
            " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM articles), ?2, ?3, ?4)");
  sqlite3_bind_int64 (stmt, 1, article->id);
  sqlite3_bind_int64 (stmt, 2, article->version);
  sqlite3_bind_int (stmt, 3, article->deleted);
  sqlite3_bind_text (stmt, 4, doc, -1, SQLITE_STATIC);

  return _desk_server_step_done (self, stmt, error);
}

gboolean
_desk_server_save_canned (DeskServer *self, DeskCannedRecord *canned, GError **error)
{
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;

  if (canned->id == 0)
    {
      stmt = _desk_server_prepare (self, "SELECT COALESCE(MAX(id), 0) + 1 FROM canned");
      sqlite3_step (stmt);
      canned->id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  canned->updated_at = g_get_real_time ();

  doc = _desk_server_record_to_string (canned, (gpointer) desk_canned_record_to_json);
  stmt = _desk_server_prepare (
      self, "INSERT OR REPLACE INTO canned (id, seq, owner_id, deleted, doc)"
            " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM canned), ?2, ?3, ?4)");
  sqlite3_bind_int64 (stmt, 1, canned->id);
  bind_nullable (stmt, 2, canned->owner_id);
  sqlite3_bind_int (stmt, 3, canned->deleted);
  sqlite3_bind_text (stmt, 4, doc, -1, SQLITE_STATIC);

  return _desk_server_step_done (self, stmt, error);
}

/* The reply @user_id created with @client_id, as it is now: a tombstone
 * once deleted. NULL when there is none. */
DeskCannedRecord *
_desk_server_find_canned_by_client_id (DeskServer *self, gint64 user_id, const char *client_id)
{
  sqlite3_stmt *stmt;
  g_autoptr (JsonNode) node = NULL;

  stmt = _desk_server_prepare (self, "SELECT c.doc FROM canned_client_ids k"
                                     " JOIN canned c ON c.id = k.canned_id"
                                     " WHERE k.user_id = ? AND k.client_id = ?");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, client_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    node = desk_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);

  return node ? desk_canned_record_from_json (node, NULL, NULL) : NULL;
}

/* Saves a new reply and, with a @client_id, the key its repeats find it by:
 * both or neither, so that a crash between them cannot make a duplicate. */
gboolean
_desk_server_create_canned (DeskServer       *self,
                            DeskCannedRecord *canned,
                            gint64            user_id,
                            const char       *client_id,
                            GError          **error)
{
  sqlite3_stmt *stmt;

  if (!_desk_server_begin (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "The database is busy");
      return FALSE;
    }

  if (!_desk_server_save_canned (self, canned, error))
    {
      _desk_server_rollback (self);
      return FALSE;
    }

  if (client_id != NULL)
    {
      stmt = _desk_server_prepare (self, "INSERT INTO canned_client_ids (user_id, client_id,"
                                         " canned_id) VALUES (?, ?, ?)");
      sqlite3_bind_int64 (stmt, 1, user_id);
      sqlite3_bind_text (stmt, 2, client_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, canned->id);
      if (!_desk_server_step_done (self, stmt, error))
        {
          _desk_server_rollback (self);
          return FALSE;
        }
    }

  if (!_desk_server_commit (self))
    {
      _desk_server_rollback (self);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not commit the canned reply");
      return FALSE;
    }

  return TRUE;
}

gboolean
_desk_server_save_quiz (DeskServer *self, DeskQuizRecord *quiz, GError **error)
{
  g_autoptr (JsonBuilder) full = json_builder_new_immutable ();
  g_autoptr (JsonBuilder) public = json_builder_new_immutable ();
  g_autofree char *full_doc = NULL;
  g_autofree char *public_doc = NULL;
  sqlite3_stmt    *stmt;

  desk_quiz_record_to_json (quiz, DESK_QUIZ_WITH_ANSWERS, full);
  desk_quiz_record_to_json (quiz, DESK_QUIZ_WITHOUT_ANSWERS, public);
  full_doc = desk_json_builder_to_string (full, NULL);
  public_doc = desk_json_builder_to_string (public, NULL);

  stmt = _desk_server_prepare (
      self, "INSERT OR REPLACE INTO quizzes (id, doc_full, doc_public) VALUES (?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, quiz->id);
  sqlite3_bind_text (stmt, 2, full_doc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, public_doc, -1, SQLITE_STATIC);

  return _desk_server_step_done (self, stmt, error);
}

gboolean
_desk_server_save_queue (DeskServer *self, DeskQueueRecord *queue, GError **error)
{
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;

  doc = _desk_server_record_to_string (queue, (gpointer) desk_queue_record_to_json);
  stmt =
      _desk_server_prepare (self, "INSERT OR REPLACE INTO queues (id, doc, first_response_minutes,"
                                  " resolution_minutes) VALUES (?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, queue->id);
  sqlite3_bind_text (stmt, 2, doc, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, queue->first_response_minutes);
  sqlite3_bind_int64 (stmt, 4, queue->resolution_minutes);

  return _desk_server_step_done (self, stmt, error);
}

static char *
ids_to_json (const gint64 *ids, guint n_ids)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

gint64
_desk_server_insert_user (DeskServer   *self,
                          gint64        id,
                          const char   *name,
                          const char   *email,
                          DeskRole      role,
                          const gint64 *queue_ids,
                          guint         n_queue_ids,
                          GError      **error)
{
  g_autofree char *queues = ids_to_json (queue_ids, n_queue_ids);
  sqlite3_stmt    *stmt;

  stmt = _desk_server_prepare (self, "INSERT OR REPLACE INTO users (id, name, email, role,"
                                     " queue_ids) VALUES (?, ?, ?, ?, ?)");
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  if (email != NULL && *email != '\0')
    sqlite3_bind_text (stmt, 3, email, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, desk_enum_to_nick (DESK_TYPE_ROLE, role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, queues, -1, SQLITE_STATIC);

  if (!_desk_server_step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

char *
_desk_server_insert_token (DeskServer *self, gint64 user_id, gint64 chat_id, GError **error)
{
  GString         *token = g_string_new (chat_id ? "adc_" : "adk_");
  g_autofree char *hash = NULL;
  sqlite3_stmt    *stmt;

  /* 192 random bits; GRand is not a CSPRNG, so read the kernel's. */
  {
    guint8 bytes[24];
    int    fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || read (fd, bytes, sizeof bytes) != sizeof bytes)
      g_error ("Cannot read /dev/urandom to make a token");
    close (fd);
    for (guint i = 0; i < sizeof bytes; i++)
      g_string_append_printf (token, "%02x", bytes[i]);
  }

  hash = hash_token (token->str);
  stmt = _desk_server_prepare (self, "INSERT INTO tokens (hash, user_id, chat_id, created_at)"
                                     " VALUES (?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (user_id != 0)
    sqlite3_bind_int64 (stmt, 2, user_id);
  if (chat_id != 0)
    sqlite3_bind_int64 (stmt, 3, chat_id);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());

  if (!_desk_server_step_done (self, stmt, error))
    {
      g_string_free (token, TRUE);
      return NULL;
    }

  return g_string_free (token, FALSE);
}

void
_desk_caller_free (DeskCaller *caller)
{
  if (caller == NULL)
    return;

  g_free (caller->name);
  g_clear_pointer (&caller->queue_ids, g_array_unref);
  g_free (caller->queue_ids_json);
  g_free (caller);
}

gboolean
_desk_caller_sees_queue (const DeskCaller *caller, gint64 queue_id)
{
  if (caller->role == DESK_ROLE_LEAD || caller->role == DESK_ROLE_ADMIN)
    return TRUE;

  for (guint i = 0; i < caller->queue_ids->len; i++)
    if (g_array_index (caller->queue_ids, gint64, i) == queue_id)
      return TRUE;

  return FALSE;
}

/* A token stops working at once: a lead took it back, or it leaked. */
gboolean
_desk_server_revoke_token (DeskServer *self, const char *token)
{
  g_autofree char *hash = hash_token (token);
  sqlite3_stmt    *stmt;

  stmt = _desk_server_prepare (self, "DELETE FROM tokens WHERE hash = ?");
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return sqlite3_changes (self->db) > 0;
}

DeskCaller *
_desk_server_lookup_token (DeskServer *self, const char *token)
{
  g_autofree char *hash = NULL;
  g_autoptr (DeskCaller) caller = NULL;
  g_autoptr (JsonNode) queues = NULL;
  sqlite3_stmt *stmt;
  int           role;

  if (token == NULL || strlen (token) > 200)
    return NULL;

  hash = hash_token (token);
  stmt = _desk_server_prepare (self, "SELECT t.user_id, t.chat_id, u.name, u.role, u.queue_ids"
                                     " FROM tokens t LEFT JOIN users u ON u.id = t.user_id"
                                     " WHERE t.hash = ?");
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return NULL;
    }

  caller = g_new0 (DeskCaller, 1);
  caller->user_id = sqlite3_column_int64 (stmt, 0);
  caller->chat_id = sqlite3_column_int64 (stmt, 1);
  caller->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  if (!desk_enum_from_nick (DESK_TYPE_ROLE, (const char *) sqlite3_column_text (stmt, 3), &role))
    role = DESK_ROLE_TRAINEE;
  caller->role = role;
  caller->queue_ids_json = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  sqlite3_reset (stmt);

  if (caller->queue_ids_json == NULL)
    caller->queue_ids_json = g_strdup ("[]");
  caller->queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  queues = desk_json_parse (caller->queue_ids_json, -1, NULL);
  if (queues != NULL && JSON_NODE_HOLDS_ARRAY (queues))
    {
      JsonArray *array = json_node_get_array (queues);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gint64 id = json_array_get_int_element (array, i);
          g_array_append_val (caller->queue_ids, id);
        }
    }

  return g_steal_pointer (&caller);
}
