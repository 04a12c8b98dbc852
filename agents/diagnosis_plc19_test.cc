// PLC19 (2026-12-05): what the blind set realistic27 showed (now SEEN, not blind). An FP8 run whose
// step, rerun with FP8 off, is finite is the FP8 scaling's fault, not a divergence (rerun_check.h);
// an NVSwitch's fatal SXid / the fabric manager's "all GPUs degraded" puts an NVLink fault on the node,
// not on the first GPU whose Xid 74 was printed (nvswitch_fault.h). Cases written for the tests (nodes
// qx-NN), as Transformer Engine, MS-AMP, torchao, the NVSwitch driver and the fabric manager print them.
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"
#include "agents/nvswitch_fault.h"
#include "agents/rerun_check.h"

namespace vigil {
namespace {

TEST_CASE("Fp8OffRerunFinite: a step rerun with FP8 off whose result is finite") {
  // Transformer Engine / Megatron, MS-AMP, torchao float8 and a plain script, each its own words.
  CHECK(Fp8OffRerunFinite("rerun of step 5120 with fp8_enabled=False on the same batch: loss 1.873, grad norm 0.31"));
  CHECK(Fp8OffRerunFinite("[msamp] replayed iteration 880 in bf16 (O2 opt level off): lm loss 2.114 (finite)"));
  CHECK(Fp8OffRerunFinite("torchao: re-ran step 4410 without float8 (Float8Linear swapped back to nn.Linear): no NaN"));
  CHECK(Fp8OffRerunFinite("debug: recomputed micro-batch 3 under bfloat16 autocast, fp8 off -> loss=2.02"));
  CHECK(Fp8OffRerunFinite("repro with --no-fp8 on rank 0: finite loss and grads"));
  // Not such a line: the rerun is bad too, FP8 not turned off, no result, no rerun at all.
  CHECK_FALSE(Fp8OffRerunFinite("rerun of step 5120 in bf16: loss nan, grad norm nan"));
  CHECK_FALSE(Fp8OffRerunFinite("replayed iteration 880 in bf16: loss inf (non-finite)"));
  CHECK_FALSE(Fp8OffRerunFinite("rerun of step 5120 on rank 7's GPU: loss 1.873 (finite)"));
  CHECK_FALSE(Fp8OffRerunFinite("rerun of step 5120 with fp8 e4m3: loss 1.873"));
  CHECK_FALSE(Fp8OffRerunFinite("will rerun step 5120 in bf16 after the restart"));
  CHECK_FALSE(Fp8OffRerunFinite("iteration 5120 in bf16: lm loss 1.873"));
  CHECK_FALSE(Fp8OffRerunFinite(std::string(5000, 'x') + " rerun in bf16: loss 1.2"));
}

TEST_CASE("IsSwitchWideNvlinkFault: a switch or fabric-manager line that says all GPUs lost NVLink") {
  // The fabric manager, the NVSwitch driver and a health check (HGX H100 / H200 / B200), each in its words.
  CHECK(IsSwitchWideNvlinkFault("fabricmanager: NVLink training failed, all 8 GPUs of the baseboard have NVLink disabled until a reset"));
  CHECK(IsSwitchWideNvlinkFault("nv-fabricmanager[1877]: NVSwitch physical id 1 fatal error: NVLink of all GPUs on the baseboard degraded, GPU and NVSwitch reset required"));
  CHECK(IsSwitchWideNvlinkFault("NVLink bandwidth degraded for all GPUs on this node after the switch tray error"));
  CHECK(IsSwitchWideNvlinkFault("nvidia-nvswitch5: SXid (PCI:0000:8a:00.0): 24007, Fatal, trunk error; all GPUs lost NVLink peer access"));
  // One access link's fatal SXid is the GPU on that link (the sets place it there), not the node.
  CHECK_FALSE(IsSwitchWideNvlinkFault("qx-07 kernel: nvidia-nvswitch1: SXid (PCI:0000:86:00.0): 12028, Fatal, Link 08 egress non-posted PRIV error (First)"));
  CHECK_FALSE(IsSwitchWideNvlinkFault("qx-07 nv-fabricmanager[1877]: detected NVSwitch fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:86:00.0 physical id 1 port 8"));
  CHECK_FALSE(IsSwitchWideNvlinkFault("nv-fabricmanager[2211]: detected NVLink fatal error on GPU physical id 3 link 9; GPU will need reset"));
  // A non-fatal port error, a GPU's own Xid 74, an informational line, "all GPUs" without NVLink.
  CHECK_FALSE(IsSwitchWideNvlinkFault("nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 20009, Non-fatal, Link 12 RX Short Error Rate"));
  CHECK_FALSE(IsSwitchWideNvlinkFault("NVRM: Xid (PCI:0000:1b:00): 74, pid=7001, name=python, NVLink: fatal error detected on link 2"));
  CHECK_FALSE(IsSwitchWideNvlinkFault("nv-fabricmanager[2790]: Successfully configured all the available NVSwitches to route GPU NVLink traffic"));
  CHECK_FALSE(IsSwitchWideNvlinkFault("dcgmi diag: all GPUs failed the memory test"));
  CHECK_FALSE(IsSwitchWideNvlinkFault(std::string(5000, 'x') + " NVLink degraded for all GPUs"));
}

// A 2-node Megatron job with Transformer Engine FP8 delayed scaling: the grad norm climbs over four
// steps, the loss turns NaN; TE's stats line reports the amax saturating; the team reran the NaN step
// in BF16 on the same data and it was finite.
constexpr const char* kFp8RerunFinite = R"JSON({
  "id": "plc19-fp8-rerun",
  "alert": null,
  "topology": {"nodes": ["qx-01", "qx-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "train-7712.out", "lines": [
      "[te] fp8 recipe: DelayedScaling(fp8_format=HYBRID, amax_history_len=16, margin=0)",
      " iteration 900 | lm loss: 2.101 | grad norm: 0.21 | loss scale: 1.0",
      " iteration 901 | lm loss: 2.098 | grad norm: 0.22 | loss scale: 1.0",
      " iteration 902 | lm loss: 2.140 | grad norm: 0.95 | loss scale: 1.0",
      " iteration 903 | lm loss: 2.410 | grad norm: 4.10 | loss scale: 1.0",
      " iteration 904 | lm loss: 2.980 | grad norm: 37.5 | loss scale: 1.0",
      " iteration 905 | lm loss: 3.700 | grad norm: 310.2 | loss scale: 1.0",
      " iteration 906 | lm loss: nan | grad norm: nan | loss scale: 1.0",
      " iteration 907 | lm loss: nan | grad norm: nan | loss scale: 1.0",
      "rerun of iteration 906 with fp8_enabled=False (bf16, same batch, same weights): lm loss 2.093, grad norm 0.23"]}
  ]
})JSON";

TEST_CASE("plc19: an FP8 run's NaN whose step reruns finite with FP8 off is fp8_scaling_overflow") {
  // Before: loss_divergence (the grad norm climbs before the NaN).
  const Diagnosis d = testing::RunCaseText(kFp8RerunFinite);
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.component == "job");
}

// An HGX H100 node: one NVSwitch reports a fatal SXid, the fabric manager says the NVLink of all GPUs
// of the baseboard is degraded, two GPUs print Xid 74; the all-reduce probe over the node's GPUs fails there (a probe on the node: the Xid lines' two
// GPUs no longer spread the fault over the node by themselves) and passes on the other node.
constexpr const char* kNvswitchFatal = R"JSON({
  "id": "plc19-nvswitch",
  "alert": null,
  "topology": {"nodes": ["qx-11", "qx-12"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}},
  "logs": [
    {"source": "qx-11/kern.log", "lines": [
      "Dec  3 10:02:11 qx-11 kernel: nvidia-nvswitch3: SXid (PCI:0000:88:00.0): 12028, Fatal, Link 17 egress non-posted PRIV error (First)",
      "Dec  3 10:02:11 qx-11 nv-fabricmanager[2210]: detected NVSwitch fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:88:00.0 physical id 3 port 17",
      "Dec  3 10:02:11 qx-11 nv-fabricmanager[2210]: NVLink of all GPUs on the baseboard degraded; GPU and NVSwitch reset required",
      "Dec  3 10:02:12 qx-11 kernel: NVRM: Xid (PCI:0000:18:00): 74, pid=5120, name=python, NVLink: fatal error detected on link 5",
      "Dec  3 10:02:12 qx-11 kernel: NVRM: Xid (PCI:0000:ba:00): 74, pid=5163, name=python, NVLink: fatal error detected on link 5"]}
  ],
  "probes": {
    "nccl.allreduce@qx-11": {"status": "fail", "metrics": {"busbw_gb_s": 88.0, "local_gpus": 8.0},
                             "thresholds": {"busbw_gb_s_min": 300.0}, "reason": "busbw_gb_s 88.0 < 300", "duration_s": 6.0},
    "nccl.allreduce@qx-12": {"status": "pass", "metrics": {"busbw_gb_s": 395.0, "local_gpus": 8.0},
                             "thresholds": {"busbw_gb_s_min": 300.0}, "reason": "all checks passed", "duration_s": 5.0}
  }
})JSON";

TEST_CASE("plc19: an NVSwitch's fatal SXid places nvlink_error on the node, not one GPU") {
  // Before: nvlink_error on qx-11/gpu0 (the first Xid 74's GPU).
  const Diagnosis d = testing::RunCaseText(kNvswitchFatal);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "qx-11");
}

TEST_CASE("plc19: a fatal SXid of one access link without 'all GPUs' keeps nvlink_error on the GPU") {
  // The same node without the fabric manager's all-GPUs line: the first Xid 74's GPU, as before.
  std::string text = kNvswitchFatal;
  const std::string all = "      \"Dec  3 10:02:11 qx-11 nv-fabricmanager[2210]: NVLink of all GPUs on the baseboard degraded; GPU and NVSwitch reset required\",\n";
  const size_t at = text.find(all);
  REQUIRE(at != std::string::npos);
  text.erase(at, all.size());
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "qx-11/gpu0");
}

}  // namespace
}  // namespace vigil
