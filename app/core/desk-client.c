/* desk-client.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-client"

#include "config.h"

#include "desk-client.h"
#include "desk-json.h"

/* The HTTP side of the API: a libsoup session with the bearer token,
 * bounded responses, and retries with exponential backoff and jitter for
 * requests that are safe to repeat. TLS certificates are always checked:
 * libsoup does so by default and nothing here turns it off. */

#define READ_CHUNK (64 * 1024)
#define BACKOFF_BASE_MSEC 250
#define BACKOFF_MAX_MSEC 30000
/* What a server says in an error goes in front of a person: a line, not a
 * page. */
#define MAX_SERVER_MESSAGE 200
/* Parsed, each value costs json-glib 100 to 300 bytes. A page of 500
 * tickets holds some 20,000, a year of hourly metrics some 60,000; an
 * answer within the size limit could hold ten million. */
#define MAX_RESPONSE_VALUES 250000
/* A successful answer this big is parsed in a worker thread: a page of 500
 * messages costs milliseconds that the main loop spends better, applying
 * the page before it to the cache. */
#define PARSE_IN_THREAD_SIZE (32 * 1024)

struct _DeskClient
{
  GObject parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *authorization;
  gsize        max_response_size;
  guint        max_retries;
  guint        timeout;
};

G_DEFINE_FINAL_TYPE (DeskClient, desk_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (desk - client - error - quark, desk_client_error)

typedef struct
{
  char         *method;
  char         *path;
  GBytes       *body;
  char         *if_match;
  guint         flags;
  guint         attempt;
  guint         status;
  SoupMessage  *message;
  GByteArray   *response;
  GInputStream *stream;
  guint         retry_source;

  /* libsoup's timeout bounds each read, not the whole answer: a server that
   * sends a byte a second would hold a request for ever. So each attempt
   * has a deadline, and a cancellable of its own that the deadline and the
   * caller's cancellable both cancel. */
  GCancellable *cancellable;
  GSource      *caller_cancelled;
  guint         deadline_source;
  gboolean      timed_out;
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->if_match);
  g_clear_object (&request->message);
  g_clear_pointer (&request->response, g_byte_array_unref);
  g_clear_object (&request->stream);
  g_clear_handle_id (&request->retry_source, g_source_remove);
  g_clear_handle_id (&request->deadline_source, g_source_remove);
  if (request->caller_cancelled != NULL)
    g_source_destroy (request->caller_cancelled);
  g_clear_pointer (&request->caller_cancelled, g_source_unref);
  g_clear_object (&request->cancellable);
  g_free (request);
}

/* A new token for the same server, after the old one was refused. */
void
desk_client_set_token (DeskClient *self, const char *token)
{
  g_return_if_fail (DESK_IS_CLIENT (self));

  g_free (self->authorization);
  self->authorization = token ? g_strdup_printf ("Bearer %s", token) : NULL;
}

DeskClient *
desk_client_new (const char *base_url, const char *token)
{
  DeskClient *self = g_object_new (DESK_TYPE_CLIENT, NULL);
  gsize       length = strlen (base_url);

  while (length > 0 && base_url[length - 1] == '/')
    length--;
  self->base_url = g_strndup (base_url, length);
  self->authorization = token ? g_strdup_printf ("Bearer %s", token) : NULL;

  return self;
}

const char *
desk_client_get_base_url (DeskClient *self)
{
  g_return_val_if_fail (DESK_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
desk_client_set_max_retries (DeskClient *self, guint max_retries)
{
  g_return_if_fail (DESK_IS_CLIENT (self));

  self->max_retries = max_retries;
}

void
desk_client_set_max_response_size (DeskClient *self, gsize max_response_size)
{
  g_return_if_fail (DESK_IS_CLIENT (self));

  self->max_response_size = max_response_size;
}

/* How long one attempt of a request may take, from sending it to the last
 * byte of the answer, and how long the connection may stay silent; 0 for
 * ever. */
void
desk_client_set_timeout (DeskClient *self, guint seconds)
{
  g_return_if_fail (DESK_IS_CLIENT (self));

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  soup_session_set_idle_timeout (self->session, seconds);
}

static void send_attempt (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask   *task = user_data;
  Request *request = g_task_get_task_data (task);

  request->retry_source = 0;
  send_attempt (task);
  return G_SOURCE_REMOVE;
}

/* Retries a request that may be repeated, after @retry_after_sec when the
 * server said so, else after an exponential backoff with full jitter.
 * Returns FALSE when the retries are used up. */
static gboolean
maybe_retry (GTask *task, int retry_after_sec)
{
  DeskClient *self = g_task_get_source_object (task);
  Request    *request = g_task_get_task_data (task);
  guint       delay_msec;

  if (!(request->flags & DESK_REQUEST_RETRY) || request->attempt >= self->max_retries)
    return FALSE;

  if (retry_after_sec > 0)
    delay_msec = MIN (retry_after_sec * 1000, BACKOFF_MAX_MSEC);
  else
    delay_msec = g_random_int_range (
        0, MIN (BACKOFF_MAX_MSEC, BACKOFF_BASE_MSEC << MIN (request->attempt, 10)) + 1);

  request->attempt++;
  g_clear_handle_id (&request->deadline_source, g_source_remove);
  g_clear_object (&request->message);
  g_clear_object (&request->stream);
  g_byte_array_set_size (request->response, 0);
  g_debug ("Retrying %s %s in %u ms (attempt %u)", request->method, request->path, delay_msec,
           request->attempt + 1);
  request->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_msec, retry_cb,
                                              g_object_ref (task), g_object_unref);
  return TRUE;
}

static int
status_to_code (guint status)
{
  switch (status)
    {
      case 401:
        return DESK_CLIENT_ERROR_UNAUTHORIZED;
      case 403:
        return DESK_CLIENT_ERROR_FORBIDDEN;
      case 404:
        return DESK_CLIENT_ERROR_NOT_FOUND;
      case 409:
        return DESK_CLIENT_ERROR_CONFLICT;
      case 429:
        return DESK_CLIENT_ERROR_RATE_LIMITED;
      default:
        return status >= 500 ? DESK_CLIENT_ERROR_SERVER : DESK_CLIENT_ERROR_INVALID;
    }
}

/* A successful answer's JSON, for callers that asked for it unparsed
 * (DESK_REQUEST_UNPARSED), with the bounds and the error of any other. */
JsonNode *
desk_client_parse_answer (const char *data, gsize length, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  JsonNode *node;

  node = desk_json_parse_bounded (data, length, MAX_RESPONSE_VALUES, &local_error);
  if (node == NULL)
    g_set_error (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                 "The server sent a response that is not valid: %s", local_error->message);

  return node;
}

static void
parse_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Request  *request = task_data;
  GError   *error = NULL;
  JsonNode *node;

  node = desk_client_parse_answer ((const char *) request->response->data, request->response->len,
                                   &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
finish_request (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  const char *data = (const char *) request->response->data;
  gsize       length = request->response->len;
  int         retry_after = 0;

  if (request->status == 429 || request->status == 503)
    {
      const char *header = soup_message_headers_get_one (
          soup_message_get_response_headers (request->message), "Retry-After");

      retry_after = header ? (int) g_ascii_strtoll (header, NULL, 10) : 0;
      if (maybe_retry (task, MAX (retry_after, 1)))
        return;
    }
  else if (request->status >= 500 && maybe_retry (task, 0))
    return;

  if (request->status < 300 && (request->flags & DESK_REQUEST_UNPARSED))
    {
      g_task_return_pointer (task,
                             g_byte_array_free_to_bytes (g_steal_pointer (&request->response)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (request->status < 300 && length >= PARSE_IN_THREAD_SIZE)
    {
      g_task_run_in_thread (task, parse_in_thread);
      return;
    }

  if (length > 0)
    {
      node = desk_json_parse_bounded (data, length, MAX_RESPONSE_VALUES, &error);
      if (node == NULL && request->status < 300)
        {
          g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                                   "The server sent a response that is not valid: %s",
                                   error->message);
          return;
        }
    }

  if (request->status >= 400)
    {
      JsonObject *object =
          node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *error_object =
          object ? desk_json_get_object (object, NULL, "error", DESK_JSON_REQUIRED, NULL) : NULL;
      const char *message =
          error_object ? json_object_get_string_member_with_default (error_object, "message", NULL)
                       : NULL;
      g_autofree char *shown = NULL;

      if (message != NULL && g_utf8_strlen (message, -1) > MAX_SERVER_MESSAGE)
        {
          g_autofree char *start = g_utf8_substring (message, 0, MAX_SERVER_MESSAGE);

          shown = g_strconcat (start, "…", NULL);
        }

      g_task_return_new_error (task, DESK_CLIENT_ERROR, status_to_code (request->status),
                               "%s (HTTP %u)",
                               shown     ? shown
                               : message ? message
                                         : soup_status_get_phrase (request->status),
                               request->status);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
}

/* Whether @error ends the request because the caller cancelled it; an
 * attempt that ran out of time is not that, it failed. */
static gboolean
is_cancelled (Request *request, const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !request->timed_out;
}

static void
return_io_error (GTask *task, const char *what, const GError *error)
{
  DeskClient *self = g_task_get_source_object (task);
  Request    *request = g_task_get_task_data (task);

  if (request->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_OFFLINE,
                             "The server did not answer in time (%u s)", self->timeout);
  else
    g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_OFFLINE, "%s: %s", what,
                             error->message);
}

static void read_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* Takes the reference to @task. */
static void
read_next_chunk (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, read_cb, task);
}

static void
read_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeskClient *self = g_task_get_source_object (task);
  Request    *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      if (is_cancelled (request, error))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (!maybe_retry (task, 0))
        return_io_error (task, "The connection broke while reading the answer", error);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      finish_request (task);
      return;
    }

  /* A hostile or broken server must not make us hold gigabytes. */
  if (request->response->len + g_bytes_get_size (bytes) > self->max_response_size)
    {
      g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                               "The server's answer is larger than %" G_GSIZE_FORMAT " MB",
                               self->max_response_size / (1024 * 1024));
      return;
    }

  g_byte_array_append (request->response, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_next_chunk (g_steal_pointer (&task));
}

static void
send_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  goffset length;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      if (is_cancelled (request, error))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (!maybe_retry (task, 0))
        return_io_error (task, "Could not reach the server", error);
      return;
    }

  request->status = soup_message_get_status (request->message);
  length = soup_message_headers_get_content_length (
      soup_message_get_response_headers (request->message));
  if (length > 0 &&
      (gsize) length > ((DeskClient *) g_task_get_source_object (task))->max_response_size)
    {
      g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                               "The server's answer is too large (%" G_GOFFSET_FORMAT " bytes)",
                               length);
      return;
    }

  read_next_chunk (g_steal_pointer (&task));
}

static gboolean
deadline_cb (gpointer user_data)
{
  Request *request = user_data;

  request->deadline_source = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

/* A source, not a handler of "cancelled": it runs from the main loop, never
 * inside g_cancellable_cancel(), so that ending the request may drop it. */
static gboolean
caller_cancelled_cb (GCancellable *caller, gpointer user_data)
{
  Request *request = user_data;

  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static void
send_attempt (GTask *task)
{
  DeskClient         *self = g_task_get_source_object (task);
  Request            *request = g_task_get_task_data (task);
  GCancellable       *caller = g_task_get_cancellable (task);
  g_autofree char    *url = g_strconcat (self->base_url, request->path, NULL);
  SoupMessageHeaders *headers;

  if (g_task_return_error_if_cancelled (task))
    return;

  g_clear_object (&request->cancellable);
  request->cancellable = g_cancellable_new ();
  request->timed_out = FALSE;
  if (self->timeout > 0)
    request->deadline_source = g_timeout_add (self->timeout * 1000, deadline_cb, request);
  if (caller != NULL && request->caller_cancelled == NULL)
    {
      request->caller_cancelled = g_cancellable_source_new (caller);
      g_source_set_callback (request->caller_cancelled, G_SOURCE_FUNC (caller_cancelled_cb),
                             request, NULL);
      g_source_attach (request->caller_cancelled, g_task_get_context (task));
    }

  request->message = soup_message_new (request->method, url);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                               "“%s” is not a valid server address", url);
      return;
    }

  /* Safe to repeat, so libsoup may send it on a kept-alive connection. */
  if (request->flags & DESK_REQUEST_RETRY)
    soup_message_add_flags (request->message, SOUP_MESSAGE_IDEMPOTENT);

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  if (request->if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", request->if_match);
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (request->message, "application/json", request->body);

  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->cancellable, send_cb, g_object_ref (task));
}

void
desk_client_request_async (DeskClient         *self,
                           const char         *method,
                           const char         *path,
                           JsonNode           *body,
                           const char         *if_match,
                           DeskRequestFlags    flags,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *request;

  g_return_if_fail (DESK_IS_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_client_request_async);

  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->if_match = g_strdup (if_match);
  request->flags = flags;
  request->response = g_byte_array_new ();
  if (body != NULL)
    {
      gsize length;
      char *json = json_to_string (body, FALSE);

      length = strlen (json);
      request->body = g_bytes_new_take (json, length);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  send_attempt (task);
}

JsonNode *
desk_client_request_finish (DeskClient *self, GAsyncResult *result, guint *status, GError **error)
{
  Request *request;

  g_return_val_if_fail (DESK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = request->status;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For a request with DESK_REQUEST_UNPARSED. */
GBytes *
desk_client_request_bytes_finish (DeskClient   *self,
                                  GAsyncResult *result,
                                  guint        *status,
                                  GError      **error)
{
  Request *request;

  g_return_val_if_fail (DESK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  g_return_val_if_fail (request->flags & DESK_REQUEST_UNPARSED, NULL);
  if (status != NULL)
    *status = request->status;

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
desk_client_finalize (GObject *object)
{
  DeskClient *self = DESK_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->authorization, g_free);

  G_OBJECT_CLASS (desk_client_parent_class)->finalize (object);
}

static void
desk_client_class_init (DeskClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_client_finalize;
}

static void
desk_client_init (DeskClient *self)
{
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, "user-agent",
                                                 "AgentDesk/" PACKAGE_VERSION, NULL);
  self->max_response_size = 32 * 1024 * 1024;
  self->max_retries = 4;
  /* A page of 500 items, even on a slow link. */
  self->timeout = 120;
}
