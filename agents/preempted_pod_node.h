// The node where a scheduler preempted one pod (PLC57, 2026-12-07). Kubernetes and the batch systems
// on it say a pod was stopped to make room for another in the pod's events: the kubelet's
// "Killing  pod/<p>  Stopping container <c> (node <n>, reason Preempted)", the scheduler's "Preempted
// by <ns>/<pod> on node <n>", the DisruptionTarget condition's "PreemptionByScheduler" with its node,
// Volcano's "evicted, because of preempt|reclaim ... node <n>". A training job whose ONE worker pod
// was preempted loses that pod's ranks at once (SIGTERM, then SIGKILL after the grace period); its
// peers then fail on the broken connections (NCCL "remote process exited or there was a network
// error", IB / RoCE retry-exceeded completions towards the gone peer). The job's failure is that
// pod's ranks' end, on the preempted pod's node: rank_process_crash there, the taxonomy's "one rank's
// process died (killed ...) and its peers fail on the broken connection". Pure, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The names `line` gives after "node" where it says a pod was preempted (as the line prints them; the
// caller keeps those of its case's nodes), or none: a line
// holding a preemption word (Preempted, Preempting, PreemptionBy..., "because of preempt") and a
// node it names ("node <n>", "node: <n>", "nodeName: <n>", "on node <n>"). An eviction for memory or
// storage is not a preemption (the pack reads those as host_oom / storage_failure); a line scheduling
// or admitting a workload onto a node names no preemption.
std::vector<std::string> PreemptedPodNodes(const std::string& line);

}  // namespace vigil
