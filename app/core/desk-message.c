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

  /* Outgoing only: 0 and NULL for a message the server has. */
  gint64 outbox_id;
  char  *outbox_state;
  guint  outbox_attempts;
  char  *outbox_error;
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

/* Takes @record; @state is the outbox item's (queued, sending, failed). */
DeskMessage *
desk_message_new_outgoing (DeskMessageRecord *record,
                           gint64             outbox_id,
                           const char        *state,
                           guint              attempts,
                           const char        *error)
{
  DeskMessage *self = desk_message_new (record);

  self->outbox_id = outbox_id;
  self->outbox_state = g_strdup (state);
  self->outbox_attempts = attempts;
  self->outbox_error = g_strdup (error);
  return self;
}

gint64
desk_message_get_outbox_id (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), 0);

  return self->outbox_id;
}

const char *
desk_message_get_outbox_state (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), NULL);

  return self->outbox_state;
}

guint
desk_message_get_outbox_attempts (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), 0);

  return self->outbox_attempts;
}

const char *
desk_message_get_outbox_error (DeskMessage *self)
{
  g_return_val_if_fail (DESK_IS_MESSAGE (self), NULL);

  return self->outbox_error;
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
  g_free (self->outbox_state);
  g_free (self->outbox_error);

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
