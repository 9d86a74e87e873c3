/* desk-server-api.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-api"

#include "config.h"

#include <string.h>

#include "desk-json.h"
#include "desk-server-private.h"
#include "desk-time.h"

/* The staff endpoints of the v1 API. Each handler answers the message; the
 * role rules of DESIGN.md are checked here, on every call. */

typedef struct
{
  DeskServer        *server;
  SoupServerMessage *msg;
  DeskCaller        *caller;
  GHashTable        *query;
} Request;

#define VIEWER_TIMEOUT_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  gint64 agent_id;
  char  *name;
  char  *state;
  gint64 expires;
} DeskViewer;

static void
desk_viewer_free (DeskViewer *viewer)
{
  g_free (viewer->name);
  g_free (viewer->state);
  g_free (viewer);
}

static gboolean
is_lead (const DeskCaller *caller)
{
  return caller->role == DESK_ROLE_LEAD || caller->role == DESK_ROLE_ADMIN;
}

static gint64
parse_id (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return -1;

  return value;
}

/* Reads a JSON object body; answers 400 and returns NULL when it is not one. */
static JsonNode *
read_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (GError) error = NULL;
  gsize       length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode   *node;

  if (length == 0)
    {
      _desk_server_send_error (msg, 400, "bad_request", "A JSON body is required");
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL))
    {
      _desk_server_send_error (msg, 400, "invalid_utf8", "The body is not valid UTF-8");
      return NULL;
    }

  node = desk_json_parse (data, length, &error);
  if (node == NULL)
    {
      _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      json_node_unref (node);
      _desk_server_send_error (msg, 400, "bad_request", "The body must be a JSON object");
      return NULL;
    }

  return node;
}

static void
bad_field (SoupServerMessage *msg, GError *error)
{
  _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
}

/* Collections synced by cursor: the cursor is `c` and the last seq
 * returned. The open message feed's adds `t` and the tickets' seq when its
 * first page was read (see send_open_message_page); other feeds take such a
 * cursor too and leave that part alone. */

static gboolean
parse_cursor (const char *text, gint64 *seq, gint64 *tickets_seq)
{
  g_autofree char *head = NULL;
  const char      *t;

  *seq = 0;
  *tickets_seq = -1;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (text[0] != 'c')
    return FALSE;

  t = strchr (text, 't');
  if (t == NULL)
    return g_ascii_string_to_signed (text + 1, 10, 0, G_MAXINT64, seq, NULL);

  head = g_strndup (text + 1, t - text - 1);
  return g_ascii_string_to_signed (head, 10, 0, G_MAXINT64, seq, NULL) &&
         g_ascii_string_to_signed (t + 1, 10, 0, G_MAXINT64, tickets_seq, NULL);
}

static gboolean
read_page_params (Request *request, gint64 *since, gint64 *limit)
{
  const char *since_text = request->query ? g_hash_table_lookup (request->query, "since") : NULL;
  const char *limit_text = request->query ? g_hash_table_lookup (request->query, "limit") : NULL;
  gint64      tickets_seq;
  gint64      value;

  *since = 0;
  *limit = 100;

  if (!parse_cursor (since_text, since, &tickets_seq))
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "since: not a cursor this server gave out");
      return FALSE;
    }

  if (limit_text != NULL)
    {
      if (!g_ascii_string_to_signed (limit_text, 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          _desk_server_send_error (request->msg, 400, "bad_request", "limit: expected an integer");
          return FALSE;
        }
      *limit = CLAMP (value, 1, DESK_SERVER_MAX_LIMIT);
    }

  return TRUE;
}

/* `?open=true` narrows the ticket and message feeds to open work; `false`,
 * like no parameter, is the whole feed. */
static gboolean
read_open_filter (Request *request, gboolean *open)
{
  const char *text = request->query ? g_hash_table_lookup (request->query, "open") : NULL;

  *open = FALSE;
  if (text == NULL || g_str_equal (text, "false") || request->server->ignore_open_filter)
    return TRUE;
  if (g_str_equal (text, "true"))
    {
      *open = TRUE;
      return TRUE;
    }

  _desk_server_send_error (request->msg, 400, "bad_request", "open: expected true or false");
  return FALSE;
}

/* `?skip_open=CURSOR` on the whole ticket and message feeds: CURSOR is the
 * `next` of the caller's last page of the same feed with `open=true`, and
 * the page leaves out what that feed has already delivered, so that a first
 * sync does not fetch the open work twice. That is an item at or before
 * CURSOR whose ticket is open work now and has not changed since (the open
 * feed saw it as it is). For a ticket, since its own seq: if it is at or
 * before CURSOR, the open feed read it after its last change. For a
 * message, since the ticket seq its feed began at (the `t` part of
 * CURSOR): the ticket was open work as it is now when each page was read.
 * Without a `t` part, no message is left out. */
static gboolean
read_skip_open (Request *request, gint64 *skip_seq, gint64 *skip_tickets_seq)
{
  const char *text = request->query ? g_hash_table_lookup (request->query, "skip_open") : NULL;

  if (!parse_cursor (text, skip_seq, skip_tickets_seq))
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "skip_open: not a cursor this server gave out");
      return FALSE;
    }
  if (request->server->ignore_open_filter)
    {
      *skip_seq = 0;
      *skip_tickets_seq = -1;
    }

  return TRUE;
}

/* How `remaining` is worked out after the last item of a page. */
typedef enum
{
  REMAINING_BY_SEQ,   /* the SQL answers MAX(seq): what is left is at most that minus the last */
  REMAINING_BY_COUNT, /* the SQL counts the rows after ?1 itself (?3: the caller's queues) */
} RemainingKind;

/* What a page's cursor says beside the last seq returned. */
typedef struct
{
  gint64 skipped;     /* the items up to this seq that are not there were left out on purpose */
  gint64 tickets_seq; /* the `t` part, or -1 for none */
} NextCursor;

static void send_page_full (Request          *request,
                            sqlite3_stmt     *stmt,
                            const char       *remaining_sql,
                            RemainingKind     remaining_kind,
                            gint64            since,
                            gint64            limit,
                            const NextCursor *next);

/* Runs @stmt, whose rows are (seq, doc), bound to fetch limit + 1 rows. */
static void
send_page (
    Request *request, sqlite3_stmt *stmt, const char *max_seq_sql, gint64 since, gint64 limit)
{
  send_page_full (request, stmt, max_seq_sql, REMAINING_BY_SEQ, since, limit,
                  &(NextCursor){ 0, -1 });
}

static void
send_page_full (Request          *request,
                sqlite3_stmt     *stmt,
                const char       *remaining_sql,
                RemainingKind     remaining_kind,
                gint64            since,
                gint64            limit,
                const NextCursor *next)
{
  sqlite3_stmt *max_stmt;
  gint64        remaining = 0;
  GString      *json = g_string_sized_new (4096);
  gint64        last = since;
  gint64        count = 0;
  gboolean      more = FALSE;

  g_string_append (json, "{\"items\":[");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (count == limit)
        {
          more = TRUE;
          break;
        }
      if (count > 0)
        g_string_append_c (json, ',');
      last = sqlite3_column_int64 (stmt, 0);
      g_string_append_len (json, (const char *) sqlite3_column_text (stmt, 1),
                           sqlite3_column_bytes (stmt, 1));
      count++;
    }
  sqlite3_reset (stmt);

  /* An upper bound of what is left (by seq, other queues' rows count too):
   * enough for a progress bar. */
  if (more && remaining_kind == REMAINING_BY_SEQ)
    {
      max_stmt = _desk_server_prepare (request->server, remaining_sql);
      if (sqlite3_step (max_stmt) == SQLITE_ROW)
        remaining = MAX (0, sqlite3_column_int64 (max_stmt, 0) - last);
      sqlite3_reset (max_stmt);
    }
  else if (more)
    {
      max_stmt = _desk_server_prepare (request->server, remaining_sql);
      sqlite3_bind_int64 (max_stmt, 1, last);
      if (sqlite3_bind_parameter_index (max_stmt, "?3") > 0)
        sqlite3_bind_text (max_stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
      if (sqlite3_step (max_stmt) == SQLITE_ROW)
        remaining = sqlite3_column_int64 (max_stmt, 0);
      sqlite3_reset (max_stmt);
      sqlite3_clear_bindings (max_stmt);
    }

  /* At the end of the feed, every item up to next->skipped that is not
   * there was left out: the cursor steps over them, and the next sync does
   * not look at them again. Anything written later gets a greater seq. */
  if (!more)
    last = MAX (last, next->skipped);

  g_string_append_printf (json, "],\"next\":\"c%" G_GINT64_FORMAT, last);
  if (next->tickets_seq >= 0)
    g_string_append_printf (json, "t%" G_GINT64_FORMAT, next->tickets_seq);
  g_string_append_printf (json, "\",\"more\":%s,\"remaining\":%" G_GINT64_FORMAT "}",
                          more ? "true" : "false", remaining);
  _desk_server_send_json (request->msg, 200, g_string_free (json, FALSE));
}

static void
send_list (Request *request, sqlite3_stmt *stmt)
{
  GString *json = g_string_new ("{\"items\":[");
  gboolean first = TRUE;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (!first)
        g_string_append_c (json, ',');
      first = FALSE;
      g_string_append (json, (const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_reset (stmt);

  g_string_append (json, "]}");
  _desk_server_send_json (request->msg, 200, g_string_free (json, FALSE));
}

static void
send_record (Request *request,
             guint    status,
             gpointer record,
             void (*to_json) (gconstpointer, JsonBuilder *))
{
  _desk_server_send_json (request->msg, status, _desk_server_record_to_string (record, to_json));
}

/* GET /me, /queues, /agents */

static void
user_to_json (sqlite3_stmt *stmt, JsonBuilder *builder)
{
  g_autoptr (JsonNode) queues = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  desk_json_add_string (builder, "name", (const char *) sqlite3_column_text (stmt, 1));
  desk_json_add_string (builder, "email", (const char *) sqlite3_column_text (stmt, 2));
  desk_json_add_string (builder, "role", (const char *) sqlite3_column_text (stmt, 3));
  queues = desk_json_parse ((const char *) sqlite3_column_text (stmt, 4), -1, NULL);
  json_builder_set_member_name (builder, "queue_ids");
  if (queues != NULL)
    json_builder_add_value (builder, g_steal_pointer (&queues));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  desk_json_add_string (builder, "presence", (const char *) sqlite3_column_text (stmt, 5));
  json_builder_end_object (builder);
}

static void
handle_me (Request *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  sqlite3_stmt *stmt;

  stmt = _desk_server_prepare (request->server, "SELECT id, name, email, role, queue_ids,"
                                                " presence FROM users WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, request->caller->user_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _desk_server_send_error (request->msg, 401, "unauthorized", "The user is gone");
      return;
    }
  user_to_json (stmt, builder);
  sqlite3_reset (stmt);

  _desk_server_send_json (request->msg, 200, desk_json_builder_to_string (builder, NULL));
}

static void
handle_agents (Request *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  sqlite3_stmt *stmt;

  stmt = _desk_server_prepare (request->server, "SELECT id, name, email, role, queue_ids,"
                                                " presence FROM users ORDER BY id");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    user_to_json (stmt, builder);
  sqlite3_reset (stmt);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  _desk_server_send_json (request->msg, 200, desk_json_builder_to_string (builder, NULL));
}

static void
handle_queues (Request *request)
{
  send_list (request, _desk_server_prepare (request->server, "SELECT doc FROM queues ORDER BY id"));
}

/* Tickets */

/* Open work only: the same feed, cursor and role rules, without the tickets
 * that are solved, closed or deleted (no tombstones: a client learns that a
 * ticket left the open ones from the whole feed). Exact counts are cheap
 * here (see tickets_open_by_seq), so `remaining` is one. */
static void
send_open_ticket_page (Request *request, gint64 since, gint64 limit)
{
  sqlite3_stmt *stmt;
  const char   *remaining_sql;

  if (is_lead (request->caller))
    {
      stmt = _desk_server_prepare (
          request->server, "SELECT seq, doc FROM tickets INDEXED BY tickets_open_by_seq"
                           " WHERE seq > ?1 AND " DESK_SERVER_OPEN_TICKET_SQL " ORDER BY seq"
                           " LIMIT ?2");
      remaining_sql = "SELECT COUNT(*) FROM tickets INDEXED BY tickets_open_by_seq"
                      " WHERE seq > ?1 AND " DESK_SERVER_OPEN_TICKET_SQL;
    }
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT seq, doc FROM tickets INDEXED BY tickets_open_by_seq"
                                   " WHERE seq > ?1 AND " DESK_SERVER_OPEN_TICKET_SQL
                                   " AND queue_id IN (SELECT value FROM json_each(?3)) ORDER BY seq"
                                   " LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
      remaining_sql = "SELECT COUNT(*) FROM tickets INDEXED BY tickets_open_by_seq"
                      " WHERE seq > ?1 AND " DESK_SERVER_OPEN_TICKET_SQL
                      " AND queue_id IN (SELECT value FROM json_each(?3))";
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);

  send_page_full (request, stmt, remaining_sql, REMAINING_BY_COUNT, since, limit,
                  &(NextCursor){ 0, -1 });
}

/* The whole feed without the open tickets up to @skip_seq (see
 * read_skip_open): they are where the open feed left them. */
static void
send_ticket_page_skipping_open (Request *request, gint64 since, gint64 limit, gint64 skip_seq)
{
  sqlite3_stmt *stmt;

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server,
                                 "SELECT seq, doc FROM tickets WHERE seq > ?1"
                                 " AND (seq > ?4 OR NOT (" DESK_SERVER_OPEN_TICKET_SQL "))"
                                 " ORDER BY seq LIMIT ?2");
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT seq, doc FROM tickets WHERE seq > ?1 AND queue_id IN"
                                   " (SELECT value FROM json_each(?3))"
                                   " AND (seq > ?4 OR NOT (" DESK_SERVER_OPEN_TICKET_SQL "))"
                                   " ORDER BY seq LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);
  sqlite3_bind_int64 (stmt, 4, skip_seq);

  send_page_full (request, stmt, "SELECT MAX(seq) FROM tickets", REMAINING_BY_SEQ, since, limit,
                  &(NextCursor){ skip_seq, -1 });
  sqlite3_clear_bindings (stmt);
}

static void
handle_ticket_page (Request *request)
{
  sqlite3_stmt *stmt;
  gint64        since;
  gint64        limit;
  gint64        skip_seq;
  gint64        skip_tickets_seq;
  gboolean      open;

  if (!read_page_params (request, &since, &limit) || !read_open_filter (request, &open) ||
      !read_skip_open (request, &skip_seq, &skip_tickets_seq))
    return;

  if (open)
    {
      send_open_ticket_page (request, since, limit);
      return;
    }

  if (skip_seq > since)
    {
      send_ticket_page_skipping_open (request, since, limit, skip_seq);
      return;
    }

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server,
                                 "SELECT seq, doc FROM tickets WHERE seq > ?1 ORDER BY seq"
                                 " LIMIT ?2");
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT seq, doc FROM tickets WHERE seq > ?1 AND queue_id IN"
                                   " (SELECT value FROM json_each(?3)) ORDER BY seq LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);

  send_page (request, stmt, "SELECT MAX(seq) FROM tickets", since, limit);
}

/* Loads a ticket the caller may see, or answers 404. */
static DeskTicketRecord *
load_visible_ticket (Request *request, gint64 ticket_id)
{
  DeskTicketRecord *ticket = NULL;
  gint64            queue_id = 0;

  if (ticket_id > 0)
    ticket = _desk_server_load_ticket (request->server, ticket_id, &queue_id);

  if (ticket == NULL || !_desk_caller_sees_queue (request->caller, queue_id))
    {
      g_clear_pointer (&ticket, desk_ticket_record_free);
      _desk_server_send_error (request->msg, 404, "not_found", "No such ticket");
      return NULL;
    }

  return ticket;
}

static void
send_ticket (Request *request, guint status, DeskTicketRecord *ticket)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonBuilder) viewers = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;

  /* The ticket's document plus who is on it right now. */
  desk_ticket_record_to_json (ticket, builder);
  node = json_builder_get_root (builder);
  _desk_server_viewers_to_json (request->server, ticket->id, viewers);
  json_object_set_member (json_node_get_object (node), "viewers", json_builder_get_root (viewers));

  json_generator_set_root (generator, node);
  _desk_server_send_json (request->msg, status, json_generator_to_data (generator, NULL));
}

static void
handle_ticket_get (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = load_visible_ticket (request, ticket_id);

  if (ticket != NULL)
    send_ticket (request, 200, ticket);
}

static gboolean
queue_exists (DeskServer *self, gint64 queue_id)
{
  sqlite3_stmt *stmt = _desk_server_prepare (self, "SELECT 1 FROM queues WHERE id = ?");
  gboolean      exists;

  sqlite3_bind_int64 (stmt, 1, queue_id);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return exists;
}

static gboolean
staff_exists (DeskServer *self, gint64 user_id)
{
  sqlite3_stmt *stmt = _desk_server_prepare (self, "SELECT 1 FROM users WHERE id = ?");
  gboolean      exists;

  sqlite3_bind_int64 (stmt, 1, user_id);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return exists;
}

static void
handle_ticket_patch (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char         *if_match = soup_message_headers_get_one (headers, "If-Match");
  JsonObject         *object;
  DeskCaller         *caller = request->caller;
  gint64              version;
  int                 status;
  int                 priority;
  gint64              assignee_id;
  gint64              queue_id;
  g_auto (GStrv) tags = NULL;

  if (!(ticket = load_visible_ticket (request, ticket_id)))
    return;

  if (if_match == NULL)
    {
      _desk_server_send_error (request->msg, 428, "precondition_required",
                               "If-Match with the ticket's version is required");
      return;
    }

  if (!(body = read_body (request->msg)))
    return;
  object = json_node_get_object (body);

  status = ticket->status;
  priority = ticket->priority;
  assignee_id = ticket->assignee_id;
  queue_id = ticket->queue_id;
  if (!desk_json_get_enum (object, NULL, "status", DESK_TYPE_TICKET_STATUS, DESK_JSON_OPTIONAL,
                           &status, &error) ||
      !desk_json_get_enum (object, NULL, "priority", DESK_TYPE_PRIORITY, DESK_JSON_OPTIONAL,
                           &priority, &error) ||
      !desk_json_get_int (object, NULL, "assignee_id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE,
                          &assignee_id, &error) ||
      !desk_json_get_int (object, NULL, "queue_id", DESK_JSON_OPTIONAL, &queue_id, &error) ||
      !desk_json_get_strv (object, NULL, "tags", DESK_JSON_OPTIONAL, &tags, &error))
    {
      bad_field (request->msg, error);
      return;
    }

  /* The role matrix: trainees write notes only; only leads assign others. */
  if (caller->role == DESK_ROLE_TRAINEE &&
      (json_object_has_member (object, "status") || json_object_has_member (object, "priority") ||
       json_object_has_member (object, "assignee_id") ||
       json_object_has_member (object, "queue_id")))
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Trainees may not change a ticket's status, priority, assignee "
                               "or queue");
      return;
    }
  if (!is_lead (caller) && assignee_id != ticket->assignee_id && assignee_id != 0 &&
      assignee_id != caller->user_id)
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Only team leads may assign a ticket to someone else");
      return;
    }
  if (assignee_id != 0 && assignee_id != ticket->assignee_id &&
      !staff_exists (request->server, assignee_id))
    {
      _desk_server_send_error (request->msg, 400, "bad_request", "assignee_id: no such agent");
      return;
    }
  if (queue_id != ticket->queue_id)
    {
      if (!queue_exists (request->server, queue_id))
        {
          _desk_server_send_error (request->msg, 400, "bad_request", "queue_id: no such queue");
          return;
        }
      if (!_desk_caller_sees_queue (caller, queue_id))
        {
          _desk_server_send_error (request->msg, 403, "forbidden",
                                   "You may not move tickets to a queue you are not in");
          return;
        }
    }

  if (!g_ascii_string_to_signed (if_match[0] == '"' ? if_match + 1 : if_match, 10, 0, G_MAXINT64,
                                 &version, NULL) &&
      !(if_match[0] == '"' && (version = g_ascii_strtoll (if_match + 1, NULL, 10)) > 0))
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "If-Match: expected the ticket's version number");
      return;
    }

  if (version != ticket->version)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      desk_json_add_string (builder, "code", "conflict");
      desk_json_add_string (builder, "message",
                            "The ticket changed since you loaded it: review the current "
                            "version and try again");
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "current");
      desk_ticket_record_to_json (ticket, builder);
      json_builder_end_object (builder);
      _desk_server_send_json (request->msg, 409, desk_json_builder_to_string (builder, NULL));
      return;
    }

  if ((status == DESK_TICKET_STATUS_SOLVED || status == DESK_TICKET_STATUS_CLOSED) &&
      ticket->solved_at == 0)
    ticket->solved_at = g_get_real_time ();
  else if (status != DESK_TICKET_STATUS_SOLVED && status != DESK_TICKET_STATUS_CLOSED)
    ticket->solved_at = 0;

  ticket->status = status;
  ticket->priority = priority;
  ticket->assignee_id = assignee_id;
  ticket->queue_id = queue_id;
  if (tags != NULL)
    {
      g_strfreev (ticket->tags);
      ticket->tags = g_steal_pointer (&tags);
    }
  ticket->version++;
  ticket->updated_at = g_get_real_time ();

  if (!_desk_server_save_ticket (request->server, ticket, &error))
    {
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }

  _desk_server_emit (request->server, "ticket.updated", ticket->id, ticket->id, ticket->queue_id,
                     ticket->version, NULL);
  send_ticket (request, 200, ticket);
}

static void
handle_ticket_delete (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (GError) error = NULL;

  if (request->caller->role != DESK_ROLE_ADMIN)
    {
      _desk_server_send_error (request->msg, 403, "forbidden", "Only admins delete tickets");
      return;
    }
  if (!(ticket = load_visible_ticket (request, ticket_id)))
    return;

  ticket->deleted = TRUE;
  ticket->version++;
  ticket->updated_at = g_get_real_time ();

  /* Its messages go with it: each becomes a tombstone in the messages feed. */
  _desk_server_begin (request->server);
  if (!_desk_server_save_ticket (request->server, ticket, &error) ||
      !_desk_server_tombstone_messages (request->server, ticket->id, ticket->updated_at, &error))
    {
      _desk_server_rollback (request->server);
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }
  _desk_server_commit (request->server);

  _desk_server_emit (request->server, "ticket.updated", ticket->id, ticket->id, ticket->queue_id,
                     ticket->version, NULL);
  soup_server_message_set_status (request->msg, 204, NULL);
}

/* Merging: two tickets of one customer become one. The messages of the
 * first move to the second (the "into" ticket), which keeps its id; the
 * first is closed with a note where it went. A repeat of a merge already
 * done answers as the first time. */
static void
handle_ticket_merge (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) source = NULL;
  g_autoptr (DeskTicketRecord) target = NULL;
  g_autoptr (DeskMessageRecord) note = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *text = NULL;
  gint64           into = 0;
  gint64           moved;
  gboolean         existed;
  gint64           now = g_get_real_time ();

  if (request->caller->role == DESK_ROLE_TRAINEE)
    {
      _desk_server_send_error (request->msg, 403, "forbidden", "Trainees may not merge tickets");
      return;
    }
  if (!(source = load_visible_ticket (request, ticket_id)))
    return;
  if (!(body = read_body (request->msg)))
    return;
  if (!desk_json_get_int (json_node_get_object (body), NULL, "into", DESK_JSON_REQUIRED, &into,
                          &error))
    {
      bad_field (request->msg, error);
      return;
    }
  if (into == ticket_id)
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "into: a ticket cannot be merged into itself");
      return;
    }
  if (!(target = load_visible_ticket (request, into)))
    return;

  marker = g_strdup_printf ("merged-into-%" G_GINT64_FORMAT, into);
  if (source->tags != NULL && g_strv_contains ((const char *const *) source->tags, marker))
    {
      send_ticket (request, 200, target);
      return;
    }
  if (source->requester.id != target->requester.id)
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "into: only tickets of the same customer can be merged");
      return;
    }

  _desk_server_begin (request->server);
  moved = _desk_server_move_messages (request->server, source->id, target->id, &error);
  if (moved < 0)
    {
      _desk_server_rollback (request->server);
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }

  {
    g_autoptr (GStrvBuilder) tags = g_strv_builder_new ();

    if (source->tags != NULL)
      g_strv_builder_addv (tags, (const char **) source->tags);
    g_strv_builder_add (tags, marker);
    g_strfreev (source->tags);
    source->tags = g_strv_builder_end (tags);
  }
  source->status = DESK_TICKET_STATUS_CLOSED;
  source->solved_at = now;
  source->message_count = 0;
  source->version++;
  source->updated_at = now;
  target->message_count += moved;
  target->last_message_at = MAX (target->last_message_at, source->last_message_at);
  target->version++;
  target->updated_at = now;
  if (!_desk_server_save_ticket (request->server, source, &error) ||
      !_desk_server_save_ticket (request->server, target, &error))
    {
      _desk_server_rollback (request->server);
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }
  _desk_server_commit (request->server);

  /* Where it went, for whoever opens the old ticket from a link. */
  text = g_strdup_printf ("Merged into ticket #%" G_GINT64_FORMAT " by %s.", into,
                          request->caller->name);
  note =
      _desk_server_post_message (request->server, source->id, DESK_AUTHOR_SYSTEM, 0, "Agent Desk",
                                 DESK_VISIBILITY_INTERNAL, text, NULL, NULL, -1, &existed, &error);
  g_clear_pointer (&note, desk_message_record_free);
  g_clear_pointer (&text, g_free);
  g_clear_error (&error);
  text = g_strdup_printf ("Ticket #%" G_GINT64_FORMAT " was merged into this one by %s.",
                          source->id, request->caller->name);
  note =
      _desk_server_post_message (request->server, target->id, DESK_AUTHOR_SYSTEM, 0, "Agent Desk",
                                 DESK_VISIBILITY_INTERNAL, text, NULL, NULL, -1, &existed, &error);

  _desk_server_emit (request->server, "ticket.updated", source->id, source->id, source->queue_id,
                     source->version, NULL);
  g_clear_pointer (&target, desk_ticket_record_free);
  target = _desk_server_load_ticket (request->server, into, NULL);
  send_ticket (request, 200, target);
}

/* Messages */

/* The messages of open tickets (DESK_SERVER_OPEN_TICKET_SQL), whatever
 * their own seq. The walk follows the messages by seq and looks each ticket
 * up (CROSS JOIN keeps that order: starting from the open tickets would sort
 * all their messages for every page); `remaining` stays the bound by seq,
 * since counting would walk the rest of the feed.
 *
 * The cursor carries the tickets' seq when the first page was read
 * (@tickets_seq, -1 for a cursor from before that): a ticket at or before
 * it has been open work as it is now for every page, and the whole feed
 * can leave its messages out (read_skip_open). */
static void
send_open_message_page (Request *request, gint64 since, gint64 tickets_seq, gint64 limit)
{
  sqlite3_stmt *stmt;

  if (since == 0 && tickets_seq < 0)
    {
      stmt = _desk_server_prepare (request->server, "SELECT COALESCE(MAX(seq), 0) FROM tickets");
      if (sqlite3_step (stmt) == SQLITE_ROW)
        tickets_seq = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server,
                                 "SELECT m.seq, m.doc FROM messages m CROSS JOIN tickets t"
                                 " ON t.id = m.ticket_id WHERE m.seq > ?1"
                                 " AND t.status IN ('new', 'open', 'pending') AND NOT t.deleted"
                                 " ORDER BY m.seq LIMIT ?2");
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT m.seq, m.doc FROM messages m CROSS JOIN tickets t"
                                   " ON t.id = m.ticket_id WHERE m.seq > ?1"
                                   " AND t.status IN ('new', 'open', 'pending') AND NOT t.deleted"
                                   " AND t.queue_id IN (SELECT value FROM json_each(?3))"
                                   " ORDER BY m.seq LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);

  send_page_full (request, stmt, "SELECT MAX(seq) FROM messages", REMAINING_BY_SEQ, since, limit,
                  &(NextCursor){ 0, tickets_seq });
}

/* The whole feed without the messages that the open feed delivered up to
 * @skip_seq (see read_skip_open). */
static void
send_message_page_skipping_open (
    Request *request, gint64 since, gint64 limit, gint64 skip_seq, gint64 skip_tickets_seq)
{
  sqlite3_stmt *stmt;

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server,
                                 "SELECT m.seq, m.doc FROM messages m WHERE m.seq > ?1"
                                 " AND (m.seq > ?4 OR NOT EXISTS (SELECT 1 FROM tickets t"
                                 " WHERE t.id = m.ticket_id AND t.seq <= ?5"
                                 " AND t.status IN ('new', 'open', 'pending') AND NOT t.deleted))"
                                 " ORDER BY m.seq LIMIT ?2");
  else
    {
      stmt = _desk_server_prepare (
          request->server, "SELECT m.seq, m.doc FROM messages m JOIN tickets t"
                           " ON t.id = m.ticket_id WHERE m.seq > ?1 AND t.queue_id IN"
                           " (SELECT value FROM json_each(?3))"
                           " AND (m.seq > ?4 OR t.seq > ?5"
                           " OR NOT (t.status IN ('new', 'open', 'pending') AND NOT t.deleted))"
                           " ORDER BY m.seq LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);
  sqlite3_bind_int64 (stmt, 4, skip_seq);
  sqlite3_bind_int64 (stmt, 5, skip_tickets_seq);

  send_page_full (request, stmt, "SELECT MAX(seq) FROM messages", REMAINING_BY_SEQ, since, limit,
                  &(NextCursor){ skip_seq, -1 });
  sqlite3_clear_bindings (stmt);
}

static void
handle_message_page (Request *request)
{
  const char   *since_text;
  sqlite3_stmt *stmt;
  gint64        since;
  gint64        tickets_seq;
  gint64        limit;
  gint64        skip_seq;
  gint64        skip_tickets_seq;
  gboolean      open;

  if (!read_page_params (request, &since, &limit) || !read_open_filter (request, &open) ||
      !read_skip_open (request, &skip_seq, &skip_tickets_seq))
    return;

  if (open)
    {
      since_text = request->query ? g_hash_table_lookup (request->query, "since") : NULL;
      parse_cursor (since_text, &since, &tickets_seq);
      send_open_message_page (request, since, tickets_seq, limit);
      return;
    }

  if (skip_seq > since && skip_tickets_seq >= 0)
    {
      send_message_page_skipping_open (request, since, limit, skip_seq, skip_tickets_seq);
      return;
    }

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server,
                                 "SELECT seq, doc FROM messages WHERE seq > ?1 ORDER BY seq"
                                 " LIMIT ?2");
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT m.seq, m.doc FROM messages m JOIN tickets t"
                                   " ON t.id = m.ticket_id WHERE m.seq > ?1 AND t.queue_id IN"
                                   " (SELECT value FROM json_each(?3)) ORDER BY m.seq LIMIT ?2");
      sqlite3_bind_text (stmt, 3, request->caller->queue_ids_json, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);

  send_page (request, stmt, "SELECT MAX(seq) FROM messages", since, limit);
}

static void
handle_conversation (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = load_visible_ticket (request, ticket_id);
  sqlite3_stmt *stmt;

  if (ticket == NULL)
    return;

  stmt = _desk_server_prepare (request->server,
                               "SELECT doc FROM messages WHERE ticket_id = ? ORDER BY id");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  send_list (request, stmt);
}

static gboolean
attach_uploads (DeskServer        *self,
                DeskMessageRecord *message,
                GArray            *attachment_ids,
                gint64             owner_id,
                gint64             chat_id,
                GError           **error)
{
  if (attachment_ids == NULL || attachment_ids->len == 0)
    return TRUE;

  message->attachments =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_attachment_record_free);

  for (guint i = 0; i < attachment_ids->len; i++)
    {
      gint64                id = g_array_index (attachment_ids, gint64, i);
      sqlite3_stmt         *stmt;
      DeskAttachmentRecord *attachment;

      stmt =
          _desk_server_prepare (self, "SELECT name, mime, size FROM uploads WHERE id = ?1 AND"
                                      " ticket_id IS NULL AND (owner_id IS ?2 AND chat_id IS ?3)");
      sqlite3_bind_int64 (stmt, 1, id);
      if (owner_id)
        sqlite3_bind_int64 (stmt, 2, owner_id);
      if (chat_id)
        sqlite3_bind_int64 (stmt, 3, chat_id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "attachment_ids[%u]: no upload %" G_GINT64_FORMAT " of yours to attach", i,
                       id);
          return FALSE;
        }

      attachment = g_new0 (DeskAttachmentRecord, 1);
      attachment->id = id;
      attachment->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      attachment->mime = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      attachment->size = sqlite3_column_int64 (stmt, 2);
      sqlite3_reset (stmt);
      g_ptr_array_add (message->attachments, attachment);

      stmt = _desk_server_prepare (self, "UPDATE uploads SET ticket_id = ? WHERE id = ?");
      sqlite3_bind_int64 (stmt, 1, message->ticket_id);
      sqlite3_bind_int64 (stmt, 2, id);
      if (!_desk_server_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static DeskMessageRecord *
find_message_by_client_id (DeskServer *self, const char *author_key, const char *client_id)
{
  sqlite3_stmt *stmt;
  g_autoptr (JsonNode) node = NULL;

  stmt = _desk_server_prepare (self, "SELECT doc FROM messages WHERE author_key = ? AND"
                                     " client_id = ?");
  sqlite3_bind_text (stmt, 1, author_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, client_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    node = desk_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);

  return node ? desk_message_record_from_json (node, NULL, NULL) : NULL;
}

DeskMessageRecord *
_desk_server_post_message (DeskServer    *self,
                           gint64         ticket_id,
                           DeskAuthorType author_type,
                           gint64         author_id,
                           const char    *author_name,
                           DeskVisibility visibility,
                           const char    *body,
                           const char    *client_id,
                           GArray        *attachment_ids,
                           int            set_status,
                           gboolean      *existed,
                           GError       **error)
{
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autofree char *author_key = NULL;
  gint64           now = g_get_real_time ();

  /* A client_id is unique per author and ticket. */
  author_key =
      g_strdup_printf ("%c%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                       author_type == DESK_AUTHOR_CUSTOMER ? 'c' : 'u', author_id, ticket_id);
  *existed = FALSE;

  /* The same client_id again is a retry: answer with what was stored. */
  if (client_id != NULL)
    {
      message = find_message_by_client_id (self, author_key, client_id);
      if (message != NULL)
        {
          *existed = TRUE;
          return g_steal_pointer (&message);
        }
    }

  ticket = _desk_server_load_ticket (self, ticket_id, NULL);
  if (ticket == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such ticket");
      return NULL;
    }

  message = g_new0 (DeskMessageRecord, 1);
  message->ticket_id = ticket_id;
  message->author_type = author_type;
  message->author_id = author_id;
  message->author_name = g_strdup (author_name);
  message->visibility = visibility;
  message->body = g_strdup (body);
  message->created_at = now;
  message->client_id = g_strdup (client_id);

  if (!_desk_server_begin (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "The database is busy");
      return NULL;
    }

  if (!attach_uploads (self, message, attachment_ids,
                       author_type == DESK_AUTHOR_CUSTOMER ? 0 : author_id,
                       author_type == DESK_AUTHOR_CUSTOMER ? ticket_id : 0, error) ||
      !_desk_server_insert_message (self, message, author_key, error))
    {
      _desk_server_rollback (self);
      return NULL;
    }

  ticket->message_count++;
  ticket->last_message_at = now;
  ticket->updated_at = now;
  ticket->version++;
  if (author_type == DESK_AUTHOR_AGENT && visibility == DESK_VISIBILITY_PUBLIC)
    {
      if (ticket->first_responded_at == 0)
        ticket->first_responded_at = now;
      if (ticket->status == DESK_TICKET_STATUS_NEW || ticket->status == DESK_TICKET_STATUS_OPEN)
        ticket->status = DESK_TICKET_STATUS_PENDING;
    }
  else if (author_type == DESK_AUTHOR_CUSTOMER)
    {
      if (ticket->status == DESK_TICKET_STATUS_PENDING ||
          ticket->status == DESK_TICKET_STATUS_SOLVED)
        {
          ticket->status = DESK_TICKET_STATUS_OPEN;
          ticket->solved_at = 0;
        }
    }

  /* "Send and set solved": the status goes with the message, in one
   * version, so it needs no If-Match of its own. */
  if (set_status >= 0 && set_status != (int) ticket->status)
    {
      ticket->status = set_status;
      if (set_status == DESK_TICKET_STATUS_SOLVED || set_status == DESK_TICKET_STATUS_CLOSED)
        ticket->solved_at = now;
      else
        ticket->solved_at = 0;
    }

  if (!_desk_server_save_ticket (self, ticket, error))
    {
      _desk_server_rollback (self);
      return NULL;
    }
  _desk_server_commit (self);

  _desk_server_emit (self, "message.created", message->id, ticket->id, ticket->queue_id,
                     ticket->version, NULL);
  _desk_server_emit (self, "ticket.updated", ticket->id, ticket->id, ticket->queue_id,
                     ticket->version, NULL);

  return g_steal_pointer (&message);
}

static void
handle_message_post (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *client_id = NULL;
  g_autoptr (GArray) attachment_ids = NULL;
  JsonObject *object;
  int         visibility;
  int         status = -1;
  gboolean    existed;

  if (!(ticket = load_visible_ticket (request, ticket_id)))
    return;
  if (!(body = read_body (request->msg)))
    return;
  object = json_node_get_object (body);

  if (!desk_json_get_string (object, NULL, "body", DESK_JSON_REQUIRED, &text, &error) ||
      !desk_json_get_enum (object, NULL, "visibility", DESK_TYPE_VISIBILITY, DESK_JSON_REQUIRED,
                           &visibility, &error) ||
      !desk_json_get_string (object, NULL, "client_id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE,
                             &client_id, &error) ||
      !desk_json_get_ids (object, NULL, "attachment_ids", DESK_JSON_OPTIONAL, &attachment_ids,
                          &error) ||
      !desk_json_get_enum (object, NULL, "status", DESK_TYPE_TICKET_STATUS, DESK_JSON_OPTIONAL,
                           &status, &error))
    {
      bad_field (request->msg, error);
      return;
    }
  if (status >= 0 && request->caller->role == DESK_ROLE_TRAINEE)
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Trainees may not change a ticket's status");
      return;
    }

  if (*g_strstrip (text) == '\0' && (attachment_ids == NULL || attachment_ids->len == 0))
    {
      _desk_server_send_error (request->msg, 400, "bad_request", "body: must not be empty");
      return;
    }
  if (client_id != NULL && strlen (client_id) > 128)
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "client_id: at most 128 characters");
      return;
    }

  if (visibility == DESK_VISIBILITY_PUBLIC && request->caller->role == DESK_ROLE_TRAINEE)
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Trainees may add internal notes but not reply to customers");
      return;
    }

  message = _desk_server_post_message (request->server, ticket_id, DESK_AUTHOR_AGENT,
                                       request->caller->user_id, request->caller->name, visibility,
                                       text, client_id, attachment_ids, status, &existed, &error);
  if (message == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        _desk_server_send_error (request->msg, 400, "bad_request", "%s", error->message);
      else
        _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }

  send_record (request, existed ? 200 : 201, message, (gpointer) desk_message_record_to_json);
}

static void
handle_typing (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = load_visible_ticket (request, ticket_id);

  if (ticket == NULL)
    return;

  _desk_server_emit_typing (request->server, ticket, request->caller->user_id,
                            request->caller->name);
  soup_server_message_set_status (request->msg, 204, NULL);
}

void
_desk_server_viewers_to_json (DeskServer *self, gint64 ticket_id, JsonBuilder *builder)
{
  GPtrArray *viewers = g_hash_table_lookup (self->viewers, &ticket_id);
  gint64     now = g_get_monotonic_time ();

  json_builder_begin_array (builder);
  for (guint i = 0; viewers != NULL && i < viewers->len; i++)
    {
      DeskViewer *viewer = g_ptr_array_index (viewers, i);

      if (viewer->expires < now)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "agent_id");
      json_builder_add_int_value (builder, viewer->agent_id);
      desk_json_add_string (builder, "name", viewer->name);
      desk_json_add_string (builder, "state", viewer->state);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
handle_viewing (Request *request, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *escaped = NULL;
  GPtrArray       *viewers;
  DeskViewer      *viewer = NULL;

  if (!(ticket = load_visible_ticket (request, ticket_id)))
    return;
  if (!(body = read_body (request->msg)))
    return;

  if (!desk_json_get_string (json_node_get_object (body), NULL, "state", DESK_JSON_REQUIRED, &state,
                             &error))
    {
      bad_field (request->msg, error);
      return;
    }
  if (!g_str_equal (state, "viewing") && !g_str_equal (state, "replying") &&
      !g_str_equal (state, "left"))
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "state: expected viewing, replying or left");
      return;
    }

  viewers = g_hash_table_lookup (request->server->viewers, &ticket_id);
  if (viewers == NULL)
    {
      viewers = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_viewer_free);
      g_hash_table_insert (request->server->viewers, g_memdup2 (&ticket_id, sizeof ticket_id),
                           viewers);
    }
  for (guint i = 0; i < viewers->len; i++)
    {
      DeskViewer *candidate = g_ptr_array_index (viewers, i);

      if (candidate->agent_id == request->caller->user_id)
        viewer = candidate;
      else if (candidate->expires < g_get_monotonic_time ())
        g_ptr_array_remove_index_fast (viewers, i--);
    }

  if (g_str_equal (state, "left"))
    {
      if (viewer != NULL)
        g_ptr_array_remove_fast (viewers, viewer);
    }
  else
    {
      if (viewer == NULL)
        {
          viewer = g_new0 (DeskViewer, 1);
          viewer->agent_id = request->caller->user_id;
          viewer->name = g_strdup (request->caller->name);
          g_ptr_array_add (viewers, viewer);
        }
      g_free (viewer->state);
      viewer->state = g_strdup (state);
      viewer->expires = g_get_monotonic_time () + VIEWER_TIMEOUT_USEC;
    }

  escaped = g_strescape (request->caller->name ? request->caller->name : "", NULL);
  extra = g_strdup_printf ("\"agent_id\":%" G_GINT64_FORMAT ",\"name\":\"%s\",\"state\":\"%s\"",
                           request->caller->user_id, escaped, state);
  _desk_server_emit (request->server, "viewing", request->caller->user_id, ticket_id,
                     ticket->queue_id, 0, extra);
  soup_server_message_set_status (request->msg, 204, NULL);
}

/* Uploads and attachments */

static void
handle_upload (Request *request)
{
  SoupMessageBody    *body = soup_server_message_get_request_body (request->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (DeskAttachmentRecord) attachment = g_new0 (DeskAttachmentRecord, 1);
  g_autoptr (GError) error = NULL;
  const char   *name = request->query ? g_hash_table_lookup (request->query, "name") : NULL;
  const char   *mime = soup_message_headers_get_content_type (headers, NULL);
  sqlite3_stmt *stmt;

  if (g_bytes_get_size (bytes) > DESK_SERVER_MAX_UPLOAD)
    {
      _desk_server_send_error (request->msg, 413, "payload_too_large",
                               "Attachments are limited to 10 MiB");
      return;
    }
  if (name == NULL || *name == '\0' || strlen (name) > 255 || strchr (name, '/') != NULL)
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "name: a file name without slashes is required");
      return;
    }

  attachment->name = g_strdup (name);
  attachment->mime =
      g_strdup (mime && g_utf8_validate (mime, -1, NULL) ? mime : "application/octet-stream");
  attachment->size = g_bytes_get_size (bytes);

  stmt = _desk_server_prepare (request->server,
                               "INSERT INTO uploads (owner_id, name, mime, size, data)"
                               " VALUES (?, ?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, request->caller->user_id);
  sqlite3_bind_text (stmt, 2, attachment->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, attachment->mime, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, attachment->size);
  sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (bytes, NULL), attachment->size, SQLITE_STATIC);
  if (!_desk_server_step_done (request->server, stmt, &error))
    {
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }
  attachment->id = sqlite3_last_insert_rowid (request->server->db);

  send_record (request, 201, attachment, (gpointer) desk_attachment_record_to_json);
}

static void
handle_attachment (Request *request, gint64 attachment_id)
{
  sqlite3_stmt *stmt;
  gint64        owner_id;
  gint64        ticket_id;
  gboolean      allowed = FALSE;

  stmt = _desk_server_prepare (request->server, "SELECT owner_id, ticket_id, mime, name, data"
                                                " FROM uploads WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, attachment_id);
  if (attachment_id <= 0 || sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _desk_server_send_error (request->msg, 404, "not_found", "No such attachment");
      return;
    }

  owner_id = sqlite3_column_int64 (stmt, 0);
  ticket_id = sqlite3_column_int64 (stmt, 1);
  if (ticket_id == 0)
    allowed = owner_id == request->caller->user_id;
  else
    {
      g_autoptr (DeskTicketRecord) ticket = NULL;
      gint64 queue_id = 0;

      ticket = _desk_server_load_ticket (request->server, ticket_id, &queue_id);
      allowed = ticket != NULL && _desk_caller_sees_queue (request->caller, queue_id);
    }

  if (!allowed)
    {
      sqlite3_reset (stmt);
      _desk_server_send_error (request->msg, 404, "not_found", "No such attachment");
      return;
    }

  {
    g_autofree char *disposition = NULL;
    g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_insert (params, (gpointer) "filename", (gpointer) sqlite3_column_text (stmt, 3));
    soup_message_headers_set_content_disposition (
        soup_server_message_get_response_headers (request->msg), "attachment", params);
    soup_server_message_set_status (request->msg, 200, NULL);
    soup_server_message_set_response (request->msg, (const char *) sqlite3_column_text (stmt, 2),
                                      SOUP_MEMORY_COPY, sqlite3_column_blob (stmt, 4),
                                      sqlite3_column_bytes (stmt, 4));
  }
  sqlite3_reset (stmt);
}

/* Knowledge base and canned replies */

static void
handle_article_page (Request *request)
{
  sqlite3_stmt *stmt;
  gint64        since;
  gint64        limit;

  if (!read_page_params (request, &since, &limit))
    return;

  stmt = _desk_server_prepare (
      request->server, "SELECT seq, doc FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);
  send_page (request, stmt, "SELECT MAX(seq) FROM articles", since, limit);
}

static void
handle_canned_page (Request *request)
{
  sqlite3_stmt *stmt;
  gint64        since;
  gint64        limit;

  if (!read_page_params (request, &since, &limit))
    return;

  stmt = _desk_server_prepare (request->server,
                               "SELECT seq, doc FROM canned WHERE seq > ?1 AND (owner_id IS NULL"
                               " OR owner_id = ?3) ORDER BY seq LIMIT ?2");
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit + 1);
  sqlite3_bind_int64 (stmt, 3, request->caller->user_id);
  send_page (request, stmt, "SELECT MAX(seq) FROM canned", since, limit);
}

static DeskCannedRecord *
load_canned (Request *request, gint64 canned_id)
{
  sqlite3_stmt *stmt;
  g_autoptr (JsonNode) node = NULL;
  DeskCannedRecord *canned = NULL;

  stmt =
      _desk_server_prepare (request->server, "SELECT doc FROM canned WHERE id = ? AND NOT deleted");
  sqlite3_bind_int64 (stmt, 1, canned_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    node = desk_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);
  if (node != NULL)
    canned = desk_canned_record_from_json (node, NULL, NULL);

  /* Someone else's personal reply does not exist for the caller. */
  if (canned != NULL && canned->owner_id != 0 && canned->owner_id != request->caller->user_id)
    g_clear_pointer (&canned, desk_canned_record_free);

  if (canned == NULL)
    _desk_server_send_error (request->msg, 404, "not_found", "No such canned reply");

  return canned;
}

static gboolean
may_edit_canned (Request *request, DeskCannedRecord *canned)
{
  if (canned->owner_id == 0 && !is_lead (request->caller))
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Only team leads edit the shared canned replies");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_canned_fields (Request          *request,
                    JsonObject       *object,
                    DeskCannedRecord *canned,
                    DeskJsonFlags     flags,
                    GError          **error)
{
  return desk_json_get_string (object, NULL, "title", flags, &canned->title, error) &&
         desk_json_get_string (object, NULL, "shortcut", DESK_JSON_OPTIONAL, &canned->shortcut,
                               error) &&
         desk_json_get_string (object, NULL, "body", flags, &canned->body, error) &&
         desk_json_get_string (object, NULL, "category", DESK_JSON_OPTIONAL, &canned->category,
                               error) &&
         desk_json_get_string (object, NULL, "locale", DESK_JSON_OPTIONAL, &canned->locale, error);
}

static void
handle_canned_write (Request *request, const char *method, gint64 canned_id)
{
  g_autoptr (DeskCannedRecord) canned = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *client_id = NULL;
  gboolean         shared = FALSE;
  gboolean         saved;
  guint            status = 200;

  if (g_str_equal (method, "POST"))
    {
      g_autoptr (DeskCannedRecord) existing = NULL;

      if (!(body = read_body (request->msg)))
        return;
      canned = g_new0 (DeskCannedRecord, 1);
      if (!read_canned_fields (request, json_node_get_object (body), canned, DESK_JSON_REQUIRED,
                               &error) ||
          !desk_json_get_bool (json_node_get_object (body), NULL, "shared", DESK_JSON_OPTIONAL,
                               &shared, &error) ||
          !desk_json_get_string (json_node_get_object (body), NULL, "client_id",
                                 DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE, &client_id, &error))
        {
          bad_field (request->msg, error);
          return;
        }
      if (client_id != NULL && (*client_id == '\0' || strlen (client_id) > 128))
        {
          _desk_server_send_error (request->msg, 400, "bad_request",
                                   "client_id: from 1 to 128 characters");
          return;
        }
      canned->owner_id = shared ? 0 : request->caller->user_id;
      if (!may_edit_canned (request, canned))
        return;

      /* The same client_id again is a retry whose answer was lost: the
       * reply it made, as it is now, and nothing new. */
      if (client_id != NULL && (existing = _desk_server_find_canned_by_client_id (
                                    request->server, request->caller->user_id, client_id)))
        {
          send_record (request, 200, existing, (gpointer) desk_canned_record_to_json);
          return;
        }
      status = 201;
    }
  else
    {
      if (!(canned = load_canned (request, canned_id)) || !may_edit_canned (request, canned))
        return;

      if (g_str_equal (method, "DELETE"))
        canned->deleted = TRUE;
      else
        {
          if (!(body = read_body (request->msg)))
            return;
          if (!read_canned_fields (request, json_node_get_object (body), canned, DESK_JSON_OPTIONAL,
                                   &error))
            {
              bad_field (request->msg, error);
              return;
            }
        }
    }

  if (!canned->deleted && (canned->title == NULL || *canned->title == '\0'))
    {
      _desk_server_send_error (request->msg, 400, "bad_request", "title: must not be empty");
      return;
    }

  /* A new reply and its client_id are written together. */
  if (status == 201)
    saved = _desk_server_create_canned (request->server, canned, request->caller->user_id,
                                        client_id, &error);
  else
    saved = _desk_server_save_canned (request->server, canned, &error);
  if (!saved)
    {
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }

  _desk_server_emit (request->server, "canned.updated", canned->id, 0, 0, 0, NULL);

  if (canned->deleted)
    soup_server_message_set_status (request->msg, 204, NULL);
  else
    send_record (request, status, canned, (gpointer) desk_canned_record_to_json);
}

/* Quizzes */

static void
handle_quizzes (Request *request)
{
  send_list (request,
             _desk_server_prepare (request->server, "SELECT doc_public FROM quizzes ORDER BY id"));
}

static gboolean
answer_is_correct (DeskQuestionRecord *question, JsonArray *chosen)
{
  guint n_correct = 0;
  guint n_chosen = chosen ? json_array_get_length (chosen) : 0;

  for (guint i = 0; i < question->choices->len; i++)
    {
      DeskChoiceRecord *choice = g_ptr_array_index (question->choices, i);
      gboolean          picked = FALSE;

      for (guint j = 0; j < n_chosen; j++)
        if (json_array_get_int_element (chosen, j) == choice->id)
          picked = TRUE;

      if (picked != choice->correct)
        return FALSE;
      n_correct += choice->correct;
    }

  /* Picking the same choice twice, or one that does not exist, is wrong. */
  return n_correct == n_chosen;
}

static DeskQuestionRecord *
find_question (DeskQuizRecord *quiz, const char *key)
{
  for (guint i = 0; i < quiz->questions->len; i++)
    {
      DeskQuestionRecord *question = g_ptr_array_index (quiz->questions, i);
      g_autofree char    *id = g_strdup_printf ("%" G_GINT64_FORMAT, question->id);

      if (g_str_equal (id, key))
        return question;
    }

  return NULL;
}

static gboolean
is_choice_of (DeskQuestionRecord *question, JsonNode *element)
{
  if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
    return FALSE;

  for (guint i = 0; i < question->choices->len; i++)
    if (((DeskChoiceRecord *) g_ptr_array_index (question->choices, i))->id ==
        json_node_get_int (element))
      return TRUE;

  return FALSE;
}

static gboolean
check_answers (Request *request, DeskQuizRecord *quiz, JsonObject *answers)
{
  g_autoptr (GList) members = json_object_get_members (answers);

  for (GList *l = members; l; l = l->next)
    {
      const char         *key = l->data;
      DeskQuestionRecord *question = find_question (quiz, key);
      JsonNode           *chosen = json_object_get_member (answers, key);
      JsonArray          *array;

      if (question == NULL)
        {
          _desk_server_send_error (request->msg, 400, "bad_request",
                                   "answers.%s: not a question of this quiz", key);
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_ARRAY (chosen))
        {
          _desk_server_send_error (request->msg, 400, "bad_request", "answers.%s: expected array",
                                   key);
          return FALSE;
        }

      array = json_node_get_array (chosen);
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!is_choice_of (question, json_array_get_element (array, i)))
          {
            _desk_server_send_error (request->msg, 400, "bad_request",
                                     "answers.%s[%u]: not a choice of this question", key, i);
            return FALSE;
          }
    }

  return TRUE;
}

static void
handle_attempt_post (Request *request, gint64 quiz_id)
{
  g_autoptr (DeskQuizRecord) quiz = NULL;
  g_autoptr (JsonNode) quiz_node = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (GError) error = NULL;
  g_autofree char *doc = NULL;
  sqlite3_stmt    *stmt;
  JsonObject      *answers;
  guint            n_correct = 0;
  double           score;
  gint64           attempt_id;
  gint64           now = g_get_real_time ();

  stmt = _desk_server_prepare (request->server, "SELECT doc_full FROM quizzes WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, quiz_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    quiz_node = desk_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);
  if (quiz_node == NULL || !(quiz = desk_quiz_record_from_json (quiz_node, NULL, NULL)))
    {
      _desk_server_send_error (request->msg, 404, "not_found", "No such quiz");
      return;
    }

  if (!(body = read_body (request->msg)))
    return;
  if (!(answers = desk_json_get_object (json_node_get_object (body), NULL, "answers",
                                        DESK_JSON_REQUIRED, &error)))
    {
      bad_field (request->msg, error);
      return;
    }

  /* Every answer must name a question of this quiz and choices of it. */
  if (!check_answers (request, quiz, answers))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < quiz->questions->len; i++)
    {
      DeskQuestionRecord *question = g_ptr_array_index (quiz->questions, i);
      g_autofree char    *key = g_strdup_printf ("%" G_GINT64_FORMAT, question->id);
      JsonArray          *chosen = NULL;
      gboolean            correct;

      if (json_object_has_member (answers, key))
        chosen = json_object_get_array_member (answers, key);

      correct = answer_is_correct (question, chosen);
      n_correct += correct;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "question_id");
      json_builder_add_int_value (builder, question->id);
      json_builder_set_member_name (builder, "correct");
      json_builder_add_boolean_value (builder, correct);
      desk_json_add_string (builder, "explanation", question->explanation);
      desk_json_add_nullable_int (builder, "article_id", question->article_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  score = quiz->questions->len ? (double) n_correct / quiz->questions->len : 0;

  stmt = _desk_server_prepare (request->server, "SELECT COALESCE(MAX(id), 0) + 1 FROM attempts");
  sqlite3_step (stmt);
  attempt_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, attempt_id);
  json_builder_set_member_name (builder, "quiz_id");
  json_builder_add_int_value (builder, quiz_id);
  json_builder_set_member_name (builder, "agent_id");
  json_builder_add_int_value (builder, request->caller->user_id);
  desk_json_add_string (builder, "agent_name", request->caller->name);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, score);
  json_builder_set_member_name (builder, "passed");
  json_builder_add_boolean_value (builder, score + 1e-9 >= quiz->pass_score);
  desk_json_add_time (builder, "created_at", now);
  json_builder_end_object (builder);
  doc = desk_json_builder_to_string (builder, NULL);

  stmt = _desk_server_prepare (request->server,
                               "INSERT INTO attempts (id, quiz_id, user_id, created_at, score,"
                               " passed, doc) VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, attempt_id);
  sqlite3_bind_int64 (stmt, 2, quiz_id);
  sqlite3_bind_int64 (stmt, 3, request->caller->user_id);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_double (stmt, 5, score);
  sqlite3_bind_int (stmt, 6, score + 1e-9 >= quiz->pass_score);
  sqlite3_bind_text (stmt, 7, doc, -1, SQLITE_STATIC);
  if (!_desk_server_step_done (request->server, stmt, &error))
    {
      _desk_server_send_error (request->msg, 500, "internal_error", "%s", error->message);
      return;
    }

  _desk_server_emit (request->server, "quiz.updated", attempt_id, 0, 0, 0, NULL);
  _desk_server_send_json (request->msg, 201, g_steal_pointer (&doc));
}

static void
handle_attempts (Request *request)
{
  sqlite3_stmt *stmt;

  if (is_lead (request->caller))
    stmt = _desk_server_prepare (request->server, "SELECT doc FROM attempts ORDER BY id");
  else
    {
      stmt = _desk_server_prepare (request->server,
                                   "SELECT doc FROM attempts WHERE user_id = ? ORDER BY id");
      sqlite3_bind_int64 (stmt, 1, request->caller->user_id);
    }

  send_list (request, stmt);
}

/* Metrics */

static gboolean
read_time_param (Request *request, const char *name, gint64 *out)
{
  const char *text = request->query ? g_hash_table_lookup (request->query, name) : NULL;

  if (text == NULL)
    return TRUE;

  *out = desk_time_parse_rfc3339 (text);
  if (*out == 0)
    {
      _desk_server_send_error (request->msg, 400, "bad_request", "%s: expected an RFC 3339 time",
                               name);
      return FALSE;
    }

  return TRUE;
}

static void
handle_metrics (Request *request)
{
  const char *bucket = request->query ? g_hash_table_lookup (request->query, "bucket") : NULL;
  gint64      to = g_get_real_time ();
  gint64      from = to - (gint64) 30 * 24 * 3600 * G_USEC_PER_SEC;

  if (!is_lead (request->caller))
    {
      _desk_server_send_error (request->msg, 403, "forbidden",
                               "Metrics are for team leads and admins");
      return;
    }

  if (!read_time_param (request, "from", &from) || !read_time_param (request, "to", &to))
    return;
  if (bucket != NULL && !g_str_equal (bucket, "hour") && !g_str_equal (bucket, "day"))
    {
      _desk_server_send_error (request->msg, 400, "bad_request", "bucket: expected hour or day");
      return;
    }
  if (to <= from || to - from > (gint64) 400 * 24 * 3600 * G_USEC_PER_SEC)
    {
      _desk_server_send_error (request->msg, 400, "bad_request",
                               "from and to: a range of at most 400 days, from before to");
      return;
    }

  _desk_server_send_json (
      request->msg, 200,
      _desk_server_metrics (request->server, from, to, g_strcmp0 (bucket, "hour") == 0));
}

/* Dispatch */

static void
method_not_allowed (SoupServerMessage *msg, const char *allowed)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  _desk_server_send_error (msg, 405, "method_not_allowed", "Use %s here", allowed);
}

void
_desk_server_api_handle (DeskServer        *self,
                         SoupServerMessage *msg,
                         DeskCaller        *caller,
                         const char        *method,
                         char             **segments,
                         GHashTable        *query)
{
  Request     request = { self, msg, caller, query };
  guint       n = g_strv_length (segments);
  const char *first = segments[0];
  gboolean    get = g_str_equal (method, "GET");
  gboolean    post = g_str_equal (method, "POST");

  if (n == 1 && g_str_equal (first, "me"))
    get ? handle_me (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "queues"))
    get ? handle_queues (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "agents"))
    get ? handle_agents (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "tickets"))
    get ? handle_ticket_page (&request) : method_not_allowed (msg, "GET");
  else if (n == 2 && g_str_equal (first, "tickets"))
    {
      gint64 id = parse_id (segments[1]);

      if (get)
        handle_ticket_get (&request, id);
      else if (g_str_equal (method, "PATCH"))
        handle_ticket_patch (&request, id);
      else if (g_str_equal (method, "DELETE"))
        handle_ticket_delete (&request, id);
      else
        method_not_allowed (msg, "GET, PATCH, DELETE");
    }
  else if (n == 3 && g_str_equal (first, "tickets"))
    {
      gint64 id = parse_id (segments[1]);

      if (g_str_equal (segments[2], "messages"))
        get    ? handle_conversation (&request, id)
        : post ? handle_message_post (&request, id)
               : method_not_allowed (msg, "GET, POST");
      else if (g_str_equal (segments[2], "typing"))
        post ? handle_typing (&request, id) : method_not_allowed (msg, "POST");
      else if (g_str_equal (segments[2], "merge"))
        post ? handle_ticket_merge (&request, id) : method_not_allowed (msg, "POST");
      else if (g_str_equal (segments[2], "viewing"))
        post ? handle_viewing (&request, id) : method_not_allowed (msg, "POST");
      else
        _desk_server_send_error (msg, 404, "not_found", "No such endpoint");
    }
  else if (n == 1 && g_str_equal (first, "messages"))
    get ? handle_message_page (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "uploads"))
    post ? handle_upload (&request) : method_not_allowed (msg, "POST");
  else if (n == 2 && g_str_equal (first, "attachments"))
    get ? handle_attachment (&request, parse_id (segments[1])) : method_not_allowed (msg, "GET");
  else if (n == 2 && g_str_equal (first, "kb") && g_str_equal (segments[1], "articles"))
    get ? handle_article_page (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "canned-replies"))
    get    ? handle_canned_page (&request)
    : post ? handle_canned_write (&request, method, 0)
           : method_not_allowed (msg, "GET, POST");
  else if (n == 2 && g_str_equal (first, "canned-replies"))
    {
      if (g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE"))
        handle_canned_write (&request, method, parse_id (segments[1]));
      else
        method_not_allowed (msg, "PATCH, DELETE");
    }
  else if (n == 1 && g_str_equal (first, "quizzes"))
    get ? handle_quizzes (&request) : method_not_allowed (msg, "GET");
  else if (n == 3 && g_str_equal (first, "quizzes") && g_str_equal (segments[2], "attempts"))
    post ? handle_attempt_post (&request, parse_id (segments[1]))
         : method_not_allowed (msg, "POST");
  else if (n == 1 && g_str_equal (first, "quiz-attempts"))
    get ? handle_attempts (&request) : method_not_allowed (msg, "GET");
  else if (n == 1 && g_str_equal (first, "metrics"))
    get ? handle_metrics (&request) : method_not_allowed (msg, "GET");
  else
    _desk_server_send_error (msg, 404, "not_found", "No such endpoint");
}
