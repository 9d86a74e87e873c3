/* desk-ticket-controls.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "desk-records.h"

G_BEGIN_DECLS

#define DESK_TYPE_TICKET_CONTROLS (desk_ticket_controls_get_type ())

G_DECLARE_FINAL_TYPE (DeskTicketControls, desk_ticket_controls, DESK, TICKET_CONTROLS, GtkWidget)

/* The open ticket's status, priority, assignee, queue and tags. A change
 * the agent makes is emitted as "change-requested" with the fields to
 * PATCH; the controls show the ticket as the cache has it until the
 * server's answer lands there. */
void desk_ticket_controls_set_ticket (DeskTicketControls *self, const DeskTicketRecord *ticket);
void desk_ticket_controls_set_merge_candidates (DeskTicketControls *self, GPtrArray *tickets);
void desk_ticket_controls_set_directory (
    DeskTicketControls *self, GPtrArray *agents, GPtrArray *queues, gint64 user_id, DeskRole role);

G_END_DECLS
