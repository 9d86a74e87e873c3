/* test-core-markdown.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-markdown"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <pango/pango.h>

#include "desk-highlight.h"
#include "desk-markdown.h"

/* GtkLabel takes <a href="…" title="…" class="…"> out of the markup itself
 * and hands the rest to Pango. These handlers do the same, so that
 * pango_parse_markup() sees what a label's Pango would see; they also
 * refuse nested links and disallowed targets. */
typedef struct
{
  GString *pango;
  guint    link_depth;
  guint    n_links;
} LabelMarkup;

static void
label_start_element (GMarkupParseContext *context,
                     const char          *element_name,
                     const char         **attribute_names,
                     const char         **attribute_values,
                     gpointer             user_data,
                     GError             **error)
{
  LabelMarkup *data = user_data;
  const char  *href = NULL;

  if (strcmp (element_name, "markup") == 0)
    return;

  if (strcmp (element_name, "a") != 0)
    {
      g_string_append_printf (data->pango, "<%s", element_name);
      for (guint i = 0; attribute_names[i] != NULL; i++)
        {
          g_autofree char *value = g_markup_escape_text (attribute_values[i], -1);

          g_string_append_printf (data->pango, " %s=\"%s\"", attribute_names[i], value);
        }
      g_string_append_c (data->pango, '>');
      return;
    }

  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      if (strcmp (attribute_names[i], "href") == 0)
        href = attribute_values[i];
      else if (strcmp (attribute_names[i], "title") != 0 &&
               strcmp (attribute_names[i], "class") != 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ATTRIBUTE,
                       "attribute %s on <a>", attribute_names[i]);
          return;
        }
    }

  if (href == NULL || !desk_markdown_link_is_allowed (href) || data->link_depth > 0)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "bad <a>");
      return;
    }

  data->link_depth++;
  data->n_links++;
}

static void
label_end_element (GMarkupParseContext *context,
                   const char          *element_name,
                   gpointer             user_data,
                   GError             **error)
{
  LabelMarkup *data = user_data;

  if (strcmp (element_name, "markup") == 0)
    return;

  if (strcmp (element_name, "a") == 0)
    data->link_depth--;
  else
    g_string_append_printf (data->pango, "</%s>", element_name);
}

static void
label_text (GMarkupParseContext *context,
            const char          *text,
            gsize                text_len,
            gpointer             user_data,
            GError             **error)
{
  LabelMarkup     *data = user_data;
  g_autofree char *escaped = g_markup_escape_text (text, text_len);

  g_string_append (data->pango, escaped);
}

/* Asserts that @markup parses as a GtkLabel would parse it, and returns
 * the text it shows; @attrs receives its Pango attributes. */
static char *
parse_label_markup (const char *markup, PangoAttrList **attrs, guint *n_links)
{
  static const GMarkupParser parser = {
    label_start_element, label_end_element, label_text, NULL, NULL,
  };
  LabelMarkup      data = { g_string_new (NULL), 0, 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *pango = NULL;
  char            *text = NULL;

  g_assert_true (g_utf8_validate (markup, -1, NULL));

  context = g_markup_parse_context_new (&parser, 0, &data, NULL);
  if (!g_markup_parse_context_parse (context, wrapped, -1, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    g_error ("not label markup (%s): %s", error->message, markup);

  pango = g_string_free (data.pango, FALSE);
  if (!pango_parse_markup (pango, -1, 0, attrs, &text, NULL, &error))
    g_error ("not Pango markup (%s): %s", error->message, pango);

  if (n_links != NULL)
    *n_links = data.n_links;

  return text;
}

static void
assert_label_markup (const char *markup)
{
  g_autofree char *text = parse_label_markup (markup, NULL, NULL);
}

static gboolean
has_attribute (PangoAttrList *attrs, PangoAttrType type)
{
  g_autoptr (PangoAttrIterator) iter = NULL;

  if (attrs == NULL)
    return FALSE;

  iter = pango_attr_list_get_iterator (attrs);
  do
    {
      if (pango_attr_iterator_get (iter, type) != NULL)
        return TRUE;
    }
  while (pango_attr_iterator_next (iter));

  return FALSE;
}

static void
assert_pango (const char *markdown, const char *expected)
{
  g_autofree char *markup = desk_markdown_to_pango (markdown);

  g_assert_cmpstr (markup, ==, expected);
  assert_label_markup (markup);
}

static void
assert_plain (const char *markdown, const char *expected)
{
  g_autofree char *plain = desk_markdown_to_plain (markdown);

  g_assert_cmpstr (plain, ==, expected);
}

static void
test_blocks (void)
{
  assert_pango ("# One\n\n## Two\n\n### Three\n\n#### Four",
                "<span size=\"xx-large\" weight=\"bold\">One</span>\n\n"
                "<span size=\"x-large\" weight=\"bold\">Two</span>\n\n"
                "<span size=\"large\" weight=\"bold\">Three</span>\n\n"
                "<span weight=\"bold\">Four</span>");
  assert_pango ("First line\nsame paragraph.\n\nSecond paragraph.",
                "First line same paragraph.\n\nSecond paragraph.");
  assert_pango ("Hard  \nbreak", "Hard\nbreak");
  assert_pango ("Above\n\n---\n\nBelow", "Above\n\n──────────\n\nBelow");
  assert_pango ("", "");
  assert_pango (NULL, "");
}

static void
test_inline (void)
{
  assert_pango ("*em* _em_ **strong** __strong__ ***both*** `code`",
                "<i>em</i> <i>em</i> <b>strong</b> <b>strong</b> <i><b>both</b></i> <tt>code</tt>");
  assert_pango ("`<b>` & `a && b`", "<tt>&lt;b&gt;</tt> &amp; <tt>a &amp;&amp; b</tt>");
  assert_pango ("Entities: &lt;b&gt; &amp; &copy; &#0;",
                "Entities: &lt;b&gt; &amp; © \xef\xbf\xbd");
  assert_pango ("Escaped \\*stars\\* and \\<b\\>", "Escaped *stars* and &lt;b&gt;");
  assert_pango ("![A *screenshot*](https://example.com/a.png)", "A <i>screenshot</i>");
}

static void
test_code_block (void)
{
  assert_pango ("```sh\n$ echo \"<b>x</b>\" && exit\n\n  indented\n```",
                "<tt>$ echo &quot;&lt;b&gt;x&lt;/b&gt;&quot; &amp;&amp; exit\n\n  indented</tt>");
  assert_pango ("    four spaces\n    <i>", "<tt>four spaces\n&lt;i&gt;</tt>");
  assert_pango ("```\r\nwindows\r\nlines\r\n```", "<tt>windows\nlines</tt>");
  assert_pango ("```\n```", "<tt></tt>");
}

static void
test_lists (void)
{
  /* Tight lists, nesting, numbering from the list's own start. */
  assert_pango ("Intro\n\n- one\n- two\n  - nested\n    1. deep\n- three\n\nAfter",
                "Intro\n\n• one\n• two\n   • nested\n      1. deep\n• three\n\nAfter");
  assert_pango ("3. three\n4. four", "3. three\n4. four");
  assert_pango ("9) nine\n10) ten", "9) nine\n10) ten");

  /* Loose lists keep their blank lines; a second paragraph is indented. */
  assert_pango ("- one\n\n- two\n\n  more of two", "• one\n\n• two\n\n   more of two");

  /* Empty items still show. */
  assert_pango ("-\n- b", "• \n• b");

  /* Plain text indents by the marker's width. */
  assert_plain ("1. one\n   - sub\n2. two", "1. one\n   • sub\n2. two");
}

static void
test_quotes (void)
{
  assert_pango ("> Quoted *text*\n> on two lines.\n>\n> Second.",
                "<i>    Quoted <i>text</i> on two lines.\n\n    Second.</i>");
  assert_pango ("> - a\n> - b", "<i>    • a\n    • b</i>");
  assert_plain ("> Quoted\n>\n> > inner\n\nafter", "> Quoted\n>\n> > inner\n\nafter");
}

static void
test_links (void)
{
  g_autofree char *markup = NULL;
  g_autofree char *text = NULL;
  guint            n_links;

  assert_pango ("[Help](https://example.com/help?a=1&b=\"2\" \"The <help> page\")",
                "<a href=\"https://example.com/help?a=1&amp;b=&quot;2&quot;\" "
                "title=\"The &lt;help&gt; page\">Help</a>");
  assert_pango ("<https://example.com/x>",
                "<a href=\"https://example.com/x\">https://example.com/x</a>");
  assert_pango ("<support@example.com>",
                "<a href=\"mailto:support@example.com\">support@example.com</a>");
  assert_pango ("[Upper](HTTPS://EXAMPLE.COM)", "<a href=\"HTTPS://EXAMPLE.COM\">Upper</a>");
  assert_pango ("[](https://example.com)",
                "<a href=\"https://example.com\">https://example.com</a>");
  assert_pango ("[**Bold** link](http://example.com)",
                "<a href=\"http://example.com\"><b>Bold</b> link</a>");

  /* Anything but http, https and mailto is text. */
  assert_pango ("[Click me](javascript:alert(1))", "Click me");
  assert_pango ("[Click me](JavaScript:alert(1))", "Click me");
  assert_pango ("[x](<java\tscript:alert(1)>)", "x");
  assert_pango ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data");
  assert_pango ("[file](file:///etc/passwd) [rel](/kb/12) [vb](vbscript:x)", "file rel vb");
  assert_pango ("<javascript:alert(1)>", "javascript:alert(1)");
  assert_pango ("[](javascript:alert(1))", "");

  /* A link inside an image's description is not a link. */
  markup = desk_markdown_to_pango ("[![see [inner](https://a.example)](https://i.example/x.png)]"
                                   "(https://b.example)");
  text = parse_label_markup (markup, NULL, &n_links);
  g_assert_cmpuint (n_links, <=, 1);
  g_assert_nonnull (strstr (text, "inner"));

  g_assert_true (desk_markdown_link_is_allowed ("https://example.com"));
  g_assert_true (desk_markdown_link_is_allowed ("HtTp://example.com"));
  g_assert_true (desk_markdown_link_is_allowed ("mailto:a@example.com"));
  g_assert_false (desk_markdown_link_is_allowed ("javascript:alert(1)"));
  g_assert_false (desk_markdown_link_is_allowed (" https://example.com"));
  g_assert_false (desk_markdown_link_is_allowed ("//example.com"));
  g_assert_false (desk_markdown_link_is_allowed ("ftp://example.com"));
  g_assert_false (desk_markdown_link_is_allowed (""));
  g_assert_false (desk_markdown_link_is_allowed (NULL));
}

/* The crux: markup in an article is text, in every place it can stand. */
static void
test_markup_is_text (void)
{
  const char *literal = "<b>x</b> & <span foreground=\"red\">";
  const char *sources[] = {
    "Text <b>x</b> & <span foreground=\"red\"> in a paragraph",
    "<b>x</b> & <span foreground=\"red\">\n\nas an HTML block",
    "<div>\n<b>x</b> & <span foreground=\"red\">\n</div>",
    "# <b>x</b> & <span foreground=\"red\">",
    "- <b>x</b> & <span foreground=\"red\">",
    "> <b>x</b> & <span foreground=\"red\">",
    "[<b>x</b> & <span foreground=\"red\">](https://example.com)",
    "*<b>x</b> & <span foreground=\"red\">*",
    "`<b>x</b> & <span foreground=\"red\">`",
    "    <b>x</b> & <span foreground=\"red\">",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autofree char *markup = desk_markdown_to_pango (sources[i]);
      g_autofree char *plain = desk_markdown_to_plain (sources[i]);
      g_autofree char *text = NULL;
      PangoAttrList   *attrs = NULL;

      text = parse_label_markup (markup, &attrs, NULL);
      g_assert_nonnull (strstr (text, literal));
      g_assert_nonnull (strstr (plain, literal));
      g_assert_false (has_attribute (attrs, PANGO_ATTR_FOREGROUND));
      g_clear_pointer (&attrs, pango_attr_list_unref);
    }

  /* The HTML block's text, unchanged, and nothing bold. */
  {
    g_autofree char *markup =
        desk_markdown_to_pango ("<div>\n<b>x</b> & <span foreground=\"red\">\n</div>");
    g_autofree char *text = NULL;
    PangoAttrList   *attrs = NULL;

    text = parse_label_markup (markup, &attrs, NULL);
    g_assert_cmpstr (text, ==, "<div>\n<b>x</b> & <span foreground=\"red\">\n</div>");
    g_assert_false (has_attribute (attrs, PANGO_ATTR_WEIGHT));
    g_clear_pointer (&attrs, pango_attr_list_unref);
  }

  /* HTML links are not links either. */
  {
    g_autofree char *markup = desk_markdown_to_pango ("<a href=\"https://example.com\">x</a>");
    guint            n_links;
    g_autofree char *text = parse_label_markup (markup, NULL, &n_links);

    g_assert_cmpuint (n_links, ==, 0);
    g_assert_cmpstr (text, ==, "<a href=\"https://example.com\">x</a>");
  }
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *markup = desk_markdown_to_pango ("Bad \xff\xfe bytes *here* \xc0");
  g_autofree char *plain = desk_markdown_to_plain ("# \xe4\xb8 title");
  g_autofree char *first = desk_markdown_first_paragraph ("a\xffz");

  g_assert_cmpstr (markup, ==, "Bad \xef\xbf\xbd\xef\xbf\xbd bytes <i>here</i> \xef\xbf\xbd");
  assert_label_markup (markup);
  g_assert_true (g_utf8_validate (plain, -1, NULL));
  g_assert_cmpstr (first, ==, "a\xef\xbf\xbdz");

  /* Control characters stay text that parses. */
  assert_pango ("a\x01 b\x7f", "a&#x1; b&#x7f;");
}

static void
test_first_paragraph (void)
{
  struct
  {
    const char *markdown;
    const char *expected;
  } cases[] = {
    { "# Title\n\nFirst *para* with [a link](https://example.com), `code` and "
      "![an image](https://example.com/a.png).\nSecond line.\n\nNext para.",
      "First para with a link, code and an image. Second line." },
    { "Hard  \nbreak\n\nnext", "Hard\nbreak" },
    { "- item one\n- item two\n\n> quote", "item one" },
    { "> Only a quote", "Only a quote" },
    { "Inline <b>html</b> & co", "Inline <b>html</b> & co" },
    { "第一行\n第二行\n\n第三段", "第一行第二行" },
    { "# Just a heading", "" },
    { "```\ncode\n```", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *first = desk_markdown_first_paragraph (cases[i].markdown);

      g_assert_cmpstr (first, ==, cases[i].expected);
    }

  {
    g_autofree char *none = desk_markdown_first_paragraph (NULL);

    g_assert_cmpstr (none, ==, "");
  }
}

static void
test_plain (void)
{
  assert_plain ("# Title\n\nSome *text* with a [link](https://example.com).\n\n"
                "- one\n- two\n\n```\ncode <b>\n```\n\n---",
                "Title\n\nSome text with a link.\n\n• one\n• two\n\ncode <b>\n\n──────────");
  assert_plain ("中文\n软换行 and English\nline", "中文软换行 and English line");
}

/* Odd and hostile inputs: whatever cmark makes of them must come out as
 * markup that parses, within bounds. */
static void
test_hostile (void)
{
  const char *sources[] = {
    "<a href='javascript:x'>y</a>",
    "[<b>](https://x\"><b>)",
    "*<i>*",
    "`</tt>`",
    "**bold *both***",
    "[link *em](https://example.com) text*",
    "<!-- comment --> <?php echo 1; ?> <![CDATA[ x ]]>",
    "]]> &amp; & &; &#x110000; &#xD800;",
    "***\n- \n-\n1.\n2.\n> \n>",
    "[a](<https://example.com/a b>)",
    "<span foreground=\"red\"",
    "</span></b></i></tt></a>",
    "- a\n > b\n   - c\n\n     > d\n\n         code",
    "1. a\n\n   ```\n   x\n   ```\n2. b",
    "[x]: https://example.com\n\n[x] and [y][x]",
    "Setext\n======\n\nTwo\n---",
  };
  g_autoptr (GString) deep_quote = g_string_new (NULL);
  g_autoptr (GString) deep_list = g_string_new (NULL);
  g_autoptr (GString) emphasis = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autofree char *markup = desk_markdown_to_pango (sources[i]);
      g_autofree char *plain = desk_markdown_to_plain (sources[i]);
      g_autofree char *first = desk_markdown_first_paragraph (sources[i]);

      assert_label_markup (markup);
      g_assert_true (g_utf8_validate (plain, -1, NULL));
      g_assert_true (g_utf8_validate (first, -1, NULL));
    }

  /* Deep nesting, with many lines at the deepest level: the indentation
   * stops growing, so the output stays near the input's size. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (deep_quote, "> ");
  for (guint i = 0; i < 2000; i++)
    g_string_append (deep_quote, "line  \n");
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *indent = g_strnfill (i * 2, ' ');

      g_string_append_printf (deep_list, "%s- item %u\n", indent, i);
    }
  for (guint i = 0; i < 5000; i++)
    g_string_append (emphasis, "*_[`<b>");

  {
    g_autofree char *markup = desk_markdown_to_pango (deep_quote->str);
    g_autofree char *list = desk_markdown_to_pango (deep_list->str);
    g_autofree char *stars = desk_markdown_to_pango (emphasis->str);

    assert_label_markup (markup);
    g_assert_cmpuint (strlen (markup), <, 40 * deep_quote->len);
    assert_label_markup (list);
    assert_label_markup (stars);
  }
}

/* Random strings of Markdown's special characters, reproducible with
 * --seed: each must render to markup that parses. */
static void
test_random (void)
{
  static const char *const pieces[] = {
    "*",
    "_",
    "`",
    "```",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "#",
    "-",
    "+",
    "1.",
    "!",
    "\\",
    "\n",
    "\n\n",
    "  ",
    "    ",
    "\"",
    "'",
    "https://example.com",
    "javascript:x",
    "<b>",
    "</span>",
    "&amp;",
    "&#",
    "中文",
    "é",
    "\xff",
    "|",
    "~",
    "=",
    ":",
    "mailto:a@b",
  };

  for (guint n = 0; n < 500; n++)
    {
      g_autoptr (GString) source = g_string_new (NULL);
      guint            length = g_test_rand_int_range (1, 60);
      g_autofree char *markup = NULL;
      g_autofree char *first = NULL;

      for (guint i = 0; i < length; i++)
        g_string_append (source, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);

      markup = desk_markdown_to_pango (source->str);
      first = desk_markdown_first_paragraph (source->str);
      assert_label_markup (markup);
      g_assert_true (g_utf8_validate (first, -1, NULL));
    }
}

/* Every article of the demo knowledge base renders to markup that parses. */
static void
test_demo_articles (void)
{
  g_autofree char *path = g_build_filename (SOURCE_DATADIR, "demo", "kb.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *articles;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  articles = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "articles");
  g_assert_cmpuint (json_array_get_length (articles), >, 0);

  for (guint i = 0; i < json_array_get_length (articles); i++)
    {
      JsonObject      *article = json_array_get_object_element (articles, i);
      const char      *body = json_object_get_string_member (article, "body");
      g_autofree char *markup = desk_markdown_to_pango (body);
      g_autofree char *plain = desk_markdown_to_plain (body);
      g_autofree char *first = desk_markdown_first_paragraph (body);
      g_autofree char *text = NULL;

      text = parse_label_markup (markup, NULL, NULL);

      /* What the label shows is the plain text, but for the quote marks. */
      if (strstr (body, "\n>") == NULL && !g_str_has_prefix (body, ">"))
        g_assert_cmpstr (text, ==, plain);

      g_assert_cmpstr (first, !=, "");
      g_assert_nonnull (strstr (plain, first));
      g_assert_null (strstr (plain, "**"));
    }
}

/* Search highlights: matches in bold, the rest escaped, stray marks harmless. */
static void
test_highlight (void)
{
  struct
  {
    const char *marked;
    const char *markup;
  } cases[] = {
    { "Reset \x01"
      "2FA\x02 now",
      "Reset <b>2FA</b> now" },
    { "<b>x</b> & \x01<span foreground=\"red\">\x02",
      "&lt;b&gt;x&lt;/b&gt; &amp; <b>&lt;span foreground=&quot;red&quot;&gt;</b>" },
    { "\x02stray\x01 open", "stray<b> open</b>" },
    { "\x01提现\x02迟迟没有完成", "<b>提现</b>迟迟没有完成" },
    { "bad \xff utf8", "bad \xef\xbf\xbd utf8" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = desk_highlight_to_pango (cases[i].marked);

      g_assert_cmpstr (markup, ==, cases[i].markup);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
    }

  {
    g_autofree char *snippet =
        desk_highlight_snippet_to_pango ("…We notify you.\n\n## How \x01long\x02 does it "
                                         "**take**?\n\n- Level 1 <i>");

    g_assert_cmpstr (snippet, ==,
                     "…We notify you. How <b>long</b> does it take? Level 1 &lt;i&gt;");
  }

  {
    g_autofree char *plain = desk_highlight_to_plain ("a\x01"
                                                      "b\x02"
                                                      "c");

    g_assert_cmpstr (plain, ==, "abc");
  }
}

/* Addresses in a customer's message become links; nothing else is markup. */
static void
test_linked_text (void)
{
  struct
  {
    const char *text;
    const char *markup;
  } cases[] = {
    { "See https://help.example/kyc.",
      "See <a href=\"https://help.example/kyc\">https://help.example/kyc</a>." },
    { "<b>x</b> & http://a.example/?q=1&r=2)",
      "&lt;b&gt;x&lt;/b&gt; &amp; <a "
      "href=\"http://a.example/?q=1&amp;r=2\">http://a.example/?q=1&amp;r=2</a>)" },
    { "javascript:alert(1) and xhttps://no", "javascript:alert(1) and xhttps://no" },
    { "just https:// alone", "just https:// alone" },
    { "\"https://q.example\"<i>",
      "&quot;<a href=\"https://q.example\">https://q.example</a>&quot;&lt;i&gt;" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = desk_text_to_linked_pango (cases[i].text);

      g_assert_cmpstr (markup, ==, cases[i].markup);
      assert_label_markup (markup);
    }
}

/* Inbox rows mark the words of a search as the search matched them. */
static void
test_mark_words (void)
{
  struct
  {
    const char *text;
    const char *search;
    const char *expected;
  } cases[] = {
    { "Withdrawal pending", "with",
      "\x01With\x02"
      "drawal pending" },
    /* A word's start only, as the search matches: not inside "notwith". */
    { "notwithstanding, with", "with", "notwithstanding, \x01with\x02" },
    { "Reset 2FA after reset", "reset 2fa",
      "\x01Reset\x02 \x01"
      "2FA\x02 after \x01reset\x02" },
    /* Chinese anywhere in a sentence. */
    { "提现到银行卡一直没有到账", "银行卡",
      "提现到\x01银行卡\x02"
      "一直没有到账" },
    /* The longest of two words that match at one place. */
    { "deposits", "dep deposit",
      "\x01"
      "deposit\x02s" },
    { "<b>x</b>", "x", "<b>\x01x\x02</b>" },
    { "no match here", "zzz", "no match here" },
    /* Marks in the text itself are not taken for ours. */
    { "a\x01"
      "b\x02"
      "c",
      NULL, "a b c" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *marked = desk_highlight_mark_words (cases[i].text, cases[i].search);

      g_assert_cmpstr (marked, ==, cases[i].expected);
    }

  /* Escaped on the way to markup. */
  {
    g_autofree char *marked = desk_highlight_mark_words ("<b>x</b> & y", "x");
    g_autofree char *markup = desk_highlight_to_pango (marked);

    g_assert_cmpstr (markup, ==, "&lt;b&gt;<b>x</b>&lt;/b&gt; &amp; y");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/Markdown/blocks", test_blocks);
  g_test_add_func ("/Desk/Core/Markdown/inline", test_inline);
  g_test_add_func ("/Desk/Core/Markdown/code-block", test_code_block);
  g_test_add_func ("/Desk/Core/Markdown/lists", test_lists);
  g_test_add_func ("/Desk/Core/Markdown/quotes", test_quotes);
  g_test_add_func ("/Desk/Core/Markdown/links", test_links);
  g_test_add_func ("/Desk/Core/Markdown/markup-is-text", test_markup_is_text);
  g_test_add_func ("/Desk/Core/Markdown/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/Desk/Core/Markdown/first-paragraph", test_first_paragraph);
  g_test_add_func ("/Desk/Core/Highlight/mark-words", test_mark_words);
  g_test_add_func ("/Desk/Core/Markdown/plain", test_plain);
  g_test_add_func ("/Desk/Core/Markdown/hostile", test_hostile);
  g_test_add_func ("/Desk/Core/Markdown/random", test_random);
  g_test_add_func ("/Desk/Core/Markdown/demo-articles", test_demo_articles);
  g_test_add_func ("/Desk/Core/Markdown/highlight", test_highlight);
  g_test_add_func ("/Desk/Core/Markdown/linked-text", test_linked_text);

  return g_test_run ();
}
