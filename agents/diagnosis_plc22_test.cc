// PLC22 (2026-12-05): what the blind set realistic29 showed (now SEEN, not blind). Three general rules
// of builtin_reasoner.cc, each with cases written here as other stacks print the same failure
// (nodes pz-NN, no case text of the set):
// - FindSpinEpisodes: one GPU idle beside node peers spinning at 100 % earlier in the series (the
//   job's abort, every GPU at 0 %, after it): the later loss of utilisation is the hang's, not an
//   input stall's;
// - LeadingDateEndMs: an ops note dated with no time of day, weeks before the alert, does not lead
//   its category over the alerted GPU's own lines;
// - a failed node probe whose reason names one GPU as "GPU N" / "GPU #N" places the finding there.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/date_only_line.h"
#include "agents/spin_episode.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

enum class Util { kSpinThenAbort, kLoaderStall, kIdleFromStart, kTwoNodesSpin };

// Two nodes of 8 GPUs, DCGM_FI_DEV_GPU_UTIL every 30 s for 20 min from 2026-11-30 00:53:20 UTC.
Json UtilMetrics(Util shape) {
  const int64_t t0 = 1796000000000;
  Json metrics = Json::array();
  for (const char* node : {"pz-81", "pz-82"}) {
    for (int g = 0; g < 8; ++g) {
      const bool odd = g == 2 && (std::string(node) == "pz-81" || shape == Util::kTwoNodesSpin);
      Json samples = Json::array();
      for (int i = 0; i < 40; ++i) {
        double v = 0;
        switch (shape) {
          case Util::kSpinThenAbort:
          case Util::kTwoNodesSpin:
            v = i < 3 ? 96 : odd ? 0 : i < 21 ? 100 : 0;
            break;
          case Util::kLoaderStall:  // every GPU starved together, training goes on slowly
            v = i < 3 ? 96 : 18 + (i % 4) * 2;
            break;
          case Util::kIdleFromStart:  // a GPU given no work at all
            v = odd ? 0 : i < 21 ? 100 : 0;
            break;
        }
        samples.push_back(Json::array({t0 + 30000LL * i, v}));
      }
      metrics.push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"},
                         {"labels", {{"Hostname", node}, {"gpu", std::to_string(g)}, {"job", "dcgm-exporter"},
                                     {"instance", std::string(node) + ":9400"}}},
                         {"samples", std::move(samples)}});
    }
  }
  return metrics;
}

// A torchtitan job whose rank on pz-81 GPU 2 never joined an all-reduce: the peers' watchdog
// timeouts, torchrun's abort; or (loader) slow steps and no timeout.
Json TitanCase(Util shape) {
  const bool hang = shape != Util::kLoaderStall;
  Json j = testing::ParseCaseText(R"JSON({
    "id": "plc22-titan",
    "alert": {"status": "firing", "labels": {"alertname": "TrainingNoProgress", "job": "titan-70b"},
              "annotations": {"summary": "titan-70b: no step logged for 10 minutes"},
              "startsAt": "2026-11-30T01:14:00Z"},
    "probes": {},
    "topology": {"nodes": ["pz-81", "pz-82"], "gpus_per_node": 8}
  })JSON");
  std::vector<std::string> lines = {
      "[titan] 2026-11-30 00:52:40,101 - root - INFO - step: 18200  loss:  2.1042  memory: 61.20GiB(77.35%)  tps: 3,102  mfu: 41.22%"};
  if (hang) {
    lines.push_back("[rank5]:[E1130 01:04:02.512000 8812 torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught "
                    "collective operation timeout: WorkNCCL(SeqNum=88121, OpType=ALLREDUCE, NumelIn=2097152, NumelOut=2097152, "
                    "Timeout(ms)=600000) ran for 600011 milliseconds before timing out.");
    lines.push_back("[rank12]:[E1130 01:04:02.630000 9120 torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632] [Rank 12] Watchdog caught "
                    "collective operation timeout: WorkNCCL(SeqNum=88121, OpType=ALLREDUCE, NumelIn=2097152, NumelOut=2097152, "
                    "Timeout(ms)=600000) ran for 600014 milliseconds before timing out.");
    lines.push_back("E1130 01:04:40.004000 8700 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: 0 "
                    "(pid: 8810) of binary: /usr/bin/python3");
  } else {
    j["alert"]["labels"]["alertname"] = "TrainingThroughputLow";
    j["alert"]["annotations"]["summary"] = "titan-70b: tokens/s below 50% of its 1 h median";
    lines.push_back("[titan] 2026-11-30 01:05:10,214 - root - INFO - step: 18230  loss:  2.1031  memory: 61.20GiB(77.35%)  tps: 702  mfu: 9.10%");
  }
  j["logs"] = Json::array({{{"source", "pz-81/torchtitan-4411.log"}, {"lines", lines}}});
  j["metrics"] = UtilMetrics(shape);
  return j;
}

std::vector<SpinEpisode> SpinsOf(Util shape) {
  auto c = ParseCase(TitanCase(shape), "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return FindSpinEpisodes(c->metrics);
}

}  // namespace

TEST_CASE("plc22: FindSpinEpisodes finds one GPU idle beside spinning peers before the job's abort") {
  const std::vector<SpinEpisode> spins = SpinsOf(Util::kSpinThenAbort);
  REQUIRE(spins.size() == 1);
  CHECK(spins[0].node == "pz-81");
  CHECK(spins[0].gpu == 2);
  CHECK(spins[0].onset_ms == 1796000000000 + 3 * 30000);
  // The series' last third alone (every GPU at 0 % after the abort) shows no odd one out.
  auto c = ParseCase(TitanCase(Util::kSpinThenAbort), "t.json");
  REQUIRE(c.ok());
  CHECK(FindUtilOddOneOut(c->metrics).empty());
}

TEST_CASE("plc22: FindSpinEpisodes near misses: a loader stall, a GPU idle from the start, two nodes") {
  CHECK(SpinsOf(Util::kLoaderStall).empty());    // every GPU starved together
  CHECK(SpinsOf(Util::kIdleFromStart).empty());  // never busy: no work given, not a hang
  CHECK(SpinsOf(Util::kTwoNodesSpin).empty());   // more than one GPU of the case: not one participant
}

TEST_CASE("plc22: utilisation lost after a spin episode is the hang's, not a dataloader stall") {
  // Before: dataloader_stall on the job at 0.92 from every GPU's `GPU_UTIL < 60` after the abort.
  const Diagnosis d = testing::RunJsonWithPack(TitanCase(Util::kSpinThenAbort));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.root_cause != "dataloader_stall");
}

TEST_CASE("plc22: a loader stall that starves every GPU together stays dataloader_stall") {
  const Diagnosis d = testing::RunJsonWithPack(TitanCase(Util::kLoaderStall));
  CHECK(d.root_cause == "dataloader_stall");
}

TEST_CASE("plc22: LeadingDateEndMs reads a bare leading date as the end of its day in any zone") {
  // 2026-11-12 00:00 UTC = 1794441600000; + 24 h + 14 h.
  const int64_t end = 1794441600000 + 38LL * 3600'000;
  CHECK(LeadingDateEndMs("2026-11-12 RMA-43907 node gpu2 replaced") == end);
  CHECK(LeadingDateEndMs("  2026-11-12: ticket closed") == end);
  CHECK(LeadingDateEndMs("2026-11-12") == end);
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  CHECK(LeadingDateEndMs("2026-11-12T08:41:17 node kernel: NVRM: Xid 48") == kNone);  // a time of day: ParseLineTime's
  CHECK(LeadingDateEndMs("2026-11-12 08:41:17 node kernel: NVRM: Xid 48") == kNone);
  CHECK(LeadingDateEndMs("2026-02-30 impossible") == kNone);
  CHECK(LeadingDateEndMs("2026-13-01 impossible") == kNone);
  CHECK(LeadingDateEndMs("ticket 2026-11-12 closed") == kNone);   // not leading
  CHECK(LeadingDateEndMs("2026-11-12x note") == kNone);
  CHECK(LeadingDateEndMs("20261112 note") == kNone);
}

namespace {
// pz-71 GPU 3's uncorrectable error now (Xid 94 + 63, the rank's CUDA error) beside a fleet ticket
// note of another node's Xid 48 replaced weeks ago (its date with no time of day, then the kernel
// line it quoted).
std::string EccWithTicket(const std::string& date) {
  std::string text = R"JSON({
    "id": "plc22-ecc-ticket",
    "alert": {"status": "firing", "labels": {"alertname": "GpuXid", "Hostname": "pz-71", "gpu": "3", "severity": "critical"},
              "annotations": {"summary": "pz-71 GPU 3 reported an uncorrectable memory error"}, "startsAt": "2026-11-30T04:20:00Z"},
    "logs": [
      {"source": "pz-71/dmesg", "lines": [
        "[Mon Nov 30 04:18:31 2026] NVRM: Xid (PCI:0000:5d:00): 94, pid=55120, name=python3, Contained: SM (0x1). RST: No, D-RST: No",
        "[Mon Nov 30 04:18:31 2026] NVRM: Xid (PCI:0000:5d:00): 63, pid=55120, name=python3, Row Remapper: New row (0x0000000000a1b230) Marked for Remapping, reset gpu to activate."]},
      {"source": "pz-71/rank27/stderr", "lines": ["[rank27]: RuntimeError: CUDA error: uncorrectable ECC error encountered"]},
      {"source": "fleet/tickets", "lines": [
        "DATE INC-5521 pz-75 gpu6 (0000:ba:00.0): Xid 48 DBE x3 under job 61002, GPU swapped by vendor",
        "DATET09:12:44 pz-75 kernel: NVRM: Xid (PCI:0000:ba:00): 48, pid=7711, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 1, subpartition 0."]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["pz-71", "pz-72", "pz-75"], "gpus_per_node": 8, "timezone": "UTC",
      "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                      "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}}
  })JSON";
  for (size_t at; (at = text.find("DATE")) != std::string::npos;) text.replace(at, 4, date);
  return text;
}
}  // namespace

TEST_CASE("plc22: a ticket note dated weeks before the alert does not place the alerted GPU's ECC error") {
  // Before: gpu_memory_uncorrectable_ecc on pz-75/gpu6 from the note's Xid 48 (+3.0, untimed).
  const Diagnosis d = testing::RunCaseText(EccWithTicket("2026-10-21"));
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "pz-71/gpu3");
}

TEST_CASE("plc22: a note of the alert's own day stays untimed (near miss)") {
  const Diagnosis d = testing::RunCaseText(EccWithTicket("2026-11-30"));
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK_FALSE(HasEvidenceWith(d, "INC-5521 pz-75 gpu6 (0000:ba:00.0): Xid 48 DBE x3 under job 61002, GPU swapped by vendor [before"));
}

namespace {
// A job's own NaN replay that follows one GPU of pz-91 (no alert), and a node-level checksum vote
// (gpu.sdc) recorded there failing with `reason`.
Json SdcVoteCase(const std::string& reason) {
  Json j = testing::ParseCaseText(R"JSON({
    "id": "plc22-sdc-vote",
    "alert": null,
    "logs": [{"source": "pz-90/train-5521.log", "lines": [
      "2026-11-30 03:10:02 [INFO] step 91200 loss 1.8821 grad_norm 0.211",
      "2026-11-30 03:10:40 [INFO] step 91210 loss 1.8817 grad_norm 0.209",
      "2026-11-30 03:11:18 [ERROR] non-finite grad norm (nan) on rank 46 at step 91220; replaying the step on the same GPUs",
      "2026-11-30 03:11:31 [ERROR] replay of step 91220: rank 46 nan again",
      "2026-11-30 03:19:02 [INFO] replay of step 91220 with rank 46 moved to a spare node: all ranks finite: the fault follows the GPU that ran rank 46 (pz-91)"]}],
    "metrics": [],
    "topology": {"nodes": ["pz-90", "pz-91"], "gpus_per_node": 8}
  })JSON");
  j["probes"] = {{"gpu.sdc@pz-91", {{"probe", "gpu.sdc"}, {"target", "pz-91"}, {"status", "fail"},
                                     {"metrics", {{"gpus_disagreeing", 1}, {"runs", 10}}},
                                     {"thresholds", {{"gpus_disagreeing_max", 0}}},
                                     {"reason", reason}, {"duration_s", 8.0}}}};
  return j;
}
}  // namespace

TEST_CASE("plc22: a node probe's failure naming one GPU as \"GPU N\" places the finding on that GPU") {
  // Before: gpu_silent_data_corruption on pz-91 (only "gpu6" written without a blank was read).
  for (const char* reason : {"checksum vote over 8 GPUs, 10 runs: GPU #6 differed from the majority in 2 of 10 runs",
                             "bit-exact GEMM comparison, 10 runs: GPU 6 mismatched the other 7 in 2 runs"}) {
    CAPTURE(reason);
    const Diagnosis d = testing::RunCaseWithOwnProbes(SdcVoteCase(reason), /*intrusive=*/true);
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "pz-91/gpu6");
  }
}

TEST_CASE("plc22: a node probe's failure naming two GPUs places neither (near miss)") {
  const Diagnosis d = testing::RunCaseWithOwnProbes(
      SdcVoteCase("majority vote, 10 runs: GPU 1 and GPU 6 returned other checksums than the rest"), /*intrusive=*/true);
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "pz-91");
}

}  // namespace vigil
