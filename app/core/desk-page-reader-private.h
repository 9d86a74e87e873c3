/* desk-page-reader-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-records.h"

G_BEGIN_DECLS

/* A page of the message feed read from its JSON text, or NULL when it is
 * not in the plain shape this reads: then desk_page_from_json() must. */
DeskPage *_desk_message_page_read (const char *data, gsize length);
/* The same for the ticket feed. */
DeskPage *_desk_ticket_page_read (const char *data, gsize length);

G_END_DECLS
