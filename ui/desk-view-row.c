/* desk-view-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-view-row"

#include "config.h"

#include "desk-view-row.h"

/* One saved view of the inbox in the sidebar ("My Queue", "Solved", a queue). */
struct _DeskViewRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkImage *icon;
  GtkLabel *title_label;
  GtkLabel *count_label;

  /* Owned */
  char *view_id;
};

G_DEFINE_FINAL_TYPE (DeskViewRow, desk_view_row, GTK_TYPE_LIST_BOX_ROW)

enum
{
  PROP_0,
  PROP_VIEW_ID,
  PROP_ICON_NAME,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
desk_view_row_get_view_id (DeskViewRow *self)
{
  g_return_val_if_fail (DESK_IS_VIEW_ROW (self), NULL);

  return self->view_id;
}

const char *
desk_view_row_get_title (DeskViewRow *self)
{
  g_return_val_if_fail (DESK_IS_VIEW_ROW (self), NULL);

  return gtk_label_get_label (self->title_label);
}

/* How many tickets the view holds; a negative count hides the number. */
void
desk_view_row_set_count (DeskViewRow *self, gint64 count)
{
  g_autofree char *text = NULL;

  g_return_if_fail (DESK_IS_VIEW_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->count_label), count >= 0);
  if (count < 0)
    return;

  text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  gtk_label_set_text (self->count_label, text);
}

static void
desk_view_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskViewRow *self = DESK_VIEW_ROW (object);

  switch (prop_id)
    {
      case PROP_VIEW_ID:
        g_value_set_string (value, self->view_id);
        break;

      case PROP_ICON_NAME:
        g_value_set_string (value, gtk_image_get_icon_name (self->icon));
        break;

      case PROP_TITLE:
        g_value_set_string (value, gtk_label_get_label (self->title_label));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_view_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DeskViewRow *self = DESK_VIEW_ROW (object);

  switch (prop_id)
    {
      case PROP_VIEW_ID:
        g_free (self->view_id);
        self->view_id = g_value_dup_string (value);
        break;

      case PROP_ICON_NAME:
        gtk_image_set_from_icon_name (self->icon, g_value_get_string (value));
        break;

      case PROP_TITLE:
        gtk_label_set_label (self->title_label, g_value_get_string (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_view_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DESK_TYPE_VIEW_ROW);

  G_OBJECT_CLASS (desk_view_row_parent_class)->dispose (object);
}

static void
desk_view_row_finalize (GObject *object)
{
  DeskViewRow *self = DESK_VIEW_ROW (object);

  g_clear_pointer (&self->view_id, g_free);

  G_OBJECT_CLASS (desk_view_row_parent_class)->finalize (object);
}

static void
desk_view_row_class_init (DeskViewRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_view_row_dispose;
  object_class->finalize = desk_view_row_finalize;
  object_class->get_property = desk_view_row_get_property;
  object_class->set_property = desk_view_row_set_property;

  properties[PROP_VIEW_ID] = g_param_spec_string (
      "view-id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/desk-view-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskViewRow, icon);
  gtk_widget_class_bind_template_child (widget_class, DeskViewRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DeskViewRow, count_label);
}

static void
desk_view_row_init (DeskViewRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
