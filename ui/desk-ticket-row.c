/* desk-ticket-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-ticket-row"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-time.h"
#include "desk-ticket-row.h"

/* One ticket or chat in the inbox list. Every text comes from the server, so
 * it is only ever set as plain text, never as markup. */
struct _DeskTicketRow
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkImage *channel_icon;
  GtkLabel *requester_label;
  GtkLabel *sla_label;
  GtkLabel *subject_label;
  GtkLabel *excerpt_label;
  GtkLabel *priority_label;
  GtkLabel *assignee_label;
  GtkLabel *status_label;

  DeskChannel channel;
};

G_DEFINE_FINAL_TYPE (DeskTicketRow, desk_ticket_row, GTK_TYPE_WIDGET)

/* An SLA within this much of its deadline is shown amber. */
#define SLA_WARNING_USEC ((gint64) 30 * 60 * G_USEC_PER_SEC)

static const char *
channel_icon_name (DeskChannel channel)
{
  switch (channel)
    {
      case DESK_CHANNEL_CHAT:
        return "chat-message-new-symbolic";
      case DESK_CHANNEL_PHONE:
        return "call-start-symbolic";
      case DESK_CHANNEL_WEB:
        return "web-browser-symbolic";
      case DESK_CHANNEL_EMAIL:
      default:
        return "mail-unread-symbolic";
    }
}

static const char *
channel_name (DeskChannel channel)
{
  switch (channel)
    {
      case DESK_CHANNEL_CHAT:
        return _ ("Live chat");
      case DESK_CHANNEL_PHONE:
        return _ ("Phone");
      case DESK_CHANNEL_WEB:
        return _ ("Web form");
      case DESK_CHANNEL_EMAIL:
      default:
        return _ ("Email");
    }
}

static const char *
priority_name (DeskPriority priority)
{
  switch (priority)
    {
      case DESK_PRIORITY_LOW:
        return _ ("Low");
      case DESK_PRIORITY_HIGH:
        return _ ("High");
      case DESK_PRIORITY_URGENT:
        return _ ("Urgent");
      case DESK_PRIORITY_NORMAL:
      default:
        return _ ("Normal");
    }
}

static const char *
status_name (DeskTicketStatus status)
{
  switch (status)
    {
      case DESK_TICKET_STATUS_NEW:
        return _ ("New");
      case DESK_TICKET_STATUS_OPEN:
        return _ ("Open");
      case DESK_TICKET_STATUS_PENDING:
        return _ ("Pending");
      case DESK_TICKET_STATUS_SOLVED:
        return _ ("Solved");
      case DESK_TICKET_STATUS_CLOSED:
      default:
        return _ ("Closed");
    }
}

static void
set_sla (DeskTicketRow *self, const DeskTicketRecord *record, gint64 now)
{
  GtkWidget       *label = GTK_WIDGET (self->sla_label);
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;
  gint64           due;

  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "error");

  due = record->first_responded_at == 0 ? record->first_response_due : record->resolution_due;
  if (due == 0 || record->status == DESK_TICKET_STATUS_SOLVED ||
      record->status == DESK_TICKET_STATUS_CLOSED)
    {
      gtk_widget_set_visible (label, FALSE);
      return;
    }

  duration = desk_time_format_duration ((due - now) / G_USEC_PER_SEC);
  if (due < now)
    {
      /* Translators: an SLA deadline passed this long ago, e.g. "overdue 2 h 5 min" */
      text = g_strdup_printf (_ ("overdue %s"), duration);
      gtk_widget_add_css_class (label, "error");
    }
  else
    {
      /* Translators: time left before an SLA deadline, e.g. "due in 25 min" */
      text = g_strdup_printf (_ ("due in %s"), duration);
      if (due - now < SLA_WARNING_USEC)
        gtk_widget_add_css_class (label, "warning");
    }

  gtk_label_set_text (self->sla_label, text);
  gtk_widget_set_visible (label, TRUE);
}

void
desk_ticket_row_set_ticket (
    DeskTicketRow *self, DeskTicket *ticket, const char *excerpt, const char *assignee, gint64 now)
{
  const DeskTicketRecord *record;
  g_autofree char        *accessible = NULL;

  g_return_if_fail (DESK_IS_TICKET_ROW (self));
  g_return_if_fail (DESK_IS_TICKET (ticket));

  record = desk_ticket_get_record (ticket);

  self->channel = record->channel;
  gtk_image_set_from_icon_name (self->channel_icon, channel_icon_name (record->channel));
  gtk_label_set_text (self->requester_label, record->requester.name ? record->requester.name : "");
  gtk_label_set_text (self->subject_label, record->subject ? record->subject : "");
  gtk_label_set_text (self->excerpt_label, excerpt ? excerpt : "");
  gtk_widget_set_visible (GTK_WIDGET (self->excerpt_label), excerpt != NULL && *excerpt != '\0');
  gtk_label_set_text (self->priority_label, priority_name (record->priority));
  gtk_label_set_text (self->status_label, status_name (record->status));
  /* Who has it; nothing for a ticket that waits for someone. */
  gtk_label_set_text (self->assignee_label, assignee ? assignee : "");

  if (record->status == DESK_TICKET_STATUS_NEW)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unread");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");

  gtk_widget_remove_css_class (GTK_WIDGET (self->priority_label), "urgent");
  gtk_widget_remove_css_class (GTK_WIDGET (self->priority_label), "high");
  if (record->priority == DESK_PRIORITY_URGENT)
    gtk_widget_add_css_class (GTK_WIDGET (self->priority_label), "urgent");
  else if (record->priority == DESK_PRIORITY_HIGH)
    gtk_widget_add_css_class (GTK_WIDGET (self->priority_label), "high");

  set_sla (self, record, now);

  accessible = g_strdup_printf ("%s, %s: %s", channel_name (record->channel),
                                record->requester.name ? record->requester.name : "",
                                record->subject ? record->subject : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* The channel's name, when the pointer rests on its icon. Asked for rather
 * than set at each bind: in GTK 4.8 setting a tooltip asks the X server
 * where the pointer is, a round trip for every row of the list. */
static gboolean
channel_icon_query_tooltip_cb (
    DeskTicketRow *self, int x, int y, gboolean keyboard_mode, GtkTooltip *tooltip, GtkWidget *icon)
{
  gtk_tooltip_set_text (tooltip, channel_name (self->channel));
  return TRUE;
}

static void
desk_ticket_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DESK_TYPE_TICKET_ROW);

  /* GTK 4.8 leaves the template's unnamed root child in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (desk_ticket_row_parent_class)->dispose (object);
}

static void
desk_ticket_row_class_init (DeskTicketRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_ticket_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "deskticketrow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/desk-ticket-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, channel_icon);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, requester_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, sla_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, subject_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, excerpt_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, priority_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, channel_icon_query_tooltip_cb);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, assignee_label);
}

static void
desk_ticket_row_init (DeskTicketRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
