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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Time/rfc3339-round-trip", test_rfc3339_round_trip);
  g_test_add_func ("/Desk/Core/Time/rfc3339-rejects-garbage", test_rfc3339_rejects_garbage);
  g_test_add_func ("/Desk/Core/Time/duration", test_duration);

  return g_test_run ();
}
