/* desk-account-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-account.h"

G_BEGIN_DECLS

/* Lets the tests take the path a session without a Secret Service takes,
 * whether or not one runs where they do. */
void _desk_account_set_use_secret_service (DeskAccount *self, gboolean use_secret_service);

G_END_DECLS
