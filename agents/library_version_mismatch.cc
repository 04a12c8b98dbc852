#include "agents/library_version_mismatch.h"

#include <regex>
#include <set>

namespace vigil {

bool StatesLibraryVersionMismatch(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kMismatch(R"(\bversions?[ _-]mismatch(?:ed)?\b)", std::regex::icase);
  static const std::regex kNodeDriver(R"(driver/library version mismatch|\bNVRM\b|kernel module)", std::regex::icase);
  static const std::regex kLibrary(R"(\blibrar(?:y|ies)\b|\.so\b|\bnvshmem|\bnccl\b|\bcudnn\b|\bcublas)", std::regex::icase);
  static const std::regex kVersion(R"((?:^|[^\w.])(\d+\.\d+(?:\.\d+)*)(?![\w.]*\w))");
  // An error that stops the library's init, not a warning the job ran past ("[W1206 ...] NCCL version
  // mismatch: PyTorch was built with NCCL 2.21.5 but runtime loaded 2.23.4": realistic61 rl61-21 trained
  // for thousands of steps after it).
  static const std::regex kError(R"(\bERROR\b|\berror\b|\bfailed\b|\b\w*Error:|\bFATAL\b|\bFatal\b|^\s*(?:\[[^\]]*\]:?\s*)?\[E\d{4}\b)");
  static const std::regex kWarning(R"(\bWARN(?:ING)?\b|\bWarning\b|^\s*(?:\[[^\]]*\]:?\s*)?\[W\d{4}\b)");
  if (!std::regex_search(line, kMismatch) || std::regex_search(line, kNodeDriver) || !std::regex_search(line, kLibrary) ||
      !std::regex_search(line, kError) || std::regex_search(line, kWarning)) {
    return false;
  }
  std::set<std::string> versions;
  // Only the text after the words "version mismatch": a source file's line number or a timestamp before
  // them is not a version.
  std::smatch m;
  std::regex_search(line, m, kMismatch);
  const std::string rest = m.suffix().str();
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), kVersion); it != std::sregex_iterator(); ++it) {
    versions.insert((*it)[1].str());
  }
  return versions.size() >= 2;
}

std::optional<size_t> FindLibraryVersionMismatch(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (StatesLibraryVersionMismatch(lines[i])) return i;
  }
  return std::nullopt;
}

}  // namespace vigil
