/* desk-html.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-html"

#include "config.h"

#include <string.h>

#include <libxml/HTMLparser.h>

#include "desk-html.h"

/* Nodes deeper than this are read as text of their ancestors' level: a
 * hostile message cannot make the walk recurse without end. */
#define MAX_DEPTH 256

static const char *block_elements[] = {
  "address", "article", "aside", "blockquote", "div",   "dl",      "dt",     "dd",
  "footer",  "form",    "h1",    "h2",         "h3",    "h4",      "h5",     "h6",
  "header",  "hr",      "li",    "main",       "nav",   "ol",      "p",      "pre",
  "section", "table",   "tr",    "ul",         "title", "caption", "figure", NULL,
};

static gboolean
is_named (xmlNode *node, const char *name)
{
  return node->name != NULL && g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

static gboolean
is_block (xmlNode *node)
{
  for (guint i = 0; block_elements[i] != NULL; i++)
    if (is_named (node, block_elements[i]))
      return TRUE;
  return FALSE;
}

static void
end_line (GString *text)
{
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
}

/* Paragraphs, headings, lists and quotes stand apart by a blank line. */
static gboolean
is_paragraph (xmlNode *node)
{
  static const char *names[] = { "p",  "h1", "h2",         "h3",  "h4",    "h5", "h6",
                                 "ul", "ol", "blockquote", "pre", "table", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    if (is_named (node, names[i]))
      return TRUE;
  return FALSE;
}

static void
end_paragraph (GString *text)
{
  end_line (text);
  if (text->len > 1 && text->str[text->len - 2] != '\n')
    g_string_append_c (text, '\n');
}

/* Runs of spaces and line breaks in HTML text are one space. */
static void
append_collapsed (GString *text, const char *content, gboolean preformatted)
{
  if (preformatted)
    {
      g_string_append (text, content);
      return;
    }

  for (const char *p = content; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (text->len > 0 && text->str[text->len - 1] != ' ' && text->str[text->len - 1] != '\n')
            g_string_append_c (text, ' ');
        }
      else
        g_string_append_c (text, *p);
    }
}

static void
walk (xmlNode *node, GString *text, guint depth, gboolean preformatted)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        {
          if (node->content != NULL)
            append_collapsed (text, (const char *) node->content, preformatted);
          continue;
        }
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_named (node, "script") || is_named (node, "style") || is_named (node, "head") ||
          is_named (node, "template"))
        continue;

      if (is_named (node, "br"))
        {
          g_string_append_c (text, '\n');
          continue;
        }
      if (is_block (node))
        end_line (text);
      if (is_named (node, "li"))
        g_string_append (text, "• ");
      if (is_named (node, "td") || is_named (node, "th"))
        if (text->len > 0 && text->str[text->len - 1] != '\n')
          g_string_append (text, "\t");

      if (depth < MAX_DEPTH)
        walk (node->children, text, depth + 1, preformatted || is_named (node, "pre"));

      if (is_named (node, "a"))
        {
          g_autofree char *href = (char *) xmlGetProp (node, (const xmlChar *) "href");

          if (href != NULL &&
              (g_str_has_prefix (href, "http://") || g_str_has_prefix (href, "https://")) &&
              strstr (text->str, href) == NULL)
            g_string_append_printf (text, " (%s)", href);
        }
      if (is_paragraph (node))
        end_paragraph (text);
      else if (is_block (node))
        end_line (text);
    }
}

char *
desk_html_to_text (const char *html, gssize length)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *valid = NULL;
  htmlDocPtr       doc;
  char            *result;

  if (html == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (html, length);
  doc = htmlReadMemory (valid, strlen (valid), NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                            HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (doc == NULL)
    return g_strdup ("");

  walk (xmlDocGetRootElement (doc), text, 0, FALSE);
  xmlFreeDoc (doc);

  /* No blank lines at the ends, at most one in between. */
  result = g_strstrip (g_string_free (g_steal_pointer (&text), FALSE));
  {
    GString *tidy = g_string_new (NULL);
    guint    newlines = 0;

    for (const char *p = result; *p != '\0'; p++)
      {
        newlines = *p == '\n' ? newlines + 1 : 0;
        if (newlines <= 2)
          g_string_append_c (tidy, *p);
      }
    g_free (result);
    result = g_string_free (tidy, FALSE);
  }

  return result;
}
