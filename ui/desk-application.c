/* desk-application.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-application-private.h"
#include "desk-ui-types.h"
#include "desk-window.h"

G_DEFINE_FINAL_TYPE (DeskApplication, desk_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_ ("Start with the built-in demo desk instead of a server"), NULL },
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Connect to the helpdesk server at URL"),
    N_ ("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
  { NULL }
};

DeskApplication *
desk_application_new (GApplicationFlags flags)
{
  return g_object_new (DESK_TYPE_APPLICATION, "application-id", APP_ID, "resource-base-path",
                       RESOURCE_PREFIX, "flags", flags, NULL);
}

GSettings *
desk_application_get_settings (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->settings;
}

gboolean
desk_application_get_demo (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), FALSE);

  return self->demo;
}

const char *
desk_application_get_server_url (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->server_url;
}

static int
desk_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  DeskApplication *self = DESK_APPLICATION (app);
  const char      *server_url = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &server_url))
    {
      g_autoptr (GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

      if (scheme == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
        {
          g_printerr (_ ("“%s” is not a server address: use an http:// or https:// URL\n"),
                      server_url);
          return EXIT_FAILURE;
        }

      g_free (self->server_url);
      self->server_url = g_strdup (server_url);
    }

  self->demo = g_variant_dict_contains (options, "demo");

  return G_APPLICATION_CLASS (desk_application_parent_class)->handle_local_options (app, options);
}

static void
desk_application_color_scheme_changed_cb (DeskApplication *self,
                                          const char      *key,
                                          GSettings       *settings)
{
  g_autofree char *scheme = g_settings_get_string (settings, key);
  AdwColorScheme   color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
desk_application_startup (GApplication *app)
{
  DeskApplication *self = DESK_APPLICATION (app);

  G_APPLICATION_CLASS (desk_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (desk_application_color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  desk_application_color_scheme_changed_cb (self, "color-scheme", self->settings);

  _desk_application_actions_init (self);
}

static void
desk_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* A second launch lands here in the running instance: raise what is there. */
  if (window == NULL)
    window = GTK_WINDOW (desk_window_new (DESK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
desk_application_finalize (GObject *object)
{
  DeskApplication *self = DESK_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_url, g_free);

  G_OBJECT_CLASS (desk_application_parent_class)->finalize (object);
}

static void
desk_application_class_init (DeskApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = desk_application_finalize;

  app_class->handle_local_options = desk_application_handle_local_options;
  app_class->startup = desk_application_startup;
  app_class->activate = desk_application_activate;

  desk_ui_ensure_types ();
}

static void
desk_application_init (DeskApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _ ("The support desk for your whole team"));
}
