/* desk-text-line.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DESK_TYPE_TEXT_LINE (desk_text_line_get_type ())

G_DECLARE_FINAL_TYPE (DeskTextLine, desk_text_line, DESK, TEXT_LINE, GtkWidget)

GtkWidget  *desk_text_line_new (guint max_lines, guint natural_chars);
void        desk_text_line_set_text (DeskTextLine *self, const char *text);
void        desk_text_line_set_markup (DeskTextLine *self, const char *markup);
const char *desk_text_line_get_text (DeskTextLine *self);
guint       desk_text_line_get_n_lines (DeskTextLine *self);
gboolean    desk_text_line_is_ellipsized (DeskTextLine *self);

G_END_DECLS
