// The host an `ssh` command in a terminal paste runs on (RG12). An operator's shell paste saved
// under one node's name ("node-11/ops-shell") may hold output fetched from another node with
// `ssh node-10 nvidia-smi ...`: the lines after that command, up to the next command line, were
// written on node-10, not on the node the log is named after (realistic13 rl13-10: a peer's cool
// GPUs read as the hot node's own).
//
// Thread safety: pure function.
#pragma once

#include <string>

namespace vigil {

// The destination host of the first `ssh` command in `command_line` (a line IsShellCommandLine
// accepts, or any command text): "node-10" for "$ ssh -p 2222 ops@node-10 nvidia-smi",
// "ssh://root@n-3:22 uptime" -> "n-3". Options are skipped, with their argument for those ssh
// gives one (-p 2222, -i key, -o Opt=v, -J jump). "" when the line runs no ssh or names no host.
std::string SshTarget(const std::string& command_line);

}  // namespace vigil
