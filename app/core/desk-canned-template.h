/* desk-canned-template.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "desk-enums.h"
#include "desk-records.h"
#include "desk-types.h"

G_BEGIN_DECLS

/* A canned reply's body, parsed once into segments and rendered as often as
 * the open ticket changes.
 *
 * Syntax:
 * - `{{customer.name}}`: a placeholder, filled from a values table. The
 *   names below are the ones desk_canned_template_values_new() knows; any
 *   other name is kept as a placeholder that never has a value (a gap).
 *   Whitespace around the name is ignored, and names are ASCII
 *   case-insensitive: `{{ Customer.Name }}` is `customer.name`.
 * - `{{ask:Order number}}`: a fill-in field the agent answers before the
 *   reply is inserted. The label is trimmed and its inner runs of
 *   whitespace become one space; `ask` is case-insensitive and a fullwidth
 *   colon (`{{ask：订单号}}`) works as well.
 * - Anything else is text. `{{` without a closing `}}` on the same line,
 *   braces that hold `{`, `}` or a line break, `{{}}`, `{{ask:}}` and more
 *   than 200 bytes between the braces are all kept as literal text, so a
 *   stray brace never swallows the rest of a reply.
 *
 * Invalid UTF-8 in the body is replaced with U+FFFD before parsing: every
 * string handed out is valid UTF-8. Values inserted by
 * desk_canned_template_render() are never parsed again, so a customer
 * called "{{agent.name}}" is shown as written. */

/* The placeholder names the desk fills in. */
#define DESK_CANNED_CUSTOMER_NAME "customer.name"
#define DESK_CANNED_CUSTOMER_FIRST_NAME "customer.first_name"
#define DESK_CANNED_AGENT_NAME "agent.name"
#define DESK_CANNED_TICKET_ID "ticket.id"
#define DESK_CANNED_TICKET_SUBJECT "ticket.subject"

#define DESK_TYPE_CANNED_TEMPLATE (desk_canned_template_get_type ())

/* Immutable once created and reference counted (atomically), so one
 * template may be shared by a list row, the preview and the composer, and
 * across threads. */
typedef struct _DeskCannedTemplate DeskCannedTemplate;

typedef struct
{
  DeskCannedSegmentKind kind;
  /* TEXT: the literal text. PLACEHOLDER: the normalised name, such as
   * "customer.first_name". ASK: the normalised label, such as
   * "Order number". */
  const char *text;
  /* The segment as the body wrote it, such as "{{ Customer.Name }}"; the
   * same as text for TEXT segments. For an editor that shows the source. */
  const char *source;
} DeskCannedSegment;

/* A placeholder or fill-in field that had no value, kept in the rendered
 * text as its name or label in square brackets: "[customer.first_name]",
 * "[Order number]". Offsets count characters (Unicode code points, as
 * gtk_text_buffer_get_iter_at_offset() does), not bytes, from the start of
 * the rendered text: add the offset of the insertion point to place them in
 * a buffer that already holds text. */
typedef struct
{
  int   start;   /* the first character of the gap, the "[" */
  int   end;     /* one past the last character, the "]" */
  guint segment; /* the index of the unfilled segment, for
                  * desk_canned_template_get_segment() */
} DeskCannedGap;

/* @body may be NULL, which is an empty body. Parsing never fails: what is
 * not a placeholder is text. */
GType               desk_canned_template_get_type (void) G_GNUC_CONST;
DeskCannedTemplate *desk_canned_template_new (const char *body);
DeskCannedTemplate *desk_canned_template_ref (DeskCannedTemplate *self);
void                desk_canned_template_unref (DeskCannedTemplate *self);

/* Adjacent text is one segment; a body without placeholders is one TEXT
 * segment, and an empty body has none. The segments live as long as the
 * template. */
guint                    desk_canned_template_get_n_segments (DeskCannedTemplate *self);
const DeskCannedSegment *desk_canned_template_get_segment (DeskCannedTemplate *self,
                                                           guint               position);

/* The distinct fill-in labels in the order they first appear, NULL
 * terminated and owned by the template: the fields of the form to show
 * before insertion. Empty (not NULL) when the reply asks nothing. */
const char *const *desk_canned_template_get_ask_labels (DeskCannedTemplate *self);
gboolean           desk_canned_template_has_asks (DeskCannedTemplate *self);

/* The reply with every placeholder replaced by its value in @values
 * (name → value, such as "customer.first_name" → "Mei") and every fill-in
 * field by its answer in @answers (label → answer). Either table may be
 * NULL. Values and answers are trimmed and inserted as they are; a missing,
 * empty or blank one leaves a gap (see DeskCannedGap), never empty text.
 *
 * @gaps, if not NULL, receives a new GArray of DeskCannedGap in text order
 * (empty when every placeholder was filled). */
char *desk_canned_template_render (DeskCannedTemplate *self,
                                   GHashTable         *values,
                                   GHashTable         *answers,
                                   GArray            **gaps);

/* Whether @name (normalised, as in DeskCannedSegment.text) is one the desk
 * fills in, for an editor that flags misspelt placeholders. */
gboolean desk_canned_template_is_known_name (const char *name);

/* The values table for desk_canned_template_render(): string → string, both
 * owned by the table. @ticket (the open ticket) and @agent_name (the
 * signed-in agent's display name) may be NULL; a value that is missing or
 * blank gets no entry, so that it renders as a gap.
 *
 * - customer.name: the requester's name, on one line.
 * - customer.first_name: the form of the name to greet the customer with.
 *   The whole name when it is written in a CJK script (王磊, 山田太郎, 박현우)
 *   or the requester's locale is one whose names put the family name first
 *   (Chinese, Japanese, Korean, Hungarian, Vietnamese): "王磊，您好" is
 *   the polite greeting, "磊，您好" is not. The whole name too when it
 *   starts with a title ("Dr. Jane Smith"). Otherwise the first word
 *   ("Oliver Bennett" → "Oliver"). None when the name is an email
 *   address.
 * - ticket.id: the id in decimal without "#" ("123"): replies write
 *   "ticket #{{ticket.id}}". None for id 0.
 * - ticket.subject: the subject on one line.
 * - agent.name: @agent_name, on one line. */
GHashTable *desk_canned_template_values_new (const DeskTicketRecord *ticket,
                                             const char             *agent_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskCannedTemplate, desk_canned_template_unref)

G_END_DECLS
