/* desk-server.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "desk-types.h"

G_BEGIN_DECLS

#define DESK_TYPE_SERVER (desk_server_get_type ())

G_DECLARE_FINAL_TYPE (DeskServer, desk_server, DESK, SERVER, GObject)

/* The reference helpdesk server: the v1 API of data/api/openapi.yaml on a
 * SoupServer, stored in SQLite under @data_dir. It runs on the thread-default
 * main context of whoever starts it, as a program (agent-desk-server), inside
 * the app for the demo, or inside a test. */
DeskServer *desk_server_new (const char *data_dir, GError **error);
gboolean    desk_server_listen (DeskServer *self, const char *address, guint port, GError **error);
void        desk_server_disconnect (DeskServer *self);
guint       desk_server_get_port (DeskServer *self);
char       *desk_server_dup_base_url (DeskServer *self);

void desk_server_set_max_body_size (DeskServer *self, gsize max_body_size);
void desk_server_set_rate_limit (DeskServer *self, double requests_per_second, guint burst);

gint64 desk_server_create_user (DeskServer   *self,
                                const char   *name,
                                const char   *email,
                                DeskRole      role,
                                const gint64 *queue_ids,
                                guint         n_queue_ids,
                                GError      **error);
char  *desk_server_create_token (DeskServer *self, gint64 user_id, GError **error);
gint64 desk_server_find_user (DeskServer *self, const char *email);

gboolean
desk_server_import_file (DeskServer *self, const char *kind, const char *filename, GError **error);
gboolean desk_server_seed_demo (DeskServer *self, const char *demo_dir, GError **error);
gboolean
desk_server_seed_synthetic (DeskServer *self, guint n_tickets, guint n_messages, GError **error);

void desk_server_start_simulator (DeskServer *self, double chats_per_minute);

G_END_DECLS
