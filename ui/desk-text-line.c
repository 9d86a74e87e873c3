/* desk-text-line.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-text-line"

#include "config.h"

#include "desk-text-line.h"

/* A line of text, or a few wrapped and ended with "…", that the side
 * panel's result rows show: their text changes with every keystroke.
 *
 * Why not a GtkLabel: a label whose text changes is laid out three times
 * in the next frame (its width for no width, its height for the row's
 * width, then its allocation), every one a full shaping of the text, and
 * it asks the whole window to measure again, which on X11 costs round trips
 * to the server. Ten rows of three labels took 5 ms of a frame's 8. This
 * widget keeps one PangoLayout at the width it has: new text is laid out
 * once, and the rows, the list and the window are measured again only when
 * the height changes (a snippet that now takes one line instead of two).
 * Its natural width is a number of characters, not its text's: a panel
 * does not change width with its results.
 *
 * The text is escaped by whoever gives markup (desk-highlight.c): markup
 * that does not parse is shown as text, as it came. */
struct _DeskTextLine
{
  GtkWidget parent_instance;

  PangoLayout *layout;
  char        *source; /* as given, to skip what changes nothing */
  gboolean     source_is_markup;
  guint        max_lines;
  guint        natural_chars;

  /* What the last vertical measure answered: while the text keeps that
   * height at that width, the size GTK keeps for the widget holds. */
  int measured_width; /* Pango units; 0 before the first measure */
  int measured_height;

  /* The width of an average character, for natural_chars */
  guint context_serial;
  int   char_width;
};

G_DEFINE_FINAL_TYPE (DeskTextLine, desk_text_line, GTK_TYPE_WIDGET)

/* @max_lines: 1 for a line, more to wrap; @natural_chars: the natural width
 * in average characters. */
GtkWidget *
desk_text_line_new (guint max_lines, guint natural_chars)
{
  DeskTextLine *self = g_object_new (DESK_TYPE_TEXT_LINE, NULL);

  self->max_lines = MAX (max_lines, 1);
  self->natural_chars = natural_chars;
  if (self->max_lines > 1)
    {
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (self->layout, -(int) self->max_lines);
    }

  return GTK_WIDGET (self);
}

/* The text shown, without markup. */
const char *
desk_text_line_get_text (DeskTextLine *self)
{
  g_return_val_if_fail (DESK_IS_TEXT_LINE (self), NULL);

  return pango_layout_get_text (self->layout);
}

/* The lines the text takes at the width the widget has. */
guint
desk_text_line_get_n_lines (DeskTextLine *self)
{
  g_return_val_if_fail (DESK_IS_TEXT_LINE (self), 0);

  return pango_layout_get_line_count (self->layout);
}

gboolean
desk_text_line_is_ellipsized (DeskTextLine *self)
{
  g_return_val_if_fail (DESK_IS_TEXT_LINE (self), FALSE);

  return pango_layout_is_ellipsized (self->layout);
}

/* After the text changed: the layout is still at the width it was last
 * measured for, so what it measures now tells whether the widget needs
 * another height. Rows out of sight are measured but not allocated: they
 * too keep their size when they can. */
static void
text_changed (DeskTextLine *self)
{
  int height;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pango_layout_get_text (self->layout), -1);

  /* A line is as tall at any width; wrapped text only at the one measured. */
  if (self->measured_width == 0 ||
      (self->max_lines > 1 && pango_layout_get_width (self->layout) != self->measured_width))
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  pango_layout_get_pixel_size (self->layout, NULL, &height);
  if (height != self->measured_height)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Pango takes only UTF-8: what is not is shown with U+FFFD in its place. */
static void
set_layout_text (DeskTextLine *self, const char *text, PangoAttrList *attributes)
{
  pango_layout_set_attributes (self->layout, attributes);
  if (g_utf8_validate (text, -1, NULL))
    pango_layout_set_text (self->layout, text, -1);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      pango_layout_set_text (self->layout, valid, -1);
    }
}

/* Shows @source, text or markup; nothing to do when it shows already. */
static void
set_source (DeskTextLine *self, const char *source, gboolean is_markup)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PangoAttrList) attributes = NULL;
  g_autofree char *text = NULL;

  if (source == NULL)
    source = "";
  if (self->source_is_markup == is_markup && g_strcmp0 (self->source, source) == 0)
    return;

  g_free (self->source);
  self->source = g_strdup (source);
  self->source_is_markup = is_markup;
  if (!is_markup)
    set_layout_text (self, source, NULL);
  else if (g_utf8_validate (source, -1, NULL) &&
           pango_parse_markup (source, -1, 0, &attributes, &text, NULL, &error))
    set_layout_text (self, text, attributes);
  else
    {
      g_warning ("Showing markup that does not parse as text: %s",
                 error ? error->message : "not UTF-8");
      set_layout_text (self, source, NULL);
    }
  text_changed (self);
}

void
desk_text_line_set_text (DeskTextLine *self, const char *text)
{
  g_return_if_fail (DESK_IS_TEXT_LINE (self));

  set_source (self, text, FALSE);
}

void
desk_text_line_set_markup (DeskTextLine *self, const char *markup)
{
  g_return_if_fail (DESK_IS_TEXT_LINE (self));

  set_source (self, markup, TRUE);
}

static int
get_char_width (DeskTextLine *self)
{
  PangoContext *context = pango_layout_get_context (self->layout);

  if (self->char_width == 0 || self->context_serial != pango_context_get_serial (context))
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

      self->char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics), PANGO_SCALE);
      self->context_serial = pango_context_get_serial (context);
      pango_font_metrics_unref (metrics);
    }
  return self->char_width;
}

static void
desk_text_line_measure (GtkWidget     *widget,
                        GtkOrientation orientation,
                        int            for_size,
                        int           *minimum,
                        int           *natural,
                        int           *minimum_baseline,
                        int           *natural_baseline)
{
  DeskTextLine *self = DESK_TEXT_LINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Ellipsized, any width will do. */
      *minimum = 0;
      *natural = PANGO_PIXELS_CEIL (get_char_width (self) * (int) self->natural_chars);
    }
  else
    {
      int height;

      /* Measured at the width it is then given, as list rows are: the
       * layout is the one drawn. */
      if (for_size >= 0)
        pango_layout_set_width (self->layout, for_size * PANGO_SCALE);
      pango_layout_get_pixel_size (self->layout, NULL, &height);
      *minimum = *natural = height;
      self->measured_width = pango_layout_get_width (self->layout);
      self->measured_height = height;
    }
}

/* A wrapped text is as tall as its width makes it. */
static GtkSizeRequestMode
desk_text_line_get_request_mode (GtkWidget *widget)
{
  return DESK_TEXT_LINE (widget)->max_lines > 1 ? GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH
                                                : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
desk_text_line_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  DeskTextLine *self = DESK_TEXT_LINE (widget);

  pango_layout_set_width (self->layout, width * PANGO_SCALE);
}

static void
desk_text_line_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DeskTextLine *self = DESK_TEXT_LINE (widget);
  GdkRGBA       color;

  /* gtk_widget_get_color() is GTK 4.10's. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_snapshot_append_layout (snapshot, self->layout, &color);
}

static void
update_alignment (DeskTextLine *self)
{
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;

  pango_layout_set_alignment (self->layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
}

static void
desk_text_line_direction_changed (GtkWidget *widget, GtkTextDirection previous)
{
  update_alignment (DESK_TEXT_LINE (widget));
  GTK_WIDGET_CLASS (desk_text_line_parent_class)->direction_changed (widget, previous);
}

static void
desk_text_line_finalize (GObject *object)
{
  DeskTextLine *self = DESK_TEXT_LINE (object);

  g_clear_object (&self->layout);
  g_free (self->source);

  G_OBJECT_CLASS (desk_text_line_parent_class)->finalize (object);
}

static void
desk_text_line_class_init (DeskTextLineClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = desk_text_line_finalize;

  widget_class->get_request_mode = desk_text_line_get_request_mode;
  widget_class->measure = desk_text_line_measure;
  widget_class->size_allocate = desk_text_line_size_allocate;
  widget_class->snapshot = desk_text_line_snapshot;
  widget_class->direction_changed = desk_text_line_direction_changed;

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
desk_text_line_init (DeskTextLine *self)
{
  /* The widget's own context, which follows its CSS font. */
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  self->max_lines = 1;
  update_alignment (self);
}
