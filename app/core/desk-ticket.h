/* desk-ticket.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "desk-records.h"

G_BEGIN_DECLS

#define DESK_TYPE_TICKET (desk_ticket_get_type ())

G_DECLARE_FINAL_TYPE (DeskTicket, desk_ticket, DESK, TICKET, GObject)

/* One row of an inbox list, made on demand from the cache: the list models
 * hold ids, and only the rows on screen exist as objects. */
DeskTicket             *desk_ticket_new (DeskTicketRecord *record);
const DeskTicketRecord *desk_ticket_get_record (DeskTicket *self);
gint64                  desk_ticket_get_id (DeskTicket *self);
const char             *desk_ticket_get_subject (DeskTicket *self);

G_END_DECLS
