#include "agents/optimizer_state.h"

#include <regex>

namespace vigil {

bool StatesOptimizerStateLost(const std::string& line) {
  if (line.size() > 4000 || (line.find("ptim") == std::string::npos)) return false;
  static const std::regex kLost(
      // Missing optimizer keys in a state_dict load report.
      R"(\bMissing key(?:\(s\)|s)? in (?:the )?(?:checkpoint(?:'s)? )?state_dict\b.{0,60}?["'\[]\s*'?"?optim(?:izer)?[._])"
      // A loader that skipped or could not load it.
      R"(|\b(?:skip(?:s|ped|ping)?|not|without|unable to|could not|couldn't|failed to|cannot)\s+(?:load(?:ing)?|restor(?:e|ing)|find(?:ing)?)\s+(?:the\s+)?optim(?:izer)?(?:'s)?(?:\s+(?:state|states|state_dict))?\b)"
      // A trainer going on with a new one.
      R"(|\b(?:fresh(?:ly)?|newly|re-?)\s*-?\s*initiali[sz]ed\s+optimi[sz]er(?:\s+state)?\b)"
      R"(|\boptimi[sz]er(?:\s+state)?\s+(?:is\s+|was\s+|has been\s+)?(?:freshly\s+|re-?)initiali[sz]ed\b)",
      std::regex::icase);
  return std::regex_search(line, kLost);
}

}  // namespace vigil
