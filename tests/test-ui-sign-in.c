/* test-ui-sign-in.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-sign-in"

#include "config.h"

#include "desk-application-private.h"
#include "desk-test-server.h"
#include "desk-test-ui.h"
#include "desk-window.h"

/* A first start against the real reference server: the welcome page, a
 * refused token with its reason, then the right one and the desk. */

static DeskTestServer *server;

static gpointer
child (DeskWindow *window, const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, name);
}

static const char *
page (DeskWindow *window)
{
  return gtk_stack_get_visible_child_name (child (window, "main_stack"));
}

static guint
inbox_rows (DeskWindow *window)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (window, "inbox_list")));

  return model ? g_list_model_get_n_items (model) : 0;
}

static void
test_sign_in (void)
{
  g_autoptr (DeskApplication) app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *saved = NULL;
  GtkLabel        *reason;
  DeskWindow      *window;

  g_settings_set_string (settings, "last-view", "all-open");
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = DESK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  reason = child (window, "sign_in_error");

  /* Nothing saved: the first-run page. */
  WAIT_FOR (g_strcmp0 (page (window), "welcome") == 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sign-in", NULL);
  g_assert_cmpstr (page (window), ==, "sign-in");

  /* A token the server does not know: refused, and said so. */
  gtk_editable_set_text (child (window, "server_row"), desk_test_server_get_base_url (server));
  gtk_editable_set_text (child (window, "token_row"), "not-a-token");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (reason)));
  g_assert_nonnull (strstr (gtk_label_get_text (reason), "refused this token"));
  g_assert_cmpstr (page (window), ==, "sign-in");

  /* The agent's token: the desk, synced from the server. */
  gtk_editable_set_text (child (window, "token_row"),
                         desk_test_server_get_token (server, DESK_ROLE_AGENT));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  WAIT_FOR (g_strcmp0 (page (window), "desk") == 0);
  g_assert_false (desk_application_get_needs_account (app));
  WAIT_FOR (inbox_rows (window) > 0);
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-signed-in.png");

  /* The token is taken back: the next sync is refused, and the desk asks
   * for a new token for the same server, saying why. */
  desk_test_server_revoke_token (server, desk_test_server_get_token (server, DESK_ROLE_AGENT));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  WAIT_FOR (g_strcmp0 (page (window), "sign-in") == 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (reason)));
  g_assert_nonnull (strstr (gtk_label_get_text (reason), "The server refused your token"));
  g_assert_cmpstr (gtk_editable_get_text (child (window, "server_row")), ==,
                   desk_test_server_get_base_url (server));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-token-refused.png");

  gtk_editable_set_text (child (window, "token_row"),
                         desk_test_server_get_token (server, DESK_ROLE_LEAD));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  WAIT_FOR (g_strcmp0 (page (window), "desk") == 0);
  WAIT_FOR (desk_application_get_role (app) == DESK_ROLE_LEAD);

  /* The account is kept for the next start (no keyring here: a file only
   * the person can read). */
  saved = g_build_filename (g_get_user_config_dir (), "agent-desk", NULL);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_DIR));

  gtk_window_destroy (GTK_WINDOW (window));
  desk_test_iterate ();
  g_application_quit (G_APPLICATION (app));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("desk-sign-in-XXXXXX", &error);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *config_home = g_build_filename (home, "config", NULL);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_unsetenv ("AGENT_DESK_TOKEN");

  desk_test_init (&argc, &argv);
  server = desk_test_server_new ();

  g_test_add_func ("/Desk/UI/SignIn/first-run", test_sign_in);
  status = g_test_run ();

  desk_test_server_stop (server);
  {
    const char *rm[] = { "rm", "-rf", home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }

  return status;
}
