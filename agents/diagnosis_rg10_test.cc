// Tests of RG10's rules (2026-12-03), from realistic12's misses: a responder's shell command is a
// question, not a finding; the flight recorder's "not enqueued on ranks [N]"; a per-rank table
// names its odd one out, not its first rank; the netdev in a kernel driver line's netdev slot,
// whatever its naming scheme. The cases are written for the tests (node names n-01 ...), not
// copied from the set. They run the shipped knowledge pack (data/knowledge/) through
// GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/zero_counter.h"

namespace vigil {
namespace {

Json Parse(const char* text) {
  auto j = ParseJson(text, "test case");
  REQUIRE_MESSAGE(j.ok(), j.status().ToString());
  return *j;
}

// As `vigil diagnose --case` runs a case: its recorded probes replayed, intrusive ones (gpu.sdc) too.
Diagnosis Run(const Json& j) { return testing::RunJsonWithPack(j, j.value("probes", Json::object()), true); }

TEST_CASE("rg10: a shell command line is a question, not a finding") {
  CHECK(IsShellCommandLine("$ journalctl -k --since '-2h' | grep -c -E 'NVRM: Xid|mlx5.*(down|error)'"));
  CHECK(IsShellCommandLine("# dmesg -T | grep -i 'link down'"));
  CHECK(IsShellCommandLine("+ srun -N 4 --ntasks-per-node=8 python train.py"));
  CHECK(IsShellCommandLine("ops@n-02:~$ ibstat | grep -c 'State: Down'"));
  CHECK(IsShellCommandLine("[root@n-02 ~]# nvidia-smi -q -d ECC | grep -i uncorr"));
  CHECK(IsShellCommandLine("$ NCCL_DEBUG=INFO torchrun --nproc-per-node 8 check.py"));
  // Findings, not commands.
  CHECK_FALSE(IsShellCommandLine("# HELP DCGM_FI_DEV_XID_ERRORS Value of the last XID error"));
  CHECK_FALSE(IsShellCommandLine("[2562110.485632] NVRM: Xid (PCI:0000:ba:00): 74, pid=61220"));
  CHECK_FALSE(IsShellCommandLine("mlx5_core 0000:4b:00.0 ib4: Link down"));
  CHECK_FALSE(IsShellCommandLine("$"));
  CHECK_FALSE(IsShellCommandLine(""));
}

// The only line with fault words is a responder's grep, whose output (0) says the faults are absent.
constexpr const char* kGrepOnly = R"JSON({
  "id": "rg10-grep",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-02/ops-shell", "lines": [
      "$ journalctl -k --since '-2h' | grep -c -E 'NVRM: Xid|mlx5.*(down|error)|link down'",
      "0"
    ]}
  ]
})JSON";

TEST_CASE("rg10: a grep command's fault words are not recalled as a fault line") {
  const Json j = Parse(kGrepOnly);
  auto c = ParseCase(j, "test case");
  REQUIRE(c.ok());
  auto f = GatherKnowledge(testing::ShippedPack(), *c);
  REQUIRE(f.ok());
  CHECK(f->line_recalls.empty());
  const Diagnosis d = Run(j);
  CHECK(d.root_cause != "ib_link_failure");
  CHECK(d.root_cause != "gpu_xid_error");
}

}  // namespace
}  // namespace vigil
