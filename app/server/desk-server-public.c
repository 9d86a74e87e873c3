/* desk-server-public.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-public"

#include "config.h"

#include "desk-json.h"
#include "desk-server-private.h"

/* The customer's side of a live chat: POST /api/v1/public/chats opens one
 * and hands out a token good for that chat only. Used by the simulator and
 * by a web chat widget. */

static gint64
customer_id_for (DeskServer *self, const char *name, const char *email, const char *locale)
{
  sqlite3_stmt *stmt;
  gint64        id = 0;

  stmt = _desk_server_prepare (self, "SELECT id FROM customers WHERE email = ?");
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (id != 0)
    return id;

  stmt =
      _desk_server_prepare (self, "INSERT INTO customers (email, name, locale) VALUES (?, ?, ?)");
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, locale, -1, SQLITE_STATIC);
  _desk_server_step_done (self, stmt, NULL);

  return sqlite3_last_insert_rowid (self->db);
}

DeskTicketRecord *
_desk_server_open_chat (DeskServer *self,
                        const char *name,
                        const char *email,
                        const char *locale,
                        const char *subject,
                        const char *body,
                        gint64      queue_id,
                        char      **customer_token,
                        GError    **error)
{
  g_autoptr (DeskTicketRecord) ticket = g_new0 (DeskTicketRecord, 1);
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (DeskTicketRecord) saved = NULL;
  sqlite3_stmt *stmt;
  gint64        now = g_get_real_time ();
  gint64        first_response_minutes = 5;
  gint64        resolution_minutes = 60;
  gboolean      existed;

  stmt = _desk_server_prepare (self, "SELECT first_response_minutes, resolution_minutes"
                                     " FROM queues WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, queue_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "queue_id: no such queue");
      return NULL;
    }
  /* A chat is answered in minutes whatever the queue promises for email. */
  first_response_minutes = MIN (first_response_minutes, sqlite3_column_int64 (stmt, 0));
  resolution_minutes = MIN (resolution_minutes, sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);

  ticket->version = 1;
  ticket->kind = DESK_TICKET_KIND_CHAT;
  ticket->channel = DESK_CHANNEL_CHAT;
  ticket->subject = g_strdup (subject);
  ticket->status = DESK_TICKET_STATUS_NEW;
  ticket->priority = DESK_PRIORITY_NORMAL;
  ticket->queue_id = queue_id;
  ticket->requester.id = customer_id_for (self, name, email, locale);
  ticket->requester.name = g_strdup (name);
  ticket->requester.email = g_strdup (email);
  ticket->requester.locale = g_strdup (locale);
  ticket->tags = g_new0 (char *, 1);
  ticket->created_at = now;
  ticket->updated_at = now;
  ticket->first_response_due = now + first_response_minutes * 60 * G_USEC_PER_SEC;
  ticket->resolution_due = now + resolution_minutes * 60 * G_USEC_PER_SEC;

  if (!_desk_server_save_ticket (self, ticket, error))
    return NULL;

  *customer_token = _desk_server_insert_token (self, 0, ticket->id, error);
  if (*customer_token == NULL)
    return NULL;

  message =
      _desk_server_post_message (self, ticket->id, DESK_AUTHOR_CUSTOMER, ticket->id, name,
                                 DESK_VISIBILITY_PUBLIC, body, NULL, NULL, -1, &existed, error);
  if (message == NULL)
    return NULL;

  return _desk_server_load_ticket (self, ticket->id, NULL);
}

static void
handle_open_chat (DeskServer *self, SoupServerMessage *msg, JsonObject *object)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *locale = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autofree char *token = NULL;
  gint64           queue_id = 1;

  if (!desk_json_get_string (object, NULL, "name", DESK_JSON_REQUIRED, &name, &error) ||
      !desk_json_get_string (object, NULL, "email", DESK_JSON_REQUIRED, &email, &error) ||
      !desk_json_get_string (object, NULL, "locale", DESK_JSON_REQUIRED, &locale, &error) ||
      !desk_json_get_string (object, NULL, "subject", DESK_JSON_REQUIRED, &subject, &error) ||
      !desk_json_get_string (object, NULL, "body", DESK_JSON_REQUIRED, &body, &error) ||
      !desk_json_get_int (object, NULL, "queue_id", DESK_JSON_OPTIONAL, &queue_id, &error))
    {
      _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
      return;
    }
  if (*g_strstrip (name) == '\0' || *g_strstrip (body) == '\0' || strchr (email, '@') == NULL)
    {
      _desk_server_send_error (msg, 400, "bad_request",
                               "name, email and body: a name, an email address and a message "
                               "are required");
      return;
    }

  ticket =
      _desk_server_open_chat (self, name, email, locale, subject, body, queue_id, &token, &error);
  if (ticket == NULL)
    {
      _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chat_id");
  json_builder_add_int_value (builder, ticket->id);
  desk_json_add_string (builder, "customer_token", token);
  json_builder_set_member_name (builder, "ticket");
  desk_ticket_record_to_json (ticket, builder);
  json_builder_end_object (builder);

  _desk_server_send_json (msg, 201, desk_json_builder_to_string (builder, NULL));
}

static void
handle_customer_message (DeskServer        *self,
                         SoupServerMessage *msg,
                         DeskCaller        *customer,
                         JsonObject        *object)
{
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *client_id = NULL;
  gboolean         existed;

  if (!desk_json_get_string (object, NULL, "body", DESK_JSON_REQUIRED, &body, &error) ||
      !desk_json_get_string (object, NULL, "client_id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE,
                             &client_id, &error))
    {
      _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
      return;
    }
  if (*g_strstrip (body) == '\0')
    {
      _desk_server_send_error (msg, 400, "bad_request", "body: must not be empty");
      return;
    }

  ticket = _desk_server_load_ticket (self, customer->chat_id, NULL);
  if (ticket == NULL)
    {
      _desk_server_send_error (msg, 404, "not_found", "No such chat");
      return;
    }

  message = _desk_server_post_message (
      self, customer->chat_id, DESK_AUTHOR_CUSTOMER, customer->chat_id, ticket->requester.name,
      DESK_VISIBILITY_PUBLIC, body, client_id, NULL, -1, &existed, &error);
  if (message == NULL)
    {
      _desk_server_send_error (msg, 500, "internal_error", "%s", error->message);
      return;
    }

  _desk_server_send_json (
      msg, existed ? 200 : 201,
      _desk_server_record_to_string (message, (gpointer) desk_message_record_to_json));
}

static void
handle_rating (DeskServer *self, SoupServerMessage *msg, DeskCaller *customer, JsonObject *object)
{
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (GError) error = NULL;
  gint64 rating = 0;

  if (!desk_json_get_int (object, NULL, "rating", DESK_JSON_REQUIRED, &rating, &error))
    {
      _desk_server_send_error (msg, 400, "bad_request", "%s", error->message);
      return;
    }
  if (rating < 1 || rating > 5)
    {
      _desk_server_send_error (msg, 400, "bad_request", "rating: expected 1 to 5");
      return;
    }

  ticket = _desk_server_load_ticket (self, customer->chat_id, NULL);
  if (ticket == NULL)
    {
      _desk_server_send_error (msg, 404, "not_found", "No such chat");
      return;
    }

  ticket->csat = rating;
  ticket->version++;
  ticket->updated_at = g_get_real_time ();
  if (!_desk_server_save_ticket (self, ticket, &error))
    {
      _desk_server_send_error (msg, 500, "internal_error", "%s", error->message);
      return;
    }

  _desk_server_emit (self, "ticket.updated", ticket->id, ticket->id, ticket->queue_id,
                     ticket->version, NULL);
  soup_server_message_set_status (msg, 204, NULL);
}

/* The customer is typing: the agents on the chat see it. */
static void
handle_customer_typing (DeskServer *self, SoupServerMessage *msg, DeskCaller *customer)
{
  g_autoptr (DeskTicketRecord) ticket = _desk_server_load_ticket (self, customer->chat_id, NULL);

  if (ticket == NULL)
    {
      _desk_server_send_error (msg, 404, "not_found", "No such chat");
      return;
    }

  _desk_server_emit_typing (
      self, ticket, 0, customer->name && *customer->name ? customer->name : ticket->requester.name);
  soup_server_message_set_status (msg, 204, NULL);
}

void
_desk_server_public_handle (DeskServer        *self,
                            SoupServerMessage *msg,
                            const char        *method,
                            char             **segments,
                            const char        *token)
{
  g_autoptr (DeskCaller) customer = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  guint  n = g_strv_length (segments);
  gint64 chat_id = 0;

  if (n == 0 || !g_str_equal (segments[0], "chats") || n > 3)
    {
      _desk_server_send_error (msg, 404, "not_found", "No such endpoint");
      return;
    }
  if (!g_str_equal (method, "POST"))
    {
      _desk_server_send_error (msg, 405, "method_not_allowed", "Only POST here");
      return;
    }

  {
    SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
    g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
    gsize       length;
    const char *data = g_bytes_get_data (bytes, &length);

    if (!g_utf8_validate (data, length, NULL))
      {
        _desk_server_send_error (msg, 400, "invalid_utf8", "The body is not valid UTF-8");
        return;
      }
    body = length ? desk_json_parse (data, length, &error) : NULL;
    if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
      {
        _desk_server_send_error (msg, 400, "bad_request", "%s",
                                 error ? error->message : "A JSON object body is required");
        return;
      }
  }

  if (n == 1)
    {
      handle_open_chat (self, msg, json_node_get_object (body));
      return;
    }

  if (!g_ascii_string_to_signed (segments[1], 10, 1, G_MAXINT64, &chat_id, NULL))
    {
      _desk_server_send_error (msg, 404, "not_found", "No such chat");
      return;
    }

  customer = token ? _desk_server_lookup_token (self, token) : NULL;
  if (customer == NULL || customer->chat_id == 0)
    {
      _desk_server_send_error (msg, 401, "unauthorized", "The chat's customer token is required");
      return;
    }
  if (customer->chat_id != chat_id)
    {
      _desk_server_send_error (msg, 404, "not_found", "No such chat");
      return;
    }

  if (n == 3 && g_str_equal (segments[2], "messages"))
    handle_customer_message (self, msg, customer, json_node_get_object (body));
  else if (n == 3 && g_str_equal (segments[2], "typing"))
    handle_customer_typing (self, msg, customer);
  else if (n == 3 && g_str_equal (segments[2], "rating"))
    handle_rating (self, msg, customer, json_node_get_object (body));
  else
    _desk_server_send_error (msg, 404, "not_found", "No such endpoint");
}
