/* desk-bench.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-bench"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "desk-bench.h"

#define KB_PAGE_SIZE 500
#define KB_ARTICLE_BYTES 2048
#define KB_GENERATED_WORDS 3000

/* The words of a support desk, the most frequent first: articles draw
 * their words with a long tail after these. */
static const char *common_terms[] = {
  "account",      "password", "reset",    "withdrawal",     "deposit",      "verify",
  "verification", "identity", "document", "transfer",       "balance",      "wallet",
  "address",      "network",  "fee",      "fees",           "limit",        "limits",
  "security",     "two",      "factor",   "authentication", "login",        "email",
  "phone",        "code",     "support",  "ticket",         "refund",       "payment",
  "card",         "bank",     "pending",  "confirm",        "confirmation", "order",
  "trade",        "trading",  "market",   "price",          "currency",     "settings",
  "profile",      "update",   "change",   "lost",           "access",       "device",
  "app",          "browser",  "error",    "failed",         "delay",        "review",
  "policy",       "region",   "tax",      "statement",      "history",      "report",
};

static const char *syllables[] = {
  "ba", "be", "bi", "bo", "bu", "ca", "ce", "co", "da", "de", "di", "do", "fa", "fe",
  "fi", "ga", "ge", "go", "ha", "he", "hi", "ka", "ke", "ki", "ko", "la", "le", "li",
  "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa", "pe", "pi", "po",
  "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "tu",
  "va", "ve", "vi", "za", "ar", "er", "in", "on", "or", "st", "tr", "nd", "sh", "th",
};

static const char *article_categories[] = {
  "Account", "Deposits", "Withdrawals", "Security", "Trading", "Fees", "Compliance",
};

static const char *canned_categories[] = {
  "Account", "Billing", "Deposits", "Withdrawals", "Security", "Verification", "General",
};

/* One line a figure, "name: value unit", so runs can be compared with diff. */
void
desk_bench_report (const char *name, double value, const char *unit)
{
  printf ("%s: %.1f %s\n", name, value, unit);
  fflush (stdout);
}

gint64
desk_bench_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* A ratio, with the two decimals that a limit such as 1.6x needs. */
void
desk_bench_report_ratio (const char *name, double value)
{
  printf ("%s: %.2f x\n", name, value);
  fflush (stdout);
}

/* Child processes, for the benchmarks that time whole programs
 * (bench-start). */

/* A child dies with the benchmark, even when it stops on g_error(). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocessLauncher *
desk_bench_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until *@done or @timeout_ms have passed;
 * returns *@done. */
gboolean
desk_bench_wait_for (const gboolean *done, guint timeout_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timed_out_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);

  return *done;
}

/* Temporary files and processes */

/* The peak resident memory (VmHWM) of process @pid so far, in MiB; 0 when
 * it cannot be read. */
double
desk_bench_peak_rss_mib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;

  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10) / 1024.0;
}

/* The median of @values (of double), which it sorts; 0 for none. */
double
desk_bench_median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return 0;

  g_array_sort (values, desk_bench_compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

/* Removes @path and everything under it; symbolic links are not followed. */
void
desk_bench_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          desk_bench_remove_tree (child);
        }
    }

  if (g_remove (path) != 0)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* Figures */

int
desk_bench_compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The nearest-rank percentile @p (0..100) of sorted @sorted_values. */
double
desk_bench_percentile (GArray *sorted_values, double p)
{
  guint rank;

  if (sorted_values->len == 0)
    return 0;

  rank = (guint) CLAMP (ceil (p / 100.0 * sorted_values->len), 1, sorted_values->len);
  return g_array_index (sorted_values, double, rank - 1);
}

/* Synthetic text */

GPtrArray *
desk_bench_make_vocabulary (GRand *rand)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (common_terms); i++)
    {
      g_ptr_array_add (words, g_strdup (common_terms[i]));
      g_hash_table_add (seen, g_ptr_array_index (words, words->len - 1));
    }

  while (words->len < G_N_ELEMENTS (common_terms) + KB_GENERATED_WORDS)
    {
      g_autoptr (GString) word = g_string_new (NULL);
      guint n_syllables = g_rand_int_range (rand, 2, 5);

      for (guint s = 0; s < n_syllables; s++)
        g_string_append (word, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);

      if (g_hash_table_contains (seen, word->str))
        continue;
      g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
      g_hash_table_add (seen, g_ptr_array_index (words, words->len - 1));
    }

  return words;
}

/* A word with about Zipf's distribution: the first ones most often. */
const char *
desk_bench_pick_word (GRand *rand, GPtrArray *vocabulary)
{
  guint index = (guint) pow (vocabulary->len, g_rand_double (rand)) - 1;

  return g_ptr_array_index (vocabulary, MIN (index, vocabulary->len - 1));
}

/* @n_words words, the first capitalised, as a title or a subject. */
char *
desk_bench_make_words (GRand *rand, GPtrArray *vocabulary, guint n_words)
{
  GString *text = g_string_new (NULL);

  for (guint w = 0; w < n_words; w++)
    {
      if (w > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, desk_bench_pick_word (rand, vocabulary));
    }
  if (text->len > 0)
    text->str[0] = g_ascii_toupper (text->str[0]);

  return g_string_free (text, FALSE);
}

char *
desk_bench_make_sentences (GRand *rand, GPtrArray *vocabulary, gsize min_length)
{
  GString *text = g_string_new (NULL);

  while (text->len < min_length)
    {
      guint n_words = g_rand_int_range (rand, 6, 17);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      for (guint w = 0; w < n_words; w++)
        {
          const char *word = desk_bench_pick_word (rand, vocabulary);

          if (w == 0)
            {
              g_string_append_c (text, g_ascii_toupper (word[0]));
              g_string_append (text, word + 1);
            }
          else
            {
              g_string_append_c (text, ' ');
              g_string_append (text, word);
            }
        }
      g_string_append_c (text, '.');
    }

  return g_string_free (text, FALSE);
}

/* One or two words, each the first 2 to 5 letters of a vocabulary word
 * drawn uniformly: what bench-sync's kb_search figures measure. */
char *
desk_bench_make_query (GRand *rand, GPtrArray *vocabulary)
{
  GString *query = g_string_new (NULL);
  guint    n_words = g_rand_int_range (rand, 1, 3);

  for (guint w = 0; w < n_words; w++)
    {
      const char *word =
          g_ptr_array_index (vocabulary, g_rand_int_range (rand, 0, vocabulary->len));
      gsize length = MIN (strlen (word), (gsize) g_rand_int_range (rand, 2, 6));

      if (w > 0)
        g_string_append_c (query, ' ');
      g_string_append_len (query, word, length);
    }

  return g_string_free (query, FALSE);
}

/* The knowledge base */

static DeskArticleRecord *
make_article (GRand *rand, GPtrArray *vocabulary, gint64 id, gint64 now)
{
  DeskArticleRecord *article = g_new0 (DeskArticleRecord, 1);
  guint              n_title_words = g_rand_int_range (rand, 3, 8);

  article->id = id;
  article->version = 1;
  article->title = desk_bench_make_words (rand, vocabulary, n_title_words);
  article->body = desk_bench_make_sentences (rand, vocabulary, KB_ARTICLE_BYTES);
  article->category = g_strdup (article_categories[id % G_N_ELEMENTS (article_categories)]);
  article->locale = g_strdup ("en");
  article->updated_at = now;
  article->url = g_strdup_printf ("https://help.desk.test/articles/%" G_GINT64_FORMAT, id);

  return article;
}

/* @n_articles articles of about 2 KB, with ids from 1, in pages of 500 as
 * a sync writes them. */
gboolean
desk_bench_fill_knowledge_base (
    DeskStore *store, GRand *rand, GPtrArray *vocabulary, guint n_articles, GError **error)
{
  gint64 now = g_get_real_time ();

  for (guint first = 1; first <= n_articles; first += KB_PAGE_SIZE)
    {
      g_autoptr (GPtrArray) page =
          g_ptr_array_new_with_free_func ((GDestroyNotify) desk_article_record_free);
      g_autofree char *cursor = NULL;

      for (guint id = first; id < first + KB_PAGE_SIZE && id <= n_articles; id++)
        g_ptr_array_add (page, make_article (rand, vocabulary, id, now));

      cursor = g_strdup_printf ("bench-%u", first + KB_PAGE_SIZE - 1);
      if (!desk_store_apply_page (store, DESK_STORE_COLLECTION_ARTICLES, page, cursor, error))
        return FALSE;
    }

  return TRUE;
}

/* Canned replies */

/* A greeting, a few sentences and a signature, with the placeholders a
 * team puts in its replies; one in ten asks the agent for a value. */
static char *
make_canned_body (GRand *rand, GPtrArray *vocabulary, gint64 id)
{
  g_autofree char *sentences =
      desk_bench_make_sentences (rand, vocabulary, g_rand_int_range (rand, 150, 700));
  GString *body = g_string_new ("Hi {{customer.first_name}},\n\n");

  g_string_append (body, sentences);
  if (id % 10 == 0)
    g_string_append (body, "\n\nYour order {{ask:Order number}} is on its way.");
  else if (id % 4 == 0)
    g_string_append (body, "\n\nAbout “{{ticket.subject}}” (#{{ticket.id}}).");
  g_string_append (body, "\n\nBest regards,\n{{agent.name}}");

  return g_string_free (body, FALSE);
}

/* A /shortcut from the title's first two words, numbered when taken. */
static char *
make_shortcut (const char *title, GHashTable *taken)
{
  g_auto (GStrv) words = g_strsplit (title, " ", 3);
  g_autofree char *joined = NULL;
  g_autofree char *base = NULL;
  char            *shortcut;

  joined = words[1] != NULL ? g_strdup_printf ("%.5s-%.4s", words[0], words[1])
                            : g_strdup_printf ("%.8s", words[0]);
  base = g_ascii_strdown (joined, -1);
  shortcut = g_strdup (base);
  for (guint n = 2; g_hash_table_contains (taken, shortcut); n++)
    {
      g_free (shortcut);
      shortcut = g_strdup_printf ("%s%u", base, n);
    }
  g_hash_table_add (taken, g_strdup (shortcut));

  return shortcut;
}

/* @n_replies canned replies with ids from 1: shared ones and, one in eight,
 * an agent's own. */
gboolean
desk_bench_fill_canned_replies (
    DeskStore *store, GRand *rand, GPtrArray *vocabulary, guint n_replies, GError **error)
{
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 now = g_get_real_time ();

  for (guint first = 1; first <= n_replies; first += KB_PAGE_SIZE)
    {
      g_autoptr (GPtrArray) page =
          g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_record_free);
      g_autofree char *cursor = NULL;

      for (guint id = first; id < first + KB_PAGE_SIZE && id <= n_replies; id++)
        {
          DeskCannedRecord *reply = g_new0 (DeskCannedRecord, 1);

          reply->id = id;
          reply->title = desk_bench_make_words (rand, vocabulary, g_rand_int_range (rand, 2, 7));
          reply->shortcut = make_shortcut (reply->title, taken);
          reply->body = make_canned_body (rand, vocabulary, id);
          reply->category = g_strdup (
              canned_categories[g_rand_int_range (rand, 0, G_N_ELEMENTS (canned_categories))]);
          reply->locale = g_strdup ("en");
          reply->owner_id = id % 8 == 0 ? 1 + id % 5 : 0;
          reply->updated_at = now;
          g_ptr_array_add (page, reply);
        }

      cursor = g_strdup_printf ("bench-%u", first + KB_PAGE_SIZE - 1);
      if (!desk_store_apply_page (store, DESK_STORE_COLLECTION_CANNED, page, cursor, error))
        return FALSE;
    }

  return TRUE;
}
