/* test-core-records.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-records"

#include "config.h"

#include <string.h>

#include "desk-json.h"
#include "desk-page-reader-private.h"
#include "desk-records.h"
#include "desk-time.h"

#define T(text) desk_time_parse_rfc3339 (text)

/* Encodes with @builder's content, prints, and parses the text back: the
 * trip a record makes between the server and the client. */
static JsonNode *
reparse (JsonBuilder *builder, char **out_text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode        *node;
  gsize            length = 0;

  text = desk_json_builder_to_string (builder, &length);
  g_assert_nonnull (text);

  node = desk_json_parse (text, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  if (out_text != NULL)
    *out_text = g_steal_pointer (&text);

  return node;
}

static JsonNode *
parse_or_die (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = desk_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* NULL and an empty vector are the same list of tags. */
static gboolean
strv_equal (char **a, char **b)
{
  const char *const empty[] = { NULL };

  return g_strv_equal (a ? (const char *const *) a : empty, b ? (const char *const *) b : empty);
}

static gboolean
node_has_member (JsonNode *node, const char *member)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (object);

      if (json_object_has_member (object, member))
        return TRUE;
      for (GList *l = members; l != NULL; l = l->next)
        if (node_has_member (json_object_get_member (object, l->data), member))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (node_has_member (json_array_get_element (array, i), member))
          return TRUE;
    }

  return FALSE;
}

/* Fixtures */

static DeskTicketRecord *
make_ticket (void)
{
  DeskTicketRecord *ticket = g_new0 (DeskTicketRecord, 1);
  const char *const tags[] = { "kyc", "rejected", "姓名", NULL };

  ticket->id = G_GINT64_CONSTANT (9007199254740993); /* beyond a double's precision */
  ticket->version = 7;
  ticket->kind = DESK_TICKET_KIND_CHAT;
  ticket->channel = DESK_CHANNEL_WEB;
  ticket->subject = g_strdup ("Verification rejected – reason R04 <b>x</b>");
  ticket->status = DESK_TICKET_STATUS_PENDING;
  ticket->priority = DESK_PRIORITY_URGENT;
  ticket->queue_id = 3;
  ticket->assignee_id = 12;
  ticket->requester.id = 44;
  ticket->requester.name = g_strdup ("陈晓雯");
  ticket->requester.email = g_strdup ("chen@example.com");
  ticket->requester.locale = g_strdup ("zh-CN");
  ticket->tags = g_strdupv ((char **) tags);
  ticket->created_at = T ("2026-11-20T08:00:00Z");
  ticket->updated_at = T ("2026-11-21T09:30:00Z");
  ticket->first_response_due = T ("2026-11-20T09:00:00Z");
  ticket->resolution_due = T ("2026-11-21T08:00:00Z");
  ticket->first_responded_at = T ("2026-11-20T08:40:00Z");
  ticket->solved_at = T ("2026-11-21T09:00:00Z");
  ticket->last_message_at = T ("2026-11-21T08:59:00Z");
  ticket->message_count = 5;
  ticket->csat = 4;

  return ticket;
}

static void
assert_ticket_equal (const DeskTicketRecord *a, const DeskTicketRecord *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->version, ==, b->version);
  g_assert_cmpint (a->deleted, ==, b->deleted);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->channel, ==, b->channel);
  g_assert_cmpstr (a->subject, ==, b->subject);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->priority, ==, b->priority);
  g_assert_cmpint (a->queue_id, ==, b->queue_id);
  g_assert_cmpint (a->assignee_id, ==, b->assignee_id);
  g_assert_cmpint (a->requester.id, ==, b->requester.id);
  g_assert_cmpstr (a->requester.name, ==, b->requester.name);
  g_assert_cmpstr (a->requester.email, ==, b->requester.email);
  g_assert_cmpstr (a->requester.locale, ==, b->requester.locale);
  g_assert_true (strv_equal (a->tags, b->tags));
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->updated_at, ==, b->updated_at);
  g_assert_cmpint (a->first_response_due, ==, b->first_response_due);
  g_assert_cmpint (a->resolution_due, ==, b->resolution_due);
  g_assert_cmpint (a->first_responded_at, ==, b->first_responded_at);
  g_assert_cmpint (a->solved_at, ==, b->solved_at);
  g_assert_cmpint (a->last_message_at, ==, b->last_message_at);
  g_assert_cmpint (a->message_count, ==, b->message_count);
  g_assert_cmpint (a->csat, ==, b->csat);
}

static DeskTicketRecord *
ticket_round_trip (const DeskTicketRecord *ticket)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  DeskTicketRecord *decoded;

  desk_ticket_record_to_json (ticket, builder);
  node = reparse (builder, NULL);
  decoded = desk_ticket_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  return decoded;
}

typedef enum
{
  KIND_TICKET,
  KIND_MESSAGE,
  KIND_ARTICLE,
  KIND_CANNED,
  KIND_QUEUE,
  KIND_USER,
  KIND_QUIZ,
} RecordKind;

static gboolean decode (RecordKind kind, JsonNode *node, const char *path, GError **error);

/* Round trips */

static void
test_ticket_round_trip (void)
{
  g_autoptr (DeskTicketRecord) ticket = make_ticket ();
  g_autoptr (DeskTicketRecord) decoded = NULL;
  g_autoptr (DeskTicketRecord) copy = NULL;
  g_autoptr (DeskTicketRecord) decoded_copy = NULL;

  decoded = ticket_round_trip (ticket);
  assert_ticket_equal (ticket, decoded);

  /* The nullable members: no assignee, no first response, unsolved,
   * unrated, a requester without email or locale, no tags. */
  copy = desk_ticket_record_copy (ticket);
  copy->assignee_id = 0;
  copy->first_responded_at = 0;
  copy->solved_at = 0;
  copy->csat = 0;
  g_clear_pointer (&copy->requester.email, g_free);
  g_clear_pointer (&copy->requester.locale, g_free);
  g_clear_pointer (&copy->tags, g_strfreev);
  copy->kind = DESK_TICKET_KIND_TICKET;
  copy->channel = DESK_CHANNEL_EMAIL;
  copy->status = DESK_TICKET_STATUS_NEW;
  copy->priority = DESK_PRIORITY_LOW;

  decoded_copy = ticket_round_trip (copy);
  g_assert_nonnull (decoded_copy->tags);
  g_assert_cmpuint (g_strv_length (decoded_copy->tags), ==, 0);
  assert_ticket_equal (copy, decoded_copy);
}

static void
test_ticket_copy (void)
{
  g_autoptr (DeskTicketRecord) ticket = make_ticket ();
  g_autoptr (DeskTicketRecord) copy = desk_ticket_record_copy (ticket);

  assert_ticket_equal (ticket, copy);
  g_assert_true (copy->subject != ticket->subject);
  g_assert_true (copy->tags != ticket->tags);
  g_assert_true (copy->requester.name != ticket->requester.name);
}

static DeskAttachmentRecord *
make_attachment (gint64 id, const char *name, gint64 size, const char *mime)
{
  DeskAttachmentRecord *attachment = g_new0 (DeskAttachmentRecord, 1);

  attachment->id = id;
  attachment->name = g_strdup (name);
  attachment->size = size;
  attachment->mime = g_strdup (mime);

  return attachment;
}

static void
test_message_round_trip (void)
{
  g_autoptr (DeskMessageRecord) message = g_new0 (DeskMessageRecord, 1);
  g_autoptr (DeskMessageRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  message->id = 901;
  message->ticket_id = 17;
  message->author_type = DESK_AUTHOR_AGENT;
  message->author_id = 3;
  message->author_name = g_strdup ("Daniel Fonseca");
  message->visibility = DESK_VISIBILITY_INTERNAL;
  message->body = g_strdup ("Line one\nLine \"two\" <i>not markup</i> & 你好");
  message->body_html = g_strdup ("<p>Line one</p>");
  message->created_at = T ("2026-11-20T08:00:00Z");
  message->updated_at = T ("2026-11-20T08:05:00Z");
  message->client_id = g_strdup ("6f1c8a3e-5d0b-4d43-9d1e-1f0b8f5a9c11");
  message->attachments =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_attachment_record_free);
  g_ptr_array_add (message->attachments,
                   make_attachment (1, "statement.pdf", 1234, "application/pdf"));
  g_ptr_array_add (message->attachments, make_attachment (2, "截图.png", 0, "image/png"));

  desk_message_record_to_json (message, builder);
  node = reparse (builder, NULL);
  decoded = desk_message_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  g_assert_cmpint (decoded->id, ==, message->id);
  g_assert_false (decoded->deleted);
  g_assert_cmpint (decoded->ticket_id, ==, message->ticket_id);
  g_assert_cmpint (decoded->author_type, ==, message->author_type);
  g_assert_cmpint (decoded->author_id, ==, message->author_id);
  g_assert_cmpstr (decoded->author_name, ==, message->author_name);
  g_assert_cmpint (decoded->visibility, ==, message->visibility);
  g_assert_cmpstr (decoded->body, ==, message->body);
  g_assert_cmpstr (decoded->body_html, ==, message->body_html);
  g_assert_cmpint (decoded->created_at, ==, message->created_at);
  g_assert_cmpint (decoded->updated_at, ==, message->updated_at);
  g_assert_cmpstr (decoded->client_id, ==, message->client_id);
  g_assert_nonnull (decoded->attachments);
  g_assert_cmpuint (decoded->attachments->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      DeskAttachmentRecord *a = g_ptr_array_index (message->attachments, i);
      DeskAttachmentRecord *b = g_ptr_array_index (decoded->attachments, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->size, ==, b->size);
      g_assert_cmpstr (a->mime, ==, b->mime);
    }
}

static void
test_message_system_round_trip (void)
{
  g_autoptr (DeskMessageRecord) message = g_new0 (DeskMessageRecord, 1);
  g_autoptr (DeskMessageRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  /* A system message: no author id, no HTML, no client id, no attachments. */
  message->id = 902;
  message->ticket_id = 17;
  message->author_type = DESK_AUTHOR_SYSTEM;
  message->author_name = g_strdup ("System");
  message->visibility = DESK_VISIBILITY_PUBLIC;
  message->body = g_strdup ("");
  message->created_at = T ("2026-11-20T08:00:00Z");

  desk_message_record_to_json (message, builder);
  node = reparse (builder, &text);
  g_assert_nonnull (strstr (text, "\"attachments\":[]"));

  decoded = desk_message_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->author_type, ==, DESK_AUTHOR_SYSTEM);
  g_assert_cmpint (decoded->author_id, ==, 0);
  g_assert_cmpint (decoded->visibility, ==, DESK_VISIBILITY_PUBLIC);
  g_assert_cmpstr (decoded->body, ==, "");
  g_assert_null (decoded->body_html);
  g_assert_null (decoded->client_id);
  g_assert_cmpint (decoded->updated_at, ==, 0);
  g_assert_true (decoded->attachments == NULL || decoded->attachments->len == 0);
}

static void
test_article_round_trip (void)
{
  g_autoptr (DeskArticleRecord) article = g_new0 (DeskArticleRecord, 1);
  g_autoptr (DeskArticleRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const char *const tags[] = { "2fa", "security", NULL };

  article->id = 12;
  article->version = 3;
  article->title = g_strdup ("Resetting two-factor authentication");
  article->body = g_strdup ("# Reset\n\n1. Open **Security**\n2. …");
  article->category = g_strdup ("Security");
  article->tags = g_strdupv ((char **) tags);
  article->locale = g_strdup ("en");
  article->updated_at = T ("2026-10-01T12:00:00Z");
  article->url = g_strdup ("https://help.example.com/articles/12");

  desk_article_record_to_json (article, builder);
  node = reparse (builder, NULL);
  decoded = desk_article_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  g_assert_cmpint (decoded->id, ==, article->id);
  g_assert_cmpint (decoded->version, ==, article->version);
  g_assert_false (decoded->deleted);
  g_assert_cmpstr (decoded->title, ==, article->title);
  g_assert_cmpstr (decoded->body, ==, article->body);
  g_assert_cmpstr (decoded->category, ==, article->category);
  g_assert_true (
      g_strv_equal ((const char *const *) decoded->tags, (const char *const *) article->tags));
  g_assert_cmpstr (decoded->locale, ==, article->locale);
  g_assert_cmpint (decoded->updated_at, ==, article->updated_at);
  g_assert_cmpstr (decoded->url, ==, article->url);
}

static void
test_canned_round_trip (void)
{
  g_autoptr (DeskCannedRecord) canned = g_new0 (DeskCannedRecord, 1);
  g_autoptr (DeskCannedRecord) shared = NULL;
  g_autoptr (DeskCannedRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonBuilder) shared_builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) shared_node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *shared_text = NULL;

  canned->id = 31;
  canned->title = g_strdup ("Greeting");
  canned->shortcut = g_strdup ("hi");
  canned->body = g_strdup ("Hello {{customer.first_name}}, I am {{agent.name}} (#{{ticket.id}}).");
  canned->category = g_strdup ("General");
  canned->locale = g_strdup ("zh-CN");
  canned->owner_id = 4;
  canned->updated_at = T ("2026-11-01T00:00:00Z");

  desk_canned_record_to_json (canned, builder);
  node = reparse (builder, NULL);
  decoded = desk_canned_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  g_assert_cmpint (decoded->id, ==, canned->id);
  g_assert_false (decoded->deleted);
  g_assert_cmpstr (decoded->title, ==, canned->title);
  g_assert_cmpstr (decoded->shortcut, ==, canned->shortcut);
  g_assert_cmpstr (decoded->body, ==, canned->body);
  g_assert_cmpstr (decoded->category, ==, canned->category);
  g_assert_cmpstr (decoded->locale, ==, canned->locale);
  g_assert_cmpint (decoded->owner_id, ==, canned->owner_id);
  g_assert_cmpint (decoded->updated_at, ==, canned->updated_at);

  /* A shared reply has owner_id null on the wire. */
  canned->owner_id = 0;
  desk_canned_record_to_json (canned, shared_builder);
  shared_node = reparse (shared_builder, &shared_text);
  g_assert_nonnull (strstr (shared_text, "\"owner_id\":null"));
  shared = desk_canned_record_from_json (shared_node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shared->owner_id, ==, 0);
}

static void
test_queue_round_trip (void)
{
  g_autoptr (DeskQueueRecord) queue = g_new0 (DeskQueueRecord, 1);
  g_autoptr (DeskQueueRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  queue->id = 4;
  queue->name = g_strdup ("Security");
  queue->description = g_strdup ("2FA resets, freezes.");
  queue->first_response_minutes = 15;
  queue->resolution_minutes = 240;

  desk_queue_record_to_json (queue, builder);
  node = reparse (builder, NULL);
  decoded = desk_queue_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  g_assert_cmpint (decoded->id, ==, queue->id);
  g_assert_cmpstr (decoded->name, ==, queue->name);
  g_assert_cmpstr (decoded->description, ==, queue->description);
  g_assert_cmpint (decoded->first_response_minutes, ==, queue->first_response_minutes);
  g_assert_cmpint (decoded->resolution_minutes, ==, queue->resolution_minutes);
}

static void
test_user_round_trip (void)
{
  g_autoptr (DeskUserRecord) user = g_new0 (DeskUserRecord, 1);
  g_autoptr (DeskUserRecord) decoded = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const gint64 queue_ids[] = { 1, 2, 4 };

  user->id = 5;
  user->name = g_strdup ("陈晓雯");
  user->email = g_strdup ("chen.xiaowen@koinhaven.example");
  user->role = DESK_ROLE_TRAINEE;
  user->queue_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (user->queue_ids, queue_ids, G_N_ELEMENTS (queue_ids));
  user->presence = DESK_PRESENCE_AWAY;

  desk_user_record_to_json (user, builder);
  node = reparse (builder, NULL);
  decoded = desk_user_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);

  g_assert_cmpint (decoded->id, ==, user->id);
  g_assert_cmpstr (decoded->name, ==, user->name);
  g_assert_cmpstr (decoded->email, ==, user->email);
  g_assert_cmpint (decoded->role, ==, user->role);
  g_assert_cmpint (decoded->presence, ==, user->presence);
  g_assert_nonnull (decoded->queue_ids);
  g_assert_cmpuint (decoded->queue_ids->len, ==, G_N_ELEMENTS (queue_ids));
  for (guint i = 0; i < G_N_ELEMENTS (queue_ids); i++)
    g_assert_cmpint (g_array_index (decoded->queue_ids, gint64, i), ==, queue_ids[i]);
}

static const char quiz_with_answers_json[] =
    "{\"id\": 1, \"title\": \"Account & KYC basics\", \"description\": \"Levels.\","
    " \"pass_score\": 0.75, \"article_ids\": [1, 2], \"questions\": ["
    "  {\"id\": 101, \"prompt\": \"Which level allows fiat?\", \"kind\": \"single\","
    "   \"choices\": [{\"id\": 1011, \"text\": \"Level 0\", \"correct\": false},"
    "                 {\"id\": 1013, \"text\": \"Level 2\", \"correct\": true}],"
    "   \"explanation\": \"Level 2 after proof of address.\", \"article_id\": 1},"
    "  {\"id\": 102, \"prompt\": \"Pick the safe ones\", \"kind\": \"multiple\","
    "   \"choices\": [{\"id\": 1021, \"text\": \"A\", \"correct\": true},"
    "                 {\"id\": 1022, \"text\": \"B\", \"correct\": true},"
    "                 {\"id\": 1023, \"text\": \"C\", \"correct\": false}],"
    "   \"explanation\": \"A and B.\", \"article_id\": null},"
    "  {\"id\": 103, \"prompt\": \"2FA can be reset by phone.\", \"kind\": \"true_false\","
    "   \"choices\": [{\"id\": 1031, \"text\": \"True\", \"correct\": false},"
    "                 {\"id\": 1032, \"text\": \"False\", \"correct\": true}],"
    "   \"explanation\": \"Never by phone.\", \"article_id\": 7}]}";

static void
assert_quiz_equal (const DeskQuizRecord *a, const DeskQuizRecord *b, gboolean with_answers)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpfloat_with_epsilon (a->pass_score, b->pass_score, 1e-9);
  g_assert_cmpuint (a->article_ids->len, ==, b->article_ids->len);
  for (guint i = 0; i < a->article_ids->len; i++)
    g_assert_cmpint (g_array_index (a->article_ids, gint64, i), ==,
                     g_array_index (b->article_ids, gint64, i));

  g_assert_cmpuint (a->questions->len, ==, b->questions->len);
  for (guint i = 0; i < a->questions->len; i++)
    {
      DeskQuestionRecord *qa = g_ptr_array_index (a->questions, i);
      DeskQuestionRecord *qb = g_ptr_array_index (b->questions, i);

      g_assert_cmpint (qa->id, ==, qb->id);
      g_assert_cmpstr (qa->prompt, ==, qb->prompt);
      g_assert_cmpint (qa->kind, ==, qb->kind);
      if (with_answers)
        {
          g_assert_cmpstr (qa->explanation, ==, qb->explanation);
          g_assert_cmpint (qa->article_id, ==, qb->article_id);
        }
      else
        {
          g_assert_null (qb->explanation);
          g_assert_cmpint (qb->article_id, ==, 0);
        }

      g_assert_cmpuint (qa->choices->len, ==, qb->choices->len);
      for (guint j = 0; j < qa->choices->len; j++)
        {
          DeskChoiceRecord *ca = g_ptr_array_index (qa->choices, j);
          DeskChoiceRecord *cb = g_ptr_array_index (qb->choices, j);

          g_assert_cmpint (ca->id, ==, cb->id);
          g_assert_cmpstr (ca->text, ==, cb->text);
          if (with_answers)
            g_assert_cmpint (ca->correct, ==, cb->correct);
          else
            g_assert_false (cb->correct);
        }
    }
}

static void
test_quiz_round_trip (void)
{
  g_autoptr (JsonNode) source = parse_or_die (quiz_with_answers_json);
  g_autoptr (DeskQuizRecord) quiz = NULL;
  g_autoptr (DeskQuizRecord) with = NULL;
  g_autoptr (DeskQuizRecord) without = NULL;
  g_autoptr (JsonBuilder) with_builder = json_builder_new ();
  g_autoptr (JsonBuilder) without_builder = json_builder_new ();
  g_autoptr (JsonNode) with_node = NULL;
  g_autoptr (JsonNode) without_node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char    *with_text = NULL;
  g_autofree char    *without_text = NULL;
  DeskQuestionRecord *question;

  quiz = desk_quiz_record_from_json (source, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (quiz);
  g_assert_cmpuint (quiz->questions->len, ==, 3);
  question = g_ptr_array_index (quiz->questions, 2);
  g_assert_cmpint (question->kind, ==, DESK_QUESTION_TRUE_FALSE);
  g_assert_true (((DeskChoiceRecord *) g_ptr_array_index (question->choices, 1))->correct);

  /* With answers: what an import file or the server's store holds. */
  desk_quiz_record_to_json (quiz, DESK_QUIZ_WITH_ANSWERS, with_builder);
  with_node = reparse (with_builder, &with_text);
  g_assert_true (node_has_member (with_node, "correct"));
  g_assert_true (node_has_member (with_node, "explanation"));
  with = desk_quiz_record_from_json (with_node, NULL, &error);
  g_assert_no_error (error);
  assert_quiz_equal (quiz, with, TRUE);

  /* Without answers: what clients get. Nothing may give the answer away. */
  desk_quiz_record_to_json (quiz, DESK_QUIZ_WITHOUT_ANSWERS, without_builder);
  without_node = reparse (without_builder, &without_text);
  g_assert_false (node_has_member (without_node, "correct"));
  g_assert_false (node_has_member (without_node, "explanation"));
  g_assert_null (strstr (without_text, "\"correct\""));
  g_assert_null (strstr (without_text, "\"explanation\""));
  g_assert_null (strstr (without_text, "Never by phone"));
  without = desk_quiz_record_from_json (without_node, NULL, &error);
  g_assert_no_error (error);
  assert_quiz_equal (quiz, without, FALSE);
}

/* Tombstones */

static void
test_tombstones (void)
{
  const char tombstone[] =
      "{\"id\": 5, \"deleted\": true, \"updated_at\": \"2026-11-25T09:30:00Z\"}";
  const gint64 updated_at = T ("2026-11-25T09:30:00Z");
  g_autoptr (JsonNode) node = parse_or_die (tombstone);
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (DeskArticleRecord) article = NULL;
  g_autoptr (DeskCannedRecord) canned = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) reencoded = NULL;
  g_autoptr (DeskTicketRecord) reencoded_ticket = NULL;
  g_autofree char *text = NULL;

  ticket = desk_ticket_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ticket->deleted);
  g_assert_cmpint (ticket->id, ==, 5);
  g_assert_cmpint (ticket->updated_at, ==, updated_at);

  message = desk_message_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (message->deleted);
  g_assert_cmpint (message->id, ==, 5);
  g_assert_cmpint (message->updated_at, ==, updated_at);

  article = desk_article_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (article->deleted);
  g_assert_cmpint (article->id, ==, 5);
  g_assert_cmpint (article->updated_at, ==, updated_at);

  canned = desk_canned_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (canned->deleted);
  g_assert_cmpint (canned->id, ==, 5);
  g_assert_cmpint (canned->updated_at, ==, updated_at);

  /* A tombstone encodes back to exactly its three members. */
  desk_ticket_record_to_json (ticket, builder);
  reencoded = reparse (builder, &text);
  g_assert_cmpstr (text, ==, "{\"id\":5,\"deleted\":true,\"updated_at\":\"2026-11-25T09:30:00Z\"}");
  reencoded_ticket = desk_ticket_record_from_json (reencoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reencoded_ticket->deleted);
  g_assert_cmpint (reencoded_ticket->id, ==, 5);
}

static void
test_bad_tombstones (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } rows[] = {
    { "{\"id\": \"5\", \"deleted\": true}", "id: expected integer" },
    { "{\"deleted\": true, \"updated_at\": \"2026-11-25T09:30:00Z\"}", "id: missing" },
    { "{\"id\": 5, \"deleted\": true, \"updated_at\": \"never\"}",
      "updated_at: expected an RFC 3339 time" },
    { "{\"id\": 5, \"deleted\": 1}", "deleted: expected boolean" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (JsonNode) node = parse_or_die (rows[i].text);

      for (RecordKind kind = KIND_TICKET; kind <= KIND_CANNED; kind++)
        {
          g_autoptr (GError) error = NULL;

          g_assert_false (decode (kind, node, NULL, &error));
          g_assert_nonnull (error);
          g_assert_true (error->domain == DESK_JSON_ERROR);
          g_assert_cmpstr (error->message, ==, rows[i].message);
        }
    }
}

static void
test_tombstone_in_page (void)
{
  const char text[] = "{\"items\": [{\"id\": 5, \"deleted\": true, \"updated_at\": "
                      "\"2026-11-25T09:30:00Z\"}], \"next\": \"abc\", \"more\": false}";
  g_autoptr (JsonNode) node = parse_or_die (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskPage) page = NULL;
  DeskCannedRecord *canned;

  page = desk_page_from_json (node, (DeskRecordDecodeFunc) desk_canned_record_from_json,
                              (GDestroyNotify) desk_canned_record_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpstr (page->next, ==, "abc");
  g_assert_false (page->more);
  canned = g_ptr_array_index (page->items, 0);
  g_assert_true (canned->deleted);
  g_assert_cmpint (canned->id, ==, 5);
}

/* Bad documents: each row changes one member of a valid document (a dotted
 * path; NULL replacement removes it) and names the exact error. */

static const char valid_ticket_json[] =
    "{\"id\": 17, \"version\": 2, \"kind\": \"ticket\", \"channel\": \"email\","
    " \"subject\": \"Deposit missing\", \"status\": \"open\", \"priority\": \"high\","
    " \"queue_id\": 2, \"assignee_id\": null,"
    " \"requester\": {\"id\": 8, \"name\": \"Sofia\", \"email\": \"s@example.org\", \"locale\": "
    "\"en\"},"
    " \"tags\": [\"deposit\"], \"created_at\": \"2026-11-20T08:00:00Z\","
    " \"updated_at\": \"2026-11-20T08:30:00Z\", \"first_response_due\": \"2026-11-20T08:30:00Z\","
    " \"resolution_due\": \"2026-11-20T20:00:00Z\", \"first_responded_at\": null,"
    " \"solved_at\": null, \"last_message_at\": \"2026-11-20T08:00:00Z\", \"message_count\": 1,"
    " \"csat\": null}";

static const char valid_message_json[] =
    "{\"id\": 90, \"ticket_id\": 17, \"author\": {\"type\": \"customer\", \"id\": 8, \"name\": "
    "\"Sofia\"},"
    " \"visibility\": \"public\", \"body\": \"Hi\", \"body_html\": null,"
    " \"created_at\": \"2026-11-20T08:00:00Z\", \"client_id\": null,"
    " \"attachments\": [{\"id\": 1, \"name\": \"a.txt\", \"size\": 3, \"mime\": \"text/plain\"}]}";

static const char valid_article_json[] =
    "{\"id\": 3, \"version\": 1, \"title\": \"Fees\", \"body\": \"# Fees\", \"category\": "
    "\"Trading\","
    " \"tags\": [], \"locale\": \"en\", \"updated_at\": \"2026-11-20T08:00:00Z\", \"url\": "
    "\"https://x\"}";

static const char valid_canned_json[] =
    "{\"id\": 3, \"deleted\": false, \"title\": \"Hi\", \"shortcut\": \"hi\", \"body\": "
    "\"Hello\", \"category\": \"G\", \"locale\": \"en\", \"owner_id\": null,"
    " \"updated_at\": \"2026-11-20T08:00:00Z\"}";

static const char valid_queue_json[] =
    "{\"id\": 1, \"name\": \"KYC\", \"description\": \"\", \"first_response_minutes\": 60,"
    " \"resolution_minutes\": 1440}";

static const char valid_user_json[] =
    "{\"id\": 1, \"name\": \"Lin Wei\", \"email\": \"lin@example\", \"role\": \"lead\","
    " \"queue_ids\": [1, 2], \"presence\": \"online\"}";

typedef struct
{
  RecordKind  kind;
  const char *member;      /* dotted path; [n] indexes arrays */
  const char *replacement; /* JSON text, or NULL to remove the member */
  int         code;
  const char *message;
} BadDocument;

static const BadDocument bad_documents[] = {
  /* wrong type */
  { KIND_TICKET, "id", "\"17\"", DESK_JSON_ERROR_TYPE, "id: expected integer" },
  { KIND_TICKET, "message_count", "1.5", DESK_JSON_ERROR_TYPE, "message_count: expected integer" },
  { KIND_TICKET, "subject", "[]", DESK_JSON_ERROR_TYPE, "subject: expected string" },
  { KIND_TICKET, "requester", "\"Sofia\"", DESK_JSON_ERROR_TYPE, "requester: expected object" },
  { KIND_TICKET, "requester.name", "42", DESK_JSON_ERROR_TYPE, "requester.name: expected string" },
  { KIND_TICKET, "tags", "[\"a\", 5]", DESK_JSON_ERROR_TYPE, "tags[1]: expected string" },
  { KIND_TICKET, "tags", "\"deposit\"", DESK_JSON_ERROR_TYPE, "tags: expected array" },
  { KIND_MESSAGE, "body", "5", DESK_JSON_ERROR_TYPE, "body: expected string" },
  { KIND_MESSAGE, "attachments[0].size", "\"big\"", DESK_JSON_ERROR_TYPE,
    "attachments[0].size: expected integer" },
  { KIND_USER, "queue_ids", "[1, \"2\"]", DESK_JSON_ERROR_TYPE, "queue_ids[1]: expected integer" },
  { KIND_CANNED, "title", "true", DESK_JSON_ERROR_TYPE, "title: expected string" },
  { KIND_QUEUE, "first_response_minutes", "\"60\"", DESK_JSON_ERROR_TYPE,
    "first_response_minutes: expected integer" },
  { KIND_QUIZ, "pass_score", "\"high\"", DESK_JSON_ERROR_TYPE, "pass_score: expected number" },
  { KIND_QUIZ, "questions[1].choices[0].id", "\"x\"", DESK_JSON_ERROR_TYPE,
    "questions[1].choices[0].id: expected integer" },
  { KIND_QUIZ, "questions[0].choices[1].correct", "\"yes\"", DESK_JSON_ERROR_TYPE,
    "questions[0].choices[1].correct: expected boolean" },
  /* missing field */
  { KIND_TICKET, "subject", NULL, DESK_JSON_ERROR_MISSING, "subject: missing" },
  { KIND_TICKET, "requester", NULL, DESK_JSON_ERROR_MISSING, "requester: missing" },
  { KIND_TICKET, "assignee_id", NULL, DESK_JSON_ERROR_MISSING, "assignee_id: missing" },
  { KIND_TICKET, "requester.id", NULL, DESK_JSON_ERROR_MISSING, "requester.id: missing" },
  { KIND_MESSAGE, "author", NULL, DESK_JSON_ERROR_MISSING, "author: missing" },
  { KIND_ARTICLE, "locale", NULL, DESK_JSON_ERROR_MISSING, "locale: missing" },
  { KIND_USER, "queue_ids", NULL, DESK_JSON_ERROR_MISSING, "queue_ids: missing" },
  { KIND_QUIZ, "questions[0].choices[1].text", NULL, DESK_JSON_ERROR_MISSING,
    "questions[0].choices[1].text: missing" },
  /* unknown enum value */
  { KIND_TICKET, "status", "\"frozen\"", DESK_JSON_ERROR_VALUE,
    "status: unknown value \"frozen\"" },
  { KIND_TICKET, "channel", "\"fax\"", DESK_JSON_ERROR_VALUE, "channel: unknown value \"fax\"" },
  { KIND_TICKET, "priority", "\"URGENT\"", DESK_JSON_ERROR_VALUE,
    "priority: unknown value \"URGENT\"" },
  { KIND_MESSAGE, "visibility", "\"secret\"", DESK_JSON_ERROR_VALUE,
    "visibility: unknown value \"secret\"" },
  { KIND_MESSAGE, "author.type", "\"robot\"", DESK_JSON_ERROR_VALUE,
    "author.type: unknown value \"robot\"" },
  { KIND_USER, "role", "\"boss\"", DESK_JSON_ERROR_VALUE, "role: unknown value \"boss\"" },
  { KIND_QUIZ, "questions[2].kind", "\"essay\"", DESK_JSON_ERROR_VALUE,
    "questions[2].kind: unknown value \"essay\"" },
  /* invalid time */
  { KIND_TICKET, "created_at", "\"yesterday\"", DESK_JSON_ERROR_VALUE,
    "created_at: expected an RFC 3339 time" },
  { KIND_TICKET, "solved_at", "\"2026-13-45T99:00:00Z\"", DESK_JSON_ERROR_VALUE,
    "solved_at: expected an RFC 3339 time" },
  { KIND_MESSAGE, "created_at", "1795599000", DESK_JSON_ERROR_TYPE, "created_at: expected string" },
  /* out of range */
  { KIND_TICKET, "csat", "7", DESK_JSON_ERROR_VALUE, "csat: expected 1 to 5" },
  { KIND_TICKET, "csat", "-1", DESK_JSON_ERROR_VALUE, "csat: expected 1 to 5" },
  { KIND_QUIZ, "pass_score", "1.5", DESK_JSON_ERROR_VALUE, "pass_score: expected 0 to 1" },
  /* null where not nullable */
  { KIND_TICKET, "queue_id", "null", DESK_JSON_ERROR_TYPE, "queue_id: must not be null" },
  { KIND_TICKET, "created_at", "null", DESK_JSON_ERROR_TYPE, "created_at: must not be null" },
  { KIND_TICKET, "requester", "null", DESK_JSON_ERROR_TYPE, "requester: must not be null" },
  { KIND_MESSAGE, "body", "null", DESK_JSON_ERROR_TYPE, "body: must not be null" },
  { KIND_QUEUE, "name", "null", DESK_JSON_ERROR_TYPE, "name: must not be null" },
  /* "deleted" is the tombstone marker and must be a boolean */
  { KIND_CANNED, "deleted", "\"yes\"", DESK_JSON_ERROR_TYPE, "deleted: expected boolean" },
};

static gboolean
decode (RecordKind kind, JsonNode *node, const char *path, GError **error)
{
  gpointer       record = NULL;
  GDestroyNotify free_func = NULL;

  switch (kind)
    {
      case KIND_TICKET:
        record = desk_ticket_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_ticket_record_free;
        break;
      case KIND_MESSAGE:
        record = desk_message_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_message_record_free;
        break;
      case KIND_ARTICLE:
        record = desk_article_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_article_record_free;
        break;
      case KIND_CANNED:
        record = desk_canned_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_canned_record_free;
        break;
      case KIND_QUEUE:
        record = desk_queue_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_queue_record_free;
        break;
      case KIND_USER:
        record = desk_user_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_user_record_free;
        break;
      case KIND_QUIZ:
        record = desk_quiz_record_from_json (node, path, error);
        free_func = (GDestroyNotify) desk_quiz_record_free;
        break;
      default:
        g_error ("Unknown record kind %d", (int) kind);
    }

  if (record == NULL)
    return FALSE;

  free_func (record);
  return TRUE;
}

static const char *
valid_document (RecordKind kind)
{
  switch (kind)
    {
      case KIND_TICKET:
        return valid_ticket_json;
      case KIND_MESSAGE:
        return valid_message_json;
      case KIND_ARTICLE:
        return valid_article_json;
      case KIND_CANNED:
        return valid_canned_json;
      case KIND_QUEUE:
        return valid_queue_json;
      case KIND_USER:
        return valid_user_json;
      case KIND_QUIZ:
        return quiz_with_answers_json;
      default:
        g_error ("Unknown record kind %d", (int) kind);
    }
}

/* Walks @member ("a.b[2].c") from @root to the object that holds its last
 * segment, and returns that object and the segment's name. */
static JsonObject *
walk_to_parent (JsonNode *root, const char *member, char **last)
{
  g_auto (GStrv) segments = g_strsplit (member, ".", -1);
  JsonNode *node = root;
  guint     n = g_strv_length (segments);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup (segments[i]);
      char            *bracket = strchr (name, '[');
      guint            index = 0;
      gboolean         indexed = bracket != NULL;

      if (indexed)
        {
          index = (guint) g_ascii_strtoull (bracket + 1, NULL, 10);
          *bracket = '\0';
        }

      if (i == n - 1 && !indexed)
        {
          *last = g_steal_pointer (&name);
          return json_node_get_object (node);
        }

      node = json_object_get_member (json_node_get_object (node), name);
      g_assert_nonnull (node);
      if (indexed)
        node = json_array_get_element (json_node_get_array (node), index);
      g_assert_nonnull (node);
    }

  g_error ("The path %s leads nowhere", member);
}

static JsonNode *
mutate (const char *document, const char *member, const char *replacement)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *last = NULL;
  JsonObject      *parent;
  JsonNode        *root;

  json_parser_load_from_data (parser, document, -1, &error);
  g_assert_no_error (error);
  root = json_parser_steal_root (parser);

  parent = walk_to_parent (root, member, &last);
  g_assert_true (json_object_has_member (parent, last));
  if (replacement == NULL)
    json_object_remove_member (parent, last);
  else
    json_object_set_member (parent, last, parse_or_die (replacement));

  return root;
}

static void
test_valid_documents (void)
{
  for (RecordKind kind = KIND_TICKET; kind <= KIND_QUIZ; kind++)
    {
      g_autoptr (JsonNode) node = parse_or_die (valid_document (kind));
      g_autoptr (GError) error = NULL;

      g_assert_true (decode (kind, node, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
test_bad_documents (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_documents); i++)
    {
      const BadDocument *row = &bad_documents[i];
      g_autoptr (JsonNode) node =
          mutate (valid_document (row->kind), row->member, row->replacement);
      g_autoptr (GError) error = NULL;

      g_test_message ("row %u: %s = %s", i, row->member,
                      row->replacement ? row->replacement : "(removed)");
      g_assert_false (decode (row->kind, node, NULL, &error));
      g_assert_error (error, DESK_JSON_ERROR, row->code);
      g_assert_cmpstr (error->message, ==, row->message);
    }
}

static void
test_csat_zero (void)
{
  g_autoptr (JsonNode) node = mutate (valid_ticket_json, "csat", "0");
  g_autoptr (GError) error = NULL;

  /* 0 is not a rating: csat is null or 1..5. */
  g_assert_false (decode (KIND_TICKET, node, NULL, &error));
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_VALUE);
  g_assert_cmpstr (error->message, ==, "csat: expected 1 to 5");
}

static void
test_not_an_object (void)
{
  g_autoptr (JsonNode) array = parse_or_die ("[1, 2]");
  g_autoptr (JsonNode) string = parse_or_die ("\"ticket\"");
  g_autoptr (GError) error = NULL;

  g_assert_false (decode (KIND_TICKET, array, NULL, &error));
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "(document): expected object");
  g_clear_error (&error);

  /* With a path, the path names the place. */
  g_assert_false (decode (KIND_MESSAGE, string, "items[0]", &error));
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "items[0]: expected object");
  g_clear_error (&error);

  g_assert_null (desk_json_as_object (NULL, "x", &error));
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "x: expected object");
}

static char *
make_ticket_page (guint n_items, guint bad_index, const char *bad_member, const char *bad_value)
{
  g_autoptr (GString) text = g_string_new ("{\"items\": [");

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (JsonNode) item = NULL;
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autofree char *item_text = NULL;

      if (i == bad_index && bad_member != NULL)
        item = mutate (valid_ticket_json, bad_member, bad_value);
      else
        item = mutate (valid_ticket_json, "id", "17");
      json_object_set_int_member (json_node_get_object (item), "id", 100 + i);

      json_generator_set_root (generator, item);
      item_text = json_generator_to_data (generator, NULL);
      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", item_text);
    }
  g_string_append (text, "], \"next\": \"c2\", \"more\": true}");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_page (void)
{
  g_autofree char *good = make_ticket_page (5, G_MAXUINT, NULL, NULL);
  g_autofree char *bad = make_ticket_page (5, 3, "requester.email", "5");
  g_autoptr (JsonNode) good_node = parse_or_die (good);
  g_autoptr (JsonNode) bad_node = parse_or_die (bad);
  g_autoptr (DeskPage) page = NULL;
  g_autoptr (DeskPage) bad_page = NULL;
  g_autoptr (GError) error = NULL;

  page = desk_page_from_json (good_node, (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                              (GDestroyNotify) desk_ticket_record_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->items->len, ==, 5);
  g_assert_cmpstr (page->next, ==, "c2");
  g_assert_true (page->more);
  g_assert_cmpint (((DeskTicketRecord *) g_ptr_array_index (page->items, 4))->id, ==, 104);

  bad_page = desk_page_from_json (bad_node, (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                                  (GDestroyNotify) desk_ticket_record_free, &error);
  g_assert_null (bad_page);
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_TYPE);
  g_assert_cmpstr (error->message, ==, "items[3].requester.email: expected string");
}

static void
test_page_bad_envelope (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } rows[] = {
    { "{\"next\": \"c\", \"more\": false}", "items: missing" },
    { "{\"items\": {}, \"next\": \"c\", \"more\": false}", "items: expected array" },
    { "{\"items\": [], \"next\": 3, \"more\": false}", "next: expected string" },
    { "{\"items\": [], \"next\": \"c\", \"more\": \"no\"}", "more: expected boolean" },
    { "{\"items\": [null], \"next\": \"c\", \"more\": false}", "items[0]: expected object" },
    { "[]", "(document): expected object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (JsonNode) node = parse_or_die (rows[i].text);
      g_autoptr (DeskPage) page = NULL;
      g_autoptr (GError) error = NULL;

      page = desk_page_from_json (node, (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                                  (GDestroyNotify) desk_ticket_record_free, &error);
      g_assert_null (page);
      g_assert_nonnull (error);
      g_assert_true (error->domain == DESK_JSON_ERROR);
      g_assert_cmpstr (error->message, ==, rows[i].message);
    }
}

static void
test_empty_page (void)
{
  g_autoptr (JsonNode) node = parse_or_die ("{\"items\": [], \"next\": \"c9\", \"more\": false}");
  g_autoptr (DeskPage) page = NULL;
  g_autoptr (GError) error = NULL;

  page = desk_page_from_json (node, (DeskRecordDecodeFunc) desk_message_record_from_json,
                              (GDestroyNotify) desk_message_record_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->items->len, ==, 0);
  g_assert_cmpstr (page->next, ==, "c9");
  g_assert_false (page->more);
}

static void
test_unknown_members_ignored (void)
{
  g_autoptr (JsonNode) node = mutate (valid_ticket_json, "id", "17");
  g_autoptr (JsonNode) message_node = mutate (valid_message_json, "id", "90");
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (DeskMessageRecord) message = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object = json_node_get_object (node);
  JsonObject *requester = json_object_get_object_member (object, "requester");

  json_object_set_string_member (object, "x_future_field", "whatever");
  json_object_set_member (object, "viewers",
                          parse_or_die ("[{\"agent_id\": 1, \"name\": "
                                        "\"Lin\", \"state\": \"viewing\"}]"));
  json_object_set_member (object, "nested", parse_or_die ("{\"a\": [1, {\"b\": null}]}"));
  json_object_set_int_member (requester, "vip_level", 3);

  ticket = desk_ticket_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  g_assert_cmpint (ticket->id, ==, 17);
  g_assert_cmpstr (ticket->requester.name, ==, "Sofia");
  g_assert_cmpint (ticket->status, ==, DESK_TICKET_STATUS_OPEN);
  g_assert_cmpint (ticket->priority, ==, DESK_PRIORITY_HIGH);
  g_assert_cmpint (ticket->assignee_id, ==, 0);
  g_assert_cmpint (ticket->csat, ==, 0);

  json_object_set_boolean_member (json_node_get_object (message_node), "edited", TRUE);
  json_object_set_string_member (
      json_object_get_object_member (json_node_get_object (message_node), "author"), "avatar",
      "https://x/a.png");
  message = desk_message_record_from_json (message_node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_assert_cmpstr (message->author_name, ==, "Sofia");
}

/* desk_json_parse */

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *data;
    gssize      length;
    const char *message_prefix;
  } rows[] = {
    { "{\"body\": \"caf\xc3\"}", -1, "the document is not valid UTF-8" },
    { "{\"body\": \"\xff\xfe\"}", -1, "the document is not valid UTF-8" },
    { "{\"body\": \"\xed\xa0\x80\"}", -1, "the document is not valid UTF-8" }, /* a surrogate */
    { "{\"a\": \"x\0y\"}", 12, "the document is not valid UTF-8" },            /* a NUL byte */
    /* Escaped halves of surrogate pairs, which json-glib would decode to
     * bytes that are not UTF-8 */
    { "{\"a\": \"x\\ud800\"}", -1, "the document is not valid UTF-8" },
    { "{\"a\": \"\\uDBFFx\"}", -1, "the document is not valid UTF-8" },
    { "{\"a\": \"\\udc00\"}", -1, "the document is not valid UTF-8" },
    { "{\"a\": \"\\ud800\\u0041\"}", -1, "the document is not valid UTF-8" },
    { "{\"a\": \"\\ude00\\ud83d\"}", -1, "the document is not valid UTF-8" },
    { "{", -1, "malformed JSON: " },
    { "{\"a\": }", -1, "malformed JSON: " },
    { "{\"a\": 1,}", -1, "malformed JSON: " },
    { "[1, 2", -1, "malformed JSON: " },
    { "{\"a\": 1} x", -1, "malformed JSON: " },
    { "nul", -1, "malformed JSON: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("row %u", i);
      node = desk_json_parse (rows[i].data, rows[i].length, &error);
      g_assert_null (node);
      g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX);
      g_assert_true (g_str_has_prefix (error->message, rows[i].message_prefix));
    }
}

/* @depth arrays, one in the other, around a number */
static char *
nested (guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  g_string_append_c (text, '1');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');

  return g_string_free (text, FALSE);
}

/* json-glib recurses once a level of nesting, with no limit: deep documents
 * are refused before they reach it. Brackets in strings are text. */
static void
test_parse_nesting (void)
{
  g_autofree char *deepest = nested (64);
  g_autofree char *too_deep = nested (65);
  g_autofree char *hostile = nested (200000);
  g_autoptr (GString) brackets = g_string_new ("{\"a\": \"\\\"");
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = desk_json_parse (deepest, -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);

  node = desk_json_parse (too_deep, -1, &error);
  g_assert_null (node);
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "the document nests deeper than 64 levels");
  g_clear_error (&error);

  node = desk_json_parse (hostile, -1, &error);
  g_assert_null (node);
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX);
  g_clear_error (&error);

  for (guint i = 0; i < 1000; i++)
    g_string_append (brackets, "[{");
  g_string_append (brackets, "\"}");
  node = desk_json_parse (brackets->str, brackets->len, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (node), "a"),
                                   "\"[{[{"));
}

/* A bound on values spares the memory json-glib would spend on them. */
static void
test_parse_bounded (void)
{
  const char *text = "{\"a\": [1, 2, \"3, 4, [5]\"]}";
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  /* The object, its array and three elements */
  node = desk_json_parse_bounded (text, -1, 5, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);

  node = desk_json_parse_bounded (text, -1, 4, &error);
  g_assert_null (node);
  g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "the document holds more than 4 values");
}

static void
test_parse_empty (void)
{
  static const char *const empties[] = { "", "   ", "\n" };

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GError) error = NULL;

      node = desk_json_parse (empties[i], -1, &error);
      g_assert_null (node);
      g_assert_error (error, DESK_JSON_ERROR, DESK_JSON_ERROR_SYNTAX);
    }
}

static void
test_parse_valid (void)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const char  text[] = "{\"body\": \"你好 \\u00e9 \\ud83d\\ude00\", \"n\": 9007199254740993}";
  JsonObject *object;

  /* Length is honoured: trailing bytes past it are not read. */
  node = desk_json_parse (text, sizeof text - 1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "body"), ==, "你好 é 😀");
  g_assert_cmpint (json_object_get_int_member (object, "n"), ==,
                   G_GINT64_CONSTANT (9007199254740993));
}

static void
test_paths (void)
{
  g_autofree char *a = desk_json_path (NULL, "id");
  g_autofree char *b = desk_json_path ("", "id");
  g_autofree char *c = desk_json_path ("items[3]", "requester");
  g_autofree char *d = desk_json_path_index ("items", 3);

  g_assert_cmpstr (a, ==, "id");
  g_assert_cmpstr (b, ==, "id");
  g_assert_cmpstr (c, ==, "items[3].requester");
  g_assert_cmpstr (d, ==, "items[3]");
}

static void
test_enum_nicks (void)
{
  int value = -1;

  g_assert_cmpstr (desk_enum_to_nick (DESK_TYPE_QUESTION_KIND, DESK_QUESTION_TRUE_FALSE), ==,
                   "true_false");
  g_assert_cmpstr (desk_enum_to_nick (DESK_TYPE_TICKET_STATUS, DESK_TICKET_STATUS_SOLVED), ==,
                   "solved");
  g_assert_cmpstr (desk_enum_to_nick (DESK_TYPE_ROLE, DESK_ROLE_TRAINEE), ==, "trainee");
  g_assert_true (desk_enum_from_nick (DESK_TYPE_CHANNEL, "phone", &value));
  g_assert_cmpint (value, ==, DESK_CHANNEL_PHONE);
  g_assert_false (desk_enum_from_nick (DESK_TYPE_CHANNEL, "Phone", &value));
  g_assert_false (desk_enum_from_nick (DESK_TYPE_CHANNEL, NULL, &value));
}

/* Message pages read straight into records (desk-page-reader.c) */

static char *
message_to_string (DeskMessageRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  desk_message_record_to_json (record, builder);
  return desk_json_builder_to_string (builder, NULL);
}

/* What the reader makes of @text is what json-glib and the codec make of
 * it, or it gives up (@readable FALSE). */
static void
assert_reads_as_codec (const char *text, gboolean readable)
{
  g_autoptr (DeskPage) fast = _desk_message_page_read (text, strlen (text));
  g_autoptr (DeskPage) slow = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  if (!readable)
    {
      if (fast != NULL)
        g_error ("The reader read what it must leave to json-glib: %s", text);
      return;
    }
  if (fast == NULL)
    g_error ("The reader gave up on %s", text);

  node = desk_json_parse (text, -1, &error);
  g_assert_no_error (error);
  slow = desk_page_from_json (node, (DeskRecordDecodeFunc) desk_message_record_from_json,
                              (GDestroyNotify) desk_message_record_free, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (fast->next, ==, slow->next);
  g_assert_cmpint (fast->more, ==, slow->more);
  g_assert_cmpint (fast->remaining, ==, slow->remaining);
  g_assert_cmpuint (fast->items->len, ==, slow->items->len);
  for (guint i = 0; i < fast->items->len; i++)
    {
      g_autofree char   *a = message_to_string (g_ptr_array_index (fast->items, i));
      g_autofree char   *b = message_to_string (g_ptr_array_index (slow->items, i));
      DeskMessageRecord *x = g_ptr_array_index (fast->items, i);
      DeskMessageRecord *y = g_ptr_array_index (slow->items, i);

      g_assert_cmpstr (a, ==, b);
      g_assert_cmpint (x->updated_at, ==, y->updated_at);
      g_assert_cmpint (x->attachments == NULL, ==, y->attachments == NULL);
    }
}

#define MESSAGE_A                                                                                  \
  "{\"id\":5,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"id\":4,\"name\":\"陈晓雯\"},"     \
  "\"visibility\":\"public\",\"body\":\"Hi! \\\"Level 2\\\" reviews take 1–2 days.\\n\\tOK\\\\"  \
  "\\/\",\"body_html\":null,\"created_at\":\"2026-11-25T14:04:25Z\",\"client_id\":null,"           \
  "\"attachments\":[]}"
#define MESSAGE_B                                                                                  \
  "{ \"attachments\" : [ ], \"client_id\" : \"c-1\", \"body_html\" : \"<p>x</p>\",\n"              \
  "  \"created_at\" : \"2026-01-02T03:04:05.250+01:00\", \"updated_at\": "                         \
  "\"2026-01-03T00:00:00Z\","                                                                      \
  "  \"body\" : \"\", \"visibility\" : \"internal\", \"ticket_id\" : -7, \"id\" : "                \
  "9007199254740993,"                                                                              \
  "  \"author\" : { \"name\" : \"Sys\", \"type\" : \"system\" } }"
#define MESSAGE_C                                                                                  \
  "{\"id\":6,\"ticket_id\":2,\"author\":{\"type\":\"customer\",\"id\":null,\"name\":\"A\"},"       \
  "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"2026-11-25T14:04:25Z\"}"

static void
test_message_page_reader (void)
{
  static const char *readable[] = {
    "{\"items\":[" MESSAGE_A "," MESSAGE_B "," MESSAGE_C "],\"next\":\"c9\",\"more\":true,"
    "\"remaining\":12}",
    "{\"remaining\":null,\"more\":false,\"next\":\"c0t5\",\"items\":[]}",
    " {\"items\":[" MESSAGE_C "],\"next\":\"c1\"}\n",
  };
  static const char *not_readable[] = {
    /* json-glib's and the codec's to say what is wrong, or to read */
    "{\"items\":[" MESSAGE_C "],\"next\":\"c1\"} x",
    "{\"items\":[" MESSAGE_C "],\"next\":null}",
    "{\"items\":[" MESSAGE_C "],\"next\":\"c1\",\"extra\":1}",
    "{\"items\":[" MESSAGE_C "],\"next\":\"c1\",\"next\":\"c2\"}",
    "{\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"deleted\":true}],\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1.0,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":01,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"robot\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"\\u00e9\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":null,\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"created_at\":\"2026-11-25T14:04:25Z\"}],\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"yesterday\"}],\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"b\",\"created_at\":\"2026-11-25T14:04:25Z\","
    "\"attachments\":[{\"id\":1,\"name\":\"a\",\"size\":1,\"mime\":\"text/plain\"}]}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"a\tb\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[{\"id\":1,\"ticket_id\":2,\"author\":{\"type\":\"agent\",\"name\":\"A\"},"
    "\"visibility\":\"public\",\"body\":\"\xff\",\"created_at\":\"2026-11-25T14:04:25Z\"}],"
    "\"next\":\"c1\"}",
    "{\"items\":[" MESSAGE_C ",],\"next\":\"c1\"}",
    "{\"items\":[" MESSAGE_C "],\"next\":\"c1\",\"more\":1}",
    "{\"items\":[" MESSAGE_C "],\"next\":\"c1\"",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (readable); i++)
    assert_reads_as_codec (readable[i], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (not_readable); i++)
    assert_reads_as_codec (not_readable[i], FALSE);
}

static char *
ticket_to_string (DeskTicketRecord *record)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  desk_ticket_record_to_json (record, builder);
  return desk_json_builder_to_string (builder, NULL);
}

static void
assert_ticket_page_reads_as_codec (const char *text, gboolean readable)
{
  g_autoptr (DeskPage) fast = _desk_ticket_page_read (text, strlen (text));
  g_autoptr (DeskPage) slow = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  if (!readable)
    {
      if (fast != NULL)
        g_error ("The reader read what it must leave to json-glib: %s", text);
      return;
    }
  if (fast == NULL)
    g_error ("The reader gave up on %s", text);

  node = desk_json_parse (text, -1, &error);
  g_assert_no_error (error);
  slow = desk_page_from_json (node, (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                              (GDestroyNotify) desk_ticket_record_free, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fast->items->len, ==, slow->items->len);
  for (guint i = 0; i < fast->items->len; i++)
    {
      g_autofree char *a = ticket_to_string (g_ptr_array_index (fast->items, i));
      g_autofree char *b = ticket_to_string (g_ptr_array_index (slow->items, i));

      g_assert_cmpstr (a, ==, b);
    }
}

#define TICKET(requester, tags, csat)                                                                \
  "{\"items\":[{\"id\":1,\"version\":3,\"kind\":\"chat\",\"channel\":\"chat\",\"subject\":\"提现 " \
  "\\\"pending\\\"\",\"status\":\"pending\",\"priority\":\"urgent\",\"queue_id\":2,"                 \
  "\"assignee_id\":null,\"requester\":" requester ",\"tags\":" tags ","                              \
  "\"created_at\":\"2026-11-22T20:36:00Z\",\"updated_at\":\"2026-11-22T22:14:01Z\","                 \
  "\"first_response_due\":\"2026-11-22T21:36:00Z\",\"resolution_due\":null,"                         \
  "\"first_responded_at\":null,\"solved_at\":null,\"last_message_at\":\"2026-11-22T20:53:01Z\","     \
  "\"message_count\":3,\"csat\":" csat "}],\"next\":\"c1\",\"more\":false,\"remaining\":0}"
#define REQUESTER "{\"id\":7,\"name\":\"Fatima\",\"email\":\"f@example.com\",\"locale\":\"en\"}"

static void
test_ticket_page_reader (void)
{
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "[\"kyc\",\"a\\/b\"]", "null"), TRUE);
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "[]", "5"), TRUE);
  assert_ticket_page_reads_as_codec (TICKET ("{\"id\":7,\"name\":\"F\",\"email\":null}", "[]", "1"),
                                     TRUE);

  /* json-glib's and the codec's */
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "[]", "0"), FALSE);
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "[]", "6"), FALSE);
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "[1]", "null"), FALSE);
  assert_ticket_page_reads_as_codec (TICKET (REQUESTER, "null", "null"), FALSE);
  assert_ticket_page_reads_as_codec (TICKET ("{\"id\":7,\"name\":\"F\"}", "[]", "null"), FALSE);
  assert_ticket_page_reads_as_codec (TICKET ("null", "[]", "null"), FALSE);
  assert_ticket_page_reads_as_codec (
      "{\"items\":[{\"id\":1,\"deleted\":true,\"updated_at\":\"2026-11-22T22:14:01Z\"}],"
      "\"next\":\"c1\"}",
      FALSE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Records/ticket-round-trip", test_ticket_round_trip);
  g_test_add_func ("/Desk/Core/Records/ticket-copy", test_ticket_copy);
  g_test_add_func ("/Desk/Core/Records/message-round-trip", test_message_round_trip);
  g_test_add_func ("/Desk/Core/Records/message-system-round-trip", test_message_system_round_trip);
  g_test_add_func ("/Desk/Core/Records/article-round-trip", test_article_round_trip);
  g_test_add_func ("/Desk/Core/Records/canned-round-trip", test_canned_round_trip);
  g_test_add_func ("/Desk/Core/Records/queue-round-trip", test_queue_round_trip);
  g_test_add_func ("/Desk/Core/Records/user-round-trip", test_user_round_trip);
  g_test_add_func ("/Desk/Core/Records/quiz-round-trip", test_quiz_round_trip);
  g_test_add_func ("/Desk/Core/Records/tombstones", test_tombstones);
  g_test_add_func ("/Desk/Core/Records/bad-tombstones", test_bad_tombstones);
  g_test_add_func ("/Desk/Core/Records/tombstone-in-page", test_tombstone_in_page);
  g_test_add_func ("/Desk/Core/Records/valid-documents", test_valid_documents);
  g_test_add_func ("/Desk/Core/Records/bad-documents", test_bad_documents);
  g_test_add_func ("/Desk/Core/Records/csat-zero", test_csat_zero);
  g_test_add_func ("/Desk/Core/Records/not-an-object", test_not_an_object);
  g_test_add_func ("/Desk/Core/Records/page", test_page);
  g_test_add_func ("/Desk/Core/Records/page-bad-envelope", test_page_bad_envelope);
  g_test_add_func ("/Desk/Core/Records/empty-page", test_empty_page);
  g_test_add_func ("/Desk/Core/Records/unknown-members-ignored", test_unknown_members_ignored);
  g_test_add_func ("/Desk/Core/Records/message-page-reader", test_message_page_reader);
  g_test_add_func ("/Desk/Core/Records/ticket-page-reader", test_ticket_page_reader);
  g_test_add_func ("/Desk/Core/Json/parse-errors", test_parse_errors);
  g_test_add_func ("/Desk/Core/Json/parse-nesting", test_parse_nesting);
  g_test_add_func ("/Desk/Core/Json/parse-bounded", test_parse_bounded);
  g_test_add_func ("/Desk/Core/Json/parse-empty", test_parse_empty);
  g_test_add_func ("/Desk/Core/Json/parse-valid", test_parse_valid);
  g_test_add_func ("/Desk/Core/Json/paths", test_paths);
  g_test_add_func ("/Desk/Core/Json/enum-nicks", test_enum_nicks);

  return g_test_run ();
}
