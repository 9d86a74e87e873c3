/* desk-markdown.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Knowledge-base articles are CommonMark, parsed by libcmark. Article
 * bodies come from the server and are data: nothing in them becomes markup
 * unless a Markdown construct put it there. Raw HTML (blocks and inline)
 * and Pango markup written in the source come out as the text they are.
 * Invalid UTF-8 is replaced with U+FFFD first. The functions that return
 * text return a new string, never NULL: "" for NULL or empty input. They
 * are pure, and safe to call from any thread. */

/* Pango markup for a GtkLabel with use-markup (and wrap) set. It always
 * parses, as GtkLabel parses it: Pango markup plus <a href="…"> links.
 *
 * - Headings: bold, levels 1 to 3 larger (xx-large, x-large, large).
 * - Blocks are separated by a blank line; the items of a tight list by a
 *   line break.
 * - Emphasis <i>, strong <b>, code spans and code blocks <tt>.
 * - Lists: "• " or "1. " (the list's own start number and delimiter), with
 *   each level of nesting indented by spaces (up to 8 levels of lists and
 *   quotes; deeper ones are not indented further).
 * - Block quotes: indented and in italics.
 * - Links: <a href="…">text</a> when desk_markdown_link_is_allowed(),
 *   otherwise their text alone; images are their description.
 * - Thematic breaks: a line of "─".
 *
 * Connect to GtkLabel::activate-link to open links the desk's own way;
 * every href it sees passed desk_markdown_link_is_allowed(). */
char *desk_markdown_to_pango (const char *markdown);

/* The article as plain text, laid out as desk_markdown_to_pango() lays it
 * out but without markup; block quotes are marked with "> " as in email
 * rather than indented. For copying the article into a reply. (For a
 * selection in the preview label, gtk_label_get_text() is the text shown,
 * and the same as this but for the quote marks.) */
char *desk_markdown_to_plain (const char *markdown);

/* The first paragraph as plain text, for "Insert excerpt": the first one at
 * the top level of the article (after any headings), or, when the article
 * has none, the first one inside a list or quote. Inline markup is
 * dropped: links and images become their text, code spans their code.
 * Soft line breaks become spaces (none between two CJK characters). "" when
 * the article has no paragraph. */
char *desk_markdown_first_paragraph (const char *markdown);

/* Whether a link target is shown as a link: http, https and mailto URIs,
 * with any letter case in the scheme. Everything else, javascript:, data:,
 * file: and relative links included, is shown as text. */
gboolean desk_markdown_link_is_allowed (const char *uri);

G_END_DECLS
