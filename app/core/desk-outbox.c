/* desk-outbox.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-outbox"

#include "config.h"

#include "desk-json.h"
#include "desk-outbox.h"

#define RETRY_BASE_USEC (2 * G_USEC_PER_SEC)
#define RETRY_MAX_USEC ((gint64) 5 * 60 * G_USEC_PER_SEC)

struct _DeskOutbox
{
  GObject parent_instance;

  DeskClient   *client;
  DeskStore    *store;
  GCancellable *cancellable;

  gint64 in_flight; /* the item being sent, 0 when idle */
  guint  timer;
  gint64 user_id; /* who is signed in, 0 until known */
};

G_DEFINE_FINAL_TYPE (DeskOutbox, desk_outbox, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

enum
{
  ITEM_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

DeskOutbox *
desk_outbox_new (DeskClient *client, DeskStore *store)
{
  DeskOutbox *self = g_object_new (DESK_TYPE_OUTBOX, NULL);

  self->client = g_object_ref (client);
  self->store = g_object_ref (store);

  return self;
}

guint
desk_outbox_get_pending (DeskOutbox *self)
{
  g_autoptr (GPtrArray) items = NULL;
  guint pending = 0;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);

  items = desk_store_outbox_list (self->store, FALSE, 0);
  for (guint i = 0; i < items->len; i++)
    {
      DeskOutboxItem *item = g_ptr_array_index (items, i);

      pending += g_str_equal (item->state, "queued") || g_str_equal (item->state, "sending");
    }

  return pending;
}

static void
item_changed (DeskOutbox *self, gint64 id, const char *state)
{
  g_signal_emit (self, signals[ITEM_CHANGED], 0, id, state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* The request an item makes: {method, path, if_match?, record_id?, body?}.
 * record_id is the record a DELETE removes, which its empty answer does
 * not name. */
static gint64
add_request (DeskOutbox *self,
             const char *kind,
             gint64      ticket_id,
             gint64      record_id,
             const char *method,
             const char *path,
             const char *if_match,
             JsonNode   *body,
             GError    **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *payload = NULL;
  gint64           id;

  json_builder_begin_object (builder);
  desk_json_add_string (builder, "method", method);
  desk_json_add_string (builder, "path", path);
  if (if_match != NULL)
    desk_json_add_string (builder, "if_match", if_match);
  if (record_id != 0)
    {
      json_builder_set_member_name (builder, "record_id");
      json_builder_add_int_value (builder, record_id);
    }
  if (body != NULL)
    {
      json_builder_set_member_name (builder, "body");
      json_builder_add_value (builder, json_node_copy (body));
    }
  json_builder_end_object (builder);
  payload = desk_json_builder_to_string (builder, NULL);

  id = desk_store_outbox_add (self->store, kind, ticket_id, payload, self->user_id, error);
  if (id == 0)
    return 0;

  item_changed (self, id, "queued");
  desk_outbox_flush (self);
  return id;
}

gint64
desk_outbox_send_message (
    DeskOutbox *self, gint64 ticket_id, const char *body, DeskVisibility visibility, GError **error)
{
  return desk_outbox_send_message_with_status (self, ticket_id, body, visibility, -1, error);
}

/* "Send and set solved": the status rides with the message (an addition
 * to the API), so no second request can meet a changed version. */
gint64
desk_outbox_send_message_with_status (DeskOutbox    *self,
                                      gint64         ticket_id,
                                      const char    *body,
                                      DeskVisibility visibility,
                                      int            status,
                                      GError       **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);
  g_return_val_if_fail (body != NULL, 0);

  /* The client_id is added when sending: it is the item's own. */
  json_builder_begin_object (builder);
  desk_json_add_string (builder, "body", body);
  desk_json_add_enum (builder, "visibility", DESK_TYPE_VISIBILITY, visibility);
  if (status >= 0)
    desk_json_add_enum (builder, "status", DESK_TYPE_TICKET_STATUS, status);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  return add_request (self, "message", ticket_id, 0, "POST", path, NULL, node, error);
}

gint64
desk_outbox_update_ticket (
    DeskOutbox *self, gint64 ticket_id, gint64 version, JsonObject *changes, GError **error)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = NULL;
  g_autofree char *if_match = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);

  json_node_set_object (node, changes);
  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  if_match = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  return add_request (self, "ticket", ticket_id, 0, "PATCH", path, if_match, node, error);
}

/* Merging is safe to repeat: the server answers a merge already done as
 * the first time. Its answer, the ticket merged into, goes to the cache;
 * the closed ticket and the moved messages come with the next sync. */
gint64
desk_outbox_merge_tickets (DeskOutbox *self, gint64 ticket_id, gint64 into_id, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "into");
  json_builder_add_int_value (builder, into_id);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/merge", ticket_id);
  return add_request (self, "ticket", ticket_id, 0, "POST", path, NULL, node, error);
}

gint64
desk_outbox_submit_quiz (DeskOutbox *self, gint64 quiz_id, JsonObject *answers, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "answers");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), answers));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/quizzes/%" G_GINT64_FORMAT "/attempts", quiz_id);
  return add_request (self, "quiz-attempt", 0, 0, "POST", path, NULL, node, error);
}

/* The members of @fields the server reads; NULL ones are left out. */
static void
add_canned_fields (JsonBuilder *builder, const DeskCannedRecord *fields)
{
  const struct
  {
    const char *name;
    const char *value;
  } members[] = {
    { "title", fields->title },       { "shortcut", fields->shortcut }, { "body", fields->body },
    { "category", fields->category }, { "locale", fields->locale },
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (members[i].value != NULL)
      desk_json_add_string (builder, members[i].name, members[i].value);
}

gint64
desk_outbox_create_canned (DeskOutbox             *self,
                           const DeskCannedRecord *fields,
                           gboolean                shared,
                           GError                **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);
  g_return_val_if_fail (fields != NULL, 0);
  g_return_val_if_fail (fields->title != NULL && fields->body != NULL, 0);

  /* As for a message, the client_id is the item's, added when sending. */
  json_builder_begin_object (builder);
  add_canned_fields (builder, fields);
  json_builder_set_member_name (builder, "shared");
  json_builder_add_boolean_value (builder, shared);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return add_request (self, "canned", 0, 0, "POST", "/api/v1/canned-replies", NULL, node, error);
}

gint64
desk_outbox_update_canned (DeskOutbox             *self,
                           gint64                  canned_id,
                           const DeskCannedRecord *fields,
                           GError                **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);
  g_return_val_if_fail (canned_id > 0, 0);
  g_return_val_if_fail (fields != NULL, 0);

  json_builder_begin_object (builder);
  add_canned_fields (builder, fields);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, canned_id);
  return add_request (self, "canned", 0, canned_id, "PATCH", path, NULL, node, error);
}

gint64
desk_outbox_delete_canned (DeskOutbox *self, gint64 canned_id, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), 0);
  g_return_val_if_fail (canned_id > 0, 0);

  path = g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, canned_id);
  return add_request (self, "canned", 0, canned_id, "DELETE", path, NULL, NULL, error);
}

/* The record a stored DELETE removes, or 0 when @item is not a DELETE. */
static gint64
deleted_record_id (DeskOutboxItem *item)
{
  g_autoptr (JsonNode) payload = desk_json_parse (item->payload, -1, NULL);
  JsonObject *request;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return 0;

  request = json_node_get_object (payload);
  if (g_strcmp0 (json_object_get_string_member_with_default (request, "method", NULL), "DELETE") !=
      0)
    return 0;

  return json_object_get_int_member_with_default (request, "record_id", 0);
}

/* What the server answered goes into the cache at once, so the thread
 * shows the sent reply without waiting for the next sync. @node is NULL
 * when the answer had no body: a DELETE's 204, kept as a tombstone. */
static void
apply_response (DeskOutbox *self, DeskOutboxItem *item, JsonNode *node)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GError) error = NULL;
  DeskStoreCollection collection;
  gpointer            record = NULL;

  if (node == NULL && !g_str_equal (item->kind, "canned"))
    return;

  if (g_str_equal (item->kind, "message"))
    {
      collection = DESK_STORE_COLLECTION_MESSAGES;
      record = desk_message_record_from_json (node, NULL, &error);
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
    }
  else if (g_str_equal (item->kind, "ticket"))
    {
      collection = DESK_STORE_COLLECTION_TICKETS;
      record = desk_ticket_record_from_json (node, NULL, &error);
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
    }
  else if (g_str_equal (item->kind, "canned"))
    {
      collection = DESK_STORE_COLLECTION_CANNED;
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
      if (node != NULL)
        record = desk_canned_record_from_json (node, NULL, &error);
      else
        {
          DeskCannedRecord *tombstone;
          gint64            canned_id = deleted_record_id (item);

          if (canned_id == 0)
            return;

          tombstone = g_new0 (DeskCannedRecord, 1);
          tombstone->id = canned_id;
          tombstone->deleted = TRUE;
          tombstone->updated_at = g_get_real_time ();
          record = tombstone;
        }
    }
  else
    return;

  if (record == NULL)
    {
      g_warning ("The server's answer to %s could not be read: %s", item->kind, error->message);
      return;
    }

  g_ptr_array_add (records, record);
  if (!desk_store_apply_page (self->store, collection, records, NULL, &error))
    g_warning ("Could not keep the server's answer: %s", error->message);
}

static void schedule_flush (DeskOutbox *self);

static void
send_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DeskOutbox) self = user_data;
  g_autoptr (DeskOutboxItem) item = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  gint64   id = self->in_flight;
  gboolean transient;

  node = desk_client_request_finish (DESK_CLIENT (object), result, NULL, &error);
  self->in_flight = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  item = desk_store_outbox_get (self->store, id);
  if (item == NULL)
    return;

  /* A DELETE whose answer was lost finds nothing the second time: the
   * reply is gone, which is what was asked, so it ends as sent. */
  if (g_error_matches (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_NOT_FOUND) &&
      g_str_equal (item->kind, "canned") && deleted_record_id (item) != 0)
    {
      g_debug ("Outbox item %" G_GINT64_FORMAT ": the canned reply was already gone (%s)", id,
               error->message);
      g_clear_error (&error);
    }

  if (error == NULL)
    {
      apply_response (self, item, node);
      desk_store_outbox_update (self->store, id, "sent", item->attempts + 1, NULL, 0, NULL);
      item_changed (self, id, "sent");
      desk_outbox_flush (self);
      return;
    }

  transient = error->domain == DESK_CLIENT_ERROR && (error->code == DESK_CLIENT_ERROR_OFFLINE ||
                                                     error->code == DESK_CLIENT_ERROR_SERVER ||
                                                     error->code == DESK_CLIENT_ERROR_RATE_LIMITED);

  if (transient)
    {
      /* Keep it, and try again later; the ones after it wait with it. */
      gint64 delay = MIN (RETRY_MAX_USEC, RETRY_BASE_USEC << MIN (item->attempts, 8));

      desk_store_outbox_update (self->store, id, "queued", item->attempts + 1, error->message,
                                g_get_real_time () + delay, NULL);
      item_changed (self, id, "queued");
      schedule_flush (self);
      return;
    }

  /* The server refused it (403, 409, 400…): the person must see why. */
  desk_store_outbox_update (self->store, id, "failed", item->attempts + 1, error->message, 0, NULL);
  item_changed (self, id, "failed");
  desk_outbox_flush (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  DeskOutbox *self = user_data;

  self->timer = 0;
  desk_outbox_flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (DeskOutbox *self)
{
  gint64 due = desk_store_outbox_next_due (self->store, self->user_id);
  gint64 now = g_get_real_time ();

  g_clear_handle_id (&self->timer, g_source_remove);
  if (due == 0)
    return;

  self->timer = g_timeout_add (due > now ? (guint) ((due - now) / 1000) + 1 : 0, timer_cb, self);
}

/* Sent with the token of whoever wrote it, or of anyone for a change of
 * nobody in particular; a change of someone else waits until it is known
 * who is signed in (see desk_outbox_set_user()). */
static gboolean
may_send (DeskOutbox *self, DeskOutboxItem *item)
{
  return item->user_id == 0 || item->user_id == self->user_id;
}

void
desk_outbox_flush (DeskOutbox *self)
{
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (JsonNode) payload = NULL;
  DeskOutboxItem *item;
  JsonObject     *request;
  JsonNode       *body;
  const char     *method;

  g_return_if_fail (DESK_IS_OUTBOX (self));

  if (self->in_flight != 0)
    return;

  due = desk_store_outbox_list (self->store, TRUE, g_get_real_time ());
  item = NULL;
  for (guint i = 0; i < due->len && item == NULL; i++)
    if (may_send (self, g_ptr_array_index (due, i)))
      item = g_ptr_array_index (due, i);
  if (item == NULL)
    {
      schedule_flush (self);
      return;
    }

  payload = desk_json_parse (item->payload, -1, NULL);
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      desk_store_outbox_update (self->store, item->id, "failed", item->attempts,
                                "The stored change is damaged", 0, NULL);
      item_changed (self, item->id, "failed");
      desk_outbox_flush (self);
      return;
    }

  request = json_node_get_object (payload);
  method = json_object_get_string_member_with_default (request, "method", "POST");
  body = json_object_get_member (request, "body");
  if (g_str_equal (method, "POST") &&
      (g_str_equal (item->kind, "message") || g_str_equal (item->kind, "canned")) && body != NULL &&
      JSON_NODE_HOLDS_OBJECT (body))
    json_object_set_string_member (json_node_get_object (body), "client_id", item->client_id);

  self->in_flight = item->id;
  desk_store_outbox_update (self->store, item->id, "sending", item->attempts, item->error,
                            item->next_attempt_at, NULL);
  item_changed (self, item->id, "sending");

  /* A message or a new canned reply carries its client_id, a ticket's
   * PATCH its If-Match; a canned reply's PATCH sets the same fields again
   * and its DELETE finds the reply gone (see send_cb()): all are safe to
   * repeat, so the client may retry them on a lost answer. */
  desk_client_request_async (
      self->client, method, json_object_get_string_member (request, "path"), body,
      json_object_get_string_member_with_default (request, "if_match", NULL),
      g_str_equal (item->kind, "quiz-attempt") ? DESK_REQUEST_DEFAULT : DESK_REQUEST_RETRY,
      self->cancellable, send_cb, g_object_ref (self));
}

gboolean
desk_outbox_retry (DeskOutbox *self, gint64 item_id)
{
  g_autoptr (DeskOutboxItem) item = NULL;

  g_return_val_if_fail (DESK_IS_OUTBOX (self), FALSE);

  item = desk_store_outbox_get (self->store, item_id);
  if (item == NULL || !g_str_equal (item->state, "failed"))
    return FALSE;

  /* Whoever retries it sends it as theirs. */
  if (self->user_id != 0)
    desk_store_outbox_set_user (self->store, item_id, self->user_id, NULL);
  desk_store_outbox_update (self->store, item_id, "queued", item->attempts, item->error, 0, NULL);
  item_changed (self, item_id, "queued");
  desk_outbox_flush (self);
  return TRUE;
}

/* Who is signed in: what they write is theirs. A change still waiting
 * that someone else wrote here (who signed in before with another token)
 * is not sent under this person's name: it fails, with the reason, for
 * them to see, and Retry sends it as theirs if they choose. */
void
desk_outbox_set_user (DeskOutbox *self, gint64 user_id)
{
  g_autoptr (GPtrArray) items = NULL;

  g_return_if_fail (DESK_IS_OUTBOX (self));

  if (self->user_id == user_id)
    return;
  self->user_id = user_id;

  items = desk_store_outbox_list (self->store, FALSE, 0);
  for (guint i = 0; i < items->len; i++)
    {
      DeskOutboxItem *item = g_ptr_array_index (items, i);

      if (item->user_id == user_id || item->id == self->in_flight ||
          (!g_str_equal (item->state, "queued") && !g_str_equal (item->state, "sending")))
        continue;

      if (item->user_id == 0)
        desk_store_outbox_set_user (self->store, item->id, user_id, NULL);
      else
        {
          desk_store_outbox_update (self->store, item->id, "failed", item->attempts,
                                    "Written while someone else was signed in here: not sent "
                                    "under your name (Retry sends it as yours)",
                                    0, NULL);
          item_changed (self, item->id, "failed");
        }
    }
  desk_outbox_flush (self);
}

/* The server answers again: what waits for its next try goes now. */
void
desk_outbox_wake (DeskOutbox *self)
{
  g_autoptr (GPtrArray) items = NULL;

  g_return_if_fail (DESK_IS_OUTBOX (self));

  items = desk_store_outbox_list (self->store, FALSE, 0);
  for (guint i = 0; i < items->len; i++)
    {
      DeskOutboxItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->state, "queued") && item->next_attempt_at > 0)
        desk_store_outbox_update (self->store, item->id, "queued", item->attempts, item->error, 0,
                                  NULL);
    }
  desk_outbox_flush (self);
}

static void
desk_outbox_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskOutbox *self = DESK_OUTBOX (object);

  switch (prop_id)
    {
      case PROP_PENDING:
        g_value_set_uint (value, desk_outbox_get_pending (self));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_outbox_dispose (GObject *object)
{
  DeskOutbox *self = DESK_OUTBOX (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);

  G_OBJECT_CLASS (desk_outbox_parent_class)->dispose (object);
}

static void
desk_outbox_finalize (GObject *object)
{
  DeskOutbox *self = DESK_OUTBOX (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_outbox_parent_class)->finalize (object);
}

static void
desk_outbox_class_init (DeskOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_outbox_dispose;
  object_class->finalize = desk_outbox_finalize;
  object_class->get_property = desk_outbox_get_property;

  properties[PROP_PENDING] =
      g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (item id, state): queued, sending, sent or failed. */
  signals[ITEM_CHANGED] =
      g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

static void
desk_outbox_init (DeskOutbox *self)
{
  self->cancellable = g_cancellable_new ();
}
