/* desk-application.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DESK_TYPE_APPLICATION (desk_application_get_type ())
#define DESK_APPLICATION_DEFAULT (DESK_APPLICATION (g_application_get_default ()))

G_DECLARE_FINAL_TYPE (DeskApplication, desk_application, DESK, APPLICATION, AdwApplication)

DeskApplication *desk_application_new (GApplicationFlags flags);
GSettings       *desk_application_get_settings (DeskApplication *self);
gboolean         desk_application_get_demo (DeskApplication *self);
const char      *desk_application_get_server_url (DeskApplication *self);

G_END_DECLS
