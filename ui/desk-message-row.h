/* desk-message-row.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "desk-message.h"

G_BEGIN_DECLS

#define DESK_TYPE_MESSAGE_ROW (desk_message_row_get_type ())

G_DECLARE_FINAL_TYPE (DeskMessageRow, desk_message_row, DESK, MESSAGE_ROW, GtkWidget)

void desk_message_row_set_message (DeskMessageRow *self, DeskMessage *message);
void desk_message_row_set_can_save_as_canned (DeskMessageRow *self, gboolean can_save);
void desk_message_row_update_time (DeskMessageRow *self, gint64 now);

G_END_DECLS
