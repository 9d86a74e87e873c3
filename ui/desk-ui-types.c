/* desk-ui-types.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-ui-types"

#include "config.h"

#include "desk-canned-panel.h"
#include "desk-knowledge-panel.h"
#include "desk-message-row.h"
#include "desk-preferences-window.h"
#include "desk-preview-header.h"
#include "desk-resources.h"
#include "desk-result-row.h"
#include "desk-search-results.h"
#include "desk-ui-types.h"
#include "desk-ticket-controls.h"
#include "desk-ticket-row.h"
#include "desk-view-row.h"
#include "desk-window.h"

/* Registers the resources and every widget type, so that GtkBuilder finds
 * them by name, in .ui files and in the test that instantiates each template.
 * The resources live in a static library, whose constructor the linker
 * would drop: they are registered here instead. */
void
desk_ui_ensure_types (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  desk_register_resource ();

  g_type_ensure (DESK_TYPE_CANNED_PANEL);
  g_type_ensure (DESK_TYPE_KNOWLEDGE_PANEL);
  g_type_ensure (DESK_TYPE_MESSAGE_ROW);
  g_type_ensure (DESK_TYPE_PREFERENCES_WINDOW);
  g_type_ensure (DESK_TYPE_PREVIEW_HEADER);
  g_type_ensure (DESK_TYPE_RESULT_ROW);
  g_type_ensure (DESK_TYPE_SEARCH_RESULTS);
  g_type_ensure (DESK_TYPE_TICKET_CONTROLS);
  g_type_ensure (DESK_TYPE_TICKET_ROW);
  g_type_ensure (DESK_TYPE_VIEW_ROW);
  g_type_ensure (DESK_TYPE_WINDOW);

  g_once_init_leave (&initialized, 1);
}
