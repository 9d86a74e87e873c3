/* desk-canned-search.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_CANNED_SEARCH (desk_canned_search_get_type ())

G_DECLARE_FINAL_TYPE (DeskCannedSearch, desk_canned_search, DESK, CANNED_SEARCH, GObject)

/* What the canned replies panel lists. NULL means "any". */
typedef struct
{
  const char *text;     /* the agent's search */
  const char *category; /* only replies of this category */
  guint       limit;
  gint64      suggest_for_ticket; /* 0, or the ticket whose customer's words to match */
  const char *ticket_subject;
  guint       suggest_limit;
} DeskCannedQuery;

/* The canned replies panel's queries off the main thread, on a connection
 * of its own to the cache (desk_store_find_canned() and
 * desk_store_suggest_canned(), run there). */
DeskCannedSearch *desk_canned_search_new (const char *cache_path, GError **error);

/* Blocks; safe from any thread, one search at a time. Returns the replies
 * (DeskCannedRecord) and, in @suggested, the suggestions for the ticket. */
GPtrArray *desk_canned_search_run (DeskCannedSearch      *self,
                                   const DeskCannedQuery *query,
                                   GPtrArray            **suggested,
                                   GCancellable          *cancellable,
                                   GError               **error);

void       desk_canned_search_run_async (DeskCannedSearch      *self,
                                         const DeskCannedQuery *query,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
GPtrArray *desk_canned_search_run_finish (DeskCannedSearch *self,
                                          GAsyncResult     *result,
                                          GPtrArray       **suggested,
                                          GError          **error);

G_END_DECLS
