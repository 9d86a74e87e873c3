/* desk-window.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-view-row.h"
#include "desk-window.h"

struct _DeskWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwLeaflet     *leaflet;
  GtkListBox     *views_list;
  AdwWindowTitle *inbox_title;
  AdwWindowTitle *conversation_title;
  GtkPaned       *side_panel_paned;
  GtkWidget      *side_panel;
  AdwViewStack   *side_panel_stack;

  /* Owned */
  GSettings *settings;

  guint side_panel_visible : 1;
};

G_DEFINE_FINAL_TYPE (DeskWindow, desk_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SIDE_PANEL_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DeskWindow *
desk_window_new (DeskApplication *application)
{
  return g_object_new (DESK_TYPE_WINDOW, "application", application, NULL);
}

gboolean
desk_window_get_side_panel_visible (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), FALSE);

  return self->side_panel_visible;
}

void
desk_window_set_side_panel_visible (DeskWindow *self, gboolean side_panel_visible)
{
  g_return_if_fail (DESK_IS_WINDOW (self));

  side_panel_visible = !!side_panel_visible;
  if (side_panel_visible == self->side_panel_visible)
    return;

  self->side_panel_visible = side_panel_visible;
  gtk_widget_set_visible (self->side_panel, side_panel_visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDE_PANEL_VISIBLE]);
}

static void
desk_window_select_view (DeskWindow *self, DeskViewRow *row)
{
  adw_window_title_set_title (self->inbox_title, desk_view_row_get_title (row));
  g_settings_set_string (self->settings, "last-view", desk_view_row_get_view_id (row));
}

static void
views_list_row_activated_cb (DeskWindow *self, GtkListBoxRow *row)
{
  desk_window_select_view (self, DESK_VIEW_ROW (row));
  adw_leaflet_set_visible_child_name (self->leaflet, "inbox");
}

static void
desk_window_restore_last_view (DeskWindow *self)
{
  g_autofree char *last_view = g_settings_get_string (self->settings, "last-view");
  GtkListBoxRow   *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->views_list, i)); i++)
    {
      if (g_strcmp0 (desk_view_row_get_view_id (DESK_VIEW_ROW (row)), last_view) == 0 || i == 0)
        {
          gtk_list_box_select_row (self->views_list, row);
          desk_window_select_view (self, DESK_VIEW_ROW (row));
        }
    }
}

static void
desk_window_show_views_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static void
desk_window_show_inbox_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "inbox");
}

static void
desk_window_close_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
desk_window_close_request (GtkWindow *window)
{
  DeskWindow *self = DESK_WINDOW (window);
  int         width;
  int         height;

  /* The default size is the unmaximised one, which is what we restore. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (desk_window_parent_class)->close_request (window);
}

static void
desk_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskWindow *self = DESK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SIDE_PANEL_VISIBLE:
        g_value_set_boolean (value, desk_window_get_side_panel_visible (self));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DeskWindow *self = DESK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SIDE_PANEL_VISIBLE:
        desk_window_set_side_panel_visible (self, g_value_get_boolean (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_window_dispose (GObject *object)
{
  DeskWindow *self = DESK_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (desk_window_parent_class)->dispose (object);
}

static const char *exposed_children[] = {
  "sidebar_pane",       "inbox_pane",           "conversation_pane",    "inbox_empty",
  "conversation_empty", "knowledge_base_empty", "canned_replies_empty", "training_empty",
};

static void
desk_window_class_init (DeskWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = desk_window_dispose;
  object_class->get_property = desk_window_get_property;
  object_class->set_property = desk_window_set_property;

  window_class->close_request = desk_window_close_request;

  properties[PROP_SIDE_PANEL_VISIBLE] =
      g_param_spec_boolean ("side-panel-visible", NULL, NULL, TRUE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/desk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, views_list);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel_paned);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, side_panel_stack);
  gtk_widget_class_bind_template_callback (widget_class, views_list_row_activated_cb);

  /* Not used from C, but reachable with gtk_widget_get_template_child() for
   * the tests that check the panes and their empty states. */
  for (guint i = 0; i < G_N_ELEMENTS (exposed_children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, exposed_children[i], FALSE, 0);

  gtk_widget_class_install_action (widget_class, "win.close", NULL, desk_window_close_action);
  gtk_widget_class_install_action (widget_class, "win.show-views", NULL,
                                   desk_window_show_views_action);
  gtk_widget_class_install_action (widget_class, "win.show-inbox", NULL,
                                   desk_window_show_inbox_action);
  gtk_widget_class_install_property_action (widget_class, "win.toggle-side-panel",
                                            "side-panel-visible");

  g_type_ensure (DESK_TYPE_VIEW_ROW);
}

static void
desk_window_init (DeskWindow *self)
{
  int width;
  int height;

  self->side_panel_visible = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "side-panel-position", self->side_panel_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "side-panel-visible", self, "side-panel-visible",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "side-panel-page", self->side_panel_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  desk_window_restore_last_view (self);
}
