/* desk-test-ui.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void desk_test_init (int *argc, char ***argv);
/* What the app sent to the notifications service the tests run: strings
 * "id\ntitle\nbody". */
GPtrArray *desk_test_get_notifications (void);
void       desk_test_iterate (void);
void       desk_test_wait_for_draw (GtkWidget *widget);
void       desk_test_save_screenshot (GtkWidget *widget, const char *filename);

G_END_DECLS
