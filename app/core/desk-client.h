/* desk-client.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define DESK_TYPE_CLIENT (desk_client_get_type ())
#define DESK_CLIENT_ERROR (desk_client_error_quark ())

/* What went wrong, in the terms the UI explains to a person. */
typedef enum
{
  DESK_CLIENT_ERROR_OFFLINE,      /* no connection, DNS, timeout */
  DESK_CLIENT_ERROR_UNAUTHORIZED, /* 401: the token is wrong or revoked */
  DESK_CLIENT_ERROR_FORBIDDEN,    /* 403: the role may not */
  DESK_CLIENT_ERROR_NOT_FOUND,    /* 404 */
  DESK_CLIENT_ERROR_CONFLICT,     /* 409: someone changed it first */
  DESK_CLIENT_ERROR_INVALID,      /* 400, 413, 422: the server refused the request */
  DESK_CLIENT_ERROR_RATE_LIMITED, /* 429 after the retries */
  DESK_CLIENT_ERROR_SERVER,       /* 5xx */
  DESK_CLIENT_ERROR_PROTOCOL,     /* not the API: bad JSON, wrong shape, too large */
} DeskClientError;

typedef enum
{
  DESK_REQUEST_DEFAULT = 0,
  DESK_REQUEST_RETRY = 1 << 0, /* safe to repeat: GETs, posts with a client_id */
  /* A successful answer comes as it is: desk_client_request_bytes_finish() */
  DESK_REQUEST_UNPARSED = 1 << 1,
} DeskRequestFlags;

G_DECLARE_FINAL_TYPE (DeskClient, desk_client, DESK, CLIENT, GObject)

GQuark desk_client_error_quark (void);

DeskClient *desk_client_new (const char *base_url, const char *token);
void        desk_client_set_token (DeskClient *self, const char *token);
const char *desk_client_get_base_url (DeskClient *self);
void        desk_client_set_max_retries (DeskClient *self, guint max_retries);
void        desk_client_set_max_response_size (DeskClient *self, gsize max_response_size);
void        desk_client_set_timeout (DeskClient *self, guint seconds);

void desk_client_request_async (DeskClient         *self,
                                const char         *method,
                                const char         *path,
                                JsonNode           *body,
                                const char         *if_match,
                                DeskRequestFlags    flags,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
JsonNode *
desk_client_request_finish (DeskClient *self, GAsyncResult *result, guint *status, GError **error);
GBytes   *desk_client_request_bytes_finish (DeskClient   *self,
                                            GAsyncResult *result,
                                            guint        *status,
                                            GError      **error);
JsonNode *desk_client_parse_answer (const char *data, gsize length, GError **error);

G_END_DECLS
