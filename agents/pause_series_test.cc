// PLC16: the sender of a PFC pause storm read from node_exporter's ethtool series compared across hosts.
#include "agents/pause_series.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

// A counter sampled every 30 s: flat at `base` for `flat` samples, then rising by `step` a sample.
TimeSeries Counter(const std::string& name, const std::string& instance, double base, int flat, double step,
                   const std::string& device = "ens12np0") {
  TimeSeries s;
  s.name = name;
  s.labels = {{"instance", instance}, {"job", "node-exporter"}, {"device", device}};
  for (int i = 0; i < 20; ++i) {
    s.timestamps_ms.push_back(1'800'000'000'000 + i * 30'000);
    s.values.push_back(base + (i < flat ? 0 : (i - flat + 1) * step));
  }
  return s;
}

std::vector<TimeSeries> Storm(const std::string& tx_name, const std::string& rx_name) {
  return {Counter(tx_name, "rg-07:9100", 500, 8, 2.0e6, "ens7np0"), Counter(rx_name, "rg-07:9100", 30, 20, 0, "ens7np0"),
          Counter(tx_name, "rg-02:9100", 900, 20, 0), Counter(rx_name, "rg-02:9100", 100, 8, 1.9e6),
          Counter(tx_name, "rg-03:9100", 700, 20, 0), Counter(rx_name, "rg-03:9100", 80, 9, 1.7e6)};
}

TEST_CASE("FindPauseSenderSeries: the host that sends pause while its peers receive it (PLC16)") {
  auto s = FindPauseSenderSeries(Storm("node_ethtool_tx_prio3_pause", "node_ethtool_rx_prio3_pause"));
  REQUIRE(s);
  CHECK(s->node == "rg-07");
  CHECK(s->device == "ens7np0");
  CHECK(s->tx_rise == doctest::Approx(12 * 2.0e6));
  CHECK(s->peers_rx_rise > 0);
  CHECK(s->onset_ms == 1'800'000'000'000 + 7 * 30'000);
  // Twins: global pause counters (mlx5's pause_ctrl_phy), the Prometheus name with no priority.
  s = FindPauseSenderSeries(Storm("node_ethtool_tx_pause_ctrl_phy", "node_ethtool_rx_pause_ctrl_phy"));
  REQUIRE(s);
  CHECK(s->node == "rg-07");
  s = FindPauseSenderSeries(Storm("node_ethtool_tx_pause", "node_ethtool_rx_pause"));
  REQUIRE(s);
  CHECK(s->node == "rg-07");
}

TEST_CASE("FindPauseSenderSeries: near misses") {
  // Every host sends alike (a congested fabric, not one NIC).
  std::vector<TimeSeries> alike = {Counter("node_ethtool_tx_prio3_pause", "rg-07:9100", 0, 5, 1.0e6),
                                   Counter("node_ethtool_tx_prio3_pause", "rg-02:9100", 0, 5, 0.8e6),
                                   Counter("node_ethtool_rx_prio3_pause", "rg-03:9100", 0, 5, 1.0e6)};
  CHECK_FALSE(FindPauseSenderSeries(alike));
  // No peer receives: the sender's counter alone says nothing of its peers.
  CHECK_FALSE(FindPauseSenderSeries({Counter("node_ethtool_tx_prio3_pause", "rg-07:9100", 0, 5, 1.0e6),
                                     Counter("node_ethtool_rx_prio3_pause", "rg-02:9100", 10, 20, 0)}));
  // A victim: the host receives more than it sends.
  CHECK_FALSE(FindPauseSenderSeries({Counter("node_ethtool_tx_prio3_pause", "rg-07:9100", 0, 5, 1.0e4),
                                     Counter("node_ethtool_rx_prio3_pause", "rg-07:9100", 0, 5, 5.0e6),
                                     Counter("node_ethtool_rx_prio3_pause", "rg-02:9100", 0, 5, 1.0e4)}));
  // Durations and storm events are no frame counts; a few frames are ordinary flow control.
  CHECK_FALSE(FindPauseSenderSeries({Counter("node_ethtool_tx_prio3_pause_duration", "rg-07:9100", 0, 5, 1.0e6),
                                     Counter("node_ethtool_rx_prio3_pause_duration", "rg-02:9100", 0, 5, 1.0e6)}));
  CHECK_FALSE(FindPauseSenderSeries({Counter("node_ethtool_tx_prio3_pause", "rg-07:9100", 0, 15, 100),
                                     Counter("node_ethtool_rx_prio3_pause", "rg-02:9100", 0, 15, 100)}));
}

}  // namespace
}  // namespace vigil
