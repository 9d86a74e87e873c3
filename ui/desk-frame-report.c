/* desk-frame-report.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-frame-report"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "desk-frame-report.h"

/* A developer hook for tests/bench/bench-start, off unless the environment
 * names a file descriptor in AGENT_DESK_BENCH_FD. Then what the window
 * shows that is worth timing (an inbox row bound, a message row bound, a
 * view applied) is noted with desk_frame_report_add(), and the first frame
 * painted after it writes one line a note to that descriptor:
 *
 *   <g_get_monotonic_time () at the frame's after-paint> <note>
 *
 * The benchmark compares that clock with its own (both are CLOCK_MONOTONIC)
 * to time process start, view switches and realtime updates up to the frame
 * that shows them, which no outside observer could see under Xvfb. Nothing
 * is measured or kept when the variable is unset: the window holds no
 * report at all. */

struct _DeskFrameReport
{
  GObject parent_instance;

  GString *notes; /* one note a line, for the next frame */
  int      fd;
};

G_DEFINE_FINAL_TYPE (DeskFrameReport, desk_frame_report, G_TYPE_OBJECT)

static void
write_all (DeskFrameReport *self, const char *data, gsize length)
{
  while (length > 0 && self->fd >= 0)
    {
      gssize written = write (self->fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          /* The reader went away: stop reporting, keep running. */
          g_warning ("AGENT_DESK_BENCH_FD: %s; frames are no longer reported", g_strerror (errno));
          self->fd = -1;
          return;
        }
      data += written;
      length -= written;
    }
}

static void
after_paint_cb (DeskFrameReport *self, GdkFrameClock *clock)
{
  g_autoptr (GString) lines = NULL;
  g_auto (GStrv) notes = NULL;
  gint64 now;

  if (self->notes->len == 0)
    return;

  now = g_get_monotonic_time ();
  notes = g_strsplit (self->notes->str, "\n", -1);
  g_string_truncate (self->notes, 0);

  lines = g_string_new (NULL);
  for (guint i = 0; notes[i] != NULL; i++)
    if (*notes[i] != '\0')
      g_string_append_printf (lines, "%" G_GINT64_FORMAT " %s\n", now, notes[i]);
  write_all (self, lines->str, lines->len);
}

/* The frame clock is the toplevel surface's: it exists once realized. */
static void
widget_realize_cb (DeskFrameReport *self, GtkWidget *widget)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (after_paint_cb), self, G_CONNECT_SWAPPED);
}

/* Returns NULL, and costs nothing more, unless AGENT_DESK_BENCH_FD is set. */
DeskFrameReport *
desk_frame_report_new_from_environment (GtkWidget *widget)
{
  const char      *value = g_getenv ("AGENT_DESK_BENCH_FD");
  DeskFrameReport *self;
  guint64          fd;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (value == NULL)
    return NULL;

  if (!g_ascii_string_to_unsigned (value, 10, 3, G_MAXINT, &fd, NULL) ||
      fcntl ((int) fd, F_GETFD) < 0)
    {
      g_warning ("AGENT_DESK_BENCH_FD=%s is not an open file descriptor above 2", value);
      return NULL;
    }
  /* Not for the processes the app starts (a browser for a link). */
  fcntl ((int) fd, F_SETFD, FD_CLOEXEC);

  self = g_object_new (DESK_TYPE_FRAME_REPORT, NULL);
  self->fd = (int) fd;

  g_signal_connect_object (widget, "realize", G_CALLBACK (widget_realize_cb), self,
                           G_CONNECT_SWAPPED);
  if (gtk_widget_get_realized (widget))
    widget_realize_cb (self, widget);

  return self;
}

/* Notes something shown: it is reported with the next frame painted. */
void
desk_frame_report_add (DeskFrameReport *self, const char *format, ...)
{
  va_list args;

  g_return_if_fail (DESK_IS_FRAME_REPORT (self));

  va_start (args, format);
  g_string_append_vprintf (self->notes, format, args);
  va_end (args);
  g_string_append_c (self->notes, '\n');
}

static void
desk_frame_report_finalize (GObject *object)
{
  DeskFrameReport *self = DESK_FRAME_REPORT (object);

  g_string_free (self->notes, TRUE);

  G_OBJECT_CLASS (desk_frame_report_parent_class)->finalize (object);
}

static void
desk_frame_report_class_init (DeskFrameReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_frame_report_finalize;
}

static void
desk_frame_report_init (DeskFrameReport *self)
{
  self->notes = g_string_new (NULL);
  self->fd = -1;
}
