/* desk-application.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-application-private.h"
#include "desk-json.h"
#include "desk-ui-types.h"
#include "desk-window.h"

G_DEFINE_FINAL_TYPE (DeskApplication, desk_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_USER_ID,
  PROP_CONNECTION,
  PROP_SERVICES,
  PROP_NEEDS_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  TYPING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const GOptionEntry main_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_ ("Start with the built-in demo desk instead of a server"), NULL },
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_ ("Connect to the helpdesk server at URL"),
    N_ ("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
  { NULL }
};

DeskApplication *
desk_application_new (GApplicationFlags flags)
{
  return g_object_new (DESK_TYPE_APPLICATION, "application-id", APP_ID, "resource-base-path",
                       RESOURCE_PREFIX, "flags", flags, NULL);
}

GSettings *
desk_application_get_settings (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->settings;
}

gboolean
desk_application_get_demo (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), FALSE);

  return self->demo;
}

const char *
desk_application_get_server_url (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->server_url;
}

void
desk_application_set_demo_starter (DeskApplication *self, DeskDemoStarter starter)
{
  g_return_if_fail (DESK_IS_APPLICATION (self));

  self->demo_starter = starter;
}

DeskStore *
desk_application_get_store (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->store;
}

DeskOutbox *
desk_application_get_outbox (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->outbox;
}

DeskSync *
desk_application_get_sync (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->sync;
}

const char *
desk_application_get_connection_error (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->connection_error;
}

DeskConnection
desk_application_get_connection (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), DESK_CONNECTION_ONLINE);

  return self->connection;
}

static void ask_who_is_signed_in (DeskApplication *self);

static void
set_connection (DeskApplication *self, DeskConnection connection, const char *message)
{
  /* Back online: the replies that wait go at once, not at their next try. */
  if (connection == DESK_CONNECTION_ONLINE && self->connection != DESK_CONNECTION_ONLINE &&
      self->outbox != NULL)
    desk_outbox_wake (self->outbox);
  /* Changes written here wait for it. */
  if (connection == DESK_CONNECTION_ONLINE && self->user_id == 0)
    ask_who_is_signed_in (self);

  g_free (self->connection_error);
  self->connection_error = g_strdup (message);
  self->connection = connection;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void start_sync (DeskApplication *self);

static gboolean
retry_sync_cb (gpointer user_data)
{
  DeskApplication *self = user_data;

  self->retry_source = 0;
  start_sync (self);
  return G_SOURCE_REMOVE;
}

static void
sync_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!desk_sync_run_finish (DESK_SYNC (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Sync stopped: %s", error->message);
      set_connection (self,
                      g_error_matches (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_UNAUTHORIZED)
                          ? DESK_CONNECTION_UNAUTHORIZED
                          : DESK_CONNECTION_OFFLINE,
                      error->message);
      /* The events socket resyncs when it reconnects; this is for when
       * it never went down (a server that answers errors). */
      g_clear_handle_id (&self->retry_source, g_source_remove);
      if (!g_error_matches (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_UNAUTHORIZED))
        self->retry_source = g_timeout_add_seconds (5, retry_sync_cb, self);
      return;
    }

  set_connection (self, DESK_CONNECTION_ONLINE, NULL);

  /* Something changed while this sync ran: catch up with it too. */
  if (self->sync_again)
    {
      self->sync_again = FALSE;
      desk_sync_run_async (self->sync, self->cancellable, sync_done_cb, g_object_ref (self));
    }
}

void
_desk_application_sync (DeskApplication *self)
{
  if (self->sync != NULL)
    start_sync (self);
}

static void
start_sync (DeskApplication *self)
{
  if (desk_sync_get_running (self->sync))
    {
      self->sync_again = TRUE;
      return;
    }

  desk_sync_run_async (self->sync, self->cancellable, sync_done_cb, g_object_ref (self));
}

/* What waits in the outbox tells whether the server answers, between
 * syncs: a retry means offline, a delivery means back. */
static void
outbox_item_changed_cb (DeskApplication *self, gint64 item_id, const char *state)
{
  g_autoptr (DeskOutboxItem) item = desk_store_outbox_get (self->store, item_id);

  if (item == NULL)
    return;

  if (g_str_equal (state, "queued") && item->attempts > 0 &&
      self->connection == DESK_CONNECTION_ONLINE)
    set_connection (self, DESK_CONNECTION_OFFLINE, item->error);
  else if (g_str_equal (state, "sent") && self->connection == DESK_CONNECTION_OFFLINE)
    start_sync (self);
}

/* A customer's new message, once it is in the cache: a desktop
 * notification that opens the conversation, unless the agent is looking at
 * it already. */
static void
notify_message (DeskApplication *self, const DeskMessageRecord *message)
{
  g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (self->store, message->ticket_id);
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char      *name;

  if (ticket == NULL || message->author_type != DESK_AUTHOR_CUSTOMER)
    return;
  if (window != NULL && gtk_window_is_active (window) && DESK_IS_WINDOW (window) &&
      desk_window_get_ticket_id (DESK_WINDOW (window)) == ticket->id)
    return;

  name =
      ticket->requester.name && *ticket->requester.name ? ticket->requester.name : _ ("A customer");
  if (ticket->kind == DESK_TICKET_KIND_CHAT && ticket->message_count <= 1)
    /* Translators: %s is the customer's name */
    title = g_strdup_printf (_ ("New chat from %s"), name);
  else
    /* Translators: %s is the customer's name */
    title = g_strdup_printf (_ ("New message from %s"), name);

  /* The notification server reads the body as markup: the customer's
   * text goes escaped, and short. */
  {
    g_autofree char *valid = g_utf8_make_valid (message->body ? message->body : "", -1);
    g_autofree char *shortened = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 200));

    body = g_markup_escape_text (shortened, -1);
  }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, ticket->kind == DESK_TICKET_KIND_CHAT
                                                 ? G_NOTIFICATION_PRIORITY_HIGH
                                                 : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.open-ticket", "x", ticket->id);
  id = g_strdup_printf ("ticket-%" G_GINT64_FORMAT, ticket->id);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
messages_changed_cb (DeskApplication *self, GArray *ticket_ids)
{
  GHashTableIter iter;
  gpointer       key;

  g_hash_table_iter_init (&iter, self->unseen_messages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr (DeskMessageRecord) message =
          desk_store_load_message (self->store, *(gint64 *) key);

      if (message == NULL)
        continue;
      g_hash_table_iter_remove (&iter);
      notify_message (self, message);
    }
}

/* Events say what changed; the content comes by cursor, like any sync. */
static void
realtime_event_cb (
    DeskApplication *self, const char *type, gint64 id, gint64 ticket_id, JsonObject *event)
{
  /* Someone else types on a ticket: the conversation shows it. */
  if (g_str_equal (type, "typing"))
    {
      g_autofree char *name = NULL;
      gint64           agent_id = 0;

      if (desk_json_get_string (event, "event", "name", DESK_JSON_OPTIONAL, &name, NULL) &&
          desk_json_get_int (event, "event", "agent_id", DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE,
                             &agent_id, NULL) &&
          ticket_id > 0 && (agent_id == 0 || agent_id != self->user_id))
        g_signal_emit (self, signals[TYPING], 0, ticket_id, agent_id, name ? name : "");
      return;
    }

  if (g_str_equal (type, "viewing") || g_str_equal (type, "presence") ||
      g_str_equal (type, "quiz.updated"))
    return;

  /* Told when the sync has brought it (messages-changed). */
  if (g_str_equal (type, "message.created") && id > 0 &&
      g_hash_table_size (self->unseen_messages) < 1000)
    g_hash_table_add (self->unseen_messages, g_memdup2 (&id, sizeof id));

  start_sync (self);
}

/* The cache of a server lives in the user's data folder, one per server. */
static char *
cache_path_for (const char *base_url, gboolean demo)
{
  g_autofree char *name = NULL;

  if (demo)
    name = g_strdup ("demo-cache.db");
  else
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, base_url, -1);
      name = g_strdup_printf ("cache-%.16s.db", hash);
    }

  return g_build_filename (g_get_user_data_dir (), "agent-desk", name, NULL);
}

gint64
desk_application_get_user_id (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), 0);

  return self->user_id;
}

DeskRole
desk_application_get_role (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), DESK_ROLE_AGENT);

  return self->role;
}

const char *
desk_application_get_user_name (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->user_name;
}

GPtrArray *
desk_application_get_agents (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->agents;
}

GPtrArray *
desk_application_get_queues (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->queues;
}

/* The staff and queues, for the ticket controls: read at sign-in. */
static void
directory_loaded (DeskApplication *self, GObject *object, GAsyncResult *result, gboolean agents)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *records;
  JsonArray *items;

  node = desk_client_request_finish (DESK_CLIENT (object), result, NULL, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !(items = json_object_get_array_member (json_node_get_object (node), "items")))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not read the %s: %s", agents ? "staff" : "queues", error->message);
      return;
    }

  records = g_ptr_array_new_with_free_func (agents ? (GDestroyNotify) desk_user_record_free
                                                   : (GDestroyNotify) desk_queue_record_free);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gpointer record = agents ? (gpointer) desk_user_record_from_json (
                                     json_array_get_element (items, i), "items", NULL)
                               : (gpointer) desk_queue_record_from_json (
                                     json_array_get_element (items, i), "items", NULL);

      if (record != NULL)
        g_ptr_array_add (records, record);
    }

  if (agents)
    {
      g_clear_pointer (&self->agents, g_ptr_array_unref);
      self->agents = records;
    }
  else
    {
      g_clear_pointer (&self->queues, g_ptr_array_unref);
      self->queues = records;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
}

static void
agents_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskApplication) self = user_data;

  directory_loaded (self, object, result, TRUE);
}

static void
queues_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskApplication) self = user_data;

  directory_loaded (self, object, result, FALSE);
}

DeskArticleSearch *
desk_application_get_article_search (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  return self->article_search;
}

static void
me_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskApplication) self = user_data;
  g_autoptr (DeskUserRecord) me = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  self->asking_who = FALSE;
  node = desk_client_request_finish (DESK_CLIENT (object), result, NULL, &error);
  me = node ? desk_user_record_from_json (node, NULL, &error) : NULL;
  if (me == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not read who is signed in: %s", error->message);
      return;
    }

  self->user_id = me->id;
  self->role = me->role;
  /* What they write is theirs; what someone else left waiting is not sent as theirs. */
  if (self->outbox != NULL)
    desk_outbox_set_user (self->outbox, me->id);
  g_free (self->user_name);
  self->user_name = g_steal_pointer (&me->name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
}

/* Who the token belongs to; asked again when the connection comes back,
 * if it could not be asked before. */
static void
ask_who_is_signed_in (DeskApplication *self)
{
  if (self->asking_who || self->client == NULL)
    return;

  self->asking_who = TRUE;
  desk_client_request_async (self->client, "GET", "/api/v1/me", NULL, NULL, DESK_REQUEST_RETRY,
                             self->cancellable, me_cb, g_object_ref (self));
}

static gboolean
desk_application_connect (DeskApplication *self,
                          const char      *base_url,
                          const char      *token,
                          GError         **error)
{
  g_autofree char *cache_path = cache_path_for (base_url, self->demo);

  self->store = desk_store_new (cache_path, error);
  if (self->store == NULL)
    return FALSE;

  /* A search that cannot open its connections leaves the side panel empty,
   * not the application without its inbox. */
  self->article_search = desk_article_search_new (cache_path, error);
  if (self->article_search == NULL)
    {
      g_warning ("Knowledge-base search is unavailable: %s", (*error)->message);
      g_clear_error (error);
    }

  self->client = desk_client_new (base_url, token);
  self->sync = desk_sync_new (self->client, self->store);
  self->outbox = desk_outbox_new (self->client, self->store);
  self->realtime = desk_realtime_new (base_url, token);

  /* The cache is shown at once; the network catches up behind it. */
  g_signal_connect_object (self->realtime, "resync-needed", G_CALLBACK (start_sync), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->realtime, "event", G_CALLBACK (realtime_event_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "messages-changed", G_CALLBACK (messages_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outbox, "item-changed", G_CALLBACK (outbox_item_changed_cb), self,
                           G_CONNECT_SWAPPED);
  desk_realtime_start (self->realtime);
  ask_who_is_signed_in (self);
  desk_client_request_async (self->client, "GET", "/api/v1/agents", NULL, NULL, DESK_REQUEST_RETRY,
                             self->cancellable, agents_cb, g_object_ref (self));
  desk_client_request_async (self->client, "GET", "/api/v1/queues", NULL, NULL, DESK_REQUEST_RETRY,
                             self->cancellable, queues_cb, g_object_ref (self));
  desk_outbox_flush (self->outbox);
  start_sync (self);

  return TRUE;
}

static DeskAccount *
get_account (DeskApplication *self)
{
  if (self->account == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "agent-desk", NULL);

      self->account = desk_account_new (dir);
    }
  return self->account;
}

static void
set_needs_account (DeskApplication *self, gboolean needs_account)
{
  if (self->needs_account == needs_account)
    return;
  self->needs_account = needs_account;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_ACCOUNT]);
}

static void
account_loaded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = desk_account_load_finish (DESK_ACCOUNT (object), result, &error);
  const char      *url = desk_account_get_server_url (DESK_ACCOUNT (object));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (token == NULL || url == NULL)
    {
      if (error != NULL)
        g_message ("No saved account: %s", error->message);
      set_needs_account (self, TRUE);
      return;
    }

  if (!desk_application_connect (self, url, token, &error))
    {
      g_warning ("Could not connect: %s", error->message);
      set_connection (self, DESK_CONNECTION_OFFLINE, error->message);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICES]);
}

/* Started without --demo or --server: the account saved by a sign-in. */
static void
load_account (DeskApplication *self)
{
  desk_account_load_async (get_account (self), self->cancellable, account_loaded_cb,
                           g_object_ref (self));
}

static void
desk_application_start_services (DeskApplication *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *token = NULL;

  if (self->demo && self->demo_starter != NULL)
    {
      g_autofree char *data_dir =
          g_build_filename (g_get_user_data_dir (), "agent-desk", "demo-server", NULL);

      self->demo_server = self->demo_starter (data_dir, &base_url, &token, &error);
    }
  else if (self->server_url != NULL)
    {
      base_url = g_strdup (self->server_url);
      token = g_strdup (g_getenv ("AGENT_DESK_TOKEN"));
      if (token == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     _ ("No token for %s: set AGENT_DESK_TOKEN to the token your team lead "
                        "gave you"),
                     base_url);
    }
  else
    {
      load_account (self);
      return;
    }

  if (error == NULL)
    desk_application_connect (self, base_url, token, &error);

  if (error != NULL)
    {
      g_warning ("Could not connect: %s", error->message);
      set_connection (self, DESK_CONNECTION_OFFLINE, error->message);
    }
}

/* The agent types on @ticket_id: the customer and colleagues see it. An
 * ephemeral signal, not a change: it does not go through the outbox. */
void
desk_application_send_typing (DeskApplication *self, gint64 ticket_id)
{
  g_autofree char *path = NULL;

  g_return_if_fail (DESK_IS_APPLICATION (self));

  if (self->client == NULL || self->connection != DESK_CONNECTION_ONLINE)
    return;

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/typing", ticket_id);
  desk_client_request_async (self->client, "POST", path, NULL, NULL, DESK_REQUEST_DEFAULT,
                             self->cancellable, NULL, NULL);
}

gboolean
desk_application_get_needs_account (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), FALSE);

  return self->needs_account;
}

/* "Try the demo" on the first-run page. */
void
desk_application_try_demo (DeskApplication *self)
{
  g_return_if_fail (DESK_IS_APPLICATION (self));

  if (self->store != NULL)
    return;

  self->demo = TRUE;
  desk_application_start_services (self);
  set_needs_account (self, self->store == NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICES]);
}

typedef struct
{
  char       *url;
  char       *token;
  DeskClient *client;
  gint64      user_id; /* whose token it is, from /me */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->url);
  g_free (sign_in->token);
  g_clear_object (&sign_in->client);
  g_free (sign_in);
}

static void
account_saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeskApplication *self = g_task_get_source_object (task);
  SignIn          *sign_in = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* Not kept is not fatal: the person signs in again next time. */
  if (!desk_account_save_finish (DESK_ACCOUNT (object), result, &error))
    g_warning ("Could not keep the account: %s", error->message);

  if (self->store != NULL)
    {
      /* The same server refused the old token: only the token changes. */
      desk_client_set_token (self->client, sign_in->token);
      if (self->realtime != NULL)
        desk_realtime_stop (self->realtime);
      g_clear_object (&self->realtime);
      self->realtime = desk_realtime_new (sign_in->url, sign_in->token);
      g_signal_connect_object (self->realtime, "resync-needed", G_CALLBACK (start_sync), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->realtime, "event", G_CALLBACK (realtime_event_cb), self,
                               G_CONNECT_SWAPPED);
      desk_realtime_start (self->realtime);
      /* Before the outbox wakes: changes someone else left are not sent as
       * this person's. */
      if (sign_in->user_id != 0)
        desk_outbox_set_user (self->outbox, sign_in->user_id);
      set_connection (self, DESK_CONNECTION_ONLINE, NULL);
      /* Who the new token belongs to: the composer and "My Queue" follow. */
      ask_who_is_signed_in (self);
      start_sync (self);
    }
  else if (!desk_application_connect (self, sign_in->url, sign_in->token, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_needs_account (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICES]);
  g_task_return_boolean (task, TRUE);
}

static void
sign_in_me_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeskApplication *self = g_task_get_source_object (task);
  SignIn          *sign_in = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;

  node = desk_client_request_finish (DESK_CLIENT (object), result, NULL, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_UNAUTHORIZED))
        g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_UNAUTHORIZED,
                                 _ ("The server refused this token. Check it with your team "
                                    "lead, who can make you a new one."));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  {
    g_autoptr (DeskUserRecord) me = desk_user_record_from_json (node, NULL, NULL);

    sign_in->user_id = me ? me->id : 0;
  }

  cancellable = g_task_get_cancellable (task);
  desk_account_save_async (get_account (self), sign_in->url, sign_in->token, cancellable,
                           account_saved_cb, g_steal_pointer (&task));
}

/* Checks the token with the server, keeps the account (in the keyring, or
 * a private file where none runs) and connects. */
void
desk_application_sign_in_async (DeskApplication    *self,
                                const char         *url,
                                const char         *token,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *clean_url = g_strstrip (g_strdup (url ? url : ""));
  g_autofree char *clean_token = g_strstrip (g_strdup (token ? token : ""));
  const char      *scheme;
  SignIn          *sign_in;

  g_return_if_fail (DESK_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_application_sign_in_async);

  uri = g_uri_parse (clean_url, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("“%s” is not a server address: use an http:// or https:// "
                                  "address"),
                               clean_url);
      return;
    }
  if (*clean_token == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("Enter the token your team lead gave you"));
      return;
    }
  if (self->store != NULL && g_strcmp0 (desk_client_get_base_url (self->client), clean_url) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Agent Desk is connected to another server: restart it to "
                                  "sign in to this one"));
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->url = g_steal_pointer (&clean_url);
  sign_in->token = g_steal_pointer (&clean_token);
  sign_in->client = desk_client_new (sign_in->url, sign_in->token);
  desk_client_set_max_retries (sign_in->client, 1);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  desk_client_request_async (sign_in->client, "GET", "/api/v1/me", NULL, NULL, DESK_REQUEST_RETRY,
                             cancellable, sign_in_me_cb, g_steal_pointer (&task));
}

gboolean
desk_application_sign_in_finish (DeskApplication *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
desk_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  DeskApplication *self = DESK_APPLICATION (app);
  const char      *server_url = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &server_url))
    {
      g_autoptr (GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

      if (scheme == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
        {
          g_printerr (_ ("“%s” is not a server address: use an http:// or https:// URL\n"),
                      server_url);
          return EXIT_FAILURE;
        }

      g_free (self->server_url);
      self->server_url = g_strdup (server_url);
    }

  self->demo = g_variant_dict_contains (options, "demo");

  return G_APPLICATION_CLASS (desk_application_parent_class)->handle_local_options (app, options);
}

static void
desk_application_color_scheme_changed_cb (DeskApplication *self,
                                          const char      *key,
                                          GSettings       *settings)
{
  g_autofree char *scheme = g_settings_get_string (settings, key);
  AdwColorScheme   color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
desk_application_startup (GApplication *app)
{
  DeskApplication *self = DESK_APPLICATION (app);

  G_APPLICATION_CLASS (desk_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (desk_application_color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  desk_application_color_scheme_changed_cb (self, "color-scheme", self->settings);

  self->cancellable = g_cancellable_new ();
  desk_application_start_services (self);

  _desk_application_actions_init (self);
}

static void
desk_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* A second launch lands here in the running instance: raise what is there. */
  if (window == NULL)
    window = GTK_WINDOW (desk_window_new (DESK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
desk_application_shutdown (GApplication *app)
{
  DeskApplication *self = DESK_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->realtime != NULL)
    desk_realtime_stop (self->realtime);

  G_APPLICATION_CLASS (desk_application_parent_class)->shutdown (app);
}

static void
desk_application_finalize (GObject *object)
{
  DeskApplication *self = DESK_APPLICATION (object);

  g_clear_object (&self->realtime);
  g_clear_object (&self->outbox);
  g_clear_object (&self->sync);
  g_clear_object (&self->client);
  g_clear_object (&self->article_search);
  g_clear_object (&self->account);
  g_clear_object (&self->store);
  g_clear_pointer (&self->user_name, g_free);
  g_clear_pointer (&self->unseen_messages, g_hash_table_unref);
  g_clear_pointer (&self->agents, g_ptr_array_unref);
  g_clear_pointer (&self->queues, g_ptr_array_unref);
  g_clear_object (&self->demo_server);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->connection_error, g_free);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_url, g_free);

  G_OBJECT_CLASS (desk_application_parent_class)->finalize (object);
}

static void
desk_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskApplication *self = DESK_APPLICATION (object);

  switch (prop_id)
    {
      case PROP_USER_ID:
        g_value_set_int64 (value, self->user_id);
        break;

      case PROP_CONNECTION:
        g_value_set_enum (value, self->connection);
        break;

      case PROP_SERVICES:
        g_value_set_boolean (value, self->store != NULL);
        break;

      case PROP_NEEDS_ACCOUNT:
        g_value_set_boolean (value, self->needs_account);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_application_class_init (DeskApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = desk_application_finalize;
  object_class->get_property = desk_application_get_property;

  /* Who is signed in, once the server said so (0 before). */
  properties[PROP_USER_ID] =
      g_param_spec_int64 ("user-id", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether the server answers; desk_application_get_connection_error()
   * says why not. */
  properties[PROP_CONNECTION] =
      g_param_spec_enum ("connection", NULL, NULL, DESK_TYPE_CONNECTION, DESK_CONNECTION_ONLINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The cache and the connection exist (a demo, a server, an account). */
  properties[PROP_SERVICES] =
      g_param_spec_boolean ("services", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Nothing to connect to yet: the first-run page. */
  properties[PROP_NEEDS_ACCOUNT] =
      g_param_spec_boolean ("needs-account", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Someone types on a ticket: its id, the agent's id (0 for the
   * customer) and the name to show. */
  signals[TYPING] =
      g_signal_new ("typing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING);

  app_class->handle_local_options = desk_application_handle_local_options;
  app_class->startup = desk_application_startup;
  app_class->activate = desk_application_activate;
  app_class->shutdown = desk_application_shutdown;

  desk_ui_ensure_types ();
}

static void
desk_application_init (DeskApplication *self)
{
  self->unseen_messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _ ("The support desk for your whole team"));
}
