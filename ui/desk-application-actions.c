/* desk-application-actions.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-application-private.h"
#include "desk-preferences-window.h"
#include "desk-window.h"

static void
desk_application_actions_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GList           *windows;

  /* Close each window the normal way so that each saves its geometry. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))))
    gtk_window_destroy (windows->data);

  g_application_quit (G_APPLICATION (self));
}

static void
desk_application_actions_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GtkWindow       *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget       *about;

  static const char *developers[] = { "The Agent Desk authors", NULL };

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "application-name", _ ("Agent Desk"),
                        "application-icon", APP_ID, "developer-name", _ ("The Agent Desk authors"),
                        "version", PACKAGE_VERSION, "comments",
                        _ ("Tickets and live chats in one inbox, with the knowledge "
                           "base, canned replies and training beside every "
                           "conversation."),
                        "website", "https://github.com/agentdesk/agent-desk", "issue-url",
                        "https://github.com/agentdesk/agent-desk/issues", "license-type",
                        GTK_LICENSE_GPL_3_0, "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _ ("translator-credits"), "transient-for", parent,
                        "modal", parent != NULL, NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
desk_application_actions_preferences (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GtkWindow       *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow       *preferences;

  preferences = GTK_WINDOW (desk_preferences_window_new (self));
  gtk_window_set_transient_for (preferences, parent);
  gtk_window_present (preferences);
}

static void
desk_application_actions_shortcuts (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GtkWindow       *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/desk-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

static void
desk_application_actions_new_window (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (desk_window_new (self)));
}

/* Opens a ticket by id: from a notification, or `gapplication action`. */
static void
desk_application_actions_open_ticket (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (desk_window_new (self));
      gtk_window_present (window);
    }

  desk_window_open_ticket (DESK_WINDOW (window), g_variant_get_int64 (param));
  gtk_window_present (window);
}

/* Shows an inbox view by id ("all-open", "queue-2", …), like its row in the
 * sidebar: for `gapplication action` and the benchmarks. */
static void
desk_application_actions_show_view (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DeskApplication *self = user_data;
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (desk_window_new (self));
      gtk_window_present (window);
    }

  desk_window_show_view (DESK_WINDOW (window), g_variant_get_string (param, NULL));
  gtk_window_present (window);
}

/* Fetches what changed now, not at the next event. */
static void
desk_application_actions_sync (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  _desk_application_sync (DESK_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "sync", desk_application_actions_sync },
  { "quit", desk_application_actions_quit },
  { "about", desk_application_actions_about },
  { "preferences", desk_application_actions_preferences },
  { "shortcuts", desk_application_actions_shortcuts },
  { "new-window", desk_application_actions_new_window },
  { "open-ticket", desk_application_actions_open_ticket, "x" },
  { "show-view", desk_application_actions_show_view, "s" },
};

static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.shortcuts", { "<Control>question", NULL } },
  { "app.new-window", { "<Control><Shift>n", NULL } },
  { "win.close", { "<Control>w", NULL } },
  { "app.sync", { "F5", NULL } },
  { "win.toggle-side-panel", { "F9", NULL } },
  { "win.show-views", { "<Alt>Home", NULL } },
};

void
_desk_application_actions_init (DeskApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), app_accels[i].action,
                                           app_accels[i].accels);
}
