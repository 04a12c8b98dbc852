#include "agents/rank_hosts.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "agents/node_addresses.h"
#include "core/ascii.h"

namespace vigil {
namespace {

using SvMatch = std::match_results<std::string_view::const_iterator>;

std::optional<int> SmallInt(std::string_view digits) {
  if (digits.empty() || digits.size() > 7) return std::nullopt;
  int v = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

std::vector<int> IntList(std::string_view text) {
  std::vector<int> out;
  std::string cur;
  for (char ch : std::string(text) + ",") {
    if (ch >= '0' && ch <= '9') cur += ch;
    else if (ch == ',' || ch == ' ') {
      if (!cur.empty()) {
        if (std::optional<int> v = SmallInt(cur)) out.push_back(*v);
        cur.clear();
      }
    } else {
      return {};
    }
  }
  return out;
}

// PLC76 (realistic66 rl66-09 / rl66-19): a container's GPUs as its runtime was given them. The
// device plugin (or CDI) starts a pod with NVIDIA_VISIBLE_DEVICES naming the node's GPUs it got, by
// index ("4,5,6,7") or by UUID ("GPU-88c1...,GPU-1d7e..."); inside, CUDA counts them from 0, and a
// CUDA_VISIBLE_DEVICES there picks among those. Ordinal `device` of such a process is the node's GPU
// list[CUDA_VISIBLE_DEVICES[device]] (list[device] without one); a UUID is left in tie->uuid for the
// caller to map (nvidia-smi -L). A value that is no such list (`all`, `none`, a MIG device) leaves the
// tie as read; an ordinal the lists do not reach leaves it no GPU.
void ContainerVisibleDevice(std::string_view line, int device, const std::optional<std::vector<int>>& cuda_list,
                            RankHost* tie) {
  static const std::regex kNvidia(R"(\bNVIDIA_VISIBLE_DEVICES\s*[:=]\s*['"]?([A-Za-z0-9,-]+))");
  SvMatch m;
  if (!std::regex_search(line.begin(), line.end(), m, kNvidia)) return;
  std::vector<std::string> items;
  {
    std::string cur;
    for (char ch : AsciiLower(m.str(1)) + ",") {
      if (ch != ',') {
        cur += ch;
      } else if (!cur.empty()) {
        items.push_back(cur);
        cur.clear();
      }
    }
  }
  if (items.empty() || items.size() > 64) return;
  const bool uuids = std::all_of(items.begin(), items.end(), [](const std::string& x) {
    return x.size() >= 20 && x.rfind("gpu-", 0) == 0 && x.find('/') == std::string::npos;
  });
  std::vector<int> indices;
  if (!uuids) {
    for (const std::string& x : items) {
      std::optional<int> v = SmallInt(x);
      if (!v) return;  // `all`, `none`, a MIG device: no list of the node's GPUs
      indices.push_back(*v);
    }
  }
  int ordinal = device;
  if (cuda_list) {
    ordinal = device >= 0 && static_cast<size_t>(device) < cuda_list->size() ? (*cuda_list)[static_cast<size_t>(device)] : -1;
  }
  tie->gpu = -1;
  tie->uuid.clear();
  if (ordinal < 0 || static_cast<size_t>(ordinal) >= items.size()) return;
  if (uuids) tie->uuid = items[static_cast<size_t>(ordinal)];
  else tie->gpu = indices[static_cast<size_t>(ordinal)];
}

// DeepSpeed's "{'node-a': [0, 1], 'node-b': [0, 1]}" after `key`: (host, ids) in order; empty for none.
std::vector<std::pair<std::string, std::vector<int>>> HostLists(std::string_view line, std::string_view key) {
  std::vector<std::pair<std::string, std::vector<int>>> out;
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return out;
  static const std::regex kEntry(R"(['"]([A-Za-z0-9._-]+)['"]\s*:\s*\[([0-9,\s]*)\])");
  const std::string_view rest = line.substr(at + key.size());
  for (auto it = std::regex_iterator<std::string_view::const_iterator>(rest.begin(), rest.end(), kEntry);
       it != std::regex_iterator<std::string_view::const_iterator>(); ++it) {
    out.emplace_back((*it).str(1), IntList((*it).str(2)));
  }
  return out;
}

// The ranks a line names, by kind: a "local" rank; a parallel group's rank (node_rank, dp_rank,
// group_rank, ...) skipped; any other (bare, "global", "peer") a global rank. "[rank13]", "Rank 13", "RANK=13", "rank: 13",
// "global_rank=13", "local_rank: 5", "LOCAL_RANK=5", "local rank 5".
void RanksOf(std::string_view line, std::vector<int>* global, std::vector<int>* local) {
  auto lower = [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); };
  auto alpha = [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)) != 0; };
  for (size_t p = 0; p + 4 <= line.size(); ++p) {
    if (lower(line[p]) != 'r' || lower(line[p + 1]) != 'a' || lower(line[p + 2]) != 'n' || lower(line[p + 3]) != 'k') continue;
    size_t e = p + 4;
    if (e < line.size() && (alpha(line[e]) || line[e] == '_')) continue;  // "ranks", "rank_id"
    std::string qualifier;
    if (p > 0 && alpha(line[p - 1])) continue;  // "Frank", "nrank"
    if (p > 1 && (line[p - 1] == '_' || line[p - 1] == ' ')) {
      size_t b = p - 1;
      while (b > 0 && alpha(line[b - 1])) --b;
      for (size_t i = b; i + 1 < p; ++i) qualifier += lower(line[i]);
    }
    while (e < line.size() && line[e] == ' ') ++e;
    if (e < line.size() && (line[e] == ':' || line[e] == '=')) ++e;
    while (e < line.size() && line[e] == ' ') ++e;
    size_t d = e;
    while (d < line.size() && std::isdigit(static_cast<unsigned char>(line[d]))) ++d;
    if (d == e || (d < line.size() && (alpha(line[d]) || line[d] == '.'))) continue;
    std::optional<int> v = SmallInt(line.substr(e, d - e));
    if (!v) continue;
    static const std::set<std::string> kGroupRanks = {"node", "group", "role", "dp", "tp", "pp", "ep", "cp", "sp",
                                                      "data", "tensor", "pipeline", "expert", "context", "sequence"};
    if (qualifier == "local") local->push_back(*v);
    else if (!kGroupRanks.count(qualifier)) global->push_back(*v);  // "global", "peer", a plain word: a rank
  }
}

bool AllSame(const std::vector<int>& v) {
  for (int x : v) {
    if (x != v.front()) return false;
  }
  return !v.empty();
}

std::vector<std::string> Columns(std::string_view line, bool csv) {
  std::vector<std::string> out;
  if (csv) {
    std::stringstream ss{std::string(line)};
    for (std::string col; std::getline(ss, col, ',');) {
      const size_t a = col.find_first_not_of(" \t"), b = col.find_last_not_of(" \t\r");
      out.push_back(a == std::string::npos ? std::string() : col.substr(a, b - a + 1));
    }
    return out;
  }
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::vector<RankHost> RankHostReader::Read(std::string_view line) {
  std::vector<RankHost> out;
  if (line.size() > 4000) return out;

  // DeepSpeed's launcher.
  if (line.find("WORLD INFO DICT") != std::string_view::npos) {
    int rank = 0;
    for (const auto& [host, gpus] : HostLists(line, "WORLD INFO DICT")) {
      for (int gpu : gpus) out.push_back({rank++, host, gpu, ""});
    }
    return out;
  }
  if (line.find("global_rank_mapping") != std::string_view::npos) {
    for (const auto& [host, ranks] : HostLists(line, "global_rank_mapping")) {
      for (int r : ranks) out.push_back({r, host, -1, ""});
    }
    return out;
  }

  // Open MPI's rankfile ("rank 13=h100-m02 slot=1:60") and `mpirun --display-map`'s job map ("Data
  // for node: h100-m02  Num slots: 8 ..." above "Process OMPI jobid: [41233,1] App: 0 Process rank:
  // 13 Bound: ..."): the rank's host, no GPU (RG19).
  SvMatch m;
  static const std::regex kRankfile(R"(^\s*rank\s+(\d{1,7})\s*=\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s+slot\s*=)");
  if (line.find("slot") != std::string_view::npos && std::regex_search(line.begin(), line.end(), m, kRankfile) &&
      HostNameWord(m.str(2))) {
    if (std::optional<int> r = SmallInt(m.str(1))) out.push_back({*r, m.str(2), -1, ""});
    return out;
  }
  static const std::regex kMapNode(R"(^\s*Data for node:\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\s|$))");
  static const std::regex kMapProc(R"(\bProcess rank:\s*(\d{1,7})\b)");
  if (line.find("Data for node:") != std::string_view::npos) {
    map_host_.clear();
    if (std::regex_search(line.begin(), line.end(), m, kMapNode) && HostNameWord(m.str(1))) map_host_ = m.str(1);
    return out;
  }
  if (!map_host_.empty()) {
    if (std::regex_search(line.begin(), line.end(), m, kMapProc)) {
      if (std::optional<int> r = SmallInt(m.str(1))) out.push_back({*r, map_host_, -1, ""});
      return out;
    }
    map_host_.clear();  // the map's end ("=====", the job's own output)
  }

  // Open MPI's own words of where a rank ran (PLC3): mpirun's (prterun's) report of a process that
  // failed, "mpirun noticed that process rank 17 with PID 4411 on node hpc-g07 exited on signal 6";
  // `--report-bindings`' "[hpc-g07:04411] MCW rank 17 bound to socket 0[core 1[hwt 0]]" (Open MPI
  // 5: "Rank 17 bound to package[0][core:1]", or "is not bound"); and a line of rank 17's own
  // output under `--tag-output`'s "[1,17]<stderr>:" label that Open MPI's signal handler or error
  // path prefixes with the writer's "[HOST:PID]" ("[1,17]<stderr>:[hpc-g07:04411] *** Process
  // received signal ***"). The host, no GPU.
  if (line.find("noticed that process rank") != std::string_view::npos) {
    static const std::regex kNoticed(
        R"(\b(?:mpirun|mpiexec|orterun|prterun|prun)\s+noticed that process rank\s+(\d{1,7})\s+with PID\s+\d+\s+on node\s+([A-Za-z0-9][A-Za-z0-9._-]*?)\.?(?:\s|$))");
    if (std::regex_search(line.begin(), line.end(), m, kNoticed) && HostNameWord(m.str(2))) {
      if (std::optional<int> r = SmallInt(m.str(1))) out.push_back({*r, m.str(2), -1, ""});
    }
    return out;
  }
  if (line.find("ank ") != std::string_view::npos && (line.find(" bound to ") != std::string_view::npos ||
                                                       line.find(" is not bound") != std::string_view::npos)) {
    static const std::regex kBinding(
        R"(^\s*\[([A-Za-z0-9][A-Za-z0-9._-]*):\d+\]\s+(?:MCW\s+)?[Rr]ank\s+(\d{1,7})\s+(?:bound to|is not bound)\b)");
    if (std::regex_search(line.begin(), line.end(), m, kBinding) && HostNameWord(m.str(1))) {
      if (std::optional<int> r = SmallInt(m.str(2))) out.push_back({*r, m.str(1), -1, ""});
      return out;
    }
  }
  if (line.starts_with("[") && line.find(">:[") != std::string_view::npos) {
    static const std::regex kTaggedWriter(R"(^\[\d{1,7},(\d{1,7})\]<(?:stdout|stderr|stddiag)>:\s*\[([A-Za-z0-9][A-Za-z0-9._-]*):\d{1,10}\])");
    if (std::regex_search(line.begin(), line.end(), m, kTaggedWriter) && HostNameWord(m.str(2))) {
      if (std::optional<int> r = SmallInt(m.str(1))) out.push_back({*r, m.str(2), -1, ""});
      return out;
    }
  }

  // A hostfile: "HOST slots=N" lines, one after another.
  static const std::regex kHostfile(R"(^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s+slots\s*=\s*(\d{1,4})(?:\s+max[_-]slots\s*=\s*\d+)?\s*(?:#.*)?$)");
  if (line.find("slots") != std::string_view::npos && std::regex_match(line.begin(), line.end(), m, kHostfile) &&
      HostNameWord(m.str(1))) {
    if (hostfile_next_rank_ < 0) hostfile_next_rank_ = 0;
    const int slots = SmallInt(m.str(2)).value_or(0);
    for (int i = 0; i < slots; ++i) out.push_back({hostfile_next_rank_++, m.str(1), -1, ""});
    return out;
  }
  const size_t first = line.find_first_not_of(" \t");
  if (hostfile_next_rank_ >= 0 && first != std::string_view::npos && line[first] == '#' &&
      line.find("slots") == std::string_view::npos) {
    return out;  // a comment inside the hostfile
  }
  hostfile_next_rank_ = -1;

  // A rank -> host table: its header, then rows.
  {
    const bool csv = line.find(',') != std::string_view::npos;
    std::vector<std::string> cols = Columns(line, csv);
    int rank = -1, host = -1, local = -1, gpu = -1;
    bool names_only = cols.size() >= 2 && cols.size() <= 12;
    for (size_t i = 0; i < cols.size() && names_only; ++i) {
      std::string c;
      for (char ch : cols[i]) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (char ch : c) names_only = names_only && ((ch >= 'a' && ch <= 'z') || ch == '_' || ch == '-' || ch == '.');
      const int at = static_cast<int>(i);
      if ((c == "rank" || c == "global_rank" || c == "global-rank") && rank < 0) rank = at;
      else if ((c == "host" || c == "hostname" || c == "node" || c == "nodename" || c == "host_name") && host < 0) host = at;
      else if ((c == "local_rank" || c == "local-rank" || c == "local") && local < 0) local = at;
      else if ((c == "gpu" || c == "device" || c == "cuda_device" || c == "gpu_index") && gpu < 0) gpu = at;
    }
    if (names_only && rank >= 0 && host >= 0) {
      rank_col_ = rank;
      host_col_ = host;
      local_col_ = local;
      gpu_col_ = gpu;
      csv_ = csv;
      return out;
    }
    if (rank_col_ >= 0) {
      cols = Columns(line, csv_);
      const size_t need = static_cast<size_t>(std::max({rank_col_, host_col_, local_col_, gpu_col_})) + 1;
      std::optional<int> r = cols.size() >= need ? SmallInt(cols[static_cast<size_t>(rank_col_)]) : std::nullopt;
      if (r && HostNameWord(cols[static_cast<size_t>(host_col_)])) {
        RankHost h{*r, cols[static_cast<size_t>(host_col_)], -1, ""};
        if (gpu_col_ >= 0) h.gpu = SmallInt(cols[static_cast<size_t>(gpu_col_)]).value_or(-1);
        else if (local_col_ >= 0) h.gpu = SmallInt(cols[static_cast<size_t>(local_col_)]).value_or(-1);
        out.push_back(h);
        return out;
      }
      rank_col_ = -1;  // the table's end
    }
  }

  // A rank range on one host, as a job's own rank map prints it (PLC7): "rank 24-31 host gpu-r03 (local
  // 0-7)", "ranks 8-15 -> gpu-r02", several on one line ("...; rank 8-15 host gpu-r02; ..."). With a
  // local range of the same length the i-th rank is on the i-th local GPU; without one, no GPU.
  if (line.find('-') != std::string_view::npos) {
    static const std::regex kRange(
        R"(\branks?\s*[:=]?\s*(\d{1,7})\s*-\s*(\d{1,7})\s*(?:(?:->|=>|\bon\b|@)\s*(?:host\s+|node\s+)?|(?:host|node)(?:_?name)?\s*[:=]?\s*)([A-Za-z0-9][A-Za-z0-9._-]*)(?:\s*\(\s*local(?:[ _]ranks?)?\s*[:=]?\s*(\d{1,3})\s*-\s*(\d{1,3})\s*\))?)",
        std::regex::icase);
    for (auto it = std::regex_iterator<std::string_view::const_iterator>(line.begin(), line.end(), kRange);
         it != std::regex_iterator<std::string_view::const_iterator>(); ++it) {
      const SvMatch& r = *it;
      const std::optional<int> a = SmallInt(r.str(1)), b = SmallInt(r.str(2));
      if (!a || !b || *b < *a || *b - *a >= 1024 || !HostNameWord(r.str(3))) continue;
      std::optional<int> la, lb;
      if (r[4].matched) la = SmallInt(r.str(4)), lb = SmallInt(r.str(5));
      const bool locals = la && lb && *lb >= *la && *lb - *la == *b - *a;
      for (int k = *a; k <= *b; ++k) out.push_back({k, r.str(3), locals ? *la + (k - *a) : -1, ""});
    }
    if (!out.empty()) return out;
  }

  // A line printing one rank with its host and local rank.
  if (line.find_first_of("kK") == std::string_view::npos) return out;
  std::vector<int> global, local;
  RanksOf(line, &global, &local);
  if (!AllSame(global) || !AllSame(local)) return out;
  static const std::regex kHostKey(
      R"((?:^|[^A-Za-z_])(?:host(?:_?name)?|node(?:_?name)?|slurmd_nodename)\s*[:=]\s*['"]?([A-Za-z0-9][A-Za-z0-9._-]*))",
      std::regex::icase);
  static const std::regex kHostAfterRank(
      R"(\brank\s*[:=]?\s*\d+\]?\s*(?:->|=>|\bon\b|@)\s*(?:host\s+|node\s+)?([A-Za-z0-9][A-Za-z0-9._-]*))", std::regex::icase);
  std::string host;
  for (const std::regex* re : {&kHostKey, &kHostAfterRank}) {
    for (auto it = std::regex_iterator<std::string_view::const_iterator>(line.begin(), line.end(), *re);
         it != std::regex_iterator<std::string_view::const_iterator>(); ++it) {
      const std::string h = (*it).str(1);
      if (!HostNameWord(h)) continue;
      if (!host.empty() && host != h) return out;  // two hosts: no tie
      host = h;
    }
  }
  if (host.empty()) return out;
  int device = local.front();
  static const std::regex kDevice(R"(\b(?:cuda:|device\s*[:=]\s*|gpu\s*[:=]\s*)(\d{1,3})\b)", std::regex::icase);
  if (std::regex_search(line.begin(), line.end(), m, kDevice)) device = SmallInt(m.str(1)).value_or(device);
  int gpu = device;
  static const std::regex kVisible(R"(CUDA_VISIBLE_DEVICES\s*[:=]\s*['"]?([0-9][0-9,]*))");
  std::optional<std::vector<int>> cuda_list;
  if (std::regex_search(line.begin(), line.end(), m, kVisible)) {
    const std::vector<int> visible = IntList(m.str(1));
    cuda_list = visible;
    gpu = device >= 0 && static_cast<size_t>(device) < visible.size() ? visible[static_cast<size_t>(device)] : -1;
  }
  RankHost tie{global.front(), host, gpu, ""};
  // PLC76: the container's own list (ContainerVisibleDevice).
  if (line.find("NVIDIA_VISIBLE_DEVICES") != std::string_view::npos) {
    ContainerVisibleDevice(line, device, cuda_list, &tie);
  }
  out.push_back(tie);
  return out;
}

std::map<int, RankHost> CaseRankHosts(const std::vector<CaseLog>& logs,
                                      const std::function<std::string(std::string_view)>& node_of) {
  std::map<int, RankHost> out;
  std::set<int> twice;
  for (const CaseLog& log : logs) {
    RankHostReader reader;
    for (const LogLine& line : log.lines) {
      for (RankHost& tie : reader.Read(line.text)) {
        std::string node = node_of(tie.host);
        if (node.empty() || tie.rank < 0) continue;
        tie.host = std::move(node);
        auto [it, added] = out.emplace(tie.rank, tie);
        if (added) continue;
        RankHost& had = it->second;
        if (had.host != tie.host || (had.gpu >= 0 && tie.gpu >= 0 && had.gpu != tie.gpu) ||
            (!had.uuid.empty() && !tie.uuid.empty() && had.uuid != tie.uuid)) {
          twice.insert(tie.rank);
        } else if (had.gpu < 0 && had.uuid.empty()) {
          had.gpu = tie.gpu;
          had.uuid = tie.uuid;
        }
      }
    }
  }
  for (int r : twice) out.erase(r);
  return out;
}

std::optional<std::pair<int64_t, int>> NcclCommPidRank(std::string_view line) {
  if (line.size() > 2000 || line.find("nRanks") == std::string_view::npos) return std::nullopt;
  static const std::regex kComm(
      R"(^\s*(?:\d+:\s*)?[A-Za-z0-9._-]+:(\d{1,9}):\d+ \[\d+\] NCCL INFO .*?\bcomm 0x[0-9a-fA-F]+ rank (\d{1,7}) nRanks \d+)");
  const std::string s(line);
  std::smatch m;
  if (!std::regex_search(s, m, kComm)) return std::nullopt;
  return std::make_pair(static_cast<int64_t>(std::stoll(m.str(1))), std::stoi(m.str(2)));
}

}  // namespace vigil
