/* desk-ticket-row.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "desk-ticket.h"

G_BEGIN_DECLS

#define DESK_TYPE_TICKET_ROW (desk_ticket_row_get_type ())

G_DECLARE_FINAL_TYPE (DeskTicketRow, desk_ticket_row, DESK, TICKET_ROW, GtkWidget)

void   desk_ticket_row_set_ticket (DeskTicketRow *self,
                                   DeskTicket    *ticket,
                                   const char    *excerpt,
                                   const char    *assignee,
                                   gint64         waiting_since,
                                   const char    *search,
                                   gint64         now);
gint64 desk_ticket_row_get_ticket_id (DeskTicketRow *self);
void   desk_ticket_row_set_typing (DeskTicketRow *self, gboolean typing);
void   desk_ticket_row_update_times (DeskTicketRow *self, gint64 now);

G_END_DECLS
