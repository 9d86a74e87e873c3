/* desk-article-search.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-article-search"

#include "config.h"

#include "desk-article-search-private.h"
#include "desk-fts-tokenizer.h"
#include "desk-sqlite.h"
#include "desk-store-private.h"

#define N_SHARES 2

struct _DeskArticleSearch
{
  GObject parent_instance;

  sqlite3     *dbs[N_SHARES];
  GHashTable  *statements[N_SHARES];
  GThreadPool *pool;
  GMutex       lock; /* one search at a time on the connections */
};

G_DEFINE_FINAL_TYPE (DeskArticleSearch, desk_article_search, G_TYPE_OBJECT)

typedef struct
{
  gint64 id;
  double score;
} Ranked;

/* One connection's part of a tier: the best articles with ids in
 * [first_id, last_id]. bm25 takes its statistics from the whole table, so
 * the scores of all parts compare. */
typedef struct
{
  sqlite3                *db;
  GHashTable             *statements;
  const char             *match;
  const char             *seen;
  const DeskArticleQuery *query;
  const char             *language;
  const char             *query_language;
  gboolean                other_languages;
  gboolean                whole_table;
  gint64                  first_id;
  gint64                  last_id;
  guint                   limit;
  GArray                 *ranked;
  char                   *error_message;
  GAsyncQueue            *done;
} Share;

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

/* The ranking SQL for a share's filters. Its few variants are interned, so
 * each connection prepares each of them once. */
static const char *
rank_sql (const Share *share)
{
  g_autoptr (GString) sql = g_string_new (NULL);

  g_string_append (sql, "SELECT rowid, bm25(articles_fts, 10.0, 1.0) AS score FROM articles_fts"
                        " WHERE articles_fts MATCH :match");
  if (!share->whole_table)
    g_string_append (sql, " AND rowid BETWEEN :first AND :last");
  if (strcmp (share->seen, "[]") != 0)
    g_string_append (sql, " AND rowid NOT IN (SELECT value FROM json_each(:seen))");
  if (share->query->category != NULL || share->query->locale != NULL || share->language != NULL)
    {
      /* "+rowid", not "rowid": offered to FTS5 as a constraint, the IN
       * list drove the plan, one MATCH a listed article (all 10,000 for a
       * language), seconds a search; as a filter on the MATCH's rows it is
       * one pass, as without filters. */
      g_string_append (sql, " AND +rowid IN (SELECT id FROM articles WHERE 1");
      if (share->query->category != NULL)
        g_string_append (sql, " AND category = :category");
      if (share->query->locale != NULL)
        g_string_append (sql, " AND (locale = :locale OR locale LIKE :locale_language || '\\_%'"
                              " ESCAPE '\\')");
      if (share->language != NULL)
        g_string_append_printf (sql,
                                " AND %s(coalesce(locale, '') = :language"
                                " OR coalesce(locale, '') LIKE :language || '\\_%%' ESCAPE '\\')",
                                share->other_languages ? "NOT " : "");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, " ORDER BY score LIMIT :limit");

  return g_intern_string (sql->str);
}

static void
rank_share (Share *share)
{
  sqlite3_stmt *stmt = desk_sqlite_prepare_cached (share->db, share->statements, rank_sql (share));
  int           rc;

  bind_named_text (stmt, ":match", share->match);
  bind_named_text (stmt, ":seen", share->seen);
  bind_named_text (stmt, ":category", share->query->category);
  bind_named_text (stmt, ":locale", share->query->locale);
  bind_named_text (stmt, ":locale_language", share->query_language);
  bind_named_text (stmt, ":language", share->language);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":first"), share->first_id);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":last"), share->last_id);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), share->limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Ranked ranked = { sqlite3_column_int64 (stmt, 0), sqlite3_column_double (stmt, 1) };

      g_array_append_val (share->ranked, ranked);
    }
  if (rc != SQLITE_DONE)
    share->error_message = g_strdup (sqlite3_errmsg (share->db));
  sqlite3_reset (stmt);
}

static void
share_thread_cb (gpointer data, gpointer user_data)
{
  Share *share = data;

  rank_share (share);
  g_async_queue_push (share->done, share);
}

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a;
  const Ranked *y = b;

  if (x->score != y->score)
    return x->score < y->score ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Adds to @ids the best articles that match @match and the filters, up to
 * @limit ids in all, leaving out those already in @ids. */
static gboolean
rank_tier (sqlite3               **dbs,
           GHashTable            **statements,
           guint                   n_dbs,
           GThreadPool            *pool,
           const char             *match,
           const DeskArticleQuery *query,
           const char             *language,
           gboolean                other_languages,
           gint64                  first_id,
           gint64                  last_id,
           guint                   limit,
           GArray                 *ids,
           GError                **error)
{
  g_autoptr (GString) seen = g_string_new ("[");
  g_autoptr (GAsyncQueue) done = g_async_queue_new ();
  g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  g_autofree char *query_language = locale_language (query->locale);
  Share            shares[N_SHARES] = { 0 };
  gint64           span = (last_id - first_id) / n_dbs + 1;
  char            *error_message = NULL;

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (seen, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (ids, gint64, i));
  g_string_append_c (seen, ']');

  for (guint i = 0; i < n_dbs; i++)
    {
      shares[i] = (Share){
        .db = dbs[i],
        .statements = statements[i],
        .match = match,
        .seen = seen->str,
        .query = query,
        .language = language,
        .query_language = query_language,
        .other_languages = other_languages,
        .whole_table = n_dbs == 1,
        .first_id = first_id + i * span,
        .last_id = i + 1 == n_dbs ? last_id : first_id + (i + 1) * span - 1,
        .limit = limit - ids->len,
        .ranked = g_array_new (FALSE, FALSE, sizeof (Ranked)),
        .done = done,
      };
      if (i > 0)
        g_thread_pool_push (pool, &shares[i], NULL);
    }
  rank_share (&shares[0]);
  for (guint i = 1; i < n_dbs; i++)
    g_async_queue_pop (done);

  for (guint i = 0; i < n_dbs; i++)
    {
      g_array_append_vals (ranked, shares[i].ranked->data, shares[i].ranked->len);
      g_array_unref (shares[i].ranked);
      if (error_message == NULL)
        error_message = g_steal_pointer (&shares[i].error_message);
      g_free (shares[i].error_message);
    }

  if (error_message != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Search failed: %s", error_message);
      g_free (error_message);
      return FALSE;
    }

  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < ranked->len && ids->len < limit; i++)
    g_array_append_val (ids, g_array_index (ranked, Ranked, i).id);

  return TRUE;
}

static const char hits_sql[] =
    "SELECT a.id, a.title, highlight(articles_fts, 0, char(1), char(2)),"
    " snippet(articles_fts, 1, char(1), char(2), '…', 16), a.category, a.locale, a.url"
    " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
    " WHERE articles_fts MATCH ?1 AND articles_fts.rowid IN (SELECT value FROM json_each(?2))";

/* The titles and snippets of the ranked ids, in their order. */
static GPtrArray *
load_hits (sqlite3 *db, GHashTable *statements, const char *match, GArray *ids)
{
  g_autoptr (GPtrArray) hits =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_hit_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GString) json = g_string_new ("[");
  sqlite3_stmt *stmt = desk_sqlite_prepare_cached (db, statements, hits_sql);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (ids, gint64, i));
  g_string_append_c (json, ']');

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, json->str, -1, SQLITE_STATIC);
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

static void
id_range (sqlite3 *db, gint64 *first_id, gint64 *last_id)
{
  sqlite3_stmt *stmt = NULL;

  *first_id = 0;
  *last_id = -1;
  if (sqlite3_prepare_v2 (db, "SELECT min(id), max(id) FROM articles", -1, &stmt, NULL) ==
          SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *first_id = sqlite3_column_int64 (stmt, 0);
      *last_id = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
}

GPtrArray *
_desk_article_search_query (sqlite3               **dbs,
                            GHashTable            **statements,
                            guint                   n_dbs,
                            GThreadPool            *pool,
                            const DeskArticleQuery *query,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *match = NULL;
  g_autofree char *title_match = NULL;
  g_autofree char *language = NULL;
  gint64           first_id;
  gint64           last_id;
  guint            limit;

  g_return_val_if_fail (n_dbs >= 1 && n_dbs <= N_SHARES, NULL);
  g_return_val_if_fail (n_dbs == 1 || pool != NULL, NULL);

  match = query->any_word ? _desk_store_fts_any_word_query (query->text)
                          : _desk_store_fts_query (query->text);
  if (match == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_hit_free);

  limit = query->limit > 0 ? query->limit : 20;
  title_match = g_strdup_printf ("{title} : (%s)", match);
  language = locale_language (query->prefer_locale);
  if (language != NULL && *language == '\0')
    g_clear_pointer (&language, g_free);
  id_range (dbs[0], &first_id, &last_id);

  /* Articles in the customer's language come first, and among them those
   * that match in the title, then those that match in the body only. A
   * title tier also keeps a short prefix fast: bm25 then ranks the articles
   * whose titles match, not every article that mentions it. A suggestion's
   * many words rank as one tier. */
  for (guint pass = 0; pass < (language != NULL ? 2 : 1) && ids->len < limit; pass++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!query->any_word &&
          !rank_tier (dbs, statements, n_dbs, pool, title_match, query, language, pass == 1,
                      first_id, last_id, limit, ids, error))
        return NULL;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (ids->len < limit && !rank_tier (dbs, statements, n_dbs, pool, match, query, language,
                                          pass == 1, first_id, last_id, limit, ids, error))
        return NULL;
    }

  return load_hits (dbs[0], statements[0], match, ids);
}

static void
desk_article_search_finalize (GObject *object)
{
  DeskArticleSearch *self = DESK_ARTICLE_SEARCH (object);

  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  for (guint i = 0; i < N_SHARES; i++)
    {
      g_clear_pointer (&self->statements[i], g_hash_table_unref);
      sqlite3_close (self->dbs[i]);
    }
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

  for (guint i = 0; i < N_SHARES; i++)
    {
      if (sqlite3_open_v2 (cache_path, &self->dbs[i], SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open the cache %s: %s",
                       cache_path, sqlite3_errmsg (self->dbs[i]));
          return NULL;
        }
      sqlite3_busy_timeout (self->dbs[i], 2000);
      /* FTS5 reads its big doclists as blobs, which bypass the page cache
       * and came from the file at every search: mapped, they cost a third. */
      sqlite3_exec (self->dbs[i], "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
      self->statements[i] = desk_sqlite_statement_cache_new ();
      if (!desk_fts_tokenizer_register (self->dbs[i], error))
        return NULL;
    }

  self->pool = g_thread_pool_new (share_thread_cb, NULL, N_SHARES - 1, TRUE, error);
  if (self->pool == NULL)
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

  return _desk_article_search_query (self->dbs, self->statements, N_SHARES, self->pool, query,
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
