/* desk-preview-header.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DESK_TYPE_PREVIEW_HEADER (desk_preview_header_get_type ())

G_DECLARE_FINAL_TYPE (DeskPreviewHeader, desk_preview_header, DESK, PREVIEW_HEADER, GtkWidget)

const char *desk_preview_header_get_title (DeskPreviewHeader *self);
void        desk_preview_header_set_title (DeskPreviewHeader *self, const char *title);
const char *desk_preview_header_get_subtitle (DeskPreviewHeader *self);
void        desk_preview_header_set_subtitle (DeskPreviewHeader *self, const char *subtitle);

G_END_DECLS
