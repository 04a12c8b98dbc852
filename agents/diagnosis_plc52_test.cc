// PLC52 (2026-12-07): what realistic47 showed (SEEN, not blind). General readings, each with cases
// written here as other clusters print the same failure (nodes tn-NN, no case text of the set):
// - a store server whose port another job holds (EADDRINUSE): its own clients' connect failures to
//   that port are the collision's, launch_config_error (store_port_in_use.h);
// - a file-system client's reconnection does not end the stall its ranks still wait on: a hang written
//   after it is the stall's wait, no new fault (storage_stall_wait.h);
// - a health checker's "GPU N row remap completed after reset" ends that GPU's memory fault: an Xid 48
//   of another job, repaired hours before, does not explain a divergence (StatesFaultOver).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/earlier_sightings.h"
#include "agents/rank_numerics.h"

namespace vigil {
namespace {

// Two jobs on tn-05 both launch with MASTER_PORT 29511: ours cannot listen there, and its clients
// time out connecting to the port, which the other job's agent holds.
constexpr const char* kPortCollision = R"JSON({
  "id": "plc52-port-collision",
  "alert": null,
  "topology": {"nodes": ["tn-05", "tn-06"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "eval-7781.log", "lines": [
      "+ torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=tn-05:29511 run_eval.py",
      "[2026-12-02 14:20:03,551] torch.distributed.elastic.rendezvous.c10d_rendezvous_backend: [ERROR] Failed to start the TCPStore server on tn-05:29511",
      "RuntimeError: The server socket has failed to listen on any local network address. port: 29511, useIpv6: 0, code: -98, name: EADDRINUSE, message: address already in use",
      "torch.distributed.DistNetworkError: The client socket has timed out after 600000ms while trying to connect to (tn-05, 29511).",
      "[2026-12-02 14:30:03,702] torch.distributed.elastic.multiprocessing.errors.ChildFailedError: run_eval.py FAILED (exitcode: 1) on tn-06"]}
  ]
})JSON";

TEST_CASE("plc52: a store port another job holds makes its clients' timeouts the launch's, not the network's") {
  // Before: nccl_network_misconfig @ job (the client timeout outweighed the bind failure).
  const Diagnosis d = testing::RunCaseText(kPortCollision);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
}

TEST_CASE("plc52: a client timeout to another port than the one in use keeps its network reading") {
  // Near miss: the store that could not listen is on 29511, the client fails on 29600 (another store).
  std::string text = kPortCollision;
  const std::string from = "(tn-05, 29511)";
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "(tn-05, 29600)");
  // The client's timeout keeps its weight for nccl_network_misconfig (0.31, level with the bind failure's
  // launch_config_error; moved, it would be ~0.01).
  const Diagnosis d = testing::RunCaseText(text);
  double network = 0;
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == "nccl_network_misconfig") network = h.probability;
  }
  CHECK(network > 0.2);
}

// A save to a shared Lustre crawls: the client's requests to one OST time out, the connection is
// restored, the save goes on crawling, and 10 min later the peers' watchdog fires.
constexpr const char* kSaveStallAfterReconnect = R"JSON({
  "id": "plc52-save-stall",
  "alert": null,
  "topology": {"nodes": ["tn-11", "tn-12", "tn-13", "tn-14"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "pretrain-5512.out", "lines": [
      " [2026-12-02 08:10:00] iteration     9990/  50000 | elapsed time per iteration (ms): 2101.0 | lm loss: 1.820000E+00 | grad norm: 0.410 |",
      "saving checkpoint at iteration   10000 to /lfs/proj/ckpt",
      "[rank9]:[E1202 08:31:02.410021 40117 ProcessGroupNCCL.cpp:632] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=410022, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600020 milliseconds before timing out."]},
    {"source": "tn-11/dmesg", "lines": [
      "[Wed Dec  2 08:14:40 2026] LustreError: 11-0: lfs-OST0021-osc-ffff9c1100a2d000: operation ost_write to node 10.50.0.21@o2ib failed: rc = -110",
      "[Wed Dec  2 08:15:10 2026] Lustre: lfs-OST0021-osc-ffff9c1100a2d000: Connection restored to 10.50.0.21@o2ib (at 10.50.0.21@o2ib)"]}
  ]
})JSON";

TEST_CASE("plc52: a hang written after a Lustre reconnection is the save stall's wait") {
  // Before: nccl_collective_hang @ job (the reconnection made the stall "recovered" history).
  const Diagnosis d = testing::RunCaseText(kSaveStallAfterReconnect);
  CHECK(d.root_cause == "storage_failure");
}

TEST_CASE("plc52: StatesFaultOver reads a health checker's 'row remap completed after reset'") {
  CHECK(StatesFaultOver("Dec 2 09:48:12 tn-21 slurmd[1802]: nhc: GPU 3 row remap completed after reset, dcgmi diag -r 3 PASS") ==
        FaultOver::kGpu);
  CHECK(StatesFaultOver("GPU 00000000:5D:00.0: row remap was completed") == FaultOver::kGpu);
  // Still pending, or failed: not over.
  CHECK(StatesFaultOver("nhc: GPU 3 row remap failed after reset") == FaultOver::kNone);
  CHECK(StatesFaultOver("GPU 3: row remap pending, reset required") == FaultOver::kNone);
}

// An Xid 48 on tn-21's GPU 3 under an inference job, repaired (remap, diag PASS) hours before a
// training job resumed with a 5x learning rate and diverged (grad norm climbing, then NaN).
constexpr const char* kRepairedDbeBesideDivergence = R"JSON({
  "id": "plc52-repaired-dbe",
  "alert": null,
  "topology": {"nodes": ["tn-21", "tn-22"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "train-9001.out", "lines": [
      "[rank0]: resuming from /lfs/ckpt/iter_0050000 with overrides: --lr 1.5e-3 (was 3.0e-4)",
      " [2026-12-02 15:00:00] iteration    50010/ 200000 | elapsed time per iteration (ms): 2000.1 | learning rate: 1.500E-03 | lm loss: 1.910000E+00 | grad norm: 0.700 |",
      " [2026-12-02 15:00:40] iteration    50020/ 200000 | elapsed time per iteration (ms): 2000.2 | learning rate: 1.500E-03 | lm loss: 1.950000E+00 | grad norm: 3.900 |",
      " [2026-12-02 15:01:20] iteration    50030/ 200000 | elapsed time per iteration (ms): 2000.3 | learning rate: 1.500E-03 | lm loss: 2.810000E+00 | grad norm: 41.00 |",
      " [2026-12-02 15:02:00] iteration    50040/ 200000 | elapsed time per iteration (ms): 2000.4 | learning rate: 1.500E-03 | lm loss: 6.200000E+00 | grad norm: 702.0 |",
      " [2026-12-02 15:02:40] iteration    50050/ 200000 | elapsed time per iteration (ms): 2000.5 | learning rate: 1.500E-03 | lm loss: nan | grad norm: nan |"]},
    {"source": "tn-21 syslog", "lines": [
      "Dec 2 10:02:09 tn-21 kernel: NVRM: Xid (PCI:0000:5d:00): 48, pid=30112, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 1, subpartition 0.",
      "Dec 2 10:48:12 tn-21 slurmd[1802]: nhc: GPU 3 row remap completed after reset, dcgmi diag -r 3 PASS"]}
  ]
})JSON";

TEST_CASE("plc52: an Xid 48 repaired hours before does not explain another job's divergence") {
  // Before: gpu_memory_uncorrectable_ecc @ tn-21 (the repair line was not read as its end).
  const Diagnosis d = testing::RunCaseText(kRepairedDbeBesideDivergence);
  CHECK(d.root_cause == "loss_divergence");
}

// tn-31's GPU at bus 9a falls off the bus under an inference server; nvidia-smi's query lists every
// GPU but the lost one, whose "Unable to determine the device handle" line stands in row 4's place.
constexpr const char* kUnreadableRow = R"JSON({
  "id": "plc52-unreadable-row",
  "alert": null,
  "topology": {"nodes": ["tn-31"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "tn-31/dmesg", "lines": [
      "[Wed Dec  2 03:10:09 2026] NVRM: Xid (PCI:0000:9a:00): 79, pid=771, name=tritonserver, GPU has fallen off the bus.",
      "[Wed Dec  2 03:10:09 2026] NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus."]},
    {"source": "oncall-shell", "lines": [
      "$ ssh tn-31 nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader",
      "0, 00000000:18:00.0", "1, 00000000:2A:00.0", "2, 00000000:3A:00.0", "3, 00000000:5D:00.0",
      "Unable to determine the device handle for GPU0000:9A:00.0: Unknown Error",
      "5, 00000000:AB:00.0", "6, 00000000:BA:00.0", "7, 00000000:DB:00.0"]}
  ]
})JSON";

TEST_CASE("plc52: a GPU nvidia-smi cannot open is the index its row's place leaves") {
  // Before: gpu_fallen_off_bus @ tn-31 (the bus id mapped to no index).
  const Diagnosis d = testing::RunCaseText(kUnreadableRow);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "tn-31/gpu4");
}

// A rank's GPU falls off the bus; the Xid names the rank's pid (NCCL's "HOST:PID:TID [dev]" prefix
// ties pid 52210 to rank 13) and a bus id nothing in the case maps to an index.
constexpr const char* kXidPidOfRank = R"JSON({
  "id": "plc52-xid-pid",
  "alert": null,
  "topology": {"nodes": ["tn-41", "tn-42"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "pretrain-771.out", "lines": [
      "tn-42:52210:52431 [5] NCCL INFO comm 0x55aa01 rank 13 nRanks 16 nNodes 2 localRanks 8 localRank 5 MNNVL 0 - Init COMPLETE",
      "[rank13]:[E1202 04:12:10.000000 52210 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank 13] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure",
      "[rank2]:[E1202 04:22:09.100000 40002 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1201, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600031 milliseconds before timing out."]},
    {"source": "tn-42/dmesg", "lines": [
      "[Wed Dec  2 04:12:07 2026] NVRM: Xid (PCI:0000:ab:00): 79, pid=52210, name=python3, GPU has fallen off the bus.",
      "[Wed Dec  2 04:12:07 2026] NVRM: GPU 0000:ab:00.0: GPU has fallen off the bus."]}
  ]
})JSON";

TEST_CASE("plc52: an Xid whose bus maps to no index is the GPU of the rank whose pid it names") {
  // Before: gpu_fallen_off_bus @ tn-42 (the node only).
  const Diagnosis d = testing::RunCaseText(kXidPidOfRank);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "tn-42/gpu5");
}

TEST_CASE("plc52: rank 0's report on a data-parallel group's checksum singles out no rank") {
  // Rank 0 compares the dp groups' checksums and names group 2 (ranks 16-23): before, its "[rank0]:"
  // prefix was read as the rank that differs, and the SDC was placed on rank 0's GPU.
  const std::vector<std::string> lines = {
      "[rank0]: replica check at step 700: dp group 2 (ranks 16-23) param checksum 0x51aa09 differs from dp groups 0-1,3 (0x51aa07)",
      "[rank0]: replica check at step 750: dp group 2 (ranks 16-23) param checksum 0x77c1e2 differs from dp groups 0-1,3 (0x77c1e0)",
  };
  const std::optional<OneRankNumerics> r = FindOneRankNumerics(lines);
  CHECK_FALSE(r.has_value());
  // Its own report on itself still counts.
  CHECK(FindOneRankNumerics({"[rank5]: param checksum 0x1 differs from replicas", "[rank5]: param checksum 0x2 differs from replicas"})
            .has_value());
}

}  // namespace
}  // namespace vigil
