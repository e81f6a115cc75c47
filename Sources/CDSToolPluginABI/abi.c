#include "dstool_plugin.h"


/* Compiles the header once as C, so a broken header fails the build of the host. */
typedef char dstool_abi_version_is_1[DSTOOL_ABI_VERSION == 1 ? 1 : -1];
