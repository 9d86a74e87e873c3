/* desk-account.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DESK_TYPE_ACCOUNT (desk_account_get_type ())
#define DESK_TYPE_TOKEN_STORAGE (desk_token_storage_get_type ())

/* Where the token of the account came from, or went to. */
typedef enum
{
  DESK_TOKEN_STORAGE_NONE,           /* no token */
  DESK_TOKEN_STORAGE_ENVIRONMENT,    /* AGENT_DESK_TOKEN */
  DESK_TOKEN_STORAGE_SECRET_SERVICE, /* the keyring, through libsecret */
  DESK_TOKEN_STORAGE_FILE,           /* a file only the person can read: no keyring runs */
} DeskTokenStorage;

GType desk_token_storage_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (DeskAccount, desk_account, DESK, ACCOUNT, GObject)

DeskAccount     *desk_account_new (const char *config_dir);
const char      *desk_account_get_server_url (DeskAccount *self);
DeskTokenStorage desk_account_get_token_storage (DeskAccount *self);
const char      *desk_account_get_warning (DeskAccount *self);

void     desk_account_load_async (DeskAccount        *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
char    *desk_account_load_finish (DeskAccount *self, GAsyncResult *result, GError **error);
void     desk_account_save_async (DeskAccount        *self,
                                  const char         *server_url,
                                  const char         *token,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean desk_account_save_finish (DeskAccount *self, GAsyncResult *result, GError **error);
void     desk_account_forget_async (DeskAccount        *self,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean desk_account_forget_finish (DeskAccount *self, GAsyncResult *result, GError **error);

G_END_DECLS
