// RG24 (2026-12-04): realistic20's and the holdouts' high-confidence wrong answers read for their
// family (seen). Each test is the rule an on-call engineer applies, on a case written for the test
// (nodes ry-NN, ma-NNNN), not copied from the sets.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "agents/diagnosis_testing.h"
#include "agents/rendezvous_host.h"

namespace vigil {
namespace {

Diagnosis Run(const std::string& text) { return testing::RunCaseText(text.c_str()); }

// Whether one evidence item of `d` holds `text`.
bool Evidenced(const Diagnosis& d, const std::string& text) {
  return std::any_of(d.evidence.begin(), d.evidence.end(),
                     [&](const Evidence& e) { return e.detail.find(text) != std::string::npos; });
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

// ---- 1. `scontrol show hostnames` of the job's list is its allocation ------------------------------

TEST_CASE("rg24: RunsShowHostnamesOfJob and IsBareHostName") {
  CHECK(RunsShowHostnamesOfJob("scontrol show hostnames $SLURM_JOB_NODELIST"));
  CHECK(RunsShowHostnamesOfJob("$ scontrol show hostnames \"$SLURM_NODELIST\" | cat"));
  CHECK(RunsShowHostnamesOfJob("scontrol show hostnames ${SLURM_JOB_NODELIST}; sinfo -n ma-0901"));
  CHECK(RunsShowHostnamesOfJob("$ scontrol show hostnames"));
  // An explicit list expands any hosts, not the job's; a word containing it is not the command.
  CHECK_FALSE(RunsShowHostnamesOfJob("scontrol show hostnames ma-[0901-0903]"));
  CHECK_FALSE(RunsShowHostnamesOfJob("scontrol show hostlist $SLURM_JOB_NODELIST"));
  CHECK(IsBareHostName("ry-0101"));
  CHECK(IsBareHostName("  node17.cluster.local "));
  CHECK_FALSE(IsBareHostName("PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST"));
  CHECK_FALSE(IsBareHostName("8"));
}

// Every rank's c10d client cannot reach ma-0901 (No route to host), the sbatch's hard-coded
// MASTER_ADDR; the allocation is printed by `scontrol show hostnames $SLURM_JOB_NODELIST`, one host
// a line, and ma-0901 is not in it. IB is up on the nodes.
constexpr const char* kShownHosts = R"JSON({
  "id": "rg24-shown-hostnames",
  "topology": {"nodes": ["ry-0101", "ry-0102", "ry-0103"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "job-55120.out (srun --label)", "lines": [
      "0: + torchrun --nnodes=3 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=ma-0901:29500 train.py",
      "0: [W0312 04:10:12 socket.cpp:755] [c10d] The client socket has failed to connect to [ma-0901]:29500 (errno: 113 - No route to host).",
      "2: [W0312 04:10:12 socket.cpp:755] [c10d] The client socket has failed to connect to [ma-0901]:29500 (errno: 113 - No route to host).",
      "0: torch.distributed.DistNetworkError: The client socket has timed out after 900s while trying to connect to (ma-0901, 29500).",
      "srun: error: ry-0101: task 0: Exited with exit code 1"
    ]},
    {"source": "ops/shell", "lines": [
      "$ ssh ry-0101 ibstat | grep State",
      "\t\tState: Active",
      "$ scontrol show hostnames $SLURM_JOB_NODELIST",
      "ry-0101",
      "ry-0102",
      "ry-0103",
      "$ sinfo -n ma-0901",
      "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST",
      "batch        up   infinite      1  drain ma-0901"
    ]}
  ]
})JSON";

TEST_CASE("rg24: a rendezvous host missing from `scontrol show hostnames` of the job is a launch error") {
  // Before: no allocation was read from the one-host-a-line output, so the connect failures read as
  // the network: nccl_network_misconfig.
  const Diagnosis d = Run(kShownHosts);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  CHECK(Evidenced(d, "is not in the job's allocation (scontrol show hostnames: ry-0101,ry-0102,ry-0103)"));
  // The command named as the log's source reads the same.
  std::string as_source = Replace(kShownHosts, "\"source\": \"ops/shell\"",
                                  "\"source\": \"scontrol show hostnames $SLURM_JOB_NODELIST\"");
  as_source = Replace(as_source, "\"$ ssh ry-0101 ibstat | grep State\",\n      \"\\t\\tState: Active\",\n      \"$ scontrol show hostnames $SLURM_JOB_NODELIST\",\n", "");
  REQUIRE(as_source.find("ibstat") == std::string::npos);
  CHECK(Run(as_source).root_cause == "launch_config_error");
}

TEST_CASE("rg24: an explicit `scontrol show hostnames LIST`, or the master inside the shown list, is no outside host") {
  // Guards (pass before and after): another list expanded is not the job's allocation; a master
  // that is one of the shown hosts is not outside it.
  const Diagnosis explicit_list =
      Run(Replace(kShownHosts, "scontrol show hostnames $SLURM_JOB_NODELIST", "scontrol show hostnames ry-[0101-0103]"));
  CHECK_FALSE(Evidenced(explicit_list, "is not in the job's allocation"));
  const Diagnosis inside = Run(Replace(kShownHosts, "ma-0901", "ry-0102"));
  CHECK_FALSE(Evidenced(inside, "is not in the job's allocation"));
}

}  // namespace
}  // namespace vigil
