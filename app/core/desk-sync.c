/* desk-sync.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-sync"

#include "config.h"

#include "desk-json.h"
#include "desk-sync.h"

struct _DeskSync
{
  GObject parent_instance;

  DeskClient *client;
  DeskStore  *store;
  guint       page_size;

  guint64  done;
  guint64  total_estimate;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (DeskSync, desk_sync, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RUNNING,
  PROP_PROGRESS,
  PROP_DONE,
  PROP_TOTAL_ESTIMATE,
  N_PROPS
};

enum
{
  PAGE_APPLIED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* The codec lets a canned reply leave its id out, for the import files a
 * server reads; but a reply from the server without one would be cached
 * under id 0, on top of any other such reply. */
static gpointer
decode_canned (JsonNode *node, const char *path, GError **error)
{
  JsonObject *object = desk_json_as_object (node, path, error);
  gint64      id;

  if (object == NULL || !desk_json_get_int (object, path, "id", DESK_JSON_REQUIRED, &id, error))
    return NULL;

  return desk_canned_record_from_json (node, path, error);
}

/* Tickets first: they are what an agent opens the app for. */
static const struct
{
  DeskStoreCollection  collection;
  const char          *path;
  DeskRecordDecodeFunc decode;
  GDestroyNotify       free_record;
} collections[] = {
  { DESK_STORE_COLLECTION_TICKETS, "/api/v1/tickets",
    (DeskRecordDecodeFunc) desk_ticket_record_from_json, (GDestroyNotify) desk_ticket_record_free },
  { DESK_STORE_COLLECTION_MESSAGES, "/api/v1/messages",
    (DeskRecordDecodeFunc) desk_message_record_from_json,
    (GDestroyNotify) desk_message_record_free },
  { DESK_STORE_COLLECTION_ARTICLES, "/api/v1/kb/articles",
    (DeskRecordDecodeFunc) desk_article_record_from_json,
    (GDestroyNotify) desk_article_record_free },
  { DESK_STORE_COLLECTION_CANNED, "/api/v1/canned-replies", decode_canned,
    (GDestroyNotify) desk_canned_record_free },
};

typedef struct
{
  guint   collection;
  guint64 remaining[G_N_ELEMENTS (collections)];
  char   *cursor; /* the one the page in flight was asked from */
} Run;

static void
run_free (Run *run)
{
  g_free (run->cursor);
  g_free (run);
}

DeskSync *
desk_sync_new (DeskClient *client, DeskStore *store)
{
  DeskSync *self = g_object_new (DESK_TYPE_SYNC, NULL);

  self->client = g_object_ref (client);
  self->store = g_object_ref (store);

  return self;
}

void
desk_sync_set_page_size (DeskSync *self, guint page_size)
{
  g_return_if_fail (DESK_IS_SYNC (self));
  g_return_if_fail (page_size > 0 && page_size <= 500);

  self->page_size = page_size;
}

gboolean
desk_sync_get_running (DeskSync *self)
{
  g_return_val_if_fail (DESK_IS_SYNC (self), FALSE);

  return self->running;
}

guint64
desk_sync_get_done (DeskSync *self)
{
  g_return_val_if_fail (DESK_IS_SYNC (self), 0);

  return self->done;
}

guint64
desk_sync_get_total_estimate (DeskSync *self)
{
  g_return_val_if_fail (DESK_IS_SYNC (self), 0);

  return self->total_estimate;
}

double
desk_sync_get_progress (DeskSync *self)
{
  g_return_val_if_fail (DESK_IS_SYNC (self), 0);

  if (!self->running)
    return 1.0;
  if (self->total_estimate == 0)
    return 0.0;

  return MIN (1.0, (double) self->done / self->total_estimate);
}

static void
set_running (DeskSync *self, gboolean running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void fetch_next_page (GTask *task);

static void
page_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeskSync *self = g_task_get_source_object (task);
  Run      *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (DeskPage) page = NULL;
  guint64 remaining_total = 0;

  node = desk_client_request_finish (self->client, result, NULL, &error);
  if (node == NULL)
    {
      set_running (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  page = desk_page_from_json (node, collections[run->collection].decode,
                              collections[run->collection].free_record, &error);
  /* More to come from where this page started would be the same page again,
   * for ever. */
  if (page != NULL && page->more && page->items->len > 0 && page->next != NULL &&
      g_strcmp0 (page->next, run->cursor) == 0)
    g_set_error_literal (&error, DESK_JSON_ERROR, DESK_JSON_ERROR_VALUE,
                         "next: the cursor does not move on");
  if (page == NULL || page->next == NULL || error != NULL)
    {
      set_running (self, FALSE);
      g_task_return_new_error (task, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                               "The server sent a page that is not valid: %s",
                               error ? error->message : "next: missing");
      return;
    }

  /* The page and the cursor after it land together, or not at all. */
  if (!desk_store_apply_page (self->store, collections[run->collection].collection, page->items,
                              page->next, &error))
    {
      set_running (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->done += page->items->len;
  run->remaining[run->collection] = page->more ? (guint64) page->remaining : 0;
  for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
    remaining_total += run->remaining[i];
  self->total_estimate = self->done + remaining_total;

  g_signal_emit (self, signals[PAGE_APPLIED], 0, collections[run->collection].collection,
                 page->items->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ESTIMATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  if (!page->more || page->items->len == 0)
    {
      /* The inbox reads tickets while the messages are still coming. */
      if (collections[run->collection].collection == DESK_STORE_COLLECTION_TICKETS)
        desk_store_optimize (self->store);
      run->collection++;
    }

  fetch_next_page (g_steal_pointer (&task));
}

static void
fetch_next_page (GTask *task)
{
  DeskSync        *self = g_task_get_source_object (task);
  Run             *run = g_task_get_task_data (task);
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;

  if (run->collection >= G_N_ELEMENTS (collections))
    {
      set_running (self, FALSE);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  cursor = desk_store_dup_cursor (self->store, collections[run->collection].collection);
  if (cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      path = g_strdup_printf ("%s?limit=%u&since=%s", collections[run->collection].path,
                              self->page_size, escaped);
    }
  else
    path = g_strdup_printf ("%s?limit=%u", collections[run->collection].path, self->page_size);
  g_free (run->cursor);
  run->cursor = g_steal_pointer (&cursor);

  desk_client_request_async (self->client, "GET", path, NULL, NULL, DESK_REQUEST_RETRY,
                             g_task_get_cancellable (task), page_cb, task);
}

void
desk_sync_run_async (DeskSync           *self,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (DESK_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_sync_run_async);
  g_task_set_task_data (task, g_new0 (Run, 1), (GDestroyNotify) run_free);

  self->done = 0;
  self->total_estimate = 0;
  set_running (self, TRUE);

  fetch_next_page (task);
}

gboolean
desk_sync_run_finish (DeskSync *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (DESK_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
desk_sync_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskSync *self = DESK_SYNC (object);

  switch (prop_id)
    {
      case PROP_RUNNING:
        g_value_set_boolean (value, self->running);
        break;

      case PROP_PROGRESS:
        g_value_set_double (value, desk_sync_get_progress (self));
        break;

      case PROP_DONE:
        g_value_set_uint64 (value, self->done);
        break;

      case PROP_TOTAL_ESTIMATE:
        g_value_set_uint64 (value, self->total_estimate);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_sync_finalize (GObject *object)
{
  DeskSync *self = DESK_SYNC (object);

  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_sync_parent_class)->finalize (object);
}

static void
desk_sync_class_init (DeskSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_sync_finalize;
  object_class->get_property = desk_sync_get_property;

  properties[PROP_RUNNING] =
      g_param_spec_boolean ("running", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS] =
      g_param_spec_double ("progress", NULL, NULL, 0, 1, 1,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DONE] =
      g_param_spec_uint64 ("done", NULL, NULL, 0, G_MAXUINT64, 0,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOTAL_ESTIMATE] =
      g_param_spec_uint64 ("total-estimate", NULL, NULL, 0, G_MAXUINT64, 0,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (collection, n_items): lets list models refresh what a page touched. */
  signals[PAGE_APPLIED] =
      g_signal_new ("page-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
desk_sync_init (DeskSync *self)
{
  self->page_size = 500;
}
