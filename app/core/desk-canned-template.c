/* desk-canned-template.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-canned-template"

#include "config.h"

#include <string.h>

#include "desk-canned-template-private.h"

/* A placeholder is a name or a short label: past this many bytes between
 * the braces, "{{" is text. It also bounds the look-ahead of the parser, so
 * that a body full of "{{" is parsed in linear time. */
#define MAX_PLACEHOLDER_BYTES 200

struct _DeskCannedTemplate
{
  GArray    *segments;   /* of DeskCannedSegment, strings owned */
  GPtrArray *ask_labels; /* of char *, NULL terminated */
};

G_DEFINE_BOXED_TYPE (DeskCannedTemplate,
                     desk_canned_template,
                     desk_canned_template_ref,
                     desk_canned_template_unref)

static void
segment_clear (gpointer data)
{
  DeskCannedSegment *segment = data;

  /* A TEXT segment's source is its text. */
  if (segment->source != segment->text)
    g_free ((char *) segment->source);
  g_free ((char *) segment->text);
}

/* @text trimmed, with every run of whitespace (line breaks and the
 * ideographic space included) made one ASCII space; NULL when nothing is
 * left. @text must be valid UTF-8. */
static char *
collapse_whitespace (const char *text, gssize len)
{
  GString    *out;
  const char *end;
  gboolean    pending_space = FALSE;

  if (text == NULL)
    return NULL;

  end = len < 0 ? text + strlen (text) : text + len;
  out = g_string_sized_new (end - text);

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

/* collapse_whitespace() for text from elsewhere, which may not be UTF-8. */
static char *
one_line (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return NULL;

  if (g_utf8_validate (text, -1, NULL))
    return collapse_whitespace (text, -1);

  valid = g_utf8_make_valid (text, -1);
  return collapse_whitespace (valid, -1);
}

/* Where the label of "ask:Label" starts in a collapsed placeholder, or NULL
 * when @content is not a fill-in field. */
static const char *
ask_label (const char *content)
{
  const char *p;

  if (g_ascii_strncasecmp (content, "ask", 3) != 0)
    return NULL;

  p = content + 3;
  if (*p == ' ')
    p++;

  /* Chinese input methods type a fullwidth colon. */
  if (*p == ':')
    p++;
  else if (g_str_has_prefix (p, "\xef\xbc\x9a")) /* U+FF1A FULLWIDTH COLON */
    p += 3;
  else
    return NULL;

  if (*p == ' ')
    p++;

  return p;
}

/* What "{{content}}" stands for: a placeholder or a fill-in field, with its
 * normalised name or label in @text; FALSE when the braces hold nothing
 * that names one, and so are text. */
static gboolean
parse_placeholder (const char *content, gsize len, DeskCannedSegmentKind *kind, char **text)
{
  g_autofree char *collapsed = collapse_whitespace (content, len);
  const char      *label;

  if (collapsed == NULL)
    return FALSE;

  label = ask_label (collapsed);
  if (label == NULL)
    {
      *kind = DESK_CANNED_SEGMENT_PLACEHOLDER;
      *text = g_ascii_strdown (collapsed, -1);
      return TRUE;
    }

  if (*label == '\0')
    return FALSE;

  *kind = DESK_CANNED_SEGMENT_ASK;
  *text = g_strdup (label);
  return TRUE;
}

static void
add_text (DeskCannedTemplate *self, const char *text, gsize len)
{
  DeskCannedSegment segment;

  if (len == 0)
    return;

  segment.kind = DESK_CANNED_SEGMENT_TEXT;
  segment.text = g_strndup (text, len);
  segment.source = segment.text;
  g_array_append_val (self->segments, segment);
}

static void
parse (DeskCannedTemplate *self, const char *body)
{
  g_autoptr (GHashTable) seen_labels = g_hash_table_new (g_str_hash, g_str_equal);
  const char *text_start = body;
  const char *p = body;

  /* Literal braces do not end the text segment: text is only cut where a
   * placeholder really starts, so that adjacent text is one segment. One
   * pass over the bytes, without strstr(), which sanitizers make measure
   * the whole rest of the body at each call. */
  while (*p != '\0')
    {
      const char       *open = p;
      const char       *content;
      const char       *close = NULL;
      DeskCannedSegment segment;
      char             *text;

      if (p[0] != '{' || p[1] != '{')
        {
          p++;
          continue;
        }

      content = open + 2;
      for (const char *q = content; *q != '\0' && q - content <= MAX_PLACEHOLDER_BYTES; q++)
        {
          if (q[0] == '}' && q[1] == '}')
            {
              close = q;
              break;
            }

          /* Nested or stray braces and line breaks make the outer "{{"
           * text; the search goes on from its second brace, so that
           * "{{{name}}}" still finds "{{name}}". */
          if (*q == '{' || *q == '}' || *q == '\n' || *q == '\r')
            break;
        }

      if (close == NULL || !parse_placeholder (content, close - content, &segment.kind, &text))
        {
          p = open + 1;
          continue;
        }

      add_text (self, text_start, open - text_start);

      segment.text = text;
      segment.source = g_strndup (open, close + 2 - open);
      g_array_append_val (self->segments, segment);

      if (segment.kind == DESK_CANNED_SEGMENT_ASK && !g_hash_table_contains (seen_labels, text))
        {
          char *label = g_strdup (text);

          g_ptr_array_add (self->ask_labels, label);
          g_hash_table_add (seen_labels, label);
        }

      text_start = p = close + 2;
    }

  add_text (self, text_start, p - text_start);
}

/**
 * desk_canned_template_new:
 * @body: (nullable): a canned reply's body
 *
 * Returns: (transfer full): the parsed template; NULL is an empty body.
 */
DeskCannedTemplate *
desk_canned_template_new (const char *body)
{
  DeskCannedTemplate *self;
  g_autofree char    *valid = NULL;

  self = g_atomic_rc_box_new0 (DeskCannedTemplate);
  self->segments = g_array_new (FALSE, FALSE, sizeof (DeskCannedSegment));
  g_array_set_clear_func (self->segments, segment_clear);
  self->ask_labels = g_ptr_array_new_with_free_func (g_free);

  if (body != NULL)
    {
      valid = g_utf8_make_valid (body, -1);
      parse (self, valid);
    }

  g_ptr_array_add (self->ask_labels, NULL);

  return self;
}

DeskCannedTemplate *
desk_canned_template_ref (DeskCannedTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
desk_canned_template_clear (gpointer data)
{
  DeskCannedTemplate *self = data;

  g_clear_pointer (&self->segments, g_array_unref);
  g_clear_pointer (&self->ask_labels, g_ptr_array_unref);
}

void
desk_canned_template_unref (DeskCannedTemplate *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, desk_canned_template_clear);
}

guint
desk_canned_template_get_n_segments (DeskCannedTemplate *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->segments->len;
}

const DeskCannedSegment *
desk_canned_template_get_segment (DeskCannedTemplate *self, guint position)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (position < self->segments->len, NULL);

  return &g_array_index (self->segments, DeskCannedSegment, position);
}

const char *const *
desk_canned_template_get_ask_labels (DeskCannedTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->ask_labels->pdata;
}

gboolean
desk_canned_template_has_asks (DeskCannedTemplate *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* The array always ends with its NULL. */
  return self->ask_labels->len > 1;
}

static void
append_counted (GString *out, glong *n_chars, const char *text, gssize len)
{
  if (len < 0)
    len = strlen (text);

  g_string_append_len (out, text, len);
  *n_chars += g_utf8_strlen (text, len);
}

/* Appends @value trimmed; FALSE, and nothing appended, when it is missing
 * or blank. */
static gboolean
append_value (GString *out, glong *n_chars, const char *value)
{
  g_autofree char *valid = NULL;
  const char      *start;
  const char      *end;

  if (value == NULL)
    return FALSE;

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  start = value;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  if (end == start)
    return FALSE;

  append_counted (out, n_chars, start, end - start);
  return TRUE;
}

char *
desk_canned_template_render (DeskCannedTemplate *self,
                             GHashTable         *values,
                             GHashTable         *answers,
                             GArray            **gaps)
{
  g_autoptr (GArray) gap_array = NULL;
  GString *out;
  glong    n_chars = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (gaps != NULL)
    gap_array = g_array_new (FALSE, FALSE, sizeof (DeskCannedGap));

  out = g_string_new (NULL);

  for (guint i = 0; i < self->segments->len; i++)
    {
      const DeskCannedSegment *segment = &g_array_index (self->segments, DeskCannedSegment, i);
      GHashTable              *table = NULL;
      DeskCannedGap            gap;

      switch (segment->kind)
        {
          case DESK_CANNED_SEGMENT_TEXT:
            append_counted (out, &n_chars, segment->text, -1);
            continue;

          case DESK_CANNED_SEGMENT_PLACEHOLDER:
            table = values;
            break;

          case DESK_CANNED_SEGMENT_ASK:
            table = answers;
            break;

          default:
            g_assert_not_reached ();
        }

      if (table != NULL && append_value (out, &n_chars, g_hash_table_lookup (table, segment->text)))
        continue;

      /* No value: the gap is the name in brackets, visible in the text and
       * marked by its range, for the agent to fill in. */
      gap.start = (int) n_chars;
      append_counted (out, &n_chars, "[", 1);
      append_counted (out, &n_chars, segment->text, -1);
      append_counted (out, &n_chars, "]", 1);
      gap.end = (int) n_chars;
      gap.segment = i;

      if (gap_array != NULL)
        g_array_append_val (gap_array, gap);
    }

  if (gaps != NULL)
    *gaps = g_steal_pointer (&gap_array);

  return g_string_free (out, FALSE);
}

gboolean
desk_canned_template_is_known_name (const char *name)
{
  static const char *const known[] = {
    DESK_CANNED_CUSTOMER_NAME, DESK_CANNED_CUSTOMER_FIRST_NAME, DESK_CANNED_AGENT_NAME,
    DESK_CANNED_TICKET_ID,     DESK_CANNED_TICKET_SUBJECT,
  };

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      if (strcmp (name, known[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Languages whose names are written family name first, where the first
 * word of a name is not what a greeting uses. */
static gboolean
locale_puts_family_name_first (const char *locale)
{
  static const char *const languages[] = { "zh", "ja", "ko", "hu", "vi" };

  if (locale == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      if (g_ascii_strncasecmp (locale, languages[i], 2) == 0 &&
          (locale[2] == '\0' || locale[2] == '_' || locale[2] == '-' || locale[2] == '.'))
        return TRUE;
    }

  return FALSE;
}

/* Names in these scripts are written family name first and without spaces
 * ("王磊"); the first word would be the whole name or the family name. */
static gboolean
has_cjk (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      switch ((int) g_unichar_get_script (g_utf8_get_char (p)))
        {
          case G_UNICODE_SCRIPT_HAN:
          case G_UNICODE_SCRIPT_HIRAGANA:
          case G_UNICODE_SCRIPT_KATAKANA:
          case G_UNICODE_SCRIPT_HANGUL:
          case G_UNICODE_SCRIPT_BOPOMOFO:
            return TRUE;

          default:
            break;
        }
    }

  return FALSE;
}

static gboolean
is_title (const char *word)
{
  static const char *const titles[] = { "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir" };
  gsize                    len = strlen (word);

  if (len > 0 && word[len - 1] == '.')
    len--;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      if (strlen (titles[i]) == len && g_ascii_strncasecmp (word, titles[i], len) == 0)
        return TRUE;
    }

  return FALSE;
}

char *
_desk_canned_first_name (const char *name, const char *locale)
{
  g_autofree char *full = one_line (name);
  g_autofree char *first = NULL;
  const char      *space;
  gsize            len;

  if (full == NULL)
    return NULL;

  space = strchr (full, ' ');

  /* "mei@example.com" is no name to greet anyone with. */
  if (space == NULL && strchr (full, '@') != NULL)
    return NULL;

  if (space == NULL || has_cjk (full) || locale_puts_family_name_first (locale))
    return g_steal_pointer (&full);

  /* "Oliver Bennett, PhD" greets Oliver, not "Oliver,". */
  len = space - full;
  while (len > 0 && strchr (",;", full[len - 1]) != NULL)
    len--;
  first = g_strndup (full, len);

  /* "Hi Dr.," is worse than "Hi Dr. Jane Smith,". */
  if (len == 0 || is_title (first))
    return g_steal_pointer (&full);

  return g_steal_pointer (&first);
}

static void
take_value (GHashTable *values, const char *name, char *value)
{
  if (value != NULL)
    g_hash_table_insert (values, g_strdup (name), value);
}

GHashTable *
desk_canned_template_values_new (const DeskTicketRecord *ticket, const char *agent_name)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (ticket != NULL)
    {
      take_value (values, DESK_CANNED_CUSTOMER_NAME, one_line (ticket->requester.name));
      take_value (values, DESK_CANNED_CUSTOMER_FIRST_NAME,
                  _desk_canned_first_name (ticket->requester.name, ticket->requester.locale));
      take_value (values, DESK_CANNED_TICKET_SUBJECT, one_line (ticket->subject));

      /* Bodies write "#{{ticket.id}}", so the value is the bare number. */
      if (ticket->id > 0)
        take_value (values, DESK_CANNED_TICKET_ID,
                    g_strdup_printf ("%" G_GINT64_FORMAT, ticket->id));
    }

  take_value (values, DESK_CANNED_AGENT_NAME, one_line (agent_name));

  return values;
}
