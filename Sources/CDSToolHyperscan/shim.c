#include "dstool_hyperscan.h"
