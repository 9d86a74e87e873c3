/* desk-canned-panel.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-canned-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-canned-panel.h"
#include "desk-canned-search.h"
#include "desk-canned-template.h"
#include "desk-drop-down.h"
#include "desk-preview-header.h"
#include "desk-search-results.h"
#include "desk-store-private.h"

#define N_SUGGESTIONS 1
/* The list view builds the rows in sight only; the search narrows the
 * rest. */
#define MAX_ROWS 200

/* The side panel's "Canned Replies" page: the team's shared replies and the
 * agent's own, searchable, previewed with the open ticket's values filled
 * in, inserted at the composer's cursor. Gaps (a placeholder without a
 * value) stay visible as [name] so nothing goes out with a hole in it.
 *
 * The list's queries run in DeskCannedSearch's thread, the newest one wins;
 * text whose query is the one shown (a trailing space, a one-letter word
 * being started) keeps the list and says so at once ("results-shown"). */
struct _DeskCannedPanel
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *category_dropdown;
  DeskSearchResults *results;
  DeskPreviewHeader *reply_header;
  GtkLabel          *reply_preview;
  GtkLabel          *reply_gaps;

  /* Owned */
  DeskStore        *store;
  DeskOutbox       *outbox;
  DeskCannedSearch *search;
  GCancellable     *cancellable;
  char             *shown_key; /* what the list shows, as a query; NULL: nothing sure */
  char             *running_key;
  GStrv             categories;
  DeskCannedRecord *reply; /* the one previewed */
  DeskTicketRecord *ticket;
  char             *agent_name;
  gint64            user_id;
  gint64            top_suggestion;
  gboolean          is_lead;
  gboolean          activate_when_shown;
};

G_DEFINE_FINAL_TYPE (DeskCannedPanel, desk_canned_panel, ADW_TYPE_BIN)

enum
{
  INSERT_TEMPLATE,
  RESULTS_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
may_edit (DeskCannedPanel *self, const DeskCannedRecord *reply)
{
  if (reply == NULL || self->outbox == NULL)
    return FALSE;
  return reply->owner_id == 0 ? self->is_lead : reply->owner_id == self->user_id;
}

static char *
describe (const DeskCannedRecord *reply)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  char      *text;

  if (reply->shortcut != NULL && *reply->shortcut != '\0')
    g_ptr_array_add (parts, g_strdup_printf ("/%s", reply->shortcut));
  if (reply->category != NULL)
    g_ptr_array_add (parts, g_strdup (reply->category));
  g_ptr_array_add (parts, g_strdup (reply->owner_id == 0 ? _ ("Shared") : _ ("Personal")));
  g_ptr_array_add (parts, NULL);
  text = g_strjoinv (" · ", (char **) parts->pdata);
  g_ptr_array_unref (parts);

  return text;
}

static DeskResultItem *
make_item (DeskCannedRecord *reply, gboolean suggested)
{
  g_autofree char *meta = describe (reply);

  return desk_result_item_new (reply->id, reply->title, NULL, meta, NULL,
                               /* Translators: above the canned reply that best fits the
                                * customer's latest message; Alt+1 inserts it */
                               suggested ? _ ("Suggested · Alt+1") : NULL);
}

static gboolean
is_searching (DeskCannedPanel *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
}

static char *
selected_category (DeskCannedPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);

  if (self->categories == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > g_strv_length (self->categories))
    return NULL;
  return g_strdup (self->categories[selected - 1]);
}

static void
show_empty (DeskCannedPanel *self, const char *title, const char *description)
{
  desk_search_results_show_empty (self->results, title, description);
}

static void activate_first (DeskCannedPanel *self);

static void
shown (DeskCannedPanel *self)
{
  g_signal_emit (self, signals[RESULTS_SHOWN], 0,
                 g_list_model_get_n_items (desk_search_results_get_model (self->results)));
  if (self->activate_when_shown)
    {
      self->activate_when_shown = FALSE;
      activate_first (self);
    }
}

static void
show_replies (DeskCannedPanel *self, GPtrArray *suggested, GPtrArray *replies, gboolean searching)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < suggested->len; i++)
    g_ptr_array_add (items, make_item (g_ptr_array_index (suggested, i), TRUE));
  for (guint i = 0; i < replies->len; i++)
    g_ptr_array_add (items, make_item (g_ptr_array_index (replies, i), FALSE));
  self->top_suggestion =
      suggested->len > 0 ? ((DeskCannedRecord *) g_ptr_array_index (suggested, 0))->id : 0;

  if (replies->len > 0)
    desk_search_results_set_items (self->results, items);
  else if (searching)
    show_empty (self, _ ("No Canned Replies Found"),
                _ ("Try other words, look in every category, or create a reply of your own."));
  else
    show_empty (self, _ ("No Canned Replies Yet"),
                _ ("Create one with the + button: a reply you write once and insert with a "
                   "/shortcut."));
}

static void
cancel_search (DeskCannedPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->running_key, g_free);
}

static void
search_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskCannedPanel) self = user_data;
  g_autoptr (GPtrArray) replies = NULL;
  g_autoptr (GPtrArray) suggested = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *category = NULL;

  replies = desk_canned_search_run_finish (DESK_CANNED_SEARCH (object), result, &suggested, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (replies == NULL)
    {
      g_warning ("Could not read the canned replies: %s", error->message);
      g_clear_pointer (&self->running_key, g_free);
      g_clear_pointer (&self->shown_key, g_free);
      self->top_suggestion = 0;
      self->activate_when_shown = FALSE;
      show_empty (self, _ ("Search Failed"),
                  _ ("The canned replies could not be read. Restarting Agent Desk may help."));
      shown (self);
      return;
    }

  /* The newest query: the text and the category ask for what it found. */
  category = selected_category (self);
  g_free (self->shown_key);
  self->shown_key = g_steal_pointer (&self->running_key);
  show_replies (self, suggested, replies, is_searching (self) || category != NULL);
  shown (self);
}

/* The list for the search text and the category, with the best reply for
 * the customer's latest message first while the search is empty. Runs in
 * a thread; a query the same as the one shown keeps the list. */
static void
reload (DeskCannedPanel *self)
{
  g_autofree char *category = selected_category (self);
  g_autofree char *match = NULL;
  g_autofree char *key = NULL;
  DeskCannedQuery  query = { 0 };

  if (self->store == NULL || self->search == NULL)
    {
      cancel_search (self);
      g_clear_pointer (&self->shown_key, g_free);
      self->top_suggestion = 0;
      show_empty (self, _ ("Canned Replies"),
                  _ ("Your team’s ready-made answers appear here once you are connected."));
      shown (self);
      return;
    }

  query.text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query.category = category;
  query.limit = MAX_ROWS;
  if (!is_searching (self) && category == NULL && self->ticket != NULL)
    {
      query.suggest_for_ticket = self->ticket->id;
      query.ticket_subject = self->ticket->subject;
      query.suggest_limit = N_SUGGESTIONS;
    }

  /* The store's own query for the text: the same finds the same replies. */
  match = _desk_store_fts_query (query.text);
  key = g_strdup_printf ("%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%d", match ? match : "",
                         category ? category : "", query.suggest_for_ticket,
                         match == NULL && is_searching (self));
  if (g_strcmp0 (key, self->shown_key) == 0)
    {
      cancel_search (self);
      shown (self);
      return;
    }
  if (g_strcmp0 (key, self->running_key) == 0)
    return;

  cancel_search (self);
  self->running_key = g_steal_pointer (&key);
  self->cancellable = g_cancellable_new ();
  desk_canned_search_run_async (self->search, &query, self->cancellable, search_done_cb,
                                g_object_ref (self));
}

static void
reload_categories (DeskCannedPanel *self)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  g_strfreev (self->categories);
  self->categories = self->store ? desk_store_list_canned_categories (self->store) : NULL;
  gtk_string_list_append (model, _ ("All Categories"));
  for (guint i = 0; self->categories != NULL && self->categories[i] != NULL; i++)
    gtk_string_list_append (model, self->categories[i]);

  g_signal_handlers_block_matched (self->category_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (model));
  g_signal_handlers_unblock_matched (self->category_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     self);
}

static void
search_changed_cb (DeskCannedPanel *self)
{
  reload (self);
}

static void
activate_first (DeskCannedPanel *self)
{
  g_autoptr (DeskResultItem) first = desk_search_results_dup_first (self->results);

  if (first != NULL)
    desk_canned_panel_insert_reply (self, desk_result_item_get_id (first));
}

/* Enter inserts the first reply; typed before the list for the text is
 * in, the first of that list. */
static void
search_activate_cb (DeskCannedPanel *self)
{
  if (self->cancellable != NULL)
    self->activate_when_shown = TRUE;
  else
    activate_first (self);
}

static GHashTable *
template_values (DeskCannedPanel *self)
{
  return desk_canned_template_values_new (self->ticket, self->agent_name);
}

/* The rendered text as markup, each gap marked so it cannot be missed. */
static char *
preview_markup (const char *text, GArray *gaps)
{
  g_autoptr (GString) markup = g_string_new (NULL);
  glong position = 0;

  for (guint i = 0; i <= gaps->len; i++)
    {
      glong gap_start =
          i < gaps->len ? g_array_index (gaps, DeskCannedGap, i).start : g_utf8_strlen (text, -1);
      const char      *from = g_utf8_offset_to_pointer (text, position);
      const char      *to = g_utf8_offset_to_pointer (text, gap_start);
      g_autofree char *plain = g_markup_escape_text (from, to - from);

      g_string_append (markup, plain);
      if (i < gaps->len)
        {
          DeskCannedGap   *gap = &g_array_index (gaps, DeskCannedGap, i);
          const char      *gap_end = g_utf8_offset_to_pointer (text, gap->end);
          g_autofree char *gap_text = g_markup_escape_text (to, gap_end - to);

          g_string_append_printf (
              markup, "<span background=\"#f6d32d\" foreground=\"#241f31\">%s</span>", gap_text);
          position = gap->end;
        }
    }

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

static void
update_reply_actions (DeskCannedPanel *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canned.insert", self->reply != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canned.edit", may_edit (self, self->reply));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canned.delete", may_edit (self, self->reply));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "canned.new", self->outbox != NULL);
}

static void
show_reply (DeskCannedPanel *self, gint64 canned_id)
{
  g_autoptr (DeskCannedTemplate) template = NULL;
  g_autoptr (GHashTable) values = NULL;
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *meta = NULL;

  g_clear_pointer (&self->reply, desk_canned_record_free);
  if (self->store != NULL)
    self->reply = desk_store_load_canned (self->store, canned_id);
  update_reply_actions (self);
  if (self->reply == NULL)
    return;

  template = desk_canned_template_new (self->reply->body);
  values = template_values (self);
  text = desk_canned_template_render (template, values, NULL, &gaps);
  markup = preview_markup (text, gaps);
  meta = describe (self->reply);

  desk_preview_header_set_title (self->reply_header, self->reply->title);
  desk_preview_header_set_subtitle (self->reply_header, meta);
  gtk_label_set_markup (self->reply_preview, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->reply_gaps), gaps->len > 0);
  gtk_label_set_text (self->reply_gaps,
                      desk_canned_template_has_asks (template)
                          ? _ ("You will be asked for the highlighted fields; fill in any other "
                               "gap in the reply before sending.")
                          : _ ("Fill in the highlighted gaps in the reply before sending."));
  gtk_stack_set_visible_child_name (self->stack, "reply");
}

static void
result_activated_cb (DeskCannedPanel *self, DeskResultItem *item)
{
  show_reply (self, desk_result_item_get_id (item));
}

/* Inserting */

typedef struct
{
  DeskCannedPanel *self;
  DeskCannedTemplate *template;
  GtkWindow *window;
  GPtrArray *rows; /* AdwEntryRow, one an ask label */
} AskForm;

static void
ask_form_free (AskForm *form)
{
  g_object_unref (form->self);
  desk_canned_template_unref (form->template);
  g_ptr_array_unref (form->rows);
  g_free (form);
}

static void
emit_insert (DeskCannedPanel *self, DeskCannedTemplate *template, GHashTable *answers)
{
  g_autoptr (GHashTable) values = template_values (self);
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = desk_canned_template_render (template, values, answers, &gaps);

  g_signal_emit (self, signals[INSERT_TEMPLATE], 0, text, gaps);
}

static void
ask_insert_cb (GtkButton *button, AskForm *form)
{
  g_autoptr (GHashTable) answers = g_hash_table_new (g_str_hash, g_str_equal);
  const char *const *labels = desk_canned_template_get_ask_labels (form->template);

  for (guint i = 0; labels[i] != NULL; i++)
    g_hash_table_insert (
        answers, (gpointer) labels[i],
        (gpointer) gtk_editable_get_text (GTK_EDITABLE (g_ptr_array_index (form->rows, i))));

  emit_insert (form->self, form->template, answers);
  gtk_window_destroy (form->window);
}

static void
ask_cancel_cb (GtkButton *button, AskForm *form)
{
  gtk_window_destroy (form->window);
}

static void
ask_entry_activated_cb (AdwEntryRow *row, GtkButton *insert)
{
  gtk_widget_activate (GTK_WIDGET (insert));
}

/* A reply with fill-in fields asks for them first. */
static void
ask_then_insert (DeskCannedPanel *self, DeskCannedTemplate *template, const char *title)
{
  const char *const *labels = desk_canned_template_get_ask_labels (template);
  AskForm           *form = g_new0 (AskForm, 1);
  GtkWidget         *header = adw_header_bar_new ();
  GtkWidget         *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget         *group = adw_preferences_group_new ();
  GtkWidget         *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget         *insert = gtk_button_new_with_mnemonic (_ ("_Insert"));
  GtkRoot           *root = gtk_widget_get_root (GTK_WIDGET (self));

  form->self = g_object_ref (self);
  form->template = desk_canned_template_ref (template);
  form->rows = g_ptr_array_new ();
  form->window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_title (form->window, title);
  gtk_window_set_modal (form->window, TRUE);
  gtk_window_set_default_size (form->window, 360, -1);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (form->window, GTK_WINDOW (root));

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), insert);
  gtk_widget_add_css_class (insert, "suggested-action");
  gtk_window_set_titlebar (form->window, header);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _ ("This reply needs a few details before it goes in."));
  for (guint i = 0; labels[i] != NULL; i++)
    {
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), labels[i]);
      g_signal_connect (row, "entry-activated", G_CALLBACK (ask_entry_activated_cb), insert);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_ptr_array_add (form->rows, row);
    }
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), group);
  gtk_window_set_child (form->window, box);

  g_signal_connect (insert, "clicked", G_CALLBACK (ask_insert_cb), form);
  g_signal_connect (cancel, "clicked", G_CALLBACK (ask_cancel_cb), form);
  g_object_set_data_full (G_OBJECT (form->window), "form", form, (GDestroyNotify) ask_form_free);

  gtk_window_present (form->window);
  if (form->rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (form->rows, 0));
}

void
desk_canned_panel_insert_reply (DeskCannedPanel *self, gint64 canned_id)
{
  g_autoptr (DeskCannedRecord) reply = NULL;
  g_autoptr (DeskCannedTemplate) template = NULL;

  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  if (self->store == NULL || !(reply = desk_store_load_canned (self->store, canned_id)))
    return;

  template = desk_canned_template_new (reply->body);
  if (desk_canned_template_has_asks (template))
    ask_then_insert (self, template, reply->title);
  else
    emit_insert (self, template, NULL);
}

/* Editing */

typedef struct
{
  DeskCannedPanel *self;
  gint64           canned_id; /* 0 for a new one */
  GtkWindow       *window;
  AdwEntryRow     *title;
  AdwEntryRow     *shortcut;
  AdwEntryRow     *category;
  GtkTextView     *body;
  GtkSwitch       *shared;
  GtkWidget       *save;
} EditForm;

static void
edit_form_free (EditForm *form)
{
  g_object_unref (form->self);
  g_free (form);
}

static char *
trimmed_text (AdwEntryRow *row)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
edit_changed_cb (EditForm *form)
{
  g_autofree char *title = trimmed_text (form->title);

  gtk_widget_set_sensitive (form->save, title != NULL);
}

static void
edit_save_cb (GtkButton *button, EditForm *form)
{
  g_autoptr (GError) error = NULL;
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (form->body);
  DeskCannedRecord fields = { 0 };
  GtkTextIter      start, end;
  g_autofree char *shortcut = trimmed_text (form->shortcut);
  gint64           item;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  fields.title = trimmed_text (form->title);
  /* "/refund" and "refund" are the same shortcut. An emptied field of an
   * existing reply is sent as "" (NULL would leave it as it was). */
  fields.shortcut = shortcut               ? g_strdup (shortcut + (*shortcut == '/'))
                    : form->canned_id != 0 ? g_strdup ("")
                                           : NULL;
  fields.category = trimmed_text (form->category);
  if (fields.category == NULL && form->canned_id != 0)
    fields.category = g_strdup ("");
  fields.body = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  if (form->canned_id == 0)
    item = desk_outbox_create_canned (form->self->outbox, &fields,
                                      gtk_switch_get_active (form->shared), &error);
  else
    item = desk_outbox_update_canned (form->self->outbox, form->canned_id, &fields, &error);

  g_free (fields.title);
  g_free (fields.shortcut);
  g_free (fields.category);
  g_free (fields.body);

  if (item == 0)
    {
      g_warning ("Could not keep the canned reply: %s", error->message);
      return;
    }
  gtk_window_destroy (form->window);
}

static void
edit_cancel_cb (GtkButton *button, EditForm *form)
{
  gtk_window_destroy (form->window);
}

static AdwEntryRow *
add_entry_row (GtkWidget *group, const char *title, const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  return ADW_ENTRY_ROW (row);
}

static void
open_editor (DeskCannedPanel *self, const DeskCannedRecord *reply, const char *body)
{
  EditForm  *form = g_new0 (EditForm, 1);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *shared_row = adw_action_row_new ();
  GtkWidget *help = gtk_label_new (NULL);
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));

  form->self = g_object_ref (self);
  form->canned_id = reply ? reply->id : 0;
  form->window = GTK_WINDOW (gtk_window_new ());
  form->save = gtk_button_new_with_mnemonic (_ ("_Save"));

  gtk_window_set_title (form->window, reply ? _ ("Edit Canned Reply") : _ ("New Canned Reply"));
  gtk_window_set_modal (form->window, TRUE);
  gtk_window_set_default_size (form->window, 480, 560);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (form->window, GTK_WINDOW (root));

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), form->save);
  gtk_widget_add_css_class (form->save, "suggested-action");
  gtk_window_set_titlebar (form->window, header);

  form->title = add_entry_row (group, _ ("Title"), reply ? reply->title : NULL);
  form->shortcut = add_entry_row (group, _ ("Shortcut"), reply ? reply->shortcut : NULL);
  form->category = add_entry_row (group, _ ("Category"), reply ? reply->category : NULL);

  form->shared = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (form->shared), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (shared_row), _ ("Shared with the Team"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (shared_row),
                               _ ("Every agent can insert it; only team leads edit it"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (shared_row), GTK_WIDGET (form->shared));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (shared_row), GTK_WIDGET (form->shared));
  /* Whether a reply is shared is decided when it is made, by a lead. */
  gtk_widget_set_visible (shared_row, reply == NULL && self->is_lead);
  gtk_switch_set_active (form->shared, body != NULL && self->is_lead);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), shared_row);

  form->body = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (form->body, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (form->body, 8);
  gtk_text_view_set_bottom_margin (form->body, 8);
  gtk_text_view_set_left_margin (form->body, 8);
  gtk_text_view_set_right_margin (form->body, 8);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (form->body),
                            body    ? body
                            : reply ? reply->body
                                    : "",
                            -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (form->body), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Reply"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (form->body));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_add_css_class (scrolled, "card");

  gtk_label_set_text (GTK_LABEL (help),
                      _ ("Placeholders: {{customer.first_name}}, {{customer.name}}, "
                         "{{agent.name}}, {{ticket.id}}, {{ticket.subject}}; "
                         "{{ask:Order number}} asks before inserting."));
  gtk_label_set_wrap (GTK_LABEL (help), TRUE);
  gtk_label_set_xalign (GTK_LABEL (help), 0);
  gtk_label_set_selectable (GTK_LABEL (help), TRUE);
  gtk_widget_add_css_class (help, "caption");
  gtk_widget_add_css_class (help, "dim-label");

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (box), help);
  gtk_window_set_child (form->window, box);

  g_signal_connect_swapped (form->title, "changed", G_CALLBACK (edit_changed_cb), form);
  g_signal_connect (form->save, "clicked", G_CALLBACK (edit_save_cb), form);
  g_signal_connect (cancel, "clicked", G_CALLBACK (edit_cancel_cb), form);
  g_object_set_data_full (G_OBJECT (form->window), "form", form, (GDestroyNotify) edit_form_free);
  edit_changed_cb (form);

  gtk_window_present (form->window);
  gtk_widget_grab_focus (GTK_WIDGET (form->title));
}

void
desk_canned_panel_new_reply (DeskCannedPanel *self, const char *body)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  if (self->outbox != NULL)
    open_editor (self, NULL, body);
}

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, DeskCannedPanel *self)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0 || self->reply == NULL)
    return;

  if (desk_outbox_delete_canned (self->outbox, self->reply->id, &error) == 0)
    {
      g_warning ("Could not delete the canned reply: %s", error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (widget);
  GtkRoot         *root = gtk_widget_get_root (widget);
  GtkWidget       *dialog;

  if (!may_edit (self, self->reply))
    return;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _ ("Delete “%s”?"),
                                     self->reply->title);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               self->reply->owner_id == 0
                                   ? _ ("The reply is removed for the whole team.")
                                   : _ ("The reply is removed from your canned replies."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (widget);

  if (may_edit (self, self->reply))
    open_editor (self, self->reply, NULL);
}

static void
new_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  desk_canned_panel_new_reply (DESK_CANNED_PANEL (widget), NULL);
}

static void
insert_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (widget);

  if (self->reply != NULL)
    desk_canned_panel_insert_reply (self, self->reply->id);
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (widget);

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
desk_canned_panel_set_services (DeskCannedPanel *self, DeskStore *store, DeskOutbox *outbox)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  g_set_object (&self->store, store);
  g_set_object (&self->outbox, outbox);
  g_clear_object (&self->search);
  if (store != NULL)
    {
      g_autoptr (GError) error = NULL;

      self->search = desk_canned_search_new (desk_store_get_path (store), &error);
      if (self->search == NULL)
        g_warning ("Could not open the cache to search the canned replies: %s", error->message);
    }
  desk_canned_panel_refresh (self);
}

void
desk_canned_panel_set_agent (DeskCannedPanel *self,
                             gint64           user_id,
                             const char      *name,
                             gboolean         is_lead)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  self->user_id = user_id;
  self->is_lead = is_lead;
  g_free (self->agent_name);
  self->agent_name = g_strdup (name);
  update_reply_actions (self);
}

void
desk_canned_panel_set_ticket (DeskCannedPanel *self, const DeskTicketRecord *ticket)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  g_clear_pointer (&self->ticket, desk_ticket_record_free);
  if (ticket != NULL && self->store != NULL)
    self->ticket = desk_store_load_ticket (self->store, ticket->id);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "reply") == 0 &&
      self->reply != NULL)
    show_reply (self, self->reply->id);
  reload (self);
}

/* Sync or the outbox changed the replies, or a customer wrote. */
void
desk_canned_panel_refresh (DeskCannedPanel *self)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  reload_categories (self);
  /* What is shown, or on its way, may be out of date. */
  g_clear_pointer (&self->shown_key, g_free);
  cancel_search (self);
  reload (self);
  if (self->reply != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "reply") == 0)
    {
      show_reply (self, self->reply->id);
      if (self->reply == NULL)
        gtk_stack_set_visible_child_name (self->stack, "list");
    }
  update_reply_actions (self);
}

void
desk_canned_panel_focus_search (DeskCannedPanel *self)
{
  g_return_if_fail (DESK_IS_CANNED_PANEL (self));

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

gint64
desk_canned_panel_get_top_suggestion (DeskCannedPanel *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PANEL (self), 0);

  return self->top_suggestion;
}

static void
desk_canned_panel_dispose (GObject *object)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (object);

  cancel_search (self);
  /* AdwBin holds the template's top widget as its child: it goes first,
   * or AdwBin would unparent it again. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_CANNED_PANEL);
  g_clear_object (&self->search);
  g_clear_object (&self->store);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (desk_canned_panel_parent_class)->dispose (object);
}

static void
desk_canned_panel_finalize (GObject *object)
{
  DeskCannedPanel *self = DESK_CANNED_PANEL (object);

  g_strfreev (self->categories);
  g_clear_pointer (&self->reply, desk_canned_record_free);
  g_clear_pointer (&self->ticket, desk_ticket_record_free);
  g_free (self->agent_name);
  g_free (self->shown_key);
  g_free (self->running_key);

  G_OBJECT_CLASS (desk_canned_panel_parent_class)->finalize (object);
}

static void
desk_canned_panel_class_init (DeskCannedPanelClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_canned_panel_dispose;
  object_class->finalize = desk_canned_panel_finalize;

  /* A reply to go in at the composer's cursor: its text and a GArray of
   * DeskCannedGap (character ranges within it still to fill in). */
  signals[INSERT_TEMPLATE] =
      g_signal_new ("insert-template", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ARRAY);
  /* The list shows what the search text and the category ask for: the
   * replies of a query that ended, or at once when the text needs no new
   * query (for tests and benchmarks). */
  signals[RESULTS_SHOWN] =
      g_signal_new ("results-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/agentdesk/AgentDesk/ui/desk-canned-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, results);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, reply_header);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, reply_preview);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedPanel, reply_gaps);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);

  gtk_widget_class_install_action (widget_class, "canned.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "canned.insert", NULL, insert_action);
  gtk_widget_class_install_action (widget_class, "canned.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "canned.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "canned.new", NULL, new_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "canned.back", NULL);
}

static void
desk_canned_panel_init (DeskCannedPanel *self)
{
  g_type_ensure (DESK_TYPE_PREVIEW_HEADER);
  g_type_ensure (DESK_TYPE_SEARCH_RESULTS);
  gtk_widget_init_template (GTK_WIDGET (self));
  desk_search_results_attach_entry (self->results, GTK_WIDGET (self->search_entry));
  desk_drop_down_make_compact (self->category_dropdown);
  reload_categories (self);
  reload (self);
  update_reply_actions (self);
}
