#include "agents/launch_settings.h"

#include <regex>

namespace vigil {

namespace {
constexpr size_t kMaxLine = 4000;
}  // namespace

bool StatesAllocatorConfigError(const std::string& line) {
  if (line.size() > kMaxLine) return false;
  static const std::regex kAlloc(
      R"(\bat index \d+ in ConfigTokenizer\b|Unrecognized CachingAllocator option|PYTORCH_CUDA_ALLOC_CONF\b.{0,120}\b(?:invalid|unrecognized|unknown option)\b)",
      std::regex::icase);
  return std::regex_search(line, kAlloc);
}

std::string UnresolvedStoreHost(const std::string& line) {
  if (line.size() > kMaxLine || line.find("gai error") == std::string::npos) return "";
  static const std::regex kGai(
      R"(\bnetwork addresses of \(([^,()\s]{1,255}), \d{1,5}\) cannot be retrieved \(gai error: -?\d+)");
  std::smatch m;
  if (!std::regex_search(line, m, kGai)) return "";
  return m.str(1);
}

bool StatesRendezvousTimeout(const std::string& line) {
  if (line.size() > kMaxLine || line.find("RendezvousTimeoutError") == std::string::npos) return false;
  static const std::regex kTimeout(R"(\bRendezvousTimeoutError\b)");
  return std::regex_search(line, kTimeout);
}

std::optional<size_t> FindContextCreationOom(const std::vector<std::string>& lines) {
  static const std::regex kRuntimeOom(R"(\bCUDA error: out of memory\b)");
  static const std::regex kContext(
      R"(\b_cuda_setDevice\b|\bset_device\(|\b_lazy_init\b|\b_cuda_init\b|\bcuInit\b|\bcuCtxCreate|\bcuDevicePrimaryCtxRetain\b|\bcudaSetDevice\b)");
  std::optional<size_t> found;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.size() > kMaxLine) continue;
    if (l.find("Tried to allocate") != std::string::npos) return std::nullopt;
    if (found || l.find("out of memory") == std::string::npos || !std::regex_search(l, kRuntimeOom)) continue;
    for (size_t j = i > 6 ? i - 6 : 0; j < i; ++j) {
      if (lines[j].size() <= kMaxLine && std::regex_search(lines[j], kContext)) {
        found = i;
        break;
      }
    }
  }
  return found;
}

}  // namespace vigil
