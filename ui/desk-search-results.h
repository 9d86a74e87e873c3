/* desk-search-results.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "desk-result-item.h"

G_BEGIN_DECLS

#define DESK_TYPE_SEARCH_RESULTS (desk_search_results_get_type ())

G_DECLARE_FINAL_TYPE (DeskSearchResults, desk_search_results, DESK, SEARCH_RESULTS, GtkWidget)

void            desk_search_results_set_items (DeskSearchResults *self, GPtrArray *items);
void            desk_search_results_show_empty (DeskSearchResults *self,
                                                const char        *title,
                                                const char        *description);
void            desk_search_results_set_heading (DeskSearchResults *self, const char *heading);
gboolean        desk_search_results_is_showing_items (DeskSearchResults *self);
GListModel     *desk_search_results_get_model (DeskSearchResults *self);
DeskResultItem *desk_search_results_dup_first (DeskSearchResults *self);
gboolean        desk_search_results_focus_first (DeskSearchResults *self);
void            desk_search_results_attach_entry (DeskSearchResults *self, GtkWidget *entry);

G_END_DECLS
