#include "agents/memlock_probe_limit.h"

#include <regex>

#include "agents/memlock_limit.h"
#include "core/parse.h"

namespace vigil {

bool StatesUnlimitedMemlock(const std::string& text) {
  if (text.size() > 2000) return false;
  // The limit's name, then (within a few words) "unlimited" / "infinity": "memlock unlimited",
  // "ulimit -l unlimited", "LimitMEMLOCK=infinity", "max locked memory (kbytes, -l) unlimited".
  static const std::regex kUnlimited(
      R"((?:\bmemlock\b|\bLimitMEMLOCK\b|\bRLIMIT_MEMLOCK\b|\bulimit -l\b|\bmax locked memory\b|\blocked[- ]memory limit\b)[^;,.]{0,40}?\b(?:unlimited|infinity)\b)",
      std::regex::icase);
  if (std::regex_search(text, kUnlimited)) return true;
  // A stated large limit ("memlock=1073741824"; memlock_limit.h reads the number in KiB).
  const std::optional<double> kib = StatedMemlockKiB(text);
  return kib && *kib >= kSmallMemlockKiB;
}

bool ProbeRanWithUnlimitedMemlock(const ProbeResult& pr) {
  if (StatesUnlimitedMemlock(pr.reason)) return true;
  if (!pr.details.is_object()) return false;
  for (const char* key : {"memlock", "ulimit_l", "memlock_kib"}) {
    auto it = pr.details.find(key);
    if (it == pr.details.end()) continue;
    if (it->is_string()) {
      const std::string v = it->get<std::string>();
      if (v == "unlimited" || v == "infinity") return true;
    } else if (it->is_number() && it->get<double>() >= kSmallMemlockKiB) {
      return true;
    }
  }
  return false;
}

bool JobWidePassOutsideMemlock(const ProbeResult& pr) {
  if (pr.status != ProbeStatus::kPass || pr.probe.rfind("nccl.", 0) != 0) return false;
  if (!pr.target.empty() && pr.target != "job") return false;
  return ProbeRanWithUnlimitedMemlock(pr);
}

}  // namespace vigil
