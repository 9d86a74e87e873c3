/* desk-fts-rank.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-fts-rank"

#include "config.h"

#include <math.h>

#include "desk-fts-rank.h"

/* bm25 divides each row's term frequencies by the row's length, which FTS5
 * reads from the table's docsize records: a B-tree lookup a matching row,
 * three quarters of the time bm25 takes when two short prefixes match most
 * of the knowledge base. Yet a query keeps only its best few rows.
 *
 * desk_bm25_best(table, n, weight, …) gives the same scores as
 * bm25(table, weight, …) to every row that can still be among the best n
 * so far, and reads the lengths of those rows only. A row's positions,
 * which it reads anyway, tell how long the row is at least (its last match
 * in each column); with that length its score can be no better than a
 * bound. When the bound is already worse than the n-th best score so far,
 * the row gets the bound: still worse than n rows, it stays out of an
 * "ORDER BY score, rowid LIMIT n" as its real score would have.
 *
 * That holds when the function scores each row once, in rowid order, and
 * only rows that the query keeps: it must appear as a result column that
 * ORDER BY names, with every other condition in WHERE. */

#define K1 1.2
#define B 0.75

typedef struct
{
  int           n_phrases;
  int           n_best;     /* the n of the query */
  int           n_scored;   /* how many of best hold a score */
  sqlite3_int64 last_rowid; /* the row last scored, and its score */
  double        last_score;
  double        average_length;
  double       *idf;    /* of each phrase */
  double       *best;   /* the best scores so far, a heap with the worst first */
  double       *counts; /* of each phrase in the row, weighted by column */
  int          *ends;   /* of each column: 1 + the last match's offset */
} Bm25Data;

static void
bm25_data_free (gpointer user_data)
{
  Bm25Data *data = user_data;

  g_free (data->idf);
  g_free (data->best);
  g_free (data->counts);
  g_free (data->ends);
  g_free (data);
}

static int
count_row_cb (const Fts5ExtensionApi *api, Fts5Context *fts, void *user_data)
{
  (*(sqlite3_int64 *) user_data)++;
  return SQLITE_OK;
}

/* The query's statistics, as bm25 computes them. */
static Bm25Data *
bm25_data_new (const Fts5ExtensionApi *api, Fts5Context *fts, int n_best, int *rc)
{
  Bm25Data     *data = g_new0 (Bm25Data, 1);
  sqlite3_int64 n_rows = 0;
  sqlite3_int64 n_tokens = 0;

  data->n_phrases = api->xPhraseCount (fts);
  data->n_best = MAX (n_best, 0);
  data->last_rowid = G_MININT64;
  data->idf = g_new0 (double, data->n_phrases);
  data->counts = g_new0 (double, data->n_phrases);
  data->best = g_new0 (double, data->n_best + 1);
  data->ends = g_new0 (int, api->xColumnCount (fts));

  *rc = api->xRowCount (fts, &n_rows);
  if (*rc == SQLITE_OK)
    *rc = api->xColumnTotalSize (fts, -1, &n_tokens);
  data->average_length = n_rows > 0 ? (double) n_tokens / n_rows : 0;
  for (int i = 0; i < data->n_phrases && *rc == SQLITE_OK; i++)
    {
      sqlite3_int64 n_hits = 0;
      double        idf;

      *rc = api->xQueryPhrase (fts, i, &n_hits, count_row_cb);
      idf = log ((n_rows - n_hits + 0.5) / (n_hits + 0.5));
      data->idf[i] = idf > 0 ? idf : 1e-6;
    }

  return data;
}

/* bm25's score of a row of @length tokens, from data->counts. */
static double
score_of_length (const Bm25Data *data, double length)
{
  double score = 0;

  for (int i = 0; i < data->n_phrases; i++)
    score += data->idf[i] * data->counts[i] * (K1 + 1) /
             (data->counts[i] + K1 * (1 - B + B * length / data->average_length));

  return -score;
}

/* Keeps @score among the n best; data->best[0] is the worst of them. */
static void
add_best (Bm25Data *data, double score)
{
  int i;

  if (data->n_scored < data->n_best)
    i = data->n_scored++;
  else if (score < data->best[0])
    {
      /* Replace the root, then sift it down. */
      i = 0;
      for (;;)
        {
          int child = 2 * i + 1;

          if (child >= data->n_best)
            break;
          if (child + 1 < data->n_best && data->best[child + 1] > data->best[child])
            child++;
          if (data->best[child] <= score)
            break;
          data->best[i] = data->best[child];
          i = child;
        }
      data->best[i] = score;
      return;
    }
  else
    return;

  /* Sift up. */
  while (i > 0 && data->best[(i - 1) / 2] < score)
    {
      data->best[i] = data->best[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  data->best[i] = score;
}

static int
score_row (const Fts5ExtensionApi *api,
           Fts5Context            *fts,
           Bm25Data               *data,
           int                     n_weights,
           sqlite3_value         **weights,
           double                 *score)
{
  int n_columns = api->xColumnCount (fts);
  int shortest = 0;
  int length;
  int rc = SQLITE_OK;

  memset (data->ends, 0, n_columns * sizeof (int));
  for (int i = 0; i < data->n_phrases && rc == SQLITE_OK; i++)
    {
      Fts5PhraseIter iter;
      int            column;
      int            offset;

      data->counts[i] = 0;
      rc = api->xPhraseFirst (fts, i, &iter, &column, &offset);
      for (; rc == SQLITE_OK && column >= 0; api->xPhraseNext (fts, &iter, &column, &offset))
        {
          data->counts[i] += column < n_weights ? sqlite3_value_double (weights[column]) : 1.0;
          data->ends[column] = MAX (data->ends[column], offset + 1);
        }
    }
  if (rc != SQLITE_OK)
    return rc;

  if (data->n_scored == data->n_best)
    {
      double bound;

      for (int column = 0; column < n_columns; column++)
        shortest += data->ends[column];
      bound = score_of_length (data, shortest);
      /* A margin for rounding: a bound must not pass for a better score. */
      if (bound > data->best[0] + 1e-9 * fabs (data->best[0]))
        {
          *score = bound;
          return SQLITE_OK;
        }
    }

  rc = api->xColumnSize (fts, -1, &length);
  if (rc != SQLITE_OK)
    return rc;
  *score = score_of_length (data, length);
  add_best (data, *score);

  return SQLITE_OK;
}

static void
bm25_best (const Fts5ExtensionApi *api,
           Fts5Context            *fts,
           sqlite3_context        *context,
           int                     n_values,
           sqlite3_value         **values)
{
  Bm25Data     *data = api->xGetAuxdata (fts, 0);
  sqlite3_int64 rowid = api->xRowid (fts);
  int           rc = SQLITE_OK;

  if (n_values < 1)
    {
      sqlite3_result_error (context, "desk_bm25_best() wants the number of rows to keep", -1);
      return;
    }

  if (data == NULL)
    {
      data = bm25_data_new (api, fts, sqlite3_value_int (values[0]), &rc);
      if (rc == SQLITE_OK)
        rc = api->xSetAuxdata (fts, data, bm25_data_free);
      else
        bm25_data_free (data);
    }

  /* A row scored again is not a new row among the best. */
  if (rc == SQLITE_OK && rowid != data->last_rowid)
    {
      rc = score_row (api, fts, data, n_values - 1, values + 1, &data->last_score);
      data->last_rowid = rowid;
    }

  if (rc == SQLITE_OK)
    sqlite3_result_double (context, data->last_score);
  else
    sqlite3_result_error_code (context, rc);
}

static fts5_api *
get_fts5_api (sqlite3 *db)
{
  fts5_api     *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  return api;
}

gboolean
desk_fts_rank_register (sqlite3 *db, GError **error)
{
  fts5_api *api = get_fts5_api (db);

  if (api == NULL ||
      api->xCreateFunction (api, "desk_bm25_best", NULL, bm25_best, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "This SQLite has no full-text search (FTS5)");
      return FALSE;
    }

  return TRUE;
}
