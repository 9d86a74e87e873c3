/* desk-server-seed.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-seed"

#include "config.h"

#include "desk-json.h"
#include "desk-server-private.h"

/* Importing JSON files (knowledge base, canned replies, quizzes, and for
 * the demo the queues and staff), and seeding: the demo desk from the
 * ticket scenarios of data/demo/tickets.json, and a synthetic desk of any
 * size for the benchmarks. */

#define USEC_PER_MINUTE ((gint64) 60 * G_USEC_PER_SEC)
#define USEC_PER_DAY ((gint64) 24 * 60 * USEC_PER_MINUTE)
#define DEMO_TICKETS 420
#define DEMO_DAYS 30

static gboolean
import_staff_record (DeskServer *self, JsonNode *node, const char *path, GError **error)
{
  g_autoptr (DeskUserRecord) user = desk_user_record_from_json (node, path, error);

  if (user == NULL)
    return FALSE;

  return _desk_server_insert_user (self, user->id, user->name, user->email, user->role,
                                   (const gint64 *) user->queue_ids->data, user->queue_ids->len,
                                   error) != 0;
}

static gint64
find_canned_by_shortcut (DeskServer *self, const char *shortcut)
{
  sqlite3_stmt *stmt;
  gint64        id = 0;

  if (shortcut == NULL)
    return 0;

  stmt = _desk_server_prepare (self, "SELECT id FROM canned WHERE owner_id IS NULL AND NOT deleted"
                                     " AND json_extract(doc, '$.shortcut') = ?");
  sqlite3_bind_text (stmt, 1, shortcut, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

static gboolean
import_record (DeskServer *self, const char *kind, JsonNode *node, const char *path, GError **error)
{
  if (g_str_equal (kind, "kb"))
    {
      g_autoptr (DeskArticleRecord) article = desk_article_record_from_json (node, path, error);

      return article != NULL && _desk_server_save_article (self, article, error);
    }
  else if (g_str_equal (kind, "canned"))
    {
      g_autoptr (DeskCannedRecord) canned = desk_canned_record_from_json (node, path, error);

      if (canned == NULL)
        return FALSE;
      /* Imported replies are the shared ones; importing again updates them. */
      canned->owner_id = 0;
      if (canned->id == 0)
        canned->id = find_canned_by_shortcut (self, canned->shortcut);
      return _desk_server_save_canned (self, canned, error);
    }
  else if (g_str_equal (kind, "quizzes"))
    {
      g_autoptr (DeskQuizRecord) quiz = desk_quiz_record_from_json (node, path, error);

      return quiz != NULL && _desk_server_save_quiz (self, quiz, error);
    }
  else if (g_str_equal (kind, "queues"))
    {
      g_autoptr (DeskQueueRecord) queue = desk_queue_record_from_json (node, path, error);

      return queue != NULL && _desk_server_save_queue (self, queue, error);
    }
  else if (g_str_equal (kind, "staff"))
    return import_staff_record (self, node, path, error);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown kind of record “%s”", kind);
  return FALSE;
}

static const char *
member_of_kind (const char *kind)
{
  static const struct
  {
    const char *kind;
    const char *member;
  } kinds[] = {
    { "kb", "articles" },   { "canned", "canned_replies" }, { "quizzes", "quizzes" },
    { "queues", "queues" }, { "staff", "staff" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i].kind) == 0)
      return kinds[i].member;

  return NULL;
}

gboolean
_desk_server_import_node (DeskServer *self, const char *kind, JsonNode *root, GError **error)
{
  const char *member = member_of_kind (kind);
  JsonObject *object;
  JsonArray  *records;
  const char *event;

  if (member == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot import “%s”: expected kb, canned or quizzes", kind);
      return FALSE;
    }

  if (!(object = desk_json_as_object (root, NULL, error)) ||
      !(records = desk_json_get_array (object, NULL, member, DESK_JSON_REQUIRED, error)))
    return FALSE;

  /* All or nothing: a bad record leaves the data as it was. */
  if (!_desk_server_begin (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "The database is busy");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", member, i);

      if (!import_record (self, kind, json_array_get_element (records, i), path, error))
        {
          _desk_server_rollback (self);
          return FALSE;
        }
    }

  _desk_server_commit (self);

  event = g_str_equal (kind, "kb")        ? "kb.updated"
          : g_str_equal (kind, "canned")  ? "canned.updated"
          : g_str_equal (kind, "quizzes") ? "quiz.updated"
                                          : NULL;
  if (event != NULL)
    _desk_server_emit (self, event, 0, 0, 0, 0, NULL);

  return TRUE;
}

static JsonNode *
load_json_file (const char *filename, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize     length;
  JsonNode *root;

  if (!g_file_get_contents (filename, &contents, &length, error))
    return NULL;

  root = desk_json_parse (contents, length, &local_error);
  if (root == NULL)
    g_set_error (error, DESK_JSON_ERROR, local_error->code, "%s: %s", filename,
                 local_error->message);

  return root;
}

gboolean
desk_server_import_file (DeskServer *self, const char *kind, const char *filename, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (DESK_IS_SERVER (self), FALSE);

  if (!(root = load_json_file (filename, error)))
    return FALSE;

  if (!_desk_server_import_node (self, kind, root, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", filename,
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The demo desk's tickets */

typedef struct
{
  DeskServer *self;
  GRand      *rand;
  JsonArray  *customers;
  JsonArray  *scenarios;
  GPtrArray  *agents_by_queue[5]; /* of gint64 *, index 1..4 */
  gint64      now;
  gint64      message_id;
} Seeder;

/* Support is busiest in the working hours of Europe and Asia (UTC). */
static const guint hour_weights[24] = { 2,  3,  5,  7,  8,  9, 9, 9, 10, 12, 12, 11,
                                        11, 12, 13, 12, 10, 8, 6, 5, 4,  3,  2,  2 };

static int
random_hour (GRand *rand)
{
  guint total = 0;
  guint pick;

  for (guint i = 0; i < 24; i++)
    total += hour_weights[i];
  pick = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < 24; i++)
    {
      if (pick < hour_weights[i])
        return i;
      pick -= hour_weights[i];
    }

  return 12;
}

static JsonObject *
pick_customer (Seeder *seeder, const char *locale)
{
  guint n = json_array_get_length (seeder->customers);

  for (guint attempt = 0; attempt < 50; attempt++)
    {
      JsonObject *customer =
          json_array_get_object_element (seeder->customers, g_rand_int_range (seeder->rand, 0, n));

      if (g_strcmp0 (json_object_get_string_member_with_default (customer, "locale", "en"),
                     locale) == 0)
        return customer;
    }

  return json_array_get_object_element (seeder->customers, 0);
}

static gboolean
seed_ticket (Seeder *seeder, gint64 ticket_id, JsonObject *scenario, GError **error)
{
  DeskServer *self = seeder->self;
  g_autoptr (DeskTicketRecord) ticket = g_new0 (DeskTicketRecord, 1);
  JsonObject *customer;
  JsonArray  *channels = json_object_get_array_member (scenario, "channels");
  JsonArray  *messages = json_object_get_array_member (scenario, "messages");
  const char *locale = json_object_get_string_member_with_default (scenario, "locale", "en");
  g_autoptr (GError) local_error = NULL;
  GPtrArray    *agents;
  sqlite3_stmt *stmt;
  gint64        frt_minutes = 60;
  gint64        rt_minutes = 1440;
  gint64        age_days;
  gint64        t;
  gint64        agent_id = 0;
  const char   *agent_name = NULL;
  gint64        last_author_customer = TRUE;
  int           value;

  customer = pick_customer (seeder, locale);
  ticket->id = ticket_id;
  ticket->version = 1;
  ticket->queue_id = json_object_get_int_member_with_default (scenario, "queue_id", 1);
  if (ticket->queue_id < 1 || ticket->queue_id > 4)
    ticket->queue_id = 1;
  agents = seeder->agents_by_queue[ticket->queue_id];

  if (!desk_enum_from_nick (
          DESK_TYPE_CHANNEL,
          json_array_get_string_element (
              channels, g_rand_int_range (seeder->rand, 0, json_array_get_length (channels))),
          &value))
    value = DESK_CHANNEL_EMAIL;
  ticket->channel = value;
  ticket->kind =
      ticket->channel == DESK_CHANNEL_CHAT ? DESK_TICKET_KIND_CHAT : DESK_TICKET_KIND_TICKET;
  ticket->subject = g_strdup (json_object_get_string_member (scenario, "subject"));
  if (!desk_json_get_enum (scenario, "scenario", "priority", DESK_TYPE_PRIORITY, DESK_JSON_OPTIONAL,
                           &value, error))
    return FALSE;
  ticket->priority = value;
  if (!desk_json_get_strv (scenario, "scenario", "tags", DESK_JSON_OPTIONAL, &ticket->tags, error))
    return FALSE;
  if (ticket->tags == NULL)
    ticket->tags = g_new0 (char *, 1);

  ticket->requester.id =
      1000 + g_str_hash (json_object_get_string_member (customer, "email")) % 100000;
  ticket->requester.name = g_strdup (json_object_get_string_member (customer, "name"));
  ticket->requester.email = g_strdup (json_object_get_string_member (customer, "email"));
  ticket->requester.locale = g_strdup (locale);

  stmt = _desk_server_prepare (self, "SELECT first_response_minutes, resolution_minutes"
                                     " FROM queues WHERE id = ?");
  sqlite3_bind_int64 (stmt, 1, ticket->queue_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      frt_minutes = sqlite3_column_int64 (stmt, 0);
      rt_minutes = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (ticket->kind == DESK_TICKET_KIND_CHAT)
    {
      frt_minutes = MIN (frt_minutes, 5);
      rt_minutes = MIN (rt_minutes, 60);
    }

  /* Spread over the last 30 days, more of them recent, with a daily peak. */
  age_days = (gint64) (DEMO_DAYS * g_rand_double (seeder->rand) * g_rand_double (seeder->rand) +
                       0.5 * g_rand_double (seeder->rand));
  t = (seeder->now / USEC_PER_DAY - age_days) * USEC_PER_DAY +
      random_hour (seeder->rand) * 60 * USEC_PER_MINUTE +
      g_rand_int_range (seeder->rand, 0, 60) * USEC_PER_MINUTE;
  if (t > seeder->now - 5 * USEC_PER_MINUTE)
    t = seeder->now - g_rand_int_range (seeder->rand, 5, 180) * USEC_PER_MINUTE;
  ticket->created_at = t;
  ticket->first_response_due = t + frt_minutes * USEC_PER_MINUTE;
  ticket->resolution_due = t + rt_minutes * USEC_PER_MINUTE;

  if (agents != NULL && agents->len > 0)
    {
      gint64 *agent = g_ptr_array_index (agents, g_rand_int_range (seeder->rand, 0, agents->len));

      agent_id = agent[0];
      stmt = _desk_server_prepare (self, "SELECT name FROM users WHERE id = ?");
      sqlite3_bind_int64 (stmt, 1, agent_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        agent_name = g_intern_string ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *line = json_array_get_object_element (messages, i);
      const char *author = json_object_get_string_member (line, "author");
      g_autoptr (DeskMessageRecord) message = g_new0 (DeskMessageRecord, 1);
      gboolean         from_customer = g_strcmp0 (author, "customer") == 0;
      g_autofree char *author_key = NULL;

      if (i > 0)
        {
          /* The first answer comes within the target three times out of four. */
          if (!from_customer && ticket->first_responded_at == 0)
            t += (gint64) (frt_minutes * USEC_PER_MINUTE *
                           (g_rand_double (seeder->rand) < 0.75
                                ? g_rand_double_range (seeder->rand, 0.1, 0.95)
                                : g_rand_double_range (seeder->rand, 1.05, 2.5)));
          else
            t += g_rand_int_range (seeder->rand, 2,
                                   ticket->kind == DESK_TICKET_KIND_CHAT ? 6 : 240) *
                 USEC_PER_MINUTE;
        }
      if (t >= seeder->now)
        break;

      message->ticket_id = ticket->id;
      message->id = ++seeder->message_id;
      message->created_at = t;
      message->body = g_strdup (json_object_get_string_member (line, "body"));
      if (from_customer)
        {
          message->author_type = DESK_AUTHOR_CUSTOMER;
          message->author_id = ticket->requester.id;
          message->author_name = g_strdup (ticket->requester.name);
          message->visibility = DESK_VISIBILITY_PUBLIC;
        }
      else
        {
          message->author_type = DESK_AUTHOR_AGENT;
          message->author_id = agent_id;
          message->author_name = g_strdup (agent_name ? agent_name : "Support");
          message->visibility =
              g_strcmp0 (author, "note") == 0 ? DESK_VISIBILITY_INTERNAL : DESK_VISIBILITY_PUBLIC;
          /* A logged call is itself the answer to a phone ticket. */
          if ((message->visibility == DESK_VISIBILITY_PUBLIC ||
               ticket->channel == DESK_CHANNEL_PHONE) &&
              ticket->first_responded_at == 0)
            ticket->first_responded_at = t;
        }

      author_key =
          g_strdup_printf ("%c%" G_GINT64_FORMAT, from_customer ? 'c' : 'u', message->author_id);
      if (!_desk_server_insert_message (self, message, author_key, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      ticket->message_count++;
      ticket->last_message_at = t;
      if (message->visibility == DESK_VISIBILITY_PUBLIC)
        last_author_customer = from_customer;
    }

  /* Days-old tickets were all answered at some point, even when the
   * scenario shows only the customer's side. */
  if (ticket->first_responded_at == 0 && seeder->now - ticket->created_at > 3 * USEC_PER_DAY)
    {
      ticket->first_responded_at =
          ticket->created_at +
          (gint64) (frt_minutes * USEC_PER_MINUTE * g_rand_double_range (seeder->rand, 0.2, 1.3));
      ticket->last_message_at = MAX (ticket->last_message_at, ticket->first_responded_at);
    }

  if (ticket->first_responded_at == 0)
    {
      ticket->status = DESK_TICKET_STATUS_NEW;
      /* Half of the new ones wait in the queue, unassigned. */
      ticket->assignee_id = g_rand_boolean (seeder->rand) ? agent_id : 0;
    }
  else
    {
      ticket->assignee_id = agent_id;
      if (seeder->now - ticket->last_message_at > 2 * USEC_PER_DAY ||
          (ticket->kind == DESK_TICKET_KIND_CHAT &&
           seeder->now - ticket->last_message_at > (gint64) 2 * 3600 * G_USEC_PER_SEC))
        {
          ticket->status = g_rand_double (seeder->rand) < 0.8 ? DESK_TICKET_STATUS_SOLVED
                                                              : DESK_TICKET_STATUS_CLOSED;
          ticket->solved_at =
              ticket->last_message_at + g_rand_int_range (seeder->rand, 1, 120) * USEC_PER_MINUTE;
          if (g_rand_double (seeder->rand) < 0.45)
            {
              static const int ratings[] = { 1, 2, 3, 4, 4, 5, 5, 5, 5, 5 };
              ticket->csat = ratings[g_rand_int_range (seeder->rand, 0, G_N_ELEMENTS (ratings))];
            }
        }
      else
        ticket->status =
            last_author_customer ? DESK_TICKET_STATUS_OPEN : DESK_TICKET_STATUS_PENDING;
    }
  ticket->updated_at = MAX (ticket->last_message_at, ticket->solved_at);
  if (ticket->updated_at == 0)
    ticket->updated_at = ticket->created_at;

  return _desk_server_save_ticket (self, ticket, error);
}

static gboolean
seed_tickets (DeskServer *self, const char *filename, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  Seeder        seeder = { self };
  JsonObject   *object;
  sqlite3_stmt *stmt;
  guint         n_scenarios;
  gboolean      ok = TRUE;

  if (!(root = load_json_file (filename, error)) ||
      !(object = desk_json_as_object (root, NULL, error)) ||
      !(seeder.customers = desk_json_get_array (object, NULL, "customers", 0, error)) ||
      !(seeder.scenarios = desk_json_get_array (object, NULL, "scenarios", 0, error)))
    return FALSE;

  n_scenarios = json_array_get_length (seeder.scenarios);
  if (n_scenarios == 0 || json_array_get_length (seeder.customers) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no customers or no scenarios",
                   filename);
      return FALSE;
    }

  for (guint q = 1; q <= 4; q++)
    seeder.agents_by_queue[q] = g_ptr_array_new_with_free_func (g_free);
  stmt = _desk_server_prepare (self, "SELECT u.id, j.value FROM users u, json_each(u.queue_ids) j"
                                     " WHERE u.role = 'agent'");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 queue_id = sqlite3_column_int64 (stmt, 1);

      if (queue_id >= 1 && queue_id <= 4)
        g_ptr_array_add (seeder.agents_by_queue[queue_id],
                         g_memdup2 ((gint64[]){ sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
    }
  sqlite3_reset (stmt);

  /* The same desk every time: a fixed seed, times relative to today. */
  seeder.rand = g_rand_new_with_seed (20261125);
  seeder.now = g_get_real_time ();

  _desk_server_begin (self);
  for (guint i = 0; ok && i < DEMO_TICKETS; i++)
    {
      JsonObject *scenario = json_array_get_object_element (
          seeder.scenarios, i < n_scenarios ? i : g_rand_int_range (seeder.rand, 0, n_scenarios));

      ok = seed_ticket (&seeder, i + 1, scenario, error);
    }
  if (ok)
    _desk_server_commit (self);
  else
    _desk_server_rollback (self);

  for (guint q = 1; q <= 4; q++)
    g_ptr_array_unref (seeder.agents_by_queue[q]);
  g_rand_free (seeder.rand);

  return ok;
}

static gboolean
table_is_empty (DeskServer *self, const char *sql)
{
  sqlite3_stmt *stmt = _desk_server_prepare (self, sql);
  gboolean      empty = sqlite3_step (stmt) != SQLITE_ROW;

  sqlite3_reset (stmt);
  return empty;
}

gboolean
desk_server_seed_demo (DeskServer *self, const char *demo_dir, GError **error)
{
  static const struct
  {
    const char *kind;
    const char *file;
  } imports[] = {
    { "queues", "queues.json" }, { "staff", "staff.json" },     { "kb", "kb.json" },
    { "canned", "canned.json" }, { "quizzes", "quizzes.json" },
  };

  g_return_val_if_fail (DESK_IS_SERVER (self), FALSE);

  /* Seeding twice would duplicate the demo: a seeded desk is left alone. */
  if (!table_is_empty (self, "SELECT 1 FROM tickets LIMIT 1"))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (imports); i++)
    {
      g_autofree char *filename = g_build_filename (demo_dir, imports[i].file, NULL);

      if (!desk_server_import_file (self, imports[i].kind, filename, error))
        return FALSE;
    }

  {
    g_autofree char *filename = g_build_filename (demo_dir, "tickets.json", NULL);
    return seed_tickets (self, filename, error);
  }
}

/* A desk of any size for the benchmarks: plausible tickets, short messages. */
gboolean
desk_server_seed_synthetic (DeskServer *self, guint n_tickets, guint n_messages, GError **error)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  gint64        now = g_get_real_time ();
  gint64        first_ticket = 1;
  gint64        first_message = 1;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DESK_IS_SERVER (self), FALSE);

  stmt = _desk_server_prepare (self, "SELECT COALESCE(MAX(id), 0) + 1 FROM tickets");
  sqlite3_step (stmt);
  first_ticket = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  stmt = _desk_server_prepare (self, "SELECT COALESCE(MAX(id), 0) + 1 FROM messages");
  sqlite3_step (stmt);
  first_message = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  _desk_server_begin (self);
  for (guint i = 0; i < n_tickets; i++)
    {
      g_autoptr (DeskTicketRecord) ticket = g_new0 (DeskTicketRecord, 1);
      guint  per_ticket = n_messages / MAX (1, n_tickets) + (i < n_messages % MAX (1, n_tickets));
      gint64 t = now - (gint64) (g_rand_double (rand) * DEMO_DAYS * USEC_PER_DAY);

      ticket->id = first_ticket + i;
      ticket->version = 1;
      ticket->kind = DESK_TICKET_KIND_TICKET;
      ticket->channel = g_rand_int_range (rand, 0, 4);
      ticket->subject = g_strdup_printf ("Withdrawal %u is still pending after the review", i);
      ticket->status = g_rand_int_range (rand, 0, 5);
      ticket->priority = g_rand_int_range (rand, 0, 4);
      ticket->queue_id = 1 + i % 4;
      ticket->requester.id = 100000 + i;
      ticket->requester.name = g_strdup_printf ("Customer %u", i);
      ticket->requester.email = g_strdup_printf ("customer%u@example.com", i);
      ticket->requester.locale = g_strdup (i % 3 ? "en" : "zh_CN");
      ticket->tags = g_strsplit ("withdrawal,btc", ",", -1);
      ticket->created_at = t;
      ticket->updated_at = t + (gint64) 3600 * G_USEC_PER_SEC;
      ticket->first_response_due = t + 60 * USEC_PER_MINUTE;
      ticket->resolution_due = t + USEC_PER_DAY;
      ticket->first_responded_at = t + g_rand_int_range (rand, 5, 120) * USEC_PER_MINUTE;
      if (ticket->status >= DESK_TICKET_STATUS_SOLVED)
        ticket->solved_at = t + (gint64) 4 * 3600 * G_USEC_PER_SEC;
      ticket->message_count = per_ticket;
      ticket->last_message_at = ticket->updated_at;

      for (guint m = 0; m < per_ticket; m++)
        {
          g_autoptr (DeskMessageRecord) message = g_new0 (DeskMessageRecord, 1);
          gboolean from_customer = m % 2 == 0;

          message->id = first_message++;
          message->ticket_id = ticket->id;
          message->author_type = from_customer ? DESK_AUTHOR_CUSTOMER : DESK_AUTHOR_AGENT;
          message->author_id = from_customer ? ticket->requester.id : 3;
          message->author_name = g_strdup (from_customer ? ticket->requester.name : "Agent");
          message->visibility = DESK_VISIBILITY_PUBLIC;
          message->body = g_strdup ("Hello, my withdrawal has been pending for two hours. "
                                    "The transaction id is 0x4f3a…, could you check it please?");
          message->created_at = t + m * 10 * USEC_PER_MINUTE;
          if (!_desk_server_insert_message (self, message, from_customer ? "c" : "u3", error))
            {
              _desk_server_rollback (self);
              return FALSE;
            }
        }

      if (!_desk_server_save_ticket (self, ticket, error))
        {
          _desk_server_rollback (self);
          return FALSE;
        }
    }

  return _desk_server_commit (self);
}
