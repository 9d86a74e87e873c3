/* desk-result-item.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-result-item"

#include "config.h"

#include "desk-result-item.h"

/* What a row of the knowledge base's or the canned replies' results shows,
 * made once when the results come in: binding a row to it only sets its
 * labels' text. DeskSearchResults updates the items it shows in place
 * ("changed"), so that their rows show new results without being made
 * anew. */
struct _DeskResultItem
{
  GObject parent_instance;

  gint64 id;
  char  *title;
  char  *title_markup;
  char  *meta;
  char  *snippet_markup;
  char  *badge;

  gboolean has_title_markup;
};

G_DEFINE_FINAL_TYPE (DeskResultItem, desk_result_item, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

DeskResultItem *
desk_result_item_new (gint64      id,
                      const char *title,
                      const char *title_markup,
                      const char *meta,
                      const char *snippet_markup,
                      const char *badge)
{
  DeskResultItem *self = g_object_new (DESK_TYPE_RESULT_ITEM, NULL);

  self->id = id;
  self->title = g_strdup (title ? title : "");
  self->title_markup = g_strdup (title_markup);
  self->has_title_markup = title_markup != NULL;
  self->meta = g_strdup (meta);
  self->snippet_markup = g_strdup (snippet_markup);
  self->badge = g_strdup (badge);

  return self;
}

gint64
desk_result_item_get_id (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), 0);

  return self->id;
}

const char *
desk_result_item_get_title (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  return self->title;
}

/* The title as markup: the plain title escaped when none was given. */
const char *
desk_result_item_get_title_markup (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  if (self->title_markup == NULL)
    self->title_markup = g_markup_escape_text (self->title, -1);
  return self->title_markup;
}

/* Whether the title came as markup (with highlights), not as text. */
gboolean
desk_result_item_has_title_markup (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), FALSE);

  return self->has_title_markup;
}

const char *
desk_result_item_get_meta (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  return self->meta;
}

const char *
desk_result_item_get_snippet_markup (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  return self->snippet_markup;
}

const char *
desk_result_item_get_badge (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  return self->badge;
}

/* Whether two items show the same: a row showing one need not change for
 * the other. */
gboolean
desk_result_item_equal (DeskResultItem *a, DeskResultItem *b)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (a), FALSE);
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (b), FALSE);

  if (a == b)
    return TRUE;
  return a->id == b->id && g_str_equal (a->title, b->title) &&
         g_strcmp0 (desk_result_item_get_title_markup (a), desk_result_item_get_title_markup (b)) ==
             0 &&
         g_strcmp0 (a->meta, b->meta) == 0 &&
         g_strcmp0 (a->snippet_markup, b->snippet_markup) == 0 &&
         g_strcmp0 (a->badge, b->badge) == 0;
}

DeskResultItem *
desk_result_item_copy (DeskResultItem *self)
{
  g_return_val_if_fail (DESK_IS_RESULT_ITEM (self), NULL);

  return desk_result_item_new (self->id, self->title,
                               self->has_title_markup ? self->title_markup : NULL, self->meta,
                               self->snippet_markup, self->badge);
}

/* Makes @self show what @from shows, and says so with "changed". */
void
desk_result_item_update (DeskResultItem *self, DeskResultItem *from)
{
  g_return_if_fail (DESK_IS_RESULT_ITEM (self));
  g_return_if_fail (DESK_IS_RESULT_ITEM (from));

  if (desk_result_item_equal (self, from))
    return;

  self->id = from->id;
  g_free (self->title);
  self->title = g_strdup (from->title);
  g_free (self->title_markup);
  self->title_markup = from->has_title_markup ? g_strdup (from->title_markup) : NULL;
  self->has_title_markup = from->has_title_markup;
  g_free (self->meta);
  self->meta = g_strdup (from->meta);
  g_free (self->snippet_markup);
  self->snippet_markup = g_strdup (from->snippet_markup);
  g_free (self->badge);
  self->badge = g_strdup (from->badge);

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
desk_result_item_finalize (GObject *object)
{
  DeskResultItem *self = DESK_RESULT_ITEM (object);

  g_free (self->title);
  g_free (self->title_markup);
  g_free (self->meta);
  g_free (self->snippet_markup);
  g_free (self->badge);

  G_OBJECT_CLASS (desk_result_item_parent_class)->finalize (object);
}

static void
desk_result_item_class_init (DeskResultItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = desk_result_item_finalize;

  /* What the item shows changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
desk_result_item_init (DeskResultItem *self)
{
}
