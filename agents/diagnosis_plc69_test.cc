// PLC69 (2026-12-07): what realistic61 ("versions that do not match: drivers, libraries, containers and
// firmware across the fleet") showed - SEEN fixes, not blind. General readings, each with short lines
// written here as another cluster prints the same shapes (no case text of the set):
// - NCCL's "Could not find network X" for a forced NCCL_NET the loaded plugin does not export
//   (nccl_net_missing.h);
// - a node whose driver cannot serve the image's CUDA: the others' store wait is the launch's, its
//   probes read the driver, not a GPU (store_connect_timeout.h, builtin_reasoner.cc 3z-driver);
// - a file system that failed to mount on one node, the job's I/O under it failing there: that node's
//   storage (fs_mount_failure.h);
// - the flight recorder's "rank N last enqueued SeqNum A; all other ranks last enqueued B" (hang_reports.h).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/fs_mount_failure.h"
#include "agents/hang_reports.h"
#include "agents/nccl_net_missing.h"
#include "agents/store_connect_timeout.h"

namespace vigil {
namespace {

std::string Answer(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

}  // namespace

TEST_CASE("plc69 StatesNcclNetNotFound reads NCCL's 'Could not find network X'") {
  CHECK(StatesNcclNetNotFound("h7:2201:2201 [0] NCCL WARN Could not find network AWS Libfabric; available: IB Socket"));
  CHECK(StatesNcclNetNotFound("[rank3]: Could not find network IBext_v9"));
  CHECK_FALSE(StatesNcclNetNotFound("Could not find network interface eth9"));
  CHECK_FALSE(StatesNcclNetNotFound("h7:2201:2201 [0] NCCL INFO NET/Plugin: Failed to find ncclNetPlugin_v9 symbol."));
}

TEST_CASE("plc69 a forced NCCL network the plugin does not export answers the job's NCCL network") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc69-netname",
 "alert": null,
 "topology": {"nodes": ["kx-01", "kx-02"], "gpus_per_node": 4, "timezone": "UTC",
              "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
 "logs": [
  {"source": "train.err", "lines": [
    "+ export NCCL_NET=IBext_v9",
    "kx-01:900:900 [0] NCCL INFO NET/Plugin: Loaded net plugin IBext_v8 (v8)",
    "kx-01:900:900 [0] NCCL WARN Could not find network IBext_v9; available: IBext_v8 IB Socket",
    "kx-02:901:901 [0] NCCL WARN Could not find network IBext_v9; available: IBext_v8 IB Socket",
    "[rank0]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2001, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.24.3",
    "[rank0]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
    "[rank0]: Last error:",
    "[rank0]: Could not find network IBext_v9"
  ]}
 ]
})JSON");
  CHECK(Answer(d) == "nccl_network_misconfig @ job");
  CHECK(testing::ProbabilityOf(d, "nccl_network_misconfig") > testing::ProbabilityOf(d, "launch_config_error"));
}

TEST_CASE("plc69 StatesStoreConnectTimeout reads c10d's connect timeout") {
  CHECK(StatesStoreConnectTimeout("[rank0]:[E0101 00:10:00.1 7 socket.cpp:1011] [c10d] The client socket has timed out after 900000ms while trying to connect to (gx-01, 29400)."));
  CHECK(StatesStoreConnectTimeout("torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 15/16 clients joined."));
  CHECK_FALSE(StatesStoreConnectTimeout("[c10d] The client socket has failed to bind"));
  CHECK_FALSE(StatesStoreConnectTimeout("NCCL WARN socket connect timed out"));
}

TEST_CASE("plc69 one node's driver too old for the image: the launch on that node, not the store's network") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc69-driver",
 "alert": null,
 "topology": {"nodes": ["gx-01", "gx-02", "gx-03", "gx-04"], "gpus_per_node": 2, "timezone": "UTC",
              "rank_layout": "rank r runs on nodes[r // 2], local GPU r % 2"},
 "logs": [
  {"source": "job.out", "lines": [
    "[rank4]: RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version",
    "[rank5]: RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version",
    "srun: error: gx-03: tasks 4-5: Exited with exit code 1",
    "[rank0]:[E0101 00:10:00.1 7 socket.cpp:1011] [c10d] The client socket has timed out after 600000ms while trying to connect to (gx-01, 29500)."
  ]}
 ],
 "probes": {
  "gpu.inventory@gx-03/gpu0": {"status": "pass", "metrics": {"gpus_visible": 2}, "thresholds": {"gpus_expected": 2}, "reason": "2 of 2 GPUs visible", "duration_s": 1.0},
  "gpu.kernel_launch@gx-03/gpu0": {"status": "fail", "metrics": {"launch_ok": 0}, "thresholds": {}, "reason": "cudaErrorInsufficientDriver (35)", "duration_s": 1.0}
 }
})JSON");
  CHECK(Answer(d) == "launch_config_error @ gx-03");
  CHECK(d.confidence >= 0.5);
  CHECK(testing::ProbabilityOf(d, "gpu_fallen_off_bus") < 0.1);
}

TEST_CASE("plc69 MountFailurePoint, StatesIoErrorUnder, StatesFsNotMounted") {
  CHECK(MountFailurePoint("Jan 2 03:00:01 n5 mount[901]: mount.lustre: mount 10.1.1.1@o2ib:/scr at /scratch/a failed: No such device") ==
        std::optional<std::string>("/scratch/a"));
  CHECK(MountFailurePoint("n5 systemd[1]: scratch-a.mount: Failed with result 'exit-code'.") ==
        std::optional<std::string>("/scratch/a"));
  CHECK(MountFailurePoint("n5 systemd[1]: Failed to mount Scratch (/scratch/a).") == std::optional<std::string>("/scratch/a"));
  CHECK(MountFailurePoint("n5 mount.nfs4[77]: mount.nfs4: Connection timed out, mount failed") == std::optional<std::string>(""));
  CHECK_FALSE(MountFailurePoint("n5 systemd[1]: Mounted /scratch/a."));
  CHECK_FALSE(MountFailurePoint("n5 kernel: Lustre: scr-OST0003: mounted"));
  CHECK(StatesIoErrorUnder("[rank9]: FileNotFoundError: [Errno 2] No such file or directory: '/scratch/a/ck/step_100/w.pt'", "/scratch/a"));
  CHECK(StatesIoErrorUnder("write /scratch/a/x: Stale file handle", "/scratch/a"));
  CHECK_FALSE(StatesIoErrorUnder("[rank9]: [Errno 2] No such file or directory: '/scratch/ab/w.pt'", "/scratch/a"));
  CHECK_FALSE(StatesIoErrorUnder("saving to /scratch/a/ck", "/scratch/a"));
  CHECK(StatesFsNotMounted("lustre module not loaded; /scratch/a not mounted"));
  CHECK(StatesFsNotMounted("/mnt/data is not mounted"));
  CHECK_FALSE(StatesFsNotMounted("Xid 79 in kernel log"));
}

TEST_CASE("plc69 a file system that failed to mount on one node answers that node's storage, not its GPUs") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc69-mount",
 "alert": null,
 "topology": {"nodes": ["hb-11", "hb-12", "hb-13", "hb-14"], "gpus_per_node": 4, "timezone": "UTC",
              "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
 "logs": [
  {"source": "hb-13/journal", "lines": [
    "2027-01-02 01:00:00 hb-13 dkms[411]: Error! Bad return status for module build on kernel: 6.8.0-51-generic (x86_64).",
    "2027-01-02 01:05:00 hb-13 mount[700]: mount.lustre: mount 10.9.0.1@o2ib:/proj at /proj failed: No such device",
    "2027-01-02 01:05:00 hb-13 systemd[1]: proj.mount: Failed with result 'exit-code'."
  ]},
  {"source": "train.log", "lines": [
    "2027-01-02 04:00:00 [rank0]: saving checkpoint at step 5000 to /proj/run3",
    "2027-01-02 04:00:02 [rank9]: FileNotFoundError: [Errno 2] No such file or directory: '/proj/run3/step_5000/rank_09.pt'",
    "2027-01-02 04:10:02 [rank2]:[E0102 04:10:02.1 5 ProcessGroupNCCL.cpp:616] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=700, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600010 milliseconds before timing out.",
    "srun: error: hb-13: tasks 8-11: Exited with exit code 1"
  ]}
 ],
 "probes": {
  "node.kernel_log@hb-13": {"status": "fail", "metrics": {"proj_mounted": 0}, "thresholds": {}, "reason": "lustre module not loaded; /proj not mounted", "duration_s": 1.0}
 }
})JSON");
  CHECK(Answer(d) == "storage_failure @ hb-13");
  CHECK(testing::ProbabilityOf(d, "gpu_fallen_off_bus") < testing::ProbabilityOf(d, "storage_failure"));
}

TEST_CASE("plc69 FindReportedLaggards reads 'rank N last enqueued A; all other ranks last enqueued B'") {
  const std::vector<std::string> lines = {
      "[rank0]:[E0101 00:00:01.1 9 ProcessGroupNCCL.cpp:1410] [PG 0 Rank 0] Dumping flight recorder: rank 21 last enqueued SeqNum 400 (last completed 400); all other ranks last enqueued 401"};
  const std::vector<ReportedLaggard> lag = FindReportedLaggards(lines);
  REQUIRE(lag.size() == 1);
  CHECK(lag[0].rank == 21);
  CHECK(FindReportedLaggards({"rank 21 last enqueued SeqNum 401; all other ranks last enqueued 401"}).empty());
  CHECK(FindReportedLaggards({"rank 21 last enqueued seq 402; all other ranks last enqueued 401"}).empty());
}

TEST_CASE("plc69 a flight recorder naming the rank behind places the hang on its GPU") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc69-fr",
 "alert": null,
 "topology": {"nodes": ["zq-1", "zq-2", "zq-3", "zq-4"], "gpus_per_node": 4, "timezone": "UTC",
              "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"},
 "logs": [
  {"source": "rank0.log", "lines": [
    "[rank0]:[E0101 05:00:00.1 9 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=501, OpType=ALLREDUCE, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
    "[rank5]:[E0101 05:00:00.1 9 ProcessGroupNCCL.cpp:616] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=501, OpType=ALLREDUCE, NumelIn=8, NumelOut=8, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
    "[rank0]:[E0101 05:00:01.1 9 ProcessGroupNCCL.cpp:1410] [PG 0 Rank 0] Dumping flight recorder: rank 10 last enqueued SeqNum 500 (last completed 500); all other ranks last enqueued 501"
  ]}
 ]
})JSON");
  CHECK(Answer(d) == "nccl_collective_hang @ zq-3/gpu2");
}

}  // namespace vigil
