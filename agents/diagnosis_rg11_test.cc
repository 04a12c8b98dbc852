// Tests of RG11's rules (2026-12-03), the reasoner's gaps in reading logs and planning probes: a
// fault said to be absent votes for nothing; a slow rank named by a line (or singled out by a
// per-rank table of times) gets its GPU's straggler tests in the first wave; an Xid line's GPU from
// the driver's "NVRM: GPU at PCI:..." line above it; a RoCE netdev's HCA from a responder's note; a
// year-less Feb 29 is not rolled over to Mar 1; a network router's line is no MoE evidence. The
// cases are written for the tests (node names n-01 ...), not copied from the sets. They run the
// shipped knowledge pack (data/knowledge/) through GatherKnowledge and the built-in reasoner, as
// `vigil diagnose` does.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/line_facts.h"
#include "agents/log_time.h"
#include "agents/pci_bus.h"
#include "agents/zero_counter.h"
#include "core/time_util.h"

namespace vigil {
namespace {

Json Parse(const char* text) { return testing::ParseCaseText(text); }

// As `vigil diagnose --case` runs a case: its recorded probes replayed, intrusive ones too.
Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j, /*intrusive=*/true); }

// What the shipped pack knows of the case, as GatherKnowledge gives it to the reasoner.
KnowledgeFacts Gather(const Json& j) {
  auto c = ParseCase(j, "test case");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  auto f = GatherKnowledge(testing::ShippedPack(), *c);
  REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  return *std::move(f);
}

bool Supports(const Evidence& e, const std::string& category) {
  return std::find(e.supports.begin(), e.supports.end(), category) != e.supports.end();
}

// ---- 1. A fault said to be absent --------------------------------------------------------------

TEST_CASE("rg11: a negated finding is removed, a real error line that holds 'no' is not") {
  // The flight recorder's and NCCL's wordings, and the general shapes: no / zero / 0 / without /
  // did not find / found no before the fault, "not detected" / "absent" after it.
  CHECK(RemoveFaultsSaidAbsent("Mismatch analysis: no collective type/size mismatch detected").find("mismatch detected") ==
        std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("fr_trace: did not find any desync between ranks").find("desync") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("sdc-check: found no checksum mismatches on 64 replicas").find("mismatch") ==
        std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("checksum mismatch not found across 16 replicas").find("mismatch") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("step 900 finished without errors").find("error") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("nccl-tests: 0 errors, # Out of bounds values : 0 OK").find("errors") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("no hang detected on any rank").find("hang") == std::string::npos);
  // Real error lines that contain "no" or "0" keep their fault.
  for (const char* line : {"NCCL WARN Connect to 10.0.0.2<43521> failed : No route to host",
                           "RuntimeError: CUDA error: no CUDA-capable device is detected",
                           "NET/IB : No device found.", "OSError: [Errno 28] No space left on device",
                           "GPU 0 ECC error: uncorrectable DBE", "rank 0 timeout after 600 s",
                           "cuda:0 error: an illegal memory access was encountered",
                           "NVLink: Failure - Detected more than 0 replay errors per second on link 3 for GPU 2",
                           "terminate called without an active exception",
                           "no response from peer 10.0.0.7, timeout after 30 s"}) {
    CHECK_MESSAGE(RemoveFaultsSaidAbsent(line) == line, line);
  }
}

// The flight recorder's analysis says no collective mismatch and the checksum checker no mismatch;
// nothing else in the case is a fault.
constexpr const char* kSaidAbsent = R"JSON({
  "id": "rg11-absent",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "ops/fr_trace", "lines": [
      "Collective 5120 ALLREDUCE (pg 0, size 16): started on 16 ranks, completed on 16 ranks",
      "Mismatch analysis: no collective type/size mismatch detected",
      "checksum mismatch not found across 16 replicas",
      "fr_trace: did not find any desync between ranks"
    ]}
  ]
})JSON";

TEST_CASE("rg11: a fault said to be absent matches no signature and recalls no incident") {
  const Json j = Parse(kSaidAbsent);
  const KnowledgeFacts f = Gather(j);
  // main matched "checksum mismatch not found" with the SDC checker's signature (+3: the answer
  // was gpu_silent_data_corruption at 0.44).
  CHECK(f.log_matches.empty());
  CHECK(f.line_recalls.empty());
  const Diagnosis d = Run(j);
  CHECK(d.root_cause == "unknown");
  for (const Evidence& e : d.evidence) {
    CHECK_MESSAGE(!(Supports(e, "gpu_silent_data_corruption") || Supports(e, "nccl_collective_hang")), e.detail);
  }
}

// A real fault line holding "no" still matches its signature.
TEST_CASE("rg11: 'No route to host' still matches the connect-failure signature") {
  const Json j = Parse(R"JSON({
    "id": "rg11-route",
    "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
    "logs": [{"source": "n-01/rank0", "lines": [
      "n-01:4411:4502 [0] NCCL WARN Connect to 10.0.0.2<43521> failed : No route to host"]}]
  })JSON");
  CHECK_FALSE(Gather(j).log_matches.empty());
}

// ---- 2. The named slow rank's tests in the first wave --------------------------------------------

// The first round's steps depend on nothing; a later round's on the rounds before.
bool FirstWave(const Diagnosis& d, const std::string& target) {
  for (const VerificationStep& s : d.steps) {
    if (s.target == target) return s.depends_on.empty();
  }
  return false;
}

// Megatron's StragglerDetector names rank 30 (n-03, local 6); its GPU's GEMM and HBM tests both fail,
// its health counters pass (a slow GPU whose counters look fine).
constexpr const char* kNamedSlowRank = R"JSON({
  "id": "rg11-slow-named",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingStepTimeRegression", "severity": "warning", "job": "trainer"},
            "annotations": {"summary": "step time up 30% over its 24h baseline"}, "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-00", "n-01", "n-02", "n-03"], "gpus_per_node": 8,
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "job-9/straggler.log", "lines": [
      "[2026-05-02 10:10:00] StragglerDetector: rank 30 (n-03, local 6): 0.74; next lowest rank 9: 0.97; median 0.99",
      "[2026-05-02 10:12:00] iteration 1240 | elapsed time per iteration (ms): 1420.5"]}],
  "probes": {
    "gpu.gemm@n-03/gpu6": {"status": "fail", "reason": "tflops 548.0 below 620.0", "metrics": {"tflops": 548.0},
                           "thresholds": {"tflops_min": 620.0}, "duration_s": 7.7},
    "gpu.hbm_bandwidth@n-03/gpu6": {"status": "fail", "reason": "bandwidth_gb_s 2280 below 2600.0",
                                    "metrics": {"bandwidth_gb_s": 2280}, "thresholds": {"bandwidth_gb_s_min": 2600.0}, "duration_s": 2.4},
    "gpu.health@n-03/gpu6": {"status": "pass", "reason": "all health counters within thresholds", "duration_s": 2.0}
  }
})JSON";

TEST_CASE("rg11: the GPU a line names as slow gets its straggler test in the first wave") {
  const Diagnosis d = Run(Parse(kNamedSlowRank));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "n-03/gpu6");
  // main ran the HBM test in the second round, after the health sweep (planned 4.4 s).
  CHECK(FirstWave(d, "gpu.hbm_bandwidth@n-03/gpu6"));
  CHECK(d.planned_s < 4.0);
  // One intrusive test a GPU a wave still: the GEMM is not run beside it in the first wave.
  CHECK_FALSE(FirstWave(d, "gpu.gemm@n-03/gpu6"));
}

TEST_CASE("rg11: a per-rank table of step times singles out its slow rank") {
  std::vector<std::string> lines;
  for (int step = 1200; step < 1203; ++step) {
    for (int r = 0; r < 8; ++r) {
      const double ms = r == 5 ? 1890.0 + step % 3 : 1400.0 + 7 * r;
      lines.push_back("[MegaScale] step " + std::to_string(step) + " rank " + std::to_string(r) + " fwd_bwd " +
                      std::to_string(ms) + " ms");
    }
  }
  auto o = FindRankTimeOutlier(lines);
  REQUIRE(o.has_value());
  CHECK(o->rank == 5);
  CHECK(o->ranks == 8);
  CHECK(o->seconds > 1.8);
  CHECK(o->peers_seconds < 1.5);
  // Every rank alike, or two slow ranks: no one singled out.
  std::vector<std::string> even, two;
  for (int r = 0; r < 8; ++r) {
    even.push_back("rank " + std::to_string(r) + ": step time " + std::to_string(1.40 + 0.01 * r) + " s");
    two.push_back("rank " + std::to_string(r) + ": step time " + std::to_string(r == 2 || r == 5 ? 1.9 : 1.4) + " s");
  }
  CHECK_FALSE(FindRankTimeOutlier(even).has_value());
  CHECK_FALSE(FindRankTimeOutlier(two).has_value());
  // A table of three ranks is too small to call one of them slow.
  CHECK_FALSE(FindRankTimeOutlier({"rank 0 step_time=1.4s", "rank 1 step_time=1.4s", "rank 2 step_time=2.1s"}).has_value());
}

// MegaScale-style per-rank step times, rank 5 (n-01, GPU 1 with 4 GPUs a node) the outlier; no line
// says "straggler".
std::string TableCase() {
  std::string lines;
  for (int step = 1200; step < 1203; ++step) {
    for (int r = 0; r < 8; ++r) {
      const int ms = r == 5 ? 1890 + step % 3 : 1400 + 7 * r;
      if (!lines.empty()) lines += ",\n";
      lines += "\"[2026-05-02 10:1" + std::to_string(step - 1200) + ":00] [MegaScale] step " + std::to_string(step) +
               " rank " + std::to_string(r) + " fwd_bwd " + std::to_string(ms) + " ms\"";
    }
  }
  return R"JSON({
  "id": "rg11-table",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingStepTimeRegression", "severity": "warning", "job": "trainer"},
            "annotations": {"summary": "step time up 30% over its 24h baseline"}, "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-00", "n-01"], "gpus_per_node": 4, "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
  "logs": [{"source": "job-9/megascale.log", "lines": [)JSON" +
         lines + R"JSON(]}],
  "probes": {
    "gpu.hbm_bandwidth@n-01/gpu1": {"status": "fail", "reason": "bandwidth_gb_s 2280 below 2600.0",
                                    "metrics": {"bandwidth_gb_s": 2280}, "thresholds": {"bandwidth_gb_s_min": 2600.0}, "duration_s": 2.4}
  }
})JSON";
}

TEST_CASE("rg11: the slow rank of a per-rank table is the straggler, its GPU tested in the first wave") {
  const Diagnosis d = Run(Parse(TableCase().c_str()));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "n-01/gpu1");
  CHECK(FirstWave(d, "gpu.hbm_bandwidth@n-01/gpu1"));
}

// ---- 3. The Xid line's GPU from the driver's "NVRM: GPU at PCI:..." line ---------------------------

CaseLog Log(const std::string& source, const std::vector<std::string>& lines) {
  CaseLog log;
  log.source = source;
  for (size_t i = 0; i < lines.size(); ++i) log.lines.push_back({i + 1, lines[i]});
  return log;
}

TEST_CASE("rg11: an NVRM line with no bus id of its own takes the one of 'NVRM: GPU at PCI:' above it") {
  const CaseLog log = Log("n-02/dmesg", {
      "[2562110.480001] NVRM: GPU at PCI:0000:3b:00: GPU-5b1f0c2e-7d55-9b1a-3c4d-1e2f3a4b5c6d",
      "[2562110.480002] NVRM: GPU Board Serial Number: 1652123456789",
      "[2562110.480003] NVRM: Xid 79, pid=61220, name=python, GPU has fallen off the bus.",
      "[2562110.480004] NVRM: Xid (PCI:0000:5d:00): 13, Graphics Exception",
      "[2562110.480005] NVRM: Xid 13, pid=61220, name=python, Graphics SM Warp Exception",
  });
  CHECK(NvrmBusIdAbove(log, 2) == "0000:3b:00");
  CHECK(NvrmBusIdAbove(log, 1) == "0000:3b:00");
  CHECK(NvrmBusIdAbove(log, 0) == "");  // the header itself names its bus id
  CHECK(NvrmBusIdAbove(log, 3) == "");  // a line with its own bus id
  CHECK(NvrmBusIdAbove(log, 4) == "");  // another GPU's line stands between
  // A syslog time of day is no bus id.
  const CaseLog journal = Log("n-02/journal", {"Feb 22 19:52:13 n-02 kernel: NVRM: GPU at PCI:0000:3b:00: GPU-5b1f",
                                                "Feb 22 19:52:13 n-02 kernel: NVRM: Xid 79, GPU has fallen off the bus."});
  CHECK(NvrmBusIdAbove(journal, 1) == "0000:3b:00");
}

TEST_CASE("rg11: nvidia-smi's table and --query-gpu rows pair bus ids with GPU indices") {
  const CaseLog query = Log("n-02/smi", {"$ nvidia-smi --query-gpu=index,name,pci.bus_id --format=csv,noheader",
                                         "0, NVIDIA H100 80GB HBM3, 00000000:18:00.0",
                                         "2, NVIDIA H100 80GB HBM3, 00000000:3B:00.0"});
  auto q = SmiBusIndices(query);
  CHECK(q.size() == 2);
  CHECK(q[PciKey("0000:3b:00")] == 2);
  CHECK(q[PciKey("0000:18:00")] == 0);
  const CaseLog header = Log("n-02/smi", {"pci.bus_id, index", "00000000:3B:00.0, 6"});
  CHECK(SmiBusIndices(header)[PciKey("0000:3b:00")] == 6);
  const CaseLog table = Log("n-02/smi", {
      "| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |",
      "|   5  NVIDIA H100 80GB HBM3          On  |   00000000:3B:00.0 Off |                    0 |"});
  CHECK(SmiBusIndices(table)[PciKey("0000:3b:00")] == 5);
  // Rows of another query (no index column) pair nothing.
  CHECK(SmiBusIndices(Log("n-02/smi", {"pci.bus_id, temperature.gpu", "00000000:3B:00.0, 61"})).empty());
}

std::string NvrmCase(const std::string& extra_log) {
  return R"JSON({
  "id": "rg11-nvrm",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-02/dmesg", "lines": [
      "[2562110.480001] NVRM: GPU at PCI:0000:3b:00: GPU-5b1f0c2e-7d55-9b1a-3c4d-1e2f3a4b5c6d",
      "[2562110.480002] NVRM: GPU Board Serial Number: 1652123456789",
      "[2562110.480003] NVRM: Xid 79, pid=61220, name=python, GPU has fallen off the bus."
    ]})JSON" + extra_log + R"JSON(
  ]
})JSON";
}

TEST_CASE("rg11: an Xid line's GPU from the NVRM header above, mapped by nvidia-smi's rows") {
  const Diagnosis d = Run(Parse(NvrmCase(R"JSON(,
    {"source": "n-02/nvidia-smi", "lines": [
      "$ nvidia-smi --query-gpu=index,name,pci.bus_id --format=csv,noheader",
      "0, NVIDIA H100 80GB HBM3, 00000000:18:00.0",
      "2, NVIDIA H100 80GB HBM3, 00000000:3B:00.0"]})JSON").c_str()));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-02/gpu2");  // main: n-02
}

TEST_CASE("rg11: with no map of bus ids to indices the Xid's bus id is named, not a guessed GPU") {
  const Diagnosis d = Run(Parse(NvrmCase("").c_str()));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-02");
  bool named = false;
  for (const Evidence& e : d.evidence) named = named || e.detail.find("PCI:0000:3b:00") != std::string::npos;
  CHECK(named);
}

// ---- 4. A RoCE netdev's HCA from the mapping the case gives ----------------------------------------

// The RoCE netdev flaps on n-03; the responder's ethtool command notes its HCA.
constexpr const char* kRoceNoted = R"JSON({
  "id": "rg11-roce",
  "topology": {"nodes": ["n-01", "n-02", "n-03"], "gpus_per_node": 8},
  "logs": [
    {"source": "job/nccl", "lines": [
      "n-01:795:835 [1] NCCL WARN NET/IB: Got completion from peer 192.168.12.33<56110> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RDMA_WRITE(1) vendor_err=129 hca mlx5_1"
    ]},
    {"source": "n-03/journal", "lines": [
      "Feb 22 19:52:13 n-03 kernel: mlx5_core 0000:1f:00.0 enp31s0np0: Link down",
      "Feb 22 19:52:19 n-03 kernel: mlx5_core 0000:1f:00.0 enp31s0np0: Link up",
      "Feb 22 19:55:33 n-03 kernel: mlx5_core 0000:1f:00.0 enp31s0np0: Link down"
    ]},
    {"source": "n-03/ethtool", "lines": [
      "$ ethtool -S enp31s0np0 | grep -E 'link_down|crc'   # mlx5_3, 192.168.12.33",
      "     rx_crc_errors_phy: 88214",
      "     link_down_events_phy: 7"
    ]}
  ]
})JSON";

TEST_CASE("rg11: a RoCE netdev resolves to the HCA a responder's note ties it to") {
  const Diagnosis d = Run(Parse(kRoceNoted));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "n-03/mlx5_3");  // main: n-03/enp31s0np0
}

// ---- 5. Feb 29 -------------------------------------------------------------------------------------

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
int64_t At(const char* rfc3339) { return ParseRfc3339Ms(rfc3339).value(); }

TEST_CASE("rg11: a year-less Feb 29 is not rolled over to Mar 1") {
  LogClock alert2026;
  alert2026.year = 2026;
  alert2026.anchor_ms = At("2026-03-01T02:00:00Z");
  // main read both as 2026-03-01 (ParseRfc3339Ms rolled Feb 29 over).
  CHECK(ParseLineTime("Feb 29 23:10:00 n-01 kernel: NVRM: Xid 79", alert2026).ms == kNone);
  CHECK(ParseLineTime("[rank3]:[E0229 23:10:00.123 ProcessGroupNCCL.cpp:616] x", alert2026).ms == kNone);
  CHECK(ParseLineTime("Feb 28 23:10:00 n-01 kernel: x", alert2026).ms == At("2026-02-28T23:10:00Z"));
  // An alert in a leap year: its Feb 29.
  LogClock alert2028 = alert2026;
  alert2028.year = 2028;
  alert2028.anchor_ms = At("2028-03-01T02:00:00Z");
  CHECK(ParseLineTime("Feb 29 23:10:00 n-01 kernel: x", alert2028).ms == At("2028-02-29T23:10:00Z"));
  // No alert: the leap year beside the case's earliest dated time, when within half a year of it.
  LogClock dated;
  dated.year = 2027;
  dated.reference_ms = At("2027-12-30T10:00:00Z");
  CHECK(ParseLineTime("Feb 29 23:10:00 n-01 kernel: x", dated).ms == At("2028-02-29T23:10:00Z"));
  dated.reference_ms = At("2027-06-01T10:00:00Z");
  CHECK(ParseLineTime("Feb 29 23:10:00 n-01 kernel: x", dated).ms == kNone);
  // Nothing dated (1970): no time.
  CHECK(ParseLineTime("Feb 29 23:10:00 n-01 kernel: x", LogClock{}).ms == kNone);
  // A dated line on a day its year does not have: no time.
  CHECK(ParseLineTime("2026-02-29T10:00:00Z error", alert2026).ms == kNone);
  CHECK(ParseLineTime("[Sun Feb 29 10:00:00 2026] NVRM: Xid 79", alert2026).ms == kNone);
}

// ---- 6. "router": MoE or network -------------------------------------------------------------------

constexpr const char* kNetworkRouter = R"JSON({
  "id": "rg11-router",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingThroughputLow", "severity": "warning", "job": "trainer"},
            "annotations": {"summary": "tokens/s of the run down 25% over its 24h baseline"}, "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "netops/leaf-router-07", "lines": [
      "2026-05-02T10:05:11Z leaf-router-07 %QOS-4-DROPS: router egress queue 3 on Ethernet1/12: 1843221 packets dropped, load balancing hash polarized",
      "2026-05-02T10:09:40Z leaf-router-07 %QOS-4-DROPS: router egress queue 3 on Ethernet1/12: 2210934 packets dropped, load balancing hash polarized"
    ]}
  ]
})JSON";

TEST_CASE("rg11: a network router's drop line is no MoE evidence") {
  const Diagnosis d = Run(Parse(kNetworkRouter));
  // main: moe_expert_imbalance (0.29) from the line read like the MoE token-drop incident.
  CHECK(d.root_cause != "moe_expert_imbalance");
  for (const Evidence& e : d.evidence) {
    CHECK_MESSAGE(!(Supports(e, "moe_expert_imbalance") && e.detail.find("leaf-router-07") != std::string::npos), e.detail);
  }
}

TEST_CASE("rg11: an MoE router's statistics still are") {
  const Diagnosis d = Run(Parse(R"JSON({
  "id": "rg11-moe",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingThroughputLow", "severity": "warning", "job": "trainer"},
            "annotations": {"summary": "tokens/s of the run down 25% over its 24h baseline"}, "startsAt": "2026-05-02T10:20:00Z"},
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [{"source": "job/train.log", "lines": [
    "2026-05-02 10:05:11 step 8100 | router z-loss 3.1e+01 | expert load imbalance 6.2x mean | tokens dropped 21.4%",
    "2026-05-02 10:09:40 step 8200 | router z-loss 4.7e+01 | expert load imbalance 7.9x mean | tokens dropped 26.0%"]}]
})JSON"));
  CHECK(d.root_cause == "moe_expert_imbalance");
}

}  // namespace
}  // namespace vigil
