/* The masks are inline functions in the header; this file makes the header a module target. */
#include "dstool_scan_bits.h"
