#include "agents/step_breakdown_summary.h"

#include <regex>

namespace vigil {

bool StatesStepBreakdownSummary(const std::string& line) {
  if (line.size() > 600) return false;
  // The label: a step / iteration time breakdown (or timing / timers), then within its label (before
  // the colon that starts the figures) the statistic over steps.
  static const std::regex kLabel(
      R"((?:\bstep|\biter(?:ation)?)[-_ ]?(?:time[-_ ]?)?(?:breakdown|timings?|timers?)\b[^:]{0,40}?(?:\bp50\b|\bmedian\b|\bmean\b|\bavg\b|\baverage\b)[^:]{0,30}:)",
      std::regex::icase);
  return std::regex_search(line, kLabel);
}

}  // namespace vigil
