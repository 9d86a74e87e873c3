/* desk-article-search.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_ARTICLE_SEARCH (desk_article_search_get_type ())

G_DECLARE_FINAL_TYPE (DeskArticleSearch, desk_article_search, DESK, ARTICLE_SEARCH, GObject)

/* Knowledge-base search off the main thread, on a read-only connection of
 * its own to the cache: a search as the agent types never holds up a frame. */
DeskArticleSearch *desk_article_search_new (const char *cache_path, GError **error);

/* Blocks; safe from any thread, one search at a time. Returns the hits
 * (DeskArticleHit) best first. */
GPtrArray *desk_article_search_run (DeskArticleSearch      *self,
                                    const DeskArticleQuery *query,
                                    GCancellable           *cancellable,
                                    GError                **error);

void desk_article_search_run_async (DeskArticleSearch      *self,
                                    const DeskArticleQuery *query,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data);
GPtrArray *
desk_article_search_run_finish (DeskArticleSearch *self, GAsyncResult *result, GError **error);

G_END_DECLS
