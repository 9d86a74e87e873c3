/* desk-canned-search.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-canned-search"

#include "config.h"

#include "desk-canned-search.h"
#include "desk-thread.h"

/* A DeskStore of its own on the cache, used by one thread at a time: the
 * queries are the store's, so they rank as everywhere else, and the main
 * thread's store is never touched from a worker. The cache is in WAL mode:
 * reading here never waits for the sync writing there. */
struct _DeskCannedSearch
{
  GObject parent_instance;

  DeskStore *store;
  GMutex     lock; /* one search at a time on the connection */
};

G_DEFINE_FINAL_TYPE (DeskCannedSearch, desk_canned_search, G_TYPE_OBJECT)

static void
desk_canned_search_finalize (GObject *object)
{
  DeskCannedSearch *self = DESK_CANNED_SEARCH (object);

  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (desk_canned_search_parent_class)->finalize (object);
}

static void
desk_canned_search_class_init (DeskCannedSearchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = desk_canned_search_finalize;
}

static void
desk_canned_search_init (DeskCannedSearch *self)
{
  g_mutex_init (&self->lock);
}

DeskCannedSearch *
desk_canned_search_new (const char *cache_path, GError **error)
{
  g_autoptr (DeskCannedSearch) self = g_object_new (DESK_TYPE_CANNED_SEARCH, NULL);

  g_return_val_if_fail (cache_path != NULL, NULL);

  self->store = desk_store_new (cache_path, error);
  if (self->store == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

GPtrArray *
desk_canned_search_run (DeskCannedSearch      *self,
                        const DeskCannedQuery *query,
                        GPtrArray            **suggested,
                        GCancellable          *cancellable,
                        GError               **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) suggestions = NULL;

  g_return_val_if_fail (DESK_IS_CANNED_SEARCH (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The best reply for the customer's latest words. */
  if (query->suggest_for_ticket != 0 && query->suggest_limit > 0)
    {
      g_autofree char *message =
          desk_store_dup_last_customer_message (self->store, query->suggest_for_ticket);
      g_autofree char *text = g_strjoin ("\n", query->ticket_subject ? query->ticket_subject : "",
                                         message ? message : "", NULL);

      suggestions = desk_store_suggest_canned (self->store, text, query->suggest_limit);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  else
    suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);

  if (suggested != NULL)
    *suggested = g_steal_pointer (&suggestions);

  return desk_store_find_canned (self->store, query->text, query->category, query->limit, error);
}

/* A query in a thread, with its own copies of the strings. */
typedef struct
{
  DeskCannedQuery query;
  char           *text;
  char           *category;
  char           *ticket_subject;
  GPtrArray      *suggested;
} QueryCopy;

static void
query_copy_free (QueryCopy *copy)
{
  g_free (copy->text);
  g_free (copy->category);
  g_free (copy->ticket_subject);
  g_clear_pointer (&copy->suggested, g_ptr_array_unref);
  g_free (copy);
}

static void
run_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  QueryCopy *copy = task_data;
  GError    *error = NULL;
  GPtrArray *replies;

  desk_thread_give_way ();
  replies =
      desk_canned_search_run (source_object, &copy->query, &copy->suggested, cancellable, &error);
  if (replies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, replies, (GDestroyNotify) g_ptr_array_unref);
}

void
desk_canned_search_run_async (DeskCannedSearch      *self,
                              const DeskCannedQuery *query,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr (GTask) task = NULL;
  QueryCopy *copy = g_new0 (QueryCopy, 1);

  g_return_if_fail (DESK_IS_CANNED_SEARCH (self));
  g_return_if_fail (query != NULL);

  copy->query = *query;
  copy->query.text = copy->text = g_strdup (query->text);
  copy->query.category = copy->category = g_strdup (query->category);
  copy->query.ticket_subject = copy->ticket_subject = g_strdup (query->ticket_subject);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_canned_search_run_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) query_copy_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

GPtrArray *
desk_canned_search_run_finish (DeskCannedSearch *self,
                               GAsyncResult     *result,
                               GPtrArray       **suggested,
                               GError          **error)
{
  GPtrArray *replies;

  g_return_val_if_fail (DESK_IS_CANNED_SEARCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  replies = g_task_propagate_pointer (G_TASK (result), error);
  if (replies != NULL && suggested != NULL)
    {
      QueryCopy *copy = g_task_get_task_data (G_TASK (result));

      *suggested = g_steal_pointer (&copy->suggested);
    }

  return replies;
}
