// RG22 (realistic18's and realistic19's misses read generally, seen). Each test is the rule an
// on-call engineer applies to the evidence, on a case written for the test (nodes rx-01 ...), not
// copied from the sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// ---- 1. A pasted nvidia-smi table has no time: it does not make the ECC errors "come first" -------

// An engineer's paste from rx-02: the ECC column of `nvidia-smi --query-gpu`, the row remapper of
// the GPU with the errors, and the kernel's Xid lines for it (bus 9B = index 5). `remap` is the
// remapper's block and `xid` the second Xid line (64: the remap failed; 63: a remap is pending).
Json RemapPaste(const std::string& failure_occurred, const std::string& xid) {
  return Case(
      "rg22-remap", {"rx-01", "rx-02"},
      Json::array(
          {Log("train-5521.log",
               {"[rank13]:[E0611 09:41:17.902113 30117 ProcessGroupNCCL.cpp:1709] [PG ID 0 PG GUID 0(default_pg) Rank "
                "13] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error "
                "encountered"}),
           Log("ops/paste",
               {"# ssh rx-02 nvidia-smi --query-gpu=index,pci.bus_id,ecc.errors.uncorrected.volatile.total "
                "--format=csv",
                "index, pci.bus_id, ecc.errors.uncorrected.volatile.total", "0, 00000000:1B:00.0, 0",
                "4, 00000000:8B:00.0, 0", "5, 00000000:9B:00.0, 2", "6, 00000000:AB:00.0, 0",
                "# ssh rx-02 nvidia-smi -q -i 5 -d ROW_REMAPPER", "GPU 00000000:9B:00.0", "    Remapped Rows",
                "        Correctable Error                 : 0", "        Uncorrectable Error               : 2",
                "        Pending                           : Yes",
                "        Remapping Failure Occurred        : " + failure_occurred,
                "# ssh rx-02 dmesg -T | grep NVRM",
                "[Thu Jun 11 09:41:16 2026] NVRM: Xid (PCI:0000:9b:00): 48, pid=30117, name=python, An "
                "uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, "
                "subpartition 1.",
                "[Thu Jun 11 09:41:16 2026] NVRM: Xid (PCI:0000:9b:00): " + xid})}));
}

TEST_CASE("rg22: a failed row remap in a paste explains the DBE beside it; the ECC table row is untimed") {
  // Before: the query table's ECC column became a sample at 1970-01-01 (no alert to date it), the
  // earliest evidence of all, so the ECC errors "came first" and the failed remap (Xid 64,
  // "Remapping Failure Occurred : Yes") could not explain them: gpu_memory_uncorrectable_ecc.
  const Diagnosis d = testing::RunJsonWithPack(
      RemapPaste("Yes", "64, pid=30117, name=python, Row remapper error: failed to remap row (uncorrectable) 0x00000042"));
  CHECK(d.root_cause == "gpu_row_remap_failure");
  CHECK(d.component == "rx-02/gpu5");
  bool untimed = false;
  for (const Evidence& e : d.evidence) {
    if (e.kind != EvidenceKind::kMetric) continue;
    CHECK(e.detail.find("1970") == std::string::npos);
    untimed = untimed || e.detail.find("held in the pasted reading") != std::string::npos;
  }
  CHECK(untimed);
}

TEST_CASE("rg22: a pending remap (Xid 63, no failure) beside the same paste stays uncorrectable ECC") {
  const Diagnosis d = testing::RunJsonWithPack(
      RemapPaste("No", "63, pid='<unknown>', name=<unknown>, Row Remapper: New row marked for remapping, reset gpu to "
                       "activate."));
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "rx-02/gpu5");
}

}  // namespace
}  // namespace vigil
