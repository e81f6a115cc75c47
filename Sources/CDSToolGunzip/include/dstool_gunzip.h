/* gzip streams inflated with ISA-L (igzip, 2-3x zlib's speed) and handed to libarchive as a
 * client stream, member by member exactly as libarchive's own gzip filter reads them. */
#ifndef DSTOOL_GUNZIP_H
#define DSTOOL_GUNZIP_H
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct dstool_gunzip dstool_gunzip;

/* Whether `p` (n bytes, the start of a file) is a gzip header libarchive's gzip filter accepts
 * (deflate, no reserved flag, complete optional fields). */
int dstool_gunzip_header_ok(const unsigned char *p, size_t n);

/* Opens `a` on the inflated bytes of the gzip file `fd` (read from its current offset; the
 * descriptor is closed when the archive is if `owns_fd`). Returns libarchive's status of the
 * open; `*out` is set either way and must be freed with dstool_gunzip_free after the archive. */
int dstool_gunzip_open(struct archive *a, int fd, int owns_fd, dstool_gunzip **out);
void dstool_gunzip_free(dstool_gunzip *g);

/* Compressed bytes consumed so far (what libarchive's gzip filter reports as its position). */
int64_t dstool_gunzip_consumed(const dstool_gunzip *g);

/* What libarchive's gzip filter sets on a raw (single compressed file) entry: the stored
 * name and a non-zero modification time of the member header read last. */
void dstool_gunzip_fill_raw_entry(const dstool_gunzip *g, struct archive_entry *entry);

#endif
