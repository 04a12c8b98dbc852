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

bool StatesStubDriver(const std::string& line) {
  if (line.size() > kMaxLine) return false;
  return line.find("CUDA driver is a stub library") != std::string::npos ||
         line.find("cudaErrorStubLibrary") != std::string::npos ||
         line.find("CUDA_ERROR_STUB_LIBRARY") != std::string::npos;
}

std::string MissingFromImage(const std::string& line) {
  if (line.size() > kMaxLine) return "";
  if (line.find("No module named") == std::string::npos && line.find("cannot import name") == std::string::npos &&
      line.find("cannot open shared object file") == std::string::npos) {
    return "";
  }
  static const std::regex kFallback(R"(\bfall(?:ing)? ?back\b|\bNCCL\b|\bplugin\b|\bnot importable\b|\bUnable to initialize backend\b)",
                                    std::regex::icase);
  if (std::regex_search(line, kFallback)) return "";
  // The labels launchers put before a process's line: "[rank3]:", "[default0]:", srun -l's "12: ".
  static const std::string kLabel = R"(^\s*(?:\[[^\]\s]{1,40}\]:?\s*|\d{1,5}:\s+)*)";
  static const std::regex kModule(kLabel + R"((?:ModuleNotFoundError|ImportError): No module named '?([\w.]{1,200}))");
  static const std::regex kName(kLabel + R"(ImportError: cannot import name '?([\w.]{1,200})'? from '?([\w.]{1,200}))");
  static const std::regex kLibrary(
      kLabel + R"((?:(?:ImportError|OSError): |(?:\S{1,200}: )?error while loading shared libraries: )(lib[\w.+-]{0,200}\.so[\w.]*): cannot open shared object file)");
  std::smatch m;
  if (std::regex_search(line, m, kModule)) return m.str(1);
  if (std::regex_search(line, m, kName)) return m.str(1) + " from " + m.str(2);
  if (std::regex_search(line, m, kLibrary)) return m.str(1);
  return "";
}

}  // namespace vigil
