/* desk-time.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times travel as RFC 3339 UTC strings and are kept as microseconds since
 * the Unix epoch (the unit of g_get_real_time()). 0 means "no time". */

gint64 desk_time_parse_rfc3339 (const char *text);
char  *desk_time_format_rfc3339 (gint64 usec);
char  *desk_time_format_duration (gint64 seconds);
char  *desk_time_format_relative (gint64 usec, gint64 now);
char  *desk_time_format_exact (gint64 usec);

G_END_DECLS
