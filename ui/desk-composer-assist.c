/* desk-composer-assist.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-composer-assist"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-composer-assist-private.h"

#define N_CHOICES 6

typedef enum
{
  TRIGGER_NONE,
  TRIGGER_CANNED,
  TRIGGER_ARTICLE,
} Trigger;

struct _DeskComposerAssist
{
  GObject parent_instance;

  /* Owned */
  GtkPopover        *popover;
  GtkListBox        *choices;
  GtkLabel          *hint;
  DeskStore         *store;
  DeskArticleSearch *search;
  GCancellable      *cancellable;
  char              *query;

  /* Borrowed */
  GtkTextView *view;

  Trigger trigger;
  int     trigger_offset; /* where "/" or "??" starts, in characters */
};

G_DEFINE_FINAL_TYPE (DeskComposerAssist, desk_composer_assist, G_TYPE_OBJECT)

enum
{
  CANNED_CHOSEN,
  ARTICLE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_popover (DeskComposerAssist *self)
{
  self->trigger = TRIGGER_NONE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->popover != NULL)
    gtk_popover_popdown (self->popover);
}

static void
clear_choices (DeskComposerAssist *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->choices))) != NULL)
    gtk_list_box_remove (self->choices, child);
}

static void
add_choice (DeskComposerAssist *self, gint64 id, const char *title, const char *detail)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  if (detail != NULL)
    {
      label = gtk_label_new (detail);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "choice-id", g_memdup2 (&id, sizeof id), g_free);
  gtk_list_box_append (self->choices, row);
}

/* Points the popover at the cursor and shows it, first choice selected. */
static void
present (DeskComposerAssist *self, const char *hint)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  GtkTextIter    cursor;
  GdkRectangle   rect;
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->choices, 0);

  gtk_label_set_text (self->hint, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->choices), first != NULL);
  gtk_list_box_select_row (self->choices, first);

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (self->view, &cursor, &rect);
  gtk_text_view_buffer_to_window_coords (self->view, GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y,
                                         &rect.x, &rect.y);
  gtk_popover_set_pointing_to (self->popover, &rect);
  gtk_popover_popup (self->popover);
}

static void
show_canned (DeskComposerAssist *self)
{
  g_autoptr (GPtrArray) replies = NULL;

  clear_choices (self);
  if (self->store == NULL)
    return;

  replies = desk_store_find_canned_by_shortcut (self->store, self->query, N_CHOICES);
  for (guint i = 0; i < replies->len; i++)
    {
      DeskCannedRecord *reply = g_ptr_array_index (replies, i);
      g_autofree char  *shortcut = g_strdup_printf ("/%s", reply->shortcut);

      add_choice (self, reply->id, reply->title, shortcut);
    }

  /* A slash that starts no shortcut, as in a path, asks for nothing. */
  if (replies->len == 0)
    {
      close_popover (self);
      return;
    }
  present (self, _ ("Tab inserts the canned reply"));
}

static void
articles_found_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskComposerAssist) self = user_data;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;

  hits = desk_article_search_run_finish (DESK_ARTICLE_SEARCH (object), result, &error);
  if (hits == NULL || self->trigger != TRIGGER_ARTICLE)
    return;

  clear_choices (self);
  for (guint i = 0; i < hits->len; i++)
    {
      DeskArticleHit *hit = g_ptr_array_index (hits, i);

      add_choice (self, hit->id, hit->title, NULL);
    }
  present (self, hits->len > 0 ? _ ("Enter inserts a link to the article")
                               : _ ("No article matches these words"));
}

static void
show_articles (DeskComposerAssist *self)
{
  DeskArticleQuery query = { .text = self->query, .limit = N_CHOICES };

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->search == NULL)
    return;

  if (*g_strstrip (self->query) == '\0')
    {
      clear_choices (self);
      present (self, _ ("Type words to search the knowledge base"));
      return;
    }

  self->cancellable = g_cancellable_new ();
  desk_article_search_run_async (self->search, &query, self->cancellable, articles_found_cb,
                                 g_object_ref (self));
}

/* Looks back from the cursor, on its line, for "/word" or "??words". */
static void
buffer_changed_cb (DeskComposerAssist *self)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (self->view);
  GtkTextIter      cursor, line_start;
  g_autofree char *line = NULL;
  const char      *question;
  const char      *slash;

  /* Only what the agent types: not a draft loaded into the reply. */
  if (!gtk_widget_is_focus (GTK_WIDGET (self->view)))
    {
      close_popover (self);
      return;
    }

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  line_start = cursor;
  gtk_text_iter_set_line_offset (&line_start, 0);
  line = gtk_text_buffer_get_text (buffer, &line_start, &cursor, FALSE);

  g_free (self->query);
  self->query = NULL;

  question = g_strrstr (line, "??");
  slash = strrchr (line, '/');

  if (question != NULL)
    {
      self->trigger = TRIGGER_ARTICLE;
      self->trigger_offset =
          gtk_text_iter_get_offset (&line_start) + g_utf8_pointer_to_offset (line, question);
      self->query = g_strdup (question + 2);
      show_articles (self);
      return;
    }

  /* A shortcut starts a word and has no spaces: "1/2" and "and/or" are not. */
  if (slash != NULL && (slash == line || g_ascii_isspace (slash[-1])) &&
      strpbrk (slash + 1, " \t") == NULL)
    {
      self->trigger = TRIGGER_CANNED;
      self->trigger_offset =
          gtk_text_iter_get_offset (&line_start) + g_utf8_pointer_to_offset (line, slash);
      self->query = g_strdup (slash + 1);
      show_canned (self);
      return;
    }

  close_popover (self);
}

static gboolean
choose (DeskComposerAssist *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->choices);
  Trigger        trigger = self->trigger;
  GtkTextIter    start, cursor;
  gint64         id;

  if (row == NULL || trigger == TRIGGER_NONE)
    return FALSE;

  id = *(gint64 *) g_object_get_data (G_OBJECT (row), "choice-id");
  close_popover (self);

  g_signal_handlers_block_by_func (buffer, buffer_changed_cb, self);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, self->trigger_offset);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_delete (buffer, &start, &cursor);
  g_signal_handlers_unblock_by_func (buffer, buffer_changed_cb, self);

  g_signal_emit (self, signals[trigger == TRIGGER_CANNED ? CANNED_CHOSEN : ARTICLE_CHOSEN], 0, id);
  return TRUE;
}

static void
move_selection (DeskComposerAssist *self, int delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->choices);
  int            index = row ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->choices, MAX (index, 0));

  if (next != NULL)
    gtk_list_box_select_row (self->choices, next);
}

gboolean
_desk_composer_assist_key_pressed (DeskComposerAssist *self, guint keyval, GdkModifierType state)
{
  if (!desk_composer_assist_is_open (self))
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
      case GDK_KEY_Escape:
        close_popover (self);
        return GDK_EVENT_STOP;
      case GDK_KEY_Up:
        move_selection (self, -1);
        return GDK_EVENT_STOP;
      case GDK_KEY_Down:
        move_selection (self, 1);
        return GDK_EVENT_STOP;
      case GDK_KEY_Tab:
      case GDK_KEY_ISO_Left_Tab:
      case GDK_KEY_Return:
      case GDK_KEY_KP_Enter:
        if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
          return GDK_EVENT_PROPAGATE;
        return choose (self) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
      default:
        return GDK_EVENT_PROPAGATE;
    }
}

static gboolean
key_pressed_cb (DeskComposerAssist *self, guint keyval, guint keycode, GdkModifierType state)
{
  return _desk_composer_assist_key_pressed (self, keyval, state);
}

static void
row_activated_cb (DeskComposerAssist *self, GtkListBoxRow *row)
{
  gtk_list_box_select_row (self->choices, row);
  choose (self);
}

gboolean
desk_composer_assist_is_open (DeskComposerAssist *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER_ASSIST (self), FALSE);

  return self->trigger != TRIGGER_NONE && self->popover != NULL &&
         gtk_widget_get_visible (GTK_WIDGET (self->popover));
}

void
desk_composer_assist_set_services (DeskComposerAssist *self,
                                   DeskStore          *store,
                                   DeskArticleSearch  *search)
{
  g_return_if_fail (DESK_IS_COMPOSER_ASSIST (self));

  g_set_object (&self->store, store);
  g_set_object (&self->search, search);
}

static void
view_destroyed_cb (gpointer data, GObject *where_the_view_was)
{
  DeskComposerAssist *self = data;

  self->view = NULL;
}

static void
desk_composer_assist_dispose (GObject *object)
{
  DeskComposerAssist *self = DESK_COMPOSER_ASSIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->view != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_text_view_get_buffer (self->view), self);
      g_object_weak_unref (G_OBJECT (self->view), view_destroyed_cb, self);
      self->view = NULL;
    }
  if (self->popover != NULL && gtk_widget_get_parent (GTK_WIDGET (self->popover)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
  g_clear_object (&self->popover);
  g_clear_object (&self->store);
  g_clear_object (&self->search);

  G_OBJECT_CLASS (desk_composer_assist_parent_class)->dispose (object);
}

static void
desk_composer_assist_finalize (GObject *object)
{
  g_free (DESK_COMPOSER_ASSIST (object)->query);

  G_OBJECT_CLASS (desk_composer_assist_parent_class)->finalize (object);
}

static void
desk_composer_assist_class_init (DeskComposerAssistClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_composer_assist_dispose;
  object_class->finalize = desk_composer_assist_finalize;

  signals[CANNED_CHOSEN] =
      g_signal_new ("canned-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[ARTICLE_CHOSEN] =
      g_signal_new ("article-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
desk_composer_assist_init (DeskComposerAssist *self)
{
}

DeskComposerAssist *
desk_composer_assist_new (GtkTextView *view)
{
  DeskComposerAssist *self;
  GtkEventController *keys;
  GtkWidget          *box;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  self = g_object_new (DESK_TYPE_COMPOSER_ASSIST, NULL);
  self->view = view;
  g_object_weak_ref (G_OBJECT (view), view_destroyed_cb, self);

  /* The agent keeps typing in the reply: the popover never takes focus. */
  /* Held, so that it outlives neither more nor less than this object. */
  self->popover = g_object_ref_sink (GTK_POPOVER (gtk_popover_new ()));
  gtk_popover_set_autohide (self->popover, FALSE);
  gtk_popover_set_has_arrow (self->popover, FALSE);
  gtk_popover_set_position (self->popover, GTK_POS_BOTTOM);
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (view));
  gtk_widget_set_can_focus (GTK_WIDGET (self->popover), FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->choices = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_set_can_focus (GTK_WIDGET (self->choices), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->choices), "navigation-sidebar");
  g_signal_connect_object (self->choices, "row-activated", G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);
  self->hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->hint, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->choices));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->hint));
  gtk_popover_set_child (self->popover, box);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (view), keys);

  g_signal_connect_object (gtk_text_view_get_buffer (view), "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}
