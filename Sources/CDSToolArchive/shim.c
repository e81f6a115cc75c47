#include "dstool_archive.h"
