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

GPtrArray      *
desk_store_search_articles (DeskStore *self, const char *text, guint limit, GError **error);
void desk_article_hit_free (DeskArticleHit *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskArticleHit, desk_article_hit_free)

G_END_DECLS
