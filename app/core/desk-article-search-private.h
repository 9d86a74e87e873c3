/* desk-article-search-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "desk-article-search.h"
#include "desk-term-counts.h"

G_BEGIN_DECLS

/* Ranks @query on @db, a connection to a cache, with @statements its
 * statement cache and @article_terms the counts of articles_fts's words. */
GPtrArray *_desk_article_search_query (sqlite3                *db,
                                       GHashTable             *statements,
                                       DeskTermCounts         *article_terms,
                                       const DeskArticleQuery *query,
                                       GCancellable           *cancellable,
                                       GError                **error);

G_END_DECLS
