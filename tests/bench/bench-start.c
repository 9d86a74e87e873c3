/* bench-start.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-start"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "desk-bench.h"
#include "desk-client.h"
#include "desk-server-private.h"
#include "desk-store.h"
#include "desk-sync.h"

/* Agent Desk as an agent starts and uses it, against a bare libadwaita
 * window measured the same way in the same run.
 *
 * The desk: the reference server (agent-desk-server, a process of its own)
 * holds the demo desk, one ticket with a 5,000-message thread and synthetic
 * tickets with two messages each, 100,000 tickets in all. The cache is what
 * a finished first sync leaves: DeskSync fills it from that server, at the
 * path the app uses for the server's URL (cache_path_for() in
 * ui/desk-application.c), and ends with desk_store_optimize(). So the app
 * starts with a big inbox cached and a live server that has nothing new:
 * its catch-up sync asks for four empty pages, as after a restart. (A dead
 * URL would show the cache offline, and leave out the connection, which
 * is part of every real start.)
 *
 * Every figure comes from whole processes: build-release's agent-desk and
 * bare-window (see bare-window.c) are started by this program, which
 * notes the CLOCK_MONOTONIC time just before it spawns them. Each reports
 * the frames it paints through the AGENT_DESK_BENCH_FD hook (see
 * ui/desk-frame-report.c): "<time> row …" for an inbox row bound in that
 * frame, "message <ticket>" for a message row, "view <id>" for a view
 * applied. The app is driven through its D-Bus actions (app.open-ticket,
 * app.show-view, app.quit), as `gapplication action` would.
 *
 * - start_first_frame_ms / bare_first_frame_ms: process start to the first
 *   frame with inbox rows (the app, in "All Open") or list rows (the bare
 *   window), the median of 10 runs each, alternated, after one warm-up run
 *   each that is not counted (it pays for the a11y bus and a cold page
 *   cache); start_ratio is the ratio of the medians;
 * - bare_rss_mib: the bare window's peak RSS at its first frame, median;
 * - rss_after_20_mib: the app's peak RSS after opening the first 20
 *   conversations of All Open one after another;
 * - view_switch_ms: app.show-view to the first frame with the new view's
 *   rows, median of 14 switches between views that have rows;
 * - open_5000_ms: app.open-ticket of the 5,000-message ticket to the first
 *   frame with its message rows, median of 5;
 * - realtime_row_ms: a colleague's reply POSTed to the server to the frame
 *   that shows it as the excerpt of its row in All Open: the server's
 *   WebSocket event, the app's catch-up sync and the row bound again,
 *   median of 10.
 *
 * The children get the environment of `make bench` (Xvfb, dbus-run-session)
 * with GSK_RENDERER=cairo unless it is set otherwise, private XDG folders
 * and GSettings in a keyfile that starts the app in "All Open".
 *
 * G_MESSAGES_DEBUG=bench-start shows each run, with the CPU time of the
 * child's main thread up to its frame: on a machine busy with other work
 * the wall-clock figures grow, that part much less.
 *
 * Usage: bench-start [PATH/TO/agent-desk-server]; agent-desk and
 * bare-window are taken from the build tree this program is in. */

#define N_TICKETS 100000
#define LONG_THREAD_MESSAGES 5000
#define MESSAGES_PER_TICKET 2

#define N_START_RUNS 10
#define N_CONVERSATIONS 20
#define N_VIEW_SWITCHES 14
#define N_LONG_OPENS 5
#define N_REALTIME 10

#define BENCH_FD 3
#define SYNC_TIMEOUT_MS (600 * 1000)
#define SERVER_START_TIMEOUT_MS (30 * 1000)
#define EXIT_TIMEOUT_MS (10 * 1000)
#define FIRST_FRAME_TIMEOUT_MS (30 * 1000)
#define FRAME_TIMEOUT_MS (10 * 1000)
/* Nothing painted for this long: the app has settled. */
#define QUIET_MS 400

#define APP_OBJECT_PATH "/io/github/agentdesk/AgentDesk"

static const gint64 all_queues[] = { 1, 2, 3, 4 };

/* The views switched between, each with rows in this desk ("My Queue" is
 * the bench lead's, who has none; Live Chats has a handful). */
static const char *switched_views[] = {
  "unassigned", "pending", "solved", "queue-1", "all-open", "queue-2", "queue-3", "queue-4",
};

typedef struct
{
  char   *root;        /* everything below is removed at the end */
  char   *server_data; /* the server's database */
  char   *data_home;   /* the children's XDG folders */
  char   *config_home;
  char   *cache_home;
  char   *keyfile; /* GSettings of the children */
  char   *base_url;
  char   *lead_token; /* the app signs in as a lead of every queue */
  char   *colleague_token;
  gint64  long_ticket_id;
  GArray *first_open_ids; /* the first rows of All Open, by SLA */
  GArray *replied_ids;    /* of those, the ones a reply does not move */

  char  *app_exe;
  char  *bare_exe;
  char **app_env;

  GSubprocess     *server;
  GDBusConnection *bus;
  DeskClient      *colleague;
} Bench;

static void
bench_clear (Bench *bench)
{
  g_clear_object (&bench->server);
  g_clear_object (&bench->colleague);
  g_clear_object (&bench->bus);
  g_clear_pointer (&bench->app_env, g_strfreev);
  g_clear_pointer (&bench->app_exe, g_free);
  g_clear_pointer (&bench->bare_exe, g_free);
  g_clear_pointer (&bench->first_open_ids, g_array_unref);
  g_clear_pointer (&bench->replied_ids, g_array_unref);
  g_clear_pointer (&bench->colleague_token, g_free);
  g_clear_pointer (&bench->lead_token, g_free);
  g_clear_pointer (&bench->base_url, g_free);
  g_clear_pointer (&bench->keyfile, g_free);
  g_clear_pointer (&bench->cache_home, g_free);
  g_clear_pointer (&bench->config_home, g_free);
  g_clear_pointer (&bench->data_home, g_free);
  g_clear_pointer (&bench->server_data, g_free);
  g_clear_pointer (&bench->root, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bench, bench_clear)

/* Children and their frame reports */

typedef struct
{
  gint64 time; /* the frame's after-paint, in µs of CLOCK_MONOTONIC */
  char  *what; /* "row 42 excerpt…", "message 42", "view all-open" */
} Report;

static void
report_free (Report *report)
{
  g_free (report->what);
  g_free (report);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Report, report_free)

typedef struct
{
  GSubprocess      *process;
  GPid              pid;
  gint64            spawned_at;
  GDataInputStream *reports;
  GCancellable     *cancellable;
  GQueue            queue; /* of Report, read and not yet taken */
  gboolean          reading;
  gboolean          closed; /* the child closed its end: it has gone */
} Child;

static void read_next_report (Child *child);

static void
read_report_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  Report          *report;
  char            *end;

  child->reading = FALSE;
  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (line == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read a child's frame reports: %s", error->message);
      child->closed = TRUE;
      return;
    }

  report = g_new0 (Report, 1);
  report->time = g_ascii_strtoll (line, &end, 10);
  report->what = g_strdup (*end == ' ' ? end + 1 : end);
  g_queue_push_tail (&child->queue, report);

  read_next_report (child);
}

static void
read_next_report (Child *child)
{
  child->reading = TRUE;
  g_data_input_stream_read_line_async (child->reports, G_PRIORITY_DEFAULT, child->cancellable,
                                       read_report_cb, child);
}

/* Starts @argv with @env and the write end of a pipe as BENCH_FD, which
 * AGENT_DESK_BENCH_FD names. Its stdout goes to our stderr: stdout is for
 * the figures. */
static Child *
child_spawn (const char *const *argv, char **env, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = desk_bench_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GInputStream) pipe_in = NULL;
  g_autofree Child *child = g_new0 (Child, 1);
  int               fds[2];
  int               out;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return NULL;
  out = dup (STDERR_FILENO);
  if (out < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "dup: %s", g_strerror (errno));
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }

  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_take_fd (launcher, fds[1], BENCH_FD);
  g_subprocess_launcher_take_stdout_fd (launcher, out);

  child->spawned_at = g_get_monotonic_time ();
  child->process = g_subprocess_launcher_spawnv (launcher, argv, error);
  /* The launcher holds the write end until it goes: without that, the read
   * end would never see the child close it. */
  g_clear_object (&launcher);
  if (child->process == NULL)
    {
      close (fds[0]);
      return NULL;
    }

  child->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (child->process), NULL, 10);
  pipe_in = g_unix_input_stream_new (fds[0], TRUE);
  child->reports = g_data_input_stream_new (pipe_in);
  child->cancellable = g_cancellable_new ();
  g_queue_init (&child->queue);
  read_next_report (child);

  return g_steal_pointer (&child);
}

static void
child_free (Child *child)
{
  g_cancellable_cancel (child->cancellable);
  while (child->reading)
    g_main_context_iteration (NULL, TRUE);
  g_queue_clear_full (&child->queue, (GDestroyNotify) report_free);
  g_clear_object (&child->reports);
  g_clear_object (&child->cancellable);
  g_clear_object (&child->process);
  g_free (child);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* The next frame report, or NULL after @timeout_ms or once the child has
 * gone. */
static Report *
child_next (Child *child, guint timeout_ms)
{
  if (g_queue_is_empty (&child->queue) && !child->closed)
    {
      g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
      gboolean timed_out = FALSE;

      g_source_set_callback (timeout, timed_out_cb, &timed_out, NULL);
      g_source_attach (timeout, NULL);
      while (g_queue_is_empty (&child->queue) && !child->closed && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      g_source_destroy (timeout);
    }

  return g_queue_pop_head (&child->queue);
}

static gboolean
report_is (const Report *report, const char *kind)
{
  gsize length = strlen (kind);

  return strncmp (report->what, kind, length) == 0 &&
         (report->what[length] == ' ' || report->what[length] == '\0');
}

/* The time of the first frame from now on with a report of @kind about
 * @subject, a word or more ("message", "42"; "row", "42 new excerpt"), or
 * about anything for NULL; 0 after @timeout_ms. */
static gint64
child_wait_frame (Child *child, const char *kind, const char *subject, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gint64 now;

  while ((now = g_get_monotonic_time ()) < deadline)
    {
      g_autoptr (Report) report = child_next (child, (deadline - now) / 1000 + 1);
      const char *rest;

      if (report == NULL)
        return 0;
      if (!report_is (report, kind))
        continue;
      rest = report->what + strlen (kind);
      if (*rest == ' ')
        rest++;
      if (subject == NULL || (g_str_has_prefix (rest, subject) &&
                              (rest[strlen (subject)] == '\0' || rest[strlen (subject)] == ' ')))
        return report->time;
    }

  return 0;
}

/* Drops the reports until the child has reported nothing for @quiet_ms,
 * so that what the app does after a step (the rest of a list's rows, a
 * catch-up sync) is not timed with the next one. */
static void
child_settle (Child *child, guint quiet_ms)
{
  Report *report;

  while ((report = child_next (child, quiet_ms)) != NULL)
    report_free (report);
}

static void
wait_exit_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited = TRUE;
}

/* Waits for the child to exit, killing it if it takes too long. */
static void
child_wait_exit (Child *child)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (child->process, NULL, wait_exit_cb, &exited);
  if (!desk_bench_wait_for (&exited, EXIT_TIMEOUT_MS))
    {
      g_warning ("Process %d did not exit within %u s; killing it", (int) child->pid,
                 EXIT_TIMEOUT_MS / 1000);
      g_subprocess_force_exit (child->process);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
    }
}

/* The app's D-Bus actions */

static void
activate_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *name = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_warning ("app.%s: %s", name, error->message);
}

/* As `gapplication action`: the app's exported actions, on the session bus. */
static void
activate_action (Bench *bench, const char *name, GVariant *param)
{
  GVariantBuilder params;

  g_variant_builder_init (&params, G_VARIANT_TYPE ("av"));
  if (param != NULL)
    g_variant_builder_add (&params, "v", param);

  g_dbus_connection_call (bench->bus, APP_ID, APP_OBJECT_PATH, "org.gtk.Actions", "Activate",
                          g_variant_new ("(sava{sv})", name, &params, NULL), NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, activate_cb, g_strdup (name));
}

/* The desk */

static gint64
query_int (DeskServer *server, const char *sql)
{
  sqlite3_stmt *stmt = _desk_server_prepare (server, sql);
  gint64        value = 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

/* Seeds the server's database, here, before the server runs on it: the
 * demo desk (queues, staff, knowledge base, canned replies, its tickets),
 * then the long thread, then synthetic tickets up to N_TICKETS. The
 * private API counts the tickets and finds the long thread's id. */
static gboolean
seed_server (Bench *bench, GError **error)
{
  g_autoptr (DeskServer) server = NULL;
  gint64 n_synthetic;
  gint64 lead_id;
  gint64 colleague_id;

  server = desk_server_new (bench->server_data, error);
  if (server == NULL || !desk_server_seed_demo (server, SOURCE_DATADIR "/demo", error))
    return FALSE;

  bench->long_ticket_id = query_int (server, "SELECT COALESCE(MAX(id), 0) + 1 FROM tickets");
  n_synthetic = N_TICKETS - query_int (server, "SELECT COUNT(*) FROM tickets") - 1;
  if (!desk_server_seed_synthetic (server, 1, LONG_THREAD_MESSAGES, error) ||
      !desk_server_seed_synthetic (server, n_synthetic, n_synthetic * MESSAGES_PER_TICKET, error))
    return FALSE;

  lead_id = desk_server_create_user (server, "Bench Lead", "bench.lead@desk.test", DESK_ROLE_LEAD,
                                     all_queues, G_N_ELEMENTS (all_queues), error);
  if (lead_id <= 0 || !(bench->lead_token = desk_server_create_token (server, lead_id, error)))
    return FALSE;

  colleague_id =
      desk_server_create_user (server, "Bench Colleague", "bench.colleague@desk.test",
                               DESK_ROLE_AGENT, all_queues, G_N_ELEMENTS (all_queues), error);
  if (colleague_id <= 0 ||
      !(bench->colleague_token = desk_server_create_token (server, colleague_id, error)))
    return FALSE;

  return TRUE;
}

typedef struct
{
  char    *line;
  GError  *error;
  gboolean done;
} Line;

static void
read_line_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Line *line = user_data;

  line->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &line->error);
  line->done = TRUE;
}

/* agent-desk-server on the seeded database, on a port of its choosing;
 * returns once it says where it listens. */
static gboolean
start_server (Bench *bench, const char *server_exe, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher =
      desk_bench_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) output = NULL;
  Line line = { NULL, NULL, FALSE };

  bench->server = g_subprocess_launcher_spawnv (
      launcher,
      (const char *const[]){ server_exe, "--data", bench->server_data, "--listen", "127.0.0.1:0",
                             "--rate-limit", "1000000000", NULL },
      error);
  if (bench->server == NULL)
    return FALSE;

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bench->server));
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, read_line_cb, &line);
  if (!desk_bench_wait_for (&line.done, SERVER_START_TIMEOUT_MS))
    {
      g_subprocess_force_exit (bench->server);
      while (!line.done)
        g_main_context_iteration (NULL, TRUE);
    }

  if (line.line == NULL || !g_str_has_prefix (line.line, "Listening on "))
    {
      if (line.error != NULL)
        g_propagate_error (error, line.error);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not start: “%s”", server_exe,
                     line.line ? line.line : "(no output)");
      g_free (line.line);
      return FALSE;
    }

  bench->base_url = g_strdup (line.line + strlen ("Listening on "));
  g_free (line.line);
  return TRUE;
}

static void
stop_server (Bench *bench)
{
  gboolean exited = FALSE;

  if (bench->server == NULL)
    return;

  g_subprocess_send_signal (bench->server, SIGTERM);
  g_subprocess_wait_async (bench->server, NULL, wait_exit_cb, &exited);
  if (!desk_bench_wait_for (&exited, EXIT_TIMEOUT_MS))
    {
      g_subprocess_force_exit (bench->server);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&bench->server);
}

typedef struct
{
  GError  *error;
  gboolean done;
} SyncRun;

static void
sync_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SyncRun *run = user_data;

  desk_sync_run_finish (DESK_SYNC (object), result, &run->error);
  run->done = TRUE;
}

/* The app's cache for a server: see cache_path_for() in
 * ui/desk-application.c. */
static char *
app_cache_path (Bench *bench)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bench->base_url, -1);
  g_autofree char *name = g_strdup_printf ("cache-%.16s.db", hash);

  return g_build_filename (bench->data_home, "agent-desk", name, NULL);
}

/* The app's cache after a first sync, from the running server; and from it
 * the tickets the session opens and replies to. */
static gboolean
build_cache (Bench *bench, GError **error)
{
  g_autofree char *cache_path = app_cache_path (bench);
  g_autoptr (DeskStore) store = NULL;
  g_autoptr (DeskClient) client = NULL;
  g_autoptr (DeskSync) sync = NULL;
  DeskInboxFilter all_open = DESK_INBOX_FILTER_ALL;
  SyncRun         run = { NULL, FALSE };
  gint64          start = g_get_monotonic_time ();

  store = desk_store_new (cache_path, error);
  if (store == NULL)
    return FALSE;

  client = desk_client_new (bench->base_url, bench->lead_token);
  sync = desk_sync_new (client, store);
  desk_sync_run_async (sync, NULL, sync_cb, &run);
  if (!desk_bench_wait_for (&run.done, SYNC_TIMEOUT_MS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The first sync took more than %u s",
                   SYNC_TIMEOUT_MS / 1000);
      /* Not returned before it ends: it writes into @run. */
      while (!run.done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_error (&run.error);
      return FALSE;
    }
  if (run.error != NULL)
    {
      g_propagate_prefixed_error (error, run.error, "The first sync failed: ");
      return FALSE;
    }
  g_debug ("Cache of %" G_GINT64_FORMAT " tickets and %" G_GINT64_FORMAT " messages in %.1f s",
           desk_store_count (store, DESK_STORE_COLLECTION_TICKETS),
           desk_store_count (store, DESK_STORE_COLLECTION_MESSAGES),
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  /* As the window's "All Open": new, open and pending, by SLA. */
  all_open.status_mask = 1u << DESK_TICKET_STATUS_NEW | 1u << DESK_TICKET_STATUS_OPEN |
                         1u << DESK_TICKET_STATUS_PENDING;
  bench->first_open_ids = desk_store_query_ticket_ids (store, &all_open, DESK_INBOX_SORT_SLA,
                                                       N_CONVERSATIONS, -1, error);
  if (bench->first_open_ids == NULL)
    return FALSE;
  if (bench->first_open_ids->len < N_CONVERSATIONS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "All Open has only %u tickets",
                   bench->first_open_ids->len);
      return FALSE;
    }

  /* A reply moves a ticket in the SLA sort when it is the first response
   * (the resolution target counts from then on): the realtime rounds reply
   * to the top rows that have had one, which stay where they are. */
  bench->replied_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < 6; i++)
    {
      gint64 id = g_array_index (bench->first_open_ids, gint64, i);
      g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (store, id);

      if (ticket != NULL && ticket->first_responded_at != 0)
        g_array_append_val (bench->replied_ids, id);
    }
  if (bench->replied_ids->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "None of the first rows of All Open has had a first response");
      return FALSE;
    }

  {
    g_autoptr (GPtrArray) thread = desk_store_load_messages (store, bench->long_ticket_id);

    if (thread->len != LONG_THREAD_MESSAGES)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "Ticket %" G_GINT64_FORMAT " has %u messages, not %u", bench->long_ticket_id,
                     thread->len, LONG_THREAD_MESSAGES);
        return FALSE;
      }
  }

  return TRUE;
}

/* The children's settings: the app opens "All Open", as its agent left it.
 * Written again before each start, since the app saves its own. */
static gboolean
write_settings (Bench *bench, GError **error)
{
  static const char keyfile[] = "[io/github/agentdesk/AgentDesk]\n"
                                "last-view='all-open'\n";

  return g_file_set_contents (bench->keyfile, keyfile, -1, error);
}

static char *
build_tree_path (const char *relative)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bench_dir = NULL;

  if (self_exe == NULL)
    return g_strdup (relative);

  bench_dir = g_path_get_dirname (self_exe);
  return g_build_filename (bench_dir, relative, NULL);
}

static gboolean
prepare (Bench *bench, const char *server_exe, GError **error)
{
  g_autofree char *settings_dir = NULL;
  g_autofree char *schema_dir = NULL;

  bench->app_exe = build_tree_path ("../../app/agent-desk");
  bench->bare_exe = build_tree_path ("bare-window");
  for (guint i = 0; i < 3; i++)
    {
      const char *exe = i == 0 ? bench->app_exe : i == 1 ? bench->bare_exe : server_exe;

      if (!g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No program at %s", exe);
          return FALSE;
        }
    }

  bench->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (bench->bus == NULL)
    {
      g_prefix_error (error, "The app is driven on the session bus (run under dbus-run-session): ");
      return FALSE;
    }

  bench->root = g_dir_make_tmp ("bench-start-XXXXXX", error);
  if (bench->root == NULL)
    return FALSE;
  bench->server_data = g_build_filename (bench->root, "server", NULL);
  bench->data_home = g_build_filename (bench->root, "data", NULL);
  bench->config_home = g_build_filename (bench->root, "config", NULL);
  bench->cache_home = g_build_filename (bench->root, "cache", NULL);
  settings_dir = g_build_filename (bench->config_home, "glib-2.0", "settings", NULL);
  bench->keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  if (g_mkdir_with_parents (bench->server_data, 0700) != 0 ||
      g_mkdir_with_parents (bench->data_home, 0700) != 0 ||
      g_mkdir_with_parents (settings_dir, 0700) != 0 ||
      g_mkdir_with_parents (bench->cache_home, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Could not make %s: %s",
                   bench->root, g_strerror (errno));
      return FALSE;
    }

  bench->app_env = g_get_environ ();
  bench->app_env = g_environ_setenv (bench->app_env, "XDG_DATA_HOME", bench->data_home, TRUE);
  bench->app_env = g_environ_setenv (bench->app_env, "XDG_CONFIG_HOME", bench->config_home, TRUE);
  bench->app_env = g_environ_setenv (bench->app_env, "XDG_CACHE_HOME", bench->cache_home, TRUE);
  bench->app_env = g_environ_setenv (bench->app_env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  bench->app_env = g_environ_setenv (bench->app_env, "GSK_RENDERER", "cairo", FALSE);
  /* `make bench` sets it; a run by hand gets the build's schemas. */
  schema_dir = build_tree_path ("../../data");
  bench->app_env = g_environ_setenv (bench->app_env, "GSETTINGS_SCHEMA_DIR", schema_dir, FALSE);
  bench->app_env =
      g_environ_setenv (bench->app_env, "AGENT_DESK_BENCH_FD", G_STRINGIFY (BENCH_FD), TRUE);

  return TRUE;
}

/* Start */

/* The CPU time the main thread of @pid has used so far, in ms. */
static double
main_thread_cpu_ms (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/schedstat", (int) pid, (int) pid);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;

  return g_ascii_strtoull (text, NULL, 10) / 1e6;
}

/* One start of @argv to its first frame with rows: the time from spawning
 * it, and its peak RSS and main-thread CPU time then. The child is left
 * running. */
static Child *
start_to_first_rows (Bench             *bench,
                     const char *const *argv,
                     double            *ms,
                     double            *rss_mib,
                     double            *cpu_ms,
                     GError           **error)
{
  g_autoptr (Child) child = NULL;
  gint64 painted;

  child = child_spawn (argv, bench->app_env, error);
  if (child == NULL)
    return NULL;

  painted = child_wait_frame (child, "row", NULL, FIRST_FRAME_TIMEOUT_MS);
  if (painted == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s painted no rows within %u s",
                   argv[0], FIRST_FRAME_TIMEOUT_MS / 1000);
      g_subprocess_force_exit (child->process);
      child_wait_exit (child);
      return NULL;
    }

  *ms = (painted - child->spawned_at) / 1000.0;
  *rss_mib = desk_bench_peak_rss_mib (child->pid);
  *cpu_ms = main_thread_cpu_ms (child->pid);
  return g_steal_pointer (&child);
}

static Child *
start_app (Bench *bench, double *ms, double *rss_mib, double *cpu_ms, GError **error)
{
  if (!write_settings (bench, error))
    return NULL;

  return start_to_first_rows (
      bench, (const char *const[]){ bench->app_exe, "--server", bench->base_url, NULL }, ms,
      rss_mib, cpu_ms, error);
}

static void
quit_app (Bench *bench, Child *child)
{
  activate_action (bench, "quit", NULL);
  child_wait_exit (child);
}

static gboolean
measure_start (Bench *bench, GError **error)
{
  g_autoptr (GArray) app_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_rss = g_array_new (FALSE, FALSE, sizeof (double));
  double app_median;
  double bare_median;

  bench->app_env = g_environ_setenv (bench->app_env, "AGENT_DESK_TOKEN", bench->lead_token, TRUE);

  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      g_debug ("Load average before the runs: %s", g_strstrip (load));
  }

  /* Alternated, so that what else the machine does weighs on both. */
  for (guint run = 0; run <= N_START_RUNS; run++)
    {
      g_autoptr (Child) bare = NULL;
      g_autoptr (Child) app = NULL;
      double ms[2];
      double rss[2];
      double cpu[2];

      bare = start_to_first_rows (bench, (const char *const[]){ bench->bare_exe, NULL }, &ms[0],
                                  &rss[0], &cpu[0], error);
      if (bare == NULL)
        return FALSE;
      g_subprocess_send_signal (bare->process, SIGTERM);
      child_wait_exit (bare);

      app = start_app (bench, &ms[1], &rss[1], &cpu[1], error);
      if (app == NULL)
        return FALSE;
      quit_app (bench, app);

      g_debug ("Start %u%s: bare window %.1f ms (CPU %.1f ms), %.1f MiB; Agent Desk %.1f ms "
               "(CPU %.1f ms), %.1f MiB",
               run, run == 0 ? " (warm-up)" : "", ms[0], cpu[0], rss[0], ms[1], cpu[1], rss[1]);
      if (run == 0)
        continue;
      g_array_append_val (bare_ms, ms[0]);
      g_array_append_val (bare_rss, rss[0]);
      g_array_append_val (app_ms, ms[1]);
    }

  app_median = desk_bench_median (app_ms);
  bare_median = desk_bench_median (bare_ms);
  g_debug ("Start: Agent Desk %.1f to %.1f ms, bare window %.1f to %.1f ms",
           g_array_index (app_ms, double, 0), g_array_index (app_ms, double, app_ms->len - 1),
           g_array_index (bare_ms, double, 0), g_array_index (bare_ms, double, bare_ms->len - 1));

  desk_bench_report ("start_first_frame_ms", app_median, "ms");
  desk_bench_report ("bare_first_frame_ms", bare_median, "ms");
  desk_bench_report_ratio ("start_ratio", app_median / bare_median);
  desk_bench_report ("bare_rss_mib", desk_bench_median (bare_rss), "MiB");

  return TRUE;
}

/* A session: conversations, views, the long thread, a live reply */

static gboolean
open_conversation (Bench *bench, Child *app, gint64 ticket_id, double *ms, GError **error)
{
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_id);
  gint64           start = g_get_monotonic_time ();
  gint64           painted;

  activate_action (bench, "open-ticket", g_variant_new_int64 (ticket_id));
  painted = child_wait_frame (app, "message", subject, FRAME_TIMEOUT_MS);
  if (painted == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Ticket %" G_GINT64_FORMAT "'s messages were not shown within %u s", ticket_id,
                   FRAME_TIMEOUT_MS / 1000);
      return FALSE;
    }

  *ms = (painted - start) / 1000.0;
  child_settle (app, QUIET_MS);
  return TRUE;
}

static gboolean
switch_view (Bench *bench, Child *app, const char *view_id, double *ms, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 painted = 0;

  activate_action (bench, "show-view", g_variant_new_string (view_id));
  /* The view is noted before its rows are bound: the first rows after it
   * are the new view's, in the frame that applied it or a later one. */
  if (child_wait_frame (app, "view", view_id, FRAME_TIMEOUT_MS) != 0)
    painted = child_wait_frame (app, "row", NULL, FRAME_TIMEOUT_MS);
  if (painted == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The rows of “%s” were not shown within %u s", view_id, FRAME_TIMEOUT_MS / 1000);
      return FALSE;
    }

  *ms = (painted - start) / 1000.0;
  child_settle (app, QUIET_MS);
  return TRUE;
}

typedef struct
{
  GError  *error;
  gboolean done;
} Post;

static void
post_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Post *post = user_data;
  g_autoptr (JsonNode) node = NULL;

  node = desk_client_request_finish (DESK_CLIENT (object), result, NULL, &post->error);
  post->done = TRUE;
}

/* A colleague replies to @ticket_id; the time until the app's row shows
 * the reply as its excerpt. */
static gboolean
live_reply (Bench *bench, Child *app, gint64 ticket_id, guint round, double *ms, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = NULL;
  Post             post = { NULL, FALSE };
  gint64           start;
  gint64           painted;

  text = g_strdup_printf ("Bench reply %u: the transfer went out a minute ago.", round);
  subject = g_strdup_printf ("%" G_GINT64_FORMAT " %s", ticket_id, text);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, "public");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  start = g_get_monotonic_time ();
  desk_client_request_async (bench->colleague, "POST", path, body, NULL, DESK_REQUEST_DEFAULT, NULL,
                             post_cb, &post);
  painted = child_wait_frame (app, "row", subject, FRAME_TIMEOUT_MS);
  /* Answered before the row shows, unless something is wrong. */
  desk_bench_wait_for (&post.done, FRAME_TIMEOUT_MS);
  if (post.error != NULL)
    {
      g_propagate_prefixed_error (error, post.error, "The colleague's reply failed: ");
      return FALSE;
    }
  if (painted == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The reply to %" G_GINT64_FORMAT " was not shown within %u s", ticket_id,
                   FRAME_TIMEOUT_MS / 1000);
      return FALSE;
    }

  *ms = (painted - start) / 1000.0;
  child_settle (app, QUIET_MS);
  return TRUE;
}

static gboolean
measure_session (Bench *bench, GError **error)
{
  g_autoptr (Child) app = NULL;
  g_autoptr (GArray) view_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) long_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) live_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double ms;
  double rss;
  double cpu;

  app = start_app (bench, &ms, &rss, &cpu, error);
  if (app == NULL)
    return FALSE;
  /* Signed in, the queues listed, the catch-up sync done. */
  child_settle (app, 2 * QUIET_MS);

  for (guint i = 0; i < N_CONVERSATIONS; i++)
    {
      gint64 id = g_array_index (bench->first_open_ids, gint64, i);

      if (!open_conversation (bench, app, id, &ms, error))
        return FALSE;
      g_debug ("Conversation %" G_GINT64_FORMAT ": %.1f ms, peak RSS %.1f MiB", id, ms,
               desk_bench_peak_rss_mib (app->pid));
    }
  desk_bench_report ("rss_after_20_mib", desk_bench_peak_rss_mib (app->pid), "MiB");

  for (guint i = 0; i < N_VIEW_SWITCHES; i++)
    {
      const char *view_id = switched_views[i % G_N_ELEMENTS (switched_views)];

      if (!switch_view (bench, app, view_id, &ms, error))
        return FALSE;
      g_debug ("View %s: %.1f ms", view_id, ms);
      g_array_append_val (view_ms, ms);
    }
  desk_bench_report ("view_switch_ms", desk_bench_median (view_ms), "ms");

  for (guint i = 0; i < N_LONG_OPENS; i++)
    {
      /* From another conversation each time, as from the inbox. */
      if (!open_conversation (bench, app, g_array_index (bench->first_open_ids, gint64, i), &ms,
                              error) ||
          !open_conversation (bench, app, bench->long_ticket_id, &ms, error))
        return FALSE;
      g_debug ("%u messages: %.1f ms", LONG_THREAD_MESSAGES, ms);
      g_array_append_val (long_ms, ms);
    }
  desk_bench_report ("open_5000_ms", desk_bench_median (long_ms), "ms");

  /* Back to All Open, where the replied tickets are the first rows. */
  activate_action (bench, "show-view", g_variant_new_string ("all-open"));
  child_settle (app, QUIET_MS);
  bench->colleague = desk_client_new (bench->base_url, bench->colleague_token);
  for (guint i = 0; i < N_REALTIME; i++)
    {
      gint64 id = g_array_index (bench->replied_ids, gint64, i % bench->replied_ids->len);

      if (!live_reply (bench, app, id, i, &ms, error))
        return FALSE;
      g_debug ("Reply to %" G_GINT64_FORMAT ": %.1f ms", id, ms);
      g_array_append_val (live_ms, ms);
    }
  desk_bench_report ("realtime_row_ms", desk_bench_median (live_ms), "ms");

  quit_app (bench, app);
  return TRUE;
}

int
main (int argc, char *argv[])
{
  g_auto (Bench) bench = { NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *server_exe = NULL;
  gboolean         ok;

  if (argc > 2)
    {
      g_printerr ("Usage: %s [PATH/TO/agent-desk-server]\n", argv[0]);
      return 2;
    }
  server_exe =
      argc == 2 ? g_strdup (argv[1]) : build_tree_path ("../../app/server/agent-desk-server");

  ok = prepare (&bench, server_exe, &error) && seed_server (&bench, &error) &&
       start_server (&bench, server_exe, &error) && build_cache (&bench, &error) &&
       measure_start (&bench, &error) && measure_session (&bench, &error);

  stop_server (&bench);
  /* DESK_BENCH_KEEP=1 keeps the server's data and the cache. */
  if (bench.root != NULL && g_strcmp0 (g_getenv ("DESK_BENCH_KEEP"), "1") == 0)
    g_printerr ("bench-start: kept %s\n", bench.root);
  else if (bench.root != NULL)
    desk_bench_remove_tree (bench.root);

  if (!ok)
    {
      g_printerr ("bench-start: %s\n", error->message);
      return 1;
    }

  return 0;
}
