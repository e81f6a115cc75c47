/* libmagic for Swift. */
#ifndef DSTOOL_MAGIC_H
#define DSTOOL_MAGIC_H
#include <magic.h>
#endif
