/* desk-ticket-controls.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-ticket-controls"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-drop-down.h"
#include "desk-enums.h"
#include "desk-ticket-controls.h"

struct _DeskTicketControls
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkDropDown *status_dropdown;
  GtkDropDown *priority_dropdown;
  GtkDropDown *assignee_dropdown;
  GtkDropDown *queue_dropdown;
  GtkButton   *claim_button;
  GtkWidget   *merge_button;
  GtkListBox  *merge_list;
  GtkEntry    *tags_entry;

  /* Owned */
  DeskTicketRecord *ticket;
  GArray           *assignee_ids; /* gint64, one an assignee row; 0 is "Unassigned" */
  GArray           *queue_ids;

  gint64   user_id;
  DeskRole role;
  gboolean updating; /* showing the cache, not a change by the agent */
};

G_DEFINE_FINAL_TYPE (DeskTicketControls, desk_ticket_controls, GTK_TYPE_WIDGET)

enum
{
  CHANGE_REQUESTED,
  MERGE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
request (DeskTicketControls *self, JsonObject *changes)
{
  if (!self->updating && self->ticket != NULL)
    g_signal_emit (self, signals[CHANGE_REQUESTED], 0, changes);
  json_object_unref (changes);
}

static const char *
enum_nick (GType type, int value)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  return enum_value ? enum_value->value_nick : NULL;
}

static void
status_changed_cb (DeskTicketControls *self)
{
  JsonObject *changes = json_object_new ();
  guint       selected = gtk_drop_down_get_selected (self->status_dropdown);

  if (self->ticket == NULL || selected == GTK_INVALID_LIST_POSITION ||
      (int) selected == (int) self->ticket->status)
    {
      json_object_unref (changes);
      return;
    }
  json_object_set_string_member (changes, "status",
                                 enum_nick (DESK_TYPE_TICKET_STATUS, (int) selected));
  request (self, changes);
}

static void
priority_changed_cb (DeskTicketControls *self)
{
  JsonObject *changes = json_object_new ();
  guint       selected = gtk_drop_down_get_selected (self->priority_dropdown);

  if (self->ticket == NULL || selected == GTK_INVALID_LIST_POSITION ||
      (int) selected == (int) self->ticket->priority)
    {
      json_object_unref (changes);
      return;
    }
  json_object_set_string_member (changes, "priority",
                                 enum_nick (DESK_TYPE_PRIORITY, (int) selected));
  request (self, changes);
}

static void
request_assignee (DeskTicketControls *self, gint64 assignee_id)
{
  JsonObject *changes;

  if (self->ticket == NULL || assignee_id == self->ticket->assignee_id)
    return;

  changes = json_object_new ();
  if (assignee_id == 0)
    json_object_set_null_member (changes, "assignee_id");
  else
    json_object_set_int_member (changes, "assignee_id", assignee_id);
  request (self, changes);
}

static void
assignee_changed_cb (DeskTicketControls *self)
{
  guint selected = gtk_drop_down_get_selected (self->assignee_dropdown);

  if (self->assignee_ids != NULL && selected < self->assignee_ids->len)
    request_assignee (self, g_array_index (self->assignee_ids, gint64, selected));
}

static void
claim_clicked_cb (DeskTicketControls *self)
{
  request_assignee (self, self->user_id);
}

static void
queue_changed_cb (DeskTicketControls *self)
{
  guint       selected = gtk_drop_down_get_selected (self->queue_dropdown);
  JsonObject *changes;
  gint64      queue_id;

  if (self->ticket == NULL || self->queue_ids == NULL || selected >= self->queue_ids->len)
    return;
  queue_id = g_array_index (self->queue_ids, gint64, selected);
  if (queue_id == self->ticket->queue_id)
    return;

  changes = json_object_new ();
  json_object_set_int_member (changes, "queue_id", queue_id);
  request (self, changes);
}

static void
tags_activated_cb (DeskTicketControls *self)
{
  g_auto (GStrv) parts =
      g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->tags_entry)), ",", -1);
  JsonArray  *tags = json_array_new ();
  JsonObject *changes = json_object_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);

      if (*tag != '\0')
        json_array_add_string_element (tags, tag);
    }
  json_object_set_array_member (changes, "tags", tags);
  request (self, changes);
}

/* A control that is not offered leaves no gap: the flow box's own child
 * around it goes too. */
static void
set_control_visible (GtkWidget *control, gboolean visible)
{
  GtkWidget *parent = gtk_widget_get_parent (control);

  gtk_widget_set_visible (control, visible);
  if (GTK_IS_FLOW_BOX_CHILD (parent))
    gtk_widget_set_visible (parent, visible);
}

static void
merge_row_activated_cb (DeskTicketControls *self, GtkListBoxRow *row)
{
  gint64 *into = g_object_get_data (G_OBJECT (row), "ticket-id");

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->merge_button));
  if (into != NULL && self->ticket != NULL && self->role != DESK_ROLE_TRAINEE)
    g_signal_emit (self, signals[MERGE_REQUESTED], 0, *into);
}

/* The customer's other tickets, offered to merge into. */
void
desk_ticket_controls_set_merge_candidates (DeskTicketControls *self, GPtrArray *tickets)
{
  GtkWidget *child;

  g_return_if_fail (DESK_IS_TICKET_CONTROLS (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->merge_list))) != NULL)
    gtk_list_box_remove (self->merge_list, child);

  for (guint i = 0; tickets != NULL && i < tickets->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (tickets, i);
      g_autofree char  *text =
          g_strdup_printf ("#%" G_GINT64_FORMAT " · %s", ticket->id, ticket->subject);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "ticket-id",
                              g_memdup2 (&ticket->id, sizeof ticket->id), g_free);
      gtk_list_box_append (self->merge_list, row);
    }

  set_control_visible (self->merge_button,
                       tickets != NULL && tickets->len > 0 && self->role != DESK_ROLE_TRAINEE);
}

static guint
position_of (GArray *ids, gint64 id)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
show_ticket (DeskTicketControls *self)
{
  const DeskTicketRecord *ticket = self->ticket;
  gboolean                trainee = self->role == DESK_ROLE_TRAINEE;
  gboolean                lead = self->role == DESK_ROLE_LEAD || self->role == DESK_ROLE_ADMIN;
  g_autofree char        *tags = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), ticket != NULL);
  if (ticket == NULL)
    return;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->status_dropdown, ticket->status);
  gtk_drop_down_set_selected (self->priority_dropdown, ticket->priority);
  gtk_drop_down_set_selected (self->assignee_dropdown,
                              position_of (self->assignee_ids, ticket->assignee_id));
  gtk_drop_down_set_selected (self->queue_dropdown,
                              position_of (self->queue_ids, ticket->queue_id));
  tags = ticket->tags ? g_strjoinv (", ", ticket->tags) : g_strdup ("");
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), tags);
  self->updating = FALSE;

  /* What the server would refuse is not offered: trainees change nothing
   * but tags, and only leads give a ticket to someone else. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->status_dropdown), !trainee);
  gtk_widget_set_sensitive (GTK_WIDGET (self->priority_dropdown), !trainee);
  gtk_widget_set_sensitive (GTK_WIDGET (self->queue_dropdown), !trainee);
  gtk_widget_set_sensitive (GTK_WIDGET (self->assignee_dropdown), lead);
  set_control_visible (GTK_WIDGET (self->claim_button),
                       !trainee && ticket->assignee_id != self->user_id && self->user_id != 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               trainee ? _ ("Trainees practise with internal notes and tags; "
                                            "an agent changes the status")
                                       : NULL);
}

void
desk_ticket_controls_set_ticket (DeskTicketControls *self, const DeskTicketRecord *ticket)
{
  g_return_if_fail (DESK_IS_TICKET_CONTROLS (self));

  g_clear_pointer (&self->ticket, desk_ticket_record_free);
  self->ticket = ticket ? desk_ticket_record_copy (ticket) : NULL;
  show_ticket (self);
}

void
desk_ticket_controls_set_directory (
    DeskTicketControls *self, GPtrArray *agents, GPtrArray *queues, gint64 user_id, DeskRole role)
{
  g_autoptr (GtkStringList) agent_names = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) queue_names = gtk_string_list_new (NULL);
  gint64 nobody = 0;

  g_return_if_fail (DESK_IS_TICKET_CONTROLS (self));

  self->user_id = user_id;
  self->role = role;

  g_clear_pointer (&self->assignee_ids, g_array_unref);
  self->assignee_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_string_list_append (agent_names, _ ("Unassigned"));
  g_array_append_val (self->assignee_ids, nobody);
  for (guint i = 0; agents != NULL && i < agents->len; i++)
    {
      DeskUserRecord *agent = g_ptr_array_index (agents, i);

      if (agent->role == DESK_ROLE_TRAINEE)
        continue;
      gtk_string_list_append (agent_names, agent->name);
      g_array_append_val (self->assignee_ids, agent->id);
    }

  g_clear_pointer (&self->queue_ids, g_array_unref);
  self->queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; queues != NULL && i < queues->len; i++)
    {
      DeskQueueRecord *queue = g_ptr_array_index (queues, i);

      gtk_string_list_append (queue_names, queue->name);
      g_array_append_val (self->queue_ids, queue->id);
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->assignee_dropdown, G_LIST_MODEL (agent_names));
  gtk_drop_down_set_model (self->queue_dropdown, G_LIST_MODEL (queue_names));
  self->updating = FALSE;
  show_ticket (self);
}

static GtkStringList *
enum_names (const char *const *names, guint n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, _ (names[i]));
  return list;
}

static void
desk_ticket_controls_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DESK_TYPE_TICKET_CONTROLS);

  /* GTK 4.8 leaves the template's unnamed root child in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (desk_ticket_controls_parent_class)->dispose (object);
}

static void
desk_ticket_controls_finalize (GObject *object)
{
  DeskTicketControls *self = DESK_TICKET_CONTROLS (object);

  g_clear_pointer (&self->ticket, desk_ticket_record_free);
  g_clear_pointer (&self->assignee_ids, g_array_unref);
  g_clear_pointer (&self->queue_ids, g_array_unref);

  G_OBJECT_CLASS (desk_ticket_controls_parent_class)->finalize (object);
}

static void
desk_ticket_controls_class_init (DeskTicketControlsClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_ticket_controls_dispose;
  object_class->finalize = desk_ticket_controls_finalize;

  /* The fields to change, as the server's PATCH takes them. */
  signals[CHANGE_REQUESTED] =
      g_signal_new ("change-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  /* The ticket to merge the shown one into. */
  signals[MERGE_REQUESTED] =
      g_signal_new ("merge-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/desk-ticket-controls.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, priority_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, assignee_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, queue_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, claim_button);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, merge_button);
  gtk_widget_class_bind_template_child (widget_class, DeskTicketControls, merge_list);
  gtk_widget_class_bind_template_callback (widget_class, merge_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, priority_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, assignee_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, queue_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, claim_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, tags_activated_cb);
}

static void
desk_ticket_controls_init (DeskTicketControls *self)
{
  static const char *statuses[] = { N_ ("New"), N_ ("Open"), N_ ("Pending"), N_ ("Solved"),
                                    N_ ("Closed") };
  static const char *priorities[] = { N_ ("Low"), N_ ("Normal"), N_ ("High"), N_ ("Urgent") };
  g_autoptr (GtkStringList) status_names = enum_names (statuses, G_N_ELEMENTS (statuses));
  g_autoptr (GtkStringList) priority_names = enum_names (priorities, G_N_ELEMENTS (priorities));

  gtk_widget_init_template (GTK_WIDGET (self));
  desk_drop_down_make_compact (self->status_dropdown);
  desk_drop_down_make_compact (self->priority_dropdown);
  desk_drop_down_make_compact (self->assignee_dropdown);
  desk_drop_down_make_compact (self->queue_dropdown);

  self->updating = TRUE;
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (status_names));
  gtk_drop_down_set_model (self->priority_dropdown, G_LIST_MODEL (priority_names));
  self->updating = FALSE;
  show_ticket (self);
}
