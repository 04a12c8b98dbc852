// An InfiniBand / RoCE port that trained at a lower rate than its peers (PLC39, realistic39 rl39-07:
// after an HCA firmware update one node's mlx5_5 came back at 200 Gb/s (HDR) while every other port
// ran at 400 (NDR); no error line anywhere, the job only slower). A port below the rate its rail
// peers (the same HCA on the other nodes) and its node peers (the node's other HCAs) agree on is a
// degraded link: the port's own state, read from `ibstat`'s "Rate: N" (a header "CA 'mlx5_N'" or
// the HCA on the line) and node_exporter's node_infiniband_rate_bytes_per_second. Pure functions,
// thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// At most this share of the peers' rate (a lower speed or width: HDR under NDR is 0.5, 2X under 4X 0.5).
constexpr double kSlowIbPortShare = 0.75;
// Peers agree: each within this factor of their median.
constexpr double kIbPeerSpread = 1.2;

struct IbPortRate {
  std::string node;
  std::string hca;        // mlx5_N
  double gbps = 0;        // the port's rate, Gb/s
  std::string source;     // where it was read: "metric ..." or a log source and line number
  int64_t time_ms = 0;
};

struct SlowIbPort {
  IbPortRate port;
  double peers_gbps = 0;  // the rate its peers agree on (the rail's where it has rail peers)
  size_t peers = 0;       // how many peer ports were compared
};

// "Rate: 200" (ibstat) in a line or a block: the rate in Gb/s, and the HCA the line itself names
// ("osp-h100-0052 mlx5_5: State: Active ... Rate: 200"; "" when it names none or two).
struct IbRateLine {
  std::string hca;
  double gbps = 0;
};
std::optional<IbRateLine> ReadIbRateLine(const std::string& line);
// The HCA an ibstat block header names ("CA 'mlx5_5'"), else "".
std::string IbstatHeaderHca(const std::string& line);

// node_infiniband_rate_bytes_per_second series (labels: a node label or `instance`, `device` mlx5_N):
// one IbPortRate per series, its median sample in Gb/s (bytes/s x 8 / 1e9).
std::vector<IbPortRate> IbPortRatesFromSeries(const std::vector<TimeSeries>& series);

// The ports below their peers: with at least two peers in all, every peer set present (rail peers:
// the same HCA name on other nodes; node peers: the node's other HCAs) agreeing (kIbPeerSpread) and the
// port at most kSlowIbPortShare of each set's median. A port read twice (two sources) keeps its
// lowest reading. More than two slow ports in the case give none (a fabric-wide speed, not one link).
std::vector<SlowIbPort> FindSlowIbPorts(const std::vector<IbPortRate>& rates);

}  // namespace vigil
