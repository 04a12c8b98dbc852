// Tests of the diagnosis on shapes found missing by evals/diagnosis/realistic7/ (RL7, 2026-12-02:
// today's stack's wording and alert-first cases, an Alertmanager webhook with the Prometheus series
// behind it and short command outputs, written blind). These run the shipped knowledge pack
// (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does. The
// cases here are written for the tests (node names n-01 ...), not copied from the set.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {
namespace {

Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j); }

constexpr int64_t kT0 = 1764662400000;  // 2025-12-02T08:00:00Z, the alert

Json Alert(const std::string& name, const std::string& summary) {
  return {{"labels", {{"alertname", name}, {"severity", "critical"}}},
          {"annotations", {{"summary", summary}}},
          {"startsAt", "2025-12-02T08:00:00Z"}};
}

// 31 samples 30 s apart over the 15 minutes before the alert; fn(i) is sample i's value.
template <typename F>
Json Series(const std::string& name, Json labels, F fn) {
  Json samples = Json::array();
  for (int i = 0; i <= 30; ++i) samples.push_back(Json::array({kT0 - (30 - i) * 30000LL, fn(i)}));
  return {{"name", name}, {"labels", std::move(labels)}, {"samples", std::move(samples)}};
}

Json GpuLabels(const std::string& node, int gpu) {
  return {{"Hostname", node}, {"gpu", std::to_string(gpu)}, {"modelName", "NVIDIA H100 80GB HBM3"},
          {"UUID", "GPU-" + node + "-" + std::to_string(gpu)}};
}

TEST_CASE("realistic7: torch 2.4+'s 'PG status: last enqueued work' is read for the rank behind (RL7)") {
  const std::vector<std::string> lines = {
      "[rank0]:[E1202 07:59:00.1 ProcessGroupNCCL.cpp:2168] [PG ID 0 PG GUID 0(default_pg) Rank 0] failure detected by "
      "watchdog at work sequence id: 20418 PG status: last enqueued work: 20418, last completed work: 20417",
      "[rank8]:[E1202 07:59:00.2 ProcessGroupNCCL.cpp:2168] [PG ID 0 PG GUID 0(default_pg) Rank 8] failure detected by "
      "watchdog at work sequence id: 20418 PG status: last enqueued work: 20418, last completed work: 20417",
      "[rank21]:[E1202 07:59:02.0 ProcessGroupNCCL.cpp:1411] [PG ID 0 PG GUID 0(default_pg) Rank 21] Received a dump "
      "signal due to a collective timeout from  rank 0 and we will try our best to dump the debug info. Last enqueued "
      "NCCL work: 20417, last completed NCCL work: 20417."};
  auto behind = FindLaggards(lines);
  REQUIRE(behind.size() == 1);  // abd06bf: none (the 2.4+ lines were not read, one rank left)
  CHECK(behind[0].rank == 21);
  CHECK(behind[0].behind_at == 20417);
  CHECK(behind[0].majority == 20418);
}

// Alert-first, a full Lustre checkpoint volume: node_exporter's alert and series, and a `df` of the
// mount on one node. No training log.
Json LustreFull(const std::string& df_row) {
  Json logs = Json::array();
  logs.push_back({{"source", "alertmanager/webhook"},
                  {"lines", Json::array({"{", "  \"alerts\": [", "    {",
                                         "      \"labels\": {\"alertname\": \"NodeFilesystemAlmostOutOfSpace\", "
                                         "\"instance\": \"n-01:9100\", \"mountpoint\": \"/checkpoints\", \"fstype\": \"lustre\"},",
                                         "      \"annotations\": {\"summary\": \"Filesystem has less than 3% space left.\"}",
                                         "    }", "  ]", "}"})}});
  Json df = Json::array({"$ df -h /checkpoints", "Filesystem                Size  Used Avail Use% Mounted on", df_row});
  for (int i = 0; i < 10; ++i) df.push_back("$ ls /checkpoints/run7 | tail -1");
  logs.push_back({{"source", "n-01/cmd/df"}, {"lines", df}});
  Json metrics = Json::array();
  for (const char* n : {"n-01", "n-02"}) {
    metrics.push_back(Series("node_filesystem_avail_bytes",
                             {{"instance", std::string(n) + ":9100"}, {"device", "10.3.0.11@o2ib:/scratch"},
                              {"mountpoint", "/checkpoints"}, {"fstype", "lustre"}},
                             [](int i) { return 4.0e12 - i * 1.3e11 > 1.0e9 ? 4.0e12 - i * 1.3e11 : 1.0e9; }));
  }
  return {{"id", "t-lustre"}, {"alert", Alert("NodeFilesystemAlmostOutOfSpace", "Filesystem has less than 3% space left.")},
          {"logs", logs}, {"metrics", metrics}, {"probes", Json::object()},
          {"topology", {{"nodes", Json::array({"n-01", "n-02"})}, {"gpus_per_node", 8}}}};
}

TEST_CASE("realistic7: a df row at 100% on a Lustre mount is a full shared file system: the job (RL7)") {
  Diagnosis d = Run(LustreFull("10.3.0.11@o2ib:/scratch  3.5P  3.5P  1.2G 100% /checkpoints"));
  CHECK(d.root_cause == "storage_failure");  // abd06bf: unknown (nothing read the df row)
  CHECK(d.component == "job");               // the NID@net:/fs source is a network export, not n-01's disk
  // An NFS export the same way.
  d = Run(LustreFull("10.3.0.9:/export/ckpt  200T  200T     0 100% /checkpoints"));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
}

TEST_CASE("realistic7: squashfs loop mounts at 100% are their normal state, no full disk (RL7 guard)") {
  Diagnosis d = Run(LustreFull("/dev/loop3       64M   64M     0 100% /snap/core20/2318"));
  CHECK(d.root_cause != "storage_failure");
}

// Alert-first hang: the job stopped stepping; every GPU of n-01 and n-02 at 100 % but n-02's GPU 6,
// which dropped to 0 % ten minutes before the alert. No watchdog line (no training log in the case).
Json SpinCase(bool idle_from_start) {
  Json metrics = Json::array();
  for (const char* n : {"n-01", "n-02"}) {
    for (int g = 0; g < 8; ++g) {
      const bool odd = std::string(n) == "n-02" && g == 6;
      metrics.push_back(Series("DCGM_FI_DEV_GPU_UTIL", GpuLabels(n, g), [&](int i) {
        if (!odd) return 100.0;
        return idle_from_start || i >= 10 ? 0.0 : 100.0;
      }));
    }
  }
  Json logs = Json::array();
  Json lines = Json::array({"$ kubectl -n llm-train get pods -o wide"});
  for (int i = 0; i < 22; ++i) {
    lines.push_back("mpt-30b-worker-" + std::to_string(i % 2) + "   1/1   Running   0   3h   10.244.1." +
                    std::to_string(i) + "   n-0" + std::to_string(1 + i % 2));
  }
  logs.push_back({{"source", "kubectl/get-pods"}, {"lines", lines}});
  return {{"id", "t-spin"}, {"alert", Alert("TrainingJobNoProgress", "No training step for 10 minutes")},
          {"logs", logs}, {"metrics", metrics}, {"probes", Json::object()},
          {"topology", {{"nodes", Json::array({"n-01", "n-02"})}, {"gpus_per_node", 8}}}};
}

TEST_CASE("realistic7: one GPU gone idle while its peers spin at 100% is a hang there, not a stalled input (RL7)") {
  Diagnosis d = Run(SpinCase(false));
  CHECK(d.root_cause == "nccl_collective_hang");  // abd06bf: dataloader_stall (that GPU's low utilisation)
  CHECK(d.component == "n-02/gpu6");
  // A GPU idle from the first sample was never given work: no hang is read from it.
  d = Run(SpinCase(true));
  CHECK(d.root_cause != "nccl_collective_hang");
}

TEST_CASE("realistic7: a GPU idle beside spinning peers is no hang evidence when its own fault shows (RV-RL7)") {
  // The same idle GPU, with the Xid that stopped it in the node's kernel log: the hang is that
  // fault's consequence, so the idle GPU adds no nccl_collective_hang evidence (27f64d8 added it at
  // kMetricWeight: holdout8 y008 / y027 / y029 and holdout14 k005 gained the hang in their top 3).
  Json j = SpinCase(false);
  j["logs"].push_back({{"source", "n-02/dmesg"},
                       {"lines", Json::array({"[88123.456789] NVRM: Xid (PCI:0000:ab:00): 95, pid=201934, "
                                              "name=pt_main_thread, Uncontained: FBHUB. RST: Yes, D-RST: No",
                                              "[88123.467001] NVRM: Xid (PCI:0000:ab:00): 154, GPU recovery action "
                                              "changed from 0x0 (None) to 0x1 (GPU Reset Required)"})}});
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  bool idle_as_hang = false;
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("went idle while its node peers") != std::string::npos &&
        std::find(e.supports.begin(), e.supports.end(), "nccl_collective_hang") != e.supports.end() && e.weight >= 0.5) {
      idle_as_hang = true;
    }
  }
  CHECK_FALSE(idle_as_hang);  // 27f64d8: true (weight 0.6)
}

// A training exporter's per-rank compute time: rank 25 (n-04, GPU 1) went from 3.3 s to 4.3 s while
// the other ranks stayed at 3.3 s; the alert says step time is up. No log but a short listing.
Json PerRankTime(const std::string& name) {
  Json metrics = Json::array();
  for (int r : {0, 9, 17, 24, 25, 31}) {
    metrics.push_back(Series(name, {{"job_name", "granite"}, {"rank", std::to_string(r)}, {"node", "n-0" + std::to_string(1 + r / 8)}},
                             [&](int i) { return r == 25 && i >= 12 ? 4.31 : 3.29 + 0.01 * (i % 3); }));
  }
  Json lines = Json::array({"$ kubectl -n llm-train get pods -o wide"});
  for (int i = 0; i < 22; ++i) {
    lines.push_back("granite-worker-" + std::to_string(i % 4) + "   1/1   Running   0   5h   10.244.2." + std::to_string(i) +
                    "   n-0" + std::to_string(1 + i % 4));
  }
  return {{"id", "t-rank-time"}, {"alert", Alert("TrainingStepTimeHigh", "Step time of granite 31% above its 6h median")},
          {"logs", Json::array({{{"source", "kubectl/get-pods"}, {"lines", lines}}})}, {"metrics", metrics},
          {"probes", Json::object()},
          {"topology", {{"nodes", Json::array({"n-01", "n-02", "n-03", "n-04"})}, {"gpus_per_node", 8}}}};
}

TEST_CASE("realistic7: a per-rank time series in seconds names the slow rank's GPU (RL7)") {
  Diagnosis d = Run(PerRankTime("train_rank_compute_seconds"));
  CHECK(d.root_cause == "straggler_rank");  // abd06bf: the series was not compared with its peers
  CHECK(d.component == "n-04/gpu1");
  // A series that is no time (a count) is not read as one.
  d = Run(PerRankTime("train_rank_samples_total"));
  CHECK(d.component != "n-04/gpu1");
}

// Per-rank step time as a Summary (quantile 0.5 / 0.9 / 0.99 per rank), or two jobs' ranks under one
// name: the peers of a series are those with the same other labels (RV-RL7).
Json PerRankGroups(bool quantiles) {
  Json metrics = Json::array();
  if (quantiles) {
    // Every rank's p99 rose 25 % (a job-wide tail), p50 and p90 steady: no rank is behind its peers.
    for (int r = 0; r < 8; ++r) {
      for (const auto& [q, base] : std::vector<std::pair<std::string, double>>{{"0.5", 3.3}, {"0.9", 3.6}, {"0.99", 4.0}}) {
        metrics.push_back(Series("train_step_seconds",
                                 {{"job_name", "granite"}, {"rank", std::to_string(r)},
                                  {"node", "n-0" + std::to_string(1 + r / 4)}, {"quantile", q}},
                                 [&](int i) { return base * (q == "0.99" && i >= 12 ? 1.25 : 1.0) + 0.01 * (i % 3); }));
      }
    }
  } else {
    // Job a's 8 ranks steady at 3.3 s; job b's 3 ranks on n-03 all went from 6.0 s to 7.8 s.
    for (int r = 0; r < 8; ++r) {
      metrics.push_back(Series("train_step_seconds",
                               {{"job_name", "a"}, {"rank", std::to_string(r)}, {"node", "n-0" + std::to_string(1 + r / 4)}},
                               [](int i) { return 3.3 + 0.01 * (i % 3); }));
    }
    for (int r = 0; r < 3; ++r) {
      metrics.push_back(Series("train_step_seconds", {{"job_name", "b"}, {"rank", std::to_string(r)}, {"node", "n-03"}},
                               [](int i) { return 6.0 * (i >= 12 ? 1.3 : 1.0) + 0.01 * (i % 3); }));
    }
  }
  return {{"id", "t-rank-groups"}, {"alert", Alert("TrainingStepTimeHigh", "step time up")},
          {"logs", Json::array({{{"source", "kubectl/get-pods"},
                                 {"lines", Json::array({"$ kubectl get pods", "granite-worker-0   1/1   Running   0   5h"})}}})},
          {"metrics", metrics}, {"probes", Json::object()},
          {"topology", {{"nodes", Json::array({"n-01", "n-02", "n-03"})}, {"gpus_per_node", 4}}}};
}

TEST_CASE("realistic7: per-rank seconds are compared with the series of the same quantile and job only (RV-RL7)") {
  CHECK(Run(PerRankGroups(true)).root_cause != "straggler_rank");   // 27f64d8: straggler_rank @ n-01
  CHECK(Run(PerRankGroups(false)).root_cause != "straggler_rank");  // 27f64d8: straggler_rank @ n-03
  // RL7's case still names its slow rank (one quantile-free series per rank).
  Diagnosis d = Run(PerRankTime("train_rank_compute_seconds"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "n-04/gpu1");
}

}  // namespace
}  // namespace vigil
