/* SQLite for Swift. SQLITE_TRANSIENT is a macro over a cast that does not import. */
#ifndef DSTOOL_SQLITE_H
#define DSTOOL_SQLITE_H
#include <sqlite3.h>
int dstool_sqlite_bind_text_transient(sqlite3_stmt *stmt, int index, const char *text, int len);
int dstool_sqlite_bind_blob_transient(sqlite3_stmt *stmt, int index, const void *data, int len);
/* A function result SQLite copies (the masking plugin's SQL function). */
void dstool_sqlite_result_text_transient(sqlite3_context *ctx, const char *text, int len);
#endif
