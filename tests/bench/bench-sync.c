/* bench-sync.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "desk-article-search.h"
#include "desk-bench.h"
#include "desk-server.h"
#include "desk-store.h"
#include "desk-inbox-model.h"
#include "desk-sync.h"

/* The client's first sync of a large desk, and its knowledge-base search.
 *
 * The sync runs end to end: agent-desk-server in a process of its own (so
 * that the peak RSS reported is the client's alone) serves 100,000 tickets
 * and 1,000,000 messages, and DeskSync walks them by pages of 500 into a new
 * DeskStore. The server's database is seeded by this program run again with
 * --seed DIR, for the same reason.
 *
 * A first sync brings the open work first (open tickets, their messages)
 * and then every feed without what the open feeds brought (`skip_open`):
 * about 60% of the synthetic tickets are open. The rates divide what the
 * cache holds at the end by the time of all the pages of the collection,
 * in both passes; open_work_ready_ms is the time until the open work is
 * in.
 *
 * The search runs prefix queries of one or two words over a cache holding
 * 10,000 articles of about 2 KB each. Beside the time each takes, the CPU
 * time of the thread it runs on (the search is not parallel): on a busy
 * machine the first also counts the waits for a core, the second not.
 *
 * Usage: bench-sync [PATH/TO/agent-desk-server]; without it, the server
 * next to this program in the build tree. */

#define N_SYNTHETIC_TICKETS 100000
#define N_SYNTHETIC_MESSAGES 1000000
#define SYNC_PAGE_SIZE 500

#define SEED_TIMEOUT_MS (300 * 1000)
#define SERVER_START_TIMEOUT_MS (30 * 1000)
#define SERVER_EXIT_TIMEOUT_MS (10 * 1000)
#define SYNC_TIMEOUT_MS (300 * 1000)

#define KB_ARTICLES 10000
#define KB_QUERIES 2000
#define KB_WARMUP_QUERIES 20
#define KB_RESULTS 20

static const gint64 all_queues[] = { 1, 2, 3, 4 };

/* Peak resident memory of this process so far, in MiB. */
static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10) / 1024.0;
}

/* CPU time of this process so far (all its threads), in seconds: on a
 * shared machine, what the sync cost beside how long it took. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Child processes */

/* A child dies with this process, even when it stops on g_error(). */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags flags, GError **error, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

typedef struct
{
  GSubprocess *process;
  char        *stdout_text;
  GError      *error;
  gboolean     done;
} Child;

static void
communicate_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &child->stdout_text, NULL,
                                        &child->error);
  child->done = TRUE;
}

/* Seeds the server's database in @data_dir from another process (this
 * program, run with --seed), and returns the token it prints. */
static char *
seed_in_child (const char *data_dir, GError **error)
{
  g_autofree char *self_exe = NULL;
  Child            child = { NULL, NULL, NULL, FALSE };
  char            *token;

  self_exe = g_file_read_link ("/proc/self/exe", error);
  if (self_exe == NULL)
    return NULL;

  child.process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                         (const char *const[]){ self_exe, "--seed", data_dir, NULL });
  if (child.process == NULL)
    return NULL;

  g_subprocess_communicate_utf8_async (child.process, NULL, NULL, communicate_cb, &child);
  if (!desk_bench_wait_for (&child.done, SEED_TIMEOUT_MS))
    {
      g_subprocess_force_exit (child.process);
      while (!child.done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_error (&child.error);
      g_clear_pointer (&child.stdout_text, g_free);
      g_clear_object (&child.process);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Seeding took more than %u s",
                   SEED_TIMEOUT_MS / 1000);
      return NULL;
    }

  if (child.error == NULL && !g_subprocess_get_successful (child.process))
    g_set_error (&child.error, G_IO_ERROR, G_IO_ERROR_FAILED, "Seeding failed");
  g_clear_object (&child.process);
  if (child.error != NULL)
    {
      g_free (child.stdout_text);
      g_propagate_error (error, child.error);
      return NULL;
    }

  token = g_strdup (g_strstrip (child.stdout_text));
  g_free (child.stdout_text);
  return token;
}

/* bench-sync --seed DIR: the child's side. */
static int
seed_main (const char *data_dir)
{
  g_autoptr (DeskServer) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  gint64           lead_id;

  server = desk_server_new (data_dir, &error);
  if (server == NULL || !desk_server_seed_demo (server, SOURCE_DATADIR "/demo", &error) ||
      !desk_server_seed_synthetic (server, N_SYNTHETIC_TICKETS, N_SYNTHETIC_MESSAGES, &error))
    {
      g_printerr ("bench-sync: could not seed the server: %s\n", error->message);
      return 1;
    }

  lead_id = desk_server_create_user (server, "Bench Lead", "bench.lead@desk.test", DESK_ROLE_LEAD,
                                     all_queues, G_N_ELEMENTS (all_queues), &error);
  if (lead_id <= 0 || !(token = desk_server_create_token (server, lead_id, &error)))
    {
      g_printerr ("bench-sync: could not create the lead's token: %s\n", error->message);
      return 1;
    }

  g_print ("%s\n", token);
  return 0;
}

/* A free port on 127.0.0.1, by binding port 0 and letting it go again. */
static guint
pick_free_port (GError **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error))
    return 0;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
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

/* Starts agent-desk-server on @data_dir and returns once it says it
 * listens, with its base URL in @base_url. */
static GSubprocess *
start_server (const char *server_exe, const char *data_dir, char **base_url, GError **error)
{
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (GDataInputStream) output = NULL;
  g_autofree char *listen = NULL;
  Line             line = { NULL, NULL, FALSE };
  guint            port;

  port = pick_free_port (error);
  if (port == 0)
    return NULL;

  listen = g_strdup_printf ("127.0.0.1:%u", port);
  server = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                  (const char *const[]){ server_exe, "--data", data_dir, "--listen", listen,
                                         "--rate-limit", "1000000000", NULL });
  if (server == NULL)
    return NULL;

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, read_line_cb, &line);
  if (!desk_bench_wait_for (&line.done, SERVER_START_TIMEOUT_MS))
    {
      g_subprocess_force_exit (server);
      while (!line.done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_error (&line.error);
      g_free (line.line);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not start within %u s",
                   server_exe, SERVER_START_TIMEOUT_MS / 1000);
      return NULL;
    }

  if (line.line == NULL || !g_str_has_prefix (line.line, "Listening on "))
    {
      g_subprocess_force_exit (server);
      if (line.error != NULL)
        g_propagate_error (error, line.error);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not start: “%s”", server_exe,
                     line.line ? line.line : "(no output)");
      g_free (line.line);
      return NULL;
    }

  *base_url = g_strdup (line.line + strlen ("Listening on "));
  g_free (line.line);
  return g_steal_pointer (&server);
}

static void
wait_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static void
stop_server (GSubprocess *server)
{
  gboolean done = FALSE;

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait_async (server, NULL, wait_cb, &done);
  if (!desk_bench_wait_for (&done, SERVER_EXIT_TIMEOUT_MS))
    {
      g_warning ("The server did not stop on SIGTERM; killing it");
      g_subprocess_force_exit (server);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
}

/* The first sync */

typedef struct
{
  gint64   start;
  gint64   last_page;
  gint64   open_work_ready;
  gint64   usec[DESK_STORE_COLLECTION_CANNED + 1];
  guint64  items[DESK_STORE_COLLECTION_CANNED + 1];
  GError  *error;
  gboolean done;
} SyncRun;

/* A first sync walks the open work first, then every feed (see DeskSync):
 * the time from one page to the next goes to the collection of the page,
 * so that each collection's figure covers all of its passes. */
static void
page_applied_cb (DeskSync *sync, guint collection, guint n_items, gpointer user_data)
{
  SyncRun *run = user_data;
  gint64   now = g_get_monotonic_time ();

  if (collection >= G_N_ELEMENTS (run->items))
    return;

  run->items[collection] += n_items;
  run->usec[collection] += now - run->last_page;
  run->last_page = now;
}

static void
open_work_synced_cb (DeskSync *sync, gpointer user_data)
{
  SyncRun *run = user_data;

  run->open_work_ready = g_get_monotonic_time ();
}

static void
sync_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SyncRun *run = user_data;

  desk_sync_run_finish (DESK_SYNC (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_sync (const char *base_url, const char *token, const char *cache_path, GError **error)
{
  g_autoptr (DeskStore) store = NULL;
  g_autoptr (DeskClient) client = NULL;
  g_autoptr (DeskSync) sync = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  SyncRun run = { 0 };
  double  cpu_start;
  gint64  n_tickets;
  gint64  n_messages;
  double  tickets_s;
  double  messages_s;

  store = desk_store_new (cache_path, error);
  if (store == NULL)
    return FALSE;

  client = desk_client_new (base_url, token);
  sync = desk_sync_new (client, store);
  desk_sync_set_page_size (sync, SYNC_PAGE_SIZE);
  g_signal_connect (sync, "page-applied", G_CALLBACK (page_applied_cb), &run);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (open_work_synced_cb), &run);

  cpu_start = cpu_seconds ();
  run.start = g_get_monotonic_time ();
  run.last_page = run.start;
  desk_sync_run_async (sync, cancellable, sync_cb, &run);
  if (!desk_bench_wait_for (&run.done, SYNC_TIMEOUT_MS))
    {
      g_cancellable_cancel (cancellable);
      while (!run.done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_error (&run.error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The sync did not finish within %u s (%" G_GUINT64_FORMAT
                   " tickets, %" G_GUINT64_FORMAT " messages)",
                   SYNC_TIMEOUT_MS / 1000, run.items[DESK_STORE_COLLECTION_TICKETS],
                   run.items[DESK_STORE_COLLECTION_MESSAGES]);
      return FALSE;
    }
  if (run.error != NULL)
    {
      g_propagate_prefixed_error (error, run.error, "The sync failed: ");
      return FALSE;
    }

  /* An item may come in both passes (a server without `skip_open`): the
   * cache must hold each item once, and the rates count it once. */
  n_tickets = desk_store_count (store, DESK_STORE_COLLECTION_TICKETS);
  n_messages = desk_store_count (store, DESK_STORE_COLLECTION_MESSAGES);
  if (n_tickets < N_SYNTHETIC_TICKETS || n_messages < N_SYNTHETIC_MESSAGES ||
      run.items[DESK_STORE_COLLECTION_TICKETS] < (guint64) n_tickets ||
      run.items[DESK_STORE_COLLECTION_MESSAGES] < (guint64) n_messages || run.open_work_ready == 0)
    {
      g_set_error (
          error, G_IO_ERROR, G_IO_ERROR_FAILED,
          "The sync brought %" G_GUINT64_FORMAT " tickets and %" G_GUINT64_FORMAT
          " messages%s; the cache holds %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
          run.items[DESK_STORE_COLLECTION_TICKETS], run.items[DESK_STORE_COLLECTION_MESSAGES],
          run.open_work_ready == 0 ? " and no open work first" : "", n_tickets, n_messages);
      return FALSE;
    }

  tickets_s = run.usec[DESK_STORE_COLLECTION_TICKETS] / (double) G_USEC_PER_SEC;
  messages_s = run.usec[DESK_STORE_COLLECTION_MESSAGES] / (double) G_USEC_PER_SEC;
  g_debug ("Sync: %" G_GINT64_FORMAT " tickets (%" G_GUINT64_FORMAT
           " applied) in %.2f s, %" G_GINT64_FORMAT " messages (%" G_GUINT64_FORMAT
           " applied) in %.2f s, open work after %.2f s,"
           " %.2f s in all, %.2f s of CPU",
           n_tickets, run.items[DESK_STORE_COLLECTION_TICKETS], tickets_s, n_messages,
           run.items[DESK_STORE_COLLECTION_MESSAGES], messages_s,
           (run.open_work_ready - run.start) / (double) G_USEC_PER_SEC,
           (g_get_monotonic_time () - run.start) / (double) G_USEC_PER_SEC,
           cpu_seconds () - cpu_start);

  desk_bench_report ("sync_tickets_per_s", n_tickets / tickets_s, "tickets/s");
  desk_bench_report ("sync_messages_per_s", n_messages / messages_s, "messages/s");
  desk_bench_report ("sync_peak_rss_mib", peak_rss_mib (), "MiB");
  desk_bench_report ("open_work_ready_ms", (run.open_work_ready - run.start) / 1000.0, "ms");

  return TRUE;
}

/* Inbox views over the synced cache */

static void
fetch_rows (GListModel *model, guint n_rows)
{
  guint n = MIN (n_rows, g_list_model_get_n_items (model));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) row = g_list_model_get_item (model, i);
      g_assert (row != NULL);
    }
}

static gboolean
bench_inbox (const char *cache_path, GError **error)
{
  g_autoptr (DeskStore) store = NULL;
  g_autoptr (DeskInboxModel) model = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  DeskInboxFilter open = DESK_INBOX_FILTER_ALL;
  gint64          start = g_get_monotonic_time ();
  double          ms;

  /* Opening the cache and the first 50 rows of "All open" by SLA. */
  store = desk_store_new (cache_path, error);
  if (store == NULL)
    return FALSE;
  open.status_mask =
      1 << DESK_TICKET_STATUS_NEW | 1 << DESK_TICKET_STATUS_OPEN | 1 << DESK_TICKET_STATUS_PENDING;
  model = desk_inbox_model_new (store);
  desk_inbox_model_set_filter (model, &open);
  fetch_rows (G_LIST_MODEL (model), 50);
  desk_bench_report ("open_first_rows_ms", (g_get_monotonic_time () - start) / 1000.0, "ms");

  /* Switching between views, each to its first 50 rows. */
  for (guint round = 0; round < 5; round++)
    for (guint view = 0; view < 4; view++)
      {
        DeskInboxFilter filter = open;
        DeskInboxSort   sort = DESK_INBOX_SORT_SLA;

        if (view == 1)
          filter.assignee_id = DESK_ASSIGNEE_NOBODY;
        else if (view == 2)
          {
            filter.queue_id = 2;
            sort = DESK_INBOX_SORT_PRIORITY;
          }
        else if (view == 3)
          {
            filter.status_mask = 1 << DESK_TICKET_STATUS_SOLVED | 1 << DESK_TICKET_STATUS_CLOSED;
            sort = DESK_INBOX_SORT_NEWEST;
          }

        start = g_get_monotonic_time ();
        desk_inbox_model_set_sort (model, sort);
        desk_inbox_model_set_filter (model, &filter);
        fetch_rows (G_LIST_MODEL (model), 50);
        ms = (g_get_monotonic_time () - start) / 1000.0;
        g_array_append_val (times, ms);
      }

  g_array_sort (times, desk_bench_compare_doubles);
  g_debug ("View switches: median %.1f ms, slowest %.1f ms",
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len - 1));
  desk_bench_report ("view_change_ms", g_array_index (times, double, times->len / 2), "ms");

  return TRUE;
}

/* DESK_BENCH_SEEDED=DIR syncs from the server data of an earlier run kept
 * with DESK_BENCH_KEEP=1 (DIR is the folder it names), without seeding it
 * again: for work on the sync, a run takes half the time. The server's
 * database must be as seeded: the sync does not change it. */
static gboolean
bench_sync (const char *server_exe, const char *tmp_dir, GError **error)
{
  const char      *seeded = g_getenv ("DESK_BENCH_SEEDED");
  g_autofree char *data_dir = g_build_filename (seeded ? seeded : tmp_dir, "server", NULL);
  g_autofree char *token_path = g_build_filename (seeded ? seeded : tmp_dir, "token", NULL);
  g_autofree char *cache_path = g_build_filename (tmp_dir, "client", "cache.db", NULL);
  g_autofree char *token = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr (GSubprocess) server = NULL;
  gint64   start = g_get_monotonic_time ();
  gboolean ok;

  if (!g_file_test (server_exe, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No server at %s", server_exe);
      return FALSE;
    }

  if (seeded != NULL)
    {
      if (!g_file_get_contents (token_path, &token, NULL, error))
        return FALSE;
      g_strstrip (token);
    }
  else
    {
      token = seed_in_child (data_dir, error);
      if (token == NULL || !g_file_set_contents (token_path, token, -1, error))
        return FALSE;
      g_debug ("Seeded the server in %.1f s", (g_get_monotonic_time () - start) / 1e6);
    }

  server = start_server (server_exe, data_dir, &base_url, error);
  if (server == NULL)
    return FALSE;

  ok = run_sync (base_url, token, cache_path, error);
  stop_server (server);

  return ok && bench_inbox (cache_path, error);
}

/* Knowledge-base search */

static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static gboolean
bench_kb_search (const char *tmp_dir, GError **error)
{
  g_autofree char *cache_path = g_build_filename (tmp_dir, "kb", "cache.db", NULL);
  g_autoptr (DeskStore) store = NULL;
  g_autoptr (DeskArticleSearch) search = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GPtrArray) vocabulary = NULL;
  g_autoptr (GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (double), KB_QUERIES);
  g_autoptr (GArray) cpu_times = g_array_sized_new (FALSE, FALSE, sizeof (double), KB_QUERIES);
  guint64 n_hits = 0;
  gint64  start;

  store = desk_store_new (cache_path, error);
  if (store == NULL)
    return FALSE;

  vocabulary = desk_bench_make_vocabulary (rand);
  start = g_get_monotonic_time ();
  if (!desk_bench_fill_knowledge_base (store, rand, vocabulary, KB_ARTICLES, error))
    return FALSE;
  g_debug ("Wrote %u articles in %.1f s", KB_ARTICLES, (g_get_monotonic_time () - start) / 1e6);

  /* As the side panel searches: on the search's own connections. */
  search = desk_article_search_new (cache_path, error);
  if (search == NULL)
    return FALSE;

  for (guint i = 0; i < KB_WARMUP_QUERIES + KB_QUERIES; i++)
    {
      g_autofree char *query = desk_bench_make_query (rand, vocabulary);
      g_autoptr (GPtrArray) hits = NULL;
      gint64 query_start = g_get_monotonic_time ();
      double cpu_start = thread_cpu_ms ();
      double cpu_ms;
      double ms;

      hits = desk_article_search_run (
          search, &(DeskArticleQuery){ .text = query, .limit = KB_RESULTS }, NULL, error);
      if (hits == NULL)
        {
          g_prefix_error (error, "“%s”: ", query);
          return FALSE;
        }
      ms = (g_get_monotonic_time () - query_start) / 1000.0;
      cpu_ms = thread_cpu_ms () - cpu_start;

      if (i < KB_WARMUP_QUERIES)
        continue;
      if (ms > 5)
        g_debug ("Slow search “%s”: %.1f ms (%.1f ms CPU), %u hits", query, ms, cpu_ms, hits->len);
      g_array_append_val (latencies, ms);
      g_array_append_val (cpu_times, cpu_ms);
      n_hits += hits->len;
    }
  g_debug ("%u queries, %.1f hits a query", KB_QUERIES, (double) n_hits / KB_QUERIES);

  g_array_sort (latencies, desk_bench_compare_doubles);
  desk_bench_report ("kb_search_p99_ms", desk_bench_percentile (latencies, 99), "ms");
  desk_bench_report ("kb_search_median_ms", desk_bench_percentile (latencies, 50), "ms");
  g_array_sort (cpu_times, desk_bench_compare_doubles);
  desk_bench_report ("kb_search_cpu_p99_ms", desk_bench_percentile (cpu_times, 99), "ms");
  desk_bench_report ("kb_search_cpu_median_ms", desk_bench_percentile (cpu_times, 50), "ms");

  return TRUE;
}

/* The server built with this program, for runs without an argument. */
static char *
default_server_exe (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bench_dir = NULL;

  if (self_exe == NULL)
    return g_strdup ("agent-desk-server");

  bench_dir = g_path_get_dirname (self_exe);
  return g_build_filename (bench_dir, "..", "..", "app", "server", "agent-desk-server", NULL);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *server_exe = NULL;
  g_autofree char *tmp_dir = NULL;
  gboolean         ok;

  if (argc == 3 && g_str_equal (argv[1], "--seed"))
    return seed_main (argv[2]);
  if (argc > 2)
    {
      g_printerr ("Usage: %s [PATH/TO/agent-desk-server]\n", argv[0]);
      return 2;
    }

  server_exe = argc == 2 ? g_strdup (argv[1]) : default_server_exe ();
  tmp_dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  if (tmp_dir == NULL)
    {
      g_printerr ("bench-sync: %s\n", error->message);
      return 1;
    }

  /* DESK_BENCH_ONLY_KB=1 skips the sync, for work on search, and
   * DESK_BENCH_ONLY_SYNC=1 the search, for work on the sync. */
  ok = (g_strcmp0 (g_getenv ("DESK_BENCH_ONLY_KB"), "1") == 0 ||
        bench_sync (server_exe, tmp_dir, &error)) &&
       (g_strcmp0 (g_getenv ("DESK_BENCH_ONLY_SYNC"), "1") == 0 ||
        bench_kb_search (tmp_dir, &error));

  /* DESK_BENCH_KEEP=1 keeps the caches for looking at query plans. */
  if (g_strcmp0 (g_getenv ("DESK_BENCH_KEEP"), "1") == 0)
    g_printerr ("bench-sync: kept %s\n", tmp_dir);
  else
    desk_bench_remove_tree (tmp_dir);

  if (!ok)
    {
      g_printerr ("bench-sync: %s\n", error->message);
      return 1;
    }

  return 0;
}
