#include "agents/probe_place.h"

#include <cmath>
#include <regex>
#include <set>

namespace vigil {

bool InventoryCountShort(std::string_view probe, std::string_view status, const std::string& reason,
                         const std::map<std::string, double>& metrics) {
  if (probe != "gpu.inventory" || status != "fail") return false;
  auto cuda = metrics.find("gpu_count");
  auto nvml = metrics.find("nvml_gpu_count");
  if (cuda != metrics.end() && nvml != metrics.end() && std::isfinite(cuda->second) && std::isfinite(nvml->second) &&
      cuda->second < nvml->second) {
    return true;
  }
  if (reason.size() > 4000) return false;
  // vigil-probe's own words ("expected 8 GPUs, CUDA sees 7") and the same count said otherwise.
  static const std::regex kShort(
      R"(\bexpected \d{1,4} GPUs?, (?:CUDA|NVML) sees \d{1,4}\b|)"
      R"(\b\d{1,4} GPUs? (?:visible|seen|found|enumerated)\b[^;]{0,80}?\b\d{1,4} expected\b|)"
      R"(\b(?:NVML|CUDA) sees \d{1,4} GPUs? but (?:CUDA|NVML) sees \d{1,4}\b|)"
      R"(\bis missing\b|\bnot enumerated\b|\bdoes not enumerate\b|\bmissing GPU\b)",
      std::regex::icase);
  return std::regex_search(reason, kShort);
}

std::string MissingBusIdInReason(const std::string& reason) {
  if (reason.size() > 4000) return "";
  static const std::string kBus = R"(((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(?:\.[0-7])?))";
  static const std::regex kAfter("\\b" + kBus + R"(\s+(?:is\s+)?(?:missing|not enumerated|absent)\b)",
                                 std::regex::icase);
  static const std::regex kBefore(R"(\bmissing(?:\s+GPU)?\s*:?\s*)" + kBus + "\\b", std::regex::icase);
  std::smatch m;
  if (std::regex_search(reason, m, kAfter)) return m.str(1);
  if (std::regex_search(reason, m, kBefore)) return m.str(1);
  return "";
}

int GpuIndexOfJson(const Json& v) {
  if (v.is_number_integer()) {
    const int64_t g = v.get<int64_t>();
    return g >= 0 && g < 4096 ? static_cast<int>(g) : -1;
  }
  if (!v.is_string()) return -1;
  static const std::regex kName(R"(^\s*(?:gpu\s*)?(\d{1,4})\s*$)", std::regex::icase);
  const std::string s = v.get<std::string>();
  std::smatch m;
  if (s.size() > 32 || !std::regex_match(s, m, kName)) return -1;
  const int g = std::stoi(m.str(1));
  return g < 4096 ? g : -1;
}

int GpuCommonToPairs(const std::string& reason, bool* listed) {
  if (listed != nullptr) *listed = false;
  if (reason.size() > 4000) return -1;
  static const std::regex kPair(R"(\bgpu(\d{1,4})\s*(?:<->|->|<-|-|/)\s*gpu(\d{1,4})\b)", std::regex::icase);
  std::set<int> common;
  bool first = true;
  size_t pairs = 0;
  for (auto it = std::sregex_iterator(reason.begin(), reason.end(), kPair); it != std::sregex_iterator(); ++it) {
    const int a = std::stoi((*it)[1].str()), b = std::stoi((*it)[2].str());
    std::set<int> both = {a, b};
    if (first) {
      common = both;
      first = false;
    } else {
      std::set<int> keep;
      for (int g : common) {
        if (both.count(g)) keep.insert(g);
      }
      common = keep;
    }
    ++pairs;
  }
  if (listed != nullptr) *listed = pairs > 0;
  if (pairs < 2 || common.size() != 1) return -1;
  return *common.begin();
}

bool IsKernelLogProbeSource(std::string_view source) {
  return source.rfind("probe node.kernel_log@", 0) == 0;
}

}  // namespace vigil
