// PLC24 (2026-12-05): seen fixes for realistic30's blind misses - evidence written for these tests in
// other stacks' and tools' words, not copied from a case.
//   1. The reset that applied a pending row remap ("pending row remap applied", "remapped rows
//      activated") is the Xid 63's own "it is over" line (StatesFaultOver); with an alert, a fault
//      every sighting of which was timed and recovered before the alert's incident window is not
//      what the alert reports, even where no other category's signature matched (rl30-29).
//   2. vigil-probe's "ecc_dbe_volatile 1 > 0; row remap pending" names a fresh uncorrectable error
//      and the remap it queued: the ECC error is the cause, not a stuck remap (rl30-02).
//   3. NCCL's "GPU Direct RDMA Disabled for HCA ... (no module)" and the kernel's missing
//      nvidia-peermem module: the node's NCCL transport is misconfigured (pack entry
//      pack-nccl-ib-not-used, rl30-18).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/earlier_sightings.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc24: StatesFaultOver reads a reset that applied a pending row remap") {
  // Before (ecd28bb5): kNone for each - the word "pending" alone kept them open.
  CHECK(StatesFaultOver("Nov 29 05:02:11 gx-02 nvidia-smi[9911]: GPU 00000000:5D:00.0 was reset; pending row remap applied") ==
        FaultOver::kGpu);
  CHECK(StatesFaultOver("[Sun Nov 29 05:02:11 2026] gpu-reset[4410]: GPU 00000000:5D:00.0 reset by operator; pending row remapping activated") ==
        FaultOver::kGpu);
  CHECK(StatesFaultOver("2026-11-29T05:02:11Z gx-02 node-agent: gpu3: remapped rows applied after GPU reset") == FaultOver::kGpu);
  CHECK(StatesFaultOver("gx-02 dcgm-maint: GPU 3 pending row remaps have been applied") == FaultOver::kGpu);
  // Near misses: the Xid 63 itself, a remap still waiting for its reset, one that was not applied.
  CHECK(StatesFaultOver("NVRM: Xid (PCI:0000:5d:00): 63, pid=5512, name=python, Row Remapper: New row (0x00000000002a1b00) "
                        "Marked for Remapping, reset gpu to activate.") == FaultOver::kNone);
  CHECK(StatesFaultOver("GPU 00000000:5D:00.0: row remap pending; will be applied at the next GPU reset") == FaultOver::kNone);
  CHECK(StatesFaultOver("GPU 00000000:5D:00.0: pending row remap not applied (GPU in use)") == FaultOver::kNone);
  CHECK(StatesFaultOver("GPU 00000000:5D:00.0 reset failed; pending row remap applied at next boot") == FaultOver::kNone);
}

// gx-02's gpu3 logged an Xid 63 (a remap pending) a day before; `after` follows it in the same log. The
// job's step-time alert fires on Nov 30 at 09:00; a straggler report names rank 30 (gx-04, gpu6).
Json StepTimeCase(const std::vector<std::string>& gx2) {
  Json c = Case("t-plc24-steptime", {"gx-01", "gx-02", "gx-03", "gx-04"},
                Json::array({Log("gx-02/dmesg", gx2),
                             Log("gx-01/rank0/stdout",
                                 {"[2026-11-30 08:40:00] iteration 51200 | elapsed time per iteration (ms): 1601.5 | lm loss 1.9021",
                                  "[2026-11-30 08:50:00] iteration 51580 | elapsed time per iteration (ms): 1902.7 | lm loss 1.9003",
                                  "[2026-11-30 08:58:00]  | MnRtt/Rnk: 1505.10ms/11 | MxRtt/Rnk: 1899.40ms/30 | MnPwr/Rnk: "
                                  "610000.00mW/2 | MxPwr/Rnk: 690000.00mW/30 | MnTmp/Rnk: 41.00C/9 | MxTmp/Rnk: 68.00C/30 | "
                                  "MnUtl/Rnk: 95.00%/4 | MxUtl/Rnk: 100.00%/30 | MnClk/Rnk: 1710.00MHz/30 | MxClk/Rnk: 1980.00MHz/0"})}));
  c["topology"]["gpu_pci_bus"] = {{"gpu3", "0000:5d:00.0"}, {"gpu6", "0000:ba:00.0"}};
  c["alert"] = {{"status", "firing"},
                {"labels", {{"alertname", "JobStepTimeRegression"}, {"job", "pretrain-gx"}, {"severity", "warning"}}},
                {"annotations", {{"summary", "pretrain-gx step time 19% above its 6 h median"}}},
                {"startsAt", "2026-11-30T09:00:00Z"}};
  return c;
}
const std::string kXid63 =
    "[Sun Nov 29 03:10:00 2026] NVRM: Xid (PCI:0000:5d:00): 63, pid=5512, name=python, Row Remapper: New row "
    "(0x00000000002a1b00) Marked for Remapping, reset gpu to activate.";

TEST_CASE("plc24: a row remap a reset applied before the alert's window is not what the alert reports") {
  // Before (ecd28bb5): gpu_row_remap_failure @ gx-02/gpu3 for both recovery lines.
  for (const std::string& reset : {std::string("[Sun Nov 29 05:02:11 2026] gpu-reset[4410]: GPU 00000000:5D:00.0 reset by operator; "
                                               "pending row remapping activated"),
                                   std::string("[Sun Nov 29 05:02:11 2026] nvidia-smi[9911]: GPU 00000000:5D:00.0 was reset; pending "
                                               "row remap applied")}) {
    CAPTURE(reset);
    const Diagnosis d = testing::RunCaseWithOwnProbes(StepTimeCase({kXid63, reset}));
    CHECK(d.root_cause + " @ " + d.component == "straggler_rank @ gx-04/gpu6");
    CHECK(testing::HasEvidenceWith(d, "before the alert's incident window"));
  }
  // Near misses: no recovery line; the remap still waiting; a reset inside the alert's window (10 min
  // before it: the alert may report what that reset cut short) - none of them is read as over before
  // the window.
  for (const std::vector<std::string>& gx2 :
       {std::vector<std::string>{kXid63},
        std::vector<std::string>{kXid63, "[Sun Nov 29 05:02:11 2026] GPU 00000000:5D:00.0: row remap pending; will be applied at the next GPU reset"},
        std::vector<std::string>{"[Mon Nov 30 08:45:00 2026] NVRM: Xid (PCI:0000:5d:00): 63, pid=5512, name=python, Row Remapper: New row "
                                 "(0x00000000002a1b00) Marked for Remapping, reset gpu to activate.",
                                 "[Mon Nov 30 08:50:00 2026] nvidia-smi[9911]: GPU 00000000:5D:00.0 was reset; pending row remap applied"}}) {
    const Diagnosis d = testing::RunCaseWithOwnProbes(StepTimeCase(gx2));
    CHECK_FALSE(testing::HasEvidenceWith(d, "before the alert's incident window"));
  }
}

// gy-03's gpu6: an uncorrectable error and the remap it queued, rank 46's CUDA error; gpu.health of
// gpu6 answers `reason`.
Json EccCase(const std::string& reason, double dbe, double pending, double failure) {
  Json c = Case("t-plc24-ecc", {"gy-01", "gy-02", "gy-03", "gy-04", "gy-05", "gy-06"},
                Json::array({Log("gy-03/dmesg",
                                 {"[Tue Dec  1 10:00:00 2026] NVRM: Xid (PCI:0000:ba:00): 48, pid=40211, name=python, An uncorrectable "
                                  "double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 1.",
                                  "[Tue Dec  1 10:00:00 2026] NVRM: Xid (PCI:0000:ba:00): 63, pid=40211, name=python, Row Remapper: New row "
                                  "(0x0000000000310c40) Marked for Remapping, reset gpu to activate."}),
                             Log("gy-03/rank22/stderr", {"[rank22]: torch.AcceleratorError: CUDA error: uncorrectable ECC error encountered"})}));
  c["topology"]["gpu_pci_bus"] = {{"gpu6", "0000:ba:00.0"}};
  Json metrics = {{"ecc_dbe_volatile", dbe}, {"ecc_sbe_volatile", 0},         {"remap_pending", pending},
                  {"remap_failure", failure}, {"temperature_c", 41},          {"power_w", 118.0},
                  {"clock_event_reasons", 0}, {"pcie_gen", 5},                {"pcie_width", 16},
                  {"pcie_replay_rate", 0},    {"nvlink_inactive", 0},         {"nvlink_crc_errors", 0}};
  c["probes"] = {{"gpu.health@gy-03/gpu6",
                  {{"probe", "gpu.health"},
                   {"target", "gy-03/gpu6"},
                   {"status", "fail"},
                   {"metrics", metrics},
                   {"thresholds", {{"ecc_dbe_volatile_max", 0}, {"remap_failure_max", 0}}},
                   {"reason", reason},
                   {"duration_s", 1.0}}}};
  return c;
}

TEST_CASE("plc24: a probe's ecc_dbe_volatile beside a pending remap is the uncorrectable error, not a stuck remap") {
  // Before (ecd28bb5): gpu_row_remap_failure @ gy-03/gpu6 - `\bdbe\b` did not see "dbe" inside the field name.
  CHECK(testing::CaseAnswer(EccCase("ecc_dbe_volatile 2 > 0; row remap pending (reset required)", 2, 1, 0)) ==
        "gpu_memory_uncorrectable_ecc @ gy-03/gpu6");
  CHECK(testing::CaseAnswer(EccCase("DBE volatile 2 > 0; row remapping pending", 2, 1, 0)) == "gpu_memory_uncorrectable_ecc @ gy-03/gpu6");
  // Near misses: the remap failed (its counter, the probe's words): the row remapper is the cause.
  CHECK(testing::CaseAnswer(EccCase("remap_failure 1 > 0; ecc_dbe_volatile 1 > 0", 1, 0, 1)) == "gpu_row_remap_failure @ gy-03/gpu6");
  // A word that only contains "dbe" is no DBE: the pending remap alone is still read as what is stuck.
  CHECK(testing::CaseAnswer(EccCase("row remap pending (reset required); checked by dbexec", 0, 1, 0)) ==
        "gpu_row_remap_failure @ gy-03/gpu6");
}

// hz-3 lost GPUDirect RDMA: NCCL's transport there runs through host memory; `extra` on hz-3's journal.
Json PeermemCase(const std::vector<std::string>& nccl, const std::vector<std::string>& journal) {
  std::vector<std::string> train = nccl;
  train.push_back("2026-11-28 12:00:00,101 INFO step 4100 | loss 2.211 | step_time 2.02s | comm_time 0.88s");
  train.push_back("2026-11-28 12:02:00,101 INFO step 4160 | loss 2.209 | step_time 2.03s | comm_time 0.89s");
  return Case("t-plc24-peermem", {"hz-1", "hz-2", "hz-3", "hz-4"},
              Json::array({Log("hz-1/train.log", train), Log("hz-3/journal", journal)}));
}

TEST_CASE("plc24: GPUDirect RDMA disabled for want of nvidia-peermem is the node's NCCL transport misconfiguration") {
  // Before (ecd28bb5): unknown / launch_config_error - no pack signature read either line.
  const std::vector<std::string> nccl = {
      "hz-1:20511:20633 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'",
      "hz-3:31822:31950 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0' (no module)",
      "hz-3:31822:31950 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 1 'mlx5_1' (no module)"};
  CHECK(testing::CaseAnswer(PeermemCase(nccl, {"Nov 28 09:00:03 hz-3 systemd[1]: Started Journal Service."})) ==
        "nccl_network_misconfig @ hz-3");
  CHECK(testing::CaseAnswer(PeermemCase({"hz-1:20511:20633 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"},
                                        {"Nov 28 09:00:03 hz-3 modprobe[702]: modprobe: FATAL: Module nvidia_peermem not found in directory "
                                         "/lib/modules/6.5.0-45-generic"})) == "nccl_network_misconfig @ hz-3");
  // Near misses: GPUDirect RDMA enabled everywhere; another module missing. No line of theirs is read as
  // the misconfiguration (a weak look-alike of some KB text may still be named: not a signature's reading).
  const Diagnosis d = testing::RunCaseWithOwnProbes(
      PeermemCase({"hz-1:20511:20633 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'",
                   "hz-3:31822:31950 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"},
                  {"Nov 28 09:00:03 hz-3 systemd-modules-load[602]: Failed to find module 'ib_ipoib_extra'"}));
  for (const Evidence& e : d.evidence) {
    CAPTURE(e.detail);
    CHECK_FALSE((e.kind == EvidenceKind::kLog &&
                 std::find(e.supports.begin(), e.supports.end(), "nccl_network_misconfig") != e.supports.end()));
  }
}

}  // namespace
}  // namespace vigil
