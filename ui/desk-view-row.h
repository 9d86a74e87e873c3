/* desk-view-row.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DESK_TYPE_VIEW_ROW (desk_view_row_get_type ())

G_DECLARE_FINAL_TYPE (DeskViewRow, desk_view_row, DESK, VIEW_ROW, GtkListBoxRow)

const char *desk_view_row_get_view_id (DeskViewRow *self);
void        desk_view_row_set_count (DeskViewRow *self, gint64 count);
const char *desk_view_row_get_title (DeskViewRow *self);

G_END_DECLS
