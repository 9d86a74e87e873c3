/* desk-fts-tokenizer.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-fts-tokenizer"

#include "config.h"

#include "desk-fts-tokenizer.h"

/* unicode61 splits words at spaces and punctuation, but Chinese and Japanese
 * put no spaces between words: a whole sentence became one token, and
 * "提现" never found "如何提现到银行卡". This tokenizer wraps unicode61
 * and makes each Han, Hiragana or Katakana character a token of its own;
 * FTS5 phrase queries then match a word of any length as adjacent
 * characters, with offsets that keep snippets and highlights in place. */

typedef struct
{
  fts5_tokenizer inner_api;
  Fts5Tokenizer *inner;
} DeskTokenizer;

typedef struct
{
  void *ctx;
  int (*emit) (void *ctx, int flags, const char *token, int n_token, int start, int end);
} SplitContext;

static gboolean
is_ideographic (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA ||
         script == G_UNICODE_SCRIPT_KATAKANA;
}

static int
split_token_cb (void *user_data, int flags, const char *token, int n_token, int start, int end)
{
  SplitContext *split = user_data;
  /* Offsets inside the token map to the text only when folding kept its
   * length; otherwise each piece highlights the whole word. */
  gboolean    same_length = n_token == end - start;
  const char *run = NULL;
  const char *p = token;
  const char *token_end = token + n_token;
  gboolean    has_ideograph = FALSE;
  int         rc = SQLITE_OK;

  for (const char *q = token; q < token_end; q = g_utf8_next_char (q))
    if ((guchar) *q >= 0x80 && is_ideographic (g_utf8_get_char_validated (q, token_end - q)))
      {
        has_ideograph = TRUE;
        break;
      }
  if (!has_ideograph)
    return split->emit (split->ctx, flags, token, n_token, start, end);

  while (p < token_end && rc == SQLITE_OK)
    {
      const char *next = g_utf8_next_char (p);
      gunichar    c = g_utf8_get_char_validated (p, token_end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (is_ideographic (c))
        {
          if (run != NULL)
            rc = split->emit (split->ctx, 0, run, p - run,
                              same_length ? start + (int) (run - token) : start,
                              same_length ? start + (int) (p - token) : end);
          run = NULL;
          if (rc == SQLITE_OK)
            rc = split->emit (split->ctx, 0, p, next - p,
                              same_length ? start + (int) (p - token) : start,
                              same_length ? start + (int) (next - token) : end);
        }
      else if (run == NULL)
        run = p;

      p = next;
    }

  if (run != NULL && rc == SQLITE_OK)
    rc =
        split->emit (split->ctx, 0, run, p - run, same_length ? start + (int) (run - token) : start,
                     same_length ? start + (int) (p - token) : end);

  return rc;
}

static int
desk_tokenizer_create (void *context, const char **args, int n_args, Fts5Tokenizer **out)
{
  fts5_api      *api = context;
  DeskTokenizer *self = g_new0 (DeskTokenizer, 1);
  void          *inner_context = NULL;
  int            rc;

  rc = api->xFindTokenizer (api, "unicode61", &inner_context, &self->inner_api);
  if (rc == SQLITE_OK)
    rc = self->inner_api.xCreate (inner_context, args, n_args, &self->inner);
  if (rc != SQLITE_OK)
    {
      g_free (self);
      return rc;
    }

  *out = (Fts5Tokenizer *) self;
  return SQLITE_OK;
}

static void
desk_tokenizer_delete (Fts5Tokenizer *tokenizer)
{
  DeskTokenizer *self = (DeskTokenizer *) tokenizer;

  self->inner_api.xDelete (self->inner);
  g_free (self);
}

static int
desk_tokenizer_tokenize (Fts5Tokenizer *tokenizer,
                         void          *ctx,
                         int            flags,
                         const char    *text,
                         int            n_text,
                         int (*emit) (void *, int, const char *, int, int, int))
{
  DeskTokenizer *self = (DeskTokenizer *) tokenizer;
  SplitContext   split = { ctx, emit };

  return self->inner_api.xTokenize (self->inner, &split, flags, text, n_text, split_token_cb);
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
desk_fts_tokenizer_register (sqlite3 *db, GError **error)
{
  static fts5_tokenizer tokenizer = {
    desk_tokenizer_create,
    desk_tokenizer_delete,
    desk_tokenizer_tokenize,
  };
  fts5_api *api = get_fts5_api (db);

  if (api == NULL || api->iVersion < 2 ||
      api->xCreateTokenizer (api, DESK_FTS_TOKENIZER, api, &tokenizer, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "This SQLite has no full-text search (FTS5)");
      return FALSE;
    }

  return TRUE;
}
