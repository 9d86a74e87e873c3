/* test-ui-application.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-application"

#include "config.h"

#include "desk-application.h"
#include "desk-preferences-window.h"
#include "desk-window.h"
#include "desk-test-ui.h"

/* One application for the whole program, as in a real process: it is
 * exported on the session bus once. */
static DeskApplication *
start_application (void)
{
  static DeskApplication *app;

  if (app == NULL)
    {
      g_autoptr (GError) error = NULL;

      /* Non-unique so that parallel test processes do not become each
       * other's remote instance. */
      app = desk_application_new (G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
      g_application_hold (G_APPLICATION (app));
    }

  return app;
}

static DeskWindow *
activate_and_wait_for_page (DeskApplication *app, gboolean show_desk)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (DESK_IS_WINDOW (window));

  /* Without a server or a saved account the window offers the first-run
   * page; these tests look at the desk behind it. */
  while (!desk_application_get_needs_account (app))
    g_main_context_iteration (NULL, TRUE);
  if (show_desk)
    gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                                          GTK_WIDGET (window), DESK_TYPE_WINDOW, "main_stack")),
                                      "desk");
  desk_test_wait_for_draw (GTK_WIDGET (window));

  return DESK_WINDOW (window);
}

static DeskWindow *
activate_and_wait (DeskApplication *app)
{
  return activate_and_wait_for_page (app, TRUE);
}

static void
close_all_windows (DeskApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))))
    gtk_window_destroy (windows->data);
  desk_test_iterate ();
}

/* A first start offers the demo and a sign-in, and says what is wrong
 * with an address that is not one. */
static void
test_first_run (void)
{
  DeskApplication *app = start_application ();
  DeskWindow      *window = activate_and_wait_for_page (app, FALSE);
  GtkStack        *stack = GTK_STACK (
             gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "main_stack"));
  GtkLabel *error = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "sign_in_error"));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-welcome.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sign-in", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "sign-in");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (
                             GTK_WIDGET (window), DESK_TYPE_WINDOW, "server_row")),
                         "ftp://desk.example");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (
                             GTK_WIDGET (window), DESK_TYPE_WINDOW, "token_row")),
                         "secret");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  while (!gtk_widget_get_visible (GTK_WIDGET (error)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (gtk_label_get_text (error), "is not a server address"));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-sign-in.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-welcome", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");

  close_all_windows (app);
}

static void
assert_status_page (DeskWindow *window, const char *child_name)
{
  GObject *status =
      gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, child_name);

  g_assert_true (ADW_IS_STATUS_PAGE (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), !=, "");
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (status)));
  g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (status))), >, 20);
}

static void
test_window_panes (void)
{
  DeskApplication *app = start_application ();
  g_autofree char *png = NULL;
  DeskWindow      *window = activate_and_wait (app);
  GtkWidget       *leaflet;
  GtkWidget       *inbox_empty;
  GtkWidget       *conversation_empty;

  leaflet =
      GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "leaflet"));
  g_assert_true (ADW_IS_LEAFLET (leaflet));
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));

  for (guint i = 0; i < 3; i++)
    {
      static const char *panes[] = { "sidebar_pane", "inbox_pane", "conversation_pane" };
      GtkWidget         *pane = GTK_WIDGET (
                  gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, panes[i]));

      g_assert_true (gtk_widget_get_mapped (pane));
      g_assert_cmpint (gtk_widget_get_width (pane), >, 100);
    }

  assert_status_page (window, "inbox_empty");
  assert_status_page (window, "conversation_empty");
  assert_status_page (window, "training_empty");

  inbox_empty = GTK_WIDGET (
      gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "inbox_empty"));
  conversation_empty = GTK_WIDGET (
      gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "conversation_empty"));
  g_assert_true (gtk_widget_get_mapped (inbox_empty));
  g_assert_true (gtk_widget_get_mapped (conversation_empty));

  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-window.png");
  png = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshot-window.png", NULL);
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));

  close_all_windows (app);
}

static void
test_window_folds_when_narrow (void)
{
  DeskApplication *app = start_application ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  GObject    *leaflet;
  DeskWindow *window;

  g_settings_set (settings, "window-size", "(ii)", 400, 640);
  window = activate_and_wait (app);

  leaflet = gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "leaflet");
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));

  /* Going back from the inbox shows the views. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-views", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (leaflet)), ==, "sidebar");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-inbox", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ADW_LEAFLET (leaflet)), ==, "inbox");

  close_all_windows (app);
  g_settings_reset (settings, "window-size");
}

static void
test_window_geometry_persists (void)
{
  DeskApplication *app = start_application ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  DeskWindow *window = activate_and_wait (app);
  GObject    *paned;
  int         width;
  int         height;

  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 900);
  paned = gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "side_panel_paned");
  gtk_paned_set_position (GTK_PANED (paned), 500);
  gtk_window_close (GTK_WINDOW (window));
  desk_test_iterate ();

  g_settings_get (settings, "window-size", "(ii)", &width, &height);
  g_assert_cmpint (width, ==, 1500);
  g_assert_cmpint (height, ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "side-panel-position"), ==, 500);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* A new window opens with what was saved. */
  window = activate_and_wait (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1500);
  paned = gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, "side_panel_paned");
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (paned)), ==, 500);

  close_all_windows (app);
  g_settings_reset (settings, "window-size");
  g_settings_reset (settings, "side-panel-position");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
test_application_actions (void)
{
  DeskApplication *app = start_application ();
  DeskWindow      *window = activate_and_wait (app);
  GtkWindow       *dialog;

  static const struct
  {
    const char *action;
    const char *type_name;
  } dialogs[] = {
    { "about", "AdwAboutWindow" },
    { "preferences", "DeskPreferencesWindow" },
    { "shortcuts", "GtkShortcutsWindow" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
    {
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), dialogs[i].action));
      g_action_group_activate_action (G_ACTION_GROUP (app), dialogs[i].action, NULL);
      dialog = find_toplevel (g_type_from_name (dialogs[i].type_name));
      g_assert_nonnull (dialog);
      desk_test_wait_for_draw (GTK_WIDGET (dialog));
      g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
      gtk_window_destroy (dialog);
      desk_test_iterate ();
      g_assert_null (find_toplevel (g_type_from_name (dialogs[i].type_name)));
    }

  /* The side panel toggle is a window action bound to GSettings. */
  g_assert_true (desk_window_get_side_panel_visible (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-side-panel", NULL);
  g_assert_false (desk_window_get_side_panel_visible (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-side-panel", NULL);
  g_assert_true (desk_window_get_side_panel_visible (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  desk_test_iterate ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  /* A second activation (a second launch) raises, it does not add a window. */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  desk_test_iterate ();
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static void
test_preferences_color_scheme (void)
{
  DeskApplication *app = start_application ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  AdwStyleManager       *style = adw_style_manager_get_default ();
  DeskPreferencesWindow *preferences;
  GObject               *row;
  g_autofree char       *scheme = NULL;

  preferences = desk_preferences_window_new (app);
  gtk_window_present (GTK_WINDOW (preferences));
  row = gtk_widget_get_template_child (GTK_WIDGET (preferences), DESK_TYPE_PREFERENCES_WINDOW,
                                       "color_scheme_row");

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  scheme = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (settings, "color-scheme", "default");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_all_windows (app);
}

int
main (int argc, char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/Desk/UI/Window/panes", test_window_panes);
  g_test_add_func ("/Desk/UI/Window/first-run", test_first_run);
  g_test_add_func ("/Desk/UI/Window/folds-when-narrow", test_window_folds_when_narrow);
  g_test_add_func ("/Desk/UI/Window/geometry-persists", test_window_geometry_persists);
  g_test_add_func ("/Desk/UI/Application/actions", test_application_actions);
  g_test_add_func ("/Desk/UI/Preferences/color-scheme", test_preferences_color_scheme);

  return g_test_run ();
}
