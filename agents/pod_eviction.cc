#include "agents/pod_eviction.h"

#include <regex>

namespace vigil {
namespace {

EvictedFor ResourceNamed(const std::string& name) {
  if (name == "memory") return EvictedFor::kMemory;
  if (name == "pids" || name == "pid") return EvictedFor::kPids;
  if (name.rfind("ephemeral-storage", 0) == 0 || name.rfind("nodefs", 0) == 0 || name.rfind("imagefs", 0) == 0 ||
      name.rfind("containerfs", 0) == 0) {
    return EvictedFor::kLocalStorage;
  }
  return EvictedFor::kOther;
}

}  // namespace

std::optional<PodEviction> ReadPodEviction(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  const bool low = line.find("low on resource") != std::string::npos;
  const bool reclaim = line.find("eclaim") != std::string::npos;
  const bool limit = line.find("limit") != std::string::npos;
  if (!low && !reclaim && !limit) return std::nullopt;
  std::smatch m;
  if (low) {
    // "The node was low on resource: ephemeral-storage." (also "[memory]", the old list form).
    static const std::regex kLow(R"(\bnode was low on resource:?\s*\[?([A-Za-z][A-Za-z.-]*[A-Za-z]))");
    if (std::regex_search(line, m, kLow)) return PodEviction{ResourceNamed(m.str(1)), true, true};
  }
  if (reclaim) {
    // The eviction manager: "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage",
    // "must evict pod(s) to reclaim" resourceName=...; the node's EvictionThresholdMet event
    // "Attempting to reclaim ephemeral-storage".
    static const std::regex kManager(R"(\bEviction manager:[^"]*"?\s+resourceName="?([A-Za-z][A-Za-z.-]*[A-Za-z]))");
    static const std::regex kThreshold(R"(\bEvictionThresholdMet\b.*\bAttempting to reclaim\s+([A-Za-z][A-Za-z.-]*[A-Za-z]))");
    if (std::regex_search(line, m, kManager) || std::regex_search(line, m, kThreshold)) {
      return PodEviction{ResourceNamed(m.str(1)), true, false};
    }
  }
  if (limit) {
    static const std::regex kOwnLimit(
        R"(\bPod ephemeral local storage usage exceeds the total limit of containers\b|)"
        R"(\bContainer \S+ exceeded its local ephemeral storage limit\b|)"
        R"(\bUsage of EmptyDir volume \S+ exceeds the limit\b)");
    if (std::regex_search(line, kOwnLimit)) return PodEviction{EvictedFor::kLocalStorage, false, true};
  }
  return std::nullopt;
}

bool StatesNodeDiskPressure(const std::string& line) {
  if (line.size() > 4000) return false;
  if (line.find("ressure") == std::string::npos && line.find("Disk") == std::string::npos &&
      line.find("space") == std::string::npos && line.find("ENOSPC") == std::string::npos &&
      line.find("GC") == std::string::npos) {
    return false;
  }
  static const std::regex kPressure(
      R"(\bDiskPressure\s+True\b|"type"\s*:\s*"DiskPressure"\s*,\s*"status"\s*:\s*"True"|)"
      R"(\b(?:KubeletHasDiskPressure|NodeHasDiskPressure)\b|)"
      R"(\bnode(?:\(s\))? had condition:?\s*\[?DiskPressure\b|)"
      R"(\b(?:FreeDiskSpaceFailed|ImageGCFailed)\b|\bDisk usage on image filesystem is over the high threshold\b|)"
      R"(\bNo space left on device\b|\bENOSPC\b)");
  if (std::regex_search(line, kPressure)) return true;
  // The node's taint; not a pod's toleration of it (RV2: every DaemonSet pod tolerates it, and
  // `kubectl describe pod` prints "Tolerations: node.kubernetes.io/disk-pressure:NoSchedule op=Exists",
  // `-o json` its "operator"; read as the node's taint, it kept the evicted pod's crash the disk's).
  static const std::regex kTaint(R"(\bnode\.kubernetes\.io/disk-pressure\b)");
  static const std::regex kToleration(R"(\bop=(?:Exists|Equal)\b|"operator"\s*:|\b[Tt]olerations?\b)");
  return std::regex_search(line, kTaint) && !std::regex_search(line, kToleration);
}

}  // namespace vigil
