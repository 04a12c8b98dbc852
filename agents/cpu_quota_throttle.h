// PLC62 (realistic55 rl55-10, seen): every pod of the job throttled by its CPU quota (cAdvisor's
// container_cpu_cfs_throttled_periods_total against container_cpu_cfs_periods_total: the quota ran out in
// most CFS periods), while the job's log says its steps wait for input, is the input pipeline starved of
// CPU: the dataloader workers (tens per pod) share the few cores a LimitRange's default or a chart's
// limit gave the container; the GPUs idle between batches (dataloader_stall, the job - every pod alike).
// FindHostCpuPressure (RG3, PLC13) reads one node's throttling against its peers' and finds none when all
// are throttled alike. Before, the case answered a 6-second NFS stall two hours earlier (storage_failure
// 0.43). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// The share of CFS periods throttled at or above which a container is starved by its quota.
constexpr double kQuotaStarvedShare = 0.5;

struct JobCpuThrottle {
  size_t pods = 0;         // the job's containers read (distinct pod / node), every one starved
  double min_share = 0;    // the least throttled share among them
  std::string series;      // one throttled-periods series
};

// Every container_cpu_cfs_throttled_periods_total series of the case (grouped by pod, else node; the
// pod's own cgroup "" and the pause container "POD" not read) throttled in kQuotaStarvedShare of its
// periods or more over its samples (its periods series of the same labels; without one, the kernel's
// default 100 ms period); at least two such pods and none below. nullopt otherwise.
// `min_pods` 1 (PLC70): one starved pod is enough where the case says its CPU limit is the namespace's
// (StatesNamespaceCpuLimit: a LimitRange sets it for every pod of the namespace alike).
std::optional<JobCpuThrottle> FindJobWideCpuThrottle(const std::vector<TimeSeries>& series, size_t min_pods = 2);

// Whether a line says a CPU limit comes from a Kubernetes LimitRange (the namespace's default or
// maximum, every pod of the namespace alike): the line names a LimitRange and a CPU limit (PLC70,
// realistic62 rl62-18: "limits.cpu=8 (LimitRange llm-defaults)", "limitrange/X ...: max cpu 96 -> 8").
bool StatesNamespaceCpuLimit(const std::string& line);

// Whether a line says the training steps wait for input: "data wait", "data_wait", "waiting for data /
// the next batch", a dataloader that is slow / starved / the bottleneck / waits ("dataloader: batch wait
// 9.8 s", PLC70), "input-bound".
bool StatesInputWait(const std::string& line);

}  // namespace vigil
