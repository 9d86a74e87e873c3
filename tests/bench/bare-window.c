/* bare-window.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bare-window"

#include "config.h"

#include <adwaita.h>

#include "desk-frame-report.h"

/* The yardstick of bench-start: the least a libadwaita application can do
 * to show a list, started as a process of its own exactly as Agent Desk is.
 * An application with a unique id on the session bus, a window of Agent
 * Desk's default size with a header bar and a GtkListView of 1,000 rows.
 * It reports its frames through the same AGENT_DESK_BENCH_FD hook as the
 * app (desk-frame-report.c is built into it), so both are timed alike.
 *
 * A program of its own rather than a mode of bench-start: bench-start links
 * the server, SQLite, libsoup and libxml2, and loading those would make the
 * "bare" window slower than bare. Not named bench-* so that `make bench`
 * does not run it as a benchmark. */

#define BARE_ROWS 1000

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 9);
  gtk_widget_set_margin_bottom (label, 9);
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, DeskFrameReport *report)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
  if (report != NULL)
    desk_frame_report_add (report, "row %u", gtk_list_item_get_position (item));
}

static void
activate_cb (GtkApplication *app)
{
  g_autoptr (GtkStringList) strings = gtk_string_list_new (NULL);
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkWidget       *window = adw_application_window_new (app);
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget       *scrolled = gtk_scrolled_window_new ();
  GtkWidget       *list;
  DeskFrameReport *report = desk_frame_report_new_from_environment (window);

  for (guint i = 0; i < BARE_ROWS; i++)
    {
      g_autofree char *text = g_strdup_printf ("Row %u", i + 1);

      gtk_string_list_append (strings, text);
    }

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), report);
  list = gtk_list_view_new (
      GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&strings)))),
      g_steal_pointer (&factory));
  gtk_widget_add_css_class (list, "navigation-sidebar");

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  /* The report lives as long as the window. */
  if (report != NULL)
    g_object_set_data_full (G_OBJECT (window), "desk-frame-report", report, g_object_unref);

  gtk_window_set_title (GTK_WINDOW (window), "Bare Window");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;

  app = adw_application_new (APP_ID ".BareWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
