/* main.c — agent-desk-server
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "agent-desk-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "desk-enums.h"
#include "desk-json.h"
#include "desk-server.h"

static char *
default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "agent-desk-server", NULL);
}

static double simulate_rate;

/* --simulate takes an optional value, which GOption allows only here. */
static gboolean
simulate_option_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  simulate_rate = value ? g_ascii_strtod (value, NULL) : 1;
  if (simulate_rate <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--simulate: expected a positive number of chats a minute");
      return FALSE;
    }

  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_listen (const char *listen, char **address, guint *port, GError **error)
{
  const char *colon = listen ? strrchr (listen, ':') : NULL;
  guint64     value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen: expected ADDRESS:PORT, such as 127.0.0.1:8080");
      return FALSE;
    }

  *address = g_strndup (listen, colon - listen);
  *port = value;
  return TRUE;
}

static int
run_token_create (DeskServer *server, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *role_name = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *queues = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GArray) queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64       user_id;
  int          role;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name, "agent, trainee, lead or admin", "ROLE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "The person's name", "NAME" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Their email (reuses an existing user)",
      "EMAIL" },
    { "queues", 0, 0, G_OPTION_ARG_STRING, &queues, "Queue ids, such as 1,2 (default: all)",
      "IDS" },
    { NULL }
  };

  context = g_option_context_new ("— create a user's API token");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (role_name == NULL || name == NULL || !desk_enum_from_nick (DESK_TYPE_ROLE, role_name, &role))
    {
      g_printerr ("token create: --role agent|trainee|lead|admin and --name NAME are required\n");
      return 2;
    }

  if (queues != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (queues, ",", -1);

      for (guint i = 0; parts[i]; i++)
        {
          gint64 id;

          if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, 1, G_MAXINT64, &id, NULL))
            {
              g_printerr ("--queues: “%s” is not a queue id\n", parts[i]);
              return 2;
            }
          g_array_append_val (queue_ids, id);
        }
    }
  else
    for (gint64 id = 1; id <= 4; id++)
      g_array_append_val (queue_ids, id);

  user_id = email ? desk_server_find_user (server, email) : 0;
  if (user_id == 0)
    user_id = desk_server_create_user (server, name, email, role, (gint64 *) queue_ids->data,
                                       queue_ids->len, &error);
  if (user_id == 0 || !(token = desk_server_create_token (server, user_id, &error)))
    {
      g_printerr ("Could not create the token: %s\n", error->message);
      return 1;
    }

  /* The only time the token is shown: the server keeps its hash. */
  g_print ("%s\n", token);
  return 0;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *address = NULL;
  gint64           max_body = 1024 * 1024;
  double           rate_limit = 200;
  guint            port = 8080;
  GOptionEntry     entries[] = {
        { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the database lives", "DIR" },
        { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address and port (127.0.0.1:8080)",
          "ADDR:PORT" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Load the demo desk (demo) on first start",
          "demo" },
        { "simulate", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, simulate_option_cb,
          "Simulate customers opening live chats (RATE chats a minute, default 1)", "RATE" },
        { "max-body", 0, 0, G_OPTION_ARG_INT64, &max_body, "Largest JSON body in bytes (1 MiB)",
          "BYTES" },
        { "rate-limit", 0, 0, G_OPTION_ARG_DOUBLE, &rate_limit, "Requests a second per token (200)",
          "N" },
        { NULL }
  };

  setlocale (LC_ALL, "");

  context =
      g_option_context_new ("[token create --role ROLE --name NAME | import kb|canned|quizzes "
                            "FILE]");
  g_option_context_set_summary (context, "The reference helpdesk server for Agent Desk.");
  g_option_context_add_main_entries (context, entries, NULL);
  /* Sub-commands keep their own options. */
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (data_dir == NULL)
    data_dir = default_data_dir ();
  server = desk_server_new (data_dir, &error);
  if (server == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (argc >= 3 && g_str_equal (argv[1], "token") && g_str_equal (argv[2], "create"))
    return run_token_create (server, argc - 2, argv + 2);

  if (argc >= 2 && g_str_equal (argv[1], "import"))
    {
      if (argc != 4)
        {
          g_printerr ("Usage: agent-desk-server import kb|canned|quizzes FILE.json\n");
          return 2;
        }
      if (!desk_server_import_file (server, argv[2], argv[3], &error))
        {
          g_printerr ("Import failed, nothing was changed: %s\n", error->message);
          return 1;
        }
      g_print ("Imported %s\n", argv[3]);
      return 0;
    }

  if (argc > 1)
    {
      g_printerr ("Unknown command “%s”; see --help\n", argv[1]);
      return 2;
    }

  if (listen != NULL && !parse_listen (listen, &address, &port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (max_body <= 0 || rate_limit <= 0)
    {
      g_printerr ("--max-body and --rate-limit must be positive\n");
      return 2;
    }
  desk_server_set_max_body_size (server, max_body);
  desk_server_set_rate_limit (server, rate_limit, (guint) MAX (1, rate_limit * 2));

  if (seed != NULL)
    {
      g_autofree char *demo_dir = NULL;

      if (!g_str_equal (seed, "demo"))
        {
          g_printerr ("--seed: the only seed is “demo”\n");
          return 2;
        }
      demo_dir = g_build_filename (PKGDATADIR, "demo", NULL);
      if (!g_file_test (demo_dir, G_FILE_TEST_IS_DIR))
        {
          g_free (demo_dir);
          demo_dir = g_build_filename (SOURCE_DATADIR, "demo", NULL);
        }
      if (!desk_server_seed_demo (server, demo_dir, &error))
        {
          g_printerr ("Could not load the demo desk: %s\n", error->message);
          return 1;
        }
    }

  if (!desk_server_listen (server, address ? address : "127.0.0.1", port, &error))
    {
      g_printerr ("Could not listen: %s\n", error->message);
      return 1;
    }

  if (simulate_rate > 0)
    desk_server_start_simulator (server, simulate_rate);

  {
    g_autofree char *url = NULL;

    url = g_strdup_printf ("http://%s:%u", address ? address : "127.0.0.1",
                           desk_server_get_port (server));
    g_print ("Listening on %s\n", url);
  }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  desk_server_disconnect (server);
  return 0;
}
