/* test-ui-translation.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-translation"

#include "config.h"

#include "desk-application.h"
#include "desk-test-ui.h"
#include "desk-window.h"

/* Runs with LANGUAGE=zh_CN: every label the window shows must be Chinese. */

static gboolean
has_cjk (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x3000 && c <= 0x9fff)
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_untranslatable (const char *text)
{
  /* Numbers, punctuation and empty labels have nothing to translate. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static guint
check_labels (GtkWidget *widget)
{
  guint checked = 0;

  if (!gtk_widget_get_visible (widget))
    return 0;

  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (!is_untranslatable (text))
        {
          if (!has_cjk (text))
            g_error ("The label “%s” is not translated into Chinese", text);
          checked++;
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    checked += check_labels (child);

  return checked;
}

static void
test_window_is_chinese (void)
{
  g_autoptr (DeskApplication) app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  GtkWindow *window;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  desk_test_wait_for_draw (GTK_WIDGET (window));

  g_assert_cmpuint (check_labels (GTK_WIDGET (window)), >, 10);

  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-window-zh_CN.png");
  gtk_window_destroy (window);
  desk_test_iterate ();
}

static void
test_preferences_are_chinese (void)
{
  g_autoptr (DeskApplication) app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  GtkWidget *preferences;

  preferences = g_object_new (g_type_from_name ("DeskPreferencesWindow"), NULL);
  gtk_window_present (GTK_WINDOW (preferences));
  desk_test_wait_for_draw (preferences);
  g_assert_cmpuint (check_labels (preferences), >, 3);
  gtk_window_destroy (GTK_WINDOW (preferences));
  desk_test_iterate ();
}

int
main (int argc, char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/Desk/UI/Translation/window", test_window_is_chinese);
  g_test_add_func ("/Desk/UI/Translation/preferences", test_preferences_are_chinese);

  return g_test_run ();
}
