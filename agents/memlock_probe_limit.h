// PLC78 (realistic63 rl63-30, seen): where the job's RDMA registrations failed under a small locked-memory
// limit (memlock_limit.h), the question an on-call engineer asks next is whether the fabric works under
// another limit: a job-wide NCCL test launched outside the job's limits (over ssh, from a shell whose
// memlock is unlimited) that passes says the HCAs, the links and NCCL's network settings are sound, and
// the one thing the job had and the test lacked is the limit its launch handed its tasks (the daemon that
// starts them: slurmd's unit lost LimitMEMLOCK=infinity) - launch_config_error, the job. A test that
// failed, or one that ran under the job's own limit, says no such thing (realistic55 rl55-04: the
// job-wide all-reduce failed the same way, nccl_network_misconfig). Pure functions, thread safe.
#pragma once

#include <string>

#include "probes/probe.h"

namespace vigil {

// Whether a text states an unlimited (or a large, >= memlock_limit.h's kSmallMemlockKiB) locked-memory
// limit: "memlock unlimited", "memlock=unlimited", "ulimit -l unlimited", "LimitMEMLOCK=infinity",
// "max locked memory ... unlimited", "RLIMIT_MEMLOCK: unlimited". Texts over 2000 bytes are not read.
bool StatesUnlimitedMemlock(const std::string& text);

// Whether a probe result says its test ran under an unlimited locked-memory limit (its reason, or its
// details' "memlock" / "ulimit_l" value).
bool ProbeRanWithUnlimitedMemlock(const ProbeResult& pr);

// Whether `pr` is a passing NCCL collective test across the job's nodes (a probe "nccl.*" on target
// "job" or with no node) that ran under an unlimited locked-memory limit: the fabric works outside the
// job's limit.
bool JobWidePassOutsideMemlock(const ProbeResult& pr);

}  // namespace vigil
