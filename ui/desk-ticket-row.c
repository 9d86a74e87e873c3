/* desk-ticket-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-ticket-row"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-highlight.h"
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
  GtkLabel *waiting_label;

  DeskChannel channel;
  gint64      ticket_id;
  gint64      sla_due;       /* 0 when no deadline is shown */
  gint64      waiting_since; /* a chat's unanswered customer, 0 for none */
  gboolean    typing;
  char       *excerpt;
  char       *search; /* the inbox search whose words are marked, or NULL */
};

G_DEFINE_FINAL_TYPE (DeskTicketRow, desk_ticket_row, GTK_TYPE_WIDGET)

/* An SLA within this much of its deadline is shown amber. */
#define SLA_WARNING_USEC ((gint64) 30 * 60 * G_USEC_PER_SEC)

/* A chat customer waiting this long is shown amber, then red: chats are
 * answered in minutes, not hours. */
#define CHAT_WAIT_WARNING_USEC ((gint64) 2 * 60 * G_USEC_PER_SEC)
#define CHAT_WAIT_ERROR_USEC ((gint64) 5 * 60 * G_USEC_PER_SEC)

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
set_urgency (GtkWidget *label, const char *urgency)
{
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "error");
  if (urgency != NULL)
    gtk_widget_add_css_class (label, urgency);
}

static void
show_sla (DeskTicketRow *self, gint64 now)
{
  GtkWidget       *label = GTK_WIDGET (self->sla_label);
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;

  if (self->sla_due == 0)
    {
      gtk_widget_set_visible (label, FALSE);
      return;
    }

  duration = desk_time_format_duration ((self->sla_due - now) / G_USEC_PER_SEC);
  if (self->sla_due < now)
    {
      /* Translators: an SLA deadline passed this long ago, e.g. "overdue 2 h 5 min" */
      text = g_strdup_printf (_ ("overdue %s"), duration);
      set_urgency (label, "error");
    }
  else
    {
      /* Translators: time left before an SLA deadline, e.g. "due in 25 min" */
      text = g_strdup_printf (_ ("due in %s"), duration);
      set_urgency (label, self->sla_due - now < SLA_WARNING_USEC ? "warning" : NULL);
    }

  gtk_label_set_text (self->sla_label, text);
  gtk_widget_set_visible (label, TRUE);
}

/* How long a chat's customer has waited for an answer. */
static void
show_waiting (DeskTicketRow *self, gint64 now)
{
  GtkWidget       *label = GTK_WIDGET (self->waiting_label);
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;
  gint64           waited = now - self->waiting_since;

  if (self->waiting_since == 0)
    {
      gtk_widget_set_visible (label, FALSE);
      return;
    }

  if (waited < 60 * G_USEC_PER_SEC)
    /* Translators: a chat customer has waited less than a minute for an answer */
    text = g_strdup (_ ("waiting < 1 min"));
  else
    {
      duration = desk_time_format_duration (waited / G_USEC_PER_SEC);
      /* Translators: how long a chat customer has waited for an answer, e.g. "waiting 3 min" */
      text = g_strdup_printf (_ ("waiting %s"), duration);
    }
  gtk_label_set_text (self->waiting_label, text);
  set_urgency (label, waited >= CHAT_WAIT_ERROR_USEC     ? "error"
                      : waited >= CHAT_WAIT_WARNING_USEC ? "warning"
                                                         : NULL);
  gtk_widget_set_visible (label, TRUE);
}

/* Server text, never markup: the words of a search in bold, the rest
 * escaped. */
static void
set_label_text (DeskTicketRow *self, GtkLabel *label, const char *text)
{
  g_autofree char *marked = NULL;
  g_autofree char *markup = NULL;

  if (self->search == NULL)
    {
      gtk_label_set_text (label, text ? text : "");
      return;
    }

  marked = desk_highlight_mark_words (text, self->search);
  markup = desk_highlight_to_pango (marked);
  gtk_label_set_markup (label, markup);
}

/* The last message, or that the customer is writing the next one. */
static void
show_excerpt (DeskTicketRow *self)
{
  GtkWidget *label = GTK_WIDGET (self->excerpt_label);

  if (self->typing)
    {
      gtk_label_set_text (self->excerpt_label, _ ("typing…"));
      gtk_widget_add_css_class (label, "typing");
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_set_visible (label, TRUE);
      return;
    }

  gtk_widget_remove_css_class (label, "typing");
  gtk_widget_add_css_class (label, "dim-label");
  set_label_text (self, self->excerpt_label, self->excerpt);
  gtk_widget_set_visible (label, self->excerpt != NULL && *self->excerpt != '\0');
}

/* The deadline that runs now: the first response, then the resolution. */
static gint64
sla_due (const DeskTicketRecord *record)
{
  if (record->status == DESK_TICKET_STATUS_SOLVED || record->status == DESK_TICKET_STATUS_CLOSED)
    return 0;
  return record->first_responded_at == 0 ? record->first_response_due : record->resolution_due;
}

/* @waiting_since: for a live chat, since when its customer waits for an
 * answer (desk_store_get_waiting_since()); 0 for none. @search: the
 * words of the inbox search, marked where they match; NULL for none. */
void
desk_ticket_row_set_ticket (DeskTicketRow *self,
                            DeskTicket    *ticket,
                            const char    *excerpt,
                            const char    *assignee,
                            gint64         waiting_since,
                            const char    *search,
                            gint64         now)
{
  const DeskTicketRecord *record;
  g_autofree char        *accessible = NULL;

  g_return_if_fail (DESK_IS_TICKET_ROW (self));
  g_return_if_fail (DESK_IS_TICKET (ticket));

  record = desk_ticket_get_record (ticket);

  /* Typing belongs to a ticket: a row given another one forgets it. */
  if (self->ticket_id != record->id)
    self->typing = FALSE;
  self->ticket_id = record->id;
  self->channel = record->channel;
  gtk_image_set_from_icon_name (self->channel_icon, channel_icon_name (record->channel));
  g_free (self->search);
  self->search = search && *search ? g_strdup (search) : NULL;
  set_label_text (self, self->requester_label, record->requester.name);
  set_label_text (self, self->subject_label, record->subject);
  g_free (self->excerpt);
  self->excerpt = g_strdup (excerpt);
  show_excerpt (self);
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

  self->sla_due = sla_due (record);
  self->waiting_since =
      record->kind == DESK_TICKET_KIND_CHAT && (record->status == DESK_TICKET_STATUS_NEW ||
                                                record->status == DESK_TICKET_STATUS_OPEN)
          ? waiting_since
          : 0;
  desk_ticket_row_update_times (self, now);

  accessible = g_strdup_printf ("%s, %s: %s", channel_name (record->channel),
                                record->requester.name ? record->requester.name : "",
                                record->subject ? record->subject : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

gint64
desk_ticket_row_get_ticket_id (DeskTicketRow *self)
{
  g_return_val_if_fail (DESK_IS_TICKET_ROW (self), 0);

  return self->ticket_id;
}

/* The customer of a live chat is typing (the server said so a moment ago). */
void
desk_ticket_row_set_typing (DeskTicketRow *self, gboolean typing)
{
  g_return_if_fail (DESK_IS_TICKET_ROW (self));

  if (self->typing == !!typing)
    return;
  self->typing = !!typing;
  show_excerpt (self);
}

/* The countdowns move on: called as the clock turns, not only at a bind. */
void
desk_ticket_row_update_times (DeskTicketRow *self, gint64 now)
{
  g_return_if_fail (DESK_IS_TICKET_ROW (self));

  show_sla (self, now);
  show_waiting (self, now);
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
desk_ticket_row_finalize (GObject *object)
{
  DeskTicketRow *self = DESK_TICKET_ROW (object);

  g_free (self->excerpt);
  g_free (self->search);

  G_OBJECT_CLASS (desk_ticket_row_parent_class)->finalize (object);
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
  object_class->finalize = desk_ticket_row_finalize;

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
  gtk_widget_class_bind_template_child (widget_class, DeskTicketRow, waiting_label);
}

static void
desk_ticket_row_init (DeskTicketRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
