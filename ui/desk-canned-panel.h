/* desk-canned-panel.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "desk-outbox.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_CANNED_PANEL (desk_canned_panel_get_type ())

G_DECLARE_FINAL_TYPE (DeskCannedPanel, desk_canned_panel, DESK, CANNED_PANEL, AdwBin)

void   desk_canned_panel_set_services (DeskCannedPanel *self, DeskStore *store, DeskOutbox *outbox);
void   desk_canned_panel_set_agent (DeskCannedPanel *self,
                                    gint64           user_id,
                                    const char      *name,
                                    gboolean         is_lead);
void   desk_canned_panel_set_ticket (DeskCannedPanel *self, const DeskTicketRecord *ticket);
void   desk_canned_panel_refresh (DeskCannedPanel *self);
void   desk_canned_panel_focus_search (DeskCannedPanel *self);
void   desk_canned_panel_insert_reply (DeskCannedPanel *self, gint64 canned_id);
gint64 desk_canned_panel_get_top_suggestion (DeskCannedPanel *self);
void   desk_canned_panel_new_reply (DeskCannedPanel *self, const char *body);

G_END_DECLS
