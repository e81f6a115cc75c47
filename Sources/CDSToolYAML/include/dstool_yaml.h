// libyaml (libyaml-dev), the C parser Yams is built on, for plugins that read YAML without
// Foundation (Yams imports Foundation, whose load costs 10-20 ms of every run).
#include <yaml.h>
