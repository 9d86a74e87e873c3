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

      /* Now and then start over from an empty cache, so that kills also
       * land in first syncs, not only in short catch-ups. */
      if (round % 7 == 6)
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
}

static void
page_applied_cb (DeskSync *sync, guint collection, guint n_items, gpointer user_data)
{
  Fixture *fixture = user_data;

  /* After the second page, the server goes away. */
  if (desk_sync_get_done (sync) == 100)
    desk_test_server_set_online (fixture->server, FALSE);
}

static void
test_server_down_mid_sync (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskSync) sync = new_sync (fixture, DESK_ROLE_LEAD, 50);
  g_autoptr (GError) error = NULL;
  gulong handler;

  handler = g_signal_connect (sync, "page-applied", G_CALLBACK (page_applied_cb), fixture);
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

  return g_test_run ();
}
