/* desk-records.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "desk-enums.h"
#include "desk-types.h"

G_BEGIN_DECLS

/* The shapes of the server API (v1) as plain structs, and their codecs.
 * Server and client share them: what one writes, the other reads. Times are
 * microseconds since the epoch; 0 stands for null in optional ids and times. */

typedef struct
{
  gint64 id;
  char  *name;
  char  *email;
  char  *locale;
} DeskRequester;

typedef struct
{
  gint64           id;
  gint64           version;
  gboolean         deleted;
  DeskTicketKind   kind;
  DeskChannel      channel;
  char            *subject;
  DeskTicketStatus status;
  DeskPriority     priority;
  gint64           queue_id;
  gint64           assignee_id;
  DeskRequester    requester;
  GStrv            tags;
  gint64           created_at;
  gint64           updated_at;
  gint64           first_response_due;
  gint64           resolution_due;
  gint64           first_responded_at;
  gint64           solved_at;
  gint64           last_message_at;
  gint64           message_count;
  int              csat;
} DeskTicketRecord;

typedef struct
{
  gint64 id;
  char  *name;
  gint64 size;
  char  *mime;
} DeskAttachmentRecord;

typedef struct
{
  gint64         id;
  gboolean       deleted;
  gint64         ticket_id;
  DeskAuthorType author_type;
  gint64         author_id;
  char          *author_name;
  DeskVisibility visibility;
  char          *body;
  char          *body_html;
  gint64         created_at;
  gint64         updated_at;
  char          *client_id;
  GPtrArray     *attachments; /* of DeskAttachmentRecord */
} DeskMessageRecord;

typedef struct
{
  gint64   id;
  gint64   version;
  gboolean deleted;
  char    *title;
  char    *body;
  char    *category;
  GStrv    tags;
  char    *locale;
  gint64   updated_at;
  char    *url;
} DeskArticleRecord;

typedef struct
{
  gint64   id;
  gboolean deleted;
  char    *title;
  char    *shortcut;
  char    *body;
  char    *category;
  char    *locale;
  gint64   owner_id;
  gint64   updated_at;
} DeskCannedRecord;

typedef struct
{
  gint64 id;
  char  *name;
  char  *description;
  gint64 first_response_minutes;
  gint64 resolution_minutes;
} DeskQueueRecord;

typedef struct
{
  gint64       id;
  char        *name;
  char        *email;
  DeskRole     role;
  GArray      *queue_ids; /* of gint64 */
  DeskPresence presence;
} DeskUserRecord;

typedef struct
{
  gint64   id;
  char    *text;
  gboolean correct;
} DeskChoiceRecord;

typedef struct
{
  gint64           id;
  char            *prompt;
  DeskQuestionKind kind;
  GPtrArray       *choices; /* of DeskChoiceRecord */
  char            *explanation;
  gint64           article_id;
} DeskQuestionRecord;

typedef struct
{
  gint64     id;
  char      *title;
  char      *description;
  double     pass_score;
  GArray    *article_ids; /* of gint64 */
  GPtrArray *questions;   /* of DeskQuestionRecord */
} DeskQuizRecord;

typedef enum
{
  DESK_QUIZ_WITHOUT_ANSWERS,
  DESK_QUIZ_WITH_ANSWERS,
} DeskQuizEncoding;

/* A page of a collection synced by cursor. */
typedef struct
{
  GPtrArray *items;
  char      *next;
  gboolean   more;
  gint64     remaining; /* an estimate, 0 when the server does not say */
} DeskPage;

typedef gpointer (*DeskRecordDecodeFunc) (JsonNode *node, const char *path, GError **error);

void              desk_ticket_record_free (DeskTicketRecord *record);
DeskTicketRecord *desk_ticket_record_copy (const DeskTicketRecord *record);
DeskTicketRecord *desk_ticket_record_from_json (JsonNode *node, const char *path, GError **error);
void              desk_ticket_record_to_json (const DeskTicketRecord *record, JsonBuilder *builder);

void desk_attachment_record_free (DeskAttachmentRecord *record);
DeskAttachmentRecord      *
desk_attachment_record_from_json (JsonNode *node, const char *path, GError **error);
void desk_attachment_record_to_json (const DeskAttachmentRecord *record, JsonBuilder *builder);

void               desk_message_record_free (DeskMessageRecord *record);
DeskMessageRecord *desk_message_record_from_json (JsonNode *node, const char *path, GError **error);
void desk_message_record_to_json (const DeskMessageRecord *record, JsonBuilder *builder);

void               desk_article_record_free (DeskArticleRecord *record);
DeskArticleRecord *desk_article_record_from_json (JsonNode *node, const char *path, GError **error);
void desk_article_record_to_json (const DeskArticleRecord *record, JsonBuilder *builder);

void              desk_canned_record_free (DeskCannedRecord *record);
DeskCannedRecord *desk_canned_record_from_json (JsonNode *node, const char *path, GError **error);
void              desk_canned_record_to_json (const DeskCannedRecord *record, JsonBuilder *builder);

void             desk_queue_record_free (DeskQueueRecord *record);
DeskQueueRecord *desk_queue_record_from_json (JsonNode *node, const char *path, GError **error);
void             desk_queue_record_to_json (const DeskQueueRecord *record, JsonBuilder *builder);

void            desk_user_record_free (DeskUserRecord *record);
DeskUserRecord *desk_user_record_from_json (JsonNode *node, const char *path, GError **error);
void            desk_user_record_to_json (const DeskUserRecord *record, JsonBuilder *builder);

void            desk_quiz_record_free (DeskQuizRecord *record);
DeskQuizRecord *desk_quiz_record_from_json (JsonNode *node, const char *path, GError **error);
void            desk_quiz_record_to_json (const DeskQuizRecord *record,
                                          DeskQuizEncoding      encoding,
                                          JsonBuilder          *builder);

void       desk_page_free (DeskPage *page);
DeskPage  *desk_page_from_json (JsonNode            *node,
                                DeskRecordDecodeFunc decode_item,
                                GDestroyNotify       free_item,
                                GError             **error);
GPtrArray *desk_records_from_json_array (JsonArray           *array,
                                         const char          *path,
                                         DeskRecordDecodeFunc decode_item,
                                         GDestroyNotify       free_item,
                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskTicketRecord, desk_ticket_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskAttachmentRecord, desk_attachment_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskMessageRecord, desk_message_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskArticleRecord, desk_article_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskCannedRecord, desk_canned_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskQueueRecord, desk_queue_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskUserRecord, desk_user_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskQuizRecord, desk_quiz_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskPage, desk_page_free)

G_END_DECLS
