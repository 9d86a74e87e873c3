/* desk-highlight.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Search results mark their matches between \x01 and \x02 (see DeskStore).
 * This turns such text into Pango markup with the matches in bold and
 * everything else escaped, so a customer's "<b>" stays text. */
char *desk_highlight_to_pango (const char *marked);

/* A snippet of a Markdown article, as desk_highlight_to_pango() does, on
 * one line and without Markdown's marks (#, *, `, list bullets), which
 * mean nothing outside the rendered article. */
char *desk_highlight_snippet_to_pango (const char *marked);

/* A message's plain text as Pango markup: escaped, with its http(s)
 * addresses made links (a GtkLabel opens them). */
char *desk_text_to_linked_pango (const char *text);

/* The words of an inbox search marked in @text, for the rows it finds. */
char *desk_highlight_mark_words (const char *text, const char *search);

/* The same text without the marks. */
char *desk_highlight_to_plain (const char *marked);

G_END_DECLS
