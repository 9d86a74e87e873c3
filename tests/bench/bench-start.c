/* bench-start.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-start"

#include "config.h"

#include <stdio.h>

#include "desk-application.h"
#include "desk-bench.h"

/* Time from the start of the process's application code to the first frame of
 * the main window on screen, and the memory the process holds then. */

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  gboolean *painted = user_data;

  *painted = TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (DeskApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  GtkWindow *window;
  gboolean   painted = FALSE;
  gint64     start = g_get_monotonic_time ();
  gint64     first_frame;

  gtk_init ();
  app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);
  g_application_activate (G_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), &painted);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  first_frame = g_get_monotonic_time ();

  desk_bench_report ("start_empty_first_frame_ms", (first_frame - start) / 1000.0, "ms");
  desk_bench_report ("start_empty_rss_mb", desk_bench_rss_kb () / 1024.0, "MB");

  gtk_window_destroy (window);
  return 0;
}
