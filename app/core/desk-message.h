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

G_END_DECLS
