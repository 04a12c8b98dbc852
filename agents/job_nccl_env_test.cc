// JobEnvPassBlind's readers (agents/job_nccl_env.h) and the reasoner's use of them: a passing NCCL test
// that ran without the job's NCCL settings is not read against nccl_network_misconfig (rl52-27, seen;
// the cases below are written here, nodes qm-, no case text of the set).
#include "agents/job_nccl_env.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_net_missing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::HasEvidenceWith;
using testing::Log;

ProbeResult Pass(const std::string& reason, Json details = Json()) {
  ProbeResult pr;
  pr.probe = "nccl.allreduce";
  pr.target = "qm-01";
  pr.status = ProbeStatus::kPass;
  pr.reason = reason;
  pr.details = std::move(details);
  return pr;
}

Json BootstrapCase(const std::string& reason, Json details = Json()) {
  Json c = Case("t-jobenv", {"qm-01", "qm-02"},
                Json::array({Log("qm-01/rank0.err",
                                 {"qm-01:2211:2211 [0] NCCL INFO NCCL_DEBUG set by environment to INFO",
                                  "qm-01:2211:2211 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9f1",
                                  "qm-01:2211:2211 [0] NCCL WARN Bootstrap : no socket interface found",
                                  "[rank0]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, "
                                  "internal error - please report this issue to the NCCL developers"}),
                             Log("qm-02/rank8.err",
                                 {"qm-02:3102:3102 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9f1",
                                  "qm-02:3102:3102 [0] NCCL WARN Bootstrap : no socket interface found"})}));
  Json p = {{"probe", "nccl.allreduce"}, {"target", "qm-01"}, {"status", "pass"},
            {"metrics", {{"busbw_gb_s", 372.0}}}, {"thresholds", {{"busbw_gb_s_min", 300.0}}},
            {"reason", reason}, {"duration_s", 9.0}};
  if (!details.is_null()) p["details"] = details;
  c["probes"]["nccl.allreduce@qm-01"] = p;
  return c;
}

}  // namespace

TEST_CASE("ReadJobNcclSettings: NCCL's 'set by environment to' lines, logging variables left out") {
  auto s = ReadJobNcclSettings({"h1:1:1 [0] NCCL INFO NCCL_DEBUG set by environment to INFO",
                                "h1:1:1 [0] NCCL INFO NCCL_DEBUG_SUBSYS set by environment to INIT,NET",
                                "h1:1:1 [0] NCCL INFO NCCL_TOPO_DUMP_FILE set by environment to /tmp/t.xml",
                                "h1:1:1 [0] NCCL INFO NCCL_IB_HCA set by environment to =mlx5_0:1,mlx5_3:1",
                                "h1:1:1 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0",
                                "h2:1:1 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth2.",
                                "step 10 loss 2.3"});
  REQUIRE(s.size() == 2);
  CHECK(s["NCCL_IB_HCA"].value == "=mlx5_0:1,mlx5_3:1");
  CHECK(s["NCCL_SOCKET_IFNAME"].value == "eth2");  // the last value, its full stop dropped
  CHECK(s["NCCL_SOCKET_IFNAME"].line == 5);
  CHECK(ReadJobNcclSettings({"export NCCL_SOCKET_IFNAME=eth0", "NCCL_IB_HCA set to mlx5_0",
                             std::string(2100, 'x') + " NCCL INFO NCCL_IB_HCA set by environment to mlx5_0"})
            .empty());
}

TEST_CASE("ProbeNcclEnv: the details' nccl_env, else the reason's words, else unknown") {
  auto e = ProbeNcclEnv(Pass("8-GPU all-reduce 380 GB/s", Json{{"nccl_env", {{"NCCL_IB_HCA", "mlx5_0"}}}}));
  REQUIRE(e);
  CHECK(e->at("NCCL_IB_HCA") == "mlx5_0");
  e = ProbeNcclEnv(Pass("2-node all-reduce (probe pod, default NCCL env) busbw 361 GB/s"));
  REQUIRE(e);
  CHECK(e->empty());
  CHECK(ProbeNcclEnv(Pass("all-reduce busbw 380 GB/s; NCCL environment: default")));
  CHECK(ProbeNcclEnv(Pass("all-reduce busbw 380 GB/s, no NCCL_* set")));
  CHECK_FALSE(ProbeNcclEnv(Pass("2-node all-reduce busbw 361 GB/s")));
  CHECK_FALSE(ProbeNcclEnv(Pass("all-reduce with the job's NCCL env", Json{{"nccl_env", "eth0"}})));  // not an object
}

TEST_CASE("JobSettingsTestLacked: the job's settings a test lacked or set otherwise") {
  std::map<std::string, NcclSetting> job{{"NCCL_SOCKET_IFNAME", {"eth2", 0}}, {"NCCL_IB_HCA", {"mlx5_0", 1}}};
  auto lacked = JobSettingsTestLacked(job, Pass("x", Json{{"nccl_env", {{"NCCL_IB_HCA", "mlx5_0"}, {"NCCL_SOCKET_IFNAME", "eth0"}}}}));
  REQUIRE(lacked.size() == 1);
  CHECK(lacked[0] == "NCCL_SOCKET_IFNAME=eth2");
  CHECK(JobSettingsTestLacked(job, Pass("x", Json{{"nccl_env", {{"NCCL_IB_HCA", "mlx5_0"}, {"NCCL_SOCKET_IFNAME", "eth2"}}}})).empty());
  CHECK(JobSettingsTestLacked(job, Pass("busbw 380 GB/s")).empty());  // the test's environment unknown
  CHECK(JobSettingsTestLacked({}, Pass("default NCCL env")).empty());  // the job showed no setting
  CHECK(JobSettingsTestLacked(job, Pass("default NCCL env")).size() == 2);
}

TEST_CASE("a passing NCCL test run without the job's NCCL settings is not read against nccl_network_misconfig") {
  // Before: the default-environment pass counted against the job's NCCL_SOCKET_IFNAME (the probe -1.2).
  Diagnosis d = testing::RunCaseWithOwnProbes(BootstrapCase("2-node all-reduce busbw 372 GB/s (default NCCL env)"), true);
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(HasEvidenceWith(d, "the test ran without the job's NCCL_SOCKET_IFNAME=ens9f1"));
  // vigil-probe's details say the same.
  Diagnosis v = testing::RunCaseWithOwnProbes(BootstrapCase("2-node all-reduce busbw 372 GB/s", Json{{"nccl_env", Json::object()}}), true);
  CHECK(HasEvidenceWith(v, "the test ran without the job's NCCL_SOCKET_IFNAME=ens9f1"));
  CHECK(v.confidence == doctest::Approx(d.confidence));
  // Near miss: a test run with the job's own settings still counts against it, and the answer is lower.
  Diagnosis j = testing::RunCaseWithOwnProbes(
      BootstrapCase("2-node all-reduce busbw 372 GB/s", Json{{"nccl_env", {{"NCCL_SOCKET_IFNAME", "ens9f1"}}}}), true);
  CHECK_FALSE(HasEvidenceWith(j, "the test ran without"));
  CHECK(j.confidence < d.confidence);
  // A result that does not say its environment is read as before.
  Diagnosis u = testing::RunCaseWithOwnProbes(BootstrapCase("2-node all-reduce busbw 372 GB/s"), true);
  CHECK_FALSE(HasEvidenceWith(u, "the test ran without"));
  CHECK(u.confidence == doctest::Approx(j.confidence));
}

TEST_CASE("StatesNcclNoSocketInterface: NCCL found no socket interface") {
  CHECK(StatesNcclNoSocketInterface("[2026-12-07 10:46:00] vm:595:595 [0] bootstrap.cc:114 NCCL WARN Bootstrap : no socket interface found"));
  CHECK(StatesNcclNoSocketInterface("Bootstrap : no socket interface found"));  // PyTorch's echo after "Last error:"
  CHECK(StatesNcclNoSocketInterface("h:1:1 [0] NCCL WARN NET/Socket : no interface found"));
  CHECK_FALSE(StatesNcclNoSocketInterface("h:1:1 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.4<0>"));
  CHECK_FALSE(StatesNcclNoSocketInterface("h:1:1 [0] NCCL INFO NET/IB : No device found."));
  CHECK_FALSE(StatesNcclNoSocketInterface(std::string(4001, 'x') + " Bootstrap : no socket interface found"));
}

// The real output of NCCL 2.28.9 under PyTorch on the H100 machine (probes/HISTORY.md run 54,
// probes/gpu/nccl_env_demo.sh): a job with NCCL_SOCKET_IFNAME naming an interface the host lacks, and
// vigil-probe's nccl.allreduce run with the default environment (it passed).
TEST_CASE("real NCCL 2.28 output of a bad NCCL_SOCKET_IFNAME: nccl_network_misconfig, not a launch error") {
  Json c = Case("t-run54", {"vm"},
                Json::array({Log("vm/job/stderr",
                                 {"vm:595:595 [0] NCCL INFO ENV/Plugin: Could not find: libnccl-env.so",
                                  "vm:595:595 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to vigil_nosuch0",
                                  "",
                                  "[2026-12-07 10:46:00] vm:595:595 [0] bootstrap.cc:114 NCCL WARN Bootstrap : no socket interface found",
                                  "vm:595:595 [0] NCCL INFO init.cc:126 -> 5",
                                  "vm:595:595 [0] NCCL INFO init.cc:160 -> 5",
                                  "Traceback (most recent call last):",
                                  "  File \"/work/main/probes/gpu/real_errors.py\", line 37, in <module>",
                                  "    dist.all_reduce(t)",
                                  "torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3135, "
                                  "invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.28.9",
                                  "ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
                                  "Last error:",
                                  "Bootstrap : no socket interface found",
                                  "E1207 10:46:01.849000 573 torch/distributed/elastic/multiprocessing/api.py:986] failed (exitcode: 1) "
                                  "local_rank: 0 (pid: 595) of binary: /opt/torch/.venv/bin/python3"})}));
  c["probes"]["nccl.allreduce@vm"] = {
      {"probe", "nccl.allreduce"}, {"target", "vm"}, {"status", "pass"},
      {"reason", "measured only: no baseline for nccl.allreduce on NVIDIA H100 80GB HBM3 in the thresholds file(s), so "
                 "throughput was not judged"},
      {"duration_s", 0.7},
      {"details", {{"nccl_env", {{"NCCL_NVLS_ENABLE", "0"}, {"NCCL_VERSION", "2.28.3-1"}}}}}};
  // Before: nccl_network_misconfig 0.31 tied with launch_config_error 0.31 (the ncclInvalidUsage line).
  Diagnosis d = testing::RunCaseWithOwnProbes(c, true);
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(HasEvidenceWith(d, "the test ran without the job's NCCL_SOCKET_IFNAME=vigil_nosuch0"));
  CHECK(testing::ProbabilityOf(d, "launch_config_error") < d.confidence / 2);
}

}  // namespace vigil
