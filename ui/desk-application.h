/* desk-application.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "desk-article-search.h"
#include "desk-outbox.h"
#include "desk-store.h"
#include "desk-sync.h"

G_BEGIN_DECLS

#define DESK_TYPE_APPLICATION (desk_application_get_type ())
#define DESK_APPLICATION_DEFAULT (DESK_APPLICATION (g_application_get_default ()))

G_DECLARE_FINAL_TYPE (DeskApplication, desk_application, DESK, APPLICATION, AdwApplication)

/* Starts the in-process demo server (app/desk-demo.c), which the widgets
 * library does not link: main() hands it over. */
typedef GObject *(*DeskDemoStarter) (const char *data_dir,
                                     char      **base_url,
                                     char      **token,
                                     GError    **error);

DeskApplication *desk_application_new (GApplicationFlags flags);
GSettings       *desk_application_get_settings (DeskApplication *self);
gboolean         desk_application_get_demo (DeskApplication *self);
const char      *desk_application_get_server_url (DeskApplication *self);
void             desk_application_set_demo_starter (DeskApplication *self, DeskDemoStarter starter);
DeskStore       *desk_application_get_store (DeskApplication *self);
DeskOutbox      *desk_application_get_outbox (DeskApplication *self);
DeskSync        *desk_application_get_sync (DeskApplication *self);
gint64           desk_application_get_user_id (DeskApplication *self);
DeskRole         desk_application_get_role (DeskApplication *self);
const char      *desk_application_get_user_name (DeskApplication *self);
GPtrArray       *desk_application_get_agents (DeskApplication *self);
GPtrArray       *desk_application_get_queues (DeskApplication *self);
DeskArticleSearch *desk_application_get_article_search (DeskApplication *self);
const char        *desk_application_get_connection_error (DeskApplication *self);
DeskConnection     desk_application_get_connection (DeskApplication *self);
gboolean           desk_application_get_needs_account (DeskApplication *self);
void               desk_application_send_typing (DeskApplication *self, gint64 ticket_id);
void               desk_application_try_demo (DeskApplication *self);
void               desk_application_sign_in_async (DeskApplication    *self,
                                                   const char         *url,
                                                   const char         *token,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean
desk_application_sign_in_finish (DeskApplication *self, GAsyncResult *result, GError **error);

G_END_DECLS
