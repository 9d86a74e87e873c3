/* test-sync.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "desk-fts-tokenizer.h"
#include "desk-json.h"
#include "desk-page-reader-private.h"
#include "desk-sync.h"
#include "desk-test-server.h"

/* The client core against the real reference server on loopback. */

static const char *test_program;

typedef struct
{
  DeskTestServer *server;
  char           *cache_dir;
  char           *cache_path;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->server = desk_test_server_new ();
  fixture->cache_dir = g_dir_make_tmp ("desk-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cache_path = g_build_filename (fixture->cache_dir, "cache.db", NULL);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (fixture->cache_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->cache_path, "-shm", NULL);

  g_clear_pointer (&fixture->server, desk_test_server_stop);
  g_unlink (fixture->cache_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->cache_dir);
  g_clear_pointer (&fixture->cache_path, g_free);
  g_clear_pointer (&fixture->cache_dir, g_free);
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
} Wait;

static void
sync_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  desk_sync_run_finish (DESK_SYNC (object), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static gboolean
run_sync (DeskSync *sync, GError **error)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };

  desk_sync_run_async (sync, NULL, sync_cb, &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);

  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}

static DeskSync *
new_sync (Fixture *fixture, DeskRole role, guint page_size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (fixture->cache_path, &error);
  g_autoptr (DeskClient) client = NULL;
  DeskSync *sync;

  g_assert_no_error (error);
  client = desk_client_new (desk_test_server_get_base_url (fixture->server),
                            desk_test_server_get_token (fixture->server, role));
  sync = desk_sync_new (client, store);
  desk_sync_set_page_size (sync, page_size);
  return sync;
}

/* "id:version" of every row of a collection, as the server has them. */
static GHashTable *
server_state (Fixture *fixture, const char *path, DeskRole role)
{
  GHashTable      *state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gboolean         more = TRUE;

  while (more)
    {
      g_autofree char *url = cursor ? g_strdup_printf ("%s?limit=500&since=%s", path, cursor)
                                    : g_strdup_printf ("%s?limit=500", path);
      g_autoptr (JsonNode) node = NULL;
      JsonObject *page;
      JsonArray  *items;
      guint       status;

      node = desk_test_request_json (fixture->server, "GET", url,
                                     desk_test_server_get_token (fixture->server, role), NULL,
                                     &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (node);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          char       *key = g_strdup_printf (
                    "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, json_object_get_int_member (item, "id"),
                    json_object_get_int_member_with_default (item, "version", 0));

          /* A later version replaces an earlier one of the same id. */
          if (json_object_get_boolean_member_with_default (item, "deleted", FALSE))
            {
              g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT ":",
                                                         json_object_get_int_member (item, "id"));
              GHashTableIter   iter;
              gpointer         existing;

              g_hash_table_iter_init (&iter, state);
              while (g_hash_table_iter_next (&iter, &existing, NULL))
                if (g_str_has_prefix (existing, prefix))
                  g_hash_table_iter_remove (&iter);
              g_free (key);
              continue;
            }
          {
            g_autofree char *prefix =
                g_strdup_printf ("%" G_GINT64_FORMAT ":", json_object_get_int_member (item, "id"));
            GHashTableIter iter;
            gpointer       existing;

            g_hash_table_iter_init (&iter, state);
            while (g_hash_table_iter_next (&iter, &existing, NULL))
              if (g_str_has_prefix (existing, prefix))
                g_hash_table_iter_remove (&iter);
          }
          g_hash_table_add (state, key);
        }
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "next"));
      more = json_object_get_boolean_member (page, "more");
    }

  return state;
}

static GHashTable *
cache_state (Fixture *fixture, const char *table)
{
  GHashTable      *state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *sql = NULL;
  sqlite3         *db = NULL;
  sqlite3_stmt    *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fixture->cache_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sql = g_strdup_printf (
      "SELECT id, %s FROM %s",
      g_str_equal (table, "tickets") || g_str_equal (table, "articles") ? "version" : "0", table);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (state, g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                              (gint64) sqlite3_column_int64 (stmt, 0),
                                              (gint64) sqlite3_column_int64 (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return state;
}

static void
assert_same_state (GHashTable *expected, GHashTable *actual, const char *what)
{
  GHashTableIter iter;
  gpointer       key;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (actual, key))
      g_error ("%s: the cache lacks %s", what, (const char *) key);

  g_assert_cmpuint (g_hash_table_size (actual), ==, g_hash_table_size (expected));
}

static void
assert_cache_matches_server (Fixture *fixture, DeskRole role)
{
  static const struct
  {
    const char *path;
    const char *table;
  } collections[] = {
    { "/api/v1/tickets", "tickets" },
    { "/api/v1/messages", "messages" },
    { "/api/v1/kb/articles", "articles" },
    { "/api/v1/canned-replies", "canned" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
    {
      g_autoptr (GHashTable) expected = server_state (fixture, collections[i].path, role);
      g_autoptr (GHashTable) actual = cache_state (fixture, collections[i].table);

      /* Messages carry no version: the server's pages give 0 as well. */
      assert_same_state (expected, actual, collections[i].table);
    }
}

static void
test_first_and_incremental (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 100);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) ticket = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *patch_path = NULL;
  g_autofree char *if_match = NULL;
  const char      *lead = desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD);
  const char      *admin = desk_test_server_get_token (fixture->server, DESK_ROLE_ADMIN);
  guint            status;

  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (desk_sync_get_done (sync), >, 400);
  g_assert_cmpfloat (desk_sync_get_progress (sync), ==, 1.0);
  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);

  /* Change things on the server: a status, a reply, a deleted ticket. */
  ticket =
      desk_test_request_json (fixture->server, "GET", "/api/v1/tickets/5", lead, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  if_match = g_strdup_printf (
      "%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (ticket), "version"));
  {
    const char *headers[] = { "If-Match", if_match, NULL };
    g_autoptr (JsonNode) patched =
        desk_test_request_json_full (fixture->server, "PATCH", "/api/v1/tickets/5", lead, headers,
                                     "{\"priority\":\"urgent\"}", &status, NULL);
    g_assert_cmpuint (status, ==, 200);
  }
  reply = desk_test_request_json (fixture->server, "POST", "/api/v1/tickets/6/messages", lead,
                                  "{\"body\":\"Checking now\",\"visibility\":\"public\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  g_bytes_unref (desk_test_request (fixture->server, "DELETE", "/api/v1/tickets/7", admin, NULL,
                                    NULL, 0, &status, NULL));
  g_assert_cmpuint (status, ==, 204);

  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  /* Only what changed came down this time. */
  g_assert_cmpuint (desk_sync_get_done (sync), <, 10);
  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
}

static void
test_agent_sees_own_queues (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_AGENT, 500);
  g_autoptr (GError) error = NULL;

  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  assert_cache_matches_server (fixture, DESK_ROLE_AGENT);
}

/* The child: sync into the cache until done or killed. */
static int
sync_child (const char *cache_path, const char *base_url, const char *token)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (cache_path, &error);
  g_autoptr (DeskClient) client = NULL;
  g_autoptr (DeskSync) sync = NULL;

  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  client = desk_client_new (base_url, token);
  sync = desk_sync_new (client, store);
  desk_sync_set_page_size (sync, 100);
  if (!run_sync (sync, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static int
spawn_child (Fixture *fixture, const char *cache_path, guint kill_after_msec)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { test_program,
                         "--sync-child",
                         cache_path,
                         desk_test_server_get_base_url (fixture->server),
                         desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD),
                         NULL };
  GPid        pid;
  int         wait_status;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  if (kill_after_msec > 0)
    {
      g_usleep (kill_after_msec * 1000);
      kill (pid, SIGKILL);
    }
  waitpid (pid, &wait_status, 0);
  g_spawn_close_pid (pid);

  return wait_status;
}

static void assert_full_text_consistent (Fixture *fixture);

static void
test_killed_at_random (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *scratch = g_strconcat (fixture->cache_path, ".scratch", NULL);
  g_autofree char *scratch_wal = g_strconcat (scratch, "-wal", NULL);
  g_autofree char *scratch_shm = g_strconcat (scratch, "-shm", NULL);
  guint            killed = 0;
  int              wait_status;
  gint64           start;
  guint            full_msec;

  desk_test_server_seed_synthetic (fixture->server, 1500, 6000);

  /* Time a whole sync, so that the kills land inside one however fast or
   * slow this build is (sanitizers make it several times slower). */
  start = g_get_monotonic_time ();
  wait_status = spawn_child (fixture, scratch, 0);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  full_msec = (g_get_monotonic_time () - start) / 1000;
  g_unlink (scratch);
  g_unlink (scratch_wal);
  g_unlink (scratch_shm);

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) node = NULL;
      guint status;

      /* Every third run starts over from an empty cache, so that kills
       * also land in first syncs, not only in short catch-ups (which a
       * loaded machine may finish before any kill lands). */
      if (round % 3 == 2)
        {
          g_autofree char *wal = g_strconcat (fixture->cache_path, "-wal", NULL);
          g_autofree char *shm = g_strconcat (fixture->cache_path, "-shm", NULL);

          g_unlink (fixture->cache_path);
          g_unlink (wal);
          g_unlink (shm);
        }

      wait_status = spawn_child (fixture, fixture->cache_path,
                                 g_rand_int_range (rand, 1, MAX (2, full_msec * 9 / 10)));
      killed += WIFSIGNALED (wait_status);

      /* The server keeps changing between the runs. */
      node = desk_test_request_json (fixture->server, "POST", "/api/v1/tickets/3/messages",
                                     desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD),
                                     "{\"body\":\"Still checking\",\"visibility\":\"internal\"}",
                                     &status);
      g_assert_cmpuint (status, ==, 201);
    }

  wait_status = spawn_child (fixture, fixture->cache_path, 0);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  g_test_message ("%u of 20 runs were killed before they finished", killed);
  g_assert_cmpuint (killed, >, 0);

  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
  assert_full_text_consistent (fixture);
}

typedef struct
{
  Fixture *fixture;
  gboolean down;
} GoDown;

static void
page_applied_cb (DeskSync *sync, guint collection, guint n_items, gpointer user_data)
{
  GoDown *go_down = user_data;

  /* After the second page, the server goes away. */
  if (!go_down->down && desk_sync_get_done (sync) >= 100)
    {
      desk_test_server_set_online (go_down->fixture->server, FALSE);
      go_down->down = TRUE;
    }
}

static void
test_server_down_mid_sync (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 50);
  g_autoptr (GError) error = NULL;
  GoDown go_down = { fixture, FALSE };
  gulong handler;

  handler = g_signal_connect (sync, "page-applied", G_CALLBACK (page_applied_cb), &go_down);
  /* Fail fast instead of backing off for half a minute. */
  g_assert_false (run_sync (sync, &error));
  g_assert_error (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_OFFLINE);
  g_signal_handler_disconnect (sync, handler);
  g_clear_error (&error);

  desk_test_server_set_online (fixture->server, TRUE);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
}

/* Open work first */

static void
walk_feed (Fixture    *fixture,
           const char *path,
           DeskRole    role,
           void (*func) (JsonObject *item, gpointer user_data),
           gpointer user_data)
{
  g_autofree char *cursor = NULL;
  gboolean         more = TRUE;

  while (more)
    {
      g_autofree char *url =
          cursor ? g_strdup_printf ("%s%climit=500&since=%s", path, strchr (path, '?') ? '&' : '?',
                                    cursor)
                 : g_strdup_printf ("%s%climit=500", path, strchr (path, '?') ? '&' : '?');
      g_autoptr (JsonNode) node = NULL;
      JsonObject *page;
      JsonArray  *items;
      guint       status;

      node = desk_test_request_json (fixture->server, "GET", url,
                                     desk_test_server_get_token (fixture->server, role), NULL,
                                     &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (node);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        func (json_array_get_object_element (items, i), user_data);
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "next"));
      more = json_object_get_boolean_member (page, "more");
    }
}

static void
count_item_cb (JsonObject *item, gpointer user_data)
{
  (*(guint64 *) user_data)++;
}

/* Items in a feed, tombstones included: what a sync of it applies. */
static guint64
feed_length (Fixture *fixture, const char *path, DeskRole role)
{
  guint64 n = 0;

  walk_feed (fixture, path, role, count_item_cb, &n);
  return n;
}

static guint64
all_feeds_length (Fixture *fixture, DeskRole role)
{
  return feed_length (fixture, "/api/v1/tickets", role) +
         feed_length (fixture, "/api/v1/messages", role) +
         feed_length (fixture, "/api/v1/kb/articles", role) +
         feed_length (fixture, "/api/v1/canned-replies", role);
}

static GHashTable *
id_set_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
id_set_add (GHashTable *set, gint64 id)
{
  g_hash_table_add (set, g_memdup2 (&id, sizeof id));
}

typedef struct
{
  GHashTable *tickets;
  GHashTable *messages;
} OpenWork;

static void
collect_open_ticket_cb (JsonObject *item, gpointer user_data)
{
  OpenWork   *work = user_data;
  const char *status = json_object_get_string_member_with_default (item, "status", "");

  if (!json_object_get_boolean_member_with_default (item, "deleted", FALSE) &&
      (g_str_equal (status, "new") || g_str_equal (status, "open") ||
       g_str_equal (status, "pending")))
    id_set_add (work->tickets, json_object_get_int_member (item, "id"));
}

static void
collect_open_message_cb (JsonObject *item, gpointer user_data)
{
  OpenWork *work = user_data;
  gint64    ticket_id = json_object_get_int_member_with_default (item, "ticket_id", 0);

  if (!json_object_get_boolean_member_with_default (item, "deleted", FALSE) &&
      g_hash_table_contains (work->tickets, &ticket_id))
    id_set_add (work->messages, json_object_get_int_member (item, "id"));
}

/* The open tickets on the server and their messages, read from the whole
 * feeds (not from the open ones: they are what is being tested). */
static OpenWork
server_open_work (Fixture *fixture, DeskRole role)
{
  OpenWork work = { id_set_new (), id_set_new () };

  walk_feed (fixture, "/api/v1/tickets", role, collect_open_ticket_cb, &work);
  walk_feed (fixture, "/api/v1/messages", role, collect_open_message_cb, &work);

  return work;
}

static void
open_work_clear (OpenWork *work)
{
  g_clear_pointer (&work->tickets, g_hash_table_unref);
  g_clear_pointer (&work->messages, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OpenWork, open_work_clear)

static sqlite3 *
open_cache (Fixture *fixture, int flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fixture->cache_path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static GHashTable *
cache_ids (Fixture *fixture, const char *sql)
{
  GHashTable   *ids = id_set_new ();
  sqlite3      *db = open_cache (fixture, SQLITE_OPEN_READONLY);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    id_set_add (ids, sqlite3_column_int64 (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return ids;
}

static gint64
cache_count (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return count;
}

static char *
cache_cursor (Fixture *fixture, const char *name)
{
  sqlite3      *db = open_cache (fixture, SQLITE_OPEN_READONLY);
  sqlite3_stmt *stmt = NULL;
  char         *cursor = NULL;

  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT cursor FROM cursors WHERE collection = ?", -1, &stmt, NULL),
      ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return cursor;
}

/* Items applied twice (open work that changed, then the history) left one
 * row and one full-text entry each. */
static void
assert_full_text_consistent (Fixture *fixture)
{
  static const char *terms[] = { "review", "withdrawal", "customer", "example" };
  g_autoptr (GError) error = NULL;
  sqlite3 *db = open_cache (fixture, SQLITE_OPEN_READWRITE);
  char    *message = NULL;

  desk_fts_tokenizer_register (db, &error);
  g_assert_no_error (error);
  sqlite3_exec (db,
                "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check');"
                "INSERT INTO tickets_fts (tickets_fts) VALUES ('integrity-check');",
                NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (cache_count (db, "SELECT COUNT(*) FROM tickets_fts_docsize"), ==,
                   cache_count (db, "SELECT COUNT(*) FROM tickets"));
  g_assert_cmpint (cache_count (db, "SELECT COUNT(*) FROM messages_fts_docsize"), ==,
                   cache_count (db, "SELECT COUNT(*) FROM messages"));

  /* The ticket index has no content to check against: it must answer as
   * one built afresh from the tickets does. */
  sqlite3_exec (db,
                "CREATE VIRTUAL TABLE temp.fresh_fts USING fts5 (subject, requester, content='',"
                "  tokenize='" DESK_FTS_TOKENIZER " remove_diacritics 2');"
                "INSERT INTO fresh_fts (rowid, subject, requester) SELECT id, subject,"
                "  coalesce(requester_name, '') || ' ' || coalesce(requester_email, '')"
                "  FROM tickets;",
                NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
    {
      g_autofree char *in_cache = g_strdup_printf (
          "SELECT COUNT(*) FROM tickets_fts WHERE tickets_fts MATCH '%s'", terms[i]);
      g_autofree char *fresh =
          g_strdup_printf ("SELECT COUNT(*) FROM fresh_fts WHERE fresh_fts MATCH '%s'", terms[i]);

      g_assert_cmpint (cache_count (db, fresh), >, 0);
      g_assert_cmpint (cache_count (db, in_cache), ==, cache_count (db, fresh));
    }
  sqlite3_close (db);
}

typedef struct
{
  Fixture    *fixture;
  GHashTable *tickets; /* what the cache held when the first solved ticket landed */
  GHashTable *messages;
  guint       open_work_synced;
  gboolean    synced_before_solved;
  guint64     first_estimate;
  double      progress;
  guint       n_pages;
} Watch;

static void
watch_page_applied_cb (DeskSync *sync, guint collection, guint n_items, gpointer user_data)
{
  Watch   *watch = user_data;
  sqlite3 *db;
  double   progress = (double) desk_sync_get_done (sync) / desk_sync_get_total_estimate (sync);

  /* Progress never goes back, and the first estimate is one of the whole
   * sync, history included. */
  g_assert_cmpuint (desk_sync_get_done (sync), <=, desk_sync_get_total_estimate (sync));
  g_assert_cmpfloat (progress, >=, watch->progress);
  g_assert_cmpfloat (desk_sync_get_progress (sync), ==, progress);
  watch->progress = progress;
  if (watch->n_pages++ == 0)
    watch->first_estimate = desk_sync_get_total_estimate (sync);

  if (watch->tickets != NULL)
    return;

  db = open_cache (watch->fixture, SQLITE_OPEN_READONLY);
  if (cache_count (db, "SELECT COUNT(*) FROM tickets WHERE status >= 3") > 0)
    {
      watch->tickets = cache_ids (watch->fixture, "SELECT id FROM tickets WHERE status < 3");
      watch->messages = cache_ids (watch->fixture, "SELECT id FROM messages");
      watch->synced_before_solved = watch->open_work_synced > 0;
    }
  sqlite3_close (db);
}

static void
watch_open_work_synced_cb (DeskSync *sync, gpointer user_data)
{
  Watch *watch = user_data;

  watch->open_work_synced++;
}

static void
watch_clear (Watch *watch)
{
  g_clear_pointer (&watch->tickets, g_hash_table_unref);
  g_clear_pointer (&watch->messages, g_hash_table_unref);
}

static void
assert_subset (GHashTable *expected, GHashTable *actual, const char *what)
{
  GHashTableIter iter;
  gpointer       key;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (actual, key))
      g_error ("%s %" G_GINT64_FORMAT " was not there in time", what, *(gint64 *) key);
}

/* A desk with a long history: every open ticket and every message of one
 * lands before the first solved ticket, then everything else. */
static void
test_open_work_first (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 50);
  g_autoptr (GError) error = NULL;
  g_auto (OpenWork) work = { NULL, NULL };
  Watch   watch = { fixture };
  guint64 expected_done;

  desk_test_server_seed_synthetic (fixture->server, 600, 2400);
  desk_test_server_solve_tickets (fixture->server, 8);
  work = server_open_work (fixture, DESK_ROLE_LEAD);
  g_test_message ("%u open tickets with %u messages", g_hash_table_size (work.tickets),
                  g_hash_table_size (work.messages));
  g_assert_cmpuint (g_hash_table_size (work.tickets), >, 30);
  g_assert_cmpuint (g_hash_table_size (work.messages), >, 100);

  /* The open feeds, then the rest of every feed: each item once. */
  expected_done = all_feeds_length (fixture, DESK_ROLE_LEAD);

  g_signal_connect (sync, "page-applied", G_CALLBACK (watch_page_applied_cb), &watch);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (watch_open_work_synced_cb), &watch);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);

  g_assert_nonnull (watch.tickets);
  assert_subset (work.tickets, watch.tickets, "Open ticket");
  assert_subset (work.messages, watch.messages, "Message of an open ticket");
  g_assert_cmpuint (g_hash_table_size (watch.tickets), ==, g_hash_table_size (work.tickets));
  g_assert_cmpuint (watch.open_work_synced, ==, 1);
  g_assert_true (watch.synced_before_solved);

  g_assert_cmpuint (desk_sync_get_done (sync), ==, expected_done);
  g_assert_cmpfloat (desk_sync_get_progress (sync), ==, 1.0);
  g_test_message ("first estimate %" G_GUINT64_FORMAT ", done %" G_GUINT64_FORMAT,
                  watch.first_estimate, expected_done);
  g_assert_cmpuint (watch.first_estimate, >=, expected_done / 2);
  g_assert_cmpuint (watch.first_estimate, <=, expected_done * 2);

  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
  assert_full_text_consistent (fixture);
  watch_clear (&watch);

  /* The full-text indexes merge their segments again once the load is
   * over (they wait during it). */
  {
    sqlite3 *db = open_cache (fixture, SQLITE_OPEN_READONLY);

    g_assert_cmpint (cache_count (db, "SELECT v FROM messages_fts_config WHERE k = 'automerge'"),
                     ==, 4);
    g_assert_cmpint (cache_count (db, "SELECT v FROM tickets_fts_config WHERE k = 'automerge'"), ==,
                     4);
    sqlite3_close (db);
  }
}

/* An agent's open work is that of the agent's queues, and the cache ends as
 * the agent's view of the server. */
static void
test_open_work_first_agent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_AGENT, 50);
  g_autoptr (GError) error = NULL;
  g_auto (OpenWork) work = { NULL, NULL };
  Watch watch = { fixture };

  desk_test_server_seed_synthetic (fixture->server, 400, 1600);
  desk_test_server_solve_tickets (fixture->server, 5);
  work = server_open_work (fixture, DESK_ROLE_AGENT);

  g_signal_connect (sync, "page-applied", G_CALLBACK (watch_page_applied_cb), &watch);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (watch_open_work_synced_cb), &watch);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);

  g_assert_nonnull (watch.tickets);
  assert_subset (work.tickets, watch.tickets, "Open ticket");
  assert_subset (work.messages, watch.messages, "Message of an open ticket");
  g_assert_cmpuint (g_hash_table_size (watch.tickets), ==, g_hash_table_size (work.tickets));
  g_assert_cmpuint (watch.open_work_synced, ==, 1);
  assert_cache_matches_server (fixture, DESK_ROLE_AGENT);
  watch_clear (&watch);
}

/* Once the whole ticket feed has begun, syncs leave the open feeds alone. */
static void
test_second_sync_skips_open_work (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 100);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_auto (OpenWork) work = { NULL, NULL };
  g_autofree char *open_tickets = NULL;
  g_autofree char *open_messages = NULL;
  g_autofree char *messages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *after = NULL;
  Watch            watch = { fixture };
  GHashTableIter   iter;
  gpointer         key;
  guint            status;

  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  open_tickets = cache_cursor (fixture, "tickets?open=true");
  open_messages = cache_cursor (fixture, "messages?open=true");
  messages = cache_cursor (fixture, "messages");
  g_assert_nonnull (open_tickets);
  g_assert_nonnull (open_messages);

  /* New open work on the server. */
  work = server_open_work (fixture, DESK_ROLE_LEAD);
  g_hash_table_iter_init (&iter, work.tickets);
  g_assert_true (g_hash_table_iter_next (&iter, &key, NULL));
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", *(gint64 *) key);
  reply = desk_test_request_json (fixture->server, "POST", path,
                                  desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD),
                                  "{\"body\":\"On it\",\"visibility\":\"public\"}", &status);
  g_assert_cmpuint (status, ==, 201);

  g_signal_connect (sync, "page-applied", G_CALLBACK (watch_page_applied_cb), &watch);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (watch_open_work_synced_cb), &watch);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);

  /* The reply and its ticket (a new message count), nothing more. */
  g_assert_cmpuint (watch.open_work_synced, ==, 0);
  g_assert_cmpuint (desk_sync_get_done (sync), ==, 2);
  after = cache_cursor (fixture, "tickets?open=true");
  g_assert_cmpstr (after, ==, open_tickets);
  g_clear_pointer (&after, g_free);
  after = cache_cursor (fixture, "messages?open=true");
  g_assert_cmpstr (after, ==, open_messages);
  g_clear_pointer (&after, g_free);
  after = cache_cursor (fixture, "messages");
  g_assert_cmpstr (after, !=, messages);
  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
  watch_clear (&watch);
}

/* A server from before `?open=true` answers the open feeds with everything:
 * the sync notices and walks each feed once. */
static void
test_server_without_open_filter (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 50);
  g_autoptr (GError) error = NULL;
  Watch   watch = { fixture };
  guint64 expected_done;

  desk_test_server_ignore_open_filter (fixture->server, TRUE);
  expected_done = all_feeds_length (fixture, DESK_ROLE_LEAD);

  g_signal_connect (sync, "page-applied", G_CALLBACK (watch_page_applied_cb), &watch);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (watch_open_work_synced_cb), &watch);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (watch.open_work_synced, ==, 0);
  g_assert_cmpuint (desk_sync_get_done (sync), ==, expected_done);
  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
  watch_clear (&watch);
}

/* Changes while a first sync runs */

typedef struct
{
  GArray     *open;   /* ids of open tickets with messages, by seq */
  GArray     *solved; /* the same of solved and closed ones */
  GHashTable *message_counts;
} Tickets;

static void
collect_ticket_cb (JsonObject *item, gpointer user_data)
{
  Tickets    *tickets = user_data;
  const char *status = json_object_get_string_member_with_default (item, "status", "");
  gint64      id = json_object_get_int_member (item, "id");
  gint64      message_count = json_object_get_int_member_with_default (item, "message_count", 0);

  if (json_object_get_boolean_member_with_default (item, "deleted", FALSE) || message_count == 0)
    return;

  if (g_str_equal (status, "new") || g_str_equal (status, "open") ||
      g_str_equal (status, "pending"))
    g_array_append_val (tickets->open, id);
  else
    g_array_append_val (tickets->solved, id);
  g_hash_table_insert (tickets->message_counts, g_memdup2 (&id, sizeof id),
                       GINT_TO_POINTER ((int) message_count));
}

static void
set_ticket_status (Fixture *fixture, gint64 id, const char *status)
{
  const char      *token = desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, id);
  g_autofree char *version = NULL;
  g_autofree char *body = g_strdup_printf ("{\"status\":\"%s\"}", status);
  g_autoptr (JsonNode) ticket = NULL;
  g_autoptr (JsonNode) updated = NULL;
  guint code;

  ticket = desk_test_request_json (fixture->server, "GET", path, token, NULL, &code);
  g_assert_cmpuint (code, ==, 200);
  version = g_strdup_printf ("%" G_GINT64_FORMAT,
                             json_object_get_int_member (json_node_get_object (ticket), "version"));
  updated = desk_test_request_json_full (fixture->server, "PATCH", path, token,
                                         (const char *const[]){ "If-Match", version, NULL }, body,
                                         &code, NULL);
  g_assert_cmpuint (code, ==, 200);
}

static void
post_reply (Fixture *fixture, gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", id);
  g_autoptr (JsonNode) reply = NULL;
  guint code;

  reply = desk_test_request_json (
      fixture->server, "POST", path, desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD),
      "{\"body\":\"Still looking into it\",\"visibility\":\"public\"}", &code);
  g_assert_cmpuint (code, ==, 201);
}

typedef struct
{
  Fixture *fixture;
  gint64   reopened;     /* solved, then open work from the first open message page on */
  gint64   solved_early; /* open work until the first open message page */
  gint64   solved_late;  /* open work until the open work is in */
  gint64   replied;      /* open work, with a new message once the open work is in */
  gboolean open_work_synced;
  guint    open_message_pages;
} Changes;

static void
change_on_page_cb (DeskSync *sync, guint collection, guint n_items, gpointer user_data)
{
  Changes *changes = user_data;

  if (collection != DESK_STORE_COLLECTION_MESSAGES || changes->open_work_synced ||
      changes->open_message_pages++ > 0)
    return;

  /* The open message feed has read its first pages: a ticket it passed
   * over as solved comes back, one whose messages it has been bringing
   * leaves the open work. */
  set_ticket_status (changes->fixture, changes->reopened, "open");
  set_ticket_status (changes->fixture, changes->solved_early, "solved");
}

static void
change_on_open_work_cb (DeskSync *sync, gpointer user_data)
{
  Changes *changes = user_data;

  /* Before the whole feeds: what the open feeds brought changes. */
  changes->open_work_synced = TRUE;
  set_ticket_status (changes->fixture, changes->solved_late, "solved");
  post_reply (changes->fixture, changes->replied);
}

/* The whole feeds leave out what the open feeds brought (`skip_open`), but
 * not what changed since: a ticket solved or reopened between the passes,
 * or a new message, still arrives, and each item comes once otherwise. */
static void
test_open_work_changes_mid_sync (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 50);
  g_autoptr (GError) error = NULL;
  Tickets tickets = { g_array_new (FALSE, FALSE, sizeof (gint64)),
                      g_array_new (FALSE, FALSE, sizeof (gint64)),
                      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL) };
  Changes changes = { fixture };
  gint64  changed[4];
  guint64 slack = 0;
  guint64 expected_done;

  desk_test_server_seed_synthetic (fixture->server, 600, 2400);
  desk_test_server_solve_tickets (fixture->server, 8);
  walk_feed (fixture, "/api/v1/tickets", DESK_ROLE_LEAD, collect_ticket_cb, &tickets);
  g_assert_cmpuint (tickets.open->len, >=, 3);
  g_assert_cmpuint (tickets.solved->len, >=, 1);

  changes.reopened = g_array_index (tickets.solved, gint64, 0);
  changes.solved_early = g_array_index (tickets.open, gint64, 0);
  changes.solved_late = g_array_index (tickets.open, gint64, tickets.open->len / 2);
  changes.replied = g_array_index (tickets.open, gint64, tickets.open->len - 1);

  g_signal_connect (sync, "page-applied", G_CALLBACK (change_on_page_cb), &changes);
  g_signal_connect (sync, "open-work-synced", G_CALLBACK (change_on_open_work_cb), &changes);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  g_assert_true (changes.open_work_synced);
  g_assert_cmpuint (changes.open_message_pages, >, 1);

  assert_cache_matches_server (fixture, DESK_ROLE_LEAD);
  assert_full_text_consistent (fixture);
  g_assert_cmpfloat (desk_sync_get_progress (sync), ==, 1.0);

  /* Each item once, but for the changed tickets and their messages, which
   * may come in both passes. */
  changed[0] = changes.reopened;
  changed[1] = changes.solved_early;
  changed[2] = changes.solved_late;
  changed[3] = changes.replied;
  for (guint i = 0; i < G_N_ELEMENTS (changed); i++)
    slack += 2 + GPOINTER_TO_INT (g_hash_table_lookup (tickets.message_counts, &changed[i]));
  expected_done = all_feeds_length (fixture, DESK_ROLE_LEAD);
  g_test_message ("done %" G_GUINT64_FORMAT ", feeds %" G_GUINT64_FORMAT
                  ", slack %" G_GUINT64_FORMAT,
                  desk_sync_get_done (sync), expected_done, slack);
  g_assert_cmpuint (desk_sync_get_done (sync), >=, expected_done);
  g_assert_cmpuint (desk_sync_get_done (sync), <=, expected_done + slack);

  /* The next sync has nothing to bring. */
  g_signal_handlers_disconnect_by_data (sync, &changes);
  g_assert_true (run_sync (sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (desk_sync_get_done (sync), ==, 0);

  g_array_unref (tickets.open);
  g_array_unref (tickets.solved);
  g_hash_table_unref (tickets.message_counts);
}

/* The ticket and message feeds as the sync reads them (desk-page-reader.c)
 * are the feeds as json-glib and the codec read them, page after page of the
 * demo desk and of a synthetic one. */
static void
assert_feed_read_as_codec (Fixture    *fixture,
                           const char *feed,
                           DeskPage *(*read) (const char *, gsize),
                           DeskRecordDecodeFunc decode,
                           GDestroyNotify       free_record,
                           void (*to_json) (gconstpointer, JsonBuilder *))
{
  const char      *token = desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD);
  g_autofree char *cursor = NULL;
  gboolean         more = TRUE;
  guint            read_pages = 0;
  guint            pages = 0;

  while (more)
    {
      g_autofree char *path = cursor ? g_strdup_printf ("%s?limit=200&since=%s", feed, cursor)
                                     : g_strdup_printf ("%s?limit=200", feed);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (DeskPage) fast = NULL;
      g_autoptr (DeskPage) slow = NULL;
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GError) error = NULL;
      const char *text;
      gsize       length;
      guint       status;

      bytes = desk_test_request (fixture->server, "GET", path, token, NULL, NULL, 0, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      text = g_bytes_get_data (bytes, &length);
      node = desk_json_parse (text, length, &error);
      g_assert_no_error (error);
      slow = desk_page_from_json (node, decode, free_record, &error);
      g_assert_no_error (error);
      pages++;

      fast = read (text, length);
      if (fast != NULL)
        {
          read_pages++;
          g_assert_cmpstr (fast->next, ==, slow->next);
          g_assert_cmpint (fast->more, ==, slow->more);
          g_assert_cmpint (fast->remaining, ==, slow->remaining);
          g_assert_cmpuint (fast->items->len, ==, slow->items->len);
          for (guint i = 0; i < fast->items->len; i++)
            {
              g_autoptr (JsonBuilder) a = json_builder_new ();
              g_autoptr (JsonBuilder) b = json_builder_new ();
              g_autofree char *fast_text = NULL;
              g_autofree char *slow_text = NULL;

              to_json (g_ptr_array_index (fast->items, i), a);
              to_json (g_ptr_array_index (slow->items, i), b);
              fast_text = desk_json_builder_to_string (a, NULL);
              slow_text = desk_json_builder_to_string (b, NULL);
              g_assert_cmpstr (fast_text, ==, slow_text);
            }
        }

      g_free (cursor);
      cursor = g_strdup (slow->next);
      more = slow->more;
    }

  g_test_message ("%s: %u of %u pages read without json-glib", feed, read_pages, pages);
  g_assert_cmpuint (read_pages * 2, >, pages);
}

static void
test_pages_read_as_codec (Fixture *fixture, gconstpointer data)
{
  desk_test_server_seed_synthetic (fixture->server, 300, 1500);
  desk_test_server_solve_tickets (fixture->server, 3);
  assert_feed_read_as_codec (fixture, "/api/v1/tickets", _desk_ticket_page_read,
                             (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                             (GDestroyNotify) desk_ticket_record_free,
                             (gpointer) desk_ticket_record_to_json);
  assert_feed_read_as_codec (fixture, "/api/v1/messages", _desk_message_page_read,
                             (DeskRecordDecodeFunc) desk_message_record_from_json,
                             (GDestroyNotify) desk_message_record_free,
                             (gpointer) desk_message_record_to_json);
}

int
main (int argc, char *argv[])
{
  if (argc == 5 && g_str_equal (argv[1], "--sync-child"))
    return sync_child (argv[2], argv[3], argv[4]);

  test_program = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Desk/Sync/first-and-incremental", Fixture, NULL, fixture_setup,
              test_first_and_incremental, fixture_teardown);
  g_test_add ("/Desk/Sync/agent-sees-own-queues", Fixture, NULL, fixture_setup,
              test_agent_sees_own_queues, fixture_teardown);
  g_test_add ("/Desk/Sync/killed-at-random", Fixture, NULL, fixture_setup, test_killed_at_random,
              fixture_teardown);
  g_test_add ("/Desk/Sync/server-down-mid-sync", Fixture, NULL, fixture_setup,
              test_server_down_mid_sync, fixture_teardown);
  g_test_add ("/Desk/Sync/open-work-first", Fixture, NULL, fixture_setup, test_open_work_first,
              fixture_teardown);
  g_test_add ("/Desk/Sync/open-work-first-agent", Fixture, NULL, fixture_setup,
              test_open_work_first_agent, fixture_teardown);
  g_test_add ("/Desk/Sync/second-sync-skips-open-work", Fixture, NULL, fixture_setup,
              test_second_sync_skips_open_work, fixture_teardown);
  g_test_add ("/Desk/Sync/server-without-open-filter", Fixture, NULL, fixture_setup,
              test_server_without_open_filter, fixture_teardown);
  g_test_add ("/Desk/Sync/open-work-changes-mid-sync", Fixture, NULL, fixture_setup,
              test_open_work_changes_mid_sync, fixture_teardown);
  g_test_add ("/Desk/Sync/pages-read-as-codec", Fixture, NULL, fixture_setup,
              test_pages_read_as_codec, fixture_teardown);

  return g_test_run ();
}
