/* desk-server-events.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-events"

#include "config.h"

#include "desk-server-private.h"

/* GET /api/v1/events: a WebSocket on which each connected user hears what
 * changed among the things they may see. Events say what changed, never the
 * content: clients fetch that by cursor. */

#define PING_INTERVAL_SECONDS 30

typedef struct
{
  SoupWebsocketConnection *connection;
  DeskCaller              *caller;
} DeskServerSocket;

static void
desk_server_socket_free (DeskServerSocket *socket)
{
  g_clear_object (&socket->connection);
  g_clear_pointer (&socket->caller, _desk_caller_free);
  g_free (socket);
}

static const char *
token_of (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    return authorization + 7;

  return NULL;
}

static char *
token_from_query (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr (GHashTable) params = NULL;

  if (query == NULL)
    return NULL;

  params = soup_form_decode (query);
  return g_strdup (g_hash_table_lookup (params, "token"));
}

/* Browsers cannot set headers on a WebSocket, so ?token= is accepted too. */
static DeskCaller *
lookup_caller (DeskServer *self, SoupServerMessage *msg)
{
  g_autofree char *query_token = NULL;
  const char      *token = token_of (msg);

  if (token == NULL)
    token = query_token = token_from_query (msg);

  return token ? _desk_server_lookup_token (self, token) : NULL;
}

gboolean
_desk_server_events_early (DeskServer *self, SoupServerMessage *msg)
{
  g_autoptr (DeskCaller) caller = lookup_caller (self, msg);

  const char *upgrade =
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Upgrade");

  if (caller == NULL || caller->chat_id != 0)
    {
      _desk_server_send_error (msg, 401, "unauthorized", "A valid bearer token is required");
      return FALSE;
    }
  if (upgrade == NULL || g_ascii_strcasecmp (upgrade, "websocket") != 0)
    {
      _desk_server_send_error (msg, 400, "bad_request",
                               "This is a WebSocket endpoint: connect with an Upgrade request");
      return FALSE;
    }

  return TRUE;
}

static void
set_presence (DeskServer *self, gint64 user_id, const char *presence)
{
  sqlite3_stmt *stmt = _desk_server_prepare (self, "UPDATE users SET presence = ? WHERE id = ?");

  sqlite3_bind_text (stmt, 1, presence, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, user_id);
  _desk_server_step_done (self, stmt, NULL);

  {
    g_autofree char *extra = g_strdup_printf ("\"state\":\"%s\"", presence);
    _desk_server_emit (self, "presence", user_id, 0, 0, 0, extra);
  }
}

static gboolean
user_connected (DeskServer *self, gint64 user_id)
{
  for (GList *l = self->sockets; l; l = l->next)
    if (((DeskServerSocket *) l->data)->caller->user_id == user_id)
      return TRUE;

  return FALSE;
}

static void
connection_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  DeskServer *self = user_data;
  gint64      user_id = 0;

  for (GList *l = self->sockets; l; l = l->next)
    {
      DeskServerSocket *socket = l->data;

      if (socket->connection == connection)
        {
          user_id = socket->caller->user_id;
          self->sockets = g_list_delete_link (self->sockets, l);
          g_signal_handlers_disconnect_by_data (connection, self);
          desk_server_socket_free (socket);
          break;
        }
    }

  if (user_id != 0 && !user_connected (self, user_id))
    set_presence (self, user_id, "offline");
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  DeskServer       *self = user_data;
  DeskServerSocket *socket;
  DeskCaller       *caller = lookup_caller (self, msg);

  if (caller == NULL)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "unauthorized");
      return;
    }

  socket = g_new0 (DeskServerSocket, 1);
  socket->connection = g_object_ref (connection);
  socket->caller = caller;

  g_signal_connect (connection, "closed", G_CALLBACK (connection_closed_cb), self);

  if (!user_connected (self, caller->user_id))
    {
      self->sockets = g_list_prepend (self->sockets, socket);
      set_presence (self, caller->user_id, "online");
    }
  else
    self->sockets = g_list_prepend (self->sockets, socket);
}

static gboolean
ping_cb (gpointer user_data)
{
  DeskServer *self = user_data;

  _desk_server_emit (self, "ping", 0, 0, 0, 0, NULL);
  return G_SOURCE_CONTINUE;
}

void
_desk_server_events_init_ping (DeskServer *self)
{
  g_autoptr (GSource) source = g_timeout_source_new_seconds (PING_INTERVAL_SECONDS);

  /* On the context the server runs on, which may be a thread's own. */
  g_source_set_callback (source, ping_cb, self, NULL);
  self->ping_source = g_source_attach (source, g_main_context_get_thread_default ());
}

void
_desk_server_events_init (DeskServer *self)
{
  soup_server_add_websocket_handler (self->soup, "/api/v1/events", NULL, NULL, websocket_cb, self,
                                     NULL);
  _desk_server_events_init_ping (self);
}

void
_desk_server_events_shutdown (DeskServer *self)
{
  _desk_server_remove_source (&self->ping_source);

  while (self->sockets != NULL)
    {
      DeskServerSocket *socket = self->sockets->data;

      self->sockets = g_list_delete_link (self->sockets, self->sockets);
      g_signal_handlers_disconnect_by_data (socket->connection, self);
      if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      desk_server_socket_free (socket);
    }
}

/* A "typing" event: who types on which ticket. @agent_id 0 is the chat's
 * customer. */
void
_desk_server_emit_typing (DeskServer             *self,
                          const DeskTicketRecord *ticket,
                          gint64                  agent_id,
                          const char             *name)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;
  g_autofree char *extra = NULL;

  json_node_set_string (node, name ? name : "");
  quoted = json_to_string (node, FALSE);
  extra = agent_id != 0
              ? g_strdup_printf ("\"agent_id\":%" G_GINT64_FORMAT ",\"name\":%s", agent_id, quoted)
              : g_strdup_printf ("\"name\":%s", quoted);
  _desk_server_emit (self, "typing", agent_id, ticket->id, ticket->queue_id, 0, extra);
}

/* Sends {type, id, ticket_id?, version?, …extra} to every socket whose user
 * may see @queue_id (0: everyone). */
void
_desk_server_emit (DeskServer *self,
                   const char *type,
                   gint64      id,
                   gint64      ticket_id,
                   gint64      queue_id,
                   gint64      version,
                   const char *extra_json)
{
  GString *event;

  if (self->sockets == NULL)
    return;

  event = g_string_new (NULL);
  g_string_append_printf (event, "{\"type\":\"%s\",\"id\":%" G_GINT64_FORMAT, type, id);
  if (ticket_id != 0)
    g_string_append_printf (event, ",\"ticket_id\":%" G_GINT64_FORMAT, ticket_id);
  if (version != 0)
    g_string_append_printf (event, ",\"version\":%" G_GINT64_FORMAT, version);
  if (extra_json != NULL)
    g_string_append_printf (event, ",%s", extra_json);
  g_string_append_c (event, '}');

  for (GList *l = self->sockets; l; l = l->next)
    {
      DeskServerSocket *socket = l->data;

      if (queue_id != 0 && !_desk_caller_sees_queue (socket->caller, queue_id))
        continue;
      if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;

      soup_websocket_connection_send_text (socket->connection, event->str);
    }

  g_string_free (event, TRUE);
}
