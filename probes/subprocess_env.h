// RunSubprocess (probes/subprocess.h) with variables added to the child's environment (VER4: the
// command executors tell vigil-probe that they hold the host-wide probe lease,
// probes/gpu/host_lease.h kProbeLeaseHeldEnv). Kept out of subprocess.h, which command_executor.h
// (and so most of agents/) includes.
#pragma once

#include <string>
#include <vector>

#include "probes/subprocess.h"

namespace vigil {

// As RunSubprocess; `extra_env`: "NAME=value" entries the child gets beside this process's
// environment (an entry replaces a variable of the same name).
Result<SubprocessResult> RunSubprocessWithEnv(const std::vector<std::string>& argv, double timeout_s,
                                              const std::vector<std::string>& extra_env,
                                              size_t max_output_bytes = 64u << 20);

}  // namespace vigil
