/* bench-search.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-search"

#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "desk-article-search.h"
#include "desk-bench.h"
#include "desk-canned-panel.h"
#include "desk-knowledge-panel.h"
#include "desk-store.h"
#include "desk-ui-types.h"

/* The side panel as an agent types into it, with 10,000 articles and 2,000
 * canned replies in the cache: a window of 1400×900 holds the knowledge
 * base panel and the canned replies panel side by side, on a real
 * DeskStore and DeskArticleSearch over a cache made for the run.
 *
 * Keystrokes. Queries of one to three words (drawn as the articles' words
 * are, so common words come often; the last one often cut short, as one
 * stops typing once the article shows) are typed a character at a time
 * into the panels' search entries; a query starts by clearing the entry,
 * itself a keystroke, after which the panels show their suggestions for
 * the open ticket. A keystroke's latency runs from the change of the text
 * to the end of the first frame painted (the frame clock's "after-paint")
 * once the list shows what the text asks for: after the panel's
 * "results-shown", which comes when a search ends, or at once when the
 * keystroke needs none (a lone letter, which shows the suggestions; a
 * space or a one-letter word that leave the query as it was, and so the
 * results). The typist waits 60 to 100 ms
 * between keystrokes, or until the results are drawn when that is later.
 * So a keystroke is superseded only when its results take longer than
 * DRAW_TIMEOUT_MS, and then it counts until newer results are drawn rather
 * than being left out: that long, the agent looked at stale results.
 *
 * Stalls. A heartbeat, a 1 ms timeout at high priority, notes the time
 * between two of its dispatches: less the 1 ms it waits, that is how long
 * the main loop could dispatch nothing. Handlers, building rows, layout and
 * painting all count, from the end of the warm-up to the last keystroke.
 * Each gap is also measured in the main thread's CPU time, which tells on
 * a busy machine whether the thread worked or waited for a core.
 *
 * The machine's hiccups are not counted in a stall: on the 2-core VM these
 * figures come from, the host at times runs neither core for 10 to 25 ms,
 * and a program that only sleeps 1 ms at a time wakes that late. Two
 * witnesses tell such a hiccup: the main loop's poll(), timed, slept past
 * its timeout; or a thread of the bench that does nothing but sleep 1 ms
 * at a time, at realtime priority (SCHED_FIFO: without it, only the first
 * witness counts), woke late over the same span. A gap less the larger of the two
 * is the stall. The gaps with the hiccups left in are reported too
 * (search_max_gap_ms), with the longest hiccup seen (machine_hiccup_max_ms).
 *
 * Of the longest stall, the time spent waiting for the X server's replies
 * is reported beside it (search_max_stall_x_wait_ms), and the longest
 * stall without such waits (search_max_stall_own_ms): GDK's X11 backend
 * asks Xvfb, which has no window manager, several questions a frame and
 * waits for the answers, which come late when Xvfb is busy.
 *
 * Suggestions. For 50 tickets, each with a subject and a customer message,
 * from desk_knowledge_panel_set_ticket() to the first frame painted after
 * "results-shown", the search entry empty; then the same for the canned
 * replies panel.
 *
 * The first WARMUP_QUERIES queries of each panel are typed but not
 * counted: they fill SQLite's page cache and Pango's font caches, as the
 * first minutes of a working day do.
 *
 * Figures: search_keystroke_p99_ms (knowledge base), search_max_stall_ms
 * (both panels' typing) and suggest_ms (the median, knowledge base), with
 * medians, the canned replies panel's figures and the count of stalls
 * over 8 ms beside them.
 *
 * Runs under Xvfb as `make bench` does, drawing with GSK's cairo renderer
 * unless GSK_RENDERER says otherwise. DESK_BENCH_QUERIES=N types N queries
 * into the knowledge base and N / 2 into the canned replies, for quick
 * runs; G_MESSAGES_DEBUG=bench-search lists slow keystrokes and stalls. */

#define N_ARTICLES 10000
#define N_CANNED 2000
#define N_TICKETS 51 /* the first for the typing, 50 for suggestions */
#define KB_QUERIES 200
#define WARMUP_QUERIES 5

#define PACE_MIN_MS 60
#define PACE_MAX_MS 100
#define DRAW_TIMEOUT_MS 2000
#define HEARTBEAT_MS 1
#define FRAME_BUDGET_MS 8.0
#define KEYSTROKE_BUDGET_MS 33.0

#define WINDOW_WIDTH 1400
#define WINDOW_HEIGHT 900

typedef struct
{
  double max_ms;        /* the longest time the main loop dispatched nothing */
  double max_cpu_ms;    /* the most CPU time the main thread took in one gap */
  double max_gap_ms;    /* max_ms with the machine's hiccups left in */
  double max_x_wait_ms; /* of the longest stall, the time waiting for the X server */
  double max_own_ms;    /* the longest stall less its waits for the X server */
  guint  n_over_budget;
  guint  n_over_half; /* over half the budget, for the log */
  char  *max_during;
} Stalls;

/* The main loop's poll(), timed: how long it slept past its timeout. */
static GPollFunc poll_func;
static gint64    poll_late_us;     /* since the last heartbeat */
static gint64    poll_late_max_us; /* the longest single late wake-up */

static gint
timed_poll (GPollFD *fds, guint n_fds, gint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint   ret = poll_func (fds, n_fds, timeout_ms);

  if (timeout_ms >= 0)
    {
      gint64 late_us = g_get_monotonic_time () - start - timeout_ms * (gint64) 1000;

      if (late_us > 0)
        {
          poll_late_us += late_us;
          poll_late_max_us = MAX (poll_late_max_us, late_us);
        }
    }
  return ret;
}

/* The machine's hiccups: a thread that does nothing but sleep 1 ms at a
 * time notes when it woke late, in a ring of [start, end] times. A main
 * loop gap that a hiccup covers is the machine's (the host did not run
 * this VM), not the panel's. */
#define HICCUP_RING 256
#define HICCUP_MIN_US 1000

static GMutex   hiccup_lock;
static gint64   hiccup_start[HICCUP_RING];
static gint64   hiccup_end[HICCUP_RING];
static guint    hiccup_next;
static gint64   hiccup_max_us;
static gboolean hiccup_stop;

static gboolean hiccup_realtime;

static gpointer
hiccup_thread (gpointer data)
{
  struct sched_param param = { .sched_priority = 1 };

  /* First in line for a core, or its lateness could be this process's
   * own threads and Xvfb keeping both cores busy, not the machine. */
  if (pthread_setschedparam (pthread_self (), SCHED_FIFO, &param) == 0)
    g_atomic_int_set (&hiccup_realtime, TRUE);
  else
    g_debug ("No realtime priority for the hiccup witness: only the main loop's poll() tells");

  while (!g_atomic_int_get (&hiccup_stop))
    {
      gint64 start = g_get_monotonic_time ();
      gint64 end;

      g_usleep (1000);
      end = g_get_monotonic_time ();
      if (end - start - 1000 > HICCUP_MIN_US)
        {
          g_mutex_lock (&hiccup_lock);
          hiccup_start[hiccup_next % HICCUP_RING] = start + 1000;
          hiccup_end[hiccup_next % HICCUP_RING] = end;
          hiccup_next++;
          hiccup_max_us = MAX (hiccup_max_us, end - start - 1000);
          g_mutex_unlock (&hiccup_lock);
        }
    }
  return NULL;
}

/* How much of [from, to] the machine hiccuped. */
static gint64
hiccups_within (gint64 from, gint64 to)
{
  gint64 covered = 0;

  if (!g_atomic_int_get (&hiccup_realtime))
    return 0;

  g_mutex_lock (&hiccup_lock);
  for (guint i = 0; i < MIN (hiccup_next, HICCUP_RING); i++)
    {
      gint64 start = MAX (hiccup_start[i], from);
      gint64 end = MIN (hiccup_end[i], to);

      if (end > start)
        covered += end - start;
    }
  g_mutex_unlock (&hiccup_lock);
  return covered;
}

/* Xlib's wait for a reply from the X server, timed: the main thread
 * blocked on Xvfb, not working. The executable's own _XReply stands in
 * for Xlib's (it is exported for that), and calls it. */
static gint64 x_wait_us;     /* since the last heartbeat */
static gint64 x_wait_max_us; /* the longest single wait */

int _XReply (void *display, void *reply, int extra, int discard);

int
_XReply (void *display, void *reply, int extra, int discard)
{
  static int (*xlib_reply) (void *, void *, int, int);
  gint64 start = g_get_monotonic_time ();
  gint64 waited;
  int    status;

  if (xlib_reply == NULL)
    xlib_reply = (int (*) (void *, void *, int, int)) dlsym (RTLD_NEXT, "_XReply");
  status = xlib_reply (display, reply, extra, discard);
  waited = g_get_monotonic_time () - start;
  x_wait_us += waited;
  x_wait_max_us = MAX (x_wait_max_us, waited);
  return status;
}

typedef struct
{
  GtkWindow          *window;
  DeskKnowledgePanel *kb;
  DeskCannedPanel    *canned;
  GtkEditable        *kb_entry;
  GtkEditable        *canned_entry;
  GRand              *rand;

  /* The keystrokes whose results are not drawn yet, by time typed. */
  GArray  *pending;
  GArray  *latencies; /* ms, of the series being measured */
  gboolean results_in;
  gboolean drawn;
  gint64   next_key_at;
  guint    n_superseded;

  /* The heartbeat */
  guint   heartbeat;
  Stalls *stalls; /* NULL between measured phases */
  char   *doing;  /* the latest keystroke, for the log */
  gint64  last_beat;
  gint64  last_beat_cpu;
} Bench;

static void
bench_clear (Bench *bench)
{
  g_clear_handle_id (&bench->heartbeat, g_source_remove);
  g_clear_pointer (&bench->window, gtk_window_destroy);
  g_clear_pointer (&bench->rand, g_rand_free);
  g_clear_pointer (&bench->pending, g_array_unref);
  g_clear_pointer (&bench->doing, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bench, bench_clear)

static void
stalls_clear (Stalls *stalls)
{
  g_clear_pointer (&stalls->max_during, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Stalls, stalls_clear)

typedef enum
{
  TARGET_KNOWLEDGE_BASE,
  TARGET_CANNED,
} Target;

static gint64
thread_cpu_time_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Waits on the main context until @deadline (monotonic time). */
static void
wait_until (gint64 deadline)
{
  gint64 now;

  while ((now = g_get_monotonic_time ()) < deadline)
    {
      gboolean never = FALSE;

      desk_bench_wait_for (&never, (deadline - now + 999) / 1000);
    }
}

/* Measuring */

static gboolean
heartbeat_cb (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time_us ();

  if (bench->stalls != NULL && bench->last_beat != 0)
    {
      Stalls *stalls = bench->stalls;
      double  gap_ms = (now - bench->last_beat) / 1000.0 - HEARTBEAT_MS;
      double  machine_ms = MAX (poll_late_us, hiccups_within (bench->last_beat, now)) / 1000.0;
      double  stall_ms = MAX (gap_ms - machine_ms, 0);
      double  x_wait_ms = x_wait_us / 1000.0;
      double  cpu_ms = (cpu - bench->last_beat_cpu) / 1000.0;

      if (stall_ms > FRAME_BUDGET_MS)
        {
          stalls->n_over_budget++;
          g_debug ("Stall of %.1f ms (%.1f ms on the CPU, %.1f waiting for the X server) after "
                   "%s, ending at %.3f s",
                   stall_ms, cpu_ms, x_wait_ms, bench->doing, now / 1e6);
        }
      else if (gap_ms > FRAME_BUDGET_MS)
        g_debug ("Gap of %.1f ms, %.1f of them the machine's (%.1f ms on the CPU) after %s", gap_ms,
                 machine_ms, cpu_ms, bench->doing);
      if (stall_ms > FRAME_BUDGET_MS / 2)
        stalls->n_over_half++;
      stalls->max_gap_ms = MAX (stalls->max_gap_ms, gap_ms);
      stalls->max_own_ms = MAX (stalls->max_own_ms, stall_ms - MIN (x_wait_ms, stall_ms));
      if (stall_ms > stalls->max_ms)
        {
          stalls->max_ms = stall_ms;
          stalls->max_x_wait_ms = x_wait_ms;
          g_free (stalls->max_during);
          stalls->max_during = g_strdup (bench->doing);
        }
      stalls->max_cpu_ms = MAX (stalls->max_cpu_ms, cpu_ms);
    }

  bench->last_beat = now;
  bench->last_beat_cpu = cpu;
  poll_late_us = 0;
  x_wait_us = 0;
  return G_SOURCE_CONTINUE;
}

/* Measures from now on; the time in the log is for profiles taken with
 * perf record --clockid monotonic. */
static void
measure_stalls (Bench *bench, Stalls *stalls, const char *phase)
{
  g_debug ("%s from %.3f s", phase, g_get_monotonic_time () / 1e6);
  bench->stalls = stalls;
  bench->last_beat = 0;
}

/* The list shows what the text asks for. When that needed no change on
 * screen (the same results again), no frame would come to end the
 * keystroke: one is asked for, which paints nothing that is not invalid. */
static void
results_shown_cb (GtkWidget *panel, guint n_hits, Bench *bench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (panel);

  bench->results_in = TRUE;
  if (clock != NULL)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* The first frame painted once the results are in the list ends every
 * keystroke still waiting for its results. */
static void
after_paint_cb (GdkFrameClock *clock, Bench *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (!bench->results_in)
    return;

  bench->results_in = FALSE;
  for (guint i = 0; i < bench->pending->len; i++)
    {
      double ms = (now - g_array_index (bench->pending, gint64, i)) / 1000.0;

      if (ms > KEYSTROKE_BUDGET_MS)
        g_debug ("Slow: %.1f ms for %s", ms, bench->doing);
      if (bench->latencies != NULL)
        g_array_append_val (bench->latencies, ms);
    }
  g_array_set_size (bench->pending, 0);
  bench->drawn = TRUE;
}

/* One keystroke at the typist's pace into the entry of @target: @character
 * typed at the end of the text, or with NULL, the text selected and
 * deleted. As GTK does for a key, not gtk_editable_set_text(), which
 * empties the entry and fills it again: two "changed" signals, the first
 * of which starts a search for suggestions. */
static void
type (Bench *bench, Target target, const char *character)
{
  GtkEditable *entry = target == TARGET_CANNED ? bench->canned_entry : bench->kb_entry;
  gint64       typed_at;

  /* Backspace in an empty entry changes nothing. */
  if (character == NULL && *gtk_editable_get_text (entry) == '\0')
    return;

  wait_until (bench->next_key_at);

  g_free (bench->doing);
  bench->doing =
      g_strdup_printf ("%s “%s%s”", target == TARGET_CANNED ? "canned" : "knowledge base",
                       character ? gtk_editable_get_text (entry) : "", character ? character : "");
  bench->drawn = FALSE;
  typed_at = g_get_monotonic_time ();
  g_array_append_val (bench->pending, typed_at);

  if (character != NULL)
    {
      int position = g_utf8_strlen (gtk_editable_get_text (entry), -1);

      gtk_editable_insert_text (entry, character, strlen (character), &position);
    }
  else
    gtk_editable_delete_text (entry, 0, -1);

  if (!desk_bench_wait_for (&bench->drawn, DRAW_TIMEOUT_MS))
    {
      g_warning ("No results drawn %u ms after %s", DRAW_TIMEOUT_MS, bench->doing);
      bench->n_superseded++;
    }

  bench->next_key_at =
      typed_at + g_rand_int_range (bench->rand, PACE_MIN_MS, PACE_MAX_MS + 1) * (gint64) 1000;
}

/* Keystrokes still waiting at the end of a series count as long as they
 * waited: at least DRAW_TIMEOUT_MS. */
static void
end_series (Bench *bench)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < bench->pending->len && bench->latencies != NULL; i++)
    {
      double ms = (now - g_array_index (bench->pending, gint64, i)) / 1000.0;

      g_array_append_val (bench->latencies, ms);
    }
  g_array_set_size (bench->pending, 0);
  bench->latencies = NULL;
  bench->stalls = NULL;
}

/* The cache */

/* One to three words of the desk's vocabulary, as agents search: the last
 * one often cut short. */
static char *
make_typed_query (GRand *rand, GPtrArray *vocabulary)
{
  GString *query = g_string_new (NULL);
  guint    n_words = g_rand_int_range (rand, 1, 4);

  for (guint w = 0; w < n_words; w++)
    {
      const char *word = desk_bench_pick_word (rand, vocabulary);
      gsize       length = strlen (word);

      if (w + 1 == n_words && length > 2 && g_rand_boolean (rand))
        length = g_rand_int_range (rand, 2, length);
      if (w > 0)
        g_string_append_c (query, ' ');
      g_string_append_len (query, word, length);
    }

  return g_string_free (query, FALSE);
}

/* Tickets with ids from 1, each with a customer's message and, for one in
 * three, an agent's reply after it. */
static gboolean
fill_tickets (DeskStore *store, GRand *rand, GPtrArray *vocabulary, GError **error)
{
  g_autoptr (GPtrArray) tickets =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_ticket_record_free);
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_record_free);
  gint64 now = g_get_real_time ();

  for (gint64 id = 1; id <= N_TICKETS; id++)
    {
      DeskTicketRecord  *ticket = g_new0 (DeskTicketRecord, 1);
      DeskMessageRecord *message = g_new0 (DeskMessageRecord, 1);
      gint64             created_at = now - (N_TICKETS - id + 1) * G_USEC_PER_SEC * 60;

      ticket->id = id;
      ticket->version = 1;
      ticket->kind = DESK_TICKET_KIND_TICKET;
      ticket->channel = DESK_CHANNEL_EMAIL;
      ticket->subject = desk_bench_make_words (rand, vocabulary, g_rand_int_range (rand, 4, 10));
      ticket->status = DESK_TICKET_STATUS_OPEN;
      ticket->priority = DESK_PRIORITY_NORMAL;
      ticket->queue_id = 1;
      ticket->requester.id = 1000 + id;
      ticket->requester.name = g_strdup_printf ("Customer %" G_GINT64_FORMAT, id);
      ticket->requester.email = g_strdup_printf ("customer%" G_GINT64_FORMAT "@mail.test", id);
      ticket->requester.locale = g_strdup ("en");
      ticket->tags = g_new0 (char *, 1);
      ticket->created_at = created_at;
      ticket->updated_at = created_at;
      ticket->last_message_at = created_at;
      ticket->message_count = 1;

      message->id = id * 2;
      message->ticket_id = id;
      message->author_type = DESK_AUTHOR_CUSTOMER;
      message->author_name = g_strdup (ticket->requester.name);
      message->visibility = DESK_VISIBILITY_PUBLIC;
      message->body =
          desk_bench_make_sentences (rand, vocabulary, g_rand_int_range (rand, 100, 400));
      message->created_at = created_at;
      g_ptr_array_add (messages, message);

      if (id % 3 == 0)
        {
          DeskMessageRecord *reply = g_new0 (DeskMessageRecord, 1);

          reply->id = id * 2 + 1;
          reply->ticket_id = id;
          reply->author_type = DESK_AUTHOR_AGENT;
          reply->author_id = 1;
          reply->author_name = g_strdup ("Bench Agent");
          reply->visibility = DESK_VISIBILITY_PUBLIC;
          reply->body = desk_bench_make_sentences (rand, vocabulary, 200);
          reply->created_at = created_at + G_USEC_PER_SEC * 30;
          g_ptr_array_add (messages, reply);
          ticket->message_count++;
          ticket->last_message_at = reply->created_at;
        }
      g_ptr_array_add (tickets, ticket);
    }

  if (!desk_store_apply_page (store, DESK_STORE_COLLECTION_TICKETS, tickets, "bench", error) ||
      !desk_store_apply_page (store, DESK_STORE_COLLECTION_MESSAGES, messages, "bench", error))
    return FALSE;
  desk_store_optimize (store);

  return TRUE;
}

static gboolean
fill_cache (const char *cache_path, GRand *rand, GPtrArray *vocabulary, GError **error)
{
  g_autoptr (DeskStore) store = desk_store_new (cache_path, error);
  gint64 start = g_get_monotonic_time ();

  if (store == NULL ||
      !desk_bench_fill_knowledge_base (store, rand, vocabulary, N_ARTICLES, error) ||
      !desk_bench_fill_canned_replies (store, rand, vocabulary, N_CANNED, error) ||
      !fill_tickets (store, rand, vocabulary, error))
    return FALSE;

  g_debug ("Wrote the cache in %.1f s", (g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}

/* The phases */

static gboolean
wait_for_first_frame (Bench *bench, GError **error)
{
  GdkFrameClock *clock;
  gint64         deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (GTK_WIDGET (bench->window)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!gtk_widget_get_mapped (GTK_WIDGET (bench->window)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The window was not mapped in 10 s");
      return FALSE;
    }

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), bench);

  bench->drawn = FALSE;
  bench->results_in = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (bench->window));
  if (!desk_bench_wait_for (&bench->drawn, 10 * 1000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The window was not drawn in 10 s");
      return FALSE;
    }

  return TRUE;
}

static void
type_queries (Bench *bench, Target target, GPtrArray *vocabulary, guint n_queries)
{
  for (guint q = 0; q < n_queries; q++)
    {
      g_autofree char *query = make_typed_query (bench->rand, vocabulary);

      type (bench, target, NULL);
      for (const char *p = query; *p != '\0'; p = g_utf8_next_char (p))
        {
          g_autofree char *character = g_strndup (p, g_utf8_next_char (p) - p);

          type (bench, target, character);
        }
    }
}

/* Types @n_queries into @target after WARMUP_QUERIES that do not count;
 * returns the keystrokes' latencies, sorted. */
static GArray *
bench_typing (Bench *bench, Target target, GPtrArray *vocabulary, guint n_queries, Stalls *stalls)
{
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));

  type_queries (bench, target, vocabulary, WARMUP_QUERIES);
  end_series (bench);

  bench->latencies = latencies;
  measure_stalls (bench, stalls,
                  target == TARGET_CANNED ? "Typing canned queries"
                                          : "Typing knowledge base queries");
  type_queries (bench, target, vocabulary, n_queries);
  end_series (bench);

  g_array_sort (latencies, desk_bench_compare_doubles);
  return latencies;
}

/* Opens each ticket after the first in @target; returns the latencies of
 * their suggestions, sorted. */
static GArray *
bench_suggestions (Bench *bench, DeskStore *store, Target target, Stalls *stalls)
{
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (double));

  bench->latencies = latencies;
  measure_stalls (bench, stalls,
                  target == TARGET_CANNED ? "Canned suggestions" : "Knowledge base suggestions");

  for (gint64 id = 2; id <= N_TICKETS; id++)
    {
      g_autoptr (DeskTicketRecord) ticket = desk_store_load_ticket (store, id);
      gint64 opened_at;

      g_assert (ticket != NULL);
      wait_until (bench->next_key_at);

      g_free (bench->doing);
      bench->doing = g_strdup_printf ("opening ticket %" G_GINT64_FORMAT, id);
      bench->drawn = FALSE;
      opened_at = g_get_monotonic_time ();
      g_array_append_val (bench->pending, opened_at);

      if (target == TARGET_KNOWLEDGE_BASE)
        desk_knowledge_panel_set_ticket (bench->kb, ticket);
      else
        desk_canned_panel_set_ticket (bench->canned, ticket);

      if (!desk_bench_wait_for (&bench->drawn, DRAW_TIMEOUT_MS))
        {
          g_warning ("No suggestions drawn %u ms after opening ticket %" G_GINT64_FORMAT,
                     DRAW_TIMEOUT_MS, id);
          bench->n_superseded++;
        }
      bench->next_key_at = opened_at + g_rand_int_range (bench->rand, 200, 400) * (gint64) 1000;
    }

  end_series (bench);
  g_debug ("Done at %.3f s", g_get_monotonic_time () / 1e6);
  g_array_sort (latencies, desk_bench_compare_doubles);
  return latencies;
}

static gboolean
run (const char *cache_path, GError **error)
{
  g_autoptr (GPtrArray) vocabulary = NULL;
  g_autoptr (DeskStore) store = NULL;
  g_autoptr (DeskArticleSearch) search = NULL;
  g_autoptr (DeskTicketRecord) ticket = NULL;
  g_autoptr (GArray) kb_keys = NULL;
  g_autoptr (GArray) canned_keys = NULL;
  g_autoptr (GArray) kb_suggest = NULL;
  g_autoptr (GArray) canned_suggest = NULL;
  g_auto (Stalls) kb_stalls = { 0 };
  g_auto (Stalls) canned_stalls = { 0 };
  g_auto (Stalls) kb_suggest_stalls = { 0 };
  g_auto (Stalls) canned_suggest_stalls = { 0 };
  g_auto (Bench) bench = { 0 };
  const char *queries_env = g_getenv ("DESK_BENCH_QUERIES");
  guint       n_queries = queries_env ? (guint) g_ascii_strtoull (queries_env, NULL, 10) : 0;
  GtkWidget  *box;
  double      machine_hiccup_max_ms;
  GThread    *hiccups;

  if (n_queries == 0)
    n_queries = KB_QUERIES;

  bench.rand = g_rand_new_with_seed (11);
  vocabulary = desk_bench_make_vocabulary (bench.rand);
  if (!fill_cache (cache_path, bench.rand, vocabulary, error))
    return FALSE;

  /* The panels read the cache as the application does: the main thread's
   * store, and the search's read-only connections in its threads. */
  store = desk_store_new (cache_path, error);
  if (store == NULL)
    return FALSE;
  search = desk_article_search_new (cache_path, error);
  if (search == NULL)
    return FALSE;

  bench.pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.doing = g_strdup ("(setting up)");
  bench.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (bench.window, WINDOW_WIDTH, WINDOW_HEIGHT);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_set_homogeneous (GTK_BOX (box), TRUE);
  bench.kb = g_object_new (DESK_TYPE_KNOWLEDGE_PANEL, NULL);
  bench.canned = g_object_new (DESK_TYPE_CANNED_PANEL, NULL);
  bench.kb_entry = GTK_EDITABLE (gtk_widget_get_template_child (
      GTK_WIDGET (bench.kb), DESK_TYPE_KNOWLEDGE_PANEL, "search_entry"));
  bench.canned_entry = GTK_EDITABLE (gtk_widget_get_template_child (
      GTK_WIDGET (bench.canned), DESK_TYPE_CANNED_PANEL, "search_entry"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (bench.kb));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (bench.canned));
  gtk_window_set_child (bench.window, box);
  g_signal_connect (bench.kb, "results-shown", G_CALLBACK (results_shown_cb), &bench);
  g_signal_connect (bench.canned, "results-shown", G_CALLBACK (results_shown_cb), &bench);
  gtk_window_present (bench.window);
  if (!wait_for_first_frame (&bench, error))
    return FALSE;

  /* An agent in a conversation: the panels suggest for it while their
   * search is empty. */
  desk_knowledge_panel_set_services (bench.kb, store, search);
  desk_canned_panel_set_services (bench.canned, store, NULL);
  ticket = desk_store_load_ticket (store, 1);
  bench.drawn = FALSE;
  desk_knowledge_panel_set_ticket (bench.kb, ticket);
  desk_canned_panel_set_ticket (bench.canned, ticket);
  if (!desk_bench_wait_for (&bench.drawn, 10 * 1000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "No suggestions for the first ticket in 10 s");
      return FALSE;
    }

  hiccups = g_thread_new ("hiccups", hiccup_thread, NULL);
  poll_func = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);
  bench.heartbeat = g_timeout_add_full (G_PRIORITY_HIGH, HEARTBEAT_MS, heartbeat_cb, &bench, NULL);

  poll_late_max_us = 0;
  hiccup_max_us = 0;
  kb_keys = bench_typing (&bench, TARGET_KNOWLEDGE_BASE, vocabulary, n_queries, &kb_stalls);
  canned_keys =
      bench_typing (&bench, TARGET_CANNED, vocabulary, MAX (n_queries / 2, 1), &canned_stalls);
  g_mutex_lock (&hiccup_lock);
  machine_hiccup_max_ms = MAX (poll_late_max_us, hiccup_max_us) / 1000.0;
  g_mutex_unlock (&hiccup_lock);

  /* Suggestions show while the search is empty. */
  type (&bench, TARGET_KNOWLEDGE_BASE, NULL);
  type (&bench, TARGET_CANNED, NULL);
  end_series (&bench);
  kb_suggest = bench_suggestions (&bench, store, TARGET_KNOWLEDGE_BASE, &kb_suggest_stalls);
  canned_suggest = bench_suggestions (&bench, store, TARGET_CANNED, &canned_suggest_stalls);
  g_atomic_int_set (&hiccup_stop, TRUE);
  g_thread_join (hiccups);

  g_debug ("%u knowledge base keystrokes, %u canned; %u superseded", kb_keys->len, canned_keys->len,
           bench.n_superseded);
  g_debug ("Longest stall typing in the knowledge base: %.1f ms after %s; %u over %.0f ms",
           kb_stalls.max_ms, kb_stalls.max_during, kb_stalls.n_over_half, FRAME_BUDGET_MS / 2);
  g_debug ("Longest stall typing in the canned replies: %.1f ms after %s; %u over %.0f ms",
           canned_stalls.max_ms, canned_stalls.max_during, canned_stalls.n_over_half,
           FRAME_BUDGET_MS / 2);

  desk_bench_report ("search_keystroke_p99_ms", desk_bench_percentile (kb_keys, 99), "ms");
  desk_bench_report ("search_keystroke_median_ms", desk_bench_percentile (kb_keys, 50), "ms");
  desk_bench_report ("canned_keystroke_p99_ms", desk_bench_percentile (canned_keys, 99), "ms");
  desk_bench_report ("canned_keystroke_median_ms", desk_bench_percentile (canned_keys, 50), "ms");
  desk_bench_report ("search_max_stall_ms", MAX (kb_stalls.max_ms, canned_stalls.max_ms), "ms");
  desk_bench_report ("search_max_stall_cpu_ms",
                     MAX (kb_stalls.max_cpu_ms, canned_stalls.max_cpu_ms), "ms");
  desk_bench_report ("search_kb_max_stall_ms", kb_stalls.max_ms, "ms");
  desk_bench_report ("search_canned_max_stall_ms", canned_stalls.max_ms, "ms");
  desk_bench_report ("search_max_gap_ms", MAX (kb_stalls.max_gap_ms, canned_stalls.max_gap_ms),
                     "ms");
  desk_bench_report ("machine_hiccup_max_ms", machine_hiccup_max_ms, "ms");
  desk_bench_report ("search_max_stall_x_wait_ms",
                     kb_stalls.max_ms >= canned_stalls.max_ms ? kb_stalls.max_x_wait_ms
                                                              : canned_stalls.max_x_wait_ms,
                     "ms");
  desk_bench_report ("search_max_stall_own_ms",
                     MAX (kb_stalls.max_own_ms, canned_stalls.max_own_ms), "ms");
  desk_bench_report ("search_stalls_over_8ms",
                     kb_stalls.n_over_budget + canned_stalls.n_over_budget, "stalls");
  desk_bench_report ("suggest_ms", desk_bench_percentile (kb_suggest, 50), "ms");
  desk_bench_report ("suggest_p90_ms", desk_bench_percentile (kb_suggest, 90), "ms");
  desk_bench_report ("canned_suggest_ms", desk_bench_percentile (canned_suggest, 50), "ms");
  desk_bench_report ("suggest_max_stall_ms",
                     MAX (kb_suggest_stalls.max_ms, canned_suggest_stalls.max_ms), "ms");

  return TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *cache_path = NULL;
  gboolean         ok;

  /* As the UI tests draw: GL under Xvfb would be Mesa's software
   * rasteriser in threads of its own, a measure of Mesa, not of the
   * panels. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  gtk_init ();
  adw_init ();
  desk_ui_ensure_types ();

  tmp_dir = g_dir_make_tmp ("bench-search-XXXXXX", &error);
  if (tmp_dir == NULL)
    {
      g_printerr ("bench-search: %s\n", error->message);
      return 1;
    }
  cache_path = g_build_filename (tmp_dir, "cache.db", NULL);

  ok = run (cache_path, &error);
  desk_bench_remove_tree (tmp_dir);

  if (!ok)
    {
      g_printerr ("bench-search: %s\n", error->message);
      return 1;
    }

  return 0;
}
