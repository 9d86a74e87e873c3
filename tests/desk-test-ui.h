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
gboolean   desk_test_click_notification (GApplication *app, const char *id);
void       desk_test_iterate (void);
void       desk_test_wait_for_draw (GtkWidget *widget);
void       desk_test_save_screenshot (GtkWidget *widget, const char *filename);
gboolean   desk_test_timed_out_cb (gpointer user_data);

typedef gboolean (*DeskTestWidgetMatch) (GtkWidget *widget, gconstpointer data);
GtkWidget *desk_test_find_widget (GtkWidget          *root,
                                  gboolean            visible_only,
                                  DeskTestWidgetMatch match,
                                  gconstpointer       data);

/* Runs the main loop until @condition holds (checked after each
 * iteration), then asserts it; fails after 15 s. */
#define WAIT_FOR(condition)                                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gboolean timed_out = FALSE;                                                                    \
    guint    source = g_timeout_add_seconds (15, desk_test_timed_out_cb, &timed_out);              \
    while (!(condition) && !timed_out)                                                             \
      g_main_context_iteration (NULL, TRUE);                                                       \
    if (!timed_out)                                                                                \
      g_source_remove (source);                                                                    \
    g_assert_true (condition);                                                                     \
  }                                                                                                \
  G_STMT_END

G_END_DECLS
