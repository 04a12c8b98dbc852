#include "agents/rank_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "core/ascii.h"
#include "core/parse.h"
#include "agents/upper_median.h"

namespace vigil {
namespace {

constexpr size_t kMaxTableLineBytes = 500;
constexpr size_t kMaxColumns = 16;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The cells of `line`: '|'-separated (a Markdown table's outer bars dropped) when `bars`, else
// blank-separated.
std::vector<std::string> Cells(const std::string& line, bool bars) {
  std::vector<std::string> out;
  if (bars) {
    const std::string t = Trim(line);
    size_t start = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == '|') {
        out.push_back(Trim(t.substr(start, i - start)));
        start = i + 1;
      }
    }
    if (!t.empty() && t.front() == '|' && !out.empty() && out.front().empty()) out.erase(out.begin());
    if (!t.empty() && t.back() == '|' && !out.empty() && out.back().empty()) out.pop_back();
  } else {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
      if (j > i) out.push_back(line.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

bool IsRankHeader(const std::string& cell) {
  static const std::regex kRank(R"(^(?:global[ _-]?)?rank(?:[ _-]?id)?$|^grank$|^rank ?#$)", std::regex::icase);
  return cell.size() <= 16 && std::regex_match(cell, kRank);
}

bool IsHostHeader(const std::string& cell) {
  const std::string l = AsciiLower(cell);
  return l == "host" || l == "hostname" || l == "node" || l == "nodename" || l == "node_name";
}

// A header's cell names a column: not a number, not empty, a word (blank-separated headers hold one
// word a column).
bool IsHeaderName(const std::string& cell, bool bars) {
  if (cell.empty() || cell.size() > 40) return false;
  if (ParseDouble(cell)) return false;
  static const std::regex kWord(R"(^[A-Za-z_][A-Za-z0-9_./%()#+\[\]-]*$)");
  static const std::regex kPhrase(R"(^[A-Za-z_][A-Za-z0-9_./%()#+\[\] -]*$)");
  return std::regex_match(cell, bars ? kPhrase : kWord);
}

// A line that only separates a table's header from its rows ("|---|---|", "-----+-----", "=====").
bool IsSeparator(const std::string& line) {
  const std::string t = Trim(line);
  return !t.empty() && t.find_first_not_of("-|+=: ") == std::string::npos && t.find_first_of("-=") != std::string::npos;
}

// A cell's number and unit: "2.31" (no unit), "1.2 s", "850ms", "41". nullopt when not a number.
struct Value {
  double v = 0;
  std::string unit;  // "", "s", "ms", "us"
};
std::optional<Value> CellValue(const std::string& cell) {
  static const std::regex kNum(R"(^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(ms|s|us|sec|secs)?$)");
  std::smatch m;
  if (cell.size() > 40 || !std::regex_match(cell, m, kNum)) return std::nullopt;
  std::optional<double> v = ParseDouble(m.str(1));
  if (!v) return std::nullopt;
  std::string unit = m.str(2);
  if (unit == "sec" || unit == "secs") unit = "s";
  return Value{*v, unit};
}

// What a column holds, by its header (and its cells' units).
struct ColumnKind {
  bool time = false;     // a duration
  bool wait = false;     // time spent waiting for others (the slow rank waits least)
  bool data = false;     // time waiting for input
  bool step = false;     // the whole step / iteration
  bool compute = false;  // forward / backward / compute
  std::string unit;      // the header's unit ("" when it states none)
};
ColumnKind KindOf(const RankTable& t, size_t col) {
  ColumnKind k;
  const std::string name = AsciiLower(t.columns[col]);
  static const std::regex kUnit(R"((?:[_ -](ms|s|us|sec|secs)|\(\s*(ms|s|us|sec)\s*\)|\[\s*(ms|s|us|sec)\s*\])$)");
  static const std::regex kTimeWord(R"(time|latency|duration|elapsed)");
  // Rates and counts are no durations: bigger is faster ("tokens_s", "samples/s", "tflops").
  static const std::regex kRate(R"(/s\b|per[ _-]?s(ec)?\b|tok|sample|flop|throughput|util|mfu|(^|[^a-z])(rate|count|bytes|gb|mb|gib|mib)([^a-z]|$))");
  std::smatch m;
  if (std::regex_search(name, m, kUnit)) {
    k.unit = m[1].matched ? m.str(1) : m[2].matched ? m.str(2) : m.str(3);
    if (k.unit == "sec" || k.unit == "secs") k.unit = "s";
  }
  bool cell_units = !t.rows.empty();
  for (const RankTable::Row& r : t.rows) {
    std::optional<Value> v = CellValue(r.cells[col]);
    cell_units = cell_units && v && !v->unit.empty();
  }
  const bool rate = std::regex_search(name, kRate);
  k.time = !rate && (!k.unit.empty() || cell_units || std::regex_search(name, kTimeWord));
  if (!k.time) return k;
  static const std::regex kWait(R"(wait|idle|stall|block|barrier)");
  static const std::regex kData(R"(data|loader|input|fetch)");
  static const std::regex kStep(R"(step|iter|total)");
  static const std::regex kCompute(R"(fwd|forward|compute|bwd)");
  k.data = std::regex_search(name, kData);
  k.wait = !k.data && std::regex_search(name, kWait);
  k.step = !k.data && !k.wait && std::regex_search(name, kStep);
  k.compute = !k.data && !k.wait && !k.step && std::regex_search(name, kCompute);
  return k;
}

// A cell's value in seconds in a column of kind `k`; nullopt when the cell is no number.
std::optional<double> Seconds(const std::string& cell, const ColumnKind& k) {
  std::optional<Value> v = CellValue(cell);
  if (!v || !std::isfinite(v->v)) return std::nullopt;
  const std::string unit = !v->unit.empty() ? v->unit : k.unit;
  return unit == "ms" ? v->v / 1e3 : unit == "us" ? v->v / 1e6 : v->v;
}


// A computed number: a decimal with a fractional part and at least 4 significant digits
// ("2.318472", "0.003141"), or a hex digest of at least 6 digits ("0x3fa0c2", "3fa0c2d1").
bool IsComputedNumber(const std::string& cell) {
  static const std::regex kDecimal(R"(^[+-]?(\d*)\.(\d+)(?:[eE][+-]?\d+)?$)");
  static const std::regex kHex(R"(^(0x)?([0-9a-fA-F]{6,64})$)");
  std::smatch m;
  if (std::regex_match(cell, m, kDecimal)) {
    std::string digits = m.str(1) + m.str(2);
    size_t first = digits.find_first_not_of('0');
    return first != std::string::npos && digits.size() - first >= 4;
  }
  if (std::regex_match(cell, m, kHex)) {
    const std::string h = m.str(2);
    return m[1].matched || std::any_of(h.begin(), h.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); });
  }
  return false;
}

}  // namespace

std::optional<SlowestRank> FindSlowestRank(const std::map<int, std::vector<double>>& per_rank) {
  if (per_rank.size() < kRankTableMinRanks) return std::nullopt;
  std::vector<std::pair<int, double>> medians;
  for (const auto& [rank, v] : per_rank) medians.emplace_back(rank, UpperMedian(v));
  std::sort(medians.begin(), medians.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<double> others;
  for (size_t x = 1; x < medians.size(); ++x) others.push_back(medians[x].second);
  const double peers = UpperMedian(others);
  if (!(peers > 0) || medians[0].second < kRankTableSlowRatio * peers || medians[1].second > kRankTablePeerSpread * peers) {
    return std::nullopt;
  }
  return SlowestRank{medians[0].first, medians[0].second, peers};
}

std::vector<RankTable> FindRankTables(const std::vector<std::string>& lines) {
  std::vector<RankTable> out;
  const size_t n = std::min(lines.size(), kMaxRankTableLines);
  for (size_t i = 0; i < n; ++i) {
    const std::string& line = lines[i];
    if (line.size() > kMaxTableLineBytes) continue;
    const std::string lower = AsciiLower(line);
    if (lower.find("rank") == std::string::npos) continue;
    const bool bars = line.find('|') != std::string::npos;
    std::vector<std::string> head = Cells(line, bars);
    if (head.size() < 2 || head.size() > kMaxColumns) continue;
    RankTable t;
    t.header_line = i;
    bool names = true;
    for (size_t c = 0; c < head.size(); ++c) {
      names = names && IsHeaderName(head[c], bars);
      if (t.rank_col < 0 && IsRankHeader(head[c])) t.rank_col = static_cast<int>(c);
      else if (t.host_col < 0 && IsHostHeader(head[c])) t.host_col = static_cast<int>(c);
    }
    if (!names || t.rank_col < 0) continue;
    t.columns = head;
    size_t j = i + 1;
    for (; j < n; ++j) {
      const std::string& row = lines[j];
      if (row.size() > kMaxTableLineBytes) break;
      if (IsSeparator(row)) continue;
      std::vector<std::string> cells = Cells(row, bars);
      if (cells.size() != head.size()) break;
      std::optional<int32_t> rank = ParseInt32(cells[static_cast<size_t>(t.rank_col)]);
      if (!rank || *rank < 0) break;
      t.rows.push_back({*rank, j, std::move(cells)});
    }
    if (!t.rows.empty()) {
      i = j - 1;
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::optional<RankTableSlowRank> FindRankTableSlowRank(const std::vector<std::string>& lines) {
  std::optional<RankTableSlowRank> best;
  for (const RankTable& t : FindRankTables(lines)) {
    struct Out {
      int rank;
      double ratio, seconds, peers;
      size_t col;
    };
    std::vector<Out> outs;
    size_t ranks_seen = 0;
    for (size_t col = 0; col < t.columns.size(); ++col) {
      if (static_cast<int>(col) == t.rank_col || static_cast<int>(col) == t.host_col) continue;
      const ColumnKind k = KindOf(t, col);
      if (!k.time || k.wait) continue;
      std::map<int, std::vector<double>> per_rank;
      for (const RankTable::Row& r : t.rows) {
        std::optional<double> s = Seconds(r.cells[col], k);
        if (s && *s > 0) per_rank[r.rank].push_back(*s);
      }
      ranks_seen = std::max(ranks_seen, per_rank.size());
      const std::optional<SlowestRank> slow = FindSlowestRank(per_rank);
      if (!slow) continue;
      outs.push_back({slow->rank, slow->seconds / slow->peers_seconds, slow->seconds, slow->peers_seconds, col});
    }
    if (outs.empty()) continue;
    // Two columns singling out two ranks: the table names no one slow rank.
    if (std::any_of(outs.begin(), outs.end(), [&](const Out& o) { return o.rank != outs[0].rank; })) continue;
    const Out& top = *std::max_element(outs.begin(), outs.end(), [](const Out& a, const Out& b) { return a.ratio < b.ratio; });
    if (best && top.ratio <= best->seconds / best->peers_seconds) continue;
    RankTableSlowRank s;
    s.rank = top.rank;
    s.column = t.columns[top.col];
    s.seconds = top.seconds;
    s.peers_seconds = top.peers;
    s.ranks = ranks_seen;
    for (const Out& o : outs) s.out_columns.push_back(t.columns[o.col]);
    for (const RankTable::Row& r : t.rows) {
      if (r.rank != top.rank) continue;
      s.line = r.line;
      if (t.host_col >= 0) s.host = r.cells[static_cast<size_t>(t.host_col)];
      break;
    }
    best = std::move(s);
  }
  return best;
}

std::optional<RankTableDataWait> FindRankTableDataWait(const std::vector<std::string>& lines) {
  std::vector<double> shares;
  RankTableDataWait out;
  for (const RankTable& t : FindRankTables(lines)) {
    int data = -1, step = -1, compute = -1;
    std::vector<ColumnKind> kinds;
    for (size_t col = 0; col < t.columns.size(); ++col) {
      kinds.push_back(KindOf(t, col));
      if (static_cast<int>(col) == t.rank_col || static_cast<int>(col) == t.host_col) continue;
      const ColumnKind& k = kinds.back();
      if (k.data && data < 0) data = static_cast<int>(col);
      if (k.step && step < 0) step = static_cast<int>(col);
      if (k.compute && compute < 0) compute = static_cast<int>(col);
    }
    if (data < 0 || (step < 0 && compute < 0)) continue;
    for (const RankTable::Row& r : t.rows) {
      std::optional<double> d = Seconds(r.cells[static_cast<size_t>(data)], kinds[static_cast<size_t>(data)]);
      std::optional<double> s;
      if (step >= 0) {
        s = Seconds(r.cells[static_cast<size_t>(step)], kinds[static_cast<size_t>(step)]);
      } else if (d) {
        s = Seconds(r.cells[static_cast<size_t>(compute)], kinds[static_cast<size_t>(compute)]);
        if (s) *s += *d;
      }
      if (!d || !s || *s <= 0 || *d < 0 || *d > 1.05 * *s) continue;
      if (shares.empty()) out.first_line = r.line;
      shares.push_back(*d / *s);
    }
  }
  if (shares.empty()) return std::nullopt;
  out.rows = shares.size();
  out.share = UpperMedian(std::move(shares));
  return out;
}

std::optional<RankTableOddValue> FindRankTableOddValue(const std::vector<std::string>& lines) {
  std::optional<RankTableOddValue> found;
  for (const RankTable& t : FindRankTables(lines)) {
    std::optional<RankTableOddValue> in_table;
    bool ambiguous = false;
    for (size_t col = 0; col < t.columns.size(); ++col) {
      if (static_cast<int>(col) == t.rank_col || static_cast<int>(col) == t.host_col) continue;
      if (KindOf(t, col).time) continue;
      if (!std::all_of(t.rows.begin(), t.rows.end(), [&](const RankTable::Row& r) { return IsComputedNumber(r.cells[col]); })) {
        continue;
      }
      std::map<std::string, std::set<int>> ranks_of;
      for (const RankTable::Row& r : t.rows) ranks_of[AsciiLower(r.cells[col])].insert(r.rank);
      if (ranks_of.size() != 2) continue;  // all agree, or more than one rank apart
      auto most = ranks_of.begin(), least = std::next(ranks_of.begin());
      if (most->second.size() < least->second.size()) std::swap(most, least);
      if (least->second.size() != 1 || most->second.size() < kRankTableMinAgreeing) continue;
      const int rank = *least->second.begin();
      if (most->second.count(rank)) continue;  // the rank printed both values
      if (in_table && in_table->rank != rank) {
        ambiguous = true;
        break;
      }
      if (in_table) continue;
      RankTableOddValue v;
      v.rank = rank;
      v.column = t.columns[col];
      v.value = least->first;
      v.agreed = most->first;
      v.agreeing = most->second.size();
      for (const RankTable::Row& r : t.rows) {
        if (r.rank != rank) continue;
        v.line = r.line;
        v.value = r.cells[col];
        if (t.host_col >= 0) v.host = r.cells[static_cast<size_t>(t.host_col)];
        break;
      }
      for (const RankTable::Row& r : t.rows) {
        if (r.rank != rank) {
          v.agreed = r.cells[col];
          break;
        }
      }
      in_table = std::move(v);
    }
    if (ambiguous || !in_table) continue;
    if (found && found->rank != in_table->rank) return std::nullopt;  // two tables, two ranks
    if (!found) found = std::move(in_table);
  }
  return found;
}

std::optional<RankTableOddValue> FindRankTableGradNormOutlier(const std::vector<std::string>& lines) {
  std::optional<RankTableOddValue> found;
  for (const RankTable& t : FindRankTables(lines)) {
    if (t.rows.size() < kRankTableMinOutlierRanks) continue;
    for (size_t col = 0; col < t.columns.size(); ++col) {
      const std::string name = AsciiLower(t.columns[col]);
      if (static_cast<int>(col) == t.rank_col || static_cast<int>(col) == t.host_col ||
          !((name.find("grad") != std::string::npos && name.find("norm") != std::string::npos) || name.find("gnorm") != std::string::npos)) {
        continue;
      }
      std::vector<std::pair<double, const RankTable::Row*>> values;
      for (const RankTable::Row& r : t.rows) {
        std::optional<Value> v = CellValue(r.cells[col]);
        if (!v || !v->unit.empty() || !std::isfinite(v->v) || v->v <= 0) break;
        values.emplace_back(v->v, &r);
      }
      if (values.size() != t.rows.size()) continue;
      std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      const auto& [top, row] = values.back();
      std::vector<double> peers;
      for (size_t i = 0; i + 1 < values.size(); ++i) peers.push_back(values[i].first);
      const double median = UpperMedian(peers);
      if (!(median > 0) || peers.back() > kRankTablePeerOutlierSpread * median ||
          peers.front() * kRankTablePeerOutlierSpread < median || top < kRankTableOutlierRatio * median) {
        continue;
      }
      if (found && found->rank != row->rank) return std::nullopt;  // two ranks singled out
      if (found) continue;
      RankTableOddValue v;
      v.rank = row->rank;
      v.column = t.columns[col];
      v.value = row->cells[col];
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", median);
      v.agreed = buf;
      v.agreeing = peers.size();
      v.line = row->line;
      if (t.host_col >= 0) v.host = row->cells[static_cast<size_t>(t.host_col)];
      found = std::move(v);
    }
  }
  return found;
}

std::optional<RankTableOddValue> FindRankListOddValue(const std::vector<std::string>& lines) {
  static const std::regex kPair(R"((?:^|[^A-Za-z0-9_])rank\s*[=:#]?\s*(\d{1,6})\s*[:=]?\s*(0x[0-9A-Fa-f]+|[0-9A-Fa-f]+|[+-]?\d*\.\d+(?:[eE][+-]?\d+)?)(?![\w.]))",
                                   std::regex::icase);
  std::optional<RankTableOddValue> found;
  const size_t n = std::min(lines.size(), kMaxRankTableLines);
  for (size_t i = 0; i < n; ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find_first_of("rR") == std::string::npos) continue;
    std::map<int, std::string> value_of;
    bool clash = false;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kPair); it != std::sregex_iterator(); ++it) {
      const std::optional<int32_t> rank = ParseInt32((*it)[1].str());
      const std::string value = (*it)[2].str();
      if (!rank || !IsComputedNumber(value)) continue;
      auto [at, fresh] = value_of.emplace(*rank, value);
      clash = clash || (!fresh && AsciiLower(at->second) != AsciiLower(value));
    }
    if (clash || value_of.size() < kRankTableMinRanks) continue;
    std::map<std::string, std::set<int>> ranks_of;
    for (const auto& [rank, value] : value_of) ranks_of[AsciiLower(value)].insert(rank);
    if (ranks_of.size() != 2) continue;  // all agree, or more than one rank apart
    auto most = ranks_of.begin(), least = std::next(ranks_of.begin());
    if (most->second.size() < least->second.size()) std::swap(most, least);
    if (least->second.size() != 1 || most->second.size() < kRankTableMinAgreeing) continue;
    RankTableOddValue v;
    v.rank = *least->second.begin();
    v.value = value_of[v.rank];
    v.agreed = value_of[*most->second.begin()];
    v.agreeing = most->second.size();
    v.line = i;
    if (found && found->rank != v.rank) return std::nullopt;  // two lines, two ranks
    if (!found) found = std::move(v);
  }
  return found;
}

}  // namespace vigil
