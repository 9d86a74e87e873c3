/* desk-search-results.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-search-results"

#include "config.h"

#include "desk-result-row.h"
#include "desk-search-results.h"

/* GTK 4.8's list view builds a row for every item up to 200, in sight or
 * not, and lays each out: the items are handed to it a page at a time, the
 * next page when the list is scrolled near its end. A page is what the
 * list has room for and a quarter more, by the height of the rows shown
 * (PAGE_SIZE before any were). */
#define PAGE_SIZE 25
#define PAGE_SIZE_MIN 8

/* The results half of a side-panel page, shared by the knowledge base and
 * the canned replies: a heading, a list view of DeskResultItems (only the
 * rows in sight are built, and they are recycled) and an empty state that
 * says what to try. New results replace only the items that differ, so a
 * keystroke that leaves the results as they were changes no row. */
struct _DeskSearchResults
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel      *heading;
  GtkStack      *stack;
  GtkListView   *list_view;
  AdwStatusPage *empty_page;

  /* Owned */
  GListStore *items; /* the pages shown of all_items */
  GPtrArray  *all_items;

  /* Borrowed */
  GtkWidget *entry; /* weak */
};

G_DEFINE_FINAL_TYPE (DeskSearchResults, desk_search_results, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ICON_NAME,
  PROP_LIST_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ITEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
append_copies (DeskSearchResults *self, GPtrArray *items, guint from, guint n)
{
  g_autoptr (GPtrArray) copies = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (copies, desk_result_item_copy (g_ptr_array_index (items, i)));
  g_list_store_splice (self->items, from, 0, copies->pdata, n);
}

static guint
get_page_size (DeskSearchResults *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  guint          n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  double         row_height;

  if (n_shown == 0 || gtk_adjustment_get_upper (adjustment) <= 0 ||
      gtk_adjustment_get_page_size (adjustment) <= 0)
    return PAGE_SIZE;

  row_height = gtk_adjustment_get_upper (adjustment) / n_shown;
  return CLAMP ((guint) (gtk_adjustment_get_page_size (adjustment) * 1.25 / row_height) + 2,
                PAGE_SIZE_MIN, PAGE_SIZE);
}

/* Shows @items (DeskResultItem), a page at a time. The items shown are
 * copies, which change in place where the results differ: their rows
 * show the new text without being made anew (GTK 4.8's list view makes a
 * new row for every new item), and only items added at the end or
 * removed from it are told to the list view. */
void
desk_search_results_set_items (DeskSearchResults *self, GPtrArray *items)
{
  GListModel *model;
  guint       n_old, n_new;

  g_return_if_fail (DESK_IS_SEARCH_RESULTS (self));
  g_return_if_fail (items != NULL);

  model = G_LIST_MODEL (self->items);
  n_old = g_list_model_get_n_items (model);
  n_new = MIN (items->len, get_page_size (self));

  /* New results are read from the top. */
  if (n_old > 0 && n_new > 0)
    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), 0);

  for (guint i = 0; i < MIN (n_old, n_new); i++)
    {
      g_autoptr (DeskResultItem) shown = g_list_model_get_item (model, i);

      desk_result_item_update (shown, g_ptr_array_index (items, i));
    }
  if (n_new < n_old)
    g_list_store_splice (self->items, n_new, n_old - n_new, NULL, 0);
  else if (n_new > n_old)
    append_copies (self, items, n_old, n_new - n_old);

  g_clear_pointer (&self->all_items, g_ptr_array_unref);
  self->all_items = g_ptr_array_ref (items);

  if (n_new > 0)
    gtk_stack_set_visible_child_name (self->stack, "items");
}

void
desk_search_results_show_empty (DeskSearchResults *self, const char *title, const char *description)
{
  g_return_if_fail (DESK_IS_SEARCH_RESULTS (self));

  g_list_store_remove_all (self->items);
  g_clear_pointer (&self->all_items, g_ptr_array_unref);
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* The heading above the items; NULL hides it. */
void
desk_search_results_set_heading (DeskSearchResults *self, const char *heading)
{
  g_return_if_fail (DESK_IS_SEARCH_RESULTS (self));

  gtk_widget_set_visible (GTK_WIDGET (self->heading), heading != NULL);
  if (heading != NULL)
    gtk_label_set_text (self->heading, heading);
}

gboolean
desk_search_results_is_showing_items (DeskSearchResults *self)
{
  g_return_val_if_fail (DESK_IS_SEARCH_RESULTS (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "items") == 0 &&
         g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0;
}

/* The items shown, DeskResultItems. */
GListModel *
desk_search_results_get_model (DeskSearchResults *self)
{
  g_return_val_if_fail (DESK_IS_SEARCH_RESULTS (self), NULL);

  return G_LIST_MODEL (self->items);
}

/* The first item shown, or NULL. */
DeskResultItem *
desk_search_results_dup_first (DeskSearchResults *self)
{
  g_return_val_if_fail (DESK_IS_SEARCH_RESULTS (self), NULL);

  if (!desk_search_results_is_showing_items (self))
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->items), 0);
}

/* Moves the keyboard focus to the first row. */
gboolean
desk_search_results_focus_first (DeskSearchResults *self)
{
  g_return_val_if_fail (DESK_IS_SEARCH_RESULTS (self), FALSE);

  if (!desk_search_results_is_showing_items (self))
    return FALSE;

  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), 0);
  return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD) ||
         gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static gboolean
entry_key_pressed_cb (DeskSearchResults  *self,
                      guint               keyval,
                      guint               keycode,
                      GdkModifierType     state,
                      GtkEventController *controller)
{
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) == 0)
    return desk_search_results_focus_first (self);

  return FALSE;
}

/* Up on the first row goes back to the search entry. */
static gboolean
list_key_pressed_cb (DeskSearchResults  *self,
                     guint               keyval,
                     guint               keycode,
                     GdkModifierType     state,
                     GtkEventController *controller)
{
  g_autoptr (DeskResultItem) first = NULL;
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if ((keyval != GDK_KEY_Up && keyval != GDK_KEY_KP_Up) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || self->entry == NULL ||
      focus == NULL)
    return FALSE;

  /* The focus is on a row's list item, which holds the DeskResultRow. */
  if (!DESK_IS_RESULT_ROW (focus))
    focus = gtk_widget_get_first_child (focus);
  first = g_list_model_get_item (G_LIST_MODEL (self->items), 0);
  if (focus == NULL || !DESK_IS_RESULT_ROW (focus) || first == NULL ||
      desk_result_row_get_item (DESK_RESULT_ROW (focus)) != first)
    return FALSE;

  return gtk_widget_grab_focus (self->entry);
}

/* The Down arrow in @entry moves into the results, Up on their first row
 * back. */
void
desk_search_results_attach_entry (DeskSearchResults *self, GtkWidget *entry)
{
  GtkEventController *controller;

  g_return_if_fail (DESK_IS_SEARCH_RESULTS (self));
  g_return_if_fail (GTK_IS_WIDGET (entry));
  g_return_if_fail (self->entry == NULL);

  self->entry = entry;
  g_object_add_weak_pointer (G_OBJECT (entry), (gpointer *) &self->entry);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (entry, controller);
}

/* Near the end of the rows handed to the list view, the next page. */
static void
scrolled_cb (DeskSearchResults *self, GtkAdjustment *adjustment)
{
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint n_more;

  if (self->all_items == NULL || n_shown >= self->all_items->len ||
      gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) * 1.25 <
          gtk_adjustment_get_upper (adjustment))
    return;

  n_more = MIN (get_page_size (self), self->all_items->len - n_shown);
  append_copies (self, self->all_items, n_shown, n_more);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  gtk_list_item_set_child (list_item, desk_result_row_new ());
}

/* Rows keep their item when unbound: bound again to an item that shows the
 * same, they change nothing. */
static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  desk_result_row_set_item (DESK_RESULT_ROW (gtk_list_item_get_child (list_item)),
                            gtk_list_item_get_item (list_item));
}

static void
activate_cb (DeskSearchResults *self, guint position)
{
  g_autoptr (DeskResultItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  if (item != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, item);
}

static void
desk_search_results_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DeskSearchResults *self = DESK_SEARCH_RESULTS (object);

  switch (prop_id)
    {
      case PROP_ICON_NAME:
        g_value_set_string (value, adw_status_page_get_icon_name (self->empty_page));
        break;

      case PROP_LIST_LABEL:
        g_value_set_string (value, g_object_get_data (object, "list-label"));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_search_results_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DeskSearchResults *self = DESK_SEARCH_RESULTS (object);

  switch (prop_id)
    {
      case PROP_ICON_NAME:
        adw_status_page_set_icon_name (self->empty_page, g_value_get_string (value));
        g_object_notify_by_pspec (object, pspec);
        break;

      case PROP_LIST_LABEL:
        g_object_set_data_full (object, "list-label", g_value_dup_string (value), g_free);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, g_value_get_string (value),
                                        -1);
        g_object_notify_by_pspec (object, pspec);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_search_results_dispose (GObject *object)
{
  DeskSearchResults *self = DESK_SEARCH_RESULTS (object);
  GtkWidget         *child;

  if (self->entry != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->entry), (gpointer *) &self->entry);
  self->entry = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_SEARCH_RESULTS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->items);
  g_clear_pointer (&self->all_items, g_ptr_array_unref);

  G_OBJECT_CLASS (desk_search_results_parent_class)->dispose (object);
}

static void
desk_search_results_class_init (DeskSearchResultsClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_search_results_dispose;
  object_class->get_property = desk_search_results_get_property;
  object_class->set_property = desk_search_results_set_property;

  /* The empty state's icon. */
  properties[PROP_ICON_NAME] =
      g_param_spec_string ("icon-name", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The list's accessible name ("Articles"). */
  properties[PROP_LIST_LABEL] =
      g_param_spec_string ("list-label", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A row was clicked, or Enter pressed on it. */
  signals[ITEM_ACTIVATED] =
      g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, DESK_TYPE_RESULT_ITEM);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/agentdesk/AgentDesk/ui/desk-search-results.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskSearchResults, heading);
  gtk_widget_class_bind_template_child (widget_class, DeskSearchResults, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskSearchResults, list_view);
  gtk_widget_class_bind_template_child (widget_class, DeskSearchResults, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
desk_search_results_init (DeskSearchResults *self)
{
  g_autoptr (GtkNoSelection) selection = NULL;
  GtkEventController *controller;

  g_type_ensure (DESK_TYPE_RESULT_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (DESK_TYPE_RESULT_ITEM);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (list_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), controller);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)),
                           "value-changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)),
                           "changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}
