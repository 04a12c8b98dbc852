#include "agents/repair_record.h"

#include <algorithm>
#include <regex>
#include <set>

#include "core/parse.h"

namespace vigil {

std::optional<PcieRepair> ReadPcieRepair(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  static const std::regex kPart(R"(\b(riser|retimer|pcie[ _-]?(cable|switch|slot|card)|mcio|slimline)\b)", std::regex::icase);
  static const std::regex kRepair(R"(\b(replaced|replacement|reseated|re-seated|reseat|swapped|repaired|re-cabled|recabled)\b)",
                                  std::regex::icase);
  static const std::regex kFault(R"(fatal|fallen off|\bxid\b|uncorrectable|error)", std::regex::icase);
  if (!std::regex_search(line, kPart) || !std::regex_search(line, kRepair) || std::regex_search(line, kFault)) {
    return std::nullopt;
  }
  static const std::regex kGpus(R"(\bgpus?\s?#?(\d{1,2})((?:\s*(?:,|and|&|/)\s*\d{1,2}\b)*))", std::regex::icase);
  static const std::regex kNum(R"(\d{1,2})");
  std::set<int> gpus;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kGpus); it != std::sregex_iterator(); ++it) {
    const std::string nums = it->str(1) + " " + it->str(2);
    for (auto n = std::sregex_iterator(nums.begin(), nums.end(), kNum); n != std::sregex_iterator(); ++n) {
      if (std::optional<int32_t> g = ParseInt32(n->str())) gpus.insert(*g);
    }
  }
  if (gpus.empty()) return std::nullopt;
  PcieRepair out;
  out.gpus.assign(gpus.begin(), gpus.end());
  return out;
}

}  // namespace vigil
