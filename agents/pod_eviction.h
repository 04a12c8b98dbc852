// A Kubernetes pod evicted by the kubelet, and whether the node's disk is shown under lasting
// pressure (PLC30, 2026-12-06: realistic33's blind miss rl33-18). Pure functions, thread safe.
//
// The kubelet ends a pod in two ways for a resource (kubernetes.io, "Node-pressure Eviction";
// pkg/kubelet/eviction/helpers.go):
//   - node pressure: the node's free memory, disk (`nodefs` / `imagefs`, shown to the pod as
//     `ephemeral-storage`) or PIDs fell under an eviction threshold; the pod's status Reason
//     `Evicted`, Message "The node was low on resource: ephemeral-storage. Threshold quantity: 89Gi,
//     available: 61Gi. Container trainer was using 402Gi, request is 0, has larger consumption of
//     ephemeral-storage." (the same text in the `Evicted` event), the eviction manager's
//     "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage" and the node's event
//     `EvictionThresholdMet` "Attempting to reclaim ephemeral-storage";
//   - the pod's own limits on local storage: "Pod ephemeral local storage usage exceeds the total
//     limit of containers 20Gi.", "Container trainer exceeded its local ephemeral storage limit
//     "20Gi".", "Usage of EmptyDir volume "scratch" exceeds the limit "100Gi"." - the node's disk is
//     fine; the pod passed what its spec allows.
// A node whose disk stays short after the kubelet reclaimed what it could shows it in its own
// words: the node condition `DiskPressure True` (reason `KubeletHasDiskPressure`, event
// `NodeHasDiskPressure`), the taint `node.kubernetes.io/disk-pressure`, image garbage collection
// that cannot free enough (`FreeDiskSpaceFailed`, `ImageGCFailed`, "Disk usage on image filesystem
// is over the high threshold"), or a write that failed for space ("No space left on device",
// ENOSPC).
#pragma once

#include <optional>
#include <string>

namespace vigil {

enum class EvictedFor { kMemory, kLocalStorage, kPids, kOther };

struct PodEviction {
  EvictedFor resource = EvictedFor::kOther;
  bool node_pressure = true;  // the node ran low (false: the pod passed its own limit)
  bool evicted = true;        // the line says a pod was (to be) evicted; false: the kubelet's attempt to reclaim
};

// The eviction a line states (lines over 4000 bytes are not read); nullopt for none. A pod evicted
// by the Eviction API, a preemption or a taint carries no resource and is not read here.
std::optional<PodEviction> ReadPodEviction(const std::string& line);

// Whether a line shows a node's disk under pressure or out of space beyond the kubelet's eviction
// (the condition, its taint, image GC failing, ENOSPC). "KubeletHasNoDiskPressure", "DiskPressure
// False", the other pressures and a pod's toleration of the taint ("op=Exists", "operator", RV2) are
// not. (A YAML toleration's `key:` line alone cannot be told from a taint's: read as the taint.)
bool StatesNodeDiskPressure(const std::string& line);

}  // namespace vigil
