// PLC28 (2026-12-05): what the blind set realistic32 showed (now SEEN, not blind). Three general
// readers (page_cause_lines.h) and where builtin_reasoner.cc uses them, tested with cases written
// here as other stacks print the same failures (nodes kx-NN / lx-NN, no case text of the set):
// - FirstRankAbortMs: GPU utilisation lost once the job's processes are taken down is no input stall;
// - LustreConnectBusy: a lone reconnect refused with EBUSY is no storage failure;
// - DataLoaderOutOfFiles: a data-loader worker out of file descriptors is the input pipeline failing;
// - StatesLocalBlockDeviceFailure: a storage fault whose evidence is the node's own disk failing is
//   that node's, though a line names the failed local path beside an export.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/page_cause_lines.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;
constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

}  // namespace

TEST_CASE("plc28 StatesRankAbort: the abort of a rank's process, as PyTorch, torchrun and Slurm print it") {
  CHECK(StatesRankAbort("[rank7]:[E1130 02:10:40.118002 4411 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0 Rank 7] Process group "
                        "watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error"));
  CHECK(StatesRankAbort("[E1130 02:10:40.2 ProcessGroupNCCL.cpp:630] Some NCCL operations have failed or timed out. Due to the "
                        "asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data. "
                        "To avoid data inconsistency, we are taking the entire process down."));
  CHECK(StatesRankAbort("E1130 02:10:44.004000 8700 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) "
                        "local_rank: 0 (pid: 8810) of binary: /usr/bin/python3"));
  CHECK(StatesRankAbort("torch.distributed.elastic.multiprocessing.errors.ChildFailedError:"));
  CHECK(StatesRankAbort("srun: error: lx-04: task 31: Exited with exit code 1"));
  CHECK(StatesRankAbort("srun: error: lx-04: tasks 24-31: Killed"));
  // Near misses: a watchdog's report of a slow collective, an exit with 0, a job step that ended well.
  CHECK_FALSE(StatesRankAbort("[rank2]:[W1130 02:06:10.1 ProcessGroupNCCL.cpp:1299] Warning: NCCL: collective ALLREDUCE waited 19.2 s for peers"));
  CHECK_FALSE(StatesRankAbort("srun: error: lx-04: task 31: Exited with exit code 0"));
  CHECK_FALSE(StatesRankAbort("E1130 torch/distributed/elastic/multiprocessing/api.py] failed (exitcode: 0)"));
  CHECK_FALSE(StatesRankAbort("step 1200 | loss 2.01 | the watchdog thread started"));
}

TEST_CASE("plc28 FirstRankAbortMs: the earliest timed abort; untimed lines and other lines are skipped") {
  const std::vector<std::string> lines = {"srun: error: lx-04: task 31: Exited with exit code 1",
                                          "step 1200 loss 2.01",
                                          "[rank7]: Process group watchdog thread terminated with exception: NCCL error",
                                          "[rank3]: Process group watchdog thread terminated with exception: NCCL error"};
  CHECK(FirstRankAbortMs(lines, {100, 50, 300, 200}, kNone) == 100);
  CHECK(FirstRankAbortMs(lines, {kNone, 50, 300, 200}, kNone) == 200);
  CHECK_FALSE(FirstRankAbortMs(lines, {kNone, 50, kNone, kNone}, kNone).has_value());
  CHECK_FALSE(FirstRankAbortMs({"step 1200 loss 2.01"}, {50}, kNone).has_value());
}

TEST_CASE("plc28 LustreConnectBusy: a reconnect refused with EBUSY, not another Lustre failure") {
  CHECK(LustreConnectBusy("Nov 30 02:41:20 lx-07 kernel: LustreError: 11-0: proj-OST0003-osc-ffff8a2b1c: operation ost_connect "
                          "to node 10.2.0.33@o2ib failed: rc = -16"));
  CHECK(LustreConnectBusy("LustreError: 11-0: home-MDT0000-mdc-ffff9d: operation mds_connect to node 10.2.0.2@tcp failed: rc = -16"));
  // Near misses: the same operation with another error, a write that failed, a connect timeout.
  CHECK_FALSE(LustreConnectBusy("LustreError: 11-0: proj-OST0003-osc-ffff8a2b1c: operation ost_connect to node 10.2.0.33@o2ib failed: rc = -110"));
  CHECK_FALSE(LustreConnectBusy("LustreError: 11-0: proj-OST0003-osc-ffff8a2b1c: operation ost_write to node 10.2.0.33@o2ib failed: rc = -16"));
  CHECK_FALSE(LustreConnectBusy("LustreError: 11-0: proj-OST0003-osc: operation ost_connect to node 10.2.0.33@o2ib failed: rc = -107"));
  CHECK_FALSE(LustreConnectBusy("operation ost_connect to node 10.2.0.33@o2ib failed: rc = -16"));  // not the client's error line
}

TEST_CASE("plc28 DataLoaderOutOfFiles: a loader worker at EMFILE, not another process's") {
  CHECK(DataLoaderOutOfFiles("RuntimeError: Too many open files. Communication with the workers is no longer possible. Please "
                             "increase the limit using `ulimit -n` in the shell or change the sharing strategy by calling "
                             "`torch.multiprocessing.set_sharing_strategy('file_system')` at the beginning of your code"));
  CHECK(DataLoaderOutOfFiles("[rank12]: DataLoader worker 5 failed: OSError: [Errno 24] Too many open files: '/datasets/web/shard-0093.tar'"));
  CHECK(DataLoaderOutOfFiles("2026-11-30 02:41:17 WARNING data_loader: worker 2 raised EMFILE opening s3cache/part-7.arrow"));
  // Near misses: EMFILE of a web server or of the checkpoint writer, a loader worker's other error.
  CHECK_FALSE(DataLoaderOutOfFiles("2026/11/30 02:41:17 [crit] 911#911: accept4() failed (24: Too many open files)"));
  CHECK_FALSE(DataLoaderOutOfFiles("[rank0]: checkpoint writer: OSError: [Errno 24] Too many open files: '/ckpt/step-900/__0_0.distcp'"));
  CHECK_FALSE(DataLoaderOutOfFiles("[rank12]: DataLoader worker 5 failed: OSError: [Errno 5] Input/output error: '/datasets/shard-0093.tar'"));
}

namespace {

// kx-11's 8 GPUs, DCGM_FI_DEV_GPU_UTIL every 30 s for 30 min from 2026-11-30 01:55:00 UTC
// (1796003700000): busy, then from sample `drop_at` on at `low`.
constexpr int64_t kT0 = 1796003700000;
constexpr int kSamples = 61;
Json UtilSeries(const std::string& node, int drop_at, double low) {
  Json metrics = Json::array();
  for (int g = 0; g < 8; ++g) {
    Json samples = Json::array();
    for (int i = 0; i < kSamples; ++i) samples.push_back(Json::array({kT0 + 30000LL * i, i < drop_at ? 96.0 + (i + g) % 3 : low}));
    metrics.push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"},
                       {"labels", {{"Hostname", node}, {"gpu", std::to_string(g)}, {"job", "dcgm-exporter"},
                                   {"instance", node + ":9400"}}},
                       {"samples", std::move(samples)}});
  }
  return metrics;
}

// A Megatron job on kx-11 / kx-12 whose ranks fail on IB completion errors with kx-12's mlx5_4 (its
// symbol errors rising, perfquery's counters after the incident), the watchdog's abort at 02:10:40;
// both nodes' kernel logs and kx-11's all-reduce pass. kx-11's GPUs drop to 0 % from `drop_at`.
Json IbAbortCase(int drop_at) {
  Json j = testing::ParseCaseText(R"JSON({
    "id": "plc28-ib-abort",
    "alert": null,
    "logs": [
      {"source": "slurm-5120/train.out", "lines": [
        "kx-11:4411:4590 [4] NCCL INFO NET/Plugin: Loaded net plugin NCCL RDMA Plugin v7 (v7)",
        " [2026-11-30 02:08:10] iteration    88120/  300000 | consumed samples:    90234880 | elapsed time per iteration (ms): 5102.0 | learning rate: 2.400E-04 | global batch size:  1024 | lm loss: 1.902000E+00 |",
        " [2026-11-30 02:08:22] iteration    88121/  300000 | consumed samples:    90235904 | elapsed time per iteration (ms): 11840.0 | learning rate: 2.400E-04 | global batch size:  1024 | lm loss: 1.901800E+00 |",
        "kx-11:4411:4590 [4] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.7.12<5120> with error 12, opcode 0, len 0, vendor err 129 (Recv) hca mlx5_4",
        "[rank4]:[E1130 02:10:40.118002 4411 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0 Rank 4] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
        "[rank12]:[E1130 02:10:41.003119 5520 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0 Rank 12] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
        "srun: error: kx-11: task 4: Exited with exit code 1"]},
      {"source": "fabric/port-counters", "lines": [
        "2026-11-30 02:24:02 perfquery kx-12 mlx5_4 port 1: SymbolErrorCounter 17690 PortRcvErrors 2210 LinkDownedCounter 0"]}],
    "metrics": [],
    "probes": {
      "node.kernel_log@kx-11": {"probe": "node.kernel_log", "target": "kx-11", "status": "pass", "metrics": {}, "thresholds": {},
                                "reason": "no Xid, AER, NVLink, mlx5 or OOM lines in the last hour", "duration_s": 0.3},
      "node.kernel_log@kx-12": {"probe": "node.kernel_log", "target": "kx-12", "status": "pass", "metrics": {}, "thresholds": {},
                                "reason": "no Xid, AER, NVLink, mlx5 or OOM lines in the last hour", "duration_s": 0.3},
      "nccl.allreduce@kx-11": {"probe": "nccl.allreduce", "target": "kx-11", "status": "pass", "metrics": {"busbw_gb_s": 400.0},
                               "thresholds": {"busbw_gb_s_min": 300.0}, "reason": "8-GPU all-reduce busbw 400 GB/s", "duration_s": 5.0}},
    "topology": {"nodes": ["kx-11", "kx-12"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON");
  Json metrics = UtilSeries("kx-11", drop_at, 0.0);
  Json sym = Json::array();
  for (int i = 0; i < kSamples; ++i) sym.push_back(Json::array({kT0 + 30000LL * i, 100.0 + 290.0 * i}));
  metrics.push_back({{"name", "node_infiniband_symbol_error_total"},
                     {"labels", {{"instance", "kx-12:9100"}, {"job", "node"}, {"device", "mlx5_4"}, {"port", "1"}}},
                     {"samples", std::move(sym)}});
  j["metrics"] = std::move(metrics);
  return j;
}

}  // namespace

TEST_CASE("plc28 StillBusyAt: the series' level at a moment against its own before it") {
  const std::vector<int64_t> ts = {0, 30, 60, 90, 120};
  CHECK(StillBusyAt(ts, {97, 96, 98, 97, 0}, 90));       // busy up to the moment, idle after it
  CHECK_FALSE(StillBusyAt(ts, {97, 96, 20, 18, 0}, 90));  // already starved before it
  CHECK_FALSE(StillBusyAt(ts, {97, 96, 98, 97, 0}, 0));   // one sample: no level to judge by
  CHECK_FALSE(StillBusyAt(ts, {0, 0, 0, 0, 0}, 120));     // never busy
  CHECK(StillBusyAt(ts, {97, NAN, 96, 95, 0}, 90));       // a gap is skipped
}

TEST_CASE("plc28 utilisation lost after the watchdog's abort is no dataloader stall (the IB fault stays the answer)") {
  // Busy until 02:12:00 (sample 34), after the abort at 02:10:40; the 5-minute average crosses 60 %
  // at 02:22. Before: dataloader_stall on the job at 0.49 from the node's `GPU_UTIL < 60`, ib 0.30.
  const Diagnosis d = testing::RunCaseWithOwnProbes(IbAbortCase(34));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "kx-12/mlx5_4");
  CHECK_FALSE(HasEvidenceWith(d, "avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) < 60"));
}

TEST_CASE("plc28 near miss: GPUs idle before the abort still count for the loader, though the average crosses after it") {
  // Idle from 02:06:00 (sample 22), before the abort at 02:10:40; the 5-minute average crosses at
  // 02:12:30, after it: the GPUs were starved before the job was taken down.
  const Diagnosis d = testing::RunCaseWithOwnProbes(IbAbortCase(22));
  CHECK(HasEvidenceWith(d, "avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) < 60"));
}

namespace {

// A Megatron job on lx-07 / lx-08 whose data-loader workers run out of file descriptors, one Lustre
// reconnect refused with EBUSY on lx-07 a few seconds later, and (`trouble`) ptlrpc's request
// timeouts beside it.
std::string LoaderEmfileCase(bool trouble) {
  std::string text = R"JSON({
    "id": "plc28-loader-emfile",
    "alert": null,
    "logs": [
      {"source": "slurm-7781/megatron.out", "lines": [
        " [2026-11-30 02:30:02] iteration    41200/  500000 | elapsed time per iteration (ms): 4102.0 | lm loss: 2.011E+00 |",
        "[rank12]: RuntimeError: Too many open files. Communication with the workers is no longer possible. Please increase the limit using `ulimit -n` in the shell or change the sharing strategy by calling `torch.multiprocessing.set_sharing_strategy('file_system')` at the beginning of your code",
        " [2026-11-30 02:50:02] iteration    41230/  500000 | elapsed time per iteration (ms): 16022.0 | lm loss: 2.010E+00 |"]},
      {"source": "lx-07/journal", "lines": [
        "Nov 30 02:41:20 lx-07 kernel: LustreError: 11-0: proj-OST0003-osc-ffff8a2b1c: operation ost_connect to node 10.2.0.33@o2ib failed: rc = -16"TROUBLE]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["lx-07", "lx-08"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  const std::string more =
      trouble ? ",\n        \"Nov 30 02:43:34 lx-07 kernel: Lustre: 41188:0:(client.c:2340:ptlrpc_expire_one_request()) @@@ Request "
                "sent has timed out for slow reply: [sent 1796006554/real 1796006554] o3->proj-OST0003-osc-ffff8a2b1c\""
              : "";
  text.replace(text.find("TROUBLE"), 7, more);
  return text;
}

}  // namespace

TEST_CASE("plc28 loader workers out of file descriptors beside a lone Lustre EBUSY reconnect: dataloader_stall") {
  // Before: storage_failure from the reconnect line (+3.0); the EMFILE line was not read.
  const Diagnosis d = testing::RunCaseText(LoaderEmfileCase(false));
  CHECK(d.root_cause == "dataloader_stall");
  CHECK(d.component == "job");
  CHECK(HasEvidenceWith(d, "a data-loader worker ran out of file descriptors"));
}

TEST_CASE("plc28 near miss: the same EBUSY beside ptlrpc request timeouts keeps its weight for storage") {
  const Diagnosis d = testing::RunCaseText(LoaderEmfileCase(true));
  CHECK_FALSE(HasEvidenceWith(d, "a Lustre reconnect refused with EBUSY"));
  bool storage_ranked = false;
  for (const Hypothesis& h : d.hypotheses) storage_ranked = storage_ranked || h.category == "storage_failure";
  CHECK(storage_ranked);
}

TEST_CASE("plc28 StatesLocalBlockDeviceFailure: the kernel's report of a local disk failing") {
  CHECK(StatesLocalBlockDeviceFailure("Nov 30 03:20:05 lx-21 kernel: nvme nvme1: I/O 88 QID 12 timeout, aborting"));
  CHECK(StatesLocalBlockDeviceFailure("[Mon Nov 30 03:21:37 2026] nvme nvme0: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff"));
  CHECK(StatesLocalBlockDeviceFailure("kernel: blk_update_request: I/O error, dev sdb, sector 88112 op 0x1:(WRITE) flags 0x0"));
  CHECK(StatesLocalBlockDeviceFailure("kernel: XFS (nvme1n1p1): metadata I/O error in \"xfs_imap_to_bp+0x5c/0xa0\" at daddr 0x10"));
  CHECK(StatesLocalBlockDeviceFailure("kernel: EXT4-fs error (device sdc1): ext4_find_entry:1455: inode #2: comm python3: reading directory lblock 0"));
  CHECK(StatesLocalBlockDeviceFailure("kernel: md/raid0:md127: Disk failure on nvme3n1 detected, failing array."));
  // Near misses: a network file system's errors, an I/O error a process printed, a healthy nvme line.
  CHECK_FALSE(StatesLocalBlockDeviceFailure("kernel: nfs: server nfs01 not responding, still trying"));
  CHECK_FALSE(StatesLocalBlockDeviceFailure("LustreError: 11-0: proj-OST0003-osc: operation ost_write to node 10.2.0.33@o2ib failed: rc = -5"));
  CHECK_FALSE(StatesLocalBlockDeviceFailure("OSError: [Errno 5] Input/output error: '/scratch_local/stage/step-900/__17_0.distcp'"));
  CHECK_FALSE(StatesLocalBlockDeviceFailure("kernel: nvme nvme1: 32/0/0 default/read/poll queues"));
}

namespace {

// A checkpoint staged on lx-21's local NVMe array (/scratch_local) fails there: two ranks' EIO, and
// (`kernel`) the node's own nvme timeouts and XFS shutdown; rank 0's line names the staging path
// beside the NFS export the stage is copied to.
std::string LocalStageCase(bool kernel) {
  std::string text = R"JSON({
    "id": "plc28-local-stage",
    "alert": null,
    "logs": [
      {"source": "lx-21/dmesg", "lines": [
        "[Mon Nov 30 03:19:02 2026] perf: interrupt took too long (2503 > 2500), lowering kernel.perf_event_max_sample_rate to 79750"KERNEL]},
      {"source": "job-9921/train.log", "lines": [
        "2026-11-30 03:19:40 [rank0] saving checkpoint step 900 to /scratch_local/stage/step-900, then copying to nfs01:/export/ckpt/run7",
        "2026-11-30 03:21:38 [rank17] checkpoint: OSError: [Errno 5] Input/output error: '/scratch_local/stage/step-900/__17_0.distcp'",
        "2026-11-30 03:21:38 [rank18] checkpoint: OSError: [Errno 5] Input/output error: '/scratch_local/stage/step-900/__18_0.distcp'"]}],
    "metrics": [], "probes": {},
    "topology": {"nodes": ["lx-20", "lx-21", "lx-22"], "gpus_per_node": 8, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"}
  })JSON";
  const std::string more =
      kernel ? ",\n        \"[Mon Nov 30 03:20:05 2026] nvme nvme1: I/O 88 QID 12 timeout, aborting\","
               "\n        \"[Mon Nov 30 03:21:37 2026] nvme nvme1: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff\","
               "\n        \"[Mon Nov 30 03:21:37 2026] blk_update_request: I/O error, dev nvme1n1, sector 88112 op 0x1:(WRITE) flags 0x8800\","
               "\n        \"[Mon Nov 30 03:21:37 2026] XFS (md0): log I/O error -5\""
             : "";
  text.replace(text.find("KERNEL"), 6, more);
  return text;
}

}  // namespace

TEST_CASE("plc28 a local disk's failure is the node's, though a line names the staging path beside an export") {
  // Before: `job` (rank 0's line read as an export's mount line; the ranks' EIO path as on it).
  const Diagnosis d = testing::RunCaseText(LocalStageCase(true));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "lx-21");
}

TEST_CASE("plc28 near miss: without the kernel's word on a local device the path rule stands") {
  const Diagnosis d = testing::RunCaseText(LocalStageCase(false));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
}

}  // namespace vigil
