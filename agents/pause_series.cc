#include "agents/pause_series.h"

#include <algorithm>
#include <map>
#include <regex>
#include <utility>

#include "agents/node_names.h"

namespace vigil {
namespace {

// "tx" / "rx" for a pause-frame counter of node_exporter's ethtool collector, "" for another series.
std::string PauseDirection(const std::string& name) {
  static const std::regex kPause(R"(^node_ethtool_(tx|rx)_(?:[a-z0-9]+_)*pause(?:_[a-z0-9]+)*$)");
  if (name.rfind("node_ethtool_", 0) != 0 || name.find("pause") == std::string::npos) return "";
  for (const char* other : {"duration", "transition", "storm", "events"}) {
    if (name.find(other) != std::string::npos) return "";
  }
  std::smatch m;
  return std::regex_match(name, m, kPause) ? m.str(1) : "";
}

// The sum of a counter's increments (a fall is a reset: the next increments count from it), and
// the time of the sample before the first increment (0 when none rose).
std::pair<double, int64_t> CounterRise(const TimeSeries& s) {
  double rise = 0;
  int64_t onset = 0;
  for (size_t i = 1; i < s.values.size() && i < s.timestamps_ms.size(); ++i) {
    const double d = s.values[i] - s.values[i - 1];
    if (!(d > 0)) continue;
    if (onset == 0) onset = s.timestamps_ms[i - 1];
    rise += d;
  }
  return {rise, onset};
}

}  // namespace

std::optional<PauseSender> FindPauseSenderSeries(const std::vector<TimeSeries>& series) {
  struct Sent {
    double rise = 0;
    int64_t onset = 0;
    std::string device, name;
    double best = 0;  // the largest single series' rise (its device names the NIC)
  };
  std::map<std::string, Sent> tx;   // node key -> what it sent
  std::map<std::string, double> rx; // node key -> what it received
  std::map<std::string, std::string> spelled;  // node key -> the node as its labels spell it
  for (const TimeSeries& s : series) {
    const std::string dir = PauseDirection(s.name);
    if (dir.empty()) continue;
    const std::string node = NodeOf(s.labels);
    if (node.empty()) continue;
    const std::string key = NodeNameKey(node);
    spelled.emplace(key, node);
    const auto [rise, onset] = CounterRise(s);
    if (dir == "rx") {
      rx[key] += rise;
      continue;
    }
    Sent& t = tx[key];
    t.rise += rise;
    if (rise > t.best) {
      t.best = rise;
      t.onset = onset;
      t.name = s.name;
      auto dev = s.labels.find("device");
      t.device = dev == s.labels.end() ? "" : dev->second;
    }
  }
  std::string sender;
  for (const auto& [key, t] : tx) {
    if (sender.empty() || t.rise > tx[sender].rise) sender = key;
  }
  if (sender.empty() || tx[sender].rise < kPauseSenderMinFrames) return std::nullopt;
  PauseSender out;
  out.node = spelled[sender];
  out.device = tx[sender].device;
  out.tx_rise = tx[sender].rise;
  out.onset_ms = tx[sender].onset;
  out.series = tx[sender].name;
  for (const auto& [key, t] : tx) {
    if (key != sender) out.peers_tx_rise = std::max(out.peers_tx_rise, t.rise);
  }
  for (const auto& [key, r] : rx) {
    if (key != sender) out.peers_rx_rise += r;
  }
  const double own_rx = rx.count(sender) ? rx[sender] : 0;
  if (out.peers_tx_rise * 10 > out.tx_rise || !(out.peers_rx_rise > 0) || own_rx >= out.tx_rise) return std::nullopt;
  return out;
}

}  // namespace vigil
