#include "agents/oom_batch_retry.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

bool StatesOomBatchRetry(const std::string& line) {
  if (line.size() > 1000) return false;
  const std::string l = AsciiLower(line);
  // accelerate's find_executable_batch_size prints this only after an OOM.
  static const std::regex kAccelerate(R"(\bdecreasing\s+batch\s+size\s+to\s*:?\s*\d+)");
  if (std::regex_search(l, kAccelerate)) return true;
  static const std::regex kOom(R"(\boutofmemoryerror\b|\bout\s+of\s+memory\b|\boom\b)");
  if (!std::regex_search(l, kOom)) return false;
  static const std::regex kRetry(
      R"(\b(?:retry(?:ing)?|re-?trying|reduc(?:e|ing)|decreas(?:e|ing)|halv(?:e|ing)|lower(?:ing)?|fall(?:ing)?\s+back)\b[^\n]{0,60}\b(?:micro[ _-]?batch(?:[ _-]?size)?|mbs|batch[ _-]?size)\b)");
  return std::regex_search(l, kRetry);
}

}  // namespace vigil
