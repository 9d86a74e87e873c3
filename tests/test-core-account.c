/* test-core-account.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-account"

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "desk-account-private.h"

#define TOKEN "adk_test_5f2c9e41b7"

/* Each test works in a configuration directory of its own, which does not
 * exist yet: the account creates it. */
typedef struct
{
  char *parent;
  char *config_dir;
  char *server_url;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->parent = g_dir_make_tmp ("desk-account-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->config_dir = g_build_filename (fixture->parent, "config", "agent-desk", NULL);
  /* A URL of its own, so that a test that meets a real keyring never
   * touches anything but its own item, which it removes. */
  fixture->server_url = g_strdup_printf ("https://desk-%08x.invalid/", g_random_int ());
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *config = g_build_filename (fixture->parent, "config", NULL);
  g_autofree char *token = g_build_filename (fixture->config_dir, "token", NULL);
  g_autofree char *account = g_build_filename (fixture->config_dir, "account.ini", NULL);

  g_unlink (token);
  g_unlink (account);
  g_rmdir (fixture->config_dir);
  g_rmdir (config);
  g_rmdir (fixture->parent);
  g_free (fixture->server_url);
  g_free (fixture->config_dir);
  g_free (fixture->parent);
}

static void
store_result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
load (DeskAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  desk_account_load_async (account, NULL, store_result_cb, &result);
  return desk_account_load_finish (account, wait_for (&result), error);
}

static gboolean
save (DeskAccount *account, const char *server_url, const char *token, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  desk_account_save_async (account, server_url, token, NULL, store_result_cb, &result);
  return desk_account_save_finish (account, wait_for (&result), error);
}

static gboolean
forget (DeskAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  desk_account_forget_async (account, NULL, store_result_cb, &result);
  return desk_account_forget_finish (account, wait_for (&result), error);
}

static guint
file_mode (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf         st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static gboolean
file_exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
assert_saved_in_place (Fixture *fixture, DeskAccount *account)
{
  switch (desk_account_get_token_storage (account))
    {
      case DESK_TOKEN_STORAGE_FILE:
        g_assert_cmpuint (file_mode (fixture->config_dir, "token"), ==, 0600);
        g_assert_nonnull (desk_account_get_warning (account));
        break;

      case DESK_TOKEN_STORAGE_SECRET_SERVICE:
        g_assert_false (file_exists (fixture->config_dir, "token"));
        g_assert_null (desk_account_get_warning (account));
        break;

      case DESK_TOKEN_STORAGE_NONE:
      case DESK_TOKEN_STORAGE_ENVIRONMENT:
      default:
        g_error ("A saved token is in the keyring or in the file, not %d",
                 (int) desk_account_get_token_storage (account));
    }
}

/* Save then load through whichever storage this session has: the Secret
 * Service when one runs, the private file otherwise. */
static void
test_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (DeskAccount) loaded = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (desk_account_get_server_url (account), ==, fixture->server_url);
  assert_saved_in_place (fixture, account);

  token = load (loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
  g_assert_cmpstr (desk_account_get_server_url (loaded), ==, fixture->server_url);
  g_assert_cmpint (desk_account_get_token_storage (loaded), ==,
                   desk_account_get_token_storage (account));
  g_assert_cmpstr (desk_account_get_warning (loaded), ==, desk_account_get_warning (account));

  g_assert_true (forget (loaded, &error));
  g_assert_no_error (error);
}

/* Without a Secret Service the token goes to a file only the person can
 * read, and the account says so. */
static void
test_file_fallback (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (DeskAccount) loaded = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = g_build_filename (fixture->config_dir, "token", NULL);
  g_autofree char *contents = NULL;

  _desk_account_set_use_secret_service (account, FALSE);
  _desk_account_set_use_secret_service (loaded, FALSE);

  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_account_get_token_storage (account), ==, DESK_TOKEN_STORAGE_FILE);
  g_assert_nonnull (desk_account_get_warning (account));
  g_assert_cmpuint (file_mode (fixture->config_dir, "token"), ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, TOKEN);

  token = load (loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
  g_assert_cmpint (desk_account_get_token_storage (loaded), ==, DESK_TOKEN_STORAGE_FILE);
  g_assert_nonnull (desk_account_get_warning (loaded));
}

/* AGENT_DESK_TOKEN wins over a stored token. */
static void
test_environment (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);

  g_setenv ("AGENT_DESK_TOKEN", "adk_from_environment", TRUE);
  token = load (account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "adk_from_environment");
  g_assert_cmpstr (desk_account_get_server_url (account), ==, fixture->server_url);
  g_assert_cmpint (desk_account_get_token_storage (account), ==, DESK_TOKEN_STORAGE_ENVIRONMENT);
  g_assert_null (desk_account_get_warning (account));
  g_unsetenv ("AGENT_DESK_TOKEN");

  g_assert_true (forget (account, &error));
  g_assert_no_error (error);
}

/* A token file that others could read is refused, with an error that
 * names the file and not the token. */
static void
test_insecure_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = g_build_filename (fixture->config_dir, "token", NULL);

  _desk_account_set_use_secret_service (account, FALSE);
  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  token = load (account, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (strstr (error->message, TOKEN));
  g_clear_error (&error);

  /* Saving again replaces it with a private file. */
  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (fixture->config_dir, "token"), ==, 0600);
  token = load (account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
}

/* Signing out removes the token from where it was and the settings. */
static void
test_forget (Fixture *fixture, gconstpointer data)
{
  gboolean use_secret_service = GPOINTER_TO_INT (data);
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (DeskAccount) loaded = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  _desk_account_set_use_secret_service (account, use_secret_service);
  _desk_account_set_use_secret_service (loaded, use_secret_service);

  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_true (forget (account, &error));
  g_assert_no_error (error);
  g_assert_null (desk_account_get_server_url (account));
  g_assert_cmpint (desk_account_get_token_storage (account), ==, DESK_TOKEN_STORAGE_NONE);
  g_assert_null (desk_account_get_warning (account));
  g_assert_false (file_exists (fixture->config_dir, "token"));
  g_assert_false (file_exists (fixture->config_dir, "account.ini"));

  token = load (loaded, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_null (desk_account_get_server_url (loaded));
  g_assert_cmpint (desk_account_get_token_storage (loaded), ==, DESK_TOKEN_STORAGE_NONE);
}

/* No account yet: no token, no error. */
static void
test_no_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;

  token = load (account, &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_null (desk_account_get_server_url (account));
  g_assert_cmpint (desk_account_get_token_storage (account), ==, DESK_TOKEN_STORAGE_NONE);
  g_assert_false (g_file_test (fixture->config_dir, G_FILE_TEST_EXISTS));
}

/* A missing configuration directory is created, private to the person. */
static void
test_config_dir (Fixture *fixture, gconstpointer data)
{
  g_autoptr (DeskAccount) account = desk_account_new (fixture->config_dir);
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  _desk_account_set_use_secret_service (account, FALSE);
  g_assert_false (g_file_test (fixture->config_dir, G_FILE_TEST_EXISTS));

  g_assert_true (save (account, fixture->server_url, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fixture->config_dir, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpuint (file_mode (fixture->config_dir, "account.ini"), ==, 0600);
}

int
main (int argc, char *argv[])
{
  /* Before any thread starts: a token in the environment of whoever runs
   * the tests would win over every stored one. */
  g_unsetenv ("AGENT_DESK_TOKEN");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Desk/Account/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/Desk/Account/file-fallback", Fixture, NULL, fixture_set_up, test_file_fallback,
              fixture_tear_down);
  g_test_add ("/Desk/Account/environment", Fixture, NULL, fixture_set_up, test_environment,
              fixture_tear_down);
  g_test_add ("/Desk/Account/insecure-file", Fixture, NULL, fixture_set_up, test_insecure_file,
              fixture_tear_down);
  g_test_add ("/Desk/Account/forget/file", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_forget, fixture_tear_down);
  g_test_add ("/Desk/Account/forget/any", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_forget, fixture_tear_down);
  g_test_add ("/Desk/Account/no-account", Fixture, NULL, fixture_set_up, test_no_account,
              fixture_tear_down);
  g_test_add ("/Desk/Account/config-dir", Fixture, NULL, fixture_set_up, test_config_dir,
              fixture_tear_down);

  return g_test_run ();
}
