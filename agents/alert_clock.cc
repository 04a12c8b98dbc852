#include "agents/alert_clock.h"

#include <regex>

namespace vigil {

std::string GpuClockLowInWords(const std::string& text) {
  if (text.empty() || text.size() > 4096) return "";
  // The reason is named (the pack and AO2's clock-reasons reader read it), or the clock is not the
  // GPU's SM clock, or the clocks are back.
  static const std::regex kReasonOrOther(
      R"(\b(?:power\w*|watts?|W|TDP|cap(?:ped)?|brake|thermal\w*|temperature|temp|hot|overheat\w*|heat|slowdown|CLOCK_THROTTLE_REASONS|CLOCKS_EVENT_REASONS|throttle reasons?|event reasons?|mem(?:ory)?[ _]?clocks?|MEM_CLOCK|CPU\w*|cores?|scaling_frequency|node_cpu\w*|sync ?boost|application clocks?|restored|recovered|back to|above|over)\b)",
      std::regex::icase);
  // "SM clock below 1200 MHz", "GPU clocks held at 990 MHz", "graphics clock under 1100MHz".
  static const std::regex kClockBelow(
      R"(\b(?:SM|GPU|graphics|gr)[ _]?clocks?\b[^.;\n]{0,40}?\b(?:below|under|less than|held (?:at|to|below)|stuck at|at|dropped to|down to|<=?)\s*\d{3,4}\s*MHz\b)",
      std::regex::icase);
  // "GPU 0 on n below 1400 MHz while busy", "All GPUs on n below 1100 MHz under load".
  static const std::regex kGpuBelow(
      R"(\bGPUs?\b[^.;\n]{0,50}?\b(?:below|under|less than)\s*\d{3,4}\s*MHz\b)", std::regex::icase);
  static const std::regex kExpr(R"(\bDCGM_FI_DEV_SM_CLOCK\b(?:\{[^{}]*\})?\s*<=?\s*\d{3,4}\b)");
  static const std::regex kRuleName(R"(\bGPU_?(?:SM_?)?Clocks?_?Low\w*)", std::regex::icase);
  static const std::regex kDegrees(R"(\b\d{2,3} ?(?:\xC2\xB0|deg(?:rees)? ?)?C\b)");  // "91 C", "88°C": a temperature
  if (std::regex_search(text, kReasonOrOther) || std::regex_search(text, kDegrees)) return "";
  std::smatch m;
  for (const std::regex* r : {&kClockBelow, &kGpuBelow, &kExpr, &kRuleName}) {
    if (std::regex_search(text, m, *r)) return m.str(0);
  }
  return "";
}

}  // namespace vigil
