/* desk-demo.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-demo"

#include "config.h"

#include "desk-demo.h"
#include "desk-server.h"

/* The demo desk: the reference server in this process, on a port of its
 * own on 127.0.0.1, with its data under @data_dir, seeded once, and a
 * customer simulator so that chats come in. The app signs in as the team
 * lead of the demo staff, who sees every queue. */

#define DEMO_USER_EMAIL "lin.wei@koinhaven.example"
#define DEMO_CHATS_PER_MINUTE 0.5

static char *
find_demo_data (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo", NULL);

  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);

  /* Run from the build directory. */
  return g_build_filename (SOURCE_DATADIR, "demo", NULL);
}

GObject *
desk_demo_start (const char *data_dir, char **base_url, char **token, GError **error)
{
  g_autoptr (DeskServer) server = NULL;
  g_autofree char *demo_data = find_demo_data ();
  gint64           user_id;

  server = desk_server_new (data_dir, error);
  if (server == NULL || !desk_server_seed_demo (server, demo_data, error) ||
      !desk_server_listen (server, "127.0.0.1", 0, error))
    return NULL;

  user_id = desk_server_find_user (server, DEMO_USER_EMAIL);
  if (user_id == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The demo desk has no team lead to sign in as");
      return NULL;
    }

  *token = desk_server_create_token (server, user_id, error);
  if (*token == NULL)
    return NULL;
  *base_url = desk_server_dup_base_url (server);

  desk_server_start_simulator (server, DEMO_CHATS_PER_MINUTE);

  return G_OBJECT (g_steal_pointer (&server));
}
