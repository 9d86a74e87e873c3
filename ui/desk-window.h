/* desk-window.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "desk-application.h"

G_BEGIN_DECLS

#define DESK_TYPE_WINDOW (desk_window_get_type ())

G_DECLARE_FINAL_TYPE (DeskWindow, desk_window, DESK, WINDOW, AdwApplicationWindow)

DeskWindow *desk_window_new (DeskApplication *application);
gboolean    desk_window_get_side_panel_visible (DeskWindow *self);
void        desk_window_open_ticket (DeskWindow *self, gint64 ticket_id);
void        desk_window_show_view (DeskWindow *self, const char *view_id);
gint64      desk_window_get_ticket_id (DeskWindow *self);
void        desk_window_set_side_panel_visible (DeskWindow *self, gboolean side_panel_visible);

G_END_DECLS
