/* main.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agent-desk"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "desk-application.h"
#include "desk-demo.h"

int
main (int argc, char *argv[])
{
  g_autoptr (DeskApplication) app = NULL;
  const char *localedir;

  /* `make run` points this at the translations of the build directory. */
  localedir = g_getenv ("AGENT_DESK_LOCALEDIR");
  if (localedir == NULL)
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Agent Desk"));

  app = desk_application_new (G_APPLICATION_DEFAULT_FLAGS);
  desk_application_set_demo_starter (app, desk_demo_start);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
