/* desk-html.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An e-mail's HTML body as the text a person reads: parsed by libxml2's
 * HTML parser (never by hand), scripts, styles and comments dropped,
 * blocks and <br> as line breaks, list items as bullets, a link's address
 * after its text when they differ. The result is plain text, to be shown
 * as such. */
char *desk_html_to_text (const char *html, gssize length);

G_END_DECLS
