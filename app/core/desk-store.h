/* desk-store.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-records.h"

G_BEGIN_DECLS

#define DESK_TYPE_STORE (desk_store_get_type ())

G_DECLARE_FINAL_TYPE (DeskStore, desk_store, DESK, STORE, GObject)

/* The client's SQLite cache: the one source the UI reads. Sync writes each
 * page of a collection together with its cursor in one transaction, so a
 * crash at any point leaves a cache that resumes where it stopped. */

typedef enum
{
  DESK_STORE_COLLECTION_TICKETS,
  DESK_STORE_COLLECTION_MESSAGES,
  DESK_STORE_COLLECTION_ARTICLES,
  DESK_STORE_COLLECTION_CANNED,
} DeskStoreCollection;

typedef struct
{
  gint64 id;
  char  *title;
  char  *snippet; /* plain text; matches between \x01 and \x02 */
  char  *category;
  char  *locale;
  double rank;
} DeskArticleHit;

/* A change waiting to reach the server (see DeskOutbox). */
typedef struct
{
  gint64 id;
  char  *client_id;
  char  *kind;
  gint64 ticket_id;
  char  *payload;
  char  *state; /* queued, sending, sent, failed */
  guint  attempts;
  char  *error;
  gint64 next_attempt_at;
} DeskOutboxItem;

/* Which tickets an inbox view shows. 0 / -1 / NULL mean "any". */
typedef struct
{
  gint64      queue_id;
  guint       status_mask; /* 1 << DeskTicketStatus for each status shown */
  gint64      assignee_id; /* DESK_ASSIGNEE_NOBODY for unassigned */
  int         channel;
  int         kind;
  const char *tag;
  const char *search;
} DeskInboxFilter;

#define DESK_ASSIGNEE_NOBODY (-1)
#define DESK_INBOX_FILTER_ALL                                                                      \
  {                                                                                                \
    0, 0, 0, -1, -1, NULL, NULL                                                                    \
  }

DeskStore  *desk_store_new (const char *path, GError **error);
int         desk_store_get_schema_version (DeskStore *self);
const char *desk_store_get_path (DeskStore *self);

gboolean desk_store_apply_page (DeskStore          *self,
                                DeskStoreCollection collection,
                                GPtrArray          *records,
                                const char         *next_cursor,
                                GError            **error);
char    *desk_store_dup_cursor (DeskStore *self, DeskStoreCollection collection);

gint64            desk_store_count (DeskStore *self, DeskStoreCollection collection);
DeskTicketRecord *desk_store_load_ticket (DeskStore *self, gint64 ticket_id);

GPtrArray *desk_store_load_messages (DeskStore *self, gint64 ticket_id);
char      *desk_store_dup_excerpt (DeskStore *self, gint64 ticket_id);

GPtrArray      *
desk_store_search_articles (DeskStore *self, const char *text, guint limit, GError **error);
void desk_article_hit_free (DeskArticleHit *hit);

gint64 desk_store_outbox_add (
    DeskStore *self, const char *kind, gint64 ticket_id, const char *payload, GError **error);
GPtrArray      *desk_store_outbox_list (DeskStore *self, gboolean only_due, gint64 now);
DeskOutboxItem *desk_store_outbox_get (DeskStore *self, gint64 id);
gboolean        desk_store_outbox_update (DeskStore  *self,
                                          gint64      id,
                                          const char *state,
                                          guint       attempts,
                                          const char *error_text,
                                          gint64      next_attempt_at,
                                          GError    **error);
gint64          desk_store_outbox_next_due (DeskStore *self);
void            desk_outbox_item_free (DeskOutboxItem *item);

gboolean desk_store_save_draft (
    DeskStore *self, gint64 ticket_id, const char *body, DeskVisibility visibility, GError **error);
char *desk_store_dup_draft (DeskStore *self, gint64 ticket_id, DeskVisibility *visibility);

gint64  desk_store_count_tickets (DeskStore *self, const DeskInboxFilter *filter, GError **error);
GArray *desk_store_query_ticket_ids (DeskStore             *self,
                                     const DeskInboxFilter *filter,
                                     DeskInboxSort          sort,
                                     guint                  limit,
                                     GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskArticleHit, desk_article_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskOutboxItem, desk_outbox_item_free)

G_END_DECLS
