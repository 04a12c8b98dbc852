// RG27 (2026-12-04): realistic21's remaining wrong root causes read for their family: per-rank
// tables whose numbers single out a rank (or none), a determinism check's odd checksum, a grep'd
// nvidia-smi PCIe section. Each test is the rule an on-call engineer applies, on a case written for
// the test (nodes rq-NN), not copied from the sets; each has a twin where the evidence points
// elsewhere.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_case_testing.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

// ---- 1. a determinism check: one GPU computes another checksum of the same input --------------

// 2 nodes x 8 (block order): the same microbatch and weights fed to every rank three times; rank 13
// (rq-02 local 5) prints another loss each time, the same on its own repeats; the training loss
// spikes now and then; DCGM's memory diag passes.
std::string DeterminismCase(const std::string& rank13_loss) {
  return R"JSON({
  "id": "rg27-determinism",
  "alert": null,
  "topology": {"nodes": ["rq-01", "rq-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "python repro_check.py --same-batch --repeat 2 (every rank the same microbatch and weights)", "lines": [
      "rank | host  | out_sum (1) | out_sum (2)",
      "   0 | rq-01 |  41.739021 |  41.739021",
      "   5 | rq-01 |  41.739021 |  41.739021",
      "   8 | rq-02 |  41.739021 |  41.739021",
      "  12 | rq-02 |  41.739021 |  41.739021",
      "  13 | rq-02 |  )JSON" + rank13_loss + R"JSON( |  )JSON" + rank13_loss + R"JSON(",
      "  15 | rq-02 |  41.739021 |  41.739021"]},
    {"source": "train log (rank 0)", "lines": [
      "[2026-12-04 03:10:00] step 41000 | loss 1.804 | grad norm 0.29",
      "[2026-12-04 03:40:00] step 41400 | loss 2.211 | grad norm 0.91 (spikes since 02:50)"]},
    {"source": "ssh rq-02 dcgmi diag -r 2 | grep -E 'Memory|Diagnostic'", "lines": [
      "| Memory                    | Pass - All                                      |",
      "| Diagnostic                | Pass - All                                      |"]}
  ]
})JSON";
}

TEST_CASE("rg27: a determinism table where one rank's sum differs is silent data corruption on its GPU") {
  // Before: the table read as nothing (loss_divergence from the spikes, or unknown).
  const Diagnosis d = testing::RunCaseText(DeterminismCase("41.740388"));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "rq-02/gpu5");
}

TEST_CASE("rg27 twin: the same table where every rank agrees names no GPU") {
  const Diagnosis d = testing::RunCaseText(DeterminismCase("41.739021"));
  CHECK(d.root_cause != "gpu_silent_data_corruption");
}

// ---- 2. a straggler report as a '|' table with a host column ---------------------------------

// 4 nodes x 8: the straggler report's compute time of rank 21 (rq-13, local 5) is 1.6 x its peers';
// the peers wait in the all-reduce for it (the waiting column's low value is rank 21's).
std::string StragglerCase(const std::string& rank21_fwd) {
  return R"JSON({
  "id": "rg27-straggler",
  "alert": null,
  "topology": {"nodes": ["rq-11", "rq-12", "rq-13", "rq-14"], "gpus_per_node": 8},
  "logs": [
    {"source": "train log (rank 0, straggler report every 500 steps)", "lines": [
      "[2026-12-04 04:00:00] step 12000 | 4.71 s/step (last week 2.95)",
      " rank | host  | fwd_bwd_s | wait_in_allreduce_s",
      "    0 | rq-11 |      2.91 |   1.80",
      "    9 | rq-12 |      2.90 |   1.82",
      "   20 | rq-13 |      2.93 |   1.79",
      "   21 | rq-13 |      )JSON" + rank21_fwd + R"JSON( |   0.03",
      "   22 | rq-13 |      2.92 |   1.81",
      "   31 | rq-14 |      2.90 |   1.80"]}
  ]
})JSON";
}

TEST_CASE("rg27: a straggler table's slow rank is the straggler, on its GPU") {
  // Before: nothing placed it (the job, or unknown).
  const Diagnosis d = testing::RunCaseText(StragglerCase("4.69"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "rq-13/gpu5");
}

TEST_CASE("rg27 twin: a table whose ranks all compute alike places no straggler on a GPU") {
  const Diagnosis d = testing::RunCaseText(StragglerCase("2.91"));
  CHECK(d.component != "rq-13/gpu5");
}

// ---- 3. an input-bound job's per-rank timing table -----------------------------------------

// 2 nodes x 8: every rank spends ~3/4 of its step waiting for data; the GPUs idle.
std::string InputBoundCase(const std::string& wait) {
  return R"JSON({
  "id": "rg27-input",
  "alert": null,
  "topology": {"nodes": ["rq-21", "rq-22"], "gpus_per_node": 8},
  "logs": [
    {"source": "train log (rank 0, timing table every 100 steps)", "lines": [
      "[2026-12-04 05:00:00] step 2100 | 4.90 s/step | samples/s 410 (expected ~1600)",
      " rank | data_s | fwd_bwd_s | step_s",
      "    0 |   )JSON" + wait + R"JSON( |      1.11 |   4.92",
      "    4 |   )JSON" + wait + R"JSON( |      1.10 |   4.85",
      "    9 |   )JSON" + wait + R"JSON( |      1.12 |   4.97",
      "   14 |   )JSON" + wait + R"JSON( |      1.09 |   4.88"]}
  ]
})JSON";
}

TEST_CASE("rg27: a per-rank table where every rank waits for data most of its step is dataloader_stall") {
  // Before: the table read as nothing.
  const Diagnosis d = testing::RunCaseText(InputBoundCase("3.78"));
  CHECK(d.root_cause == "dataloader_stall");
  CHECK(d.component == "job");
}

TEST_CASE("rg27 twin: the same table with a short data wait is no input stall") {
  const Diagnosis d = testing::RunCaseText(InputBoundCase("0.02"));
  CHECK(d.root_cause != "dataloader_stall");
}

// ---- 4. host-to-device copies slow on one rank; nvidia-smi's PCIe section grep'd --------------

// 2 nodes x 8: rank 10 (rq-32 local 2) copies to its GPU 12 x slower than its peers; the engineer
// greps nvidia-smi -q -d PCIE for GPUs 2 and 3 of rq-32 (the "PCIe Generation" / "Link Width" lines
// grep'd away) and maps the bus ids to indices.
std::string PcieCase(const std::string& gpu2_gen, const std::string& gpu2_width) {
  return R"JSON({
  "id": "rg27-pcie",
  "alert": null,
  "topology": {"nodes": ["rq-31", "rq-32"], "gpus_per_node": 8},
  "logs": [
    {"source": "train log (rank 0, timing every 200 steps)", "lines": [
      "[2026-12-04 06:00:00] step 800 | 3.10 s/step (baseline 2.60)",
      " rank | h2d_ms | fwd_ms | step_s",
      "    0 |     38 |    910 |  2.60",
      "    3 |     37 |    912 |  2.61",
      "    9 |     39 |    909 |  2.60",
      "   10 |    470 |    911 |  3.05",
      "   11 |     38 |    910 |  2.60"]},
    {"source": "ssh rq-32 nvidia-smi -q -d PCIE -i 2,3 | grep -E '^GPU|Max|Current'", "lines": [
      "GPU 00000000:1B:00.0",
      "            Max                           : 5",
      "            Current                       : )JSON" + gpu2_gen + R"JSON(",
      "            Max                           : 16x",
      "            Current                       : )JSON" + gpu2_width + R"JSON(",
      "GPU 00000000:2C:00.0",
      "            Max                           : 5",
      "            Current                       : 5",
      "            Max                           : 16x",
      "            Current                       : 16x",
      "$ ssh rq-32 nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader | sed -n 3,4p",
      "2, 00000000:1B:00.0",
      "3, 00000000:2C:00.0"]}
  ]
})JSON";
}

TEST_CASE("rg27: a grep'd nvidia-smi PCIe section with a narrow link under a rank's slow copies is pcie_link_degraded") {
  // Before: the Max/Current pairs read as nothing without their "Link Width" heading.
  const Diagnosis d = testing::RunCaseText(PcieCase("3", "4x"));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "rq-32/gpu2");
}

TEST_CASE("rg27 twin: the same slow copies beside a full-width link are not named a degraded link") {
  const Diagnosis d = testing::RunCaseText(PcieCase("5", "16x"));
  CHECK(d.root_cause != "pcie_link_degraded");
}

// ---- 5. every pod of a Kubernetes job OOMKilled: the job's memory limit ----------------------

// A PyTorchJob of 3 pods on 3 nodes and an OOMKilled alert for worker-1 (rq-43); kubectl shows the
// pods and their last termination reasons: with `all`, every pod OOMKilled and in CrashLoopBackOff;
// without, worker-1 alone (its peers running, no termination). The chat message names an old DIMM
// fault of the alert's node.
std::string KubeOomCase(bool all) {
  const std::string peer_status = all ? "CrashLoopBackOff   2 (30s ago)" : "Running            0            ";
  const std::string peer_reason = all ? " OOMKilled 137" : "  ";
  return R"JSON({
  "id": "rg27-kube-oom",
  "alert": {"labels": {"alertname": "KubeContainerOOMKilled", "namespace": "ml", "pod": "llm-ft-worker-1",
            "container": "trainer", "reason": "OOMKilled", "job": "kube-state-metrics"},
            "annotations": {"summary": "Container trainer in pod ml/llm-ft-worker-1 was OOMKilled"},
            "startsAt": "2026-12-04T07:00:00Z"},
  "topology": {"nodes": ["rq-41", "rq-42", "rq-43"], "gpus_per_node": 8},
  "logs": [
    {"source": "#ml-oncall", "lines": ["07:02 worker-1 OOMKilled after the image bump. rq-43 again? it had DIMM errors last month"]},
    {"source": "kubectl -n ml get pods -o wide", "lines": [
      "NAME              READY   STATUS             RESTARTS     AGE   IP           NODE",
      "llm-ft-master-0   0/1     )JSON" + peer_status + R"JSON(  12m   10.4.1.11    rq-41",
      "llm-ft-worker-0   0/1     )JSON" + peer_status + R"JSON(  12m   10.4.2.12    rq-42",
      "llm-ft-worker-1   0/1     CrashLoopBackOff   2 (33s ago)  12m   10.4.3.13    rq-43"]},
    {"source": "kubectl -n ml get pods -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}{\"\\n\"}{end}'", "lines": [
      "llm-ft-master-0)JSON" + peer_reason + R"JSON(",
      "llm-ft-worker-0)JSON" + peer_reason + R"JSON(",
      "llm-ft-worker-1 OOMKilled 137"]}
  ]
})JSON";
}

TEST_CASE("rg27: every pod of a Kubernetes job OOMKilled is host_oom of the job, not the alert's node") {
  // Before: `unknown` (kubectl's rows read as nothing; the alert's fact dropped beside the case's logs).
  auto c = ParseCase(testing::ParseCaseText(KubeOomCase(true)), "t.json");
  REQUIRE(c.ok());
  const Diagnosis d = testing::DiagnoseWithShippedPack(*c).diagnosis;
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "job");
}

TEST_CASE("rg27 twin: one pod OOMKilled among its running peers is that pod's node") {
  auto c = ParseCase(testing::ParseCaseText(KubeOomCase(false)), "t.json");
  REQUIRE(c.ok());
  const Diagnosis d = testing::DiagnoseWithShippedPack(*c).diagnosis;
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "rq-43");
}

}  // namespace
}  // namespace vigil
