// PLC70 (2026-12-07, realistic62, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/cpu_quota_throttle.h"
#include "agents/cuda_forward_compat.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_interface_missing_host.h"
#include "agents/stopped_process.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// 1. (rl62-09) CUDA forward compatibility that fails on the node: the container's cuda-compat package
//    against a driver it cannot run with. The launch's set-up, on the whole job; not a rank's crash.
TEST_CASE("plc70: a CUDA forward-compatibility failure line") {
  CHECK(StatesCudaForwardCompatFailure("h1:10:12 [0] misc/cudawrap.cc:190 NCCL WARN cuMemCreate failed: CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"));
  CHECK(StatesCudaForwardCompatFailure("RuntimeError: CUDA error: forward compatibility was attempted on non supported HW"));
  CHECK(StatesCudaForwardCompatFailure("cudaErrorCompatNotSupportedOnDevice"));
  CHECK(StatesCudaForwardCompatFailure("UserWarning: The NVIDIA driver on your system is newer than the forward-compatibility package in the container"));
  CHECK_FALSE(StatesCudaForwardCompatFailure("cuda-compat=12.4 driver=550.54.15"));
  CHECK_FALSE(StatesCudaForwardCompatFailure("RuntimeError: CUDA driver version is insufficient for CUDA runtime version"));
  // The error line is preferred over the warning before it.
  const std::vector<std::string> lines{"x", "UserWarning: The NVIDIA driver on your system is newer than the forward-compatibility package",
                                       "cuInit failed: CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"};
  REQUIRE(FindCudaForwardCompatFailure(lines).has_value());
  CHECK(*FindCudaForwardCompatFailure(lines) == 2);
  CHECK_FALSE(FindCudaForwardCompatFailure({"NCCL INFO cudaDriverVersion 12040"}).has_value());
}

TEST_CASE("plc70: forward compatibility failing on some nodes is the job's launch set-up") {
  Json c = Case("t-plc70-compat", {"fx-n01", "fx-n02"},
                Json::array({Log("job.out", {
                    "fx-n02:501:601 [0] NCCL WARN cuMemCreate failed: CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE",
                    "[rank8]: torch.distributed.DistBackendError: NCCL error: unhandled cuda error",
                    "[rank0]:[E1207 06:03:58.221041 4101 ProcessGroupNCCL.cpp:1895] [PG 0 Rank 0] Process group watchdog "
                    "thread terminated with exception: NCCL error: remote process exited or there was a network error",
                    "srun: error: fx-n02: tasks 8-15: Exited with exit code 1"})}));
  // Before: rank_process_crash @ fx-n01/gpu0 (the watchdog's "remote process exited").
  const std::string a = testing::CaseAnswerDumped(c, "plc70-compat", "PLC70_DUMP");
  CHECK(a == "launch_config_error @ job");
}

// 2. (rl62-18) One pod's CPU throttled by a LimitRange (a namespace's default: every pod of the job gets
//    it) while the job's log says its steps wait for the next batch: the loader workers are starved of
//    CPU (dataloader_stall, the job), not one slow rank.
TEST_CASE("plc70: a loader's batch wait is an input wait") {
  CHECK(StatesInputWait("[t] 2026-12-06 11:51:20,402 - root - WARNING - dataloader: batch wait 9.81 s of 12.9 s step"));
  CHECK(StatesInputWait("data loader batch wait 4.0s"));
  CHECK_FALSE(StatesInputWait("checkpoint: wait for the async save 2.1 s"));
  CHECK(StatesNamespaceCpuLimit("pod/w-0 created resources.limits.cpu=8 (LimitRange team-defaults)"));
  CHECK(StatesNamespaceCpuLimit("k8s.apply limitrange/team-defaults in namespace ml: max cpu 64 -> 4"));
  CHECK_FALSE(StatesNamespaceCpuLimit("LimitRange team-defaults: max memory 512Gi"));
  CHECK_FALSE(StatesNamespaceCpuLimit("resources.limits.cpu=8"));
}

TEST_CASE("plc70: one pod throttled by a LimitRange's CPU limit while the steps wait for batches") {
  Json c = Case("t-plc70-limitrange", {"lr-n01", "lr-n02"},
                Json::array({Log("kube-events.txt", {"2026-12-06T11:11:00Z   Normal   Created   pod/job-w-0   "
                                                     "resources.limits.cpu=8 (LimitRange team-defaults)"}),
                             Log("pod/job-w-0", {"[t] 2026-12-06 11:51:20,402 - root - WARNING - dataloader: batch wait 9.5 s of 12.5 s step",
                                                 "[t] 2026-12-06 11:56:02,111 - root - WARNING - dataloader: batch wait 9.9 s of 12.8 s step"})}));
  Json m = Json::object();
  m["name"] = "container_cpu_cfs_throttled_periods_total";
  m["labels"] = {{"pod", "job-w-0"}, {"namespace", "team"}};
  Json samples = Json::array();
  const int64_t t0 = 1796558400000;  // 2026-12-06T12:00:00Z
  for (int i = 0; i < 6; ++i) samples.push_back(Json::array({t0 + i * 60000, 50000.0 + 550.0 * i}));
  m["samples"] = samples;
  c["metrics"].push_back(m);
  // Before: straggler_rank @ job (the throttling read as one slow rank's).
  const std::string a = testing::CaseAnswerDumped(c, "plc70-limitrange", "PLC70_DUMP");
  CHECK(a == "dataloader_stall @ job");
}

// 3. (rl62-12) One node's NCCL finds no socket interface while the job's other nodes found theirs: that
//    node lacks the interface (replaced without its secondary networks), not the job's setting.
TEST_CASE("plc70: the one host whose NCCL found no socket interface") {
  const std::vector<std::string> lines{
      "na-01:210:210 [0] NCCL INFO Bootstrap : Using net1:10.1.0.1<0>",
      "na-03:221:221 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to net1",
      "na-03:221:221 [0] bootstrap.cc:77 NCCL WARN Bootstrap : no socket interface found",
      "na-02:215:215 [0] NCCL INFO Bootstrap : Using net1:10.1.0.2<0>"};
  const InterfaceMissingHost odd = FindInterfaceMissingHost(lines);
  CHECK(odd.host == "na-03");
  CHECK(odd.line == 2);
  // Every host failing (or no other host's interface read) is the setting's, not one node's.
  CHECK(FindInterfaceMissingHost({lines[2], "na-04:1:1 [0] bootstrap.cc:77 NCCL WARN Bootstrap : no socket interface found"}).host.empty());
  CHECK(FindInterfaceMissingHost({lines[1], lines[2]}).host.empty());
  std::string host;
  CHECK_FALSE(ReadNcclNoInterfaceLine("[rank40]: Bootstrap : no socket interface found", host));
}

TEST_CASE("plc70: NCCL finding no socket interface on one node of the job places that node") {
  Json c = Case("t-plc70-noif", {"na-01", "na-02", "na-03"},
                Json::array({Log("pod/w-0", {"na-01:210:210 [0] NCCL INFO Bootstrap : Using net1:10.1.0.1<0>",
                                             "[rank0]:[E1203 19:38:02.110 ProcessGroupNCCL.cpp:1634] [PG 0 Rank 0] Watchdog caught "
                                             "collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE) ran for 600000 "
                                             "milliseconds before timing out."}),
                             Log("pod/w-1", {"na-02:215:215 [0] NCCL INFO Bootstrap : Using net1:10.1.0.2<0>"}),
                             Log("pod/w-2", {"na-03:221:221 [0] bootstrap.cc:77 NCCL WARN Bootstrap : no socket interface found",
                                             "[rank16]: Bootstrap : no socket interface found"})}));
  // Before: nccl_network_misconfig @ job.
  const std::string a = testing::CaseAnswerDumped(c, "plc70-noif", "PLC70_DUMP");
  CHECK(a == "nccl_network_misconfig @ na-03");
}

// 4. (rl62-30) A debugger attached to a pid in one log (sudo's auth log), the node's ps table in another
//    naming that pid's local rank: the stopped rank's GPU.
TEST_CASE("plc70: a pid's local rank from a process listing") {
  const std::vector<std::string> ps{"USER       PID STAT  %CPU COMMAND",
                                    "u1       4410 Sl   100  python train.py --local_rank=0",
                                    "u1       4416 tl     0  python train.py --local_rank=6",
                                    "root     4500 S+     1  cuda-gdb -p 4416"};
  CHECK(LocalRankOfPid(ps, 4416) == 6);
  CHECK(LocalRankOfPid(ps, 4410) == 0);
  CHECK(LocalRankOfPid(ps, 4500) == -1);
  CHECK(LocalRankOfPid({"4416 python x.py --local_rank 3"}, 4416) == 3);
  CHECK(LocalRankOfPid({"job 4416 ran --local_rank=3 at 12:00 as pid 9"}, 9) == -1);
}

TEST_CASE("plc70: a rank stopped by a debugger attached in another log of its node is its GPU") {
  Json c = Case("t-plc70-gdb", {"gd-n01", "gd-n02"},
                Json::array({Log("job.out", {"[rank9]:[E1207 02:14:41.118 ProcessGroupNCCL.cpp:1634] [PG 0 Rank 9] Watchdog caught "
                                             "collective operation timeout: WorkNCCL(SeqNum=40, OpType=ALLREDUCE) ran for 600018 "
                                             "milliseconds before timing out."}),
                             Log("gd-n02/auth.log", {"2026-12-07T02:04:30+01:00 gd-n02 sudo: ops1 : COMMAND=/usr/bin/gdb -p 5126"}),
                             Log("gd-n02/ps.txt", {"USER       PID STAT  %CPU COMMAND",
                                                   "u1       5120 Sl   101  python train.py --local_rank=0",
                                                   "u1       5126 tl     0  python train.py --local_rank=5"})}));
  // Before: nccl_collective_hang @ gd-n02/gpu1 (the auth log's line named no GPU; a waiter's GPU).
  const std::string a = testing::CaseAnswerDumped(c, "plc70-gdb", "PLC70_DUMP");
  CHECK(a == "nccl_collective_hang @ gd-n02/gpu5");
}

}  // namespace
}  // namespace vigil
