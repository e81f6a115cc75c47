#include "dstool_sqlite.h"
int dstool_sqlite_bind_text_transient(sqlite3_stmt *stmt, int index, const char *text, int len) {
    return sqlite3_bind_text(stmt, index, text, len, SQLITE_TRANSIENT);
}
int dstool_sqlite_bind_blob_transient(sqlite3_stmt *stmt, int index, const void *data, int len) {
    return sqlite3_bind_blob(stmt, index, data, len, SQLITE_TRANSIENT);
}
void dstool_sqlite_result_text_transient(sqlite3_context *ctx, const char *text, int len) {
    sqlite3_result_text(ctx, text, len, SQLITE_TRANSIENT);
}
