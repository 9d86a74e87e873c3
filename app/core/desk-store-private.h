/* desk-store-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "desk-store.h"
#include "desk-term-counts.h"

G_BEGIN_DECLS

/* The number of schema versions, and a way for the tests to build a cache
 * as an older version left it, to check each migration from there. */
guint    _desk_store_get_n_migrations (void);
gboolean _desk_store_migrate (sqlite3 *db, int target_version, GError **error);
char    *_desk_store_fts_query (const char *text);

/* The words of a ticket's text that suggestions look for: each once,
 * lower case and without accents, stop words and words under three
 * letters left out, Chinese as pairs of neighbouring characters. */
GPtrArray *_desk_store_suggestion_terms (const char *text);

/* Any of the rarest suggestion terms of @text, by the number of rows of
 * the full-text table of @counts that hold each; NULL when none is there. */
char *_desk_store_fts_any_word_query (DeskTermCounts *counts, const char *text);

G_END_DECLS
