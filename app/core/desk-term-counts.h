/* desk-term-counts.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _DeskTermCounts DeskTermCounts;

/* How many rows of a full-text table hold a token, as its fts5vocab table
 * counts them, remembered by one connection until the cache changes:
 * counting walks the token's whole list of rows, a millisecond for a word
 * in every article, and the words of customers' messages come again. */
DeskTermCounts *desk_term_counts_new (sqlite3 *db, const char *fts_table, GError **error);
void            desk_term_counts_free (DeskTermCounts *self);

/* The number of rows that hold @token: a token as the table's tokenizer
 * makes them (lower case, without accents, one Chinese character). */
gint64 desk_term_counts_lookup (DeskTermCounts *self, const char *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskTermCounts, desk_term_counts_free)

G_END_DECLS
