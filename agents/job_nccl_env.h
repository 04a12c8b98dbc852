// The NCCL settings a job ran with, and whether an NCCL test ran with them (rl52-27, seen: a job's
// NCCL_SOCKET_IFNAME=eth2 named a NIC no pod had, and the bootstrap failed on every rank; the on-call
// engineer's two-node all-reduce, run from a probe pod with the default NCCL environment, passed at
// 361 GB/s and was read against nccl_network_misconfig, leaving the right answer at 0.23). A test that
// did not run the job's settings cannot clear them: its pass says the fabric is healthy, not that the
// job's environment is. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probes/probe.h"

namespace vigil {

// A setting of NCCL's the job's log shows it read from its environment.
struct NcclSetting {
  std::string value;
  size_t line = 0;  // index in the lines read
};

// NCCL's own "NCCL INFO NCCL_X set by environment to V" lines (NCCL 2.x prints one for each variable it
// reads from the environment when NCCL_DEBUG=INFO), by variable name, the last value seen. Variables
// that only steer NCCL's own logging (NCCL_DEBUG, NCCL_DEBUG_SUBSYS, NCCL_DEBUG_FILE, NCCL_*_DUMP_FILE)
// are not settings of the job's transport and are left out. Lines over 2000 bytes are not read.
std::map<std::string, NcclSetting> ReadJobNcclSettings(const std::vector<std::string>& lines);

// The NCCL environment a probe result says its test ran with: its details' "nccl_env" object (variable
// name -> value; {} = none set; vigil-probe writes it for its NCCL tests), else its reason's words
// ("default NCCL env", "NCCL env: default", "no NCCL_* set": none set). nullopt: the result does not say.
std::optional<std::map<std::string, std::string>> ProbeNcclEnv(const ProbeResult& pr);

// The job's settings ("NAME=VALUE") that the probe's NCCL environment lacks or sets to another value;
// empty when the result does not say its environment, or it holds every one of them.
std::vector<std::string> JobSettingsTestLacked(const std::map<std::string, NcclSetting>& job, const ProbeResult& pr);

}  // namespace vigil
