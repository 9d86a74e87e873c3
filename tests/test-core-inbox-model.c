/* test-core-inbox-model.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-inbox-model"

#include "config.h"

#include <glib/gstdio.h>

#include "desk-inbox-model.h"

#define N_TICKETS 2000
#define HOUR ((gint64) 3600 * G_USEC_PER_SEC)

typedef struct
{
  char      *dir;
  DeskStore *store;
  GArray    *changes; /* of guint[3]: position, removed, added */
} Fixture;

static DeskTicketRecord *
make_ticket (gint64 id)
{
  DeskTicketRecord *ticket = g_new0 (DeskTicketRecord, 1);

  ticket->id = id;
  ticket->version = 1;
  ticket->subject = g_strdup_printf ("Withdrawal %" G_GINT64_FORMAT " pending", id);
  ticket->status = id % 5;
  ticket->priority = id % 4;
  ticket->queue_id = 1 + id % 4;
  ticket->channel = id % 4;
  ticket->requester.name = g_strdup (id % 2 ? "Ana Souza" : "王磊");
  ticket->tags = g_strsplit (id % 3 ? "btc" : "btc,vip", ",", -1);
  ticket->created_at = id * HOUR;
  ticket->updated_at = ticket->created_at;
  /* Due times in the reverse order of ids, so SLA order is not id order. */
  ticket->first_response_due = (N_TICKETS + 1 - id) * HOUR;
  ticket->resolution_due = ticket->first_response_due + 24 * HOUR;
  ticket->last_message_at = ticket->created_at;
  return ticket;
}

static void
apply (Fixture *fixture, DeskTicketRecord *ticket)
{
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (page, ticket);
  g_assert_true (
      desk_store_apply_page (fixture->store, DESK_STORE_COLLECTION_TICKETS, page, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("desk-inbox-XXXXXX", &error);
  path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = desk_store_new (path, &error);
  g_assert_no_error (error);

  for (gint64 id = 1; id <= N_TICKETS; id++)
    g_ptr_array_add (page, make_ticket (id));
  g_assert_true (
      desk_store_apply_page (fixture->store, DESK_STORE_COLLECTION_TICKETS, page, "c1", &error));
  fixture->changes = g_array_new (FALSE, FALSE, sizeof (guint) * 3);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  static const char *files[] = { "cache.db", "cache.db-wal", "cache.db-shm" };

  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_array_unref (fixture->changes);
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, Fixture *fixture)
{
  guint change[3] = { position, removed, added };

  g_array_append_vals (fixture->changes, change, 1);
}

static gint64
id_at (GListModel *model, guint position)
{
  g_autoptr (DeskTicket) ticket = g_list_model_get_item (model, position);

  return ticket ? desk_ticket_get_id (ticket) : -1;
}

static void
assert_change (Fixture *fixture, guint index, guint position, guint removed, guint added)
{
  guint *change;

  g_assert_cmpuint (fixture->changes->len, >, index);
  change = &g_array_index (fixture->changes, guint, index * 3);
  g_assert_cmpuint (change[0], ==, position);
  g_assert_cmpuint (change[1], ==, removed);
  g_assert_cmpuint (change[2], ==, added);
}

static void
test_views (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskInboxModel) model = desk_inbox_model_new (fixture->store);
  DeskInboxFilter open = DESK_INBOX_FILTER_ALL;
  DeskInboxFilter search = DESK_INBOX_FILTER_ALL;

  /* All tickets by SLA: the last id is due first. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_TICKETS);
  g_assert_cmpint (id_at (G_LIST_MODEL (model), 0), ==, N_TICKETS);
  /* Far past the first rows that were read: the rest load on demand. */
  g_assert_cmpint (id_at (G_LIST_MODEL (model), 1500), ==, N_TICKETS - 1500);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_TICKETS));

  open.status_mask = 1 << DESK_TICKET_STATUS_NEW | 1 << DESK_TICKET_STATUS_OPEN;
  open.queue_id = 2;
  desk_inbox_model_set_filter (model, &open);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr (DeskTicket) ticket = g_list_model_get_item (G_LIST_MODEL (model), i);
      const DeskTicketRecord *record = desk_ticket_get_record (ticket);

      g_assert_cmpint (record->queue_id, ==, 2);
      g_assert_true (record->status <= DESK_TICKET_STATUS_OPEN);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);

  desk_inbox_model_set_sort (model, DESK_INBOX_SORT_NEWEST);
  g_assert_cmpint (id_at (G_LIST_MODEL (model), 0), >, id_at (G_LIST_MODEL (model), 1));

  /* Search matches the requester and the subject, as words and prefixes. */
  search.search = "王磊";
  desk_inbox_model_set_filter (model, &search);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_TICKETS / 2);
  search.search = "withdraw 15";
  desk_inbox_model_set_filter (model, &search);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >=, 1);
  search.search = "\" ( * )";
  desk_inbox_model_set_filter (model, &search);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_TICKETS);

  search.search = NULL;
  search.tag = "vip";
  desk_inbox_model_set_filter (model, &search);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_TICKETS / 3);
}

static void
test_exact_items_changed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskInboxModel) model = desk_inbox_model_new (fixture->store);
  g_autoptr (DeskTicket) before = NULL;
  g_autoptr (DeskTicket) after = NULL;
  DeskTicketRecord *ticket;
  DeskTicketRecord *tombstone;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), fixture);

  /* A change that keeps the row in place: one row replaced, nothing else. */
  before = g_list_model_get_item (G_LIST_MODEL (model), 10);
  ticket = make_ticket (N_TICKETS - 10);
  g_free (ticket->subject);
  ticket->subject = g_strdup ("Now about a deposit");
  apply (fixture, ticket);
  assert_change (fixture, 0, 10, 1, 1);
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  after = g_list_model_get_item (G_LIST_MODEL (model), 10);
  g_assert_cmpstr (desk_ticket_get_subject (after), ==, "Now about a deposit");
  g_assert_true (before != after);

  /* A deleted ticket: one row removed where it was. */
  g_array_set_size (fixture->changes, 0);
  tombstone = g_new0 (DeskTicketRecord, 1);
  tombstone->id = N_TICKETS - 3;
  tombstone->deleted = TRUE;
  apply (fixture, tombstone);
  assert_change (fixture, 0, 3, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_TICKETS - 1);

  /* A new message changes the row's excerpt: that row is redrawn. */
  {
    g_autoptr (GPtrArray) page =
        g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
    g_autoptr (GError) error = NULL;
    DeskMessageRecord *message = g_new0 (DeskMessageRecord, 1);

    g_array_set_size (fixture->changes, 0);
    message->id = 1;
    message->ticket_id = id_at (G_LIST_MODEL (model), 5);
    message->author_name = g_strdup ("Ana Souza");
    message->body = g_strdup ("Any news?");
    g_ptr_array_add (page, message);
    g_assert_true (
        desk_store_apply_page (fixture->store, DESK_STORE_COLLECTION_MESSAGES, page, NULL, &error));
    assert_change (fixture, 0, 5, 1, 1);
    g_assert_cmpuint (fixture->changes->len, ==, 1);
  }

  /* A new ticket due before all others: one row added at the top. */
  g_array_set_size (fixture->changes, 0);
  ticket = make_ticket (N_TICKETS + 1);
  ticket->first_response_due = HOUR / 2;
  apply (fixture, ticket);
  assert_change (fixture, 0, 0, 0, 1);
  g_assert_cmpint (id_at (G_LIST_MODEL (model), 0), ==, N_TICKETS + 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Desk/Core/InboxModel/views", Fixture, NULL, fixture_setup, test_views,
              fixture_teardown);
  g_test_add ("/Desk/Core/InboxModel/exact-items-changed", Fixture, NULL, fixture_setup,
              test_exact_items_changed, fixture_teardown);

  return g_test_run ();
}
