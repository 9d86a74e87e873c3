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

/* @max_retries: how often the client repeats a request itself before the
 * outbox keeps the item for later. */
static DeskOutbox *
new_outbox_full (Fixture *fixture, DeskRole role, guint max_retries)
{
  g_autoptr (DeskClient) client =
      desk_client_new (desk_test_server_get_base_url (fixture->server),
                       desk_test_server_get_token (fixture->server, role));

  desk_client_set_max_retries (client, max_retries);
  return desk_outbox_new (client, fixture->store);
}

static DeskOutbox *
new_outbox (Fixture *fixture, DeskRole role)
{
  return new_outbox_full (fixture, role, 2);
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

static gboolean
outbox_state (Fixture *fixture, gint64 id, const char *state)
{
  g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (fixture->store, id);

  return item != NULL && g_str_equal (item->state, state);
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* A change waits for its author: sent when they sign in again, never under
 * the name of someone else who signs in here, who sees why and may send it
 * as theirs. */
static void
test_written_by_someone_else (Fixture *fixture, gconstpointer data)
{
  gint64 agent = desk_test_server_get_user_id (fixture->server, DESK_ROLE_AGENT);
  gint64 lead = desk_test_server_get_user_id (fixture->server, DESK_ROLE_LEAD);
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };
  gint64  mine;
  gint64  left;

  desk_test_server_set_online (fixture->server, FALSE);
  {
    g_autoptr (DeskOutbox) before = new_outbox_full (fixture, DESK_ROLE_AGENT, 0);

    desk_outbox_set_user (before, agent);
    mine = desk_outbox_send_message (before, 4, "The agent's own note", DESK_VISIBILITY_INTERNAL,
                                     &error);
    g_assert_no_error (error);
    left = desk_outbox_send_message (before, 4, "Left behind by the agent",
                                     DESK_VISIBILITY_INTERNAL, &error);
    g_assert_no_error (error);
    /* Its try is over: nothing of this process is on its way when the
     * server comes back. */
    while (outbox_state (fixture, mine, "sending"))
      g_main_context_iteration (NULL, TRUE);
  }
  desk_test_server_set_online (fixture->server, TRUE);

  /* The agent again: nothing goes until it is known who signed in, then
   * their note does. */
  {
    g_autoptr (DeskOutbox) again = new_outbox (fixture, DESK_ROLE_AGENT);
    g_autoptr (DeskOutboxItem) item = NULL;

    desk_outbox_flush (again);
    run_for (300);
    g_assert_cmpuint (count_on_server (fixture, 4, "The agent's own note"), ==, 0);

    /* Only the first: the second stays for the next test of who is who. */
    desk_store_outbox_update (fixture->store, left, "queued", 0, NULL, G_MAXINT64, NULL);
    desk_outbox_set_user (again, agent);
    wait_for (again, &counter, 1);
    g_assert_cmpuint (counter.sent, ==, 1);
    g_assert_cmpuint (count_on_server (fixture, 4, "The agent's own note"), ==, 1);
    item = desk_store_outbox_get (fixture->store, mine);
    g_assert_cmpstr (item->state, ==, "sent");
  }
  desk_store_outbox_update (fixture->store, left, "queued", 0, NULL, 0, NULL);

  /* The lead signs in here: the agent's note is not sent as theirs. */
  {
    g_autoptr (DeskOutbox) lead_outbox = new_outbox (fixture, DESK_ROLE_LEAD);
    g_autoptr (DeskOutboxItem) item = NULL;
    g_autoptr (JsonNode) thread = NULL;
    g_autofree char *path = g_strdup ("/api/v1/tickets/4/messages");
    JsonArray       *messages;
    guint            status;

    counter = (Counter){ 0 };
    desk_outbox_set_user (lead_outbox, lead);
    item = desk_store_outbox_get (fixture->store, left);
    g_assert_cmpstr (item->state, ==, "failed");
    g_assert_nonnull (strstr (item->error, "someone else"));
    run_for (300);
    g_assert_cmpuint (count_on_server (fixture, 4, "Left behind by the agent"), ==, 0);

    /* Retry: the lead chose to send it, as theirs. */
    g_assert_true (desk_outbox_retry (lead_outbox, left));
    wait_for (lead_outbox, &counter, 1);
    g_assert_cmpuint (counter.sent, ==, 1);
    g_assert_cmpuint (count_on_server (fixture, 4, "Left behind by the agent"), ==, 1);

    thread = desk_test_request_json (fixture->server, "GET", path,
                                     desk_test_server_get_token (fixture->server, DESK_ROLE_LEAD),
                                     NULL, &status);
    messages = json_object_get_array_member (json_node_get_object (thread), "items");
    for (guint i = 0; i < json_array_get_length (messages); i++)
      {
        JsonObject *message = json_array_get_object_element (messages, i);

        if (g_strcmp0 (json_object_get_string_member (message, "body"),
                       "Left behind by the agent") == 0)
          g_assert_cmpint (
              json_object_get_int_member (json_object_get_object_member (message, "author"), "id"),
              ==, lead);
      }
  }
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

/* Canned replies */

/* The client quits and starts again: a new store on the same cache file. */
static void
restart_client (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup (desk_store_get_path (fixture->store));

  g_clear_object (&fixture->store);
  fixture->store = desk_store_new (path, &error);
  g_assert_no_error (error);
}

/* Runs the loop until outbox item @id has been tried and kept for later. */
static void
wait_for_attempt (Fixture *fixture, gint64 id)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (fixture->store, id);

      g_assert_nonnull (item);
      if (item->attempts > 0)
        {
          g_assert_cmpstr (item->state, ==, "queued");
          return;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The replies @role sees on the server, not deleted, with @title (or all). */
static GPtrArray *
canned_on_server (Fixture *fixture, DeskRole role, const char *title)
{
  g_autoptr (GPtrArray) found =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autofree char *next = NULL;
  gboolean         more = TRUE;

  while (more)
    {
      g_autofree char *escaped = next ? g_uri_escape_string (next, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/canned-replies?limit=500%s%s",
                                               escaped ? "&since=" : "", escaped ? escaped : "");
      g_autoptr (JsonNode) node = NULL;
      JsonObject *page;
      JsonArray  *items;
      guint       status;

      node = desk_test_request_json (fixture->server, "GET", path,
                                     desk_test_server_get_token (fixture->server, role), NULL,
                                     &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (node);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (DeskCannedRecord) canned =
              desk_canned_record_from_json (json_array_get_element (items, i), "items", &error);

          g_assert_no_error (error);
          if (!canned->deleted && (title == NULL || g_strcmp0 (canned->title, title) == 0))
            g_ptr_array_add (found, g_steal_pointer (&canned));
        }
      g_free (next);
      next = g_strdup (json_object_get_string_member (page, "next"));
      more = json_object_get_boolean_member (page, "more") && json_array_get_length (items) > 0;
    }

  return g_steal_pointer (&found);
}

static DeskCannedRecord *
canned_fields (const char *title, const char *shortcut, const char *body)
{
  DeskCannedRecord *fields = g_new0 (DeskCannedRecord, 1);

  fields->title = g_strdup (title);
  fields->shortcut = g_strdup (shortcut);
  fields->body = g_strdup (body);
  return fields;
}

/* A shared reply of the demo data, copied into the cache as sync would. */
static DeskCannedRecord *
cache_shared_reply (Fixture *fixture)
{
  g_autoptr (GPtrArray) all = canned_on_server (fixture, DESK_ROLE_AGENT, NULL);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < all->len; i++)
    {
      DeskCannedRecord *canned = g_ptr_array_index (all, i);

      if (canned->owner_id == 0)
        {
          g_ptr_array_add (page, g_ptr_array_steal_index (all, i));
          break;
        }
    }
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_true (
      desk_store_apply_page (fixture->store, DESK_STORE_COLLECTION_CANNED, page, NULL, &error));
  g_assert_no_error (error);

  return desk_store_load_canned (fixture->store,
                                 ((DeskCannedRecord *) g_ptr_array_index (page, 0))->id);
}

static void
canned_changed_cb (DeskStore *store, GArray *ids, gpointer user_data)
{
  guint *count = user_data;

  *count += 1;
}

static void
test_canned_personal (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_AGENT);
  g_autoptr (DeskCannedRecord) fields =
      canned_fields ("Refund steps", "refund-steps", "Hi {{customer.first_name}}, here is how.");
  g_autoptr (DeskCannedRecord) edit = g_new0 (DeskCannedRecord, 1);
  g_autoptr (DeskCannedRecord) cached = NULL;
  g_autoptr (DeskCannedRecord) edited = NULL;
  g_autoptr (DeskCannedRecord) gone = NULL;
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  DeskCannedRecord *server_reply;
  Counter           counter = { 0 };
  guint             changes = 0;
  gint64            canned_id;

  g_signal_connect (fixture->store, "canned-changed", G_CALLBACK (canned_changed_cb), &changes);
  fields->category = g_strdup ("Payments");
  fields->locale = g_strdup ("en");
  g_assert_cmpint (desk_outbox_create_canned (outbox, fields, FALSE, &error), >, 0);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 1);
  g_assert_cmpuint (counter.sent, ==, 1);

  /* On the server once, the agent's own; in the cache at once, the same. */
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Refund steps");
  g_assert_cmpuint (on_server->len, ==, 1);
  server_reply = g_ptr_array_index (on_server, 0);
  g_assert_cmpint (server_reply->owner_id, ==,
                   desk_test_server_get_user_id (fixture->server, DESK_ROLE_AGENT));
  g_assert_cmpstr (server_reply->category, ==, "Payments");
  canned_id = server_reply->id;
  cached = desk_store_load_canned (fixture->store, canned_id);
  g_assert_nonnull (cached);
  g_assert_cmpstr (cached->body, ==, "Hi {{customer.first_name}}, here is how.");
  g_assert_cmpint (cached->owner_id, ==, server_reply->owner_id);
  found = desk_store_find_canned_by_shortcut (fixture->store, "refund-st", 5);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (changes, ==, 1);

  /* An edit changes what it names and leaves the rest. */
  edit->title = g_strdup ("Refund, step by step");
  g_assert_cmpint (desk_outbox_update_canned (outbox, canned_id, edit, &error), >, 0);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 2);
  g_assert_cmpuint (counter.sent, ==, 2);
  edited = desk_store_load_canned (fixture->store, canned_id);
  g_assert_cmpstr (edited->title, ==, "Refund, step by step");
  g_assert_cmpstr (edited->body, ==, "Hi {{customer.first_name}}, here is how.");
  g_assert_cmpstr (edited->shortcut, ==, "refund-steps");
  g_clear_pointer (&on_server, g_ptr_array_unref);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Refund, step by step");
  g_assert_cmpuint (on_server->len, ==, 1);
  g_assert_cmpuint (changes, ==, 2);

  g_assert_cmpint (desk_outbox_delete_canned (outbox, canned_id, &error), >, 0);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 3);
  g_assert_cmpuint (counter.sent, ==, 3);
  g_assert_cmpuint (counter.failed, ==, 0);
  gone = desk_store_load_canned (fixture->store, canned_id);
  g_assert_null (gone);
  g_clear_pointer (&on_server, g_ptr_array_unref);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Refund, step by step");
  g_assert_cmpuint (on_server->len, ==, 0);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpuint (desk_outbox_get_pending (outbox), ==, 0);
}

/* Made offline, kept across a restart, sent once the server is back. */
static void
test_canned_offline_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskCannedRecord) fields =
      canned_fields ("Typed on a train", "train", "Back online soon, {{customer.name}}.");
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (DeskCannedRecord) cached = NULL;
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };
  gint64  id;

  desk_test_server_set_online (fixture->server, FALSE);
  {
    g_autoptr (DeskOutbox) before = new_outbox_full (fixture, DESK_ROLE_AGENT, 0);

    id = desk_outbox_create_canned (before, fields, FALSE, &error);
    g_assert_no_error (error);
    wait_for_attempt (fixture, id);
    g_assert_cmpuint (desk_outbox_get_pending (before), ==, 1);
  }
  restart_client (fixture);
  desk_test_server_set_online (fixture->server, TRUE);

  {
    g_autoptr (DeskOutbox) after = new_outbox (fixture, DESK_ROLE_AGENT);

    g_assert_cmpuint (desk_outbox_get_pending (after), ==, 1);
    desk_outbox_flush (after);
    wait_for (after, &counter, 1);
    g_assert_cmpuint (counter.sent, ==, 1);
  }

  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Typed on a train");
  g_assert_cmpuint (on_server->len, ==, 1);
  cached = desk_store_load_canned (fixture->store, ((DeskCannedRecord *) on_server->pdata[0])->id);
  g_assert_nonnull (cached);
  g_assert_cmpstr (cached->title, ==, "Typed on a train");
}

/* The server made the reply but its answer was lost, and the client quit
 * before trying again: the retry after the restart finds the first reply. */
static void
test_canned_lost_response_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskCannedRecord) fields =
      canned_fields ("Answered into the void", "void", "Made once.");
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (DeskCannedRecord) cached = NULL;
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };
  gint64  id;

  desk_test_server_drop_responses (fixture->server, 1);
  {
    g_autoptr (DeskOutbox) before = new_outbox_full (fixture, DESK_ROLE_AGENT, 0);

    id = desk_outbox_create_canned (before, fields, FALSE, &error);
    g_assert_no_error (error);
    wait_for_attempt (fixture, id);
  }
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Answered into the void");
  g_assert_cmpuint (on_server->len, ==, 1);
  g_clear_pointer (&on_server, g_ptr_array_unref);

  restart_client (fixture);
  {
    g_autoptr (DeskOutbox) after = new_outbox (fixture, DESK_ROLE_AGENT);

    desk_outbox_flush (after);
    wait_for (after, &counter, 1);
    g_assert_cmpuint (counter.sent, ==, 1);
  }

  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Answered into the void");
  g_assert_cmpuint (on_server->len, ==, 1);
  cached = desk_store_load_canned (fixture->store, ((DeskCannedRecord *) on_server->pdata[0])->id);
  g_assert_nonnull (cached);
}

/* A lost answer to a DELETE: the retry finds the reply gone, which is done. */
static void
test_canned_delete_lost_response (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_AGENT);
  g_autoptr (DeskCannedRecord) fields = canned_fields ("Short-lived", "brief", "Soon gone.");
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (DeskCannedRecord) gone = NULL;
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };
  gint64  canned_id;

  desk_outbox_create_canned (outbox, fields, FALSE, &error);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 1);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Short-lived");
  g_assert_cmpuint (on_server->len, ==, 1);
  canned_id = ((DeskCannedRecord *) on_server->pdata[0])->id;
  g_clear_pointer (&on_server, g_ptr_array_unref);

  desk_test_server_drop_responses (fixture->server, 1);
  desk_outbox_delete_canned (outbox, canned_id, &error);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 2);
  g_assert_cmpuint (counter.sent, ==, 2);
  g_assert_cmpuint (counter.failed, ==, 0);

  gone = desk_store_load_canned (fixture->store, canned_id);
  g_assert_null (gone);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Short-lived");
  g_assert_cmpuint (on_server->len, ==, 0);
}

static DeskOutboxItem *
get_item (Fixture *fixture, gint64 id)
{
  DeskOutboxItem *item = desk_store_outbox_get (fixture->store, id);

  g_assert_nonnull (item);
  return item;
}

/* An agent may not edit a shared reply: the server says so, the item ends
 * failed with its reason, and the cache keeps the reply as it was. */
static void
test_canned_shared_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_AGENT);
  g_autoptr (DeskCannedRecord) shared = cache_shared_reply (fixture);
  g_autoptr (DeskCannedRecord) edit = canned_fields ("Agent was here", NULL, NULL);
  g_autoptr (DeskCannedRecord) empty = canned_fields ("", NULL, "No title");
  g_autoptr (DeskCannedRecord) after = NULL;
  g_autoptr (DeskOutboxItem) edited = NULL;
  g_autoptr (DeskOutboxItem) deleted = NULL;
  g_autoptr (DeskOutboxItem) missing = NULL;
  g_autoptr (DeskOutboxItem) untitled = NULL;
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };
  gint64  ids[4];

  ids[0] = desk_outbox_update_canned (outbox, shared->id, edit, &error);
  ids[1] = desk_outbox_delete_canned (outbox, shared->id, &error);
  ids[2] = desk_outbox_update_canned (outbox, 999999, edit, &error);
  ids[3] = desk_outbox_create_canned (outbox, empty, FALSE, &error);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 4);
  g_assert_cmpuint (counter.failed, ==, 4);

  edited = get_item (fixture, ids[0]);
  g_assert_cmpstr (edited->state, ==, "failed");
  g_assert_nonnull (strstr (edited->error, "Only team leads edit the shared canned replies"));
  g_assert_nonnull (strstr (edited->error, "403"));
  deleted = get_item (fixture, ids[1]);
  g_assert_cmpstr (deleted->state, ==, "failed");
  g_assert_nonnull (strstr (deleted->error, "403"));
  missing = get_item (fixture, ids[2]);
  g_assert_cmpstr (missing->state, ==, "failed");
  g_assert_nonnull (strstr (missing->error, "No such canned reply"));
  untitled = get_item (fixture, ids[3]);
  g_assert_cmpstr (untitled->state, ==, "failed");
  g_assert_nonnull (strstr (untitled->error, "title"));

  after = desk_store_load_canned (fixture->store, shared->id);
  g_assert_nonnull (after);
  g_assert_cmpstr (after->title, ==, shared->title);
  g_assert_cmpstr (after->body, ==, shared->body);
  g_assert_cmpint (after->owner_id, ==, 0);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "Agent was here");
  g_assert_cmpuint (on_server->len, ==, 0);
  g_assert_cmpuint (desk_outbox_get_pending (outbox), ==, 0);
}

static void
test_canned_shared_by_lead (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskOutbox) outbox = new_outbox (fixture, DESK_ROLE_LEAD);
  g_autoptr (DeskCannedRecord) shared = cache_shared_reply (fixture);
  g_autoptr (DeskCannedRecord) edit = canned_fields (NULL, NULL, "Reviewed by the lead.");
  g_autoptr (DeskCannedRecord) after = NULL;
  g_autoptr (DeskCannedRecord) made = canned_fields ("For the team", "team", "Shared by a lead.");
  g_autoptr (GPtrArray) on_server = NULL;
  g_autoptr (GError) error = NULL;
  Counter counter = { 0 };

  desk_outbox_update_canned (outbox, shared->id, edit, &error);
  g_assert_no_error (error);
  desk_outbox_create_canned (outbox, made, TRUE, &error);
  g_assert_no_error (error);
  wait_for (outbox, &counter, 2);
  g_assert_cmpuint (counter.sent, ==, 2);

  after = desk_store_load_canned (fixture->store, shared->id);
  g_assert_cmpstr (after->title, ==, shared->title);
  g_assert_cmpstr (after->body, ==, "Reviewed by the lead.");
  g_assert_cmpint (after->owner_id, ==, 0);

  /* Every agent sees the edit and the new shared reply. */
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, shared->title);
  g_assert_cmpuint (on_server->len, ==, 1);
  g_assert_cmpstr (((DeskCannedRecord *) on_server->pdata[0])->body, ==, "Reviewed by the lead.");
  g_clear_pointer (&on_server, g_ptr_array_unref);
  on_server = canned_on_server (fixture, DESK_ROLE_AGENT, "For the team");
  g_assert_cmpuint (on_server->len, ==, 1);
  g_assert_cmpint (((DeskCannedRecord *) on_server->pdata[0])->owner_id, ==, 0);
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
  g_test_add ("/Desk/Outbox/written-by-someone-else", Fixture, NULL, fixture_setup,
              test_written_by_someone_else, fixture_teardown);
  g_test_add ("/Desk/Outbox/drafts", Fixture, NULL, fixture_setup, test_drafts, fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-personal", Fixture, NULL, fixture_setup, test_canned_personal,
              fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-offline-restart", Fixture, NULL, fixture_setup,
              test_canned_offline_restart, fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-lost-response-restart", Fixture, NULL, fixture_setup,
              test_canned_lost_response_restart, fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-delete-lost-response", Fixture, NULL, fixture_setup,
              test_canned_delete_lost_response, fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-shared-refused", Fixture, NULL, fixture_setup,
              test_canned_shared_refused, fixture_teardown);
  g_test_add ("/Desk/Outbox/canned-shared-by-lead", Fixture, NULL, fixture_setup,
              test_canned_shared_by_lead, fixture_teardown);

  return g_test_run ();
}
