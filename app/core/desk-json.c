/* desk-json.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-json"

#include "config.h"

#include "desk-json.h"
#include "desk-time.h"

/* The API's documents nest a handful of levels deep. */
#define MAX_DEPTH 64

G_DEFINE_QUARK (desk - json - error - quark, desk_json_error)

char *
desk_json_path (const char *parent, const char *member)
{
  if (parent == NULL || *parent == '\0')
    return g_strdup (member);

  return g_strconcat (parent, ".", member, NULL);
}

char *
desk_json_path_index (const char *parent, guint index)
{
  return g_strdup_printf ("%s[%u]", parent ? parent : "", index);
}

static gboolean
fail (GError **error, int code, const char *path, const char *member, const char *what)
{
  g_autofree char *full = desk_json_path (path, member);

  g_set_error (error, DESK_JSON_ERROR, code, "%s: %s", full ? full : "(document)", what);
  return FALSE;
}

/* The UTF-16 code unit of the \uXXXX escape at @p, or -1. */
static int
escape_unit (const char *p, const char *end)
{
  int unit = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;

  for (int i = 2; i < 6; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }

  return unit;
}

/* What json-glib lets through and must not be: it recurses once a level of
 * nesting with no limit of its own, so that a few hundred kilobytes of "["
 * overflow the stack; it decodes an escaped half of a surrogate pair
 * ("\ud800" alone) to bytes that are not UTF-8, which would then reach the
 * cache and the widgets; and it spends 100 to 300 bytes on each value, so
 * that a few megabytes of "{}," take gigabytes. One pass over the document,
 * before parsing it, that counts one value for each array, object and comma:
 * never fewer than there are. */
static gboolean
check_document (const char *data, gsize length, guint max_values, GError **error)
{
  const char *end = data + length;
  gboolean    in_string = FALSE;
  guint       depth = 0;
  guint       values = 1;

  for (const char *p = data; p < end; p++)
    {
      if (!in_string)
        {
          switch (*p)
            {
              case '"':
                in_string = TRUE;
                break;

              case '[':
              case '{':
                if (++depth > MAX_DEPTH)
                  {
                    g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX,
                                 "the document nests deeper than %d levels", MAX_DEPTH);
                    return FALSE;
                  }
                G_GNUC_FALLTHROUGH;

              case ',':
                if (++values > max_values)
                  {
                    g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX,
                                 "the document holds more than %u values", max_values);
                    return FALSE;
                  }
                break;

              case ']':
              case '}':
                if (depth > 0)
                  depth--;
                break;

              default:
                break;
            }
        }
      else if (*p == '"')
        in_string = FALSE;
      else if (*p == '\\')
        {
          int unit = escape_unit (p, end);
          int low = unit >= 0xd800 && unit <= 0xdbff ? escape_unit (p + 6, end) : -1;

          if (unit >= 0xd800 && unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff)
            p += 6; /* a whole pair: skip to its second half */
          else if (unit >= 0xd800 && unit <= 0xdfff)
            {
              g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX,
                           "the document is not valid UTF-8: \\u%04x is half a surrogate pair",
                           unit);
              return FALSE;
            }
          if (p + 1 < end)
            p++; /* the escaped character */
        }
    }

  return TRUE;
}

JsonNode *
desk_json_parse (const char *data, gssize length, GError **error)
{
  return desk_json_parse_bounded (data, length, G_MAXUINT, error);
}

/* As desk_json_parse(), refusing a document of more than @max_values values
 * (arrays, objects, numbers, strings…) before it costs the memory they
 * would. */
JsonNode *
desk_json_parse_bounded (const char *data, gssize length, guint max_values, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;

  if (length < 0)
    length = strlen (data);

  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX,
                           "the document is not valid UTF-8");
      return NULL;
    }

  if (!check_document (data, length, max_values, error))
    return NULL;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX, "malformed JSON: %s",
                   local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX, "empty document");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

JsonObject *
desk_json_as_object (JsonNode *node, const char *path, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_TYPE, "%s: expected object",
                   path && *path ? path : "(document)");
      return NULL;
    }

  return json_node_get_object (node);
}

/* Looks a member up. Returns FALSE with @node NULL when the member may be
 * skipped (absent and optional, or null and nullable), FALSE with an error
 * when it may not, TRUE with @node when there is a value to read. */
static gboolean
lookup (JsonObject   *object,
        const char   *path,
        const char   *member,
        DeskJsonFlags flags,
        JsonNode    **node,
        gboolean     *skip,
        GError      **error)
{
  *node = json_object_get_member (object, member);
  *skip = FALSE;

  if (*node == NULL)
    {
      if (flags & DESK_JSON_OPTIONAL)
        {
          *skip = TRUE;
          return TRUE;
        }
      return fail (error, DESK_JSON_ERROR_MISSING, path, member, "missing");
    }

  if (JSON_NODE_HOLDS_NULL (*node))
    {
      if (flags & DESK_JSON_NULLABLE)
        {
          *skip = TRUE;
          return TRUE;
        }
      return fail (error, DESK_JSON_ERROR_TYPE, path, member, "must not be null");
    }

  return TRUE;
}

gboolean
desk_json_get_int (JsonObject   *object,
                   const char   *path,
                   const char   *member,
                   DeskJsonFlags flags,
                   gint64       *out,
                   GError      **error)
{
  JsonNode *node;
  gboolean  skip;

  if (!lookup (object, path, member, flags, &node, &skip, error))
    return FALSE;
  if (skip)
    {
      if (node != NULL)
        *out = 0;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected integer");

  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
desk_json_get_double (JsonObject   *object,
                      const char   *path,
                      const char   *member,
                      DeskJsonFlags flags,
                      double       *out,
                      GError      **error)
{
  JsonNode *node;
  gboolean  skip;
  GType     type;

  if (!lookup (object, path, member, flags, &node, &skip, error))
    return FALSE;
  if (skip)
    {
      if (node != NULL)
        *out = 0;
      return TRUE;
    }

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected number");

  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
desk_json_get_bool (JsonObject   *object,
                    const char   *path,
                    const char   *member,
                    DeskJsonFlags flags,
                    gboolean     *out,
                    GError      **error)
{
  JsonNode *node;
  gboolean  skip;

  if (!lookup (object, path, member, flags, &node, &skip, error))
    return FALSE;
  if (skip)
    {
      if (node != NULL)
        *out = FALSE;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected boolean");

  *out = json_node_get_boolean (node);
  return TRUE;
}

static const char *
get_string_node (JsonObject   *object,
                 const char   *path,
                 const char   *member,
                 DeskJsonFlags flags,
                 gboolean     *skip,
                 GError      **error)
{
  JsonNode *node;

  if (!lookup (object, path, member, flags, &node, skip, error))
    return NULL;
  if (*skip)
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected string");
      return NULL;
    }

  return json_node_get_string (node);
}

gboolean
desk_json_get_string (JsonObject   *object,
                      const char   *path,
                      const char   *member,
                      DeskJsonFlags flags,
                      char        **out,
                      GError      **error)
{
  const char *value;
  gboolean    skip = FALSE;

  value = get_string_node (object, path, member, flags, &skip, error);
  if (skip)
    {
      if (json_object_has_member (object, member))
        g_clear_pointer (out, g_free);
      return TRUE;
    }
  if (value == NULL)
    return FALSE;

  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

const char *
desk_enum_to_nick (GType enum_type, int value)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  return enum_value ? enum_value->value_nick : NULL;
}

gboolean
desk_enum_from_nick (GType enum_type, const char *nick, int *out)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    return FALSE;

  *out = enum_value->value;
  return TRUE;
}

gboolean
desk_json_get_enum (JsonObject   *object,
                    const char   *path,
                    const char   *member,
                    GType         enum_type,
                    DeskJsonFlags flags,
                    int          *out,
                    GError      **error)
{
  const char *value;
  gboolean    skip = FALSE;

  value = get_string_node (object, path, member, flags, &skip, error);
  if (skip)
    return TRUE;
  if (value == NULL)
    return FALSE;

  if (!desk_enum_from_nick (enum_type, value, out))
    {
      g_autofree char *what = NULL;
      g_autofree char *escaped = g_strescape (value, NULL);

      what = g_strdup_printf ("unknown value \"%.40s\"", escaped);
      return fail (error, DESK_JSON_ERROR_VALUE, path, member, what);
    }

  return TRUE;
}

gboolean
desk_json_get_time (JsonObject   *object,
                    const char   *path,
                    const char   *member,
                    DeskJsonFlags flags,
                    gint64       *out,
                    GError      **error)
{
  const char *value;
  gboolean    skip = FALSE;
  gint64      usec;

  value = get_string_node (object, path, member, flags, &skip, error);
  if (skip)
    {
      if (json_object_has_member (object, member))
        *out = 0;
      return TRUE;
    }
  if (value == NULL)
    return FALSE;

  usec = desk_time_parse_rfc3339 (value);
  if (usec == 0)
    return fail (error, DESK_JSON_ERROR_VALUE, path, member, "expected an RFC 3339 time");

  *out = usec;
  return TRUE;
}

JsonArray *
desk_json_get_array (
    JsonObject *object, const char *path, const char *member, DeskJsonFlags flags, GError **error)
{
  JsonNode *node;
  gboolean  skip;

  if (!lookup (object, path, member, flags, &node, &skip, error) || skip)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected array");
      return NULL;
    }

  return json_node_get_array (node);
}

JsonObject *
desk_json_get_object (
    JsonObject *object, const char *path, const char *member, DeskJsonFlags flags, GError **error)
{
  JsonNode *node;
  gboolean  skip;

  if (!lookup (object, path, member, flags, &node, &skip, error) || skip)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, DESK_JSON_ERROR_TYPE, path, member, "expected object");
      return NULL;
    }

  return json_node_get_object (node);
}

gboolean
desk_json_get_strv (JsonObject   *object,
                    const char   *path,
                    const char   *member,
                    DeskJsonFlags flags,
                    GStrv        *out,
                    GError      **error)
{
  g_autoptr (GStrvBuilder) builder = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonArray *array;
  guint      length;

  array = desk_json_get_array (object, path, member, flags, &local_error);
  if (array == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  builder = g_strv_builder_new ();
  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", member, i);
          return fail (error, DESK_JSON_ERROR_TYPE, path, element_path, "expected string");
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

gboolean
desk_json_get_ids (JsonObject   *object,
                   const char   *path,
                   const char   *member,
                   DeskJsonFlags flags,
                   GArray      **out,
                   GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GArray) ids = NULL;
  JsonArray *array;
  guint      length;

  array = desk_json_get_array (object, path, member, flags, &local_error);
  if (array == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  length = json_array_get_length (array);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), length);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64    id;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", member, i);
          return fail (error, DESK_JSON_ERROR_TYPE, path, element_path, "expected integer");
        }
      id = json_node_get_int (element);
      g_array_append_val (ids, id);
    }

  if (*out != NULL)
    g_array_unref (*out);
  *out = g_steal_pointer (&ids);
  return TRUE;
}

void
desk_json_add_time (JsonBuilder *builder, const char *member, gint64 usec)
{
  g_autofree char *text = desk_time_format_rfc3339 (usec);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

void
desk_json_add_enum (JsonBuilder *builder, const char *member, GType enum_type, int value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, desk_enum_to_nick (enum_type, value));
}

void
desk_json_add_nullable_int (JsonBuilder *builder, const char *member, gint64 value)
{
  json_builder_set_member_name (builder, member);
  if (value != 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
desk_json_add_string (JsonBuilder *builder, const char *member, const char *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
desk_json_add_strv (JsonBuilder *builder, const char *member, const char *const *strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

char *
desk_json_builder_to_string (JsonBuilder *builder, gsize *length)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}
