/* desk-test-server.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "desk-server.h"

G_BEGIN_DECLS

#define DESK_TEST_N_ROLES 4 /* indexed by DeskRole: agent, trainee, lead, admin */

/* A reference server on 127.0.0.1 with the demo data, running in a thread of
 * its own on a GMainContext of its own, so that the test thread may block in
 * synchronous requests. One user and token per role: the agent and the
 * trainee work queue 1, the lead and the admin queues 1 to 4. An extra agent
 * on every queue is there to be assigned tickets. */
typedef struct _DeskTestServer DeskTestServer;

typedef void (*DeskTestServerFunc) (DeskServer *server, gpointer user_data);

DeskTestServer *desk_test_server_new (void);
void            desk_test_server_stop (DeskTestServer *self);

const char  *desk_test_server_get_base_url (DeskTestServer *self);
const char  *desk_test_server_get_data_dir (DeskTestServer *self);
const char  *desk_test_server_get_token (DeskTestServer *self, DeskRole role);
gint64       desk_test_server_get_user_id (DeskTestServer *self, DeskRole role);
gint64       desk_test_server_get_other_agent (DeskTestServer *self);
SoupSession *desk_test_server_get_session (DeskTestServer *self);

/* Runs @func on the server's thread and waits until it has returned. */
void desk_test_server_invoke (DeskTestServer *self, DeskTestServerFunc func, gpointer user_data);
void
desk_test_server_set_rate_limit (DeskTestServer *self, double requests_per_second, guint burst);
void desk_test_server_set_online (DeskTestServer *self, gboolean online);
/* The next @count successful writes (POST, PATCH, DELETE) are applied, and
 * then their connection is closed before the answer is sent. */
void desk_test_server_drop_responses (DeskTestServer *self, guint count);
void desk_test_server_revoke_token (DeskTestServer *self, const char *token);
void desk_test_server_seed_synthetic (DeskTestServer *self, guint n_tickets, guint n_messages);
/* Solves or closes every open ticket but one in @keep_every, then changes
 * half of those left open again: open work is scattered over the ticket
 * feed and the newest of it comes after every solved ticket, as on a desk
 * that has run for a while. */
void desk_test_server_solve_tickets (DeskTestServer *self, guint keep_every);
/* Makes the server ignore `?open=true`, as one from before it would. */
void desk_test_server_ignore_open_filter (DeskTestServer *self, gboolean ignore);

/* Synchronous requests from the test thread. @path starts with "/api/v1/";
 * @token may be NULL; @headers is NULL or name, value, …, NULL. The answer's
 * status always goes to @status; its headers to @response_headers if not
 * NULL. */
GBytes *desk_test_request (DeskTestServer      *self,
                           const char          *method,
                           const char          *path,
                           const char          *token,
                           const char          *content_type,
                           gconstpointer        body,
                           gsize                body_len,
                           guint               *status,
                           SoupMessageHeaders **response_headers);
GBytes *desk_test_request_full (DeskTestServer      *self,
                                const char          *method,
                                const char          *path,
                                const char          *token,
                                const char *const   *headers,
                                const char          *content_type,
                                gconstpointer        body,
                                gsize                body_len,
                                guint               *status,
                                SoupMessageHeaders **response_headers);

/* The same with a JSON body (NULL for none), answering the parsed response,
 * or NULL when the response has no body. A body that is not JSON fails the
 * test. */
JsonNode *desk_test_request_json (DeskTestServer *self,
                                  const char     *method,
                                  const char     *path,
                                  const char     *token,
                                  const char     *json,
                                  guint          *status);
JsonNode *desk_test_request_json_full (DeskTestServer      *self,
                                       const char          *method,
                                       const char          *path,
                                       const char          *token,
                                       const char *const   *headers,
                                       const char          *json,
                                       guint               *status,
                                       SoupMessageHeaders **response_headers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskTestServer, desk_test_server_stop)

G_END_DECLS
