/* desk-realtime-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-realtime.h"

G_BEGIN_DECLS

/* Test hooks. */

/* Closes the open socket from the client side, as a network drop would. */
void _desk_realtime_drop_connection (DeskRealtime *self);

/* The keepalive ping interval of the next socket; the socket counts as dead
 * after three intervals without a frame or a pong from the server. */
void _desk_realtime_set_keepalive_interval (DeskRealtime *self, guint seconds);

G_END_DECLS
