/* desk-realtime.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-realtime"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "desk-json.h"
#include "desk-realtime-private.h"

/* The WebSocket side of the API: GET /api/v1/events. Events only say what
 * changed; whoever listens fetches the change by cursor. A socket that
 * closes is opened again after an exponential backoff with full jitter, and
 * every new socket asks for a resync, since events were missed while there
 * was none. When no socket can be had, resync-needed ticks on a timer instead
 * (polling) while the socket is still retried in the background.
 *
 * Frames come from the network: anything that is not a small JSON object
 * with a string "type" is logged at debug level and dropped. */

#define EVENTS_PATH "/api/v1/events"

#define BACKOFF_INITIAL_MSEC 500
#define BACKOFF_MAX_MSEC 30000
#define STABLE_CONNECTION_USEC (10 * G_USEC_PER_SEC) /* lived this long: the backoff starts over */
#define FAILURES_BEFORE_POLLING 3
#define POLL_INTERVAL_SECONDS 30
#define KEEPALIVE_SECONDS 20
#define KEEPALIVE_MISSES 3 /* intervals without a word from the server: the socket is dead */
#define HANDSHAKE_TIMEOUT_SECONDS 30

/* The socket accepts frames far larger than any event, so that one odd
 * frame does not cost the connection; frames above MAX_EVENT_SIZE are
 * dropped without being parsed. */
#define MAX_FRAME_SIZE (2 * 1024 * 1024)
#define MAX_EVENT_SIZE (64 * 1024)

struct _DeskRealtime
{
  GObject parent_instance;

  char *url;
  char *authorization;

  /* Owned references, from start() to stop() */
  GMainContext            *context;
  SoupSession             *session;
  SoupMessage             *handshake;
  GCancellable            *cancellable;
  SoupWebsocketConnection *connection;
  GSource                 *retry_source;
  GSource                 *poll_source;
  GSource                 *watchdog_source;

  DeskRealtimeState state;
  guint             backoff_initial_ms;
  guint             backoff_max_ms;
  guint             poll_interval;
  guint             keepalive_interval;
  guint             attempt;  /* backoff steps since the last stable connection */
  guint             failures; /* handshakes failed in a row */
  gint64            connected_at;
  gint64            heard_at; /* monotonic time of the last frame or pong */
};

G_DEFINE_FINAL_TYPE (DeskRealtime, desk_realtime, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeskRealtimeState,
                    desk_realtime_state,
                    G_DEFINE_ENUM_VALUE (DESK_REALTIME_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (DESK_REALTIME_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (DESK_REALTIME_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (DESK_REALTIME_POLLING, "polling"))

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  EVENT,
  RESYNC_NEEDED,
  UNAUTHORIZED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void connect_now (DeskRealtime *self);

/* Helpers */

static char *
events_url (const char *base_url)
{
  gsize            length = strlen (base_url);
  g_autofree char *base = NULL;

  while (length > 0 && base_url[length - 1] == '/')
    length--;
  base = g_strndup (base_url, length);

  if (g_ascii_strncasecmp (base, "https://", 8) == 0)
    return g_strconcat ("wss://", base + 8, EVENTS_PATH, NULL);
  if (g_ascii_strncasecmp (base, "http://", 7) == 0)
    return g_strconcat ("ws://", base + 7, EVENTS_PATH, NULL);
  if (g_ascii_strncasecmp (base, "wss://", 6) != 0 && g_ascii_strncasecmp (base, "ws://", 5) != 0)
    g_warning ("%s is not an http or https URL: the event stream will not connect", base_url);

  return g_strconcat (base, EVENTS_PATH, NULL);
}

static void
set_state (DeskRealtime *self, DeskRealtimeState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
emit_resync_needed (DeskRealtime *self)
{
  g_autoptr (DeskRealtime) hold = g_object_ref (self);

  g_signal_emit (self, signals[RESYNC_NEEDED], 0);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static GSource *
attach_source (DeskRealtime *self, GSource *source, GSourceFunc func, const char *name)
{
  g_source_set_static_name (source, name);
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);

  return source;
}

static gboolean
release_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* Lets go of the socket, closing it if it is still open. */
static void
release_connection (DeskRealtime *self)
{
  SoupWebsocketConnection *connection = g_steal_pointer (&self->connection);
  g_autoptr (GSource) source = NULL;

  clear_source (&self->watchdog_source);
  if (connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (connection, self);
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);

  /* This may run inside one of the connection's own signals, which goes on
   * using the connection after the handlers return: drop it a little later. */
  source = g_idle_source_new ();
  g_source_set_static_name (source, "[desk-realtime] release");
  g_source_set_callback (source, release_cb, connection, g_object_unref);
  g_source_attach (source, self->context);
}

/* Stops every attempt, socket and timer; the state is the caller's. */
static void
teardown (DeskRealtime *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->handshake);
  release_connection (self);
  clear_source (&self->retry_source);
  clear_source (&self->poll_source);
  g_clear_object (&self->session);
  self->attempt = 0;
  self->failures = 0;
}

/* Reconnecting */

/* Exponential backoff with full jitter: a delay anywhere between nothing
 * and a ceiling that doubles with every attempt up to the maximum. */
static guint
next_delay (DeskRealtime *self)
{
  guint64 ceiling = self->backoff_initial_ms;

  for (guint i = 0; i < self->attempt && ceiling < self->backoff_max_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, self->backoff_max_ms);

  if (ceiling < self->backoff_max_ms)
    self->attempt++;

  return MIN ((guint64) g_random_double_range (0, (double) ceiling + 1), ceiling);
}

static gboolean
retry_cb (gpointer user_data)
{
  DeskRealtime *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  connect_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (DeskRealtime *self)
{
  guint delay = next_delay (self);

  g_debug ("Opening %s again in %u ms", self->url, delay);
  clear_source (&self->retry_source);
  self->retry_source =
      attach_source (self, g_timeout_source_new (delay), retry_cb, "[desk-realtime] retry");
}

/* Polling */

static gboolean
poll_cb (gpointer user_data)
{
  emit_resync_needed (user_data);

  return G_SOURCE_CONTINUE;
}

static void
start_polling (DeskRealtime *self)
{
  clear_source (&self->poll_source);
  self->poll_source = attach_source (self, g_timeout_source_new_seconds (self->poll_interval),
                                     poll_cb, "[desk-realtime] poll");
}

/* The socket */

static void
message_cb (SoupWebsocketConnection *connection, int type, GBytes *message, gpointer user_data)
{
  DeskRealtime *self = user_data;
  g_autoptr (DeskRealtime) hold = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *event_type = NULL;
  JsonObject      *event;
  gint64           id = 0;
  gint64           ticket_id = 0;
  const char      *data;
  gsize            length;

  self->heard_at = g_get_monotonic_time ();

  data = g_bytes_get_data (message, &length);
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Ignoring a binary frame of %" G_GSIZE_FORMAT " bytes", length);
      return;
    }
  if (length > MAX_EVENT_SIZE)
    {
      g_debug ("Ignoring a frame of %" G_GSIZE_FORMAT " bytes: too large for an event", length);
      return;
    }

  node = desk_json_parse (data, length, &error);
  event = node ? desk_json_as_object (node, "event", &error) : NULL;
  if (event == NULL ||
      !desk_json_get_string (event, "event", "type", DESK_JSON_REQUIRED, &event_type, &error) ||
      !desk_json_get_int (event, "event", "id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE, &id,
                          &error) ||
      !desk_json_get_int (event, "event", "ticket_id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE,
                          &ticket_id, &error))
    {
      g_debug ("Ignoring a frame that is not an event: %s", error->message);
      return;
    }
  if (*event_type == '\0')
    {
      g_debug ("Ignoring an event without a type");
      return;
    }

  /* The server's heartbeat: hearing it is all it is for. */
  if (g_str_equal (event_type, "ping"))
    return;

  /* Only an existing quark can have handlers for it: a server cannot make
   * this process intern strings of its choosing. */
  hold = g_object_ref (self);
  g_signal_emit (self, signals[EVENT], g_quark_try_string (event_type), event_type, id, ticket_id,
                 event);
}

static void
pong_cb (SoupWebsocketConnection *connection, GBytes *message, gpointer user_data)
{
  DeskRealtime *self = user_data;

  self->heard_at = g_get_monotonic_time ();
}

static void
error_cb (SoupWebsocketConnection *connection, GError *error, gpointer user_data)
{
  DeskRealtime *self = user_data;

  g_debug ("Event stream %s: %s", self->url, error->message);
}

/* The socket is gone: open another one after the backoff. */
static void
connection_lost (DeskRealtime *self)
{
  if (g_get_monotonic_time () - self->connected_at > STABLE_CONNECTION_USEC)
    self->attempt = 0;

  release_connection (self);
  self->failures = 0;
  schedule_retry (self);
  set_state (self, DESK_REALTIME_CONNECTING);
}

static void
closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  DeskRealtime *self = user_data;

  g_debug ("Event stream %s closed (code %u)", self->url,
           soup_websocket_connection_get_close_code (connection));
  connection_lost (self);
}

/* A socket can die without a word (a suspended laptop, a NAT that forgot
 * it): the server pings every 30 s and answers the keepalive pings, so a
 * long silence means nobody is there any more. */
static gboolean
watchdog_cb (gpointer user_data)
{
  DeskRealtime *self = user_data;
  gint64        silence = g_get_monotonic_time () - self->heard_at;

  if (silence < (gint64) self->keepalive_interval * KEEPALIVE_MISSES * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_debug ("Nothing heard on %s for %" G_GINT64_FORMAT " ms: opening another socket", self->url,
           silence / 1000);
  connection_lost (self);

  return G_SOURCE_REMOVE;
}

/* Tries again later; after a few failures in a row, polls meanwhile. */
static void
handshake_failed (DeskRealtime *self)
{
  self->failures++;
  schedule_retry (self);

  if (self->failures >= FAILURES_BEFORE_POLLING && self->poll_source == NULL)
    {
      g_debug ("No socket after %u attempts: polling", self->failures);
      start_polling (self);
      set_state (self, DESK_REALTIME_POLLING);
      /* The first tick is now: events have been missed already. */
      if (self->state == DESK_REALTIME_POLLING)
        emit_resync_needed (self);
    }
}

static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DeskRealtime *self = user_data;
  g_autoptr (SoupWebsocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  /* Only stop() and dispose cancel: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  status = soup_message_get_status (self->handshake);
  g_clear_object (&self->handshake);

  if (connection == NULL && status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_autoptr (DeskRealtime) hold = g_object_ref (self);

      g_debug ("The server refused the token for %s", self->url);
      teardown (self);
      g_clear_pointer (&self->context, g_main_context_unref);
      set_state (self, DESK_REALTIME_STOPPED);
      g_signal_emit (self, signals[UNAUTHORIZED], 0);
      return;
    }

  if (connection == NULL)
    {
      g_debug ("Cannot open %s (status %u): %s", self->url, status,
               error ? error->message : "no connection");
      handshake_failed (self);
      return;
    }

  self->connection = g_steal_pointer (&connection);
  soup_websocket_connection_set_keepalive_interval (self->connection, self->keepalive_interval);
  soup_websocket_connection_set_max_incoming_payload_size (self->connection, MAX_FRAME_SIZE);
  g_signal_connect (self->connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (self->connection, "pong", G_CALLBACK (pong_cb), self);
  g_signal_connect (self->connection, "error", G_CALLBACK (error_cb), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (closed_cb), self);

  self->connected_at = self->heard_at = g_get_monotonic_time ();
  self->watchdog_source =
      attach_source (self, g_timeout_source_new_seconds (self->keepalive_interval), watchdog_cb,
                     "[desk-realtime] watchdog");
  self->failures = 0;
  clear_source (&self->poll_source);
  g_debug ("Listening to %s", self->url);

  set_state (self, DESK_REALTIME_CONNECTED);
  if (self->state == DESK_REALTIME_CONNECTED)
    emit_resync_needed (self);
}

static void
connect_now (DeskRealtime *self)
{
  g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, self->url);

  if (message == NULL)
    {
      g_debug ("Cannot open %s: not a URL libsoup accepts", self->url);
      handshake_failed (self);
      return;
    }

  if (self->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                  self->authorization);

  self->handshake = g_object_ref (message);
  self->cancellable = g_cancellable_new ();

  /* libsoup runs an async call on the thread-default context. */
  g_main_context_push_thread_default (self->context);
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, connect_cb, self);
  g_main_context_pop_thread_default (self->context);
}

/* GObject */

static void
desk_realtime_dispose (GObject *object)
{
  DeskRealtime *self = DESK_REALTIME (object);

  teardown (self);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (desk_realtime_parent_class)->dispose (object);
}

static void
desk_realtime_finalize (GObject *object)
{
  DeskRealtime *self = DESK_REALTIME (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->authorization, g_free);

  G_OBJECT_CLASS (desk_realtime_parent_class)->finalize (object);
}

static void
desk_realtime_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskRealtime *self = DESK_REALTIME (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_realtime_class_init (DeskRealtimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_realtime_dispose;
  object_class->finalize = desk_realtime_finalize;
  object_class->get_property = desk_realtime_get_property;

  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, DESK_TYPE_REALTIME_STATE, DESK_REALTIME_STOPPED,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something changed on the server: @type as the server names it
   * (message.created, ticket.updated, …, also the signal's detail), the id
   * of what changed, its ticket or 0, and the whole event. The server's
   * pings are not passed on. */
  signals[EVENT] =
      g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                    G_TYPE_INT64, G_TYPE_INT64, JSON_TYPE_OBJECT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /* Events may have been missed: after every new socket, and on every
   * poll tick while there is none. */
  signals[RESYNC_NEEDED] = g_signal_new ("resync-needed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* The server refused the token: the state is STOPPED, nothing is retried. */
  signals[UNAUTHORIZED] = g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
desk_realtime_init (DeskRealtime *self)
{
  self->state = DESK_REALTIME_STOPPED;
  self->backoff_initial_ms = BACKOFF_INITIAL_MSEC;
  self->backoff_max_ms = BACKOFF_MAX_MSEC;
  self->poll_interval = POLL_INTERVAL_SECONDS;
  self->keepalive_interval = KEEPALIVE_SECONDS;
}

/* API */

DeskRealtime *
desk_realtime_new (const char *base_url, const char *token)
{
  DeskRealtime *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (DESK_TYPE_REALTIME, NULL);
  self->url = events_url (base_url);
  self->authorization = token ? g_strdup_printf ("Bearer %s", token) : NULL;

  return self;
}

/* Opens the socket, and keeps one open until stop(), on the thread-default
 * main context of the caller. */
void
desk_realtime_start (DeskRealtime *self)
{
  g_return_if_fail (DESK_IS_REALTIME (self));

  if (self->state != DESK_REALTIME_STOPPED)
    return;

  self->context = g_main_context_ref_thread_default ();
  self->session = soup_session_new_with_options ("timeout", HANDSHAKE_TIMEOUT_SECONDS, "user-agent",
                                                 "AgentDesk/" PACKAGE_VERSION, NULL);
  connect_now (self);
  set_state (self, DESK_REALTIME_CONNECTING);
}

void
desk_realtime_stop (DeskRealtime *self)
{
  g_return_if_fail (DESK_IS_REALTIME (self));

  teardown (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  set_state (self, DESK_REALTIME_STOPPED);
}

DeskRealtimeState
desk_realtime_get_state (DeskRealtime *self)
{
  g_return_val_if_fail (DESK_IS_REALTIME (self), DESK_REALTIME_STOPPED);

  return self->state;
}

/* The next delays; the one already waited for stays as it is. */
void
desk_realtime_set_backoff (DeskRealtime *self, guint initial_ms, guint max_ms)
{
  g_return_if_fail (DESK_IS_REALTIME (self));
  g_return_if_fail (initial_ms > 0);
  g_return_if_fail (max_ms >= initial_ms);

  self->backoff_initial_ms = initial_ms;
  self->backoff_max_ms = max_ms;
}

void
desk_realtime_set_poll_interval (DeskRealtime *self, guint seconds)
{
  g_return_if_fail (DESK_IS_REALTIME (self));
  g_return_if_fail (seconds > 0);

  self->poll_interval = seconds;
  if (self->poll_source != NULL)
    start_polling (self);
}

void
_desk_realtime_drop_connection (DeskRealtime *self)
{
  g_return_if_fail (DESK_IS_REALTIME (self));

  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

void
_desk_realtime_set_keepalive_interval (DeskRealtime *self, guint seconds)
{
  g_return_if_fail (DESK_IS_REALTIME (self));
  g_return_if_fail (seconds > 0);

  self->keepalive_interval = seconds;
}
