/* desk-message.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "desk-records.h"

G_BEGIN_DECLS

#define DESK_TYPE_MESSAGE (desk_message_get_type ())

G_DECLARE_FINAL_TYPE (DeskMessage, desk_message, DESK, MESSAGE, GObject)

/* One message of a conversation, for the thread's list view. */
DeskMessage             *desk_message_new (DeskMessageRecord *record);
const DeskMessageRecord *desk_message_get_record (DeskMessage *self);
gint64                   desk_message_get_id (DeskMessage *self);
const char              *desk_message_get_body (DeskMessage *self);

/* A message of the agent still in the outbox: shown in the thread with its
 * delivery until the server's copy comes. */
DeskMessage *desk_message_new_outgoing (DeskMessageRecord *record,
                                        gint64             outbox_id,
                                        const char        *state,
                                        guint              attempts,
                                        const char        *error);
gint64       desk_message_get_outbox_id (DeskMessage *self);
const char  *desk_message_get_outbox_state (DeskMessage *self);
guint        desk_message_get_outbox_attempts (DeskMessage *self);
const char  *desk_message_get_outbox_error (DeskMessage *self);

G_END_DECLS
