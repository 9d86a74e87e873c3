/* desk-composer-assist-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-composer-assist.h"

G_BEGIN_DECLS

/* What a key press in the reply does while the popover is open; tests call
 * it as the key controller does, GTK 4 having no way to synthesise keys. */
gboolean
_desk_composer_assist_key_pressed (DeskComposerAssist *self, guint keyval, GdkModifierType state);

G_END_DECLS
