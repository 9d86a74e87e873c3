/* desk-server.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server"

#include "config.h"

#include <math.h>
#include <sys/socket.h>

#include "desk-json.h"
#include "desk-server-private.h"

G_DEFINE_FINAL_TYPE (DeskServer, desk_server, G_TYPE_OBJECT)

typedef struct
{
  double tokens;
  gint64 last_refill;
} DeskRateBucket;

void
_desk_server_send_json (SoupServerMessage *msg, guint status, char *json)
{
  soup_server_message_set_status (msg, status, NULL);
  if (json != NULL)
    soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                      json, strlen (json));
}

void
_desk_server_send_error (
    SoupServerMessage *msg, guint status, const char *code, const char *format, ...)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Error texts may quote client input: keep them valid UTF-8. */
  if (!g_utf8_validate (message, -1, NULL))
    {
      g_free (message);
      message = g_strdup ("invalid text");
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  desk_json_add_string (builder, "code", code);
  desk_json_add_string (builder, "message", message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  _desk_server_send_json (msg, status, desk_json_builder_to_string (builder, NULL));
}

static const char *
bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;

  return authorization + 7;
}

/* A token bucket per token (or per address for anonymous calls): a burst is
 * fine, a flood gets 429 with the seconds until the next request is allowed. */
static gboolean
desk_server_rate_limited (DeskServer *self, SoupServerMessage *msg, const char *key)
{
  DeskRateBucket  *bucket = g_hash_table_lookup (self->buckets, key);
  gint64           now = g_get_monotonic_time ();
  g_autofree char *retry = NULL;

  if (bucket == NULL)
    {
      /* Forget idle clients now and then so the table stays small. */
      if (g_hash_table_size (self->buckets) > 10000)
        g_hash_table_remove_all (self->buckets);

      bucket = g_new0 (DeskRateBucket, 1);
      bucket->tokens = self->rate_burst;
      bucket->last_refill = now;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }

  bucket->tokens =
      MIN (self->rate_burst,
           bucket->tokens + (now - bucket->last_refill) * self->rate_per_second / G_USEC_PER_SEC);
  bucket->last_refill = now;

  if (bucket->tokens >= 1)
    {
      bucket->tokens -= 1;
      return FALSE;
    }

  retry =
      g_strdup_printf ("%d", (int) MAX (1, ceil ((1 - bucket->tokens) / self->rate_per_second)));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                retry);
  _desk_server_send_error (msg, 429, "rate_limited", "Too many requests: retry in %s s", retry);
  return TRUE;
}

static gboolean
query_is_valid_utf8 (GHashTable *query)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  if (query == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
      return FALSE;

  return TRUE;
}

static void
desk_server_api_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  DeskServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *token = bearer_token (msg);
  g_auto (GStrv) segments = NULL;
  g_autoptr (DeskCaller) caller = NULL;
  g_autofree char *rate_key = NULL;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");

  /* The early handler already answered (413, 401 on the event stream). */
  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != 200)
    return;

  if (!g_str_has_prefix (path, "/api/v1/"))
    {
      _desk_server_send_error (msg, 404, "not_found", "No such endpoint");
      return;
    }

  if (!query_is_valid_utf8 (query))
    {
      _desk_server_send_error (msg, 400, "invalid_utf8", "The query is not valid UTF-8");
      return;
    }

  rate_key = token ? g_strdup (token)
                   : g_strdup (soup_server_message_get_remote_host (msg) ?: "anonymous");
  if (desk_server_rate_limited (self, msg, rate_key))
    return;

  segments = g_strsplit (path + strlen ("/api/v1/"), "/", 8);

  if (g_strcmp0 (segments[0], "public") == 0)
    {
      _desk_server_public_handle (self, msg, method, segments + 1, token);
      return;
    }

  caller = token ? _desk_server_lookup_token (self, token) : NULL;
  if (caller == NULL || caller->chat_id != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
      _desk_server_send_error (msg, 401, "unauthorized",
                               token ? "The token is not valid" : "A bearer token is required");
      return;
    }

  _desk_server_api_handle (self, msg, caller, method, segments, query);

  if (self->drop_responses > 0 &&
      (g_str_equal (method, "POST") || g_str_equal (method, "PATCH") ||
       g_str_equal (method, "DELETE")) &&
      SOUP_STATUS_IS_SUCCESSFUL (soup_server_message_get_status (msg)))
    {
      g_autoptr (GIOStream) stream = soup_server_message_steal_connection (msg);

      self->drop_responses--;
      g_io_stream_close (stream, NULL, NULL);
    }
}

/* Sources live on the server's (thread-default) context, which
 * g_source_remove() would not search. */
void
_desk_server_remove_source (guint *source_id)
{
  GSource *source;

  if (*source_id == 0)
    return;

  source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), *source_id);
  if (source != NULL)
    g_source_destroy (source);
  *source_id = 0;
}

void
_desk_server_drop_responses (DeskServer *self, guint count)
{
  self->drop_responses = count;
}

/* Runs once the headers are in, before the body is read: refuses a body
 * that is too large without reading it. */
static void
desk_server_early_cb (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  DeskServer         *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset             length = soup_message_headers_get_content_length (headers);
  gsize               limit = self->max_body_size;

  if (g_str_has_prefix (path, "/api/v1/uploads"))
    limit = DESK_SERVER_MAX_UPLOAD;

  if (length > 0 && (gsize) length > limit)
    {
      _desk_server_send_error (
          msg, 413, "payload_too_large",
          "The body is %" G_GOFFSET_FORMAT " bytes, the limit is %" G_GSIZE_FORMAT, length, limit);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      return;
    }

  if (g_str_equal (path, "/api/v1/events"))
    _desk_server_events_early (self, msg);
}

DeskServer *
desk_server_new (const char *data_dir, GError **error)
{
  g_autoptr (DeskServer) self = g_object_new (DESK_TYPE_SERVER, NULL);

  g_return_val_if_fail (data_dir != NULL, NULL);

  self->data_dir = g_strdup (data_dir);
  if (!_desk_server_store_open (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
desk_server_listen (DeskServer *self, const char *address, guint port, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocket) socket = NULL;

  g_return_val_if_fail (DESK_IS_SERVER (self), FALSE);

  inet = g_inet_address_new_from_string (address ? address : "127.0.0.1");
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on", address);
      return FALSE;
    }

  if (self->soup == NULL)
    {
      self->soup = soup_server_new ("server-header", "agent-desk-server/" PACKAGE_VERSION, NULL);
      /* libsoup runs the most specific handler only: the event stream needs its own. */
      soup_server_add_early_handler (self->soup, NULL, desk_server_early_cb, self, NULL);
      soup_server_add_early_handler (self->soup, "/api/v1/events", desk_server_early_cb, self,
                                     NULL);
      _desk_server_events_init (self);
      soup_server_add_handler (self->soup, NULL, desk_server_api_cb, self, NULL);
    }
  else if (self->ping_source == 0)
    _desk_server_events_init_ping (self);

  socket_address = g_inet_socket_address_new (inet, port);
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  /* GSocket's default backlog of 10 drops connections when a team's
   * clients all reconnect at once. */
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  return soup_server_listen_socket (self->soup, socket, 0, error);
}

void
desk_server_disconnect (DeskServer *self)
{
  g_return_if_fail (DESK_IS_SERVER (self));

  _desk_server_events_shutdown (self);
  _desk_server_remove_source (&self->simulator_source);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}

guint
desk_server_get_port (DeskServer *self)
{
  g_autoslist (GUri) uris = NULL;

  g_return_val_if_fail (DESK_IS_SERVER (self), 0);

  if (self->soup == NULL)
    return 0;

  uris = soup_server_get_uris (self->soup);
  return uris ? g_uri_get_port (uris->data) : 0;
}

char *
desk_server_dup_base_url (DeskServer *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u", desk_server_get_port (self));
}

void
desk_server_set_max_body_size (DeskServer *self, gsize max_body_size)
{
  g_return_if_fail (DESK_IS_SERVER (self));

  self->max_body_size = max_body_size;
}

void
desk_server_set_rate_limit (DeskServer *self, double requests_per_second, guint burst)
{
  g_return_if_fail (DESK_IS_SERVER (self));
  g_return_if_fail (requests_per_second > 0);

  self->rate_per_second = requests_per_second;
  self->rate_burst = MAX (1, burst);
  g_hash_table_remove_all (self->buckets);
}

gint64
desk_server_create_user (DeskServer   *self,
                         const char   *name,
                         const char   *email,
                         DeskRole      role,
                         const gint64 *queue_ids,
                         guint         n_queue_ids,
                         GError      **error)
{
  g_return_val_if_fail (DESK_IS_SERVER (self), 0);

  return _desk_server_insert_user (self, 0, name, email, role, queue_ids, n_queue_ids, error);
}

char *
desk_server_create_token (DeskServer *self, gint64 user_id, GError **error)
{
  g_return_val_if_fail (DESK_IS_SERVER (self), NULL);

  return _desk_server_insert_token (self, user_id, 0, error);
}

gint64
desk_server_find_user (DeskServer *self, const char *email)
{
  sqlite3_stmt *stmt = _desk_server_prepare (self, "SELECT id FROM users WHERE email = ?");
  gint64        id = 0;

  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

static void
desk_server_finalize (GObject *object)
{
  DeskServer *self = DESK_SERVER (object);

  desk_server_disconnect (self);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_pointer (&self->viewers, g_hash_table_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (desk_server_parent_class)->finalize (object);
}

static void
desk_server_class_init (DeskServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_server_finalize;
}

static void
desk_server_init (DeskServer *self)
{
  self->max_body_size = 1024 * 1024;
  self->rate_per_second = 200;
  self->rate_burst = 400;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->viewers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->rand = g_rand_new ();
}
