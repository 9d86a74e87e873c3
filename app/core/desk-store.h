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

/* Signals, emitted by desk_store_apply_page() once the page's transaction
 * has committed, with a GArray of gint64:
 *
 * - "tickets-changed": the ids of the tickets the page wrote or deleted;
 * - "messages-changed": the ids of the tickets whose thread the page changed;
 * - "articles-changed": the ids of the articles the page wrote or deleted;
 * - "canned-changed": the ids of the canned replies the page wrote or
 *   deleted, from sync or from the outbox keeping the server's answer.
 *
 * A page with no records emits nothing. The knowledge-base and canned-reply
 * panels listen to the last two to search again. */

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
  char  *title_marked; /* the title, matches between \x01 and \x02 */
  char  *snippet;      /* plain text; matches between \x01 and \x02 */
  char  *category;
  char  *locale;
  char  *url;
  double rank; /* the position: 0 is the best */
} DeskArticleHit;

/* What the knowledge base is searched for. NULL means "any". */
typedef struct
{
  const char *text;
  const char *prefer_locale; /* the customer's: those articles first */
  const char *category;
  const char *locale;   /* only articles in this language */
  gboolean    any_word; /* suggestions: articles with any of the words */
  guint       limit;    /* 0: 20 */
} DeskArticleQuery;

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
  gint64 user_id; /* who wrote it; 0 for whoever is signed in */
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

/* The same with the cursor kept under a name: a collection's own cursor is
 * named after it ("tickets"); a sync pass over a filtered feed of the
 * collection keeps its place under a name of its own. */
gboolean desk_store_apply_page_at (DeskStore          *self,
                                   DeskStoreCollection collection,
                                   GPtrArray          *records,
                                   const char         *cursor_name,
                                   const char         *next_cursor,
                                   GError            **error);
char    *desk_store_dup_named_cursor (DeskStore *self, const char *cursor_name);

gint64            desk_store_count (DeskStore *self, DeskStoreCollection collection);
DeskTicketRecord *desk_store_load_ticket (DeskStore *self, gint64 ticket_id);

GPtrArray         *desk_store_load_messages (DeskStore *self, gint64 ticket_id);
DeskMessageRecord *desk_store_load_message (DeskStore *self, gint64 message_id);
char              *desk_store_dup_excerpt (DeskStore *self, gint64 ticket_id);
gint64             desk_store_get_waiting_since (DeskStore *self, gint64 ticket_id);
char              *desk_store_dup_last_customer_message (DeskStore *self, gint64 ticket_id);
GPtrArray         *desk_store_find_tickets_of_requester (DeskStore *self,
                                                         gint64     requester_id,
                                                         gint64     except_id,
                                                         guint      limit);

/* Whether @text is something to search for, in the knowledge base, the
 * canned replies or the inbox: not when it holds no word, nor when it is a
 * lone letter, which waits for its second (a Chinese character goes). A
 * search for such text finds nothing, or filters nothing in the inbox. */
gboolean desk_store_text_starts_search (const char *text);

GPtrArray *
desk_store_find_articles (DeskStore *self, const DeskArticleQuery *query, GError **error);
GPtrArray *
desk_store_search_articles (DeskStore *self, const char *text, guint limit, GError **error);
DeskArticleRecord *desk_store_load_article (DeskStore *self, gint64 article_id);
GStrv              desk_store_list_article_categories (DeskStore *self);
GStrv              desk_store_list_article_locales (DeskStore *self);

GPtrArray *desk_store_find_canned (
    DeskStore *self, const char *text, const char *category, guint limit, GError **error);
GPtrArray *desk_store_find_canned_by_shortcut (DeskStore *self, const char *prefix, guint limit);
DeskCannedRecord *desk_store_load_canned (DeskStore *self, gint64 canned_id);
GStrv             desk_store_list_canned_categories (DeskStore *self);
/* The replies that best match a customer's message, for "Suggested". */
GPtrArray *desk_store_suggest_canned (DeskStore *self, const char *text, guint limit);
void       desk_article_hit_free (DeskArticleHit *hit);

gint64          desk_store_outbox_add (DeskStore  *self,
                                       const char *kind,
                                       gint64      ticket_id,
                                       const char *payload,
                                       gint64      user_id,
                                       GError    **error);
GPtrArray      *desk_store_outbox_list (DeskStore *self, gboolean only_due, gint64 now);
DeskOutboxItem *desk_store_outbox_get (DeskStore *self, gint64 id);
GPtrArray      *desk_store_outbox_list_messages (DeskStore *self, gint64 ticket_id);
gint64          desk_store_outbox_get_created_at (DeskStore *self, gint64 id);
gboolean        desk_store_outbox_update (DeskStore  *self,
                                          gint64      id,
                                          const char *state,
                                          guint       attempts,
                                          const char *error_text,
                                          gint64      next_attempt_at,
                                          GError    **error);
gint64          desk_store_outbox_next_due (DeskStore *self, gint64 user_id);
gboolean desk_store_outbox_set_user (DeskStore *self, gint64 id, gint64 user_id, GError **error);
void     desk_outbox_item_free (DeskOutboxItem *item);

gboolean desk_store_save_draft (
    DeskStore *self, gint64 ticket_id, const char *body, DeskVisibility visibility, GError **error);
char *desk_store_dup_draft (DeskStore *self, gint64 ticket_id, DeskVisibility *visibility);

gint64  desk_store_count_tickets (DeskStore *self, const DeskInboxFilter *filter, GError **error);
GArray *desk_store_query_ticket_ids (DeskStore             *self,
                                     const DeskInboxFilter *filter,
                                     DeskInboxSort          sort,
                                     guint                  limit,
                                     gint64                 n_matching,
                                     GError               **error);
/* After a collection of tickets is complete: builds what a first sync left
 * out (see desk_store_apply_page()) and refreshes the query planner. */
void desk_store_optimize (DeskStore *self);
/* After a collection of messages is complete: the full-text indexes merge
 * what a first sync left unmerged as they are written again. */
void desk_store_optimize_search (DeskStore *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskArticleHit, desk_article_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskOutboxItem, desk_outbox_item_free)

G_END_DECLS
