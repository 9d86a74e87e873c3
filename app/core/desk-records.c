/* desk-records.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-records"

#include "config.h"

#include "desk-json.h"
#include "desk-records.h"

#define REQ DESK_JSON_REQUIRED
#define OPT DESK_JSON_OPTIONAL
#define NULL_OK (DESK_JSON_OPTIONAL | DESK_JSON_NULLABLE)

/* A tombstone is {id, deleted: true, updated_at}: it says an item is gone. */
static gboolean
read_tombstone (JsonObject *object,
                const char *path,
                gint64     *id,
                gint64     *updated_at,
                gboolean   *deleted,
                GError    **error)
{
  if (!desk_json_get_bool (object, path, "deleted", OPT, deleted, error))
    return FALSE;
  if (!*deleted)
    return TRUE;

  return desk_json_get_int (object, path, "id", REQ, id, error) &&
         desk_json_get_time (object, path, "updated_at", OPT, updated_at, error);
}

static void
write_tombstone (JsonBuilder *builder, gint64 id, gint64 updated_at)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, TRUE);
  desk_json_add_time (builder, "updated_at", updated_at);
}

/* Ticket */

void
desk_ticket_record_free (DeskTicketRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->subject);
  g_free (record->requester.name);
  g_free (record->requester.email);
  g_free (record->requester.locale);
  g_strfreev (record->tags);
  g_free (record);
}

DeskTicketRecord *
desk_ticket_record_copy (const DeskTicketRecord *record)
{
  DeskTicketRecord *copy = g_memdup2 (record, sizeof *record);

  copy->subject = g_strdup (record->subject);
  copy->requester.name = g_strdup (record->requester.name);
  copy->requester.email = g_strdup (record->requester.email);
  copy->requester.locale = g_strdup (record->requester.locale);
  copy->tags = g_strdupv (record->tags);

  return copy;
}

DeskTicketRecord *
desk_ticket_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskTicketRecord) record = g_new0 (DeskTicketRecord, 1);
  g_autofree char *requester_path = NULL;
  JsonObject      *object;
  JsonObject      *requester;
  gint64           csat = 0;
  int              value;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;
  if (!read_tombstone (object, path, &record->id, &record->updated_at, &record->deleted, error))
    return NULL;
  if (record->deleted)
    return g_steal_pointer (&record);

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_int (object, path, "version", REQ, &record->version, error))
    return NULL;

  if (!desk_json_get_enum (object, path, "kind", DESK_TYPE_TICKET_KIND, REQ, &value, error))
    return NULL;
  record->kind = value;
  if (!desk_json_get_enum (object, path, "channel", DESK_TYPE_CHANNEL, REQ, &value, error))
    return NULL;
  record->channel = value;
  if (!desk_json_get_string (object, path, "subject", REQ, &record->subject, error))
    return NULL;
  if (!desk_json_get_enum (object, path, "status", DESK_TYPE_TICKET_STATUS, REQ, &value, error))
    return NULL;
  record->status = value;
  if (!desk_json_get_enum (object, path, "priority", DESK_TYPE_PRIORITY, REQ, &value, error))
    return NULL;
  record->priority = value;

  if (!desk_json_get_int (object, path, "queue_id", REQ, &record->queue_id, error) ||
      !desk_json_get_int (object, path, "assignee_id", DESK_JSON_NULLABLE, &record->assignee_id,
                          error))
    return NULL;

  if (!(requester = desk_json_get_object (object, path, "requester", REQ, error)))
    return NULL;
  requester_path = desk_json_path (path, "requester");
  if (!desk_json_get_int (requester, requester_path, "id", REQ, &record->requester.id, error) ||
      !desk_json_get_string (requester, requester_path, "name", REQ, &record->requester.name,
                             error) ||
      !desk_json_get_string (requester, requester_path, "email", DESK_JSON_NULLABLE,
                             &record->requester.email, error) ||
      !desk_json_get_string (requester, requester_path, "locale", NULL_OK,
                             &record->requester.locale, error))
    return NULL;

  if (!desk_json_get_strv (object, path, "tags", REQ, &record->tags, error) ||
      !desk_json_get_time (object, path, "created_at", REQ, &record->created_at, error) ||
      !desk_json_get_time (object, path, "updated_at", REQ, &record->updated_at, error) ||
      !desk_json_get_time (object, path, "first_response_due", DESK_JSON_NULLABLE,
                           &record->first_response_due, error) ||
      !desk_json_get_time (object, path, "resolution_due", DESK_JSON_NULLABLE,
                           &record->resolution_due, error) ||
      !desk_json_get_time (object, path, "first_responded_at", DESK_JSON_NULLABLE,
                           &record->first_responded_at, error) ||
      !desk_json_get_time (object, path, "solved_at", DESK_JSON_NULLABLE, &record->solved_at,
                           error) ||
      !desk_json_get_time (object, path, "last_message_at", DESK_JSON_NULLABLE,
                           &record->last_message_at, error) ||
      !desk_json_get_int (object, path, "message_count", REQ, &record->message_count, error) ||
      !desk_json_get_int (object, path, "csat", DESK_JSON_NULLABLE, &csat, error))
    return NULL;

  /* null is "not rated"; a number must be a rating. */
  if ((csat != 0 || !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "csat"))) &&
      (csat < 1 || csat > 5))
    {
      g_autofree char *csat_path = desk_json_path (path, "csat");

      g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_VALUE, "%s: expected 1 to 5", csat_path);
      return NULL;
    }
  record->csat = csat;

  return g_steal_pointer (&record);
}

void
desk_ticket_record_to_json (const DeskTicketRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);

  if (record->deleted)
    {
      write_tombstone (builder, record->id, record->updated_at);
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, record->version);
  desk_json_add_enum (builder, "kind", DESK_TYPE_TICKET_KIND, record->kind);
  desk_json_add_enum (builder, "channel", DESK_TYPE_CHANNEL, record->channel);
  desk_json_add_string (builder, "subject", record->subject ? record->subject : "");
  desk_json_add_enum (builder, "status", DESK_TYPE_TICKET_STATUS, record->status);
  desk_json_add_enum (builder, "priority", DESK_TYPE_PRIORITY, record->priority);
  json_builder_set_member_name (builder, "queue_id");
  json_builder_add_int_value (builder, record->queue_id);
  desk_json_add_nullable_int (builder, "assignee_id", record->assignee_id);

  json_builder_set_member_name (builder, "requester");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->requester.id);
  desk_json_add_string (builder, "name", record->requester.name ? record->requester.name : "");
  desk_json_add_string (builder, "email", record->requester.email);
  desk_json_add_string (builder, "locale", record->requester.locale);
  json_builder_end_object (builder);

  desk_json_add_strv (builder, "tags", (const char *const *) record->tags);
  desk_json_add_time (builder, "created_at", record->created_at);
  desk_json_add_time (builder, "updated_at", record->updated_at);
  desk_json_add_time (builder, "first_response_due", record->first_response_due);
  desk_json_add_time (builder, "resolution_due", record->resolution_due);
  desk_json_add_time (builder, "first_responded_at", record->first_responded_at);
  desk_json_add_time (builder, "solved_at", record->solved_at);
  desk_json_add_time (builder, "last_message_at", record->last_message_at);
  json_builder_set_member_name (builder, "message_count");
  json_builder_add_int_value (builder, record->message_count);
  desk_json_add_nullable_int (builder, "csat", record->csat);

  json_builder_end_object (builder);
}

/* Attachment */

void
desk_attachment_record_free (DeskAttachmentRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->name);
  g_free (record->mime);
  g_free (record);
}

DeskAttachmentRecord *
desk_attachment_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskAttachmentRecord) record = g_new0 (DeskAttachmentRecord, 1);
  JsonObject *object;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "name", REQ, &record->name, error) ||
      !desk_json_get_int (object, path, "size", REQ, &record->size, error) ||
      !desk_json_get_string (object, path, "mime", REQ, &record->mime, error))
    return NULL;

  return g_steal_pointer (&record);
}

void
desk_attachment_record_to_json (const DeskAttachmentRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  desk_json_add_string (builder, "name", record->name ? record->name : "");
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, record->size);
  desk_json_add_string (builder, "mime", record->mime ? record->mime : "application/octet-stream");
  json_builder_end_object (builder);
}

/* Message */

void
desk_message_record_free (DeskMessageRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->author_name);
  g_free (record->body);
  g_free (record->body_html);
  g_free (record->client_id);
  g_clear_pointer (&record->attachments, g_ptr_array_unref);
  g_free (record);
}

DeskMessageRecord *
desk_message_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskMessageRecord) record = g_new0 (DeskMessageRecord, 1);
  g_autofree char *author_path = NULL;
  g_autofree char *attachments_path = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonObject *author;
  JsonArray  *attachments;
  int         value;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;
  if (!read_tombstone (object, path, &record->id, &record->updated_at, &record->deleted, error))
    return NULL;
  if (record->deleted)
    return g_steal_pointer (&record);

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_int (object, path, "ticket_id", REQ, &record->ticket_id, error))
    return NULL;

  if (!(author = desk_json_get_object (object, path, "author", REQ, error)))
    return NULL;
  author_path = desk_json_path (path, "author");
  if (!desk_json_get_enum (author, author_path, "type", DESK_TYPE_AUTHOR_TYPE, REQ, &value, error))
    return NULL;
  record->author_type = value;
  if (!desk_json_get_int (author, author_path, "id", NULL_OK, &record->author_id, error) ||
      !desk_json_get_string (author, author_path, "name", REQ, &record->author_name, error))
    return NULL;

  if (!desk_json_get_enum (object, path, "visibility", DESK_TYPE_VISIBILITY, REQ, &value, error))
    return NULL;
  record->visibility = value;

  if (!desk_json_get_string (object, path, "body", REQ, &record->body, error) ||
      !desk_json_get_string (object, path, "body_html", NULL_OK, &record->body_html, error) ||
      !desk_json_get_time (object, path, "created_at", REQ, &record->created_at, error) ||
      !desk_json_get_time (object, path, "updated_at", OPT, &record->updated_at, error) ||
      !desk_json_get_string (object, path, "client_id", NULL_OK, &record->client_id, error))
    return NULL;

  attachments = desk_json_get_array (object, path, "attachments", OPT, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  attachments_path = desk_json_path (path, "attachments");
  if (attachments != NULL)
    {
      record->attachments = desk_records_from_json_array (
          attachments, attachments_path, (DeskRecordDecodeFunc) desk_attachment_record_from_json,
          (GDestroyNotify) desk_attachment_record_free, error);
      if (record->attachments == NULL)
        return NULL;
    }

  return g_steal_pointer (&record);
}

void
desk_message_record_to_json (const DeskMessageRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);

  if (record->deleted)
    {
      write_tombstone (builder, record->id, record->updated_at);
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "ticket_id");
  json_builder_add_int_value (builder, record->ticket_id);

  json_builder_set_member_name (builder, "author");
  json_builder_begin_object (builder);
  desk_json_add_enum (builder, "type", DESK_TYPE_AUTHOR_TYPE, record->author_type);
  desk_json_add_nullable_int (builder, "id", record->author_id);
  desk_json_add_string (builder, "name", record->author_name ? record->author_name : "");
  json_builder_end_object (builder);

  desk_json_add_enum (builder, "visibility", DESK_TYPE_VISIBILITY, record->visibility);
  desk_json_add_string (builder, "body", record->body ? record->body : "");
  desk_json_add_string (builder, "body_html", record->body_html);
  desk_json_add_time (builder, "created_at", record->created_at);
  if (record->updated_at != 0)
    desk_json_add_time (builder, "updated_at", record->updated_at);
  desk_json_add_string (builder, "client_id", record->client_id);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; record->attachments != NULL && i < record->attachments->len; i++)
    desk_attachment_record_to_json (g_ptr_array_index (record->attachments, i), builder);
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/* Article */

void
desk_article_record_free (DeskArticleRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->title);
  g_free (record->body);
  g_free (record->category);
  g_strfreev (record->tags);
  g_free (record->locale);
  g_free (record->url);
  g_free (record);
}

DeskArticleRecord *
desk_article_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskArticleRecord) record = g_new0 (DeskArticleRecord, 1);
  JsonObject *object;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;
  if (!read_tombstone (object, path, &record->id, &record->updated_at, &record->deleted, error))
    return NULL;
  if (record->deleted)
    return g_steal_pointer (&record);

  /* version and updated_at are the server's: an import file may leave them out. */
  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_int (object, path, "version", OPT, &record->version, error) ||
      !desk_json_get_string (object, path, "title", REQ, &record->title, error) ||
      !desk_json_get_string (object, path, "body", REQ, &record->body, error) ||
      !desk_json_get_string (object, path, "category", REQ, &record->category, error) ||
      !desk_json_get_strv (object, path, "tags", OPT, &record->tags, error) ||
      !desk_json_get_string (object, path, "locale", REQ, &record->locale, error) ||
      !desk_json_get_time (object, path, "updated_at", OPT, &record->updated_at, error) ||
      !desk_json_get_string (object, path, "url", NULL_OK, &record->url, error))
    return NULL;

  return g_steal_pointer (&record);
}

void
desk_article_record_to_json (const DeskArticleRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);

  if (record->deleted)
    {
      write_tombstone (builder, record->id, record->updated_at);
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, record->version);
  desk_json_add_string (builder, "title", record->title ? record->title : "");
  desk_json_add_string (builder, "body", record->body ? record->body : "");
  desk_json_add_string (builder, "category", record->category ? record->category : "");
  desk_json_add_strv (builder, "tags", (const char *const *) record->tags);
  desk_json_add_string (builder, "locale", record->locale ? record->locale : "en");
  desk_json_add_time (builder, "updated_at", record->updated_at);
  desk_json_add_string (builder, "url", record->url ? record->url : "");
  json_builder_end_object (builder);
}

/* Canned reply */

void
desk_canned_record_free (DeskCannedRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->title);
  g_free (record->shortcut);
  g_free (record->body);
  g_free (record->category);
  g_free (record->locale);
  g_free (record);
}

DeskCannedRecord *
desk_canned_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskCannedRecord) record = g_new0 (DeskCannedRecord, 1);
  JsonObject *object;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;
  if (!read_tombstone (object, path, &record->id, &record->updated_at, &record->deleted, error))
    return NULL;
  if (record->deleted)
    return g_steal_pointer (&record);

  if (!desk_json_get_int (object, path, "id", OPT, &record->id, error) ||
      !desk_json_get_string (object, path, "title", REQ, &record->title, error) ||
      !desk_json_get_string (object, path, "shortcut", NULL_OK, &record->shortcut, error) ||
      !desk_json_get_string (object, path, "body", REQ, &record->body, error) ||
      !desk_json_get_string (object, path, "category", NULL_OK, &record->category, error) ||
      !desk_json_get_string (object, path, "locale", NULL_OK, &record->locale, error) ||
      !desk_json_get_int (object, path, "owner_id", NULL_OK, &record->owner_id, error) ||
      !desk_json_get_time (object, path, "updated_at", OPT, &record->updated_at, error))
    return NULL;

  return g_steal_pointer (&record);
}

void
desk_canned_record_to_json (const DeskCannedRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);

  if (record->deleted)
    {
      write_tombstone (builder, record->id, record->updated_at);
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  desk_json_add_string (builder, "title", record->title ? record->title : "");
  desk_json_add_string (builder, "shortcut", record->shortcut ? record->shortcut : "");
  desk_json_add_string (builder, "body", record->body ? record->body : "");
  desk_json_add_string (builder, "category", record->category ? record->category : "");
  desk_json_add_string (builder, "locale", record->locale ? record->locale : "en");
  desk_json_add_nullable_int (builder, "owner_id", record->owner_id);
  desk_json_add_time (builder, "updated_at", record->updated_at);
  json_builder_end_object (builder);
}

/* Queue */

void
desk_queue_record_free (DeskQueueRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->name);
  g_free (record->description);
  g_free (record);
}

DeskQueueRecord *
desk_queue_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskQueueRecord) record = g_new0 (DeskQueueRecord, 1);
  JsonObject *object;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "name", REQ, &record->name, error) ||
      !desk_json_get_string (object, path, "description", NULL_OK, &record->description, error) ||
      !desk_json_get_int (object, path, "first_response_minutes", REQ,
                          &record->first_response_minutes, error) ||
      !desk_json_get_int (object, path, "resolution_minutes", REQ, &record->resolution_minutes,
                          error))
    return NULL;

  return g_steal_pointer (&record);
}

void
desk_queue_record_to_json (const DeskQueueRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  desk_json_add_string (builder, "name", record->name ? record->name : "");
  desk_json_add_string (builder, "description", record->description ? record->description : "");
  json_builder_set_member_name (builder, "first_response_minutes");
  json_builder_add_int_value (builder, record->first_response_minutes);
  json_builder_set_member_name (builder, "resolution_minutes");
  json_builder_add_int_value (builder, record->resolution_minutes);
  json_builder_end_object (builder);
}

/* User (GET /me and the agents list) */

void
desk_user_record_free (DeskUserRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->name);
  g_free (record->email);
  g_clear_pointer (&record->queue_ids, g_array_unref);
  g_free (record);
}

DeskUserRecord *
desk_user_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskUserRecord) record = g_new0 (DeskUserRecord, 1);
  JsonObject *object;
  int         value = DESK_PRESENCE_OFFLINE;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "name", REQ, &record->name, error) ||
      !desk_json_get_string (object, path, "email", NULL_OK, &record->email, error))
    return NULL;
  if (!desk_json_get_enum (object, path, "role", DESK_TYPE_ROLE, REQ, &value, error))
    return NULL;
  record->role = value;
  if (!desk_json_get_ids (object, path, "queue_ids", REQ, &record->queue_ids, error))
    return NULL;
  value = DESK_PRESENCE_OFFLINE;
  if (!desk_json_get_enum (object, path, "presence", DESK_TYPE_PRESENCE, OPT, &value, error))
    return NULL;
  record->presence = value;

  return g_steal_pointer (&record);
}

static void
add_ids (JsonBuilder *builder, const char *member, GArray *ids)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    json_builder_add_int_value (builder, g_array_index (ids, gint64, i));
  json_builder_end_array (builder);
}

void
desk_user_record_to_json (const DeskUserRecord *record, JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  desk_json_add_string (builder, "name", record->name ? record->name : "");
  desk_json_add_string (builder, "email", record->email ? record->email : "");
  desk_json_add_enum (builder, "role", DESK_TYPE_ROLE, record->role);
  add_ids (builder, "queue_ids", record->queue_ids);
  desk_json_add_enum (builder, "presence", DESK_TYPE_PRESENCE, record->presence);
  json_builder_end_object (builder);
}

/* Quiz */

static void
desk_choice_record_free (DeskChoiceRecord *record)
{
  g_free (record->text);
  g_free (record);
}

static void
desk_question_record_free (DeskQuestionRecord *record)
{
  g_free (record->prompt);
  g_clear_pointer (&record->choices, g_ptr_array_unref);
  g_free (record->explanation);
  g_free (record);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskChoiceRecord, desk_choice_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskQuestionRecord, desk_question_record_free)

void
desk_quiz_record_free (DeskQuizRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->title);
  g_free (record->description);
  g_clear_pointer (&record->article_ids, g_array_unref);
  g_clear_pointer (&record->questions, g_ptr_array_unref);
  g_free (record);
}

static DeskChoiceRecord *
desk_choice_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskChoiceRecord) record = g_new0 (DeskChoiceRecord, 1);
  JsonObject *object;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "text", REQ, &record->text, error) ||
      !desk_json_get_bool (object, path, "correct", OPT, &record->correct, error))
    return NULL;

  return g_steal_pointer (&record);
}

static DeskQuestionRecord *
desk_question_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskQuestionRecord) record = g_new0 (DeskQuestionRecord, 1);
  g_autofree char *choices_path = NULL;
  JsonObject      *object;
  JsonArray       *choices;
  int              value;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "prompt", REQ, &record->prompt, error))
    return NULL;
  if (!desk_json_get_enum (object, path, "kind", DESK_TYPE_QUESTION_KIND, REQ, &value, error))
    return NULL;
  record->kind = value;
  if (!desk_json_get_string (object, path, "explanation", NULL_OK, &record->explanation, error) ||
      !desk_json_get_int (object, path, "article_id", NULL_OK, &record->article_id, error))
    return NULL;

  if (!(choices = desk_json_get_array (object, path, "choices", REQ, error)))
    return NULL;
  choices_path = desk_json_path (path, "choices");
  record->choices = desk_records_from_json_array (
      choices, choices_path, (DeskRecordDecodeFunc) desk_choice_record_from_json,
      (GDestroyNotify) desk_choice_record_free, error);
  if (record->choices == NULL)
    return NULL;

  return g_steal_pointer (&record);
}

DeskQuizRecord *
desk_quiz_record_from_json (JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskQuizRecord) record = g_new0 (DeskQuizRecord, 1);
  g_autofree char *questions_path = NULL;
  JsonObject      *object;
  JsonArray       *questions;

  if (!(object = desk_json_as_object (node, path, error)))
    return NULL;

  if (!desk_json_get_int (object, path, "id", REQ, &record->id, error) ||
      !desk_json_get_string (object, path, "title", REQ, &record->title, error) ||
      !desk_json_get_string (object, path, "description", NULL_OK, &record->description, error) ||
      !desk_json_get_double (object, path, "pass_score", REQ, &record->pass_score, error) ||
      !desk_json_get_ids (object, path, "article_ids", OPT, &record->article_ids, error))
    return NULL;

  if (record->pass_score < 0 || record->pass_score > 1)
    {
      g_autofree char *score_path = desk_json_path (path, "pass_score");

      g_set_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_VALUE, "%s: expected 0 to 1",
                   score_path);
      return NULL;
    }

  if (!(questions = desk_json_get_array (object, path, "questions", REQ, error)))
    return NULL;
  questions_path = desk_json_path (path, "questions");
  record->questions = desk_records_from_json_array (
      questions, questions_path, (DeskRecordDecodeFunc) desk_question_record_from_json,
      (GDestroyNotify) desk_question_record_free, error);
  if (record->questions == NULL)
    return NULL;

  return g_steal_pointer (&record);
}

void
desk_quiz_record_to_json (const DeskQuizRecord *record,
                          DeskQuizEncoding      encoding,
                          JsonBuilder          *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  desk_json_add_string (builder, "title", record->title ? record->title : "");
  desk_json_add_string (builder, "description", record->description ? record->description : "");
  json_builder_set_member_name (builder, "pass_score");
  json_builder_add_double_value (builder, record->pass_score);
  add_ids (builder, "article_ids", record->article_ids);

  json_builder_set_member_name (builder, "questions");
  json_builder_begin_array (builder);
  for (guint i = 0; record->questions != NULL && i < record->questions->len; i++)
    {
      DeskQuestionRecord *question = g_ptr_array_index (record->questions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, question->id);
      desk_json_add_string (builder, "prompt", question->prompt);
      desk_json_add_enum (builder, "kind", DESK_TYPE_QUESTION_KIND, question->kind);
      json_builder_set_member_name (builder, "choices");
      json_builder_begin_array (builder);
      for (guint j = 0; j < question->choices->len; j++)
        {
          DeskChoiceRecord *choice = g_ptr_array_index (question->choices, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, choice->id);
          desk_json_add_string (builder, "text", choice->text);
          if (encoding == DESK_QUIZ_WITH_ANSWERS)
            {
              json_builder_set_member_name (builder, "correct");
              json_builder_add_boolean_value (builder, choice->correct);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      if (encoding == DESK_QUIZ_WITH_ANSWERS)
        {
          desk_json_add_string (builder, "explanation", question->explanation);
          desk_json_add_nullable_int (builder, "article_id", question->article_id);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/* Pages */

void
desk_page_free (DeskPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->next);
  g_free (page);
}

GPtrArray *
desk_records_from_json_array (JsonArray           *array,
                              const char          *path,
                              DeskRecordDecodeFunc decode_item,
                              GDestroyNotify       free_item,
                              GError             **error)
{
  g_autoptr (GPtrArray) items = NULL;
  guint length = json_array_get_length (array);

  items = g_ptr_array_new_full (length, free_item);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *item_path = desk_json_path_index (path, i);
      gpointer         item;

      item = decode_item (json_array_get_element (array, i), item_path, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}

DeskPage *
desk_page_from_json (JsonNode            *node,
                     DeskRecordDecodeFunc decode_item,
                     GDestroyNotify       free_item,
                     GError             **error)
{
  g_autoptr (DeskPage) page = g_new0 (DeskPage, 1);
  JsonObject *object;
  JsonArray  *items;

  if (!(object = desk_json_as_object (node, NULL, error)))
    return NULL;

  if (!(items = desk_json_get_array (object, NULL, "items", REQ, error)) ||
      !desk_json_get_string (object, NULL, "next", NULL_OK, &page->next, error) ||
      !desk_json_get_bool (object, NULL, "more", OPT, &page->more, error) ||
      !desk_json_get_int (object, NULL, "remaining", NULL_OK, &page->remaining, error))
    return NULL;

  page->items = desk_records_from_json_array (items, "items", decode_item, free_item, error);
  if (page->items == NULL)
    return NULL;

  return g_steal_pointer (&page);
}
