/* test-sync-hostile.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-sync-hostile"

#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "desk-sync.h"

/* DeskSync, with a real DeskClient and DeskStore, against a server that
 * turns hostile. The server is a SoupServer on loopback in this process: it
 * first serves a small valid helpdesk, which the client syncs; then the next
 * page of one collection, a page that would change the cache, comes back
 * broken in one way. The sync must fail with an error a person can read,
 * leave every row of the cache as it was, hold no more memory than the
 * client's response limit, and sync again once the server behaves. */

#define N_COLLECTIONS 4
#define PAGE_SIZE 2
#define HUGE_STRING (50 * 1024 * 1024)
#define FILLER_PIECE (64 * 1024)
#define MAX_RSS_GROWTH (200 * 1024 * 1024)
#define MAX_ERROR_LENGTH 512

static const char *collection_paths[N_COLLECTIONS] = {
  [DESK_STORE_COLLECTION_TICKETS] = "/api/v1/tickets",
  [DESK_STORE_COLLECTION_MESSAGES] = "/api/v1/messages",
  [DESK_STORE_COLLECTION_ARTICLES] = "/api/v1/kb/articles",
  [DESK_STORE_COLLECTION_CANNED] = "/api/v1/canned-replies",
};

/* A column that changes whenever the server changes an item. */
static const char *marker_queries[N_COLLECTIONS] = {
  [DESK_STORE_COLLECTION_TICKETS] = "SELECT id, version FROM tickets",
  [DESK_STORE_COLLECTION_MESSAGES] = "SELECT id, body FROM messages",
  [DESK_STORE_COLLECTION_ARTICLES] = "SELECT id, version FROM articles",
  [DESK_STORE_COLLECTION_CANNED] = "SELECT id, title FROM canned",
};

typedef struct _HostileCase HostileCase;

/* One item of a collection as the server sends it, in the order of its
 * changes: @seq is the cursor position. */
typedef struct
{
  gint64   seq;
  gint64   id;
  char    *marker;
  gboolean deleted;
  gboolean pending; /* not published yet: only the hostile page shows it */
  char    *json;
} Entry;

typedef struct
{
  SoupServer *server;
  char       *base_url;
  GPtrArray  *entries[N_COLLECTIONS];
  gint64      seq;

  const HostileCase *hostile; /* NULL while the server behaves */
  guint              hostile_hits;
  const char        *since; /* the cursor of the request being answered */
  GPtrArray         *raws;  /* connections taken over from libsoup */

  char       *cache_dir;
  char       *cache_path;
  DeskStore  *store;
  DeskClient *client;
  DeskSync   *sync;
  char       *snapshot;
} Fixture;

typedef void (*MutateFunc) (JsonObject *page);
typedef void (*ServeFunc) (Fixture *fixture, SoupServerMessage *msg, const char *page);

struct _HostileCase
{
  const char         *path;   /* under /Desk/Sync/Hostile/ */
  DeskStoreCollection target; /* the collection whose next page is broken */
  MutateFunc          mutate; /* breaks the page's JSON, or … */
  ServeFunc           serve;  /* … answers the request itself */
  DeskClientError     code;
  guint               attempts; /* requests the broken page must see */
  gboolean            slow;     /* a one-second timeout and one retry */
  const char         *mention;  /* what the error message must name */
  const char         *also_mention;
};

/* The server's data */

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
entry_free (Entry *entry)
{
  g_free (entry->marker);
  g_free (entry->json);
  g_free (entry);
}

static Entry *
add_entry (Fixture            *fixture,
           DeskStoreCollection collection,
           gboolean            pending,
           gint64              id,
           const char         *marker,
           char               *json)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->seq = ++fixture->seq;
  entry->id = id;
  entry->marker = g_strdup (marker);
  entry->pending = pending;
  entry->json = json;
  g_ptr_array_add (fixture->entries[collection], entry);

  return entry;
}

static void
add_tombstone (Fixture *fixture, DeskStoreCollection collection, gint64 id)
{
  Entry *entry = add_entry (fixture, collection, TRUE, id, NULL,
                            g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"deleted\":true,"
                                             "\"updated_at\":\"2026-01-06T10:00:00Z\"}",
                                             id));

  entry->deleted = TRUE;
}

static void
add_ticket (Fixture    *fixture,
            gboolean    pending,
            gint64      id,
            gint64      version,
            const char *status,
            const char *subject)
{
  g_autofree char *marker = g_strdup_printf ("%" G_GINT64_FORMAT, version);

  add_entry (fixture, DESK_STORE_COLLECTION_TICKETS, pending, id, marker,
             g_strdup_printf (
                 "{\"id\":%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT ","
                 "\"kind\":\"ticket\",\"channel\":\"email\",\"subject\":\"%s\","
                 "\"status\":\"%s\",\"priority\":\"normal\",\"queue_id\":1,\"assignee_id\":null,"
                 "\"requester\":{\"id\":%" G_GINT64_FORMAT ",\"name\":\"Li Wei\","
                 "\"email\":\"li.wei@example.com\",\"locale\":\"zh-CN\"},"
                 "\"tags\":[\"withdrawal\"],\"created_at\":\"2026-01-05T09:00:00Z\","
                 "\"updated_at\":\"2026-01-05T09:%02d:00Z\","
                 "\"first_response_due\":\"2026-01-05T10:00:00Z\","
                 "\"resolution_due\":\"2026-01-06T09:00:00Z\",\"first_responded_at\":null,"
                 "\"solved_at\":null,\"last_message_at\":\"2026-01-05T09:00:00Z\","
                 "\"message_count\":1,\"csat\":null}",
                 id, version, subject, status, 500 + id, (int) fixture->seq % 60));
}

static void
add_message (Fixture *fixture, gboolean pending, gint64 id, gint64 ticket_id, const char *body)
{
  add_entry (fixture, DESK_STORE_COLLECTION_MESSAGES, pending, id, body,
             g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"ticket_id\":%" G_GINT64_FORMAT ","
                              "\"author\":{\"type\":\"customer\",\"id\":null,\"name\":\"Li Wei\"},"
                              "\"visibility\":\"public\",\"body\":\"%s\",\"body_html\":null,"
                              "\"created_at\":\"2026-01-05T09:%02d:00Z\",\"client_id\":null,"
                              "\"attachments\":[]}",
                              id, ticket_id, body, (int) fixture->seq % 60));
}

static void
add_article (Fixture *fixture, gboolean pending, gint64 id, gint64 version, const char *title)
{
  g_autofree char *marker = g_strdup_printf ("%" G_GINT64_FORMAT, version);

  add_entry (
      fixture, DESK_STORE_COLLECTION_ARTICLES, pending, id, marker,
      g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT ","
                       "\"title\":\"%s\",\"body\":\"Open **Security** and follow the steps.\","
                       "\"category\":\"Account security\",\"tags\":[\"2fa\"],\"locale\":\"en\","
                       "\"updated_at\":\"2026-01-04T08:00:00Z\","
                       "\"url\":\"https://help.example.com/kb/%" G_GINT64_FORMAT "\"}",
                       id, version, title, id));
}

static void
add_canned (Fixture *fixture, gboolean pending, gint64 id, const char *title)
{
  add_entry (fixture, DESK_STORE_COLLECTION_CANNED, pending, id, title,
             g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"title\":\"%s\","
                              "\"shortcut\":\"c%" G_GINT64_FORMAT "\","
                              "\"body\":\"Hello {{customer.first_name}}, we are on it.\","
                              "\"category\":\"Withdrawals\",\"locale\":\"en\",\"owner_id\":null,"
                              "\"updated_at\":\"2026-01-04T08:00:00Z\"}",
                              id, title, id));
}

/* What the client syncs first, then the change that the hostile page
 * carries (broken) and that the server publishes once it behaves again. */
static void
seed (Fixture *fixture)
{
  add_ticket (fixture, FALSE, 1, 1, "open", "Withdrawal not arrived");
  add_ticket (fixture, FALSE, 2, 1, "open", "Two-factor reset");
  add_ticket (fixture, FALSE, 3, 1, "new", "提现未到账");
  add_message (fixture, FALSE, 101, 1, "My BTC withdrawal is stuck");
  add_message (fixture, FALSE, 102, 1, "Any news?");
  add_message (fixture, FALSE, 103, 2, "I lost my phone");
  add_message (fixture, FALSE, 104, 2, "Please reset my 2FA");
  add_article (fixture, FALSE, 11, 1, "Resetting two-factor authentication");
  add_article (fixture, FALSE, 12, 1, "Withdrawal times");
  add_canned (fixture, FALSE, 21, "Withdrawal delayed");
  add_canned (fixture, FALSE, 22, "2FA reset started");

  add_ticket (fixture, TRUE, 2, 2, "solved", "Two-factor reset");
  add_ticket (fixture, TRUE, 4, 1, "new", "API key leaked");
  add_tombstone (fixture, DESK_STORE_COLLECTION_TICKETS, 3);
  add_message (fixture, TRUE, 105, 4, "I think my API key leaked");
  add_tombstone (fixture, DESK_STORE_COLLECTION_MESSAGES, 102);
  add_message (fixture, TRUE, 103, 2, "I lost my phone (edited)");
  add_article (fixture, TRUE, 11, 2, "Resetting 2FA when you lost your phone");
  add_article (fixture, TRUE, 13, 1, "Revoking an API key");
  add_canned (fixture, TRUE, 21, "Withdrawal delayed by the network");
  add_tombstone (fixture, DESK_STORE_COLLECTION_CANNED, 22);
}

static void
publish (Fixture *fixture)
{
  for (guint c = 0; c < N_COLLECTIONS; c++)
    for (guint i = 0; i < fixture->entries[c]->len; i++)
      ((Entry *) g_ptr_array_index (fixture->entries[c], i))->pending = FALSE;
}

/* A page of what changed after @since. With @pending, the page of the
 * change not published yet: the page a hostile answer breaks. */
static char *
build_page (Fixture *fixture, guint collection, gint64 since, gboolean pending, guint limit)
{
  GPtrArray *entries = fixture->entries[collection];
  GString   *page = g_string_new ("{\"items\":[");
  guint      n_items = 0;
  guint      remaining = 0;
  gint64     next = since;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (entry->pending != pending || entry->seq <= since)
        continue;
      if (n_items == limit)
        {
          remaining++;
          continue;
        }
      g_string_append_printf (page, "%s%s", n_items ? "," : "", entry->json);
      next = entry->seq;
      n_items++;
    }
  g_string_append_printf (page,
                          "],\"next\":\"s%" G_GINT64_FORMAT "\",\"more\":%s,\"remaining\":%u}",
                          next, remaining ? "true" : "false", remaining);

  return g_string_free (page, FALSE);
}

/* "id:marker" of each item the server has published, one a line, sorted. */
static char *
server_state (Fixture *fixture, guint collection)
{
  g_autoptr (GHashTable) latest = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) state = g_string_new (NULL);
  GHashTableIter iter;
  gpointer       value;

  for (guint i = 0; i < fixture->entries[collection]->len; i++)
    {
      Entry *entry = g_ptr_array_index (fixture->entries[collection], i);

      if (!entry->pending)
        g_hash_table_insert (latest, &entry->id, entry);
    }

  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (!entry->deleted)
        g_ptr_array_add (lines,
                         g_strdup_printf ("%" G_GINT64_FORMAT ":%s", entry->id, entry->marker));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (state, "%s\n", (const char *) g_ptr_array_index (lines, i));

  return g_string_free (g_steal_pointer (&state), FALSE);
}

/* Hostile answers */

static void
respond (
    SoupServerMessage *msg, guint status, const char *content_type, const char *body, gsize length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, length);
}

static JsonObject *
item (JsonObject *page, guint index)
{
  return json_array_get_object_element (json_object_get_array_member (page, "items"), index);
}

static void
mutate_id_string (JsonObject *page)
{
  json_object_set_string_member (item (page, 0), "id", "x");
}

static void
mutate_items_object (JsonObject *page)
{
  json_object_set_object_member (page, "items", json_object_new ());
}

static void
mutate_more_string (JsonObject *page)
{
  json_object_set_string_member (page, "more", "yes");
}

static void
mutate_next_number (JsonObject *page)
{
  json_object_set_int_member (page, "next", 42);
}

static void
mutate_requester (JsonObject *page)
{
  json_object_set_array_member (item (page, 0), "requester", json_array_new ());
}

static void
mutate_tag_number (JsonObject *page)
{
  JsonArray *tags = json_array_new ();

  json_array_add_int_element (tags, 7);
  json_object_set_array_member (item (page, 0), "tags", tags);
}

static void
mutate_version (JsonObject *page)
{
  json_object_set_double_member (item (page, 0), "version", 2.5);
}

static void
mutate_no_subject (JsonObject *page)
{
  json_object_remove_member (item (page, 0), "subject");
}

static void
mutate_no_ticket_id (JsonObject *page)
{
  json_object_remove_member (item (page, 0), "ticket_id");
}

static void
mutate_no_id (JsonObject *page)
{
  json_object_remove_member (item (page, 0), "id");
}

static void
mutate_no_next (JsonObject *page)
{
  json_object_remove_member (page, "next");
}

static void
mutate_no_items (JsonObject *page)
{
  json_object_remove_member (page, "items");
}

static void
mutate_unknown_status (JsonObject *page)
{
  json_object_set_string_member (item (page, 0), "status", "frozen");
}

static void
mutate_bad_time (JsonObject *page)
{
  json_object_set_string_member (item (page, 0), "updated_at", "yesterday");
}

/* The first item is a good change; only the second is broken. */
static void
mutate_second_item (JsonObject *page)
{
  json_object_set_string_member (item (page, 1), "priority", "whenever");
}

/* The second item of the messages page is a tombstone. */
static void
mutate_tombstone_id (JsonObject *page)
{
  g_assert_true (json_object_get_boolean_member (item (page, 1), "deleted"));
  json_object_set_string_member (item (page, 1), "id", "102");
}

static void
serve_mutated (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autoptr (JsonNode) node = json_from_string (page, NULL);
  g_autofree char *text = NULL;

  fixture->hostile->mutate (json_node_get_object (node));
  text = json_to_string (node, FALSE);
  respond (msg, 200, "application/json", text, strlen (text));
}

/* @page with @insert put after the first @after. */
static char *
insert_after (const char *page, const char *after, const char *insert)
{
  const char *at = strstr (page, after);

  g_assert_nonnull (at);
  at += strlen (after);
  return g_strdup_printf ("%.*s%s%s", (int) (at - page), page, insert, at);
}

static void
serve_malformed (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autofree char *text = g_strdup_printf ("%.*s,", (int) strlen (page) - 1, page);

  respond (msg, 200, "application/json", text, strlen (text));
}

static void
serve_html (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  const char *html = "<html><body><h1>502 Bad Gateway</h1></body></html>";

  respond (msg, 200, "text/html", html, strlen (html));
}

static void
serve_cut_json (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  /* A well-framed HTTP answer whose JSON stops half-way. */
  respond (msg, 200, "application/json", page, strlen (page) / 2);
}

static void
serve_array_document (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  respond (msg, 200, "application/json", "[]", 2);
}

/* A few hundred kilobytes nested a hundred thousand levels deep. */
static void
serve_deep (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *deep = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, ']');
  deep = insert_after (page, "\"tags\":", text->str);
  respond (msg, 200, "application/json", deep, strlen (deep));
}

static void
serve_invalid_utf8 (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autofree char *text = insert_after (page, "\"subject\":\"", "\xff\xfe");

  respond (msg, 200, "application/json", text, strlen (text));
}

static void
serve_overlong_utf8 (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  /* "/" encoded in two bytes: not UTF-8, although a lax decoder reads it. */
  g_autofree char *text = insert_after (page, "\"subject\":\"", "\xc0\xaf");

  respond (msg, 200, "application/json", text, strlen (text));
}

static void
serve_surrogate (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  /* Valid UTF-8 on the wire, but the escape decodes to half a surrogate
   * pair, which is no character at all. */
  g_autofree char *text = insert_after (page, "\"subject\":\"", "\\ud800");

  respond (msg, 200, "application/json", text, strlen (text));
}

/* A good page that says there is more, from the cursor it was asked from. */
static void
serve_stuck_cursor (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autoptr (JsonNode) node = json_from_string (page, NULL);
  g_autofree char *text = NULL;

  g_assert_nonnull (fixture->since);
  json_object_set_string_member (json_node_get_object (node), "next", fixture->since);
  json_object_set_boolean_member (json_node_get_object (node), "more", TRUE);
  text = json_to_string (node, FALSE);
  respond (msg, 200, "application/json", text, strlen (text));
}

static void
serve_500 (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  const char *body = "{\"error\":{\"code\":\"internal\",\"message\":\"The database is on fire\"}}";

  respond (msg, 500, "application/json", body, strlen (body));
}

static void
serve_502_html (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  const char *html = "<html><body><h1>502 Bad Gateway</h1></body></html>";

  respond (msg, 502, "text/html", html, strlen (html));
}

static void
serve_500_long (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  g_autoptr (GString) body = g_string_new ("{\"error\":{\"code\":\"internal\",\"message\":\"");

  for (guint i = 0; i < 20000; i++)
    g_string_append (body, "Out of disk. ");
  g_string_append (body, "\"}}");
  respond (msg, 500, "application/json", body->str, body->len);
}

/* Connections taken over from libsoup, to send what no HTTP library would:
 * a body shorter than its Content-Length, fifty megabytes made on the fly, a
 * byte every half second for ever. Each piece is written @times times, each
 * time after @delay_msec. */

typedef struct
{
  GBytes *bytes;
  guint64 times;
  guint   delay_msec;
} Piece;

typedef struct
{
  Fixture      *fixture;
  GIOStream    *stream;
  GCancellable *cancellable;
  GQueue        pieces;
  GBytes       *writing;
  guint         timer;
} Raw;

static void
piece_free (Piece *piece)
{
  g_bytes_unref (piece->bytes);
  g_free (piece);
}

static void
raw_free (Raw *raw)
{
  g_assert_cmpuint (raw->timer, ==, 0);
  g_io_stream_close (raw->stream, NULL, NULL);
  g_clear_object (&raw->stream);
  g_clear_object (&raw->cancellable);
  g_queue_clear_full (&raw->pieces, (GDestroyNotify) piece_free);
  g_clear_pointer (&raw->writing, g_bytes_unref);
  g_free (raw);
}

static Raw *
raw_take (Fixture *fixture, SoupServerMessage *msg)
{
  Raw *raw = g_new0 (Raw, 1);

  raw->fixture = fixture;
  raw->stream = soup_server_message_steal_connection (msg);
  raw->cancellable = g_cancellable_new ();
  g_queue_init (&raw->pieces);
  g_ptr_array_add (fixture->raws, raw);

  return raw;
}

static void
raw_add (Raw *raw, const void *data, gsize length, guint64 times, guint delay_msec)
{
  Piece *piece = g_new0 (Piece, 1);

  piece->bytes = g_bytes_new (data, length);
  piece->times = times;
  piece->delay_msec = delay_msec;
  g_queue_push_tail (&raw->pieces, piece);
}

static void
raw_add_text (Raw *raw, const char *text)
{
  raw_add (raw, text, strlen (text), 1, 0);
}

static void raw_write_next (Raw *raw);

static void
raw_end (Raw *raw)
{
  g_ptr_array_remove (raw->fixture->raws, raw);
}

static void
raw_wrote_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Raw *raw = user_data;

  g_clear_pointer (&raw->writing, g_bytes_unref);
  /* An error: the client gave up on us, or the test is over. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    raw_end (raw);
  else
    raw_write_next (raw);
}

static gboolean
raw_timer_cb (gpointer user_data)
{
  Raw   *raw = user_data;
  Piece *piece = g_queue_peek_head (&raw->pieces);

  raw->timer = 0;
  raw->writing = g_bytes_ref (piece->bytes);
  if (--piece->times == 0)
    piece_free (g_queue_pop_head (&raw->pieces));
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (raw->stream), g_bytes_get_data (raw->writing, NULL),
      g_bytes_get_size (raw->writing), G_PRIORITY_DEFAULT, raw->cancellable, raw_wrote_cb, raw);
  return G_SOURCE_REMOVE;
}

static void
raw_write_next (Raw *raw)
{
  Piece *piece = g_queue_peek_head (&raw->pieces);

  /* Everything sent: hang up, whatever the headers promised. */
  if (piece == NULL)
    {
      raw_end (raw);
      return;
    }

  if (piece->delay_msec > 0)
    raw->timer = g_timeout_add (piece->delay_msec, raw_timer_cb, raw);
  else
    raw_timer_cb (raw);
}

static char *
http_head (const char *extra_headers)
{
  return g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s\r\n",
                          extra_headers);
}

static void
serve_short_body (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  Raw             *raw = raw_take (fixture, msg);
  g_autofree char *length = g_strdup_printf ("Content-Length: %zu\r\n", strlen (page) + 100);
  g_autofree char *head = http_head (length);

  raw_add_text (raw, head);
  raw_add (raw, page, strlen (page) / 2, 1, 0);
  raw_write_next (raw);
}

/* The page, its first subject fifty megabytes longer; with @chunked, sent
 * without a Content-Length, so that only counting what arrives can stop it. */
static void
serve_huge_string (Fixture *fixture, SoupServerMessage *msg, const char *page, gboolean chunked)
{
  Raw             *raw = raw_take (fixture, msg);
  const char      *split = strstr (page, "\"subject\":\"") + strlen ("\"subject\":\"");
  g_autofree char *before = g_strndup (page, split - page);
  g_autofree char *filler = g_malloc (FILLER_PIECE + 16);
  g_autofree char *head = NULL;

  if (chunked)
    {
      g_autofree char *first = g_strdup_printf ("%zx\r\n%s\r\n", strlen (before), before);
      g_autofree char *last = g_strdup_printf ("%zx\r\n%s\r\n0\r\n\r\n", strlen (split), split);
      int              framing = g_snprintf (filler, 16, "%x\r\n", FILLER_PIECE);

      head = http_head ("Transfer-Encoding: chunked\r\n");
      memset (filler + framing, 'x', FILLER_PIECE);
      memcpy (filler + framing + FILLER_PIECE, "\r\n", 2);
      raw_add_text (raw, head);
      raw_add_text (raw, first);
      raw_add (raw, filler, framing + FILLER_PIECE + 2, HUGE_STRING / FILLER_PIECE, 0);
      raw_add_text (raw, last);
    }
  else
    {
      g_autofree char *length =
          g_strdup_printf ("Content-Length: %zu\r\n", strlen (page) + HUGE_STRING);

      head = http_head (length);
      memset (filler, 'x', FILLER_PIECE);
      raw_add_text (raw, head);
      raw_add_text (raw, before);
      raw_add (raw, filler, FILLER_PIECE, HUGE_STRING / FILLER_PIECE, 0);
      raw_add_text (raw, split);
    }
  raw_write_next (raw);
}

static void
serve_huge_with_length (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  serve_huge_string (fixture, msg, page, FALSE);
}

static void
serve_huge_chunked (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  serve_huge_string (fixture, msg, page, TRUE);
}

/* A byte every half second: more often than the client's one-second
 * timeout, which each read starts again, so that only a deadline for the
 * whole answer ends the wait. */
/* Thirty megabytes, within the client's limit, of empty objects: some ten
 * million values, which json-glib would spend gigabytes on. */
static void
serve_tiny_items (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  Raw        *raw = raw_take (fixture, msg);
  const char *start = "{\"items\":[";
  const char *end = "{}],\"next\":\"s99\",\"more\":false}";
  g_autoptr (GString) piece = g_string_new (NULL);
  g_autofree char *length = NULL;
  g_autofree char *head = NULL;
  guint            times = 30 * 1024 * 1024 / FILLER_PIECE;

  while (piece->len + 3 <= FILLER_PIECE)
    g_string_append (piece, "{},");
  length = g_strdup_printf ("Content-Length: %zu\r\n",
                            strlen (start) + times * piece->len + strlen (end));
  head = http_head (length);
  raw_add_text (raw, head);
  raw_add_text (raw, start);
  raw_add (raw, piece->str, piece->len, times, 0);
  raw_add_text (raw, end);
  raw_write_next (raw);
}

static void
serve_dribble_body (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  Raw             *raw = raw_take (fixture, msg);
  g_autofree char *head = http_head ("Content-Length: 1000000\r\n");

  raw_add_text (raw, head);
  raw_add_text (raw, "{\"items\":[");
  raw_add (raw, " ", 1, G_MAXUINT64, 500);
  raw_write_next (raw);
}

static void
serve_dribble_headers (Fixture *fixture, SoupServerMessage *msg, const char *page)
{
  Raw *raw = raw_take (fixture, msg);

  raw_add_text (raw, "HTTP/1.1 200 OK\r\nX-Slow: ");
  raw_add (raw, ".", 1, G_MAXUINT64, 500);
  raw_write_next (raw);
}

/* The server */

static int
collection_for_path (const char *path)
{
  for (guint c = 0; c < N_COLLECTIONS; c++)
    if (g_str_equal (path, collection_paths[c]))
      return c;
  return -1;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture         *fixture = user_data;
  int              collection = collection_for_path (path);
  const char      *since = query ? g_hash_table_lookup (query, "since") : NULL;
  const char      *limit = query ? g_hash_table_lookup (query, "limit") : NULL;
  gint64           since_seq = since && since[0] == 's' ? g_ascii_strtoll (since + 1, NULL, 10) : 0;
  g_autofree char *page = NULL;

  if (collection < 0 || limit == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  if (fixture->hostile != NULL && collection == (int) fixture->hostile->target)
    {
      /* A client that never gives up would keep us here for ever. */
      if (++fixture->hostile_hits > 10)
        {
          soup_server_message_set_status (msg, 404, NULL);
          return;
        }
      fixture->since = since;
      page = build_page (fixture, collection, 0, TRUE, atoi (limit));
      if (fixture->hostile->mutate != NULL)
        serve_mutated (fixture, msg, page);
      else
        fixture->hostile->serve (fixture, msg, page);
      fixture->since = NULL;
      return;
    }

  page = build_page (fixture, collection, since_seq, FALSE, atoi (limit));
  respond (msg, 200, "application/json", page, strlen (page));
}

/* The cache, read behind DeskStore's back */

static void
append_value (GString *row, sqlite3_stmt *stmt, int column)
{
  const guchar *data;
  int           length;

  switch (sqlite3_column_type (stmt, column))
    {
      case SQLITE_NULL:
        g_string_append (row, "NULL");
        break;

      case SQLITE_INTEGER:
        g_string_append_printf (row, "%" G_GINT64_FORMAT,
                                (gint64) sqlite3_column_int64 (stmt, column));
        break;

      case SQLITE_FLOAT:
        g_string_append_printf (row, "%.17g", sqlite3_column_double (stmt, column));
        break;

      default:
        /* Text and blobs byte for byte, so that a stray byte shows. */
        data = sqlite3_column_blob (stmt, column);
        length = sqlite3_column_bytes (stmt, column);
        g_string_append_c (row, sqlite3_column_type (stmt, column) == SQLITE_TEXT ? 't' : 'x');
        for (int i = 0; i < length; i++)
          g_string_append_printf (row, "%02x", data[i]);
        break;
    }
}

/* Every row of every table of the cache (full-text indexes included, through
 * their shadow tables) and the schema, sorted: equal dumps are equal caches,
 * whatever the rowids or the page layout. */
static char *
dump_cache (Fixture *fixture)
{
  g_autoptr (GString) dump = g_string_new (NULL);
  sqlite3      *db = NULL;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fixture->cache_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                                       " ORDER BY name",
                                       -1, &tables, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      const char *sql = (const char *) sqlite3_column_text (tables, 1);
      g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
      sqlite3_stmt *stmt = NULL;
      char         *select;

      g_string_append_printf (dump, "%s\n", sql);
      if (g_str_has_prefix (sql, "CREATE VIRTUAL TABLE"))
        continue;

      select = sqlite3_mprintf ("SELECT * FROM \"%w\"", name);
      g_assert_cmpint (sqlite3_prepare_v2 (db, select, -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_free (select);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          GString *row = g_string_new (name);

          for (int i = 0; i < sqlite3_column_count (stmt); i++)
            {
              g_string_append_c (row, '|');
              append_value (row, stmt, i);
            }
          g_ptr_array_add (rows, g_string_free (row, FALSE));
        }
      sqlite3_finalize (stmt);

      g_ptr_array_sort (rows, compare_lines);
      for (guint i = 0; i < rows->len; i++)
        g_string_append_printf (dump, "%s\n", (const char *) g_ptr_array_index (rows, i));
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* "id:marker" of each row of a collection, one a line, sorted. */
static char *
cache_state (Fixture *fixture, guint collection)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) state = g_string_new (NULL);
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fixture->cache_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, marker_queries[collection], -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (lines, g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                                             (gint64) sqlite3_column_int64 (stmt, 0),
                                             (const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (state, "%s\n", (const char *) g_ptr_array_index (lines, i));

  return g_string_free (g_steal_pointer (&state), FALSE);
}

static void
assert_cache_matches_server (Fixture *fixture)
{
  for (guint c = 0; c < N_COLLECTIONS; c++)
    {
      g_autofree char *expected = server_state (fixture, c);
      g_autofree char *actual = cache_state (fixture, c);

      g_assert_cmpstr (actual, ==, expected);
    }
}

/* Memory */

static gsize
status_bytes (const char *field)
{
  g_autofree char *status = NULL;
  const char      *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10) * 1024;
}

/* Linux resets VmHWM, the peak resident size, when "5" is written here. */
static gboolean
reset_peak_rss (void)
{
  int      fd = open ("/proc/self/clear_refs", O_WRONLY);
  gboolean done = fd >= 0 && write (fd, "5", 1) == 1;

  if (fd >= 0)
    close (fd);
  return done;
}

/* Sync */

typedef struct
{
  GError  *error;
  gboolean done;
} Wait;

static void
sync_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  desk_sync_run_finish (DESK_SYNC (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
run_sync (Fixture *fixture, GError **error)
{
  Wait wait = { NULL, FALSE };

  desk_sync_run_async (fixture->sync, NULL, sync_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);

  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  for (guint c = 0; c < N_COLLECTIONS; c++)
    fixture->entries[c] = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  fixture->raws = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_free);
  seed (fixture);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture->cache_dir = g_dir_make_tmp ("desk-sync-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cache_path = g_build_filename (fixture->cache_dir, "cache.db", NULL);
  fixture->store = desk_store_new (fixture->cache_path, &error);
  g_assert_no_error (error);

  /* The response limit stays the client's own: that is what is tested. */
  fixture->client = desk_client_new (fixture->base_url, "secret");
  desk_client_set_max_retries (fixture->client, 2);
  desk_client_set_timeout (fixture->client, 10);
  fixture->sync = desk_sync_new (fixture->client, fixture->store);
  desk_sync_set_page_size (fixture->sync, PAGE_SIZE);

  /* A good first sync, several pages a collection. */
  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);
  assert_cache_matches_server (fixture);
  for (guint c = 0; c < N_COLLECTIONS; c++)
    {
      g_autofree char *cursor = desk_store_dup_cursor (fixture->store, c);

      g_assert_nonnull (cursor);
    }
  fixture->snapshot = dump_cache (fixture);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (fixture->cache_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->cache_path, "-shm", NULL);

  /* Stop the taken-over connections and wait until their writes are done
   * with, so that none calls back into the next test. */
  for (guint i = fixture->raws->len; i > 0; i--)
    {
      Raw *raw = g_ptr_array_index (fixture->raws, i - 1);

      g_cancellable_cancel (raw->cancellable);
      if (raw->timer != 0)
        {
          g_clear_handle_id (&raw->timer, g_source_remove);
          raw_end (raw);
        }
    }
  while (fixture->raws->len > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&fixture->raws, g_ptr_array_unref);

  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_unlink (fixture->cache_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->cache_dir);
  g_clear_pointer (&fixture->cache_path, g_free);
  g_clear_pointer (&fixture->cache_dir, g_free);
  g_clear_pointer (&fixture->base_url, g_free);
  g_clear_pointer (&fixture->snapshot, g_free);
  for (guint c = 0; c < N_COLLECTIONS; c++)
    g_clear_pointer (&fixture->entries[c], g_ptr_array_unref);
}

static void
assert_names (const char *message, const char *what)
{
  if (what != NULL && strstr (message, what) == NULL)
    g_error ("“%s” does not name “%s”", message, what);
}

static void
test_hostile (Fixture *fixture, gconstpointer data)
{
  const HostileCase *hostile = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  gboolean         peak_reset;
  gsize            rss_before;
  gsize            peak_before;
  gsize            peak_after;
  gsize            baseline;
  gint64           start;

  if (hostile->slow)
    {
      desk_client_set_timeout (fixture->client, 1);
      desk_client_set_max_retries (fixture->client, 1);
    }

  rss_before = status_bytes ("VmRSS:");
  peak_before = status_bytes ("VmHWM:");
  peak_reset = reset_peak_rss ();

  fixture->hostile = hostile;
  start = g_get_monotonic_time ();
  g_assert_false (run_sync (fixture, &error));
  peak_after = status_bytes ("VmHWM:");
  g_test_message ("%s after %.1f s, %u requests: %.300s", hostile->path,
                  (g_get_monotonic_time () - start) / 1e6, fixture->hostile_hits,
                  error ? error->message : "no error");

  /* A typed error, and one a person can read. */
  g_assert_error (error, DESK_CLIENT_ERROR, hostile->code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_assert_cmpuint (strlen (error->message), <, MAX_ERROR_LENGTH);
  assert_names (error->message, hostile->mention);
  assert_names (error->message, hostile->also_mention);
  g_assert_cmpuint (fixture->hostile_hits, ==, hostile->attempts);
  g_assert_false (desk_sync_get_running (fixture->sync));

  /* Not one byte of the broken page reached the cache. */
  after = dump_cache (fixture);
  g_assert_cmpstr (after, ==, fixture->snapshot);

  /* No more memory than the client's response limit allows. Without a
   * reset of the peak, only what went past the earlier peak is seen. */
  baseline = peak_reset ? rss_before : peak_before;
  g_test_message ("peak RSS grew by %" G_GSIZE_FORMAT " MiB%s",
                  (MAX (peak_after, baseline) - baseline) / (1024 * 1024),
                  peak_reset ? "" : " over the earlier peak");
  g_assert_cmpuint (peak_after, <, baseline + MAX_RSS_GROWTH);

  /* The server behaves again: the sync picks up the change it refused. */
  fixture->hostile = NULL;
  publish (fixture);
  desk_client_set_timeout (fixture->client, 10);
  g_clear_error (&error);
  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);
  assert_cache_matches_server (fixture);
  g_clear_pointer (&after, g_free);
  after = dump_cache (fixture);
  g_assert_cmpstr (after, !=, fixture->snapshot);
}

#define PROTOCOL DESK_CLIENT_ERROR_PROTOCOL
#define OFFLINE DESK_CLIENT_ERROR_OFFLINE
#define SERVER DESK_CLIENT_ERROR_SERVER
#define TICKETS DESK_STORE_COLLECTION_TICKETS
#define MESSAGES DESK_STORE_COLLECTION_MESSAGES
#define ARTICLES DESK_STORE_COLLECTION_ARTICLES
#define CANNED DESK_STORE_COLLECTION_CANNED

/* A page whose JSON is changed: refused at once, as not the API. */
#define MUTATED(path, target, mutate, ...)                                                         \
  {                                                                                                \
    path, target, mutate, NULL, PROTOCOL, 1, FALSE, __VA_ARGS__                                    \
  }
/* An answer of the server's own making, seen @attempts times. */
#define SERVED(path, target, serve, code, attempts, ...)                                           \
  {                                                                                                \
    path, target, NULL, serve, code, attempts, FALSE, __VA_ARGS__                                  \
  }
/* An answer that never ends, under a one-second timeout and one retry. */
#define ENDLESS(path, target, serve, ...)                                                          \
  {                                                                                                \
    path, target, NULL, serve, OFFLINE, 2, TRUE, __VA_ARGS__                                       \
  }

static const HostileCase cases[] = {
  /* Not JSON */
  SERVED ("malformed-json", TICKETS, serve_malformed, PROTOCOL, 1, "not valid", "malformed JSON"),
  SERVED ("malformed-json/html", ARTICLES, serve_html, PROTOCOL, 1, "not valid", "malformed JSON"),
  SERVED ("malformed-json/cut-short", MESSAGES, serve_cut_json, PROTOCOL, 1, "malformed JSON"),
  SERVED ("malformed-json/deep-nesting", TICKETS, serve_deep, PROTOCOL, 1, "not valid", "nest"),

  /* Wrong types and values */
  MUTATED ("wrong-type/id", TICKETS, mutate_id_string, "items[0].id", "expected integer"),
  MUTATED ("wrong-type/items", MESSAGES, mutate_items_object, "items", "expected array"),
  MUTATED ("wrong-type/more", CANNED, mutate_more_string, "more", "expected boolean"),
  MUTATED ("wrong-type/next", ARTICLES, mutate_next_number, "next", "expected string"),
  MUTATED (
      "wrong-type/requester", TICKETS, mutate_requester, "items[0].requester", "expected object"),
  MUTATED ("wrong-type/tag", TICKETS, mutate_tag_number, "items[0].tags[0]", "expected string"),
  MUTATED ("wrong-type/version", TICKETS, mutate_version, "items[0].version", "expected integer"),
  SERVED ("wrong-type/document", CANNED, serve_array_document, PROTOCOL, 1, "expected object"),
  MUTATED ("wrong-value/status", TICKETS, mutate_unknown_status, "items[0].status", "frozen"),
  MUTATED ("wrong-value/time", TICKETS, mutate_bad_time, "items[0].updated_at", "RFC 3339"),

  /* Missing required fields */
  MUTATED ("missing/subject", TICKETS, mutate_no_subject, "items[0].subject", "missing"),
  MUTATED ("missing/ticket-id", MESSAGES, mutate_no_ticket_id, "items[0].ticket_id", "missing"),
  MUTATED ("missing/canned-id", CANNED, mutate_no_id, "items[0].id", "missing"),
  MUTATED ("missing/next", ARTICLES, mutate_no_next, "next", "missing"),
  MUTATED ("missing/items", TICKETS, mutate_no_items, "items", "missing"),

  /* Broken transfers: a dropped connection is retried, a huge answer is not */
  SERVED ("truncated", TICKETS, serve_short_body, OFFLINE, 3, "connection broke"),
  SERVED ("huge-string/content-length", TICKETS, serve_huge_with_length, PROTOCOL, 1, "too large"),
  SERVED ("huge-string/chunked", TICKETS, serve_huge_chunked, PROTOCOL, 1, "larger than 32 MB"),
  SERVED ("huge-page", MESSAGES, serve_tiny_items, PROTOCOL, 1, "values"),

  /* Not UTF-8 */
  SERVED ("invalid-utf8", TICKETS, serve_invalid_utf8, PROTOCOL, 1, "UTF-8"),
  SERVED ("invalid-utf8/overlong", TICKETS, serve_overlong_utf8, PROTOCOL, 1, "UTF-8"),
  SERVED ("invalid-utf8/surrogate", TICKETS, serve_surrogate, PROTOCOL, 1, "UTF-8", "surrogate"),

  /* Endless answers */
  ENDLESS ("slow/body", TICKETS, serve_dribble_body, "in time"),
  ENDLESS ("slow/headers", MESSAGES, serve_dribble_headers, "in time"),
  SERVED ("stuck-cursor", TICKETS, serve_stuck_cursor, PROTOCOL, 1, "next", "cursor"),

  /* Server errors, retried, then reported */
  SERVED ("http-500", TICKETS, serve_500, SERVER, 3, "The database is on fire", "HTTP 500"),
  SERVED ("http-500/html", MESSAGES, serve_502_html, SERVER, 3, "Bad Gateway", "HTTP 502"),
  SERVED ("http-500/long-message", CANNED, serve_500_long, SERVER, 3, "Out of disk", "HTTP 500"),

  /* Half good, half bad: the whole page is refused */
  MUTATED ("mixed-page", TICKETS, mutate_second_item, "items[1].priority", "whenever"),
  MUTATED ("tombstone/id", MESSAGES, mutate_tombstone_id, "items[1].id", "expected integer"),
};

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/Desk/Sync/Hostile/", cases[i].path, NULL);

      g_test_add (path, Fixture, &cases[i], fixture_setup, test_hostile, fixture_teardown);
    }

  return g_test_run ();
}
