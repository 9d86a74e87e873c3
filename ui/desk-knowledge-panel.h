/* desk-knowledge-panel.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "desk-article-search.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_KNOWLEDGE_PANEL (desk_knowledge_panel_get_type ())

G_DECLARE_FINAL_TYPE (DeskKnowledgePanel, desk_knowledge_panel, DESK, KNOWLEDGE_PANEL, AdwBin)

void   desk_knowledge_panel_set_services (DeskKnowledgePanel *self,
                                          DeskStore          *store,
                                          DeskArticleSearch  *search);
void   desk_knowledge_panel_set_ticket (DeskKnowledgePanel *self, const DeskTicketRecord *ticket);
void   desk_knowledge_panel_refresh_suggestions (DeskKnowledgePanel *self);
void   desk_knowledge_panel_focus_search (DeskKnowledgePanel *self);
void   desk_knowledge_panel_search (DeskKnowledgePanel *self, const char *text);
gint64 desk_knowledge_panel_get_top_suggestion (DeskKnowledgePanel *self);
void   desk_knowledge_panel_show_article (DeskKnowledgePanel *self, gint64 article_id);
char  *desk_knowledge_panel_dup_link_text (DeskKnowledgePanel *self, gint64 article_id);

G_END_DECLS
