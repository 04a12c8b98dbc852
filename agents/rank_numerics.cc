#include "agents/rank_numerics.h"

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string_view>

#include "agents/replica_range.h"
#include "agents/zero_counter.h"
#include "core/parse.h"

namespace vigil {
namespace {

const std::regex& NumbersWord() {
  static const std::regex re(
      R"(\b(check-?sums?|hash(es)?|digests?|sha-?\d+|md5|crc\d*|flat_params?|grad(ient)?s?[ _-]?norms?|grads?|gradients?|param(eter)?s?|weights?|loss)\b)",
      std::regex::icase);
  return re;
}

const std::regex& DisagreeWord() {
  static const std::regex re(
      R"(\b(differs?|differ(ent|ence|ed)|mismatch(es|ed)?|not match(ing)?|outliers?|disagree[sd]?|diverged|inconsistent)\b|!=)",
      std::regex::icase);
  return re;
}

// A checker's partial agreement (PLC9): "checksums agree on 7 of 8 replicas", "7/8 replicas match",
// "identical on 3 out of 4 replicas": fewer agreeing than compared, among replicas, ranks, peers,
// copies, GPUs or workers (not "3 of 4 steps"). The rank the line names beside it is the one left out.
bool PartialAgreement(const std::string& line) {
  static const std::regex kVerbFirst(
      R"(\b(?:agree\w*|match\w*|identical|consistent|equal)\s+(?:on|in|for|across|among|between)?\s*(\d{1,6})\s*(?:of|/|out\s+of)\s*(\d{1,6})\s+(?:replicas?|ranks?|peers?|copies|gpus?|workers?)\b)",
      std::regex::icase);
  static const std::regex kCountFirst(
      R"(\b(\d{1,6})\s*(?:of|/|out\s+of)\s*(\d{1,6})\s+(?:replicas?|ranks?|peers?|copies|gpus?|workers?)\s+(?:agree\w*|match\w*|(?:are\s+)?identical|(?:are\s+)?consistent)\b)",
      std::regex::icase);
  for (const std::regex* re : {&kVerbFirst, &kCountFirst}) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), *re); it != std::sregex_iterator(); ++it) {
      std::optional<int32_t> k = ParseInt32((*it)[1].str()), n = ParseInt32((*it)[2].str());
      if (k && n && *k > 0 && *k < *n) return true;
    }
  }
  return false;
}

const std::regex& RankWord() {
  // Not `dp_rank 2`: a data-parallel group's index, which holds several ranks.
  static const std::regex re(R"((?:^|[^A-Za-z0-9_])rank\s*[=:#]?\s*(\d{1,6})\b)", std::regex::icase);
  return re;
}

// "rank 37 = h100-a044 local 5", "rank 37 on node-3 gpu 5", "rank 37 (node-3 local 5)",
// "rank 37 is node-3 cuda:5".
const std::regex& PlaceOfRank() {
  static const std::regex re(
      R"(\brank\s*(\d{1,6})\s*(?:=|->|:|is|on|@|\()\s*(?:on\s+|node\s+)?([A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9])\s*[,/:]?\s*)"
      R"((?:local[_ ]?(?:rank)?|gpu|cuda:?|device)\s*[:=#]?\s*(\d{1,3})\b)",
      std::regex::icase);
  return re;
}

// A writer's bracketed prefix of several fields holding the rank match [at, end): "[replica_group=3/
// rank=0]", "[group 3, rank 0]", "[host-7:rank=12]" (PLC32). The brackets enclose the match, hold
// only names, numbers and field separators (at most 64 characters), and close before the line's
// word of disagreement: a prefix, not a trailer naming the subject ("mismatch [rank=5 step=100]").
bool InWriterPrefix(const std::string& line, size_t at, size_t end) {
  const size_t open = line.rfind('[', at);
  if (open == std::string::npos || line.find(']', open) < at) return false;
  const size_t close = line.find(']', end);
  if (close == std::string::npos || close - open > 64) return false;
  if (line.find('[', open + 1) < close) return false;
  for (size_t x = open + 1; x < close; ++x) {
    const unsigned char ch = static_cast<unsigned char>(line[x]);
    if (!std::isalnum(ch) && std::string_view("_=:/,.- ").find(static_cast<char>(ch)) == std::string_view::npos) return false;
  }
  std::smatch m;
  const std::string after = line.substr(close);
  return std::regex_search(after, m, DisagreeWord()) || PartialAgreement(after);
}

// The text after a line's first ']' names a replica group ("replica_group=2 differs", "replica
// group 2", "replica 2 mismatch", PLC52: "dp group 4"): what the line reports on is that group, not its
// writer's rank.
bool NamesReplicaGroupAfterPrefix(const std::string& line) {
  const size_t close = line.find(']');
  if (close == std::string::npos) return false;
  // PLC52: a data-parallel group ("dp group 4 (ranks 32-39) param checksum ... differs", "dp_group=4",
  // "data-parallel group 4") is such a group too.
  static const std::regex kGroup(
      R"(\breplica(?:[_ -]?group)?\s*[=:#]?\s*\d{1,6}\b|\b(?:dp|data[_ -]parallel)[_ -]?(?:group|replica)\s*[=:#]?\s*\d{1,6}\b)",
      std::regex::icase);
  return std::regex_search(line.begin() + static_cast<std::ptrdiff_t>(close), line.end(), kGroup);
}

}  // namespace

std::optional<OneRankNumerics> FindOneRankNumerics(const std::vector<std::string>& lines) {
  std::map<int, size_t> count, first;
  struct Pair {
    int a, b;
    size_t line;
  };
  std::vector<Pair> pairs;  // lines naming two ranks
  std::vector<std::pair<int, size_t>> prefix_only;  // (rank, line): lines naming only their writer's rank
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000 || line.find_first_of("rR") == std::string::npos) continue;
    if (!std::regex_search(line, NumbersWord()) ||
        !(std::regex_search(line, DisagreeWord()) || PartialAgreement(line))) {
      continue;
    }
    if (IsShellCommandLine(line)) continue;
    // A shape or size mismatch (load_state_dict's "size mismatch for X: copying a param with shape")
    // is the launch's configuration, not wrong numbers.
    static const std::regex kShape(R"(\b(shapes?|size mismatch|sizes? do(es)? not match)\b)", std::regex::icase);
    if (std::regex_search(line, kShape)) continue;
    std::set<int> ranks, bracketed;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), RankWord()); it != std::sregex_iterator(); ++it) {
      // A rank after a reference word is the comparison's other side ("expected ... from global
      // rank 8", "than rank 3"), not the one singled out (realistic6's RV-RL6 guard).
      const size_t at = static_cast<size_t>(it->position(0));
      const std::string before = line.substr(at > 24 ? at - 24 : 0, at > 24 ? 24 : at);
      static const std::regex kReference(R"(\b(from|expected|reference|than|vs\.?|versus|against)(\s+global)?\s*$)",
                                         std::regex::icase);
      if (std::regex_search(before, kReference)) continue;
      std::optional<int32_t> r = ParseInt32((*it)[1].str());
      if (!r) continue;
      // "[Rank 0]" / "[rank0]:" is the writer's prefix (DeepSpeed's log_dist, PyTorch's rank prefix):
      // where the line names another rank, that rank is the one it reports on (RG19: "[Rank 0]
      // [replica-check] ... mismatch on 1 of 16 ranks: rank 11 sha1=..." singled out neither).
      const size_t end = at + static_cast<size_t>(it->length(0));
      const size_t open = line.find_first_not_of(' ', at);
      if ((open < line.size() && line[open] == '[' && end < line.size() && line[end] == ']') ||
          InWriterPrefix(line, at, end)) {
        bracketed.insert(*r);
      } else {
        ranks.insert(*r);
      }
    }
    // The writer's prefix and a replica group the line reports on ("[replica_group=3/rank=0] param
    // checksum mismatch: replica_group=2 differs from 15 of 16", TorchFT's manager, PLC32): the
    // writer compares replica groups, and its own rank is not the one that differs.
    if (ranks.empty() && !bracketed.empty() && NamesReplicaGroupAfterPrefix(line)) continue;
    if (ranks.empty() && bracketed.size() == 1) {
      // A step's re-run set against its first run compares two runs, not ranks: the writer's prefix
      // is where it was printed (ComparesRunsNotRanks, PLC44).
      if (ComparesRunsNotRanks(line)) continue;
      // Only the writer's own prefix: it reports on itself ("[rank13]: grad norm outlier") - unless
      // other lines name the ranks they report on, whose writer it then is ("[Rank 0] halting:
      // parameter replicas diverged" after rank 0's report on rank 11).
      prefix_only.emplace_back(*bracketed.begin(), i);
      continue;
    }
    if (ranks.size() == 2) pairs.push_back({*ranks.begin(), *ranks.rbegin(), i});
    if (ranks.size() != 1) continue;
    const int r = *ranks.begin();
    if (count[r]++ == 0) first[r] = i;
  }
  if (count.empty() && pairs.empty()) {
    for (const auto& [r, i] : prefix_only) {
      if (count[r]++ == 0) first[r] = i;
    }
  }
  // Lines comparing two ranks ("sha1(flat_param) rank 5 = 3fa0.. rank 13 = 91d2.. MISMATCH") single out
  // neither by themselves; a rank in every such line, against two or more other ranks, is the one
  // that disagrees with its replicas (the replicas agree among themselves). The same two ranks in
  // every line: either could be wrong, none is taken.
  if (count.empty() && pairs.size() >= kOneRankNumericsMinLines) {
    for (int candidate : {pairs.front().a, pairs.front().b}) {
      std::set<int> partners;
      bool in_all = true;
      for (const Pair& p : pairs) {
        in_all = in_all && (p.a == candidate || p.b == candidate);
        partners.insert(p.a == candidate ? p.b : p.a);
      }
      if (!in_all || partners.size() < 2) continue;
      count[candidate] = pairs.size();
      first[candidate] = pairs.front().line;
    }
    if (count.size() != 1) count.clear();
  }
  if (count.empty()) return std::nullopt;
  int best = -1;
  size_t best_n = 0, others = 0;
  for (const auto& [r, n] : count) {
    if (n > best_n) {
      best = r;
      best_n = n;
    }
  }
  for (const auto& [r, n] : count) {
    if (r != best) others = std::max(others, n);
  }
  size_t other_lines = 0;
  for (const auto& [r, n] : count) {
    if (r != best) other_lines += n;
  }
  if (best_n < kOneRankNumericsMinLines || best_n < 2 * others) return std::nullopt;
  OneRankNumerics out;
  out.rank = best;
  out.lines = best_n;
  out.first_line = first[best];
  out.other_rank_lines = other_lines;
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    std::smatch m;
    if (std::regex_search(line, m, PlaceOfRank()) && ParseInt32(m[1].str()) == best) {
      out.node = m[2].str();
      out.gpu = ParseInt32(m[3].str()).value_or(-1);
      break;
    }
  }
  return out;
}

std::optional<WrittenRankPlace> FindWrittenRankPlace(const std::vector<std::string>& lines, int rank) {
  // "replica_group=2 rank7 pod llm-ft-rg2-7 node h200-l084 local_rank 7": the rank, then within the
  // same line its node and local GPU as fields, with no other rank named between.
  static const std::regex kFields(
      R"((?:^|[^A-Za-z0-9_])rank\s*[=:#]?\s*(\d{1,6})\b([^\n]{0,120}?)\b(?:node|host(?:name)?)\s*[=:]?\s*)"
      R"(([A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9])\b[^\n]{0,40}?\b(?:local[_ ]?rank|local[_ ]?gpu|gpu|cuda:?|device)\s*[=:#]?\s*(\d{1,3})\b)",
      std::regex::icase);
  for (const std::string& line : lines) {
    if (line.size() > 2000 || line.find_first_of("rR") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(line, m, PlaceOfRank()) && ParseInt32(m[1].str()) == rank) {
      return WrittenRankPlace{m[2].str(), ParseInt32(m[3].str()).value_or(-1)};
    }
    if (std::regex_search(line, m, kFields) && ParseInt32(m[1].str()) == rank &&
        !std::regex_search(m[2].str(), RankWord())) {
      return WrittenRankPlace{m[3].str(), ParseInt32(m[4].str()).value_or(-1)};
    }
  }
  return std::nullopt;
}

}  // namespace vigil
