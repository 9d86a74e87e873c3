/* desk-sync.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-sync"

#include "config.h"

#include "desk-json.h"
#include "desk-page-reader-private.h"
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
  OPEN_WORK_SYNCED,
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

/* By collection, in DeskStoreCollection's order. */
static const struct
{
  const char          *path;
  DeskRecordDecodeFunc decode;
  GDestroyNotify       free_record;
} collections[] = {
  [DESK_STORE_COLLECTION_TICKETS] = { "/api/v1/tickets",
                                      (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                                      (GDestroyNotify) desk_ticket_record_free },
  [DESK_STORE_COLLECTION_MESSAGES] = { "/api/v1/messages",
                                       (DeskRecordDecodeFunc) desk_message_record_from_json,
                                       (GDestroyNotify) desk_message_record_free },
  [DESK_STORE_COLLECTION_ARTICLES] = { "/api/v1/kb/articles",
                                       (DeskRecordDecodeFunc) desk_article_record_from_json,
                                       (GDestroyNotify) desk_article_record_free },
  [DESK_STORE_COLLECTION_CANNED] = { "/api/v1/canned-replies", decode_canned,
                                     (GDestroyNotify) desk_canned_record_free },
};

/* A sync walks feeds one after the other, each from its cursor in the
 * cache. A first sync starts with the open work, open tickets and then
 * their messages, so that an agent can work while the history comes: on a
 * big desk most tickets are long solved. The whole feeds follow as in every
 * sync, and they are what keeps the cache right: the open feeds report no
 * ticket that stops being open. They are asked to leave out what the open
 * feeds delivered and what has not changed since (`skip_open`, with the
 * open feed's cursor); a server that brings it again anyway costs time,
 * not correctness: the cache leaves alone the rows it already holds as they
 * are. Tickets come first in both: they are what an agent opens the app
 * for. */
typedef struct
{
  DeskStoreCollection collection;
  const char         *filter;      /* the query of a filtered feed, or NULL */
  const char         *cursor_name; /* where a filtered feed keeps its place */
  const char         *skip_open;   /* a whole feed: the cursor of its open feed */
} Pass;

static const Pass passes[] = {
  { DESK_STORE_COLLECTION_TICKETS, "open=true", "tickets?open=true", NULL },
  { DESK_STORE_COLLECTION_MESSAGES, "open=true", "messages?open=true", NULL },
  { DESK_STORE_COLLECTION_TICKETS, NULL, NULL, "tickets?open=true" },
  { DESK_STORE_COLLECTION_MESSAGES, NULL, NULL, "messages?open=true" },
  { DESK_STORE_COLLECTION_ARTICLES, NULL, NULL, NULL },
  { DESK_STORE_COLLECTION_CANNED, NULL, NULL, NULL },
};

#define OPEN_TICKETS_PASS 0
#define OPEN_MESSAGES_PASS 1
#define FIRST_FULL_PASS 2
#define FULL_MESSAGES_PASS 3

/* A pass asks for its next page as soon as a page comes, so that the
 * server, the network and the parsing work while the cache applies the
 * pages before: up to this many wait to be applied. */
#define MAX_PAGES_AHEAD 4

typedef struct
{
  GQueue   pages;     /* of DeskPage: fetched and not applied yet, oldest first */
  guint64  pending;   /* the items in @pages */
  char    *cursor;    /* where the next page to fetch starts */
  gboolean more;      /* there is a next page to fetch */
  gboolean fetching;  /* a page is on its way */
  guint64  remaining; /* what the server says is left after the last page fetched */
  guint64  applied;
  guint64  first_left; /* pending + remaining when the first page came */
  gboolean probe;      /* the first page only says how much there is: it is not applied */
} PassState;

typedef struct
{
  PassState passes[G_N_ELEMENTS (passes)];
  guint     pass; /* the one being applied */
  guint     n_fetching;
  gboolean  started;  /* the first pages of all the passes have come */
  gboolean  finished; /* the task has returned: pages still coming are dropped */
  GError   *error;    /* the first of the first pages' failures */

  /* The size of the open messages feed, guessed from the open tickets'
   * message_count; the server can only bound it by the whole feed's. */
  gboolean guess_open_messages;
  guint64  open_tickets_seen;
  guint64  open_tickets_messages;
} Run;

typedef struct
{
  GTask *task;
  guint  pass;
  char  *cursor; /* the one the page is asked from */
} Fetch;

static void
pass_state_clear_pages (PassState *state)
{
  g_queue_clear_full (&state->pages, (GDestroyNotify) desk_page_free);
  state->pending = 0;
}

static void
run_free (Run *run)
{
  for (guint i = 0; i < G_N_ELEMENTS (run->passes); i++)
    {
      pass_state_clear_pages (&run->passes[i]);
      g_free (run->passes[i].cursor);
    }
  g_clear_error (&run->error);
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

static gboolean
is_open_work (const DeskTicketRecord *ticket)
{
  return ticket->status == DESK_TICKET_STATUS_NEW || ticket->status == DESK_TICKET_STATUS_OPEN ||
         ticket->status == DESK_TICKET_STATUS_PENDING;
}

/* What is left of @pass after what has been applied: the page in hand and
 * what the server says comes after it. */
static guint64
pass_left (Run *run, guint pass)
{
  PassState *state = &run->passes[pass];
  guint64    pending = state->pending;
  guint64    left = pending + state->remaining;

  if (pass == OPEN_MESSAGES_PASS && run->guess_open_messages)
    {
      PassState *tickets = &run->passes[OPEN_TICKETS_PASS];
      guint64    guess = run->open_tickets_messages;

      /* The open tickets not fetched yet, with as many messages each as
       * those fetched so far. */
      if (run->open_tickets_seen > 0)
        guess += run->open_tickets_messages * tickets->remaining / run->open_tickets_seen;
      guess = guess > state->applied ? guess - state->applied : 0;
      left = MIN (left, MAX (guess, pending));
    }

  /* The server's `remaining` of a whole feed still counts what it leaves
   * out for the open feed before it: guessed spread evenly by seq. */
  if (passes[pass].skip_open != NULL && state->first_left > 0)
    {
      guint   twin = pass - FIRST_FULL_PASS;
      guint64 twin_total = run->passes[twin].applied;
      guint64 skipped;

      g_assert (passes[twin].cursor_name != NULL &&
                g_str_equal (passes[twin].cursor_name, passes[pass].skip_open));
      if (run->pass <= twin)
        twin_total += pass_left (run, twin);
      skipped = MIN (twin_total, twin_total * left / state->first_left);
      left = MAX (left > skipped ? left - skipped : 0, pending);
    }

  return left;
}

/* done / total_estimate never goes back. The server's figures are bounds
 * and estimates: when more work shows up than they said (a new ticket, an
 * estimate revised up), the total grows only as far as the progress already
 * shown allows, and the bar waits for the work to catch up. */
static void
update_estimate (DeskSync *self, Run *run, guint64 done_before)
{
  guint64 total = self->done;

  for (guint i = run->pass; i < G_N_ELEMENTS (passes); i++)
    total += pass_left (run, i);

  if (done_before > 0 && self->total_estimate > 0 &&
      self->done * self->total_estimate < total * done_before)
    total = MAX (self->done, self->done * self->total_estimate / done_before);

  self->total_estimate = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ESTIMATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
finish (GTask *task, GError *error)
{
  DeskSync *self = g_task_get_source_object (task);
  Run      *run = g_task_get_task_data (task);

  run->finished = TRUE;
  set_running (self, FALSE);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void fetch_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
fetch (GTask *task, guint pass, guint limit)
{
  DeskSync   *self = g_task_get_source_object (task);
  Run        *run = g_task_get_task_data (task);
  PassState  *state = &run->passes[pass];
  const char *path = collections[passes[pass].collection].path;
  const char *filter = passes[pass].filter;
  g_autoptr (GString) request = g_string_new (path);
  Fetch *data;

  g_string_append_printf (request, "?limit=%u", limit);
  if (filter != NULL)
    g_string_append_printf (request, "&%s", filter);
  if (state->cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (state->cursor, NULL, FALSE);

      g_string_append_printf (request, "&since=%s", escaped);
    }
  /* Where the open feed stopped, as the cache holds it: the pass before
   * has applied its last page by the time this one fetches a page it
   * applies (a probe's is not). */
  if (passes[pass].skip_open != NULL)
    {
      g_autofree char *skip = desk_store_dup_named_cursor (self->store, passes[pass].skip_open);

      if (skip != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (skip, NULL, FALSE);

          g_string_append_printf (request, "&skip_open=%s", escaped);
        }
    }

  data = g_new0 (Fetch, 1);
  data->task = g_object_ref (task);
  data->pass = pass;
  data->cursor = g_strdup (state->cursor);
  state->fetching = TRUE;
  run->n_fetching++;
  desk_client_request_async (self->client, "GET", request->str, NULL, NULL,
                             DESK_REQUEST_RETRY | DESK_REQUEST_UNPARSED,
                             g_task_get_cancellable (task), fetch_cb, data);
}

static void
count_open_tickets (Run *run, DeskPage *page)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (page->items, i);

      if (!ticket->deleted)
        {
          run->open_tickets_seen++;
          run->open_tickets_messages += MAX (0, ticket->message_count);
        }
    }
}

/* A server that does not know `open=true` answers the whole feed: then the
 * open work cannot come first, and going on would fetch everything twice. */
static gboolean
page_is_open_work (DeskPage *page)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (page->items, i);

      if (!ticket->deleted && !is_open_work (ticket))
        return FALSE;
    }

  return TRUE;
}

/* Asks for the next page of the pass being applied, unless one is on its
 * way or enough wait already. */
static void
fetch_ahead (GTask *task)
{
  DeskSync  *self = g_task_get_source_object (task);
  Run       *run = g_task_get_task_data (task);
  PassState *state = &run->passes[run->pass];

  if (state->more && !state->fetching && !state->probe &&
      g_queue_get_length (&state->pages) < MAX_PAGES_AHEAD)
    fetch (task, run->pass, self->page_size);
}

/* Applies the pages in hand, pass after pass, and fetches the next page
 * each time one is missing. */
static void
advance (GTask *task)
{
  DeskSync *self = g_task_get_source_object (task);
  Run      *run = g_task_get_task_data (task);

  while (run->pass < G_N_ELEMENTS (passes))
    {
      const Pass *pass = &passes[run->pass];
      PassState  *state = &run->passes[run->pass];
      g_autoptr (DeskPage) page = NULL;
      g_autoptr (GError) error = NULL;
      guint64  done_before = self->done;
      gboolean ok;

      /* Its page comes. */
      if (g_queue_is_empty (&state->pages))
        {
          if (!state->fetching)
            fetch (task, run->pass, self->page_size);
          return;
        }
      page = g_queue_pop_head (&state->pages);
      state->pending -= page->items->len;

      if (state->probe)
        {
          state->probe = FALSE;
          fetch (task, run->pass, self->page_size);
          return;
        }

      if (run->pass == OPEN_TICKETS_PASS && !page_is_open_work (page))
        {
          g_info ("The server does not filter open work: syncing everything in one pass");
          pass_state_clear_pages (&run->passes[OPEN_MESSAGES_PASS]);
          run->pass = FIRST_FULL_PASS;
          update_estimate (self, run, 0);
          continue;
        }

      fetch_ahead (task);

      /* The page and the cursor after it land together, or not at all. */
      if (pass->cursor_name != NULL)
        ok = desk_store_apply_page_at (self->store, pass->collection, page->items,
                                       pass->cursor_name, page->next, &error);
      else
        ok = desk_store_apply_page (self->store, pass->collection, page->items, page->next, &error);
      if (!ok)
        {
          finish (task, g_steal_pointer (&error));
          return;
        }

      self->done += page->items->len;
      state->applied += page->items->len;
      update_estimate (self, run, done_before);
      g_signal_emit (self, signals[PAGE_APPLIED], 0, pass->collection, page->items->len);

      if (page->more && page->items->len > 0)
        continue;

      if (run->pass == OPEN_MESSAGES_PASS)
        g_signal_emit (self, signals[OPEN_WORK_SYNCED], 0);
      /* The inbox reads tickets while the messages are still coming. */
      else if (run->pass == FIRST_FULL_PASS)
        desk_store_optimize (self->store);
      else if (run->pass == FULL_MESSAGES_PASS)
        desk_store_optimize_search (self->store);
      run->pass++;
    }

  finish (task, NULL);
}

/* The page of an answer, checked. Messages and tickets, by far the most
 * items, are read straight into records when they can be; json-glib reads
 * the rest. */
static DeskPage *
decode_page (GBytes *bytes, DeskStoreCollection collection, const char *since, GError **error)
{
  gsize       length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr (GError) invalid = NULL;
  g_autoptr (DeskPage) page = NULL;

  if (collection == DESK_STORE_COLLECTION_MESSAGES)
    page = _desk_message_page_read (data, length);
  else if (collection == DESK_STORE_COLLECTION_TICKETS)
    page = _desk_ticket_page_read (data, length);
  if (page == NULL)
    {
      g_autoptr (JsonNode) node = desk_client_parse_answer (data, length, error);

      if (node == NULL)
        return NULL;
      page = desk_page_from_json (node, collections[collection].decode,
                                  collections[collection].free_record, &invalid);
    }
  /* More to come from where this page started would be the same page
   * again, for ever. */
  if (page != NULL && page->more && page->items->len > 0 && page->next != NULL &&
      g_strcmp0 (page->next, since) == 0)
    g_set_error_literal (&invalid, DESK_JSON_ERROR, DESK_JSON_ERROR_VALUE,
                         "next: the cursor does not move on");
  if (page == NULL || page->next == NULL || invalid != NULL)
    {
      g_set_error (error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL,
                   "The server sent a page that is not valid: %s",
                   invalid ? invalid->message : "next: missing");
      return NULL;
    }

  return g_steal_pointer (&page);
}

/* A page of @data's pass has come (@page), or could not (@error). */
static void
page_arrived (Fetch *data, DeskPage *page_in, GError *error_in)
{
  g_autoptr (GTask) task = data->task;
  g_autoptr (DeskPage) page = page_in;
  g_autoptr (GError) error = error_in;
  guint      pass = data->pass;
  Run       *run = g_task_get_task_data (task);
  PassState *state = &run->passes[pass];

  g_free (data->cursor);
  g_free (data);
  run->n_fetching--;
  state->fetching = FALSE;
  if (run->finished)
    return;

  if (error != NULL && run->started)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  else if (error != NULL)
    {
      if (run->error == NULL)
        run->error = g_steal_pointer (&error);
      else
        g_debug ("Another page failed as well: %s", error->message);
    }
  else
    {
      state->remaining = page->more ? (guint64) MAX (0, page->remaining) : 0;
      if (state->first_left == 0)
        state->first_left = page->items->len + state->remaining;
      if (!state->probe)
        {
          state->more = page->more && page->items->len > 0;
          if (state->more)
            {
              g_free (state->cursor);
              state->cursor = g_strdup (page->next);
            }
        }
      if (pass == OPEN_TICKETS_PASS)
        count_open_tickets (run, page);
      state->pending += page->items->len;
      g_queue_push_tail (&state->pages, g_steal_pointer (&page));
    }

  /* The first pages of all the passes come together (see run_async). */
  if (!run->started)
    {
      if (run->n_fetching > 0)
        return;
      run->started = TRUE;
      if (run->error != NULL)
        {
          finish (task, g_steal_pointer (&run->error));
          return;
        }
    }

  if (pass == run->pass)
    fetch_ahead (task);
  advance (task);
}

typedef struct
{
  GBytes             *bytes;
  DeskStoreCollection collection;
  const char         *since; /* the Fetch's */
} Decode;

static void
decode_free (Decode *decode)
{
  g_clear_pointer (&decode->bytes, g_bytes_unref);
  g_free (decode);
}

/* Reading a page costs as much as applying it: it is done in a worker
 * thread, while the main loop applies the pages before. */
static void
decode_in_thread (GTask        *decode_task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Decode *decode = task_data;
  g_autoptr (GError) error = NULL;
  DeskPage *page;

  page = decode_page (decode->bytes, decode->collection, decode->since, &error);
  g_clear_pointer (&decode->bytes, g_bytes_unref);
  if (page == NULL)
    g_task_return_error (decode_task, g_steal_pointer (&error));
  else
    g_task_return_pointer (decode_task, page, (GDestroyNotify) desk_page_free);
}

static void
decode_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError   *error = NULL;
  DeskPage *page = g_task_propagate_pointer (G_TASK (result), &error);

  page_arrived (user_data, page, error);
}

static void
fetch_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fetch    *data = user_data;
  DeskSync *self = g_task_get_source_object (data->task);
  Run      *run = g_task_get_task_data (data->task);
  GError   *error = NULL;
  GBytes   *bytes;
  Decode   *decode;
  g_autoptr (GTask) decode_task = NULL;

  bytes = desk_client_request_bytes_finish (self->client, result, NULL, &error);
  if (bytes == NULL || run->finished)
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      page_arrived (data, NULL, error);
      return;
    }

  decode = g_new0 (Decode, 1);
  decode->bytes = bytes;
  decode->collection = passes[data->pass].collection;
  decode->since = data->cursor;
  decode_task = g_task_new (self, NULL, decode_cb, data);
  g_task_set_source_tag (decode_task, fetch_cb);
  g_task_set_task_data (decode_task, decode, (GDestroyNotify) decode_free);
  g_task_run_in_thread (decode_task, decode_in_thread);
}

void
desk_sync_run_async (DeskSync           *self,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *tickets_cursor = NULL;
  Run             *run;

  g_return_if_fail (DESK_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_sync_run_async);
  run = g_new0 (Run, 1);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* The open work goes first until the whole ticket feed has begun; an
   * interrupted first sync resumes each open pass from its own cursor. */
  tickets_cursor = desk_store_dup_cursor (self->store, DESK_STORE_COLLECTION_TICKETS);
  run->pass = tickets_cursor == NULL ? OPEN_TICKETS_PASS : FIRST_FULL_PASS;
  for (guint i = run->pass; i < G_N_ELEMENTS (passes); i++)
    run->passes[i].cursor = passes[i].cursor_name != NULL
                                ? desk_store_dup_named_cursor (self->store, passes[i].cursor_name)
                                : desk_store_dup_cursor (self->store, passes[i].collection);
  run->guess_open_messages = run->pass == OPEN_TICKETS_PASS &&
                             run->passes[OPEN_TICKETS_PASS].cursor == NULL &&
                             run->passes[OPEN_MESSAGES_PASS].cursor == NULL;

  self->done = 0;
  self->total_estimate = 0;
  set_running (self, TRUE);

  /* The first page of every pass is fetched at once, before any is
   * applied: their `remaining` make an estimate of the whole sync from the
   * start, so that progress does not fall back each time a pass begins. A
   * page fetched early and applied late is still right: its cursor is the
   * one it came with, and what changed since comes after that cursor. But
   * not after an earlier pass of the same collection, whose newer rows it
   * would take back for a while: for those passes a one-item probe gives
   * the estimate, and their first page comes when they begin. */
  for (guint i = run->pass; i < G_N_ELEMENTS (passes); i++)
    {
      for (guint j = run->pass; j < i; j++)
        run->passes[i].probe |= passes[j].collection == passes[i].collection;
      fetch (task, i, run->passes[i].probe ? 1 : self->page_size);
    }
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

  /* A first sync has every open ticket and its messages; the history
   * follows. */
  signals[OPEN_WORK_SYNCED] = g_signal_new ("open-work-synced", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
desk_sync_init (DeskSync *self)
{
  self->page_size = 500;
}
