/* desk-types.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The enum nicks are the wire names of the server API, so that the codecs
 * convert with g_enum_get_value_by_nick() and nothing else. */

typedef enum
{
  DESK_TICKET_KIND_TICKET,
  DESK_TICKET_KIND_CHAT,
} DeskTicketKind;

typedef enum
{
  DESK_CHANNEL_EMAIL,
  DESK_CHANNEL_CHAT,
  DESK_CHANNEL_PHONE,
  DESK_CHANNEL_WEB,
} DeskChannel;

typedef enum
{
  DESK_TICKET_STATUS_NEW,
  DESK_TICKET_STATUS_OPEN,
  DESK_TICKET_STATUS_PENDING,
  DESK_TICKET_STATUS_SOLVED,
  DESK_TICKET_STATUS_CLOSED,
} DeskTicketStatus;

typedef enum
{
  DESK_PRIORITY_LOW,
  DESK_PRIORITY_NORMAL,
  DESK_PRIORITY_HIGH,
  DESK_PRIORITY_URGENT,
} DeskPriority;

typedef enum
{
  DESK_VISIBILITY_PUBLIC,
  DESK_VISIBILITY_INTERNAL,
} DeskVisibility;

typedef enum
{
  DESK_AUTHOR_CUSTOMER,
  DESK_AUTHOR_AGENT,
  DESK_AUTHOR_SYSTEM,
} DeskAuthorType;

typedef enum
{
  DESK_ROLE_AGENT,
  DESK_ROLE_TRAINEE,
  DESK_ROLE_LEAD,
  DESK_ROLE_ADMIN,
} DeskRole;

typedef enum
{
  DESK_QUESTION_SINGLE,
  DESK_QUESTION_MULTIPLE,
  DESK_QUESTION_TRUE_FALSE, /*< nick=true_false >*/
} DeskQuestionKind;

typedef enum
{
  DESK_PRESENCE_ONLINE,
  DESK_PRESENCE_AWAY,
  DESK_PRESENCE_OFFLINE,
} DeskPresence;

/* The orders of an inbox view. */
typedef enum
{
  DESK_INBOX_SORT_SLA,             /* the soonest due first */
  DESK_INBOX_SORT_PRIORITY,        /* urgent first, then by due time */
  DESK_INBOX_SORT_NEWEST,          /* the latest created first */
  DESK_INBOX_SORT_LONGEST_WAITING, /* the oldest last message first */
} DeskInboxSort;

/* The pieces a canned reply's body is parsed into (desk-canned-template.h). */
typedef enum
{
  DESK_CANNED_SEGMENT_TEXT,        /* literal text */
  DESK_CANNED_SEGMENT_PLACEHOLDER, /* {{customer.name}}: filled from the ticket and the agent */
  DESK_CANNED_SEGMENT_ASK,         /* {{ask:Order number}}: filled in by the agent */
} DeskCannedSegmentKind;

/* How the client stands with its server. */
typedef enum
{
  DESK_CONNECTION_ONLINE,
  DESK_CONNECTION_OFFLINE,      /* no answer, or errors: the cache is shown, changes wait */
  DESK_CONNECTION_UNAUTHORIZED, /* the token was refused: sign in again */
} DeskConnection;

G_END_DECLS
