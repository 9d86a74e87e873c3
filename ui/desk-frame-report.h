/* desk-frame-report.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DESK_TYPE_FRAME_REPORT (desk_frame_report_get_type ())

G_DECLARE_FINAL_TYPE (DeskFrameReport, desk_frame_report, DESK, FRAME_REPORT, GObject)

DeskFrameReport *desk_frame_report_new_from_environment (GtkWidget *widget);
void desk_frame_report_add (DeskFrameReport *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
