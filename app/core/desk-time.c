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

/* When a message was written, as an agent reads it at a glance: "just now",
 * "12 min ago", "3 h ago", "yesterday 14:03", "Monday 09:15", "Nov 5, 14:03",
 * "Nov 5, 2025". Days are the local calendar's, so "yesterday" means the
 * day before today, not 24 hours ago. The exact time is
 * desk_time_format_exact()'s. */
char *
desk_time_format_relative (gint64 usec, gint64 now)
{
  g_autoptr (GDateTime) then_utc = NULL;
  g_autoptr (GDateTime) now_utc = NULL;
  g_autoptr (GDateTime) then_local = NULL;
  g_autoptr (GDateTime) now_local = NULL;
  g_autoptr (GDateTime) then_day = NULL;
  g_autoptr (GDateTime) today = NULL;
  gint64 seconds = (now - usec) / G_USEC_PER_SEC;
  gint64 days;

  if (usec == 0)
    return NULL;

  /* A clock a little ahead of ours is still "just now". */
  if (seconds < 60)
    return g_strdup (_ ("just now"));
  if (seconds < 60 * 60)
    /* Translators: how long ago a message came, in minutes, abbreviated */
    return g_strdup_printf (_ ("%d min ago"), (int) (seconds / 60));

  then_utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  now_utc = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  if (then_utc == NULL || now_utc == NULL)
    return NULL;
  then_local = g_date_time_to_local (then_utc);
  now_local = g_date_time_to_local (now_utc);
  then_day =
      g_date_time_new_local (g_date_time_get_year (then_local), g_date_time_get_month (then_local),
                             g_date_time_get_day_of_month (then_local), 0, 0, 0);
  today =
      g_date_time_new_local (g_date_time_get_year (now_local), g_date_time_get_month (now_local),
                             g_date_time_get_day_of_month (now_local), 0, 0, 0);
  /* Rounded: a day with a daylight-saving change is 23 or 25 hours long. */
  days = (g_date_time_difference (today, then_day) + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY;

  if (days == 0)
    /* Translators: how long ago a message came today, in hours, abbreviated */
    return g_strdup_printf (_ ("%d h ago"), (int) (seconds / 3600));
  if (days == 1)
    /* Translators: a message of yesterday, see the strftime manual for %H:%M */
    return g_date_time_format (then_local, _ ("yesterday %H:%M"));
  if (days < 7)
    /* Translators: a message of this week: weekday and time, see the strftime manual */
    return g_date_time_format (then_local, _ ("%A %H:%M"));
  if (g_date_time_get_year (then_local) == g_date_time_get_year (now_local))
    /* Translators: a message of this year: date and time, see the strftime manual */
    return g_date_time_format (then_local, _ ("%b %-d, %H:%M"));
  /* Translators: a message of an earlier year, see the strftime manual */
  return g_date_time_format (then_local, _ ("%b %-d, %Y"));
}

/* The whole date and time, in the local time zone, for a tooltip or a
 * screen reader: "Wednesday, November 25, 2026, 14:03:27". */
char *
desk_time_format_exact (gint64 usec)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (usec == 0)
    return NULL;

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  /* Translators: an exact date and time, see the strftime manual */
  return g_date_time_format (local, _ ("%A, %B %-d, %Y, %H:%M:%S"));
}
