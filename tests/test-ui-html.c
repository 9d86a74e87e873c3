/* test-ui-html.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-html"

#include "config.h"

#include "desk-html.h"

/* HTML e-mail bodies as text: structure kept, markup and code gone. */
static void
test_reduce (void)
{
  struct
  {
    const char *html;
    const char *text;
  } cases[] = {
    { "<p>Hello <b>Ana</b>,</p><p>Your   deposit\n arrived.</p>",
      "Hello Ana,\n\nYour deposit arrived." },
    { "<div>Line one<br>Line two</div>", "Line one\nLine two" },
    { "<ul><li>First</li><li>Second</li></ul>", "• First\n• Second" },
    { "<p>See <a href=\"https://help.example/kyc\">the guide</a>.</p>",
      "See the guide (https://help.example/kyc)." },
    { "<p>Bad <a href=\"javascript:alert(1)\">link</a></p>", "Bad link" },
    { "<html><head><title>x</title><style>p{color:red}</style></head>"
      "<body><script>alert(1)</script><p>Only this</p><!-- hidden --></body></html>",
      "Only this" },
    { "<p>&lt;b&gt;not bold&lt;/b&gt; &amp; <span foreground=\"red\">red</span></p>",
      "<b>not bold</b> & red" },
    { "<p>Unclosed <b>tags <i>everywhere", "Unclosed tags everywhere" },
    { "<pre>  keep\n    spacing</pre>", "keep\n    spacing" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = desk_html_to_text (cases[i].html, -1);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Hostile input: invalid UTF-8, deep nesting, a large body. */
static void
test_hostile (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) large = g_string_new (NULL);
  g_autofree char *bad = desk_html_to_text ("<p>caf\xc3 \xff ok</p>", -1);
  g_autofree char *deep_text = NULL;
  g_autofree char *large_text = NULL;

  g_assert_true (g_utf8_validate (bad, -1, NULL));
  g_assert_nonnull (strstr (bad, "ok"));

  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "<div>");
  g_string_append (deep, "bottom");
  deep_text = desk_html_to_text (deep->str, deep->len);
  g_assert_nonnull (deep_text);

  for (guint i = 0; i < 20000; i++)
    g_string_append (large, "<p>A paragraph of an e-mail that goes on.</p>");
  large_text = desk_html_to_text (large->str, large->len);
  g_assert_cmpuint (strlen (large_text), >, 20000 * 30);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/UI/Html/reduce", test_reduce);
  g_test_add_func ("/Desk/UI/Html/hostile", test_hostile);

  return g_test_run ();
}
