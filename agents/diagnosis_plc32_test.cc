// PLC32 (2026-12-06): realistic34's blind misses, seen (agents/HISTORY.md's PLC32 section). Each reader
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (3bf79afb):
// - a writer's compound prefix ("[replica_group=3/rank=0]") reporting on another replica group singles
//   out no rank (FindOneRankNumerics); one line listing per-rank checksums names the odd rank
//   (FindRankListOddValue), placed where a line says it runs (FindWrittenRankPlace), not by the layout;
// - a resume skipping consumed samples, timed out before the skip ends (FindDataFastForwardStall);
// - NCCL versions that differ across a job's hosts or ranks (FindMixedNcclVersions);
// - a RoCE netdev's carrier changes and PHY symbol errors read as its HCA port's counters;
// - a quota error under the path `lfs quota` reports on (StorageIsShared);
// - the pod the kubelet killed after failed liveness probes (KubeletKilledPod, ScheduledPod).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/data_fast_forward.h"
#include "agents/diagnosis_testing.h"
#include "agents/kube_pods.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_versions.h"
#include "agents/rank_numerics.h"
#include "agents/rank_table.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::string Mismatch(int step) {
  return "2026-11-20 08:0" + std::to_string(step / 100) + ":00,000 WARNING ftmgr: [replica_group=0/rank=0] cross-replica " +
         "weights hash mismatch at step " + std::to_string(step) + ": replica_group=3 differs from 5 of 6 (shard attn.qkv)";
}

TEST_CASE("plc32: a writer's compound prefix reporting on another replica group singles out no rank") {
  // Before: rank 0 (the writer) singled out in 3 lines.
  CHECK_FALSE(FindOneRankNumerics({Mismatch(100), Mismatch(200), Mismatch(300)}).has_value());
  // Near misses: a rank named in a trailer is the line's subject; a compound prefix on lines that
  // name no replica group is still the writer reporting on itself.
  auto r = FindOneRankNumerics({"grad norm outlier detected [rank=5 step=100]", "grad norm outlier detected [rank=5 step=140]"});
  REQUIRE(r.has_value());
  CHECK(r->rank == 5);
  r = FindOneRankNumerics({"[host-7:rank=12] local grads differ from all-reduced grads", "[host-7:rank=12] local grads differ again"});
  REQUIRE(r.has_value());
  CHECK(r->rank == 12);
}

TEST_CASE("plc32: one line listing each rank's checksum singles out the odd rank") {
  const std::string list = "dbg: per-rank sha of attn.qkv at step 300 (replica_group=3): rank0 c0de12ab rank1 c0de12ab "
                           "rank2 c0de12ab rank3 c0de12ab rank4 c0de12ab rank5 77e1f00d";
  auto odd = FindRankListOddValue({"unrelated", list});
  REQUIRE(odd.has_value());
  CHECK(odd->rank == 5);
  CHECK(odd->line == 1);
  CHECK(odd->value == "77e1f00d");
  CHECK(odd->agreeing == 5);
  // Near misses: all agree; two ranks apart; too few ranks; plain step counters (no computed number).
  CHECK_FALSE(FindRankListOddValue({"rank0 c0de12ab rank1 c0de12ab rank2 c0de12ab rank3 c0de12ab"}).has_value());
  CHECK_FALSE(FindRankListOddValue({"rank0 c0de12ab rank1 c0de12ab rank2 c0de12ab rank3 11e1f00d rank4 22e1f00d"}).has_value());
  CHECK_FALSE(FindRankListOddValue({"rank0 c0de12ab rank1 c0de12ab rank2 77e1f00d"}).has_value());
  CHECK_FALSE(FindRankListOddValue({"rank0 300 rank1 300 rank2 300 rank3 300 rank4 299"}).has_value());
}

TEST_CASE("plc32: a line giving a rank's node and local GPU as fields places it") {
  auto p = FindWrittenRankPlace({"dbg: replica_group=3 rank5 pod trainer-rg3-5 node ft-n06 local_rank 5"}, 5);
  REQUIRE(p.has_value());
  CHECK(p->node == "ft-n06");
  CHECK(p->gpu == 5);
  p = FindWrittenRankPlace({"rank=2 host=gpu-a12 gpu=3"}, 2);
  REQUIRE(p.has_value());
  CHECK(p->node == "gpu-a12");
  CHECK(p->gpu == 3);
  // Another rank's place; another rank named between the rank and the node.
  CHECK_FALSE(FindWrittenRankPlace({"rank5 pod trainer-rg3-5 node ft-n06 local_rank 5"}, 4).has_value());
  CHECK_FALSE(FindWrittenRankPlace({"rank5 waits for rank 9 node ft-n06 gpu 1"}, 5).has_value());
}

Json ReplicaCase(bool with_place) {
  const std::vector<std::string> nodes = {"ft-n01", "ft-n02", "ft-n03", "ft-n04", "ft-n05", "ft-n06"};
  std::vector<std::string> mgr = {Mismatch(100), "2026-11-20 08:01:05,000 INFO ftmgr: [replica_group=3/rank=0] healing from replica_group=1",
                                  Mismatch(200), Mismatch(300)};
  std::vector<std::string> dbg = {"2026-11-20 08:09:00,000 INFO dbg: per-rank sha of attn.qkv at step 300 (replica_group=3): "
                                  "rank0 c0de12ab rank1 c0de12ab rank2 c0de12ab rank3 c0de12ab rank4 c0de12ab rank5 77e1f00d rank6 "
                                  "c0de12ab rank7 c0de12ab"};
  if (with_place) dbg.push_back("2026-11-20 08:09:01,000 INFO dbg: replica_group=3 rank5 pod trainer-rg3-5 node ft-n04 local_rank 5");
  return Case("t-plc32-replica", nodes, Json::array({Log("training/ftmgr", mgr), Log("training/dbg", dbg)}));
}

TEST_CASE("plc32: a replica group's odd rank is the GPU where the dump says it runs") {
  // Before: gpu_silent_data_corruption @ ft-n01/gpu0 (the manager's own rank 0).
  CHECK(testing::CaseAnswer(ReplicaCase(true)) == "gpu_silent_data_corruption @ ft-n04/gpu5");
  // Without the place line the rank layout places rank 5 (ft-n01/gpu5): never the writer's rank 0.
  CHECK(testing::CaseAnswer(ReplicaCase(false)) == "gpu_silent_data_corruption @ ft-n01/gpu5");
}

std::vector<std::string> Resume(bool finished) {
  std::vector<std::string> out = {
      "[2026-11-21 04:00:00] restored checkpoint step 52000 (weights, optimizer; sampler state not saved)",
      "[2026-11-21 04:01:00] dataloader: fast-forwarding the sampler past 212992000 consumed samples on rank 0",
      "[2026-11-21 04:11:00] dataloader: skipped 70000000 of 212992000 samples"};
  if (finished) out.push_back("[2026-11-21 04:12:00] dataloader: fast-forward done in 660 s");
  out.push_back("[rank3]:[E1121 04:31:00.000000 ProcessGroupNCCL.cpp:1617] [PG ID 0 Rank 3] Watchdog caught collective operation "
                "timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800100 "
                "milliseconds before timing out.");
  out.push_back("2026-11-21 04:41:00,000 job-watch: no iteration completed for 2400 s; treating job as hung");
  return out;
}

TEST_CASE("plc32: a resume skipping consumed samples, timed out before the skip ends") {
  auto ff = FindDataFastForwardStall(Resume(false));
  REQUIRE(ff.has_value());
  CHECK(ff->first_line == 1);
  CHECK(ff->skip_lines == 2);
  CHECK(ff->stalls == 2);
  CHECK(ff->first_stall == 3);
  // Near misses: the skip finished before the timeout; a trainer's count of skipped iterations; a
  // skip with no timeout after it.
  CHECK_FALSE(FindDataFastForwardStall(Resume(true)).has_value());
  CHECK_FALSE(FindDataFastForwardStall({" iteration 10/ 100 | consumed samples: 10240 | number of skipped iterations:   0 |",
                                        "[rank0]: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, Timeout(ms)=600000)"})
                  .has_value());
  CHECK_FALSE(FindDataFastForwardStall({"data: skipping samples in the dataset iterator", "data: skipped 10 / 20 samples"}).has_value());
}

TEST_CASE("plc32: the job that times out while its resume skips consumed samples waits on its input") {
  const std::vector<std::string> nodes = {"dl-n1", "dl-n2", "dl-n3", "dl-n4"};
  // Before: nccl_collective_hang on rank 3's GPU (the watchdog line).
  CHECK(testing::CaseAnswer(Case("t-plc32-ff", nodes, Json::array({Log("job/stdout", Resume(false))}))) == "dataloader_stall @ job");
  // The skip that finished explains nothing: the timeout after it stays the hang's.
  CHECK(testing::CaseAnswer(Case("t-plc32-ff", nodes, Json::array({Log("job/stdout", Resume(true))}))).rfind("dataloader_stall", 0) != 0);
}

std::vector<std::string> Banners(const std::vector<std::string>& versions) {
  std::vector<std::string> out;
  for (size_t i = 0; i < versions.size(); ++i) {
    out.push_back("gx-" + std::to_string(i + 1) + ":71" + std::to_string(i) + ":71" + std::to_string(i) +
                  " [0] NCCL INFO NCCL version " + versions[i]);
  }
  out.push_back("[rank9]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
                "internal error - please report this issue to the NCCL developers, NCCL version " + versions.back().substr(0, 6));
  for (int r : {3, 17}) {
    out.push_back("[rank" + std::to_string(r) + "]:[E1122 10:15:00.000000 ProcessGroupNCCL.cpp:1834] [PG ID 0 Rank " + std::to_string(r) +
                  "] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error");
  }
  return out;
}

TEST_CASE("plc32: NCCL versions that differ across a job's hosts") {
  auto m = FindMixedNcclVersions(Banners({"2.20.3+cuda12.3", "2.22.3+cuda12.6", "2.20.3+cuda12.3"}));
  REQUIRE(m.has_value());
  CHECK(m->versions == std::vector<std::string>{"2.20.3", "2.22.3"});
  CHECK(m->writers == 4);  // three hosts and rank 9
  CHECK(m->first_line == 1);
  // Near misses: one version everywhere; a host that printed two versions (upgraded between runs);
  // versions printed with no writer.
  CHECK_FALSE(FindMixedNcclVersions(Banners({"2.20.3+cuda12.3", "2.20.3+cuda12.3"})).has_value());
  CHECK_FALSE(FindMixedNcclVersions({"gx-1:1:1 [0] NCCL INFO NCCL version 2.20.3+cuda12.3",
                                     "gx-1:2:2 [0] NCCL INFO NCCL version 2.22.3+cuda12.6"})
                  .has_value());
  CHECK_FALSE(FindMixedNcclVersions({"NCCL version 2.20.3+cuda12.3", "NCCL version 2.22.3+cuda12.6"}).has_value());
}

TEST_CASE("plc32: a job whose ranks run different NCCL versions fails at launch, not in one rank") {
  const std::vector<std::string> nodes = {"gx-1", "gx-2", "gx-3"};
  // Before: rank_process_crash on rank 3's GPU (the first "remote process exited").
  CHECK(testing::CaseAnswer(Case("t-plc32-nv", nodes, Json::array({Log("workers", Banners({"2.20.3+cuda12.3", "2.22.3+cuda12.6",
                                                                                             "2.20.3+cuda12.3"}))}))) ==
        "launch_config_error @ job");
  CHECK(testing::CaseAnswer(Case("t-plc32-nv", nodes, Json::array({Log("workers", Banners({"2.20.3+cuda12.3", "2.20.3+cuda12.3",
                                                                                             "2.20.3+cuda12.3"}))})))
            .rfind("launch_config_error", 0) != 0);
}

// Four RoCE nodes; completion errors (retries exhausted) on two of them, each to a different peer;
// node_exporter's netdev counters of every node's mlx5_0..3, tied to the HCA by an `ib_device`
// label. `flap`: rx-4's mlx5_2 link goes down and up and its PHY counts symbol errors.
Json RoceCase(bool flap, const char* hca_label) {
  const std::vector<std::string> nodes = {"rx-1", "rx-2", "rx-3", "rx-4"};
  std::vector<std::string> lines;
  for (int run = 0; run < 2; ++run) {
    lines.push_back("rx-1:2201:2290 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.9.0.31<5000" +
                    std::to_string(run) + "> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.9.0.11 remoteGids::ffff:10.9.0.31");
    lines.push_back("rx-2:2202:2291 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.9.0.47<5000" +
                    std::to_string(run) + "> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.9.0.12 remoteGids::ffff:10.9.0.47");
  }
  Json c = Case("t-plc32-roce", nodes, Json::array({Log("workers", lines)}));
  const int64_t t0 = 1796100000000;
  Json metrics = Json::array();
  for (const std::string& node : nodes) {
    for (int nic = 0; nic < 4; ++nic) {
      const bool bad = flap && node == "rx-4" && nic == 2;
      Json carrier = Json::array(), symbols = Json::array();
      for (int i = 0; i < 40; ++i) {
        carrier.push_back(Json::array({t0 + 30000LL * i, 2.0 + (bad ? 2.0 * (i / 10) : 0.0)}));
        symbols.push_back(Json::array({t0 + 30000LL * i, bad ? 500.0 + 60.0 * i : 0.0}));
      }
      Json labels = {{"instance", node + ":9100"}, {"device", "eth" + std::to_string(nic)}, {hca_label, "mlx5_" + std::to_string(nic)}};
      metrics.push_back({{"name", "node_network_carrier_changes_total"}, {"labels", labels}, {"samples", std::move(carrier)}});
      metrics.push_back({{"name", "node_ethtool_rx_symbol_err_phy"}, {"labels", labels}, {"samples", std::move(symbols)}});
    }
  }
  c["metrics"] = std::move(metrics);
  return c;
}

TEST_CASE("plc32: a RoCE NIC's netdev flapping, tied to its HCA by a label, places the link failure") {
  // Before: ib_link_failure @ rx-1 (the first completion error's writer).
  CHECK(testing::CaseAnswer(RoceCase(true, "ib_device")) == "ib_link_failure @ rx-4/mlx5_2");
  // Near misses: no netdev flaps (the logs' place stays); a netdev that names no HCA.
  CHECK(testing::CaseAnswer(RoceCase(false, "ib_device")).find("rx-4") == std::string::npos);
  CHECK(testing::CaseAnswer(RoceCase(true, "ifalias")).find("rx-4/mlx5_2") == std::string::npos);
}

TEST_CASE("plc32: a quota error under the path Lustre's client tool reports on is the shared file system's") {
  const std::vector<std::string> evidence = {
      "[rank5] async save to /lfsproj/run7/step_900 failed: OSError: [Errno 122] Disk quota exceeded: '/lfsproj/run7/step_900/__5_0.distcp'"};
  // Before: not shared (the quota report's line is no export's mount line).
  CHECK(StorageIsShared(evidence, StorageLines({"$ lfs quota -g mlgrp /lfsproj", "     /lfsproj 9000000000* 0 9000000000 - 12 0 0 -"})));
  // Near misses: the tool on another path; the same report as plain text with no Lustre tool.
  CHECK_FALSE(StorageIsShared(evidence, StorageLines({"$ lfs quota -g mlgrp /home", "     /home 10 0 100 - 1 0 0 -"})));
  CHECK_FALSE(StorageIsShared(evidence, StorageLines({"quota for /lfsproj: 9000000000 of 9000000000 used"})));
}

TEST_CASE("plc32: a project's checkpoint quota is the job's storage, not the node of the ranks that printed it") {
  const std::vector<std::string> nodes = {"qn-1", "qn-2", "qn-3"};
  std::vector<std::string> lines;
  for (int r = 8; r < 11; ++r) {
    lines.push_back("2026-11-24 0" + std::to_string(r - 7) + ":00:00,000 WARNING torch.distributed.checkpoint: [rank" + std::to_string(r) +
                    "] async save to /lfsproj/run7/step_" + std::to_string(r) + "00 failed: OSError: [Errno 122] Disk quota exceeded: "
                    "'/lfsproj/run7/step_" + std::to_string(r) + "00/__" + std::to_string(r) + "_0.distcp'");
  }
  Json logs = Json::array({Log("trainer", lines), Log("lfs", {"$ lfs quota -g mlgrp /lfsproj", "     /lfsproj 9000000000* 0 9000000000 - 12 0 0 -"})});
  // Before: storage_failure @ qn-2 (ranks 8-10's node by the layout).
  CHECK(testing::CaseAnswer(Case("t-plc32-quota", nodes, logs)) == "storage_failure @ job");
}

TEST_CASE("plc32: the scheduler's event ties a pod to its node; the kubelet's kill names the pod") {
  auto fact = ScheduledPod("2026-11-25T08:00:00Z Normal   Scheduled  pod/ft-w-03  Successfully assigned ml/ft-w-03 to kn-7");
  REQUIRE(fact.has_value());
  CHECK(fact->pod == "ft-w-03");
  CHECK(fact->node == "kn-7");
  CHECK_FALSE(ScheduledPod("0s Normal Scheduled pod/x-1 Successfully assigned x-1 to <none>").has_value());
  CHECK(KubeletKilledPod("2026-11-25T09:00:00Z Normal   Killing    pod/ft-w-03  Container trainer failed liveness probe, will be restarted") ==
        "ft-w-03");
  CHECK(KubeletKilledPod("Warning Unhealthy pod/ft-w-03 Liveness probe failed: context deadline exceeded").empty());
  CHECK(KubeletKilledPod("Normal Killing pod/ft-w-03 Stopping container trainer").empty());
}

Json KilledCase(bool with_kill) {
  const std::vector<std::string> nodes = {"kn-6", "kn-7", "kn-8"};
  std::vector<std::string> events = {"2026-11-25T08:00:00Z Normal   Scheduled  pod/ft-w-00  Successfully assigned ml/ft-w-00 to kn-6",
                                     "2026-11-25T08:00:00Z Normal   Scheduled  pod/ft-w-01  Successfully assigned ml/ft-w-01 to kn-7",
                                     "2026-11-25T08:00:00Z Normal   Scheduled  pod/ft-w-02  Successfully assigned ml/ft-w-02 to kn-8",
                                     "2026-11-25T09:00:00Z Warning  Unhealthy  pod/ft-w-01  Liveness probe failed: Get \"http://10.1.0.7:8080/healthz\": "
                                     "context deadline exceeded"};
  if (with_kill) events.push_back("2026-11-25T09:00:30Z Normal   Killing    pod/ft-w-01  Container trainer failed liveness probe, will be restarted");
  std::vector<std::string> trainer;
  for (int r : {2, 19}) {
    trainer.push_back("[rank" + std::to_string(r) + "]:[E1125 09:00:32.000000 ProcessGroupNCCL.cpp:1834] [PG ID 0 Rank " + std::to_string(r) +
                      "] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error");
  }
  return Case("t-plc32-kill", nodes, Json::array({Log("kubernetes/events", events), Log("trainer", trainer)}));
}

TEST_CASE("plc32: the pod the kubelet killed is where the peers' 'remote process exited' comes from") {
  // Before: rank_process_crash @ kn-6/gpu2 (the first survivor's line).
  CHECK(testing::CaseAnswer(KilledCase(true)) == "rank_process_crash @ kn-7");
  // No kill, only a failed probe: the place stays the survivors'.
  CHECK(testing::CaseAnswer(KilledCase(false)) == "rank_process_crash @ kn-6/gpu2");
}

}  // namespace
}  // namespace vigil
