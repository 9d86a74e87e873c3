/* desk-article-search-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "desk-article-search.h"

G_BEGIN_DECLS

/* Ranks @query on @n_dbs connections to one cache, each taking its share of
 * the articles; the first runs on the calling thread, the others on @pool
 * (NULL when @n_dbs is 1). @statements are their statement caches. */
GPtrArray *_desk_article_search_query (sqlite3               **dbs,
                                       GHashTable            **statements,
                                       guint                   n_dbs,
                                       GThreadPool            *pool,
                                       const DeskArticleQuery *query,
                                       GCancellable           *cancellable,
                                       GError                **error);

G_END_DECLS
