/* test-outbox.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-outbox"

#include "config.h"

#include <glib/gstdio.h>

#include "desk-outbox.h"
#include "desk-test-server.h"

/* Nothing an agent sends is lost or sent twice, whatever the network does. */

typedef struct
{
  DeskTestServer *server;
  char           *cache_dir;
  DeskStore      *store;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = desk_test_server_new ();
  fixture->cache_dir = g_dir_make_tmp ("desk-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->cache_dir, "cache.db", NULL);
  fixture->store = desk_store_new (path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  static const char *files[] = { "cache.db", "cache.db-wal", "cache.db-shm" };

  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixture->cache_dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->cache_dir);
  g_clear_pointer (&fixture->cache_dir, g_free);
  g_clear_pointer (&fixture->server, desk_test_server_stop);
}

static DeskOutbox *
new_outbox (Fixture *fixture, DeskRole role)
{
  g_autoptr (DeskClient) client =
      desk_client_new (desk_test_server_get_base_url (fixture->server),
                       desk_test_server_get_token (fixture->server, role));

  desk_client_set_max_retries (client, 2);
  return desk_outbox_new (client, fixture->store);
}

typedef struct
{
  GMainLoop *loop;
  guint      sent;
  guint      failed;
  guint      wanted;
} Counter;

static void
item_changed_cb (DeskOutbox *outbox, gint64 id, const char *state, gpointer user_data)
{
  Counter *counter = user_data;

  counter->sent += g_str_equal (state, "sent");
  counter->failed += g_str_equal (state, "failed");
  if (counter->sent + counter->failed >= counter->wanted)
    g_main_loop_quit (counter->loop);
}

static gboolean
give_up_cb (gpointer user_data)
{
  g_error ("The outbox did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
wait_for (DeskOutbox *outbox, Counter *counter, guint wanted)
{
  gulong handler;
  guint  timeout;

  counter->wanted = wanted;
  if (counter->sent + counter->failed >= wanted)
    return;

  counter->loop = g_main_loop_new (NULL, FALSE);
  handler = g_signal_connect (outbox, "item-changed", G_CALLBACK (item_changed_cb), counter);
  timeout = g_timeout_add_seconds (30, give_up_cb, NULL);
  g_main_loop_run (counter->loop);
  g_source_remove (timeout);
  g_signal_handler_disconnect (outbox, handler);
  g_clear_pointer (&counter->loop, g_main_loop_unref);
}

/* How many messages of @ticket_id have exactly @body, on the server. */
static guint
count_on_server (Fixture *fixture, gint64 ticket_id, const char *body)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autoptr (JsonNode) node = NULL;
  JsonArray *items;
  guint      status;
  guint      count = 0;

  node = desk_test_request_json (fixture->server, "GET", path,
                                 desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD), NULL,
                                 &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    count +=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "body"),
                   body) == 0;

  return count;
}

static void
test_queued_while_offline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_LEAD);
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };

  desk_test_server_set_online (fixture->server, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("Offline reply %u", i);

      g_assert_cmpint (desk_outbox_send_message (outbox, 2, body, DESK_VISIBILITY_PUBLIC, &error),
                       >, 0);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (desk_outbox_get_pending (outbox), ==, 3);

  /* Let the first attempts fail against the dead server. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_usleep (200 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (desk_outbox_get_pending (outbox), ==, 3);

  desk_test_server_set_online (fixture->server, TRUE);
  wait_for (outbox, &counter, 3);
  g_assert_cmpuint (counter.sent, ==, 3);
  g_assert_cmpuint (desk_outbox_get_pending (outbox), ==, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("Offline reply %u", i);
      g_assert_cmpuint (count_on_server (fixture, 2, body), ==, 1);
    }
}

static void
test_lost_response (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_LEAD);
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };

  /* The server stores the reply, but its answer never arrives. */
  desk_test_server_drop_responses (fixture->server, 1);
  desk_outbox_send_message (outbox, 3, "Sent once, answered twice", DESK_VISIBILITY_PUBLIC, &error);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 1);

  g_assert_cmpuint (counter.sent, ==, 1);
  g_assert_cmpuint (count_on_server (fixture, 3, "Sent once, answered twice"), ==, 1);
}

static void
test_survives_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };

  desk_test_server_set_online (fixture->server, FALSE);
  {
    g_autoptr (DeskOutbox) before = new_outbox (fixture, DESK_ROLE_LEAD);

    desk_outbox_send_message (before, 4, "Typed before the crash", DESK_VISIBILITY_INTERNAL,
                              &error);
    g_assert_no_error (error);
  }
  desk_test_server_set_online (fixture->server, TRUE);

  /* A new process finds the reply in the cache and sends it. */
  {
    g_autoptr (DeskOutbox) after = new_outbox (fixture, DESK_ROLE_LEAD);

    g_assert_cmpuint (desk_outbox_get_pending (after), ==, 1);
    desk_outbox_flush (after);
    wait_for (after, &counter, 1);
  }
  g_assert_cmpuint (counter.sent, ==, 1);
  g_assert_cmpuint (count_on_server (fixture, 4, "Typed before the crash"), ==, 1);
}

static void
test_refused_with_reason (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_TRAINEE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonObject) changes = json_object_new ();
  Counter         counter = { 0 };
  DeskOutboxItem *item;
  gint64          id;

  id = desk_outbox_send_message (outbox, 2, "A trainee's public reply", DESK_VISIBILITY_PUBLIC,
                                 &error);
  wait_for (outbox, &counter, 1);
  g_assert_cmpuint (counter.failed, ==, 1);

  items = desk_store_outbox_list (fixture->store, FALSE, 0);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->id, ==, id);
  g_assert_cmpstr (item->state, ==, "failed");
  g_assert_nonnull (strstr (item->error, "Trainees"));
  g_assert_cmpuint (count_on_server (fixture, 2, "A trainee's public reply"), ==, 0);

  /* A stale version is refused too, and said so. */
  json_object_set_array_member (changes, "tags", json_array_new ());
  desk_outbox_update_ticket (outbox, 2, 1000, changes, &error);
  wait_for (outbox, &counter, 2);
  g_assert_cmpuint (counter.failed, ==, 2);
}

static void
test_drafts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *gone = NULL;
  DeskVisibility   visibility = DESK_VISIBILITY_PUBLIC;

  g_assert_true (desk_store_save_draft (fixture->store, 9, "Half a reply <b>",
                                        DESK_VISIBILITY_INTERNAL, &error));
  draft = desk_store_dup_draft (fixture->store, 9, &visibility);
  g_assert_cmpstr (draft, ==, "Half a reply <b>");
  g_assert_cmpint (visibility, ==, DESK_VISIBILITY_INTERNAL);

  g_assert_true (desk_store_save_draft (fixture->store, 9, "", DESK_VISIBILITY_PUBLIC, &error));
  gone = desk_store_dup_draft (fixture->store, 9, NULL);
  g_assert_null (gone);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Desk/Outbox/queued-while-offline", Fixture, NULL, fixture_setup,
              test_queued_while_offline, fixture_teardown);
  g_test_add ("/Desk/Outbox/lost-response", Fixture, NULL, fixture_setup, test_lost_response,
              fixture_teardown);
  g_test_add ("/Desk/Outbox/survives-restart", Fixture, NULL, fixture_setup, test_survives_restart,
              fixture_teardown);
  g_test_add ("/Desk/Outbox/refused-with-reason", Fixture, NULL, fixture_setup,
              test_refused_with_reason, fixture_teardown);
  g_test_add ("/Desk/Outbox/drafts", Fixture, NULL, fixture_setup, test_drafts, fixture_teardown);

  return g_test_run ();
}
