/* desk-demo.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

GObject *desk_demo_start (const char *data_dir, char **base_url, char **token, GError **error);

G_END_DECLS
