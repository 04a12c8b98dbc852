// PLC4 (2026-12-04): the answer's place — the GPU, the node or the job.
//   1. A collective hang whose watchdog lines, from ranks on several nodes, all time out at one SeqNum
//      in one collective is the job's even when only one rank printed its "last enqueued / last
//      completed" progress line (SameProgressAcrossNodes counts the watchdog lines' ranks).
//   2. nvidia-smi's "Unable to determine the device handle for GPU4: 0000:3D:00.0: Unknown Error" ties
//      index 4 to bus 3d:00 (GpuIdReader), so an Xid 79 naming only the bus places the fault on GPU 4;
//      a --query-gpu table goes on after that line.
//   3. A log whose source is the `nvidia-smi --query-gpu=...` command (the rows alone as its lines)
//      names its table's columns (GpuIdTies reads the source first).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/gpu_ids.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// A watchdog line of torch 2.5's ProcessGroupNCCL for `rank` at `seq` in `op`.
std::string Watchdog(int rank, int seq, const std::string& op) {
  const std::string r = std::to_string(rank);
  return "[rank" + r + "]:[E1204 02:41:07.5512" + r + " 9" + r + "88 ProcessGroupNCCL.cpp:632] [Rank " + r +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=33554432, NumelOut=33554432, Timeout(ms)=900000) ran for 900027 milliseconds before timing out.";
}

// An expert-parallel job on four nodes (32 ranks, rank r on nodes[r / 8]) hung in an all-to-all:
// ranks 0, 11, 19 and 30 print their watchdog line, rank 0 alone its progress line; `seq19` is the
// SeqNum rank 19 (on ep-c03) times out at.
Json AllToAllHang(int seq19) {
  std::vector<std::string> lines = {
      "[2026-12-04 02:25:51] iter 12880 | lm loss 2.114 | 2.93 s/it | grad norm 0.41",
      Watchdog(0, 9120, "ALLTOALL_BASE"),
      Watchdog(11, 9120, "ALLTOALL_BASE"),
      Watchdog(19, seq19, "ALLTOALL_BASE"),
      Watchdog(30, 9120, "ALLTOALL_BASE"),
      "[rank0]:[E1204 02:41:07.562100 90088 ProcessGroupNCCL.cpp:1834] [PG ID 2 PG GUID 7(EP) Rank 0] Timeout at "
      "NCCL work: 9120, last enqueued NCCL work: 9120, last completed NCCL work: 9119.",
      "srun: error: ep-c01: tasks 0-7: Aborted (core dumped)",
  };
  return Case("t-plc4-a2a", {"ep-c01", "ep-c02", "ep-c03", "ep-c04"}, Json::array({Log("slurm-88120.out", lines)}));
}

TEST_CASE("plc4: ranks on four nodes timing out at one all-to-all, one progress line: the job's hang") {
  Diagnosis d = testing::RunCaseWithOwnProbes(AllToAllHang(9120));
  CHECK(d.root_cause == "nccl_collective_hang");
  // Before: ep-c01/gpu0, the GPU of rank 0, the one rank whose progress line was kept.
  CHECK(d.component == "job");
}

TEST_CASE("plc4: a rank timing out at an earlier SeqNum still places the hang (guard)") {
  Diagnosis d = testing::RunCaseWithOwnProbes(AllToAllHang(9119));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component != "job");
}

TEST_CASE("plc4: nvidia-smi's device-handle error ties its index to its bus id; the table goes on") {
  GpuIdReader r;
  CHECK(r.Read("$ nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader").empty());
  CHECK(r.Read("3, 00000000:3C:00.0").size() == 1);
  std::vector<GpuIds> lost = r.Read("Unable to determine the device handle for GPU4: 0000:3D:00.0: Unknown Error");
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].index == 4);
  CHECK(lost[0].bus == "0000:3d:00");
  std::vector<GpuIds> next = r.Read("5, 00000000:4E:00.0");
  REQUIRE(next.size() == 1);
  CHECK(next[0].index == 5);
  // Without an index ("GPU 0000:3D:00.0") the line ties nothing.
  CHECK(GpuIdReader().Read("Unable to determine the device handle for GPU 0000:3D:00.0: Unknown Error").empty());
}

// A job on two nodes (rank r on nodes[r / 8]) that died at a checkpoint: ranks 12 and 13 on lg-02
// report "unknown error", lg-02's kernel log names the GPU only by its bus id, and nvidia-smi there
// cannot open GPU 4 at that bus id.
Json OffBusCase(const std::string& handle_line) {
  return Case("t-plc4-offbus", {"lg-01", "lg-02"},
              Json::array({Log("slurm-5512.out (srun --label)",
                               {"0: [2026-12-04 04:10:02] step 3000: saving checkpoint",
                                "12: [rank12]: RuntimeError: CUDA error: unknown error",
                                "13: [rank13]: RuntimeError: CUDA error: unknown error",
                                "srun: error: lg-02: tasks 8-15: Exited with exit code 1"}),
                           Log("ssh lg-02 'journalctl -k --since 04:00 | grep NVRM'",
                               {"Dec 04 04:10:03 lg-02 kernel: NVRM: Xid (PCI:0000:3d:00): 79, pid=7121, name=python3, "
                                "GPU has fallen off the bus.",
                                "Dec 04 04:10:03 lg-02 kernel: NVRM: GPU 0000:3d:00.0: GPU has fallen off the bus."}),
                           Log("ssh lg-02 nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader",
                               {"3, 00000000:3C:00.0", handle_line, "5, 00000000:4E:00.0"})}));
}

TEST_CASE("plc4: an Xid 79 naming a bus id that nvidia-smi's device-handle error ties to GPU 4 is GPU 4's") {
  Diagnosis d = testing::RunCaseWithOwnProbes(
      OffBusCase("Unable to determine the device handle for GPU4: 0000:3D:00.0: Unknown Error"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  // Before: lg-02 (the bus id tied to no index).
  CHECK(d.component == "lg-02/gpu4");
}

TEST_CASE("plc4: the device-handle error of another bus id ties the Xid's to no GPU (guard)") {
  Diagnosis d = testing::RunCaseWithOwnProbes(
      OffBusCase("Unable to determine the device handle for GPU4: 0000:3E:00.0: Unknown Error"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "lg-02");
}

// One rank slow in its host-to-device copies on pc-03 (rank r on nodes[r / 8]); the kernel log and
// lspci name the GPU by bus id 5e:00 only; the bus ids' indices are in a --query-gpu table whose
// command is the log's `source`.
Json PcieCase(const std::string& smi_source) {
  return Case("t-plc4-pcie", {"pc-01", "pc-02", "pc-03"},
              Json::array({Log("train log (rank 0)",
                               {"[2026-12-04 03:20:11] step 700 | slowest rank 21: h2d_copy 388 ms (median 35 ms)",
                                "[2026-12-04 03:25:40] step 800 | slowest rank 21: h2d_copy 391 ms (median 36 ms)"}),
                           Log("ssh pc-03 'journalctl -k | grep -i aer | tail -2'",
                               {"Dec 04 02:11:09 pc-03 kernel: pcieport 0000:5a:01.0: AER: Corrected error received: "
                                "0000:5e:00.0",
                                "Dec 04 02:11:09 pc-03 kernel: nvidia 0000:5e:00.0: PCIe Bus Error: severity=Corrected, "
                                "type=Physical Layer"}),
                           Log("ssh pc-03 sudo lspci -vv -s 5e:00.0 | grep LnkSta:",
                               {"\t\tLnkSta:\tSpeed 16GT/s (downgraded), Width x8 (downgraded)"}),
                           Log(smi_source, {"4, 00000000:4D:00.0, 5, 16", "5, 00000000:5E:00.0, 4, 8",
                                            "6, 00000000:6F:00.0, 5, 16"})}));
}

TEST_CASE("plc4: a --query-gpu table whose command is the log's source ties its rows' bus ids") {
  Diagnosis d = testing::RunCaseWithOwnProbes(PcieCase(
      "ssh pc-03 nvidia-smi --query-gpu=index,pci.bus_id,pcie.link.gen.current,pcie.link.width.current "
      "--format=csv,noheader"));
  CHECK(d.root_cause == "pcie_link_degraded");
  // Before: pc-03 (the table's rows read without their columns).
  CHECK(d.component == "pc-03/gpu5");
}

TEST_CASE("plc4: a source naming no --query-gpu columns ties nothing (guard)") {
  Diagnosis d = testing::RunCaseWithOwnProbes(PcieCase("ssh pc-03 cat /tmp/gpus.csv"));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pc-03");
}

}  // namespace
}  // namespace vigil
