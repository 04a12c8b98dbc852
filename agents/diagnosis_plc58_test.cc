// PLC58 (2026-12-07): what realistic52 ("the data pipeline") showed - SEEN fixes, not blind. General
// readings, each with short lines written here as another cluster prints the same shapes (no case text of
// the set):
// - a /dev/shm at the container runtime's default size, full, beside workers' bus errors: the launch's
//   (container_shm.h);
// - a note on pasted counters "same counters at DATE" days ago, itself a "# " comment: history
//   (stale_counter_lines.h);
// - perfquery's "PortSymbolErrorCounter" spelling of the symbol-error counter (ib_counter_lines.h);
// - a straggler report ranking a node's ranks by forward + backward time, as a range: every GPU of the
//   node slow (slow_compute_node.h);
// - a diff lifting the maximum sequence length: a long sample's CUDA OOM is the job's
//   (seq_limit_lifted.h).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "agents/container_shm.h"
#include "agents/diagnosis_testing.h"
#include "agents/ib_counter_lines.h"
#include "agents/seq_limit_lifted.h"
#include "agents/slow_compute_node.h"
#include "agents/stale_counter_lines.h"

namespace vigil {
namespace {

std::string Answer(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

}  // namespace

TEST_CASE("plc58 FindDefaultSizeShm: a full /dev/shm of the container default beside a bus error") {
  const std::string bus = "RuntimeError: DataLoader worker (pid 88) is killed by signal: Bus error.";
  CHECK(FindDefaultSizeShm({bus, "shm   64M   64M     0 100% /dev/shm"}) == std::optional<size_t>(1));
  CHECK(FindDefaultSizeShm({"tmpfs on /dev/shm type tmpfs (rw,nosuid,nodev,size=65536k)", bus}) == std::optional<size_t>(0));
  // A memory-backed volume of its own size: not the default.
  CHECK_FALSE(FindDefaultSizeShm({bus, "shm  256G  64M  256G   1% /dev/shm"}));
  // Small but nearly empty, no bus error: nothing to read.
  CHECK_FALSE(FindDefaultSizeShm({bus, "shm   64M   1M   63M   2% /dev/shm"}));
  CHECK_FALSE(FindDefaultSizeShm({"shm   64M   64M     0 100% /dev/shm"}));
}

// Workers on two pods die of SIGBUS, df shows the pods' /dev/shm at 64M, the host has memory to spare.
// Before: host_oom on the first pod's node.
TEST_CASE("plc58 workers' bus errors on a default-size /dev/shm answer the launch, on the job") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc58-shm", "alert": null,
    "topology": {"nodes": ["qx-07", "qx-08"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [
      {"source": "job-5512/qx-07.log", "lines": [
        "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
        "[rank2]: RuntimeError: DataLoader worker (pid 3301) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit."]},
      {"source": "job-5512/qx-08.log", "lines": [
        "[rank11]: RuntimeError: DataLoader worker (pid 4410) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit."]},
      {"source": "shell", "lines": [
        "$ kubectl exec job-5512-worker-1 -- df -h /dev/shm",
        "Filesystem      Size  Used Avail Use% Mounted on",
        "shm              64M   64M     0 100% /dev/shm"]}]
  })JSON");
  CHECK(Answer(d) == "launch_config_error @ job");
}

TEST_CASE("plc58 StaleCounterLines: a '# same counters at DATE' comment closes its output") {
  CaseLog log;
  log.source = "qx-09/ib.txt";
  for (const char* t : {"# perfquery -x -C mlx5_2 -P 1 (qx-09)", "PortSymbolErrorCounter:........5",
                        "# same counters at 2027-04-01: SymbolErrorCounter 5 (unchanged since the cable swap)"}) {
    LogLine l;
    l.number = log.lines.size() + 1;
    l.text = t;
    log.lines.push_back(l);
  }
  const int64_t apr12 = 20920;  // 2027-04-12 (days since 1970-01-01)
  CHECK(StaleCounterLines(log, apr12) == std::vector<bool>{false, true, true});
  CHECK(StaleCounterLines(log, 20910) == std::vector<bool>{false, false, false});  // the day after: today's
}

TEST_CASE("plc58 SymbolErrorTrickleLines reads perfquery's PortSymbolErrorCounter spelling") {
  CHECK(SymbolErrorTrickleLines({"PortSymbolErrorCounter:........3", "PortLinkDownedCounter:..........0"}, 10) ==
        std::vector<size_t>{0});
  CHECK(SymbolErrorTrickleLines({"PortSymbolErrorCounter:........3", "PortLinkDownedCounter:..........2"}, 10).empty());
}

TEST_CASE("plc58 RanksByComputeTime and ComputeRankRange: forward + backward time, a rank range") {
  CHECK(RanksByComputeTime("slowest ranks by fwd+bwd: 16..23 (qx-03) 8,100 ms; median 5,200 ms"));
  CHECK(RanksByComputeTime("slowest ranks by forward/backward time: 8-15"));
  CHECK_FALSE(RanksByComputeTime("slowest ranks by step time: 16..23"));
  CHECK(ComputeRankRange("slowest ranks by fwd+bwd: 16..23 (qx-03) 8,100 ms") == std::make_pair(16, 23));
  CHECK(ComputeRankRange("ranks 120-127 slow") == std::make_pair(120, 127));
  CHECK_FALSE(ComputeRankRange("slowest rank by fwd+bwd: 17"));
}

// A lowered power cap read on one GPU; the straggler report names all 8 ranks of the node by their forward +
// backward time. Before: gpu_power_throttle on qx-03/gpu2.
TEST_CASE("plc58 a node's ranks slow in fwd+bwd place a power throttle on the node") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc58-node-cap", "alert": null,
    "topology": {"nodes": ["qx-02", "qx-03"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [{"source": "train.log", "lines": [
      "[rank0]: 2027-04-12 10:20:00 INFO slowest ranks by fwd+bwd: 8..15 (qx-03) 8,120 ms; median 5,410 ms"]}],
    "metrics": [
      {"name": "DCGM_FI_DEV_POWER_MGMT_LIMIT", "labels": {"Hostname": "qx-03", "gpu": "2"},
       "samples": [[1807525200000, 700], [1807525260000, 700], [1807525320000, 350], [1807525380000, 350], [1807525440000, 350]]},
      {"name": "DCGM_FI_DEV_POWER_USAGE", "labels": {"Hostname": "qx-03", "gpu": "2"},
       "samples": [[1807525200000, 690], [1807525260000, 688], [1807525320000, 349], [1807525380000, 350], [1807525440000, 349]]}]
  })JSON");
  CHECK(Answer(d) == "gpu_power_throttle @ qx-03");
}

TEST_CASE("plc58 StatesSeqLimitLifted: a diff's added line that lifts the length cap") {
  CHECK(StatesSeqLimitLifted("+    max_seq_length: null   # long-context SFT"));
  CHECK(StatesSeqLimitLifted("+  truncation: false"));
  CHECK(StatesSeqLimitLifted("seq_len: -1  # changed 2027-04-10, was: 4096"));
  CHECK_FALSE(StatesSeqLimitLifted("-    max_seq_length: null"));
  CHECK_FALSE(StatesSeqLimitLifted("+    max_seq_length: 16384"));
  CHECK_FALSE(StatesSeqLimitLifted("max_seq_length: null"));  // a config dump, no change said
  CHECK_FALSE(StatesSeqLimitLifted("+++ b/conf/train.yaml"));
}

// One rank's CUDA OOM after a diff removed the maximum sequence length. Before: cuda_oom on qx-05/gpu3.
TEST_CASE("plc58 a CUDA OOM after the sequence-length cap was lifted is the job's") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
    "id": "plc58-seq-cap", "alert": null,
    "topology": {"nodes": ["qx-04", "qx-05"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
    "logs": [
      {"source": "train-771.log", "lines": [
        "[rank11]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 30.00 GiB. GPU 3 has a total capacity of 79.10 GiB of which 12.20 GiB is free."]},
      {"source": "repo", "lines": [
        "$ git diff HEAD~1 -- conf/sft.yaml",
        "-  max_seq_length: 4096",
        "+  max_seq_length: null"]}]
  })JSON");
  CHECK(Answer(d) == "cuda_oom @ job");
}

}  // namespace vigil
