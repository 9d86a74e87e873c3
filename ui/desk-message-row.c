/* desk-message-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-highlight.h"
#include "desk-html.h"
#include "desk-message-row.h"
#include "desk-time.h"

/* One message of the thread. Customer text is data: it is set as plain
 * text, so markup in it shows as the characters the customer typed. */
struct _DeskMessageRow
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel  *author_label;
  GtkLabel  *note_label;
  GtkLabel  *time_label;
  GtkLabel  *body_label;
  GtkLabel  *attachments_label;
  GtkButton *save_canned_button;
  GtkWidget *delivery_box;
  GtkLabel  *delivery_label;
  GtkButton *retry_button;

  gint64 created_at;
};

G_DEFINE_FINAL_TYPE (DeskMessageRow, desk_message_row, GTK_TYPE_WIDGET)

/* An outgoing message says where it is: on its way, waiting for the
 * network, or refused, with the server's reason and a Retry. */
static void
show_delivery (DeskMessageRow *self, DeskMessage *message)
{
  const char      *state = desk_message_get_outbox_state (message);
  const char      *error = desk_message_get_outbox_error (message);
  g_autofree char *failed = NULL;
  GtkWidget       *label = GTK_WIDGET (self->delivery_label);
  gboolean         is_failed = g_strcmp0 (state, "failed") == 0;

  gtk_widget_set_visible (self->delivery_box, state != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), is_failed);
  if (state == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "outgoing");
      return;
    }

  gtk_widget_add_css_class (GTK_WIDGET (self), "outgoing");
  if (is_failed)
    {
      /* Translators: %s is the reason the server gave */
      failed = g_strdup_printf (_ ("Not sent: %s"), error && *error ? error : _ ("unknown error"));
      gtk_label_set_text (self->delivery_label, failed);
      gtk_widget_add_css_class (label, "error");
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "x",
                                        desk_message_get_outbox_id (message));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "ticket.retry-send");
    }
  else
    {
      gtk_label_set_text (self->delivery_label, desk_message_get_outbox_attempts (message) > 0
                                                    ? _ ("Waiting for the connection — will retry")
                                                    : _ ("Sending…"));
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

void
desk_message_row_set_message (DeskMessageRow *self, DeskMessage *message)
{
  const DeskMessageRecord *record;
  g_autofree char         *exact = NULL;
  gboolean                 internal;

  g_return_if_fail (DESK_IS_MESSAGE_ROW (self));
  g_return_if_fail (DESK_IS_MESSAGE (message));

  record = desk_message_get_record (message);
  internal = record->visibility == DESK_VISIBILITY_INTERNAL;
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->save_canned_button), "x", record->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->save_canned_button),
                                  "ticket.save-as-canned");

  gtk_label_set_text (self->author_label, record->author_name ? record->author_name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), internal);
  /* An HTML e-mail is read as its text, reduced by libxml2's parser. */
  if (record->body_html != NULL && *record->body_html != '\0')
    {
      g_autofree char *text = desk_html_to_text (record->body_html, -1);
      g_autofree char *markup = desk_text_to_linked_pango (text);

      gtk_label_set_markup (self->body_label, markup);
    }
  else
    {
      /* Escaped, with the addresses in it clickable. */
      g_autofree char *markup = desk_text_to_linked_pango (record->body);

      gtk_label_set_markup (self->body_label, markup);
    }

  show_delivery (self, message);

  self->created_at = record->created_at;
  desk_message_row_update_time (self, g_get_real_time ());
  exact = desk_time_format_exact (record->created_at);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->time_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, exact ? exact : "", -1);

  if (record->attachments != NULL && record->attachments->len > 0)
    {
      g_autoptr (GString) names = g_string_new (NULL);

      for (guint i = 0; i < record->attachments->len; i++)
        {
          DeskAttachmentRecord *attachment = g_ptr_array_index (record->attachments, i);

          g_string_append_printf (names, "%s%s", i ? ", " : "📎 ", attachment->name);
        }
      gtk_label_set_text (self->attachments_label, names->str);
      gtk_widget_set_visible (GTK_WIDGET (self->attachments_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->attachments_label), FALSE);

  if (internal)
    gtk_widget_add_css_class (GTK_WIDGET (self), "internal-note");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "internal-note");
  if (record->author_type == DESK_AUTHOR_CUSTOMER)
    gtk_widget_add_css_class (GTK_WIDGET (self), "from-customer");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "from-customer");
}

/* "5 min ago" grows older: called as the clock turns, not only at a bind. */
void
desk_message_row_update_time (DeskMessageRow *self, gint64 now)
{
  g_autofree char *relative = NULL;

  g_return_if_fail (DESK_IS_MESSAGE_ROW (self));

  relative = desk_time_format_relative (self->created_at, now);
  gtk_label_set_text (self->time_label, relative ? relative : "");
}

/* The exact time, when the pointer rests on the relative one. Asked for
 * rather than set at each bind: in GTK 4.8 setting a tooltip asks the X
 * server where the pointer is, a round trip for every row of the list. */
static gboolean
time_label_query_tooltip_cb (DeskMessageRow *self,
                             int             x,
                             int             y,
                             gboolean        keyboard_mode,
                             GtkTooltip     *tooltip,
                             GtkWidget      *label)
{
  g_autofree char *exact = desk_time_format_exact (self->created_at);

  if (exact == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, exact);
  return TRUE;
}

/* Team leads turn a good reply into a shared canned reply. */
void
desk_message_row_set_can_save_as_canned (DeskMessageRow *self, gboolean can_save)
{
  g_return_if_fail (DESK_IS_MESSAGE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->save_canned_button), can_save);
}

static void
desk_message_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DESK_TYPE_MESSAGE_ROW);

  /* GTK 4.8 leaves the template's unnamed root child in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (desk_message_row_parent_class)->dispose (object);
}

static void
desk_message_row_class_init (DeskMessageRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_message_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "deskmessagerow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/desk-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, attachments_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, save_canned_button);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, delivery_box);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, delivery_label);
  gtk_widget_class_bind_template_child (widget_class, DeskMessageRow, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, time_label_query_tooltip_cb);
}

static void
desk_message_row_init (DeskMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
