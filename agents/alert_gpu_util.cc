#include "agents/alert_gpu_util.h"

#include <regex>

namespace vigil {

std::string GpuUtilLowInWords(const std::string& text) {
  if (text.empty() || text.size() > 4096) return "";
  // Another utilisation, a high one, GPUs that simply have no work, or a cause already named.
  static const std::regex kNot(
      R"(\b(?:high|above|saturat\w*|memory|mem|framebuffer|FB|copy|MEM_COPY\w*|CPU\w*|network|NVLink|PCIe|bandwidth|allocated|unallocated|no job|not started|pending|reserved|drained|Xid|ECC|thermal|power|throttl\w*|OOM|NaN)\b|\bover \d{1,3}(?:\.\d+)?\s*%|Util\w*High|>)",
      std::regex::icase);
  static const std::regex kRuleName(R"(GPU_?(?:SM_?)?Util(?:i[sz]ation)?_?Low|GPU_?Under_?utili[sz]ed|Util(?:i[sz]ation)?LowForJob)",
                                    std::regex::icase);
  static const std::regex kWords(
      R"(\b(?:GPU|SM)s? util(?:i[sz]ation)?\b[^.;\n]{0,40}?(?:\d{1,2}(?:\.\d+)?\s*%|\b(?:low|dropped|down)\b)|\bunder-?utili[sz]ed GPUs?\b|\bGPUs?\b[^.;\n]{0,40}?\bunder-?utili[sz]ed\b|\bGPU util(?:i[sz]ation)? (?:below|under|<)\s*\d{1,2}\s*%)",
      std::regex::icase);
  static const std::regex kIdle(R"(\bGPUs?\b[^.;\n]{0,60}?\b(?:mostly|largely) idle\b)", std::regex::icase);
  if (std::regex_search(text, kNot)) return "";
  std::smatch m;
  if (std::regex_search(text, m, kWords)) return m.str(0);
  const bool rule = std::regex_search(text, kRuleName);
  if (rule && std::regex_search(text, m, kIdle)) return m.str(0);
  if (rule && std::regex_search(text, m, kRuleName)) return m.str(0);
  return "";
}

}  // namespace vigil
