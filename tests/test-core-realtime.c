/* test-core-realtime.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-realtime"

#include "config.h"

#include <string.h>

#include "desk-realtime-private.h"
#include "desk-test-server.h"

/* DeskRealtime against the reference server on loopback (events, drops,
 * refused tokens), against nothing at all (polling), and against small
 * servers of the test's own that misbehave: hostile frames, refusals, and
 * silence. */

typedef struct
{
  DeskRealtime *realtime;
  GArray       *states; /* of DeskRealtimeState, every change in order */
  GPtrArray    *events; /* of JsonObject */
  guint         resyncs;
  guint         unauthorized;
  guint         detailed; /* message.created events seen by a detailed handler */
  gboolean      stop_on_event;
} Watch;

/* Helpers */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the test thread's main context until @condition holds or
 * @timeout_ms has passed, then asserts it. */
#define WAIT_UNTIL(condition, timeout_ms)                                                          \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gboolean timed_out_ = FALSE;                                                                   \
    guint    timeout_id_ = g_timeout_add (timeout_ms, timeout_cb, &timed_out_);                    \
                                                                                                   \
    while (!(condition) && !timed_out_)                                                            \
      g_main_context_iteration (NULL, TRUE);                                                       \
    if (!timed_out_)                                                                               \
      g_source_remove (timeout_id_);                                                               \
    g_assert_true (condition);                                                                     \
  }                                                                                                \
  G_STMT_END

/* Runs the main context for @msec, whatever happens. */
static void
run_for (guint msec)
{
  gboolean timed_out = FALSE;

  g_timeout_add (msec, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

static void
state_cb (DeskRealtime *realtime, GParamSpec *pspec, Watch *watch)
{
  DeskRealtimeState state = desk_realtime_get_state (realtime);

  g_array_append_val (watch->states, state);
}

static void
event_cb (DeskRealtime *realtime,
          const char   *type,
          gint64        id,
          gint64        ticket_id,
          JsonObject   *event,
          Watch        *watch)
{
  g_assert_cmpstr (type, ==, json_object_get_string_member (event, "type"));
  g_ptr_array_add (watch->events, json_object_ref (event));

  if (watch->stop_on_event)
    {
      /* Stopping and dropping the last reference from inside the signal. */
      desk_realtime_stop (realtime);
      g_clear_object (&watch->realtime);
    }
}

static void
message_created_cb (DeskRealtime *realtime,
                    const char   *type,
                    gint64        id,
                    gint64        ticket_id,
                    JsonObject   *event,
                    Watch        *watch)
{
  g_assert_cmpstr (type, ==, "message.created");
  watch->detailed++;
}

static void
resync_cb (DeskRealtime *realtime, Watch *watch)
{
  watch->resyncs++;
}

static void
unauthorized_cb (DeskRealtime *realtime, Watch *watch)
{
  watch->unauthorized++;
}

static Watch *
watch_new (const char *base_url, const char *token)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->realtime = desk_realtime_new (base_url, token);
  watch->states = g_array_new (FALSE, FALSE, sizeof (DeskRealtimeState));
  watch->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  desk_realtime_set_backoff (watch->realtime, 50, 200);
  g_signal_connect (watch->realtime, "notify::state", G_CALLBACK (state_cb), watch);
  g_signal_connect (watch->realtime, "event", G_CALLBACK (event_cb), watch);
  g_signal_connect (watch->realtime, "event::message.created", G_CALLBACK (message_created_cb),
                    watch);
  g_signal_connect (watch->realtime, "resync-needed", G_CALLBACK (resync_cb), watch);
  g_signal_connect (watch->realtime, "unauthorized", G_CALLBACK (unauthorized_cb), watch);

  return watch;
}

static void
watch_free (Watch *watch)
{
  if (watch->realtime != NULL)
    {
      g_signal_handlers_disconnect_by_data (watch->realtime, watch);
      desk_realtime_stop (watch->realtime);
      g_clear_object (&watch->realtime);
    }

  /* Sockets and handshakes finish closing on the main context. */
  run_for (100);

  g_array_unref (watch->states);
  g_ptr_array_unref (watch->events);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static DeskRealtimeState
current_state (Watch *watch)
{
  return desk_realtime_get_state (watch->realtime);
}

static JsonObject *
find_event (Watch *watch, const char *type, gint64 ticket_id)
{
  for (guint i = 0; i < watch->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (watch->events, i);

      if (g_strcmp0 (json_object_get_string_member (event, "type"), type) == 0 &&
          json_object_get_int_member_with_default (event, "ticket_id", 0) == ticket_id)
        return event;
    }

  return NULL;
}

static gboolean
saw_state (Watch *watch, guint from, DeskRealtimeState wanted)
{
  for (guint i = from; i < watch->states->len; i++)
    if (g_array_index (watch->states, DeskRealtimeState, i) == wanted)
      return TRUE;

  return FALSE;
}

/* Against the reference server */

static gint64
some_ticket (DeskTestServer *server, const char *token)
{
  g_autoptr (JsonNode) node = NULL;
  JsonArray *items;
  guint      status = 0;

  node = desk_test_request_json (server, "GET", "/api/v1/tickets?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);

  return json_object_get_int_member (json_array_get_object_element (items, 0), "id");
}

static gint64
post_note (DeskTestServer *server, const char *token, gint64 ticket_id, const char *text)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autofree char *json =
      g_strdup_printf ("{\"body\": \"%s\", \"visibility\": \"internal\"}", text);
  g_autoptr (JsonNode) node = NULL;
  guint status = 0;

  node = desk_test_request_json (server, "POST", path, token, json, &status);
  g_assert_cmpuint (status, ==, 201);

  return json_object_get_int_member (json_node_get_object (node), "id");
}

/* Posts a note and waits for its message.created event. */
static void
assert_hears_message (Watch *watch, DeskTestServer *server, const char *token)
{
  gint64      ticket_id = some_ticket (server, token);
  gint64      message_id;
  guint       detailed = watch->detailed;
  JsonObject *event;

  g_ptr_array_set_size (watch->events, 0);
  message_id = post_note (server, token, ticket_id, "Realtime hello");
  WAIT_UNTIL (find_event (watch, "message.created", ticket_id) != NULL, 2000);

  event = find_event (watch, "message.created", ticket_id);
  g_assert_cmpint (json_object_get_int_member (event, "id"), ==, message_id);
  g_assert_cmpuint (watch->detailed, >, detailed);
}

static void
test_events (void)
{
  g_autoptr (DeskTestServer) server = desk_test_server_new ();
  const char *token = desk_test_server_get_token (server, DESK_ROLE_LEAD);
  g_autoptr (Watch) watch = watch_new (desk_test_server_get_base_url (server), token);

  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_STOPPED);
  desk_realtime_start (watch->realtime);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_CONNECTING);

  WAIT_UNTIL (current_state (watch) == DESK_REALTIME_CONNECTED, 5000);
  g_assert_cmpuint (watch->resyncs, ==, 1);

  assert_hears_message (watch, server, token);
  for (guint i = 0; i < watch->events->len; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (watch->events, i), "type"),
                     !=, "ping");

  desk_realtime_stop (watch->realtime);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_STOPPED);
}

static void
test_reconnect (void)
{
  g_autoptr (DeskTestServer) server = desk_test_server_new ();
  const char *token = desk_test_server_get_token (server, DESK_ROLE_LEAD);
  g_autoptr (Watch) watch = watch_new (desk_test_server_get_base_url (server), token);
  guint mark;

  desk_realtime_start (watch->realtime);
  WAIT_UNTIL (current_state (watch) == DESK_REALTIME_CONNECTED, 5000);
  g_assert_cmpuint (watch->resyncs, ==, 1);

  for (guint round = 1; round <= 2; round++)
    {
      mark = watch->states->len;
      _desk_realtime_drop_connection (watch->realtime);
      WAIT_UNTIL (saw_state (watch, mark, DESK_REALTIME_CONNECTING), 2000);
      WAIT_UNTIL (current_state (watch) == DESK_REALTIME_CONNECTED, 5000);
      g_assert_cmpuint (watch->resyncs, ==, 1 + round);
      g_assert_false (saw_state (watch, mark, DESK_REALTIME_POLLING));
    }

  /* The new socket carries events. */
  assert_hears_message (watch, server, token);
}

static void
test_unauthorized (void)
{
  g_autoptr (DeskTestServer) server = desk_test_server_new ();
  g_autoptr (Watch) watch = watch_new (desk_test_server_get_base_url (server), "bogus");
  g_autoptr (Watch) nobody = watch_new (desk_test_server_get_base_url (server), NULL);

  desk_realtime_start (watch->realtime);
  desk_realtime_start (nobody->realtime);
  WAIT_UNTIL (watch->unauthorized == 1 && nobody->unauthorized == 1, 5000);

  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_STOPPED);
  g_assert_cmpint (current_state (nobody), ==, DESK_REALTIME_STOPPED);
  g_assert_cmpuint (watch->resyncs, ==, 0);
  g_assert_false (saw_state (watch, 0, DESK_REALTIME_CONNECTED));

  /* Nothing is retried. */
  run_for (300);
  g_assert_cmpuint (watch->unauthorized, ==, 1);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_STOPPED);
}

/* Against nothing */

static void
test_polling (void)
{
  g_autoptr (Watch) watch = watch_new ("http://127.0.0.1:1", "token");
  guint resyncs;

  desk_realtime_set_poll_interval (watch->realtime, 1);
  desk_realtime_start (watch->realtime);

  WAIT_UNTIL (current_state (watch) == DESK_REALTIME_POLLING, 3000);
  g_assert_true (saw_state (watch, 0, DESK_REALTIME_CONNECTING));
  g_assert_cmpuint (watch->resyncs, ==, 1);

  resyncs = watch->resyncs;
  WAIT_UNTIL (watch->resyncs >= resyncs + 2, 4000);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_POLLING);
  g_assert_cmpuint (watch->unauthorized, ==, 0);

  desk_realtime_stop (watch->realtime);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_STOPPED);
  resyncs = watch->resyncs;
  run_for (1500);
  g_assert_cmpuint (watch->resyncs, ==, resyncs);
}

/* Against small servers of the test's own */

typedef struct
{
  SoupServer *server;
  char       *base_url;
  GPtrArray  *frames; /* of GBytes: sent to each new socket in order, as text */
  GPtrArray  *connections;
  gboolean    refuse; /* answer 503 to the handshake */
  guint       handshakes;
} TinyServer;

static void
tiny_early_cb (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  TinyServer *tiny = user_data;

  tiny->handshakes++;
  if (tiny->refuse)
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
}

static void
tiny_websocket_cb (SoupServer              *soup,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  TinyServer *tiny = user_data;

  g_ptr_array_add (tiny->connections, g_object_ref (connection));

  for (guint i = 0; i < tiny->frames->len; i++)
    {
      GBytes *frame = g_ptr_array_index (tiny->frames, i);

      if (g_bytes_get_size (frame) > 0 && *(const char *) g_bytes_get_data (frame, NULL) == '\x02')
        soup_websocket_connection_send_binary (connection,
                                               (const char *) g_bytes_get_data (frame, NULL) + 1,
                                               g_bytes_get_size (frame) - 1);
      else
        soup_websocket_connection_send_text (connection, g_bytes_get_data (frame, NULL));
    }
}

/* A server on the thread-default main context. */
static TinyServer *
tiny_server_new (void)
{
  TinyServer *tiny = g_new0 (TinyServer, 1);
  g_autoptr (GError) error = NULL;
  GSList *uris;

  tiny->server = soup_server_new (NULL, NULL);
  tiny->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  tiny->connections = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_early_handler (tiny->server, "/api/v1/events", tiny_early_cb, tiny, NULL);
  soup_server_add_websocket_handler (tiny->server, "/api/v1/events", NULL, NULL, tiny_websocket_cb,
                                     tiny, NULL);
  soup_server_listen_local (tiny->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (tiny->server);
  g_assert_nonnull (uris);
  tiny->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return tiny;
}

/* Frames that start with 0x02 go out as binary, without that byte. */
static void
tiny_server_add_frame (TinyServer *tiny, const char *text)
{
  g_ptr_array_add (tiny->frames, g_bytes_new (text, strlen (text) + 1));
}

static void
tiny_server_free (TinyServer *tiny)
{
  for (guint i = 0; i < tiny->connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (tiny->connections, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    }
  g_ptr_array_unref (tiny->connections);
  g_ptr_array_unref (tiny->frames);
  soup_server_disconnect (tiny->server);
  g_object_unref (tiny->server);
  g_free (tiny->base_url);
  g_free (tiny);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TinyServer, tiny_server_free)

static char *
big_frame (gsize size)
{
  GString *json = g_string_sized_new (size + 64);

  /* A well-formed event in every respect but its size. */
  g_string_append (json, "{\"type\":\"message.created\",\"id\":1,\"ticket_id\":1,\"pad\":\"");
  while (json->len < size)
    g_string_append_c (json, 'x');
  g_string_append (json, "\"}");

  return g_string_free (json, FALSE);
}

static void
test_hostile_frames (void)
{
  g_autoptr (TinyServer) tiny = tiny_server_new ();
  g_autoptr (Watch) watch = NULL;
  g_autofree char *big = big_frame (1024 * 1024);
  JsonObject      *event;

  tiny_server_add_frame (tiny, "not json");
  tiny_server_add_frame (tiny, "");
  tiny_server_add_frame (tiny, "{}");
  tiny_server_add_frame (tiny, "{\"type\":5}");
  tiny_server_add_frame (tiny, "{\"type\":\"\"}");
  tiny_server_add_frame (tiny, "{\"type\":null}");
  tiny_server_add_frame (tiny, "[\"type\",\"message.created\"]");
  tiny_server_add_frame (tiny, "\"message.created\"");
  tiny_server_add_frame (tiny, "{\"type\":\"message.created\",\"id\":\"7\"}");
  tiny_server_add_frame (tiny, "{\"type\":\"message.created\",\"id\":1,\"ticket_id\":1.5}");
  tiny_server_add_frame (tiny, "{\"type\":\"message.created\",\"id\":1,\"ticket_id\":{}}");
  tiny_server_add_frame (tiny, "{\"type\":\"message.created\",\"id\":1");
  tiny_server_add_frame (tiny, "\x02{\"type\":\"message.created\",\"id\":1}");
  tiny_server_add_frame (tiny, big);
  tiny_server_add_frame (tiny, "{\"type\":\"ping\",\"id\":0}");
  tiny_server_add_frame (tiny, "{\"type\":\"ticket.updated\",\"id\":42,\"ticket_id\":42,"
                               "\"version\":3}");

  watch = watch_new (tiny->base_url, "token");
  desk_realtime_start (watch->realtime);

  WAIT_UNTIL (watch->events->len >= 1, 5000);
  /* The valid event came last: everything before it has been read. */
  g_assert_cmpuint (watch->events->len, ==, 1);
  event = g_ptr_array_index (watch->events, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "ticket.updated");
  g_assert_cmpint (json_object_get_int_member (event, "id"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (event, "version"), ==, 3);
  g_assert_cmpuint (watch->detailed, ==, 0);

  /* None of it cost the connection. */
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_CONNECTED);
  g_assert_cmpuint (tiny->handshakes, ==, 1);
  g_assert_cmpuint (watch->resyncs, ==, 1);
}

static void
test_stop_in_handler (void)
{
  g_autoptr (TinyServer) tiny = tiny_server_new ();
  g_autoptr (Watch) watch = NULL;

  tiny_server_add_frame (tiny, "{\"type\":\"ticket.updated\",\"id\":1,\"ticket_id\":1}");
  tiny_server_add_frame (tiny, "{\"type\":\"ticket.updated\",\"id\":2,\"ticket_id\":2}");

  watch = watch_new (tiny->base_url, "token");
  watch->stop_on_event = TRUE;
  desk_realtime_start (watch->realtime);

  WAIT_UNTIL (watch->realtime == NULL, 5000);
  run_for (200);
  g_assert_cmpuint (watch->events->len, ==, 1);
  g_assert_cmpuint (tiny->handshakes, ==, 1);
}

static void
test_polling_recovers (void)
{
  g_autoptr (TinyServer) tiny = tiny_server_new ();
  g_autoptr (Watch) watch = NULL;
  guint mark;
  guint resyncs;

  tiny->refuse = TRUE;
  watch = watch_new (tiny->base_url, "token");
  desk_realtime_set_poll_interval (watch->realtime, 1);
  desk_realtime_start (watch->realtime);

  WAIT_UNTIL (current_state (watch) == DESK_REALTIME_POLLING, 3000);
  g_assert_cmpuint (tiny->handshakes, >=, 3);
  g_assert_cmpuint (watch->unauthorized, ==, 0);

  /* The socket is still tried, and taken as soon as it can be had. */
  mark = watch->resyncs;
  tiny->refuse = FALSE;
  WAIT_UNTIL (current_state (watch) == DESK_REALTIME_CONNECTED, 3000);
  g_assert_cmpuint (watch->resyncs, >, mark);

  /* No more poll ticks while the socket is there. */
  resyncs = watch->resyncs;
  run_for (1500);
  g_assert_cmpuint (watch->resyncs, ==, resyncs);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_CONNECTED);
}

/* A server that goes quiet without closing: its main context is not run
 * once the socket is open, so keepalive pings go unanswered. */
static void
test_silent_server (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (TinyServer) tiny = NULL;
  g_autoptr (Watch) watch = NULL;
  gint64 deadline;
  gint64 silent_since;

  g_main_context_push_thread_default (context);
  tiny = tiny_server_new ();
  g_main_context_pop_thread_default (context);

  watch = watch_new (tiny->base_url, "token");
  _desk_realtime_set_keepalive_interval (watch->realtime, 1);
  desk_realtime_start (watch->realtime);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (current_state (watch) != DESK_REALTIME_CONNECTED && g_get_monotonic_time () < deadline)
    {
      gboolean busy;

      /* libsoup attaches its sources to the thread-default context. */
      g_main_context_push_thread_default (context);
      busy = g_main_context_iteration (context, FALSE);
      g_main_context_pop_thread_default (context);
      busy |= g_main_context_iteration (NULL, FALSE);
      if (!busy)
        g_usleep (1000);
    }
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_CONNECTED);

  /* Three keepalive intervals of silence, give or take the timer's second. */
  silent_since = g_get_monotonic_time ();
  WAIT_UNTIL (current_state (watch) != DESK_REALTIME_CONNECTED, 8000);
  g_assert_cmpint (g_get_monotonic_time () - silent_since, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (current_state (watch), ==, DESK_REALTIME_CONNECTING);

  g_clear_pointer (&watch, watch_free);
  g_main_context_push_thread_default (context);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_pointer (&tiny, tiny_server_free);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Realtime/events", test_events);
  g_test_add_func ("/Desk/Realtime/reconnect", test_reconnect);
  g_test_add_func ("/Desk/Realtime/unauthorized", test_unauthorized);
  g_test_add_func ("/Desk/Realtime/polling", test_polling);
  g_test_add_func ("/Desk/Realtime/polling-recovers", test_polling_recovers);
  g_test_add_func ("/Desk/Realtime/hostile-frames", test_hostile_frames);
  g_test_add_func ("/Desk/Realtime/stop-in-handler", test_stop_in_handler);
  g_test_add_func ("/Desk/Realtime/silent-server", test_silent_server);

  return g_test_run ();
}
