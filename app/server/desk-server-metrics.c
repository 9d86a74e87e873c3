/* desk-server-metrics.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-metrics"

#include "config.h"

#include "desk-json.h"
#include "desk-server-private.h"

/* GET /api/v1/metrics: what a team lead watches. One pass over the tickets
 * that matter for the range, aggregated here. */

#define USEC_PER_MINUTE ((gint64) 60 * G_USEC_PER_SEC)
#define USEC_PER_HOUR (60 * USEC_PER_MINUTE)
#define MAX_BUCKETS 10000

typedef struct
{
  gint64  agent_id;
  char   *name;
  gint64  assigned_open;
  gint64  solved;
  GArray *first_responses; /* of double, minutes */
  gint64  csat_sum;
  gint64  csat_count;
} AgentStats;

static void
agent_stats_free (AgentStats *stats)
{
  g_free (stats->name);
  g_array_unref (stats->first_responses);
  g_free (stats);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
add_median (JsonBuilder *builder, const char *member, GArray *values)
{
  json_builder_set_member_name (builder, member);
  if (values->len == 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  g_array_sort (values, compare_doubles);
  if (values->len % 2)
    json_builder_add_double_value (builder, g_array_index (values, double, values->len / 2));
  else
    json_builder_add_double_value (builder, (g_array_index (values, double, values->len / 2 - 1) +
                                             g_array_index (values, double, values->len / 2)) /
                                                2);
}

static void
add_average (JsonBuilder *builder, const char *member, gint64 sum, gint64 count)
{
  json_builder_set_member_name (builder, member);
  if (count == 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, (double) sum / count);
}

static gboolean
in_range (gint64 t, gint64 from, gint64 to)
{
  return t != 0 && t >= from && t < to;
}

char *
_desk_server_metrics (DeskServer *self, gint64 from, gint64 to, gboolean hourly)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (GHashTable) agents = NULL;
  g_autoptr (GArray) first_responses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) resolutions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree gint64 *series_created = NULL;
  g_autofree gint64 *series_solved = NULL;
  g_autofree gint64 *series_breaches = NULL;
  gint64             by_channel[4] = { 0 };
  gint64             by_hour[24] = { 0 };
  gint64             created = 0, solved = 0, breaches = 0, csat_sum = 0, csat_count = 0;
  gint64             bucket_usec = hourly ? USEC_PER_HOUR : 24 * USEC_PER_HOUR;
  gint64             n_buckets = MIN (MAX_BUCKETS, (to - from + bucket_usec - 1) / bucket_usec);
  gint64             now = g_get_real_time ();
  sqlite3_stmt      *stmt;
  GHashTableIter     iter;
  gpointer           value;

  series_created = g_new0 (gint64, n_buckets);
  series_solved = g_new0 (gint64, n_buckets);
  series_breaches = g_new0 (gint64, n_buckets);
  agents =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) agent_stats_free);

  stmt = _desk_server_prepare (self, "SELECT id, name FROM users WHERE role IN ('agent', 'lead')"
                                     " ORDER BY id");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AgentStats *stats = g_new0 (AgentStats, 1);

      stats->agent_id = sqlite3_column_int64 (stmt, 0);
      stats->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stats->first_responses = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (agents, &stats->agent_id, stats);
    }
  sqlite3_reset (stmt);

  /* A plain scan: through the created_at index, a range that reaches today
   * would fetch nearly every row one random read at a time. */
  stmt = _desk_server_prepare (
      self, "SELECT created_at, first_responded_at, first_response_due, solved_at, csat,"
            " channel, assignee_id, status FROM tickets NOT INDEXED WHERE NOT deleted AND "
            "created_at < ?2 AND"
            " (created_at >= ?1 OR solved_at >= ?1 OR status IN ('new', 'open', 'pending'))");
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64      created_at = sqlite3_column_int64 (stmt, 0);
      gint64      responded_at = sqlite3_column_int64 (stmt, 1);
      gint64      response_due = sqlite3_column_int64 (stmt, 2);
      gint64      solved_at = sqlite3_column_int64 (stmt, 3);
      gint64      csat = sqlite3_column_int64 (stmt, 4);
      const char *channel = (const char *) sqlite3_column_text (stmt, 5);
      gint64      assignee_id = sqlite3_column_int64 (stmt, 6);
      const char *status = (const char *) sqlite3_column_text (stmt, 7);
      AgentStats *stats = g_hash_table_lookup (agents, &assignee_id);
      gboolean    open = g_str_equal (status, "new") || g_str_equal (status, "open") ||
                      g_str_equal (status, "pending");
      int channel_value;

      if (stats != NULL && open)
        stats->assigned_open++;

      if (in_range (created_at, from, to))
        {
          gint64   bucket = (created_at - from) / bucket_usec;
          gboolean breached =
              response_due != 0 && (responded_at ? responded_at : now) > response_due;

          created++;
          breaches += breached;
          if (bucket < n_buckets)
            {
              series_created[bucket]++;
              series_breaches[bucket] += breached;
            }
          if (desk_enum_from_nick (DESK_TYPE_CHANNEL, channel, &channel_value))
            by_channel[channel_value]++;
          by_hour[(created_at / USEC_PER_HOUR) % 24]++;

          if (responded_at != 0)
            {
              double minutes = (double) (responded_at - created_at) / USEC_PER_MINUTE;

              g_array_append_val (first_responses, minutes);
              if (stats != NULL)
                g_array_append_val (stats->first_responses, minutes);
            }
        }

      if (in_range (solved_at, from, to))
        {
          gint64 bucket = (solved_at - from) / bucket_usec;
          double minutes = (double) (solved_at - created_at) / USEC_PER_MINUTE;

          solved++;
          if (bucket < n_buckets)
            series_solved[bucket]++;
          g_array_append_val (resolutions, minutes);
          if (stats != NULL)
            stats->solved++;
          if (csat > 0)
            {
              csat_sum += csat;
              csat_count++;
              if (stats != NULL)
                {
                  stats->csat_sum += csat;
                  stats->csat_count++;
                }
            }
        }
    }
  sqlite3_reset (stmt);

  json_builder_begin_object (builder);
  desk_json_add_time (builder, "from", from);
  desk_json_add_time (builder, "to", to);
  desk_json_add_string (builder, "bucket", hourly ? "hour" : "day");

  json_builder_set_member_name (builder, "totals");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tickets_created");
  json_builder_add_int_value (builder, created);
  json_builder_set_member_name (builder, "tickets_solved");
  json_builder_add_int_value (builder, solved);
  add_median (builder, "first_response_median_minutes", first_responses);
  add_median (builder, "resolution_median_minutes", resolutions);
  json_builder_set_member_name (builder, "sla_breaches");
  json_builder_add_int_value (builder, breaches);
  add_average (builder, "csat_average", csat_sum, csat_count);
  json_builder_set_member_name (builder, "csat_count");
  json_builder_add_int_value (builder, csat_count);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "series");
  json_builder_begin_array (builder);
  for (gint64 i = 0; i < n_buckets; i++)
    {
      json_builder_begin_object (builder);
      desk_json_add_time (builder, "start", from + i * bucket_usec);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, series_created[i]);
      json_builder_set_member_name (builder, "solved");
      json_builder_add_int_value (builder, series_solved[i]);
      json_builder_set_member_name (builder, "sla_breaches");
      json_builder_add_int_value (builder, series_breaches[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "by_channel");
  json_builder_begin_array (builder);
  for (int i = 0; i < (int) G_N_ELEMENTS (by_channel); i++)
    {
      json_builder_begin_object (builder);
      desk_json_add_enum (builder, "channel", DESK_TYPE_CHANNEL, i);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, by_channel[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "by_hour_of_day");
  json_builder_begin_array (builder);
  for (int i = 0; i < 24; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "hour");
      json_builder_add_int_value (builder, i);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, by_hour[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "agents");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, agents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AgentStats *stats = value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "agent_id");
      json_builder_add_int_value (builder, stats->agent_id);
      desk_json_add_string (builder, "name", stats->name);
      json_builder_set_member_name (builder, "assigned_open");
      json_builder_add_int_value (builder, stats->assigned_open);
      json_builder_set_member_name (builder, "solved");
      json_builder_add_int_value (builder, stats->solved);
      add_median (builder, "first_response_median_minutes", stats->first_responses);
      add_average (builder, "csat_average", stats->csat_sum, stats->csat_count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "trainees");
  json_builder_begin_array (builder);
  stmt = _desk_server_prepare (self, "SELECT u.id, u.name, COUNT(a.id), COALESCE(SUM(a.passed), 0),"
                                     " MAX(a.score) FROM users u LEFT JOIN attempts a"
                                     " ON a.user_id = u.id WHERE u.role = 'trainee'"
                                     " GROUP BY u.id ORDER BY u.id");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "agent_id");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
      desk_json_add_string (builder, "name", (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "attempts");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
      json_builder_set_member_name (builder, "passed");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
      json_builder_set_member_name (builder, "best_score");
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, sqlite3_column_double (stmt, 4));
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return desk_json_builder_to_string (builder, NULL);
}
