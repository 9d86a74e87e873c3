/* desk-result-row.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-result-row"

#include "config.h"

#include "desk-result-row.h"
#include "desk-text-line.h"

/* A row of a side panel's results: an optional badge ("Suggested"), the
 * title on one line, a line of details and up to two lines of snippet.
 * Each is a DeskTextLine, bounded in lines, so measuring a row costs the
 * same whatever the article says, and a row whose new text keeps its
 * height is only drawn again. set_item() only sets text, and nothing when
 * the item shows the same.
 *
 * Built in code, not from a template: GTK 4.8's list view makes a new row
 * for each new item (up to 200 of them, in sight or not), and parsing a
 * template for each cost more than the rest of the row together. */
struct _DeskResultRow
{
  GtkWidget parent_instance;

  DeskTextLine *badge_line;
  DeskTextLine *title_line;
  DeskTextLine *meta_line;
  DeskTextLine *snippet_line;

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
show_item (DeskResultRow *self)
{
  DeskResultItem *item = self->item;
  const char     *badge = desk_result_item_get_badge (item);
  const char     *meta = desk_result_item_get_meta (item);
  const char     *snippet = desk_result_item_get_snippet_markup (item);

  gtk_widget_set_visible (GTK_WIDGET (self->badge_line), badge != NULL);
  if (badge != NULL)
    desk_text_line_set_text (self->badge_line, badge);
  if (desk_result_item_has_title_markup (item))
    desk_text_line_set_markup (self->title_line, desk_result_item_get_title_markup (item));
  else
    desk_text_line_set_text (self->title_line, desk_result_item_get_title (item));
  gtk_widget_set_visible (GTK_WIDGET (self->meta_line), meta != NULL);
  if (meta != NULL)
    desk_text_line_set_text (self->meta_line, meta);
  gtk_widget_set_visible (GTK_WIDGET (self->snippet_line), snippet != NULL);
  if (snippet != NULL)
    desk_text_line_set_markup (self->snippet_line, snippet);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  desk_result_item_get_title (item), -1);
}

void
desk_result_row_set_item (DeskResultRow *self, DeskResultItem *item)
{
  gboolean same;

  g_return_if_fail (DESK_IS_RESULT_ROW (self));
  g_return_if_fail (item == NULL || DESK_IS_RESULT_ITEM (item));

  if (item == self->item)
    return;

  same = item != NULL && self->item != NULL && desk_result_item_equal (item, self->item);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, show_item, self);
  g_set_object (&self->item, item);
  if (item == NULL)
    return;

  g_signal_connect_object (item, "changed", G_CALLBACK (show_item), self, G_CONNECT_SWAPPED);
  if (!same)
    show_item (self);
}

static void
desk_result_row_dispose (GObject *object)
{
  DeskResultRow *self = DESK_RESULT_ROW (object);
  GtkWidget     *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, show_item, self);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (desk_result_row_parent_class)->dispose (object);
}

static void
desk_result_row_class_init (DeskResultRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_result_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "deskresultrow");
}

static DeskTextLine *
add_line (DeskResultRow *self, guint max_lines, const char *style, const char *more_style)
{
  GtkWidget *line = desk_text_line_new (max_lines, 30);

  if (style != NULL)
    gtk_widget_add_css_class (line, style);
  if (more_style != NULL)
    gtk_widget_add_css_class (line, more_style);
  gtk_widget_set_parent (line, GTK_WIDGET (self));

  return DESK_TEXT_LINE (line);
}

static void
desk_result_row_init (DeskResultRow *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 2);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);

  /* "Suggested" */
  self->badge_line = add_line (self, 1, "caption-heading", "accent");
  gtk_widget_set_visible (GTK_WIDGET (self->badge_line), FALSE);
  self->title_line = add_line (self, 1, "heading", NULL);
  self->meta_line = add_line (self, 1, "caption", "dim-label");
  /* Two lines at most, wrapped within the row's width. */
  self->snippet_line = add_line (self, 2, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->snippet_line), FALSE);
}
