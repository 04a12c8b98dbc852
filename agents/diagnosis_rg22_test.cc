// RG22 (realistic18's and realistic19's misses read generally, seen). Each test is the rule an
// on-call engineer applies to the evidence, on a case written for the test (nodes rx-01 ...), not
// copied from the sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/ssh_command.h"

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


// ---- 2. One GPU's pasted nvidia-smi section under a slow rank ----------------------------------

// Rank 10 (rx-12, GPU 2) is the slowest in the step report; the engineer pasted GPU 2's `nvidia-smi
// -q` section from rx-12: no clocks event reason active, 48 C, far under its power limit.
Json SlowRankWithOneGpuSection() {
  return Case(
      "rg22-slow", {"rx-11", "rx-12"},
      Json::array(
          {Log("train-7730.log",
               {"[2026-06-11 04:10:00] step 3100 | step_time 2.95s | median compute 1.90s | slowest rank 10 compute "
                "2.93s (1.54x)",
                "[2026-06-11 04:20:00] step 3300 | step_time 2.96s | median compute 1.91s | slowest rank 10 compute "
                "2.94s (1.54x)"}),
           Log("ops/paste",
               {"$ ssh rx-12 nvidia-smi -q -i 2 -d PERFORMANCE,TEMPERATURE,POWER", "GPU 00000000:3C:00.0",
                "    Performance State                     : P0", "    Clocks Event Reasons",
                "        Idle                              : Not Active",
                "        SW Power Cap                      : Not Active",
                "        HW Slowdown                       : Not Active",
                "            HW Thermal Slowdown           : Not Active",
                "        SW Thermal Slowdown               : Not Active",
                "        GPU Current Temp                  : 48 C", "        Power Draw                        : 402.50 W",
                "        Current Power Limit               : 700.00 W"})}));
}

bool HasHypothesis(const Diagnosis& d, const std::string& category) {
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == category) return true;
  }
  return false;
}

TEST_CASE("rg22: one GPU's pasted -q section is no GPU missing from its node") {
  // Before: `count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8` (a GPU gone from the exporter) held on
  // the one GPU the engineer chose to look at: gpu_fallen_off_bus at metric weight.
  const Diagnosis d = testing::RunJsonWithPack(SlowRankWithOneGpuSection());
  CHECK_FALSE(HasHypothesis(d, "gpu_fallen_off_bus"));
}

TEST_CASE("rg22: a clocks event reason printed `Not Active` reads like no incident") {
  // Before: "SW Thermal Slowdown : Not Active" recalled the thermal-slowdown incident (1.6).
  const Diagnosis d = testing::RunJsonWithPack(SlowRankWithOneGpuSection());
  CHECK_FALSE(HasHypothesis(d, "gpu_thermal_throttle"));
}

TEST_CASE("rg22: a GPU below 80 C is no power throttle by itself; the slow rank is the answer") {
  // Before: pack-power-hw-slowdown's second condition, `DCGM_FI_DEV_GPU_TEMP < 80`, held on the
  // pasted section (a snapshot is not "the normal state"): gpu_power_throttle at metric weight. With
  // the three readings above the slow rank was not the answer (gpu_thermal_throttle on rx-12).
  const Diagnosis d = testing::RunJsonWithPack(SlowRankWithOneGpuSection());
  CHECK_FALSE(HasHypothesis(d, "gpu_power_throttle"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "rx-12/gpu2");
}


// ---- 3. A pending row remap is no cause of what it cannot produce --------------------------------

constexpr const char* kXid63 =
    "Jun 12 06:58:31 rx-03 kernel: NVRM: Xid (PCI:0000:ab:00): 63, pid='<unknown>', name=<unknown>, Row Remapper: "
    "New row (0x00000000000a21f4) was marked for remapping, reset gpu to activate.";

TEST_CASE("rg22: an FP8 amax overflow on every rank is not a pending row remap's, on one GPU") {
  // Before: the Xid 63 (3.0 + the nvidia-smi line) outweighed Transformer Engine's non-finite amax
  // (3.0): gpu_row_remap_failure on rx-03.
  const Json c = Case(
      "rg22-fp8", {"rx-01", "rx-02", "rx-03", "rx-04"},
      Json::array(
          {Log("train-8810.log",
               {"[2026-06-12 07:40:02] Transformer Engine: FP8 recipe DelayedScaling(margin=0, fp8_format=HYBRID, "
                "amax_history_len=1, amax_compute_algo=max)",
                "[2026-06-12 08:15:10] iteration 5100 | lm loss 1.932 | grad norm 0.37",
                "[fp8-debug] iteration 5107 decoder.layers.11.mlp.fc1 amax(fwd X) inf, scale_inv inf",
                "[2026-06-12 08:16:02] iteration 5110 | lm loss nan | grad norm nan",
                "[rank17]: RuntimeError: Rank 17: found NaN in local grad norm for bucket #0 in backward pass before "
                "data-parallel communication collective. Device: 1, node: rx-03"}),
           Log("rx-03/journal",
               {kXid63, "Jun 12 06:58:31 rx-03 nvidia-smi[4410]: GPU 00000000:AB:00.0 row remap pending: 1"})}));
  const Diagnosis d = testing::RunJsonWithPack(c);
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.component == "job");
}

TEST_CASE("rg22: a pending row remap beside watchdog timeouts stays the remap (a hang is its symptom)") {
  // A guard, the same before and after: the hang is a symptom the remap can produce.
  const Json c = Case(
      "rg22-remap-hang", {"rx-01", "rx-02", "rx-03", "rx-04"},
      Json::array({Log("train-8811.log",
                       {"[rank5]:[E612 07:10:02.114081 30211 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught "
                        "collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=8388608, "
                        "NumelOut=8388608, Timeout(ms)=600000) ran for 600044 milliseconds before timing out.",
                        "[rank9]:[E612 07:10:02.118342 30412 ProcessGroupNCCL.cpp:632] [Rank 9] Watchdog caught "
                        "collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=8388608, "
                        "NumelOut=8388608, Timeout(ms)=600000) ran for 600051 milliseconds before timing out."}),
                   Log("rx-03/journal", {kXid63})}));
  const Diagnosis d = testing::RunJsonWithPack(c);
  CHECK(d.root_cause == "gpu_row_remap_failure");
}


// ---- 4. `kubectl debug node/NODE -- nvidia-smi ...`: the output is NODE's -----------------------

TEST_CASE("rg22: kubectl debug node/NODE names the node its command runs on") {
  CHECK(KubectlDebugNodeTarget("$ kubectl debug node/k8s-a02 -it --image=nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04 "
                               "-- nvidia-smi -q") == "k8s-a02");
  CHECK(KubectlDebugNodeTarget("$ oc -n default debug --image registry/tools:1 nodes/k8s-a02 -- chroot /host dmesg") ==
        "k8s-a02");
  CHECK(KubectlDebugNodeTarget("$ kubectl debug -it trainer-0 --image=busybox --target=main") == "");
  CHECK(KubectlDebugNodeTarget("$ kubectl get nodes -o wide") == "");
  CHECK(KubectlDebugNodeTarget("$ ssh k8s-a02 nvidia-smi") == "");
}

TEST_CASE("rg22: a hot GPU in a kubectl debug node paste explains the slow rank on that GPU") {
  // Before: the table's rows had no node (the paste's source names none, and only `ssh NODE` and
  // `kubectl logs|exec POD` placed what followed), so the hot GPU 5 was "GPU 5 of some node":
  // gpu_thermal_throttle on the whole job (realistic18 rl18-06, with more peers' lines: straggler_rank).
  const Json c = Case(
      "rg22-kdebug", {"k8s-a01", "k8s-a02"},
      Json::array(
          {Log("ops/terminal",
               {"$ kubectl -n train logs trainer-master-0 --since=20m | grep slowest",
                "[perf] iters 8100-8200: median step 2.61 s, slowest rank 13 3.97 s (1.52x)",
                "[perf] iters 8200-8300: median step 2.62 s, slowest rank 13 4.02 s (1.53x)",
                "$ kubectl debug node/k8s-a02 -it --image=nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04 -- nvidia-smi "
                "--query-gpu=index,temperature.gpu,clocks.sm,clocks_event_reasons.sw_thermal_slowdown --format=csv",
                "index, temperature.gpu, clocks.sm [MHz], clocks_event_reasons.sw_thermal_slowdown",
                "3, 58, 1980 MHz, Not Active", "4, 60, 1980 MHz, Not Active", "5, 92, 1290 MHz, Active",
                "6, 59, 1980 MHz, Not Active"})}));
  const Diagnosis d = testing::RunJsonWithPack(c);
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "k8s-a02/gpu5");
}


// ---- 5. "max 2.30 s on rank 27": the slowest rank of a timing line -----------------------------

TEST_CASE("rg22: a timing line's max named `on rank N` names the slow rank") {
  // Before: the distribution reader took "max 2.30 s (rank 27)" only; "on rank 11" named no one and
  // the case answered unknown.
  for (const std::string line : {"[timing] iter 900: fwd-bwd median 0.84 s; max 1.52 s on rank 11; data 0.01 s",
                                 "[timing] iter 900: step avg 840 ms, max 1520 ms at rank 11"}) {
    CAPTURE(line);
    const Json c = Case("rg22-max-on", {"rx-31", "rx-32"},
                        Json::array({Log("train-1207.log", {line, "[timing] iter 1000: fwd-bwd median 0.85 s; max "
                                                                  "1.55 s on rank 11; data 0.01 s"})}));
    const Diagnosis d = testing::RunJsonWithPack(c);
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "rx-32/gpu3");
  }
}


// ---- 6. py-spy: the main thread waiting on the DataLoader's queue --------------------------------

// A log of `py-spy dump` of rank 3's process: `thread` is the dumped thread's header line, and
// `frame` its third frame (innermost first).
Json PySpyCase(const std::string& thread, const std::string& frame) {
  return Case("rg22-pyspy", {"rx-21", "rx-22"},
              Json::array({Log("train-9902.log",
                               {"[2026-06-13 11:20:00] iter 640 | 29.8 s/iter | lm loss 2.412",
                                "[2026-06-13 11:30:00] iter 660 | 30.1 s/iter | lm loss 2.405"}),
                           Log("ops/pyspy-rank3.txt",
                               {"Process 51877: /usr/bin/python3 -u pretrain.py --config conf/13b.yaml",
                                "Python v3.11.9 (/usr/bin/python3.11)", "", thread, "    wait (threading.py:331)",
                                "    get (queue.py:180)", frame, "    _get_data (torch/utils/data/dataloader.py:1307)",
                                "    _next_data (torch/utils/data/dataloader.py:1345)",
                                "    __next__ (torch/utils/data/dataloader.py:631)", "    train_step (pretrain.py:402)"})}));
}

TEST_CASE("rg22: a py-spy dump of the main thread idle in DataLoader's _try_get_data is an input stall") {
  // Before: nothing read py-spy's frames; the case answered unknown (knowledge look-alikes only).
  for (const std::string frame :
       {"    _try_get_data (torch/utils/data/dataloader.py:1146)",
        "    _try_get_data (/opt/conda/lib/python3.11/site-packages/torch/utils/data/dataloader.py:1146)"}) {
    CAPTURE(frame);
    const Diagnosis d = testing::RunJsonWithPack(PySpyCase("Thread 51877 (idle): \"MainThread\"", frame));
    CHECK(d.root_cause == "dataloader_stall");
    CHECK(d.component == "job");
  }
}

TEST_CASE("rg22: another thread's stack in _try_get_data is no input stall") {
  // A guard, the same before and after: only the main thread is the training step.
  const Diagnosis d = testing::RunJsonWithPack(PySpyCase("Thread 51990 (idle): \"pin_memory\"",
                                                         "    _try_get_data (torch/utils/data/dataloader.py:1146)"));
  CHECK_FALSE(HasHypothesis(d, "dataloader_stall"));
}

// ---- 7. One GPU low among busy peers in a pasted table is no input stall ------------------------

TEST_CASE("rg22: one GPU under 60 % among busy peers of a pasted table is its rank's slowness, not the input") {
  // Before: `avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) < 60` held on the one GPU (a minority of the
  // table, which the snapshot rules keep as "what differs") and dataloader_stall (2.0) outweighed the
  // slow rank (1.5). An input stall starves every GPU.
  const Json c = Case(
      "rg22-low-one", {"rx-31", "rx-32"},
      Json::array({Log("train-1208.log", {"[timing] iter 700: fwd-bwd median 0.84 s; max 1.52 s on rank 11; data 0.01 s",
                                          "[timing] iter 800: fwd-bwd median 0.85 s; max 1.55 s on rank 11; data 0.01 s"}),
                   Log("ops/paste", {"$ ssh rx-32 nvidia-smi --query-gpu=index,utilization.gpu --format=csv,noheader",
                                     "0, 96 %", "1, 95 %", "2, 97 %", "3, 48 %", "4, 96 %", "5, 95 %", "6, 96 %",
                                     "7, 97 %"})}));
  const Diagnosis d = testing::RunJsonWithPack(c);
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "rx-32/gpu3");
}

}  // namespace
}  // namespace vigil
