/* desk-json.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Strict reading of JSON members. Each getter fails with a DESK_JSON_ERROR
 * that names the member's path ("items[3].requester.email: expected string")
 * so that a bad document from a server or a file explains itself. Unknown
 * members are ignored. */

#define DESK_JSON_ERROR (desk_json_error_quark ())

typedef enum
{
  DESK_JSON_ERROR_SYNTAX,
  DESK_JSON_ERROR_MISSING,
  DESK_JSON_ERROR_TYPE,
  DESK_JSON_ERROR_VALUE,
} DeskJsonError;

typedef enum
{
  DESK_JSON_REQUIRED = 0,
  DESK_JSON_OPTIONAL = 1 << 0, /* may be absent: the output keeps its value */
  DESK_JSON_NULLABLE = 1 << 1, /* may be null: the output is zeroed */
} DeskJsonFlags;

GQuark desk_json_error_quark (void);

char *desk_json_path (const char *parent, const char *member);
char *desk_json_path_index (const char *parent, guint index);

JsonNode *desk_json_parse (const char *data, gssize length, GError **error);
JsonNode *
desk_json_parse_bounded (const char *data, gssize length, guint max_values, GError **error);
JsonObject *desk_json_as_object (JsonNode *node, const char *path, GError **error);

gboolean    desk_json_get_int (JsonObject   *object,
                               const char   *path,
                               const char   *member,
                               DeskJsonFlags flags,
                               gint64       *out,
                               GError      **error);
gboolean    desk_json_get_double (JsonObject   *object,
                                  const char   *path,
                                  const char   *member,
                                  DeskJsonFlags flags,
                                  double       *out,
                                  GError      **error);
gboolean    desk_json_get_bool (JsonObject   *object,
                                const char   *path,
                                const char   *member,
                                DeskJsonFlags flags,
                                gboolean     *out,
                                GError      **error);
gboolean    desk_json_get_string (JsonObject   *object,
                                  const char   *path,
                                  const char   *member,
                                  DeskJsonFlags flags,
                                  char        **out,
                                  GError      **error);
gboolean    desk_json_get_enum (JsonObject   *object,
                                const char   *path,
                                const char   *member,
                                GType         enum_type,
                                DeskJsonFlags flags,
                                int          *out,
                                GError      **error);
gboolean    desk_json_get_time (JsonObject   *object,
                                const char   *path,
                                const char   *member,
                                DeskJsonFlags flags,
                                gint64       *out,
                                GError      **error);
gboolean    desk_json_get_strv (JsonObject   *object,
                                const char   *path,
                                const char   *member,
                                DeskJsonFlags flags,
                                GStrv        *out,
                                GError      **error);
gboolean    desk_json_get_ids (JsonObject   *object,
                               const char   *path,
                               const char   *member,
                               DeskJsonFlags flags,
                               GArray      **out,
                               GError      **error);
JsonObject *desk_json_get_object (
    JsonObject *object, const char *path, const char *member, DeskJsonFlags flags, GError **error);
JsonArray *desk_json_get_array (
    JsonObject *object, const char *path, const char *member, DeskJsonFlags flags, GError **error);

const char *desk_enum_to_nick (GType enum_type, int value);
gboolean    desk_enum_from_nick (GType enum_type, const char *nick, int *out);

void  desk_json_add_time (JsonBuilder *builder, const char *member, gint64 usec);
void  desk_json_add_enum (JsonBuilder *builder, const char *member, GType enum_type, int value);
void  desk_json_add_nullable_int (JsonBuilder *builder, const char *member, gint64 value);
void  desk_json_add_string (JsonBuilder *builder, const char *member, const char *value);
void  desk_json_add_strv (JsonBuilder *builder, const char *member, const char *const *strv);
char *desk_json_builder_to_string (JsonBuilder *builder, gsize *length);

G_END_DECLS
