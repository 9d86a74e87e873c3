/* desk-store.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include "desk-article-search-private.h"
#include "desk-fts-rank.h"
#include "desk-fts-tokenizer.h"
#include "desk-json.h"
#include "desk-sqlite.h"
#include "desk-store-private.h"

struct _DeskStore
{
  GObject parent_instance;

  char           *path;
  sqlite3        *db;
  GHashTable     *statements; /* SQL text -> sqlite3_stmt */
  DeskTermCounts *article_terms;
  DeskTermCounts *canned_terms;

  gboolean loading_without_sort_indexes;
};

G_DEFINE_FINAL_TYPE (DeskStore, desk_store, G_TYPE_OBJECT)

enum
{
  TICKETS_CHANGED,
  MESSAGES_CHANGED,
  ARTICLES_CHANGED,
  CANNED_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Before the first answer the response target counts, after it the
 * resolution target; a ticket with neither sorts last. */
#define NO_SLA_SQL "9223372036854775807"
#define SLA_DUE_SQL                                                                                \
  "coalesce(CASE WHEN first_responded_at IS NULL THEN first_response_due ELSE resolution_due"      \
  " END, " NO_SLA_SQL ")"
#define WAITING_SINCE_SQL "coalesce(last_message_at, created_at)"

/* The indexes of the inbox sorts, and of live chats. A first sync loads its
 * tickets without them and builds them once at the end: kept current page by
 * page, they wrote most of their pages again at every commit and halved the
 * sync rate. Part of migration 4: add new ones in a new migration. */
#define SORT_INDEXES_SQL                                                                           \
  "CREATE INDEX IF NOT EXISTS tickets_by_sla ON tickets (sla_due, id);"                            \
  "CREATE INDEX IF NOT EXISTS tickets_by_priority ON tickets (priority DESC, sla_due, id);"        \
  "CREATE INDEX IF NOT EXISTS tickets_by_created ON tickets (created_at DESC, id DESC);"           \
  "CREATE INDEX IF NOT EXISTS tickets_by_waiting ON tickets (waiting_since, id);"                  \
  "CREATE INDEX IF NOT EXISTS tickets_by_kind ON tickets (kind, status);"
#define DROP_SORT_INDEXES_SQL                                                                      \
  "DROP INDEX IF EXISTS tickets_by_sla; DROP INDEX IF EXISTS tickets_by_priority;"                 \
  "DROP INDEX IF EXISTS tickets_by_created; DROP INDEX IF EXISTS tickets_by_waiting;"              \
  "DROP INDEX IF EXISTS tickets_by_kind;"

/* One entry a schema version: migrations[i] takes a cache from version i to
 * i + 1. Never edit a released entry; add one. */
static const char *migrations[] = {
  /* 1: the synced collections, cursors, the outbox and drafts */
  "CREATE TABLE cursors (collection TEXT PRIMARY KEY, cursor TEXT NOT NULL);"
  "CREATE TABLE tickets (id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL, channel INTEGER NOT NULL, subject TEXT NOT NULL,"
  "  status INTEGER NOT NULL, priority INTEGER NOT NULL, queue_id INTEGER NOT NULL,"
  "  assignee_id INTEGER, requester_id INTEGER, requester_name TEXT, requester_email TEXT,"
  "  requester_locale TEXT, tags TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL, first_response_due INTEGER, resolution_due INTEGER,"
  "  first_responded_at INTEGER, solved_at INTEGER, last_message_at INTEGER,"
  "  message_count INTEGER NOT NULL DEFAULT 0, csat INTEGER);"
  "CREATE INDEX tickets_by_status ON tickets (status, first_response_due);"
  "CREATE INDEX tickets_by_queue ON tickets (queue_id, status);"
  "CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);"
  "CREATE TABLE messages (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL,"
  "  author_type INTEGER NOT NULL, author_id INTEGER, author_name TEXT NOT NULL,"
  "  visibility INTEGER NOT NULL, body TEXT NOT NULL, body_html TEXT,"
  "  created_at INTEGER NOT NULL, client_id TEXT, attachments TEXT);"
  "CREATE INDEX messages_by_ticket ON messages (ticket_id, created_at);"
  "CREATE TABLE articles (id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
  "  title TEXT NOT NULL, body TEXT NOT NULL, category TEXT, tags TEXT, locale TEXT,"
  "  updated_at INTEGER, url TEXT);"
  "CREATE TABLE canned (id INTEGER PRIMARY KEY, title TEXT NOT NULL, shortcut TEXT,"
  "  body TEXT NOT NULL, category TEXT, locale TEXT, owner_id INTEGER, updated_at INTEGER);"
  "CREATE TABLE outbox (id INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL, ticket_id INTEGER, payload TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT, created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE drafts (ticket_id INTEGER PRIMARY KEY, body TEXT NOT NULL,"
  "  visibility INTEGER NOT NULL, updated_at INTEGER NOT NULL);",

  /* 2: full-text search over the knowledge base and the inbox */
  "CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, content='articles',"
  "  content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');"
  "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');"
  "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN"
  "  INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body); END;"
  "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN"
  "  INSERT INTO articles_fts (articles_fts, rowid, title, body)"
  "  VALUES ('delete', old.id, old.title, old.body); END;"
  "CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN"
  "  INSERT INTO articles_fts (articles_fts, rowid, title, body)"
  "  VALUES ('delete', old.id, old.title, old.body);"
  "  INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body); END;"
  "CREATE VIRTUAL TABLE tickets_fts USING fts5 (subject, requester, content='',"
  "  tokenize='unicode61 remove_diacritics 2');"
  "INSERT INTO tickets_fts (rowid, subject, requester)"
  "  SELECT id, subject, coalesce(requester_name, '') || ' ' || coalesce(requester_email, '')"
  "  FROM tickets;"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content='messages', content_rowid='id',"
  "  tokenize='unicode61 remove_diacritics 2');"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END;"
  "CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END;"
  "CREATE TRIGGER messages_au AFTER UPDATE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END;",

  /* 3: the full-text indexes are kept per page, not per row (FTS5 flushes
   * its buffer at every statement's savepoint, so row triggers made one
   * index segment a row). */
  "DROP TRIGGER articles_ai; DROP TRIGGER articles_ad; DROP TRIGGER articles_au;"
  "DROP TRIGGER messages_ai; DROP TRIGGER messages_ad; DROP TRIGGER messages_au;",

  /* 4: the inbox sorts read plain columns with an index each, so the first
   * rows of a big view come from walking an index, not from sorting every
   * open ticket (SQLite ignored expression indexes on the SLA term). */
  "ALTER TABLE tickets ADD COLUMN sla_due INTEGER NOT NULL DEFAULT " NO_SLA_SQL ";"
  "ALTER TABLE tickets ADD COLUMN waiting_since INTEGER NOT NULL DEFAULT 0;"
  "UPDATE tickets SET sla_due = " SLA_DUE_SQL ", waiting_since = " WAITING_SINCE_SQL
  ";" SORT_INDEXES_SQL "ANALYZE tickets;",

  /* 5: Chinese and Japanese text is searchable (see desk-fts-tokenizer.c),
   * and canned replies get an index of their own. */
  "DROP TABLE articles_fts; DROP TABLE tickets_fts; DROP TABLE messages_fts;"
  "CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, content='articles',"
  "  content_rowid='id', tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2', prefix='2 3');"
  "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');"
  "CREATE VIRTUAL TABLE tickets_fts USING fts5 (subject, requester, content='',"
  "  tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2');"
  "INSERT INTO tickets_fts (rowid, subject, requester)"
  "  SELECT id, subject, coalesce(requester_name, '') || ' ' || coalesce(requester_email, '')"
  "  FROM tickets;"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content='messages', content_rowid='id',"
  "  tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2');"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE VIRTUAL TABLE canned_fts USING fts5 (title, shortcut, body, content='canned',"
  "  content_rowid='id', tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2', prefix='2 3');"
  "INSERT INTO canned_fts (canned_fts) VALUES ('rebuild');",

  /* 6: a knowledge-base search in the customer's language, or in one
   * category, lists the articles that pass from an index: locale follows
   * the body in a row, and reading it from the table read every article's
   * overflow pages (13 ms for 10,000 articles of 2 KB, 0.4 ms so). */
  "CREATE INDEX articles_by_locale ON articles (locale, category);",

  /* 7: the articles' titles have a full-text index of their own: a search
   * ranks title matches first, and finding them in the index of whole
   * articles walked the doclists of every article that mentions the words. */
  "CREATE VIRTUAL TABLE article_titles_fts USING fts5 (title, content='articles',"
  "  content_rowid='id', tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2', prefix='2 3');"
  "INSERT INTO article_titles_fts (article_titles_fts) VALUES ('rebuild');",

  /* 8: who wrote each change waiting in the outbox: it is sent with their
   * token only, never with the token of someone who signs in after them.
   * NULL for changes written before (sent by whoever is signed in). */
  "ALTER TABLE outbox ADD COLUMN user_id INTEGER;",
};

static const char *collection_names[] = { "tickets", "messages", "articles", "canned" };

guint
_desk_store_get_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

static int
user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int           version = 0;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  return desk_sqlite_exec (db, sql, error);
}

/* Each step runs in its own transaction with its version bump, so an
 * interrupted migration leaves the cache at the last complete version. */
gboolean
_desk_store_migrate (sqlite3 *db, int target_version, GError **error)
{
  int version = user_version (db);

  /* Every connection that goes through here reads the full-text tables. */
  if (!desk_fts_tokenizer_register (db, error) || !desk_fts_rank_register (db, error))
    return FALSE;

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The cache was written by a newer Agent Desk (schema %d)", version);
      return FALSE;
    }

  for (; version < target_version; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (db, migrations[version], error) || !exec (db, bump, error))
        {
          exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (db, "COMMIT", error))
        return FALSE;
    }

  return TRUE;
}

DeskStore *
desk_store_new (const char *path, GError **error)
{
  g_autoptr (DeskStore) self = g_object_new (DESK_TYPE_STORE, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  self->path = g_strdup (path);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open the cache %s: %s", path,
                   sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if (!exec (self->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", error) ||
      !_desk_store_migrate (self->db, G_N_ELEMENTS (migrations), error))
    return NULL;

  self->article_terms = desk_term_counts_new (self->db, "articles_fts", error);
  if (self->article_terms == NULL)
    return NULL;
  self->canned_terms = desk_term_counts_new (self->db, "canned_fts", error);
  if (self->canned_terms == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

const char *
desk_store_get_path (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  return self->path;
}

int
desk_store_get_schema_version (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  return user_version (self->db);
}

static sqlite3_stmt *
prepare (DeskStore *self, const char *sql)
{
  return desk_sqlite_prepare_cached (self->db, self->statements, sql);
}

static gboolean
step_done (DeskStore *self, sqlite3_stmt *stmt, GError **error)
{
  return desk_sqlite_step_done (self->db, stmt, error);
}

static void
bind_nullable (sqlite3_stmt *stmt, int column, gint64 value)
{
  if (value != 0)
    sqlite3_bind_int64 (stmt, column, value);
  else
    sqlite3_bind_null (stmt, column);
}

static void
bind_text (sqlite3_stmt *stmt, int column, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

/* The full-text entries of the rows a page touches: dropped before the rows
 * change (the indexes need the old text to forget it), added back after. */
static const char *index_before[] = {
  "INSERT INTO tickets_fts (tickets_fts, rowid, subject, requester) SELECT 'delete', id, subject,"
  " coalesce(requester_name, '') || ' ' || coalesce(requester_email, '') FROM tickets"
  " WHERE id IN (SELECT value FROM json_each(?1));"
  "INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', id, body FROM messages"
  " WHERE ticket_id IN (SELECT value FROM json_each(?2))",
  "INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', id, body FROM messages"
  " WHERE id IN (SELECT value FROM json_each(?1))",
  "INSERT INTO articles_fts (articles_fts, rowid, title, body) SELECT 'delete', id, title, body"
  " FROM articles WHERE id IN (SELECT value FROM json_each(?1));"
  "INSERT INTO article_titles_fts (article_titles_fts, rowid, title) SELECT 'delete', id, title"
  " FROM articles WHERE id IN (SELECT value FROM json_each(?1))",
  "INSERT INTO canned_fts (canned_fts, rowid, title, shortcut, body) SELECT 'delete', id, title,"
  " shortcut, body FROM canned WHERE id IN (SELECT value FROM json_each(?1))",
};

static const char *index_after[] = {
  "INSERT INTO tickets_fts (rowid, subject, requester) SELECT id, subject,"
  " coalesce(requester_name, '') || ' ' || coalesce(requester_email, '') FROM tickets"
  " WHERE id IN (SELECT value FROM json_each(?1))",
  "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages"
  " WHERE id IN (SELECT value FROM json_each(?1))",
  "INSERT INTO articles_fts (rowid, title, body) SELECT id, title, body FROM articles"
  " WHERE id IN (SELECT value FROM json_each(?1));"
  "INSERT INTO article_titles_fts (rowid, title) SELECT id, title FROM articles"
  " WHERE id IN (SELECT value FROM json_each(?1))",
  "INSERT INTO canned_fts (rowid, title, shortcut, body) SELECT id, title, shortcut, body"
  " FROM canned WHERE id IN (SELECT value FROM json_each(?1))",
};

/* Runs the ;-separated statements of @sql with ?1 and ?2 bound. */
static gboolean
run_index_sql (
    DeskStore *self, const char *sql, const char *ids, const char *deleted_ids, GError **error)
{
  const char *tail = sql;

  while (tail != NULL && *tail != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      int           rc;

      if (sqlite3_prepare_v2 (self->db, tail, -1, &stmt, &tail) != SQLITE_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cache error: %s",
                       sqlite3_errmsg (self->db));
          return FALSE;
        }
      if (stmt == NULL)
        break;
      sqlite3_bind_text (stmt, 1, ids, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_text (stmt, 2, deleted_ids, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cache error: %s",
                       sqlite3_errmsg (self->db));
          return FALSE;
        }
    }

  return TRUE;
}

static gint64
record_id (DeskStoreCollection collection, gpointer record, gboolean *deleted)
{
  switch (collection)
    {
      case DESK_STORE_COLLECTION_TICKETS:
        *deleted = ((DeskTicketRecord *) record)->deleted;
        return ((DeskTicketRecord *) record)->id;
      case DESK_STORE_COLLECTION_MESSAGES:
        *deleted = ((DeskMessageRecord *) record)->deleted;
        return ((DeskMessageRecord *) record)->id;
      case DESK_STORE_COLLECTION_ARTICLES:
        *deleted = ((DeskArticleRecord *) record)->deleted;
        return ((DeskArticleRecord *) record)->id;
      case DESK_STORE_COLLECTION_CANNED:
      default:
        *deleted = ((DeskCannedRecord *) record)->deleted;
        return ((DeskCannedRecord *) record)->id;
    }
}

static gboolean
delete_row (DeskStore *self, const char *sql, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, sql);

  sqlite3_bind_int64 (stmt, 1, id);
  return step_done (self, stmt, error);
}

/* SLA_DUE_SQL for a record. */
static gint64
sla_due (const DeskTicketRecord *ticket)
{
  gint64 due =
      ticket->first_responded_at == 0 ? ticket->first_response_due : ticket->resolution_due;

  return due != 0 ? due : G_MAXINT64;
}

/* The columns of a ticket row, as ?1 to ?25 in this order: id, version,
 * kind, channel, subject, status, priority, queue_id, assignee_id,
 * requester_id, requester_name, requester_email, requester_locale, tags,
 * created_at, updated_at, first_response_due, resolution_due,
 * first_responded_at, solved_at, last_message_at, message_count, csat,
 * sla_due, waiting_since. @tags must live until the statement is reset. */
static void
bind_ticket (sqlite3_stmt *stmt, DeskTicketRecord *ticket, const char *tags)
{
  sqlite3_bind_int64 (stmt, 1, ticket->id);
  sqlite3_bind_int64 (stmt, 2, ticket->version);
  sqlite3_bind_int (stmt, 3, ticket->kind);
  sqlite3_bind_int (stmt, 4, ticket->channel);
  bind_text (stmt, 5, ticket->subject);
  sqlite3_bind_int (stmt, 6, ticket->status);
  sqlite3_bind_int (stmt, 7, ticket->priority);
  sqlite3_bind_int64 (stmt, 8, ticket->queue_id);
  bind_nullable (stmt, 9, ticket->assignee_id);
  sqlite3_bind_int64 (stmt, 10, ticket->requester.id);
  bind_text (stmt, 11, ticket->requester.name);
  bind_text (stmt, 12, ticket->requester.email);
  bind_text (stmt, 13, ticket->requester.locale);
  bind_text (stmt, 14, tags);
  sqlite3_bind_int64 (stmt, 15, ticket->created_at);
  sqlite3_bind_int64 (stmt, 16, ticket->updated_at);
  bind_nullable (stmt, 17, ticket->first_response_due);
  bind_nullable (stmt, 18, ticket->resolution_due);
  bind_nullable (stmt, 19, ticket->first_responded_at);
  bind_nullable (stmt, 20, ticket->solved_at);
  bind_nullable (stmt, 21, ticket->last_message_at);
  sqlite3_bind_int64 (stmt, 22, ticket->message_count);
  bind_nullable (stmt, 23, ticket->csat);
  sqlite3_bind_int64 (stmt, 24, sla_due (ticket));
  sqlite3_bind_int64 (stmt, 25,
                      ticket->last_message_at ? ticket->last_message_at : ticket->created_at);
}

static char *
ticket_tags (DeskTicketRecord *ticket)
{
  return ticket->tags ? g_strjoinv ("\n", ticket->tags) : g_strdup ("");
}

static gboolean
ticket_unchanged (DeskStore *self, DeskTicketRecord *ticket)
{
  g_autofree char *tags = ticket_tags (ticket);
  sqlite3_stmt    *stmt;
  gboolean         same;

  stmt = prepare (self, "SELECT 1 FROM tickets WHERE id = ?1 AND version IS ?2 AND kind IS ?3"
                        " AND channel IS ?4 AND subject IS ?5 AND status IS ?6"
                        " AND priority IS ?7 AND queue_id IS ?8 AND assignee_id IS ?9"
                        " AND requester_id IS ?10 AND requester_name IS ?11"
                        " AND requester_email IS ?12 AND requester_locale IS ?13 AND tags IS ?14"
                        " AND created_at IS ?15 AND updated_at IS ?16"
                        " AND first_response_due IS ?17 AND resolution_due IS ?18"
                        " AND first_responded_at IS ?19 AND solved_at IS ?20"
                        " AND last_message_at IS ?21 AND message_count IS ?22 AND csat IS ?23"
                        " AND sla_due IS ?24 AND waiting_since IS ?25");
  bind_ticket (stmt, ticket, tags);
  same = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return same;
}

static gboolean
apply_ticket (DeskStore *self, DeskTicketRecord *ticket, GError **error)
{
  g_autofree char *tags = NULL;
  sqlite3_stmt    *stmt;

  if (ticket->deleted)
    return delete_row (self, "DELETE FROM messages WHERE ticket_id = ?", ticket->id, error) &&
           delete_row (self, "DELETE FROM tickets WHERE id = ?", ticket->id, error);

  tags = ticket_tags (ticket);
  stmt = prepare (self,
                  "INSERT OR REPLACE INTO tickets (id, version, kind, channel, subject, status,"
                  " priority, queue_id, assignee_id, requester_id, requester_name,"
                  " requester_email, requester_locale, tags, created_at, updated_at,"
                  " first_response_due, resolution_due, first_responded_at, solved_at,"
                  " last_message_at, message_count, csat, sla_due, waiting_since) VALUES (?1, ?2,"
                  " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
                  " ?20, ?21, ?22, ?23, ?24, ?25)");
  bind_ticket (stmt, ticket, tags);
  return step_done (self, stmt, error);
}

static char *
message_attachments (DeskMessageRecord *message)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (message->attachments == NULL || message->attachments->len == 0)
    return NULL;

  builder = json_builder_new_immutable ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < message->attachments->len; i++)
    desk_attachment_record_to_json (g_ptr_array_index (message->attachments, i), builder);
  json_builder_end_array (builder);

  return desk_json_builder_to_string (builder, NULL);
}

/* The columns of a message row, as ?1 to ?11 in this order: id, ticket_id,
 * author_type, author_id, author_name, visibility, body, body_html,
 * created_at, client_id, attachments. */
static void
bind_message (sqlite3_stmt *stmt, DeskMessageRecord *message, const char *attachments)
{
  sqlite3_bind_int64 (stmt, 1, message->id);
  sqlite3_bind_int64 (stmt, 2, message->ticket_id);
  sqlite3_bind_int (stmt, 3, message->author_type);
  bind_nullable (stmt, 4, message->author_id);
  bind_text (stmt, 5, message->author_name ? message->author_name : "");
  sqlite3_bind_int (stmt, 6, message->visibility);
  bind_text (stmt, 7, message->body ? message->body : "");
  bind_text (stmt, 8, message->body_html);
  sqlite3_bind_int64 (stmt, 9, message->created_at);
  bind_text (stmt, 10, message->client_id);
  bind_text (stmt, 11, attachments);
}

static gboolean
message_unchanged (DeskStore *self, DeskMessageRecord *message)
{
  g_autofree char *attachments = message_attachments (message);
  sqlite3_stmt    *stmt;
  gboolean         same;

  stmt = prepare (self, "SELECT 1 FROM messages WHERE id = ?1 AND ticket_id IS ?2"
                        " AND author_type IS ?3 AND author_id IS ?4 AND author_name IS ?5"
                        " AND visibility IS ?6 AND body IS ?7 AND body_html IS ?8"
                        " AND created_at IS ?9 AND client_id IS ?10 AND attachments IS ?11");
  bind_message (stmt, message, attachments);
  same = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return same;
}

static gboolean
apply_message (DeskStore *self, DeskMessageRecord *message, GError **error)
{
  g_autofree char *attachments = NULL;
  sqlite3_stmt    *stmt;

  if (message->deleted)
    return delete_row (self, "DELETE FROM messages WHERE id = ?", message->id, error);

  attachments = message_attachments (message);
  stmt = prepare (self, "INSERT OR REPLACE INTO messages (id, ticket_id, author_type, author_id,"
                        " author_name, visibility, body, body_html, created_at, client_id,"
                        " attachments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  bind_message (stmt, message, attachments);

  return step_done (self, stmt, error);
}

/* Whether the cache holds @record as it is: a first sync may bring open
 * work twice (from a server without `skip_open`, see DeskSync), and a sync
 * that resumes after a crash may bring a page again. Such rows are left alone, full-text entries included:
 * dropping and making those again took the whole feeds of bench-sync's
 * first sync from about 20 s to 30. */
static gboolean
record_unchanged (DeskStore *self, DeskStoreCollection collection, gpointer record)
{
  switch (collection)
    {
      case DESK_STORE_COLLECTION_TICKETS:
        return !((DeskTicketRecord *) record)->deleted && ticket_unchanged (self, record);
      case DESK_STORE_COLLECTION_MESSAGES:
        return !((DeskMessageRecord *) record)->deleted && message_unchanged (self, record);
      case DESK_STORE_COLLECTION_ARTICLES:
      case DESK_STORE_COLLECTION_CANNED:
      default:
        return FALSE;
    }
}

/* The records of @records that the cache does not hold as they are. One
 * query finds which of their rows exist (mostly none, in a first sync), and
 * only those are compared: a lookup for each record slowed the loading of
 * new rows down by a fifth or more. */
static GPtrArray *
changed_records (DeskStore *self, DeskStoreCollection collection, GPtrArray *records)
{
  static const char *existing_sql[] = {
    [DESK_STORE_COLLECTION_TICKETS] =
        "SELECT id FROM tickets WHERE id IN (SELECT value FROM json_each(?))",
    [DESK_STORE_COLLECTION_MESSAGES] =
        "SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))",
    [DESK_STORE_COLLECTION_ARTICLES] = NULL,
    [DESK_STORE_COLLECTION_CANNED] = NULL,
  };
  g_autoptr (GHashTable) existing = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GArray) existing_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *changed = g_ptr_array_sized_new (records->len);

  if (collection < G_N_ELEMENTS (existing_sql) && existing_sql[collection] != NULL)
    {
      g_autoptr (GString) ids = g_string_new ("[");
      sqlite3_stmt *stmt;

      for (guint i = 0; i < records->len; i++)
        {
          gboolean deleted;
          gint64   id = record_id (collection, g_ptr_array_index (records, i), &deleted);

          g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "", id);
        }
      g_string_append_c (ids, ']');

      stmt = prepare (self, existing_sql[collection]);
      sqlite3_bind_text (stmt, 1, ids->str, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (existing_ids, id);
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      for (guint i = 0; i < existing_ids->len; i++)
        g_hash_table_add (existing, &g_array_index (existing_ids, gint64, i));
    }

  for (guint i = 0; i < records->len; i++)
    {
      gpointer record = g_ptr_array_index (records, i);
      gboolean deleted;
      gint64   id = record_id (collection, record, &deleted);

      if (!g_hash_table_contains (existing, &id) || !record_unchanged (self, collection, record))
        g_ptr_array_add (changed, record);
    }

  return changed;
}

static gboolean
apply_article (DeskStore *self, DeskArticleRecord *article, GError **error)
{
  g_autofree char *tags = NULL;
  sqlite3_stmt    *stmt;

  if (article->deleted)
    return delete_row (self, "DELETE FROM articles WHERE id = ?", article->id, error);

  tags = article->tags ? g_strjoinv ("\n", article->tags) : NULL;
  stmt = prepare (self, "INSERT OR REPLACE INTO articles (id, version, title, body, category,"
                        " tags, locale, updated_at, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, article->id);
  sqlite3_bind_int64 (stmt, 2, article->version);
  bind_text (stmt, 3, article->title ? article->title : "");
  bind_text (stmt, 4, article->body ? article->body : "");
  bind_text (stmt, 5, article->category);
  bind_text (stmt, 6, tags);
  bind_text (stmt, 7, article->locale);
  bind_nullable (stmt, 8, article->updated_at);
  bind_text (stmt, 9, article->url);

  return step_done (self, stmt, error);
}

static gboolean
apply_canned (DeskStore *self, DeskCannedRecord *canned, GError **error)
{
  sqlite3_stmt *stmt;

  if (canned->deleted)
    return delete_row (self, "DELETE FROM canned WHERE id = ?", canned->id, error);

  stmt = prepare (self, "INSERT OR REPLACE INTO canned (id, title, shortcut, body, category,"
                        " locale, owner_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, canned->id);
  bind_text (stmt, 2, canned->title ? canned->title : "");
  bind_text (stmt, 3, canned->shortcut);
  bind_text (stmt, 4, canned->body ? canned->body : "");
  bind_text (stmt, 5, canned->category);
  bind_text (stmt, 6, canned->locale);
  bind_nullable (stmt, 7, canned->owner_id);
  bind_nullable (stmt, 8, canned->updated_at);

  return step_done (self, stmt, error);
}

/* A first load writes the full-text indexes a page at a time, a segment
 * each: merging them as they come (FTS5's automerge) took an eighth of
 * the CPU of bench-sync's first sync. The merging waits until the load is
 * over (desk_store_optimize_search()); FTS5's crisismerge still bounds the
 * segments of each level meanwhile. The setting is stored in the index, so
 * a load that a crash interrupts keeps it until it ends. */
#define FIRST_LOAD_FTS_SQL                                                                         \
  "INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 0);"                           \
  "INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);"

/* Before the first page of tickets lands in an empty cache (see
 * SORT_INDEXES_SQL and FIRST_LOAD_FTS_SQL); desk_store_optimize() and
 * desk_store_optimize_search() undo that. */
static gboolean
drop_sort_indexes_for_first_load (DeskStore *self, GError **error)
{
  g_autofree char *cursor = NULL;

  if (self->loading_without_sort_indexes)
    return TRUE;

  cursor = desk_store_dup_cursor (self, DESK_STORE_COLLECTION_TICKETS);
  if (cursor != NULL || desk_store_count (self, DESK_STORE_COLLECTION_TICKETS) > 0)
    return TRUE;

  if (!exec (self->db, DROP_SORT_INDEXES_SQL FIRST_LOAD_FTS_SQL, error))
    return FALSE;
  self->loading_without_sort_indexes = TRUE;

  return TRUE;
}

gboolean
desk_store_apply_page (DeskStore          *self,
                       DeskStoreCollection collection,
                       GPtrArray          *records,
                       const char         *next_cursor,
                       GError            **error)
{
  g_return_val_if_fail (collection < G_N_ELEMENTS (collection_names), FALSE);

  return desk_store_apply_page_at (self, collection, records, collection_names[collection],
                                   next_cursor, error);
}

/* Applying a page again is harmless: rows are replaced (or left alone when
 * they are the same), and each page drops the full-text entries of the rows
 * it changes before it adds them back. */
gboolean
desk_store_apply_page_at (DeskStore          *self,
                          DeskStoreCollection collection,
                          GPtrArray          *records,
                          const char         *cursor_name,
                          const char         *next_cursor,
                          GError            **error)
{
  g_autoptr (GPtrArray) changed = NULL;
  g_autofree char *page_ids = NULL;
  g_autofree char *deleted_ids = NULL;
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (collection < G_N_ELEMENTS (collection_names), FALSE);
  g_return_val_if_fail (cursor_name != NULL || next_cursor == NULL, FALSE);

  /* From here on, only the records that change something. */
  if (records != NULL && records->len > 0)
    records = changed = changed_records (self, collection, records);

  if (records != NULL && records->len > 0)
    {
      g_autoptr (GString) all = g_string_new ("[");
      g_autoptr (GString) deleted = g_string_new ("[");

      for (guint i = 0; i < records->len; i++)
        {
          gboolean is_deleted = FALSE;
          gint64   id = record_id (collection, g_ptr_array_index (records, i), &is_deleted);

          g_string_append_printf (all, "%s%" G_GINT64_FORMAT, i ? "," : "", id);
          if (is_deleted)
            g_string_append_printf (deleted, "%s%" G_GINT64_FORMAT, deleted->len > 1 ? "," : "",
                                    id);
        }
      g_string_append_c (all, ']');
      g_string_append_c (deleted, ']');
      page_ids = g_string_free (g_steal_pointer (&all), FALSE);
      deleted_ids = g_string_free (g_steal_pointer (&deleted), FALSE);
    }

  if (collection == DESK_STORE_COLLECTION_TICKETS && page_ids != NULL &&
      !drop_sort_indexes_for_first_load (self, error))
    return FALSE;

  if (!exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (page_ids != NULL && index_before[collection] != NULL &&
      !run_index_sql (self, index_before[collection], page_ids, deleted_ids, error))
    {
      exec (self->db, "ROLLBACK", NULL);
      return FALSE;
    }

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      gpointer record = g_ptr_array_index (records, i);
      gboolean ok = FALSE;

      switch (collection)
        {
          case DESK_STORE_COLLECTION_TICKETS:
            ok = apply_ticket (self, record, error);
            break;
          case DESK_STORE_COLLECTION_MESSAGES:
            ok = apply_message (self, record, error);
            break;
          case DESK_STORE_COLLECTION_ARTICLES:
            ok = apply_article (self, record, error);
            break;
          case DESK_STORE_COLLECTION_CANNED:
            ok = apply_canned (self, record, error);
            break;
          default:
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown collection");
            break;
        }

      if (!ok)
        {
          exec (self->db, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  if (page_ids != NULL && index_after[collection] != NULL &&
      !run_index_sql (self, index_after[collection], page_ids, deleted_ids, error))
    {
      exec (self->db, "ROLLBACK", NULL);
      return FALSE;
    }

  if (next_cursor != NULL)
    {
      stmt = prepare (self, "INSERT OR REPLACE INTO cursors (collection, cursor) VALUES (?, ?)");
      bind_text (stmt, 1, cursor_name);
      bind_text (stmt, 2, next_cursor);
      if (!step_done (self, stmt, error))
        {
          exec (self->db, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  if (!exec (self->db, "COMMIT", error))
    return FALSE;

  if (collection != DESK_STORE_COLLECTION_MESSAGES && records != NULL && records->len > 0)
    {
      g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), records->len);
      guint signal_id = collection == DESK_STORE_COLLECTION_TICKETS    ? signals[TICKETS_CHANGED]
                        : collection == DESK_STORE_COLLECTION_ARTICLES ? signals[ARTICLES_CHANGED]
                                                                       : signals[CANNED_CHANGED];

      for (guint i = 0; i < records->len; i++)
        {
          gboolean is_deleted;
          gint64   id = record_id (collection, g_ptr_array_index (records, i), &is_deleted);

          g_array_append_val (ids, id);
        }
      g_signal_emit (self, signal_id, 0, ids);
    }

  if (collection == DESK_STORE_COLLECTION_MESSAGES && records != NULL && records->len > 0)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr (GArray) ticket_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < records->len; i++)
        {
          DeskMessageRecord *message = g_ptr_array_index (records, i);

          if (message->ticket_id != 0 && g_hash_table_add (seen, &message->ticket_id))
            g_array_append_val (ticket_ids, message->ticket_id);
        }
      g_signal_emit (self, signals[MESSAGES_CHANGED], 0, ticket_ids);
    }

  return TRUE;
}

char *
desk_store_dup_cursor (DeskStore *self, DeskStoreCollection collection)
{
  g_return_val_if_fail (collection < G_N_ELEMENTS (collection_names), NULL);

  return desk_store_dup_named_cursor (self, collection_names[collection]);
}

char *
desk_store_dup_named_cursor (DeskStore *self, const char *cursor_name)
{
  sqlite3_stmt *stmt;
  char         *cursor = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (cursor_name != NULL, NULL);

  stmt = prepare (self, "SELECT cursor FROM cursors WHERE collection = ?");
  bind_text (stmt, 1, cursor_name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return cursor;
}

gint64
desk_store_count (DeskStore *self, DeskStoreCollection collection)
{
  static const char *counts[] = {
    "SELECT COUNT(*) FROM tickets",
    "SELECT COUNT(*) FROM messages",
    "SELECT COUNT(*) FROM articles",
    "SELECT COUNT(*) FROM canned",
  };
  sqlite3_stmt *stmt;
  gint64        count;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (collection < G_N_ELEMENTS (counts), 0);

  stmt = prepare (self, counts[collection]);
  sqlite3_step (stmt);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return count;
}

DeskTicketRecord *
desk_store_load_ticket (DeskStore *self, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  sqlite3_stmt *stmt;
  const char   *tags;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, version, kind, channel, subject, status, priority, queue_id,"
                        " assignee_id, requester_id, requester_name, requester_email,"
                        " requester_locale, tags, created_at, updated_at, first_response_due,"
                        " resolution_due, first_responded_at, solved_at, last_message_at,"
                        " message_count, csat FROM tickets WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return NULL;
    }

  ticket = g_new0 (DeskTicketRecord, 1);
  ticket->id = sqlite3_column_int64 (stmt, 0);
  ticket->version = sqlite3_column_int64 (stmt, 1);
  ticket->kind = sqlite3_column_int (stmt, 2);
  ticket->channel = sqlite3_column_int (stmt, 3);
  ticket->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  ticket->status = sqlite3_column_int (stmt, 5);
  ticket->priority = sqlite3_column_int (stmt, 6);
  ticket->queue_id = sqlite3_column_int64 (stmt, 7);
  ticket->assignee_id = sqlite3_column_int64 (stmt, 8);
  ticket->requester.id = sqlite3_column_int64 (stmt, 9);
  ticket->requester.name = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  ticket->requester.email = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  ticket->requester.locale = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
  tags = (const char *) sqlite3_column_text (stmt, 13);
  ticket->tags = tags && *tags ? g_strsplit (tags, "\n", -1) : g_new0 (char *, 1);
  ticket->created_at = sqlite3_column_int64 (stmt, 14);
  ticket->updated_at = sqlite3_column_int64 (stmt, 15);
  ticket->first_response_due = sqlite3_column_int64 (stmt, 16);
  ticket->resolution_due = sqlite3_column_int64 (stmt, 17);
  ticket->first_responded_at = sqlite3_column_int64 (stmt, 18);
  ticket->solved_at = sqlite3_column_int64 (stmt, 19);
  ticket->last_message_at = sqlite3_column_int64 (stmt, 20);
  ticket->message_count = sqlite3_column_int64 (stmt, 21);
  ticket->csat = sqlite3_column_int (stmt, 22);
  sqlite3_reset (stmt);

  return g_steal_pointer (&ticket);
}

/* The thread of a ticket, oldest first. */
#define MESSAGE_COLUMNS                                                                            \
  "id, ticket_id, author_type, author_id, author_name, visibility, body, body_html,"               \
  " created_at, client_id, attachments"

static DeskMessageRecord *
message_from_row (sqlite3_stmt *stmt)
{
  DeskMessageRecord *message = g_new0 (DeskMessageRecord, 1);
  const char        *attachments = (const char *) sqlite3_column_text (stmt, 10);

  message->id = sqlite3_column_int64 (stmt, 0);
  message->ticket_id = sqlite3_column_int64 (stmt, 1);
  message->author_type = sqlite3_column_int (stmt, 2);
  message->author_id = sqlite3_column_int64 (stmt, 3);
  message->author_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  message->visibility = sqlite3_column_int (stmt, 5);
  message->body = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  message->body_html = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  message->created_at = sqlite3_column_int64 (stmt, 8);
  message->client_id = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  if (attachments != NULL)
    {
      g_autoptr (JsonNode) node = desk_json_parse (attachments, -1, NULL);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        message->attachments =
            desk_records_from_json_array (json_node_get_array (node), "attachments",
                                          (DeskRecordDecodeFunc) desk_attachment_record_from_json,
                                          (GDestroyNotify) desk_attachment_record_free, NULL);
    }

  return message;
}

GPtrArray *
desk_store_load_messages (DeskStore *self, gint64 ticket_id)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE ticket_id = ?"
                        " ORDER BY created_at, id");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));
  sqlite3_reset (stmt);

  return messages;
}

DeskMessageRecord *
desk_store_load_message (DeskStore *self, gint64 message_id)
{
  DeskMessageRecord *message = NULL;
  sqlite3_stmt      *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    message = message_from_row (stmt);
  sqlite3_reset (stmt);

  return message;
}

/* The start of the last public message, on one line, for an inbox row. */
char *
desk_store_dup_excerpt (DeskStore *self, gint64 ticket_id)
{
  g_autoptr (GString) excerpt = NULL;
  sqlite3_stmt *stmt;
  const char   *body;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT substr(body, 1, 400) FROM messages WHERE ticket_id = ? AND"
                        " visibility = 0 ORDER BY created_at DESC, id DESC LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return NULL;
    }

  body = (const char *) sqlite3_column_text (stmt, 0);
  excerpt = g_string_new (NULL);
  for (const char *p = body; p && *p && excerpt->len < 200; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (g_unichar_isspace (c))
        {
          if (excerpt->len > 0 && excerpt->str[excerpt->len - 1] != ' ')
            g_string_append_c (excerpt, ' ');
        }
      else
        g_string_append_unichar (excerpt, c);
    }
  sqlite3_reset (stmt);

  return g_string_free (g_steal_pointer (&excerpt), FALSE);
}

/* Since when the customer of @ticket_id waits for an answer: their first
 * public message after the last one of an agent, 0 when an agent spoke last
 * or nobody spoke yet. Live-chat rows count the wait from it. */
gint64
desk_store_get_waiting_since (DeskStore *self, gint64 ticket_id)
{
  sqlite3_stmt *stmt;
  gint64        since = 0;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  stmt = prepare (self, "SELECT min(created_at) FROM messages WHERE ticket_id = ?1"
                        " AND visibility = 0 AND author_type = ?2 AND created_at >"
                        " coalesce((SELECT max(created_at) FROM messages WHERE ticket_id = ?1"
                        " AND visibility = 0 AND author_type = ?3), -1)");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_int (stmt, 2, DESK_AUTHOR_CUSTOMER);
  sqlite3_bind_int (stmt, 3, DESK_AUTHOR_AGENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    since = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return since;
}

/* "reset 2fa" -> "reset"* "2fa"*: every word, as a prefix, all required. */
static gboolean
is_ideograph (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA ||
         script == G_UNICODE_SCRIPT_KATAKANA;
}

char *
_desk_store_fts_query (const char *text)
{
  g_autoptr (GString) query = g_string_new (NULL);
  g_autofree char *folded = NULL;
  g_auto (GStrv) words = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  for (char *p = folded; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '_')
        memset (p, ' ', g_utf8_next_char (p) - p);
    }
  words = g_strsplit (folded ? folded : "", " ", -1);

  for (guint i = 0; words[i]; i++)
    {
      gboolean last = TRUE;

      if (*words[i] == '\0')
        continue;
      for (guint j = i + 1; words[j]; j++)
        last &= *words[j] == '\0';
      /* A one-letter word being typed narrows little and costs most (no
       * prefix index holds one letter): it waits for its second letter.
       * Alone, it starts no search at all. A Chinese or Japanese
       * character is a word of its own, and goes. */
      if (last && g_utf8_strlen (words[i], -1) == 1 && !is_ideograph (g_utf8_get_char (words[i])))
        break;
      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_printf (query, "\"%s\"*", words[i]);
    }

  return query->len ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}

gboolean
desk_store_text_starts_search (const char *text)
{
  g_autofree char *query = _desk_store_fts_query (text);

  return query != NULL;
}

#define MAX_SUGGESTION_TERMS 10

/* Words too common to tell articles apart. */
static const char *stop_words[] = {
  "about", "after", "again", "also",   "and",  "any",  "are",    "because", "been",  "but",
  "can",   "could", "did",   "does",   "dear", "for",  "from",   "had",     "has",   "have",
  "hello", "help",  "her",   "here",   "his",  "how",  "into",   "its",     "just",  "like",
  "many",  "more",  "much",  "not",    "now",  "our",  "please", "regards", "she",   "should",
  "some",  "than",  "thank", "thanks", "that", "the",  "their",  "them",    "then",  "there",
  "these", "they",  "this",  "was",    "were", "what", "when",   "where",   "which", "who",
  "why",   "will",  "with",  "would",  "you",  "your", NULL,
};

static void
add_term (GPtrArray *terms, GHashTable *seen, char *term)
{
  if (g_hash_table_contains (seen, term))
    {
      g_free (term);
      return;
    }
  g_hash_table_add (seen, term);
  g_ptr_array_add (terms, term);
}

/* @word without its accents, as the index holds it (remove_diacritics). */
static char *
strip_diacritics (const char *word)
{
  g_autofree char *decomposed = g_utf8_normalize (word, -1, G_NORMALIZE_NFD);
  g_autoptr (GString) stripped = g_string_new (NULL);

  for (const char *p = decomposed; p && *p; p = g_utf8_next_char (p))
    if (g_unichar_type (g_utf8_get_char (p)) != G_UNICODE_NON_SPACING_MARK)
      g_string_append_unichar (stripped, g_utf8_get_char (p));

  return g_utf8_normalize (stripped->str, -1, G_NORMALIZE_NFC);
}

GPtrArray *
_desk_store_suggestion_terms (const char *text)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folded = NULL;
  g_auto (GStrv) words = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_steal_pointer (&terms);

  folded = g_utf8_casefold (text, -1);
  for (char *p = folded; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isalnum (g_utf8_get_char (p)))
      memset (p, ' ', g_utf8_next_char (p) - p);
  words = g_strsplit (folded, " ", -1);

  /* Chinese has no spaces: each pair of neighbouring characters stands in
   * for the words of a run, which the index holds as single characters. */
  for (guint i = 0; words[i]; i++)
    {
      const char *run = NULL;

      for (const char *p = words[i]; *p; p = g_utf8_next_char (p))
        {
          if (!is_ideograph (g_utf8_get_char (p)))
            {
              run = NULL;
              continue;
            }
          if (run != NULL)
            add_term (terms, seen,
                      g_strdup_printf ("%.*s %.*s", (int) (p - run), run,
                                       (int) (g_utf8_next_char (p) - p), p));
          run = p;
        }

      if (g_utf8_strlen (words[i], -1) >= 3 && !is_ideograph (g_utf8_get_char (words[i])) &&
          !g_strv_contains (stop_words, words[i]))
        add_term (terms, seen, strip_diacritics (words[i]));
    }

  return g_steal_pointer (&terms);
}

typedef struct
{
  const char *term;
  gint64      n_documents;
} RatedTerm;

static int
compare_rated_terms (gconstpointer a, gconstpointer b)
{
  const RatedTerm *x = a;
  const RatedTerm *y = b;
  glong            x_length = g_utf8_strlen (x->term, -1);
  glong            y_length = g_utf8_strlen (y->term, -1);

  if (x->n_documents != y->n_documents)
    return x->n_documents < y->n_documents ? -1 : 1;
  if (x_length != y_length)
    return x_length > y_length ? -1 : 1;
  return strcmp (x->term, y->term);
}

char *
_desk_store_fts_any_word_query (DeskTermCounts *counts, const char *text)
{
  g_autoptr (GPtrArray) terms = _desk_store_suggestion_terms (text);
  g_autoptr (GArray) rated = g_array_new (FALSE, FALSE, sizeof (RatedTerm));
  g_autoptr (GString) query = g_string_new (NULL);

  /* The rarer a word, the more it tells of what a message is about, and the
   * fewer articles it brings to rank; a word no article holds brings none.
   * A pair of Chinese characters is no commoner than its rarer character. */
  for (guint i = 0; i < terms->len; i++)
    {
      const char *term = g_ptr_array_index (terms, i);
      const char *space = strchr (term, ' ');
      RatedTerm   rating = { term, 0 };

      if (space != NULL)
        {
          g_autofree char *first = g_strndup (term, space - term);

          rating.n_documents = MIN (desk_term_counts_lookup (counts, first),
                                    desk_term_counts_lookup (counts, space + 1));
        }
      else
        rating.n_documents = desk_term_counts_lookup (counts, term);

      if (rating.n_documents > 0)
        g_array_append_val (rated, rating);
    }

  /* Each term costs the search a pass over its documents: the ten that
   * tell most (a suggestion over 32 took three times as long). */
  g_array_sort (rated, compare_rated_terms);
  for (guint i = 0; i < MIN (rated->len, MAX_SUGGESTION_TERMS); i++)
    g_string_append_printf (query, "%s\"%s\"", i ? " OR " : "",
                            g_array_index (rated, RatedTerm, i).term);

  return query->len ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}

void
desk_article_hit_free (DeskArticleHit *hit)
{
  if (hit == NULL)
    return;

  g_free (hit->title);
  g_free (hit->title_marked);
  g_free (hit->url);
  g_free (hit->snippet);
  g_free (hit->category);
  g_free (hit->locale);
  g_free (hit);
}

GPtrArray *
desk_store_find_articles (DeskStore *self, const DeskArticleQuery *query, GError **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return _desk_article_search_query (self->db, self->statements, self->article_terms, query, NULL,
                                     error);
}

GPtrArray *
desk_store_search_articles (DeskStore *self, const char *text, guint limit, GError **error)
{
  DeskArticleQuery query = { .text = text, .limit = limit };

  return desk_store_find_articles (self, &query, error);
}

DeskArticleRecord *
desk_store_load_article (DeskStore *self, gint64 article_id)
{
  DeskArticleRecord *article = NULL;
  sqlite3_stmt      *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, version, title, body, category, tags, locale, updated_at, url"
                        " FROM articles WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, article_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *tags = (const char *) sqlite3_column_text (stmt, 5);

      article = g_new0 (DeskArticleRecord, 1);
      article->id = sqlite3_column_int64 (stmt, 0);
      article->version = sqlite3_column_int64 (stmt, 1);
      article->title = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      article->body = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      article->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      article->tags = tags && *tags ? g_strsplit (tags, "\n", -1) : g_new0 (char *, 1);
      article->locale = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      article->updated_at = sqlite3_column_int64 (stmt, 7);
      article->url = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
    }
  sqlite3_reset (stmt);

  return article;
}

/* The distinct values of a text column, sorted, for filter menus. */
static GStrv
list_distinct (DeskStore *self, const char *sql)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = prepare (self, sql);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return g_strv_builder_end (builder);
}

GStrv
desk_store_list_article_categories (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  return list_distinct (self, "SELECT DISTINCT category FROM articles WHERE category IS NOT NULL"
                              " ORDER BY category");
}

GStrv
desk_store_list_article_locales (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  return list_distinct (self, "SELECT DISTINCT locale FROM articles WHERE locale IS NOT NULL"
                              " ORDER BY locale");
}

/* Canned replies */

static DeskCannedRecord *
canned_from_row (sqlite3_stmt *stmt)
{
  DeskCannedRecord *canned = g_new0 (DeskCannedRecord, 1);

  canned->id = sqlite3_column_int64 (stmt, 0);
  canned->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  canned->shortcut = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  canned->body = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  canned->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  canned->locale = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  canned->owner_id = sqlite3_column_int64 (stmt, 6);
  canned->updated_at = sqlite3_column_int64 (stmt, 7);

  return canned;
}

#define CANNED_COLUMNS                                                                             \
  "c.id, c.title, c.shortcut, c.body, c.category, c.locale, c.owner_id, c.updated_at"

GPtrArray *
desk_store_find_canned (
    DeskStore *self, const char *text, const char *category, guint limit, GError **error)
{
  g_autoptr (GPtrArray) replies =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autofree char *match = _desk_store_fts_query (text);
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  /* A shortcut typed whole counts most, then the title, then the body. */
  if (match != NULL)
    stmt = prepare (self, "SELECT " CANNED_COLUMNS " FROM canned_fts"
                          " JOIN canned c ON c.id = canned_fts.rowid"
                          " WHERE canned_fts MATCH ?1 AND (?2 IS NULL OR c.category = ?2)"
                          " ORDER BY bm25(canned_fts, 10.0, 20.0, 1.0), c.title LIMIT ?3");
  else
    stmt = prepare (self, "SELECT " CANNED_COLUMNS " FROM canned c"
                          " WHERE ?1 IS NULL AND (?2 IS NULL OR c.category = ?2)"
                          " ORDER BY coalesce(c.category, ''), c.title, c.id LIMIT ?3");
  bind_text (stmt, 1, match);
  bind_text (stmt, 2, category);
  sqlite3_bind_int (stmt, 3, limit > 0 ? (int) limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (replies, canned_from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Search failed: %s",
                   sqlite3_errmsg (self->db));
      return NULL;
    }

  return g_steal_pointer (&replies);
}

GPtrArray *
desk_store_find_canned_by_shortcut (DeskStore *self, const char *prefix, guint limit)
{
  g_autoptr (GPtrArray) replies =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  /* substr, not LIKE: a shortcut may hold % and _. Exact matches first. */
  stmt = prepare (self, "SELECT " CANNED_COLUMNS " FROM canned c WHERE c.shortcut IS NOT NULL"
                        " AND substr(lower(c.shortcut), 1, length(?1)) = lower(?1)"
                        " ORDER BY lower(c.shortcut) != lower(?1), length(c.shortcut),"
                        " c.shortcut LIMIT ?2");
  bind_text (stmt, 1, prefix ? prefix : "");
  sqlite3_bind_int (stmt, 2, limit > 0 ? (int) limit : -1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (replies, canned_from_row (stmt));
  sqlite3_reset (stmt);

  return g_steal_pointer (&replies);
}

DeskCannedRecord *
desk_store_load_canned (DeskStore *self, gint64 canned_id)
{
  DeskCannedRecord *canned = NULL;
  sqlite3_stmt     *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " CANNED_COLUMNS " FROM canned c WHERE c.id = ?");
  sqlite3_bind_int64 (stmt, 1, canned_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    canned = canned_from_row (stmt);
  sqlite3_reset (stmt);

  return canned;
}

GPtrArray *
desk_store_suggest_canned (DeskStore *self, const char *text, guint limit)
{
  g_autoptr (GPtrArray) replies =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autofree char *match = NULL;
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  match = _desk_store_fts_any_word_query (self->canned_terms, text);
  if (match == NULL)
    return g_steal_pointer (&replies);

  stmt = prepare (self, "SELECT " CANNED_COLUMNS " FROM canned_fts"
                        " JOIN canned c ON c.id = canned_fts.rowid WHERE canned_fts MATCH ?1"
                        " ORDER BY bm25(canned_fts, 10.0, 0.0, 1.0), c.id LIMIT ?2");
  bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, limit > 0 ? (int) limit : -1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (replies, canned_from_row (stmt));
  sqlite3_reset (stmt);

  return g_steal_pointer (&replies);
}

GStrv
desk_store_list_canned_categories (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  return list_distinct (self, "SELECT DISTINCT category FROM canned WHERE category IS NOT NULL"
                              " ORDER BY category");
}

/* The customer's other tickets, open ones first, newest first: what a
 * ticket can be merged into. */
GPtrArray *
desk_store_find_tickets_of_requester (DeskStore *self,
                                      gint64     requester_id,
                                      gint64     except_id,
                                      guint      limit)
{
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  if (requester_id == 0)
    return g_steal_pointer (&tickets);

  stmt = prepare (self, "SELECT id FROM tickets WHERE requester_id = ?1 AND id != ?2"
                        " AND status != ?3 ORDER BY status >= ?4, created_at DESC LIMIT ?5");
  sqlite3_bind_int64 (stmt, 1, requester_id);
  sqlite3_bind_int64 (stmt, 2, except_id);
  sqlite3_bind_int (stmt, 3, DESK_TICKET_STATUS_CLOSED);
  sqlite3_bind_int (stmt, 4, DESK_TICKET_STATUS_SOLVED);
  sqlite3_bind_int (stmt, 5, limit > 0 ? (int) limit : -1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      DeskTicketRecord *ticket = desk_store_load_ticket (self, g_array_index (ids, gint64, i));

      if (ticket != NULL)
        g_ptr_array_add (tickets, ticket);
    }

  return g_steal_pointer (&tickets);
}

char *
desk_store_dup_last_customer_message (DeskStore *self, gint64 ticket_id)
{
  sqlite3_stmt *stmt;
  char         *body = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT body FROM messages WHERE ticket_id = ? AND author_type = ?"
                        " ORDER BY created_at DESC, id DESC LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_int (stmt, 2, DESK_AUTHOR_CUSTOMER);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return body;
}

/* Inbox views */

static void
append_filter (GString *sql, const DeskInboxFilter *filter)
{
  g_string_append (sql, " WHERE 1");

  if (filter->queue_id > 0)
    g_string_append (sql, " AND queue_id = :queue");
  if (filter->status_mask != 0)
    {
      gboolean first = TRUE;

      g_string_append (sql, " AND status IN (");
      for (int status = DESK_TICKET_STATUS_NEW; status <= DESK_TICKET_STATUS_CLOSED; status++)
        if (filter->status_mask & (1u << status))
          {
            g_string_append_printf (sql, "%s%d", first ? "" : ", ", status);
            first = FALSE;
          }
      g_string_append_c (sql, ')');
    }
  if (filter->assignee_id == DESK_ASSIGNEE_NOBODY)
    g_string_append (sql, " AND assignee_id IS NULL");
  else if (filter->assignee_id > 0)
    g_string_append (sql, " AND assignee_id = :assignee");
  if (filter->channel >= 0)
    g_string_append (sql, " AND channel = :channel");
  if (filter->kind >= 0)
    g_string_append (sql, " AND kind = :kind");
  if (filter->tag != NULL)
    g_string_append (sql, " AND instr(char(10) || tags || char(10), char(10) || :tag || char(10))");
  if (filter->search != NULL)
    g_string_append (sql,
                     " AND id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH :search"
                     " UNION SELECT m.ticket_id FROM messages_fts f JOIN messages m"
                     " ON m.id = f.rowid WHERE messages_fts MATCH :search)");
}

static void
bind_filter (sqlite3_stmt *stmt, const DeskInboxFilter *filter, const char *search_query)
{
  int index;

  if ((index = sqlite3_bind_parameter_index (stmt, ":queue")))
    sqlite3_bind_int64 (stmt, index, filter->queue_id);
  if ((index = sqlite3_bind_parameter_index (stmt, ":assignee")))
    sqlite3_bind_int64 (stmt, index, filter->assignee_id);
  if ((index = sqlite3_bind_parameter_index (stmt, ":channel")))
    sqlite3_bind_int (stmt, index, filter->channel);
  if ((index = sqlite3_bind_parameter_index (stmt, ":kind")))
    sqlite3_bind_int (stmt, index, filter->kind);
  if ((index = sqlite3_bind_parameter_index (stmt, ":tag")))
    sqlite3_bind_text (stmt, index, filter->tag, -1, SQLITE_TRANSIENT);
  if ((index = sqlite3_bind_parameter_index (stmt, ":search")))
    sqlite3_bind_text (stmt, index, search_query ? search_query : "", -1, SQLITE_TRANSIENT);
}

#define FEW_MATCHES 4096

/* Each sort walks its own index. When few tickets match, walking it would
 * read most of the table to find them, so a unary + hides the sort column
 * from the planner: it then reads the matches by their filter's index and
 * sorts those few. */
static const char *
order_by (DeskInboxSort sort, gboolean few_matches)
{
  switch (sort)
    {
      case DESK_INBOX_SORT_PRIORITY:
        return few_matches ? " ORDER BY +priority DESC, sla_due, id"
                           : " ORDER BY priority DESC, sla_due, id";
      case DESK_INBOX_SORT_NEWEST:
        return few_matches ? " ORDER BY +created_at DESC, id DESC"
                           : " ORDER BY created_at DESC, id DESC";
      case DESK_INBOX_SORT_LONGEST_WAITING:
        return few_matches ? " ORDER BY +waiting_since, id" : " ORDER BY waiting_since, id";
      case DESK_INBOX_SORT_SLA:
      default:
        return few_matches ? " ORDER BY +sla_due, id" : " ORDER BY sla_due, id";
    }
}

/* A search whose words match nothing in the index syntax yields no rows. */
static gboolean
prepare_query (DeskStore             *self,
               GString               *sql,
               const DeskInboxFilter *filter,
               sqlite3_stmt         **stmt,
               GError               **error)
{
  g_autofree char *search_query = NULL;

  if (filter->search != NULL)
    search_query = _desk_store_fts_query (filter->search);

  if (sqlite3_prepare_v2 (self->db, sql->str, -1, stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cache error: %s",
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  bind_filter (*stmt, filter, search_query);
  return TRUE;
}

/* Text with no words in it searches for nothing: the filter drops it. */
static DeskInboxFilter
effective_filter (const DeskInboxFilter *filter)
{
  DeskInboxFilter  effective = *filter;
  g_autofree char *query = filter->search ? _desk_store_fts_query (filter->search) : NULL;

  if (query == NULL)
    effective.search = NULL;

  return effective;
}

gint64
desk_store_count_tickets (DeskStore *self, const DeskInboxFilter *requested, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT COUNT(*) FROM tickets");
  DeskInboxFilter        filter_copy = effective_filter (requested);
  const DeskInboxFilter *filter = &filter_copy;
  sqlite3_stmt          *stmt = NULL;
  gint64                 count = -1;

  g_return_val_if_fail (DESK_IS_STORE (self), -1);

  append_filter (sql, filter);
  if (!prepare_query (self, sql, filter, &stmt, error))
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return count;
}

GArray *
desk_store_query_ticket_ids (DeskStore             *self,
                             const DeskInboxFilter *requested,
                             DeskInboxSort          sort,
                             guint                  limit,
                             gint64                 n_matching,
                             GError               **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT id FROM tickets");
  DeskInboxFilter        filter_copy = effective_filter (requested);
  const DeskInboxFilter *filter = &filter_copy;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int           rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  append_filter (sql, filter);
  g_string_append (sql, order_by (sort, n_matching >= 0 && n_matching <= FEW_MATCHES));
  if (limit > 0)
    g_string_append_printf (sql, " LIMIT %u", limit);

  if (!prepare_query (self, sql, filter, &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cache error: %s",
                   sqlite3_errmsg (self->db));
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* The planner picks a view's index by the figures in sqlite_stat1. Figures
 * from an empty cache make it sort a whole view of a big one, so they are
 * made again when the number of tickets has changed by a quarter. */
static void
update_statistics (DeskStore *self)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;
  gint64        analysed = 0;
  gint64        count;

  stmt = prepare (self, "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1"
                        " WHERE tbl = 'tickets' AND idx = 'tickets_by_status'");
  if (sqlite3_step (stmt) == SQLITE_ROW)
    analysed = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  count = desk_store_count (self, DESK_STORE_COLLECTION_TICKETS);
  if (ABS (count - analysed) * 4 <= MAX (analysed, 1000))
    return;

  if (!exec (self->db, "ANALYZE tickets", &error))
    g_warning ("Could not update the cache's statistics: %s", error->message);
}

/* The full-text indexes merge their segments again as rows are written,
 * after a first load (see FIRST_LOAD_FTS_SQL). */
void
desk_store_optimize_search (DeskStore *self)
{
  /* Literals: the statement cache keeps the SQL it is given. */
  static const struct
  {
    const char *name;
    const char *automerge_sql;
    const char *restore_sql;
  } indexes[] = {
    { "tickets_fts", "SELECT v FROM tickets_fts_config WHERE k = 'automerge'",
      "INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 4)" },
    { "messages_fts", "SELECT v FROM messages_fts_config WHERE k = 'automerge'",
      "INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4)" },
  };

  g_return_if_fail (DESK_IS_STORE (self));

  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autoptr (GError) error = NULL;
      sqlite3_stmt *stmt = prepare (self, indexes[i].automerge_sql);
      gboolean      off;

      off = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 0;
      sqlite3_reset (stmt);
      if (off && !exec (self->db, indexes[i].restore_sql, &error))
        g_warning ("Could not restore the merging of %s: %s", indexes[i].name, error->message);
    }
}

void
desk_store_optimize (DeskStore *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (DESK_IS_STORE (self));

  if (!exec (self->db, SORT_INDEXES_SQL, &error))
    g_warning ("Could not index the inbox: %s", error->message);
  self->loading_without_sort_indexes = FALSE;

  update_statistics (self);
}

/* Outbox */

void
desk_outbox_item_free (DeskOutboxItem *item)
{
  if (item == NULL)
    return;

  g_free (item->client_id);
  g_free (item->kind);
  g_free (item->payload);
  g_free (item->state);
  g_free (item->error);
  g_free (item);
}

gint64
desk_store_outbox_add (DeskStore  *self,
                       const char *kind,
                       gint64      ticket_id,
                       const char *payload,
                       gint64      user_id,
                       GError    **error)
{
  g_autofree char *client_id = g_uuid_string_random ();
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  stmt = prepare (self, "INSERT INTO outbox (client_id, kind, ticket_id, payload, created_at,"
                        " user_id) VALUES (?, ?, ?, ?, ?, ?)");
  bind_text (stmt, 1, client_id);
  bind_text (stmt, 2, kind);
  bind_nullable (stmt, 3, ticket_id);
  bind_text (stmt, 4, payload);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  bind_nullable (stmt, 6, user_id);
  if (!step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static DeskOutboxItem *
outbox_item_from_row (sqlite3_stmt *stmt)
{
  DeskOutboxItem *item = g_new0 (DeskOutboxItem, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->client_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  item->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  item->ticket_id = sqlite3_column_int64 (stmt, 3);
  item->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  item->state = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  item->attempts = sqlite3_column_int (stmt, 6);
  item->error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  item->next_attempt_at = sqlite3_column_int64 (stmt, 8);
  item->user_id = sqlite3_column_int64 (stmt, 9);

  return item;
}

#define OUTBOX_COLUMNS                                                                             \
  "id, client_id, kind, ticket_id, payload, state, attempts, error, next_attempt_at, user_id"

GPtrArray *
desk_store_outbox_list (DeskStore *self, gboolean only_due, gint64 now)
{
  GPtrArray    *items = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_outbox_item_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  /* In the order they were made: a reply is not overtaken by the next one. */
  if (only_due)
    {
      stmt = prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state IN ('queued',"
                            " 'sending') AND next_attempt_at <= ? ORDER BY id");
      sqlite3_bind_int64 (stmt, 1, now);
    }
  else
    stmt = prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id");

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, outbox_item_from_row (stmt));
  sqlite3_reset (stmt);

  return items;
}

/* The replies and notes of @ticket_id that have not reached the server yet
 * (queued, sending or failed), oldest first: what was already synced back
 * under its client id is left out. */
GPtrArray *
desk_store_outbox_list_messages (DeskStore *self, gint64 ticket_id)
{
  GPtrArray    *items = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_outbox_item_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), items);

  stmt = prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE ticket_id = ? AND"
                        " kind = 'message' AND state != 'sent' AND NOT EXISTS (SELECT 1 FROM"
                        " messages WHERE messages.ticket_id = outbox.ticket_id AND"
                        " messages.client_id = outbox.client_id) ORDER BY id");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, outbox_item_from_row (stmt));
  sqlite3_reset (stmt);

  return items;
}

/* When @id was written to the outbox, 0 when it is not there. */
gint64
desk_store_outbox_get_created_at (DeskStore *self, gint64 id)
{
  sqlite3_stmt *stmt;
  gint64        created_at = 0;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  stmt = prepare (self, "SELECT created_at FROM outbox WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    created_at = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return created_at;
}

DeskOutboxItem *
desk_store_outbox_get (DeskStore *self, gint64 id)
{
  DeskOutboxItem *item = NULL;
  sqlite3_stmt   *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    item = outbox_item_from_row (stmt);
  sqlite3_reset (stmt);

  return item;
}

gboolean
desk_store_outbox_update (DeskStore  *self,
                          gint64      id,
                          const char *state,
                          guint       attempts,
                          const char *error_text,
                          gint64      next_attempt_at,
                          GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  stmt = prepare (self, "UPDATE outbox SET state = ?, attempts = ?, error = ?,"
                        " next_attempt_at = ? WHERE id = ?");
  bind_text (stmt, 1, state);
  sqlite3_bind_int (stmt, 2, attempts);
  bind_text (stmt, 3, error_text);
  sqlite3_bind_int64 (stmt, 4, next_attempt_at);
  sqlite3_bind_int64 (stmt, 5, id);

  return step_done (self, stmt, error);
}

/* @id is written by @user_id from now on (0: by whoever is signed in). */
gboolean
desk_store_outbox_set_user (DeskStore *self, gint64 id, gint64 user_id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  stmt = prepare (self, "UPDATE outbox SET user_id = ? WHERE id = ?");
  bind_nullable (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, id);

  return step_done (self, stmt, error);
}

/* When the next waiting item that @user_id may send is due, or 0 when none
 * waits; @user_id 0 sends only the items of nobody in particular. */
gint64
desk_store_outbox_next_due (DeskStore *self, gint64 user_id)
{
  sqlite3_stmt *stmt;
  gint64        due = 0;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  stmt = prepare (self, "SELECT MIN(next_attempt_at), COUNT(*) FROM outbox"
                        " WHERE state IN ('queued', 'sending') AND (user_id IS NULL OR"
                        " user_id = ?)");
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 1) > 0)
    due = MAX (1, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);

  return due;
}

/* Drafts */

gboolean
desk_store_save_draft (
    DeskStore *self, gint64 ticket_id, const char *body, DeskVisibility visibility, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  if (body == NULL || *body == '\0')
    return delete_row (self, "DELETE FROM drafts WHERE ticket_id = ?", ticket_id, error);

  stmt = prepare (self, "INSERT OR REPLACE INTO drafts (ticket_id, body, visibility, updated_at)"
                        " VALUES (?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  bind_text (stmt, 2, body);
  sqlite3_bind_int (stmt, 3, visibility);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());

  return step_done (self, stmt, error);
}

char *
desk_store_dup_draft (DeskStore *self, gint64 ticket_id, DeskVisibility *visibility)
{
  sqlite3_stmt *stmt;
  char         *body = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT body, visibility FROM drafts WHERE ticket_id = ?");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (visibility != NULL)
        *visibility = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);

  return body;
}

static void
desk_store_finalize (GObject *object)
{
  DeskStore *self = DESK_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->article_terms, desk_term_counts_free);
  g_clear_pointer (&self->canned_terms, desk_term_counts_free);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (desk_store_parent_class)->finalize (object);
}

static void
desk_store_class_init (DeskStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_store_finalize;

  /* (GArray of gint64 ids): tickets written or deleted by a page. */
  signals[TICKETS_CHANGED] =
      g_signal_new ("tickets-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);

  /* (GArray of gint64 ticket ids): tickets whose thread a page changed. */
  signals[MESSAGES_CHANGED] =
      g_signal_new ("messages-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);

  /* (GArray of gint64 ids): articles written or deleted by a page. */
  signals[ARTICLES_CHANGED] =
      g_signal_new ("articles-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);

  /* (GArray of gint64 ids): canned replies written or deleted by a page. */
  signals[CANNED_CHANGED] =
      g_signal_new ("canned-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);
}

static void
desk_store_init (DeskStore *self)
{
  self->statements = desk_sqlite_statement_cache_new ();
}
