// PLC64 (2026-12-07, realistic54-56, SEEN fixes, second round): evidence written for these tests
// (made-up minimal lines in the shape of the cases' logs, not the cases' text).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/cpu_affinity.h"
#include "agents/diagnosis_testing.h"
#include "agents/local_rank_cpus.h"
#include "agents/rank_time_summary.h"

namespace vigil {
namespace {

// 1. (rl56-26) A per-rank time summary with percentiles between the median and the max names the
//    rank of its max: the slow one when the max stands out of the median and of the others' range.
TEST_CASE("plc64: a per-rank time summary names the rank of its max as the slow one") {
  std::optional<SummarySlowRank> s = ReadSummarySlowRank("step time per rank (s): median 1.50, p90 1.60, p99 2.40, max 2.45 (rank 13)");
  REQUIRE(s);
  CHECK(s->rank == 13);
  CHECK(s->max == doctest::Approx(2.45));
  CHECK(s->median == doctest::Approx(1.50));
  s = ReadSummarySlowRank("iteration time: p50 800 ms; p95 850 ms; max 1210 ms on rank 6; other ranks 780-860 ms");
  REQUIRE(s);
  CHECK(s->rank == 6);
  CHECK(s->others_top == doctest::Approx(860));
  // Not slow: the max within the ratio, or within the others' range; a rate's max is the fastest.
  CHECK_FALSE(ReadSummarySlowRank("step time (s): median 1.50, p99 1.70, max 1.72 (rank 13)"));
  CHECK_FALSE(ReadSummarySlowRank("step time (s): median 1.50, max 2.20 (rank 13); all other ranks 1.40-2.10"));
  CHECK_FALSE(ReadSummarySlowRank("tokens/s per rank: median 3000, p99 4000, max 4100 (rank 13)"));
  CHECK_FALSE(ReadSummarySlowRank("median 1.50, max 2.45 (rank 13)"));  // no time said
  CHECK(FindSummarySlowRank({"loss 2.1", "step time per rank (s): median 1.5, max 2.5 (rank 4)"})->line == 1);
}

// 2. (rl56-26) taskset answers with text after the list ("0,1   (local_rank 1)") are read.
TEST_CASE("plc64: a taskset answer annotated after the list is read") {
  const std::vector<std::string> lines = {
      "pid 5101's current affinity list: 0-15   (local_rank 0)", "pid 5102's current affinity list: 2,3   (local_rank 1)",
      "pid 5103's current affinity list: 16-31  (local_rank 2)", "pid 5104's current affinity list: 32-47  (local_rank 3)"};
  std::optional<AffinityOutlier> a = FindAffinityOutlier(lines);
  REQUIRE(a);
  CHECK(a->line == 1);
  CHECK(a->cpus == 2);
  CHECK(a->peer_cpus == 16);
}

// 3. (rl56-26) A bind wrapper's numactl map where one local rank got 2 CPUs and its peers 16.
TEST_CASE("plc64: the local rank bound to a sliver of its peers' CPUs") {
  CHECK(LocalRankCpus("wrap: local_rank 2 -> numactl --physcpubind=4-5 --membind=0 (cpus 4-5)") == std::make_pair(2, 2));
  CHECK(LocalRankCpus("LOCAL_RANK=3 numactl -C 0-7 python train.py") == std::make_pair(3, 8));
  CHECK(LocalRankCpus("pid 9's current affinity list: 0,1 (local rank 1)") == std::make_pair(1, 2));
  CHECK_FALSE(LocalRankCpus("local_rank 0 -> numactl --cpunodebind=0 --membind=0"));  // a NUMA node, no list
  CHECK_FALSE(LocalRankCpus("numactl --physcpubind=0-1 python train.py"));          // no local rank
  std::optional<LocalRankCpuOutlier> o = FindLocalRankCpuOutlier({
      "wrap: local_rank 0 -> numactl --cpunodebind=0 --membind=0 (cpus 0-15)",
      "wrap: local_rank 1 -> numactl --physcpubind=0-1 --membind=1 (cpus 0-1)",
      "wrap: local_rank 2 -> numactl --cpunodebind=1 --membind=1 (cpus 16-31)"});
  REQUIRE(o);
  CHECK(o->local_rank == 1);
  CHECK(o->line == 1);
  CHECK(o->cpus == 2);
  CHECK(o->peer_cpus == 16);
  // Two local ranks only, or ranks pinned unevenly by design: no outlier.
  CHECK_FALSE(FindLocalRankCpuOutlier({"local_rank 0 (cpus 0-15)", "local_rank 1 (cpus 0-1)"}));
  CHECK_FALSE(FindLocalRankCpuOutlier({"local_rank 0 (cpus 0-15)", "local_rank 1 (cpus 16-17)", "local_rank 2 (cpus 18-19)",
                                       "local_rank 3 (cpus 20-35)"}));
}

std::string PinnedCase(bool with_bind) {
  std::string bind = with_bind ? R"JSON(,
    {"source": "ja-3/launcher.log", "lines": [
      "2026-03-01T10:00:01Z wrap: local_rank 0 -> numactl --cpunodebind=0 --membind=0 (cpus 0-15)",
      "2026-03-01T10:00:01Z wrap: local_rank 1 -> numactl --physcpubind=0-1 --membind=0 (cpus 0-1)",
      "2026-03-01T10:00:01Z wrap: local_rank 2 -> numactl --cpunodebind=1 --membind=1 (cpus 16-31)"]})JSON"
                               : "";
  return R"JSON({
  "id": "plc64-pinned-rank",
  "alert": null,
  "topology": {"nodes": ["ja-1", "ja-2", "ja-3", "ja-4"], "gpus_per_node": 4,
               "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
  "logs": [
    {"source": "trainer/rank0.log", "lines": [
      "[rank0] 2026-03-01 10:20:00 INFO step 300 loss 2.31",
      "[rank0] 2026-03-01 10:30:00 INFO per-rank step time (s): median 1.40, p99 2.10, max 2.12 (rank 9); all other ranks 1.36-1.45"]})JSON" +
         bind + R"JSON(
  ]
})JSON";
}

TEST_CASE("plc64: a summary's slow rank and its node's pinned local rank are a straggler on that GPU") {
  Diagnosis d = testing::RunCaseText(PinnedCase(true));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "ja-3/gpu1");
  CHECK(testing::HasEvidenceWith(d, "bound to few cores"));
  d = testing::RunCaseText(PinnedCase(false));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "ja-3/gpu1");
}

// 4. (rl54-30) Kubernetes' "Back-off restarting failed container" says a container is restarted,
//    not why: it is no incident's look-alike (it read like a CPU-throttled container's straggler).
TEST_CASE("plc64: a pod's restart back-off is no look-alike of a throttled container") {
  const std::string text = R"JSON({
  "id": "plc64-backoff",
  "alert": null,
  "topology": {"nodes": ["kb-1", "kb-2"], "gpus_per_node": 8},
  "logs": [
    {"source": "pod/train-worker-0", "lines": [
      "torch.distributed.elastic.rendezvous.api.RendezvousClosedError",
      "[2026-04-01T09:00:02.000Z] torch.distributed.elastic.agent.server.api: [default] Rendezvous closed; worker group will not start"]},
    {"source": "events.txt", "lines": [
      "2026-04-01T09:01:40Z Warning BackOff  pod/train-worker-0  Back-off restarting failed container pytorch",
      "2026-04-01T09:02:20Z Warning BackOff  pod/train-worker-1  Back-off restarting failed container pytorch"]}
  ]
})JSON";
  const Diagnosis d = testing::RunCaseText(text);
  for (const Evidence& e : d.evidence) {
    CHECK_FALSE((e.detail.find("Back-off restarting") != std::string::npos && e.detail.find("reads like kb:") != std::string::npos));
  }
  CHECK(d.root_cause == "launch_config_error");
}

// 5. (rl56-16, rl54-16) An NCCL test inside one node never chooses the network NCCL uses between
//    nodes: its pass is not read against a misconfig of that choice (no IB device for NCCL_IB_HCA, a
//    fallback to sockets), as it is not against ib_link_failure.
std::string NetChoiceCase(const std::string& warn) {
  return R"JSON({
  "id": "plc64-net-choice",
  "alert": null,
  "topology": {"nodes": ["nb-1", "nb-2"], "gpus_per_node": 8},
  "logs": [
    {"source": "pytorchjob/ft-master-0.log", "lines": [
      "nb-2:5101:5180 [0] NCCL INFO Bootstrap : Using eth0:10.1.0.2<0>",
      ")JSON" + warn + R"JSON(",
      "nb-2:5101:5180 [0] NCCL INFO Using network Socket"]}
  ],
  "probes": {
    "nccl.allreduce@nb-2": {"probe": "nccl.allreduce", "target": "nb-2", "status": "pass",
      "metrics": {"busbw_gb_s": 420.0}, "thresholds": {"busbw_gb_s_min": 350.0},
      "reason": "8-GPU all-reduce ok (default env)", "duration_s": 2.0}
  }
})JSON";
}

TEST_CASE("plc64: a one-node NCCL test's pass says nothing of the network NCCL chose between nodes") {
  const Diagnosis d = testing::RunCaseText(
      NetChoiceCase("nb-2:5101:5180 [0] NCCL WARN NET/IB : No device found matching NCCL_IB_HCA=mlx5_9 (have mlx5_0,mlx5_1)"),
      /*intrusive=*/true);
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.confidence > 0.5);  // 0.39 with the pass read against it, 0.64 without
  size_t probes = 0;
  for (const Evidence& e : d.evidence) {
    if (e.kind != EvidenceKind::kProbe) continue;
    ++probes;
    CHECK(std::find(e.refutes.begin(), e.refutes.end(), "nccl_network_misconfig") == e.refutes.end());
  }
  CHECK(probes == 1);
}

}  // namespace
}  // namespace vigil
