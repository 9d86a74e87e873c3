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
 * whatever the article says. set_item() only sets text, and nothing when
 * the item shows the same.
 *
 * Built in code, not from a template: GTK 4.8's list view makes a new row
 * for each new item (up to 200 of them, in sight or not), and parsing a
 * template for each cost more than the rest of the row together. */
struct _DeskResultRow
{
  GtkWidget parent_instance;

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

static void
show_item (DeskResultRow *self)
{
  DeskResultItem *item = self->item;

  gtk_widget_set_visible (GTK_WIDGET (self->badge_label),
                          desk_result_item_get_badge (item) != NULL);
  if (desk_result_item_get_badge (item) != NULL)
    gtk_label_set_text (self->badge_label, desk_result_item_get_badge (item));
  if (desk_result_item_has_title_markup (item))
    gtk_label_set_markup (self->title_label, desk_result_item_get_title_markup (item));
  else
    gtk_label_set_text (self->title_label, desk_result_item_get_title (item));
  gtk_label_set_text (self->meta_label, desk_result_item_get_meta (item));
  gtk_widget_set_visible (GTK_WIDGET (self->meta_label), desk_result_item_get_meta (item) != NULL);
  set_optional_markup (self->snippet_label, desk_result_item_get_snippet_markup (item));
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

static GtkLabel *
add_label (DeskResultRow *self, const char *style, const char *more_style)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  if (more_style != NULL)
    gtk_widget_add_css_class (label, more_style);
  gtk_widget_set_parent (label, GTK_WIDGET (self));

  return GTK_LABEL (label);
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
  self->badge_label = add_label (self, "caption-heading", "accent");
  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), FALSE);
  self->title_label = add_label (self, "heading", NULL);
  gtk_label_set_single_line_mode (self->title_label, TRUE);
  self->meta_label = add_label (self, "caption", "dim-label");
  gtk_label_set_single_line_mode (self->meta_label, TRUE);
  /* Two lines at most, wrapped within the row's width. */
  self->snippet_label = add_label (self, NULL, NULL);
  gtk_label_set_wrap (self->snippet_label, TRUE);
  gtk_label_set_wrap_mode (self->snippet_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (self->snippet_label, 2);
  gtk_label_set_width_chars (self->snippet_label, 20);
  gtk_label_set_max_width_chars (self->snippet_label, 60);
  gtk_widget_set_visible (GTK_WIDGET (self->snippet_label), FALSE);
}
