import DSToolCore
import DSToolKit
import FoundationEssentials
import Glibc

// dstool: the host. Built-in commands are handled here; every other command is routed to the
// plugin whose manifest declares it, and only that plugin is loaded.
setvbuf(stdout, nil, _IOFBF, 1 << 16)
let args = Array(CommandLine.arguments.dropFirst())
let code = CLI(arguments: args).main()
fflush(stdout)
exit(code)
