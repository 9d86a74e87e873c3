/* test-core-client.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-client"

#include "config.h"

#include "desk-client.h"

/* DeskClient against a hostile little server in the same process. */

typedef struct
{
  SoupServer *server;
  char       *base_url;
  guint       hits_500;
  guint       hits_429;
  GMainLoop  *loop;
  JsonNode   *node;
  GError     *error;
  guint       status;
} Fixture;

static void
hostile_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (path, "/ok"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"hello\":\"世界\"}", strlen ("{\"hello\":\"世界\"}"));
  else if (g_str_equal (path, "/malformed"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"items\":[",
                                      10);
  else if (g_str_equal (path, "/utf8"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"a\":\"\xff\xfe\"}", 10);
  else if (g_str_equal (path, "/huge"))
    {
      gsize size = 50 * 1024 * 1024;
      char *body = g_malloc (size);

      memset (body, 'x', size);
      body[0] = '"';
      body[size - 1] = '"';
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, size);
    }
  else if (g_str_equal (path, "/500"))
    {
      fixture->hits_500++;
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  else if (g_str_equal (path, "/429"))
    {
      if (fixture->hits_429++ == 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "1");
          soup_server_message_set_status (msg, 429, NULL);
          return;
        }
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Never answers: the client's timeout must end the wait. */
      soup_server_message_pause (msg);
      return;
    }
  else if (g_str_equal (path, "/forbidden"))
    {
      const char *body = "{\"error\":{\"code\":\"forbidden\",\"message\":\"Trainees may not\"}}";

      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body,
                                        strlen (body));
      return;
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, hostile_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->base_url, g_free);
  g_clear_pointer (&fixture->loop, g_main_loop_unref);
  g_clear_pointer (&fixture->node, json_node_unref);
  g_clear_error (&fixture->error);
}

static void
request_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->node =
      desk_client_request_finish (DESK_CLIENT (object), result, &fixture->status, &fixture->error);
  g_main_loop_quit (fixture->loop);
}

static void
request (Fixture *fixture, DeskClient *client, const char *path, DeskRequestFlags flags)
{
  g_clear_pointer (&fixture->node, json_node_unref);
  g_clear_error (&fixture->error);
  desk_client_request_async (client, "GET", path, NULL, NULL, flags, NULL, request_cb, fixture);
  g_main_loop_run (fixture->loop);
}

static void
test_ok (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskClient) client = desk_client_new (fixture->base_url, "secret");

  request (fixture, client, "/ok", DESK_REQUEST_RETRY);
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (fixture->node), "hello"),
                   ==, "世界");
}

static void
test_hostile_answers (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskClient) client = desk_client_new (fixture->base_url, "secret");

  desk_client_set_max_response_size (client, 8 * 1024 * 1024);

  request (fixture, client, "/malformed", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL);
  g_assert_null (fixture->node);

  request (fixture, client, "/utf8", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (fixture->error->message, "UTF-8"));

  request (fixture, client, "/huge", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_PROTOCOL);

  request (fixture, client, "/forbidden", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (fixture->error->message, "Trainees may not"));

  request (fixture, client, "/nowhere", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_NOT_FOUND);
}

static void
test_retries (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskClient) client = desk_client_new (fixture->base_url, "secret");
  gint64 start;

  desk_client_set_max_retries (client, 2);

  /* 500 is retried when the request may be repeated, then reported. */
  request (fixture, client, "/500", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_SERVER);
  g_assert_cmpuint (fixture->hits_500, ==, 3);

  fixture->hits_500 = 0;
  request (fixture, client, "/500", DESK_REQUEST_DEFAULT);
  g_assert_cmpuint (fixture->hits_500, ==, 1);

  /* 429 waits as long as Retry-After says, then succeeds. */
  start = g_get_monotonic_time ();
  request (fixture, client, "/429", DESK_REQUEST_RETRY);
  g_assert_no_error (fixture->error);
  g_assert_cmpuint (fixture->hits_429, ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
}

static void
test_offline_and_timeout (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskClient) dead = desk_client_new ("http://127.0.0.1:1", NULL);
  g_autoptr (DeskClient) client = desk_client_new (fixture->base_url, "secret");

  desk_client_set_max_retries (dead, 0);
  request (fixture, dead, "/ok", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_OFFLINE);

  desk_client_set_max_retries (client, 0);
  desk_client_set_timeout (client, 1);
  request (fixture, client, "/slow", DESK_REQUEST_RETRY);
  g_assert_error (fixture->error, DESK_CLIENT_ERROR, DESK_CLIENT_ERROR_OFFLINE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Desk/Core/Client/ok", Fixture, NULL, fixture_setup, test_ok, fixture_teardown);
  g_test_add ("/Desk/Core/Client/hostile-answers", Fixture, NULL, fixture_setup,
              test_hostile_answers, fixture_teardown);
  g_test_add ("/Desk/Core/Client/retries", Fixture, NULL, fixture_setup, test_retries,
              fixture_teardown);
  g_test_add ("/Desk/Core/Client/offline-and-timeout", Fixture, NULL, fixture_setup,
              test_offline_and_timeout, fixture_teardown);

  return g_test_run ();
}
