/* desk-server-private.h
 *
 * Copyright 2026 The Agent Desk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "desk-records.h"
#include "desk-server.h"

G_BEGIN_DECLS

/* The caller of a request: a staff member or a chat customer. */
typedef struct
{
  gint64   user_id;
  char    *name;
  DeskRole role;
  GArray  *queue_ids;      /* of gint64 */
  char    *queue_ids_json; /* the same, as a JSON array for SQL */
  gint64   chat_id;        /* a customer's chat, 0 for staff */
} DeskCaller;

struct _DeskServer
{
  GObject parent_instance;

  char       *data_dir;
  sqlite3    *db;
  SoupServer *soup;
  GList      *sockets;    /* of DeskServerSocket */
  GHashTable *statements; /* SQL text -> sqlite3_stmt */
  GHashTable *buckets;    /* token -> DeskRateBucket */
  GHashTable *viewers;    /* ticket id -> GPtrArray of DeskViewer */
  GRand      *rand;

  gsize  max_body_size;
  double rate_per_second;
  double rate_burst;

  guint drop_responses; /* test hook: apply the next writes, lose their answers */

  gboolean ignore_open_filter; /* test hook: a server from before `?open=true` */

  guint ping_source;
  guint simulator_source;
};

#define DESK_SERVER_MAX_UPLOAD (10 * 1024 * 1024)
#define DESK_SERVER_MAX_LIMIT 500

/* Open work (`?open=true` on the ticket and message feeds): a ticket that is
 * new, open or pending, and not deleted. The partial index tickets_open_by_seq
 * is defined with these very terms: SQLite uses a partial index only for a
 * query that repeats its WHERE. */
#define DESK_SERVER_OPEN_TICKET_SQL "status IN ('new', 'open', 'pending') AND NOT deleted"

/* Fault injection for the client tests: the next @count POSTs are applied
 * but their responses are lost (the connection is closed instead). */
void _desk_server_drop_responses (DeskServer *self, guint count);

void _desk_server_remove_source (guint *source_id);

/* Storage (desk-server-store.c) */
gboolean      _desk_server_store_open (DeskServer *self, GError **error);
gboolean      _desk_server_exec (DeskServer *self, const char *sql, GError **error);
sqlite3_stmt *_desk_server_prepare (DeskServer *self, const char *sql);
gboolean      _desk_server_step_done (DeskServer *self, sqlite3_stmt *stmt, GError **error);
gboolean      _desk_server_begin (DeskServer *self);
gboolean      _desk_server_commit (DeskServer *self);
void          _desk_server_rollback (DeskServer *self);

char *_desk_server_record_to_string (gpointer record,
                                     void (*to_json) (gconstpointer, JsonBuilder *));

DeskTicketRecord *_desk_server_load_ticket (DeskServer *self, gint64 ticket_id, gint64 *queue_id);
gboolean _desk_server_save_ticket (DeskServer *self, DeskTicketRecord *ticket, GError **error);
gboolean _desk_server_insert_message (DeskServer        *self,
                                      DeskMessageRecord *message,
                                      const char        *author_key,
                                      GError           **error);
gboolean _desk_server_save_article (DeskServer *self, DeskArticleRecord *article, GError **error);
gboolean _desk_server_save_canned (DeskServer *self, DeskCannedRecord *canned, GError **error);
DeskCannedRecord *
_desk_server_find_canned_by_client_id (DeskServer *self, gint64 user_id, const char *client_id);
gboolean _desk_server_create_canned (DeskServer       *self,
                                     DeskCannedRecord *canned,
                                     gint64            user_id,
                                     const char       *client_id,
                                     GError          **error);
gboolean _desk_server_save_quiz (DeskServer *self, DeskQuizRecord *quiz, GError **error);
gboolean _desk_server_save_queue (DeskServer *self, DeskQueueRecord *queue, GError **error);
gint64   _desk_server_insert_user (DeskServer   *self,
                                   gint64        id,
                                   const char   *name,
                                   const char   *email,
                                   DeskRole      role,
                                   const gint64 *queue_ids,
                                   guint         n_queue_ids,
                                   GError      **error);
char *_desk_server_insert_token (DeskServer *self, gint64 user_id, gint64 chat_id, GError **error);
DeskCaller *_desk_server_lookup_token (DeskServer *self, const char *token);
gboolean    _desk_server_revoke_token (DeskServer *self, const char *token);
void        _desk_caller_free (DeskCaller *caller);
gboolean    _desk_caller_sees_queue (const DeskCaller *caller, gint64 queue_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskCaller, _desk_caller_free)
gint64
_desk_server_move_messages (DeskServer *self, gint64 from_ticket, gint64 to_ticket, GError **error);

gboolean _desk_server_tombstone_messages (DeskServer *self,
                                          gint64      ticket_id,
                                          gint64      deleted_at,
                                          GError    **error);

/* Request handling (desk-server-api.c) */
void _desk_server_api_handle (DeskServer        *self,
                              SoupServerMessage *msg,
                              DeskCaller        *caller,
                              const char        *method,
                              char             **segments,
                              GHashTable        *query);
void _desk_server_public_handle (DeskServer        *self,
                                 SoupServerMessage *msg,
                                 const char        *method,
                                 char             **segments,
                                 const char        *token);
void _desk_server_send_error (SoupServerMessage *msg,
                              guint              status,
                              const char        *code,
                              const char        *format,
                              ...) G_GNUC_PRINTF (4, 5);
void _desk_server_send_json (SoupServerMessage *msg, guint status, char *json);
void _desk_server_viewers_to_json (DeskServer *self, gint64 ticket_id, JsonBuilder *builder);

/* Events (desk-server-events.c) */
void     _desk_server_events_init (DeskServer *self);
void     _desk_server_events_init_ping (DeskServer *self);
void     _desk_server_events_shutdown (DeskServer *self);
void     _desk_server_emit (DeskServer *self,
                            const char *type,
                            gint64      id,
                            gint64      ticket_id,
                            gint64      queue_id,
                            gint64      version,
                            const char *extra_json);
void     _desk_server_emit_typing (DeskServer             *self,
                                   const DeskTicketRecord *ticket,
                                   gint64                  agent_id,
                                   const char             *name);
gboolean _desk_server_events_early (DeskServer *self, SoupServerMessage *msg);

/* Metrics (desk-server-metrics.c) */
char *_desk_server_metrics (DeskServer *self, gint64 from, gint64 to, gboolean hourly);

/* Seed and import (desk-server-seed.c) */
gboolean
_desk_server_import_node (DeskServer *self, const char *kind, JsonNode *root, GError **error);

/* Posting, shared by the API and the simulator */
DeskMessageRecord *_desk_server_post_message (DeskServer    *self,
                                              gint64         ticket_id,
                                              DeskAuthorType author_type,
                                              gint64         author_id,
                                              const char    *author_name,
                                              DeskVisibility visibility,
                                              const char    *body,
                                              const char    *client_id,
                                              GArray        *attachment_ids,
                                              int            set_status,
                                              gboolean      *existed,
                                              GError       **error);
DeskTicketRecord  *_desk_server_open_chat (DeskServer *self,
                                           const char *name,
                                           const char *email,
                                           const char *locale,
                                           const char *subject,
                                           const char *body,
                                           gint64      queue_id,
                                           char      **customer_token,
                                           GError    **error);

G_END_DECLS
