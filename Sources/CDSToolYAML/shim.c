// No wrappers needed: libyaml's API has no function-like macros Swift cannot import.
#include "dstool_yaml.h"
