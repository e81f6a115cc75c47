#include "dstool_gunzip.h"
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { IN_SIZE = 64 * 1024, OUT_SIZE = 64 * 1024 };
/* libarchive's private ARCHIVE_ERRNO_MISC. */
#define ERRNO_MISC (-1)

struct dstool_gunzip {
    int fd, owns_fd;
    unsigned char in[IN_SIZE];
    size_t in_start, in_end;     /* unconsumed input: in[in_start..<in_end] */
    int in_eof;                  /* read() returned 0 */
    int read_errno;              /* read() failed */
    int64_t consumed;            /* compressed bytes consumed */
    int64_t read_pos;            /* bytes read from fd */
    int64_t advised;             /* the disk was asked for the file up to here */
    int in_stream, eof;
    struct inflate_state state;
    unsigned char out[OUT_SIZE];
    uint32_t mtime;
    char *name;
};

/* Makes at least `want` unconsumed bytes available if the file has them; returns how many are.
 * The last HISTORY consumed bytes stay in the buffer: ISA-L's bit buffer may hold that many
 * bytes past the end of a deflate stream, which are given back (see read_cb). */
enum { HISTORY = 8 };
static size_t ahead(dstool_gunzip *g, size_t want) {
    if (want > IN_SIZE - HISTORY) want = IN_SIZE - HISTORY;
    while (g->in_end - g->in_start < want && !g->in_eof && !g->read_errno) {
        if (g->in_end == IN_SIZE || g->in_end + (want - (g->in_end - g->in_start)) > IN_SIZE) {
            size_t keep = g->in_start < HISTORY ? g->in_start : HISTORY;
            memmove(g->in, g->in + g->in_start - keep, g->in_end - g->in_start + keep);
            g->in_end -= g->in_start - keep;
            g->in_start = keep;
        }
        /* Keep the disk ahead of the inflater, as the host does for files it reads itself:
           twice what was read so far, 1 MiB to 32 MiB. */
        int64_t lead = 2 * g->read_pos;
        if (lead < (1 << 20)) lead = 1 << 20;
        if (lead > (32 << 20)) lead = 32 << 20;
        if (g->read_pos + lead > g->advised) {
            int64_t until = g->read_pos + lead + lead / 2;
            (void)posix_fadvise(g->fd, g->advised, until - g->advised, POSIX_FADV_WILLNEED);
            g->advised = until;
        }
        ssize_t n = read(g->fd, g->in + g->in_end, IN_SIZE - g->in_end);
        if (n < 0) { if (errno == EINTR) continue; g->read_errno = errno; break; }
        g->read_pos += n;
        if (n == 0) { g->in_eof = 1; break; }
        g->in_end += (size_t)n;
    }
    return g->in_end - g->in_start;
}

static void consume(dstool_gunzip *g, size_t n) { g->in_start += n; g->consumed += (int64_t)n; }

/* libarchive's peek_at_header: the header's length, or 0 if it is not a (complete) gzip header.
 * With `g`, also keeps the member's modification time and stored name. */
static size_t header_length(const unsigned char *p, size_t avail, dstool_gunzip *g) {
    size_t len = 10;
    if (avail < len || memcmp(p, "\x1F\x8B\x08", 3) != 0 || (p[3] & 0xE0) != 0) return 0;
    int flags = p[3];
    if (g) g->mtime = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    if (flags & 4) {
        if (avail < len + 2) return 0;
        len += 2 + ((size_t)p[len + 1] << 8 | p[len]);
    }
    if (flags & 8) {
        size_t start = len;
        do { ++len; if (avail < len) return 0; } while (p[len - 1] != 0);
        if (g) { free(g->name); g->name = strdup((const char *)p + start); }
    }
    if (flags & 16) {
        do { ++len; if (avail < len) return 0; } while (p[len - 1] != 0);
    }
    if (flags & 2) { if (avail < len + 2) return 0; len += 2; }
    return len;
}

int dstool_gunzip_header_ok(const unsigned char *p, size_t n) { return header_length(p, n, NULL) > 0; }

/* The header of the next member, as libarchive reads it: it may be longer than what is
 * buffered (a long name), so ask for more until it is complete or the file ends. */
static size_t next_header(dstool_gunzip *g) {
    size_t want = 10;
    for (;;) {
        size_t avail = ahead(g, want);
        size_t len = header_length(g->in + g->in_start, avail, NULL);
        if (len > 0) return header_length(g->in + g->in_start, avail, g);
        if (avail < want || avail >= IN_SIZE - HISTORY) return 0;  /* the file ended, or no header fits */
        want = avail + 1;
    }
}

static la_ssize_t read_cb(struct archive *a, void *data, const void **buffer) {
    dstool_gunzip *g = data;
    struct inflate_state *s = &g->state;
    s->next_out = g->out;
    s->avail_out = OUT_SIZE;
    while (s->avail_out > 0 && !g->eof) {
        if (!g->in_stream) {
            size_t len = next_header(g);
            if (len == 0) { g->eof = 1; break; }
            consume(g, len);
            uint32_t room = s->avail_out;
            isal_inflate_init(s);  /* raw deflate: the gzip wrapper is read here, as libarchive does */
            s->next_out = g->out + (OUT_SIZE - room);
            s->avail_out = room;
            g->in_stream = 1;
        }
        size_t avail = ahead(g, 1);
        if (g->read_errno) {
            archive_set_error(a, g->read_errno, "Error reading file");
            return ARCHIVE_FATAL;
        }
        if (avail == 0 && s->block_state != ISAL_BLOCK_INPUT_DONE) {
            archive_set_error(a, ERRNO_MISC, "truncated gzip input");
            return ARCHIVE_FATAL;
        }
        s->next_in = g->in + g->in_start;
        s->avail_in = (uint32_t)avail;
        int ret = isal_inflate(s);
        consume(g, avail - s->avail_in);
        if (ret < 0) {
            archive_set_error(a, ERRNO_MISC, "gzip decompression failed");
            return ARCHIVE_FATAL;
        }
        if (s->block_state == ISAL_BLOCK_FINISH) {
            /* Whole bytes read into ISA-L's bit buffer past the end of the stream belong to the
               trailer: give them back. */
            size_t unused = (size_t)s->read_in_length / 8;
            g->in_start -= unused;
            g->consumed -= (int64_t)unused;
            /* The 8-byte trailer (CRC and length, not verified, as libarchive does not). */
            g->in_stream = 0;
            if (ahead(g, 8) < 8) return ARCHIVE_FATAL;
            consume(g, 8);
        }
    }
    size_t n = OUT_SIZE - s->avail_out;
    *buffer = n ? g->out : NULL;
    return (la_ssize_t)n;
}

/* Closes the file only: libarchive may call it more than once; dstool_gunzip_free frees. */
static int close_cb(struct archive *a, void *data) {
    (void)a;
    dstool_gunzip *g = data;
    if (g->owns_fd && g->fd >= 0) close(g->fd);
    g->fd = -1;
    return ARCHIVE_OK;
}

void dstool_gunzip_free(dstool_gunzip *g) {
    if (!g) return;
    if (g->owns_fd && g->fd >= 0) close(g->fd);
    free(g->name);
    free(g);
}

int dstool_gunzip_open(struct archive *a, int fd, int owns_fd, dstool_gunzip **out) {
    dstool_gunzip *g = calloc(1, sizeof *g);
    if (!g) { if (owns_fd) close(fd); archive_set_error(a, ENOMEM, "Can't allocate data for gzip decompression"); return ARCHIVE_FATAL; }
    g->fd = fd;
    g->owns_fd = owns_fd;
    *out = g;
    return archive_read_open(a, g, NULL, read_cb, close_cb);
}

int64_t dstool_gunzip_consumed(const dstool_gunzip *g) { return g->consumed; }

void dstool_gunzip_fill_raw_entry(const dstool_gunzip *g, struct archive_entry *entry) {
    if (g->mtime != 0) archive_entry_set_mtime(entry, g->mtime, 0);
    if (g->name) archive_entry_set_pathname(entry, g->name);
}
