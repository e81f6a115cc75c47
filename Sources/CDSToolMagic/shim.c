#include "dstool_magic.h"
