#include "agents/collective_mismatch.h"
#include "agents/send_recv_deadlock.h"

#include <algorithm>
#include <cstdlib>
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

// A collective's name as PyTorch's OpType, NCCL and the flight recorder print it, reduced to its
// letters after any backend ("ALLREDUCE", "AllReduce", "nccl:all_reduce" -> "allreduce";
// "_ALLGATHER_BASE" -> "allgatherbase"); "" for a word that names no collective. The one list of
// collective names: the "ranks entered" line and the rank lines both read through it (PLC11; the
// first kept its own regex alternation before, where ALLREDUCE and all_reduce were two ops).
std::string CollectiveName(std::string_view word) {
  if (const size_t colon = word.rfind(':'); colon != std::string_view::npos) word.remove_prefix(colon + 1);
  std::string k;
  for (char ch : word) {
    if (ch >= 'A' && ch <= 'Z') k += static_cast<char>(ch - 'A' + 'a');
    else if (ch >= 'a' && ch <= 'z') k += ch;
  }
  static const std::set<std::string> kNames = {
      "allreduce",    "allgather",      "allgatherbase", "allgatherintotensor", "allgatherintotensorcoalesced",
      "reducescatter", "reducescattertensor", "reducescatterbase", "reducescattertensorcoalesced",
      "broadcast",    "alltoall",       "alltoallbase",  "barrier",             "reduce",
      "gather",       "scatter",        "send",          "recv",                "allreducecoalesced",
      "allgathercoalesced", "coalesced"};
  return kNames.count(k) ? k : "";
}

// Whether a line says it lists each rank's last collective ("last enqueued collective per rank", "last
// collective of each rank", "per-rank last collective").
bool ContainsLastCollective(const std::string& line) {
  static const std::regex kLast(R"(\blast\s+(?:enqueued\s+|started\s+|scheduled\s+)?collectives?\b)", std::regex::icase);
  return line.find("ollective") != std::string::npos && std::regex_search(line, kLast);
}

// Whether a line says "mismatch" and does not deny it ("no mismatch", "mismatches: none" / "0").
bool SaysMismatch(const std::string& line) {
  if (line.find("ismatch") == std::string::npos) return false;
  static const std::regex kSaid(R"(\bmismatch(?:ed)?\b)", std::regex::icase);
  static const std::regex kDenied(R"(\bno\s+(?:\w+\s+){0,3}mismatch|\bmismatch(?:es)?\s*:\s*(?:none|0)\b)",
                                  std::regex::icase);
  return std::regex_search(line, kSaid) && !std::regex_search(line, kDenied);
}

// A line that says "mismatch" and names ranks in two different collectives, as the flight
// recorder's analysis prints it ("Collective 240113 mismatch: rank 0 entered BROADCAST (sizes
// [[4096]], src 0), ranks 1-31 entered ALLREDUCE (sizes [[1]])"; PLC10), or a summary of each rank's
// last collective ("rank 0 last collective seq 9912 ALLREDUCE ...; ranks 1-127 last collective seq
// 9912 _ALLGATHER_BASE ... -- collective mismatch"; PLC34). "no mismatch" is none,
// and ranks in the same collective are none (a size mismatch is read from fingerprints above).
std::optional<std::string> RanksEnteredDifferentOps(const std::string& line) {
  if (!SaysMismatch(line)) return std::nullopt;
  // The op: a word, with its backend or not ("nccl:all_reduce"), named by CollectiveName.
  static const std::regex kEntered(
      R"(\branks?\s+\[?\d+(?:\s*(?:-|,|\.\.)\s*\d+)*\]?\s+(?:entered|is in|are in|(?:is |are )?running|ran|started|called|in|)"
      R"(last\s+(?:collective|op(?:eration)?)(?:\s+seq(?:uence)?(?:\s*(?:number|num|id))?\s*[=:#]?\s*\d+)?)\s+)"
      R"(((?:[A-Za-z]+:)?_?[A-Za-z][A-Za-z_]*)\b)",
      std::regex::icase);
  // The op written first (PLC44, realistic42 rl42-14): "op type differs between ranks (ALLREDUCE on 127
  // ranks, ALLGATHER on rank 43)".
  static const std::regex kOpOn(R"(\b((?:[A-Za-z]+:)?_?[A-Za-z][A-Za-z_]*)\s+on\s+(?:ranks?\s+\[?\d|\d+\s+(?:other\s+)?ranks?\b))",
                                std::regex::icase);
  std::vector<std::string> ops, names;  // as printed; CollectiveName of each
  for (const std::regex* re : {&kEntered, &kOpOn}) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), *re); it != std::sregex_iterator(); ++it) {
      const std::string op = (*it)[1].str();
      const std::string name = CollectiveName(op);
      if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) continue;
      names.push_back(name);
      ops.push_back(op);
    }
  }
  if (ops.size() < 2) return std::nullopt;
  return "ranks entered " + ops[0] + " and " + ops[1] + " at one point";
}

// A mismatch verdict that says only part of the group entered a collective while other ranks are in
// another collective ("Mismatch: collective 1203 entered by 64/128 ranks; ranks 0-63 are in pg 3 RECV
// (seq 95221)"; PLC42, realistic40 rl40-15: the last pipeline stage alone entered a logging
// all_reduce on the default group, the other stage waited in its pipeline RECV). K below M, the
// others' op a collective (CollectiveName), the verdict not denied ("no mismatch").
std::optional<std::string> PartEnteredOthersElsewhere(const std::string& line) {
  if (line.size() > 4000 || line.find("entered by") == std::string::npos || !SaysMismatch(line)) return std::nullopt;
  static const std::regex kPart(R"(\bcollective\s+#?(\d+)\s+entered by\s+(\d+)\s*/\s*(\d+)\s+ranks\b)", std::regex::icase);
  static const std::regex kElsewhere(
      R"(\branks?\s+\[?\d+(?:\s*(?:-|,|\.\.)\s*\d+)*\]?\s+(?:are|is)\s+(?:waiting\s+)?in\s+(?:pg\s*\S+\s+(?:\([^)]*\)\s+)?)?)"
      R"(((?:[A-Za-z]+:)?_?[A-Za-z][A-Za-z_]*)\b)",
      std::regex::icase);
  std::smatch part, other;
  if (!std::regex_search(line, part, kPart)) return std::nullopt;
  const long entered = std::strtol(part.str(2).c_str(), nullptr, 10), group = std::strtol(part.str(3).c_str(), nullptr, 10);
  if (!(entered > 0 && entered < group)) return std::nullopt;
  const std::string rest = part.suffix().str();
  if (!std::regex_search(rest, other, kElsewhere) || CollectiveName(other.str(1)).empty()) return std::nullopt;
  return "collective " + part.str(1) + " entered by " + part.str(2) + " of " + part.str(3) + " ranks while others are in " +
         other.str(1);
}

// A per-rank summary of the last collective each rank enqueued, on one line, with no verdict in it
// ("flight recorder: last enqueued collective per rank: ranks 0-36,38-511 SeqNum 90121
// _REDUCE_SCATTER_BASE (numel 268435456); rank 37 SeqNum 90121 ALLREDUCE (numel 4)"; PLC36,
// realistic37 rl37-23: a NaN guard's extra all_reduce on the one rank that saw a non-finite loss).
// Groups of ranks each with its sequence number and op; two groups at ONE sequence number in
// different collectives (CollectiveName) are a mismatch; different sequence numbers are ranks behind.
std::optional<std::string> LastCollectivePerRankDiffer(const std::string& line) {
  if (line.size() > 4000 || !ContainsLastCollective(line)) return std::nullopt;
  static const std::regex kGroup(
      R"(\branks?\s+\[?\d+(?:\s*(?:-|,|\.\.)\s*\d+)*\]?\s*[:=]?\s*(?:SeqNum|seq(?:uence)?(?:[ _]?(?:number|num|id))?)\s*[=:#]?\s*(\d+)[,;:]?\s+)"
      R"(((?:[A-Za-z]+:)?_?[A-Za-z][A-Za-z_]*)\b)",
      std::regex::icase);
  std::string seq, op, name;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kGroup); it != std::sregex_iterator(); ++it) {
    const std::string n = CollectiveName((*it)[2].str());
    if (n.empty()) continue;
    if (name.empty()) {
      seq = (*it)[1].str(), op = (*it)[2].str(), name = n;
    } else if ((*it)[1].str() == seq && n != name) {
      return op + " vs " + (*it)[2].str() + " at sequence number " + seq + " in the ranks' last collectives";
    }
  }
  return std::nullopt;
}

// One rank line of the flight recorder's analysis (`fr_trace`) or of a per-rank op summary: "  rank 0
// : nccl:all_gather  input sizes [[1]] state scheduled", "ranks 1-127 : nccl:all_reduce ...", "rank
// 3: BROADCAST seq 77", "[fr] ranks [3] | gloo:barrier". The op must carry its backend ("nccl:",
// "gloo:", "ucc:", "mpi:") or be written in capitals as PyTorch's OpType is; `op` its printed form,
// `seq` the sequence number the line gives ("" for none).
struct RankOp {
  std::string op, name, seq;
};
std::optional<RankOp> RankOpLine(const std::string& line) {
  if (line.size() > 1000 || line.find("ank") == std::string::npos) return std::nullopt;
  static const std::regex kLine(
      R"(^\s*(?:\[[A-Za-z_]\w*\]\s*)?ranks?\s*[\[(]?\s*\d[\d,\s-]*[\])]?\s*[:|=]\s*(?:((?:nccl|gloo|ucc|mpi):[A-Za-z_]+)|(_?[A-Z][A-Z_]{3,}))\b)",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kLine)) return std::nullopt;
  std::string op = m[1].matched ? m.str(1) : m.str(2);
  if (!m[1].matched) {  // no backend: capitals only (OpType), not a word of prose
    for (char ch : op) {
      if (ch >= 'a' && ch <= 'z') return std::nullopt;
    }
  }
  const std::string name = CollectiveName(op);
  if (name.empty()) return std::nullopt;
  static const std::regex kSeq(R"(\b(?:seq(?:uence)?(?:[ _]?(?:num(?:ber)?|id))?\s*[=:#]?\s*|#)(\d+)\b)", std::regex::icase);
  std::smatch s;
  const std::string rest = m.suffix().str();
  return RankOp{op, name, std::regex_search(rest, s, kSeq) ? s.str(1) : ""};
}

// The watchdog's own lines (PyTorch's WorkNCCL / "collective sequence" prints, one a rank): ranks
// at ONE sequence number in DIFFERENT ops ("[Rank 0] ... WorkNCCL(SeqNum=18402, OpType=ALLREDUCE" on
// fifteen ranks, "[Rank 11] ... WorkNCCL(SeqNum=18402, OpType=ALLGATHER" on one; the lead, 2026-12-06,
// realistic35 rl35-12). Each rank is taken from its line ("[Rank N]", "[rankN]:", "Rank N]"); a
// sequence number a rank prints with two ops, or whose lines print two process groups ("PG ID 0" vs
// "PG ID 3": each group counts its own), is no evidence. At least three ranks, each op on its own ranks.
std::optional<CollectiveMismatch> WatchdogOpsDiffer(const std::vector<std::string>& lines) {
  static const std::regex kWork(R"(SeqNum=(\d+),?\s*OpType=([A-Za-z_]+))");
  static const std::regex kRank(R"((?:\[Rank (\d+)\]|^\s*\[rank(\d+)\]:|\bRank (\d+)\]))");
  static const std::regex kPg(R"(\bPG ID (\d+)\b)");
  struct Seen {
    std::map<std::string, std::set<std::string>> ranks_of;  // op name -> ranks
    std::map<std::string, std::set<std::string>> ops_of;    // rank -> op names
    std::map<std::string, size_t> line_of;                  // op name -> its last line
    std::map<std::string, std::string> printed;             // op name -> as printed
    std::set<std::string> pgs;
  };
  std::map<std::string, Seen> by_seq;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find("SeqNum=") == std::string::npos) continue;
    std::smatch w, r, p;
    if (!std::regex_search(line, w, kWork) || !std::regex_search(line, r, kRank)) continue;
    const std::string name = CollectiveName(w.str(2));
    if (name.empty()) continue;
    const std::string rank = r[1].matched ? r.str(1) : r[2].matched ? r.str(2) : r.str(3);
    Seen& s = by_seq[w.str(1)];
    s.ranks_of[name].insert(rank);
    s.ops_of[rank].insert(name);
    s.line_of[name] = i;
    s.printed[name] = w.str(2);
    if (std::regex_search(line, p, kPg)) s.pgs.insert(p.str(1));
  }
  for (const auto& [seq, s] : by_seq) {
    if (s.ranks_of.size() != 2 || s.pgs.size() > 1 || s.ops_of.size() < 3) continue;
    bool clean = true;
    for (const auto& [rank, ops] : s.ops_of) clean = clean && ops.size() == 1;
    if (!clean) continue;
    auto odd = s.ranks_of.begin(), common = std::next(s.ranks_of.begin());
    if (odd->second.size() > common->second.size()) std::swap(odd, common);
    return CollectiveMismatch{s.line_of.at(odd->first),
                              s.printed.at(common->first) + " vs " + s.printed.at(odd->first) + " at sequence number " +
                                  seq + " in the watchdog's lines (" + std::to_string(odd->second.size()) +
                                  " rank(s) in " + s.printed.at(odd->first) + ")"};
  }
  return std::nullopt;
}

// The flight recorder's "Not all ranks joining collective N" with the missing rank's own last
// entries: when that rank's last entry is ANOTHER collective still scheduled ("entry 2211: pg 7
// eval_dp_group BARRIER seq 31 state scheduled" while the others sit in "pg 0 default_pg ALLREDUCE seq
// 412907"), the rank is not absent or slow: it waits in a collective of its own path (the lead,
// 2026-12-06, realistic26 rl26-30). A last entry "completed" (the rank finished seq N-1 and never
// entered N) is a rank behind, read by FindNamedAbsentRanks, not here.
std::optional<CollectiveMismatch> AbsentRankInOtherCollective(const std::vector<std::string>& lines) {
  static const std::regex kHead(R"(Not all ranks joining collective (\d+))", std::regex::icase);
  static const std::regex kCollective(R"(^\s*Collective (\d+) \(pg (\S+) [^,]*, ([A-Za-z_:]+),)");
  static const std::regex kRankHead(R"(^\s*rank (\d+) last entr(?:y|ies)\s*:\s*$)", std::regex::icase);
  static const std::regex kEntry(
      R"(\bpg (\S+) \S+ ([A-Za-z_:]+) seq (\d+) state (\w+))", std::regex::icase);
  std::string main_seq, main_pg, main_op;
  std::string rank;        // the rank whose entries are listed now
  std::smatch m;
  std::optional<std::pair<size_t, std::smatch>> last;  // that rank's last entry line
  auto verdict = [&]() -> std::optional<CollectiveMismatch> {
    if (rank.empty() || !last || main_op.empty()) return std::nullopt;
    const std::smatch& e = last->second;
    const std::string state = e.str(4);
    if (state != "scheduled" && state != "started") return std::nullopt;
    const std::string op = CollectiveName(e.str(2));
    if (op.empty() || (op == main_op && e.str(1) == main_pg)) return std::nullopt;
    return CollectiveMismatch{last->first, "rank " + rank + " waits in " + e.str(2) + " (pg " + e.str(1) + ", seq " +
                                               e.str(3) + ") while the others are in collective " + main_seq};
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000) continue;
    if (std::regex_search(line, m, kCollective)) {
      main_seq = m.str(1), main_pg = m.str(2), main_op = CollectiveName(m.str(3));
      continue;
    }
    if (std::regex_search(line, m, kHead)) {
      if (main_seq != m.str(1)) main_seq = m.str(1), main_pg.clear(), main_op.clear();
      continue;
    }
    if (main_seq.empty()) continue;
    if (std::regex_search(line, m, kRankHead)) {
      if (auto v = verdict()) return v;
      rank = m.str(1), last.reset();
      continue;
    }
    if (line.find("except") != std::string::npos && std::regex_search(line, m, kEntry)) {
      if (main_op.empty() && m.str(3) == main_seq) main_pg = m.str(1), main_op = CollectiveName(m.str(2));
      if (auto v = verdict()) return v;
      rank.clear(), last.reset();
      continue;
    }
    if (!rank.empty() && line.find("entry") != std::string::npos && std::regex_search(line, m, kEntry)) {
      last.emplace(i, m);
    }
  }
  return verdict();
}

}  // namespace

std::optional<CollectiveMismatch> FindCollectiveMismatch(const std::vector<std::string>& lines) {
  // The flight recorder's analysis (PLC9): consecutive rank lines naming the op each rank is in, two
  // different ops at one point (no sequence numbers, or the same one). fr_trace's own verdict ("Error
  // type: COLLECTIVE_TYPE_MISMATCH", "Expected collective type: 'nccl:all_reduce' does not match
  // found collective type: 'nccl:all_gather'") is read with the fingerprints below.
  {
    std::optional<RankOp> first;  // the first rank line of the current block
    for (size_t i = 0; i < lines.size(); ++i) {
      std::optional<RankOp> r = RankOpLine(lines[i]);
      if (!r) {
        first.reset();
        continue;
      }
      if (!first) {
        first = r;
        continue;
      }
      if (r->name != first->name && (r->seq.empty() || first->seq.empty() || r->seq == first->seq)) {
        const std::string at = r->seq.empty() ? first->seq : r->seq;
        return CollectiveMismatch{i, first->op + " vs " + r->op + (at.empty() ? "" : " at sequence number " + at) +
                                         " in the ranks' last collectives"};
      }
    }
  }
  if (auto w = WatchdogOpsDiffer(lines)) return w;
  if (auto a = AbsentRankInOtherCollective(lines)) return a;
  // PLC74 (realistic64 rl64-17): two ranks both sending (or both receiving) to each other, no
  // matching op posted: the pipeline's send / recv order differs across ranks (send_recv_deadlock.h).
  if (auto p = FindSendRecvDeadlock(lines)) return p;
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
    if (std::optional<std::string> what = LastCollectivePerRankDiffer(line)) return CollectiveMismatch{i, *what};
    if (std::optional<std::string> what = PartEnteredOthersElsewhere(line)) return CollectiveMismatch{i, *what};
    if (line.find("COLLECTIVE_TYPE_MISMATCH") != std::string::npos ||
        (line.find("collective type") != std::string::npos && line.find("does not match") != std::string::npos)) {
      return CollectiveMismatch{i, "the flight recorder's analysis: " + line.substr(0, 200)};
    }
    // PLC63 (realistic56 rl56-17): a verdict in words that one part of the job issued a collective
    // the rest never call ("Collective sequence mismatch across pipeline stages: stage 3 issued an
    // all-reduce the other stages never call"): the program's paths differ, whichever rank the
    // watchdog shows behind. A denial ("no collective sequence mismatch") is not one.
    {
      static const std::regex kVerdict(
          R"(\bcollective\s+sequence\s+mismatch\b|\bissued\s+an?\s+[\w-]+(?:\s+[\w-]+)?\s+(?:that\s+)?the\s+other\s+(?:ranks|stages|replicas|groups)\s+(?:never|do\s+not|don't)\s+(?:call|issue))",
          std::regex::icase);
      static const std::regex kNone(R"(\bno\s+(?:\w+\s+){0,2}collective\s+sequence\s+mismatch)", std::regex::icase);
      if ((line.find("ollective") != std::string::npos || line.find("issued") != std::string::npos) &&
          std::regex_search(line, kVerdict) && !std::regex_search(line, kNone)) {
        return CollectiveMismatch{i, "a verdict that part of the job issued a collective the rest never call: " +
                                         line.substr(0, 200)};
      }
    }
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
