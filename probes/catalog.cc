#include "probes/catalog.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/config.h"

namespace vigil {
namespace {

// Weights are judgement calls from how on-call engineers read these tools (DCGM diag,
// SuperBench rules, nccl-tests); they are data, reviewed like code.
constexpr CategoryEvidence kInventory[] = {
    {"gpu_fallen_off_bus", 0.9, 0.9},   // a GPU missing from the inventory is the classic sign
    {"launch_config_error", 0.3, 0.1},  // driver / CUDA version mismatch shows here
};
constexpr CategoryEvidence kHealth[] = {
    {"gpu_fallen_off_bus", 0.9, 0.8},    {"gpu_memory_uncorrectable_ecc", 0.9, 0.7},
    {"gpu_row_remap_failure", 0.9, 0.8}, {"gpu_firmware_error", 0.4, 0.2},
    {"nvlink_error", 0.7, 0.4},          {"gpu_thermal_throttle", 0.8, 0.6},
    {"gpu_power_throttle", 0.8, 0.6},    {"pcie_link_degraded", 0.8, 0.5},
};
constexpr CategoryEvidence kGemm[] = {
    {"straggler_rank", 0.7, 0.4},     {"gpu_thermal_throttle", 0.6, 0.4},
    {"gpu_power_throttle", 0.6, 0.4}, {"gpu_silent_data_corruption", 0.5, 0.2},
    {"gpu_fallen_off_bus", 0.5, 0.5},
};
constexpr CategoryEvidence kHbm[] = {
    {"straggler_rank", 0.5, 0.3},
    {"gpu_memory_uncorrectable_ecc", 0.3, 0.1},
    {"gpu_row_remap_failure", 0.3, 0.1},
};
constexpr CategoryEvidence kPcie[] = {
    {"pcie_link_degraded", 0.9, 0.7},
    {"dataloader_stall", 0.3, 0.1},
};
constexpr CategoryEvidence kSdc[] = {
    {"gpu_silent_data_corruption", 0.95, 0.5},
    {"loss_divergence", 0.4, 0.1},
};
constexpr CategoryEvidence kKernelLaunch[] = {
    {"gpu_fallen_off_bus", 0.6, 0.5},
    {"gpu_firmware_error", 0.4, 0.2},
    {"straggler_rank", 0.2, 0.1},
};
constexpr CategoryEvidence kNcclCollective[] = {
    {"nvlink_error", 0.7, 0.5},    {"nccl_collective_hang", 0.6, 0.3}, {"nccl_network_misconfig", 0.6, 0.4},
    {"ib_link_failure", 0.5, 0.3}, {"straggler_rank", 0.4, 0.2},
};
constexpr CategoryEvidence kNcclAlltoall[] = {
    {"nvlink_error", 0.6, 0.4},
    {"moe_expert_imbalance", 0.2, 0.1},
    {"nccl_collective_hang", 0.5, 0.3},
    {"ib_link_failure", 0.5, 0.3},
};
constexpr CategoryEvidence kNcclSendrecv[] = {
    {"nvlink_error", 0.6, 0.4},
    {"ib_link_failure", 0.5, 0.3},
    {"nccl_network_misconfig", 0.5, 0.3},
};
constexpr CategoryEvidence kP2pMatrix[] = {
    {"nvlink_error", 0.9, 0.7},
    {"pcie_link_degraded", 0.4, 0.2},
};

// The node's kernel log over the last hour (vigil-probe node.kernel_log): an NVRM Xid, NVLink, AER,
// mlx5/IB or OOM-killer line is the strongest evidence on-call engineers look for, and the
// failure's details name which (details.categories, gravest first: the reasoner confirms the first,
// on the GPU of details.gpus_by_category). A clean log refutes only weakly: the fault may be older
// than the window, or logged nowhere.
constexpr CategoryEvidence kKernelLog[] = {
    {"gpu_fallen_off_bus", 0.9, 0.3},    {"gpu_memory_uncorrectable_ecc", 0.8, 0.3},
    {"gpu_row_remap_failure", 0.7, 0.2}, {"gpu_firmware_error", 0.7, 0.3},
    {"nvlink_error", 0.6, 0.2},          {"ib_link_failure", 0.6, 0.2},
    {"pcie_link_degraded", 0.5, 0.2},    {"host_oom", 0.8, 0.3},
    {"illegal_memory_access", 0.5, 0.1},
};

constexpr ProbeSpec kCatalog[] = {
    {"gpu.inventory",
     "GPU name, UUID, bus id, driver/CUDA versions, memory, clocks, power limit, "
     "persistence and MIG mode, read through NVML and the CUDA runtime",
     0.1, false, ProbeTargetKind::kGpu, kInventory},
    {"gpu.health",
     "NVML health counters: ECC SBE/DBE (volatile, aggregate), retired pages and row "
     "remaps (pending, failed), clock event reasons, temperature, power, PCIe generation/width vs "
     "maximum and replay counter, NVLink state and CRC/replay/recovery counters",
     1.0, false, ProbeTargetKind::kGpu, kHealth},
    {"gpu.gemm",
     "cuBLASLt BF16/FP16/TF32/FP8 matrix-multiply TFLOP/s at saturating sizes against "
     "the model's baseline, with a correctness check against a reference",
     3.0, true, ProbeTargetKind::kGpu, kGemm},
    {"gpu.hbm_bandwidth",
     "device-memory copy and triad bandwidth (TB/s, read+write) against the "
     "model's baseline",
     0.5, true, ProbeTargetKind::kGpu, kHbm},
    {"gpu.pcie_bandwidth",
     "pinned host-to-device and device-to-host copy bandwidth (GB/s) against "
     "the link's generation and width",
     3.0, true, ProbeTargetKind::kGpu, kPcie},
    {"gpu.sdc",
     "the same deterministic GEMM on every local GPU; bit-exact checksum vote, a GPU "
     "that disagrees with the plurality fails",
     1.0, true, ProbeTargetKind::kNode, kSdc, 1, 120.0},
    {"gpu.kernel_launch", "empty-kernel launch latency and launch+sync round trip (us)", 0.5, false,
     ProbeTargetKind::kGpu, kKernelLaunch},
    {"nccl.allreduce",
     "NCCL all-reduce algbw/busbw (nccl-tests formulas) over the local GPUs or "
     "the job's ranks, with the sum checked",
     5.0, true, ProbeTargetKind::kNode, kNcclCollective, 2},
    {"nccl.allgather", "NCCL all-gather algbw/busbw, result checked", 4.0, true, ProbeTargetKind::kNode,
     kNcclCollective, 2},
    {"nccl.reducescatter", "NCCL reduce-scatter algbw/busbw, result checked", 4.0, true,
     ProbeTargetKind::kNode, kNcclCollective, 2},
    {"nccl.alltoall", "NCCL all-to-all (grouped send/recv) algbw/busbw, result checked", 4.0, true,
     ProbeTargetKind::kNode, kNcclAlltoall, 2},
    {"nccl.sendrecv", "NCCL ring send/recv algbw/busbw, result checked", 3.0, true, ProbeTargetKind::kNode,
     kNcclSendrecv, 2},
    {"nccl.p2p_matrix",
     "peer-to-peer copy bandwidth between every ordered pair of local GPUs; a "
     "pair far below the node's median marks a bad link",
     6.0, true, ProbeTargetKind::kNode, kP2pMatrix, 2},
    {"node.kernel_log",
     "the node's kernel log over a window (journalctl -k, else dmesg, else /dev/kmsg; default the "
     "last hour): NVRM Xid lines (GPU by PCI bus id), NVLink errors, PCIe AER, mlx5/IB port events "
     "and OOM kills",
     0.3, false, ProbeTargetKind::kNode, kKernelLog, 0},  // needs no GPU: answers where they are gone
};

constexpr double kFalseAlarm = 0.05;

double Entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p) {
    if (x > 0) h -= x * std::log2(x);
  }
  return h;
}

}  // namespace

std::string_view ProbeTargetKindName(ProbeTargetKind k) {
  switch (k) {
    case ProbeTargetKind::kGpu:
      return "gpu";
    case ProbeTargetKind::kNode:
      return "node";
    case ProbeTargetKind::kJob:
      return "job";
  }
  return "gpu";
}

std::span<const ProbeSpec> ProbeCatalog() { return kCatalog; }

const ProbeSpec* FindProbe(std::string_view name) {
  for (const ProbeSpec& p : kCatalog) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Status CheckProbeNames(std::span<const std::string> names, bool allow_intrusive) {
  if (names.empty()) return InvalidArgumentError("no probe named; `vigil probe list` shows them");
  std::vector<std::string> known;
  for (const ProbeSpec& p : kCatalog) known.emplace_back(p.name);
  for (const std::string& n : names) {
    const ProbeSpec* p = FindProbe(n);
    if (p == nullptr) {
      std::string hint = ClosestMatch(n, known);
      return NotFoundError("unknown probe `" + n + "`" +
                           (hint.empty() ? std::string("") : ", did you mean `" + hint + "`?") +
                           " (`vigil probe list` shows them)");
    }
    if (p->intrusive && !allow_intrusive) {
      return FailedPreconditionError("probe `" + n +
                                     "` disturbs running jobs; pass --allow-intrusive to run it");
    }
  }
  return Status::Ok();
}

double ExpectedInformationGain(const ProbeSpec& probe, const std::map<std::string, double>& beliefs) {
  std::vector<double> prior;
  std::vector<double> p_fail_given;
  double total = 0;
  for (const auto& [cat, p] : beliefs) {
    if (!(p > 0)) continue;
    double s = kFalseAlarm;
    for (const CategoryEvidence& e : probe.evidence) {
      if (e.category == cat) s = kFalseAlarm + (1 - 2 * kFalseAlarm) * e.fail_supports;
    }
    prior.push_back(p);
    p_fail_given.push_back(s);
    total += p;
  }
  if (prior.empty()) return 0;
  if (total < 1) {  // the remainder is "another cause", seen through the false-alarm rate
    prior.push_back(1 - total);
    p_fail_given.push_back(kFalseAlarm);
    total = 1;
  }
  for (double& p : prior) p /= total;
  double p_fail = 0;
  for (size_t i = 0; i < prior.size(); ++i) p_fail += prior[i] * p_fail_given[i];
  std::vector<double> post_fail(prior.size()), post_pass(prior.size());
  for (size_t i = 0; i < prior.size(); ++i) {
    post_fail[i] = p_fail > 0 ? prior[i] * p_fail_given[i] / p_fail : 0;
    post_pass[i] = p_fail < 1 ? prior[i] * (1 - p_fail_given[i]) / (1 - p_fail) : 0;
  }
  double expected_posterior = p_fail * Entropy(post_fail) + (1 - p_fail) * Entropy(post_pass);
  return std::max(0.0, Entropy(prior) - expected_posterior);
}

Json CatalogToJson() {
  Json out = Json::array();
  for (const ProbeSpec& p : kCatalog) {
    Json ev = Json::array();
    for (const CategoryEvidence& e : p.evidence) {
      ev.push_back(
          {{"category", e.category}, {"fail_supports", e.fail_supports}, {"pass_refutes", e.pass_refutes}});
    }
    out.push_back({{"name", p.name},
                   {"measures", p.measures},
                   {"expected_duration_s", p.expected_duration_s},
                   {"intrusive", p.intrusive},
                   {"target_kind", ProbeTargetKindName(p.target_kind)},
                   {"evidence", ev}});
  }
  return out;
}

Status ValidateCatalogAgainstTaxonomy(const Json& taxonomy) {
  if (!taxonomy.is_object() || !taxonomy.contains("categories") || !taxonomy["categories"].is_array()) {
    return InvalidArgumentError("taxonomy: expected an object with a `categories` array");
  }
  std::set<std::string, std::less<>> ids;
  for (const Json& c : taxonomy["categories"]) {
    if (c.is_object() && c.contains("id") && c["id"].is_string()) ids.insert(c["id"].get<std::string>());
  }
  for (const ProbeSpec& p : kCatalog) {
    for (const CategoryEvidence& e : p.evidence) {
      if (!ids.contains(e.category)) {
        return InvalidArgumentError("probe catalog: " + std::string(p.name) +
                                    " names unknown taxonomy category `" + std::string(e.category) + "`");
      }
      if (e.fail_supports < 0 || e.fail_supports > 1 || e.pass_refutes < 0 || e.pass_refutes > 1) {
        return InvalidArgumentError("probe catalog: " + std::string(p.name) + " weight for `" +
                                    std::string(e.category) + "` outside [0, 1]");
      }
    }
  }
  return Status::Ok();
}

}  // namespace vigil
