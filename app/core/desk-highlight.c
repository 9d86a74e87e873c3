/* desk-highlight.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-highlight"

#include "config.h"

#include <string.h>

#include "desk-highlight.h"

#define MATCH_START '\x01'
#define MATCH_END '\x02'

char *
desk_highlight_to_pango (const char *marked)
{
  g_autoptr (GString) markup = g_string_new (NULL);
  g_autofree char *valid = NULL;
  gboolean         in_match = FALSE;
  const char      *p;

  if (marked == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (marked, -1);
  p = valid;
  while (*p != '\0')
    {
      gsize            run = strcspn (p, "\x01\x02");
      g_autofree char *escaped = g_markup_escape_text (p, run);

      g_string_append (markup, escaped);
      p += run;
      if (*p == MATCH_START && !in_match)
        {
          g_string_append (markup, "<b>");
          in_match = TRUE;
        }
      else if (*p == MATCH_END && in_match)
        {
          g_string_append (markup, "</b>");
          in_match = FALSE;
        }
      if (*p != '\0')
        p++;
    }
  if (in_match)
    g_string_append (markup, "</b>");

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

char *
desk_highlight_to_plain (const char *marked)
{
  GString *plain = g_string_new (NULL);

  for (const char *p = marked; p != NULL && *p != '\0'; p++)
    if (*p != MATCH_START && *p != MATCH_END)
      g_string_append_c (plain, *p);

  return g_string_free (plain, FALSE);
}

char *
desk_highlight_snippet_to_pango (const char *marked)
{
  g_autoptr (GString) line = g_string_new (NULL);
  gboolean at_line_start = TRUE;

  for (const char *p = marked; p != NULL && *p != '\0'; p++)
    {
      if (*p == '\n' || *p == '\r' || *p == '\t')
        {
          if (line->len > 0 && line->str[line->len - 1] != ' ')
            g_string_append_c (line, ' ');
          at_line_start = TRUE;
          continue;
        }
      if (*p == '*' || *p == '`' || (*p == '#' && at_line_start))
        continue;
      /* A bullet ("- " or "+ ") at the start of a line. */
      if (at_line_start && (*p == '-' || *p == '+' || *p == '>') && (p[1] == ' ' || p[1] == '\0'))
        continue;
      if (*p == ' ' && (line->len == 0 || line->str[line->len - 1] == ' '))
        continue;
      if (*p != ' ' && *p != MATCH_START && *p != MATCH_END)
        at_line_start = FALSE;
      g_string_append_c (line, *p);
    }

  return desk_highlight_to_pango (line->str);
}

/* Where an address ends: at a space, a quote or an angle bracket, and
 * without the punctuation that ends the sentence around it. */
static const char *
address_end (const char *start)
{
  const char *end = start;

  while (*end != '\0' && !g_ascii_isspace (*end) && *end != '"' && *end != '<' && *end != '>' &&
         *end != '\'')
    end++;
  while (end > start && strchr (".,;:!?)]}", end[-1]) != NULL)
    end--;
  return end;
}

char *
desk_text_to_linked_pango (const char *text)
{
  g_autoptr (GString) markup = g_string_new (NULL);
  g_autofree char *valid = NULL;
  const char      *p;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  p = valid;
  while (*p != '\0')
    {
      const char *http = strstr (p, "http://");
      const char *https = strstr (p, "https://");
      const char *start = http && (!https || http < https) ? http : https;
      const char *end;

      if (start == NULL || (start > valid && g_ascii_isalnum (start[-1])))
        {
          const char      *until = start ? start + 4 : p + strlen (p);
          g_autofree char *plain = g_markup_escape_text (p, until - p);

          g_string_append (markup, plain);
          p = until;
          continue;
        }

      {
        g_autofree char *before = g_markup_escape_text (p, start - p);

        g_string_append (markup, before);
      }
      end = address_end (start);
      if (end - start <= (long) strlen ("https://"))
        {
          g_autofree char *plain = g_markup_escape_text (start, end - start);

          g_string_append (markup, plain);
        }
      else
        {
          g_autofree char *address = g_markup_escape_text (start, end - start);

          g_string_append_printf (markup, "<a href=\"%s\">%s</a>", address, address);
        }
      p = end;
    }

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
is_ideograph (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA ||
         script == G_UNICODE_SCRIPT_KATAKANA;
}

/* The length in bytes of @word at @p of @text when it starts there, case
 * aside; 0 when it does not. */
static gsize
match_at (const char *p, const char *word)
{
  const char *start = p;

  while (*word != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (*p == '\0' || g_unichar_tolower (c) != g_unichar_tolower (g_utf8_get_char (word)))
        return 0;
      p = g_utf8_next_char (p);
      word = g_utf8_next_char (word);
    }
  return p - start;
}

/* The words of @search marked in @text as search results mark them (see
 * desk_highlight_to_pango()): as the inbox search matches them, a word
 * where a word of the text starts, and Chinese or Japanese anywhere. */
char *
desk_highlight_mark_words (const char *text, const char *search)
{
  g_autoptr (GString) marked = NULL;
  g_autofree char *valid = NULL;
  g_auto (GStrv) words = NULL;
  gunichar    previous = 0;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  /* The marks are ours: any in the text itself go. */
  g_strdelimit (valid, "\x01\x02", ' ');
  if (search == NULL)
    return g_steal_pointer (&valid);

  words = g_str_tokenize_and_fold (search, NULL, NULL);
  marked = g_string_sized_new (strlen (valid) + 16);
  p = valid;
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      gsize    longest = 0;

      for (guint i = 0; words[i] != NULL; i++)
        {
          gboolean ideographic = is_ideograph (g_utf8_get_char (words[i]));
          gsize    length;

          if (!ideographic && is_word_char (previous))
            continue;
          length = match_at (p, words[i]);
          longest = MAX (longest, length);
        }

      if (longest > 0)
        {
          const char *end = p + longest;

          g_string_append_c (marked, MATCH_START);
          g_string_append_len (marked, p, longest);
          g_string_append_c (marked, MATCH_END);
          previous = g_utf8_get_char (g_utf8_prev_char (end));
          p = end;
          continue;
        }

      g_string_append_unichar (marked, c);
      previous = c;
      p = g_utf8_next_char (p);
    }

  return g_string_free (g_steal_pointer (&marked), FALSE);
}
