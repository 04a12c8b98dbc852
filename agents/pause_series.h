// The sender of a PFC pause storm read from node_exporter's ethtool series of several hosts (PLC16):
// `node_ethtool_tx_prio3_pause`, `node_ethtool_rx_prio3_pause`, `..._tx_pause_ctrl_phy`, ... (the
// NIC's `ethtool -S` counters, one series per host and netdev). The NIC whose transmitted-pause
// counter rises while its peers' received-pause counters rise is the one pausing the fabric: its
// peers only receive. PLC15's StatesPauseSender reads the same from lines (mlx5's "sending PFC pause",
// storm events); this reads it from the series when a case carries them. Pure, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct PauseSender {
  std::string node;         // the host (NodeOf its labels)
  std::string device;       // its netdev (the `device` label), "" when the series names none
  double tx_rise = 0;       // pause frames it sent over the series' window (counter resets skipped)
  double peers_rx_rise = 0; // pause frames its peers received over the window
  double peers_tx_rise = 0; // the most any other host sent
  int64_t onset_ms = 0;     // the last sample before its transmitted-pause counter began to rise
  std::string series;       // the sender's transmitted-pause series' name
};

// The one host whose transmitted-pause counters rose at least kPauseSenderMinFrames and ten times
// more than any other host's, while another host's received-pause counters rose and its own
// received-pause rise stayed below its transmitted one; nullopt otherwise (one host only, no peer
// receiving, several hosts sending alike, no such series). Duration, transition and storm-event
// counters are not pause-frame counts and are not read.
inline constexpr double kPauseSenderMinFrames = 1000;
std::optional<PauseSender> FindPauseSenderSeries(const std::vector<TimeSeries>& series);

}  // namespace vigil
