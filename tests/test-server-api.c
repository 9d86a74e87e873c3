/* test-server-api.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-server-api"

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "desk-json.h"
#include "desk-records.h"
#include "desk-test-server.h"
#include "desk-time.h"

/* The v1 API of data/api/openapi.yaml, against the reference server on
 * loopback: statuses, role rules, cursors, conflicts, idempotency, events,
 * limits. Every test gets a fresh server seeded with the demo data. */

typedef struct
{
  DeskTestServer *server;
  gint64          own_ticket;   /* a ticket in queue 1: everyone sees it */
  gint64          other_ticket; /* a ticket in queue 3: leads and admins only */
} Fixture;

static const char *const role_names[DESK_TEST_N_ROLES] = { "agent", "trainee", "lead", "admin" };

#define AGENT DESK_ROLE_AGENT
#define TRAINEE DESK_ROLE_TRAINEE
#define LEAD DESK_ROLE_LEAD
#define ADMIN DESK_ROLE_ADMIN

/* Helpers */

static const char *
token (Fixture *fx, DeskRole role)
{
  return desk_test_server_get_token (fx->server, role);
}

static gint64
user_id (Fixture *fx, DeskRole role)
{
  return desk_test_server_get_user_id (fx->server, role);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  if (node == NULL)
    return g_strdup ("(no body)");

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* Sends a request as @role (or with @raw_token when @role is -1) and checks
 * the status; answers the JSON body, NULL when there is none. */
static JsonNode *
call_full (Fixture             *fx,
           int                  role,
           const char          *raw_token,
           const char          *method,
           const char          *path,
           const char *const   *headers,
           const char          *json,
           guint                expected,
           SoupMessageHeaders **response_headers)
{
  const char *bearer = role >= 0 ? token (fx, role) : raw_token;
  JsonNode   *node;
  guint       status = 0;

  node = desk_test_request_json_full (fx->server, method, path, bearer, headers, json, &status,
                                      response_headers);
  if (status != expected)
    {
      g_autofree char *text = node_to_string (node);

      g_test_message ("%s %s as %s with %s: expected %u, got %u: %s", method, path,
                      role >= 0 ? role_names[role] : (raw_token ? raw_token : "nobody"),
                      json ? json : "no body", expected, status, text);
    }
  g_assert_cmpuint (status, ==, expected);

  return node;
}

static JsonNode *
call (Fixture *fx, int role, const char *method, const char *path, const char *json, guint expected)
{
  return call_full (fx, role, NULL, method, path, NULL, json, expected, NULL);
}

static JsonObject *
object (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static JsonArray *
items (JsonNode *node)
{
  JsonObject *o = object (node);

  g_assert_true (json_object_has_member (o, "items"));
  return json_object_get_array_member (o, "items");
}

static const char *
error_code (JsonNode *node)
{
  JsonObject *o = object (node);
  JsonObject *error;

  g_assert_true (json_object_has_member (o, "error"));
  error = json_object_get_object_member (o, "error");
  g_assert_nonnull (error);
  g_assert_true (json_object_has_member (error, "message"));
  return json_object_get_string_member (error, "code");
}

static const char *
error_message (JsonNode *node)
{
  return json_object_get_string_member (json_object_get_object_member (object (node), "error"),
                                        "message");
}

/* An error answer: the status, the code and the shape. */
static void
expect_error (Fixture    *fx,
              int         role,
              const char *method,
              const char *path,
              const char *json,
              guint       status,
              const char *code)
{
  g_autoptr (JsonNode) node = call (fx, role, method, path, json, status);

  g_assert_cmpstr (error_code (node), ==, code);
}

static DeskTicketRecord *
get_ticket (Fixture *fx, gint64 ticket_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  g_autoptr (JsonNode) node = call (fx, LEAD, "GET", path, NULL, 200);
  g_autoptr (GError) error = NULL;
  DeskTicketRecord *ticket;

  ticket = desk_ticket_record_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  g_assert_false (ticket->deleted);
  return ticket;
}

static gint64
ticket_version (Fixture *fx, gint64 ticket_id)
{
  g_autoptr (DeskTicketRecord) ticket = get_ticket (fx, ticket_id);

  return ticket->version;
}

static JsonNode *
patch_ticket (Fixture *fx, int role, gint64 ticket_id, const char *json, guint expected)
{
  g_autofree char  *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, ticket_id);
  g_autofree char  *version = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_version (fx, ticket_id));
  const char *const headers[] = { "If-Match", version, NULL };

  return call_full (fx, role, NULL, "PATCH", path, headers, json, expected, NULL);
}

static GPtrArray *
get_messages (Fixture *fx, gint64 ticket_id)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autoptr (JsonNode) node = call (fx, LEAD, "GET", path, NULL, 200);
  g_autoptr (GError) error = NULL;
  GPtrArray *messages;

  messages = desk_records_from_json_array (items (node), "items",
                                           (DeskRecordDecodeFunc) desk_message_record_from_json,
                                           (GDestroyNotify) desk_message_record_free, &error);
  g_assert_no_error (error);
  g_assert_nonnull (messages);
  return messages;
}

static guint
message_count (Fixture *fx, gint64 ticket_id)
{
  g_autoptr (GPtrArray) messages = get_messages (fx, ticket_id);
  g_autoptr (DeskTicketRecord) ticket = get_ticket (fx, ticket_id);

  /* The ticket's count and its conversation agree. */
  g_assert_cmpint (ticket->message_count, ==, messages->len);
  return messages->len;
}

static DeskPage *
get_page (Fixture             *fx,
          int                  role,
          const char          *collection,
          const char          *since,
          guint                limit,
          DeskRecordDecodeFunc decode,
          GDestroyNotify       free_func)
{
  g_autoptr (GString) path = g_string_new (collection);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  DeskPage *page;

  g_string_append_printf (path, "%climit=%u", strchr (collection, '?') ? '&' : '?', limit);
  if (since != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (since, NULL, FALSE);

      g_string_append_printf (path, "&since=%s", escaped);
    }

  node = call (fx, role, "GET", path->str, NULL, 200);
  page = desk_page_from_json (node, decode, free_func, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_nonnull (page->next);
  g_assert_cmpuint (page->items->len, <=, MAX (limit, 1));

  return page;
}

/* Reads a whole collection; answers its items and the last cursor. */
static GPtrArray *
get_all (Fixture             *fx,
         int                  role,
         const char          *collection,
         DeskRecordDecodeFunc decode,
         GDestroyNotify       free_func,
         char               **out_next)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (free_func);
  g_autofree char *next = NULL;

  for (guint round = 0; round < 1000; round++)
    {
      g_autoptr (DeskPage) page = get_page (fx, role, collection, next, 500, decode, free_func);

      /* The items change hands: @all frees them now. */
      g_ptr_array_set_free_func (page->items, NULL);
      for (guint i = 0; i < page->items->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (page->items, i));
      g_free (next);
      next = g_steal_pointer (&page->next);
      if (!page->more)
        break;
    }

  if (out_next != NULL)
    *out_next = g_steal_pointer (&next);
  return g_steal_pointer (&all);
}

static GPtrArray *
get_all_tickets (Fixture *fx, int role, char **out_next)
{
  return get_all (fx, role, "/api/v1/tickets", (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                  (GDestroyNotify) desk_ticket_record_free, out_next);
}

/* An open (not closed) email ticket of @queue_id. */
static gint64
find_ticket (Fixture *fx, gint64 queue_id, gint64 except)
{
  g_autoptr (GPtrArray) tickets = get_all_tickets (fx, LEAD, NULL);

  for (guint i = 0; i < tickets->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (tickets, i);

      if (!ticket->deleted && ticket->queue_id == queue_id && ticket->id != except &&
          ticket->kind == DESK_TICKET_KIND_TICKET && ticket->status != DESK_TICKET_STATUS_CLOSED)
        return ticket->id;
    }

  g_error ("The demo data has no open ticket in queue %" G_GINT64_FORMAT, queue_id);
}

static char *
post_message (Fixture    *fx,
              int         role,
              gint64      ticket_id,
              const char *visibility,
              const char *text,
              guint       expected,
              gint64     *out_id)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", ticket_id);
  g_autofree char *escaped = g_strescape (text, NULL);
  g_autofree char *json =
      g_strdup_printf ("{\"body\": \"%s\", \"visibility\": \"%s\"}", escaped, visibility);
  g_autoptr (JsonNode) node = call (fx, role, "POST", path, json, expected);

  if (out_id != NULL)
    *out_id = node && expected < 300 ? json_object_get_int_member (object (node), "id") : 0;

  return node_to_string (node);
}

static char *
now_minus (gint64 seconds)
{
  return desk_time_format_rfc3339 (g_get_real_time () - seconds * G_USEC_PER_SEC);
}

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  fx->server = desk_test_server_new ();
  fx->own_ticket = find_ticket (fx, 1, 0);
  fx->other_ticket = find_ticket (fx, 3, 0);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  g_clear_pointer (&fx->server, desk_test_server_stop);
}

/* Every endpoint of the contract, called as it documents, answers the
 * documented status and a body the client's strict codecs accept. */

static void
test_endpoints (Fixture *fx, gconstpointer data)
{
  g_autoptr (JsonNode) me = call (fx, AGENT, "GET", "/api/v1/me", NULL, 200);
  g_autoptr (JsonNode) queues = call (fx, AGENT, "GET", "/api/v1/queues", NULL, 200);
  g_autoptr (JsonNode) agents = call (fx, AGENT, "GET", "/api/v1/agents", NULL, 200);
  g_autoptr (JsonNode) quizzes = call (fx, AGENT, "GET", "/api/v1/quizzes", NULL, 200);
  g_autoptr (JsonNode) attempts = NULL;
  g_autoptr (JsonNode) canned = NULL;
  g_autoptr (JsonNode) patched = NULL;
  g_autoptr (JsonNode) ticket_node = NULL;
  g_autoptr (DeskUserRecord) user = NULL;
  g_autoptr (GPtrArray) queue_list = NULL;
  g_autoptr (GPtrArray) agent_list = NULL;
  g_autoptr (GPtrArray) quiz_list = NULL;
  g_autoptr (GPtrArray) tickets = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GPtrArray) articles = NULL;
  g_autoptr (GPtrArray) replies = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ticket_path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, fx->own_ticket);
  g_autofree char *typing_path = g_strconcat (ticket_path, "/typing", NULL);
  g_autofree char *viewing_path = g_strconcat (ticket_path, "/viewing", NULL);
  g_autofree char *canned_path = NULL;
  g_autofree char *attempt_path = NULL;
  g_autofree char *message = NULL;
  DeskQuizRecord  *quiz;
  gint64           canned_id;

  /* GET /me */
  user = desk_user_record_from_json (me, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->id, ==, user_id (fx, AGENT));
  g_assert_cmpstr (user->name, ==, "Test Agent");
  g_assert_cmpstr (user->email, ==, "test.agent@desk.test");
  g_assert_cmpint (user->role, ==, DESK_ROLE_AGENT);
  g_assert_cmpuint (user->queue_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (user->queue_ids, gint64, 0), ==, 1);

  /* GET /queues: the four demo queues with their SLA targets */
  queue_list = desk_records_from_json_array (items (queues), "items",
                                             (DeskRecordDecodeFunc) desk_queue_record_from_json,
                                             (GDestroyNotify) desk_queue_record_free, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue_list->len, ==, 4);
  for (guint i = 0; i < queue_list->len; i++)
    {
      DeskQueueRecord *queue = g_ptr_array_index (queue_list, i);

      g_assert_cmpint (queue->first_response_minutes, >, 0);
      g_assert_cmpint (queue->resolution_minutes, >, 0);
    }

  /* GET /agents: everyone, with role and presence */
  agent_list = desk_records_from_json_array (items (agents), "items",
                                             (DeskRecordDecodeFunc) desk_user_record_from_json,
                                             (GDestroyNotify) desk_user_record_free, &error);
  g_assert_no_error (error);
  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < agent_list->len; i++)
        {
          DeskUserRecord *agent = g_ptr_array_index (agent_list, i);

          if (agent->id == user_id (fx, role))
            {
              g_assert_cmpint (agent->role, ==, role);
              g_assert_true (json_object_has_member (
                  object (json_array_get_element (items (agents), i)), "presence"));
              found = TRUE;
            }
        }
      g_assert_true (found);
    }

  /* The cursor collections */
  tickets = get_all_tickets (fx, AGENT, NULL);
  g_assert_cmpuint (tickets->len, >, 0);
  for (guint i = 0; i < tickets->len; i++)
    g_assert_cmpint (((DeskTicketRecord *) g_ptr_array_index (tickets, i))->queue_id, ==, 1);
  messages =
      get_all (fx, AGENT, "/api/v1/messages", (DeskRecordDecodeFunc) desk_message_record_from_json,
               (GDestroyNotify) desk_message_record_free, NULL);
  g_assert_cmpuint (messages->len, >, 0);
  articles = get_all (fx, AGENT, "/api/v1/kb/articles",
                      (DeskRecordDecodeFunc) desk_article_record_from_json,
                      (GDestroyNotify) desk_article_record_free, NULL);
  g_assert_cmpuint (articles->len, >, 0);
  replies = get_all (fx, AGENT, "/api/v1/canned-replies",
                     (DeskRecordDecodeFunc) desk_canned_record_from_json,
                     (GDestroyNotify) desk_canned_record_free, NULL);
  g_assert_cmpuint (replies->len, >, 0);
  for (guint i = 0; i < replies->len; i++)
    g_assert_cmpint (((DeskCannedRecord *) g_ptr_array_index (replies, i))->owner_id, ==, 0);

  /* GET /tickets/{id} carries viewers */
  ticket_node = call (fx, AGENT, "GET", ticket_path, NULL, 200);
  g_assert_true (json_object_has_member (object (ticket_node), "viewers"));

  /* PATCH /tickets/{id} */
  patched = patch_ticket (fx, AGENT, fx->own_ticket,
                          "{\"priority\": \"urgent\", \"tags\": [\"a\"]}", 200);
  g_assert_cmpstr (json_object_get_string_member (object (patched), "priority"), ==, "urgent");

  /* POST /tickets/{id}/messages, /typing, /viewing */
  message = post_message (fx, AGENT, fx->own_ticket, "public", "Hello from the test", 201, NULL);
  g_clear_pointer (&patched, json_node_unref);
  patched = call (fx, AGENT, "POST", typing_path, NULL, 204);
  g_assert_null (patched);
  patched = call (fx, AGENT, "POST", viewing_path, "{\"state\": \"replying\"}", 204);
  g_assert_null (patched);

  /* Canned replies: create, edit, delete */
  canned = call (fx, AGENT, "POST", "/api/v1/canned-replies",
                 "{\"title\": \"Mine\", \"shortcut\": \"mine\", \"body\": \"Hi "
                 "{{customer.first_name}}\", \"category\": \"Test\", \"locale\": \"en\"}",
                 201);
  g_assert_cmpint (json_object_get_int_member (object (canned), "owner_id"), ==,
                   user_id (fx, AGENT));
  canned_id = json_object_get_int_member (object (canned), "id");
  canned_path = g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, canned_id);
  g_clear_pointer (&canned, json_node_unref);
  canned = call (fx, AGENT, "PATCH", canned_path, "{\"title\": \"Mine, renamed\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (object (canned), "title"), ==, "Mine, renamed");
  g_assert_cmpstr (json_object_get_string_member (object (canned), "shortcut"), ==, "mine");
  g_assert_cmpint (json_object_get_int_member (object (canned), "owner_id"), ==,
                   user_id (fx, AGENT));
  g_clear_pointer (&canned, json_node_unref);
  canned = call (fx, AGENT, "DELETE", canned_path, NULL, 204);
  g_assert_null (canned);

  /* Quizzes and attempts */
  quiz_list = desk_records_from_json_array (items (quizzes), "items",
                                            (DeskRecordDecodeFunc) desk_quiz_record_from_json,
                                            (GDestroyNotify) desk_quiz_record_free, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quiz_list->len, >, 0);
  quiz = g_ptr_array_index (quiz_list, 0);
  attempt_path = g_strdup_printf ("/api/v1/quizzes/%" G_GINT64_FORMAT "/attempts", quiz->id);
  g_clear_pointer (&patched, json_node_unref);
  patched = call (fx, AGENT, "POST", attempt_path, "{\"answers\": {}}", 201);
  attempts = call (fx, AGENT, "GET", "/api/v1/quiz-attempts", NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (attempts)), ==, 1);
  g_assert_true (
      json_object_has_member (object (json_array_get_element (items (attempts), 0)), "agent_name"));
}

/* 405 for a known path with a method it does not have, with Allow. */
static void
test_method_not_allowed (Fixture *fx, gconstpointer data)
{
  static const struct
  {
    const char *method;
    const char *path;
  } rows[] = {
    { "DELETE", "/api/v1/me" },    { "POST", "/api/v1/queues" }, { "PUT", "/api/v1/tickets" },
    { "POST", "/api/v1/quizzes" }, { "GET", "/api/v1/uploads" }, { "PATCH", "/api/v1/metrics" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (SoupMessageHeaders) headers = NULL;
      g_autoptr (JsonNode) node =
          call_full (fx, LEAD, NULL, rows[i].method, rows[i].path, NULL, NULL, 405, &headers);

      g_assert_cmpstr (error_code (node), ==, "method_not_allowed");
      g_assert_nonnull (soup_message_headers_get_one (headers, "Allow"));
    }
}

/* The role matrix of DESIGN.md, one row per call. */

typedef struct
{
  const char *method;
  const char *path; /* {own}, {other}, {quiz} are replaced */
  const char *body; /* {other_agent}, {self} are replaced */
  gboolean    if_match;
  guint       expected[DESK_TEST_N_ROLES]; /* agent, trainee, lead, admin */
} RoleRow;

static const RoleRow role_rows[] = {
  { "GET", "/api/v1/me", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/queues", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/agents", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/tickets", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/tickets/{own}", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/tickets/{other}", NULL, FALSE, { 404, 404, 200, 200 } },
  { "GET", "/api/v1/tickets/{own}/messages", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/tickets/{other}/messages", NULL, FALSE, { 404, 404, 200, 200 } },
  { "GET", "/api/v1/messages", NULL, FALSE, { 200, 200, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{own}", "{\"status\": \"open\"}", TRUE, { 200, 403, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{own}", "{\"priority\": \"high\"}", TRUE, { 200, 403, 200, 200 } },
  { "PATCH",
    "/api/v1/tickets/{own}",
    "{\"assignee_id\": {other_agent}}",
    TRUE,
    { 403, 403, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{own}", "{\"assignee_id\": {self}}", TRUE, { 200, 403, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{own}", "{\"assignee_id\": null}", TRUE, { 200, 403, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{own}", "{\"tags\": [\"matrix\"]}", TRUE, { 200, 200, 200, 200 } },
  /* Trainees may change tags only (openapi.yaml, PATCH /tickets/{id}). */
  { "PATCH", "/api/v1/tickets/{own}", "{\"queue_id\": 1}", TRUE, { 200, 403, 200, 200 } },
  { "PATCH", "/api/v1/tickets/{other}", "{\"tags\": [\"matrix\"]}", TRUE, { 404, 404, 200, 200 } },
  { "POST",
    "/api/v1/tickets/{own}/messages",
    "{\"body\": \"Public reply\", \"visibility\": "
    "\"public\"}",
    FALSE,
    { 201, 403, 201, 201 } },
  { "POST",
    "/api/v1/tickets/{own}/messages",
    "{\"body\": \"A note\", \"visibility\": "
    "\"internal\"}",
    FALSE,
    { 201, 201, 201, 201 } },
  { "POST",
    "/api/v1/tickets/{other}/messages",
    "{\"body\": \"A note\", \"visibility\": "
    "\"internal\"}",
    FALSE,
    { 404, 404, 201, 201 } },
  { "POST", "/api/v1/tickets/{own}/typing", NULL, FALSE, { 204, 204, 204, 204 } },
  { "POST", "/api/v1/tickets/{other}/typing", NULL, FALSE, { 404, 404, 204, 204 } },
  { "POST",
    "/api/v1/tickets/{own}/viewing",
    "{\"state\": \"viewing\"}",
    FALSE,
    { 204, 204, 204, 204 } },
  { "POST",
    "/api/v1/tickets/{other}/viewing",
    "{\"state\": \"viewing\"}",
    FALSE,
    { 404, 404, 204, 204 } },
  { "GET", "/api/v1/kb/articles", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/canned-replies", NULL, FALSE, { 200, 200, 200, 200 } },
  { "POST",
    "/api/v1/canned-replies",
    "{\"title\": \"Shared\", \"shortcut\": \"shared\", \"body\": \"Hi\", \"category\": \"T\","
    " \"locale\": \"en\", \"shared\": true}",
    FALSE,
    { 403, 403, 201, 201 } },
  { "POST",
    "/api/v1/canned-replies",
    "{\"title\": \"Personal\", \"shortcut\": \"personal\", \"body\": \"Hi\", \"category\": \"T\","
    " \"locale\": \"en\"}",
    FALSE,
    { 201, 201, 201, 201 } },
  { "GET", "/api/v1/quizzes", NULL, FALSE, { 200, 200, 200, 200 } },
  { "POST", "/api/v1/quizzes/{quiz}/attempts", "{\"answers\": {}}", FALSE, { 201, 201, 201, 201 } },
  { "GET", "/api/v1/quiz-attempts", NULL, FALSE, { 200, 200, 200, 200 } },
  { "GET", "/api/v1/metrics", NULL, FALSE, { 403, 403, 200, 200 } },
  /* An addition to the API: deleting a ticket, admins only. */
  { "DELETE", "/api/v1/tickets/{doomed}", NULL, FALSE, { 403, 403, 403, 204 } },
};

static char *
replace (const char *text, const char *pattern, gint64 value)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  g_auto (GStrv) parts = g_strsplit (text, pattern, -1);

  return g_strjoinv (number, parts);
}

static gint64
first_quiz_id (Fixture *fx)
{
  g_autoptr (JsonNode) node = call (fx, LEAD, "GET", "/api/v1/quizzes", NULL, 200);

  g_assert_cmpuint (json_array_get_length (items (node)), >, 0);
  return json_object_get_int_member (object (json_array_get_element (items (node), 0)), "id");
}

static void
test_roles (Fixture *fx, gconstpointer data)
{
  gint64 quiz_id = first_quiz_id (fx);
  gint64 doomed = find_ticket (fx, 1, fx->own_ticket);

  for (guint i = 0; i < G_N_ELEMENTS (role_rows); i++)
    {
      const RoleRow *row = &role_rows[i];

      for (int role = 0; role < DESK_TEST_N_ROLES; role++)
        {
          g_autofree char *path1 = replace (row->path, "{own}", fx->own_ticket);
          g_autofree char *path2 = replace (path1, "{other}", fx->other_ticket);
          g_autofree char *path3 = replace (path2, "{quiz}", quiz_id);
          g_autofree char *path = replace (path3, "{doomed}", doomed);
          g_autofree char *body1 = row->body
                                       ? replace (row->body, "{other_agent}",
                                                  desk_test_server_get_other_agent (fx->server))
                                       : NULL;
          g_autofree char *body = body1 ? replace (body1, "{self}", user_id (fx, role)) : NULL;
          g_autofree char *version = NULL;
          g_autoptr (JsonNode) node = NULL;
          const char *headers[] = { "If-Match", NULL, NULL };

          g_test_message ("row %u: %s %s %s as %s", i, row->method, row->path,
                          row->body ? row->body : "", role_names[role]);

          if (row->if_match)
            {
              gint64 ticket_id = strstr (row->path, "{other}") ? fx->other_ticket : fx->own_ticket;

              version = g_strdup_printf ("%" G_GINT64_FORMAT, ticket_version (fx, ticket_id));
              headers[1] = version;
            }

          node = call_full (fx, role, NULL, row->method, path, row->if_match ? headers : NULL, body,
                            row->expected[role], NULL);

          if (row->expected[role] >= 400)
            {
              const char *code = row->expected[role] == 403 ? "forbidden" : "not_found";

              g_assert_cmpstr (error_code (node), ==, code);
            }
        }
    }
}

static gboolean
has_member_named (JsonNode *node, const char *member)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      for (GList *l = members; l != NULL; l = l->next)
        if (g_str_equal (l->data, member) ||
            has_member_named (json_object_get_member (o, l->data), member))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_member_named (json_array_get_element (array, i), member))
          return TRUE;
    }

  return FALSE;
}

static JsonNode *load_demo_quizzes (void);

/* GET /quizzes never gives the answers away, to anyone. */
static void
test_quizzes_without_answers (Fixture *fx, gconstpointer data)
{
  g_autoptr (JsonNode) demo = load_demo_quizzes ();
  JsonArray *demo_quizzes = json_object_get_array_member (object (demo), "quizzes");

  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      g_autoptr (GBytes) body = NULL;
      g_autoptr (JsonNode) node = NULL;
      const char *text;
      gsize       length;
      guint       status = 0;

      body = desk_test_request (fx->server, "GET", "/api/v1/quizzes", token (fx, role), NULL, NULL,
                                0, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      text = g_bytes_get_data (body, &length);
      node = desk_json_parse (text, length, NULL);
      g_assert_nonnull (node);
      g_assert_cmpuint (json_array_get_length (items (node)), ==,
                        json_array_get_length (demo_quizzes));
      g_assert_false (has_member_named (node, "correct"));
      g_assert_false (has_member_named (node, "is_correct"));
      g_assert_false (has_member_named (node, "explanation"));

      /* Nor does any explanation travel under another name. */
      for (guint q = 0; q < json_array_get_length (demo_quizzes); q++)
        {
          JsonArray *questions = json_object_get_array_member (
              object (json_array_get_element (demo_quizzes, q)), "questions");

          for (guint i = 0; i < json_array_get_length (questions); i++)
            {
              const char *explanation = json_object_get_string_member (
                  object (json_array_get_element (questions, i)), "explanation");
              g_autofree char *escaped = g_strescape (explanation, NULL);

              g_assert_null (g_strstr_len (text, length, explanation));
              g_assert_null (g_strstr_len (text, length, escaped));
            }
        }
    }
}

/* Own attempts for agents and trainees, everyone's for leads. */
static void
test_quiz_attempts_visibility (Fixture *fx, gconstpointer data)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/quizzes/%" G_GINT64_FORMAT "/attempts", first_quiz_id (fx));

  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      g_autoptr (JsonNode) attempt = call (fx, role, "POST", path, "{\"answers\": {}}", 201);

      g_assert_cmpint (json_object_get_int_member (object (attempt), "agent_id"), ==,
                       user_id (fx, role));
    }

  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      g_autoptr (JsonNode) list = call (fx, role, "GET", "/api/v1/quiz-attempts", NULL, 200);
      JsonArray *array = items (list);
      gboolean   seen[DESK_TEST_N_ROLES] = {
          FALSE,
      };

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *attempt = object (json_array_get_element (array, i));
          gint64      agent_id = json_object_get_int_member (attempt, "agent_id");

          g_assert_true (json_object_has_member (attempt, "agent_name"));
          for (int other = 0; other < DESK_TEST_N_ROLES; other++)
            if (agent_id == user_id (fx, other))
              seen[other] = TRUE;
          if (role == AGENT || role == TRAINEE)
            g_assert_cmpint (agent_id, ==, user_id (fx, role));
        }

      g_assert_true (seen[role]);
      if (role == LEAD || role == ADMIN)
        for (int other = 0; other < DESK_TEST_N_ROLES; other++)
          g_assert_true (seen[other]);
    }
}

/* 401 for every staff endpoint without a token and with a bogus one. */
static void
test_unauthorized (Fixture *fx, gconstpointer data)
{
  g_autofree char *ticket = g_strdup_printf ("%" G_GINT64_FORMAT, fx->own_ticket);
  const struct
  {
    const char *method;
    const char *path;
    const char *body;
  } rows[] = {
    { "GET", "/api/v1/me", NULL },
    { "GET", "/api/v1/queues", NULL },
    { "GET", "/api/v1/agents", NULL },
    { "GET", "/api/v1/tickets", NULL },
    { "GET", "/api/v1/tickets/{t}", NULL },
    { "PATCH", "/api/v1/tickets/{t}", "{\"status\": \"open\"}" },
    { "DELETE", "/api/v1/tickets/{t}", NULL },
    { "GET", "/api/v1/messages", NULL },
    { "GET", "/api/v1/tickets/{t}/messages", NULL },
    { "POST", "/api/v1/tickets/{t}/messages", "{\"body\": \"x\", \"visibility\": \"internal\"}" },
    { "POST", "/api/v1/tickets/{t}/typing", NULL },
    { "POST", "/api/v1/tickets/{t}/viewing", "{\"state\": \"viewing\"}" },
    { "POST", "/api/v1/uploads?name=a.txt", "hello" },
    { "GET", "/api/v1/attachments/1", NULL },
    { "GET", "/api/v1/kb/articles", NULL },
    { "GET", "/api/v1/canned-replies", NULL },
    { "POST", "/api/v1/canned-replies",
      "{\"title\": \"t\", \"shortcut\": \"s\", \"body\": \"b\", \"category\": \"c\", \"locale\": "
      "\"en\"}" },
    { "PATCH", "/api/v1/canned-replies/1", "{\"title\": \"t\"}" },
    { "DELETE", "/api/v1/canned-replies/1", NULL },
    { "GET", "/api/v1/quizzes", NULL },
    { "POST", "/api/v1/quizzes/1/attempts", "{\"answers\": {}}" },
    { "GET", "/api/v1/quiz-attempts", NULL },
    { "GET", "/api/v1/metrics", NULL },
    { "GET", "/api/v1/events", NULL },
    { "POST", "/api/v1/public/chats/{t}/messages", "{\"body\": \"x\"}" },
    { "POST", "/api/v1/public/chats/{t}/rating", "{\"rating\": 5}" },
  };
  const char *const tokens[] = { NULL, "bogus", "Zm9vYmFy", "" };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
      {
        g_auto (GStrv) parts = g_strsplit (rows[i].path, "{t}", -1);
        g_autofree char  *path = g_strjoinv (ticket, parts);
        const char *const headers[] = { "If-Match", "1", NULL };
        g_autoptr (SoupMessageHeaders) response_headers = NULL;
        g_autoptr (JsonNode) node = NULL;

        node = call_full (fx, -1, tokens[t], rows[i].method, path, headers, rows[i].body, 401,
                          &response_headers);
        g_assert_cmpstr (error_code (node), ==, "unauthorized");
      }
}

/* Pagination by cursor while the collection changes under the reader. */

static void
test_pagination (Fixture *fx, gconstpointer data)
{
  g_autoptr (GHashTable) existing =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) modified =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (DeskPage) last = NULL;
  g_autofree char *next = NULL;
  GHashTableIter   iter;
  gpointer         key;
  guint            pages = 0;
  guint            patches = 0;

  desk_test_server_seed_synthetic (fx->server, 300, 600);

  all = get_all_tickets (fx, LEAD, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (all, i);

      g_assert_false (ticket->deleted);
      g_assert_false (g_hash_table_contains (existing, &ticket->id));
      g_hash_table_add (existing, g_memdup2 (&ticket->id, sizeof ticket->id));
    }
  g_assert_cmpuint (g_hash_table_size (existing), >, 300);

  for (;;)
    {
      g_autoptr (DeskPage) page = NULL;
      gint64 unread = 0;

      page = get_page (fx, LEAD, "/api/v1/tickets", next, 50,
                       (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                       (GDestroyNotify) desk_ticket_record_free);
      pages++;
      g_assert_cmpuint (pages, <, 100);

      for (guint i = 0; i < page->items->len; i++)
        {
          DeskTicketRecord *ticket = g_ptr_array_index (page->items, i);
          guint             count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, &ticket->id));

          g_assert_true (g_hash_table_contains (existing, &ticket->id));
          g_hash_table_insert (seen, g_memdup2 (&ticket->id, sizeof ticket->id),
                               GUINT_TO_POINTER (count + 1));
        }

      g_free (next);
      next = g_steal_pointer (&page->next);
      if (!page->more)
        break;
      g_assert_cmpuint (page->items->len, ==, 50);

      /* Change one ticket already read and one not read yet. */
      g_hash_table_iter_init (&iter, existing);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (seen, key) && !g_hash_table_contains (modified, key))
          {
            unread = *(gint64 *) key;
            break;
          }

      for (guint k = 0; k < 2; k++)
        {
          gint64 id =
              k == 0 ? ((DeskTicketRecord *) g_ptr_array_index (page->items, 0))->id : unread;
          g_autofree char *body = NULL;
          g_autoptr (JsonNode) node = NULL;

          if (id == 0)
            continue;
          body = g_strdup_printf ("{\"tags\": [\"paged-%u\"]}", patches++);
          node = patch_ticket (fx, LEAD, id, body, 200);
          g_hash_table_add (modified, g_memdup2 (&id, sizeof id));
        }
    }

  g_assert_cmpuint (pages, >=, 6);
  g_assert_cmpuint (patches, >=, 10);

  g_hash_table_iter_init (&iter, existing);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, key));

      if (count == 0)
        g_test_message ("ticket %" G_GINT64_FORMAT " was never returned", *(gint64 *) key);
      g_assert_cmpuint (count, >=, 1);
      if (!g_hash_table_contains (modified, key))
        g_assert_cmpuint (count, ==, 1);
      else
        g_assert_cmpuint (count, <=, 2);
    }

  /* Caught up: the last cursor gives an empty page, and itself again. */
  last = get_page (fx, LEAD, "/api/v1/tickets", next, 50,
                   (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                   (GDestroyNotify) desk_ticket_record_free);
  g_assert_cmpuint (last->items->len, ==, 0);
  g_assert_false (last->more);
  g_assert_cmpstr (last->next, ==, next);
}

static void
test_limits (Fixture *fx, gconstpointer data)
{
  g_autoptr (DeskPage) clamped = NULL;
  g_autoptr (DeskPage) smallest = NULL;
  g_autoptr (DeskPage) fallback = NULL;

  desk_test_server_seed_synthetic (fx->server, 600, 600);

  clamped = get_page (fx, LEAD, "/api/v1/tickets", NULL, 100000,
                      (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                      (GDestroyNotify) desk_ticket_record_free);
  g_assert_cmpuint (clamped->items->len, ==, 500);
  g_assert_true (clamped->more);

  /* Without a limit: 100. */
  {
    g_autoptr (JsonNode) node = call (fx, LEAD, "GET", "/api/v1/tickets", NULL, 200);

    g_assert_cmpuint (json_array_get_length (items (node)), ==, 100);
  }

  /* "clamped to 1..500": 0 gives one item, like 1. */
  smallest = get_page (fx, LEAD, "/api/v1/messages", NULL, 1,
                       (DeskRecordDecodeFunc) desk_message_record_from_json,
                       (GDestroyNotify) desk_message_record_free);
  g_assert_cmpuint (smallest->items->len, ==, 1);
  g_assert_true (smallest->more);
  fallback = get_page (fx, LEAD, "/api/v1/messages", NULL, 0,
                       (DeskRecordDecodeFunc) desk_message_record_from_json,
                       (GDestroyNotify) desk_message_record_free);
  g_assert_cmpuint (fallback->items->len, ==, 1);

  expect_error (fx, LEAD, "GET", "/api/v1/tickets?limit=abc", NULL, 400, "bad_request");
  expect_error (fx, LEAD, "GET", "/api/v1/tickets?limit=12abc", NULL, 400, "bad_request");
  expect_error (fx, LEAD, "GET", "/api/v1/messages?since=not-a-cursor", NULL, 400, "bad_request");
  expect_error (fx, LEAD, "GET", "/api/v1/kb/articles?since=%22%22", NULL, 400, "bad_request");
}

/* Tombstones */

static DeskCannedRecord *
find_canned (GPtrArray *page_items, gint64 id)
{
  for (guint i = 0; i < page_items->len; i++)
    {
      DeskCannedRecord *canned = g_ptr_array_index (page_items, i);

      if (canned->id == id)
        return canned;
    }

  return NULL;
}

static void
test_canned_tombstone (Fixture *fx, gconstpointer data)
{
  const char create[] = "{\"title\": \"Bye\", \"shortcut\": \"bye\", \"body\": \"Bye "
                        "{{customer.name}}\", \"category\": \"T\", \"locale\": \"en\"}";
  g_autoptr (JsonNode) created = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 201);
  g_autoptr (JsonNode) kept = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 201);
  g_autoptr (JsonNode) shared = call (fx, LEAD, "POST", "/api/v1/canned-replies",
                                      "{\"title\": \"S\", \"shortcut\": \"s\", \"body\": \"b\","
                                      " \"category\": \"T\", \"locale\": \"en\", \"shared\": true}",
                                      201);
  gint64           id = json_object_get_int_member (object (created), "id");
  gint64           kept_id = json_object_get_int_member (object (kept), "id");
  gint64           shared_id = json_object_get_int_member (object (shared), "id");
  g_autofree char *path = g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, id);
  g_autofree char *kept_path =
      g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, kept_id);
  g_autofree char *shared_path =
      g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, shared_id);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) lead_view = NULL;
  g_autoptr (DeskPage) after = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr (JsonNode) deleted = NULL;
  DeskCannedRecord *tombstone;

  g_assert_true (json_object_get_null_member (object (shared), "owner_id"));

  before = get_all (fx, AGENT, "/api/v1/canned-replies",
                    (DeskRecordDecodeFunc) desk_canned_record_from_json,
                    (GDestroyNotify) desk_canned_record_free, &cursor);
  g_assert_nonnull (find_canned (before, id));
  g_assert_nonnull (find_canned (before, shared_id));

  /* Someone else's personal reply is invisible: not listed, 404 to touch. */
  lead_view = get_all (fx, LEAD, "/api/v1/canned-replies",
                       (DeskRecordDecodeFunc) desk_canned_record_from_json,
                       (GDestroyNotify) desk_canned_record_free, NULL);
  g_assert_null (find_canned (lead_view, id));
  expect_error (fx, LEAD, "DELETE", kept_path, NULL, 404, "not_found");
  expect_error (fx, TRAINEE, "PATCH", kept_path, "{\"title\": \"x\"}", 404, "not_found");
  expect_error (fx, ADMIN, "DELETE", kept_path, NULL, 404, "not_found");

  /* A shared reply: leads and admins only. */
  expect_error (fx, AGENT, "DELETE", shared_path, NULL, 403, "forbidden");
  expect_error (fx, TRAINEE, "PATCH", shared_path, "{\"title\": \"x\"}", 403, "forbidden");

  deleted = call (fx, AGENT, "DELETE", path, NULL, 204);
  g_assert_null (deleted);
  expect_error (fx, AGENT, "DELETE", path, NULL, 404, "not_found");

  after = get_page (fx, AGENT, "/api/v1/canned-replies", cursor, 100,
                    (DeskRecordDecodeFunc) desk_canned_record_from_json,
                    (GDestroyNotify) desk_canned_record_free);
  tombstone = find_canned (after->items, id);
  g_assert_nonnull (tombstone);
  g_assert_true (tombstone->deleted);
  g_assert_null (find_canned (after->items, kept_id));
  g_assert_false (after->more);

  g_clear_pointer (&deleted, json_node_unref);
  deleted = call (fx, LEAD, "DELETE", shared_path, NULL, 204);
}

static void
test_ticket_tombstone (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, fx->own_ticket);
  g_autofree char *lead_cursor = NULL;
  g_autofree char *agent_cursor = NULL;
  g_autoptr (GPtrArray) lead_all = get_all_tickets (fx, LEAD, &lead_cursor);
  g_autoptr (GPtrArray) agent_all = get_all_tickets (fx, AGENT, &agent_cursor);
  g_autoptr (DeskPage) lead_page = NULL;
  g_autoptr (DeskPage) agent_page = NULL;
  g_autoptr (JsonNode) deleted = NULL;
  g_autoptr (JsonNode) raw = NULL;
  g_autofree char *raw_path = NULL;
  g_autofree char *escaped = NULL;
  JsonObject      *item;

  expect_error (fx, AGENT, "DELETE", path, NULL, 403, "forbidden");
  expect_error (fx, TRAINEE, "DELETE", path, NULL, 403, "forbidden");
  expect_error (fx, LEAD, "DELETE", path, NULL, 403, "forbidden");
  deleted = call (fx, ADMIN, "DELETE", path, NULL, 204);
  g_assert_null (deleted);

  expect_error (fx, LEAD, "GET", path, NULL, 404, "not_found");
  expect_error (fx, ADMIN, "DELETE", path, NULL, 404, "not_found");

  for (guint round = 0; round < 2; round++)
    {
      DeskPage **page = round == 0 ? &lead_page : &agent_page;
      int        role = round == 0 ? LEAD : AGENT;
      gboolean   found = FALSE;

      *page = get_page (fx, role, "/api/v1/tickets", round == 0 ? lead_cursor : agent_cursor, 50,
                        (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                        (GDestroyNotify) desk_ticket_record_free);
      for (guint i = 0; i < (*page)->items->len; i++)
        {
          DeskTicketRecord *ticket = g_ptr_array_index ((*page)->items, i);

          if (ticket->id == fx->own_ticket)
            {
              g_assert_true (ticket->deleted);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }

  /* On the wire a tombstone is exactly {id, deleted: true, updated_at}. */
  escaped = g_uri_escape_string (lead_cursor, NULL, FALSE);
  raw_path = g_strdup_printf ("/api/v1/tickets?since=%s", escaped);
  raw = call (fx, LEAD, "GET", raw_path, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (raw)), ==, 1);
  item = object (json_array_get_element (items (raw), 0));
  g_assert_cmpint (json_object_get_int_member (item, "id"), ==, fx->own_ticket);
  g_assert_true (json_object_get_boolean_member (item, "deleted"));
  g_assert_true (json_object_has_member (item, "updated_at"));
}

/* Open work first: ?open=true on the ticket and message feeds */

static gboolean
is_open_work (const DeskTicketRecord *ticket)
{
  return !ticket->deleted &&
         (ticket->status == DESK_TICKET_STATUS_NEW || ticket->status == DESK_TICKET_STATUS_OPEN ||
          ticket->status == DESK_TICKET_STATUS_PENDING);
}

static GPtrArray *
get_all_messages (Fixture *fx, int role, const char *collection, char **out_next)
{
  return get_all (fx, role, collection, (DeskRecordDecodeFunc) desk_message_record_from_json,
                  (GDestroyNotify) desk_message_record_free, out_next);
}

static GPtrArray *
get_all_open_tickets (Fixture *fx, int role, char **out_next)
{
  return get_all (fx, role, "/api/v1/tickets?open=true",
                  (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                  (GDestroyNotify) desk_ticket_record_free, out_next);
}

static DeskTicketRecord *
find_ticket_in (GPtrArray *tickets, gint64 id)
{
  for (guint i = 0; i < tickets->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (tickets, i);

      if (ticket->id == id)
        return ticket;
    }

  return NULL;
}

/* The open feeds hold exactly the open part of what each role sees. */
static void
test_open_filter (Fixture *fx, gconstpointer data)
{
  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      g_autoptr (GPtrArray) all = get_all_tickets (fx, role, NULL);
      g_autoptr (GPtrArray) open = get_all_open_tickets (fx, role, NULL);
      g_autoptr (GPtrArray) messages = NULL;
      g_autoptr (GPtrArray) open_messages = NULL;
      g_autoptr (GHashTable) expected = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr (DeskPage) first = NULL;
      guint n_other = 0;
      guint n_expected_messages = 0;

      for (guint i = 0; i < all->len; i++)
        {
          DeskTicketRecord *ticket = g_ptr_array_index (all, i);

          if (is_open_work (ticket))
            g_hash_table_insert (expected, &ticket->id, ticket);
          else
            n_other++;
        }
      g_test_message ("%s: %u open tickets of %u", role_names[role], g_hash_table_size (expected),
                      all->len);
      g_assert_cmpuint (n_other, >, 10);
      g_assert_cmpuint (g_hash_table_size (expected), >, 10);

      /* Each open ticket once, as the whole feed has it; only the role's
       * queues for agents and trainees. */
      g_assert_cmpuint (open->len, ==, g_hash_table_size (expected));
      for (guint i = 0; i < open->len; i++)
        {
          DeskTicketRecord *ticket = g_ptr_array_index (open, i);
          DeskTicketRecord *same = g_hash_table_lookup (expected, &ticket->id);

          g_assert_true (is_open_work (ticket));
          g_assert_nonnull (same);
          g_assert_cmpint (ticket->version, ==, same->version);
          if (role == AGENT || role == TRAINEE)
            g_assert_cmpint (ticket->queue_id, ==, 1);
        }

      /* `remaining` counts the open tickets after the page, exactly. */
      first = get_page (fx, role, "/api/v1/tickets?open=true", NULL, 10,
                        (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                        (GDestroyNotify) desk_ticket_record_free);
      g_assert_true (first->more);
      g_assert_cmpint (first->remaining, ==, g_hash_table_size (expected) - 10);

      /* The messages of those tickets, and no other (trainees and admins
       * take the same path as agents and leads: the messages are long). */
      if (role == TRAINEE || role == ADMIN)
        continue;
      messages = get_all_messages (fx, role, "/api/v1/messages", NULL);
      open_messages = get_all_messages (fx, role, "/api/v1/messages?open=true", NULL);
      for (guint i = 0; i < messages->len; i++)
        {
          DeskMessageRecord *message = g_ptr_array_index (messages, i);

          n_expected_messages += g_hash_table_contains (expected, &message->ticket_id);
        }
      g_assert_cmpuint (n_expected_messages, >, 0);
      g_assert_cmpuint (open_messages->len, ==, n_expected_messages);
      for (guint i = 0; i < open_messages->len; i++)
        {
          DeskMessageRecord *message = g_ptr_array_index (open_messages, i);

          g_assert_false (message->deleted);
          g_assert_true (g_hash_table_contains (expected, &message->ticket_id));
        }
    }

  /* false is the whole feed, like no filter; anything else is refused. */
  {
    g_autoptr (GPtrArray) all = get_all_tickets (fx, LEAD, NULL);
    g_autoptr (GPtrArray) unfiltered = get_all (fx, LEAD, "/api/v1/tickets?open=false",
                                                (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                                                (GDestroyNotify) desk_ticket_record_free, NULL);

    g_assert_cmpuint (unfiltered->len, ==, all->len);
  }
  expect_error (fx, LEAD, "GET", "/api/v1/tickets?open=yes", NULL, 400, "bad_request");
  expect_error (fx, AGENT, "GET", "/api/v1/messages?open=1", NULL, 400, "bad_request");
}

/* A ticket that stops being open work leaves the open feed without a
 * tombstone (the whole feed reports it); one that becomes open joins it. */
static void
test_open_filter_changes (Fixture *fx, gconstpointer data)
{
  g_autofree char *open_cursor = NULL;
  g_autofree char *messages_cursor = NULL;
  g_autofree char *all_cursor = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) open = NULL;
  g_autoptr (GPtrArray) open_messages = NULL;
  g_autoptr (GPtrArray) doomed_messages = NULL;
  g_autoptr (DeskPage) open_after = NULL;
  g_autoptr (DeskPage) all_after = NULL;
  g_autoptr (DeskPage) messages_after = NULL;
  g_autoptr (GPtrArray) open_again = NULL;
  g_autoptr (GPtrArray) messages_again = NULL;
  g_autoptr (JsonNode) deleted = NULL;
  g_autofree char  *doomed_path = NULL;
  DeskTicketRecord *ticket;
  gint64            doomed = 0;
  gint64            solved = 0;
  gint64            reopened = 0;

  all = get_all_tickets (fx, AGENT, &all_cursor);
  open = get_all_open_tickets (fx, AGENT, &open_cursor);
  open_messages = get_all_messages (fx, AGENT, "/api/v1/messages?open=true", &messages_cursor);
  for (guint i = 0; i < all->len; i++)
    {
      ticket = g_ptr_array_index (all, i);

      if (is_open_work (ticket) && ticket->message_count > 0 && doomed == 0)
        doomed = ticket->id;
      else if (is_open_work (ticket) && solved == 0)
        solved = ticket->id;
      else if (ticket->status == DESK_TICKET_STATUS_SOLVED && reopened == 0)
        reopened = ticket->id;
    }
  g_assert_cmpint (doomed, >, 0);
  g_assert_cmpint (solved, >, 0);
  g_assert_cmpint (reopened, >, 0);
  g_assert_nonnull (find_ticket_in (open, doomed));
  g_assert_nonnull (find_ticket_in (open, solved));
  g_assert_null (find_ticket_in (open, reopened));
  doomed_messages = get_messages (fx, doomed);
  g_assert_cmpuint (doomed_messages->len, >, 0);

  doomed_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, doomed);
  deleted = call (fx, ADMIN, "DELETE", doomed_path, NULL, 204);
  json_node_unref (patch_ticket (fx, LEAD, solved, "{\"status\": \"solved\"}", 200));
  json_node_unref (patch_ticket (fx, LEAD, reopened, "{\"status\": \"open\"}", 200));

  /* From the open feed's cursor: the reopened ticket only. */
  open_after = get_page (fx, AGENT, "/api/v1/tickets?open=true", open_cursor, 100,
                         (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                         (GDestroyNotify) desk_ticket_record_free);
  g_assert_cmpuint (open_after->items->len, ==, 1);
  ticket = g_ptr_array_index (open_after->items, 0);
  g_assert_cmpint (ticket->id, ==, reopened);
  g_assert_cmpint (ticket->status, ==, DESK_TICKET_STATUS_OPEN);
  g_assert_false (open_after->more);

  /* The whole feed has all three, the deleted one as a tombstone. */
  all_after = get_page (fx, AGENT, "/api/v1/tickets", all_cursor, 100,
                        (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                        (GDestroyNotify) desk_ticket_record_free);
  g_assert_cmpuint (all_after->items->len, ==, 3);
  g_assert_true (find_ticket_in (all_after->items, doomed)->deleted);
  g_assert_cmpint (find_ticket_in (all_after->items, solved)->status, ==,
                   DESK_TICKET_STATUS_SOLVED);
  g_assert_nonnull (find_ticket_in (all_after->items, reopened));

  /* The deleted ticket's messages became tombstones of the whole message
   * feed; the open one has nothing new. */
  messages_after = get_page (fx, AGENT, "/api/v1/messages?open=true", messages_cursor, 100,
                             (DeskRecordDecodeFunc) desk_message_record_from_json,
                             (GDestroyNotify) desk_message_record_free);
  g_assert_cmpuint (messages_after->items->len, ==, 0);
  g_assert_false (messages_after->more);

  /* From the start: no trace of the deleted or the solved ticket, the
   * reopened one with its conversation. */
  open_again = get_all_open_tickets (fx, AGENT, NULL);
  g_assert_cmpuint (open_again->len, ==, open->len - 1);
  g_assert_null (find_ticket_in (open_again, doomed));
  g_assert_null (find_ticket_in (open_again, solved));
  g_assert_nonnull (find_ticket_in (open_again, reopened));
  messages_again = get_all_messages (fx, AGENT, "/api/v1/messages?open=true", NULL);
  for (guint i = 0; i < messages_again->len; i++)
    {
      DeskMessageRecord *message = g_ptr_array_index (messages_again, i);

      g_assert_false (message->deleted);
      g_assert_cmpint (message->ticket_id, !=, doomed);
      g_assert_cmpint (message->ticket_id, !=, solved);
      for (guint j = 0; j < doomed_messages->len; j++)
        g_assert_cmpint (message->id, !=,
                         ((DeskMessageRecord *) g_ptr_array_index (doomed_messages, j))->id);
    }
}

/* Paging through the open feed while tickets change: every ticket open at
 * the end was read in its last version; a ticket solved before it was read
 * never shows. */
static void
test_open_filter_under_writes (Fixture *fx, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) solved = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) touched =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *next = NULL;
  guint            pages = 0;
  guint            patches = 0;
  guint            n_open = 0;

  before = get_all_tickets (fx, LEAD, NULL);

  for (;;)
    {
      g_autoptr (DeskPage) page = get_page (fx, LEAD, "/api/v1/tickets?open=true", next, 10,
                                            (DeskRecordDecodeFunc) desk_ticket_record_from_json,
                                            (GDestroyNotify) desk_ticket_record_free);

      g_assert_cmpuint (++pages, <, 100);
      for (guint i = 0; i < page->items->len; i++)
        {
          DeskTicketRecord *ticket = g_ptr_array_index (page->items, i);

          g_assert_true (is_open_work (ticket));
          g_assert_false (g_hash_table_contains (solved, &ticket->id));
          g_hash_table_insert (seen, g_memdup2 (&ticket->id, sizeof ticket->id),
                               GINT_TO_POINTER ((int) ticket->version));
        }

      g_free (next);
      next = g_steal_pointer (&page->next);
      if (!page->more)
        break;

      /* Change one ticket already read (it comes again), and of the open
       * ones not read yet, change one and solve another. */
      {
        DeskTicketRecord *read = g_ptr_array_index (page->items, 0);
        gint64            unread[2] = { 0, 0 };
        guint             n_unread = 0;

        json_node_unref (patch_ticket (fx, LEAD, read->id, "{\"tags\": [\"read\"]}", 200));
        patches++;

        for (guint i = 0; i < before->len && n_unread < 2; i++)
          {
            DeskTicketRecord *ticket = g_ptr_array_index (before, i);

            if (is_open_work (ticket) && !g_hash_table_contains (seen, &ticket->id) &&
                !g_hash_table_contains (touched, &ticket->id))
              unread[n_unread++] = ticket->id;
          }
        for (guint k = 0; k < n_unread; k++)
          {
            g_hash_table_add (touched, g_memdup2 (&unread[k], sizeof unread[k]));
            json_node_unref (patch_ticket (
                fx, LEAD, unread[k],
                k == 0 ? "{\"tags\": [\"unread\"]}" : "{\"status\": \"solved\"}", 200));
            if (k == 1)
              g_hash_table_add (solved, g_memdup2 (&unread[k], sizeof unread[k]));
            patches++;
          }
      }
    }
  g_assert_cmpuint (pages, >=, 5);
  g_assert_cmpuint (g_hash_table_size (solved), >=, 3);

  after = get_all_tickets (fx, LEAD, NULL);
  for (guint i = 0; i < after->len; i++)
    {
      DeskTicketRecord *ticket = g_ptr_array_index (after, i);

      if (is_open_work (ticket))
        {
          g_assert_true (g_hash_table_contains (seen, &ticket->id));
          g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (seen, &ticket->id)), ==,
                           ticket->version);
          n_open++;
        }
      else if (g_hash_table_contains (solved, &ticket->id))
        g_assert_false (g_hash_table_contains (seen, &ticket->id));
    }
  g_test_message ("%u pages, %u changes, %u tickets open at the end", pages, patches, n_open);
}

/* Optimistic concurrency */

static void
test_conflict (Fixture *fx, gconstpointer data)
{
  g_autofree char  *path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, fx->own_ticket);
  gint64            version = ticket_version (fx, fx->own_ticket);
  g_autofree char  *stale = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  const char *const headers[] = { "If-Match", stale, NULL };
  g_autoptr (JsonNode) first = NULL;
  g_autoptr (JsonNode) conflict = NULL;
  g_autoptr (DeskTicketRecord) current = NULL;
  g_autoptr (DeskTicketRecord) after = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *body;

  first =
      call_full (fx, AGENT, NULL, "PATCH", path, headers, "{\"priority\": \"urgent\"}", 200, NULL);
  g_assert_cmpint (json_object_get_int_member (object (first), "version"), >, version);

  conflict =
      call_full (fx, LEAD, NULL, "PATCH", path, headers, "{\"priority\": \"low\"}", 409, NULL);
  g_assert_cmpstr (error_code (conflict), ==, "conflict");
  body = object (conflict);
  g_assert_true (json_object_has_member (body, "current"));
  current =
      desk_ticket_record_from_json (json_object_get_member (body, "current"), "current", &error);
  g_assert_no_error (error);
  g_assert_cmpint (current->id, ==, fx->own_ticket);
  g_assert_cmpint (current->version, >, version);
  g_assert_cmpint (current->priority, ==, DESK_PRIORITY_URGENT);

  /* Nothing changed with the refused patch. */
  after = get_ticket (fx, fx->own_ticket);
  g_assert_cmpint (after->version, ==, current->version);
  g_assert_cmpint (after->priority, ==, DESK_PRIORITY_URGENT);

  expect_error (fx, AGENT, "PATCH", path, "{\"priority\": \"low\"}", 428, "precondition_required");
}

/* Idempotent posting by client_id */

static void
test_client_id (Fixture *fx, gconstpointer data)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", fx->own_ticket);
  g_autofree char *other_path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", fx->other_ticket);
  const char body[] = "{\"body\": \"Sent twice\", \"visibility\": \"internal\", \"client_id\": "
                      "\"7d1b8a52-3c1e-4f5e-9a51-0f0e3d2c1b1a\"}";
  guint      count = message_count (fx, fx->own_ticket);
  g_autoptr (JsonNode) first = call (fx, AGENT, "POST", path, body, 201);
  g_autoptr (JsonNode) again = call (fx, AGENT, "POST", path, body, 200);
  const char lead_body[] = "{\"body\": \"Per ticket\", \"visibility\": \"internal\", "
                           "\"client_id\": \"0b4f9a1e-lead\"}";
  g_autoptr (JsonNode) lead_first = NULL;
  g_autoptr (JsonNode) elsewhere = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  gint64 id = json_object_get_int_member (object (first), "id");
  guint  seen = 0;

  g_assert_cmpint (json_object_get_int_member (object (again), "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object (again), "client_id"), ==,
                   "7d1b8a52-3c1e-4f5e-9a51-0f0e3d2c1b1a");

  messages = get_messages (fx, fx->own_ticket);
  g_assert_cmpuint (messages->len, ==, count + 1);
  for (guint i = 0; i < messages->len; i++)
    if (((DeskMessageRecord *) g_ptr_array_index (messages, i))->id == id)
      seen++;
  g_assert_cmpuint (seen, ==, 1);

  /* The key is per ticket: the same client_id on another ticket is another
   * message (openapi.yaml: "the first post with a given client_id on this
   * ticket"). */
  lead_first = call (fx, LEAD, "POST", path, lead_body, 201);
  elsewhere = call (fx, LEAD, "POST", other_path, lead_body, 201);
  g_assert_cmpint (json_object_get_int_member (object (elsewhere), "ticket_id"), ==,
                   fx->other_ticket);
  g_assert_cmpint (json_object_get_int_member (object (elsewhere), "id"), !=,
                   json_object_get_int_member (object (lead_first), "id"));
}

/* A canned reply posted again with its client_id: the first, and nothing new. */
static void
test_canned_client_id (Fixture *fx, gconstpointer data)
{
  const char create[] = "{\"title\": \"Refund steps\", \"shortcut\": \"refund\", \"body\": "
                        "\"Hi {{customer.first_name}}\", \"category\": \"T\", \"locale\": "
                        "\"en\", \"client_id\": \"5f0c2b9e-canned\"}";
  const char shared[] = "{\"title\": \"Team\", \"shortcut\": \"team\", \"body\": \"b\","
                        " \"category\": \"T\", \"locale\": \"en\", \"shared\": true,"
                        " \"client_id\": \"5f0c2b9e-shared\"}";
  g_autoptr (JsonNode) first = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (JsonNode) lead_first = NULL;
  g_autoptr (JsonNode) shared_first = NULL;
  g_autoptr (JsonNode) shared_again = NULL;
  g_autoptr (JsonNode) renamed = NULL;
  g_autoptr (JsonNode) after_rename = NULL;
  g_autoptr (JsonNode) deleted = NULL;
  g_autoptr (JsonNode) after_delete = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (DeskPage) unchanged = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *long_id = NULL;
  gint64           id;
  guint            seen = 0;

  first = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 201);
  id = json_object_get_int_member (object (first), "id");
  path = g_strdup_printf ("/api/v1/canned-replies/%" G_GINT64_FORMAT, id);

  /* The repeat writes nothing: the collection has no change after it. */
  mine = get_all (fx, AGENT, "/api/v1/canned-replies",
                  (DeskRecordDecodeFunc) desk_canned_record_from_json,
                  (GDestroyNotify) desk_canned_record_free, &cursor);
  again = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 200);
  g_assert_cmpint (json_object_get_int_member (object (again), "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object (again), "title"), ==, "Refund steps");
  g_assert_cmpint (json_object_get_int_member (object (again), "owner_id"), ==,
                   user_id (fx, AGENT));
  unchanged = get_page (fx, AGENT, "/api/v1/canned-replies", cursor, 100,
                        (DeskRecordDecodeFunc) desk_canned_record_from_json,
                        (GDestroyNotify) desk_canned_record_free);
  g_assert_cmpuint (unchanged->items->len, ==, 0);
  for (guint i = 0; i < mine->len; i++)
    seen +=
        g_strcmp0 (((DeskCannedRecord *) g_ptr_array_index (mine, i))->title, "Refund steps") == 0;
  g_assert_cmpuint (seen, ==, 1);

  /* The key is the user's: someone else's same client_id is another reply. */
  lead_first = call (fx, LEAD, "POST", "/api/v1/canned-replies", create, 201);
  g_assert_cmpint (json_object_get_int_member (object (lead_first), "id"), !=, id);

  /* A shared reply, the same; an agent's is refused before any lookup. */
  shared_first = call (fx, LEAD, "POST", "/api/v1/canned-replies", shared, 201);
  shared_again = call (fx, LEAD, "POST", "/api/v1/canned-replies", shared, 200);
  g_assert_cmpint (json_object_get_int_member (object (shared_again), "id"), ==,
                   json_object_get_int_member (object (shared_first), "id"));
  g_assert_true (json_object_get_null_member (object (shared_again), "owner_id"));
  expect_error (fx, AGENT, "POST", "/api/v1/canned-replies", shared, 403, "forbidden");

  /* The repeat answers with the reply as it is now. */
  renamed = call (fx, AGENT, "PATCH", path, "{\"title\": \"Refund, step by step\"}", 200);
  after_rename = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 200);
  g_assert_cmpint (json_object_get_int_member (object (after_rename), "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (object (after_rename), "title"), ==,
                   "Refund, step by step");

  /* Deleted since: its tombstone, and still no new reply. */
  deleted = call (fx, AGENT, "DELETE", path, NULL, 204);
  after_delete = call (fx, AGENT, "POST", "/api/v1/canned-replies", create, 200);
  g_assert_cmpint (json_object_get_int_member (object (after_delete), "id"), ==, id);
  g_assert_true (json_object_get_boolean_member (object (after_delete), "deleted"));

  long_id = g_strnfill (129, 'k');
  too_long =
      g_strdup_printf ("{\"title\": \"t\", \"body\": \"b\", \"client_id\": \"%s\"}", long_id);
  expect_error (fx, AGENT, "POST", "/api/v1/canned-replies", too_long, 400, "bad_request");
  expect_error (fx, AGENT, "POST", "/api/v1/canned-replies",
                "{\"title\": \"t\", \"body\": \"b\", \"client_id\": \"\"}", 400, "bad_request");
  expect_error (fx, AGENT, "POST", "/api/v1/canned-replies",
                "{\"title\": \"t\", \"body\": \"b\", \"client_id\": 7}", 400, "bad_request");
}

/* WebSocket events */

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  GPtrArray               *frames; /* of JsonNode */
} EventStream;

static void
event_stream_message_cb (SoupWebsocketConnection *connection,
                         int                      type,
                         GBytes                  *message,
                         gpointer                 user_data)
{
  EventStream *stream = user_data;
  g_autoptr (GError) error = NULL;
  gsize       length;
  const char *data = g_bytes_get_data (message, &length);
  JsonNode   *node;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  node = desk_json_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (object (node), "type"));
  g_assert_true (json_object_has_member (object (node), "id"));
  g_ptr_array_add (stream->frames, node);
}

static void
event_stream_connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EventStream *stream = user_data;

  stream->connection =
      soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &stream->error);
  if (stream->connection == NULL && stream->error == NULL)
    stream->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no connection");
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static EventStream *
event_stream_open (Fixture *fx, const char *bearer, gboolean expect_success)
{
  EventStream     *stream = g_new0 (EventStream, 1);
  g_autofree char *url =
      g_strconcat (desk_test_server_get_base_url (fx->server), "/api/v1/events", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  gboolean timed_out = FALSE;
  guint    timeout;

  stream->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  if (bearer != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }

  soup_session_websocket_connect_async (desk_test_server_get_session (fx->server), msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, NULL, event_stream_connect_cb, stream);

  timeout = g_timeout_add (5000, timeout_cb, &timed_out);
  while (stream->connection == NULL && stream->error == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);

  if (expect_success)
    {
      g_assert_no_error (stream->error);
      g_signal_connect (stream->connection, "message", G_CALLBACK (event_stream_message_cb),
                        stream);
    }
  else
    {
      g_assert_null (stream->connection);
      g_assert_nonnull (stream->error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
    }

  return stream;
}

static void
event_stream_close (EventStream *stream)
{
  if (stream->connection != NULL)
    {
      gboolean timed_out = FALSE;
      guint    timeout;

      g_signal_handlers_disconnect_by_data (stream->connection, stream);
      if (soup_websocket_connection_get_state (stream->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stream->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);

      timeout = g_timeout_add (2000, timeout_cb, &timed_out);
      while (soup_websocket_connection_get_state (stream->connection) !=
                 SOUP_WEBSOCKET_STATE_CLOSED &&
             !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (timeout);
    }

  g_clear_object (&stream->connection);
  g_clear_error (&stream->error);
  g_clear_pointer (&stream->frames, g_ptr_array_unref);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EventStream, event_stream_close)

static JsonObject *
find_event (EventStream *stream, const char *type, gint64 ticket_id)
{
  for (guint i = 0; i < stream->frames->len; i++)
    {
      JsonObject *event = object (g_ptr_array_index (stream->frames, i));

      if (g_strcmp0 (json_object_get_string_member (event, "type"), type) == 0 &&
          json_object_has_member (event, "ticket_id") &&
          json_object_get_int_member (event, "ticket_id") == ticket_id)
        return event;
    }

  return NULL;
}

/* Runs the test thread's main context until @type about @ticket_id has
 * come or @timeout_ms has passed. */
static JsonObject *
wait_for_event (EventStream *stream, const char *type, gint64 ticket_id, guint timeout_ms)
{
  gboolean    timed_out = FALSE;
  guint       timeout = g_timeout_add (timeout_ms, timeout_cb, &timed_out);
  JsonObject *event;

  while ((event = find_event (stream, type, ticket_id)) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);

  return event;
}

static void
test_events (Fixture *fx, gconstpointer data)
{
  g_autoptr (EventStream) lead = event_stream_open (fx, token (fx, LEAD), TRUE);
  g_autoptr (EventStream) trainee = event_stream_open (fx, token (fx, TRAINEE), TRUE);
  g_autofree char *reply = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *sentinel = NULL;
  JsonObject      *event;
  gint64           message_id = 0;
  gint64           hidden_id = 0;

  /* A message on a queue-1 ticket reaches the lead within 2 s. */
  reply = post_message (fx, ADMIN, fx->own_ticket, "public", "Realtime hello", 201, &message_id);
  event = wait_for_event (lead, "message.created", fx->own_ticket, 2000);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (event, "id"), ==, message_id);
  g_assert_nonnull (wait_for_event (lead, "ticket.updated", fx->own_ticket, 2000));

  /* A trainee of queue 1 hears nothing of a queue-3 ticket: post there,
   * then on queue 1; when the second arrives, the first would have too. */
  hidden = post_message (fx, ADMIN, fx->other_ticket, "internal", "Queue 3 only", 201, &hidden_id);
  sentinel = post_message (fx, ADMIN, fx->own_ticket, "internal", "Sentinel", 201, NULL);
  g_assert_nonnull (wait_for_event (trainee, "message.created", fx->own_ticket, 2000));
  g_assert_nonnull (wait_for_event (lead, "message.created", fx->other_ticket, 2000));
  g_assert_null (find_event (trainee, "message.created", fx->other_ticket));
  g_assert_null (find_event (trainee, "ticket.updated", fx->other_ticket));
  for (guint i = 0; i < trainee->frames->len; i++)
    {
      JsonObject *frame = object (g_ptr_array_index (trainee->frames, i));

      g_assert_cmpint (json_object_get_int_member (frame, "id"), !=, hidden_id);
    }
}

static void
test_events_unauthorized (Fixture *fx, gconstpointer data)
{
  g_autoptr (EventStream) nobody = event_stream_open (fx, NULL, FALSE);
  g_autoptr (EventStream) bogus = event_stream_open (fx, "bogus", FALSE);
}

/* Bad requests change nothing */

static char *
big_json_body (gsize size)
{
  g_autoptr (GString) json = g_string_sized_new (size + 64);

  g_string_append (json, "{\"visibility\": \"internal\", \"body\": \"");
  while (json->len < size)
    g_string_append (json, "0123456789abcdef");
  g_string_append (json, "\"}");

  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
test_bad_requests (Fixture *fx, gconstpointer data)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", fx->own_ticket);
  const char invalid_utf8[] = "{\"body\": \"caf\xc3\x28 \xff\", \"visibility\": \"internal\"}";
  g_autofree char *big = big_json_body (1024 * 1024 + 16);
  g_autoptr (DeskTicketRecord) before = get_ticket (fx, fx->own_ticket);
  g_autoptr (DeskTicketRecord) after = NULL;
  g_autoptr (JsonNode) wrong_type = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint count = message_count (fx, fx->own_ticket);
  guint status = 0;

  /* Malformed JSON */
  expect_error (fx, AGENT, "POST", path, "{\"body\": \"x\", ", 400, "bad_request");
  expect_error (fx, AGENT, "POST", path, "[\"body\"]", 400, "bad_request");
  expect_error (fx, AGENT, "POST", path, "", 400, "bad_request");

  /* Bytes that are not UTF-8 */
  bytes = desk_test_request (fx->server, "POST", path, token (fx, AGENT), "application/json",
                             invalid_utf8, strlen (invalid_utf8), &status, NULL);
  g_assert_cmpuint (status, ==, 400);
  node = desk_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  g_assert_cmpstr (error_code (node), ==, "invalid_utf8");

  /* A field of the wrong type names the field */
  wrong_type = call (fx, AGENT, "POST", path, "{\"body\": 5, \"visibility\": \"public\"}", 400);
  g_assert_cmpstr (error_code (wrong_type), ==, "bad_request");
  g_assert_true (g_str_has_prefix (error_message (wrong_type), "body"));
  expect_error (fx, AGENT, "POST", path, "{\"body\": \"x\", \"visibility\": \"shouting\"}", 400,
                "bad_request");
  expect_error (fx, AGENT, "POST", path, "{\"visibility\": \"internal\"}", 400, "bad_request");
  expect_error (fx, AGENT, "POST", path,
                "{\"body\": \"x\", \"visibility\": \"internal\", \"attachment_ids\": [999999]}",
                400, "bad_request");

  /* An unknown enum value in PATCH, and unknown references */
  g_clear_pointer (&node, json_node_unref);
  node = patch_ticket (fx, LEAD, fx->own_ticket, "{\"status\": \"frozen\"}", 400);
  g_assert_cmpstr (error_code (node), ==, "bad_request");
  g_clear_pointer (&node, json_node_unref);
  node = patch_ticket (fx, LEAD, fx->own_ticket, "{\"queue_id\": 99}", 400);
  g_assert_cmpstr (error_code (node), ==, "bad_request");
  g_clear_pointer (&node, json_node_unref);
  node = patch_ticket (fx, LEAD, fx->own_ticket, "{\"assignee_id\": 999999}", 400);
  g_assert_cmpstr (error_code (node), ==, "bad_request");
  g_clear_pointer (&node, json_node_unref);
  node = patch_ticket (fx, LEAD, fx->own_ticket, "{\"tags\": [\"ok\", 3]}", 400);
  g_assert_cmpstr (error_code (node), ==, "bad_request");
  g_assert_true (g_str_has_prefix (error_message (node), "tags[1]"));

  /* A JSON body over 1 MiB */
  expect_error (fx, AGENT, "POST", path, big, 413, "payload_too_large");

  /* Nothing of the above left a trace */
  after = get_ticket (fx, fx->own_ticket);
  g_assert_cmpint (after->version, ==, before->version);
  g_assert_cmpint (after->status, ==, before->status);
  g_assert_cmpint (after->queue_id, ==, before->queue_id);
  g_assert_cmpint (after->assignee_id, ==, before->assignee_id);
  g_assert_cmpuint (message_count (fx, fx->own_ticket), ==, count);

  /* Unknown paths and ids */
  expect_error (fx, AGENT, "GET", "/api/v1/nothing-here", NULL, 404, "not_found");
  expect_error (fx, AGENT, "GET", "/api/v1/tickets/999999999", NULL, 404, "not_found");
  expect_error (fx, AGENT, "GET", "/api/v2/me", NULL, 404, "not_found");
  expect_error (fx, AGENT, "POST", "/api/v1/quizzes/999999/attempts", "{\"answers\": {}}", 404,
                "not_found");
}

static void
test_upload_too_large (Fixture *fx, gconstpointer data)
{
  gsize            size = 10 * 1024 * 1024 + 1;
  g_autofree char *payload = g_malloc0 (size);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) fits = NULL;
  guint status = 0;

  bytes = desk_test_request (fx->server, "POST", "/api/v1/uploads?name=big.bin", token (fx, AGENT),
                             "application/octet-stream", payload, size, &status, NULL);
  g_assert_cmpuint (status, ==, 413);
  node = desk_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  g_assert_cmpstr (error_code (node), ==, "payload_too_large");

  /* Exactly 10 MiB is fine. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = desk_test_request (fx->server, "POST", "/api/v1/uploads?name=fits.bin", token (fx, AGENT),
                             "application/octet-stream", payload, size - 1, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  fits = desk_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  g_assert_cmpint (json_object_get_int_member (object (fits), "size"), ==, size - 1);
}

static void
test_rate_limit (Fixture *fx, gconstpointer data)
{
  guint limited = 0;
  guint passed = 0;

  desk_test_server_set_rate_limit (fx->server, 1, 5);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (SoupMessageHeaders) headers = NULL;
      g_autoptr (JsonNode) node = NULL;
      guint status = 0;

      node = desk_test_request_json_full (fx->server, "GET", "/api/v1/me", token (fx, AGENT), NULL,
                                          NULL, &status, &headers);
      if (status == 429)
        {
          const char *retry_after = soup_message_headers_get_one (headers, "Retry-After");
          guint64     seconds = 0;

          limited++;
          g_assert_cmpstr (error_code (node), ==, "rate_limited");
          g_assert_nonnull (retry_after);
          g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 0, 3600, &seconds, NULL));
        }
      else
        {
          g_assert_cmpuint (status, ==, 200);
          passed++;
        }
    }

  desk_test_server_set_rate_limit (fx->server, 1000, 1000);

  g_assert_cmpuint (passed, >=, 5);
  g_assert_cmpuint (limited, >, 0);
  g_assert_cmpuint (passed, <, 20);

  /* Another caller has a bucket of its own, and the limit is lifted. */
  {
    g_autoptr (JsonNode) me = call (fx, AGENT, "GET", "/api/v1/me", NULL, 200);
  }
}

/* Text from people is data: stored and returned as sent. */
static void
test_markup_verbatim (Fixture *fx, gconstpointer data)
{
  const char *const bodies[] = {
    "<b>x</b>",
    "<script>alert(1)</script> &amp; &lt; <i>y</i>",
    "Zhōngwén 中文 — emoji 😀, quotes \"' and \\ backslash",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *posted = NULL;
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GPtrArray) messages = NULL;
      gint64 id = 0;

      posted = post_message (fx, AGENT, fx->own_ticket, "internal", bodies[i], 201, &id);
      node = desk_json_parse (posted, -1, NULL);
      g_assert_cmpstr (json_object_get_string_member (object (node), "body"), ==, bodies[i]);
      g_assert_true (json_object_get_null_member (object (node), "body_html"));

      messages = get_messages (fx, fx->own_ticket);
      for (guint m = 0; m < messages->len; m++)
        {
          DeskMessageRecord *message = g_ptr_array_index (messages, m);

          if (message->id == id)
            {
              g_assert_cmpstr (message->body, ==, bodies[i]);
              g_assert_null (message->body_html);
            }
        }
    }
}

/* Quiz grading */

static JsonNode *
load_demo_quizzes (void)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize     length;
  JsonNode *node;

  g_file_get_contents (SOURCE_DATADIR "/demo/quizzes.json", &contents, &length, &error);
  g_assert_no_error (error);
  node = desk_json_parse (contents, length, &error);
  g_assert_no_error (error);
  return node;
}

static void
test_quiz_grading (Fixture *fx, gconstpointer data)
{
  g_autoptr (JsonNode) demo = load_demo_quizzes ();
  JsonObject *quiz =
      object (json_array_get_element (json_object_get_array_member (object (demo), "quizzes"), 0));
  JsonArray       *questions = json_object_get_array_member (quiz, "questions");
  gint64           quiz_id = json_object_get_int_member (quiz, "id");
  g_autofree char *path =
      g_strdup_printf ("/api/v1/quizzes/%" G_GINT64_FORMAT "/attempts", quiz_id);
  g_autoptr (GString) answers = g_string_new ("{\"answers\": {");
  g_autoptr (JsonNode) perfect = NULL;
  g_autoptr (JsonNode) empty = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autofree char *wrong_choice = NULL;
  g_autofree char *not_an_array = NULL;
  gint64           first_question = 0;
  JsonArray       *results;

  for (guint i = 0; i < json_array_get_length (questions); i++)
    {
      JsonObject *question = object (json_array_get_element (questions, i));
      JsonArray  *choices = json_object_get_array_member (question, "choices");
      gboolean    first = TRUE;

      if (i == 0)
        first_question = json_object_get_int_member (question, "id");
      g_string_append_printf (answers, "%s\"%" G_GINT64_FORMAT "\": [", i > 0 ? ", " : "",
                              json_object_get_int_member (question, "id"));
      for (guint c = 0; c < json_array_get_length (choices); c++)
        {
          JsonObject *choice = object (json_array_get_element (choices, c));

          if (json_object_get_boolean_member (choice, "correct"))
            {
              g_string_append_printf (answers, "%s%" G_GINT64_FORMAT, first ? "" : ", ",
                                      json_object_get_int_member (choice, "id"));
              first = FALSE;
            }
        }
      g_string_append (answers, "]");
    }
  g_string_append (answers, "}}");

  perfect = call (fx, TRAINEE, "POST", path, answers->str, 201);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object (perfect), "score"), 1.0,
                                  1e-9);
  g_assert_true (json_object_get_boolean_member (object (perfect), "passed"));
  g_assert_cmpint (json_object_get_int_member (object (perfect), "quiz_id"), ==, quiz_id);
  g_assert_cmpint (json_object_get_int_member (object (perfect), "agent_id"), ==,
                   user_id (fx, TRAINEE));
  results = json_object_get_array_member (object (perfect), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (questions));
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = object (json_array_get_element (results, i));

      g_assert_true (json_object_get_boolean_member (result, "correct"));
      g_assert_true (json_object_has_member (result, "question_id"));
      g_assert_nonnull (json_object_get_string_member (result, "explanation"));
      g_assert_true (json_object_has_member (result, "article_id"));
    }

  empty = call (fx, TRAINEE, "POST", path, "{\"answers\": {}}", 201);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object (empty), "score"), 0.0,
                                  1e-9);
  g_assert_false (json_object_get_boolean_member (object (empty), "passed"));
  results = json_object_get_array_member (object (empty), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, json_array_get_length (questions));
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = object (json_array_get_element (results, i));

      g_assert_false (json_object_get_boolean_member (result, "correct"));
      g_assert_nonnull (json_object_get_string_member (result, "explanation"));
      g_assert_true (json_object_has_member (result, "article_id"));
    }

  /* Not a question of this quiz, not a choice of that question, not ids. */
  expect_error (fx, TRAINEE, "POST", path, "{\"answers\": {\"999999\": [1]}}", 400, "bad_request");
  wrong_choice =
      g_strdup_printf ("{\"answers\": {\"%" G_GINT64_FORMAT "\": [999999]}}", first_question);
  expect_error (fx, TRAINEE, "POST", path, wrong_choice, 400, "bad_request");
  not_an_array =
      g_strdup_printf ("{\"answers\": {\"%" G_GINT64_FORMAT "\": \"x\"}}", first_question);
  bad = call (fx, TRAINEE, "POST", path, not_an_array, 400);
  g_assert_cmpstr (error_code (bad), ==, "bad_request");
  g_assert_true (g_str_has_prefix (error_message (bad), "answers."));
  expect_error (fx, TRAINEE, "POST", path, "{}", 400, "bad_request");
}

/* Metrics */

static void
test_metrics (Fixture *fx, gconstpointer data)
{
  g_autofree char *from = now_minus (30 * 86400);
  g_autofree char *to = now_minus (0);
  g_autofree char *hour_from = now_minus (2 * 86400);
  g_autofree char *path = NULL;
  g_autofree char *hourly_path = NULL;
  g_autofree char *reversed = NULL;
  g_autofree char *escaped_from = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *escaped_to = g_uri_escape_string (to, NULL, FALSE);
  g_autofree char *escaped_hour_from = g_uri_escape_string (hour_from, NULL, FALSE);
  g_autoptr (JsonNode) metrics = NULL;
  g_autoptr (JsonNode) hourly = NULL;
  g_autoptr (JsonNode) defaults = NULL;
  JsonObject *totals;
  JsonArray  *by_hour;
  JsonArray  *series;

  path = g_strdup_printf ("/api/v1/metrics?from=%s&to=%s&bucket=day", escaped_from, escaped_to);
  metrics = call (fx, LEAD, "GET", path, NULL, 200);
  totals = json_object_get_object_member (object (metrics), "totals");
  g_assert_nonnull (totals);
  g_assert_cmpint (json_object_get_int_member (totals, "tickets_created"), >, 0);
  g_assert_true (json_object_has_member (totals, "csat_average"));
  g_assert_cmpstr (json_object_get_string_member (object (metrics), "bucket"), ==, "day");

  by_hour = json_object_get_array_member (object (metrics), "by_hour_of_day");
  g_assert_cmpuint (json_array_get_length (by_hour), ==, 24);
  for (guint h = 0; h < 24; h++)
    g_assert_cmpint (
        json_object_get_int_member (object (json_array_get_element (by_hour, h)), "hour"), ==, h);

  series = json_object_get_array_member (object (metrics), "series");
  g_assert_cmpuint (json_array_get_length (series), >=, 30);
  g_assert_cmpuint (json_array_get_length (series), <=, 31);
  g_assert_nonnull (json_object_get_array_member (object (metrics), "by_channel"));
  g_assert_nonnull (json_object_get_array_member (object (metrics), "agents"));
  g_assert_nonnull (json_object_get_array_member (object (metrics), "trainees"));

  hourly_path =
      g_strdup_printf ("/api/v1/metrics?from=%s&to=%s&bucket=hour", escaped_hour_from, escaped_to);
  hourly = call (fx, ADMIN, "GET", hourly_path, NULL, 200);
  series = json_object_get_array_member (object (hourly), "series");
  g_assert_cmpuint (json_array_get_length (series), >=, 48);
  g_assert_cmpuint (json_array_get_length (series), <=, 49);

  defaults = call (fx, LEAD, "GET", "/api/v1/metrics", NULL, 200);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (object (defaults), "by_hour_of_day")),
      ==, 24);

  reversed = g_strdup_printf ("/api/v1/metrics?from=%s&to=%s", escaped_to, escaped_from);
  expect_error (fx, LEAD, "GET", reversed, NULL, 400, "bad_request");
  expect_error (fx, LEAD, "GET", "/api/v1/metrics?from=yesterday", NULL, 400, "bad_request");
  expect_error (fx, LEAD, "GET", "/api/v1/metrics?bucket=week", NULL, 400, "bad_request");
  expect_error (fx, AGENT, "GET", path, NULL, 403, "forbidden");
  expect_error (fx, TRAINEE, "GET", path, NULL, 403, "forbidden");
}

/* Uploads and attachments */

static void
test_uploads (Fixture *fx, gconstpointer data)
{
  const char content[] = "hello attachment\n\x01\x02 binary tail";
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GBytes) download = NULL;
  g_autoptr (JsonNode) upload = NULL;
  g_autoptr (JsonNode) message = NULL;
  g_autoptr (JsonNode) unnamed = NULL;
  g_autoptr (SoupMessageHeaders) headers = NULL;
  g_autofree char *attachment_path = NULL;
  g_autofree char *message_path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", fx->other_ticket);
  g_autofree char *message_body = NULL;
  guint            status = 0;
  gint64           id;
  JsonArray       *attachments;

  response = desk_test_request (fx->server, "POST", "/api/v1/uploads?name=a.txt", token (fx, ADMIN),
                                "text/plain", content, sizeof content - 1, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  upload = desk_json_parse (g_bytes_get_data (response, NULL), g_bytes_get_size (response), NULL);
  id = json_object_get_int_member (object (upload), "id");
  g_assert_cmpstr (json_object_get_string_member (object (upload), "name"), ==, "a.txt");
  g_assert_cmpint (json_object_get_int_member (object (upload), "size"), ==, sizeof content - 1);
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (object (upload), "mime"), "text/plain"));
  attachment_path = g_strdup_printf ("/api/v1/attachments/%" G_GINT64_FORMAT, id);

  /* Not attached yet: the uploader's only. */
  g_clear_pointer (&download, g_bytes_unref);
  download = desk_test_request (fx->server, "GET", attachment_path, token (fx, LEAD), NULL, NULL, 0,
                                &status, NULL);
  g_assert_cmpuint (status, ==, 404);

  /* Attached to a message on a queue-3 ticket. */
  message_body = g_strdup_printf ("{\"body\": \"See attached\", \"visibility\": \"internal\","
                                  " \"attachment_ids\": [%" G_GINT64_FORMAT "]}",
                                  id);
  message = call (fx, ADMIN, "POST", message_path, message_body, 201);
  attachments = json_object_get_array_member (object (message), "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  g_assert_cmpint (
      json_object_get_int_member (object (json_array_get_element (attachments, 0)), "id"), ==, id);

  for (int role = 0; role < DESK_TEST_N_ROLES; role++)
    {
      g_clear_pointer (&download, g_bytes_unref);
      g_clear_pointer (&headers, soup_message_headers_unref);
      download = desk_test_request (fx->server, "GET", attachment_path, token (fx, role), NULL,
                                    NULL, 0, &status, &headers);
      if (role == AGENT || role == TRAINEE)
        {
          g_autoptr (JsonNode) node = NULL;

          g_assert_cmpuint (status, ==, 404);
          node = desk_json_parse (g_bytes_get_data (download, NULL), g_bytes_get_size (download),
                                  NULL);
          g_assert_cmpstr (error_code (node), ==, "not_found");
          continue;
        }

      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpuint (g_bytes_get_size (download), ==, sizeof content - 1);
      g_assert_cmpmem (g_bytes_get_data (download, NULL), g_bytes_get_size (download), content,
                       sizeof content - 1);
      g_assert_true (
          g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL), "text/plain"));
    }

  /* The same upload cannot be attached twice. */
  expect_error (fx, ADMIN, "POST", message_path, message_body, 400, "bad_request");

  /* Defaults and refusals */
  g_clear_pointer (&response, g_bytes_unref);
  response = desk_test_request (fx->server, "POST", "/api/v1/uploads?name=raw", token (fx, AGENT),
                                NULL, "x", 1, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  unnamed = desk_json_parse (g_bytes_get_data (response, NULL), g_bytes_get_size (response), NULL);
  g_assert_cmpstr (json_object_get_string_member (object (unnamed), "mime"), ==,
                   "application/octet-stream");

  for (guint i = 0; i < 3; i++)
    {
      const char *const paths[] = { "/api/v1/uploads",
                                    "/api/v1/uploads?name=", "/api/v1/uploads?name=%FF%FE.txt" };
      const char *const codes[] = { "bad_request", "bad_request", "invalid_utf8" };
      g_autoptr (JsonNode) node = NULL;

      g_clear_pointer (&response, g_bytes_unref);
      response = desk_test_request (fx->server, "POST", paths[i], token (fx, AGENT), "text/plain",
                                    "x", 1, &status, NULL);
      g_assert_cmpuint (status, ==, 400);
      node = desk_json_parse (g_bytes_get_data (response, NULL), g_bytes_get_size (response), NULL);
      g_assert_cmpstr (error_code (node), ==, codes[i]);
    }

  expect_error (fx, ADMIN, "GET", "/api/v1/attachments/999999", NULL, 404, "not_found");
}

/* The customer side of a live chat */

static JsonNode *
public_call (
    Fixture *fx, const char *customer_token, const char *path, const char *json, guint expected)
{
  return call_full (fx, -1, customer_token, "POST", path, NULL, json, expected, NULL);
}

static void
test_public_chat (Fixture *fx, gconstpointer data)
{
  const char open[] = "{\"name\": \"Ana Customer\", \"email\": \"ana@example.com\", \"locale\": "
                      "\"en\", \"subject\": \"Withdrawal stuck\", \"body\": \"Hi, my withdrawal "
                      "is pending.\"}";
  const char open2[] = "{\"name\": \"Bo Customer\", \"email\": \"bo@example.com\", \"locale\": "
                       "\"zh-CN\", \"subject\": \"充值\", \"body\": \"你好\"}";
  g_autoptr (JsonNode) chat = public_call (fx, NULL, "/api/v1/public/chats", open, 201);
  g_autoptr (JsonNode) chat2 = public_call (fx, NULL, "/api/v1/public/chats", open2, 201);
  g_autoptr (JsonNode) message = NULL;
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (DeskTicketRecord) rated = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *messages_path = NULL;
  g_autofree char *rating_path = NULL;
  const char      *customer_token = json_object_get_string_member (object (chat), "customer_token");
  const char      *other_token = json_object_get_string_member (object (chat2), "customer_token");
  gint64           chat_id = json_object_get_int_member (object (chat), "chat_id");

  g_assert_nonnull (customer_token);
  g_assert_cmpstr (customer_token, !=, "");
  g_assert_cmpstr (customer_token, !=, other_token);
  ticket = desk_ticket_record_from_json (json_object_get_member (object (chat), "ticket"), "ticket",
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (ticket->id, ==, chat_id);
  g_assert_cmpint (ticket->kind, ==, DESK_TICKET_KIND_CHAT);
  g_assert_cmpint (ticket->channel, ==, DESK_CHANNEL_CHAT);
  g_assert_cmpint (ticket->status, ==, DESK_TICKET_STATUS_NEW);
  g_assert_cmpstr (ticket->requester.email, ==, "ana@example.com");

  messages_path = g_strdup_printf ("/api/v1/public/chats/%" G_GINT64_FORMAT "/messages", chat_id);
  rating_path = g_strdup_printf ("/api/v1/public/chats/%" G_GINT64_FORMAT "/rating", chat_id);

  message = public_call (fx, customer_token, messages_path, "{\"body\": \"Still waiting\"}", 201);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (object (message), "author"), "type"),
                   ==, "customer");
  g_assert_cmpstr (json_object_get_string_member (object (message), "visibility"), ==, "public");

  /* Another chat's token, no token, a staff token */
  {
    g_autoptr (JsonNode) a = public_call (fx, other_token, messages_path, "{\"body\": \"x\"}", 404);
    g_autoptr (JsonNode) b = public_call (fx, NULL, messages_path, "{\"body\": \"x\"}", 401);
    g_autoptr (JsonNode) c =
        public_call (fx, token (fx, ADMIN), messages_path, "{\"body\": \"x\"}", 401);
    g_autoptr (JsonNode) d = public_call (fx, other_token, rating_path, "{\"rating\": 5}", 404);
    g_autoptr (JsonNode) e = public_call (fx, customer_token, messages_path, "{\"body\": 3}", 400);

    g_assert_cmpstr (error_code (a), ==, "not_found");
    g_assert_cmpstr (error_code (b), ==, "unauthorized");
    g_assert_cmpstr (error_code (c), ==, "unauthorized");
    g_assert_cmpstr (error_code (d), ==, "not_found");
    g_assert_cmpstr (error_code (e), ==, "bad_request");
  }

  /* The customer token is not a staff token. */
  {
    g_autoptr (JsonNode) node =
        call_full (fx, -1, customer_token, "GET", "/api/v1/tickets", NULL, NULL, 401, NULL);

    g_assert_cmpstr (error_code (node), ==, "unauthorized");
  }

  /* Ratings 1..5, the last one wins; anything else is refused. */
  for (guint rating = 1; rating <= 5; rating++)
    {
      g_autofree char *body = g_strdup_printf ("{\"rating\": %u}", rating);
      g_autoptr (JsonNode) node = public_call (fx, customer_token, rating_path, body, 204);

      g_assert_null (node);
    }
  {
    g_autoptr (JsonNode) a = public_call (fx, customer_token, rating_path, "{\"rating\": 9}", 400);
    g_autoptr (JsonNode) b = public_call (fx, customer_token, rating_path, "{\"rating\": 0}", 400);
    g_autoptr (JsonNode) c =
        public_call (fx, customer_token, rating_path, "{\"rating\": \"5\"}", 400);

    g_assert_cmpstr (error_code (a), ==, "bad_request");
    g_assert_cmpstr (error_code (b), ==, "bad_request");
    g_assert_cmpstr (error_code (c), ==, "bad_request");
  }

  rated = get_ticket (fx, chat_id);
  g_assert_cmpint (rated->csat, ==, 5);
  messages = get_messages (fx, chat_id);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpint (((DeskMessageRecord *) g_ptr_array_index (messages, 0))->author_type, ==,
                   DESK_AUTHOR_CUSTOMER);

  /* Bad openings */
  {
    g_autoptr (JsonNode) a =
        public_call (fx, NULL, "/api/v1/public/chats", "{\"name\": \"x\"}", 400);
    g_autoptr (JsonNode) b = public_call (fx, NULL, "/api/v1/public/chats", "{", 400);

    g_assert_cmpstr (error_code (a), ==, "bad_request");
    g_assert_cmpstr (error_code (b), ==, "bad_request");
  }
}

/* Collision awareness */
static void
test_viewing (Fixture *fx, gconstpointer data)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/viewing", fx->own_ticket);
  g_autofree char *ticket_path =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, fx->own_ticket);
  g_autoptr (JsonNode) none = NULL;
  g_autoptr (JsonNode) seen = NULL;
  g_autoptr (JsonNode) gone = NULL;
  JsonArray *viewers;
  gboolean   found = FALSE;

  none = call (fx, AGENT, "POST", path, "{\"state\": \"replying\"}", 204);
  g_assert_null (none);

  seen = call (fx, LEAD, "GET", ticket_path, NULL, 200);
  viewers = json_object_get_array_member (object (seen), "viewers");
  for (guint i = 0; i < json_array_get_length (viewers); i++)
    {
      JsonObject *viewer = object (json_array_get_element (viewers, i));

      if (json_object_get_int_member (viewer, "agent_id") == user_id (fx, AGENT))
        {
          g_assert_cmpstr (json_object_get_string_member (viewer, "state"), ==, "replying");
          g_assert_cmpstr (json_object_get_string_member (viewer, "name"), ==, "Test Agent");
          found = TRUE;
        }
    }
  g_assert_true (found);

  none = call (fx, AGENT, "POST", path, "{\"state\": \"left\"}", 204);
  gone = call (fx, LEAD, "GET", ticket_path, NULL, 200);
  viewers = json_object_get_array_member (object (gone), "viewers");
  for (guint i = 0; i < json_array_get_length (viewers); i++)
    g_assert_cmpint (
        json_object_get_int_member (object (json_array_get_element (viewers, i)), "agent_id"), !=,
        user_id (fx, AGENT));

  expect_error (fx, AGENT, "POST", path, "{\"state\": \"dancing\"}", 400, "bad_request");
  expect_error (fx, AGENT, "POST", path, "{}", 400, "bad_request");
}

typedef struct
{
  const char *filename;
  gboolean    ok;
  char       *message;
} Import;

static void
import_cb (DeskServer *server, gpointer user_data)
{
  Import *import = user_data;
  g_autoptr (GError) error = NULL;

  import->ok = desk_server_import_file (server, "kb", import->filename, &error);
  import->message = error ? g_strdup (error->message) : NULL;
}

/* An import with one bad record names it and changes nothing. */
static void
test_import_names_bad_record (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("desk-import-XXXXXX", &error);
  g_autofree char *filename = g_build_filename (dir, "kb.json", NULL);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  Import import = { filename, FALSE, NULL };

  g_assert_true (g_file_set_contents (
      filename,
      "{\"articles\": [{\"id\": 900, \"title\": \"Fine\", \"body\": \"x\","
      " \"category\": \"Trading\", \"locale\": \"en\"},"
      " {\"id\": 901, \"body\": \"no title\", \"category\": \"Trading\", \"locale\": \"en\"}]}",
      -1, NULL));

  before = call (fx, LEAD, "GET", "/api/v1/kb/articles?limit=500", NULL, 200);
  desk_test_server_invoke (fx->server, import_cb, &import);
  g_assert_false (import.ok);
  g_assert_nonnull (strstr (import.message, "articles[1].title: missing"));
  after = call (fx, LEAD, "GET", "/api/v1/kb/articles?limit=500", NULL, 200);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (json_node_get_object (before), "items")),
      ==,
      json_array_get_length (json_object_get_array_member (json_node_get_object (after), "items")));

  g_free (import.message);
  g_unlink (filename);
  g_rmdir (dir);
}

static void
start_simulator_cb (DeskServer *server, gpointer user_data)
{
  /* 24 a minute: two chats each 5-second tick. */
  desk_server_start_simulator (server, 24);
}

static gboolean
wait_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
sleep_on_loop (guint seconds)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_seconds (seconds, wait_cb, loop);
  g_main_loop_run (loop);
}

static gint64
open_public_chat (Fixture *fx, const char *email, const char *subject)
{
  g_autofree char *body = g_strdup_printf (
      "{\"name\": \"Ana\", \"email\": \"%s\", \"locale\": \"en\", \"subject\": \"%s\","
      " \"body\": \"%s, first words\"}",
      email, subject, subject);
  g_autoptr (JsonNode) chat = call (fx, -1, "POST", "/api/v1/public/chats", body, 201);

  return json_object_get_int_member (json_node_get_object (chat), "chat_id");
}

/* Two chats of one customer become one: the messages move, the first is
 * closed with a note, a repeat changes nothing, and the messages feed
 * hands the moved messages out again under their new ticket. */
static void
test_merge (Fixture *fx, gconstpointer data)
{
  gint64           first = open_public_chat (fx, "ana.merge@example.com", "Deposit");
  gint64           second = open_public_chat (fx, "ana.merge@example.com", "Deposit again");
  gint64           other = open_public_chat (fx, "bo.merge@example.com", "Other");
  g_autofree char *merge = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/merge", second);
  g_autofree char *into = g_strdup_printf ("{\"into\": %" G_GINT64_FORMAT "}", first);
  g_autofree char *into_other = g_strdup_printf ("{\"into\": %" G_GINT64_FORMAT "}", other);
  g_autofree char *first_messages =
      g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages", first);
  g_autofree char *second_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT, second);
  g_autoptr (JsonNode) merged = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (JsonNode) thread = NULL;
  g_autoptr (JsonNode) closed = NULL;
  JsonArray *messages;
  gboolean   moved = FALSE;

  g_clear_pointer (&merged, json_node_unref);
  merged = call (fx, LEAD, "POST", merge, into_other, 400);
  g_clear_pointer (&merged, json_node_unref);
  merged = call (fx, TRAINEE, "POST", merge, into, 403);
  g_clear_pointer (&merged, json_node_unref);
  merged = call (fx, LEAD, "POST", merge, into, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (merged), "id"), ==, first);
  again = call (fx, LEAD, "POST", merge, into, 200);

  thread = call (fx, LEAD, "GET", first_messages, NULL, 200);
  messages = json_object_get_array_member (json_node_get_object (thread), "items");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    moved |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (messages, i),
                                                       "body"),
                        "Deposit again, first words") == 0;
  g_assert_true (moved);
  /* Two customer messages and the system note; the repeat added nothing. */
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);

  closed = call (fx, LEAD, "GET", second_path, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (closed), "status"), ==,
                   "closed");
}

/* --simulate: customers open chats and answer the agents' replies. */
static void
test_simulator (Fixture *fx, gconstpointer data)
{
  g_autoptr (JsonNode) page = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (JsonNode) thread = NULL;
  g_autofree char *messages_path = NULL;
  JsonArray       *items;
  JsonObject      *chat = NULL;
  JsonArray       *messages;

  desk_test_server_invoke (fx->server, start_simulator_cb, NULL);
  sleep_on_loop (6);

  page = call (fx, LEAD, "GET", "/api/v1/tickets?limit=500&since=c420", NULL, 200);
  items = json_object_get_array_member (json_node_get_object (page), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *ticket = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (ticket, "kind"), "chat") == 0 &&
          json_object_get_int_member (ticket, "id") > 420)
        chat = ticket;
    }
  g_assert_nonnull (chat);

  messages_path = g_strdup_printf ("/api/v1/tickets/%" G_GINT64_FORMAT "/messages",
                                   json_object_get_int_member (chat, "id"));
  reply = call (fx, LEAD, "POST", messages_path,
                "{\"body\": \"Let me check that for you.\", \"visibility\": \"public\"}", 201);
  sleep_on_loop (6);

  /* The customer answered the agent. */
  thread = call (fx, LEAD, "GET", messages_path, NULL, 200);
  messages = json_object_get_array_member (json_node_get_object (thread), "items");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (json_array_get_object_element (messages, 2), "author"),
          "type"),
      ==, "customer");
}

static void
add_test (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/Desk/Server/endpoints", test_endpoints);
  add_test ("/Desk/Server/method-not-allowed", test_method_not_allowed);
  add_test ("/Desk/Server/roles", test_roles);
  add_test ("/Desk/Server/quizzes-without-answers", test_quizzes_without_answers);
  add_test ("/Desk/Server/quiz-attempts-visibility", test_quiz_attempts_visibility);
  add_test ("/Desk/Server/unauthorized", test_unauthorized);
  add_test ("/Desk/Server/pagination", test_pagination);
  add_test ("/Desk/Server/limits", test_limits);
  add_test ("/Desk/Server/canned-tombstone", test_canned_tombstone);
  add_test ("/Desk/Server/ticket-tombstone", test_ticket_tombstone);
  add_test ("/Desk/Server/open-filter", test_open_filter);
  add_test ("/Desk/Server/open-filter-changes", test_open_filter_changes);
  add_test ("/Desk/Server/open-filter-under-writes", test_open_filter_under_writes);
  add_test ("/Desk/Server/conflict", test_conflict);
  add_test ("/Desk/Server/client-id", test_client_id);
  add_test ("/Desk/Server/canned-client-id", test_canned_client_id);
  add_test ("/Desk/Server/events", test_events);
  add_test ("/Desk/Server/events-unauthorized", test_events_unauthorized);
  add_test ("/Desk/Server/bad-requests", test_bad_requests);
  add_test ("/Desk/Server/upload-too-large", test_upload_too_large);
  add_test ("/Desk/Server/rate-limit", test_rate_limit);
  add_test ("/Desk/Server/markup-verbatim", test_markup_verbatim);
  add_test ("/Desk/Server/quiz-grading", test_quiz_grading);
  add_test ("/Desk/Server/metrics", test_metrics);
  add_test ("/Desk/Server/uploads", test_uploads);
  add_test ("/Desk/Server/public-chat", test_public_chat);
  add_test ("/Desk/Server/viewing", test_viewing);
  add_test ("/Desk/Server/import-names-bad-record", test_import_names_bad_record);
  add_test ("/Desk/Server/simulator", test_simulator);
  add_test ("/Desk/Server/merge", test_merge);

  return g_test_run ();
}
