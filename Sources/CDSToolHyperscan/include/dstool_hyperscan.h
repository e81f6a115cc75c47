/* Hyperscan (Debian libhyperscan-dev) for Swift. */
#ifndef DSTOOL_HYPERSCAN_H
#define DSTOOL_HYPERSCAN_H
#include <hs/hs.h>
#endif
