/* test-ui-agent-day.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-agent-day"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "desk-application-private.h"
#include "desk-realtime.h"
#include "desk-test-server.h"
#include "desk-test-ui.h"
#include "desk-ticket-controls.h"
#include "desk-ticket-row.h"
#include "desk-ticket.h"
#include "desk-view-row.h"
#include "desk-window.h"

/* The app against the real reference server, driven as an agent would. */

static DeskTestServer *server;
static DeskRole        signed_in_role = DESK_ROLE_LEAD;

/* Stands in for the demo starter: the app signs in to the test server. */
static GObject *
test_server_starter (const char *data_dir, char **base_url, char **token, GError **error)
{
  *base_url = g_strdup (desk_test_server_get_base_url (server));
  *token = g_strdup (desk_test_server_get_token (server, signed_in_role));
  return g_object_new (G_TYPE_OBJECT, NULL);
}

static gboolean
notified (const char *expected)
{
  GPtrArray *notifications = desk_test_get_notifications ();

  for (guint i = 0; notifications != NULL && i < notifications->len; i++)
    if (g_str_equal (g_ptr_array_index (notifications, i), expected))
      return TRUE;
  return FALSE;
}

static void
typing_event_cb (DeskRealtime *realtime,
                 const char   *type,
                 gint64        id,
                 gint64        ticket_id,
                 JsonObject   *event,
                 gint64       *typist)
{
  if (g_str_equal (type, "typing"))
    *typist = id;
}

static GtkWidget *
template_child (DeskWindow *window, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DESK_TYPE_WINDOW, name));
}

static guint
inbox_rows (DeskWindow *window)
{
  GListModel *model = G_LIST_MODEL (
      gtk_list_view_get_model (GTK_LIST_VIEW (template_child (window, "inbox_list"))));

  return model ? g_list_model_get_n_items (model) : 0;
}

/* The test looks at the server as an admin, so that its polling does not
 * spend the signed-in lead's rate limit, and not more than every 20 ms. */
static JsonNode *
get_from_server (const char *path)
{
  JsonNode *node;
  guint     status;

  g_usleep (20000);
  node = desk_test_request_json (
      server, "GET", path, desk_test_server_get_token (server, DESK_ROLE_ADMIN), NULL, &status);
  if (status != 200 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_clear_pointer (&node, json_node_unref);
  return node;
}

static gboolean
server_has_message (gint64 ticket_id, const char *body)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autoptr (JsonNode) node = get_from_server (path);
  JsonArray *items;
  guint      found = 0;

  /* Right after the server comes back, it may not answer yet. */
  if (node == NULL)
    return FALSE;
  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    found +=
        g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "body"),
                   body) == 0;

  g_assert_cmpuint (found, <=, 1);
  return found == 1;
}

static gboolean
in_cache (DeskStore *store, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (store, ticket_id);

  return ticket != NULL;
}

/* Widgets of the window, found as a person would look for them */

static gboolean
label_is_cb (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
label_shows (GtkWidget *widget, const char *text)
{
  return desk_test_find_widget (widget, FALSE, label_is_cb, text) != NULL;
}

static gboolean
label_starts_cb (GtkWidget *widget, gconstpointer prefix)
{
  return GTK_IS_LABEL (widget) &&
         g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

/* A label on show under @widget whose text starts with @prefix. */
static gboolean
visible_label_starts (GtkWidget *widget, const char *prefix)
{
  return desk_test_find_widget (widget, TRUE, label_starts_cb, prefix) != NULL;
}

static gboolean
label_marks_cb (GtkWidget *widget, gconstpointer word)
{
  g_autofree char *markup = NULL;
  g_autofree char *bold = NULL;

  if (!GTK_IS_LABEL (widget) || !gtk_label_get_use_markup (GTK_LABEL (widget)))
    return FALSE;
  markup = g_utf8_strdown (gtk_label_get_label (GTK_LABEL (widget)), -1);
  bold = g_strdup_printf ("<b>%s</b>", (const char *) word);
  return strstr (markup, bold) != NULL;
}

/* A label under @widget that shows @word (lower case) in bold. */
static gboolean
label_marks (GtkWidget *widget, const char *word)
{
  return desk_test_find_widget (widget, FALSE, label_marks_cb, word) != NULL;
}

typedef struct
{
  const char *text;
  guint       n;
} LabelCount;

static gboolean
count_label_cb (GtkWidget *widget, gconstpointer data)
{
  LabelCount *count = (LabelCount *) data;

  count->n += label_is_cb (widget, count->text);
  return FALSE;
}

static guint
count_labels (GtkWidget *widget, const char *text)
{
  LabelCount count = { text, 0 };

  desk_test_find_widget (widget, FALSE, count_label_cb, &count);
  return count.n;
}

static gboolean
button_is_cb (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* A visible button labelled @label under @widget. */
static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  return desk_test_find_widget (widget, TRUE, button_is_cb, label);
}

static gboolean
ticket_row_is_cb (GtkWidget *widget, gconstpointer ticket_id)
{
  return DESK_IS_TICKET_ROW (widget) &&
         desk_ticket_row_get_ticket_id (DESK_TICKET_ROW (widget)) == *(const gint64 *) ticket_id;
}

/* The row of @ticket_id in the inbox, if the list shows it. */
static GtkWidget *
find_ticket_row (GtkWidget *widget, gint64 ticket_id)
{
  return desk_test_find_widget (widget, FALSE, ticket_row_is_cb, &ticket_id);
}

static gboolean
digits_cb (GtkWidget *widget, gconstpointer data)
{
  const char *text = GTK_IS_LABEL (widget) ? gtk_label_get_text (GTK_LABEL (widget)) : "";

  return *text != '\0' && g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, NULL, NULL);
}

static gint64
server_ticket_int (const char *path, const char *member)
{
  g_autoptr (JsonNode) node = get_from_server (path);
  JsonObject *object;

  if (node == NULL)
    return -1;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, member) || json_object_get_null_member (object, member))
    return 0;
  return json_object_get_int_member (object, member);
}

static gboolean
server_ticket_string (const char *path, const char *member, const char *value)
{
  g_autoptr (JsonNode) node = get_from_server (path);

  return node != NULL &&
         g_strcmp0 (json_object_get_string_member (json_node_get_object (node), member), value) ==
             0;
}

static gint64
cached_version (DeskStore *store, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (store, ticket_id);

  return ticket ? ticket->version : 0;
}

static gboolean
label_starts_with (GtkWidget *widget, const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (label_starts_with (c, prefix))
      return TRUE;

  return FALSE;
}

static DeskTicket *
row_ticket (DeskWindow *window, guint position)
{
  GListModel *model = G_LIST_MODEL (
      gtk_list_view_get_model (GTK_LIST_VIEW (template_child (window, "inbox_list"))));

  return g_list_model_get_item (model, position);
}

/* The first row has @word in its subject, its customer or a message. */
static gboolean
first_row_mentions (DeskStore *store, DeskWindow *window, const char *word)
{
  g_autoptr (DeskTicket) ticket = row_ticket (window, 0);
  const DeskTicketRecord *record = desk_ticket_get_record (ticket);
  g_autoptr (GPtrArray) messages = desk_store_load_messages (store, record->id);
  g_autofree char *subject = g_utf8_strdown (record->subject, -1);

  if (strstr (subject, word) != NULL)
    return TRUE;
  for (guint i = 0; i < messages->len; i++)
    {
      g_autofree char *body =
          g_utf8_strdown (((DeskMessageRecord *) g_ptr_array_index (messages, i))->body, -1);

      if (strstr (body, word) != NULL)
        return TRUE;
    }
  return FALSE;
}

static GtkListBoxRow *
find_view (GtkListBox *views, const char *view_id)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (views, i)); i++)
    if (g_strcmp0 (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), view_id) == 0)
      return row;
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static guint
outbox_attempts (DeskStore *store, gint64 item_id)
{
  g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (store, item_id);

  return item ? item->attempts : 0;
}

static gboolean
outbox_state_is (DeskStore *store, gint64 item_id, const char *state)
{
  g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (store, item_id);

  return item != NULL && g_str_equal (item->state, state);
}

/* The count the sidebar shows beside view @view_id, -1 for none: the row's
 * only label of digits. */
static gint64
view_count (DeskWindow *window, const char *view_id)
{
  GtkListBox    *views = GTK_LIST_BOX (template_child (window, "views_list"));
  GtkListBoxRow *row = find_view (views, view_id);
  GtkWidget *label = row ? desk_test_find_widget (GTK_WIDGET (row), TRUE, digits_cb, NULL) : NULL;

  return label ? g_ascii_strtoll (gtk_label_get_text (GTK_LABEL (label)), NULL, 10) : -1;
}

static void
show_view (DeskWindow *window, const char *view_id)
{
  GtkListBox    *views = GTK_LIST_BOX (template_child (window, "views_list"));
  GtkListBoxRow *row = find_view (views, view_id);

  g_assert_nonnull (row);
  g_signal_emit_by_name (views, "row-activated", row);
}

static gboolean
ticket_row_shows (DeskWindow *window, gint64 ticket_id, const char *prefix)
{
  GtkWidget *row = find_ticket_row (template_child (window, "inbox_list"), ticket_id);

  return row != NULL && visible_label_starts (row, prefix);
}

static gboolean
all_rows_in_queue (DeskWindow *window, gint64 queue_id)
{
  for (guint i = 0; i < inbox_rows (window); i++)
    {
      g_autoptr (DeskTicket) ticket = row_ticket (window, i);

      if (desk_ticket_get_record (ticket)->queue_id != queue_id)
        return FALSE;
    }
  return TRUE;
}

static gboolean
inbox_contains (DeskWindow *window, gint64 ticket_id)
{
  for (guint i = 0; i < inbox_rows (window); i++)
    {
      g_autoptr (DeskTicket) ticket = row_ticket (window, i);

      if (desk_ticket_get_id (ticket) == ticket_id)
        return TRUE;
    }
  return FALSE;
}

static gboolean
rows_are_newest_first (DeskWindow *window)
{
  gint64 previous = G_MAXINT64;

  for (guint i = 0; i < MIN (inbox_rows (window), 50); i++)
    {
      g_autoptr (DeskTicket) ticket = row_ticket (window, i);
      gint64 created = desk_ticket_get_record (ticket)->created_at;

      if (created > previous)
        return FALSE;
      previous = created;
    }
  return TRUE;
}

/* Its windows go too: they hold the application, which another test
 * registers again under the same id. */
static void
close_app (DeskApplication *app)
{
  GtkWindow *window;

  desk_test_iterate ();
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (window);
  g_application_quit (G_APPLICATION (app));
  desk_test_iterate ();
}

static void
test_agent_day (void)
{
  g_autoptr (DeskApplication) app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) chat = NULL;
  const char    *markup = "<b>x</b> & <span foreground=\"red\">";
  GtkTextBuffer *buffer;
  DeskWindow    *window;
  gint64         chat_id;
  gint64         chats_before;
  guint          status;

  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  /* The lead has nothing assigned: start in "All Open". */
  g_settings_set_string (settings, "last-view", "all-open");

  /* Signs in through the demo path, to the test server. */
  app->demo = TRUE;
  desk_application_set_demo_starter (app, test_server_starter);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = DESK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  desk_test_wait_for_draw (GTK_WIDGET (window));

  /* The first sync fills the inbox. */
  WAIT_FOR (inbox_rows (window) > 0);
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-inbox.png");

  /* Each queue has a view, and "Pending" one of its own. */
  {
    GtkListBox    *views = GTK_LIST_BOX (template_child (window, "views_list"));
    GtkListBoxRow *queue_row = NULL;
    GtkListBoxRow *row;

    WAIT_FOR (label_shows (GTK_WIDGET (views), "Pending") &&
              (queue_row = find_view (views, "queue-2")) != NULL);
    g_signal_emit_by_name (views, "row-activated", queue_row);
    WAIT_FOR (inbox_rows (window) > 0 && all_rows_in_queue (window, 2));
    row = find_view (views, "all-open");
    g_signal_emit_by_name (views, "row-activated", row);
    WAIT_FOR (!all_rows_in_queue (window, 2));
  }

  /* Ctrl+F narrows the view to tickets with the words, in subjects,
   * customers and messages, in Chinese too; nothing found says so. */
  {
    guint all_rows = inbox_rows (window);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
    g_assert_true (
        gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (template_child (window, "search_bar"))));
    gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "SWIFT");
    WAIT_FOR (inbox_rows (window) > 0 && inbox_rows (window) < all_rows);
    g_assert_true (first_row_mentions (app->store, window, "swift"));
    /* The rows show the words found in bold, the rest as typed. */
    WAIT_FOR (label_marks (template_child (window, "inbox_list"), "swift"));
    desk_test_wait_for_draw (GTK_WIDGET (window));
    desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-search.png");
    gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "充值");
    WAIT_FOR (inbox_rows (window) > 0 && inbox_rows (window) < all_rows);
    gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "qwxzv");
    WAIT_FOR (inbox_rows (window) == 0);
    g_assert_true (label_shows (template_child (window, "inbox_empty"), "No Tickets Match"));
    /* A search kept as a view of its own, in the sidebar, then deleted. */
    {
      GtkListBox      *views = GTK_LIST_BOX (template_child (window, "views_list"));
      GtkListBoxRow   *saved_row = NULL;
      g_autofree char *saved_id = NULL;
      guint            swift_rows;

      gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "SWIFT");
      WAIT_FOR (inbox_rows (window) > 0 && inbox_rows (window) < all_rows);
      swift_rows = inbox_rows (window);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.save-view", "s", "Wire transfers");
      WAIT_FOR (label_shows (GTK_WIDGET (views), "Wire transfers"));
      saved_row = gtk_list_box_get_selected_row (views);
      g_assert_nonnull (saved_row);
      saved_id = g_strdup (desk_view_row_get_view_id (DESK_VIEW_ROW (saved_row)));
      g_assert_true (g_str_has_prefix (saved_id, "saved-"));
      g_assert_cmpstr (
          gtk_editable_get_text (GTK_EDITABLE (template_child (window, "search_entry"))), ==, "");
      WAIT_FOR (inbox_rows (window) == swift_rows);

      /* Edited from its row: a new name, and words that find fewer. */
      {
        AdwMessageDialog *dialog;
        GtkWidget        *box;

        gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-view", "s", saved_id);
        dialog = find_message_dialog ();
        g_assert_nonnull (dialog);
        box = adw_message_dialog_get_extra_child (dialog);
        gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_first_child (box)), "SWIFT short");
        gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_last_child (box)),
                               "SWIFT arrived short");
        desk_test_wait_for_draw (GTK_WIDGET (dialog));
        desk_test_save_screenshot (GTK_WIDGET (dialog), "screenshot-edit-view.png");
        adw_message_dialog_response (dialog, "save");
        gtk_window_destroy (GTK_WINDOW (dialog));
        WAIT_FOR (label_shows (GTK_WIDGET (views), "SWIFT short"));
        g_assert_false (label_shows (GTK_WIDGET (views), "Wire transfers"));
        WAIT_FOR (inbox_rows (window) > 0 && inbox_rows (window) <= swift_rows);
        g_assert_true (first_row_mentions (app->store, window, "short"));
      }

      /* Deleted, brought back by Undo, deleted again. */
      gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-view", "s", saved_id);
      g_assert_false (label_shows (GTK_WIDGET (views), "SWIFT short"));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete-view", NULL);
      g_assert_true (label_shows (GTK_WIDGET (views), "SWIFT short"));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-view", "s", saved_id);
      g_assert_false (label_shows (GTK_WIDGET (views), "SWIFT short"));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
    }

    gtk_editable_set_text (GTK_EDITABLE (template_child (window, "search_entry")), "");
    WAIT_FOR (inbox_rows (window) == all_rows);

    /* The sort menu reorders the view: newest first. */
    gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "newest");
    g_assert_true (rows_are_newest_first (window));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "sla");
  }

  /* A customer's markup is shown as the characters they typed. */
  WAIT_FOR ((chats_before = view_count (window, "live-chats")) >= 0);
  chat = desk_test_request_json (
      server, "POST", "/api/v1/public/chats", NULL,
      "{\"name\": \"Mallory <i>\", \"email\": \"m@example.com\", \"locale\": \"en\","
      " \"subject\": \"<b>x</b> & <span foreground=\\\"red\\\">\", \"body\": \"<b>hello</b>\"}",
      &status);
  g_assert_cmpuint (status, ==, 201);
  chat_id = json_object_get_int_member (json_node_get_object (chat), "chat_id");
  WAIT_FOR (in_cache (app->store, chat_id));
  /* The sidebar counts it, the view not shown. */
  WAIT_FOR (view_count (window, "live-chats") == chats_before + 1);

  /* The new chat notifies, its text escaped for the notification server. */
  {
    g_autofree char *expected = g_strdup_printf (
        "ticket-%" G_GINT64_FORMAT "\nNew chat from Mallory <i>\n&lt;b&gt;hello&lt;/b&gt;",
        chat_id);

    WAIT_FOR (notified (expected));
  }

  /* In the live chats, the new chat waits for its first answer. */
  show_view (window, "live-chats");
  WAIT_FOR (ticket_row_shows (window, chat_id, "waiting"));

  /* A click on the notification opens the chat. */
  {
    g_autofree char *id = g_strdup_printf ("ticket-%" G_GINT64_FORMAT, chat_id);

    g_assert_true (desk_test_click_notification (G_APPLICATION (app), id));
    WAIT_FOR (label_shows (template_child (window, "conversation_title"), markup));
  }

  /* The customer types: the conversation says so, with the name as typed,
   * and so does the chat's row in the list. */
  {
    g_autofree char *typing_path =
        g_strdup_printf ("/api/v1/public/chats/%" G_GINT64_FORMAT "/typing", chat_id);
    g_autoptr (JsonNode) answer = NULL;
    guint typing_status;

    answer = desk_test_request_json (
        server, "POST", typing_path,
        json_object_get_string_member (json_node_get_object (chat), "customer_token"), "{}",
        &typing_status);
    g_assert_cmpuint (typing_status, ==, 204);
    WAIT_FOR (label_shows (template_child (window, "typing_label"), "Mallory <i> is typing…"));
    WAIT_FOR (ticket_row_shows (window, chat_id, "typing…"));
    desk_test_wait_for_draw (GTK_WIDGET (window));
    desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-live-chats.png");
  }

  /* The agent types a reply: a colleague (another events stream) is told. */
  {
    g_autoptr (DeskRealtime) colleague =
        desk_realtime_new (desk_test_server_get_base_url (server),
                           desk_test_server_get_token (server, DESK_ROLE_ADMIN));
    gint64         typist = 0;
    GtkTextBuffer *composer =
        gtk_text_view_get_buffer (GTK_TEXT_VIEW (template_child (window, "composer_view")));

    g_signal_connect (colleague, "event", G_CALLBACK (typing_event_cb), &typist);
    desk_realtime_start (colleague);
    WAIT_FOR (desk_realtime_get_state (colleague) == DESK_REALTIME_CONNECTED &&
              desk_application_get_user_id (app) != 0);
    gtk_widget_grab_focus (template_child (window, "composer_view"));
    gtk_text_buffer_insert_interactive_at_cursor (composer, "Th", -1, TRUE);
    WAIT_FOR (typist == desk_application_get_user_id (app));
    desk_realtime_stop (colleague);
    gtk_text_buffer_set_text (composer, "", -1);
  }
  desk_test_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (label_shows (template_child (window, "conversation_title"), markup));
  WAIT_FOR (label_shows (template_child (window, "thread_list"), "<b>hello</b>"));

  /* A reply typed in the composer reaches the server once and shows in the thread. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (template_child (window, "composer_view")));
  gtk_text_buffer_set_text (buffer, "Thanks, checking your deposit now.", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  WAIT_FOR (server_has_message (chat_id, "Thanks, checking your deposit now."));
  WAIT_FOR (
      label_shows (template_child (window, "thread_list"), "Thanks, checking your deposit now."));
  /* A sync may show the reply before the server's answer to the send. */
  WAIT_FOR (label_shows (template_child (window, "composer_status"), "Sent"));
  /* Answered: the chat waits no more, and the typing is over. */
  WAIT_FOR (find_ticket_row (template_child (window, "inbox_list"), chat_id) != NULL &&
            !ticket_row_shows (window, chat_id, "waiting"));
  WAIT_FOR (!ticket_row_shows (window, chat_id, "typing…"));
  show_view (window, "all-open");
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-conversation.png");

  /* An internal note is sent as one. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (window, "note_toggle")), TRUE);
  gtk_text_buffer_set_text (buffer, "Deposit is on chain, 2 confirmations.", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  WAIT_FOR (server_has_message (chat_id, "Deposit is on chain, 2 confirmations."));
  WAIT_FOR (label_shows (template_child (window, "thread_list"), "Internal note"));

  /* With the server down, a reply waits and the sidebar says so; when
   * the server is back it arrives, once. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (window, "reply_toggle")), TRUE);
  desk_test_server_set_online (server, FALSE);
  gtk_text_buffer_set_text (buffer, "Sorry for the wait, one more check.", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  WAIT_FOR (label_shows (template_child (window, "connection_label"),
                         "Offline — 1 change waiting to send"));
  /* The reply stands in the thread, saying it waits. */
  WAIT_FOR (
      label_shows (template_child (window, "thread_list"), "Sorry for the wait, one more check.") &&
      visible_label_starts (template_child (window, "thread_list"), "Waiting for the connection"));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-offline.png");
  desk_test_server_set_online (server, TRUE);
  WAIT_FOR (server_has_message (chat_id, "Sorry for the wait, one more check."));
  WAIT_FOR (!gtk_revealer_get_reveal_child (
      GTK_REVEALER (template_child (window, "connection_revealer"))));
  g_assert_true (server_has_message (chat_id, "Sorry for the wait, one more check."));
  /* Delivered: one copy in the thread, nothing waiting. */
  WAIT_FOR (count_labels (template_child (window, "thread_list"),
                          "Sorry for the wait, one more check.") == 1 &&
            !visible_label_starts (template_child (window, "thread_list"), "Waiting for") &&
            !visible_label_starts (template_child (window, "thread_list"), "Sending…"));

  /* The server refuses a message: it stays in the thread with the reason,
   * and Retry sends it again. */
  {
    gint64 item =
        desk_outbox_send_message (app->outbox, chat_id, "   ", DESK_VISIBILITY_PUBLIC, &error);
    g_autoptr (DeskOutboxItem) refused = NULL;
    GtkWidget *retry;
    guint      attempts;

    g_assert_no_error (error);
    WAIT_FOR (visible_label_starts (template_child (window, "thread_list"),
                                    "Not sent: body: must not be empty"));
    refused = desk_store_outbox_get (app->store, item);
    attempts = refused->attempts;
    retry = find_button (template_child (window, "thread_list"), "_Retry");
    g_assert_nonnull (retry);
    g_assert_true (gtk_widget_get_visible (retry));
    g_signal_emit_by_name (retry, "clicked");
    WAIT_FOR (outbox_attempts (app->store, item) > attempts &&
              outbox_state_is (app->store, item, "failed"));
  }

  /* The agent's signature goes below a reply, with their name, and not
   * below a note. */
  {
    g_autofree char *signed_reply = g_strdup_printf (
        "Anything else I can help with?\n\n— %s, Support", desk_application_get_user_name (app));

    g_settings_set_string (settings, "signature", "— {{agent.name}}, Support");
    gtk_text_buffer_set_text (buffer, "Anything else I can help with?", -1);
    gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
    WAIT_FOR (server_has_message (chat_id, signed_reply));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (window, "note_toggle")), TRUE);
    gtk_text_buffer_set_text (buffer, "Customer seems happy.", -1);
    gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
    WAIT_FOR (server_has_message (chat_id, "Customer seems happy."));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (window, "reply_toggle")),
                                  TRUE);
    g_settings_reset (settings, "signature");
  }

  /* Claimed from the controls, then solved: the chat leaves "All Open". */
  {
    GtkWidget *controls = template_child (window, "ticket_controls");
    GtkWidget *status_dropdown = GTK_WIDGET (
        gtk_widget_get_template_child (controls, DESK_TYPE_TICKET_CONTROLS, "status_dropdown"));
    GtkWidget *priority = GTK_WIDGET (
        gtk_widget_get_template_child (controls, DESK_TYPE_TICKET_CONTROLS, "priority_dropdown"));
    GtkWidget *claim = GTK_WIDGET (
        gtk_widget_get_template_child (controls, DESK_TYPE_TICKET_CONTROLS, "claim_button"));
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, chat_id);
    const char      *lead = desk_test_server_get_token (server, DESK_ROLE_LEAD);

    /* Changes carry the version the agent saw: wait for the latest. */
    WAIT_FOR (desk_application_get_user_id (app) != 0 && gtk_widget_get_visible (claim) &&
              cached_version (app->store, chat_id) == server_ticket_int (path, "version"));
    g_signal_emit_by_name (claim, "clicked");
    WAIT_FOR (server_ticket_int (path, "assignee_id") == desk_application_get_user_id (app));
    /* The inbox row says who has it. */
    WAIT_FOR (label_shows (template_child (window, "inbox_list"), "Me"));

    WAIT_FOR (inbox_contains (window, chat_id) &&
              cached_version (app->store, chat_id) == server_ticket_int (path, "version"));
    gtk_drop_down_set_selected (GTK_DROP_DOWN (status_dropdown), DESK_TICKET_STATUS_SOLVED);
    WAIT_FOR (server_ticket_string (path, "status", "solved"));
    WAIT_FOR (!inbox_contains (window, chat_id));

    /* Someone else changed it meanwhile: the server refuses (409) and a
     * toast says why, with a way to reload. */
    {
      g_autofree char *version =
          g_strdup_printf ("%" G_GINT64_FORMAT, server_ticket_int (path, "version"));
      const char *const headers[] = { "If-Match", version, NULL };
      g_autoptr (JsonNode) node = NULL;
      guint http_status;

      WAIT_FOR (cached_version (app->store, chat_id) == g_ascii_strtoll (version, NULL, 10));

      node = desk_test_request_json_full (server, "PATCH", path, lead, headers,
                                          "{\"priority\": \"low\"}", &http_status, NULL);
      g_assert_cmpuint (http_status, ==, 200);
      /* Before the app hears of it. */
      gtk_drop_down_set_selected (GTK_DROP_DOWN (priority), DESK_PRIORITY_URGENT);
      WAIT_FOR (label_starts_with (template_child (window, "toast_overlay"), "Not changed:"));
      WAIT_FOR (server_ticket_string (path, "priority", "low"));
    }
  }

  /* Mallory writes again in a new chat: the agent merges it into the
   * first one, which gets its messages; the new one is closed. */
  {
    g_autoptr (JsonNode) second = NULL;
    g_autofree char *second_path = NULL;
    GtkWidget       *merge_list;
    GtkListBoxRow   *row;
    gint64           second_id;
    guint            second_status;

    second = desk_test_request_json (
        server, "POST", "/api/v1/public/chats", NULL,
        "{\"name\": \"Mallory <i>\", \"email\": \"m@example.com\", \"locale\": \"en\","
        " \"subject\": \"Me again\", \"body\": \"Forgot to say: it was USDT.\"}",
        &second_status);
    g_assert_cmpuint (second_status, ==, 201);
    second_id = json_object_get_int_member (json_node_get_object (second), "chat_id");
    WAIT_FOR (in_cache (app->store, second_id));
    desk_window_open_ticket (window, second_id);
    merge_list = GTK_WIDGET (gtk_widget_get_template_child (
        template_child (window, "ticket_controls"), DESK_TYPE_TICKET_CONTROLS, "merge_list"));
    row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (merge_list), 0);
    g_assert_nonnull (row);
    g_assert_cmpint (*(gint64 *) g_object_get_data (G_OBJECT (row), "ticket-id"), ==, chat_id);
    g_signal_emit_by_name (merge_list, "row-activated", row);
    WAIT_FOR (server_has_message (chat_id, "Forgot to say: it was USDT."));
    second_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, second_id);
    WAIT_FOR (server_ticket_string (second_path, "status", "closed"));
    /* The cache follows: the message is now in the first chat's thread. */
    desk_window_open_ticket (window, chat_id);
    WAIT_FOR (label_shows (template_child (window, "thread_list"), "Forgot to say: it was USDT."));
  }

  /* From the keyboard: Alt+Down opens the next ticket of the view,
   * Ctrl+R goes to the reply, and "send and set solved" answers and
   * closes it in one go. */
  {
    g_autoptr (DeskTicket) first = NULL;
    g_autofree char *path = NULL;
    gint64           first_id;

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (
                                           GTK_LIST_VIEW (template_child (window, "inbox_list")))),
                                       GTK_INVALID_LIST_POSITION);
    gtk_widget_activate_action (GTK_WIDGET (window), "inbox.next", NULL);
    first = row_ticket (window, 0);
    first_id = desk_ticket_get_id (first);
    g_assert_cmpint (desk_window_get_ticket_id (window), ==, first_id);
    gtk_widget_activate_action (GTK_WIDGET (window), "inbox.next", NULL);
    g_assert_cmpint (desk_window_get_ticket_id (window), !=, first_id);
    gtk_widget_activate_action (GTK_WIDGET (window), "inbox.previous", NULL);
    g_assert_cmpint (desk_window_get_ticket_id (window), ==, first_id);

    gtk_widget_activate_action (GTK_WIDGET (window), "ticket.reply", NULL);
    g_assert_true (
        gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (template_child (window, "reply_toggle"))));
    gtk_text_buffer_set_text (buffer, "All sorted, closing this one.", -1);
    gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send-and-set", "s", "solved");
    path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, first_id);
    WAIT_FOR (server_has_message (first_id, "All sorted, closing this one.") &&
              server_ticket_string (path, "status", "solved"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  close_app (app);
}

/* The visibility of the message @body of @ticket_id on the server, or NULL. */
static char *
server_message_visibility (gint64 ticket_id, const char *body)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autoptr (JsonNode) node = get_from_server (path);
  JsonArray *items;

  if (node == NULL)
    return NULL;
  items = json_object_get_array_member (json_node_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *message = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (message, "body"), body) == 0)
        return g_strdup (json_object_get_string_member (message, "visibility"));
    }
  return NULL;
}

static gboolean
server_message_is (gint64 ticket_id, const char *body, const char *visibility)
{
  g_autofree char *found = server_message_visibility (ticket_id, body);

  return g_strcmp0 (found, visibility) == 0;
}

/* A trainee is not offered a public reply, is told why, and what they
 * send goes as an internal note, whatever the composer was left on. */
static void
run_trainee (void)
{
  g_autoptr (DeskApplication) app = desk_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskTicket) ticket = NULL;
  DeskWindow    *window;
  GtkTextBuffer *buffer;
  gint64         ticket_id;

  signed_in_role = DESK_ROLE_TRAINEE;
  app->demo = TRUE;
  desk_application_set_demo_starter (app, test_server_starter);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = DESK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  WAIT_FOR (desk_application_get_role (app) == DESK_ROLE_TRAINEE &&
            desk_application_get_user_id (app) ==
                desk_test_server_get_user_id (server, DESK_ROLE_TRAINEE));
  show_view (window, "all-open");
  WAIT_FOR (inbox_rows (window) > 0);
  ticket = row_ticket (window, 0);
  ticket_id = desk_ticket_get_id (ticket);
  desk_window_open_ticket (window, ticket_id);

  g_assert_false (gtk_widget_get_sensitive (template_child (window, "reply_toggle")));
  g_assert_true (
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (template_child (window, "note_toggle"))));
  g_assert_true (gtk_widget_get_visible (template_child (window, "trainee_notice")));
  g_assert_false (gtk_widget_get_visible (template_child (window, "send_menu_button")));

  /* Ctrl+R ("reply") gives them the note. */
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.reply", NULL);
  g_assert_true (
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (template_child (window, "note_toggle"))));
  desk_test_wait_for_draw (GTK_WIDGET (window));
  desk_test_save_screenshot (GTK_WIDGET (window), "screenshot-trainee.png");

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (template_child (window, "composer_view")));
  gtk_text_buffer_set_text (buffer, "Trainee: I think this is a KYC case.", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  WAIT_FOR (server_message_is (ticket_id, "Trainee: I think this is a KYC case.", "internal"));

  /* Even with the reply switch forced on, nothing public leaves. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (window, "reply_toggle")), TRUE);
  gtk_text_buffer_set_text (buffer, "Trainee: second thought.", -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "ticket.send", NULL);
  WAIT_FOR (server_message_is (ticket_id, "Trainee: second thought.", "internal"));

  signed_in_role = DESK_ROLE_LEAD;
  close_app (app);
}

/* In a process of its own: an application id is exported on the session
 * bus once per process, and the agent's day has it. */
static void
test_trainee (void)
{
  if (g_test_subprocess ())
    {
      run_trainee ();
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("desk-agent-day-XXXXXX", &error);
  int              status;

  /* The app's cache goes to a folder of its own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  desk_test_init (&argc, &argv);
  server = desk_test_server_new ();

  g_test_add_func ("/Desk/UI/AgentDay/reply-note-markup", test_agent_day);
  g_test_add_func ("/Desk/UI/AgentDay/trainee", test_trainee);
  status = g_test_run ();

  desk_test_server_stop (server);
  {
    const char *rm[] = { "rm", "-rf", data_home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }

  return status;
}
