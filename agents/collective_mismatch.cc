#include "agents/collective_mismatch.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string_view>

namespace vigil {
namespace {

struct FingerPrint {
  std::string seq, op, shape, dtypes;
};

// The field `key`= of a fingerprint's text: up to ',' or ')' (a shape: up to ']').
std::string Field(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string_view::npos) {
    if (pos == 0 || text[pos - 1] == '(' || text[pos - 1] == ' ' || text[pos - 1] == ',') break;
    pos += key.size();
  }
  if (pos == std::string_view::npos) return "";
  size_t b = pos + key.size();
  if (b < text.size() && text[b] == '[') {
    const size_t e = text.find(']', b);
    return e == std::string_view::npos ? "" : std::string(text.substr(b, e + 1 - b));
  }
  size_t e = b;
  while (e < text.size() && text[e] != ',' && text[e] != ')' && text[e] != ' ') ++e;
  return std::string(text.substr(b, e - b));
}

std::vector<FingerPrint> FingerPrints(std::string_view line) {
  constexpr std::string_view kTag = "CollectiveFingerPrint(";
  std::vector<FingerPrint> out;
  for (size_t pos = line.find(kTag); pos != std::string_view::npos;) {
    const size_t next = line.find(kTag, pos + kTag.size());
    const std::string_view text = line.substr(pos + kTag.size(), next == std::string_view::npos ? std::string_view::npos
                                                                                                  : next - pos - kTag.size());
    FingerPrint f{Field(text, "SequenceNumber="), Field(text, "OpType="), Field(text, "TensorShape="),
                  Field(text, "TensorDtypes=")};
    if (!f.op.empty()) out.push_back(std::move(f));
    pos = next;
  }
  return out;
}

// Two fingerprints of one point (the same sequence number, or none printed) that differ.
std::optional<std::string> Differ(const FingerPrint& a, const FingerPrint& b) {
  if (!a.seq.empty() && !b.seq.empty() && a.seq != b.seq) return std::nullopt;
  std::string at = a.seq.empty() ? b.seq : a.seq;
  at = at.empty() ? "" : " at sequence number " + at;
  if (a.op != b.op) return a.op + " vs " + b.op + at;
  if (!a.shape.empty() && !b.shape.empty() && a.shape != b.shape) {
    return a.op + " of shape " + a.shape + " vs " + b.shape + at;
  }
  if (!a.dtypes.empty() && !b.dtypes.empty() && a.dtypes != b.dtypes) {
    return a.op + " of " + a.dtypes + " vs " + b.dtypes + at;
  }
  return std::nullopt;
}

// A line that says "mismatch" and names ranks in two different collectives, as the flight
// recorder's analysis prints it ("Collective 240113 mismatch: rank 0 entered BROADCAST (sizes
// [[4096]], src 0), ranks 1-31 entered ALLREDUCE (sizes [[1]])"; PLC10). "no mismatch" is none,
// and ranks in the same collective are none (a size mismatch is read from fingerprints above).
std::optional<std::string> RanksEnteredDifferentOps(const std::string& line) {
  if (line.find("ismatch") == std::string::npos) return std::nullopt;
  static const std::regex kSaid(R"(\bmismatch(?:ed)?\b)", std::regex::icase);
  static const std::regex kDenied(R"(\bno\s+(?:\w+\s+){0,3}mismatch|\bmismatch(?:es)?\s*:\s*(?:none|0)\b)",
                                  std::regex::icase);
  if (!std::regex_search(line, kSaid) || std::regex_search(line, kDenied)) return std::nullopt;
  static const std::regex kEntered(
      R"(\branks?\s+\[?\d+(?:\s*(?:-|,|\.\.)\s*\d+)*\]?\s+(?:entered|is in|are in|(?:is |are )?running|ran|started|called|in)\s+_?)"
      R"((ALLREDUCE|ALL_REDUCE|BROADCAST|ALLGATHER|ALL_GATHER|ALLGATHER_BASE|REDUCE_SCATTER|REDUCESCATTER|REDUCE_SCATTER_BASE|)"
      R"(ALLTOALL|ALL_TO_ALL|ALLTOALL_BASE|BARRIER|REDUCE|GATHER|SCATTER|SEND|RECV|COALESCED)\b)",
      std::regex::icase);
  std::vector<std::string> ops;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kEntered); it != std::sregex_iterator(); ++it) {
    std::string op = (*it)[1].str();
    for (char& ch : op) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
  }
  if (ops.size() < 2) return std::nullopt;
  return "ranks entered " + ops[0] + " and " + ops[1] + " at one point";
}

}  // namespace

std::optional<CollectiveMismatch> FindCollectiveMismatch(const std::vector<std::string>& lines) {
  // py-spy's top frames gathered one line a rank ("rank 5  | barrier (torch/distributed/
  // distributed_c10d.py:4131) <- run_eval (evaluate.py:88)"): ranks whose top frame is a c10d
  // collective, in two different collectives (PLC7).
  static const std::regex kSpyRank(
      R"(^\s*\[?rank\s*(\d+)\]?\s*[|:]\s*([A-Za-z_]+)\s*\((?:[^()]*/)?torch/distributed/distributed_c10d\.py:\d+\))",
      std::regex::icase);
  std::map<std::string, std::string> spy_ops;  // rank -> the c10d function of its top frame
  std::map<std::string, size_t> spy_line;      // op -> the last line showing it
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find("distributed_c10d.py") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kSpyRank)) continue;
    spy_ops.emplace(m.str(1), m.str(2));
    spy_line[m.str(2)] = i;
  }
  if (spy_ops.size() >= 3 && spy_line.size() >= 2) {
    // The op fewest ranks run is the odd path; the line shown is its last.
    std::map<std::string, int> count;
    for (const auto& [rank, op] : spy_ops) ++count[op];
    std::string odd = count.begin()->first, common = count.begin()->first;
    for (const auto& [op, n] : count) {
      if (n < count[odd]) odd = op;
      if (n > count[common]) common = op;
    }
    if (odd == common) common = std::next(count.begin())->first;  // as many ranks in each
    return CollectiveMismatch{spy_line[odd], "py-spy shows ranks in " + common + " and in " + odd};
  }
  // The desync snapshot: "#N started ranks:" then "[0, 1] started ALLREDUCE" lines.
  static const std::regex kStartedHeader(R"(^\s*#(\d+) started ranks:\s*$)");
  static const std::regex kStartedOp(R"(^\s*\[[\d,\s]+\]\s+started\s+([A-Za-z_]+)\b)");
  std::string header;                 // the sequence number of the snapshot's "started" block
  std::set<std::string> header_ops;   // the ops started under it
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000) {
      header.clear();
      continue;
    }
    std::smatch m;
    if (line.find("started") != std::string::npos) {
      if (std::regex_search(line, m, kStartedHeader)) {
        header = m.str(1);
        header_ops.clear();
        continue;
      }
      if (!header.empty() && std::regex_search(line, m, kStartedOp)) {
        header_ops.insert(m.str(1));
        if (header_ops.size() >= 2) {
          return CollectiveMismatch{i, *header_ops.begin() + " vs " + *std::next(header_ops.begin()) +
                                           " started at collective #" + header};
        }
        continue;
      }
    }
    if (!header.empty() && line.find_first_not_of(" \t") != std::string::npos) header.clear();
    if (std::optional<std::string> what = RanksEnteredDifferentOps(line)) return CollectiveMismatch{i, *what};
    if (line.find("ollective") == std::string::npos) continue;
    const std::vector<FingerPrint> prints = FingerPrints(line);
    for (size_t a = 0; a < prints.size(); ++a) {
      for (size_t b = a + 1; b < prints.size(); ++b) {
        if (std::optional<std::string> what = Differ(prints[a], prints[b])) return CollectiveMismatch{i, *what};
      }
    }
    if (line.find("Collectives differ in the following aspects") != std::string::npos) {
      const size_t at = line.find("Collectives differ");
      return CollectiveMismatch{i, line.substr(at, 200)};
    }
    if (line.find("Detected mismatch between collectives") != std::string::npos ||
        line.find("is running inconsistent collective") != std::string::npos) {
      return CollectiveMismatch{i, "ranks report a mismatch between their collectives"};
    }
  }
  return std::nullopt;
}

}  // namespace vigil
