/* desk-result-row.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "desk-result-item.h"

G_BEGIN_DECLS

#define DESK_TYPE_RESULT_ROW (desk_result_row_get_type ())

G_DECLARE_FINAL_TYPE (DeskResultRow, desk_result_row, DESK, RESULT_ROW, GtkWidget)

GtkWidget      *desk_result_row_new (void);
DeskResultItem *desk_result_row_get_item (DeskResultRow *self);
void            desk_result_row_set_item (DeskResultRow *self, DeskResultItem *item);

G_END_DECLS
