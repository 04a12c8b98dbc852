// Round-12 tests of the built-in reasoner: where the process that wrote a line ran (a gathered
// log's "[rankN]:" prefix, Slurm's "srun: error: NODE: task N"), slow ranks named by Megatron's
// straggler detector, by a split collective wait and by "the max ... time", the flight recorder's
// rank behind the rest, a hang's onset from "ran for N milliseconds", an odd HCA above its peers
// (error counters) or named by the probe, numpy's amax vs FP8's, and the checksum vote on every
// node when silent data corruption leads without a GPU.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::FactsMatching;

const std::map<std::string, std::string>& Layers() {
  static const auto* m = new std::map<std::string, std::string>{
      {"cuda_oom", "application"},
      {"host_oom", "host"},
      {"gpu_memory_uncorrectable_ecc", "gpu"},
      {"nccl_collective_hang", "communication"},
      {"rank_process_crash", "communication"},
      {"illegal_memory_access", "application"},
      {"gpu_silent_data_corruption", "gpu"},
      {"loss_divergence", "numerics"},
      {"dataloader_stall", "performance"},
      {"straggler_rank", "performance"}};
  return *m;
}

// Four nodes of 8 GPUs, rank r on nodes[r / 8], GPU r % 8; one log gathered on g-1.
Json GatheredCase(const std::vector<std::string>& lines) {
  Json j = ParseJson(R"JSON({
    "id": "t-gathered",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-1/train.log", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["g-1", "g-2", "g-3", "g-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "cuda_oom", "component": "g-4/gpu7"}
  })JSON").value();
  j["logs"][0]["lines"] = lines;
  return j;
}

Diagnosis DiagnoseGathered(const std::vector<std::string>& lines,
                           const std::vector<std::pair<std::string, std::string>>& sigs) {
  auto c = ParseCase(GatheredCase(lines), "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return BuiltinReasoner().Diagnose(*c, FactsMatching(*c, sigs, Layers()), nullptr).diagnosis;
}

TEST_CASE("round 12: a gathered log's rank prefix places the line on the rank's own node and GPU") {
  // PyTorch's "[rank31]:" prefix: rank 31 runs on g-4, GPU 7, whatever node collected the output.
  Diagnosis d = DiagnoseGathered(
      {"[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 7 has a total "
       "capacity of 79.11 GiB of which 1.38 GiB is free.",
       "[rank0]:[E0520 10:14:18.312217000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation "
       "timeout: WorkNCCL(SeqNum=6120, OpType=SEND) ran for 600010 milliseconds before timing out."},
      {{"CUDA out of memory", "cuda_oom"}, {"Watchdog caught", "nccl_collective_hang"}});
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "g-4/gpu7");

  // Megatron's "[Rank 20]" after a timestamp: rank 20 is g-3's GPU 4.
  d = DiagnoseGathered({"[2026-03-07 05:24:42] [Rank 20] CUDA error: uncorrectable ECC error encountered"},
                       {{"uncorrectable ECC error", "gpu_memory_uncorrectable_ecc"}});
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "g-3/gpu4");

  // An application fault whose rank is on g-2, seen once: the GPU, not `job` (the gathering node
  // and the rank's node are one process, not two).
  d = DiagnoseGathered({"[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered"},
                       {{"illegal memory access", "illegal_memory_access"}});
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.component == "g-2/gpu2");

  // Slurm names the node whose task was OOM-killed.
  d = DiagnoseGathered({"srun: error: g-2: task 1: Out Of Memory"}, {{"Out Of Memory", "host_oom"}});
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "g-2");

  // RL2: srun names one task (srun launches one task per rank): the rank's GPU, where the topology
  // places rank 13 on the node srun names (g-2, GPU 5).
  d = DiagnoseGathered({"srun: error: g-2: task 13: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "g-2/gpu5");
  // A range of tasks names no one rank; a task the topology places on another node (one torchrun
  // per node: task 1 is the second node) names the node alone.
  d = DiagnoseGathered({"srun: error: g-2: tasks 8-15: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.component == "g-2");
  d = DiagnoseGathered({"srun: error: g-2: task 1: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.component == "g-2");
  // Review RV-RL2: srun launching one torchrun per node (`--ntasks-per-node=1`): task 0 is g-1's
  // launcher, which exits when any of g-1's eight ranks fails, not rank 0 on GPU 0: the node alone.
  d = DiagnoseGathered({"+ srun --nodes=4 --ntasks-per-node=1 torchrun --nnodes=4 --nproc-per-node=8 train.py",
                        "srun: error: g-1: task 0: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "g-1");
  // torchrun --tee's "[default5]:" prefix says the same (a per-node launcher), and srun -l's label
  // before it.
  d = DiagnoseGathered({" 0: [default5]:step 4410 loss 2.31",
                        "srun: error: g-1: task 0: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.component == "g-1");
  // The batch output holds only srun's line; torchrun's own output is another log of the case.
  {
    Json j = GatheredCase({"srun: error: g-1: task 0: Segmentation fault (core dumped)"});
    j["logs"].push_back(ParseJson(R"({"source": "g-1/torchrun.log", "lines": ["[default5]:step 4410 loss 2.31"]})").value());
    auto c = ParseCase(j, "t.json");
    REQUIRE_MESSAGE(c.ok(), c.status().message());
    d = BuiltinReasoner()
            .Diagnose(*c, FactsMatching(*c, {{"Segmentation fault", "rank_process_crash"}}, Layers()), nullptr)
            .diagnosis;
    CHECK(d.component == "g-1");
  }
  // A host OOM on a task the topology places on the node srun names (task 9: g-2, GPU 1) stays the
  // node's: the OOM killer's host memory is the node's, whichever rank it killed.
  d = DiagnoseGathered({"srun: error: g-2: task 9: Out Of Memory"}, {{"Out Of Memory", "host_oom"}});
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "g-2");
  // Without a launcher in the log srun's task 0 is rank 0 (g-1, GPU 0).
  d = DiagnoseGathered({"srun: error: g-1: task 0: Segmentation fault (core dumped)"},
                       {{"Segmentation fault", "rank_process_crash"}});
  CHECK(d.component == "g-1/gpu0");

  // slurmstepd's OOM line on the batch host takes the node srun names beside it.
  d = DiagnoseGathered({"slurmstepd: error: Detected 1 oom_kill event in StepId=339001.0. Some of the step tasks have "
                        "been OOM Killed.",
                        "srun: error: g-2: task 1: Out Of Memory"},
                       {{"oom_kill event", "host_oom"}});
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "g-2");

  // A line that only mentions a rank (no writer prefix) keeps the log's node: rank 0 may report on others.
  d = DiagnoseGathered({"rank 0: CUDA error: an illegal memory access was encountered on rank 10"},
                       {{"illegal memory access", "illegal_memory_access"}});
  CHECK(d.component.rfind("g-1", 0) == 0);
}

TEST_CASE("round 12: a node named like a GPU is no GPU index") {
  Json j = ParseJson(R"JSON({
    "id": "t-gpu-named-nodes",
    "alert": {"labels": {"alertname": "JobFailed", "job": "moe", "node": "gpu061"}, "startsAt": "2026-09-14T09:30:00Z"},
    "logs": [{"source": "gpu061/torchrun.log",
              "lines": ["[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered"]},
             {"source": "gpu062/journal",
              "lines": ["Sep 14 09:28:50 gpu062 kernel: NVRM: Xid (PCI:0000:3a:00): 31, pid=51902, name=python3, MMU Fault"]}],
    "metrics": [],
    "topology": {"nodes": ["gpu061", "gpu062"], "gpus_per_node": 8},
    "expected": {"root_cause": "illegal_memory_access", "component": "gpu062/gpu2"}
  })JSON").value();
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  Diagnosis d = BuiltinReasoner()
                    .Diagnose(*c,
                              FactsMatching(*c, {{"illegal memory access", "illegal_memory_access"},
                                                 {"Xid (PCI:0000:3a:00): 31", "illegal_memory_access"}},
                                            Layers()),
                              nullptr)
                    .diagnosis;
  CHECK(d.root_cause == "illegal_memory_access");
  // One process on one GPU (gpu062's GPU 2, rank 10), not GPU 62 and GPU 2 of two "processes".
  CHECK(d.component == "gpu062/gpu2");
}

// The ranks a line names as slow (empty when it names none).
std::vector<int> SlowRanks(const std::string& line) {
  auto m = FindSlowMention(line, {"g-1", "g-2"});
  return m ? m->ranks : std::vector<int>{};
}

TEST_CASE("round 12: slow participants named by a straggler detector, a wait split and the max time") {
  // Megatron-core's StragglerDetector: the slowest rank's round trip is 1.8x the fastest's.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 811.4ms/3 | MxRtt/Rnk: 1473.9ms/14 | MnPwr/Rnk: 601W/14 | "
                  "MxPwr/Rnk: 688W/3") == std::vector<int>{14});
  // Balanced: no one is slow.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 811.4ms/3 | MxRtt/Rnk: 830.0ms/14").empty());
  // Everyone waits in the collective except the one that arrives last.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.02s)") == std::vector<int>{0});
  CHECK(SlowRanks("allreduce wait 820 ms on ranks 8-15, rank 2 0.05 s") == std::vector<int>{2});
  // Waits of the same size, or the odd rank inside the waiting range: no culprit.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.25s)").empty());
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 0-23 (rank 5: 0.02s)").empty());
  // "ranks 16-23 report the max forward-backward time": those ranks.
  std::vector<int> r = SlowRanks("rank 16-23 report the max forward-backward time in 15/16 windows");
  CHECK(r.size() == 8);
  CHECK((!r.empty() && r.front() == 16));
  CHECK(SlowRanks("forward-backward time: (2911.02, 3980.77) max across ranks").empty());
}

TEST_CASE("FindNamedAbsentRanks: the named-rank list splits one way, so a long list before other words ends") {
  // Before, the list was `(?:\d+\s*(?:,|and)?\s*)+`: on a line it did not match, std::regex tried
  // every split of the list (20 ranks 2.3 s, doubling per rank; these 32 would not end).
  std::string many = "[rank0]: ranks";
  for (int r = 0; r < 32; ++r) {
    many += ' ';
    many += std::to_string(r);
  }
  many += " did not see the new store value";
  CHECK(FindNamedAbsentRanks({many}).empty());
  CHECK(FindNamedAbsentRanks({"rank 11111111111111111111111111111111 did not see it"}).empty());
  // The lists it reads are read as before.
  for (const char* line : {"ranks 3, 5 did not reach the barrier", "ranks [3, 5] have not joined",
                           "Ranks 3 and 5 never arrived", "ranks 3, 5, did not respond", "ranks 3,5 failed to pass",
                           "waiting for ranks: 3, 5", "missing ranks [3 5]"}) {
    INFO(line);
    const auto named = FindNamedAbsentRanks({line});
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == 3);
    CHECK(named[1].first == 5);
  }
}

TEST_CASE("round 12: the flight recorder's rank behind the rest, and a hang's onset") {
  auto named = FindNamedAbsentRanks(
      {"[rank0]: Flight recorder: rank 34 last enqueued SeqNum 220143, all other ranks enqueued 220144"});
  CHECK((named.size() == 1 && named[0].first == 34));
  // Ahead of the others (or level with them) is not behind.
  CHECK(FindNamedAbsentRanks({"Flight recorder: rank 34 last enqueued SeqNum 220145, all other ranks enqueued 220144"})
            .empty());
  // A watchdog line is printed when the collective has run for its timeout: the hang began then.
  CHECK(OnsetTimeMs("Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1) ran for 600212 milliseconds",
                    1'000'000'000) == 1'000'000'000 - 600212);
  CHECK(OnsetTimeMs("step 10 loss 2.0", 5000) == 5000);
  CHECK(OnsetTimeMs("ran for 9000 milliseconds", 5000) == 5000);  // before the epoch: not a time
}

TEST_CASE("round 12: the odd HCA above its peers in error counters, or named by the probe") {
  Json d = ParseJson(R"({"per_hca_symbol_errors": {"mlx5_0": 0, "mlx5_1": 0, "mlx5_2": 4811, "mlx5_3": 2}})").value();
  CHECK(OddHcaInDetails(d) == "mlx5_2");
  // Counts the ports share are no odd one out; bandwidths still read low-side.
  CHECK(OddHcaInDetails(ParseJson(R"({"per_hca_symbol_errors": {"mlx5_0": 900, "mlx5_1": 800, "mlx5_2": 1000}})").value())
            .empty());
  CHECK(OddHcaInDetails(ParseJson(R"({"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_1": 95.0, "mlx5_2": 48.3}})").value())
            .empty());
  CHECK(OddHcaInDetails(ParseJson(R"({"slowest_hca": "mlx5_5", "note": "port 1 active width 1X"})").value()) == "mlx5_5");
  CHECK(OddHcaInDetails(ParseJson(R"({"a": "mlx5_5", "b": "mlx5_6"})").value()).empty());
}

TEST_CASE("round 12: numpy's amax is not FP8") {
  auto with = [](const std::string& line) {
    Json j = GatheredCase({line});
    auto c = ParseCase(j, "t.json");
    REQUIRE(c.ok());
    return CaseShowsFp8(*c);
  };
  CHECK(!with("eval: peak = np.amax(logits, axis=-1) took 3 ms"));
  CHECK(!with("torch.amax(x) returned inf"));
  CHECK(with("amax_history_len=1024 recipe=DelayedScaling"));
  CHECK(with("grad amax inf for layer 12"));
}

TEST_CASE("round 12: silent data corruption with no GPU named runs the checksum vote on every node") {
  Json j = GatheredCase({"[consistency] step 60110: DP replica param checksum mismatch: 1 of 4 replicas disagree "
                         "(replica 2, ranks 16-23, g-3)"});
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  testing::RecordedExecutor exec;
  exec.Record("gpu.sdc", "g-3", ProbeStatus::kFail, "gpu5 disagrees with the other 7 GPUs: 412 mismatched elements",
              4.4);
  exec.Record("gpu.sdc", "g-2", ProbeStatus::kPass, "bit-exact GEMM checksum vote within thresholds", 4.4);
  ReasonerOptions opts;
  opts.allow_intrusive = true;
  Diagnosis d = BuiltinReasoner(opts)
                    .Diagnose(*c, FactsMatching(*c, {{"checksum mismatch", "gpu_silent_data_corruption"}}, Layers()),
                              &exec)
                    .diagnosis;
  CHECK(exec.asked.count("gpu.sdc@g-3"));
  CHECK(exec.asked.count("gpu.sdc@g-4"));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "g-3/gpu5");
}

TEST_CASE("round 12: healthy GPUs on another node do not refute a fault the driver pinned to a GPU") {
  Json j = ParseJson(R"JSON({
    "id": "t-firmware-elsewhere",
    "alert": {"labels": {"alertname": "GPUXidCritical", "node": "n-2"}, "startsAt": "2026-01-07T03:20:00Z"},
    "logs": [{"source": "n-2/dmesg",
              "lines": ["[1863621.011002] NVRM: Xid (PCI:0000:ba:00): 62, pid=220931, name=python3, Internal micro-controller halt"]},
             {"source": "n-1/deepspeed.log",
              "lines": ["RuntimeError: CUDA error: unspecified launch failure"]}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2"], "gpus_per_node": 8,
                 "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu6": "0000:ba:00.0"}},
    "expected": {"root_cause": "gpu_firmware_error", "component": "n-2/gpu6"}
  })JSON").value();
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  testing::RecordedExecutor exec;
  for (int g = 0; g < 8; ++g) {
    exec.Record("gpu.health", "n-1/gpu" + std::to_string(g), ProbeStatus::kPass, "all health counters within thresholds",
                1.0);
  }
  std::map<std::string, std::string> layers = Layers();
  layers["gpu_firmware_error"] = "gpu";
  Diagnosis d = BuiltinReasoner()
                    .Diagnose(*c,
                              FactsMatching(*c, {{"micro-controller halt", "gpu_firmware_error"},
                                                 {"unspecified launch failure", "illegal_memory_access"}},
                                            layers),
                              &exec)
                    .diagnosis;
  // n-1's GPUs were checked (the launch failure was logged there) and are healthy ...
  CHECK(exec.asked.count("gpu.health@n-1/gpu0"));
  // ... which clears n-1, not the GPU the driver reported on n-2.
  CHECK(d.root_cause == "gpu_firmware_error");
  CHECK(d.component == "n-2/gpu6");
}

TEST_CASE("round 12: NCCL's remote-error line is no rank crash against a port's own link-down") {
  auto diagnose = [](const std::vector<std::string>& rank_lines) {
    Json j = ParseJson(R"JSON({
      "id": "t-ib-vs-crash",
      "alert": {"labels": {"alertname": "NCCLError", "job": "rlhf", "node": "n-1"}, "startsAt": "2026-05-26T02:50:00Z"},
      "logs": [{"source": "n-1/stderr", "lines": []},
               {"source": "n-3/journal",
                "lines": ["May 26 02:46:32 n-3 kernel: mlx5_core 0000:8a:00.0 ibp8as0: Link down"]}],
      "metrics": [],
      "topology": {"nodes": ["n-1", "n-2", "n-3"], "gpus_per_node": 8},
      "expected": {"root_cause": "ib_link_failure", "component": "n-3"}
    })JSON").value();
    j["logs"][0]["lines"] = rank_lines;
    auto c = ParseCase(j, "t.json");
    REQUIRE(c.ok());
    std::map<std::string, std::string> layers = Layers();
    layers["ib_link_failure"] = "network";
    return BuiltinReasoner()
        .Diagnose(*c,
                  FactsMatching(*c, {{"ncclRemoteError", "rank_process_crash"},
                                     {"remote process exited", "rank_process_crash"},
                                     {"Segmentation fault", "rank_process_crash"},
                                     {"Link down", "ib_link_failure"}},
                                layers),
                  nullptr)
        .diagnosis;
  };
  // Only the peers' ambiguous NCCL error: the port that went down is the cause.
  Diagnosis d = diagnose({"[rank2]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a "
                          "network error, NCCL version 2.21.5",
                          "[rank2]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
                          "exiting prematurely."});
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component.rfind("n-3", 0) == 0);
  // A rank that really died (its own crash line) keeps the earlier rule (order, else more evidence).
  d = diagnose({"[rank2]: Fatal Python error: Segmentation fault",
                "[rank2]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
                "exiting prematurely."});
  CHECK(d.root_cause == "rank_process_crash");
}

TEST_CASE("round 12: a driver too old on one node's ranks is that node's launch fault") {
  auto diagnose = [](const std::vector<std::string>& lines) {
    auto c = ParseCase(GatheredCase(lines), "t.json");
    REQUIRE(c.ok());
    KnowledgeFacts f;
    f.categories = {"launch_config_error", "rank_process_crash"};
    f.layers = {{"launch_config_error", "application"}, {"rank_process_crash", "communication"}};
    FlatLogs flat = FlattenLogs(*c);
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      // The pack files the driver mismatch under the host, a rendezvous timeout under the job.
      if (flat.lines[i].find("too old") != std::string::npos) {
        f.log_matches.push_back({i, flat.lines[i], "too old", "too old", "pack-driver", "launch_config_error", "host"});
      } else if (flat.lines[i].find("waiting for clients") != std::string::npos) {
        f.log_matches.push_back(
            {i, flat.lines[i], "waiting for clients", "waiting for clients", "pack-rdzv", "launch_config_error", "job"});
      }
    }
    return BuiltinReasoner().Diagnose(*c, f, nullptr).diagnosis;
  };
  // `srun -l` output: task 16 and 21 (g-3) cannot use their driver; rank 0 waits for them at rendezvous.
  Diagnosis d = diagnose({"16: [rank16]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020).",
                          "21: [rank21]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020).",
                          "0: [rank0]: torch.distributed.DistStoreError: Timed out after 901 seconds waiting for "
                          "clients. 24/32 clients joined."});
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "g-3");
  // The same error on two nodes' ranks: an image rolled out to the job, not one node.
  d = diagnose({"[rank16]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020).",
                "[rank24]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020)."});
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
}

}  // namespace
}  // namespace vigil
