#include "agents/replica_range.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

bool ComparesRunsNotRanks(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kRerun(R"(\b(re-?runs?|replay(ed|s)?|recomput\w*|re-?execut\w*)\b)", std::regex::icase);
  static const std::regex kAgainstFirst(
      R"(\b(?:from|than|to|with|vs\.?)\s+(?:the\s+)?(?:first|original|initial|earlier|previous)\s+(?:run|pass|result|attempt|execution)\b|\bnot\s+reproducible\b)",
      std::regex::icase);
  // A re-run the writer made on its own GPU and reports on itself ("re-run of iteration 48112 on the same
  // GPU gave grad norm 0.94 != first run 1.82: ... a transient hardware fault on this GPU") is its own.
  static const std::regex kSelf(R"(\b(?:this|the\s+same|its\s+own|own|local)\s+(?:gpu|rank|device)\b)", std::regex::icase);
  return std::regex_search(line, kRerun) && std::regex_search(line, kAgainstFirst) && !std::regex_search(line, kSelf);
}

std::optional<ReplicaRangeOddValue> FindReplicaRangeOddValue(const std::vector<std::string>& lines) {
  static const std::regex kNumbers(
      R"(\b(check-?sums?|hash(es)?|digests?|sha-?\d+|md5|crc\d*|grad(ient)?[ _-]?norms?|param(eter)?s?|weights?)\b)",
      std::regex::icase);
  static const std::regex kRange(R"(\branks\s*[:=]?\s*(\d{1,6})\s*(?:-|\.\.|to)\s*(\d{1,6})\b)", std::regex::icase);
  static const std::regex kDisagree(
      R"(\b(differs?|differ(ent|ed)|mismatch(es|ed)?|not match(ing)?|disagree[sd]?|diverged|inconsistent)\b)",
      std::regex::icase);
  static const std::regex kVsOthers(
      R"((\S+)\s+vs\.?\s+(\S+)\s+(?:on|from|of|for|in)\s+(?:all\s+|every\s+|the\s+)?other\s+(?:replicas?|ranks?|peers?|groups?)\b)",
      std::regex::icase);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000 || line.find("anks") == std::string::npos) continue;
    if (!std::regex_search(line, kNumbers)) continue;
    std::smatch r;
    if (!std::regex_search(line, r, kRange)) continue;
    const std::optional<int32_t> a = ParseInt32(r[1].str()), b = ParseInt32(r[2].str());
    if (!a || !b || *b <= *a || *b - *a + 1 > 64) continue;
    std::smatch v;
    const bool odd = std::regex_search(line, kDisagree) ||
                     (std::regex_search(line, v, kVsOthers) && v[1].str() != v[2].str());
    if (!odd) continue;
    return ReplicaRangeOddValue{*a, *b, i};
  }
  return std::nullopt;
}

}  // namespace vigil
