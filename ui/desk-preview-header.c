/* desk-preview-header.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-preview-header"

#include "config.h"

#include "desk-preview-header.h"

/* The top of a side-panel preview (an article, a canned reply): a back
 * button, which activates "back-action-name", beside the title and a line
 * of details. */
struct _DeskPreviewHeader
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkButton *back_button;
  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
};

G_DEFINE_FINAL_TYPE (DeskPreviewHeader, desk_preview_header, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_BACK_ACTION_NAME,
  PROP_BACK_TOOLTIP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
desk_preview_header_get_title (DeskPreviewHeader *self)
{
  g_return_val_if_fail (DESK_IS_PREVIEW_HEADER (self), NULL);

  return gtk_label_get_text (self->title_label);
}

void
desk_preview_header_set_title (DeskPreviewHeader *self, const char *title)
{
  g_return_if_fail (DESK_IS_PREVIEW_HEADER (self));

  if (g_strcmp0 (title, gtk_label_get_text (self->title_label)) == 0)
    return;
  gtk_label_set_text (self->title_label, title ? title : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
desk_preview_header_get_subtitle (DeskPreviewHeader *self)
{
  g_return_val_if_fail (DESK_IS_PREVIEW_HEADER (self), NULL);

  return gtk_label_get_text (self->subtitle_label);
}

void
desk_preview_header_set_subtitle (DeskPreviewHeader *self, const char *subtitle)
{
  g_return_if_fail (DESK_IS_PREVIEW_HEADER (self));

  if (g_strcmp0 (subtitle, gtk_label_get_text (self->subtitle_label)) == 0)
    return;
  gtk_label_set_text (self->subtitle_label, subtitle ? subtitle : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

static void
desk_preview_header_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskPreviewHeader *self = DESK_PREVIEW_HEADER (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        g_value_set_string (value, desk_preview_header_get_title (self));
        break;

      case PROP_SUBTITLE:
        g_value_set_string (value, desk_preview_header_get_subtitle (self));
        break;

      case PROP_BACK_ACTION_NAME:
        g_value_set_string (value,
                            gtk_actionable_get_action_name (GTK_ACTIONABLE (self->back_button)));
        break;

      case PROP_BACK_TOOLTIP:
        g_value_set_string (value, gtk_widget_get_tooltip_text (GTK_WIDGET (self->back_button)));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_preview_header_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DeskPreviewHeader *self = DESK_PREVIEW_HEADER (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        desk_preview_header_set_title (self, g_value_get_string (value));
        break;

      case PROP_SUBTITLE:
        desk_preview_header_set_subtitle (self, g_value_get_string (value));
        break;

      case PROP_BACK_ACTION_NAME:
        gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button),
                                        g_value_get_string (value));
        g_object_notify_by_pspec (object, pspec);
        break;

      case PROP_BACK_TOOLTIP:
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button), g_value_get_string (value));
        g_object_notify_by_pspec (object, pspec);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_preview_header_dispose (GObject *object)
{
  DeskPreviewHeader *self = DESK_PREVIEW_HEADER (object);
  GtkWidget         *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_PREVIEW_HEADER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (desk_preview_header_parent_class)->dispose (object);
}

static void
desk_preview_header_class_init (DeskPreviewHeaderClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_preview_header_dispose;
  object_class->get_property = desk_preview_header_get_property;
  object_class->set_property = desk_preview_header_set_property;

  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUBTITLE] =
      g_param_spec_string ("subtitle", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* What the back button activates ("kb.back"). */
  properties[PROP_BACK_ACTION_NAME] =
      g_param_spec_string ("back-action-name", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The back button's tooltip, which names it ("Back to Articles"). */
  properties[PROP_BACK_TOOLTIP] =
      g_param_spec_string ("back-tooltip", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/agentdesk/AgentDesk/ui/desk-preview-header.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskPreviewHeader, back_button);
  gtk_widget_class_bind_template_child (widget_class, DeskPreviewHeader, title_label);
  gtk_widget_class_bind_template_child (widget_class, DeskPreviewHeader, subtitle_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
desk_preview_header_init (DeskPreviewHeader *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
