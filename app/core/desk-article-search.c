/* desk-article-search.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-article-search"

#include "config.h"

#include "desk-article-search-private.h"
#include "desk-fts-rank.h"
#include "desk-fts-tokenizer.h"
#include "desk-sqlite.h"
#include "desk-store-private.h"
#include "desk-thread.h"

struct _DeskArticleSearch
{
  GObject parent_instance;

  sqlite3        *db;
  GHashTable     *statements;
  DeskTermCounts *article_terms;
  GMutex          lock; /* one search at a time on the connection */
};

G_DEFINE_FINAL_TYPE (DeskArticleSearch, desk_article_search, G_TYPE_OBJECT)

/* What the tiers of one search share. */
typedef struct
{
  sqlite3                *db;
  GHashTable             *statements;
  const DeskArticleQuery *query;
  const char             *language;
  const char             *query_language;
  gboolean                other_languages;
  guint                   limit;
} Tier;

/* The language of a locale: "zh" of "zh_CN" and of "zh-Hans". */
static char *
locale_language (const char *locale)
{
  return locale ? g_strndup (locale, strcspn (locale, "_-.@")) : NULL;
}

static void
bind_named_text (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
}

/* The filters of a tier, as conditions on a row of its full-text table. */
static void
append_filters (GString *sql, const Tier *tier, gboolean has_seen)
{
  if (has_seen)
    g_string_append (sql, " AND rowid NOT IN (SELECT value FROM json_each(:seen))");
  if (tier->query->category != NULL || tier->query->locale != NULL || tier->language != NULL)
    {
      /* "+rowid", not "rowid": offered to FTS5 as a constraint, the IN
       * list drove the plan, one MATCH a listed article (all 10,000 for a
       * language), seconds a search; as a filter on the MATCH's rows it is
       * one pass, as without filters. */
      g_string_append (sql, " AND +rowid IN (SELECT id FROM articles WHERE 1");
      if (tier->query->category != NULL)
        g_string_append (sql, " AND category = :category");
      if (tier->query->locale != NULL)
        g_string_append (sql, " AND (locale = :locale OR locale LIKE :locale_language || '\\_%'"
                              " ESCAPE '\\')");
      if (tier->language != NULL)
        g_string_append_printf (sql,
                                " AND %s(coalesce(locale, '') = :language"
                                " OR coalesce(locale, '') LIKE :language || '\\_%%' ESCAPE '\\')",
                                tier->other_languages ? "NOT " : "");
      g_string_append_c (sql, ')');
    }
}

/* The ranking SQL for a tier's filters. Its few variants are interned, so
 * each connection prepares each of them once.
 *
 * bm25() read the length of every matching article, most of its cost when
 * two short prefixes match most of the knowledge base in the body (16 ms
 * at p99 here); desk_bm25_best() gives the same order, reading the lengths
 * of the articles that can still be among the best :limit only. */
static const char *
rank_sql (const Tier *tier, gboolean titles, gboolean has_seen)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  if (titles)
    g_string_append (sql, "SELECT rowid, desk_bm25_best(article_titles_fts, :limit) AS score"
                          " FROM article_titles_fts WHERE article_titles_fts MATCH :match");
  else
    g_string_append (sql, "SELECT rowid, desk_bm25_best(articles_fts, :limit, 10.0, 1.0) AS score"
                          " FROM articles_fts WHERE articles_fts MATCH :match");
  append_filters (sql, tier, has_seen);
  g_string_append (sql, " ORDER BY score, rowid LIMIT :limit");

  return g_intern_string (sql->str);
}

/* The ids as a JSON array, for json_each(). */
static char *
ids_json (GArray *ids)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (ids, gint64, i));
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

/* Adds to @ids the best articles that match @match, in their @titles or
 * anywhere, leaving out those already in @ids, up to @tier->limit ids in
 * all. */
static gboolean
rank_tier (const Tier   *tier,
           gboolean      titles,
           const char   *match,
           GArray       *ids,
           GCancellable *cancellable,
           GError      **error)
{
  g_autofree char *seen = ids_json (ids);
  sqlite3_stmt    *stmt;
  int              rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (ids->len >= tier->limit)
    return TRUE;

  stmt = desk_sqlite_prepare_cached (tier->db, tier->statements,
                                     rank_sql (tier, titles, ids->len > 0));
  bind_named_text (stmt, ":match", match);
  bind_named_text (stmt, ":seen", seen);
  bind_named_text (stmt, ":category", tier->query->category);
  bind_named_text (stmt, ":locale", tier->query->locale);
  bind_named_text (stmt, ":locale_language", tier->query_language);
  bind_named_text (stmt, ":language", tier->language);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), tier->limit - ids->len);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Search failed: %s",
                 sqlite3_errmsg (tier->db));
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* "+rowid" again: as a constraint, FTS5 looked each id up with a MATCH of
 * its own, which builds a prefix's doclist anew each time (4 ms at p99 for
 * 20 hits); filtering one pass over the matches costs a quarter of that. */
static const char hits_sql[] =
    "SELECT a.id, a.title, highlight(articles_fts, 0, char(1), char(2)),"
    " snippet(articles_fts, 1, char(1), char(2), '…', 16), a.category, a.locale, a.url"
    " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
    " WHERE articles_fts MATCH ?1 AND +articles_fts.rowid IN (SELECT value FROM json_each(?2))";

/* The titles and snippets of the ranked ids, in their order. */
static GPtrArray *
load_hits (sqlite3 *db, GHashTable *statements, const char *match, GArray *ids)
{
  g_autoptr (GPtrArray) hits =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_hit_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *json = ids_json (ids);
  sqlite3_stmt    *stmt = desk_sqlite_prepare_cached (db, statements, hits_sql);

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, json, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      DeskArticleHit *hit = g_new0 (DeskArticleHit, 1);

      hit->id = sqlite3_column_int64 (stmt, 0);
      hit->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      hit->title_marked = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      hit->snippet = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      hit->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      hit->locale = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      hit->url = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      g_hash_table_insert (by_id, &hit->id, hit);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      DeskArticleHit *hit = g_hash_table_lookup (by_id, &g_array_index (ids, gint64, i));

      if (hit != NULL)
        {
          hit->rank = hits->len;
          g_ptr_array_add (hits, hit);
        }
    }

  return g_steal_pointer (&hits);
}

GPtrArray *
_desk_article_search_query (sqlite3                *db,
                            GHashTable             *statements,
                            DeskTermCounts         *article_terms,
                            const DeskArticleQuery *query,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *match = NULL;
  g_autofree char *language = NULL;
  g_autofree char *query_language = NULL;
  Tier             tier = { 0 };

  match = query->any_word ? _desk_store_fts_any_word_query (article_terms, query->text)
                          : _desk_store_fts_query (query->text);
  if (match == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_hit_free);

  language = locale_language (query->prefer_locale);
  if (language != NULL && *language == '\0')
    g_clear_pointer (&language, g_free);
  query_language = locale_language (query->locale);

  tier = (Tier){
    .db = db,
    .statements = statements,
    .query = query,
    .language = language,
    .query_language = query_language,
    .limit = query->limit > 0 ? query->limit : 20,
  };

  /* Articles in the customer's language come first, and among them those
   * that match in the title, then those that match in the body only. The
   * titles have an index of their own, of short doclists: a title tier
   * keeps a short prefix fast, bm25 then ranks the articles whose titles
   * match, not every article that mentions it. A suggestion's many words
   * rank as one tier. */
  for (guint pass = 0; pass < (language != NULL ? 2 : 1); pass++)
    {
      tier.other_languages = pass == 1;
      if (!query->any_word && !rank_tier (&tier, TRUE, match, ids, cancellable, error))
        return NULL;
      if (!rank_tier (&tier, FALSE, match, ids, cancellable, error))
        return NULL;
    }

  return load_hits (db, statements, match, ids);
}

static void
desk_article_search_finalize (GObject *object)
{
  DeskArticleSearch *self = DESK_ARTICLE_SEARCH (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->article_terms, desk_term_counts_free);
  sqlite3_close (self->db);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (desk_article_search_parent_class)->finalize (object);
}

static void
desk_article_search_class_init (DeskArticleSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_article_search_finalize;
}

static void
desk_article_search_init (DeskArticleSearch *self)
{
  g_mutex_init (&self->lock);
}

DeskArticleSearch *
desk_article_search_new (const char *cache_path, GError **error)
{
  g_autoptr (DeskArticleSearch) self = g_object_new (DESK_TYPE_ARTICLE_SEARCH, NULL);

  g_return_val_if_fail (cache_path != NULL, NULL);

  if (sqlite3_open_v2 (cache_path, &self->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open the cache %s: %s",
                   cache_path, sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 2000);
  /* FTS5 reads its big doclists as blobs, which bypass the page cache
   * and came from the file at every search: mapped, they cost a third. */
  sqlite3_exec (self->db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
  self->statements = desk_sqlite_statement_cache_new ();
  if (!desk_fts_tokenizer_register (self->db, error) || !desk_fts_rank_register (self->db, error))
    return NULL;
  self->article_terms = desk_term_counts_new (self->db, "articles_fts", error);
  if (self->article_terms == NULL)
    return NULL;

  return g_steal_pointer (&self);
}
GPtrArray *
desk_article_search_run (DeskArticleSearch      *self,
                         const DeskArticleQuery *query,
                         GCancellable           *cancellable,
                         GError                **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (DESK_IS_ARTICLE_SEARCH (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return _desk_article_search_query (self->db, self->statements, self->article_terms, query,
                                     cancellable, error);
}

/* The query of a search in a thread, with its own copies of the strings. */
typedef struct
{
  DeskArticleQuery query;
  char            *text;
  char            *prefer_locale;
  char            *category;
  char            *locale;
} QueryCopy;

static void
query_copy_free (QueryCopy *copy)
{
  g_free (copy->text);
  g_free (copy->prefer_locale);
  g_free (copy->category);
  g_free (copy->locale);
  g_free (copy);
}

static void
run_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  QueryCopy *copy = task_data;
  GError    *error = NULL;
  GPtrArray *hits;

  desk_thread_give_way ();
  hits = desk_article_search_run (source_object, &copy->query, cancellable, &error);
  if (hits == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hits, (GDestroyNotify) g_ptr_array_unref);
}

void
desk_article_search_run_async (DeskArticleSearch      *self,
                               const DeskArticleQuery *query,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  QueryCopy *copy = g_new0 (QueryCopy, 1);

  g_return_if_fail (DESK_IS_ARTICLE_SEARCH (self));
  g_return_if_fail (query != NULL);

  copy->query = *query;
  copy->query.text = copy->text = g_strdup (query->text);
  copy->query.prefer_locale = copy->prefer_locale = g_strdup (query->prefer_locale);
  copy->query.category = copy->category = g_strdup (query->category);
  copy->query.locale = copy->locale = g_strdup (query->locale);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_article_search_run_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) query_copy_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

GPtrArray *
desk_article_search_run_finish (DeskArticleSearch *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (DESK_IS_ARTICLE_SEARCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
