/* test-core-canned-template.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-core-canned-template"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "desk-canned-template-private.h"

/* A ticket as the open conversation would have it. */
static DeskTicketRecord *
make_ticket (gint64 id, const char *name, const char *locale, const char *subject)
{
  DeskTicketRecord *ticket = g_new0 (DeskTicketRecord, 1);

  ticket->id = id;
  ticket->requester.name = g_strdup (name);
  ticket->requester.locale = g_strdup (locale);
  ticket->subject = g_strdup (subject);

  return ticket;
}

static GHashTable *
make_table (const char *first_key, ...)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list     args;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    g_hash_table_insert (table, g_strdup (key), g_strdup (va_arg (args, const char *)));
  va_end (args);

  return table;
}

static char *
render (const char *body, GHashTable *values, GHashTable *answers, GArray **gaps)
{
  g_autoptr (DeskCannedTemplate) template = desk_canned_template_new (body);
  char *text = desk_canned_template_render (template, values, answers, gaps);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  return text;
}

/* The gap's characters are the visible text it stands for. */
static void
assert_gap (const char *text, const DeskCannedGap *gap, const char *expected)
{
  g_autofree char *shown = NULL;

  g_assert_cmpint (gap->start, >=, 0);
  g_assert_cmpint (gap->end, <=, g_utf8_strlen (text, -1));
  shown = g_utf8_substring (text, gap->start, gap->end);
  g_assert_cmpstr (shown, ==, expected);
}

static void
test_present (void)
{
  g_autoptr (DeskTicketRecord) ticket =
      make_ticket (123, "Mei Chen", "en", "Withdrawal stuck in review");
  g_autoptr (GHashTable) values = desk_canned_template_values_new (ticket, "Alex Rivera");
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;

  text = render ("Hi {{customer.first_name}}, about \"{{ticket.subject}}\" (ticket "
                 "#{{ticket.id}}) for {{customer.name}}.\n\n{{agent.name}}",
                 values, NULL, &gaps);

  g_assert_cmpstr (text, ==,
                   "Hi Mei, about \"Withdrawal stuck in review\" (ticket #123) for Mei Chen."
                   "\n\nAlex Rivera");
  g_assert_nonnull (gaps);
  g_assert_cmpuint (gaps->len, ==, 0);
}

static void
test_missing (void)
{
  g_autoptr (GHashTable) values =
      make_table ("customer.name", "Mei Chen", "agent.name", "   ", "ticket.id", "", NULL);
  g_autoptr (GArray) gaps = NULL;
  g_autoptr (DeskCannedTemplate) template = NULL;
  g_autofree char     *text = NULL;
  g_autofree char     *no_values = NULL;
  const DeskCannedGap *gap;

  template = desk_canned_template_new (
      "Hi {{customer.first_name}}, {{customer.name}} - #{{ticket.id}} {{agent.name}}");
  text = desk_canned_template_render (template, values, NULL, &gaps);

  /* Missing, empty and blank values all leave a visible gap. */
  g_assert_cmpstr (text, ==, "Hi [customer.first_name], Mei Chen - #[ticket.id] [agent.name]");
  g_assert_cmpuint (gaps->len, ==, 3);

  gap = &g_array_index (gaps, DeskCannedGap, 0);
  g_assert_cmpint (gap->start, ==, 3);
  g_assert_cmpint (gap->end, ==, 3 + strlen ("[customer.first_name]"));
  assert_gap (text, gap, "[customer.first_name]");
  g_assert_cmpstr (desk_canned_template_get_segment (template, gap->segment)->text, ==,
                   "customer.first_name");

  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 1), "[ticket.id]");
  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 2), "[agent.name]");
  g_assert_cmpint (
      desk_canned_template_get_segment (template, g_array_index (gaps, DeskCannedGap, 2).segment)
          ->kind,
      ==, DESK_CANNED_SEGMENT_PLACEHOLDER);

  /* No tables at all, and no gaps array wanted. */
  no_values = desk_canned_template_render (template, NULL, NULL, NULL);
  g_assert_cmpstr (no_values, ==,
                   "Hi [customer.first_name], [customer.name] - #[ticket.id] [agent.name]");
}

static void
test_fill_in (void)
{
  g_autoptr (DeskCannedTemplate) template = NULL;
  g_autoptr (GHashTable) answers = NULL;
  g_autoptr (GArray) gaps = NULL;
  g_autofree char   *text = NULL;
  g_autofree char   *unanswered = NULL;
  const char *const *labels;

  template = desk_canned_template_new ("Order {{ask:Order number}} of {{ ASK : Order   number }} "
                                       "on {{ask:Date}}; {{ask：订单号}}. {{ask: Date}}");

  /* Distinct labels, in order, normalised. */
  g_assert_true (desk_canned_template_has_asks (template));
  labels = desk_canned_template_get_ask_labels (template);
  g_assert_cmpuint (g_strv_length ((char **) labels), ==, 3);
  g_assert_cmpstr (labels[0], ==, "Order number");
  g_assert_cmpstr (labels[1], ==, "Date");
  g_assert_cmpstr (labels[2], ==, "订单号");

  answers = make_table ("Order number", " A-1001 ", "订单号", "X9", NULL);
  text = desk_canned_template_render (template, NULL, answers, &gaps);
  g_assert_cmpstr (text, ==, "Order A-1001 of A-1001 on [Date]; X9. [Date]");
  g_assert_cmpuint (gaps->len, ==, 2);
  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 0), "[Date]");
  g_assert_cmpint (
      desk_canned_template_get_segment (template, g_array_index (gaps, DeskCannedGap, 0).segment)
          ->kind,
      ==, DESK_CANNED_SEGMENT_ASK);

  /* Answers fill asks only, values placeholders only. */
  unanswered = desk_canned_template_render (template, answers, NULL, NULL);
  g_assert_cmpstr (unanswered, ==,
                   "Order [Order number] of [Order number] on [Date]; [订单号]. [Date]");

  /* A reply without fields asks nothing. */
  {
    g_autoptr (DeskCannedTemplate) plain = desk_canned_template_new ("Hello {{agent.name}}");

    g_assert_false (desk_canned_template_has_asks (plain));
    g_assert_null (desk_canned_template_get_ask_labels (plain)[0]);
  }
}

static void
test_whitespace (void)
{
  g_autoptr (GHashTable) values = make_table ("customer.name", "Mei Chen", NULL);
  g_autoptr (DeskCannedTemplate) template = NULL;
  g_autofree char         *text = NULL;
  const DeskCannedSegment *segment;

  template = desk_canned_template_new ("{{ customer.name }}|{{\tcustomer.name}}|{{Customer.Name}}"
                                       "|{{\xe3\x80\x80"
                                       "customer.name\xe3\x80\x80}}");
  text = desk_canned_template_render (template, values, NULL, NULL);
  g_assert_cmpstr (text, ==, "Mei Chen|Mei Chen|Mei Chen|Mei Chen");

  /* The segment keeps what the body wrote beside the normalised name. */
  segment = desk_canned_template_get_segment (template, 0);
  g_assert_cmpint (segment->kind, ==, DESK_CANNED_SEGMENT_PLACEHOLDER);
  g_assert_cmpstr (segment->text, ==, "customer.name");
  g_assert_cmpstr (segment->source, ==, "{{ customer.name }}");
  segment = desk_canned_template_get_segment (template, 1);
  g_assert_cmpint (segment->kind, ==, DESK_CANNED_SEGMENT_TEXT);
  g_assert_cmpstr (segment->text, ==, "|");
  g_assert_cmpstr (segment->source, ==, "|");
  g_assert_cmpuint (desk_canned_template_get_n_segments (template), ==, 7);
}

static void
test_unknown (void)
{
  g_autoptr (GHashTable) values = make_table ("customer.email", "mei@example.com", NULL);
  g_autoptr (DeskTicketRecord) ticket = make_ticket (7, "Mei Chen", "en", "Hello");
  g_autoptr (GHashTable) standard = desk_canned_template_values_new (ticket, "Alex");
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;
  g_autofree char *with_table = NULL;

  /* An unknown name never has a standard value. */
  text = render ("Write to {{customer.email}} or {{custmer.name}}", standard, NULL, &gaps);
  g_assert_cmpstr (text, ==, "Write to [customer.email] or [custmer.name]");
  g_assert_cmpuint (gaps->len, ==, 2);
  g_assert_false (desk_canned_template_is_known_name ("customer.email"));
  g_assert_false (desk_canned_template_is_known_name ("custmer.name"));
  g_assert_false (desk_canned_template_is_known_name (NULL));
  g_assert_true (desk_canned_template_is_known_name (DESK_CANNED_CUSTOMER_FIRST_NAME));
  g_assert_true (desk_canned_template_is_known_name ("ticket.subject"));

  /* …but a caller may add values of its own. */
  with_table = render ("Write to {{customer.email}}", values, NULL, NULL);
  g_assert_cmpstr (with_table, ==, "Write to mei@example.com");
}

static void
test_malformed (void)
{
  g_autoptr (GHashTable) values = make_table ("customer.name", "Mei", NULL);
  struct
  {
    const char *body;
    const char *expected;
  } cases[] = {
    /* Unterminated: the rest of the reply is not swallowed. */
    { "Hi {{customer.name", "Hi {{customer.name" },
    { "Hi {{customer.name}", "Hi {{customer.name}" },
    { "{{", "{{" },
    { "}}{{", "}}{{" },
    { "Hi {{customer.name\n}} there", "Hi {{customer.name\n}} there" },
    /* Nothing named. */
    { "{{}} {{   }} {{ask:}} {{ask: }}", "{{}} {{   }} {{ask:}} {{ask: }}" },
    /* Nested and extra braces: the innermost pair is the placeholder. */
    { "{{ {{customer.name}} }}", "{{ Mei }}" },
    { "{{{customer.name}}}", "{Mei}" },
    { "{{{{customer.name}}}}", "{{Mei}}" },
    { "{{a}b}} {{customer.name}}", "{{a}b}} Mei" },
    { "{ {customer.name} }", "{ {customer.name} }" },
    /* A stray "{{" before a real placeholder on the same line. */
    { "a {{ b {{customer.name}}", "a {{ b Mei" },
    /* A value is inserted, never parsed again. */
    { "{{customer.name}}}}", "Mei}}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = render (cases[i].body, values, NULL, NULL);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  /* An over-long name is text too. */
  {
    g_autofree char *name = g_strnfill (300, 'x');
    g_autofree char *body = g_strdup_printf ("{{%s}}", name);
    g_autoptr (DeskCannedTemplate) template = desk_canned_template_new (body);

    g_assert_cmpuint (desk_canned_template_get_n_segments (template), ==, 1);
    g_assert_cmpint (desk_canned_template_get_segment (template, 0)->kind, ==,
                     DESK_CANNED_SEGMENT_TEXT);
  }

  /* NULL and empty bodies have no segments. */
  {
    g_autoptr (DeskCannedTemplate) empty = desk_canned_template_new (NULL);
    g_autofree char *text = desk_canned_template_render (empty, values, NULL, NULL);

    g_assert_cmpuint (desk_canned_template_get_n_segments (empty), ==, 0);
    g_assert_cmpstr (text, ==, "");
  }
}

static void
test_values_not_parsed (void)
{
  g_autoptr (DeskTicketRecord) ticket = make_ticket (5, "{{agent.name}}", "en", "{{ask:PIN}}");
  g_autoptr (GHashTable) values = desk_canned_template_values_new (ticket, "Alex");
  g_autofree char *text = render ("{{customer.name}} / {{ticket.subject}}", values, NULL, NULL);

  g_assert_cmpstr (text, ==, "{{agent.name}} / {{ask:PIN}}");
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GHashTable) values = make_table ("customer.name", "M\xffi", NULL);
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;

  text = render ("Hi \xfe {{customer.name}} {{ask:Or\xc0"
                 "der}} {{agent.\xff}}",
                 values, NULL, &gaps);
  g_assert_cmpstr (text, ==,
                   "Hi \xef\xbf\xbd M\xef\xbf\xbdi [Or\xef\xbf\xbd"
                   "der] [agent.\xef\xbf\xbd]");
  g_assert_cmpuint (gaps->len, ==, 2);
  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 0),
              "[Or\xef\xbf\xbd"
              "der]");
  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 1), "[agent.\xef\xbf\xbd]");
}

static void
test_multibyte_offsets (void)
{
  g_autoptr (GHashTable) values = make_table ("ticket.id", "42", "customer.name", "王磊", NULL);
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;
  const char *body = "😀 {{customer.name}}，您好！{{customer.first_name}}：工单 #{{ticket.id}}"
                     "（{{ask:订单号}}）é {{agent.name}}";
  const char *expected = "😀 王磊，您好！[customer.first_name]：工单 #42（[订单号]）é [agent.name]";
  const char *gap_texts[] = { "[customer.first_name]", "[订单号]", "[agent.name]" };

  text = render (body, values, NULL, &gaps);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (gaps->len, ==, G_N_ELEMENTS (gap_texts));

  for (guint i = 0; i < gaps->len; i++)
    {
      const DeskCannedGap *gap = &g_array_index (gaps, DeskCannedGap, i);
      const char          *at = strstr (text, gap_texts[i]);

      /* Characters, not bytes: what GtkTextBuffer offsets count. */
      g_assert_nonnull (at);
      g_assert_cmpint (gap->start, ==, g_utf8_pointer_to_offset (text, at));
      g_assert_cmpint (gap->end, ==, gap->start + g_utf8_strlen (gap_texts[i], -1));
      assert_gap (text, gap, gap_texts[i]);
    }

  /* The first gap comes after "😀 王磊，您好！": 8 characters, 23 bytes. */
  g_assert_cmpint (g_array_index (gaps, DeskCannedGap, 0).start, ==, 8);
}

static void
test_first_name (void)
{
  struct
  {
    const char *name;
    const char *locale;
    const char *expected;
  } cases[] = {
    { "Oliver Bennett", "en", "Oliver" },
    { "  Mehmet   Yılmaz\n", NULL, "Mehmet" },
    { "Madonna", "en", "Madonna" },
    { "Pieter van der Berg", "nl", "Pieter" },
    { "Oliver Bennett, PhD", "en", "Oliver" },
    /* CJK names: the whole name, family name first, is the polite form. */
    { "王磊", "zh_CN", "王磊" },
    { "欧阳雪", NULL, "欧阳雪" },
    { "山田 太郎", "en", "山田 太郎" },
    { "박현우", NULL, "박현우" },
    { "Wang Lei", "zh_CN", "Wang Lei" },
    { "Park Hyun-woo", "ko-KR", "Park Hyun-woo" },
    { "Nagy Péter", "hu", "Nagy Péter" },
    /* A locale that only starts like one of those is not one of them. */
    { "Zhu Lin", "zha", "Zhu" },
    /* Titles and addresses. */
    { "Dr. Jane Smith", "en", "Dr. Jane Smith" },
    { "mr Smith", "en", "mr Smith" },
    { "Drew Barry", "en", "Drew" },
    { "mei@example.com", "en", NULL },
    { "Mei <mei@example.com>", "en", "Mei" },
    { "", "en", NULL },
    { " \t\n", "en", NULL },
    { NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *first = _desk_canned_first_name (cases[i].name, cases[i].locale);

      g_assert_cmpstr (first, ==, cases[i].expected);
    }
}

static void
test_values_from_ticket (void)
{
  g_autoptr (DeskTicketRecord) ticket = make_ticket (123, "  李娜 ", "zh_CN", "提现\n未到账  ");
  g_autoptr (DeskTicketRecord) bare = make_ticket (0, NULL, NULL, "   ");
  g_autoptr (GHashTable) values = desk_canned_template_values_new (ticket, " Alex  Rivera ");
  g_autoptr (GHashTable) bare_values = desk_canned_template_values_new (bare, NULL);
  g_autoptr (GHashTable) no_ticket = desk_canned_template_values_new (NULL, "Alex");

  g_assert_cmpstr (g_hash_table_lookup (values, "customer.name"), ==, "李娜");
  g_assert_cmpstr (g_hash_table_lookup (values, "customer.first_name"), ==, "李娜");
  g_assert_cmpstr (g_hash_table_lookup (values, "ticket.id"), ==, "123");
  g_assert_cmpstr (g_hash_table_lookup (values, "ticket.subject"), ==, "提现 未到账");
  g_assert_cmpstr (g_hash_table_lookup (values, "agent.name"), ==, "Alex Rivera");
  g_assert_cmpuint (g_hash_table_size (values), ==, 5);

  /* What is missing gets no entry, so that it renders as a gap. */
  g_assert_cmpuint (g_hash_table_size (bare_values), ==, 0);
  g_assert_cmpuint (g_hash_table_size (no_ticket), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (no_ticket, "agent.name"), ==, "Alex");
}

static void
test_boxed (void)
{
  DeskCannedTemplate *template = desk_canned_template_new ("{{ask:Order number}}");
  DeskCannedTemplate *copy;

  g_assert_true (G_TYPE_IS_BOXED (DESK_TYPE_CANNED_TEMPLATE));
  copy = g_boxed_copy (DESK_TYPE_CANNED_TEMPLATE, template);
  g_assert_true (copy == template);
  desk_canned_template_unref (template);

  /* The copy is a reference: the template is still alive. */
  g_assert_cmpstr (desk_canned_template_get_ask_labels (copy)[0], ==, "Order number");
  g_boxed_free (DESK_TYPE_CANNED_TEMPLATE, copy);

  /* The segment kinds have an enum type, for properties and GValues. */
  {
    g_autoptr (GEnumClass) kinds = g_type_class_ref (DESK_TYPE_CANNED_SEGMENT_KIND);

    g_assert_cmpstr (g_enum_get_value (kinds, DESK_CANNED_SEGMENT_ASK)->value_nick, ==, "ask");
  }
}

static void
test_huge (void)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autoptr (GHashTable) values = make_table ("customer.name", "Mei", NULL);
  g_autoptr (DeskCannedTemplate) template = NULL;
  g_autoptr (GArray) gaps = NULL;
  g_autofree char *text = NULL;
  gint64           start = g_get_monotonic_time ();

  /* Runs of braces that close nothing, long lines and many placeholders:
   * parsing must stay linear. */
  for (guint i = 0; i < 20000; i++)
    g_string_append (body, "{{ {{{{ x {{customer.name}} {{ask:A}}{{unknown}} ");
  for (guint i = 0; i < 100000; i++)
    g_string_append (body, "{{");

  template = desk_canned_template_new (body->str);
  g_assert_cmpuint (desk_canned_template_get_n_segments (template), ==, 20000 * 5 + 1);
  g_assert_cmpuint (g_strv_length ((char **) desk_canned_template_get_ask_labels (template)), ==,
                    1);

  text = desk_canned_template_render (template, values, NULL, &gaps);
  g_assert_cmpuint (gaps->len, ==, 40000);
  assert_gap (text, &g_array_index (gaps, DeskCannedGap, 39999), "[unknown]");

  /* Generous, for sanitizer builds on a busy machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* Every demo canned reply fills in completely from a full ticket. */
static void
test_demo_replies (void)
{
  g_autofree char *path = g_build_filename (SOURCE_DATADIR, "demo", "canned.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DeskTicketRecord) ticket = make_ticket (4711, "Mei Chen", "en", "Deposit");
  g_autoptr (GHashTable) values = desk_canned_template_values_new (ticket, "Alex Rivera");
  JsonArray *replies;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  replies = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "canned_replies");
  g_assert_cmpuint (json_array_get_length (replies), >, 0);

  for (guint i = 0; i < json_array_get_length (replies); i++)
    {
      JsonObject *reply = json_array_get_object_element (replies, i);
      const char *body = json_object_get_string_member (reply, "body");
      g_autoptr (DeskCannedTemplate) template = desk_canned_template_new (body);
      g_autoptr (GArray) gaps = NULL;
      g_autofree char *text = NULL;

      for (guint j = 0; j < desk_canned_template_get_n_segments (template); j++)
        {
          const DeskCannedSegment *segment = desk_canned_template_get_segment (template, j);

          if (segment->kind == DESK_CANNED_SEGMENT_PLACEHOLDER)
            g_assert_true (desk_canned_template_is_known_name (segment->text));
        }

      text = desk_canned_template_render (template, values, NULL, &gaps);
      if (!desk_canned_template_has_asks (template))
        g_assert_cmpuint (gaps->len, ==, 0);
      g_assert_null (strstr (text, "{{"));
      g_assert_null (strstr (text, "#[ticket.id]"));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Desk/Core/CannedTemplate/present", test_present);
  g_test_add_func ("/Desk/Core/CannedTemplate/missing", test_missing);
  g_test_add_func ("/Desk/Core/CannedTemplate/fill-in", test_fill_in);
  g_test_add_func ("/Desk/Core/CannedTemplate/whitespace", test_whitespace);
  g_test_add_func ("/Desk/Core/CannedTemplate/unknown", test_unknown);
  g_test_add_func ("/Desk/Core/CannedTemplate/malformed", test_malformed);
  g_test_add_func ("/Desk/Core/CannedTemplate/values-not-parsed", test_values_not_parsed);
  g_test_add_func ("/Desk/Core/CannedTemplate/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/Desk/Core/CannedTemplate/multibyte-offsets", test_multibyte_offsets);
  g_test_add_func ("/Desk/Core/CannedTemplate/first-name", test_first_name);
  g_test_add_func ("/Desk/Core/CannedTemplate/values-from-ticket", test_values_from_ticket);
  g_test_add_func ("/Desk/Core/CannedTemplate/boxed", test_boxed);
  g_test_add_func ("/Desk/Core/CannedTemplate/huge", test_huge);
  g_test_add_func ("/Desk/Core/CannedTemplate/demo-replies", test_demo_replies);

  return g_test_run ();
}
