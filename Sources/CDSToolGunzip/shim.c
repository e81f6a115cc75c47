#define _GNU_SOURCE  /* pthread_setname_np */
#include "dstool_gunzip.h"
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { IN_SIZE = 64 * 1024, OUT_SIZE = 64 * 1024 };
/* libarchive's private ARCHIVE_ERRNO_MISC. */
#define ERRNO_MISC (-1)

/* The inflater runs on a thread of its own, up to RING_CHUNKS chunks (4 MiB) ahead of
 * libarchive, so tar parsing and the plugin's reading overlap with inflating. A chunk is exactly
 * what one read callback returned when inflating was done inside it (the same 64 KiB, the same
 * error at the same point), with the state that callback left behind (compressed bytes consumed,
 * the member's time and name): what libarchive and the limits see does not change. */
enum { RING_CHUNKS = 64 };
/* Each side wakes the other for 8 chunks at a time, not for every chunk (a wake-up is a context
 * switch; whichever side is faster would otherwise wait once per 64 KiB). */
enum { WAKE_BATCH = 8 };

struct chunk {
    unsigned char data[OUT_SIZE];
    size_t len;
    int final;                   /* the end of the stream, or an error: nothing follows */
    int status;                  /* ARCHIVE_OK or ARCHIVE_FATAL */
    int error_number;
    const char *error;           /* the message to set with a fatal status (NULL: none) */
    int64_t consumed;            /* compressed bytes consumed once this chunk was inflated */
    uint32_t mtime;              /* of the member header read last */
    char *name;                  /* a name stored by a header read for this chunk (owned), or NULL */
};

struct dstool_gunzip {
    int fd, owns_fd;
    /* The inflating thread's state (the caller's before it starts). */
    unsigned char in[IN_SIZE];
    size_t in_start, in_end;     /* unconsumed input: in[in_start..<in_end] */
    int in_eof;                  /* read() returned 0 */
    int read_errno;              /* read() failed */
    int64_t consumed;            /* compressed bytes consumed */
    int64_t read_pos;            /* bytes read from fd */
    int64_t advised;             /* the disk was asked for the file up to here */
    int in_stream, eof;
    struct inflate_state state;
    uint32_t mtime;
    char *new_name;              /* stored name read since the last chunk was finished */

    /* The ring: chunks [tail, tail + filled) are inflated; the one at tail is libarchive's while
       `held` (its buffer must stay valid until the next read callback). */
    struct chunk *ring;
    unsigned head, tail, filled;
    int held;
    pthread_t thread;
    int thread_started;
    atomic_int stop;             /* the archive is being closed: the thread ends */
    pthread_mutex_t lock;
    pthread_cond_t chunk_ready, chunk_free;

    /* What libarchive has been handed: its view of the stream. */
    int64_t handed_consumed;
    uint32_t handed_mtime;
    char *handed_name;
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
        if (g) { free(g->new_name); g->new_name = strdup((const char *)p + start); }
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

/* Fills `c` with what one read callback returned when inflating was done inside it. */
static void inflate_chunk(dstool_gunzip *g, struct chunk *c) {
    struct inflate_state *s = &g->state;
    c->len = 0; c->final = 0; c->status = ARCHIVE_OK; c->error_number = 0; c->error = NULL;
    s->next_out = c->data;
    s->avail_out = OUT_SIZE;
    while (s->avail_out > 0 && !g->eof) {
        /* Closing: nobody will read this chunk (a stream of empty blocks may not end soon). */
        if (atomic_load_explicit(&g->stop, memory_order_relaxed)) { c->final = 1; break; }
        if (!g->in_stream) {
            size_t len = next_header(g);
            if (len == 0) { g->eof = 1; break; }
            consume(g, len);
            uint32_t room = s->avail_out;
            isal_inflate_init(s);  /* raw deflate: the gzip wrapper is read here, as libarchive does */
            s->next_out = c->data + (OUT_SIZE - room);
            s->avail_out = room;
            g->in_stream = 1;
        }
        size_t avail = ahead(g, 1);
        if (g->read_errno) {
            c->status = ARCHIVE_FATAL; c->error_number = g->read_errno; c->error = "Error reading file";
            break;
        }
        if (avail == 0 && s->block_state != ISAL_BLOCK_INPUT_DONE) {
            c->status = ARCHIVE_FATAL; c->error_number = ERRNO_MISC; c->error = "truncated gzip input";
            break;
        }
        s->next_in = g->in + g->in_start;
        s->avail_in = (uint32_t)avail;
        int ret = isal_inflate(s);
        consume(g, avail - s->avail_in);
        if (ret < 0) {
            c->status = ARCHIVE_FATAL; c->error_number = ERRNO_MISC; c->error = "gzip decompression failed";
            break;
        }
        if (s->block_state == ISAL_BLOCK_FINISH) {
            /* Whole bytes read into ISA-L's bit buffer past the end of the stream belong to the
               trailer: give them back. */
            size_t unused = (size_t)s->read_in_length / 8;
            g->in_start -= unused;
            g->consumed -= (int64_t)unused;
            /* The 8-byte trailer (CRC and length, not verified, as libarchive does not). */
            g->in_stream = 0;
            if (ahead(g, 8) < 8) { c->status = ARCHIVE_FATAL; break; }  /* no message, as before */
            consume(g, 8);
        }
    }
    if (c->status != ARCHIVE_OK) c->final = 1;
    else c->len = OUT_SIZE - s->avail_out;
    if (c->len == 0) c->final = 1;  /* the end of the stream */
    c->consumed = g->consumed;
    c->mtime = g->mtime;
    c->name = g->new_name;
    g->new_name = NULL;
}

/* One ring is kept for the next gzip file (most are opened one after the other): its 4 MiB are
 * not mapped and zeroed again for each. */
static struct chunk *spare_ring;
static pthread_mutex_t spare_ring_lock = PTHREAD_MUTEX_INITIALIZER;

static struct chunk *take_ring(void) {
    pthread_mutex_lock(&spare_ring_lock);
    struct chunk *ring = spare_ring;
    spare_ring = NULL;
    pthread_mutex_unlock(&spare_ring_lock);
    return ring ? ring : malloc(sizeof(struct chunk) * RING_CHUNKS);
}

static void give_back_ring(struct chunk *ring) {
    pthread_mutex_lock(&spare_ring_lock);
    if (!spare_ring) { spare_ring = ring; ring = NULL; }
    pthread_mutex_unlock(&spare_ring_lock);
    free(ring);
}

static void *inflating_thread(void *data) {
    dstool_gunzip *g = data;
    pthread_setname_np(pthread_self(), "dstool-gunzip");  /* in perf, top, and the tests */
    for (;;) {
        pthread_mutex_lock(&g->lock);
        if (g->filled == RING_CHUNKS)
            while (g->filled > RING_CHUNKS - WAKE_BATCH && !atomic_load(&g->stop)) pthread_cond_wait(&g->chunk_free, &g->lock);
        unsigned slot = g->head;
        pthread_mutex_unlock(&g->lock);
        if (atomic_load(&g->stop)) break;
        struct chunk *c = &g->ring[slot];
        inflate_chunk(g, c);  /* the slot is not the consumer's until `filled` counts it */
        pthread_mutex_lock(&g->lock);
        g->head = (slot + 1) % RING_CHUNKS;
        g->filled++;
        if (g->filled >= WAKE_BATCH || c->final) pthread_cond_signal(&g->chunk_ready);  /* no call if nobody waits */
        pthread_mutex_unlock(&g->lock);
        if (c->final) break;
    }
    return NULL;
}

/* Ends the inflating thread (it may be waiting for room, or inflating a chunk) and waits for it. */
static void stop_thread(dstool_gunzip *g) {
    if (!g->thread_started) return;
    pthread_mutex_lock(&g->lock);
    atomic_store(&g->stop, 1);
    pthread_cond_broadcast(&g->chunk_free);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    g->thread_started = 0;
}

static la_ssize_t read_cb(struct archive *a, void *data, const void **buffer) {
    dstool_gunzip *g = data;
    if (!g->thread_started) {
        if (!g->ring) g->ring = take_ring();
        if (!g->ring || pthread_create(&g->thread, NULL, inflating_thread, g) != 0) {
            archive_set_error(a, ENOMEM, "Can't start inflating gzip data");
            return ARCHIVE_FATAL;
        }
        g->thread_started = 1;
    }
    pthread_mutex_lock(&g->lock);
    if (g->held) {
        if (g->ring[g->tail].final) {
            /* After the end or an error, every later call answers the same. */
            struct chunk *c = &g->ring[g->tail];
            pthread_mutex_unlock(&g->lock);
            *buffer = NULL;
            return c->status == ARCHIVE_OK ? 0 : ARCHIVE_FATAL;
        }
        g->tail = (g->tail + 1) % RING_CHUNKS;
        g->filled--;
        g->held = 0;
        if (g->filled <= RING_CHUNKS - WAKE_BATCH) pthread_cond_signal(&g->chunk_free);
    }
    if (g->filled == 0) {
        /* Until a batch is ready, or the last chunk (the end or an error) is. */
        while (g->filled < WAKE_BATCH && !(g->filled > 0 && g->ring[(g->tail + g->filled - 1) % RING_CHUNKS].final))
            pthread_cond_wait(&g->chunk_ready, &g->lock);
    }
    struct chunk *c = &g->ring[g->tail];
    g->held = 1;
    pthread_mutex_unlock(&g->lock);
    g->handed_consumed = c->consumed;
    g->handed_mtime = c->mtime;
    if (c->name) { free(g->handed_name); g->handed_name = c->name; c->name = NULL; }
    if (c->status != ARCHIVE_OK) {
        if (c->error) archive_set_error(a, c->error_number, "%s", c->error);
        *buffer = NULL;
        return c->status;
    }
    *buffer = c->len ? c->data : NULL;
    return (la_ssize_t)c->len;
}

/* Closes the file only (after the thread reading it ended): libarchive may call it more than
 * once; dstool_gunzip_free frees. */
static int close_cb(struct archive *a, void *data) {
    (void)a;
    dstool_gunzip *g = data;
    stop_thread(g);
    if (g->owns_fd && g->fd >= 0) close(g->fd);
    g->fd = -1;
    return ARCHIVE_OK;
}

void dstool_gunzip_free(dstool_gunzip *g) {
    if (!g) return;
    stop_thread(g);
    if (g->owns_fd && g->fd >= 0) close(g->fd);
    if (g->ring) {
        /* Names of chunks inflated but never handed over. */
        for (unsigned k = 0; k < g->filled; k++) free(g->ring[(g->tail + k) % RING_CHUNKS].name);
        give_back_ring(g->ring);
    }
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->chunk_ready);
    pthread_cond_destroy(&g->chunk_free);
    free(g->new_name);
    free(g->handed_name);
    free(g);
}

int dstool_gunzip_open(struct archive *a, int fd, int owns_fd, dstool_gunzip **out) {
    dstool_gunzip *g = calloc(1, sizeof *g);
    if (!g) { if (owns_fd) close(fd); archive_set_error(a, ENOMEM, "Can't allocate data for gzip decompression"); return ARCHIVE_FATAL; }
    g->fd = fd;
    g->owns_fd = owns_fd;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->chunk_ready, NULL);
    pthread_cond_init(&g->chunk_free, NULL);
    *out = g;
    return archive_read_open(a, g, NULL, read_cb, close_cb);
}

int64_t dstool_gunzip_consumed(const dstool_gunzip *g) { return g->handed_consumed; }

void dstool_gunzip_fill_raw_entry(const dstool_gunzip *g, struct archive_entry *entry) {
    if (g->handed_mtime != 0) archive_entry_set_mtime(entry, g->handed_mtime, 0);
    if (g->handed_name) archive_entry_set_pathname(entry, g->handed_name);
}
