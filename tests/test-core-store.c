/* test-core-store.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-store"

#include "config.h"

#include <glib/gstdio.h>

#include "desk-store-private.h"

static char *
temp_cache_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("desk-store-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "cache.db", NULL);
}

static void
remove_cache (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

static DeskTicketRecord *
make_ticket (gint64 id, const char *subject)
{
  DeskTicketRecord *ticket = g_new0 (DeskTicketRecord, 1);

  ticket->id = id;
  ticket->version = 1;
  ticket->subject = g_strdup (subject);
  ticket->queue_id = 1;
  ticket->requester.name = g_strdup ("Ana Souza");
  ticket->requester.email = g_strdup ("ana@example.com");
  ticket->tags = g_strsplit ("kyc,urgent", ",", -1);
  ticket->created_at = G_GINT64_CONSTANT (1795599000000000);
  ticket->updated_at = ticket->created_at;
  return ticket;
}

static DeskArticleRecord *
make_article (gint64 id, const char *title, const char *body)
{
  DeskArticleRecord *article = g_new0 (DeskArticleRecord, 1);

  article->id = id;
  article->version = 1;
  article->title = g_strdup (title);
  article->body = g_strdup (body);
  article->locale = g_strdup ("en");
  return article;
}

/* A cache left at every older schema version opens, migrates to the newest
 * and keeps what it held. */
static void
test_migrations_from_every_version (void)
{
  for (guint from = 0; from < _desk_store_get_n_migrations (); from++)
    {
      g_autofree char *path = temp_cache_path ();
      g_autoptr (GError) error = NULL;
      g_autoptr (DeskStore) store = NULL;
      g_autoptr (GPtrArray) hits = NULL;
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_true (_desk_store_migrate (db, from, &error));
      g_assert_no_error (error);
      if (from >= 1)
        g_assert_cmpint (sqlite3_exec (db,
                                       "INSERT INTO articles (id, version, title, body, locale)"
                                       " VALUES (7, 1, 'Withdrawal limits', 'Daily caps', 'en');"
                                       "INSERT INTO cursors VALUES ('articles', 'c7');",
                                       NULL, NULL, NULL),
                         ==, SQLITE_OK);
      /* From version 3 on, the index is written with the rows, not by triggers. */
      if (from >= 3)
        g_assert_cmpint (sqlite3_exec (db,
                                       "INSERT INTO articles_fts (rowid, title, body)"
                                       " VALUES (7, 'Withdrawal limits', 'Daily caps');",
                                       NULL, NULL, NULL),
                         ==, SQLITE_OK);
      sqlite3_close (db);

      store = desk_store_new (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (desk_store_get_schema_version (store), ==, _desk_store_get_n_migrations ());

      if (from >= 1)
        {
          g_autofree char *cursor = desk_store_dup_cursor (store, DESK_STORE_COLLECTION_ARTICLES);

          g_assert_cmpstr (cursor, ==, "c7");
          hits = desk_store_search_articles (store, "withdraw", 10, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (hits->len, ==, 1);
        }

      g_clear_object (&store);
      remove_cache (path);
    }
}

static void
test_newer_cache_is_refused (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL);
  sqlite3_close (db);

  store = desk_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  remove_cache (path);
}

static void
test_pages_and_tombstones (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (DeskTicketRecord) loaded = NULL;
  g_autofree char  *cursor = NULL;
  DeskTicketRecord *tombstone;

  g_assert_no_error (error);
  g_ptr_array_add (page, make_ticket (1, "Deposit missing"));
  g_ptr_array_add (page, make_ticket (2, "<b>Reset</b> 2FA & \"quotes\""));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, page, "c2", &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_count (store, DESK_STORE_COLLECTION_TICKETS), ==, 2);

  loaded = desk_store_load_ticket (store, 2);
  g_assert_cmpstr (loaded->subject, ==, "<b>Reset</b> 2FA & \"quotes\"");
  g_assert_cmpstr (loaded->tags[1], ==, "urgent");
  g_assert_cmpstr (loaded->requester.email, ==, "ana@example.com");

  /* A tombstone removes the ticket; the cursor moves in the same step. */
  g_ptr_array_set_size (page, 0);
  tombstone = g_new0 (DeskTicketRecord, 1);
  tombstone->id = 1;
  tombstone->deleted = TRUE;
  g_ptr_array_add (page, tombstone);
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, page, "c3", &error));
  g_assert_cmpint (desk_store_count (store, DESK_STORE_COLLECTION_TICKETS), ==, 1);
  g_assert_null (desk_store_load_ticket (store, 1));
  cursor = desk_store_dup_cursor (store, DESK_STORE_COLLECTION_TICKETS);
  g_assert_cmpstr (cursor, ==, "c3");

  g_clear_object (&store);
  remove_cache (path);
}

static void
test_article_search (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
  g_autoptr (GPtrArray) hits = NULL;
  DeskArticleHit *first;

  g_ptr_array_add (page, make_article (1, "Trading fees",
                                       "Withdrawal of funds has a fee. "
                                       "Withdrawal withdrawal withdrawal."));
  g_ptr_array_add (page, make_article (2, "Withdrawal limits", "Daily caps per level."));
  g_ptr_array_add (page, make_article (3, "重置双重验证", "如果您丢失了手机，请联系客服。"));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, "c3", &error));
  g_assert_no_error (error);

  /* A title match ranks above body matches, prefixes match. */
  hits = desk_store_search_articles (store, "withdr", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  first = g_ptr_array_index (hits, 0);
  g_assert_cmpint (first->id, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = desk_store_search_articles (store, "fee", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  first = g_ptr_array_index (hits, 0);
  g_assert_nonnull (strstr (first->snippet, "\001fee\002"));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Hostile input is text, not FTS syntax. */
  hits = desk_store_search_articles (store, "\" OR * NEAR( <b>", 10, &error);
  g_assert_no_error (error);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = desk_store_search_articles (store, "", 10, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  g_clear_object (&store);
  remove_cache (path);
}

static void
test_fts_query (void)
{
  g_autofree char *simple = _desk_store_fts_query ("reset 2FA");
  g_autofree char *hostile = _desk_store_fts_query ("a\"b OR (c)");
  g_autofree char *empty = _desk_store_fts_query ("  ** ");

  g_assert_cmpstr (simple, ==, "\"reset\"* \"2FA\"*");
  g_assert_cmpstr (hostile, ==, "\"a\"* \"b\"* \"OR\"* \"c\"*");
  g_assert_null (empty);
  g_assert_null (_desk_store_fts_query ("\xff\xfe"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Store/migrations", test_migrations_from_every_version);
  g_test_add_func ("/Desk/Core/Store/newer-cache-refused", test_newer_cache_is_refused);
  g_test_add_func ("/Desk/Core/Store/pages-and-tombstones", test_pages_and_tombstones);
  g_test_add_func ("/Desk/Core/Store/article-search", test_article_search);
  g_test_add_func ("/Desk/Core/Store/fts-query", test_fts_query);

  return g_test_run ();
}
