/* desk-server-simulator.c
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "desk-server-simulator"

#include "config.h"

#include "desk-json.h"
#include "desk-server-private.h"

/* --simulate: customers who open live chats and answer the agents, so that
 * a demo desk is alive. Each tick may open a chat, and every simulated chat
 * whose last public word is an agent's gets the customer's next line. */

#define TICK_SECONDS 1
#define TYPING_TICKS 2

static const struct
{
  const char *name;
  const char *email;
  const char *locale;
  const char *subject;
  const char *opening;
  const char *follow_up;
} visitors[] = {
  { "Priya Natarajan", "priya.n@example.com", "en", "Deposit not showing",
    "Hi, I sent 0.05 BTC two hours ago and it is not in my balance yet. Can you check?",
    "The transaction has 3 confirmations now. Is that enough?" },
  { "Tomás Herrera", "tomas.h@example.org", "en", "2FA codes rejected",
    "My authenticator codes keep getting rejected when I log in. What can I do?",
    "I synced the phone clock and it works now, thanks!" },
  { "王磊", "wang.lei@mail.example.cn", "zh_CN", "提现一直在审核中",
    "你好，我的 USDT 提现已经审核三个小时了，请问什么时候能到账？", "好的，谢谢，我再等等。" },
  { "Amara Okafor", "amara.o@example.net", "en", "Fee on my last trade",
    "Why was I charged the taker fee on a limit order?",
    "Ah, it filled immediately, that makes sense. Thank you." },
  { "刘洋", "liu.yang@mail.example.cn", "zh_CN", "账户被冻结",
    "我的账户突然被冻结了，登录后提示联系客服，怎么办？",
    "我已经按照邮件提交了身份证明，请帮忙查看。" },
};

typedef struct
{
  gint64 ticket_id;
  guint  visitor;
  gint64 answered_message;
  gint64 typing_for;   /* the agent's message being answered */
  guint  typing_ticks; /* since the customer started typing it */
} SimulatedChat;

typedef struct
{
  DeskServer *server;
  GArray     *chats; /* of SimulatedChat */
  double      chats_per_tick;
  double      pending;
} Simulator;

static void
simulator_free (gpointer data)
{
  Simulator *simulator = data;

  g_array_unref (simulator->chats);
  g_free (simulator);
}

/* The id of the last public message if an agent wrote it, else 0. */
static gint64
last_agent_reply (DeskServer *self, gint64 ticket_id)
{
  sqlite3_stmt *stmt;
  gint64        id = 0;

  stmt = _desk_server_prepare (self, "SELECT id, json_extract(doc, '$.author.type') FROM messages"
                                     " WHERE ticket_id = ? AND json_extract(doc, '$.visibility')"
                                     " = 'public' ORDER BY id DESC LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "agent") == 0)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return id;
}

static gboolean
simulator_tick_cb (gpointer user_data)
{
  Simulator  *simulator = user_data;
  DeskServer *self = simulator->server;

  for (guint i = 0; i < simulator->chats->len; i++)
    {
      SimulatedChat *chat = &g_array_index (simulator->chats, SimulatedChat, i);
      gint64         reply = last_agent_reply (self, chat->ticket_id);
      g_autoptr (DeskMessageRecord) message = NULL;
      g_autoptr (GError) error = NULL;
      gboolean existed;

      if (reply == 0 || reply == chat->answered_message)
        continue;

      /* A tick of typing first, as a person would. */
      if (chat->typing_for != reply || ++chat->typing_ticks < TYPING_TICKS)
        {
          g_autoptr (DeskTicketRecord) ticket =
              _desk_server_load_ticket (self, chat->ticket_id, NULL);

          if (chat->typing_for != reply)
            chat->typing_ticks = 0;
          chat->typing_for = reply;
          if (ticket != NULL)
            _desk_server_emit_typing (self, ticket, 0, visitors[chat->visitor].name);
          continue;
        }

      chat->answered_message = reply;
      message = _desk_server_post_message (
          self, chat->ticket_id, DESK_AUTHOR_CUSTOMER, chat->ticket_id,
          visitors[chat->visitor].name, DESK_VISIBILITY_PUBLIC, visitors[chat->visitor].follow_up,
          NULL, NULL, -1, &existed, &error);
      if (message == NULL)
        g_warning ("The simulated customer could not answer: %s", error->message);
    }

  simulator->pending += simulator->chats_per_tick;
  while (simulator->pending >= 1)
    {
      guint            visitor = g_rand_int_range (self->rand, 0, G_N_ELEMENTS (visitors));
      g_autofree char *token = NULL;
      g_autoptr (DeskTicketRecord) ticket = NULL;
      g_autoptr (GError) error = NULL;

      simulator->pending -= 1;
      ticket = _desk_server_open_chat (self, visitors[visitor].name, visitors[visitor].email,
                                       visitors[visitor].locale, visitors[visitor].subject,
                                       visitors[visitor].opening,
                                       g_rand_int_range (self->rand, 1, 5), &token, &error);
      if (ticket == NULL)
        {
          g_warning ("The simulator could not open a chat: %s", error->message);
          continue;
        }

      g_array_append_vals (simulator->chats, &(SimulatedChat){ ticket->id, visitor, 0 }, 1);
    }

  return G_SOURCE_CONTINUE;
}

void
desk_server_start_simulator (DeskServer *self, double chats_per_minute)
{
  Simulator *simulator;

  g_return_if_fail (DESK_IS_SERVER (self));
  g_return_if_fail (chats_per_minute > 0);

  _desk_server_remove_source (&self->simulator_source);

  simulator = g_new0 (Simulator, 1);
  simulator->server = self;
  simulator->chats = g_array_new (FALSE, FALSE, sizeof (SimulatedChat));
  simulator->chats_per_tick = chats_per_minute * TICK_SECONDS / 60.0;
  simulator->pending = 1; /* one chat right away */

  {
    g_autoptr (GSource) source = g_timeout_source_new_seconds (TICK_SECONDS);

    g_source_set_callback (source, simulator_tick_cb, simulator, simulator_free);
    self->simulator_source = g_source_attach (source, g_main_context_get_thread_default ());
  }
}
