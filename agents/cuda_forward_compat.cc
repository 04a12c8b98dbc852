#include "agents/cuda_forward_compat.h"

#include <regex>

namespace vigil {

namespace {

bool StatesCompatError(const std::string& line) {
  static const std::regex kError(
      R"(\bCUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE\b|\bcudaErrorCompatNotSupportedOnDevice\b|forward compatibility was attempted on non[ -]supported (?:HW|hardware))",
      std::regex::icase);
  return std::regex_search(line, kError);
}

bool StatesCompatWarning(const std::string& line) {
  static const std::regex kWarning(
      R"(driver on your system is newer than the forward[- ]compatibility package)", std::regex::icase);
  return std::regex_search(line, kWarning);
}

}  // namespace

bool StatesCudaForwardCompatFailure(const std::string& line) {
  if (line.size() > 4000) return false;
  if (line.find("ompat") == std::string::npos && line.find("COMPAT") == std::string::npos) return false;
  return StatesCompatError(line) || StatesCompatWarning(line);
}

std::optional<size_t> FindCudaForwardCompatFailure(const std::vector<std::string>& lines) {
  std::optional<size_t> warning;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!StatesCudaForwardCompatFailure(line)) continue;
    if (StatesCompatError(line)) return i;
    if (!warning) warning = i;
  }
  return warning;
}

}  // namespace vigil
