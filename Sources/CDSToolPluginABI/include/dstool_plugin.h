/*
 * dstool_plugin.h — the only contract between the dstool host and its plugins.
 *
 * Rules of this header:
 *  - It is append-only. Fields are only ever added at the end of a struct, and every struct
 *    carries struct_size so both sides can tell which fields the other knows.
 *  - Nothing but C types crosses it. Records, requests and manifests travel as UTF-8 JSON.
 *  - Strings handed across are valid only for the duration of the call (or, for item info,
 *    until the next next_item call): copy what you keep.
 *  - No exception, Swift error or longjmp may unwind across it: a plugin returns a status.
 *
 * Plugin side: export `dstool_plugin_entry_v1`, returning a pointer to a static dstool_plugin_v1.
 */
#ifndef DSTOOL_PLUGIN_H
#define DSTOOL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DSTOOL_ABI_VERSION 1
#define DSTOOL_PLUGIN_ENTRY_SYMBOL "dstool_plugin_entry_v1"

/* Status returned by run(); the host maps it (with the records it received) to an exit code. */
enum dstool_status {
    DSTOOL_STATUS_OK = 0,           /* ran to the end (findings, if any, were emitted)          */
    DSTOOL_STATUS_USAGE = 2,        /* bad options or arguments; an error record says which     */
    DSTOOL_STATUS_INPUT_ERRORS = 3, /* some inputs could not be processed; the rest were        */
    DSTOOL_STATUS_FAILED = 4        /* the plugin could not do its job at all                   */
};

/* Log levels for host_api.log. */
enum dstool_log_level {
    DSTOOL_LOG_DEBUG = 0,
    DSTOOL_LOG_INFO = 1,
    DSTOOL_LOG_WARNING = 2,
    DSTOOL_LOG_ERROR = 3
};

/* dstool_item_info.flags */
#define DSTOOL_ITEM_STDIN      (1u << 0) /* the item is standard input                               */
#define DSTOOL_ITEM_IN_ARCHIVE (1u << 1) /* the item is an entry of an archive (depth > 0)           */
#define DSTOOL_ITEM_CONTAINER  (1u << 2) /* an archive the host will descend into after this item    */
#define DSTOOL_ITEM_TEXT       (1u << 3) /* the host decoded the first block as text (see encoding)  */
#define DSTOOL_ITEM_ENCRYPTED  (1u << 4) /* an encrypted archive entry: metadata only, not readable  */
#define DSTOOL_ITEM_COMPRESSED (1u << 5) /* a single-file compressed stream (.gz/.xz/...) unpacked   */

/* One input item. Pointers stay valid until the next call of next_item. */
typedef struct dstool_item_info {
    uint32_t struct_size;
    uint32_t flags;
    const char *name;        /* display chain, e.g. "backup.tar.gz!2024/users.zip!users.csv"; "-" is stdin */
    const char *path;        /* filesystem path of the outermost input ("-" for stdin)                    */
    const char *entry;       /* path inside the innermost archive, or NULL for a plain file               */
    const char *mime;        /* MIME type from libmagic, e.g. "text/plain"                                */
    const char *magic;       /* libmagic's description                                                    */
    const char *encoding;    /* "utf-8", "utf-16le", "utf-16be", "gb18030", or "binary"                   */
    int64_t size;            /* bytes, or -1 when unknown in advance                                      */
    int64_t mtime;           /* modification time, seconds since the epoch, or INT64_MIN when unknown     */
    uint32_t mode;           /* st_mode bits (type and permissions), 0 when unknown                       */
    uint32_t depth;          /* 0 for a top-level input, 1 inside one archive, ...                         */
    const char *chain_json;  /* the chain as a JSON array of strings, e.g. ["backup.tar.gz","users.csv"]   */
    int64_t uid;             /* owner user id, -1 when unknown                                            */
    int64_t gid;             /* owner group id, -1 when unknown                                           */
} dstool_item_info;

/* Services the host offers to a running plugin. ctx is passed back on every call.
 * emit, progress, log and is_cancelled may be called from any thread; the input and output
 * functions from one thread at a time. */
typedef struct dstool_host_api {
    uint32_t abi_version;
    uint32_t struct_size;
    void *ctx;

    /* Hand over one record: a JSON object as described by result.schema.json ("finding",
     * "error", or "data"). The host copies it. Returns 0, or -1 if it was not valid. */
    int32_t (*emit)(void *ctx, const char *json, size_t len);
    /* done/total in the plugin's own unit (bytes or items); total 0 when unknown. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total, const char *label);
    void (*log)(void *ctx, int32_t level, const char *message);
    /* Non-zero once the user interrupted the run: finish the current item and return. */
    int32_t (*is_cancelled)(void *ctx);

    /* Advance to the next input item: 1 = *out filled in, 0 = no more items, -1 = failure
     * (last_error says why). Items that cannot be opened are reported by the host itself. */
    int32_t (*next_item)(void *ctx, dstool_item_info *out);
    /* Read raw bytes of the current item: >0 bytes read, 0 end of item, -1 error. */
    int64_t (*read)(void *ctx, void *buf, size_t cap);
    /* Read the current item decoded to UTF-8 (invalid sequences become U+FFFD). If offsets is not
     * NULL it receives, for every byte written to buf, the offset in the raw item of the first
     * byte of the character it belongs to. Returns bytes written, 0 at end, -1 on error.
     * Mixing read and read_text on one item is an error. */
    int64_t (*read_text)(void *ctx, char *buf, size_t cap, uint64_t *offsets);
    /* A filesystem path holding the whole current item: the input file itself, or a temporary
     * copy owned by the host and removed when the run moves on. Call before reading. NULL on error. */
    const char *(*local_path)(void *ctx);
    /* The reason for the last -1/NULL returned to this thread. */
    const char *(*last_error)(void *ctx);

    /* Data outputs. path "-" is standard output. Anything else is written to a temporary file in
     * the destination folder and renamed into place by output_close(commit = 1); commit = 0
     * removes it. An existing file is never overwritten unless flags has DSTOOL_OUTPUT_REPLACE.
     * Returns a handle > 0, or -1. */
    int64_t (*output_open)(void *ctx, const char *path, uint32_t mode, uint32_t flags);
    int64_t (*output_write)(void *ctx, int64_t handle, const void *buf, size_t len);
    int32_t (*output_close)(void *ctx, int64_t handle, int32_t commit);

    /* Read a secret without it ever passing through argv: source is "env:NAME", "fd:N",
     * "file:PATH" or "prompt:TEXT" (terminal only, no echo). Returns its length (it may be
     * larger than cap, in which case nothing is written), or -1. The caller wipes buf. */
    int64_t (*read_secret)(void *ctx, const char *source, void *buf, size_t cap);
} dstool_host_api;

#define DSTOOL_OUTPUT_REPLACE (1u << 0)

/* What a plugin exports. */
typedef struct dstool_plugin_v1 {
    uint32_t abi_version;   /* DSTOOL_ABI_VERSION the plugin was built against */
    uint32_t struct_size;   /* sizeof(dstool_plugin_v1) as the plugin knows it */
    /* The manifest, a JSON document equal to Manifests/<id>.json. Static storage. */
    const char *(*manifest_json)(void);
    /* Run one command. request_json: {"command", "options", "inputs", "format", "lang", ...}. */
    int32_t (*run)(const char *request_json, const dstool_host_api *host);
} dstool_plugin_v1;

typedef const dstool_plugin_v1 *(*dstool_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DSTOOL_PLUGIN_H */
