/* test-ui-side-panel.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-side-panel"

#include "config.h"

#include "desk-application-private.h"
#include "desk-canned-panel.h"
#include "desk-composer-assist-private.h"
#include "desk-knowledge-panel.h"
#include "desk-preview-header.h"
#include "desk-result-row.h"
#include "desk-search-results.h"
#include "desk-test-server.h"
#include "desk-text-line.h"
#include "desk-test-ui.h"
#include "desk-window-private.h"

/* The side panel beside a conversation, against the real reference server
 * with the demo knowledge base and canned replies: what an agent finds and
 * what goes into the reply. */

static DeskTestServer *server;
static DeskRole        signed_in_role = DESK_ROLE_LEAD;

static GObject *
test_server_starter (const char *data_dir, char **base_url, char **token, GError **error)
{
  *base_url = g_strdup (desk_test_server_get_base_url (server));
  *token = g_strdup (desk_test_server_get_token (server, signed_in_role));
  return g_object_new (G_TYPE_OBJECT, NULL);
}

static gpointer
child (gpointer widget, GType type, const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);
}

static gboolean
label_shows (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  if (DESK_IS_TEXT_LINE (widget) &&
      g_strcmp0 (desk_text_line_get_text (DESK_TEXT_LINE (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (label_shows (c, text))
      return TRUE;

  return FALSE;
}

/* The results list of a panel, and what it shows: its items, and the
 * rows of those in sight. */
static DeskSearchResults *
results_of (gpointer panel)
{
  return child (panel, G_OBJECT_TYPE (panel), "results");
}

static gboolean
is_two_line_snippet (GtkWidget *widget, gconstpointer data)
{
  return DESK_IS_TEXT_LINE (widget) && desk_text_line_get_n_lines (DESK_TEXT_LINE (widget)) == 2;
}

/* A snippet that takes two lines has the room for them in its row: a row
 * measured for one line would draw its second over the next row. */
static void
assert_snippets_fit (gpointer panel)
{
  GtkWidget *snippet =
      desk_test_find_widget (GTK_WIDGET (results_of (panel)), TRUE, is_two_line_snippet, NULL);
  GtkWidget *title;

  g_assert_nonnull (snippet);
  title = gtk_widget_get_prev_sibling (gtk_widget_get_prev_sibling (snippet));
  g_assert_true (DESK_IS_TEXT_LINE (title));
  g_assert_cmpint (gtk_widget_get_height (snippet), >=, 2 * gtk_widget_get_height (title) * 8 / 10);
}

static gboolean
results_include (gpointer panel, const char *title)
{
  GListModel *model = desk_search_results_get_model (results_of (panel));

  if (!desk_search_results_is_showing_items (results_of (panel)))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (DeskResultItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (desk_result_item_get_title (item), title) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
result_position (gpointer panel, gint64 id)
{
  GListModel *model = desk_search_results_get_model (results_of (panel));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (DeskResultItem) item = g_list_model_get_item (model, i);

      if (desk_result_item_get_id (item) == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static const char *
results_heading (gpointer panel)
{
  GtkWidget *heading = child (results_of (panel), DESK_TYPE_SEARCH_RESULTS, "heading");

  return gtk_widget_get_visible (heading) ? gtk_label_get_text (GTK_LABEL (heading)) : NULL;
}

static GtkListView *
results_list_view (gpointer panel)
{
  return child (results_of (panel), DESK_TYPE_SEARCH_RESULTS, "list_view");
}

/* Scrolls to the end of the list, where the next page of items comes. */
static gboolean
scroll_to_end (GtkAdjustment *adjustment)
{
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return TRUE;
}

static void
count_shown_cb (gpointer panel, guint n_items, guint *count)
{
  (*count)++;
}

/* The first canned reply listed is the suggestion, badged. */
static gboolean
first_is_suggestion (DeskCannedPanel *panel)
{
  g_autoptr (DeskResultItem) first = desk_search_results_dup_first (results_of (panel));

  return first != NULL && desk_result_item_get_badge (first) != NULL &&
         desk_result_item_get_id (first) == desk_canned_panel_get_top_suggestion (panel);
}

static gboolean
in_cache (DeskStore *store, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (store, ticket_id);

  return ticket != NULL;
}

static gint64
canned_count (DeskStore *store)
{
  return desk_store_count (store, DESK_STORE_COLLECTION_CANNED);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text_with_cursor (GtkTextBuffer *buffer, const char *text, int cursor)
{
  GtkTextIter iter;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, cursor);
  gtk_text_buffer_place_cursor (buffer, &iter);
}

/* As if typed: inserted at the cursor, one character at a time. */
static void
type_text (GtkTextBuffer *buffer, const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    gtk_text_buffer_insert_interactive_at_cursor (buffer, p, g_utf8_next_char (p) - p, TRUE);
  desk_test_iterate ();
}

static gint64
canned_id_by_shortcut (DeskStore *store, const char *shortcut)
{
  g_autoptr (GPtrArray) replies = desk_store_find_canned_by_shortcut (store, shortcut, 1);

  g_assert_cmpuint (replies->len, ==, 1);
  return ((DeskCannedRecord *) g_ptr_array_index (replies, 0))->id;
}

static GtkWindow *
find_dialog (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_window_get_title (window), title) == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
collect_entry_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (ADW_IS_ENTRY_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_entry_rows (c, rows);
}

static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* One application for every test: an application id is exported on the
 * session bus once per process. */
static DeskApplication *test_app;
static DeskWindow      *test_window;

static DeskApplication *
start_app (DeskWindow **window)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = NULL;

  if (test_app != NULL)
    {
      *window = test_window;
      return g_object_ref (test_app);
    }

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "last-view", "all-open");
  g_settings_set_boolean (settings, "side-panel-visible", TRUE);
  test_app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  test_app->demo = TRUE;
  desk_application_set_demo_starter (test_app, test_server_starter);
  g_application_register (G_APPLICATION (test_app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (test_app));
  test_window = DESK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (test_app)));
  desk_test_wait_for_draw (GTK_WIDGET (test_window));

  *window = test_window;
  return g_object_ref (test_app);
}

static void
stop_app (DeskApplication *app, DeskWindow *window)
{
  g_object_unref (app);
}

static void
quit_app (void)
{
  if (test_app == NULL)
    return;
  gtk_window_destroy (GTK_WINDOW (test_window));
  desk_test_iterate ();
  g_application_quit (G_APPLICATION (test_app));
  g_clear_object (&test_app);
}

static gint64
open_chat (DeskApplication *app, DeskWindow *window, const char *subject, const char *body)
{
  g_autofree char *request = g_strdup_printf (
      "{\"name\": \"Mei Chen\", \"email\": \"mei@example.com\", \"locale\": \"en\","
      " \"subject\": \"%s\", \"body\": \"%s\"}",
      subject, body);
  g_autoptr (JsonNode) chat = NULL;
  guint  status;
  gint64 chat_id;

  chat = desk_test_request_json (server, "POST", "/api/v1/public/chats", NULL, request, &status);
  g_assert_cmpuint (status, ==, 201);
  chat_id = json_object_get_int_member (json_node_get_object (chat), "chat_id");
  WAIT_FOR (in_cache (app->store, chat_id));
  desk_window_open_ticket (window, chat_id);

  return chat_id;
}

static void
test_knowledge_base (void)
{
  DeskWindow *window;
  g_autoptr (DeskApplication) app = start_app (&window);
  DeskKnowledgePanel *panel = child (window, DESK_TYPE_WINDOW, "knowledge_panel");
  GtkTextBuffer      *buffer =
      gtk_text_view_get_buffer (child (window, DESK_TYPE_WINDOW, "composer_view"));
  GtkEditable     *search = child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "search_entry");
  GtkLabel        *body = child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "article_body");
  g_autofree char *text = NULL;

  WAIT_FOR (desk_store_count (app->store, DESK_STORE_COLLECTION_ARTICLES) >= 51);

  /* Suggestions for the customer's words, before the agent types. */
  open_chat (app, window, "Lost my phone",
             "Hello, I lost my phone and now I cannot log in with two-factor authentication.");
  WAIT_FOR (desk_knowledge_panel_get_top_suggestion (panel) != 0 &&
            results_include (panel, "Resetting 2FA when you have lost your phone"));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  /* The rows in sight are drawn, named for the article. */
  g_assert_true (
      label_shows (GTK_WIDGET (results_of (panel)), "Resetting 2FA when you have lost your phone"));
  assert_snippets_fit (panel);
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-knowledge-base.png");

  /* Search as you type, in English and in Chinese. */
  gtk_editable_set_text (search, "withdrawal limits");
  WAIT_FOR (results_include (panel, "Withdrawal limits") &&
            g_strcmp0 (results_heading (panel), "Articles") == 0);
  desk_test_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (label_shows (GTK_WIDGET (results_of (panel)), "Withdrawal limits"));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-knowledge-base-search.png");
  gtk_editable_set_text (search, "手机丢失");
  WAIT_FOR (results_include (panel, "手机丢失后如何重置双重验证"));
  gtk_editable_set_text (search, "qwxzv");
  WAIT_FOR (!desk_search_results_is_showing_items (results_of (panel)));

  /* The preview renders the Markdown; links go in at the cursor. */
  desk_knowledge_panel_show_article (panel, 13);
  g_assert_true (label_shows (GTK_WIDGET (panel), "Withdrawal limits"));
  g_assert_null (strstr (gtk_label_get_text (body), "##"));
  /* Drawn once the page has slid in. */
  WAIT_FOR (!gtk_stack_get_transition_running (child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "stack")));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-article.png");

  set_text_with_cursor (buffer, "Hi Mei, see  for details.", 12);
  gtk_widget_activate_action (GTK_WIDGET (panel), "kb.insert-link", NULL);
  text = buffer_text (buffer);
  g_assert_cmpstr (text, ==,
                   "Hi Mei, see Withdrawal limits: "
                   "https://help.koinhaven.example/articles/withdrawal-limits for details.");
  g_clear_pointer (&text, g_free);

  set_text_with_cursor (buffer, "", 0);
  gtk_widget_activate_action (GTK_WIDGET (panel), "kb.insert-excerpt", NULL);
  text = buffer_text (buffer);
  g_assert_cmpstr (text, !=, "");
  g_assert_null (strstr (text, "**"));
  g_clear_pointer (&text, g_free);

  /* "??words" in the reply offers articles; Enter links the chosen one. */
  set_text_with_cursor (buffer, "", 0);
  gtk_widget_grab_focus (child (window, DESK_TYPE_WINDOW, "composer_view"));
  type_text (buffer, "See ??withdrawal lim");
  WAIT_FOR (desk_composer_assist_is_open (_desk_window_get_composer_assist (window)) &&
            label_shows (GTK_WIDGET (gtk_widget_get_first_child (
                             GTK_WIDGET (child (window, DESK_TYPE_WINDOW, "composer_view")))),
                         "Withdrawal limits"));
  g_assert_true (_desk_composer_assist_key_pressed (_desk_window_get_composer_assist (window),
                                                    GDK_KEY_Return, 0));
  text = buffer_text (buffer);
  g_assert_cmpstr (
      text, ==, "See Withdrawal limits: https://help.koinhaven.example/articles/withdrawal-limits");

  stop_app (app, window);
  g_steal_pointer (&app);
}

static void
test_canned_replies (void)
{
  DeskWindow *window;
  g_autoptr (DeskApplication) app = start_app (&window);
  DeskCannedPanel *panel = child (window, DESK_TYPE_WINDOW, "canned_panel");
  GtkTextBuffer   *buffer =
      gtk_text_view_get_buffer (child (window, DESK_TYPE_WINDOW, "composer_view"));
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *text = NULL;
  GtkWindow       *dialog;
  gint64           chat_id;

  WAIT_FOR (canned_count (app->store) >= 29);
  chat_id = open_chat (app, window, "Deposit missing", "My USDT deposit has not arrived yet.");

  /* Ctrl+K opens the canned replies with the search focused. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.canned-replies", NULL);
  g_assert_cmpstr (
      adw_view_stack_get_visible_child_name (child (window, DESK_TYPE_WINDOW, "side_panel_stack")),
      ==, "canned-replies");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         child (panel, DESK_TYPE_CANNED_PANEL, "search_entry")));
  /* The reply that best fits the customer's message comes first. */
  WAIT_FOR (first_is_suggestion (panel));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (label_shows (GTK_WIDGET (results_of (panel)), "Suggested · Alt+1"));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-canned-replies.png");

  /* Placeholders are filled from the ticket and the agent, at the cursor. */
  set_text_with_cursor (buffer, "[start]  [end]", 8);
  desk_canned_panel_insert_reply (panel, canned_id_by_shortcut (app->store, "hello"));
  text = buffer_text (buffer);
  g_assert_true (g_str_has_prefix (text, "[start] Hi Mei,"));
  g_assert_true (g_str_has_suffix (text, "Koinhaven Support [end]"));
  g_assert_nonnull (strstr (text, "Test Lead"));
  g_assert_nonnull (strstr (text, "\"Deposit missing\""));
  g_assert_null (strstr (text, "{{"));
  g_clear_pointer (&text, g_free);

  /* "/shortcut" and Tab. */
  set_text_with_cursor (buffer, "", 0);
  gtk_widget_grab_focus (child (window, DESK_TYPE_WINDOW, "composer_view"));
  type_text (buffer, "/looking-in");
  g_assert_true (desk_composer_assist_is_open (_desk_window_get_composer_assist (window)));
  g_assert_true (_desk_composer_assist_key_pressed (_desk_window_get_composer_assist (window),
                                                    GDK_KEY_Tab, 0));
  text = buffer_text (buffer);
  g_assert_true (g_str_has_prefix (text, "Hi Mei,"));
  g_assert_false (desk_composer_assist_is_open (_desk_window_get_composer_assist (window)));
  g_clear_pointer (&text, g_free);

  /* A path is not a shortcut. */
  set_text_with_cursor (buffer, "", 0);
  type_text (buffer, "see /etc/hosts");
  g_assert_false (desk_composer_assist_is_open (_desk_window_get_composer_assist (window)));

  /* Fill-in fields are asked for before the reply goes in. */
  set_text_with_cursor (buffer, "", 0);
  desk_canned_panel_insert_reply (panel, canned_id_by_shortcut (app->store, "refund"));
  WAIT_FOR ((dialog = find_dialog ("Refund issued")) != NULL);
  collect_entry_rows (GTK_WIDGET (dialog), rows);
  g_assert_cmpuint (rows->len, ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 0)), "25 USDT");
  desk_test_wait_for_draw (GTK_WIDGET (dialog));
  desk_test_save_screenshot (GTK_WIDGET (dialog), "screenshot-canned-ask.png");
  g_signal_emit_by_name (find_button (gtk_window_get_titlebar (dialog), "_Insert"), "clicked");
  desk_test_iterate ();
  text = buffer_text (buffer);
  g_assert_nonnull (strstr (text, "refunded 25 USDT to"));
  /* The unanswered field stays a visible gap, and Send refuses it. */
  g_assert_nonnull (strstr (text, "[Refund reference]"));
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  g_assert_true (label_shows (child (window, DESK_TYPE_WINDOW, "composer_status"),
                              "Fill in the highlighted gap first"));
  g_clear_pointer (&text, g_free);
  (void) chat_id;

  stop_app (app, window);
  g_steal_pointer (&app);
}

static gboolean
canned_listed (DeskCannedPanel *panel, gint64 canned_id)
{
  return result_position (panel, canned_id) != GTK_INVALID_LIST_POSITION;
}

/* As a click on its row does. */
static void
preview_canned (DeskCannedPanel *panel, gint64 canned_id)
{
  gtk_editable_set_text (child (panel, DESK_TYPE_CANNED_PANEL, "search_entry"), "");
  WAIT_FOR (canned_listed (panel, canned_id));
  g_signal_emit_by_name (results_list_view (panel), "activate", result_position (panel, canned_id));
}

/* @keyval pressed in @widget, as its key controller in the capture phase
 * sees it: the panels' own controllers for Down in the search entry and
 * Up in the list are there. */
static gboolean
press_key_in (GtkWidget *widget, guint keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

/* Enter on the row that has the focus, as GTK binds it. */
static void
press_enter_on_focus (GtkWindow *window)
{
  GtkWidget *widget = gtk_root_get_focus (GTK_ROOT (window));

  while (widget != NULL && !g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkListItemWidget"))
    widget = gtk_widget_get_parent (widget);
  g_assert_nonnull (widget);
  g_signal_emit_by_name (widget, "activate-keybinding");
}

static GtkWidget *
find_result_row (GtkWidget *widget, const char *title)
{
  if (DESK_IS_RESULT_ROW (widget) && desk_result_row_get_item (DESK_RESULT_ROW (widget)) != NULL &&
      g_strcmp0 (desk_result_item_get_title (desk_result_row_get_item (DESK_RESULT_ROW (widget))),
                 title) == 0 &&
      gtk_widget_get_child_visible (gtk_widget_get_parent (widget)))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_result_row (c, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_knowledge_base_keys (void)
{
  DeskWindow *window;
  g_autoptr (DeskApplication) app = start_app (&window);
  DeskKnowledgePanel *panel = child (window, DESK_TYPE_WINDOW, "knowledge_panel");
  GtkEditable        *search = child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "search_entry");
  GtkStack           *stack = child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "stack");
  DeskPreviewHeader  *header = child (panel, DESK_TYPE_KNOWLEDGE_PANEL, "article_header");
  const char         *lost_phone = "Resetting 2FA when you have lost your phone";
  g_autoptr (DeskResultItem) first = NULL;
  GtkWidget *row;
  guint      shown = 0;
  int        position;

  WAIT_FOR (desk_store_count (app->store, DESK_STORE_COLLECTION_ARTICLES) >= 51);
  gtk_editable_set_text (search, "");
  open_chat (app, window, "Lost my phone",
             "Hello, I lost my phone and now I cannot log in with two-factor authentication.");
  WAIT_FOR (desk_knowledge_panel_get_top_suggestion (panel) != 0 &&
            results_include (panel, lost_phone));
  g_signal_connect (panel, "results-shown", G_CALLBACK (count_shown_cb), &shown);

  /* A lone letter searches nothing: the suggestions stay, and are shown at
   * once. */
  gtk_editable_set_text (search, "w");
  g_assert_cmpuint (shown, ==, 1);
  g_assert_cmpstr (results_heading (panel), ==, "Suggested for This Conversation");
  g_assert_true (results_include (panel, lost_phone));

  /* Emptied (suggestions, at once), then typed (results, from a search). */
  shown = 0;
  gtk_editable_set_text (search, "withdrawal lim");
  g_assert_cmpuint (shown, ==, 1);
  WAIT_FOR (shown == 2);
  g_assert_true (results_include (panel, "Withdrawal limits"));
  g_assert_cmpstr (results_heading (panel), ==, "Articles");

  /* A word being started, or a space, asks for the same articles: the
   * results stay, shown at once. */
  position = -1;
  gtk_editable_insert_text (search, " l", -1, &position);
  g_assert_cmpuint (shown, ==, 3);
  position = -1;
  gtk_editable_insert_text (search, " ", -1, &position);
  g_assert_cmpuint (shown, ==, 4);
  g_assert_cmpstr (results_heading (panel), ==, "Articles");
  g_assert_true (results_include (panel, "Withdrawal limits"));

  /* Back to a lone letter: the suggestions again, not the results of the
   * longer text. */
  gtk_editable_delete_text (search, 1, -1);
  g_assert_cmpuint (shown, ==, 5);
  g_assert_cmpstr (results_heading (panel), ==, "Suggested for This Conversation");
  g_assert_true (results_include (panel, lost_phone));
  g_assert_false (results_include (panel, "Withdrawal limits"));

  /* Enter opens the first result, pressed before the results are in. */
  gtk_editable_set_text (search, "withdrawal limits");
  g_signal_emit_by_name (search, "activate");
  WAIT_FOR (g_str_equal (gtk_stack_get_visible_child_name (stack), "article"));
  first = desk_search_results_dup_first (results_of (panel));
  g_assert_nonnull (first);
  g_assert_cmpstr (desk_preview_header_get_title (header), ==, desk_result_item_get_title (first));
  /* The header's back button goes back to the list. */
  g_signal_emit_by_name (child (header, DESK_TYPE_PREVIEW_HEADER, "back_button"), "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "search");

  /* Down goes from the search into the list, Enter opens the row. */
  desk_test_wait_for_draw (GTK_WIDGET (window));
  gtk_widget_grab_focus (GTK_WIDGET (search));
  g_assert_true (press_key_in (GTK_WIDGET (search), GDK_KEY_Down));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (results_list_view (panel))));
  /* Up on the first row goes back to the search, Down again into the list. */
  g_assert_true (press_key_in (GTK_WIDGET (results_list_view (panel)), GDK_KEY_Up));
  g_assert_true (
      gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (search)));
  g_assert_true (press_key_in (GTK_WIDGET (search), GDK_KEY_Down));
  press_enter_on_focus (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "article");
  g_assert_cmpstr (desk_preview_header_get_title (header), ==, desk_result_item_get_title (first));
  gtk_widget_activate_action (GTK_WIDGET (panel), "kb.back", NULL);

  /* A row is named by its article's title, without the markup. */
  row = find_result_row (GTK_WIDGET (results_of (panel)), desk_result_item_get_title (first));
  g_assert_nonnull (row);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       desk_result_item_get_title (first));

  g_signal_handlers_disconnect_by_func (panel, count_shown_cb, &shown);
  gtk_editable_set_text (search, "");
  stop_app (app, window);
  g_steal_pointer (&app);
}

static void
test_canned_keys (void)
{
  DeskWindow *window;
  g_autoptr (DeskApplication) app = start_app (&window);
  DeskCannedPanel *panel = child (window, DESK_TYPE_WINDOW, "canned_panel");
  GtkEditable     *search = child (panel, DESK_TYPE_CANNED_PANEL, "search_entry");
  GtkStack        *stack = child (panel, DESK_TYPE_CANNED_PANEL, "stack");
  GtkTextBuffer   *buffer =
      gtk_text_view_get_buffer (child (window, DESK_TYPE_WINDOW, "composer_view"));
  g_autofree char *text = NULL;
  GtkAdjustment   *adjustment;
  guint            shown = 0;
  int              position = -1;

  WAIT_FOR (canned_count (app->store) >= 29);
  open_chat (app, window, "Deposit missing", "My USDT deposit has not arrived yet.");
  gtk_editable_set_text (search, "");
  /* The suggestion comes first, marked. */
  WAIT_FOR (desk_canned_panel_get_top_suggestion (panel) != 0 && first_is_suggestion (panel));
  desk_test_wait_for_draw (GTK_WIDGET (window));

  /* The list is handed what it has room for; scrolled down, it gets all
   * the replies. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (results_list_view (panel)));
  g_assert_cmpuint (g_list_model_get_n_items (desk_search_results_get_model (results_of (panel))),
                    <, canned_count (app->store));
  WAIT_FOR (scroll_to_end (adjustment) && g_list_model_get_n_items (desk_search_results_get_model (
                                              results_of (panel))) >= canned_count (app->store));
  gtk_adjustment_set_value (adjustment, 0);
  desk_test_wait_for_draw (GTK_WIDGET (window));

  /* Typing searches in a thread; the list follows, from its top. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  g_signal_connect (panel, "results-shown", G_CALLBACK (count_shown_cb), &shown);
  gtk_editable_set_text (search, "hello");
  g_assert_cmpuint (shown, ==, 0);
  WAIT_FOR (shown == 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_true (canned_listed (panel, canned_id_by_shortcut (app->store, "hello")));
  g_assert_cmpint (desk_canned_panel_get_top_suggestion (panel), ==, 0);
  /* A trailing space asks for the same replies: shown at once. */
  gtk_editable_insert_text (search, " ", -1, &position);
  g_assert_cmpuint (shown, ==, 2);

  /* Enter inserts the first reply of the text typed, even before its
   * results are in. */
  set_text_with_cursor (buffer, "", 0);
  gtk_editable_set_text (search, "looking into");
  g_signal_emit_by_name (search, "activate");
  WAIT_FOR (gtk_text_buffer_get_char_count (buffer) > 0);
  text = buffer_text (buffer);
  {
    g_autoptr (DeskResultItem) first = desk_search_results_dup_first (results_of (panel));
    g_autoptr (DeskCannedRecord) reply =
        desk_store_load_canned (app->store, desk_result_item_get_id (first));

    g_assert_cmpstr (reply->shortcut, ==, "looking-into-it");
  }
  g_assert_true (g_str_has_prefix (text, "Hi Mei,"));
  g_clear_pointer (&text, g_free);

  /* Down goes into the list; Enter on a row previews it. */
  desk_test_wait_for_draw (GTK_WIDGET (window));
  gtk_widget_grab_focus (GTK_WIDGET (search));
  g_assert_true (press_key_in (GTK_WIDGET (search), GDK_KEY_Down));
  press_enter_on_focus (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "reply");
  gtk_widget_activate_action (GTK_WIDGET (panel), "canned.back", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  g_signal_handlers_disconnect_by_func (panel, count_shown_cb, &shown);
  gtk_editable_set_text (search, "");
  set_text_with_cursor (buffer, "", 0);
  stop_app (app, window);
  g_steal_pointer (&app);
}

static gboolean
canned_exists (DeskStore *store, gint64 id)
{
  g_autoptr (DeskCannedRecord) reply = desk_store_load_canned (store, id);

  return reply != NULL;
}

static gboolean
has_shortcut (DeskStore *store, const char *shortcut)
{
  g_autoptr (GPtrArray) replies = desk_store_find_canned_by_shortcut (store, shortcut, 1);

  return replies->len == 1 &&
         g_strcmp0 (((DeskCannedRecord *) g_ptr_array_index (replies, 0))->shortcut, shortcut) == 0;
}

/* A personal reply is made, edited and deleted from the panel, through
 * the outbox to the server; a shared one is not offered for editing to an
 * agent. */
static void
test_canned_editing (void)
{
  DeskWindow *window;
  g_autoptr (DeskApplication) app = start_app (&window);
  DeskCannedPanel *panel = child (window, DESK_TYPE_WINDOW, "canned_panel");
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GtkWindow *dialog;
  gint64     id;

  WAIT_FOR (canned_count (app->store) >= 29 && desk_application_get_user_id (app) != 0);

  desk_canned_panel_new_reply (panel, NULL);
  WAIT_FOR ((dialog = find_dialog ("New Canned Reply")) != NULL);
  collect_entry_rows (GTK_WIDGET (dialog), rows);
  g_assert_cmpuint (rows->len, ==, 3);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 0)), "Card top-up delayed");
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 1)), "/topup");
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 2)), "Deposits & Withdrawals");
  {
    GtkTextView *body = NULL;

    for (GtkWidget *w = GTK_WIDGET (dialog); w != NULL && body == NULL;)
      {
        /* The only text view of the dialog. */
        GtkWidget *next = gtk_widget_get_first_child (w);

        if (GTK_IS_TEXT_VIEW (w))
          body = GTK_TEXT_VIEW (w);
        while (next == NULL && w != NULL)
          {
            next = gtk_widget_get_next_sibling (w);
            w = gtk_widget_get_parent (w);
          }
        w = next;
      }
    g_assert_nonnull (body);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (body),
                              "Hi {{customer.first_name}}, card top-ups take up to an hour.", -1);
  }
  desk_test_wait_for_draw (GTK_WIDGET (dialog));
  desk_test_save_screenshot (GTK_WIDGET (dialog), "screenshot-canned-editor.png");
  g_signal_emit_by_name (find_button (gtk_window_get_titlebar (dialog), "_Save"), "clicked");

  /* The server's answer lands in the cache: the reply is there. */
  WAIT_FOR (has_shortcut (app->store, "topup"));
  id = canned_id_by_shortcut (app->store, "topup");
  {
    g_autoptr (DeskCannedRecord) reply = desk_store_load_canned (app->store, id);

    g_assert_cmpint (reply->owner_id, ==, desk_application_get_user_id (app));
  }

  /* Edited from its preview. */
  WAIT_FOR (canned_listed (panel, id));
  preview_canned (panel, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "canned.edit", NULL));
  WAIT_FOR ((dialog = find_dialog ("Edit Canned Reply")) != NULL);
  g_ptr_array_set_size (rows, 0);
  collect_entry_rows (GTK_WIDGET (dialog), rows);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 1)), "card-topup");
  g_signal_emit_by_name (find_button (gtk_window_get_titlebar (dialog), "_Save"), "clicked");
  WAIT_FOR (has_shortcut (app->store, "card-topup"));

  /* Deleted, after a confirmation. */
  WAIT_FOR (canned_listed (panel, id));
  preview_canned (panel, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "canned.delete", NULL));
  {
    AdwMessageDialog *confirm = NULL;
    GListModel       *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && confirm == NULL; i++)
      {
        g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
          confirm = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (confirm);
    adw_message_dialog_response (confirm, "delete");
    gtk_window_destroy (GTK_WINDOW (confirm));
  }
  WAIT_FOR (!canned_exists (app->store, id));

  /* An agent is not offered to edit a shared reply (the server refuses). */
  desk_canned_panel_set_agent (panel, desk_application_get_user_id (app), "Test Agent", FALSE);
  preview_canned (panel, canned_id_by_shortcut (app->store, "hello"));
  desk_test_iterate ();
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (panel), "_Edit")));
  gtk_widget_activate_action (GTK_WIDGET (panel), "canned.edit", NULL);
  desk_test_iterate ();
  g_assert_null (find_dialog ("Edit Canned Reply"));
  desk_canned_panel_set_agent (panel, desk_application_get_user_id (app), "Test Lead", TRUE);
  desk_test_iterate ();
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (panel), "_Edit")));
  gtk_widget_activate_action (GTK_WIDGET (panel), "canned.edit", NULL);
  WAIT_FOR ((dialog = find_dialog ("Edit Canned Reply")) != NULL);
  gtk_window_destroy (dialog);

  stop_app (app, window);
  g_steal_pointer (&app);
}

/* The lines of text in result rows: what a customer or an author wrote
 * shows as written, markup given to them is drawn, never parsed from the
 * text, and a snippet keeps to its lines. */
static void
test_result_text (void)
{
  GtkWidget       *window = gtk_window_new ();
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  DeskTextLine    *title = DESK_TEXT_LINE (desk_text_line_new (1, 30));
  DeskTextLine    *snippet = DESK_TEXT_LINE (desk_text_line_new (2, 30));
  g_autofree char *escaped = g_markup_escape_text ("<b>Refunds</b> & <span>returns</span>", -1);
  g_autofree char *marked = g_strdup_printf ("%s: <b>bold</b>", escaped);
  GString         *long_text = g_string_new (NULL);
  int              one_line, two_lines;

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (snippet));
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 240, 300);
  gtk_window_present (GTK_WINDOW (window));

  /* Text is text, markup is drawn. */
  desk_text_line_set_text (title, "<i>Refunds</i> & returns");
  g_assert_cmpstr (desk_text_line_get_text (title), ==, "<i>Refunds</i> & returns");
  desk_text_line_set_markup (title, marked);
  g_assert_cmpstr (desk_text_line_get_text (title), ==,
                   "<b>Refunds</b> & <span>returns</span>: bold");
  /* Markup that does not parse shows as it came. */
  g_test_expect_message ("desk-text-line", G_LOG_LEVEL_WARNING, "*does not parse*");
  desk_text_line_set_markup (title, "<b>unclosed & raw");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (desk_text_line_get_text (title), ==, "<b>unclosed & raw");
  /* Not even UTF-8: what can be read is shown. */
  desk_text_line_set_text (title, "caf\xc3 cr\xc3\xa8me");
  g_assert_true (g_str_has_prefix (desk_text_line_get_text (title), "caf"));
  g_assert_true (g_str_has_suffix (desk_text_line_get_text (title), " crème"));
  g_test_expect_message ("desk-text-line", G_LOG_LEVEL_WARNING, "*does not parse*");
  desk_text_line_set_markup (title, "<b>caf\xc3</b>");
  g_test_assert_expected_messages ();
  g_assert_true (g_utf8_validate (desk_text_line_get_text (title), -1, NULL));

  /* A snippet wraps to two lines at most, ended with "…". */
  desk_text_line_set_markup (snippet, "Short");
  desk_test_wait_for_draw (window);
  one_line = gtk_widget_get_height (GTK_WIDGET (snippet));
  g_assert_cmpuint (desk_text_line_get_n_lines (snippet), ==, 1);
  for (guint i = 0; i < 60; i++)
    g_string_append (long_text, "withdrawal ");
  desk_text_line_set_markup (snippet, long_text->str);
  desk_test_wait_for_draw (window);
  two_lines = gtk_widget_get_height (GTK_WIDGET (snippet));
  g_assert_cmpuint (desk_text_line_get_n_lines (snippet), ==, 2);
  g_assert_true (desk_text_line_is_ellipsized (snippet));
  g_assert_cmpint (two_lines, >, one_line);
  /* Back to one line, the row is as short as before. */
  desk_text_line_set_markup (snippet, "<b>Short</b> again");
  desk_test_wait_for_draw (window);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (snippet)), ==, one_line);

  /* The panel's width does not follow the text. */
  {
    int natural_short, natural_long;

    gtk_widget_measure (GTK_WIDGET (title), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_short,
                        NULL, NULL);
    desk_text_line_set_text (title, long_text->str);
    gtk_widget_measure (GTK_WIDGET (title), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_long,
                        NULL, NULL);
    g_assert_cmpint (natural_short, ==, natural_long);
    g_assert_true (desk_text_line_is_ellipsized (title));
  }

  g_string_free (long_text, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("desk-side-panel-XXXXXX", &error);
  int              status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  desk_test_init (&argc, &argv);
  server = desk_test_server_new ();

  g_test_add_func ("/Desk/UI/SidePanel/knowledge-base", test_knowledge_base);
  g_test_add_func ("/Desk/UI/SidePanel/canned-replies", test_canned_replies);
  g_test_add_func ("/Desk/UI/SidePanel/canned-editing", test_canned_editing);
  g_test_add_func ("/Desk/UI/SidePanel/knowledge-base-keys", test_knowledge_base_keys);
  g_test_add_func ("/Desk/UI/SidePanel/canned-keys", test_canned_keys);
  g_test_add_func ("/Desk/UI/SidePanel/result-text", test_result_text);
  status = g_test_run ();

  quit_app ();
  desk_test_server_stop (server);
  {
    const char *rm[] = { "rm", "-rf", data_home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }

  return status;
}
