/* desk-account.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-account"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "desk-account-private.h"

/* The server URL lives in config_dir/account.ini, the token in the Secret
 * Service under the server's URL. Where no Secret Service runs, the token
 * goes to config_dir/token, a file only the person can read, and the
 * "warning" property says so. AGENT_DESK_TOKEN, when set, wins over both,
 * for scripts and tests.
 *
 * Files are read and written in worker threads; libsecret's async calls run
 * on the main loop. The token never appears in a log or an error, and every
 * copy of it is cleared before it is freed. */

#define ACCOUNT_FILE "account.ini"
#define TOKEN_FILE "token"
#define ACCOUNT_GROUP "Account"
#define SERVER_URL_KEY "server-url"
#define TOKEN_ENV "AGENT_DESK_TOKEN"
#define MAX_TOKEN_SIZE 4096

struct _DeskAccount
{
  GObject parent_instance;

  char            *config_dir;
  char            *server_url;
  char            *warning;
  DeskTokenStorage token_storage;
  guint            use_secret_service : 1;
};

enum
{
  PROP_0,
  PROP_CONFIG_DIR,
  PROP_SERVER_URL,
  PROP_TOKEN_STORAGE,
  PROP_WARNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DeskAccount, desk_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeskTokenStorage,
                    desk_token_storage,
                    G_DEFINE_ENUM_VALUE (DESK_TOKEN_STORAGE_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (DESK_TOKEN_STORAGE_ENVIRONMENT, "environment"),
                    G_DEFINE_ENUM_VALUE (DESK_TOKEN_STORAGE_SECRET_SERVICE, "secret-service"),
                    G_DEFINE_ENUM_VALUE (DESK_TOKEN_STORAGE_FILE, "file"))

static const SecretSchema token_schema = {
  .name = "io.github.agentdesk.AgentDesk.Token",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

/* What one operation carries between its steps. The worker threads only
 * read and write these fields while the main thread waits for them. */
typedef struct
{
  char *config_dir;
  char *server_url;
  char *token;
} Operation;

static void
operation_free (Operation *op)
{
  g_free (op->config_dir);
  g_free (op->server_url);
  g_clear_pointer (&op->token, secret_password_free);
  g_free (op);
}

static Operation *
operation_new (DeskAccount *self, const char *server_url, const char *token)
{
  Operation *op = g_new0 (Operation, 1);

  op->config_dir = g_strdup (self->config_dir);
  op->server_url = g_strdup (server_url);
  op->token = g_strdup (token);
  return op;
}

static void
set_state (DeskAccount *self, const char *server_url, DeskTokenStorage storage, const char *warning)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->server_url, server_url) != 0)
    {
      g_free (self->server_url);
      self->server_url = g_strdup (server_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
    }

  if (self->token_storage != storage)
    {
      self->token_storage = storage;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_STORAGE]);
    }

  if (g_strcmp0 (self->warning, warning) != 0)
    {
      g_free (self->warning);
      self->warning = g_strdup (warning);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static const char *
file_warning (void)
{
  return _ ("No keyring is running: the token is kept in a file only you can read");
}

/* Runs one file step of the operation that @task stands for in a worker,
 * then @callback on the main thread with @task as its user data. */
static void
run_in_thread (GTask *task, GTaskThreadFunc func, GAsyncReadyCallback callback)
{
  g_autoptr (GTask) step = NULL;

  step = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task), callback,
                     g_object_ref (task));
  g_task_set_source_tag (step, run_in_thread);
  g_task_set_task_data (step, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (step, func);
}

static gboolean
remove_file (const char *path, GError **error)
{
  if (g_remove (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Could not remove “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Reads the server URL from account.ini into op->server_url: NULL when
 * there is no account. */
static void
read_account_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (op->config_dir, ACCOUNT_FILE, NULL);
  g_autofree char *server_url = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }

      g_prefix_error (&error, _ ("Could not read “%s”: "), path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  server_url = g_key_file_get_string (key_file, ACCOUNT_GROUP, SERVER_URL_KEY, NULL);
  if (server_url != NULL && *server_url != '\0')
    {
      g_free (op->server_url);
      op->server_url = g_steal_pointer (&server_url);
    }

  g_task_return_boolean (task, TRUE);
}

/* Reads the token file into op->token, refusing a file that someone other
 * than its owner could open: the token is as good as a password. */
static void
read_token_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Operation       *op = task_data;
  g_autofree char *path = g_build_filename (op->config_dir, TOKEN_FILE, NULL);
  char             buffer[MAX_TOKEN_SIZE + 1];
  struct stat      st;
  gssize           length;
  int              saved_errno;
  int              fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                 _ ("Could not read the token file “%s”: %s"), path,
                                 g_strerror (saved_errno));
      return;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      g_close (fd, NULL);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _ ("Could not read the token file “%s”: %s"), path,
                               g_strerror (saved_errno));
      return;
    }

  if (!S_ISREG (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 0077) != 0)
    {
      g_close (fd, NULL);
      g_task_return_new_error (
          task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
          _ ("The token file “%s” is not private: other users could open it, so "
             "it is not used. Make it readable by you alone (chmod 600) or "
             "connect again."),
          path);
      return;
    }

  do
    length = read (fd, buffer, sizeof buffer);
  while (length < 0 && errno == EINTR);
  saved_errno = errno;
  g_close (fd, NULL);

  if (length < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _ ("Could not read the token file “%s”: %s"), path,
                               g_strerror (saved_errno));
    }
  else if (length > MAX_TOKEN_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _ ("The token file “%s” is too large to hold a token"), path);
    }
  else
    {
      gssize start = 0;

      /* Copy the token without the white space around it, so that no
       * stray copy of it is left behind. */
      while (start < length && g_ascii_isspace (buffer[start]))
        start++;
      while (length > start && g_ascii_isspace (buffer[length - 1]))
        length--;

      if (length > start)
        op->token = g_strndup (buffer + start, length - start);
      g_task_return_boolean (task, TRUE);
    }

  explicit_bzero (buffer, sizeof buffer);
}

/* Creates the configuration directory, private to the person, and writes
 * account.ini. */
static void
write_account_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (op->config_dir, ACCOUNT_FILE, NULL);
  g_autofree char *data = NULL;
  gsize            length;

  if (g_mkdir_with_parents (op->config_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _ ("Could not create the folder “%s”: %s"), op->config_dir,
                               g_strerror (saved_errno));
      return;
    }

  g_key_file_set_string (key_file, ACCOUNT_GROUP, SERVER_URL_KEY, op->server_url);
  data = g_key_file_to_data (key_file, &length, NULL);

  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
write_token_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Operation       *op = task_data;
  g_autofree char *path = g_build_filename (op->config_dir, TOKEN_FILE, NULL);
  g_autoptr (GError) error = NULL;

  /* The new file replaces the old one by a rename, so a token file that had
   * become readable by others is replaced by a private one. */
  if (!g_file_set_contents_full (path, op->token, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
remove_token_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Operation       *op = task_data;
  g_autofree char *path = g_build_filename (op->config_dir, TOKEN_FILE, NULL);
  g_autoptr (GError) error = NULL;

  if (!remove_file (path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_all_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Operation       *op = task_data;
  g_autofree char *token_path = g_build_filename (op->config_dir, TOKEN_FILE, NULL);
  g_autofree char *account_path = g_build_filename (op->config_dir, ACCOUNT_FILE, NULL);
  g_autoptr (GError) error = NULL;

  if (!remove_file (token_path, &error) || !remove_file (account_path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Loading */

static void
load_read_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (op->token != NULL)
    set_state (self, op->server_url, DESK_TOKEN_STORAGE_FILE, file_warning ());
  else
    set_state (self, op->server_url, DESK_TOKEN_STORAGE_NONE, NULL);

  g_task_return_pointer (task, g_steal_pointer (&op->token), (GDestroyNotify) secret_password_free);
}

static void
load_lookup_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  DeskAccount *self = g_task_get_source_object (task);
  Operation   *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    g_debug ("No token from the Secret Service, trying the token file: %s", error->message);

  if (token == NULL)
    {
      run_in_thread (task, read_token_thread, load_read_token_cb);
      return;
    }

  set_state (self, op->server_url, DESK_TOKEN_STORAGE_SECRET_SERVICE, NULL);
  g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
}

static void
load_read_account_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  const char *env_token;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  env_token = g_getenv (TOKEN_ENV);
  if (env_token != NULL && *env_token != '\0')
    {
      set_state (self, op->server_url, DESK_TOKEN_STORAGE_ENVIRONMENT, NULL);
      g_task_return_pointer (task, g_strdup (env_token), (GDestroyNotify) secret_password_free);
      return;
    }

  /* The token belongs to a server: without one there is no account. */
  if (op->server_url == NULL)
    {
      set_state (self, NULL, DESK_TOKEN_STORAGE_NONE, NULL);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (self->use_secret_service)
    secret_password_lookup (&token_schema, g_task_get_cancellable (task), load_lookup_cb,
                            g_object_ref (task), "server", op->server_url, NULL);
  else
    run_in_thread (task, read_token_thread, load_read_token_cb);
}

/**
 * desk_account_load_async:
 * @self: a #DeskAccount
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the account is loaded
 * @user_data: data for @callback
 *
 * Reads the server URL from account.ini in the configuration directory,
 * then the token: from AGENT_DESK_TOKEN when it is set, else from the
 * Secret Service, else from the token file, which must be private to the
 * person. Sets #DeskAccount:server-url, #DeskAccount:token-storage and
 * #DeskAccount:warning on success.
 */
void
desk_account_load_async (DeskAccount        *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DESK_IS_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_account_load_async);
  g_task_set_task_data (task, operation_new (self, NULL, NULL), (GDestroyNotify) operation_free);

  run_in_thread (task, read_account_thread, load_read_account_cb);
}

/**
 * desk_account_load_finish:
 * @self: a #DeskAccount
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the token, or %NULL with no error
 *   when there is none. Free it with secret_password_free() or g_free().
 */
char *
desk_account_load_finish (DeskAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_account_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Saving */

static void
save_write_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_state (self, op->server_url, DESK_TOKEN_STORAGE_FILE, file_warning ());
  g_task_return_boolean (task, TRUE);
}

static void
save_remove_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_state (self, op->server_url, DESK_TOKEN_STORAGE_SECRET_SERVICE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
save_store_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("The Secret Service did not store the token, using the token file: %s",
               error->message);
      run_in_thread (task, write_token_thread, save_write_token_cb);
      return;
    }

  /* The keyring has it now: a copy left in a file from a session without
   * one would only be a risk. */
  run_in_thread (task, remove_token_thread, save_remove_token_cb);
}

static void
save_write_account_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!self->use_secret_service)
    {
      run_in_thread (task, write_token_thread, save_write_token_cb);
      return;
    }

  /* Translators: the name of the token in the keyring, %s is the server's URL */
  label = g_strdup_printf (_ ("Agent Desk token for %s"), op->server_url);
  secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label, op->token,
                         g_task_get_cancellable (task), save_store_cb, g_object_ref (task),
                         "server", op->server_url, NULL);
}

/**
 * desk_account_save_async:
 * @self: a #DeskAccount
 * @server_url: the server's URL
 * @token: the person's API token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the account is saved
 * @user_data: data for @callback
 *
 * Writes account.ini, creating the configuration directory private to the
 * person if needed, and stores the token in the Secret Service. When that
 * fails, because no Secret Service runs, the token goes to a file only the
 * person can read and #DeskAccount:warning says so.
 */
void
desk_account_save_async (DeskAccount        *self,
                         const char         *server_url,
                         const char         *token,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DESK_IS_ACCOUNT (self));
  g_return_if_fail (server_url != NULL && *server_url != '\0');
  g_return_if_fail (token != NULL && *token != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_account_save_async);
  g_task_set_task_data (task, operation_new (self, server_url, token),
                        (GDestroyNotify) operation_free);

  run_in_thread (task, write_account_thread, save_write_account_cb);
}

gboolean
desk_account_save_finish (DeskAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_account_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Forgetting */

static void
forget_remove_all_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_state (self, NULL, DESK_TOKEN_STORAGE_NONE, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
forget_clear_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("Could not clear the token from the Secret Service: %s", error->message);
    }

  run_in_thread (task, remove_all_thread, forget_remove_all_cb);
}

static void
forget_read_account_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeskAccount *self = DESK_ACCOUNT (object);
  g_autoptr (GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  const char *server_url;

  /* An account.ini that cannot be read is removed all the same. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("Forgetting an unreadable account: %s", error->message);

  server_url = self->server_url != NULL ? self->server_url : op->server_url;

  if (self->use_secret_service && server_url != NULL)
    secret_password_clear (&token_schema, g_task_get_cancellable (task), forget_clear_cb,
                           g_object_ref (task), "server", server_url, NULL);
  else
    run_in_thread (task, remove_all_thread, forget_remove_all_cb);
}

/**
 * desk_account_forget_async:
 * @self: a #DeskAccount
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the account is forgotten
 * @user_data: data for @callback
 *
 * Signs out: removes the token from the Secret Service and the token file,
 * and removes account.ini.
 */
void
desk_account_forget_async (DeskAccount        *self,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (DESK_IS_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_account_forget_async);
  g_task_set_task_data (task, operation_new (self, NULL, NULL), (GDestroyNotify) operation_free);

  run_in_thread (task, read_account_thread, forget_read_account_cb);
}

gboolean
desk_account_forget_finish (DeskAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_account_forget_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The object */

static void
desk_account_finalize (GObject *object)
{
  DeskAccount *self = (DeskAccount *) object;

  g_clear_pointer (&self->config_dir, g_free);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->warning, g_free);

  G_OBJECT_CLASS (desk_account_parent_class)->finalize (object);
}

static void
desk_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskAccount *self = DESK_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_CONFIG_DIR:
        g_value_set_string (value, self->config_dir);
        break;

      case PROP_SERVER_URL:
        g_value_set_string (value, self->server_url);
        break;

      case PROP_TOKEN_STORAGE:
        g_value_set_enum (value, self->token_storage);
        break;

      case PROP_WARNING:
        g_value_set_string (value, self->warning);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DeskAccount *self = DESK_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_CONFIG_DIR:
        self->config_dir = g_value_dup_string (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_account_class_init (DeskAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_account_finalize;
  object_class->get_property = desk_account_get_property;
  object_class->set_property = desk_account_set_property;

  /**
   * DeskAccount:config-dir:
   *
   * The directory of account.ini and, without a Secret Service, the token file.
   */
  properties[PROP_CONFIG_DIR] =
      g_param_spec_string ("config-dir", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * DeskAccount:server-url:
   *
   * The server's URL, or %NULL when there is no account.
   */
  properties[PROP_SERVER_URL] =
      g_param_spec_string ("server-url", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * DeskAccount:token-storage:
   *
   * Where the token was last loaded from or saved to.
   */
  properties[PROP_TOKEN_STORAGE] = g_param_spec_enum (
      "token-storage", NULL, NULL, DESK_TYPE_TOKEN_STORAGE, DESK_TOKEN_STORAGE_NONE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * DeskAccount:warning:
   *
   * A sentence for the person about how the token is kept, or %NULL when
   * there is nothing to say.
   */
  properties[PROP_WARNING] =
      g_param_spec_string ("warning", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
desk_account_init (DeskAccount *self)
{
  self->use_secret_service = TRUE;
}

/**
 * desk_account_new:
 * @config_dir: the directory for account.ini and the fallback token file,
 *   created private to the person when the account is first saved
 *
 * Returns: (transfer full): a new #DeskAccount, not loaded yet
 */
DeskAccount *
desk_account_new (const char *config_dir)
{
  g_return_val_if_fail (config_dir != NULL, NULL);

  return g_object_new (DESK_TYPE_ACCOUNT, "config-dir", config_dir, NULL);
}

const char *
desk_account_get_server_url (DeskAccount *self)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), NULL);

  return self->server_url;
}

DeskTokenStorage
desk_account_get_token_storage (DeskAccount *self)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), DESK_TOKEN_STORAGE_NONE);

  return self->token_storage;
}

const char *
desk_account_get_warning (DeskAccount *self)
{
  g_return_val_if_fail (DESK_IS_ACCOUNT (self), NULL);

  return self->warning;
}

void
_desk_account_set_use_secret_service (DeskAccount *self, gboolean use_secret_service)
{
  g_return_if_fail (DESK_IS_ACCOUNT (self));

  self->use_secret_service = !!use_secret_service;
}
