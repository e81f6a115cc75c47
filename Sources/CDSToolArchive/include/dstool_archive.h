/* libarchive for Swift. */
#ifndef DSTOOL_ARCHIVE_H
#define DSTOOL_ARCHIVE_H
#include <archive.h>
#include <archive_entry.h>
#endif
