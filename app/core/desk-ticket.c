/* desk-ticket.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-ticket"

#include "config.h"

#include "desk-ticket.h"

struct _DeskTicket
{
  GObject parent_instance;

  DeskTicketRecord *record;
};

G_DEFINE_FINAL_TYPE (DeskTicket, desk_ticket, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_SUBJECT,
  PROP_REQUESTER_NAME,
  PROP_STATUS,
  PROP_PRIORITY,
  PROP_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Takes @record. */
DeskTicket *
desk_ticket_new (DeskTicketRecord *record)
{
  DeskTicket *self = g_object_new (DESK_TYPE_TICKET, NULL);

  self->record = record;
  return self;
}

const DeskTicketRecord *
desk_ticket_get_record (DeskTicket *self)
{
  g_return_val_if_fail (DESK_IS_TICKET (self), NULL);

  return self->record;
}

gint64
desk_ticket_get_id (DeskTicket *self)
{
  g_return_val_if_fail (DESK_IS_TICKET (self), 0);

  return self->record->id;
}

const char *
desk_ticket_get_subject (DeskTicket *self)
{
  g_return_val_if_fail (DESK_IS_TICKET (self), NULL);

  return self->record->subject;
}

static void
desk_ticket_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskTicket *self = DESK_TICKET (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->record->id);
        break;

      case PROP_SUBJECT:
        g_value_set_string (value, self->record->subject);
        break;

      case PROP_REQUESTER_NAME:
        g_value_set_string (value, self->record->requester.name);
        break;

      case PROP_STATUS:
        g_value_set_enum (value, self->record->status);
        break;

      case PROP_PRIORITY:
        g_value_set_enum (value, self->record->priority);
        break;

      case PROP_CHANNEL:
        g_value_set_enum (value, self->record->channel);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_ticket_finalize (GObject *object)
{
  DeskTicket *self = DESK_TICKET (object);

  g_clear_pointer (&self->record, desk_ticket_record_free);

  G_OBJECT_CLASS (desk_ticket_parent_class)->finalize (object);
}

static void
desk_ticket_class_init (DeskTicketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_ticket_finalize;
  object_class->get_property = desk_ticket_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBJECT] =
      g_param_spec_string ("subject", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTER_NAME] = g_param_spec_string ("requester-name", NULL, NULL, NULL,
                                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, DESK_TYPE_TICKET_STATUS, DESK_TICKET_STATUS_NEW,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIORITY] =
      g_param_spec_enum ("priority", NULL, NULL, DESK_TYPE_PRIORITY, DESK_PRIORITY_NORMAL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANNEL] =
      g_param_spec_enum ("channel", NULL, NULL, DESK_TYPE_CHANNEL, DESK_CHANNEL_EMAIL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
desk_ticket_init (DeskTicket *self)
{
}
