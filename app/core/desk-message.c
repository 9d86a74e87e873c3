/* desk-message.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-message"

#include "config.h"

#include "desk-message.h"

struct _DeskMessage
{
  GObject parent_instance;

  DeskMessageRecord *record;
};

G_DEFINE_FINAL_TYPE (DeskMessage, desk_message, G_TYPE_OBJECT)

/* Takes @record. */
DeskMessage *
desk_message_new (DeskMessageRecord *record)
{
  DeskMessage *self = g_object_new (DESK_TYPE_MESSAGE, NULL);

  self->record = record;
  return self;
}

const DeskMessageRecord *
desk_message_get_record (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), NULL);

  return self->record;
}

gint64
desk_message_get_id (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), 0);

  return self->record->id;
}

const char *
desk_message_get_body (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), NULL);

  return self->record->body;
}

static void
desk_message_finalize (GObject *object)
{
  DeskMessage *self = DESK_MESSAGE (object);

  g_clear_pointer (&self->record, desk_message_record_free);

  G_OBJECT_CLASS (desk_message_parent_class)->finalize (object);
}

static void
desk_message_class_init (DeskMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = desk_message_finalize;
}

static void
desk_message_init (DeskMessage *self)
{
}
