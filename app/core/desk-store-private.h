/* desk-store-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "desk-store.h"

G_BEGIN_DECLS

/* The number of schema versions, and a way for the tests to build a cache
 * as an older version left it, to check each migration from there. */
guint    _desk_store_get_n_migrations (void);
gboolean _desk_store_migrate (sqlite3 *db, int target_version, GError **error);
char    *_desk_store_fts_query (const char *text);
char    *_desk_store_fts_any_word_query (const char *text);

G_END_DECLS
