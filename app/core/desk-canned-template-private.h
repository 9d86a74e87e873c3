/* desk-canned-template-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-canned-template.h"

G_BEGIN_DECLS

/* The greeting form of a person's name (see
 * desk_canned_template_values_new() for the rule), or NULL when there is
 * none. @locale may be NULL. */
char *_desk_canned_first_name (const char *name, const char *locale);

G_END_DECLS
