// PLC78 (2026-12-08, realistic63 / 64 / 65, SEEN fixes: last session's leftovers): evidence written for
// these tests (made-up minimal lines in the real tools' shapes, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/memlock_probe_limit.h"

namespace vigil {
namespace {

ProbeResult NcclPass(const std::string& target, const std::string& reason) {
  ProbeResult pr;
  pr.probe = "nccl.allreduce";
  pr.target = target;
  pr.status = ProbeStatus::kPass;
  pr.reason = reason;
  return pr;
}

// 1. (rl63-30) A job-wide NCCL test that passed under an unlimited locked-memory limit, where the job's
//    registrations failed under a small one: the launch's limit, not the network.
TEST_CASE("plc78: StatesUnlimitedMemlock and JobWidePassOutsideMemlock") {
  CHECK(StatesUnlimitedMemlock("16-GPU all-reduce 370 GB/s (run from a login shell, memlock unlimited)"));
  CHECK(StatesUnlimitedMemlock("ulimit -l unlimited"));
  CHECK(StatesUnlimitedMemlock("LimitMEMLOCK=infinity"));
  CHECK(StatesUnlimitedMemlock("memlock=unlimited nofile=65536"));
  CHECK(StatesUnlimitedMemlock("memlock=4194304"));  // 4 GiB in KiB
  CHECK_FALSE(StatesUnlimitedMemlock("memlock=64 nofile=131072"));
  CHECK_FALSE(StatesUnlimitedMemlock("ok (unlimited retries)"));
  CHECK_FALSE(StatesUnlimitedMemlock("memlock 64 KiB, timeouts unlimited"));

  CHECK(JobWidePassOutsideMemlock(NcclPass("job", "16-GPU all-reduce 370 GB/s (memlock unlimited)")));
  CHECK(JobWidePassOutsideMemlock(NcclPass("", "all-reduce ok; ulimit -l unlimited")));
  CHECK_FALSE(JobWidePassOutsideMemlock(NcclPass("job", "16-GPU all-reduce 370 GB/s")));
  CHECK_FALSE(JobWidePassOutsideMemlock(NcclPass("ab-07", "8-GPU all-reduce ok (memlock unlimited)")));  // one node
  ProbeResult failed = NcclPass("job", "ibv_reg_mr failed (memlock unlimited)");
  failed.status = ProbeStatus::kFail;
  CHECK_FALSE(JobWidePassOutsideMemlock(failed));
  ProbeResult detailed = NcclPass("job", "ok");
  detailed.details = Json{{"memlock", "unlimited"}};
  CHECK(JobWidePassOutsideMemlock(detailed));
  // vigil-probe's own record (probe_math.h's MemlockOf: "unlimited", or the soft limit in KiB).
  detailed.details = Json{{"memlock", 8388608.0}};  // 8 GiB
  CHECK(JobWidePassOutsideMemlock(detailed));
  detailed.details = Json{{"memlock", 64.0}};  // the job's 64 KiB: no test outside the job's limit
  CHECK_FALSE(JobWidePassOutsideMemlock(detailed));
}

std::string MemlockCase(const std::string& probe_status, const std::string& probe_reason) {
  return R"JSON({
  "id": "plc78-memlock",
  "topology": {"nodes": ["ab-07", "ab-08"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-4410.out", "lines": [
    "srun: job 4410 step 0: 16 tasks on 2 nodes (ab-[07-08])",
    "ab-07 memlock=64 nofile=65536",
    "ab-07:5100:5300 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ib0:10.9.0.7<0>",
    "ab-07:5100:5300 [0] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory",
    "ab-08:6100:6300 [3] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory",
    "[rank0]: torch.distributed.DistBackendError: NCCL error: unhandled system error, NCCL version 2.21.5",
    "[rank0]: Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory",
    "srun: error: ab-07: tasks 0-7: Exited with exit code 1"]}],
  "probes": {"nccl.allreduce@job": {"probe": "nccl.allreduce", "target": "job", "status": ")JSON" +
         probe_status + R"JSON(", "metrics": {}, "thresholds": {}, "reason": ")JSON" + probe_reason + R"JSON(", "duration_s": 4.0}}
})JSON";
}

TEST_CASE("plc78: a job-wide all-reduce passing outside the job's small memlock limit makes the limit the launch's") {
  const Diagnosis d = testing::RunCaseText(MemlockCase("pass", "16-GPU all-reduce 371 GB/s (launched from a login shell, memlock unlimited)"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  CHECK(testing::HasEvidenceWith(d, "outside the job's locked-memory limit"));
  // The same all-reduce failing the same way: the job's NCCL network cannot come up (PLC62 stands).
  const Diagnosis f = testing::RunCaseText(MemlockCase("fail", "ncclSystemError: ibv_reg_mr_iova2 Cannot allocate memory on init"));
  CHECK(f.root_cause == "nccl_network_misconfig");
  CHECK(f.component == "job");
}

}  // namespace
}  // namespace vigil
