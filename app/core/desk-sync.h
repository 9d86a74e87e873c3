/* desk-sync.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-client.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_SYNC (desk_sync_get_type ())

G_DECLARE_FINAL_TYPE (DeskSync, desk_sync, DESK, SYNC, GObject)

/* Brings the cache up to date with the server, collection by collection,
 * page by page from each collection's cursor: a cache that has cursors only
 * fetches what changed. A first sync begins with the open work (open tickets,
 * then their messages; "open-work-synced" says when they are all in) and
 * then walks every collection as later syncs do.
 *
 * "done" counts the items applied, those the first sync brings twice
 * included, and "total-estimate" what the whole run should apply: the
 * server's figures are estimates, but "progress" never goes back. */
DeskSync *desk_sync_new (DeskClient *client, DeskStore *store);
void      desk_sync_set_page_size (DeskSync *self, guint page_size);
gboolean  desk_sync_get_running (DeskSync *self);
double    desk_sync_get_progress (DeskSync *self);
guint64   desk_sync_get_done (DeskSync *self);
guint64   desk_sync_get_total_estimate (DeskSync *self);

void     desk_sync_run_async (DeskSync           *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
gboolean desk_sync_run_finish (DeskSync *self, GAsyncResult *result, GError **error);

G_END_DECLS
