/* test-core-store.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-store"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "desk-article-search.h"
#include "desk-fts-rank.h"
#include "desk-fts-tokenizer.h"
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

typedef struct
{
  const char *name;
  GArray     *ids; /* of the last emission */
  guint       count;
} Emissions;

static void
changed_cb (DeskStore *store, GArray *ids, gpointer user_data)
{
  Emissions *emissions = user_data;

  emissions->count++;
  g_clear_pointer (&emissions->ids, g_array_unref);
  emissions->ids = g_array_copy (ids);
}

/* The panels refresh on these: each collection has its own, with the ids. */
static void
test_change_signals (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) articles =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
  g_autoptr (GPtrArray) canned =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  Emissions emissions[] = { { "tickets-changed" }, { "articles-changed" }, { "canned-changed" } };
  DeskCannedRecord *reply = g_new0 (DeskCannedRecord, 1);
  DeskCannedRecord *tombstone = g_new0 (DeskCannedRecord, 1);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (emissions); i++)
    g_signal_connect (store, emissions[i].name, G_CALLBACK (changed_cb), &emissions[i]);

  g_ptr_array_add (articles, make_article (4, "Deposits", "Arrive after confirmations."));
  g_ptr_array_add (articles, make_article (9, "Withdrawals", "Leave after review."));
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, articles, "a1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (emissions[1].count, ==, 1);
  g_assert_cmpuint (emissions[1].ids->len, ==, 2);
  g_assert_cmpint (g_array_index (emissions[1].ids, gint64, 0), ==, 4);
  g_assert_cmpint (g_array_index (emissions[1].ids, gint64, 1), ==, 9);

  reply->id = 7;
  reply->title = g_strdup ("Welcome");
  reply->body = g_strdup ("Hello {{customer.first_name}}");
  tombstone->id = 3;
  tombstone->deleted = TRUE;
  g_ptr_array_add (canned, reply);
  g_ptr_array_add (canned, tombstone);
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_CANNED, canned, "c1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (emissions[2].count, ==, 1);
  g_assert_cmpuint (emissions[2].ids->len, ==, 2);
  g_assert_cmpint (g_array_index (emissions[2].ids, gint64, 0), ==, 7);
  g_assert_cmpint (g_array_index (emissions[2].ids, gint64, 1), ==, 3);

  /* An empty page moves the cursor and changes nothing anyone shows. */
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_CANNED, NULL, "c2", &error));
  g_assert_cmpuint (emissions[2].count, ==, 1);
  g_assert_cmpuint (emissions[1].count, ==, 1);
  g_assert_cmpuint (emissions[0].count, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (emissions); i++)
    g_clear_pointer (&emissions[i].ids, g_array_unref);
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

  /* The titles' index follows a new title and a deleted article. */
  g_ptr_array_set_size (page, 0);
  g_ptr_array_add (page, make_article (2, "Daily caps", "Per level."));
  g_ptr_array_add (page, make_article (3, "Withdrawal fees", "Per network."));
  ((DeskArticleRecord *) g_ptr_array_index (page, 1))->deleted = TRUE;
  g_ptr_array_add (page, make_article (4, "Withdrawal addresses", "Whitelist them."));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, "c4", &error));
  hits = desk_store_search_articles (store, "withdr", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpint (((DeskArticleHit *) g_ptr_array_index (hits, 0))->id, ==, 4);
  g_assert_cmpint (((DeskArticleHit *) g_ptr_array_index (hits, 1))->id, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  g_ptr_array_set_size (page, 0);
  g_ptr_array_add (page, make_article (4, "Withdrawal addresses", "Whitelist them."));
  ((DeskArticleRecord *) g_ptr_array_index (page, 0))->deleted = TRUE;
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, "c5", &error));
  hits = desk_store_search_articles (store, "withdr", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((DeskArticleHit *) g_ptr_array_index (hits, 0))->id, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  g_clear_object (&store);
  remove_cache (path);
}

static void
test_fts_query (void)
{
  g_autofree char *simple = _desk_store_fts_query ("reset 2FA");
  g_autofree char *hostile = _desk_store_fts_query ("a\"b OR (cd)");
  g_autofree char *typing = _desk_store_fts_query ("balance t");
  g_autofree char *chinese = _desk_store_fts_query ("提现 到");
  g_autofree char *empty = _desk_store_fts_query ("  ** ");

  g_assert_cmpstr (simple, ==, "\"reset\"* \"2FA\"*");
  g_assert_cmpstr (hostile, ==, "\"a\"* \"b\"* \"OR\"* \"cd\"*");
  /* A last word of one letter waits for its second; a Chinese one not. */
  g_assert_cmpstr (typing, ==, "\"balance\"*");
  g_assert_cmpstr (chinese, ==, "\"提现\"* \"到\"*");
  g_assert_null (empty);
  g_assert_null (_desk_store_fts_query ("\xff\xfe"));

  /* A lone letter starts no search anywhere; a lone Chinese character,
   * two letters, or a letter before other words do. */
  g_assert_null (_desk_store_fts_query ("w"));
  g_assert_null (_desk_store_fts_query (" é, "));
  g_assert_false (desk_store_text_starts_search ("w"));
  g_assert_false (desk_store_text_starts_search (" ?! "));
  g_assert_false (desk_store_text_starts_search (NULL));
  g_assert_true (desk_store_text_starts_search ("wi"));
  g_assert_true (desk_store_text_starts_search ("提"));
  g_assert_true (desk_store_text_starts_search ("a fee"));
}

/* The rule holds for every search of the store: the knowledge base finds
 * nothing for a lone letter, the canned replies and the inbox are listed
 * as for an empty search. */
static void
test_lone_letter (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GPtrArray) canned =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GPtrArray) replies = NULL;
  DeskCannedRecord *reply = g_new0 (DeskCannedRecord, 1);
  DeskInboxFilter   filter = { .search = "w" };

  g_assert_no_error (error);
  g_ptr_array_add (page, make_article (1, "Withdrawal limits", "Daily caps."));
  g_ptr_array_add (tickets, make_ticket (1, "Withdrawal stuck"));
  g_ptr_array_add (tickets, make_ticket (2, "Deposit missing"));
  reply->id = 1;
  reply->title = g_strdup ("Withdrawal delays");
  reply->shortcut = g_strdup ("delay");
  reply->body = g_strdup ("Withdrawals can take a day.");
  g_ptr_array_add (canned, reply);
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, "a", &error));
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, tickets, "t", &error));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_CANNED, canned, "c", &error));
  g_assert_no_error (error);

  hits = desk_store_search_articles (store, "w", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = desk_store_search_articles (store, "wi", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);

  g_assert_cmpint (desk_store_count_tickets (store, &filter, &error), ==, 2);
  filter.search = "wi";
  g_assert_cmpint (desk_store_count_tickets (store, &filter, &error), ==, 1);
  g_assert_no_error (error);

  replies = desk_store_find_canned (store, "w", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replies->len, ==, 1);

  g_clear_object (&store);
  remove_cache (path);
}

/* desk_bm25_best() orders the best rows as bm25() does, with the same
 * scores, whatever the query keeps: articles of very different lengths,
 * prefixes, a column filter, any word, rows left out by other conditions. */
static void
test_bm25_best (void)
{
  static const char *words[] = {
    "account", "address", "bank",  "card",     "deposit", "fee",      "identity",
    "limit",   "network", "phone", "reset",    "review",  "security", "transfer",
    "verify",  "wallet",  "wire",  "withdraw", "login",   "payment",
  };
  static const char *matches[] = {
    "\"wa\"*",
    "\"w\"*",
    "\"re\"* \"ba\"*",
    "\"fee\"",
    "{title} : (\"wi\"*)",
    "\"card\" OR \"wire\" OR \"phone\"",
    "\"se\"* \"ve\"*",
    "\"zzz\"",
  };
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  sqlite3      *db = NULL;
  sqlite3_stmt *best = NULL;
  sqlite3_stmt *bm25 = NULL;

  g_assert_no_error (error);
  for (gint64 id = 1; id <= 400; id++)
    {
      g_autoptr (GString) title = g_string_new (NULL);
      g_autoptr (GString) body = g_string_new (NULL);
      /* From a line to a long page, mostly short. */
      guint n_body_words = 5 + (guint) pow (400, g_rand_double (rand));

      for (guint i = g_rand_int_range (rand, 2, 6); i > 0; i--)
        g_string_append_printf (title, "%s ",
                                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      for (guint i = 0; i < n_body_words; i++)
        g_string_append_printf (body, "%s ",
                                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      g_ptr_array_add (page, make_article (id, title->str, body->str));
    }
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, "c1", &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_true (desk_fts_tokenizer_register (db, &error));
  g_assert_true (desk_fts_rank_register (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT rowid, desk_bm25_best(articles_fts, ?2, 10.0, 1.0)"
                                       " AS score FROM articles_fts WHERE articles_fts MATCH ?1"
                                       " AND rowid % ?3 != 0 ORDER BY score, rowid LIMIT ?2",
                                       -1, &best, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT rowid, bm25(articles_fts, 10.0, 1.0)"
                                       " AS score FROM articles_fts WHERE articles_fts MATCH ?1"
                                       " AND rowid % ?3 != 0 ORDER BY score, rowid LIMIT ?2",
                                       -1, &bm25, NULL),
                   ==, SQLITE_OK);

  for (guint m = 0; m < G_N_ELEMENTS (matches); m++)
    for (int limit = 1; limit <= 40; limit *= 3)
      for (int modulo = 2; modulo <= 1000; modulo += 998)
        {
          guint n_rows = 0;

          g_test_message ("%s, the best %d, leaving out multiples of %d", matches[m], limit,
                          modulo);
          for (sqlite3_stmt *stmt = best; stmt != NULL; stmt = stmt == best ? bm25 : NULL)
            {
              sqlite3_bind_text (stmt, 1, matches[m], -1, SQLITE_STATIC);
              sqlite3_bind_int (stmt, 2, limit);
              sqlite3_bind_int (stmt, 3, modulo);
            }
          for (;;)
            {
              int rc = sqlite3_step (best);

              g_assert_cmpint (rc, ==, sqlite3_step (bm25));
              if (rc != SQLITE_ROW)
                {
                  g_assert_cmpint (rc, ==, SQLITE_DONE);
                  break;
                }
              g_assert_cmpint (sqlite3_column_int64 (best, 0), ==, sqlite3_column_int64 (bm25, 0));
              g_assert_cmpfloat_with_epsilon (sqlite3_column_double (best, 1),
                                              sqlite3_column_double (bm25, 1), 1e-9);
              n_rows++;
            }
          sqlite3_reset (best);
          sqlite3_reset (bm25);
          if (m + 1 < G_N_ELEMENTS (matches))
            g_assert_cmpuint (n_rows, ==, limit);
        }

  sqlite3_finalize (best);
  sqlite3_finalize (bm25);
  sqlite3_close (db);
  g_clear_object (&store);
  remove_cache (path);
}

/* Big views walk an index in sort order, small ones sort their matches: both
 * give the order the sort defines, before and after the first-load indexes
 * are built. */
#define N_SORT_TICKETS 6000

static gint64
expected_sla_due (const DeskTicketRecord *ticket)
{
  gint64 due =
      ticket->first_responded_at == 0 ? ticket->first_response_due : ticket->resolution_due;

  return due != 0 ? due : G_MAXINT64;
}

static DeskInboxSort sort_for_expected;

static int
compare_for_sort (gconstpointer a, gconstpointer b)
{
  const DeskTicketRecord *x = *(DeskTicketRecord *const *) a;
  const DeskTicketRecord *y = *(DeskTicketRecord *const *) b;
  gint64                  kx[3], ky[3];

  switch (sort_for_expected)
    {
      case DESK_INBOX_SORT_PRIORITY:
        kx[0] = -(gint64) x->priority, ky[0] = -(gint64) y->priority;
        kx[1] = expected_sla_due (x), ky[1] = expected_sla_due (y);
        kx[2] = x->id, ky[2] = y->id;
        break;
      case DESK_INBOX_SORT_NEWEST:
        kx[0] = -x->created_at, ky[0] = -y->created_at;
        kx[1] = kx[2] = -x->id, ky[1] = ky[2] = -y->id;
        break;
      case DESK_INBOX_SORT_LONGEST_WAITING:
        kx[0] = x->last_message_at ? x->last_message_at : x->created_at;
        ky[0] = y->last_message_at ? y->last_message_at : y->created_at;
        kx[1] = kx[2] = x->id, ky[1] = ky[2] = y->id;
        break;
      case DESK_INBOX_SORT_SLA:
      default:
        kx[0] = expected_sla_due (x), ky[0] = expected_sla_due (y);
        kx[1] = kx[2] = x->id, ky[1] = ky[2] = y->id;
        break;
    }

  for (guint i = 0; i < 3; i++)
    if (kx[i] != ky[i])
      return kx[i] < ky[i] ? -1 : 1;
  return 0;
}

static gboolean
has_index (const char *path, const char *name)
{
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean      found;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT 1 FROM sqlite_master WHERE type = 'index'"
                                       " AND name = ?",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return found;
}

static void
check_sort_orders (DeskStore *store, GPtrArray *tickets)
{
  static const DeskInboxSort sorts[] = { DESK_INBOX_SORT_SLA, DESK_INBOX_SORT_PRIORITY,
                                         DESK_INBOX_SORT_NEWEST, DESK_INBOX_SORT_LONGEST_WAITING };
  guint                      open_mask =
      1 << DESK_TICKET_STATUS_NEW | 1 << DESK_TICKET_STATUS_OPEN | 1 << DESK_TICKET_STATUS_PENDING;

  for (guint s = 0; s < G_N_ELEMENTS (sorts); s++)
    for (guint f = 0; f < 3; f++)
      {
        g_autoptr (GPtrArray) expected = g_ptr_array_new ();
        DeskInboxFilter filter = DESK_INBOX_FILTER_ALL;

        if (f >= 1)
          filter.status_mask = open_mask;
        if (f == 2)
          filter.queue_id = 2;

        for (guint i = 0; i < tickets->len; i++)
          {
            DeskTicketRecord *ticket = g_ptr_array_index (tickets, i);

            if ((filter.status_mask == 0 || (filter.status_mask & (1u << ticket->status))) &&
                (filter.queue_id == 0 || filter.queue_id == ticket->queue_id))
              g_ptr_array_add (expected, ticket);
          }
        sort_for_expected = sorts[s];
        g_ptr_array_sort (expected, compare_for_sort);

        /* -1: no hint, as for a big view; 10: a hint of few matches. */
        for (gint64 hint = -1; hint <= 10; hint += 11)
          for (guint limit = 0; limit <= 300; limit += 300)
            {
              g_autoptr (GError) error = NULL;
              g_autoptr (GArray) ids =
                  desk_store_query_ticket_ids (store, &filter, sorts[s], limit, hint, &error);
              guint n = limit ? MIN (limit, expected->len) : expected->len;

              g_assert_no_error (error);
              g_assert_cmpuint (ids->len, ==, n);
              for (guint i = 0; i < n; i++)
                g_assert_cmpint (g_array_index (ids, gint64, i), ==,
                                 ((DeskTicketRecord *) g_ptr_array_index (expected, i))->id);
            }
      }
}

static void
test_sort_orders (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  gint64 base = G_GINT64_CONSTANT (1795599000000000);

  g_assert_no_error (error);
  for (gint64 id = 1; id <= N_SORT_TICKETS; id++)
    {
      DeskTicketRecord *ticket = make_ticket (id, "Withdrawal pending");

      ticket->status = g_rand_int_range (rand, 0, 5);
      ticket->priority = g_rand_int_range (rand, 0, 4);
      ticket->queue_id = g_rand_int_range (rand, 1, 5);
      /* Few distinct times, so ties fall to the ids. */
      ticket->created_at = base + g_rand_int_range (rand, 0, 50) * G_USEC_PER_SEC;
      ticket->updated_at = ticket->created_at;
      if (g_rand_boolean (rand))
        ticket->last_message_at = ticket->created_at + g_rand_int_range (rand, 0, 50);
      if (g_rand_int_range (rand, 0, 10) > 0)
        ticket->first_response_due = base + g_rand_int_range (rand, 0, 100) * G_USEC_PER_SEC;
      if (g_rand_boolean (rand))
        ticket->resolution_due = base + g_rand_int_range (rand, 0, 100) * G_USEC_PER_SEC;
      if (g_rand_boolean (rand))
        ticket->first_responded_at = ticket->created_at + 1;
      g_ptr_array_add (tickets, ticket);
    }

  for (guint first = 0; first < tickets->len; first += 500)
    {
      g_autoptr (GPtrArray) page = g_ptr_array_new ();
      g_autofree char *cursor = g_strdup_printf ("c%u", first);

      for (guint i = first; i < MIN (first + 500, tickets->len); i++)
        g_ptr_array_add (page, g_ptr_array_index (tickets, i));
      g_assert_true (
          desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, page, cursor, &error));
      g_assert_no_error (error);
    }

  /* A first load leaves the sort indexes out; optimising builds them. */
  g_assert_false (has_index (path, "tickets_by_sla"));
  check_sort_orders (store, tickets);
  desk_store_optimize (store);
  g_assert_true (has_index (path, "tickets_by_sla"));
  g_assert_true (has_index (path, "tickets_by_kind"));
  check_sort_orders (store, tickets);

  g_clear_object (&store);
  remove_cache (path);
}

/* The demo knowledge base and canned replies, loaded through the codecs. */
static void
load_demo (DeskStore *store, const char *file, const char *member, DeskStoreCollection collection)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", file, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) page = g_ptr_array_new_with_free_func (
      collection == DESK_STORE_COLLECTION_ARTICLES ? (GDestroyNotify) desk_article_record_free
                                                   : (GDestroyNotify) desk_canned_record_free);
  g_autoptr (GError) error = NULL;
  JsonArray *items;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  items =
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), member);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode   *node = json_array_get_element (items, i);
      JsonObject *object = json_node_get_object (node);
      gpointer    record;

      /* Canned replies get their ids from the server's import. */
      if (!json_object_has_member (object, "id"))
        json_object_set_int_member (object, "id", i + 1);
      if (collection == DESK_STORE_COLLECTION_ARTICLES)
        {
          if (!json_object_has_member (object, "version"))
            json_object_set_int_member (object, "version", 1);
          record = desk_article_record_from_json (node, member, &error);
        }
      else
        record = desk_canned_record_from_json (node, member, &error);
      g_assert_no_error (error);
      g_ptr_array_add (page, record);
    }

  g_assert_true (desk_store_apply_page (store, collection, page, "demo", &error));
  g_assert_no_error (error);
}

static void
store_async_result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gint64
first_article (DeskStore *store, const DeskArticleQuery *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) hits = desk_store_find_articles (store, query, &error);

  g_assert_no_error (error);
  if (hits->len == 0)
    return 0;
  return ((DeskArticleHit *) g_ptr_array_index (hits, 0))->id;
}

/* The words suggestions look for: each once, folded, without accents,
 * stop words and short words, Chinese runs as pairs of characters. */
static void
test_suggestion_terms (void)
{
  g_autoptr (GPtrArray) terms =
      _desk_store_suggestion_terms ("Hello, the CAFÉ café in my wallet is OK; 提现到 please");
  const char *expected[] = { "cafe", "wallet", "提 现", "现 到" };

  g_assert_cmpuint (terms->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (terms, i), ==, expected[i]);
  g_clear_pointer (&terms, g_ptr_array_unref);

  terms = _desk_store_suggestion_terms ("\xff\xfe");
  g_assert_cmpuint (terms->len, ==, 0);
}

/* Long words that every article holds, and a short one that one article
 * holds: suggestions look for the rare word, so that article comes first,
 * for articles and canned replies alike. */
#define COMMON_WORDS                                                                               \
  "unfortunately cryptocurrency transaction confirmation international withdrawal "                \
  "verification documentation authentication administrator notification"

static void
test_rarest_word_suggestions (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) articles =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
  g_autoptr (GPtrArray) canned =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
  g_autoptr (GPtrArray) replies = NULL;
  g_autoptr (DeskTermCounts) counts = NULL;
  g_autofree char *match = NULL;
  DeskArticleQuery query = {
    .text = "Unfortunately my cryptocurrency transaction confirmation for an international "
            "withdrawal needs verification, documentation, authentication, an administrator "
            "and a notification: I forgot the memo!",
    .any_word = TRUE,
    .limit = 3,
  };
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  for (gint64 id = 1; id <= 8; id++)
    {
      DeskCannedRecord *reply = g_new0 (DeskCannedRecord, 1);
      const char       *body =
          id == 5 ? "Add the memo. " COMMON_WORDS : COMMON_WORDS " " COMMON_WORDS " " COMMON_WORDS;

      g_ptr_array_add (articles, make_article (id, id == 5 ? "Deposit tags" : "Withdrawals", body));
      reply->id = id;
      reply->title = g_strdup (id == 5 ? "Deposit tags" : "Withdrawals");
      reply->shortcut = g_strdup_printf ("reply%" G_GINT64_FORMAT, id);
      reply->body = g_strdup (body);
      g_ptr_array_add (canned, reply);
    }
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, articles, "a1", &error));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_CANNED, canned, "c1", &error));
  g_assert_no_error (error);

  g_assert_cmpint (first_article (store, &query), ==, 5);
  replies = desk_store_suggest_canned (store, query.text, 3);
  g_assert_cmpuint (replies->len, >, 0);
  g_assert_cmpint (((DeskCannedRecord *) g_ptr_array_index (replies, 0))->id, ==, 5);

  /* The rarest first, words no article holds left out. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_true (desk_fts_tokenizer_register (db, &error));
  counts = desk_term_counts_new (db, "articles_fts", &error);
  g_assert_no_error (error);
  match = _desk_store_fts_any_word_query (counts, "forgot the memo for my withdrawal");
  g_assert_cmpstr (match, ==, "\"memo\" OR \"withdrawal\"");
  g_assert_null (_desk_store_fts_any_word_query (counts, "nothing matches"));

  /* Counts follow the cache when another connection changes it. */
  g_assert_cmpint (desk_term_counts_lookup (counts, "memo"), ==, 1);
  g_ptr_array_set_size (articles, 0);
  g_ptr_array_add (articles, make_article (9, "Memo", "Where the memo goes."));
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, articles, "a2", &error));
  g_assert_cmpint (desk_term_counts_lookup (counts, "memo"), ==, 2);

  g_clear_pointer (&counts, desk_term_counts_free);
  sqlite3_close (db);
  g_clear_object (&store);
  remove_cache (path);
}

static void
test_demo_knowledge_base (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) hits = NULL;
  g_auto (GStrv) categories = NULL;
  struct
  {
    const char *text;
    gint64      expected;
  } searches[] = {
    { "withdrawal limits", 13 }, { "reset 2fa", 26 },   { "lost phone", 26 },   { "memo", 11 },
    { "api key ip", 22 },        { "maker taker", 17 }, { "proof of addr", 4 }, { "提现", 40 },
    { "双重验证", 46 },          { "手机丢失", 47 },    { "防钓鱼", 48 },       { "冻结", 49 },
  };

  g_assert_no_error (error);
  load_demo (store, "kb.json", "articles", DESK_STORE_COLLECTION_ARTICLES);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      DeskArticleQuery query = { .text = searches[i].text };

      g_test_message ("Searching for “%s”", searches[i].text);
      g_assert_cmpint (first_article (store, &query), ==, searches[i].expected);
    }

  /* The customer's language first: the same words find the Chinese
   * article for a Chinese customer and the English one otherwise. */
  {
    DeskArticleQuery query = { .text = "2FA", .prefer_locale = "zh_CN" };
    g_autoptr (GPtrArray) zh = desk_store_find_articles (store, &query, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (zh->len, >, 2);
    g_assert_cmpstr (((DeskArticleHit *) g_ptr_array_index (zh, 0))->locale, ==, "zh_CN");
    query.prefer_locale = "en-US";
    g_assert_cmpint (first_article (store, &query), ==, 25);
  }

  /* Filters by category and by language. */
  {
    DeskArticleQuery query = { .text = "maker", .category = "Trading", .locale = "zh" };

    hits = desk_store_find_articles (store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, >, 0);
    for (guint i = 0; i < hits->len; i++)
      {
        DeskArticleHit *hit = g_ptr_array_index (hits, i);

        g_assert_cmpstr (hit->category, ==, "Trading");
        g_assert_cmpstr (hit->locale, ==, "zh_CN");
      }
    g_clear_pointer (&hits, g_ptr_array_unref);
  }

  /* Highlights mark the matched words, Chinese ones included. */
  {
    DeskArticleQuery query = { .text = "提现" };

    hits = desk_store_find_articles (store, &query, &error);
    g_assert_no_error (error);
    g_assert_nonnull (
        strstr (((DeskArticleHit *) g_ptr_array_index (hits, 0))->title_marked, "\x01提现\x02"));
    g_clear_pointer (&hits, g_ptr_array_unref);
  }

  /* Suggestions from a customer's message, stop words and all. */
  {
    DeskArticleQuery query = {
      .text = "Hello, I lost my phone and now I cannot log in with two-factor authentication. "
              "Please help!",
      .any_word = TRUE,
    };

    hits = desk_store_find_articles (store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, >, 0);
    g_assert_true (((DeskArticleHit *) g_ptr_array_index (hits, 0))->id == 26 ||
                   ((DeskArticleHit *) g_ptr_array_index (hits, 1))->id == 26);
    g_clear_pointer (&hits, g_ptr_array_unref);

    query.text = "你好，我的手机丢了，现在无法通过双重验证登录";
    query.prefer_locale = "zh_CN";
    g_assert_cmpint (first_article (store, &query), ==, 47);
  }

  /* The side panel's search, on its own connection in a thread, ranks
   * exactly as the store does, and answers asynchronously. */
  {
    g_autoptr (DeskArticleSearch) search = desk_article_search_new (path, &error);
    g_autoptr (GAsyncResult) result = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      for (guint language = 0; language < 2; language++)
        {
          DeskArticleQuery query = { .text = searches[i].text,
                                     .prefer_locale = language ? "zh_CN" : NULL };
          g_autoptr (GPtrArray) one = desk_store_find_articles (store, &query, &error);
          g_autoptr (GPtrArray) two = desk_article_search_run (search, &query, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (one->len, ==, two->len);
          for (guint j = 0; j < one->len; j++)
            {
              DeskArticleHit *a = g_ptr_array_index (one, j);
              DeskArticleHit *b = g_ptr_array_index (two, j);

              g_assert_cmpint (a->id, ==, b->id);
              g_assert_cmpstr (a->snippet, ==, b->snippet);
            }
        }

    desk_article_search_run_async (search, &(DeskArticleQuery){ .text = "withdrawal limits" }, NULL,
                                   store_async_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    hits = desk_article_search_run_finish (search, result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (((DeskArticleHit *) g_ptr_array_index (hits, 0))->id, ==, 13);
    g_clear_pointer (&hits, g_ptr_array_unref);
  }

  categories = desk_store_list_article_categories (store);
  g_assert_cmpuint (g_strv_length (categories), ==, 4);
  g_assert_cmpstr (categories[0], ==, "Account & KYC");

  g_clear_object (&store);
  remove_cache (path);
}

static void
test_demo_canned_replies (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) by_shortcut = NULL;
  g_autoptr (DeskCannedRecord) hello = NULL;

  g_assert_no_error (error);
  load_demo (store, "canned.json", "canned_replies", DESK_STORE_COLLECTION_CANNED);

  all = desk_store_find_canned (store, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 29);

  found = desk_store_find_canned (store, "greet", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, >, 0);
  g_assert_cmpstr (((DeskCannedRecord *) g_ptr_array_index (found, 0))->shortcut, ==, "hello");

  by_shortcut = desk_store_find_canned_by_shortcut (store, "hel", 10);
  g_assert_cmpuint (by_shortcut->len, >=, 1);
  g_assert_cmpstr (((DeskCannedRecord *) g_ptr_array_index (by_shortcut, 0))->shortcut, ==,
                   "hello");

  hello =
      desk_store_load_canned (store, ((DeskCannedRecord *) g_ptr_array_index (by_shortcut, 0))->id);
  g_assert_nonnull (strstr (hello->body, "{{customer.first_name}}"));

  g_clear_object (&store);
  remove_cache (path);
}

/* Inbox search finds Chinese words inside a sentence. */
static void
test_inbox_search_chinese (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) page =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  DeskInboxFilter filter = DESK_INBOX_FILTER_ALL;

  g_assert_no_error (error);
  g_ptr_array_add (page, make_ticket (1, "提现到银行卡一直没有到账"));
  g_ptr_array_add (page, make_ticket (2, "Withdrawal to bank card"));
  g_assert_true (desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, page, "c", &error));
  g_assert_no_error (error);

  filter.search = "银行卡";
  g_assert_cmpint (desk_store_count_tickets (store, &filter, NULL), ==, 1);
  filter.search = "到账";
  g_assert_cmpint (desk_store_count_tickets (store, &filter, NULL), ==, 1);
  filter.search = "银行 失败";
  g_assert_cmpint (desk_store_count_tickets (store, &filter, NULL), ==, 0);
  filter.search = "bank";
  g_assert_cmpint (desk_store_count_tickets (store, &filter, NULL), ==, 1);

  g_clear_object (&store);
  remove_cache (path);
}

static DeskMessageRecord *
make_message (gint64 id, gint64 ticket_id, const char *body)
{
  DeskMessageRecord *message = g_new0 (DeskMessageRecord, 1);

  message->id = id;
  message->ticket_id = ticket_id;
  message->author_type = DESK_AUTHOR_CUSTOMER;
  message->author_name = g_strdup ("Ana Souza");
  message->body = g_strdup (body);
  message->created_at = G_GINT64_CONSTANT (1795599000000000);
  return message;
}

/* A live chat waits from the customer's first unanswered message; an
 * agent's public reply ends the wait, an internal note does not. */
static void
test_waiting_since (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
  const gint64       minute = 60 * G_USEC_PER_SEC;
  DeskMessageRecord *message;
  gint64             start;

  g_assert_no_error (error);
  g_ptr_array_add (tickets, make_ticket (1, "Deposit missing"));
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, tickets, "t1", &error));
  g_assert_cmpint (desk_store_get_waiting_since (store, 1), ==, 0);

  message = make_message (10, 1, "Hello?");
  start = message->created_at;
  g_ptr_array_add (messages, message);
  message = make_message (11, 1, "Anyone there?");
  message->created_at = start + minute;
  g_ptr_array_add (messages, message);
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "m1", &error));
  g_assert_cmpint (desk_store_get_waiting_since (store, 1), ==, start);

  g_ptr_array_set_size (messages, 0);
  message = make_message (12, 1, "Checking with finance.");
  message->author_type = DESK_AUTHOR_AGENT;
  message->visibility = DESK_VISIBILITY_INTERNAL;
  message->created_at = start + 2 * minute;
  g_ptr_array_add (messages, message);
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "m2", &error));
  g_assert_cmpint (desk_store_get_waiting_since (store, 1), ==, start);

  g_ptr_array_set_size (messages, 0);
  message = make_message (13, 1, "It is on its way.");
  message->author_type = DESK_AUTHOR_AGENT;
  message->created_at = start + 3 * minute;
  g_ptr_array_add (messages, message);
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "m3", &error));
  g_assert_cmpint (desk_store_get_waiting_since (store, 1), ==, 0);

  g_ptr_array_set_size (messages, 0);
  message = make_message (14, 1, "Thanks, and my card?");
  message->created_at = start + 5 * minute;
  g_ptr_array_add (messages, message);
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "m4", &error));
  g_assert_cmpint (desk_store_get_waiting_since (store, 1), ==, start + 5 * minute);

  g_clear_object (&store);
  remove_cache (path);
}

static void
count_changes_cb (DeskStore *store, GArray *ids, gpointer user_data)
{
  *(guint *) user_data += ids->len;
}

static gint64
count_matches (DeskStore *store, const char *text)
{
  DeskInboxFilter filter = DESK_INBOX_FILTER_ALL;

  filter.search = text;
  return desk_store_count_tickets (store, &filter, NULL);
}

/* A page the cache already holds (a first sync brings the open work twice,
 * a resumed sync may bring a page again) changes nothing; a row that did
 * change is rewritten, and so are its full-text entries. */
static void
test_page_again (void)
{
  g_autofree char *path = temp_cache_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskStore) store = desk_store_new (path, &error);
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
  g_autofree char   *cursor = NULL;
  DeskTicketRecord  *ticket;
  DeskMessageRecord *message;
  guint              changes = 0;

  g_assert_no_error (error);
  g_ptr_array_add (tickets, make_ticket (1, "Deposit missing"));
  g_ptr_array_add (tickets, make_ticket (2, "Withdrawal pending"));
  g_ptr_array_add (messages, make_message (10, 1, "Please check the transfer"));
  g_ptr_array_add (messages, make_message (11, 2, "Still waiting"));
  g_assert_true (desk_store_apply_page_at (store, DESK_STORE_COLLECTION_TICKETS, tickets,
                                           "tickets?open=true", "o1", &error));
  g_assert_true (desk_store_apply_page_at (store, DESK_STORE_COLLECTION_MESSAGES, messages,
                                           "messages?open=true", "o2", &error));
  g_assert_no_error (error);

  g_signal_connect (store, "tickets-changed", G_CALLBACK (count_changes_cb), &changes);
  g_signal_connect (store, "messages-changed", G_CALLBACK (count_changes_cb), &changes);
  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (
          desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, tickets, "c1", &error));
      g_assert_true (
          desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "c2", &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpint (desk_store_count (store, DESK_STORE_COLLECTION_TICKETS), ==, 2);
  g_assert_cmpint (desk_store_count (store, DESK_STORE_COLLECTION_MESSAGES), ==, 2);
  g_assert_cmpint (count_matches (store, "deposit"), ==, 1);
  g_assert_cmpint (count_matches (store, "transfer"), ==, 1);

  /* Each cursor where its pass left it. */
  cursor = desk_store_dup_named_cursor (store, "tickets?open=true");
  g_assert_cmpstr (cursor, ==, "o1");
  g_clear_pointer (&cursor, g_free);
  cursor = desk_store_dup_cursor (store, DESK_STORE_COLLECTION_TICKETS);
  g_assert_cmpstr (cursor, ==, "c1");
  g_clear_pointer (&cursor, g_free);

  /* One ticket and one message change: only they are written again. */
  ticket = g_ptr_array_index (tickets, 0);
  g_free (ticket->subject);
  ticket->subject = g_strdup ("Refund requested");
  ticket->version++;
  message = g_ptr_array_index (messages, 1);
  g_free (message->body);
  message->body = g_strdup ("Any update");
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, tickets, "c3", &error));
  g_assert_true (
      desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "c4", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpint (count_matches (store, "deposit"), ==, 0);
  g_assert_cmpint (count_matches (store, "refund"), ==, 1);
  g_assert_cmpint (count_matches (store, "waiting"), ==, 0);
  g_assert_cmpint (count_matches (store, "update"), ==, 1);
  g_assert_cmpint (count_matches (store, "transfer"), ==, 1);

  g_clear_object (&store);
  remove_cache (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Store/migrations", test_migrations_from_every_version);
  g_test_add_func ("/Desk/Core/Store/newer-cache-refused", test_newer_cache_is_refused);
  g_test_add_func ("/Desk/Core/Store/pages-and-tombstones", test_pages_and_tombstones);
  g_test_add_func ("/Desk/Core/Store/change-signals", test_change_signals);
  g_test_add_func ("/Desk/Core/Store/article-search", test_article_search);
  g_test_add_func ("/Desk/Core/Store/fts-query", test_fts_query);
  g_test_add_func ("/Desk/Core/Store/lone-letter", test_lone_letter);
  g_test_add_func ("/Desk/Core/Store/bm25-best", test_bm25_best);
  g_test_add_func ("/Desk/Core/Store/suggestion-terms", test_suggestion_terms);
  g_test_add_func ("/Desk/Core/Store/rarest-word-suggestions", test_rarest_word_suggestions);
  g_test_add_func ("/Desk/Core/Store/sort-orders", test_sort_orders);
  g_test_add_func ("/Desk/Core/Store/demo-knowledge-base", test_demo_knowledge_base);
  g_test_add_func ("/Desk/Core/Store/demo-canned-replies", test_demo_canned_replies);
  g_test_add_func ("/Desk/Core/Store/inbox-search-chinese", test_inbox_search_chinese);
  g_test_add_func ("/Desk/Core/Store/page-again", test_page_again);
  g_test_add_func ("/Desk/Core/Store/waiting-since", test_waiting_since);

  return g_test_run ();
}
