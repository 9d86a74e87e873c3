/* desk-fts-tokenizer.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The name full-text tables give in tokenize='…': unicode61 that also splits
 * Chinese and Japanese text into characters. Takes unicode61's arguments. */
#define DESK_FTS_TOKENIZER "desk"

/* Makes the tokenizer known to @db; needed on every connection before a
 * table that uses it is read or written. */
gboolean desk_fts_tokenizer_register (sqlite3 *db, GError **error);

G_END_DECLS
