/* desk-application-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "desk-application.h"

G_BEGIN_DECLS

struct _DeskApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char      *server_url;
  guint      demo : 1;
};

void _desk_application_actions_init (DeskApplication *self);

G_END_DECLS
