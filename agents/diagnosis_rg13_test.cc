// Tests of RG13's rules (2026-12-03), the reasoner's recurring confident confusions on the seen
// sets, each stated as the rule an on-call expert applies: a row remapper that FAILED is the fault
// its uncorrectable ECC errors are the symptom of (a pending remap beside a DBE stays ECC). The
// cases are written for the tests (node names g-01 ...), not copied from the sets.
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/moe_router_stats.h"
#include "agents/rerun_check.h"
#include "agents/zero_counter.h"

namespace vigil {
namespace {

Diagnosis Run(const std::string& text) { return testing::RunCaseText(text); }

// ---- 1. A failed row remap is the fault; the DBEs around it are its symptom ----------------------

// A gpu.health result for g-01/gpu3 with the given reason and remap counters; gpu2 passes.
std::string RemapCase(const std::string& log_lines, const std::string& reason, int remap_pending, int remap_failure,
                      int dbe_volatile) {
  std::string t = R"JSON({
  "id": "rg13-remap",
  "topology": {"nodes": ["g-01", "g-02"], "gpus_per_node": 8},
  "logs": [{"source": "g-01/journal", "lines": [)JSON";
  t += log_lines;
  t += R"JSON(]},
    {"source": "g-01/rank3/stderr", "lines": [
      "[rank3]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
      "[rank3]: RuntimeError: CUDA error: uncorrectable ECC error encountered"]}],
  "probes": {
    "gpu.health@g-01/gpu3": {"status": "fail", "reason": ")JSON";
  t += reason;
  t += R"JSON(", "metrics": {"ecc_dbe_volatile": )JSON";
  t += std::to_string(dbe_volatile);
  t += R"JSON(, "remap_pending": )JSON";
  t += std::to_string(remap_pending);
  t += R"JSON(, "remap_failure": )JSON";
  t += std::to_string(remap_failure);
  t += R"JSON(, "remapped_rows_uncorrectable": 8}},
    "gpu.health@g-01/gpu2": {"status": "pass", "reason": "all health counters within thresholds",
      "metrics": {"ecc_dbe_volatile": 0, "remap_pending": 0, "remap_failure": 0}}
  }
})JSON";
  return t;
}

constexpr const char* kDbeLines =
    R"("Feb 02 10:00:01 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 48, pid=811, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 0.",
       "Feb 02 10:20:01 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 48, pid=912, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 0.",
       "Feb 02 10:40:01 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 48, pid=1013, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 0.")";

TEST_CASE("rg13: DBEs on a GPU whose probe records a remap failure are the failed remap's symptom") {
  // Before: the probe's reason named the DBE first, so ECC took the probe's full weight and the
  // three Xid 48 lines outweighed the remap failure (gpu_memory_uncorrectable_ecc at 0.9+).
  Diagnosis d = Run(RemapCase(kDbeLines, "2 volatile uncorrectable (DBE) ECC errors; row remapping failure recorded",
                              0, 1, 2));
  CHECK(d.root_cause == "gpu_row_remap_failure");
  CHECK(d.component == "g-01/gpu3");
}

TEST_CASE("rg13: the remap_failure counter alone says the remap failed, whatever the reason's words") {
  Diagnosis d = Run(RemapCase(kDbeLines, "2 volatile uncorrectable (DBE) ECC errors; last Xid 48", 0, 1, 2));
  CHECK(d.root_cause == "gpu_row_remap_failure");
}

TEST_CASE("rg13: a DBE with its remap pending (a reset activates it) stays uncorrectable ECC") {
  Diagnosis d = Run(RemapCase(kDbeLines, "2 volatile uncorrectable (DBE) ECC errors; row remap pending", 1, 0, 2));
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "g-01/gpu3");
}

TEST_CASE("rg13: a remap read as pending (Xid 63) is a cause again when the probe then finds it failed") {
  // Xid 63 in the log made the remap an ECC error's leftover at round 0; the probe's finding came
  // later and, before, could not undo it (the remap stayed explained away).
  const std::string lines =
      R"("Feb 02 10:00:01 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 94, pid=811, name=pt_main_thread, Contained: MMU (0x8). RST: No, D-RST: No",
         "Feb 02 10:00:03 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row marked for remapping, reset gpu to activate.",
         "Feb 02 10:50:01 g-01 kernel: NVRM: Xid (PCI:0000:5d:00): 94, pid=977, name=pt_main_thread, Contained: MMU (0x8). RST: No, D-RST: No")";
  Diagnosis failed = Run(RemapCase(lines, "row remapping failure recorded; last Xid 94", 0, 1, 0));
  CHECK(failed.root_cause == "gpu_row_remap_failure");
  CHECK(failed.component == "g-01/gpu3");
  Diagnosis pending = Run(RemapCase(lines, "1 volatile uncorrectable (DBE) ECC errors; row remap pending", 1, 0, 1));
  CHECK(pending.root_cause == "gpu_memory_uncorrectable_ecc");
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// ---- 2. Peers' IB completion errors: a rank that died, or the link ------------------------------

// Ranks on n-01..n-03 report IB completion errors naming n-04's address (the peer), as every rank
// does when the process at the other end is gone or the link under it failed. `n04_lines` is what
// n-04's own log says.
std::string PeerReportCase(const std::string& n04_lines) {
  std::string t = R"JSON({
  "id": "rg13-peer-reports",
  "alert": {"labels": {"alertname": "NCCLError", "job": "lm-13b", "node": "n-01"},
            "annotations": {"summary": "IBV_WC_RETRY_EXC_ERR on 3 ranks"}, "startsAt": "2026-05-04T07:40:00Z"},
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8},
  "logs": [
    {"source": "lm-13b/stderr-all", "lines": [
      "n-01:3311:3340 [2] transport/net_ib.cc:1510 NCCL WARN NET/IB : Got completion from peer 10.8.0.4<50121> with error 12, opcode 129, len 0, vendor err 129 (Recv)",
      "n-02:4411:4440 [5] transport/net_ib.cc:1510 NCCL WARN NET/IB : Got completion from peer 10.8.0.4<50121> with error 12, opcode 129, len 0, vendor err 129 (Recv)",
      "n-03:5511:5540 [1] transport/net_ib.cc:1510 NCCL WARN NET/IB : Got completion from peer 10.8.0.4<50121> with error 12, opcode 129, len 0, vendor err 129 (Recv)"
    ]},
    {"source": "n-04/rank27/stderr", "lines": [)JSON";
  t += n04_lines;
  t += R"JSON(]}
  ]
})JSON";
  return t;
}

TEST_CASE("rg13: peers' completion errors beside a rank that segfaulted are the crash's echo") {
  // Before: ib_link_failure (0.6+) from the peers' lines, the segfault discounted as its symptom.
  Diagnosis d = Run(PeerReportCase(
      R"("[2026-05-04 07:38:10] step 8812 loss 2.011",
         "Fatal Python error: Segmentation fault",
         "May 04 07:38:12 n-04 kernel: python3[7712]: segfault at 18 ip 00007f3aa1c4e2d1 sp 00007ffd2b7c8e40 error 4 in fused_ext.so[7f3aa1c20000+5a000]",
         "[2026-05-04 07:38:13] launch.py: exits with return code = -11")"));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component.rfind("n-04", 0) == 0);
}

TEST_CASE("rg13: a port error of the peer's own HCA keeps the completion errors a link failure") {
  // The rule needs a death and no port evidence: with the HCA's own async port error (and the
  // rank ending with code 1 after it, as ranks do when NCCL fails) the link is the fault.
  Diagnosis d = Run(PeerReportCase(
      R"("n-04:7712:7740 [3] NCCL WARN NET/IB : mlx5_3:1 Got async event : port error",
         "[2026-05-04 07:38:13] launch.py: exits with return code = 1")"));
  CHECK(d.root_cause == "ib_link_failure");
}

TEST_CASE("rg13: with no rank dying first-hand, NCCL's 'remote process exited or network error' is no crash") {
  // Both readings rest on peers' reports here; the completion error names a transport failure and
  // nothing shows a process dying. Before: rank_process_crash (0.68), the IB lines its symptom.
  Diagnosis d = Run(R"JSON({
  "id": "rg13-reports-only",
  "alert": {"labels": {"alertname": "TrainingJobFailed", "job": "sft-70b", "node": "n-01"},
            "annotations": {"summary": "sft-70b (Slurm 55) failed: NCCL remote errors"}, "startsAt": "2026-05-04T07:39:30Z"},
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8},
  "logs": [{"source": "n-01/slurm-55.out", "lines": [
    "[2026-05-04 07:38:01,100] [INFO] [train.py:412] step 8811 loss 2.0113",
    "n-03:79227:79282 [7] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.8.0.4<44061> with status=12 opcode=0 len=0 vendor err 129 (Recv)",
    "n-04:21150:21205 [7] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.8.0.3<58816> with status=12 opcode=0 len=0 vendor err 129 (Recv)",
    "[rank31]:[E0504 07:38:58.699822000 ProcessGroupNCCL.cpp:1682] [PG 0 Rank 31] NCCL error: remote process exited or there was a network error, NCCL version 2.20.5"
  ]}]
})JSON");
  CHECK(d.root_cause == "ib_link_failure");
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// ---- 3. An MoE router's own load statistic explains idle GPUs and slow steps ---------------------

TEST_CASE("rg13: MoeMaxOverMean reads the busiest expert against its reference in each stack's shape") {
  auto near = [](std::optional<double> v, double want) { return v && *v > want - 0.05 && *v < want + 0.05; };
  CHECK(near(MoeMaxOverMean("moe stats layer 3: tokens per expert max/mean = 9.5 (expert 7, 21% of tokens)"), 9.5));
  CHECK(near(MoeMaxOverMean("[router] layer 2: tokens per expert (max/mean) 5.80, dropped tokens 21%"), 5.8));
  CHECK(near(MoeMaxOverMean("[moe] expert load (layer 4, 32 experts): max 0.250 min 0.000 mean 0.0312"), 8.0));
  CHECK(near(MoeMaxOverMean("[moe] step 10 layer 2 tokens per expert: max 40.0% (expert 3), median 0.50%"), 80.0));
  CHECK(near(MoeMaxOverMean("moe-router: layer 5 expert load (tokens %): e3=20.0 e9=12.0 median=1.25 | dropped=4%"), 16.0));
  CHECK(near(MoeMaxOverMean("[INFO] [moe/sharded_moe.py:455] layer 2: exp_counts max 40960 min 12 (16 experts, capacity 4096), dropped 30000 tokens"), 10.0));
  CHECK(near(MoeMaxOverMean("moe-router: layer 5 expert load (tokens %): e3=3.0 e9=2.0 median=1.50"), 2.0));
  CHECK_FALSE(MoeMaxOverMean("step 100: max 5.0 mean 1.0 (grad norm)"));             // no MoE word
  CHECK_FALSE(MoeMaxOverMean("moe stats layer 4: tokens per expert balanced (max 7.1%)"));  // no reference
  CHECK_FALSE(MoeMaxOverMean("moe: max 5 mean 0"));                                     // no even share to divide by
  // A list of counts is the list reader's (ReadMoeRouting and the series), not a second vote.
  CHECK_FALSE(MoeMaxOverMean("MoE load (layer 14): tokens per expert [410, 380, 12650, 220] (max/mean 6.00)"));
}

// A job of 8 GPUs on n-01 whose utilisation falls from ~95 % to ~42 % at T0 + 150 s, and a log that
// shows slow steps and then (`router_line`) the router's statistics.
std::string IdleGpuCase(const std::string& router_line) {
  const int64_t t0 = 1780000000000;
  std::string metrics;
  for (int g = 0; g < 8; ++g) {
    if (!metrics.empty()) metrics += ",";
    metrics += R"({"name": "DCGM_FI_DEV_GPU_UTIL", "labels": {"Hostname": "n-01", "gpu": ")";
    metrics += std::to_string(g);
    metrics += R"("}, "samples": [)";
    for (int i = 0; i < 40; ++i) {
      if (i > 0) metrics += ",";
      metrics += '[';
      metrics += std::to_string(t0 + 30000LL * i);
      metrics += ',';
      metrics += std::to_string(i < 5 ? 95 - g % 3 : 42 + g % 3);
      metrics += ']';
    }
    metrics += "]}";
  }
  std::string t = R"JSON({
  "id": "rg13-moe",
  "alert": {"labels": {"alertname": "StepTimeRegression", "job": "moe-16e", "node": "n-01"},
            "annotations": {"summary": "moe-16e: step time 3x baseline"}, "startsAt": "2026-05-28T20:30:00Z"},
  "topology": {"nodes": ["n-01"], "gpus_per_node": 8},
  "metrics": [)JSON";
  t += metrics;
  t += R"JSON(],
  "logs": [{"source": "n-01/rank0.log", "lines": [
    "[2026-05-28 20:07:00,100] [INFO] [train.py:412] step 5100 loss 1.9015",
    "[2026-05-28 20:27:00,100] [INFO] [train.py:412] step 5140 loss 1.9201",
    ")JSON";
  t += router_line;
  t += R"JSON(",
    "[2026-05-28 20:28:00,100] [INFO] [train.py:412] step 5142 loss 1.9245"
  ]}]
})JSON";
  return t;
}

TEST_CASE("rg13: a skewed router statistic makes the GPUs' low utilisation the imbalance's, not a loader's") {
  // Before: dataloader_stall, the router line only a weak recall (holdout12 q044's shape, 0.94).
  Diagnosis skewed = Run(IdleGpuCase(
      "[2026-05-28 20:27:30,100] [INFO] [moe/sharded_moe.py:455] layer 6: exp_counts max 40960 min 0 (16 experts, "
      "capacity 4096), dropped 30211 tokens"));
  CHECK(skewed.root_cause == "moe_expert_imbalance");
  // The same idle GPUs beside a balanced router: no imbalance read into them.
  Diagnosis balanced = Run(IdleGpuCase(
      "[2026-05-28 20:27:30,100] [INFO] [moe/sharded_moe.py:455] layer 6: exp_counts max 4100 min 3900 (16 experts, "
      "capacity 4096), dropped 4 tokens"));
  CHECK(balanced.root_cause != "moe_expert_imbalance");
}

// ---- 4. NCCL >= 2.19's socketPollConnect time-outs: a network that blocks NCCL's ports -----------

TEST_CASE("rg13: NCCL connects timing out at init beside ncclRemoteError are a blocked port, not a crash") {
  // Before: rank_process_crash from the ncclRemoteError lines; the socketPollConnect wording was in
  // no signature of the pack (only "Connect to ... failed : ...").
  Diagnosis d = Run(R"JSON({
  "id": "rg13-blocked-ports",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [{"source": "n-02/rank8/stderr", "lines": [
    "n-02:511:602 [0] NCCL INFO Bootstrap : Using eth0:10.9.0.2<0>",
    "n-02:511:602 [0] misc/socket.cc:568 NCCL WARN socketPollConnect: Connect to 10.9.0.1<40211> returned 110(Connection timed out) errno 115(Operation now in progress)",
    "[rank8]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:2027, remote process exited or there was a network error, NCCL version 2.22.3",
    "[rank8]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."
  ]}]
})JSON");
  CHECK(d.root_cause == "nccl_network_misconfig");
}

// ---- 5. A zero count after its noun; a rerun that pins the fault on one rank's GPU --------------

TEST_CASE("rg13: a count of 0 after its noun says the fault is absent; an index 0 does not") {
  CHECK(RemoveFaultsSaidAbsent("TE fp8 stats: max amax fwd 412.5, non-finite amax 0") ==
        "TE fp8 stats: max amax fwd 412.5, ");
  CHECK(RemoveFaultsSaidAbsent("nan grads: 0 | loss 2.01") == " | loss 2.01");
  CHECK(RemoveFaultsSaidAbsent("non-finite amax 3") == "non-finite amax 3");
  CHECK(RemoveFaultsSaidAbsent("ECC errors on GPU 0") == "ECC errors on GPU 0");
  CHECK(RemoveFaultsSaidAbsent("NCCL timeouts rank 0") == "NCCL timeouts rank 0");
  CHECK(RemoveFaultsSaidAbsent("overflow steps 0.5") == "overflow steps 0.5");
}

TEST_CASE("rg13: Transformer Engine's 'non-finite amax 0' is no FP8 overflow") {
  // Before: fp8_scaling_overflow from the pack's `amax ... non-finite` signature.
  Diagnosis d = Run(R"JSON({
  "id": "rg13-te-zero",
  "topology": {"nodes": ["n-01"], "gpus_per_node": 8},
  "logs": [{"source": "slurm-1.out", "lines": [
    "0: [2026-03-01 02:58:36] TE fp8 stats iter 4810: max amax fwd 402.5 bwd 3.1e-02, min scale 1.10e+00, non-finite amax 0",
    "0: [2026-03-01 02:58:47] TE fp8 stats iter 4812: max amax fwd 398.1 bwd 2.7e-02, min scale 1.12e+00, non-finite amax 0"
  ]}]
})JSON");
  CHECK(d.root_cause != "fp8_scaling_overflow");
}

TEST_CASE("rg13: RankFaultyByRerun reads the rerun verdict's rank, not a transient or cleared one") {
  CHECK(RankFaultyByRerun("WARNING:megatron.core.rerun_state_machine:Result on rank 9 was 1.74 (expected range): "
                          "the error is persistent and specific to rank 21; suspected hardware fault") == 21);
  CHECK_FALSE(RankFaultyByRerun("rerun of iteration 40 on rank 21: the error is transient, not specific to rank 21"));
  CHECK_FALSE(RankFaultyByRerun("the error is specific to rank 21"));  // neither a rerun nor a hardware fault said
  CHECK_FALSE(RankFaultyByRerun("Unexpected result 7.91 on rank 21 at iteration #40 (message='Spiky loss')"));
}

TEST_CASE("rg13: a rerun that reproduced the error on one rank only places silent data corruption on its GPU") {
  // Rank 21 runs on nodes[21 / 8] = n-03, GPU 5. Before: loss_divergence on the job.
  Diagnosis d = Run(R"JSON({
  "id": "rg13-rerun",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8,
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-2.out", "lines": [
    "0:  [2026-03-02 05:05:23] iteration   4030/  50000 | lm loss: 1.732480E+00 | grad norm: 0.204 |",
    "0: [2026-03-02 05:06:36] WARNING:megatron.core.rerun_state_machine:Unexpected result 7.91 on rank 21 at iteration #4040 invocation #1 (message='Spiky loss')",
    "0: [2026-03-02 05:06:52] WARNING:megatron.core.rerun_state_machine:Rerun of iteration #4040 on rank 21 reproduced the unexpected result 7.88",
    "0: [2026-03-02 05:07:26] WARNING:megatron.core.rerun_state_machine:Result on rank 13 was 1.7421 (expected range): the error is persistent and specific to rank 21; suspected hardware fault, saving checkpoint and exiting with code 16",
    "srun: error: n-01: task 0: Exited with exit code 16"
  ]}]
})JSON");
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "n-03/gpu5");
}

}  // namespace
}  // namespace vigil
