/* desk-inbox-model.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-store.h"
#include "desk-ticket.h"

G_BEGIN_DECLS

#define DESK_TYPE_INBOX_MODEL (desk_inbox_model_get_type ())

G_DECLARE_FINAL_TYPE (DeskInboxModel, desk_inbox_model, DESK, INBOX_MODEL, GObject)

/* A GListModel of DeskTicket for one inbox view, lazy over the cache: it
 * holds the ordered ids (the first few hundred at once, the rest when they
 * are scrolled to) and makes a DeskTicket only for rows that are asked for.
 * It follows the store and emits exact items-changed. */
DeskInboxModel *desk_inbox_model_new (DeskStore *store);
void            desk_inbox_model_set_filter (DeskInboxModel *self, const DeskInboxFilter *filter);
void            desk_inbox_model_set_sort (DeskInboxModel *self, DeskInboxSort sort);
DeskInboxSort   desk_inbox_model_get_sort (DeskInboxModel *self);
void            desk_inbox_model_refresh (DeskInboxModel *self);

/* A view at once, its filter and its sort. */
gboolean desk_inbox_model_shows_view (DeskInboxModel        *self,
                                      const DeskInboxFilter *filter,
                                      DeskInboxSort          sort);
void
desk_inbox_model_set_view (DeskInboxModel *self, const DeskInboxFilter *filter, DeskInboxSort sort);

G_END_DECLS
