// Tests of RG8's rules (2026-12-03), from realistic11's misses: the year of year-less log times in a
// case with no alert, a fatal NVLink error explaining the illegal-address errors after it, dcgmi
// diag read by its DCGM_FR_* code, a slow rank whose GPU checks pass, NCCL's allocation failure as
// first-hand OOM evidence, PyTorch's desync report naming the lagging rank. The cases are written
// for the tests (node names n-01 ...), not copied from the set. They run the shipped knowledge pack
// (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/zero_counter.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

Json Parse(const char* text) {
  auto j = ParseJson(text, "test case");
  REQUIRE_MESSAGE(j.ok(), j.status().ToString());
  return *j;
}

Diagnosis Run(const Json& j, bool intrusive = false) {
  return testing::RunJsonWithPack(j, j.value("probes", Json::object()), intrusive);
}

// No alert: the watchdog timeouts are glog lines without a year, the Xid 119 that stalled them is
// in an ISO journal (+01:00) three seconds before the hang began (600 s before the timeouts).
constexpr const char* kFirmwareNoAlert = R"JSON({
  "id": "rg8-year",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu4": "0000:9a:00.0"}},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[2026-03-23 09:31:34] iteration    23563/  500000 | elapsed time per iteration (ms): 4081.1 | lm loss: 2.299989E+00 |",
      "[2026-03-23 09:31:38] iteration    23564/  500000 | elapsed time per iteration (ms): 4123.0 | lm loss: 2.307432E+00 |",
      "[rank0]:[E0323 09:53:10.589429000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600205 milliseconds before timing out.",
      "[rank9]:[E0323 09:53:10.611002000 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600231 milliseconds before timing out.",
      "[rank17]:[E0323 09:53:10.640113000 ProcessGroupNCCL.cpp:616] [Rank 17] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600262 milliseconds before timing out."
    ]},
    {"source": "n-04/journal", "lines": [
      "2026-03-23T10:43:07.000+01:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20803039 0x1c).",
      "2026-03-23T10:43:14.000+01:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a00b0 0x0)."
    ]}
  ]
})JSON";

TEST_CASE("rg8: with no alert, year-less log times take the year of the case's dated lines") {
  const Diagnosis d = Run(Parse(kFirmwareNoAlert));
  CHECK(d.root_cause == "gpu_firmware_error");
  CHECK(d.component == "n-04/gpu4");
  // The hang is the Xid's consequence, not the answer.
  REQUIRE_FALSE(d.hypotheses.empty());
  CHECK(d.hypotheses.front().category == "gpu_firmware_error");
}

}  // namespace
}  // namespace vigil
