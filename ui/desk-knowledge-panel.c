/* desk-knowledge-panel.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-knowledge-panel"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "desk-drop-down.h"
#include "desk-highlight.h"
#include "desk-knowledge-panel.h"
#include "desk-markdown.h"
#include "desk-preview-header.h"
#include "desk-search-results.h"
#include "desk-store-private.h"

#define N_RESULTS 10
#define N_SUGGESTIONS 5
/* The key of a search for suggestions; a text search's key is its FTS
 * query, "" for none. */
#define SUGGESTIONS_KEY "\x01suggestions"

/* The side panel's "Knowledge Base" page: search as you type, suggestions
 * for the open conversation while the search is empty, and a preview of an
 * article with ways to put it into the reply. Searches run in
 * DeskArticleSearch's threads; the newest one wins.
 *
 * A keystroke that cannot change the results starts no search: a lone
 * letter (it would match most of the knowledge base) shows the
 * suggestions, kept from their last search, and text whose search query is
 * the one shown (a trailing space, a one-letter word being started) keeps
 * the results. Either way "results-shown" tells at once that the list is
 * what the text asks for. */
struct _DeskKnowledgePanel
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *category_dropdown;
  GtkDropDown       *language_dropdown;
  DeskSearchResults *results;
  DeskPreviewHeader *article_header;
  GtkLabel          *article_body;

  /* Owned */
  DeskStore         *store;
  DeskArticleSearch *search;
  GCancellable      *cancellable;
  GStrv              categories;
  GStrv              locales;
  DeskArticleRecord *article;
  char              *ticket_locale;
  gint64             ticket_id;
  char              *ticket_subject;
  gint64             top_suggestion;
  gint64             search_started; /* monotonic time of the running search */
  GPtrArray         *suggestions;    /* DeskResultItems for the ticket, or NULL */
  char              *shown_key;      /* of the search results shown, or NULL */
  char              *running_key;    /* of the search under way, or NULL */
  gboolean           activate_when_shown;
};

G_DEFINE_FINAL_TYPE (DeskKnowledgePanel, desk_knowledge_panel, ADW_TYPE_BIN)

enum
{
  INSERT_TEXT,
  RESULTS_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
locale_display_name (const char *locale)
{
  if (locale == NULL)
    return "";
  if (g_str_has_prefix (locale, "en"))
    return _ ("English");
  if (g_str_has_prefix (locale, "zh"))
    return _ ("Chinese (Simplified)");
  return locale;
}

static char *
selected_filter (GtkDropDown *dropdown, GStrv values)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  /* The first item is "All …". */
  if (values == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > g_strv_length (values))
    return NULL;
  return g_strdup (values[selected - 1]);
}

static DeskResultItem *
make_result_item (DeskArticleHit *hit)
{
  g_autofree char *title = desk_highlight_to_pango (hit->title_marked);
  g_autofree char *snippet = desk_highlight_snippet_to_pango (hit->snippet);
  g_autofree char *meta = NULL;

  meta = hit->category
             ? g_strdup_printf ("%s · %s", hit->category, locale_display_name (hit->locale))
             : g_strdup (locale_display_name (hit->locale));

  return desk_result_item_new (hit->id, hit->title, title, meta,
                               snippet != NULL && *snippet != '\0' ? snippet : NULL, NULL);
}

/* The suggestions show while the search has nothing to look for: nothing
 * typed, or a lone letter (see desk_store_text_starts_search()). */
static gboolean
is_suggesting (DeskKnowledgePanel *self)
{
  return !desk_store_text_starts_search (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
show_empty (DeskKnowledgePanel *self, const char *title, const char *description)
{
  desk_search_results_show_empty (self->results, title, description);
}

static void activate_first (DeskKnowledgePanel *self);

/* The list shows what the text asks for. */
static void
shown (DeskKnowledgePanel *self)
{
  g_signal_emit (self, signals[RESULTS_SHOWN], 0,
                 g_list_model_get_n_items (desk_search_results_get_model (self->results)));
  if (self->activate_when_shown)
    {
      self->activate_when_shown = FALSE;
      activate_first (self);
    }
}

/* Shows @items (DeskResultItems): the suggestions when @suggesting, else
 * the results of a search. */
static void
show_items (DeskKnowledgePanel *self, GPtrArray *items, gboolean suggesting)
{
  self->top_suggestion =
      suggesting && items->len > 0 ? desk_result_item_get_id (g_ptr_array_index (items, 0)) : 0;
  if (suggesting)
    g_clear_pointer (&self->shown_key, g_free);
  desk_search_results_set_heading (self->results, items->len == 0 ? NULL
                                                  : suggesting
                                                      ? _ ("Suggested for This Conversation")
                                                      : _ ("Articles"));

  if (items->len > 0)
    desk_search_results_set_items (self->results, items);
  else if (self->store != NULL &&
           desk_store_count (self->store, DESK_STORE_COLLECTION_ARTICLES) == 0)
    show_empty (self, _ ("The Knowledge Base Is Empty"),
                _ ("Articles appear here once they have been synced from the server."));
  else if (!suggesting)
    show_empty (self, _ ("No Articles Found"),
                _ ("Try fewer or shorter words, or another category or language."));
  else if (self->ticket_id != 0)
    show_empty (self, _ ("No Suggestions"),
                _ ("Nothing in the knowledge base matches this conversation yet. Type a few "
                   "words to search."));
  else
    show_empty (self, _ ("Search the Knowledge Base"),
                _ ("Type a few words to find articles, or open a conversation for "
                   "suggestions."));

  shown (self);
}

static GPtrArray *
make_items (GPtrArray *hits)
{
  GPtrArray *items = g_ptr_array_new_full (hits->len, g_object_unref);

  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (items, make_result_item (g_ptr_array_index (hits, i)));
  return items;
}

/* What is shown no longer holds: the articles, the filters or the ticket
 * changed. */
static void
forget_results (DeskKnowledgePanel *self)
{
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  g_clear_pointer (&self->shown_key, g_free);
  g_clear_pointer (&self->running_key, g_free);
}

static void
search_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskKnowledgePanel) self = user_data;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;

  hits = desk_article_search_run_finish (DESK_ARTICLE_SEARCH (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  key = g_steal_pointer (&self->running_key);

  if (hits == NULL)
    {
      g_warning ("Knowledge-base search failed: %s", error->message);
      forget_results (self);
      self->activate_when_shown = FALSE;
      desk_search_results_set_heading (self->results, NULL);
      show_empty (self, _ ("Search Failed"),
                  _ ("The knowledge base could not be searched. Restarting Agent Desk may help."));
      shown (self);
      return;
    }

  g_debug ("Search answered in %.1f ms: %u articles, first %" G_GINT64_FORMAT,
           (g_get_monotonic_time () - self->search_started) / 1000.0, hits->len,
           hits->len ? ((DeskArticleHit *) g_ptr_array_index (hits, 0))->id : 0);

  /* The search that ends is the newest: the text and the filters ask for
   * what it found. */
  items = make_items (hits);
  if (g_str_equal (key, SUGGESTIONS_KEY))
    {
      g_clear_pointer (&self->suggestions, g_ptr_array_unref);
      self->suggestions = g_ptr_array_ref (items);
      show_items (self, items, TRUE);
    }
  else
    {
      show_items (self, items, FALSE);
      g_free (self->shown_key);
      self->shown_key = g_steal_pointer (&key);
    }
}

static void
cancel_search (DeskKnowledgePanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->running_key, g_free);
}

/* Shows what the search text and the filters ask for: from what is shown
 * or kept when that is it, else from a search in a thread. */
static void
run_search (DeskKnowledgePanel *self)
{
  const char      *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *category = NULL;
  g_autofree char *locale = NULL;
  g_autofree char *suggestion_text = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  DeskArticleQuery query = { 0 };

  if (self->search == NULL || (is_suggesting (self) && self->ticket_id == 0))
    {
      cancel_search (self);
      show_items (self, none, is_suggesting (self));
      return;
    }

  if (is_suggesting (self) && self->suggestions != NULL)
    {
      cancel_search (self);
      show_items (self, self->suggestions, TRUE);
      return;
    }

  if (is_suggesting (self))
    key = g_strdup (SUGGESTIONS_KEY);
  else
    {
      key = _desk_store_fts_query (text);
      if (key == NULL)
        key = g_strdup ("");
    }

  /* The same query finds the same articles. */
  if (g_strcmp0 (key, self->shown_key) == 0)
    {
      cancel_search (self);
      shown (self);
      return;
    }
  if (g_strcmp0 (key, self->running_key) == 0)
    return;

  cancel_search (self);
  if (is_suggesting (self))
    {
      g_autofree char *message = NULL;

      /* What the customer asks, in the subject and their latest words. */
      message = desk_store_dup_last_customer_message (self->store, self->ticket_id);
      suggestion_text = g_strjoin ("\n", self->ticket_subject ? self->ticket_subject : "",
                                   message ? message : "", NULL);
      query.text = suggestion_text;
      query.any_word = TRUE;
      query.limit = N_SUGGESTIONS;
    }
  else
    {
      query.text = text;
      query.limit = N_RESULTS;
    }

  category = selected_filter (self->category_dropdown, self->categories);
  locale = selected_filter (self->language_dropdown, self->locales);
  query.category = category;
  query.locale = locale;
  query.prefer_locale = self->ticket_locale;

  self->running_key = g_steal_pointer (&key);
  self->cancellable = g_cancellable_new ();
  self->search_started = g_get_monotonic_time ();
  g_debug ("Searching for %zu bytes of text%s", strlen (query.text ? query.text : ""),
           query.any_word ? " (suggestions)" : "");
  desk_article_search_run_async (self->search, &query, self->cancellable, search_done_cb,
                                 g_object_ref (self));
}

static void
search_changed_cb (DeskKnowledgePanel *self)
{
  run_search (self);
}

static void
filters_changed_cb (DeskKnowledgePanel *self)
{
  forget_results (self);
  run_search (self);
}

static void
activate_first (DeskKnowledgePanel *self)
{
  g_autoptr (DeskResultItem) first = desk_search_results_dup_first (self->results);

  if (first != NULL)
    desk_knowledge_panel_show_article (self, desk_result_item_get_id (first));
}

/* Enter opens the first result; typed before the results of the text are
 * in, it opens the first of those. */
static void
search_activate_cb (DeskKnowledgePanel *self)
{
  if (self->cancellable != NULL)
    self->activate_when_shown = TRUE;
  else
    activate_first (self);
}

static void
result_activated_cb (DeskKnowledgePanel *self, DeskResultItem *item)
{
  desk_knowledge_panel_show_article (self, desk_result_item_get_id (item));
}

static GtkStringList *
filter_model (const char *all, GStrv values, gboolean locales)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, all);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    gtk_string_list_append (list, locales ? locale_display_name (values[i]) : values[i]);

  return list;
}

/* The filters offer what the cache holds. */
static void
reload_filters (DeskKnowledgePanel *self)
{
  g_autoptr (GtkStringList) categories = NULL;
  g_autoptr (GtkStringList) locales = NULL;

  g_strfreev (self->categories);
  g_strfreev (self->locales);
  self->categories = self->store ? desk_store_list_article_categories (self->store) : NULL;
  self->locales = self->store ? desk_store_list_article_locales (self->store) : NULL;

  categories = filter_model (_ ("All Categories"), self->categories, FALSE);
  locales = filter_model (_ ("All Languages"), self->locales, TRUE);

  g_signal_handlers_block_by_func (self->category_dropdown, filters_changed_cb, self);
  g_signal_handlers_block_by_func (self->language_dropdown, filters_changed_cb, self);
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (categories));
  gtk_drop_down_set_model (self->language_dropdown, G_LIST_MODEL (locales));
  g_signal_handlers_unblock_by_func (self->category_dropdown, filters_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->language_dropdown, filters_changed_cb, self);
}

void
desk_knowledge_panel_set_services (DeskKnowledgePanel *self,
                                   DeskStore          *store,
                                   DeskArticleSearch  *search)
{
  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  g_set_object (&self->store, store);
  g_set_object (&self->search, search);
  reload_filters (self);
  forget_results (self);
  run_search (self);
}

void
desk_knowledge_panel_set_ticket (DeskKnowledgePanel *self, const DeskTicketRecord *ticket)
{
  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  self->ticket_id = ticket ? ticket->id : 0;
  g_free (self->ticket_locale);
  self->ticket_locale = ticket ? g_strdup (ticket->requester.locale) : NULL;
  g_free (self->ticket_subject);
  self->ticket_subject = ticket ? g_strdup (ticket->subject) : NULL;
  /* Suggestions are the ticket's; results rank its language first. */
  forget_results (self);

  if (is_suggesting (self))
    {
      gtk_stack_set_visible_child_name (self->stack, "search");
      run_search (self);
    }
}

void
desk_knowledge_panel_refresh_suggestions (DeskKnowledgePanel *self)
{
  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  reload_filters (self);
  forget_results (self);
  run_search (self);
}

void
desk_knowledge_panel_focus_search (DeskKnowledgePanel *self)
{
  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  gtk_stack_set_visible_child_name (self->stack, "search");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
desk_knowledge_panel_search (DeskKnowledgePanel *self, const char *text)
{
  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  gtk_stack_set_visible_child_name (self->stack, "search");
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
}

gint64
desk_knowledge_panel_get_top_suggestion (DeskKnowledgePanel *self)
{
  g_return_val_if_fail (DESK_IS_KNOWLEDGE_PANEL (self), 0);

  return self->top_suggestion;
}

char *
desk_knowledge_panel_dup_link_text (DeskKnowledgePanel *self, gint64 article_id)
{
  g_autoptr (DeskArticleRecord) article = NULL;

  g_return_val_if_fail (DESK_IS_KNOWLEDGE_PANEL (self), NULL);

  if (self->store == NULL || !(article = desk_store_load_article (self->store, article_id)) ||
      article->url == NULL)
    return NULL;

  return g_strdup_printf ("%s: %s", article->title, article->url);
}

static void
update_article_actions (DeskKnowledgePanel *self)
{
  gboolean has_link = self->article != NULL && self->article->url != NULL &&
                      desk_markdown_link_is_allowed (self->article->url);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kb.insert-link", has_link);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kb.copy-link", has_link);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kb.open-in-browser", has_link);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kb.insert-excerpt", self->article != NULL);
}

void
desk_knowledge_panel_show_article (DeskKnowledgePanel *self, gint64 article_id)
{
  g_autofree char *markup = NULL;
  g_autofree char *meta = NULL;

  g_return_if_fail (DESK_IS_KNOWLEDGE_PANEL (self));

  g_clear_pointer (&self->article, desk_article_record_free);
  if (self->store != NULL)
    self->article = desk_store_load_article (self->store, article_id);
  update_article_actions (self);
  if (self->article == NULL)
    return;

  markup = desk_markdown_to_pango (self->article->body);
  meta = self->article->category ? g_strdup_printf ("%s · %s", self->article->category,
                                                    locale_display_name (self->article->locale))
                                 : g_strdup (locale_display_name (self->article->locale));

  desk_preview_header_set_title (self->article_header, self->article->title);
  desk_preview_header_set_subtitle (self->article_header, meta);
  gtk_label_set_markup (self->article_body, markup);
  gtk_stack_set_visible_child_name (self->stack, "article");
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (widget);

  gtk_stack_set_visible_child_name (self->stack, "search");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
insert_link_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (widget);
  g_autofree char    *text = NULL;

  if (self->article == NULL)
    return;

  text = desk_knowledge_panel_dup_link_text (self, self->article->id);
  if (text != NULL)
    g_signal_emit (self, signals[INSERT_TEXT], 0, text);
}

/* The agent's selection in the preview, or else the first paragraph. */
static void
insert_excerpt_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (widget);
  g_autofree char    *excerpt = NULL;
  int                 start, end;

  if (self->article == NULL)
    return;

  if (gtk_label_get_selection_bounds (self->article_body, &start, &end) && start != end)
    {
      const char *text = gtk_label_get_text (self->article_body);
      const char *from = g_utf8_offset_to_pointer (text, MIN (start, end));
      const char *to = g_utf8_offset_to_pointer (text, MAX (start, end));

      excerpt = g_strndup (from, to - from);
    }
  else
    excerpt = desk_markdown_first_paragraph (self->article->body);

  if (excerpt != NULL && *excerpt != '\0')
    g_signal_emit (self, signals[INSERT_TEXT], 0, excerpt);
}

static void
copy_link_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (widget);

  if (self->article != NULL && self->article->url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->article->url);
}

static void
open_in_browser_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (widget);
  GtkRoot            *root = gtk_widget_get_root (widget);

  if (self->article != NULL && self->article->url != NULL &&
      desk_markdown_link_is_allowed (self->article->url))
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->article->url,
                  GDK_CURRENT_TIME);
}

static void
desk_knowledge_panel_dispose (GObject *object)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (object);

  cancel_search (self);
  /* AdwBin holds the template's top widget as its child: it goes first,
   * or AdwBin would unparent it again. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_KNOWLEDGE_PANEL);
  g_clear_object (&self->search);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_knowledge_panel_parent_class)->dispose (object);
}

static void
desk_knowledge_panel_finalize (GObject *object)
{
  DeskKnowledgePanel *self = DESK_KNOWLEDGE_PANEL (object);

  g_strfreev (self->categories);
  g_strfreev (self->locales);
  g_clear_pointer (&self->article, desk_article_record_free);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  g_free (self->shown_key);
  g_free (self->running_key);
  g_free (self->ticket_locale);
  g_free (self->ticket_subject);

  G_OBJECT_CLASS (desk_knowledge_panel_parent_class)->finalize (object);
}

static void
desk_knowledge_panel_class_init (DeskKnowledgePanelClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_knowledge_panel_dispose;
  object_class->finalize = desk_knowledge_panel_finalize;

  /* Text for the reply, to go in at the composer's cursor. */
  signals[INSERT_TEXT] = g_signal_new ("insert-text", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The list shows what the search text and the filters ask for: the
   * results of a search that ended, or at once when the text needs no
   * new search (for tests and benchmarks). */
  signals[RESULTS_SHOWN] =
      g_signal_new ("results-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/agentdesk/AgentDesk/ui/desk-knowledge-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, results);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, article_header);
  gtk_widget_class_bind_template_child (widget_class, DeskKnowledgePanel, article_body);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);

  gtk_widget_class_install_action (widget_class, "kb.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "kb.insert-link", NULL, insert_link_action);
  gtk_widget_class_install_action (widget_class, "kb.insert-excerpt", NULL, insert_excerpt_action);
  gtk_widget_class_install_action (widget_class, "kb.copy-link", NULL, copy_link_action);
  gtk_widget_class_install_action (widget_class, "kb.open-in-browser", NULL,
                                   open_in_browser_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "kb.back", NULL);
}

static void
desk_knowledge_panel_init (DeskKnowledgePanel *self)
{
  g_type_ensure (DESK_TYPE_PREVIEW_HEADER);
  g_type_ensure (DESK_TYPE_SEARCH_RESULTS);
  gtk_widget_init_template (GTK_WIDGET (self));
  desk_search_results_attach_entry (self->results, GTK_WIDGET (self->search_entry));
  desk_drop_down_make_compact (self->category_dropdown);
  desk_drop_down_make_compact (self->language_dropdown);
  reload_filters (self);
  update_article_actions (self);
  run_search (self);
}
