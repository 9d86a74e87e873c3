/* desk-time.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-time"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-time.h"

gint64
desk_time_parse_rfc3339 (const char *text)
{
  g_autoptr (GDateTime) dt = NULL;

  if (text == NULL || *text == '\0')
    return 0;

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return 0;

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

char *
desk_time_format_rfc3339 (gint64 usec)
{
  g_autoptr (GDateTime) dt = NULL;

  if (usec == 0)
    return NULL;

  dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* A compact, translatable duration such as "3 d", "5 h 20 min" or "12 min",
 * for SLA countdowns and metrics. Negative durations are shown as positive:
 * the caller says "overdue" around them. */
char *
desk_time_format_duration (gint64 seconds)
{
  gint64 minutes;
  gint64 hours;
  gint64 days;

  if (seconds < 0)
    seconds = -seconds;

  minutes = seconds / 60;
  hours = minutes / 60;
  days = hours / 24;

  if (days >= 2)
    /* Translators: a duration in days, abbreviated */
    return g_strdup_printf (_ ("%d d"), (int) days);
  if (hours >= 1)
    /* Translators: a duration in hours and minutes, abbreviated */
    return g_strdup_printf (_ ("%d h %d min"), (int) hours, (int) (minutes % 60));
  /* Translators: a duration in minutes, abbreviated */
  return g_strdup_printf (_ ("%d min"), (int) minutes);
}
