/* desk-markdown.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-markdown"

#include "config.h"

#include <string.h>

#include <cmark.h>

#include "desk-markdown.h"

/* Past this many levels of lists and quotes, deeper levels add no more
 * indentation (their markers still show). Indenting every level would let
 * a short article of deeply nested quotes with many line breaks grow into
 * gigabytes of spaces. */
#define MAX_INDENT_LEVELS 8

#define THEMATIC_BREAK "──────────"

typedef enum
{
  CONTAINER_LIST,
  CONTAINER_ITEM,
  CONTAINER_QUOTE,
} ContainerKind;

typedef struct
{
  ContainerKind kind;

  gboolean started; /* a block inside it has been written */

  /* Lists */
  gboolean tight;
  gboolean ordered;
  char     delimiter;
  int      number; /* of the next item */

  /* Items and quotes: the prefix of the first line (items only, until it
   * is written) and of every other line. */
  char *marker;
  char *indent;
} Container;

typedef struct
{
  GString *out;
  gboolean markup;
  GArray  *containers; /* of Container, outermost first */
  gboolean started;    /* a block has been written */
  guint    link_depth; /* links and images open around the current node */
} Writer;

gboolean
desk_markdown_link_is_allowed (const char *uri)
{
  const char *scheme;

  if (uri == NULL)
    return FALSE;

  /* Interned and in lower case. */
  scheme = g_uri_peek_scheme (uri);

  return scheme != NULL && (strcmp (scheme, "https") == 0 || strcmp (scheme, "http") == 0 ||
                            strcmp (scheme, "mailto") == 0);
}

static void
container_clear (gpointer data)
{
  Container *container = data;

  g_clear_pointer (&container->marker, g_free);
  g_clear_pointer (&container->indent, g_free);
}

static void
writer_init (Writer *w, gboolean markup)
{
  w->out = g_string_new (NULL);
  w->markup = markup;
  w->containers = g_array_new (FALSE, TRUE, sizeof (Container));
  g_array_set_clear_func (w->containers, container_clear);
  w->started = FALSE;
  w->link_depth = 0;
}

static char *
writer_finish (Writer *w)
{
  g_clear_pointer (&w->containers, g_array_unref);
  return g_string_free (g_steal_pointer (&w->out), FALSE);
}

static Container *
writer_push (Writer *w, ContainerKind kind)
{
  Container container = { .kind = kind };

  g_array_append_val (w->containers, container);
  return &g_array_index (w->containers, Container, w->containers->len - 1);
}

static Container *
writer_top (Writer *w)
{
  if (w->containers->len == 0)
    return NULL;

  return &g_array_index (w->containers, Container, w->containers->len - 1);
}

static void
writer_pop (Writer *w)
{
  g_array_set_size (w->containers, w->containers->len - 1);
}

/* Text from the article: escaped in markup, as it is in plain text. */
static void
append_escaped (Writer *w, const char *text, gssize len)
{
  g_autofree char *escaped = NULL;

  if (len < 0)
    len = strlen (text);

  if (len == 0)
    return;

  if (!w->markup)
    {
      g_string_append_len (w->out, text, len);
      return;
    }

  escaped = g_markup_escape_text (text, len);
  g_string_append (w->out, escaped);
}

/* The prefix of a line: each enclosing item's marker on its first line,
 * its indentation after, and each quote's indentation. A blank line gets
 * the indentation only, without trailing spaces. */
static void
write_prefix (Writer *w, gboolean blank)
{
  gsize start = w->out->len;
  guint level = 0;

  for (guint i = 0; i < w->containers->len; i++)
    {
      Container *container = &g_array_index (w->containers, Container, i);

      if (container->kind == CONTAINER_LIST)
        continue;

      level++;

      /* A blank line before the first block of a quote belongs to the
       * blocks around the quote: "> a\n>\n> > b", not "> > " before b. */
      if (blank && !container->started)
        continue;

      if (!blank && container->marker != NULL)
        {
          g_string_append (w->out, container->marker);
          g_clear_pointer (&container->marker, g_free);
        }
      else if (level <= MAX_INDENT_LEVELS)
        {
          g_string_append (w->out, container->indent);
        }
    }

  if (blank)
    {
      while (w->out->len > start && w->out->str[w->out->len - 1] == ' ')
        g_string_truncate (w->out, w->out->len - 1);
    }
}

static void
new_line (Writer *w)
{
  g_string_append_c (w->out, '\n');
  write_prefix (w, FALSE);
}

/* Article text, which may hold line breaks (code blocks, raw HTML): each
 * new line starts with the prefix of the blocks around it. */
static void
write_text (Writer *w, const char *text, gssize len)
{
  const char *end;
  const char *newline;

  if (len < 0)
    len = strlen (text);
  end = text + len;

  while ((newline = memchr (text, '\n', end - text)) != NULL)
    {
      append_escaped (w, text, newline - text);
      new_line (w);
      text = newline + 1;
    }

  append_escaped (w, text, end - text);
}

/* The line breaks between the block that ends and the next one: one
 * between the items of a tight list, a blank line everywhere else. */
static guint
block_gap (Writer *w)
{
  for (guint i = w->containers->len; i > 0; i--)
    {
      Container *container = &g_array_index (w->containers, Container, i - 1);

      if (container->kind == CONTAINER_QUOTE)
        return 2;

      /* The first block of a list is as far from what came before as the
       * list is: decided further out. */
      if (container->kind == CONTAINER_LIST && container->started)
        return container->tight ? 1 : 2;
    }

  return 2;
}

static void
begin_block (Writer *w)
{
  if (w->started)
    {
      guint gap = block_gap (w);

      for (guint i = 1; i < gap; i++)
        {
          g_string_append_c (w->out, '\n');
          write_prefix (w, TRUE);
        }
      g_string_append_c (w->out, '\n');
    }

  write_prefix (w, FALSE);
  w->started = TRUE;

  for (guint i = 0; i < w->containers->len; i++)
    g_array_index (w->containers, Container, i).started = TRUE;
}

static void
enter_list (Writer *w, cmark_node *node)
{
  Container *list = writer_push (w, CONTAINER_LIST);

  list->tight = cmark_node_get_list_tight (node);
  list->ordered = cmark_node_get_list_type (node) == CMARK_ORDERED_LIST;
  list->delimiter = cmark_node_get_list_delim (node) == CMARK_PAREN_DELIM ? ')' : '.';
  list->number = cmark_node_get_list_start (node);
}

static void
enter_item (Writer *w)
{
  Container *list = writer_top (w);
  Container *item;
  char      *marker;
  glong      width;

  /* cmark puts items in lists and nowhere else. */
  g_return_if_fail (list != NULL && list->kind == CONTAINER_LIST);

  if (list->ordered)
    marker = g_strdup_printf ("%d%c ", list->number++, list->delimiter);
  else
    marker = g_strdup ("• ");

  /* Digits and bullets are wider than a space in proportional fonts. */
  width = g_utf8_strlen (marker, -1) + (w->markup ? 1 : 0);

  item = writer_push (w, CONTAINER_ITEM);
  item->marker = marker;
  item->indent = g_strnfill (width, ' ');
}

static void
exit_item (Writer *w)
{
  Container *item = writer_top (w);

  /* An empty item still shows its marker. */
  if (item->marker != NULL)
    begin_block (w);

  writer_pop (w);
}

static void
enter_quote (Writer *w)
{
  Container *quote = writer_push (w, CONTAINER_QUOTE);

  quote->indent = g_strdup (w->markup ? "    " : "> ");

  if (w->markup)
    g_string_append (w->out, "<i>");
}

static void
exit_quote (Writer *w)
{
  if (w->markup)
    g_string_append (w->out, "</i>");

  writer_pop (w);
}

static void
enter_heading (Writer *w, cmark_node *node)
{
  begin_block (w);

  if (!w->markup)
    return;

  switch (cmark_node_get_heading_level (node))
    {
      case 1:
        g_string_append (w->out, "<span size=\"xx-large\" weight=\"bold\">");
        break;

      case 2:
        g_string_append (w->out, "<span size=\"x-large\" weight=\"bold\">");
        break;

      case 3:
        g_string_append (w->out, "<span size=\"large\" weight=\"bold\">");
        break;

      default:
        g_string_append (w->out, "<span weight=\"bold\">");
        break;
    }
}

/* Code and raw HTML blocks end with the line break of their last line. */
static void
write_literal_block (Writer *w, cmark_node *node, const char *open, const char *close)
{
  const char *literal = cmark_node_get_literal (node);
  gsize       len = literal != NULL ? strlen (literal) : 0;

  while (len > 0 && (literal[len - 1] == '\n' || literal[len - 1] == '\r'))
    len--;

  begin_block (w);

  if (w->markup && open != NULL)
    g_string_append (w->out, open);

  if (len > 0)
    write_text (w, literal, len);

  if (w->markup && close != NULL)
    g_string_append (w->out, close);
}

/* Chinese and Japanese wrap lines without spaces: a line break between
 * two wide characters joins them without one. */
static gboolean
softbreak_joins_wide (cmark_node *node)
{
  cmark_node *prev = cmark_node_previous (node);
  cmark_node *next = cmark_node_next (node);
  const char *before;
  const char *after;

  if (prev == NULL || next == NULL || cmark_node_get_type (prev) != CMARK_NODE_TEXT ||
      cmark_node_get_type (next) != CMARK_NODE_TEXT)
    return FALSE;

  before = cmark_node_get_literal (prev);
  after = cmark_node_get_literal (next);
  if (before == NULL || after == NULL || *before == '\0' || *after == '\0')
    return FALSE;

  return g_unichar_iswide (g_utf8_get_char (g_utf8_prev_char (before + strlen (before)))) &&
         g_unichar_iswide (g_utf8_get_char (after));
}

static gboolean
link_is_shown (Writer *w, cmark_node *node)
{
  /* Links never nest, not even through an image's description. */
  return w->link_depth == 0 && desk_markdown_link_is_allowed (cmark_node_get_url (node));
}

static void
enter_link (Writer *w, cmark_node *node)
{
  const char *url = cmark_node_get_url (node);
  const char *title = cmark_node_get_title (node);

  if (link_is_shown (w, node) && w->markup)
    {
      g_autofree char *href = g_markup_escape_text (url, -1);

      g_string_append_printf (w->out, "<a href=\"%s\"", href);
      if (title != NULL && *title != '\0')
        {
          g_autofree char *escaped = g_markup_escape_text (title, -1);

          g_string_append_printf (w->out, " title=\"%s\"", escaped);
        }
      g_string_append_c (w->out, '>');

      /* "[](https://…)" would be an invisible link. */
      if (cmark_node_first_child (node) == NULL)
        append_escaped (w, url, -1);
    }
  else if (link_is_shown (w, node) && cmark_node_first_child (node) == NULL)
    {
      append_escaped (w, url, -1);
    }

  w->link_depth++;
}

static void
exit_link (Writer *w, cmark_node *node)
{
  w->link_depth--;

  if (link_is_shown (w, node) && w->markup)
    g_string_append (w->out, "</a>");
}

static void
write_node (Writer *w, cmark_node *node, cmark_event_type event)
{
  gboolean entering = event == CMARK_EVENT_ENTER;

  switch (cmark_node_get_type (node))
    {
      case CMARK_NODE_PARAGRAPH:
        if (entering)
          begin_block (w);
        break;

      case CMARK_NODE_HEADING:
        if (entering)
          enter_heading (w, node);
        else if (w->markup)
          g_string_append (w->out, "</span>");
        break;

      case CMARK_NODE_LIST:
        if (entering)
          enter_list (w, node);
        else
          writer_pop (w);
        break;

      case CMARK_NODE_ITEM:
        if (entering)
          enter_item (w);
        else
          exit_item (w);
        break;

      case CMARK_NODE_BLOCK_QUOTE:
        if (entering)
          enter_quote (w);
        else
          exit_quote (w);
        break;

      case CMARK_NODE_CODE_BLOCK:
        write_literal_block (w, node, "<tt>", "</tt>");
        break;

      case CMARK_NODE_HTML_BLOCK:
        /* Shown as the text it is: the article is data, not markup. */
        write_literal_block (w, node, NULL, NULL);
        break;

      case CMARK_NODE_THEMATIC_BREAK:
        begin_block (w);
        g_string_append (w->out, THEMATIC_BREAK);
        break;

      case CMARK_NODE_TEXT:
      case CMARK_NODE_HTML_INLINE:
        write_text (w, cmark_node_get_literal (node), -1);
        break;

      case CMARK_NODE_SOFTBREAK:
        if (!softbreak_joins_wide (node))
          g_string_append_c (w->out, ' ');
        break;

      case CMARK_NODE_LINEBREAK:
        new_line (w);
        break;

      case CMARK_NODE_CODE:
        if (w->markup)
          g_string_append (w->out, "<tt>");
        write_text (w, cmark_node_get_literal (node), -1);
        if (w->markup)
          g_string_append (w->out, "</tt>");
        break;

      case CMARK_NODE_EMPH:
        if (w->markup)
          g_string_append (w->out, entering ? "<i>" : "</i>");
        break;

      case CMARK_NODE_STRONG:
        if (w->markup)
          g_string_append (w->out, entering ? "<b>" : "</b>");
        break;

      case CMARK_NODE_LINK:
        if (entering)
          enter_link (w, node);
        else
          exit_link (w, node);
        break;

      case CMARK_NODE_IMAGE:
        /* Its children are its description, written as text; no link may
       * open inside it. */
        if (entering)
          w->link_depth++;
        else
          w->link_depth--;
        break;

      /* Custom nodes only come from code that builds trees, and the
     * document is the root: their children are all there is to write. */
      case CMARK_NODE_DOCUMENT:
      case CMARK_NODE_CUSTOM_BLOCK:
      case CMARK_NODE_CUSTOM_INLINE:
      case CMARK_NODE_NONE:
      default:
        break;
    }
}

static void
write_tree (Writer *w, cmark_node *root)
{
  cmark_iter      *iter = cmark_iter_new (root);
  cmark_event_type event;

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    write_node (w, cmark_iter_get_node (iter), event);

  cmark_iter_free (iter);
}

static cmark_node *
parse (const char *markdown)
{
  g_autofree char *valid = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);

  return cmark_parse_document (valid, strlen (valid), CMARK_OPT_VALIDATE_UTF8);
}

static char *
render (const char *markdown, gboolean markup)
{
  cmark_node *document = parse (markdown);
  Writer      w;

  writer_init (&w, markup);
  write_tree (&w, document);
  cmark_node_free (document);

  return writer_finish (&w);
}

char *
desk_markdown_to_pango (const char *markdown)
{
  return render (markdown, TRUE);
}

char *
desk_markdown_to_plain (const char *markdown)
{
  return render (markdown, FALSE);
}

static cmark_node *
find_first_paragraph (cmark_node *document)
{
  cmark_node      *found = NULL;
  cmark_iter      *iter;
  cmark_event_type event;

  for (cmark_node *child = cmark_node_first_child (document); child != NULL;
       child = cmark_node_next (child))
    {
      if (cmark_node_get_type (child) == CMARK_NODE_PARAGRAPH)
        return child;
    }

  iter = cmark_iter_new (document);
  while (found == NULL && (event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);

      if (event == CMARK_EVENT_ENTER && cmark_node_get_type (node) == CMARK_NODE_PARAGRAPH)
        found = node;
    }
  cmark_iter_free (iter);

  return found;
}

char *
desk_markdown_first_paragraph (const char *markdown)
{
  cmark_node *document = parse (markdown);
  cmark_node *paragraph = find_first_paragraph (document);
  Writer      w;

  writer_init (&w, FALSE);
  if (paragraph != NULL)
    write_tree (&w, paragraph);
  cmark_node_free (document);

  return g_strstrip (writer_finish (&w));
}
