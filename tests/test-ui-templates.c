/* test-ui-templates.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-templates"

#include "config.h"

#include "desk-test-ui.h"
#include "desk-ui-types.h"

#define UI_PATH RESOURCE_PREFIX "/ui/"

/* The class of a widget template, or NULL for a plain builder file. */
static char *
template_class_of (const char *resource)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const char *data;
  const char *start;
  const char *end;

  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, NULL);

  start = strstr (data, "<template class=\"");
  if (start == NULL)
    return NULL;
  start += strlen ("<template class=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);

  return g_strndup (start, end - start);
}

/* Every .ui file in the resources must load on the oldest stack we support
 * (GTK 4.8, libadwaita 1.2): a template by instantiating its class, any other
 * file through GtkBuilder. */
static void
test_every_ui_file_loads (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  guint templates = 0;

  names = g_resources_enumerate_children (UI_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (names);

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *resource = g_strconcat (UI_PATH, names[i], NULL);
      g_autofree char *class_name = NULL;
      GType            type;
      GObject         *object;

      if (!g_str_has_suffix (names[i], ".ui"))
        continue;

      g_test_message ("Loading %s", resource);
      class_name = template_class_of (resource);

      if (class_name == NULL)
        {
          g_autoptr (GtkBuilder) builder = gtk_builder_new ();

          gtk_builder_add_from_resource (builder, resource, &error);
          g_assert_no_error (error);
          for (GSList *l = gtk_builder_get_objects (builder); l; l = g_slist_delete_link (l, l))
            if (GTK_IS_WINDOW (l->data))
              gtk_window_destroy (l->data);
          continue;
        }

      type = g_type_from_name (class_name);
      if (type == 0)
        g_error ("%s is the template of %s, a type desk_ui_ensure_types() does not register",
                 resource, class_name);

      object = g_object_new (type, NULL);
      g_assert_true (GTK_IS_WIDGET (object));
      if (GTK_IS_WINDOW (object))
        gtk_window_destroy (GTK_WINDOW (object));
      else
        g_object_unref (g_object_ref_sink (object));
      templates++;
    }

  g_assert_cmpuint (templates, >, 0);
}

int
main (int argc, char *argv[])
{
  desk_test_init (&argc, &argv);
  desk_ui_ensure_types ();

  g_test_add_func ("/Desk/UI/Templates/every-ui-file-loads", test_every_ui_file_loads);

  return g_test_run ();
}
