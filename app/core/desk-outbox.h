/* desk-outbox.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-client.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_OUTBOX (desk_outbox_get_type ())

G_DECLARE_FINAL_TYPE (DeskOutbox, desk_outbox, DESK, OUTBOX, GObject)

/* Every change an agent makes goes through here: written to the cache
 * first, then sent, retried until the server answers, and sent with a
 * client_id so that a retry never makes a second reply. An item ends as
 * "sent" or "failed" with the reason the server gave; none is dropped. */
DeskOutbox *desk_outbox_new (DeskClient *client, DeskStore *store);
gint64      desk_outbox_send_message (DeskOutbox    *self,
                                      gint64         ticket_id,
                                      const char    *body,
                                      DeskVisibility visibility,
                                      GError       **error);
gint64      desk_outbox_send_message_with_status (DeskOutbox    *self,
                                                  gint64         ticket_id,
                                                  const char    *body,
                                                  DeskVisibility visibility,
                                                  int            status,
                                                  GError       **error);
gint64      desk_outbox_update_ticket (
         DeskOutbox *self, gint64 ticket_id, gint64 version, JsonObject *changes, GError **error);
gint64
desk_outbox_merge_tickets (DeskOutbox *self, gint64 ticket_id, gint64 into_id, GError **error);
gint64
desk_outbox_submit_quiz (DeskOutbox *self, gint64 quiz_id, JsonObject *answers, GError **error);

/* Canned replies: of @fields, title, shortcut, body, category and locale
 * are sent, those that are NULL left out (an update leaves them as they
 * are; "" clears one); id, owner_id and updated_at are the server's. A
 * creation needs a title and a body; @shared asks for a shared reply
 * (leads and admins). What the server answers is kept in the cache. */
gint64 desk_outbox_create_canned (DeskOutbox             *self,
                                  const DeskCannedRecord *fields,
                                  gboolean                shared,
                                  GError                **error);
gint64 desk_outbox_update_canned (DeskOutbox             *self,
                                  gint64                  canned_id,
                                  const DeskCannedRecord *fields,
                                  GError                **error);
gint64 desk_outbox_delete_canned (DeskOutbox *self, gint64 canned_id, GError **error);

gboolean desk_outbox_retry (DeskOutbox *self, gint64 item_id);
void     desk_outbox_flush (DeskOutbox *self);
void     desk_outbox_wake (DeskOutbox *self);
void     desk_outbox_set_user (DeskOutbox *self, gint64 user_id);
guint    desk_outbox_get_pending (DeskOutbox *self);

G_END_DECLS
