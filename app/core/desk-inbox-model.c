/* desk-inbox-model.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-inbox-model"

#include "config.h"

#include "desk-inbox-model.h"

/* Enough ids for the first screens; the rest load when scrolled to. */
#define HEAD_ROWS 256
#define MAX_CACHED_ROWS 512

struct _DeskInboxModel
{
  GObject parent_instance;

  DeskStore      *store;
  DeskInboxFilter filter;
  char           *tag;
  char           *search;
  DeskInboxSort   sort;

  GArray     *ids; /* the first ids, or all of them once complete */
  gboolean    complete;
  guint       n_items;
  GHashTable *rows;      /* id -> DeskTicket, the rows asked for lately */
  GHashTable *positions; /* id -> position + 1 in ids, made when needed */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeskInboxModel,
                               desk_inbox_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
desk_inbox_model_get_item_type (GListModel *model)
{
  return DESK_TYPE_TICKET;
}

static guint
desk_inbox_model_get_n_items (GListModel *model)
{
  return DESK_INBOX_MODEL (model)->n_items;
}

static void
load_all_ids (DeskInboxModel *self)
{
  g_autoptr (GError) error = NULL;
  GArray *ids;

  ids = desk_store_query_ticket_ids (self->store, &self->filter, self->sort, 0, self->n_items,
                                     &error);
  if (ids == NULL)
    {
      g_warning ("Could not read the inbox: %s", error->message);
      return;
    }

  g_array_unref (self->ids);
  self->ids = ids;
  self->complete = TRUE;
  g_clear_pointer (&self->positions, g_hash_table_unref);
}

static gpointer
desk_inbox_model_get_item (GListModel *model, guint position)
{
  DeskInboxModel   *self = DESK_INBOX_MODEL (model);
  DeskTicketRecord *record;
  DeskTicket       *row;
  gint64            id;

  if (position >= self->n_items)
    return NULL;
  if (position >= self->ids->len && !self->complete)
    load_all_ids (self);
  if (position >= self->ids->len)
    return NULL;

  id = g_array_index (self->ids, gint64, position);
  row = g_hash_table_lookup (self->rows, &id);
  if (row != NULL)
    return g_object_ref (row);

  record = desk_store_load_ticket (self->store, id);
  if (record == NULL)
    {
      /* Deleted under us: a placeholder until the next refresh removes it. */
      record = g_new0 (DeskTicketRecord, 1);
      record->id = id;
      record->subject = g_strdup ("");
    }

  if (g_hash_table_size (self->rows) >= MAX_CACHED_ROWS)
    g_hash_table_remove_all (self->rows);
  row = desk_ticket_new (record);
  g_hash_table_insert (self->rows, &((DeskTicketRecord *) desk_ticket_get_record (row))->id,
                       g_object_ref (row));

  return row;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = desk_inbox_model_get_item_type;
  iface->get_n_items = desk_inbox_model_get_n_items;
  iface->get_item = desk_inbox_model_get_item;
}

static gint64
id_at (GArray *ids, guint position)
{
  return position < ids->len ? g_array_index (ids, gint64, position) : -1;
}

/* Whether @new_ids is @old_ids with rows removed (@delta > 0) or inserted
 * (@delta < 0) at @at, as far as both heads show. */
static gboolean
is_shift (GArray *old_ids, GArray *new_ids, guint at, gint64 delta)
{
  guint compared = 0;

  if (delta == 0)
    return FALSE;

  for (guint i = at; i < new_ids->len; i++)
    {
      gint64 old_position = (gint64) i + delta;

      if (old_position < at)
        continue;
      if (old_position >= old_ids->len)
        break;
      if (id_at (old_ids, old_position) != id_at (new_ids, i))
        return FALSE;
      compared++;
    }

  return compared > 0;
}

/* Re-reads the view and tells the list what moved: the rows before the first
 * difference and after the last one are left alone. @changed_ids are rows
 * whose content changed in place; each gets its own items-changed. */
static void
desk_inbox_model_update (DeskInboxModel *self, GArray *changed_ids)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) old_ids = g_steal_pointer (&self->ids);
  guint    old_n = self->n_items;
  gboolean old_complete = self->complete;
  guint    prefix = 0;
  guint    suffix = 0;
  gint64   count;

  count = desk_store_count_tickets (self->store, &self->filter, &error);
  self->ids = count < 0 ? NULL
                        : desk_store_query_ticket_ids (self->store, &self->filter, self->sort,
                                                       old_complete ? 0 : HEAD_ROWS, count, &error);
  if (self->ids == NULL)
    {
      g_warning ("Could not read the inbox: %s", error->message);
      self->ids = g_steal_pointer (&old_ids);
      return;
    }
  self->n_items = count;
  self->complete = self->ids->len >= self->n_items;
  g_clear_pointer (&self->positions, g_hash_table_unref);

  if (changed_ids != NULL)
    for (guint i = 0; i < changed_ids->len; i++)
      g_hash_table_remove (self->rows, &g_array_index (changed_ids, gint64, i));

  while (prefix < MIN (old_n, self->n_items) && prefix < MIN (old_ids->len, self->ids->len) &&
         id_at (old_ids, prefix) == id_at (self->ids, prefix))
    prefix++;

  /* The tails can be compared only when both lists are whole. */
  if (old_complete && self->complete)
    while (suffix < MIN (old_n, self->n_items) - prefix &&
           id_at (old_ids, old_n - 1 - suffix) == id_at (self->ids, self->n_items - 1 - suffix))
      suffix++;

  /* Rows past the loaded head were never handed out while the list was
   * incomplete: only a change of length is news there. */
  if (!old_complete && prefix == MIN (old_ids->len, self->ids->len) && old_n == self->n_items)
    ;
  else if (!old_complete && is_shift (old_ids, self->ids, prefix, (gint64) old_n - self->n_items))
    {
      if (old_n > self->n_items)
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_n - self->n_items, 0);
      else
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, 0, self->n_items - old_n);
    }
  else if (prefix != old_n || old_n != self->n_items)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_n - prefix - suffix,
                                self->n_items - prefix - suffix);

  /* Rows that stayed where they were but whose content changed. */
  if (changed_ids != NULL)
    for (guint i = 0; i < changed_ids->len; i++)
      {
        gint64 id = g_array_index (changed_ids, gint64, i);

        for (guint position = 0; position < prefix; position++)
          if (id_at (self->ids, position) == id)
            g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        for (guint k = 0; k < suffix; k++)
          if (self->complete && id_at (self->ids, self->n_items - 1 - k) == id)
            g_list_model_items_changed (G_LIST_MODEL (self), self->n_items - 1 - k, 1, 1);
      }
}

void
desk_inbox_model_refresh (DeskInboxModel *self)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  desk_inbox_model_update (self, NULL);
}

static void
tickets_changed_cb (DeskInboxModel *self, GArray *ids, DeskStore *store)
{
  desk_inbox_model_update (self, ids);
}

/* A new message changes a row's excerpt, not its place: redraw the rows of
 * the loaded ids that it touched. */
static void
messages_changed_cb (DeskInboxModel *self, GArray *ticket_ids, DeskStore *store)
{
  /* Built once per state of the list; a page of messages asks ≤ 500 ids. */
  if (self->positions == NULL)
    {
      self->positions = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint position = 0; position < self->ids->len; position++)
        g_hash_table_insert (self->positions, &g_array_index (self->ids, gint64, position),
                             GUINT_TO_POINTER (position + 1));
    }

  for (guint i = 0; i < ticket_ids->len; i++)
    {
      gint64 *id = &g_array_index (ticket_ids, gint64, i);
      guint   position = GPOINTER_TO_UINT (g_hash_table_lookup (self->positions, id));

      if (position == 0)
        continue;
      g_hash_table_remove (self->rows, id);
      g_list_model_items_changed (G_LIST_MODEL (self), position - 1, 1, 1);
    }
}

static gboolean
filter_equal (const DeskInboxFilter *a, const DeskInboxFilter *b)
{
  return a->queue_id == b->queue_id && a->status_mask == b->status_mask &&
         a->assignee_id == b->assignee_id && a->channel == b->channel && a->kind == b->kind &&
         g_strcmp0 (a->tag, b->tag) == 0 && g_strcmp0 (a->search, b->search) == 0;
}

static void
restart (DeskInboxModel *self)
{
  guint old_n = self->n_items;

  /* A new view: every row may differ, so it is one replacement. Told as a
   * removal and then an addition: given both at once, GTK 4.8's list view
   * looks for its removed anchor row among all the added items, with a
   * get_item() each, which reads every ticket of a large view. */
  g_hash_table_remove_all (self->rows);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_array_set_size (self->ids, 0);
  self->n_items = 0;
  self->complete = FALSE;
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
  desk_inbox_model_update (self, NULL);
}

/* Whether the model shows the view of @filter and @sort already, so that
 * setting it would change nothing. */
gboolean
desk_inbox_model_shows_view (DeskInboxModel        *self,
                             const DeskInboxFilter *filter,
                             DeskInboxSort          sort)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);

  return sort == self->sort && filter_equal (filter, &self->filter);
}

/* Shows another view, or the same in another order, in one restart; the
 * same view again changes nothing. */
void
desk_inbox_model_set_view (DeskInboxModel *self, const DeskInboxFilter *filter, DeskInboxSort sort)
{
  char *tag;
  char *search;

  g_return_if_fail (DESK_IS_INBOX_MODEL (self));
  g_return_if_fail (filter != NULL);

  if (desk_inbox_model_shows_view (self, filter, sort))
    return;

  /* Copied first: @filter may be our own (desk_inbox_model_set_sort()). */
  tag = g_strdup (filter->tag);
  search = g_strdup (filter->search);
  g_free (self->tag);
  g_free (self->search);
  self->filter = *filter;
  self->filter.tag = self->tag = tag;
  self->filter.search = self->search = search;
  self->sort = sort;

  restart (self);
}

void
desk_inbox_model_set_filter (DeskInboxModel *self, const DeskInboxFilter *filter)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  desk_inbox_model_set_view (self, filter, self->sort);
}

void
desk_inbox_model_set_sort (DeskInboxModel *self, DeskInboxSort sort)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  desk_inbox_model_set_view (self, &self->filter, sort);
}

DeskInboxSort
desk_inbox_model_get_sort (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), DESK_INBOX_SORT_SLA);

  return self->sort;
}

DeskInboxModel *
desk_inbox_model_new (DeskStore *store)
{
  DeskInboxModel *self = g_object_new (DESK_TYPE_INBOX_MODEL, NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "tickets-changed", G_CALLBACK (tickets_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "messages-changed", G_CALLBACK (messages_changed_cb), self,
                           G_CONNECT_SWAPPED);
  desk_inbox_model_update (self, NULL);

  return self;
}

static void
desk_inbox_model_finalize (GObject *object)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->tag, g_free);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (desk_inbox_model_parent_class)->finalize (object);
}

static void
desk_inbox_model_class_init (DeskInboxModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_inbox_model_finalize;
}

static void
desk_inbox_model_init (DeskInboxModel *self)
{
  DeskInboxFilter all = DESK_INBOX_FILTER_ALL;

  self->filter = all;
  self->sort = DESK_INBOX_SORT_SLA;
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
}
