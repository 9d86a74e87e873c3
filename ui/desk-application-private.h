/* desk-application-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-account.h"
#include "desk-application.h"
#include "desk-client.h"
#include "desk-outbox.h"
#include "desk-realtime.h"
#include "desk-store.h"
#include "desk-sync.h"

G_BEGIN_DECLS

struct _DeskApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char      *server_url;
  guint      demo : 1;

  /* The connection: services every window reads from. */
  DeskDemoStarter    demo_starter;
  GObject           *demo_server;
  DeskStore         *store;
  DeskClient        *client;
  DeskSync          *sync;
  DeskOutbox        *outbox;
  DeskRealtime      *realtime;
  GCancellable      *cancellable;
  char              *connection_error;
  DeskArticleSearch *article_search;
  gint64             user_id;
  gboolean           asking_who; /* GET /me on its way */
  char              *user_name;
  GPtrArray         *agents;          /* DeskUserRecord, for assigning */
  GPtrArray         *queues;          /* DeskQueueRecord */
  GHashTable        *unseen_messages; /* ids of new messages not yet in the cache */
  DeskRole           role;
  gboolean           sync_again;
  DeskConnection     connection;
  DeskAccount       *account;
  gboolean           needs_account;
  guint              retry_source;
};

void _desk_application_actions_init (DeskApplication *self);
void _desk_application_sync (DeskApplication *self);

G_END_DECLS
