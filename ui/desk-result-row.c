/* desk-result-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-result-row"

#include "config.h"

#include "desk-result-row.h"

/* A row of a side panel's results: an optional badge ("Suggested"), the
 * title on one line, a line of details and up to two lines of snippet.
 * Every label is bounded in lines, so measuring a row costs the same
 * whatever the article says. DeskSearchResults' list view recycles rows:
 * set_item() only sets text, and nothing when the item shows the same. */
struct _DeskResultRow
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel *badge_label;
  GtkLabel *title_label;
  GtkLabel *meta_label;
  GtkLabel *snippet_label;

  /* Owned */
  DeskResultItem *item;
};

G_DEFINE_FINAL_TYPE (DeskResultRow, desk_result_row, GTK_TYPE_WIDGET)

GtkWidget *
desk_result_row_new (void)
{
  return g_object_new (DESK_TYPE_RESULT_ROW, NULL);
}

DeskResultItem *
desk_result_row_get_item (DeskResultRow *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ROW (self), NULL);

  return self->item;
}

static void
set_optional_markup (GtkLabel *label, const char *markup)
{
  gtk_widget_set_visible (GTK_WIDGET (label), markup != NULL);
  if (markup != NULL && g_strcmp0 (gtk_label_get_label (label), markup) != 0)
    gtk_label_set_markup (label, markup);
}

void
desk_result_row_set_item (DeskResultRow *self, DeskResultItem *item)
{
  g_return_if_fail (DESK_IS_RESULT_ROW (self));
  g_return_if_fail (item == NULL || DESK_IS_RESULT_ITEM (item));

  if (item == self->item ||
      (item != NULL && self->item != NULL && desk_result_item_equal (item, self->item)))
    {
      g_set_object (&self->item, item);
      return;
    }
  g_set_object (&self->item, item);
  if (item == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->badge_label),
                          desk_result_item_get_badge (item) != NULL);
  if (desk_result_item_get_badge (item) != NULL)
    gtk_label_set_text (self->badge_label, desk_result_item_get_badge (item));
  gtk_label_set_markup (self->title_label, desk_result_item_get_title_markup (item));
  gtk_label_set_text (self->meta_label, desk_result_item_get_meta (item));
  gtk_widget_set_visible (GTK_WIDGET (self->meta_label), desk_result_item_get_meta (item) != NULL);
  set_optional_markup (self->snippet_label, desk_result_item_get_snippet_markup (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  desk_result_item_get_title (item), -1);
}

static void
desk_result_row_dispose (GObject *object)
{
  DeskResultRow *self = DESK_RESULT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_RESULT_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (desk_result_row_parent_class)->dispose (object);
}

static void
desk_result_row_class_init (DeskResultRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_result_row_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/agentdesk/AgentDesk/ui/desk-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskResultRow, badge_label);
  gtk_widget_class_bind_template_child (widget_class, DeskResultRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DeskResultRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, DeskResultRow, snippet_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "deskresultrow");
}

static void
desk_result_row_init (DeskResultRow *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);
}
