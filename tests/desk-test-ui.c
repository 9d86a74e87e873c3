/* desk-test-ui.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-test-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "desk-test-ui.h"

/* A stand-in for GNOME Shell's notifications service, on the test's
 * session bus: it keeps what the app sends. */
static GPtrArray  *notifications;        /* "id\ntitle\nbody" */
static GHashTable *notification_details; /* id → the a{sv} the app sent */

static const char notifications_xml[] =
    "<node><interface name='org.gtk.Notifications'>"
    "<method name='AddNotification'><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='a{sv}' direction='in'/></method>"
    "<method name='RemoveNotification'><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/></method>"
    "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method, "AddNotification"))
    {
      g_autoptr (GVariant) notification = NULL;
      const char *id;
      const char *title = "";
      const char *body = "";

      g_variant_get (parameters, "(&s&s@a{sv})", NULL, &id, &notification);
      g_variant_lookup (notification, "title", "&s", &title);
      g_variant_lookup (notification, "body", "&s", &body);
      g_ptr_array_add (notifications, g_strdup_printf ("%s\n%s\n%s", id, title, body));
      g_hash_table_replace (notification_details, g_strdup (id), g_variant_ref (notification));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notifications_service (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL };
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;

  notifications = g_ptr_array_new_with_free_func (g_free);
  notification_details =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  g_assert_nonnull (bus);
  g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0], &vtable,
                                     NULL, NULL, NULL);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.gtk.Notifications", 0), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
}

GPtrArray *
desk_test_get_notifications (void)
{
  return notifications;
}

void
desk_test_init (int *argc, char ***argv)
{
  const char *localedir = g_getenv ("AGENT_DESK_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (argc, argv, NULL);

  /* A session bus of the test's own: UI tests run side by side, and each
   * registers the app's id and the notifications service on it. */
  {
    static GTestDBus *bus;
    g_autofree char  *display = g_strdup (g_getenv ("DISPLAY"));

    bus = g_test_dbus_new (G_TEST_DBUS_NONE);
    g_test_dbus_up (bus);
    /* GTestDBus unsets it, against X11's autolaunch of a bus. */
    if (display != NULL)
      g_setenv ("DISPLAY", display, TRUE);
  }

  gtk_init ();
  adw_init ();

  /* The app notifies of customers' messages: every UI test has a
   * notifications service to tell, as a desktop has. */
  start_notifications_service ();
}

/* Runs the main context until nothing is pending, a few times over, so that
 * idle handlers queued by handlers also run. */
void
desk_test_iterate (void)
{
  for (guint round = 0; round < 3; round++)
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  gboolean *painted = user_data;

  *painted = TRUE;
}

void
desk_test_wait_for_draw (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean       painted = FALSE;
  gulong         handler;
  /* Generous: under ASan, with other tests beside, a frame can take long. */
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);

  desk_test_iterate ();
}

void
desk_test_save_screenshot (GtkWidget *widget, const char *filename)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer     *renderer;
  int              width = 0;
  int              height = 0;

  /* A widget whose allocation is pending snapshots to nothing: let the frame
   * clock run until it has settled. */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      desk_test_wait_for_draw (widget);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", filename, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);
}

/* For WAIT_FOR: sets the gboolean at @user_data. */
gboolean
desk_test_timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* What the person's click on notification @id does: activates its default
 * action on @app, as the notifications service would. FALSE when there is
 * no such notification or it has no default action. */
gboolean
desk_test_click_notification (GApplication *app, const char *id)
{
  GVariant *notification =
      notification_details ? g_hash_table_lookup (notification_details, id) : NULL;
  const char *action = NULL;
  g_autoptr (GVariant) target = NULL;

  if (notification == NULL || !g_variant_lookup (notification, "default-action", "&s", &action) ||
      !g_str_has_prefix (action, "app."))
    return FALSE;

  target = g_variant_lookup_value (notification, "default-action-target", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), action + strlen ("app."), target);
  return TRUE;
}

/* The first widget under @root, @root included, depth first, that @match
 * takes; with @visible_only, hidden widgets and all they hold are passed
 * over. */
GtkWidget *
desk_test_find_widget (GtkWidget          *root,
                       gboolean            visible_only,
                       DeskTestWidgetMatch match,
                       gconstpointer       data)
{
  if (visible_only && !gtk_widget_get_visible (root))
    return NULL;
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = desk_test_find_widget (child, visible_only, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}
