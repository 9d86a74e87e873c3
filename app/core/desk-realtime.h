/* desk-realtime.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DESK_TYPE_REALTIME (desk_realtime_get_type ())
#define DESK_TYPE_REALTIME_STATE (desk_realtime_state_get_type ())

typedef enum
{
  DESK_REALTIME_STOPPED,    /* not started, stopped, or the token was refused */
  DESK_REALTIME_CONNECTING, /* opening the socket, or waiting to open it again */
  DESK_REALTIME_CONNECTED,  /* events arrive as they happen */
  DESK_REALTIME_POLLING,    /* no socket to be had: resyncs on a timer, the socket is retried */
} DeskRealtimeState;

GType desk_realtime_state_get_type (void);

G_DECLARE_FINAL_TYPE (DeskRealtime, desk_realtime, DESK, REALTIME, GObject)

DeskRealtime     *desk_realtime_new (const char *base_url, const char *token);
void              desk_realtime_start (DeskRealtime *self);
void              desk_realtime_stop (DeskRealtime *self);
DeskRealtimeState desk_realtime_get_state (DeskRealtime *self);
void              desk_realtime_set_backoff (DeskRealtime *self, guint initial_ms, guint max_ms);
void              desk_realtime_set_poll_interval (DeskRealtime *self, guint seconds);

G_END_DECLS
