/* desk-test-server.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-test-server"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "desk-json.h"
#include "desk-server-private.h"
#include "desk-test-server.h"

struct _DeskTestServer
{
  /* Owned by the test thread */
  SoupSession *session;
  GThread     *thread;
  char        *data_dir;
  char        *base_url;
  char        *tokens[DESK_TEST_N_ROLES];
  gint64       user_ids[DESK_TEST_N_ROLES];
  gint64       other_agent_id;

  /* Shared: the server lives on @context, run by @loop in @thread */
  GMainContext *context;
  GMainLoop    *loop;
  DeskServer   *server;

  GMutex   mutex;
  GCond    cond;
  gboolean ready;
  GError  *start_error;
};

typedef struct
{
  const char *name;
  const char *email;
  DeskRole    role;
  gboolean    all_queues;
} TestUser;

static const TestUser test_users[DESK_TEST_N_ROLES] = {
  [DESK_ROLE_AGENT] = { "Test Agent", "test.agent@desk.test", DESK_ROLE_AGENT, FALSE },
  [DESK_ROLE_TRAINEE] = { "Test Trainee", "test.trainee@desk.test", DESK_ROLE_TRAINEE, FALSE },
  [DESK_ROLE_LEAD] = { "Test Lead", "test.lead@desk.test", DESK_ROLE_LEAD, TRUE },
  [DESK_ROLE_ADMIN] = { "Test Admin", "test.admin@desk.test", DESK_ROLE_ADMIN, TRUE },
};

static const gint64 own_queue[] = { 1 };
static const gint64 all_queues[] = { 1, 2, 3, 4 };

/* Runs on the server's thread, with its context pushed. */
static DeskServer *
start_server (DeskTestServer *self, GError **error)
{
  g_autoptr (DeskServer) server = NULL;

  server = desk_server_new (self->data_dir, error);
  if (server == NULL)
    return NULL;

  if (!desk_server_seed_demo (server, SOURCE_DATADIR "/demo", error))
    return NULL;

  for (guint i = 0; i < DESK_TEST_N_ROLES; i++)
    {
      const TestUser *user = &test_users[i];
      const gint64   *queues = user->all_queues ? all_queues : own_queue;
      guint n_queues = user->all_queues ? G_N_ELEMENTS (all_queues) : G_N_ELEMENTS (own_queue);

      self->user_ids[i] = desk_server_create_user (server, user->name, user->email, user->role,
                                                   queues, n_queues, error);
      if (self->user_ids[i] <= 0)
        return NULL;

      self->tokens[i] = desk_server_create_token (server, self->user_ids[i], error);
      if (self->tokens[i] == NULL)
        return NULL;
    }

  self->other_agent_id =
      desk_server_create_user (server, "Other Agent", "other.agent@desk.test", DESK_ROLE_AGENT,
                               all_queues, G_N_ELEMENTS (all_queues), error);
  if (self->other_agent_id <= 0)
    return NULL;

  if (!desk_server_listen (server, "127.0.0.1", 0, error))
    return NULL;

  self->base_url = desk_server_dup_base_url (server);

  return g_steal_pointer (&server);
}

static gpointer
server_thread_func (gpointer data)
{
  DeskTestServer *self = data;
  g_autoptr (GError) error = NULL;
  DeskServer *server;

  g_main_context_push_thread_default (self->context);

  server = start_server (self, &error);

  g_mutex_lock (&self->mutex);
  self->server = server;
  self->start_error = g_steal_pointer (&error);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (server != NULL)
    {
      g_main_loop_run (self->loop);
      desk_server_disconnect (server);
    }

  g_clear_object (&self->server);

  /* Let what closing the sockets released finish on this context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

DeskTestServer *
desk_test_server_new (void)
{
  DeskTestServer *self = g_new0 (DeskTestServer, 1);
  g_autoptr (GError) error = NULL;

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  self->data_dir = g_dir_make_tmp ("agent-desk-test-XXXXXX", &error);
  g_assert_no_error (error);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("desk-test-server", server_thread_func, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  g_assert_no_error (self->start_error);
  g_assert_nonnull (self->base_url);

  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 30, NULL);

  return self;
}

static gboolean
quit_cb (gpointer user_data)
{
  DeskTestServer *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
remove_recursively (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_recursively (child);
        }
    }

  if (g_remove (path) != 0)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

void
desk_test_server_stop (DeskTestServer *self)
{
  if (self == NULL)
    return;

  /* Close the client's connections first so that the server sees them go. */
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  if (self->thread != NULL)
    {
      if (self->server != NULL)
        g_main_context_invoke (self->context, quit_cb, self);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->start_error);

  if (self->data_dir != NULL)
    remove_recursively (self->data_dir);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->base_url, g_free);
  for (guint i = 0; i < DESK_TEST_N_ROLES; i++)
    g_clear_pointer (&self->tokens[i], g_free);

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

const char *
desk_test_server_get_base_url (DeskTestServer *self)
{
  return self->base_url;
}

const char *
desk_test_server_get_data_dir (DeskTestServer *self)
{
  return self->data_dir;
}

const char *
desk_test_server_get_token (DeskTestServer *self, DeskRole role)
{
  g_assert_cmpint (role, <, DESK_TEST_N_ROLES);
  return self->tokens[role];
}

gint64
desk_test_server_get_user_id (DeskTestServer *self, DeskRole role)
{
  g_assert_cmpint (role, <, DESK_TEST_N_ROLES);
  return self->user_ids[role];
}

gint64
desk_test_server_get_other_agent (DeskTestServer *self)
{
  return self->other_agent_id;
}

SoupSession *
desk_test_server_get_session (DeskTestServer *self)
{
  return self->session;
}

typedef struct
{
  DeskTestServer    *self;
  DeskTestServerFunc func;
  gpointer           user_data;
  gboolean           done;
} Invocation;

static gboolean
invoke_cb (gpointer data)
{
  Invocation *invocation = data;

  invocation->func (invocation->self->server, invocation->user_data);

  g_mutex_lock (&invocation->self->mutex);
  invocation->done = TRUE;
  g_cond_broadcast (&invocation->self->cond);
  g_mutex_unlock (&invocation->self->mutex);

  return G_SOURCE_REMOVE;
}

void
desk_test_server_invoke (DeskTestServer *self, DeskTestServerFunc func, gpointer user_data)
{
  Invocation invocation = { self, func, user_data, FALSE };

  g_assert_nonnull (self->server);

  g_main_context_invoke (self->context, invoke_cb, &invocation);

  g_mutex_lock (&self->mutex);
  while (!invocation.done)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static void
go_offline_cb (DeskServer *server, gpointer user_data)
{
  desk_server_disconnect (server);
}

static void
go_online_cb (DeskServer *server, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!desk_server_listen (server, "127.0.0.1", GPOINTER_TO_UINT (user_data), &error))
    g_error ("Could not listen again: %s", error->message);
}

/* Stops answering (connections are refused) or starts again on the same
 * port, with the same data: a server that went down and came back. */
void
desk_test_server_set_online (DeskTestServer *self, gboolean online)
{
  g_autoptr (GUri) uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);

  desk_test_server_invoke (self, online ? go_online_cb : go_offline_cb,
                           GUINT_TO_POINTER (g_uri_get_port (uri)));
}

static void
drop_responses_cb (DeskServer *server, gpointer user_data)
{
  _desk_server_drop_responses (server, GPOINTER_TO_UINT (user_data));
}

void
desk_test_server_drop_responses (DeskTestServer *self, guint count)
{
  desk_test_server_invoke (self, drop_responses_cb, GUINT_TO_POINTER (count));
}

static void
revoke_token_cb (DeskServer *server, gpointer user_data)
{
  g_assert_true (_desk_server_revoke_token (server, user_data));
}

/* @token is refused from now on (401), as a revoked token is. */
void
desk_test_server_revoke_token (DeskTestServer *self, const char *token)
{
  desk_test_server_invoke (self, revoke_token_cb, (gpointer) token);
}

typedef struct
{
  double requests_per_second;
  guint  burst;
} RateLimit;

static void
set_rate_limit_cb (DeskServer *server, gpointer user_data)
{
  RateLimit *limit = user_data;

  desk_server_set_rate_limit (server, limit->requests_per_second, limit->burst);
}

void
desk_test_server_set_rate_limit (DeskTestServer *self, double requests_per_second, guint burst)
{
  RateLimit limit = { requests_per_second, burst };

  desk_test_server_invoke (self, set_rate_limit_cb, &limit);
}

typedef struct
{
  guint   n_tickets;
  guint   n_messages;
  GError *error;
} Synthetic;

static void
seed_synthetic_cb (DeskServer *server, gpointer user_data)
{
  Synthetic *synthetic = user_data;

  desk_server_seed_synthetic (server, synthetic->n_tickets, synthetic->n_messages,
                              &synthetic->error);
}

void
desk_test_server_seed_synthetic (DeskTestServer *self, guint n_tickets, guint n_messages)
{
  Synthetic synthetic = { n_tickets, n_messages, NULL };

  desk_test_server_invoke (self, seed_synthetic_cb, &synthetic);
  g_assert_no_error (synthetic.error);
}

typedef struct
{
  guint   keep_every;
  GError *error;
} Solve;

/* A new version of ticket @id, in @status (-1: the one it has). */
static gboolean
touch_ticket (DeskServer *server, gint64 id, int status, GError **error)
{
  g_autoptr (DeskTicketRecord) ticket = _desk_server_load_ticket (server, id, NULL);

  if (ticket == NULL)
    return TRUE;
  if (status >= 0 && (DeskTicketStatus) status != ticket->status)
    {
      ticket->status = status;
      ticket->solved_at = status >= DESK_TICKET_STATUS_SOLVED ? g_get_real_time () : 0;
    }
  ticket->version++;
  ticket->updated_at = g_get_real_time ();

  return _desk_server_save_ticket (server, ticket, error);
}

static void
solve_tickets_cb (DeskServer *server, gpointer user_data)
{
  Solve *solve = user_data;
  g_autoptr (GArray) open = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  stmt = _desk_server_prepare (server, "SELECT id FROM tickets WHERE NOT deleted AND status IN"
                                       " ('new', 'open', 'pending') ORDER BY seq");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (open, id);
    }
  sqlite3_reset (stmt);

  _desk_server_begin (server);
  for (guint i = 0; i < open->len; i++)
    {
      gint64 id = g_array_index (open, gint64, i);

      if (i % solve->keep_every == 0)
        g_array_append_val (kept, id);
      else if (!touch_ticket (server, id,
                              i % 2 ? DESK_TICKET_STATUS_SOLVED : DESK_TICKET_STATUS_CLOSED,
                              &solve->error))
        break;
    }
  for (guint i = 0; i < kept->len && solve->error == NULL; i += 2)
    touch_ticket (server, g_array_index (kept, gint64, i), -1, &solve->error);
  if (solve->error == NULL)
    _desk_server_commit (server);
  else
    _desk_server_rollback (server);
}

void
desk_test_server_solve_tickets (DeskTestServer *self, guint keep_every)
{
  Solve solve = { MAX (keep_every, 1), NULL };

  desk_test_server_invoke (self, solve_tickets_cb, &solve);
  g_assert_no_error (solve.error);
}

static void
ignore_open_filter_cb (DeskServer *server, gpointer user_data)
{
  server->ignore_open_filter = GPOINTER_TO_INT (user_data);
}

void
desk_test_server_ignore_open_filter (DeskTestServer *self, gboolean ignore)
{
  desk_test_server_invoke (self, ignore_open_filter_cb, GINT_TO_POINTER (ignore));
}

GBytes *
desk_test_request_full (DeskTestServer      *self,
                        const char          *method,
                        const char          *path,
                        const char          *token,
                        const char *const   *headers,
                        const char          *content_type,
                        gconstpointer        body,
                        gsize                body_len,
                        guint               *status,
                        SoupMessageHeaders **response_headers)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char    *url = g_strconcat (self->base_url, path, NULL);
  SoupMessageHeaders *request_headers;

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (request_headers, "Authorization", authorization);
    }

  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    {
      g_assert_nonnull (headers[i + 1]);
      soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
    }

  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  response = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);

  *status = soup_message_get_status (msg);
  if (response_headers != NULL)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return g_steal_pointer (&response);
}

GBytes *
desk_test_request (DeskTestServer      *self,
                   const char          *method,
                   const char          *path,
                   const char          *token,
                   const char          *content_type,
                   gconstpointer        body,
                   gsize                body_len,
                   guint               *status,
                   SoupMessageHeaders **response_headers)
{
  return desk_test_request_full (self, method, path, token, NULL, content_type, body, body_len,
                                 status, response_headers);
}

JsonNode *
desk_test_request_json_full (DeskTestServer      *self,
                             const char          *method,
                             const char          *path,
                             const char          *token,
                             const char *const   *headers,
                             const char          *json,
                             guint               *status,
                             SoupMessageHeaders **response_headers)
{
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode   *node;
  gsize       length = 0;
  const char *data;

  response =
      desk_test_request_full (self, method, path, token, headers, json ? "application/json" : NULL,
                              json, json ? strlen (json) : 0, status, response_headers);
  data = g_bytes_get_data (response, &length);
  if (length == 0)
    return NULL;

  node = desk_json_parse (data, length, &error);
  if (error != NULL)
    g_error ("%s %s answered %u with a body that is not JSON (%s): %.*s", method, path, *status,
             error->message, (int) MIN (length, 500), data);

  return node;
}

JsonNode *
desk_test_request_json (DeskTestServer *self,
                        const char     *method,
                        const char     *path,
                        const char     *token,
                        const char     *json,
                        guint          *status)
{
  return desk_test_request_json_full (self, method, path, token, NULL, json, status, NULL);
}
