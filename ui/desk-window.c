/* desk-window.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "desk-canned-panel.h"
#include "desk-enums.h"
#include "desk-canned-template.h"
#include "desk-composer-assist.h"
#include "desk-frame-report.h"
#include "desk-inbox-model.h"
#include "desk-knowledge-panel.h"
#include "desk-message-row.h"
#include "desk-ticket-controls.h"
#include "desk-ticket-row.h"
#include "desk-view-row.h"
#include "desk-window-private.h"

/* Rows that a list let go, for the next ones it needs (see row_pool_setup_cb()). */
typedef struct
{
  GType      type;
  GPtrArray *spare;
} RowPool;

struct _DeskWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwLeaflet         *leaflet;
  GtkListBox         *views_list;
  AdwWindowTitle     *inbox_title;
  AdwWindowTitle     *conversation_title;
  GtkPaned           *side_panel_paned;
  GtkWidget          *side_panel;
  AdwViewStack       *side_panel_stack;
  GtkWidget          *side_panel_switcher;
  GtkStack           *inbox_stack;
  GtkListView        *inbox_list;
  GtkProgressBar     *sync_progress;
  GtkStack           *conversation_stack;
  GtkListView        *thread_list;
  GtkTextView        *composer_view;
  GtkToggleButton    *note_toggle;
  GtkToggleButton    *reply_toggle;
  GtkLabel           *composer_status;
  DeskKnowledgePanel *knowledge_panel;
  DeskCannedPanel    *canned_panel;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  AdwStatusPage      *inbox_empty;
  DeskTicketControls *ticket_controls;
  AdwToastOverlay    *toast_overlay;
  GtkRevealer        *connection_revealer;
  GtkLabel           *typing_label;
  GtkWidget          *trainee_notice;
  GtkWidget          *send_menu_button;
  GtkStack           *main_stack;
  AdwEntryRow        *server_row;
  AdwEntryRow        *token_row;
  GtkLabel           *sign_in_error;
  GtkWidget          *sign_in_button;
  GtkWidget          *sign_in_back_button;
  GtkImage           *connection_icon;
  GtkLabel           *connection_label;

  /* Owned */
  DeskComposerAssist *composer_assist;
  GSettings          *settings;
  DeskInboxModel     *inbox_model;
  GtkSliceListModel  *inbox_slice; /* the rows given to the list yet */
  GtkSingleSelection *inbox_selection;
  GListStore         *thread;
  GPtrArray          *earlier_messages; /* not in the thread yet, oldest first */
  RowPool             ticket_rows;
  RowPool             message_rows;
  GHashTable         *bound_rows;   /* the rows on show, to be kept up to date */
  GHashTable         *chats_typing; /* ticket id → when the customer last typed */
  GVariant           *deleted_view; /* the saved view "Undo" brings back */
  DeskFrameReport    *frame_report; /* NULL unless a benchmark asked for it */

  /* Borrowed from the application */
  DeskStore  *store;
  DeskOutbox *outbox;

  char  *view_id;        /* the view shown in the inbox */
  char  *sort;           /* the agent's choice of sort, NULL for the view's own */
  gint64 ticket_id;      /* the open conversation, 0 for none */
  guint  counts_source;  /* pending update of the views' counts */
  guint  typing_source;  /* hides "… is typing" */
  guint  clock_source;   /* moves the countdowns and "5 min ago" on */
  guint  more_rows_tick; /* gives the inbox the rest of a view */
  guint  thread_tick;    /* fills and scrolls the thread */
  gint64 typing_sent_at; /* when the agent's typing was last told */

  guint side_panel_visible : 1;
  guint sign_in_requested : 1;
  guint signing_in : 1;
  guint side_panel_position_restored : 1;
  guint first_rows_drawn : 1;
  guint first_frames : 2; /* painted since the window was mapped, up to 1 */
  guint first_messages_drawn : 1;
  guint thread_needs_scroll : 1;
};

G_DEFINE_FINAL_TYPE (DeskWindow, desk_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SIDE_PANEL_VISIBLE,
  PROP_SORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DeskWindow *
desk_window_new (DeskApplication *application)
{
  return g_object_new (DESK_TYPE_WINDOW, "application", application, NULL);
}

gboolean
desk_window_get_side_panel_visible (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), FALSE);

  return self->side_panel_visible;
}

void
desk_window_set_side_panel_visible (DeskWindow *self, gboolean side_panel_visible)
{
  g_return_if_fail (DESK_IS_WINDOW (self));

  side_panel_visible = !!side_panel_visible;
  if (side_panel_visible == self->side_panel_visible)
    return;

  self->side_panel_visible = side_panel_visible;
  gtk_widget_set_visible (self->side_panel, side_panel_visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDE_PANEL_VISIBLE]);
}

#define OPEN_STATUSES                                                                              \
  (1u << DESK_TICKET_STATUS_NEW | 1u << DESK_TICKET_STATUS_OPEN | 1u << DESK_TICKET_STATUS_PENDING)

static const char *sort_names[] = {
  [DESK_INBOX_SORT_SLA] = "sla",
  [DESK_INBOX_SORT_PRIORITY] = "priority",
  [DESK_INBOX_SORT_NEWEST] = "newest",
  [DESK_INBOX_SORT_LONGEST_WAITING] = "longest-waiting",
};

/* A saved view: the view it narrows, its words and its sort. The strings
 * belong to @settings' value, kept in @saved. */
static gboolean
lookup_saved_view (GSettings   *settings,
                   const char  *view_id,
                   GVariant   **saved,
                   const char **base,
                   const char **search,
                   const char **sort)
{
  g_autoptr (GVariant) views = g_settings_get_value (settings, "saved-views");

  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      g_autoptr (GVariant) view = g_variant_get_child_value (views, i);
      const char *id;

      g_variant_get (view, "(&s&s&s&s&s)", &id, NULL, base, search, sort);
      if (g_strcmp0 (id, view_id) == 0)
        {
          *saved = g_steal_pointer (&view);
          return TRUE;
        }
    }
  return FALSE;
}

/* The built-in views of the sidebar, as filters and sorts of the inbox. */
static void
view_to_filter (const char *view_id, gint64 user_id, DeskInboxFilter *filter, DeskInboxSort *sort);

/* A saved view is its base view narrowed by its words, in its sort. The
 * search text lives as long as @saved. */
static void
saved_view_to_filter (GSettings       *settings,
                      const char      *view_id,
                      gint64           user_id,
                      GVariant       **saved,
                      DeskInboxFilter *filter,
                      DeskInboxSort   *sort)
{
  const char *base = NULL;
  const char *search = NULL;
  const char *sort_name = NULL;

  if (!lookup_saved_view (settings, view_id, saved, &base, &search, &sort_name))
    {
      view_to_filter ("all-open", user_id, filter, sort);
      return;
    }

  view_to_filter (base, user_id, filter, sort);
  if (search != NULL && *search != '\0')
    filter->search = search;
  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (sort_name, sort_names[i]) == 0)
      *sort = i;
}

static void
view_to_filter (const char *view_id, gint64 user_id, DeskInboxFilter *filter, DeskInboxSort *sort)
{
  DeskInboxFilter all = DESK_INBOX_FILTER_ALL;

  *filter = all;
  *sort = DESK_INBOX_SORT_SLA;
  filter->status_mask = OPEN_STATUSES;

  if (g_strcmp0 (view_id, "my-queue") == 0)
    filter->assignee_id = user_id > 0 ? user_id : 0;
  else if (g_strcmp0 (view_id, "unassigned") == 0)
    filter->assignee_id = DESK_ASSIGNEE_NOBODY;
  else if (g_strcmp0 (view_id, "live-chats") == 0)
    {
      filter->kind = DESK_TICKET_KIND_CHAT;
      *sort = DESK_INBOX_SORT_LONGEST_WAITING;
    }
  else if (g_strcmp0 (view_id, "pending") == 0)
    {
      filter->status_mask = 1u << DESK_TICKET_STATUS_PENDING;
      *sort = DESK_INBOX_SORT_LONGEST_WAITING;
    }
  else if (g_str_has_prefix (view_id ? view_id : "", "queue-"))
    filter->queue_id = g_ascii_strtoll (view_id + strlen ("queue-"), NULL, 10);
  else if (g_strcmp0 (view_id, "solved") == 0)
    {
      filter->status_mask = 1u << DESK_TICKET_STATUS_SOLVED | 1u << DESK_TICKET_STATUS_CLOSED;
      *sort = DESK_INBOX_SORT_NEWEST;
    }
}

static const char *desk_window_get_sort (DeskWindow *self);
static void        desk_window_select_view (DeskWindow *self, DeskViewRow *row);
static void        desk_window_restore_last_view (DeskWindow *self);
static void        queue_update_counts (DeskWindow *self);

static void
any_view_to_filter (DeskWindow      *self,
                    const char      *view_id,
                    gint64           user_id,
                    GVariant       **saved,
                    DeskInboxFilter *filter,
                    DeskInboxSort   *sort)
{
  if (g_str_has_prefix (view_id ? view_id : "", "saved-"))
    saved_view_to_filter (self->settings, view_id, user_id, saved, filter, sort);
  else
    view_to_filter (view_id, user_id, filter, sort);
}

/* The agent's saved views, after the built-in ones. */
static void
load_saved_views (DeskWindow *self)
{
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "saved-views");
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i));)
    if (g_str_has_prefix (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), "saved-"))
      gtk_list_box_remove (self->views_list, GTK_WIDGET (row));
    else
      i++;

  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      const char *id;
      const char *name;

      g_variant_get_child (views, i, "(&s&s&s&s&s)", &id, &name, NULL, NULL, NULL);
      gtk_list_box_append (self->views_list,
                           g_object_new (DESK_TYPE_VIEW_ROW, "view-id", id, "title", name,
                                         "icon-name", "starred-symbolic", NULL));
    }
}

/* Keeps the current view, narrowed by the search and in the sort shown,
 * under @name; a view of that name is replaced. */
static void
desk_window_save_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "saved-views");
  g_autofree char *name = g_strstrip (g_strdup (g_variant_get_string (param, NULL)));
  g_autofree char *id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *search = NULL;
  GVariantBuilder  builder;
  GtkListBoxRow   *row;

  if (*name == '\0' || self->view_id == NULL)
    return;

  /* Saving a saved view keeps what it narrows. */
  if (g_str_has_prefix (self->view_id, "saved-"))
    {
      g_autoptr (GVariant) saved = NULL;
      const char *saved_base = NULL;
      const char *saved_search = NULL;
      const char *saved_sort = NULL;

      if (lookup_saved_view (self->settings, self->view_id, &saved, &saved_base, &saved_search,
                             &saved_sort))
        base = g_strdup (saved_base);
    }
  if (base == NULL)
    base = g_strdup (self->view_id);
  search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  id = g_strdup_printf ("saved-%" G_GINT64_FORMAT, g_get_real_time ());

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssss)"));
  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      g_autoptr (GVariant) view = g_variant_get_child_value (views, i);
      const char *view_name;

      g_variant_get (view, "(&s&s&s&s&s)", NULL, &view_name, NULL, NULL, NULL);
      if (g_strcmp0 (view_name, name) != 0)
        g_variant_builder_add_value (&builder, view);
    }
  g_variant_builder_add (&builder, "(sssss)", id, name, base, search, desk_window_get_sort (self));
  g_settings_set_value (self->settings, "saved-views", g_variant_builder_end (&builder));

  load_saved_views (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    if (g_str_equal (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), id))
      {
        gtk_list_box_select_row (self->views_list, row);
        desk_window_select_view (self, DESK_VIEW_ROW (row));
      }
  queue_update_counts (self);
}

static void
desk_window_delete_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "saved-views");
  const char     *id = g_variant_get_string (param, NULL);
  GVariantBuilder builder;
  gboolean        was_shown = g_strcmp0 (self->view_id, id) == 0;

  g_autofree char *name = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssss)"));
  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      g_autoptr (GVariant) view = g_variant_get_child_value (views, i);
      const char *view_id;
      const char *view_name;

      g_variant_get (view, "(&s&s&s&s&s)", &view_id, &view_name, NULL, NULL, NULL);
      if (g_strcmp0 (view_id, id) != 0)
        g_variant_builder_add_value (&builder, view);
      else
        {
          /* Kept for Undo, until another view goes. */
          g_clear_pointer (&self->deleted_view, g_variant_unref);
          self->deleted_view = g_variant_ref (view);
          name = g_strdup (view_name);
        }
    }
  if (name == NULL)
    {
      g_variant_builder_clear (&builder);
      return;
    }
  g_settings_set_value (self->settings, "saved-views", g_variant_builder_end (&builder));
  load_saved_views (self);
  if (was_shown)
    {
      g_settings_set_string (self->settings, "last-view", "all-open");
      desk_window_restore_last_view (self);
    }

  {
    g_autofree char *title = g_strdup_printf (_ ("“%s” deleted"), name);
    AdwToast        *toast = adw_toast_new (title);

    adw_toast_set_button_label (toast, _ ("_Undo"));
    adw_toast_set_action_name (toast, "win.undo-delete-view");
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
  }
}

/* The saved view deleted last comes back, where it was last in the list. */
static void
desk_window_undo_delete_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "saved-views");
  g_autoptr (GVariant) deleted = g_steal_pointer (&self->deleted_view);
  GVariantBuilder builder;

  if (deleted == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssss)"));
  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      g_autoptr (GVariant) view = g_variant_get_child_value (views, i);

      g_variant_builder_add_value (&builder, view);
    }
  g_variant_builder_add_value (&builder, deleted);
  g_settings_set_value (self->settings, "saved-views", g_variant_builder_end (&builder));
  load_saved_views (self);
  queue_update_counts (self);
}

/* A saved view renamed or given other words; its base view and sort stay. */
static void
desk_window_update_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  g_autoptr (GVariant) views = g_settings_get_value (self->settings, "saved-views");
  const char      *id;
  const char      *new_name;
  const char      *new_search;
  g_autofree char *name = NULL;
  g_autofree char *search = NULL;
  GVariantBuilder  builder;

  g_variant_get (param, "(&s&s&s)", &id, &new_name, &new_search);
  name = g_strstrip (g_strdup (new_name));
  search = g_strstrip (g_strdup (new_search));
  if (*name == '\0')
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssss)"));
  for (gsize i = 0; i < g_variant_n_children (views); i++)
    {
      g_autoptr (GVariant) view = g_variant_get_child_value (views, i);
      const char *view_id;
      const char *base;
      const char *sort;

      g_variant_get (view, "(&s&s&s&s&s)", &view_id, NULL, &base, NULL, &sort);
      if (g_strcmp0 (view_id, id) == 0)
        g_variant_builder_add (&builder, "(sssss)", view_id, name, base, search, sort);
      else
        g_variant_builder_add_value (&builder, view);
    }
  g_settings_set_value (self->settings, "saved-views", g_variant_builder_end (&builder));
  load_saved_views (self);
  queue_update_counts (self);

  /* The view on show takes its new words at once. */
  if (g_strcmp0 (self->view_id, id) == 0)
    {
      GtkListBoxRow *row;

      for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
        if (g_str_equal (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), id))
          {
            gtk_list_box_select_row (self->views_list, row);
            desk_window_select_view (self, DESK_VIEW_ROW (row));
          }
    }
}

static void
save_view_response_cb (AdwMessageDialog *dialog, const char *response, DeskWindow *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_strcmp0 (response, "save") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.save-view", "s",
                                gtk_editable_get_text (entry));
}

static void
save_view_entry_activated_cb (GtkEntry *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
}

/* "Save as View…" in the search bar: a name, then win.save-view. */
static void
desk_window_ask_save_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (widget), _ ("Save as View"),
                                              _ ("The view shows these tickets in the sidebar, "
                                                 "up to date, until you delete it."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Name of the view"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "save",
                                    _ ("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_view_response_cb), widget, 0);
  g_signal_connect (entry, "activate", G_CALLBACK (save_view_entry_activated_cb), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* A saved view's row offers to edit it: its name and words, or delete it
 * (right click, or Shift+F10 / the Menu key on the row). */
static void
edit_view_response_cb (AdwMessageDialog *dialog, const char *response, DeskWindow *self)
{
  const char  *id = g_object_get_data (G_OBJECT (dialog), "view-id");
  GtkEditable *name_entry = g_object_get_data (G_OBJECT (dialog), "name-entry");
  GtkEditable *words_entry = g_object_get_data (G_OBJECT (dialog), "words-entry");

  if (g_strcmp0 (response, "save") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.update-view", "(sss)", id,
                                gtk_editable_get_text (name_entry),
                                gtk_editable_get_text (words_entry));
  else if (g_strcmp0 (response, "delete") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.delete-view", "s", id);
}

static void
edit_view_entry_activated_cb (GtkEntry *entry, AdwMessageDialog *dialog)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "name-entry"))) ==
      '\0')
    return;
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
edit_view_name_changed_cb (GtkEditable *name_entry, AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (name_entry)));

  adw_message_dialog_set_response_enabled (dialog, "save", *name != '\0');
}

static void
desk_window_edit_view_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr (GVariant) saved = NULL;
  const char *base = NULL;
  const char *search = NULL;
  const char *sort = NULL;
  const char *name = NULL;
  GtkWidget  *dialog;
  GtkWidget  *box;
  GtkWidget  *name_entry;
  GtkWidget  *words_entry;

  if (!lookup_saved_view (self->settings, id, &saved, &base, &search, &sort))
    return;
  g_variant_get (saved, "(&s&s&s&s&s)", NULL, &name, NULL, NULL, NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Edit View"),
                                   _ ("The view shows the tickets of the view it was saved from "
                                      "that have all these words."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  name_entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (name_entry), name);
  gtk_entry_set_placeholder_text (GTK_ENTRY (name_entry), _ ("Name of the view"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Name of the view"), -1);
  words_entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (words_entry), search);
  gtk_entry_set_placeholder_text (GTK_ENTRY (words_entry), _ ("Search words"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (words_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Search words"), -1);
  gtk_box_append (GTK_BOX (box), name_entry);
  gtk_box_append (GTK_BOX (box), words_entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "delete", _ ("_Delete"), "cancel",
                                    _ ("_Cancel"), "save", _ ("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "view-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (dialog), "name-entry", name_entry);
  g_object_set_data (G_OBJECT (dialog), "words-entry", words_entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (edit_view_response_cb), self, 0);
  g_signal_connect (name_entry, "activate", G_CALLBACK (edit_view_entry_activated_cb), dialog);
  g_signal_connect (words_entry, "activate", G_CALLBACK (edit_view_entry_activated_cb), dialog);
  g_signal_connect (name_entry, "changed", G_CALLBACK (edit_view_name_changed_cb), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (name_entry);
}

static void
edit_saved_view_row (DeskWindow *self, GtkListBoxRow *row)
{
  const char *id = row ? desk_view_row_get_view_id (DESK_VIEW_ROW (row)) : NULL;

  if (id != NULL && g_str_has_prefix (id, "saved-"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-view", "s", id);
}

static void
views_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, DeskWindow *self)
{
  edit_saved_view_row (self, gtk_list_box_get_row_at_y (self->views_list, (int) y));
}

static gboolean
views_menu_key_cb (GtkWidget *views_list, GVariant *args, DeskWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (views_list));

  if (!GTK_IS_LIST_BOX_ROW (focus))
    return FALSE;
  edit_saved_view_row (self, GTK_LIST_BOX_ROW (focus));
  return TRUE;
}

/* Counts follow the cache, at most twice a second while a sync streams in. */
static gboolean
update_counts_cb (gpointer user_data)
{
  DeskWindow      *self = user_data;
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GtkListBoxRow   *row;

  self->counts_source = 0;
  if (self->store == NULL || app == NULL)
    return G_SOURCE_REMOVE;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    {
      DeskViewRow    *view = DESK_VIEW_ROW (row);
      DeskInboxFilter filter;
      DeskInboxSort   sort;

      g_autoptr (GVariant) saved = NULL;

      any_view_to_filter (self, desk_view_row_get_view_id (view),
                          desk_application_get_user_id (app), &saved, &filter, &sort);
      /* Solved grows forever: a count there says nothing. */
      desk_view_row_set_count (view, g_str_equal (desk_view_row_get_view_id (view), "solved")
                                         ? -1
                                         : desk_store_count_tickets (self->store, &filter, NULL));
    }

  return G_SOURCE_REMOVE;
}

static void
queue_update_counts (DeskWindow *self)
{
  if (self->counts_source == 0)
    self->counts_source = g_timeout_add (500, update_counts_cb, self);
}

static gboolean
is_searching (DeskWindow *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
}

static void
update_inbox_page (DeskWindow *self)
{
  gboolean has_rows =
      self->inbox_model != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->inbox_model)) > 0;

  if (is_searching (self))
    {
      adw_status_page_set_icon_name (self->inbox_empty, "system-search-symbolic");
      adw_status_page_set_title (self->inbox_empty, _ ("No Tickets Match"));
      adw_status_page_set_description (
          self->inbox_empty,
          _ ("No subject, customer or message in this view has these words. Try fewer words, "
             "or search in “All Open” or “Solved”."));
    }
  else if (self->store != NULL && desk_store_count (self->store, DESK_STORE_COLLECTION_TICKETS) > 0)
    {
      adw_status_page_set_icon_name (self->inbox_empty, "object-select-symbolic");
      adw_status_page_set_title (self->inbox_empty, _ ("Nothing Here"));
      adw_status_page_set_description (self->inbox_empty,
                                       _ ("No ticket is in this view right now."));
    }
  gtk_stack_set_visible_child_name (self->inbox_stack, has_rows ? "list" : "empty");
}

/* GTK 4.8's GtkListView makes and binds a row for each of up to 200 items
 * at once, all in the same main-loop turn, whether they are on screen or
 * not (GTK 4.12 makes only the visible ones). A new view of the inbox, or
 * a long thread, would wait for all of them: so a list is given a
 * screenful first, and the rest a few rows a frame from the frame after
 * the one that draws them. */
#define MIN_TICKET_ROW_HEIGHT 64
#define MIN_MESSAGE_ROW_HEIGHT 48
#define MORE_ROWS_PER_FRAME 48
#define ALL_ROWS_FROM 240 /* beyond the 200 rows GTK 4.8 makes */

/* The rows of at least @min_height that fill the window, or the size it
 * opens at before it has one. */
static guint
screenful (DeskWindow *self, int min_height)
{
  int width;
  int height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  height = MAX (height, gtk_widget_get_height (GTK_WIDGET (self)));
  return MAX (height, 0) / min_height + 1;
}

static gboolean
more_rows_cb (GtkWidget *list, GdkFrameClock *clock, gpointer user_data)
{
  DeskWindow *self = user_data;
  guint       size = gtk_slice_list_model_get_size (self->inbox_slice) + MORE_ROWS_PER_FRAME;

  if (!self->first_rows_drawn)
    {
      self->first_rows_drawn = TRUE;
      return G_SOURCE_CONTINUE;
    }

  if (size >= ALL_ROWS_FROM || size >= g_list_model_get_n_items (G_LIST_MODEL (self->inbox_model)))
    {
      self->more_rows_tick = 0;
      gtk_slice_list_model_set_size (self->inbox_slice, G_MAXUINT);
      return G_SOURCE_REMOVE;
    }

  gtk_slice_list_model_set_size (self->inbox_slice, size);
  return G_SOURCE_CONTINUE;
}

/* The inbox shows another view: a screenful of it first. */
static void
show_view (DeskWindow *self, const DeskInboxFilter *filter, DeskInboxSort sort)
{
  guint first = screenful (self, MIN_TICKET_ROW_HEIGHT);

  /* Fewer rows of the old view to replace; none of it to bind at start. */
  if (gtk_slice_list_model_get_size (self->inbox_slice) > first)
    gtk_slice_list_model_set_size (self->inbox_slice, first);
  desk_inbox_model_set_view (self->inbox_model, filter, sort);
  gtk_slice_list_model_set_size (self->inbox_slice, first);

  self->first_rows_drawn = FALSE;
  if (self->more_rows_tick == 0)
    self->more_rows_tick =
        gtk_widget_add_tick_callback (GTK_WIDGET (self->inbox_list), more_rows_cb, self, NULL);
}

/* The inbox shows the current view, narrowed by the search, in the
 * agent's sort or else the view's own. */
static void
apply_view (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GVariant) saved = NULL;
  DeskInboxFilter filter;
  DeskInboxSort   sort;

  if (self->inbox_model == NULL || app == NULL)
    return;

  /* Before the rows: the list binds them as the model changes. */
  if (self->frame_report != NULL)
    desk_frame_report_add (self->frame_report, "view %s", self->view_id ? self->view_id : "");

  any_view_to_filter (self, self->view_id, desk_application_get_user_id (app), &saved, &filter,
                      &sort);
  if (is_searching (self))
    filter.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  for (guint i = 0; self->sort != NULL && i < G_N_ELEMENTS (sort_names); i++)
    if (g_str_equal (self->sort, sort_names[i]))
      sort = i;

  /* The same view again (the agent signed in, the queues came) keeps its
   * rows, and where the list is scrolled. */
  if (!desk_inbox_model_shows_view (self->inbox_model, &filter, sort) ||
      gtk_slice_list_model_get_size (self->inbox_slice) == 0)
    show_view (self, &filter, sort);
  update_inbox_page (self);
}

static void
inbox_search_changed_cb (DeskWindow *self)
{
  apply_view (self);
}

static void
inbox_search_stopped_cb (DeskWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->inbox_list));
}

static void
desk_window_search_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "inbox");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
desk_window_set_sort (DeskWindow *self, const char *sort)
{
  if (g_strcmp0 (self->sort, sort) == 0)
    return;

  g_free (self->sort);
  self->sort = g_strdup (sort);
  apply_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

/* The sort menu shows the sort in use: the view's own until one is chosen. */
static const char *
desk_window_get_sort (DeskWindow *self)
{
  g_autoptr (GVariant) saved = NULL;
  DeskInboxFilter filter;
  DeskInboxSort   sort;

  if (self->sort != NULL)
    return self->sort;
  any_view_to_filter (self, self->view_id, 0, &saved, &filter, &sort);
  return sort_names[sort];
}

static void
desk_window_select_view (DeskWindow *self, DeskViewRow *row)
{
  adw_window_title_set_title (self->inbox_title, desk_view_row_get_title (row));
  g_settings_set_string (self->settings, "last-view", desk_view_row_get_view_id (row));

  g_free (self->view_id);
  self->view_id = g_strdup (desk_view_row_get_view_id (row));
  apply_view (self);
  if (self->sort == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

static void
views_list_row_activated_cb (DeskWindow *self, GtkListBoxRow *row)
{
  desk_window_select_view (self, DESK_VIEW_ROW (row));
  adw_leaflet_set_visible_child_name (self->leaflet, "inbox");
}

/* Shows the view @view_id ("all-open", "queue-2", …) as if its row in the
 * sidebar were activated; a view the sidebar does not have is ignored. */
void
desk_window_show_view (DeskWindow *self, const char *view_id)
{
  GtkListBoxRow *row;

  g_return_if_fail (DESK_IS_WINDOW (self));
  g_return_if_fail (view_id != NULL);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    if (g_strcmp0 (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), view_id) == 0)
      {
        gtk_list_box_select_row (self->views_list, row);
        views_list_row_activated_cb (self, row);
        return;
      }
}

/* The view the agent left, or the first while it is not there (a queue
 * before the server listed the queues): one view applied, not the first
 * and then the right one. */
static void
desk_window_restore_last_view (DeskWindow *self)
{
  g_autofree char *last_view = g_settings_get_string (self->settings, "last-view");
  GtkListBoxRow   *found = gtk_list_box_get_row_at_index (self->views_list, 0);
  GtkListBoxRow   *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    if (g_strcmp0 (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), last_view) == 0)
      {
        found = row;
        break;
      }

  if (found != NULL)
    {
      gtk_list_box_select_row (self->views_list, found);
      desk_window_select_view (self, DESK_VIEW_ROW (found));
    }
}

/* The conversation */

static void
save_draft (DeskWindow *self)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (self->composer_view);
  g_autofree char *text = NULL;
  GtkTextIter      start;
  GtkTextIter      end;

  if (self->ticket_id == 0 || self->store == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  desk_store_save_draft (self->store, self->ticket_id, text,
                         gtk_toggle_button_get_active (self->note_toggle) ? DESK_VISIBILITY_INTERNAL
                                                                          : DESK_VISIBILITY_PUBLIC,
                         NULL);
}

static void
scroll_thread_to_end (DeskWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->thread));

  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->thread_list), "list.scroll-to-item", "u", n - 1);
}

/* Each frame while a thread fills: its end once the list has a size
 * (scrolled before its first one, GTK 4.8's list view shows the wrong
 * part of a long thread, or nothing), and the earlier messages above the
 * ones shown, a few rows a frame while GTK 4.8 makes rows for them, then
 * all the rest at once (see more_rows_cb()). */
static gboolean
thread_tick_cb (GtkWidget *list, GdkFrameClock *clock, gpointer user_data)
{
  DeskWindow *self = user_data;
  GPtrArray  *earlier = self->earlier_messages;

  if (self->thread_needs_scroll && gtk_widget_get_height (list) > 0)
    {
      self->thread_needs_scroll = FALSE;
      scroll_thread_to_end (self);
    }

  if (earlier != NULL && !self->first_messages_drawn)
    self->first_messages_drawn = TRUE;
  else if (earlier != NULL)
    {
      guint n = earlier->len;

      if (g_list_model_get_n_items (G_LIST_MODEL (self->thread)) < ALL_ROWS_FROM)
        n = MIN (n, MORE_ROWS_PER_FRAME);
      g_list_store_splice (self->thread, 0, 0, earlier->pdata + earlier->len - n, n);
      g_ptr_array_remove_range (earlier, earlier->len - n, n);
      if (earlier->len == 0)
        g_clear_pointer (&self->earlier_messages, g_ptr_array_unref);
    }

  if (self->earlier_messages != NULL || self->thread_needs_scroll)
    return G_SOURCE_CONTINUE;

  self->thread_tick = 0;
  return G_SOURCE_REMOVE;
}

/* The thread opens at its newest messages: a screenful of them first. */
static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node)
             : "";
}

/* The agent's replies and notes still in the outbox, after the thread: a
 * reply that waits for the network or was refused stays in sight. */
static void
add_outgoing_messages (DeskWindow *self, GPtrArray *rows)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GPtrArray) items = desk_store_outbox_list_messages (self->store, self->ticket_id);

  for (guint i = 0; i < items->len; i++)
    {
      DeskOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr (JsonNode) payload = json_from_string (item->payload, NULL);
      JsonObject        *object;
      DeskMessageRecord *record;

      JsonNode *body;

      /* The request as the outbox keeps it: the message is its body. */
      if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
        continue;
      body = json_object_get_member (json_node_get_object (payload), "body");
      if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
        continue;
      object = json_node_get_object (body);

      record = g_new0 (DeskMessageRecord, 1);
      record->ticket_id = item->ticket_id;
      record->author_type = DESK_AUTHOR_AGENT;
      record->author_id = app ? desk_application_get_user_id (app) : 0;
      record->author_name = g_strdup (app ? desk_application_get_user_name (app) : "");
      record->visibility = g_strcmp0 (string_member (object, "visibility"), "internal") == 0
                               ? DESK_VISIBILITY_INTERNAL
                               : DESK_VISIBILITY_PUBLIC;
      record->body = g_strdup (string_member (object, "body"));
      record->created_at = desk_store_outbox_get_created_at (self->store, item->id);
      record->client_id = g_strdup (item->client_id);
      g_ptr_array_add (rows, desk_message_new_outgoing (record, item->id, item->state,
                                                        item->attempts, item->error));
    }
}

static void
load_thread (DeskWindow *self)
{
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_first;

  messages = desk_store_load_messages (self->store, self->ticket_id);
  /* The records go to the rows. */
  g_ptr_array_set_free_func (messages, NULL);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (rows, desk_message_new (g_ptr_array_index (messages, i)));
  add_outgoing_messages (self, rows);

  n_first = MIN (rows->len, screenful (self, MIN_MESSAGE_ROW_HEIGHT));
  g_list_store_splice (self->thread, 0, g_list_model_get_n_items (G_LIST_MODEL (self->thread)),
                       rows->pdata + rows->len - n_first, n_first);

  self->thread_needs_scroll = gtk_widget_get_height (GTK_WIDGET (self->thread_list)) == 0;
  if (!self->thread_needs_scroll)
    scroll_thread_to_end (self);

  g_clear_pointer (&self->earlier_messages, g_ptr_array_unref);
  if (n_first < rows->len)
    {
      g_ptr_array_remove_range (rows, rows->len - n_first, n_first);
      self->earlier_messages = g_steal_pointer (&rows);
      self->first_messages_drawn = FALSE;
    }

  if (self->thread_tick == 0 && (self->earlier_messages != NULL || self->thread_needs_scroll))
    self->thread_tick =
        gtk_widget_add_tick_callback (GTK_WIDGET (self->thread_list), thread_tick_cb, self, NULL);
}

/* Trainees write notes: the server refuses their replies to customers. */
static gboolean
may_reply (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  return app == NULL || desk_application_get_role (app) != DESK_ROLE_TRAINEE;
}

static void
update_merge_candidates (DeskWindow *self, const DeskTicketRecord *record)
{
  g_autoptr (GPtrArray) others = NULL;

  if (record != NULL && self->store != NULL)
    others =
        desk_store_find_tickets_of_requester (self->store, record->requester.id, record->id, 10);
  desk_ticket_controls_set_merge_candidates (self->ticket_controls, others);
}

static void
open_ticket (DeskWindow *self, DeskTicket *ticket)
{
  const DeskTicketRecord *record = desk_ticket_get_record (ticket);
  GtkTextBuffer          *buffer = gtk_text_view_get_buffer (self->composer_view);
  g_autofree char        *draft = NULL;
  DeskVisibility          visibility = DESK_VISIBILITY_PUBLIC;

  save_draft (self);
  self->ticket_id = record->id;

  adw_window_title_set_title (self->conversation_title, record->subject ? record->subject : "");
  adw_window_title_set_subtitle (self->conversation_title,
                                 record->requester.name ? record->requester.name : "");
  load_thread (self);

  draft = desk_store_dup_draft (self->store, self->ticket_id, &visibility);
  gtk_text_buffer_set_text (buffer, draft ? draft : "", -1);
  /* One of the two is always on: a trainee's is the note. */
  gtk_toggle_button_set_active (visibility == DESK_VISIBILITY_INTERNAL || !may_reply (self)
                                    ? self->note_toggle
                                    : self->reply_toggle,
                                TRUE);
  gtk_label_set_text (self->composer_status, "");

  desk_ticket_controls_set_ticket (self->ticket_controls, record);
  update_merge_candidates (self, record);
  desk_knowledge_panel_set_ticket (self->knowledge_panel, record);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), FALSE);
  desk_canned_panel_set_ticket (self->canned_panel, record);

  gtk_stack_set_visible_child_name (self->conversation_stack, "thread");
}

void
desk_window_open_ticket (DeskWindow *self, gint64 ticket_id)
{
  g_autoptr (DeskTicket) ticket = NULL;
  DeskTicketRecord *record;

  g_return_if_fail (DESK_IS_WINDOW (self));

  if (self->store == NULL || !(record = desk_store_load_ticket (self->store, ticket_id)))
    return;

  ticket = desk_ticket_new (record);
  open_ticket (self, ticket);
  adw_leaflet_set_visible_child_name (self->leaflet, "conversation");
}

/* The conversation shown, 0 for none. */
gint64
desk_window_get_ticket_id (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), 0);

  return self->ticket_id;
}

static void
inbox_selection_changed_cb (DeskWindow *self)
{
  DeskTicket *ticket = gtk_single_selection_get_selected_item (self->inbox_selection);

  if (ticket != NULL)
    open_ticket (self, ticket);
}

static void
inbox_list_activate_cb (DeskWindow *self, guint position)
{
  gtk_single_selection_set_selected (self->inbox_selection, position);
  adw_leaflet_set_visible_child_name (self->leaflet, "conversation");
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

static void
tickets_changed_cb (DeskWindow *self, GArray *ids)
{
  update_inbox_page (self);
  /* A sync that fills the cache, a chat that comes: the views' counts follow. */
  queue_update_counts (self);

  for (guint i = 0; self->ticket_id != 0 && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == self->ticket_id)
      {
        g_autoptr (DeskTicketRecord) record = desk_store_load_ticket (self->store, self->ticket_id);

        desk_ticket_controls_set_ticket (self->ticket_controls, record);
        update_merge_candidates (self, record);
        load_thread (self);
        break;
      }
}

static void
ticket_merge_requested_cb (DeskWindow *self, gint64 into)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->ticket_id == 0 || self->outbox == NULL)
    return;

  if (desk_outbox_merge_tickets (self->outbox, self->ticket_id, into, &error) == 0)
    message = g_strdup_printf (_ ("Not merged: %s"), error->message);
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, into);

      /* Translators: %s is a ticket number */
      message = g_strdup_printf (_ ("Merging into #%s…"), number);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Status, priority, assignee, queue and tags go through the outbox with
 * the version the agent saw: a change made meanwhile by someone else is
 * refused (409) and shown as a toast. */
static void
ticket_change_requested_cb (DeskWindow *self, JsonObject *changes)
{
  g_autoptr (DeskTicketRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  if (self->ticket_id == 0 || self->outbox == NULL ||
      !(record = desk_store_load_ticket (self->store, self->ticket_id)))
    return;

  if (desk_outbox_update_ticket (self->outbox, self->ticket_id, record->version, changes, &error) ==
      0)
    {
      g_autofree char *message = g_strdup_printf (_ ("Not changed: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

static void
desk_window_reload_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
                                  "sync", NULL);
}

/* A new customer message changes what the side panel suggests. */
static void
messages_changed_cb (DeskWindow *self, GArray *ticket_ids)
{
  tickets_changed_cb (self, ticket_ids);

  for (guint i = 0; self->ticket_id != 0 && i < ticket_ids->len; i++)
    if (g_array_index (ticket_ids, gint64, i) == self->ticket_id)
      {
        desk_knowledge_panel_refresh_suggestions (self->knowledge_panel);
        desk_canned_panel_refresh (self->canned_panel);
        break;
      }
}

/* Text from the side panel goes in at the reply's cursor, which keeps the
 * focus so the agent goes on typing. */
static void
insert_into_reply (DeskWindow *self, const char *text, GArray *gaps)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  GtkTextIter    cursor;
  int            offset;

  if (self->ticket_id == 0 || text == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  offset = gtk_text_iter_get_offset (&cursor);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &cursor, text, -1);
  gtk_text_buffer_end_user_action (buffer);

  /* Gaps are marked, and the first one selected so typing fills it. */
  for (guint i = 0; gaps != NULL && i < gaps->len; i++)
    {
      DeskCannedGap *gap = &g_array_index (gaps, DeskCannedGap, i);
      GtkTextIter    start, end;

      gtk_text_buffer_get_iter_at_offset (buffer, &start, offset + gap->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, offset + gap->end);
      gtk_text_buffer_apply_tag_by_name (buffer, "gap", &start, &end);
      if (i == 0)
        gtk_text_buffer_select_range (buffer, &start, &end);
    }

  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

static void
knowledge_insert_text_cb (DeskWindow *self, const char *text)
{
  insert_into_reply (self, text, NULL);
}

static void
canned_insert_template_cb (DeskWindow *self, const char *text, GArray *gaps)
{
  insert_into_reply (self, text, gaps);
}

static void
assist_canned_chosen_cb (DeskWindow *self, gint64 canned_id)
{
  desk_canned_panel_insert_reply (self->canned_panel, canned_id);
}

static void
assist_article_chosen_cb (DeskWindow *self, gint64 article_id)
{
  g_autofree char *link = desk_knowledge_panel_dup_link_text (self->knowledge_panel, article_id);

  insert_into_reply (self, link, NULL);
}

static void
show_side_panel_page (DeskWindow *self, const char *page)
{
  desk_window_set_side_panel_visible (self, TRUE);
  adw_view_stack_set_visible_child_name (self->side_panel_stack, page);
}

static void
desk_window_canned_replies_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  show_side_panel_page (self, "canned-replies");
  desk_canned_panel_focus_search (self->canned_panel);
}

static void
desk_window_knowledge_base_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  show_side_panel_page (self, "knowledge-base");
  desk_knowledge_panel_focus_search (self->knowledge_panel);
}

static void
desk_window_save_as_canned_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  gint64      message_id = g_variant_get_int64 (param);
  guint       n = g_list_model_get_n_items (G_LIST_MODEL (self->thread));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DeskMessage) message = g_list_model_get_item (G_LIST_MODEL (self->thread), i);
      const DeskMessageRecord *record = desk_message_get_record (message);

      if (record->id == message_id)
        {
          show_side_panel_page (self, "canned-replies");
          desk_canned_panel_new_reply (self->canned_panel, record->body);
          return;
        }
    }
}

static void
desk_window_insert_suggested_reply_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  gint64      canned_id = desk_canned_panel_get_top_suggestion (self->canned_panel);

  if (canned_id != 0)
    desk_canned_panel_insert_reply (self->canned_panel, canned_id);
}

static void
desk_window_insert_suggested_article_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  gint64      article_id = desk_knowledge_panel_get_top_suggestion (self->knowledge_panel);

  if (article_id != 0)
    assist_article_chosen_cb (self, article_id);
}

static void
outbox_item_changed_cb (DeskWindow *self, gint64 item_id, const char *state)
{
  g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (self->store, item_id);

  if (item == NULL)
    return;

  /* A refused change of a ticket: the agent sees why, and may reload. */
  if (g_str_equal (item->kind, "ticket") && g_str_equal (state, "failed"))
    {
      g_autofree char *title =
          g_strdup_printf (_ ("Not changed: %s"), item->error ? item->error : "");
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _ ("_Reload"));
      adw_toast_set_action_name (toast, "win.reload");
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      desk_window_reload_action (GTK_WIDGET (self), NULL, NULL);
      return;
    }

  if (item->ticket_id != self->ticket_id || !g_str_equal (item->kind, "message"))
    return;

  if (g_str_equal (state, "sending") || g_str_equal (state, "queued"))
    gtk_label_set_text (self->composer_status, item->attempts > 0
                                                   ? _ ("Waiting for the connection — will retry")
                                                   : _ ("Sending…"));
  else if (g_str_equal (state, "sent"))
    gtk_label_set_text (self->composer_status, _ ("Sent"));
  else
    {
      /* Translators: %s is the reason the server gave */
      g_autofree char *text = g_strdup_printf (_ ("Not sent: %s"), item->error ? item->error : "");
      gtk_label_set_text (self->composer_status, text);
    }

  /* The message's own row follows it: sending, then sent or refused. */
  load_thread (self);
}

/* "Retry" on a refused message: it goes out again, under the same client
 * id, so a server that did take it the first time keeps one copy. */
static void
desk_window_retry_send_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (self->outbox != NULL)
    desk_outbox_retry (self->outbox, g_variant_get_int64 (param));
}

static GtkTextTag *
gap_tag (DeskWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);

  return gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "gap");
}

/* Typing over a gap fills it: the new text is not part of the gap. */
static void
composer_insert_text_cb (
    GtkTextBuffer *buffer, GtkTextIter *location, char *text, int length, DeskWindow *self)
{
  GtkTextIter start = *location;

  gtk_text_iter_backward_chars (&start, g_utf8_strlen (text, length));
  gtk_text_buffer_remove_tag (buffer, gap_tag (self), &start, location);
}

/* The agent's signature (Preferences) below a reply to a customer, with
 * their name for {{agent.name}}; not twice when the reply has it already. */
static char *
add_signature (DeskWindow *self, const char *text)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *signature = g_settings_get_string (self->settings, "signature");
  g_autoptr (GString) filled = NULL;

  if (*g_strstrip (signature) == '\0')
    return g_strdup (text);

  filled = g_string_new (signature);
  g_string_replace (filled, "{{agent.name}}", app ? desk_application_get_user_name (app) : "", 0);
  if (g_str_has_suffix (text, filled->str))
    return g_strdup (text);

  return g_strconcat (text, "\n\n", filled->str, NULL);
}

static void
send_reply (DeskWindow *self, int status)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start;
  GtkTextIter      end;
  gboolean         internal;

  if (self->ticket_id == 0 || self->outbox == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (*g_strstrip (text) == '\0')
    return;

  /* A canned reply's unfilled placeholder never reaches a customer. */
  if (gtk_text_iter_forward_to_tag_toggle (&start, gap_tag (self)))
    {
      GtkTextIter gap_end = start;

      gtk_text_iter_forward_to_tag_toggle (&gap_end, gap_tag (self));
      gtk_text_buffer_select_range (buffer, &start, &gap_end);
      gtk_label_set_text (self->composer_status, _ ("Fill in the highlighted gap first"));
      gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
      return;
    }

  internal = gtk_toggle_button_get_active (self->note_toggle) || !may_reply (self);
  if (!internal)
    {
      g_autofree char *signed_text = add_signature (self, text);

      g_free (text);
      text = g_steal_pointer (&signed_text);
    }

  /* Stored before it is sent: from here on nothing is lost. */
  if (desk_outbox_send_message_with_status (
          self->outbox, self->ticket_id, text,
          internal ? DESK_VISIBILITY_INTERNAL : DESK_VISIBILITY_PUBLIC, status, &error) == 0)
    {
      g_autofree char *message = g_strdup_printf (_ ("Not sent: %s"), error->message);
      gtk_label_set_text (self->composer_status, message);
      return;
    }

  gtk_text_buffer_set_text (buffer, "", -1);
  desk_store_save_draft (self->store, self->ticket_id, "", DESK_VISIBILITY_PUBLIC, NULL);
}

static void
desk_window_send_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  send_reply (DESK_WINDOW (widget), -1);
}

/* "Send and set pending" / "solved": param is the status's nick. */
static void
desk_window_send_and_set_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr (GEnumClass) statuses = g_type_class_ref (DESK_TYPE_TICKET_STATUS);
  GEnumValue *status = g_enum_get_value_by_nick (statuses, g_variant_get_string (param, NULL));

  if (status != NULL)
    send_reply (DESK_WINDOW (widget), status->value);
}

static void
request_change (DeskWindow *self, const char *member, const char *value, gint64 number)
{
  g_autoptr (JsonObject) changes = json_object_new ();

  if (value != NULL)
    json_object_set_string_member (changes, member, value);
  else
    json_object_set_int_member (changes, member, number);
  ticket_change_requested_cb (self, changes);
}

static void
desk_window_set_status_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (self->ticket_id != 0)
    request_change (self, "status", g_variant_get_string (param, NULL), 0);
}

static void
desk_window_assign_to_me_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow      *self = DESK_WINDOW (widget);
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->ticket_id != 0 && app != NULL && desk_application_get_user_id (app) != 0)
    request_change (self, "assignee_id", NULL, desk_application_get_user_id (app));
}

/* Ctrl+R and Ctrl+Shift+R: the reply or a note, with the cursor in it. */
static void
desk_window_compose_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  gboolean    note = g_str_equal (action_name, "ticket.note");

  if (self->ticket_id == 0)
    return;
  if (!note && !gtk_widget_get_sensitive (GTK_WIDGET (self->reply_toggle)))
    note = TRUE;
  gtk_toggle_button_set_active (note ? self->note_toggle : self->reply_toggle, TRUE);
  adw_leaflet_set_visible_child_name (self->leaflet, "conversation");
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

/* Alt+Down and Alt+Up: the next or previous ticket of the view, opened. */
static void
desk_window_move_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);
  guint       n;
  guint       selected;
  guint       next;

  if (self->inbox_selection == NULL ||
      (n = g_list_model_get_n_items (G_LIST_MODEL (self->inbox_selection))) == 0)
    return;

  selected = gtk_single_selection_get_selected (self->inbox_selection);
  if (selected == GTK_INVALID_LIST_POSITION)
    next = 0;
  else if (g_str_equal (action_name, "inbox.next"))
    next = MIN (selected + 1, n - 1);
  else
    next = selected > 0 ? selected - 1 : 0;

  gtk_single_selection_set_selected (self->inbox_selection, next);
  gtk_widget_activate_action (GTK_WIDGET (self->inbox_list), "list.scroll-to-item", "u", next);
}

static void
sync_progress_cb (DeskWindow *self, GParamSpec *pspec, DeskSync *sync)
{
  gboolean running = desk_sync_get_running (sync);

  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress),
                          running && desk_sync_get_total_estimate (sync) > 500);
  gtk_progress_bar_set_fraction (self->sync_progress, desk_sync_get_progress (sync));
}

/* GTK 4.8's list view destroys the rows of the items that leave it (a
 * view changes, another thread opens) and makes new ones for the next
 * (GTK 4.12 recycles them). The window keeps them instead: making a row
 * from its template and destroying it cost more than binding it again. */
#define MAX_SPARE_ROWS 256

static void
row_pool_init (RowPool *pool, GType type)
{
  pool->type = type;
  pool->spare = g_ptr_array_new_with_free_func (g_object_unref);
}

/* A list item let its row go: kept before the list item's reference goes
 * too. (GTK 4.8 drops the row before "teardown" is emitted.) */
static void
row_parent_cb (GtkWidget *row, GParamSpec *pspec, RowPool *pool)
{
  if (gtk_widget_get_parent (row) == NULL && pool->spare != NULL &&
      pool->spare->len < MAX_SPARE_ROWS)
    g_ptr_array_add (pool->spare, g_object_ref (row));
}

static void
row_pool_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, RowPool *pool)
{
  g_autoptr (GtkWidget) row = NULL;

  if (pool->spare->len > 0)
    row = g_ptr_array_steal_index_fast (pool->spare, pool->spare->len - 1);
  else
    {
      row = g_object_ref_sink (g_object_new (pool->type, NULL));
      g_signal_connect (row, "notify::parent", G_CALLBACK (row_parent_cb), pool);
    }

  gtk_list_item_set_child (item, row);
}

static void
row_pool_clear (RowPool *pool)
{
  for (guint i = 0; pool->spare != NULL && i < pool->spare->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (pool->spare, i), pool);
  g_clear_pointer (&pool->spare, g_ptr_array_unref);
}

/* The name of who has a ticket, from the staff the server listed. */
static const char *
assignee_name (DeskWindow *self, gint64 assignee_id)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GPtrArray       *agents = app ? desk_application_get_agents (app) : NULL;

  if (assignee_id == 0)
    return NULL;
  if (app != NULL && assignee_id == desk_application_get_user_id (app))
    return _ ("Me");
  for (guint i = 0; agents != NULL && i < agents->len; i++)
    if (((DeskUserRecord *) g_ptr_array_index (agents, i))->id == assignee_id)
      return ((DeskUserRecord *) g_ptr_array_index (agents, i))->name;
  return NULL;
}

/* The clock of the rows on show */

/* How long "typing…" stays after the last word from the server, which
 * repeats it every few seconds while the customer types. */
#define TYPING_SHOWN_USEC ((gint64) 6 * G_USEC_PER_SEC)

static gint64
typing_started (DeskWindow *self, gint64 ticket_id)
{
  gint64 *started = g_hash_table_lookup (self->chats_typing, &ticket_id);

  return started ? *started : 0;
}

static gboolean
is_typing (DeskWindow *self, gint64 ticket_id)
{
  gint64 started = typing_started (self, ticket_id);

  return started != 0 && g_get_real_time () - started < TYPING_SHOWN_USEC;
}

static void schedule_clock (DeskWindow *self);

/* Every few seconds while someone types, else twice a minute: countdowns
 * and relative times move by the minute. */
static gboolean
clock_cb (gpointer user_data)
{
  DeskWindow    *self = user_data;
  gint64         now = g_get_real_time ();
  GHashTableIter iter;
  GtkWidget     *row;
  gint64        *started;

  self->clock_source = 0;

  g_hash_table_iter_init (&iter, self->chats_typing);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &started))
    if (now - *started >= TYPING_SHOWN_USEC)
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &row, NULL))
    {
      /* Let go by its list: kept in the pool, but not on show. */
      if (gtk_widget_get_parent (row) == NULL)
        g_hash_table_iter_remove (&iter);
      else if (DESK_IS_TICKET_ROW (row))
        {
          DeskTicketRow *ticket_row = DESK_TICKET_ROW (row);

          desk_ticket_row_set_typing (ticket_row,
                                      is_typing (self, desk_ticket_row_get_ticket_id (ticket_row)));
          desk_ticket_row_update_times (ticket_row, now);
        }
      else
        desk_message_row_update_time (DESK_MESSAGE_ROW (row), now);
    }

  schedule_clock (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_clock (DeskWindow *self)
{
  guint seconds = g_hash_table_size (self->chats_typing) > 0 ? 1 : 30;

  g_clear_handle_id (&self->clock_source, g_source_remove);
  self->clock_source = g_timeout_add_seconds (seconds, clock_cb, self);
}

/* A chat's customer types: its row says so, wherever it is in the list. */
static void
chat_typing (DeskWindow *self, gint64 ticket_id)
{
  gint64        *key = g_memdup2 (&ticket_id, sizeof ticket_id);
  gint64        *started = g_new (gint64, 1);
  GHashTableIter iter;
  GtkWidget     *row;

  *started = g_get_real_time ();
  g_hash_table_replace (self->chats_typing, key, started);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &row, NULL))
    if (DESK_IS_TICKET_ROW (row) && gtk_widget_get_parent (row) != NULL &&
        desk_ticket_row_get_ticket_id (DESK_TICKET_ROW (row)) == ticket_id)
      desk_ticket_row_set_typing (DESK_TICKET_ROW (row), TRUE);

  schedule_clock (self);
}

static void
ticket_row_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, DeskWindow *self)
{
  DeskTicket             *ticket = gtk_list_item_get_item (item);
  const DeskTicketRecord *record = desk_ticket_get_record (ticket);
  DeskTicketRow          *row = DESK_TICKET_ROW (gtk_list_item_get_child (item));
  g_autofree char        *excerpt = desk_store_dup_excerpt (self->store, record->id);
  gint64                  waiting_since = 0;

  if (record->kind == DESK_TICKET_KIND_CHAT)
    waiting_since = desk_store_get_waiting_since (self->store, record->id);

  /* The message the customer was typing has come. */
  if (is_typing (self, record->id) && record->last_message_at >= typing_started (self, record->id))
    g_hash_table_remove (self->chats_typing, &record->id);

  desk_ticket_row_set_ticket (
      row, ticket, excerpt, assignee_name (self, record->assignee_id), waiting_since,
      is_searching (self) ? gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) : NULL,
      g_get_real_time ());
  desk_ticket_row_set_typing (row, is_typing (self, record->id));
  g_hash_table_add (self->bound_rows, g_object_ref (row));

  if (self->frame_report != NULL)
    desk_frame_report_add (self->frame_report, "row %" G_GINT64_FORMAT " %s",
                           desk_ticket_get_id (ticket), excerpt ? excerpt : "");
}

static void
message_row_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, RowPool *pool)
{
  gtk_list_item_set_activatable (item, FALSE);
  row_pool_setup_cb (factory, item, pool);
}

static void
message_row_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, DeskWindow *self)
{
  DeskMessage             *message = gtk_list_item_get_item (item);
  const DeskMessageRecord *record = desk_message_get_record (message);
  DeskApplication         *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  DeskRole                 role = app ? desk_application_get_role (app) : DESK_ROLE_AGENT;

  desk_message_row_set_message (DESK_MESSAGE_ROW (gtk_list_item_get_child (item)), message);
  g_hash_table_add (self->bound_rows, g_object_ref (gtk_list_item_get_child (item)));
  desk_message_row_set_can_save_as_canned (DESK_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                           (role == DESK_ROLE_LEAD || role == DESK_ROLE_ADMIN) &&
                                               desk_message_get_outbox_id (message) == 0 &&
                                               record->author_type == DESK_AUTHOR_AGENT &&
                                               record->visibility == DESK_VISIBILITY_PUBLIC);

  if (self->frame_report != NULL)
    desk_frame_report_add (self->frame_report, "message %" G_GINT64_FORMAT, record->ticket_id);
}

static gboolean
typing_timeout_cb (gpointer user_data)
{
  DeskWindow *self = user_data;

  self->typing_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), FALSE);
  return G_SOURCE_REMOVE;
}

/* The customer, or a colleague about to answer too: a line over the reply
 * while they type (the server says so every few seconds). */
static void
typing_cb (DeskWindow *self, gint64 ticket_id, gint64 agent_id, const char *name)
{
  g_autofree char *text = NULL;

  if (agent_id == 0)
    chat_typing (self, ticket_id);

  if (ticket_id != self->ticket_id)
    return;

  if (agent_id == 0)
    /* Translators: %s is the customer's name */
    text = g_strdup_printf (_ ("%s is typing…"), *name ? name : _ ("The customer"));
  else
    /* Translators: %s is a colleague's name */
    text = g_strdup_printf (_ ("%s is replying too…"), name);

  gtk_label_set_text (self->typing_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), TRUE);
  g_clear_handle_id (&self->typing_source, g_source_remove);
  self->typing_source = g_timeout_add_seconds (6, typing_timeout_cb, self);
}

/* The agent types a reply: told at most every four seconds. */
static void
composer_changed_cb (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gint64           now = g_get_monotonic_time ();

  if (app == NULL || self->ticket_id == 0 || gtk_toggle_button_get_active (self->note_toggle) ||
      !gtk_widget_is_focus (GTK_WIDGET (self->composer_view)) ||
      now - self->typing_sent_at < 4 * G_USEC_PER_SEC)
    return;

  self->typing_sent_at = now;
  desk_application_send_typing (app, self->ticket_id);
}

/* In GTK 4.8 setting a tooltip asks the X server where the pointer is, a
 * few round trips, even to set the same text again: these are set on each
 * change of the connection and at each sign-in. */
static void
set_tooltip (GtkWidget *widget, const char *text)
{
  const char *current = gtk_widget_get_tooltip_text (widget);

  if (g_strcmp0 (current, text && *text ? text : NULL) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

/* The line under the views: offline and what waits to be sent, or a
 * refused token. Nothing while all is well. */
static void
update_connection (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  guint            pending = self->outbox ? desk_outbox_get_pending (self->outbox) : 0;
  g_autofree char *text = NULL;
  DeskConnection   connection;

  if (app == NULL)
    return;

  connection = desk_application_get_connection (app);
  if (connection == DESK_CONNECTION_UNAUTHORIZED)
    text = g_strdup (
        _ ("Signed out: the server refused the token. Ask your team lead for a new one."));
  else if (connection == DESK_CONNECTION_OFFLINE && pending > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Offline — %u change waiting to send",
                                         "Offline — %u changes waiting to send", pending),
                            pending);
  else if (connection == DESK_CONNECTION_OFFLINE)
    text = g_strdup (_ ("Offline — showing the tickets kept on this computer"));

  gtk_image_set_from_icon_name (self->connection_icon, connection == DESK_CONNECTION_UNAUTHORIZED
                                                           ? "dialog-password-symbolic"
                                                           : "network-offline-symbolic");
  gtk_label_set_text (self->connection_label, text ? text : "");
  set_tooltip (GTK_WIDGET (self->connection_label), desk_application_get_connection_error (app));
  gtk_revealer_set_reveal_child (self->connection_revealer, text != NULL);
}

/* One view a queue, between "Live Chats" and "Pending", once the server
 * has listed the queues. */
static void
add_queue_views (DeskWindow *self, GPtrArray *queues)
{
  GtkListBoxRow *row;
  int            position = -1;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    {
      const char *view_id = desk_view_row_get_view_id (DESK_VIEW_ROW (row));

      if (g_str_has_prefix (view_id, "queue-"))
        return; /* already there */
      if (g_str_equal (view_id, "pending"))
        position = i;
    }

  for (guint i = 0; queues != NULL && i < queues->len; i++)
    {
      DeskQueueRecord *queue = g_ptr_array_index (queues, i);
      g_autofree char *view_id = g_strdup_printf ("queue-%" G_GINT64_FORMAT, queue->id);

      gtk_list_box_insert (self->views_list,
                           g_object_new (DESK_TYPE_VIEW_ROW, "view-id", view_id, "title",
                                         queue->name, "icon-name", "folder-symbolic", NULL),
                           position < 0 ? -1 : position + (int) i);
    }
  if (queues != NULL && queues->len > 0)
    {
      desk_window_restore_last_view (self);
      queue_update_counts (self);
    }
}

/* The server said who is signed in: "My Queue" and the composer depend on it. */
static void
desk_window_signed_in_cb (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean         trainee = app != NULL && desk_application_get_role (app) == DESK_ROLE_TRAINEE;

  /* Trainees practise with internal notes; the server refuses their replies. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->reply_toggle), !trainee);
  set_tooltip (GTK_WIDGET (self->reply_toggle),
               trainee ? _ ("Trainees write internal notes; replies to customers come from agents")
                       : NULL);
  gtk_widget_set_visible (self->trainee_notice, trainee);
  if (trainee)
    gtk_toggle_button_set_active (self->note_toggle, TRUE);
  /* Setting the status is for agents: the server refuses a trainee's. */
  gtk_widget_set_visible (self->send_menu_button, !trainee);

  if (app != NULL)
    {
      DeskRole role = desk_application_get_role (app);

      desk_canned_panel_set_agent (self->canned_panel, desk_application_get_user_id (app),
                                   desk_application_get_user_name (app),
                                   role == DESK_ROLE_LEAD || role == DESK_ROLE_ADMIN);
      add_queue_views (self, desk_application_get_queues (app));
      desk_ticket_controls_set_directory (self->ticket_controls, desk_application_get_agents (app),
                                          desk_application_get_queues (app),
                                          desk_application_get_user_id (app), role);
    }

  desk_window_restore_last_view (self);
  queue_update_counts (self);
}

/* Once the window belongs to the application, follow its cache. */
static void
desk_window_connect_store (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GtkListItemFactory) ticket_factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkListItemFactory) message_factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkNoSelection) thread_selection = NULL;

  if (app == NULL || desk_application_get_store (app) == NULL)
    return;

  self->store = desk_application_get_store (app);
  self->outbox = desk_application_get_outbox (app);

  self->inbox_model = desk_inbox_model_new (self->store);
  /* Empty until a view is applied: see show_view(). */
  self->inbox_slice =
      gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->inbox_model)), 0, 0);
  self->inbox_selection =
      gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->inbox_slice)));
  gtk_single_selection_set_autoselect (self->inbox_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->inbox_selection, TRUE);
  gtk_single_selection_set_selected (self->inbox_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->inbox_selection, "notify::selected-item",
                           G_CALLBACK (inbox_selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect (ticket_factory, "setup", G_CALLBACK (row_pool_setup_cb), &self->ticket_rows);
  g_signal_connect (ticket_factory, "bind", G_CALLBACK (ticket_row_bind_cb), self);
  gtk_list_view_set_factory (self->inbox_list, ticket_factory);
  gtk_list_view_set_model (self->inbox_list, GTK_SELECTION_MODEL (self->inbox_selection));

  self->thread = g_list_store_new (DESK_TYPE_MESSAGE);
  thread_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->thread)));
  g_signal_connect (message_factory, "setup", G_CALLBACK (message_row_setup_cb),
                    &self->message_rows);
  g_signal_connect (message_factory, "bind", G_CALLBACK (message_row_bind_cb), self);
  gtk_list_view_set_factory (self->thread_list, message_factory);
  gtk_list_view_set_model (self->thread_list, GTK_SELECTION_MODEL (thread_selection));

  g_signal_connect_object (self->store, "tickets-changed", G_CALLBACK (tickets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  schedule_clock (self);
  g_signal_connect_object (self->outbox, "item-changed", G_CALLBACK (outbox_item_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "messages-changed", G_CALLBACK (messages_changed_cb), self,
                           G_CONNECT_SWAPPED);

  desk_knowledge_panel_set_services (self->knowledge_panel, self->store,
                                     desk_application_get_article_search (app));
  desk_canned_panel_set_services (self->canned_panel, self->store, self->outbox);
  desk_composer_assist_set_services (self->composer_assist, self->store,
                                     desk_application_get_article_search (app));
  g_signal_connect_object (self->store, "canned-changed", G_CALLBACK (desk_canned_panel_refresh),
                           self->canned_panel, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "articles-changed",
                           G_CALLBACK (desk_knowledge_panel_refresh_suggestions),
                           self->knowledge_panel, G_CONNECT_SWAPPED);
  g_signal_connect_object (desk_application_get_sync (app), "notify::progress",
                           G_CALLBACK (sync_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::connection", G_CALLBACK (update_connection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "typing", G_CALLBACK (typing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outbox, "notify::pending", G_CALLBACK (update_connection), self,
                           G_CONNECT_SWAPPED);
  update_connection (self);
  /* "My Queue" needs to know who "my" is. */
  g_signal_connect_object (app, "notify::user-id", G_CALLBACK (desk_window_signed_in_cb), self,
                           G_CONNECT_SWAPPED);
}

DeskComposerAssist *
_desk_window_get_composer_assist (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), NULL);

  return self->composer_assist;
}

static void
desk_window_show_views_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  gtk_widget_grab_focus (GTK_WIDGET (self->views_list));
}

static void
desk_window_show_inbox_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "inbox");
}

static void
desk_window_close_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
restore_side_panel_position_cb (gpointer user_data)
{
  DeskWindow *self = user_data;

  if (self->side_panel_position_restored)
    return G_SOURCE_REMOVE;
  gtk_paned_set_position (self->side_panel_paned,
                          g_settings_get_int (self->settings, "side-panel-position"));
  self->side_panel_position_restored = TRUE;
  return G_SOURCE_REMOVE;
}

/* Once the desk is on screen: before, the paned has no real width. */
static void
desk_window_mapped_cb (DeskWindow *self)
{
  if (!self->side_panel_position_restored && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "desk") == 0)
    g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, restore_side_panel_position_cb, g_object_ref (self),
                     g_object_unref);
}

static gboolean
desk_window_close_request (GtkWindow *window)
{
  DeskWindow *self = DESK_WINDOW (window);
  int         width;
  int         height;

  gtk_window_set_focus (window, NULL);

  /* The default size is the unmaximised one, which is what we restore. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (self->side_panel_position_restored)
    g_settings_set_int (self->settings, "side-panel-position",
                        gtk_paned_get_position (self->side_panel_paned));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (desk_window_parent_class)->close_request (window);
}

static void
desk_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskWindow *self = DESK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SIDE_PANEL_VISIBLE:
        g_value_set_boolean (value, desk_window_get_side_panel_visible (self));
        break;

      case PROP_SORT:
        g_value_set_string (value, desk_window_get_sort (self));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DeskWindow *self = DESK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SIDE_PANEL_VISIBLE:
        desk_window_set_side_panel_visible (self, g_value_get_boolean (value));
        break;

      case PROP_SORT:
        desk_window_set_sort (self, g_value_get_string (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* First run, sign-in or the desk: what the application can show. */
static void
update_main_page (DeskWindow *self)
{
  DeskApplication *app = DESK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char      *page = "desk";

  if (app == NULL)
    ;
  else if (desk_application_get_connection (app) == DESK_CONNECTION_UNAUTHORIZED)
    {
      /* The token was refused: the reason, and a new token for the same server. */
      page = "sign-in";
      if (!self->signing_in)
        {
          const char      *why = desk_application_get_connection_error (app);
          g_autofree char *reason = g_strdup_printf (
              /* Translators: %s is the server's reason, such as "The token is not valid" */
              _ ("The server refused your token (%s). Nothing you wrote is lost: sign in with a "
                 "new token from your team lead to go on."),
              why ? why : _ ("no reason given"));

          gtk_label_set_text (self->sign_in_error, reason);
          gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), TRUE);
        }
      if (self->store != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->server_row)) == '\0')
        gtk_editable_set_text (
            GTK_EDITABLE (self->server_row),
            desk_application_get_server_url (app) ? desk_application_get_server_url (app) : "");
      gtk_widget_set_visible (self->sign_in_back_button, FALSE);
    }
  else if (desk_application_get_needs_account (app))
    {
      page = self->sign_in_requested ? "sign-in" : "welcome";
      gtk_widget_set_visible (self->sign_in_back_button, TRUE);
    }

  /* Focus does not stay in a page that goes away (GTK 4.8 warns then). */
  if (!g_str_equal (page, "sign-in") && gtk_root_get_focus (GTK_ROOT (self)) != NULL &&
      gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (self)),
                              gtk_stack_get_child_by_name (self->main_stack, "sign-in")))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);

  gtk_stack_set_visible_child_name (self->main_stack, page);
  if (g_str_equal (page, "sign-in") && !self->signing_in)
    gtk_widget_grab_focus (GTK_WIDGET (*gtk_editable_get_text (GTK_EDITABLE (self->server_row))
                                           ? self->token_row
                                           : self->server_row));
}

/* A demo or a sign-in started the services after the window opened. */
static void
services_changed_cb (DeskWindow *self)
{
  if (self->store == NULL)
    {
      desk_window_connect_store (self);
      desk_window_restore_last_view (self);
      update_inbox_page (self);
      queue_update_counts (self);
    }
  update_main_page (self);
}

static void
desk_window_show_sign_in_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  self->sign_in_requested = TRUE;
  update_main_page (self);
}

static void
desk_window_show_welcome_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  self->sign_in_requested = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), FALSE);
  update_main_page (self);
}

static void
desk_window_try_demo_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));

  if (app != NULL)
    desk_application_try_demo (DESK_APPLICATION (app));
}

static void
signed_in_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  self->signing_in = FALSE;
  gtk_widget_set_sensitive (self->sign_in_button, TRUE);

  if (!desk_application_sign_in_finish (DESK_APPLICATION (object), result, &error))
    {
      gtk_label_set_text (self->sign_in_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  self->sign_in_requested = FALSE;
  update_main_page (self);
}

static void
desk_window_sign_in_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow     *self = DESK_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));

  if (app == NULL || self->signing_in)
    return;

  self->signing_in = TRUE;
  gtk_widget_set_sensitive (self->sign_in_button, FALSE);
  desk_application_sign_in_async (DESK_APPLICATION (app),
                                  gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->token_row)), NULL,
                                  signed_in_cb, g_object_ref (self));
}

static void
sign_in_activated_cb (DeskWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sign-in", NULL);
}

/* "application" is set after construction: the cache is joined then. */
static void
desk_window_application_cb (DeskWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->store == NULL)
    desk_window_connect_store (self);
  desk_window_restore_last_view (self);
  update_inbox_page (self);
  queue_update_counts (self);

  if (app != NULL)
    {
      g_signal_connect_object (app, "notify::services", G_CALLBACK (services_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (app, "notify::needs-account", G_CALLBACK (update_main_page), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (app, "notify::connection", G_CALLBACK (update_main_page), self,
                               G_CONNECT_SWAPPED);
    }
  update_main_page (self);
}

static void
desk_window_dispose (GObject *object)
{
  DeskWindow *self = DESK_WINDOW (object);

  save_draft (self);
  g_clear_handle_id (&self->counts_source, g_source_remove);
  g_clear_handle_id (&self->typing_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);

  if (self->more_rows_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->inbox_list), self->more_rows_tick);
  self->more_rows_tick = 0;
  if (self->thread_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->thread_list), self->thread_tick);
  self->thread_tick = 0;

  g_clear_object (&self->composer_assist);
  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_WINDOW);
  /* After the lists: their rows come here as they go. */
  row_pool_clear (&self->ticket_rows);
  row_pool_clear (&self->message_rows);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->chats_typing, g_hash_table_unref);
  g_clear_pointer (&self->deleted_view, g_variant_unref);
  g_clear_pointer (&self->earlier_messages, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->inbox_selection);
  g_clear_object (&self->inbox_slice);
  g_clear_object (&self->inbox_model);
  g_clear_object (&self->thread);
  g_clear_object (&self->frame_report);
  g_clear_pointer (&self->view_id, g_free);
  g_clear_pointer (&self->sort, g_free);
  self->store = NULL;
  self->outbox = NULL;

  G_OBJECT_CLASS (desk_window_parent_class)->dispose (object);
}

static const char *exposed_children[] = {
  "sidebar_pane", "inbox_pane", "conversation_pane", "conversation_empty", "training_empty",
};

static void
desk_window_class_init (DeskWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = desk_window_dispose;
  object_class->get_property = desk_window_get_property;
  object_class->set_property = desk_window_set_property;

  window_class->close_request = desk_window_close_request;

  properties[PROP_SIDE_PANEL_VISIBLE] =
      g_param_spec_boolean ("side-panel-visible", NULL, NULL, TRUE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SORT] =
      g_param_spec_string ("sort", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/desk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, views_list);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel_paned);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel_switcher);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_list);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, thread_list);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, composer_view);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, note_toggle);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, reply_toggle);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, composer_status);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, knowledge_panel);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, ticket_controls);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, connection_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, trainee_notice);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, send_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_back_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, ticket_change_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, ticket_merge_requested_cb);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_empty);
  gtk_widget_class_bind_template_callback (widget_class, inbox_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, inbox_search_stopped_cb);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, canned_panel);
  gtk_widget_class_bind_template_callback (widget_class, knowledge_insert_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, canned_insert_template_cb);
  gtk_widget_class_bind_template_callback (widget_class, views_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, inbox_list_activate_cb);

  /* Not used from C, but reachable with gtk_widget_get_template_child() for
   * the tests that check the panes and their empty states. */
  for (guint i = 0; i < G_N_ELEMENTS (exposed_children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, exposed_children[i], FALSE, 0);

  gtk_widget_class_install_action (widget_class, "win.close", NULL, desk_window_close_action);
  gtk_widget_class_install_action (widget_class, "win.show-views", NULL,
                                   desk_window_show_views_action);
  gtk_widget_class_install_action (widget_class, "win.show-inbox", NULL,
                                   desk_window_show_inbox_action);
  gtk_widget_class_install_property_action (widget_class, "win.toggle-side-panel",
                                            "side-panel-visible");
  gtk_widget_class_install_action (widget_class, "ticket.send", NULL, desk_window_send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "ticket.send", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, desk_window_search_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, desk_window_reload_action);
  gtk_widget_class_install_action (widget_class, "win.save-view", "s",
                                   desk_window_save_view_action);
  gtk_widget_class_install_action (widget_class, "win.ask-save-view", NULL,
                                   desk_window_ask_save_view_action);
  gtk_widget_class_install_action (widget_class, "win.edit-view", "s",
                                   desk_window_edit_view_action);
  gtk_widget_class_install_action (widget_class, "win.update-view", "(sss)",
                                   desk_window_update_view_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete-view", NULL,
                                   desk_window_undo_delete_view_action);
  gtk_widget_class_install_action (widget_class, "win.delete-view", "s",
                                   desk_window_delete_view_action);
  gtk_widget_class_install_action (widget_class, "win.show-sign-in", NULL,
                                   desk_window_show_sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.show-welcome", NULL,
                                   desk_window_show_welcome_action);
  gtk_widget_class_install_action (widget_class, "win.try-demo", NULL, desk_window_try_demo_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, desk_window_sign_in_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
  gtk_widget_class_install_property_action (widget_class, "win.sort", "sort");
  gtk_widget_class_install_action (widget_class, "ticket.send-and-set", "s",
                                   desk_window_send_and_set_action);
  gtk_widget_class_install_action (widget_class, "ticket.set-status", "s",
                                   desk_window_set_status_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "ticket.set-status", "s", "pending");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "ticket.set-status", "s", "solved");
  gtk_widget_class_install_action (widget_class, "ticket.assign-to-me", NULL,
                                   desk_window_assign_to_me_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "ticket.assign-to-me", NULL);
  gtk_widget_class_install_action (widget_class, "ticket.reply", NULL, desk_window_compose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "ticket.reply",
                                       NULL);
  gtk_widget_class_install_action (widget_class, "ticket.note", NULL, desk_window_compose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "ticket.note", NULL);
  gtk_widget_class_install_action (widget_class, "inbox.next", NULL, desk_window_move_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "inbox.next",
                                       NULL);
  gtk_widget_class_install_action (widget_class, "inbox.previous", NULL, desk_window_move_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "inbox.previous",
                                       NULL);
  gtk_widget_class_install_action (widget_class, "win.canned-replies", NULL,
                                   desk_window_canned_replies_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK,
                                       "win.canned-replies", NULL);
  gtk_widget_class_install_action (widget_class, "win.knowledge-base", NULL,
                                   desk_window_knowledge_base_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.knowledge-base", NULL);
  gtk_widget_class_install_action (widget_class, "ticket.save-as-canned", "x",
                                   desk_window_save_as_canned_action);
  gtk_widget_class_install_action (widget_class, "ticket.retry-send", "x",
                                   desk_window_retry_send_action);
  gtk_widget_class_install_action (widget_class, "ticket.insert-suggested-reply", NULL,
                                   desk_window_insert_suggested_reply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "ticket.insert-suggested-reply", NULL);
  gtk_widget_class_install_action (widget_class, "ticket.insert-suggested-article", NULL,
                                   desk_window_insert_suggested_article_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "ticket.insert-suggested-article", NULL);

  g_type_ensure (DESK_TYPE_VIEW_ROW);
  g_type_ensure (DESK_TYPE_TICKET_ROW);
  g_type_ensure (DESK_TYPE_MESSAGE_ROW);
  g_type_ensure (DESK_TYPE_KNOWLEDGE_PANEL);
  g_type_ensure (DESK_TYPE_CANNED_PANEL);
  g_type_ensure (DESK_TYPE_TICKET_CONTROLS);
}

/* The frame after the first: the first has the inbox without waiting for
 * the side panel's pages to be measured and drawn (a fifth of the start). */
static gboolean
show_side_panel_pages_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (!gtk_widget_get_mapped (widget) || self->first_frames++ == 0)
    return G_SOURCE_CONTINUE;

  gtk_widget_set_visible (GTK_WIDGET (self->side_panel_stack), TRUE);
  gtk_widget_set_visible (self->side_panel_switcher, TRUE);
  return G_SOURCE_REMOVE;
}

static void
desk_window_init (DeskWindow *self)
{
  int width;
  int height;

  self->side_panel_visible = TRUE;
  row_pool_init (&self->ticket_rows, DESK_TYPE_TICKET_ROW);
  row_pool_init (&self->message_rows, DESK_TYPE_MESSAGE_ROW);
  self->bound_rows = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->chats_typing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->frame_report = desk_frame_report_new_from_environment (GTK_WIDGET (self));

  /* The inbox first: the side panel's pages come a frame later. */
  gtk_widget_set_visible (GTK_WIDGET (self->side_panel_stack), FALSE);
  gtk_widget_set_visible (self->side_panel_switcher, FALSE);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), show_side_panel_pages_cb, NULL, NULL);

  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->composer_view), "gap", "background",
                              "#f6d32d", "foreground", "#241f31", NULL);
  g_signal_connect_after (gtk_text_view_get_buffer (self->composer_view), "insert-text",
                          G_CALLBACK (composer_insert_text_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->composer_view), "changed",
                            G_CALLBACK (composer_changed_cb), self);
  self->composer_assist = desk_composer_assist_new (self->composer_view);
  g_signal_connect_object (self->composer_assist, "canned-chosen",
                           G_CALLBACK (assist_canned_chosen_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->composer_assist, "article-chosen",
                           G_CALLBACK (assist_article_chosen_cb), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Set once the window has its size: an earlier, smaller allocation
   * would clamp it. Saved when the window closes. */
  g_signal_connect_after (self, "map", G_CALLBACK (desk_window_mapped_cb), NULL);
  g_signal_connect_object (self->main_stack, "notify::visible-child",
                           G_CALLBACK (desk_window_mapped_cb), self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "side-panel-visible", self, "side-panel-visible",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "side-panel-page", self->side_panel_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  gtk_stack_set_visible_child_name (self->inbox_stack, "empty");
  load_saved_views (self);
  desk_window_restore_last_view (self);

  {
    GtkGesture *press = gtk_gesture_click_new ();

    GtkEventController *keys = gtk_shortcut_controller_new ();
    GtkShortcutAction  *edit =
        gtk_callback_action_new ((GtkShortcutFunc) views_menu_key_cb, self, NULL);

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (press), GDK_BUTTON_SECONDARY);
    g_signal_connect (press, "pressed", G_CALLBACK (views_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->views_list), GTK_EVENT_CONTROLLER (press));

    gtk_shortcut_controller_add_shortcut (
        GTK_SHORTCUT_CONTROLLER (keys),
        gtk_shortcut_new (
            gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK),
                                         gtk_keyval_trigger_new (GDK_KEY_Menu, 0)),
            g_object_ref (edit)));
    g_object_unref (edit);
    gtk_widget_add_controller (GTK_WIDGET (self->views_list), keys);
  }

  g_signal_connect (self, "notify::application", G_CALLBACK (desk_window_application_cb), NULL);
}
