/* desk-result-item.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DESK_TYPE_RESULT_ITEM (desk_result_item_get_type ())

G_DECLARE_FINAL_TYPE (DeskResultItem, desk_result_item, DESK, RESULT_ITEM, GObject)

/* One search result of a side-panel list, as DeskResultRow shows it. The
 * markup is escaped Pango markup; @title is the plain title, the row's
 * accessible name. @snippet_markup and @badge may be NULL. */
DeskResultItem *desk_result_item_new (gint64      id,
                                      const char *title,
                                      const char *title_markup,
                                      const char *meta,
                                      const char *snippet_markup,
                                      const char *badge);

gint64          desk_result_item_get_id (DeskResultItem *self);
const char     *desk_result_item_get_title (DeskResultItem *self);
const char     *desk_result_item_get_title_markup (DeskResultItem *self);
gboolean        desk_result_item_has_title_markup (DeskResultItem *self);
const char     *desk_result_item_get_meta (DeskResultItem *self);
const char     *desk_result_item_get_snippet_markup (DeskResultItem *self);
const char     *desk_result_item_get_badge (DeskResultItem *self);
gboolean        desk_result_item_equal (DeskResultItem *a, DeskResultItem *b);
DeskResultItem *desk_result_item_copy (DeskResultItem *self);
void            desk_result_item_update (DeskResultItem *self, DeskResultItem *from);

G_END_DECLS
