/* test-core-time.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-time"

#include "config.h"

#include "desk-time.h"

static void
test_rfc3339_round_trip (void)
{
  g_autofree char *text = NULL;
  gint64           usec;

  usec = desk_time_parse_rfc3339 ("2026-11-25T09:30:00Z");
  g_assert_cmpint (usec, ==, G_GINT64_CONSTANT (1795599000) * G_USEC_PER_SEC);

  text = desk_time_format_rfc3339 (usec);
  g_assert_cmpstr (text, ==, "2026-11-25T09:30:00Z");

  /* An offset is converted to UTC. */
  g_assert_cmpint (desk_time_parse_rfc3339 ("2026-11-25T17:30:00+08:00"), ==, usec);
}

static void
test_rfc3339_rejects_garbage (void)
{
  g_assert_cmpint (desk_time_parse_rfc3339 (NULL), ==, 0);
  g_assert_cmpint (desk_time_parse_rfc3339 (""), ==, 0);
  g_assert_cmpint (desk_time_parse_rfc3339 ("yesterday"), ==, 0);
  g_assert_cmpint (desk_time_parse_rfc3339 ("2026-13-45T99:00:00Z"), ==, 0);
  g_assert_null (desk_time_format_rfc3339 (0));
}

static void
test_duration (void)
{
  g_autofree char *minutes = desk_time_format_duration (12 * 60 + 30);
  g_autofree char *hours = desk_time_format_duration (-(5 * 3600 + 20 * 60));
  g_autofree char *days = desk_time_format_duration (3 * 86400 + 7200);

  g_assert_cmpstr (minutes, ==, "12 min");
  g_assert_cmpstr (hours, ==, "5 h 20 min");
  g_assert_cmpstr (days, ==, "3 d");
}

static char *
relative (const char *when, const char *now)
{
  return desk_time_format_relative (desk_time_parse_rfc3339 (when), desk_time_parse_rfc3339 (now));
}

/* Read in Berlin (UTC+1 in November), at 13:00 on Wednesday 25 November. */
static void
test_relative (void)
{
  const char *now = "2026-11-25T12:00:00Z";
  struct
  {
    const char *when;
    const char *expected;
  } cases[] = {
    { "2026-11-25T11:59:30Z", "just now" },
    /* A server clock a little ahead. */
    { "2026-11-25T12:00:20Z", "just now" },
    { "2026-11-25T11:48:00Z", "12 min ago" },
    { "2026-11-25T11:00:01Z", "59 min ago" },
    { "2026-11-25T09:00:00Z", "3 h ago" },
    /* Yesterday in UTC, today in Berlin. */
    { "2026-11-24T23:30:00Z", "12 h ago" },
    { "2026-11-24T20:15:00Z", "yesterday 21:15" },
    { "2026-11-23T08:15:00Z", "Monday 09:15" },
    { "2026-11-05T13:03:00Z", "Nov 5, 14:03" },
    { "2025-03-04T10:00:00Z", "Mar 4, 2025" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = relative (cases[i].when, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
  g_assert_null (desk_time_format_relative (0, desk_time_parse_rfc3339 (now)));
}

/* Days as the calendar counts them: the day summer time ends is 25 hours
 * long in Berlin (25 October 2026), the day it starts 23 (29 March). */
static void
test_relative_daylight_saving (void)
{
  g_autofree char *autumn = relative ("2026-10-25T22:30:00Z", "2026-10-26T08:00:00Z");
  g_autofree char *spring = relative ("2026-03-29T09:00:00Z", "2026-03-30T06:00:00Z");

  g_assert_cmpstr (autumn, ==, "yesterday 23:30");
  g_assert_cmpstr (spring, ==, "yesterday 11:00");
}

static void
test_exact (void)
{
  g_autofree char *text = desk_time_format_exact (desk_time_parse_rfc3339 ("2026-11-25T13:03:27Z"));

  g_assert_cmpstr (text, ==, "Wednesday, November 25, 2026, 14:03:27");
  g_assert_null (desk_time_format_exact (0));
}

int
main (int argc, char *argv[])
{
  /* Before GLib reads the local time zone. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Time/rfc3339-round-trip", test_rfc3339_round_trip);
  g_test_add_func ("/Desk/Core/Time/rfc3339-rejects-garbage", test_rfc3339_rejects_garbage);
  g_test_add_func ("/Desk/Core/Time/duration", test_duration);
  g_test_add_func ("/Desk/Core/Time/relative", test_relative);
  g_test_add_func ("/Desk/Core/Time/relative-daylight-saving", test_relative_daylight_saving);
  g_test_add_func ("/Desk/Core/Time/exact", test_exact);

  return g_test_run ();
}
