/* desk-drop-down.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A drop-down of strings whose button ellipsizes its label, so that a long
 * item ("Deposits & Withdrawals") does not widen the side panel; the popup
 * still shows every item whole. */
void desk_drop_down_make_compact (GtkDropDown *drop_down);

G_END_DECLS
