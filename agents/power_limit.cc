#include "agents/power_limit.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <utility>

namespace vigil {

namespace {
// "Current Power Limit : 450.00 W" -> (kind, watts): kind 1 a limit in force, 2 the default.
int ReadLimit(const std::string& line, double* watts) {
  if (line.size() > 400 || line.find("Power Limit") == std::string::npos) return 0;
  static const std::regex kLine(
      R"(^\s*(Current|Enforced|Default|)\s*Power Limit\s*:\s*(\d{1,5}(?:\.\d+)?)\s*W\s*$)");
  std::smatch m;
  if (!std::regex_search(line, m, kLine)) return 0;
  *watts = std::strtod(m.str(2).c_str(), nullptr);
  return m.str(1) == "Default" ? 2 : 1;
}
}  // namespace

std::vector<LowPowerLimit> LowPowerLimits(const std::vector<std::string>& lines) {
  constexpr size_t kSpan = 12;
  std::vector<LowPowerLimit> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    double limit = 0;
    if (ReadLimit(lines[i], &limit) != 1) continue;
    double best_default = 0;
    size_t best_dist = kSpan + 1;
    const size_t lo = i >= kSpan ? i - kSpan : 0;
    for (size_t j = lo; j < lines.size() && j <= i + kSpan; ++j) {
      double w = 0;
      const size_t dist = j > i ? j - i : i - j;
      if (j != i && dist < best_dist && ReadLimit(lines[j], &w) == 2) {
        best_default = w;
        best_dist = dist;
      }
    }
    if (best_default > 0 && limit > 0 && limit < kLowPowerLimitShare * best_default) {
      out.push_back({i, limit, best_default, -1});
    }
  }
  return out;
}

namespace {
// `text` split at commas, each field trimmed.
std::vector<std::string> CsvFields(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string f = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t\r");
    out.push_back(a == std::string::npos ? std::string() : f.substr(a, b - a + 1));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// "600.00 W" / "600.00" -> 600; nullopt for "[N/A]" or anything else.
std::optional<double> Watts(const std::string& field) {
  static const std::regex kWatts(R"(^(\d{1,5}(?:\.\d+)?)(?:\s*W)?$)");
  std::smatch m;
  if (!std::regex_match(field, m, kWatts)) return std::nullopt;
  return std::strtod(m.str(1).c_str(), nullptr);
}

// The columns of a query header or command (-1 each when not named): index, limit, default.
struct QueryColumns {
  int index = -1, limit = -1, deflt = -1;
  size_t count = 0;
};

std::optional<QueryColumns> QueryHeader(const std::string& line) {
  std::string list;
  if (const size_t q = line.find("--query-gpu="); q != std::string::npos) {
    list = line.substr(q + 12);
    if (!list.empty() && (list[0] == '"' || list[0] == '\'')) list.erase(0, 1);
    list = list.substr(0, list.find_first_of(" \t'\""));
  } else if (line.find("power.default_limit") != std::string::npos) {
    list = line;
  } else {
    return std::nullopt;
  }
  QueryColumns cols;
  const std::vector<std::string> names = CsvFields(list);
  cols.count = names.size();
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string name = names[i].substr(0, names[i].find(' '));
    const int at = static_cast<int>(i);
    if (name == "index") cols.index = at;
    else if (name == "power.limit" || name == "enforced.power.limit") cols.limit = at;
    else if (name == "power.default_limit") cols.deflt = at;
  }
  if (cols.limit < 0 || cols.deflt < 0) return std::nullopt;
  return cols;
}

// A DCGM series' node and GPU (its `Hostname` and `gpu` labels); {"", -1} when either is missing or the
// GPU is not a small number.
std::pair<std::string, int> HostGpuKey(const TimeSeries& s) {
  auto host = s.labels.find("Hostname");
  auto gpu = s.labels.find("gpu");
  if (host == s.labels.end() || host->second.empty() || gpu == s.labels.end() || gpu->second.empty() ||
      gpu->second.size() > 3 || !std::all_of(gpu->second.begin(), gpu->second.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return {std::string(), -1};
  }
  return {host->second, std::atoi(gpu->second.c_str())};
}

}  // namespace

std::vector<LowPowerLimit> QueryLowPowerLimits(const std::vector<std::string>& lines) {
  std::vector<LowPowerLimit> out;
  std::optional<QueryColumns> cols;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) {
      cols.reset();
      continue;
    }
    if (std::optional<QueryColumns> header = QueryHeader(line)) {
      cols = header;
      continue;
    }
    if (!cols) continue;
    // A host label of pdsh / clush ("node-3: 500.00 W, ..."): the row after it.
    static const std::regex kHostLabel(R"(^\s*[A-Za-z][A-Za-z0-9._-]*:\s+)");
    std::smatch label;
    const std::vector<std::string> f =
        CsvFields(std::regex_search(line, label, kHostLabel) ? line.substr(static_cast<size_t>(label.length(0))) : line);
    if (f.size() != cols->count) {
      cols.reset();  // the table's end
      continue;
    }
    const std::optional<double> limit = Watts(f[static_cast<size_t>(cols->limit)]);
    const std::optional<double> deflt = Watts(f[static_cast<size_t>(cols->deflt)]);
    if (!limit || !deflt) continue;
    if (*deflt > 0 && *limit > 0 && *limit < kLowPowerLimitShare * *deflt) {
      LowPowerLimit low{i, *limit, *deflt, -1};
      if (cols->index >= 0) {
        const std::string& idx = f[static_cast<size_t>(cols->index)];
        if (!idx.empty() && idx.size() <= 3 && idx.find_first_not_of("0123456789") == std::string::npos) low.gpu = std::stoi(idx);
      }
      out.push_back(low);
    }
  }
  return out;
}

std::vector<LoweredPowerCap> FindLoweredPowerCaps(const std::vector<TimeSeries>& series) {
  auto is_limit = [](const TimeSeries& s) {
    return s.name == "DCGM_FI_DEV_ENFORCED_POWER_LIMIT" || s.name == "DCGM_FI_DEV_POWER_MGMT_LIMIT";
  };
  auto last_ok = [](const TimeSeries& s) { return !s.empty() && std::isfinite(s.values.back()) && s.values.back() > 0; };
  std::map<std::pair<std::string, int>, double> draw;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_POWER_USAGE" || !last_ok(s)) continue;
    auto k = HostGpuKey(s);
    if (k.second >= 0) draw[k] = s.values.back();
  }
  // With no power series of the GPU, its SM clock held down since the cap (PLC36, realistic37 rl37-14:
  // DCGM_FI_DEV_POWER_MGMT_LIMIT 1000 -> 700 W and DCGM_FI_DEV_SM_CLOCK 1965 -> 1400 MHz, no
  // DCGM_FI_DEV_POWER_USAGE exported): the clock's last sample below kCappedClockShare of its highest.
  std::map<std::pair<std::string, int>, std::pair<double, double>> clock;  // highest, last
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_SM_CLOCK" || !last_ok(s)) continue;
    auto k = HostGpuKey(s);
    if (k.second < 0) continue;
    double peak = 0;
    for (double v : s.values) {
      if (std::isfinite(v)) peak = std::max(peak, v);
    }
    clock[k] = {peak, s.values.back()};
  }
  // The GPU runs at the cap: its draw at 0.9 of the limit or more, or (no draw read) its clock held down.
  auto at_cap = [&](const std::pair<std::string, int>& k, double limit) {
    if (auto d = draw.find(k); d != draw.end()) return d->second >= 0.9 * limit;
    auto f = clock.find(k);
    return f != clock.end() && f->second.second < kCappedClockShare * f->second.first;
  };
  auto draw_of = [&](const std::pair<std::string, int>& k) {
    auto d = draw.find(k);
    return d == draw.end() ? 0.0 : d->second;
  };
  std::vector<LoweredPowerCap> out;
  std::vector<LoweredPowerCap> unread;  // lowered, neither draw nor clock series of the GPU
  for (const TimeSeries& s : series) {
    if (!is_limit(s) || s.size() < 2 ||
        !last_ok(s)) {
      continue;
    }
    auto k = HostGpuKey(s);
    if (k.second < 0) continue;
    double peak = 0;
    for (double v : s.values) {
      if (std::isfinite(v)) peak = std::max(peak, v);
    }
    const double last = s.values.back();
    if (!(last < kLowPowerLimitShare * peak)) continue;
    if (std::any_of(out.begin(), out.end(), [&](const LoweredPowerCap& c) { return c.node == k.first && c.gpu == k.second; })) continue;
    LoweredPowerCap c{k.first, k.second, peak, last, draw_of(k), s.timestamps_ms.back()};
    for (size_t i = 0; i < s.size(); ++i) {
      if (std::isfinite(s.values[i]) && s.values[i] < kLowPowerLimitShare * peak) {
        c.onset_ms = s.timestamps_ms[i];
        break;
      }
    }
    if (at_cap(k, last)) {
      out.push_back(std::move(c));
    } else if (!draw.count(k) && !clock.count(k)) {
      unread.push_back(std::move(c));  // neither its draw nor its clock exported: nothing says it idles
    }
  }
  // A limit lowered on a GPU whose draw and clock are not exported, to the same limit within
  // kNodeCapSlackMs of a GPU of the same node shown at its cap, is one cap set on the node's GPUs
  // together (`nvidia-smi -pl 450` on all of them, a BMC's node cap): counted with it (PLC42,
  // realistic40 rl40-08: GPUs 0 and 5 lowered 700 -> 450 W at one sample, only GPU 0's clock
  // exported; before, the node's cap was placed on GPU 0).
  for (LoweredPowerCap& u : unread) {
    const bool with_shown = std::any_of(out.begin(), out.end(), [&](const LoweredPowerCap& c) {
      return !c.below_peers && c.node == u.node && std::fabs(c.to_w - u.to_w) <= 1.0 &&
             std::llabs(c.onset_ms - u.onset_ms) <= kNodeCapSlackMs;
    });
    if (with_shown) out.push_back(std::move(u));
  }
  // A limit that never moved, below the same model's limit on other nodes (below_peers).
  auto model_of = [](const TimeSeries& s) {
    auto m = s.labels.find("modelName");
    return m == s.labels.end() ? std::string() : m->second;
  };
  std::map<std::string, std::map<std::string, double>> model_node_limit;  // model -> node -> highest last limit
  for (const TimeSeries& s : series) {
    if (!is_limit(s) || !last_ok(s)) continue;
    auto k = HostGpuKey(s);
    const std::string model = model_of(s);
    if (k.second < 0 || model.empty()) continue;
    double& w = model_node_limit[model][k.first];
    w = std::max(w, s.values.back());
  }
  for (const TimeSeries& s : series) {
    if (!is_limit(s) || !last_ok(s)) continue;
    auto k = HostGpuKey(s);
    const std::string model = model_of(s);
    if (k.second < 0 || model.empty()) continue;
    double peers = 0;
    for (const auto& [node, w] : model_node_limit[model]) {
      if (node != k.first) peers = std::max(peers, w);
    }
    const double last = s.values.back();
    auto d = draw.find(k);
    if (!(last < kLowPowerLimitShare * peers) || d == draw.end() || d->second < 0.9 * last) continue;
    if (std::any_of(out.begin(), out.end(), [&](const LoweredPowerCap& c) { return c.node == k.first && c.gpu == k.second; })) continue;
    out.push_back(LoweredPowerCap{k.first, k.second, peers, last, d->second, s.timestamps_ms.front(), /*below_peers=*/true});
  }
  return out;
}

std::vector<LoweredPowerCap> FindFallenPowerLimits(const std::vector<TimeSeries>& series) {
  std::map<std::pair<std::string, int>, double> draw;
  std::vector<LoweredPowerCap> out;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_POWER_USAGE" || s.empty() || !std::isfinite(s.values.back())) continue;
    if (auto k = HostGpuKey(s); k.second >= 0) draw[k] = s.values.back();
  }
  for (const TimeSeries& s : series) {
    if ((s.name != "DCGM_FI_DEV_ENFORCED_POWER_LIMIT" && s.name != "DCGM_FI_DEV_POWER_MGMT_LIMIT") || s.size() < 2) continue;
    const double last = s.values.back();
    if (!std::isfinite(last) || !(last > 0)) continue;
    auto k = HostGpuKey(s);
    if (k.second < 0) continue;
    if (std::any_of(out.begin(), out.end(), [&](const LoweredPowerCap& c) { return c.node == k.first && c.gpu == k.second; })) continue;
    double peak = 0;
    for (double v : s.values) {
      if (std::isfinite(v)) peak = std::max(peak, v);
    }
    if (!(last < kLowPowerLimitShare * peak)) continue;
    LoweredPowerCap c{k.first, k.second, peak, last, draw.count(k) ? draw[k] : 0.0, s.timestamps_ms.back()};
    for (size_t i = 0; i < s.size(); ++i) {
      if (std::isfinite(s.values[i]) && s.values[i] < kLowPowerLimitShare * peak) {
        c.onset_ms = s.timestamps_ms[i];
        break;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vigil
