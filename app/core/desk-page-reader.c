/* desk-page-reader.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-page-reader"

#include "config.h"

#include <string.h>

#include "desk-json.h"
#include "desk-page-reader-private.h"
#include "desk-time.h"

/* A page of messages or tickets read straight into records, without a
 * JsonNode for each value: json-glib took half of a first sync's CPU
 * building and freeing the nodes of a million messages. It reads the plain
 * shape that servers send (known members, no escapes beyond the usual, no
 * tombstones, no attachments) and gives up on anything else: the caller
 * then reads the page with json-glib and desk_page_from_json(), which say
 * what is wrong with it, if anything. So whatever this reads, it reads as
 * those do. */

/* More items than a page of the API holds (500): json-glib's bounds apply. */
#define MAX_ITEMS 10000

typedef struct
{
  const char *p;
  const char *end;
} Reader;

static void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static gboolean
expect (Reader *r, char c)
{
  skip_space (r);
  if (r->p >= r->end || *r->p != c)
    return FALSE;
  r->p++;
  return TRUE;
}

static gboolean
peek (Reader *r, char c)
{
  skip_space (r);
  return r->p < r->end && *r->p == c;
}

static gboolean
read_literal (Reader *r, const char *literal)
{
  gsize length = strlen (literal);

  skip_space (r);
  if ((gsize) (r->end - r->p) < length || memcmp (r->p, literal, length) != 0)
    return FALSE;
  r->p += length;
  return TRUE;
}

/* A string with the escapes of one character (\uXXXX gives up), into a
 * new string. The document is valid UTF-8 (checked before). */
static char *
read_string (Reader *r)
{
  const char *start;
  GString    *text = NULL;

  if (!expect (r, '"'))
    return NULL;

  start = r->p;
  while (r->p < r->end && *r->p != '"')
    {
      unsigned char c = *r->p;

      if (c < 0x20)
        break;
      if (c != '\\')
        {
          r->p++;
          continue;
        }

      if (text == NULL)
        text = g_string_sized_new (r->p - start + 64);
      g_string_append_len (text, start, r->p - start);
      if (r->p + 1 >= r->end)
        break;
      switch (r->p[1])
        {
          case '"':
          case '\\':
          case '/':
            g_string_append_c (text, r->p[1]);
            break;
          case 'b':
            g_string_append_c (text, '\b');
            break;
          case 'f':
            g_string_append_c (text, '\f');
            break;
          case 'n':
            g_string_append_c (text, '\n');
            break;
          case 'r':
            g_string_append_c (text, '\r');
            break;
          case 't':
            g_string_append_c (text, '\t');
            break;
          default:
            if (text != NULL)
              g_string_free (text, TRUE);
            return NULL;
        }
      r->p += 2;
      start = r->p;
    }

  if (r->p >= r->end || *r->p != '"')
    {
      if (text != NULL)
        g_string_free (text, TRUE);
      return NULL;
    }

  r->p++;
  if (text == NULL)
    return g_strndup (start, r->p - 1 - start);
  g_string_append_len (text, start, r->p - 1 - start);
  return g_string_free (text, FALSE);
}

/* An integer as json-glib reads one: no fraction, no exponent. */
static gboolean
read_int (Reader *r, gint64 *out)
{
  const char *start;
  gboolean    negative = FALSE;
  guint64     value = 0;

  skip_space (r);
  start = r->p;
  if (r->p < r->end && *r->p == '-')
    {
      negative = TRUE;
      r->p++;
    }
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return FALSE;
  if (*r->p == '0' && r->p + 1 < r->end && g_ascii_isdigit (r->p[1]))
    return FALSE;
  while (r->p < r->end && g_ascii_isdigit (*r->p))
    {
      if (r->p - start > 17)
        return FALSE;
      value = value * 10 + (*r->p - '0');
      r->p++;
    }
  if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
    return FALSE;

  *out = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

/* A member name, and the ':' after it. */
static gboolean
read_name (Reader *r, char *name, gsize size)
{
  const char *start;

  if (!expect (r, '"'))
    return FALSE;
  start = r->p;
  while (r->p < r->end && *r->p != '"' && *r->p != '\\')
    r->p++;
  if (r->p >= r->end || *r->p != '"' || (gsize) (r->p - start) >= size)
    return FALSE;
  memcpy (name, start, r->p - start);
  name[r->p - start] = '\0';
  r->p++;

  return expect (r, ':');
}

static gboolean
read_nullable_string (Reader *r, char **out)
{
  if (read_literal (r, "null"))
    return TRUE;
  return (*out = read_string (r)) != NULL;
}

static gboolean
read_enum (Reader *r, GType type, int *out)
{
  g_autofree char *nick = read_string (r);

  return nick != NULL && desk_enum_from_nick (type, nick, out);
}

static gboolean
read_time (Reader *r, gint64 *out)
{
  g_autofree char *text = read_string (r);

  return text != NULL && (*out = desk_time_parse_rfc3339 (text)) != 0;
}

/* Calls @member for each member of an object, each name once. */
static gboolean
read_object (Reader *r, gboolean (*member) (Reader *, const char *, gpointer), gpointer data)
{
  char name[32];

  if (!expect (r, '{'))
    return FALSE;
  if (peek (r, '}'))
    return expect (r, '}');

  do
    {
      if (!read_name (r, name, sizeof name) || !member (r, name, data))
        return FALSE;
    }
  while (expect (r, ','));

  return expect (r, '}');
}

typedef struct
{
  DeskMessageRecord *record;
  guint              seen;
} Message;

enum
{
  SEEN_ID = 1 << 0,
  SEEN_TICKET_ID = 1 << 1,
  SEEN_AUTHOR = 1 << 2,
  SEEN_VISIBILITY = 1 << 3,
  SEEN_BODY = 1 << 4,
  SEEN_BODY_HTML = 1 << 5,
  SEEN_CREATED_AT = 1 << 6,
  SEEN_UPDATED_AT = 1 << 7,
  SEEN_CLIENT_ID = 1 << 8,
  SEEN_ATTACHMENTS = 1 << 9,
  SEEN_AUTHOR_TYPE = 1 << 10,
  SEEN_AUTHOR_ID = 1 << 11,
  SEEN_AUTHOR_NAME = 1 << 12,
  REQUIRED = SEEN_ID | SEEN_TICKET_ID | SEEN_AUTHOR | SEEN_VISIBILITY | SEEN_BODY |
             SEEN_CREATED_AT | SEEN_AUTHOR_TYPE | SEEN_AUTHOR_NAME,
};

static gboolean
see (Message *message, guint bit)
{
  if (message->seen & bit)
    return FALSE;
  message->seen |= bit;
  return TRUE;
}

static gboolean
author_member (Reader *r, const char *name, gpointer data)
{
  Message           *message = data;
  DeskMessageRecord *record = message->record;
  int                value;

  if (g_str_equal (name, "type"))
    {
      if (!see (message, SEEN_AUTHOR_TYPE) || !read_enum (r, DESK_TYPE_AUTHOR_TYPE, &value))
        return FALSE;
      record->author_type = value;
      return TRUE;
    }
  if (g_str_equal (name, "id"))
    return see (message, SEEN_AUTHOR_ID) &&
           (read_literal (r, "null") || read_int (r, &record->author_id));
  if (g_str_equal (name, "name"))
    return see (message, SEEN_AUTHOR_NAME) && (record->author_name = read_string (r)) != NULL;

  return FALSE;
}

static gboolean
message_member (Reader *r, const char *name, gpointer data)
{
  Message           *message = data;
  DeskMessageRecord *record = message->record;
  int                value;

  if (g_str_equal (name, "id"))
    return see (message, SEEN_ID) && read_int (r, &record->id);
  if (g_str_equal (name, "ticket_id"))
    return see (message, SEEN_TICKET_ID) && read_int (r, &record->ticket_id);
  if (g_str_equal (name, "author"))
    return see (message, SEEN_AUTHOR) && read_object (r, author_member, message);
  if (g_str_equal (name, "visibility"))
    {
      if (!see (message, SEEN_VISIBILITY) || !read_enum (r, DESK_TYPE_VISIBILITY, &value))
        return FALSE;
      record->visibility = value;
      return TRUE;
    }
  if (g_str_equal (name, "body"))
    return see (message, SEEN_BODY) && (record->body = read_string (r)) != NULL;
  if (g_str_equal (name, "body_html"))
    return see (message, SEEN_BODY_HTML) && read_nullable_string (r, &record->body_html);
  if (g_str_equal (name, "created_at"))
    return see (message, SEEN_CREATED_AT) && read_time (r, &record->created_at);
  if (g_str_equal (name, "updated_at"))
    return see (message, SEEN_UPDATED_AT) && read_time (r, &record->updated_at);
  if (g_str_equal (name, "client_id"))
    return see (message, SEEN_CLIENT_ID) && read_nullable_string (r, &record->client_id);
  /* Only the empty list: attachments are rare, desk_page_from_json() has them. */
  if (g_str_equal (name, "attachments"))
    {
      if (!see (message, SEEN_ATTACHMENTS) || !expect (r, '[') || !expect (r, ']'))
        return FALSE;
      record->attachments =
          g_ptr_array_new_with_free_func ((GDestroyNotify) desk_attachment_record_free);
      return TRUE;
    }

  return FALSE;
}

static DeskMessageRecord *
read_message (Reader *r)
{
  g_autoptr (DeskMessageRecord) record = g_new0 (DeskMessageRecord, 1);
  Message message = { record, 0 };

  if (!read_object (r, message_member, &message) || (message.seen & REQUIRED) != REQUIRED)
    return NULL;

  return g_steal_pointer (&record);
}

typedef gpointer (*ReadItemFunc) (Reader *r);

typedef struct
{
  DeskPage    *page;
  ReadItemFunc read_item;
  guint        seen;
} Page;

static gboolean
page_member (Reader *r, const char *name, gpointer data)
{
  Page     *state = data;
  DeskPage *page = state->page;

  if (g_str_equal (name, "items"))
    {
      if (state->seen & 1 || !expect (r, '['))
        return FALSE;
      state->seen |= 1;
      if (peek (r, ']'))
        return expect (r, ']');
      do
        {
          gpointer record;

          if (page->items->len >= MAX_ITEMS || !(record = state->read_item (r)))
            return FALSE;
          g_ptr_array_add (page->items, record);
        }
      while (expect (r, ','));
      return expect (r, ']');
    }
  if (g_str_equal (name, "next"))
    {
      if (state->seen & 2)
        return FALSE;
      state->seen |= 2;
      return (page->next = read_string (r)) != NULL;
    }
  if (g_str_equal (name, "more"))
    {
      if (state->seen & 4)
        return FALSE;
      state->seen |= 4;
      if (read_literal (r, "true"))
        page->more = TRUE;
      else if (!read_literal (r, "false"))
        return FALSE;
      return TRUE;
    }
  if (g_str_equal (name, "remaining"))
    {
      if (state->seen & 8)
        return FALSE;
      state->seen |= 8;
      return read_literal (r, "null") || read_int (r, &page->remaining);
    }

  return FALSE;
}

static DeskPage *
read_page (const char *data, gsize length, ReadItemFunc read_item, GDestroyNotify free_item)
{
  g_autoptr (DeskPage) page = g_new0 (DeskPage, 1);
  Page   state = { page, read_item, 0 };
  Reader r = { data, data + length };

  if (!g_utf8_validate (data, length, NULL))
    return NULL;

  page->items = g_ptr_array_new_with_free_func (free_item);
  if (!read_object (&r, page_member, &state) || !(state.seen & 1))
    return NULL;
  skip_space (&r);
  if (r.p != r.end)
    return NULL;

  return g_steal_pointer (&page);
}

DeskPage *
_desk_message_page_read (const char *data, gsize length)
{
  return read_page (data, length, (ReadItemFunc) read_message,
                    (GDestroyNotify) desk_message_record_free);
}

/* Tickets */

typedef struct
{
  DeskTicketRecord *record;
  guint64           seen;
} Ticket;

enum
{
  T_ID,
  T_VERSION,
  T_KIND,
  T_CHANNEL,
  T_SUBJECT,
  T_STATUS,
  T_PRIORITY,
  T_QUEUE_ID,
  T_ASSIGNEE_ID,
  T_REQUESTER,
  T_TAGS,
  T_CREATED_AT,
  T_UPDATED_AT,
  T_FIRST_RESPONSE_DUE,
  T_RESOLUTION_DUE,
  T_FIRST_RESPONDED_AT,
  T_SOLVED_AT,
  T_LAST_MESSAGE_AT,
  T_MESSAGE_COUNT,
  T_CSAT,
  T_REQUESTER_ID,
  T_REQUESTER_NAME,
  T_REQUESTER_EMAIL,
  T_REQUESTER_LOCALE,
  T_N_MEMBERS
};

/* All but the requester's locale, which may be left out. */
#define T_REQUIRED                                                                                 \
  (((G_GUINT64_CONSTANT (1) << T_N_MEMBERS) - 1) & ~(G_GUINT64_CONSTANT (1) << T_REQUESTER_LOCALE))

static gboolean
see_ticket (Ticket *ticket, guint member)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << member;

  if (ticket->seen & bit)
    return FALSE;
  ticket->seen |= bit;
  return TRUE;
}

static gboolean
read_nullable_time (Reader *r, gint64 *out)
{
  return read_literal (r, "null") || read_time (r, out);
}

static gboolean
requester_member (Reader *r, const char *name, gpointer data)
{
  Ticket           *ticket = data;
  DeskTicketRecord *record = ticket->record;

  if (g_str_equal (name, "id"))
    return see_ticket (ticket, T_REQUESTER_ID) && read_int (r, &record->requester.id);
  if (g_str_equal (name, "name"))
    return see_ticket (ticket, T_REQUESTER_NAME) &&
           (record->requester.name = read_string (r)) != NULL;
  if (g_str_equal (name, "email"))
    return see_ticket (ticket, T_REQUESTER_EMAIL) &&
           read_nullable_string (r, &record->requester.email);
  if (g_str_equal (name, "locale"))
    return see_ticket (ticket, T_REQUESTER_LOCALE) &&
           read_nullable_string (r, &record->requester.locale);

  return FALSE;
}

static gboolean
read_tags (Reader *r, GStrv *out)
{
  g_autoptr (GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);

  if (!expect (r, '['))
    return FALSE;
  if (!peek (r, ']'))
    do
      {
        char *tag = read_string (r);

        if (tag == NULL)
          return FALSE;
        g_ptr_array_add (tags, tag);
      }
    while (expect (r, ','));
  if (!expect (r, ']'))
    return FALSE;

  g_ptr_array_add (tags, NULL);
  g_ptr_array_set_free_func (tags, NULL);
  *out = (GStrv) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
  return TRUE;
}

static gboolean
ticket_member (Reader *r, const char *name, gpointer data)
{
  static const struct
  {
    const char *name;
    GType (*get_type) (void);
  } enums[] = {
    [T_KIND] = { "kind", desk_ticket_kind_get_type },
    [T_CHANNEL] = { "channel", desk_channel_get_type },
    [T_STATUS] = { "status", desk_ticket_status_get_type },
    [T_PRIORITY] = { "priority", desk_priority_get_type },
  };
  Ticket           *ticket = data;
  DeskTicketRecord *record = ticket->record;
  int               value;

  for (guint i = T_KIND; i <= T_PRIORITY; i++)
    if (enums[i].name != NULL && g_str_equal (name, enums[i].name))
      {
        if (!see_ticket (ticket, i) || !read_enum (r, enums[i].get_type (), &value))
          return FALSE;
        if (i == T_KIND)
          record->kind = value;
        else if (i == T_CHANNEL)
          record->channel = value;
        else if (i == T_STATUS)
          record->status = value;
        else
          record->priority = value;
        return TRUE;
      }

  if (g_str_equal (name, "id"))
    return see_ticket (ticket, T_ID) && read_int (r, &record->id);
  if (g_str_equal (name, "version"))
    return see_ticket (ticket, T_VERSION) && read_int (r, &record->version);
  if (g_str_equal (name, "subject"))
    return see_ticket (ticket, T_SUBJECT) && (record->subject = read_string (r)) != NULL;
  if (g_str_equal (name, "queue_id"))
    return see_ticket (ticket, T_QUEUE_ID) && read_int (r, &record->queue_id);
  if (g_str_equal (name, "assignee_id"))
    return see_ticket (ticket, T_ASSIGNEE_ID) &&
           (read_literal (r, "null") || read_int (r, &record->assignee_id));
  if (g_str_equal (name, "requester"))
    return see_ticket (ticket, T_REQUESTER) && read_object (r, requester_member, ticket);
  if (g_str_equal (name, "tags"))
    return see_ticket (ticket, T_TAGS) && read_tags (r, &record->tags);
  if (g_str_equal (name, "created_at"))
    return see_ticket (ticket, T_CREATED_AT) && read_time (r, &record->created_at);
  if (g_str_equal (name, "updated_at"))
    return see_ticket (ticket, T_UPDATED_AT) && read_time (r, &record->updated_at);
  if (g_str_equal (name, "first_response_due"))
    return see_ticket (ticket, T_FIRST_RESPONSE_DUE) &&
           read_nullable_time (r, &record->first_response_due);
  if (g_str_equal (name, "resolution_due"))
    return see_ticket (ticket, T_RESOLUTION_DUE) && read_nullable_time (r, &record->resolution_due);
  if (g_str_equal (name, "first_responded_at"))
    return see_ticket (ticket, T_FIRST_RESPONDED_AT) &&
           read_nullable_time (r, &record->first_responded_at);
  if (g_str_equal (name, "solved_at"))
    return see_ticket (ticket, T_SOLVED_AT) && read_nullable_time (r, &record->solved_at);
  if (g_str_equal (name, "last_message_at"))
    return see_ticket (ticket, T_LAST_MESSAGE_AT) &&
           read_nullable_time (r, &record->last_message_at);
  if (g_str_equal (name, "message_count"))
    return see_ticket (ticket, T_MESSAGE_COUNT) && read_int (r, &record->message_count);
  /* null is "not rated"; a number is a rating. */
  if (g_str_equal (name, "csat"))
    {
      gint64 csat;

      if (!see_ticket (ticket, T_CSAT))
        return FALSE;
      if (read_literal (r, "null"))
        return TRUE;
      if (!read_int (r, &csat) || csat < 1 || csat > 5)
        return FALSE;
      record->csat = csat;
      return TRUE;
    }

  return FALSE;
}

static DeskTicketRecord *
read_ticket (Reader *r)
{
  g_autoptr (DeskTicketRecord) record = g_new0 (DeskTicketRecord, 1);
  Ticket ticket = { record, 0 };

  if (!read_object (r, ticket_member, &ticket) || (ticket.seen & T_REQUIRED) != T_REQUIRED)
    return NULL;

  return g_steal_pointer (&record);
}

DeskPage *
_desk_ticket_page_read (const char *data, gsize length)
{
  return read_page (data, length, (ReadItemFunc) read_ticket,
                    (GDestroyNotify) desk_ticket_record_free);
}
