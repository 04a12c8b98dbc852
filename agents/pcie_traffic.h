// A GPU moving far less over PCIe than the other GPUs of its node (PLC35, realistic35 rl35-08: an
// L40S whose link trained at Gen3 x4 received a steady 3 GB/s while its neighbour received 15 GB/s
// of the same work, seen in DCGM's DCGM_FI_PROF_PCIE_RX_BYTES and in no log line). A steady rate far
// below peers doing the same work is a ceiling: the link is narrow or slow, what gpu.pcie_bandwidth
// measures. Pure function, thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// At most this share of the peers' median rate.
constexpr double kLowPcieShare = 0.5;
// Every peer within this factor of the peers' median (the others agree: one GPU is the odd one).
constexpr double kPciePeerSpread = 1.33;

struct LowPcieGpu {
  std::string node;     // the series' node (NodeOf)
  int gpu = -1;         // its GPU (GpuOf)
  std::string metric;   // DCGM_FI_PROF_PCIE_RX_BYTES or DCGM_FI_PROF_PCIE_TX_BYTES
  double rate = 0;      // the GPU's median sample (bytes/s)
  double peers = 0;     // the median of its node peers' medians
  int64_t time_ms = 0;  // the GPU series' first sample
};

// Per metric (RX first, then TX) and node: the one GPU whose median sample is at most kLowPcieShare
// of the median of its peers' medians (at least one peer, that median > 0, every peer within
// kPciePeerSpread of it). A node with two such GPUs, or whose peers disagree, gives none; each GPU
// once. Series with no node or GPU label, or no finite sample, are not read.
std::vector<LowPcieGpu> FindLowPcieTrafficGpus(const std::vector<TimeSeries>& series);

}  // namespace vigil
