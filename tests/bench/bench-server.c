/* bench-server.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "desk-bench.h"
#include "desk-server.h"

/* The reference server loaded with 100,000 tickets and 1,000,000 messages,
 * on 127.0.0.1 in a thread of its own, and its clients on the main thread:
 * a full sync by pages, 50 clients mixing reads and posts, 200 WebSocket
 * clients waiting for a new message, and the 30-day metrics. */

#define N_SYNTHETIC_TICKETS 100000
#define N_SYNTHETIC_MESSAGES 1000000
#define N_AGENTS 4

#define SYNC_PAGE_SIZE 500

#define MIXED_CLIENTS 50
#define MIXED_SECONDS 8
#define MIXED_PAGE_SIZE 50

#define FANOUT_SOCKETS 200
#define FANOUT_ROUNDS 30
#define FANOUT_ROUND_TIMEOUT_MS 5000

#define METRICS_RUNS 5

#define REQUEST_TIMEOUT_MS 30000

/* desk_server_listen() leaves GSocket's default listen backlog of 10: more
 * connections at once overflow it, wait a second for the SYN to be sent
 * again, and may be reset. Clients connect this many at a time. */
#define CONNECT_BATCH 8

static const gint64 all_queues[] = { 1, 2, 3, 4 };

typedef struct
{
  /* The server: owned by the server thread once it runs, which serves it
   * on @server_context with @server_loop. */
  DeskServer   *server;
  GMainContext *server_context;
  GMainLoop    *server_loop;
  GThread      *server_thread;
  GMutex        mutex;
  GCond         cond;
  gboolean      server_ready;
  GError       *server_error;

  /* The clients, on the main thread's @context */
  GMainContext *context;
  SoupSession  *session;
  GCancellable *cancellable;
  GRand        *rand;
  char         *base_url;
  char         *events_url;
  GPtrArray    *tokens; /* the lead's first, then the agents' */
  GError       *error;  /* the first failure of a callback */

  /* What the full sync saw, for the later phases to pick from */
  GArray    *ticket_ids; /* of gint64 */
  GPtrArray *cursors;    /* of char*, each a page's next cursor */
} Bench;

static void
bench_fail (Bench *bench, GError *error)
{
  if (bench->error == NULL)
    bench->error = error;
  else
    g_error_free (error);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The nearest-rank percentile @p (0..100) of @values, which it sorts. */
static double
percentile (GArray *values, double p)
{
  guint rank;

  if (values->len == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  rank = (guint) CLAMP (ceil (p / 100.0 * values->len), 1, values->len);
  return g_array_index (values, double, rank - 1);
}

/* Main loop helpers */

typedef gboolean (*BenchDoneFunc) (gpointer user_data);

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the clients' context until @done says so, a callback fails or
 * @timeout_ms have passed. Requests may still be running when it fails: see
 * bench_drain(). */
static gboolean
bench_wait (Bench        *bench,
            BenchDoneFunc done,
            gpointer      user_data,
            guint         timeout_ms,
            const char   *what,
            GError      **error)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, bench->context);
  while (!done (user_data) && !timed_out && bench->error == NULL)
    g_main_context_iteration (bench->context, TRUE);
  g_source_destroy (timeout);

  if (bench->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&bench->error), "%s: ", what);
      return FALSE;
    }
  if (timed_out)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: no answer within %u ms", what,
                   timeout_ms);
      return FALSE;
    }

  return TRUE;
}

/* Runs the clients' context for @ms milliseconds. */
static void
bench_pause (Bench *bench, guint ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, bench->context);
  while (!timed_out)
    g_main_context_iteration (bench->context, TRUE);
}

/* Cancels what is running and waits until @done, so that no callback
 * outlives the state it points to. */
static void
bench_drain (Bench *bench, BenchDoneFunc done, gpointer user_data)
{
  g_cancellable_cancel (bench->cancellable);
  while (!done (user_data))
    g_main_context_iteration (bench->context, TRUE);
  g_clear_error (&bench->error);
  g_object_unref (bench->cancellable);
  bench->cancellable = g_cancellable_new ();
}

/* Requests */

static SoupMessage *
bench_message_new (Bench *bench, const char *method, const char *path, const char *token)
{
  g_autofree char *uri = g_strconcat (bench->base_url, path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  SoupMessage     *msg = soup_message_new (method, uri);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);

  /* Every POST here carries a client_id, which makes it safe to repeat.
   * Without the flag libsoup opens a new connection for each POST rather
   * than reuse a kept-alive one, as it does for GET. */
  if (g_str_equal (method, "POST"))
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  return msg;
}

static void
set_json_body (SoupMessage *msg, char *json)
{
  g_autoptr (GBytes) bytes = g_bytes_new_take (json, strlen (json));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
}

/* The body of a finished request that answered @expected, or NULL and @error */
static GBytes *
finish_request (SoupSession *session, GAsyncResult *result, guint expected, GError **error)
{
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (session, result, error);
  guint status;

  if (body == NULL)
    return NULL;

  status = soup_message_get_status (msg);
  if (status != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s answered %u, not %u: %.*s",
                   soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)),
                   status, expected, (int) MIN (200, g_bytes_get_size (body)),
                   (const char *) g_bytes_get_data (body, NULL));
      return NULL;
    }

  return g_steal_pointer (&body);
}

static JsonNode *
parse_bytes (GBytes *bytes, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  gsize       size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Expected a JSON object");
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

typedef struct
{
  guint    expected;
  GBytes  *body;
  GError  *error;
  gboolean done;
} Reply;

static gboolean
reply_done (gpointer user_data)
{
  Reply *reply = user_data;

  return reply->done;
}

static void
request_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reply *reply = user_data;

  reply->body = finish_request (SOUP_SESSION (source), result, reply->expected, &reply->error);
  reply->done = TRUE;
}

/* One request on @session, waited for while the clients' context runs
 * (WebSocket frames arrive meanwhile): its body if it answered @expected.
 * Takes @json. */
static GBytes *
bench_request (Bench       *bench,
               SoupSession *session,
               const char  *method,
               const char  *path,
               const char  *token,
               char        *json,
               guint        expected,
               GError     **error)
{
  g_autoptr (SoupMessage) msg = bench_message_new (bench, method, path, token);
  Reply reply = { expected, NULL, NULL, FALSE };

  if (json != NULL)
    set_json_body (msg, json);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, bench->cancellable,
                                    request_cb, &reply);
  if (!bench_wait (bench, reply_done, &reply, REQUEST_TIMEOUT_MS, path, error))
    {
      bench_drain (bench, reply_done, &reply);
      g_clear_pointer (&reply.body, g_bytes_unref);
      g_clear_error (&reply.error);
      return NULL;
    }

  if (reply.error != NULL)
    {
      g_propagate_error (error, reply.error);
      return NULL;
    }

  return reply.body;
}

/* The server thread */

static gpointer
server_thread_func (gpointer data)
{
  Bench *bench = data;
  g_autoptr (GError) error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (bench->server_context);

  listening = desk_server_listen (bench->server, "127.0.0.1", 0, &error);

  g_mutex_lock (&bench->mutex);
  bench->server_error = g_steal_pointer (&error);
  bench->server_ready = TRUE;
  g_cond_signal (&bench->cond);
  g_mutex_unlock (&bench->mutex);

  if (listening)
    g_main_loop_run (bench->server_loop);

  /* Everything the server attached lives on this context: end it here. */
  desk_server_disconnect (bench->server);
  g_clear_object (&bench->server);
  while (g_main_context_iteration (bench->server_context, FALSE))
    ;

  g_main_context_pop_thread_default (bench->server_context);
  return NULL;
}

static gboolean
quit_server_cb (gpointer user_data)
{
  Bench *bench = user_data;

  g_main_loop_quit (bench->server_loop);
  return G_SOURCE_REMOVE;
}

static gboolean
create_users (Bench *bench, GError **error)
{
  gint64 lead_id;
  char  *token;

  lead_id = desk_server_create_user (bench->server, "Bench Lead", "bench.lead@desk.test",
                                     DESK_ROLE_LEAD, all_queues, G_N_ELEMENTS (all_queues), error);
  if (lead_id <= 0 || !(token = desk_server_create_token (bench->server, lead_id, error)))
    return FALSE;
  g_ptr_array_add (bench->tokens, token);

  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bench Agent %u", i + 1);
      g_autofree char *email = g_strdup_printf ("bench.agent%u@desk.test", i + 1);
      gint64           agent_id;

      agent_id = desk_server_create_user (bench->server, name, email, DESK_ROLE_AGENT, all_queues,
                                          G_N_ELEMENTS (all_queues), error);
      if (agent_id <= 0 || !(token = desk_server_create_token (bench->server, agent_id, error)))
        return FALSE;
      g_ptr_array_add (bench->tokens, token);
    }

  return TRUE;
}

/* Seeds the server on this thread, then serves it from its own. */
static gboolean
start_server (Bench *bench, const char *data_dir, GError **error)
{
  gint64 start;
  guint  port;

  bench->server = desk_server_new (data_dir, error);
  if (bench->server == NULL)
    return FALSE;

  start = g_get_monotonic_time ();
  if (!desk_server_seed_demo (bench->server, SOURCE_DATADIR "/demo", error) ||
      !desk_server_seed_synthetic (bench->server, N_SYNTHETIC_TICKETS, N_SYNTHETIC_MESSAGES, error))
    return FALSE;
  desk_bench_report ("server_seed_s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                     "s");

  if (!create_users (bench, error))
    return FALSE;
  desk_server_set_rate_limit (bench->server, 1e9, 1000000000);

  bench->server_context = g_main_context_new ();
  bench->server_loop = g_main_loop_new (bench->server_context, FALSE);
  bench->server_thread = g_thread_new ("server", server_thread_func, bench);

  g_mutex_lock (&bench->mutex);
  while (!bench->server_ready)
    g_cond_wait (&bench->cond, &bench->mutex);
  g_mutex_unlock (&bench->mutex);

  if (bench->server_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&bench->server_error));
      return FALSE;
    }

  port = desk_server_get_port (bench->server);
  bench->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  bench->events_url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/events", port);
  return TRUE;
}

static void
stop_server (Bench *bench)
{
  if (bench->server_thread == NULL)
    return;

  g_main_context_invoke (bench->server_context, quit_server_cb, bench);
  g_thread_join (g_steal_pointer (&bench->server_thread));
}

/* Full sync: one client reads every ticket by pages of 500, as the app
 * does on first connection, and parses each page. */

static gboolean
bench_sync (Bench *bench, GError **error)
{
  g_autofree char *cursor = g_strdup ("");
  gint64           start = g_get_monotonic_time ();
  gboolean         more = TRUE;
  double           seconds;

  while (more)
    {
      g_autofree char *path = NULL;
      g_autoptr (GBytes) body = NULL;
      g_autoptr (JsonNode) root = NULL;
      JsonObject *object;
      JsonArray  *items;

      path = g_strdup_printf ("/api/v1/tickets?since=%s&limit=%d", cursor, SYNC_PAGE_SIZE);
      body = bench_request (bench, bench->session, "GET", path, bench->tokens->pdata[0], NULL,
                            SOUP_STATUS_OK, error);
      if (body == NULL || !(root = parse_bytes (body, error)))
        return FALSE;

      object = json_node_get_object (root);
      items = json_object_get_array_member (object, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");

          g_array_append_val (bench->ticket_ids, id);
        }

      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "next"));
      more = json_object_get_boolean_member (object, "more");
      g_ptr_array_add (bench->cursors, g_strdup (cursor));
    }

  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (bench->ticket_ids->len < N_SYNTHETIC_TICKETS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The sync saw %u tickets, expected %u",
                   bench->ticket_ids->len, N_SYNTHETIC_TICKETS);
      return FALSE;
    }

  desk_bench_report ("server_sync_tickets_per_s", bench->ticket_ids->len / seconds, "tickets/s");
  return TRUE;
}

/* Mixed load: 50 clients, each sending its next request as soon as the
 * last one is answered: 60% pages of 50 tickets from a random cursor, 20%
 * single tickets, 20% internal notes. Replies are checked but not parsed,
 * to leave the server most of the two cores. */

typedef struct _Mixed Mixed;

typedef struct
{
  Mixed       *mixed;
  SoupSession *session; /* a client each, as 50 apps would be */
  const char  *token;
  guint        index;
  guint        serial;
  gint64       sent_at;
} MixedClient;

struct _Mixed
{
  Bench      *bench;
  MixedClient clients[MIXED_CLIENTS];
  guint       n_running;
  gint64      end;
  GArray     *latencies_ms; /* of double */
};

static void mixed_client_send (MixedClient *client);

static gboolean
mixed_done (gpointer user_data)
{
  Mixed *mixed = user_data;

  return mixed->n_running == 0;
}

static void
mixed_client_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MixedClient *client = user_data;
  Mixed       *mixed = client->mixed;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint        expected = g_str_equal (soup_message_get_method (msg), "POST") ? 201 : 200;
  g_autoptr (GBytes) body = NULL;
  GError *error = NULL;
  double  latency_ms = (g_get_monotonic_time () - client->sent_at) / 1000.0;

  body = finish_request (SOUP_SESSION (source), result, expected, &error);
  if (body == NULL)
    {
      bench_fail (mixed->bench, error);
      mixed->n_running--;
      return;
    }

  g_array_append_val (mixed->latencies_ms, latency_ms);
  mixed_client_send (client);
}

static void
mixed_client_send (MixedClient *client)
{
  Mixed  *mixed = client->mixed;
  Bench  *bench = mixed->bench;
  GArray *ids = bench->ticket_ids;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *path = NULL;
  gint32           roll = g_rand_int_range (bench->rand, 0, 100);

  if (bench->error != NULL || g_get_monotonic_time () >= mixed->end)
    {
      mixed->n_running--;
      return;
    }

  if (roll < 20)
    {
      gint64 id = g_array_index (ids, gint64, g_rand_int_range (bench->rand, 0, ids->len));

      path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
      msg = bench_message_new (bench, "POST", path, client->token);
      set_json_body (msg, g_strdup_printf ("{\"body\":\"Checked the transaction: it is confirmed,"
                                           " the customer can be told.\",\"visibility\":"
                                           "\"internal\",\"client_id\":\"bench-%u-%u\"}",
                                           client->index, client->serial++));
    }
  else if (roll < 40)
    {
      gint64 id = g_array_index (ids, gint64, g_rand_int_range (bench->rand, 0, ids->len));

      path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
      msg = bench_message_new (bench, "GET", path, client->token);
    }
  else
    {
      const char *cursor =
          bench->cursors->pdata[g_rand_int_range (bench->rand, 0, bench->cursors->len)];

      path = g_strdup_printf ("/api/v1/tickets?since=%s&limit=%d", cursor, MIXED_PAGE_SIZE);
      msg = bench_message_new (bench, "GET", path, client->token);
    }

  client->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (client->session, msg, G_PRIORITY_DEFAULT, bench->cancellable,
                                    mixed_client_cb, client);
}

static gboolean
bench_mixed (Bench *bench, GError **error)
{
  g_autoptr (GArray) latencies_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), 32768);
  Mixed    mixed = { bench, { { 0 } }, 0, 0, latencies_ms };
  gint64   start = 0;
  double   seconds = 0;
  gboolean ok = TRUE;

  /* Each client connects and signs in first, one after the other, so that
   * the load runs on kept-alive connections. */
  for (guint i = 0; ok && i < MIXED_CLIENTS; i++)
    {
      MixedClient *client = &mixed.clients[i];
      g_autoptr (GBytes) me = NULL;

      client->mixed = &mixed;
      client->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_MS / 1000, NULL);
      client->index = i;
      client->token = bench->tokens->pdata[i % bench->tokens->len];
      me = bench_request (bench, client->session, "GET", "/api/v1/me", client->token, NULL,
                          SOUP_STATUS_OK, error);
      ok = me != NULL;
    }

  if (ok)
    {
      start = g_get_monotonic_time ();
      mixed.end = start + MIXED_SECONDS * G_USEC_PER_SEC;
      mixed.n_running = MIXED_CLIENTS;
      for (guint i = 0; i < MIXED_CLIENTS; i++)
        mixed_client_send (&mixed.clients[i]);

      ok = bench_wait (bench, mixed_done, &mixed, (MIXED_SECONDS * 1000) + REQUEST_TIMEOUT_MS,
                       "mixed load", error);
      if (!ok)
        bench_drain (bench, mixed_done, &mixed);
      seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    }

  for (guint i = 0; i < MIXED_CLIENTS; i++)
    {
      if (mixed.clients[i].session != NULL)
        soup_session_abort (mixed.clients[i].session);
      g_clear_object (&mixed.clients[i].session);
    }
  if (!ok)
    return FALSE;

  desk_bench_report ("server_mixed_rps", latencies_ms->len / seconds, "requests/s");
  desk_bench_report ("server_mixed_p99_ms", percentile (latencies_ms, 99), "ms");
  return TRUE;
}

/* WebSocket fan-out: 200 staff clients listen to the event stream; a lead
 * posts a reply, and each client notes when its message.created arrives. */

typedef struct _Fanout Fanout;

typedef struct
{
  Fanout                  *fanout;
  guint                    index;
  SoupWebsocketConnection *connection;
} FanoutSocket;

struct _Fanout
{
  Bench       *bench;
  FanoutSocket sockets[FANOUT_SOCKETS];
  guint        n_started;
  guint        n_connecting;

  /* The current round */
  gboolean listening;
  guint    n_arrived;
  gint64   arrived_at[FANOUT_SOCKETS];
  gint64   arrived_id[FANOUT_SOCKETS];
};

static gboolean
fanout_connected (gpointer user_data)
{
  Fanout *fanout = user_data;

  return fanout->n_started == FANOUT_SOCKETS && fanout->n_connecting == 0;
}

static gboolean
fanout_settled (gpointer user_data)
{
  Fanout *fanout = user_data;

  return fanout->n_connecting == 0;
}

static gboolean
fanout_arrived (gpointer user_data)
{
  Fanout *fanout = user_data;

  return fanout->n_arrived == FANOUT_SOCKETS;
}

static gboolean
fanout_closed (gpointer user_data)
{
  Fanout *fanout = user_data;

  for (guint i = 0; i < FANOUT_SOCKETS; i++)
    if (fanout->sockets[i].connection != NULL &&
        soup_websocket_connection_get_state (fanout->sockets[i].connection) !=
            SOUP_WEBSOCKET_STATE_CLOSED)
      return FALSE;

  return TRUE;
}

static void
socket_message_cb (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  FanoutSocket *socket = user_data;
  Fanout       *fanout = socket->fanout;
  gint64        now = g_get_monotonic_time ();
  g_autoptr (JsonNode) root = NULL;
  GError     *error = NULL;
  JsonObject *object;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  if (!(root = parse_bytes (message, &error)))
    {
      bench_fail (fanout->bench, error);
      return;
    }

  object = json_node_get_object (root);
  if (!fanout->listening || fanout->arrived_at[socket->index] != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL),
                 "message.created") != 0)
    return;

  fanout->arrived_at[socket->index] = now;
  fanout->arrived_id[socket->index] = json_object_get_int_member_with_default (object, "id", 0);
  fanout->n_arrived++;
}

static void fanout_connect_more (Fanout *fanout);

static void
websocket_connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FanoutSocket *socket = user_data;
  GError       *error = NULL;

  socket->fanout->n_connecting--;
  socket->connection =
      soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (socket->connection == NULL)
    {
      bench_fail (socket->fanout->bench, error);
      return;
    }

  g_signal_connect (socket->connection, "message", G_CALLBACK (socket_message_cb), socket);
  fanout_connect_more (socket->fanout);
}

static void
fanout_connect_more (Fanout *fanout)
{
  Bench *bench = fanout->bench;

  while (fanout->n_connecting < CONNECT_BATCH && fanout->n_started < FANOUT_SOCKETS &&
         bench->error == NULL && !g_cancellable_is_cancelled (bench->cancellable))
    {
      FanoutSocket *socket = &fanout->sockets[fanout->n_started];
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", bench->events_url);
      g_autofree char *authorization = g_strdup_printf (
          "Bearer %s", (char *) bench->tokens->pdata[fanout->n_started % bench->tokens->len]);

      socket->fanout = fanout;
      socket->index = fanout->n_started++;
      fanout->n_connecting++;
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
      soup_session_websocket_connect_async (bench->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                            bench->cancellable, websocket_connect_cb, socket);
    }
}

static gboolean
fanout_connect (Fanout *fanout, GError **error)
{
  fanout_connect_more (fanout);
  if (!bench_wait (fanout->bench, fanout_connected, fanout, REQUEST_TIMEOUT_MS,
                   "WebSocket connections", error))
    {
      bench_drain (fanout->bench, fanout_settled, fanout);
      return FALSE;
    }

  return TRUE;
}

static gboolean
fanout_round (Fanout *fanout, guint round, GArray *delays_ms, GError **error)
{
  Bench *bench = fanout->bench;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *path = NULL;
  gint64           ticket_id;
  gint64           message_id;
  gint64           start;

  ticket_id = g_array_index (bench->ticket_ids, gint64,
                             g_rand_int_range (bench->rand, 0, bench->ticket_ids->len));
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);

  memset (fanout->arrived_at, 0, sizeof fanout->arrived_at);
  memset (fanout->arrived_id, 0, sizeof fanout->arrived_id);
  fanout->n_arrived = 0;
  fanout->listening = TRUE;

  start = g_get_monotonic_time ();
  body = bench_request (bench, bench->session, "POST", path, bench->tokens->pdata[0],
                        g_strdup_printf ("{\"body\":\"Your withdrawal went through a minute ago."
                                         "\",\"visibility\":\"public\",\"client_id\":"
                                         "\"bench-fanout-%u\"}",
                                         round),
                        SOUP_STATUS_CREATED, error);
  if (body == NULL || !(root = parse_bytes (body, error)))
    return FALSE;
  message_id = json_object_get_int_member (json_node_get_object (root), "id");

  if (!bench_wait (bench, fanout_arrived, fanout, FANOUT_ROUND_TIMEOUT_MS, "message.created",
                   error))
    {
      g_prefix_error (error, "%u of %u clients heard it: ", fanout->n_arrived, FANOUT_SOCKETS);
      return FALSE;
    }
  fanout->listening = FALSE;

  for (guint i = 0; i < FANOUT_SOCKETS; i++)
    {
      double delay_ms = (fanout->arrived_at[i] - start) / 1000.0;

      if (fanout->arrived_id[i] != message_id)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Client %u heard of message %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, i,
                       fanout->arrived_id[i], message_id);
          return FALSE;
        }
      g_array_append_val (delays_ms, delay_ms);
    }

  return TRUE;
}

static void
fanout_close (Fanout *fanout)
{
  Bench *bench = fanout->bench;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < FANOUT_SOCKETS; i++)
    if (fanout->sockets[i].connection != NULL &&
        soup_websocket_connection_get_state (fanout->sockets[i].connection) ==
            SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (fanout->sockets[i].connection, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                       NULL);

  if (!bench_wait (bench, fanout_closed, fanout, REQUEST_TIMEOUT_MS, "closing WebSockets", &error))
    g_printerr ("%s\n", error->message);

  for (guint i = 0; i < FANOUT_SOCKETS; i++)
    {
      if (fanout->sockets[i].connection == NULL)
        continue;
      g_signal_handlers_disconnect_by_data (fanout->sockets[i].connection, &fanout->sockets[i]);
      g_clear_object (&fanout->sockets[i].connection);
    }
}

static gboolean
bench_fanout (Bench *bench, GError **error)
{
  g_autoptr (GArray) delays_ms =
      g_array_sized_new (FALSE, FALSE, sizeof (double), FANOUT_SOCKETS * FANOUT_ROUNDS);
  g_autofree Fanout *fanout = g_new0 (Fanout, 1);
  gboolean           ok;

  fanout->bench = bench;
  ok = fanout_connect (fanout, error);
  for (guint round = 0; ok && round < FANOUT_ROUNDS; round++)
    {
      ok = fanout_round (fanout, round, delays_ms, error);

      /* Let the round's ticket.updated frames through before the next. */
      if (ok)
        bench_pause (bench, 20);
    }
  fanout->listening = FALSE;
  fanout_close (fanout);

  if (!ok)
    return FALSE;

  desk_bench_report ("ws_fanout_p99_ms", percentile (delays_ms, 99), "ms");
  return TRUE;
}

/* Metrics: what a lead's metrics page asks for, the last 30 days. */

static gboolean
bench_metrics (Bench *bench, GError **error)
{
  g_autoptr (GArray) times_ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < METRICS_RUNS; i++)
    {
      g_autoptr (GBytes) body = NULL;
      g_autoptr (JsonNode) root = NULL;
      gint64 start = g_get_monotonic_time ();
      double time_ms;

      body = bench_request (bench, bench->session, "GET", "/api/v1/metrics",
                            bench->tokens->pdata[0], NULL, SOUP_STATUS_OK, error);
      if (body == NULL || !(root = parse_bytes (body, error)))
        return FALSE;
      time_ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times_ms, time_ms);
    }

  desk_bench_report ("metrics_ms", percentile (times_ms, 50), "ms");
  return TRUE;
}

/* Setup and teardown */

static gboolean
remove_recursively (GFile *file, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) local_error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  if (children != NULL)
    {
      while (TRUE)
        {
          GFile *child;

          if (!g_file_enumerator_iterate (children, NULL, &child, NULL, error))
            return FALSE;
          if (child == NULL)
            break;
          if (!remove_recursively (child, error))
            return FALSE;
        }
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return g_file_delete (file, NULL, error);
}

static gboolean
run (Bench *bench, const char *data_dir, GError **error)
{
  if (!start_server (bench, data_dir, error))
    return FALSE;

  return bench_sync (bench, error) && bench_mixed (bench, error) && bench_metrics (bench, error) &&
         bench_fanout (bench, error);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) cleanup_error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr (GFile) data_file = NULL;
  Bench    bench = { 0 };
  gboolean ok;

  data_dir = g_dir_make_tmp ("bench-server-XXXXXX", &error);
  if (data_dir == NULL)
    {
      g_printerr ("Could not make a data folder: %s\n", error->message);
      return 1;
    }
  data_file = g_file_new_for_path (data_dir);

  g_mutex_init (&bench.mutex);
  g_cond_init (&bench.cond);
  bench.context = g_main_context_new ();
  g_main_context_push_thread_default (bench.context);
  bench.session = soup_session_new_with_options ("max-conns", 1024, "max-conns-per-host", 512,
                                                 "timeout", REQUEST_TIMEOUT_MS / 1000, NULL);
  bench.cancellable = g_cancellable_new ();
  bench.rand = g_rand_new_with_seed (7);
  bench.tokens = g_ptr_array_new_with_free_func (g_free);
  bench.ticket_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), N_SYNTHETIC_TICKETS + 1024);
  bench.cursors = g_ptr_array_new_with_free_func (g_free);

  ok = run (&bench, data_dir, &error);

  soup_session_abort (bench.session);
  g_clear_object (&bench.session);
  while (g_main_context_iteration (bench.context, FALSE))
    ;
  stop_server (&bench);
  g_clear_object (&bench.server);

  if (!remove_recursively (data_file, &cleanup_error))
    g_printerr ("Could not remove %s: %s\n", data_dir, cleanup_error->message);

  g_clear_pointer (&bench.cursors, g_ptr_array_unref);
  g_clear_pointer (&bench.ticket_ids, g_array_unref);
  g_clear_pointer (&bench.tokens, g_ptr_array_unref);
  g_clear_pointer (&bench.rand, g_rand_free);
  g_clear_pointer (&bench.base_url, g_free);
  g_clear_pointer (&bench.events_url, g_free);
  g_clear_error (&bench.server_error);
  g_clear_error (&bench.error);
  g_clear_object (&bench.cancellable);
  g_clear_pointer (&bench.server_loop, g_main_loop_unref);
  g_clear_pointer (&bench.server_context, g_main_context_unref);
  g_main_context_pop_thread_default (bench.context);
  g_clear_pointer (&bench.context, g_main_context_unref);
  g_mutex_clear (&bench.mutex);
  g_cond_clear (&bench.cond);

  if (!ok)
    {
      g_printerr ("bench-server: %s\n", error->message);
      return 1;
    }

  return 0;
}
