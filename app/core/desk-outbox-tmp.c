#include "config.h"
#include "desk-outbox.h"
gint64 desk_outbox_create_canned (DeskOutbox *self, const DeskCannedRecord *fields, gboolean shared, GError **error) { g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "tmp"); return 0; }
gint64 desk_outbox_update_canned (DeskOutbox *self, gint64 id, const DeskCannedRecord *fields, GError **error) { g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "tmp"); return 0; }
gint64 desk_outbox_delete_canned (DeskOutbox *self, gint64 id, GError **error) { g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "tmp"); return 0; }
