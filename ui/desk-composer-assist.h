/* desk-composer-assist.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "desk-article-search.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_COMPOSER_ASSIST (desk_composer_assist_get_type ())

G_DECLARE_FINAL_TYPE (DeskComposerAssist, desk_composer_assist, DESK, COMPOSER_ASSIST, GObject)

/* Completion in the reply as the agent types: "/shortcut" offers canned
 * replies (Tab inserts), "??words" searches the knowledge base (Enter
 * inserts a link). The trigger text is removed before "canned-chosen" or
 * "article-chosen" is emitted; the handler inserts at the cursor. */
DeskComposerAssist *desk_composer_assist_new (GtkTextView *view);
void                desk_composer_assist_set_services (DeskComposerAssist *self,
                                                       DeskStore          *store,
                                                       DeskArticleSearch  *search);
gboolean            desk_composer_assist_is_open (DeskComposerAssist *self);

G_END_DECLS
