#include "agents/hang_reports.h"

#include <regex>
#include <set>

#include "core/parse.h"

namespace vigil {
namespace {

// An ncclras operation count (hex, as ncclras prints it); nullopt when it is no hex number.
std::optional<unsigned long long> OpCount(const std::string& hex) {
  if (hex.empty() || hex.size() > 15) return std::nullopt;
  return std::stoull(hex, nullptr, 16);
}

}  // namespace

std::vector<ReportedLaggard> FindReportedLaggards(const std::vector<std::string>& lines) {
  static const std::regex kNeverEnqueued(
      R"(^\s*rank\s*(\d+)\s*:.*\b(?:op|collective|seq(?:num)?)\s*#?\s*\d+\s+(?:was\s+)?never\s+(?:enqueued|entered|posted|started|joined)\b)",
      std::regex::icase);
  static const std::regex kRasRank(R"(\bRank\s+(\d+)\s+has\s+launched\s+up\s+to\s+operation\s+([0-9a-fA-F]+)\b)",
                                   std::regex::icase);
  static const std::regex kRasMajority(R"(\b(\d+)\s+ranks\s+have\s+launched\s+up\s+to\s+operation\s+([0-9a-fA-F]+)\b)",
                                       std::regex::icase);
  static const std::regex kRasWhere(
      R"(\bGPU\s+(\d+)\s+managed\s+by\s+process\s+\d+\s+on\s+node\s+(\S+?)(?:\s+\(([A-Za-z0-9._-]+)\))?(?:\s|$))",
      std::regex::icase);
  constexpr size_t kMajorityWindow = 6;  // lines above a rank's line where its group's count is
  std::vector<ReportedLaggard> out;
  std::set<int> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    std::smatch m;
    // PLC56 (realistic50 rl50-03): the flight recorder's list of the ranks that did not enter the
    // collective the others wait in ("Flight recorder: ranks not entering SeqNum 88121: [66]").
    if (line.find("not ent") != std::string::npos || line.find("missing from") != std::string::npos) {
      static const std::regex kNotEntering(
          R"(\branks?\s+(?:not\s+(?:entering|entered)|missing\s+from)\s+(?:SeqNum|seq|op|collective)\s*#?\s*\d+\s*[:=]?\s*\[\s*(\d+(?:\s*,\s*\d+){0,3})\s*\](?!\s*,?\s*\d))",
          std::regex::icase);
      if (std::regex_search(line, m, kNotEntering)) {
        static const std::regex kNum(R"(\d+)");
        const std::string list = m.str(1);
        for (auto it = std::sregex_iterator(list.begin(), list.end(), kNum); it != std::sregex_iterator(); ++it) {
          std::optional<int32_t> r = ParseInt32(it->str());
          if (r && seen.insert(*r).second) out.push_back({*r, i, "", -1});
        }
        continue;
      }
    }
    // PLC69 (realistic61 rl61-20): the flight recorder's dump naming one rank's last enqueued
    // collective below everyone else's: "rank 37 last enqueued SeqNum 8811 (last completed 8811); all
    // other ranks last enqueued 8812". Only a rank strictly behind the others' number is named.
    if (line.find("other ranks") != std::string::npos && line.find("last enqueued") != std::string::npos) {
      static const std::regex kBehindOthers(
          R"(\brank\s+(\d+)\s*:?\s+last\s+enqueued\s+(?:SeqNum|seq|op|collective)?\s*[#=]?\s*(\d+)\b[^;]{0,80};?\s*(?:and\s+)?(?:all\s+)?(?:the\s+)?other\s+ranks\s+(?:last\s+enqueued|at|are\s+at)\s+(?:SeqNum|seq|op|collective)?\s*[#=]?\s*(\d+)\b)",
          std::regex::icase);
      if (std::regex_search(line, m, kBehindOthers)) {
        std::optional<int32_t> r = ParseInt32(m.str(1));
        std::optional<int64_t> own = ParseInt(m.str(2));
        std::optional<int64_t> others = ParseInt(m.str(3));
        if (r && own && others && *others > *own && seen.insert(*r).second) out.push_back({*r, i, "", -1});
        continue;
      }
    }
    if (line.find("never") != std::string::npos) {
      // PLC29: the analysis printed in a rank's own log ("[rank0]: flight recorder: seq 51234 ALLREDUCE
      // started on ranks [0, 1, 2, 3, 4, 5, 7]; rank 6: last enqueued seq 51233 (completed), never
      // enqueued 51234"): each ';'-separated clause after PyTorch's "[rankN]:" prefix is read as a line,
      // and the op's number may follow "never enqueued" as well as precede it.
      static const std::regex kPrefix(R"(^\s*\[rank\d+\]:\s*)");
      static const std::regex kNeverThen(
          R"(^\s*rank\s*(\d+)\s*:.*\bnever\s+(?:enqueued|entered|posted|started|joined)\s+(?:(?:op|collective|seq(?:num)?)\s*)?#?\s*\d+\b)",
          std::regex::icase);
      const std::string body = std::regex_replace(line, kPrefix, "", std::regex_constants::format_first_only);
      bool hit = false;
      if (std::regex_search(body, m, kNeverEnqueued)) {
        std::optional<int32_t> r = ParseInt32(m.str(1));
        if (r && seen.insert(*r).second) out.push_back({*r, i, "", -1});
        hit = true;
      }
      size_t from = 0;
      while (!hit && from <= body.size()) {
        size_t to = body.find(';', from);
        if (to == std::string::npos) to = body.size();
        const std::string clause = body.substr(from, to - from);
        if (std::regex_search(clause, m, kNeverThen)) {
          std::optional<int32_t> r = ParseInt32(m.str(1));
          if (r && seen.insert(*r).second) out.push_back({*r, i, "", -1});
          hit = true;
        }
        from = to + 1;
      }
      if (hit) continue;
    }
    if (line.find("launched up to") == std::string::npos || !std::regex_search(line, m, kRasRank)) continue;
    std::optional<int32_t> r = ParseInt32(m.str(1));
    std::optional<unsigned long long> own = OpCount(m.str(2));
    if (!r || !own) continue;
    // Behind: a count line of more ranks just above with a higher operation.
    bool behind = false;
    for (size_t j = i; j-- > 0 && i - j <= kMajorityWindow;) {
      std::smatch mm;
      if (!std::regex_search(lines[j], mm, kRasMajority)) continue;
      std::optional<unsigned long long> majority = OpCount(mm.str(2));
      behind = majority && *majority > *own;
      break;
    }
    if (!behind || !seen.insert(*r).second) continue;
    ReportedLaggard lag{*r, i, "", -1};
    const std::string rest = m.suffix().str();
    if (std::smatch w; std::regex_search(rest, w, kRasWhere)) {
      lag.gpu = ParseInt32(w.str(1)).value_or(-1);
      lag.host = w[3].matched ? w.str(3) : w.str(2);
    }
    out.push_back(lag);
  }
  if (out.size() > 4) out.clear();
  return out;
}

}  // namespace vigil
