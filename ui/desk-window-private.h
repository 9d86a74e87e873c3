/* desk-window-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-composer-assist.h"
#include "desk-window.h"

G_BEGIN_DECLS

DeskComposerAssist *_desk_window_get_composer_assist (DeskWindow *self);

G_END_DECLS
