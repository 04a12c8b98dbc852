// PLC47 (2026-12-06): realistic44's misses, the same page with many causes (seen fixes).
//   1. A requeued job's allocation printed by its shell trace ("+ echo $SLURM_JOB_NUM_NODES
//      $SLURM_NNODES" then "31 31", "+ scontrol show hostnames $SLURM_JOB_NODELIST | wc -l" then "31")
//      is compared with the launcher's --nnodes; a node the job's ExcNodeList excludes is not where
//      its fault is (rl44-15).
//   2. A node's CPU clock in a shell paste (cpupower's "current CPU frequency: 800 MHz", cpuinfo's
//      "cpu MHz : 800.000" after `ssh NODE`) far below another node's is the straggler's cause
//      (rl44-07).
//   3. A few SymbolErrors on a port with no other link error counted are background (rl44-03).
//   4. A GPU busy while its SMs do nothing and the other GPUs idle, in a hang, is where the hang is
//      (rl44-29).
//   5. Peers' illegal-memory-access lines naming a rank gone after its own host segfault are the
//      crash's consequence (rl44-28).
//   6. A loss scale of 1.0 on every step line is bf16's fixed scale, no fp16 collapse; a resume that
//      started a fresh LR scheduler is the divergence's trigger (rl44-09).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/cpu_clock_lines.h"
#include "agents/host_segfault_first.h"
#include "agents/diagnosis_testing.h"
#include "agents/ib_counter_lines.h"
#include "agents/logs_case_testing.h"
#include "agents/lr_schedule_reset.h"
#include "agents/rendezvous_host.h"
#include "agents/slurm_trace_lines.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc47: a traced echo of variables gives their values; other lines give none") {
  auto v = TracedEchoValues("+ echo $SLURM_JOB_NUM_NODES ${SLURM_NNODES}", "31 31");
  REQUIRE(v.size() == 2);
  CHECK(v["SLURM_JOB_NUM_NODES"] == "31");
  CHECK(v["SLURM_NNODES"] == "31");
  CHECK(TracedEchoValues("$ echo $WORLD_SIZE", "248").at("WORLD_SIZE") == "248");
  CHECK(TracedEchoValues("+ echo $A $B", "31").empty());           // fewer words than variables
  CHECK(TracedEchoValues("+ echo nodes: $A", "nodes: 31").empty());  // not variables only
  CHECK(TracedEchoValues("echo $A", "31").empty());                  // no trace or prompt
  CHECK(TracedHostCount("+ scontrol show hostnames $SLURM_JOB_NODELIST | wc -l", "31") == 31);
  CHECK(!TracedHostCount("+ scontrol show hostnames $SLURM_JOB_NODELIST | wc -l", "31 nodes"));
  CHECK(!TracedHostCount("+ scontrol show hostnames $SLURM_JOB_NODELIST", "31"));
  CHECK(ExcludedHostlists("   NumNodes=31-32 ExcNodeList=kst-h100-[0140,0141]") ==
        std::vector<std::string>{"kst-h100-[0140,0141]"});
  CHECK(ExcludedHostlists("   ExcNodeList=(null)").empty());
}

// A 4-node job requeued after an Xid 79 on rq-03; the requeue excluded it, leaving 3 nodes for a
// script that still asks torchrun for 4 (`counts`: print the allocation's count as a trace does).
Json RequeueCase(bool counts, bool excluded) {
  std::vector<std::string> out = {"srun: job 5120 has been allocated resources"};
  if (counts) {
    out.push_back("+ echo $SLURM_JOB_NUM_NODES $SLURM_NNODES");
    out.push_back("3 3");
  }
  out.push_back("+ torchrun --nnodes=4 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=rq-01:29500 train.py");
  out.push_back("[W1127 18:15:13.912 1 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1180] The rendezvous "
                "'none' has 3 of min 4 nodes after 900 s");
  out.push_back("srun: error: rq-01: task 0: Exited with exit code 1");
  out.push_back("slurmstepd: error: *** JOB 5120 ON rq-01 CANCELLED AT 2026-11-27T18:15:20 DUE TO JOB REQUEUE ***");
  std::vector<std::string> sc = {"$ scontrol show job 5120 | grep -E 'Restarts|NumNodes|ExcNodeList'",
                                 "   Requeue=1 Restarts=4 BatchFlag=1 Reboot=0 ExitCode=1:0",
                                 std::string("   NumNodes=3-4 NumCPUs=384 ExcNodeList=") + (excluded ? "rq-03" : "(null)"),
                                 "$ sinfo -n rq-03 -o '%N %T %E'", "rq-03 drained GPU1 Xid 79 2026-11-27T12:31"};
  return Case("t-plc47-requeue", {"rq-01", "rq-02", "rq-03", "rq-04"},
              Json::array({Log("slurm/5120/stdout", out), Log("slurm/scontrol", sc)}));
}

TEST_CASE("plc47: a requeued allocation's traced node count against --nnodes is the launch's error") {
  // Before: gpu_fallen_off_bus on rq-03/gpu1, the drained node's reason (seen failing without
  // AddTracedAllocation and the ExcNodeList discount).
  Diagnosis d = testing::RunCaseWithOwnProbes(RequeueCase(/*counts=*/true, /*excluded=*/true));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  // Without the count printed, no mismatch is read: the Xid 79 history still leads (guard), and it
  // is discounted only where the job excludes the node.
  Diagnosis no_count = testing::RunCaseWithOwnProbes(RequeueCase(/*counts=*/false, /*excluded=*/false));
  CHECK(no_count.root_cause == "gpu_fallen_off_bus");
}

TEST_CASE("plc47: a node the job's ExcNodeList excludes keeps a tenth of its fault's weight") {
  Diagnosis kept = testing::RunCaseWithOwnProbes(RequeueCase(/*counts=*/false, /*excluded=*/false));
  Diagnosis cut = testing::RunCaseWithOwnProbes(RequeueCase(/*counts=*/false, /*excluded=*/true));
  REQUIRE(!kept.hypotheses.empty());
  CHECK(kept.root_cause == "gpu_fallen_off_bus");
  CHECK(cut.confidence < kept.confidence);
}

TEST_CASE("plc47: CPU clock lines of cpupower and /proc/cpuinfo") {
  CHECK(CpuClockHzInLine("  current CPU frequency: 800 MHz (asserted by call to kernel)") == doctest::Approx(8e8));
  CHECK(CpuClockHzInLine("  current CPU frequency: 3.60 GHz (asserted by call to kernel)") == doctest::Approx(3.6e9));
  CHECK(CpuClockHzInLine("    112 cpu MHz\t\t: 800.000") == doctest::Approx(8e8));
  CHECK(CpuClockHzInLine("cpu MHz\t\t: 2400.000") == doctest::Approx(2.4e9));
  CHECK(!CpuClockHzInLine("  current policy: frequency should be within 800 MHz and 3.80 GHz."));
  CHECK(!CpuClockHzInLine("  hardware limits: 800 MHz - 3.80 GHz"));
}

// A 4-node job whose ranks on sc-03 are slow in forward compute; the responder's clock check on
// sc-03 and on `peer` (both at `slow_mhz` when `both_slow`).
Json ClockCase(bool both_slow) {
  std::vector<std::string> checks = {
      "$ ssh sc-03 'cpupower frequency-info | grep -E \"governor|current CPU\"'",
      "                  The governor \"powersave\" may decide which speed to use",
      "  current CPU frequency: 800 MHz (asserted by call to kernel)",
      "$ ssh sc-01 'cpupower frequency-info | grep -E \"governor|current CPU\"'",
      both_slow ? "  current CPU frequency: 800 MHz (asserted by call to kernel)"
                : "  current CPU frequency: 3.60 GHz (asserted by call to kernel)",
  };
  std::vector<std::string> out = {
      " [2026-11-23 08:04:00] iteration     1201/  500000 | elapsed time per iteration (ms): 4262.9 | lm loss: "
      "2.303017E+00 | grad norm: 0.216",
      " [2026-11-23 08:04:03] iteration     1202/  500000 | elapsed time per iteration (ms): 4241.4 | lm loss: "
      "2.310318E+00 | grad norm: 0.205"};
  return Case("t-plc47-clock", {"sc-01", "sc-02", "sc-03", "sc-04"},
              Json::array({Log("slurm/77/stdout", out), Log("oncall/host-checks", checks)}));
}

TEST_CASE("plc47: one node's CPUs at 800 MHz against a peer's 3.6 GHz: the straggler is that node") {
  // Before: unknown (no reading of the clock lines; seen failing without FindSlowCpuClockLines).
  Diagnosis d = testing::RunCaseWithOwnProbes(ClockCase(false));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "sc-03");
  // Every node checked at the same low clock is the cluster's setting: no straggler (guard).
  Diagnosis both = testing::RunCaseWithOwnProbes(ClockCase(true));
  CHECK(both.root_cause != "straggler_rank");
}

TEST_CASE("plc47: a few symbol errors with no other link error are background; with one they are not") {
  const std::vector<std::string> clean = {"$ perfquery -x -C mlx5_6 -P 1   # n-1", "SymbolErrorCounter:..............3",
                                          "LinkErrorRecoveryCounter:........0", "LinkDownedCounter:...............0"};
  CHECK(SymbolErrorTrickleLines(clean, 100) == std::vector<size_t>{1});
  std::vector<std::string> flap = clean;
  flap[3] = "LinkDownedCounter:...............2";
  CHECK(SymbolErrorTrickleLines(flap, 100).empty());
  CHECK(SymbolErrorTrickleLines({"SymbolErrorCounter:..............4812"}, 100).empty());
  // pdsh's labels: another node's link errors do not keep this node's few symbol errors.
  const std::vector<std::string> pdsh = {"gpu-a07: SymbolErrorCounter:..............48211",
                                         "gpu-a07: LinkDownedCounter:...............14",
                                         "gpu-a11: SymbolErrorCounter:..............2"};
  CHECK(SymbolErrorTrickleLines(pdsh, 100) == std::vector<size_t>{2});
}

// Watchdog line of torch 2.5's ProcessGroupNCCL for `rank` at `seq` in `op`.
std::string Watchdog(int rank, int seq, const std::string& op) {
  const std::string r = std::to_string(rank);
  return "[rank" + r + "]:[E1120 11:16:12.1000" + r + " 3100" + r + " ProcessGroupNCCL.cpp:632] [PG ID 0 PG GUID " +
         "0(default_pg) Rank " + r + "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" +
         std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=16777216, NumelOut=16777216, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.";
}

TEST_CASE("plc47: ranks in different collectives with three symbol errors on one port: the job's hang") {
  std::vector<std::string> out = {Watchdog(0, 61442, "ALLREDUCE"), Watchdog(9, 61442, "_ALLGATHER_BASE"),
                                  Watchdog(17, 61442, "_ALLGATHER_BASE"), Watchdog(26, 61442, "_ALLGATHER_BASE")};
  std::vector<std::string> ib = {"$ perfquery -x -C mlx5_6 -P 1   # cm-03", "SymbolErrorCounter:..............3",
                                 "LinkErrorRecoveryCounter:........0", "LinkDownedCounter:...............0",
                                 "PortRcvErrors:...................0"};
  Json j = Case("t-plc47-mismatch", {"cm-01", "cm-02", "cm-03", "cm-04"},
                Json::array({Log("slurm/9/stdout", out), Log("cm-03/ib-diag", ib)}));
  // Before: ib_link_failure on cm-03/mlx5_6 (seen failing without DiscountSymbolErrorTrickleLines).
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "job");
}

// A 4-node job hung at one all-reduce: watchdog lines of ranks on hk-01..hk-03; DCGM for hk-02's GPUs
// 5 and 6 (rank 14 on GPU 6). `stalled`: GPU 6's SMs fall to 0.02 while its utilisation stays at 100.
Json HungKernelCase(bool stalled) {
  const int64_t t0 = 1796263800000;
  std::vector<std::string> out = {Watchdog(4, 18820, "ALLREDUCE"), Watchdog(9, 18820, "ALLREDUCE"),
                                  Watchdog(20, 18820, "ALLREDUCE"), Watchdog(27, 18820, "ALLREDUCE")};
  Json j = Case("t-plc47-hung-kernel", {"hk-01", "hk-02", "hk-03", "hk-04"}, Json::array({Log("slurm/92/stdout", out)}));
  const std::string model = "NVIDIA B200";
  j["metrics"] = Json::array(
      {testing::MetricJson(testing::GpuSeries("DCGM_FI_DEV_GPU_UTIL", "hk-02", 6, model, t0, 60000, {98, 99, 100, 100, 100, 100})),
       testing::MetricJson(testing::GpuSeries("DCGM_FI_DEV_GPU_UTIL", "hk-02", 5, model, t0, 60000, {98, 99, 0, 0, 0, 0})),
       testing::MetricJson(testing::GpuSeries("DCGM_FI_PROF_SM_ACTIVE", "hk-02", 6, model, t0, 60000,
                                              stalled ? std::vector<double>{0.81, 0.8, 0.02, 0.02, 0.02, 0.02}
                                                      : std::vector<double>{0.81, 0.8, 0.79, 0.8, 0.81, 0.8}))});
  return j;
}

TEST_CASE("plc47: a GPU busy with its SMs idle while the others idle, in a hang: the hang is there") {
  // Before: the hang on the job or a watchdog rank's GPU (seen failing without FindHungKernelGpu).
  Diagnosis d = testing::RunCaseWithOwnProbes(HungKernelCase(true));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "hk-02/gpu6");
  // A GPU at full utilisation whose SMs keep working is computing, not hung (guard).
  Diagnosis working = testing::RunCaseWithOwnProbes(HungKernelCase(false));
  CHECK(working.component != "hk-02/gpu6");
}

TEST_CASE("plc47: host segfault ranks and peers' errors that name them gone") {
  CHECK(HostSegfaultRanks({"[rank18]: !!!!!!! Segfault encountered !!!!!!!", "[rank3]: ok"}) == std::set<int>{18});
  CHECK(HostSegfaultRanks({"Segfault encountered"}).empty());  // no rank named
  const std::string peer =
      "n-05:5116:5316 [0] NCCL WARN Cuda failure 'an illegal memory access was encountered' ... MNNVL peer n-05 rank "
      "18 unreachable (cuMemImportFromShareableHandle refcount drop)";
  CHECK(NamesDeadPeer(peer, {18}));
  CHECK(!NamesDeadPeer(peer, {17}));
  CHECK(!NamesDeadPeer("NCCL WARN Cuda failure 'an illegal memory access was encountered'", {18}));
}

// A rank's host segfault in a kernel launcher, then its NVLink peers' CUDA errors naming it gone
// (`segv`: the rank's own segfault line is in the log).
Json SegfaultCase(bool segv) {
  std::vector<std::string> out;
  if (segv) {
    out.push_back("[rank10]: !!!!!!! Segfault encountered !!!!!!!");
    out.push_back("[rank10]:   File \"/opt/apex/contrib/csrc/group_gemm_launcher.cpp\", line 0, in launch_grouped_gemm");
  }
  for (int g : {0, 1, 3}) {
    out.push_back("sg-02:51" + std::to_string(g) + ":53" + std::to_string(g) + " [" + std::to_string(g) +
                  "] NCCL WARN Cuda failure 'an illegal memory access was encountered' ... MNNVL peer sg-02 rank 10 "
                  "unreachable (cuMemImportFromShareableHandle refcount drop)");
  }
  out.push_back("  exitcode  : -11 (pid: 400010)");
  return Case("t-plc47-segv", {"sg-01", "sg-02"}, Json::array({Log("slurm/91/stdout", out)}));
}

TEST_CASE("plc47: peers' illegal memory access naming a rank gone after its host segfault: the rank's crash") {
  // Before: illegal_memory_access (seen failing without ReadPeerCudaErrorsAsHostCrash).
  Diagnosis d = testing::RunCaseWithOwnProbes(SegfaultCase(true));
  CHECK(d.root_cause == "rank_process_crash");
  // Without the rank's own segfault line the peers' CUDA errors stand (guard).
  Diagnosis no_segv = testing::RunCaseWithOwnProbes(SegfaultCase(false));
  CHECK(no_segv.root_cause == "illegal_memory_access");
}

// A Megatron run whose loss turns NaN; `scale` is the loss scale every step line prints; `reset`: the
// resume's "lr_scheduler state not found ... starting a fresh scheduler" line above the steps.
Json NanCase(const std::string& scale, bool reset = false) {
  std::vector<std::string> out;
  if (reset) {
    out.push_back("WARNING: lr_scheduler state not found in checkpoint (saved with --no-save-optim-sched); starting a "
                  "fresh scheduler: warmup 0, max_lr 3.0E-03, decay-style cosine");
  }
  const char* losses[] = {"2.301", "2.299", "2.304", "3.111", "4.695", "6.294", "nan"};
  for (int i = 0; i < 7; ++i) {
    out.push_back(" [2026-11-24 12:05:" + std::to_string(10 + i * 4) + "] iteration    7202" + std::to_string(i) +
                  "/  500000 | elapsed time per iteration (ms): 4201.3 | learning rate: 3.000000E-03 | lm loss: " +
                  losses[i] + " | loss scale: " + scale + " | grad norm: " + (i == 6 ? "nan" : "0.4") +
                  " | number of skipped iterations:   " + (i == 6 ? "1" : "0") + " | number of nan iterations:   " +
                  (i == 6 ? "1" : "0") + " |");
  }
  return Case("t-plc47-nan", {"ln-01", "ln-02"}, Json::array({Log("slurm/88/stdout", out)}));
}

TEST_CASE("plc47: a loss scale of 1.0 on every step is bf16's fixed scale, no fp16 collapse") {
  // Before: fp16_loss_scale_collapse (seen failing without the 3a-fp16-fixed discount).
  CHECK(testing::RunCaseWithOwnProbes(NanCase("1.0")).root_cause == "loss_divergence");
}

TEST_CASE("plc47: a resume that started a fresh LR scheduler is the divergence's trigger") {
  CHECK(SaysSchedulerReset("WARNING: lr_scheduler state not found in checkpoint (saved with --no-save-optim-sched); "
                           "starting a fresh scheduler: warmup 0, max_lr 3.0E-03"));
  CHECK(SaysSchedulerReset("resume: optimizer.pt loaded; scheduler.pt not found in checkpoint-5800 (skipped), creating "
                           "a new scheduler"));
  CHECK(!SaysSchedulerReset("loaded lr_scheduler state from checkpoint"));
  CHECK(!SaysSchedulerReset("tokenizer not found in cache, creating a new tokenizer"));
  // Before: the line was not read (seen failing without 3a-lr-reset: equal confidence).
  Diagnosis with = testing::RunCaseWithOwnProbes(NanCase("1.0", /*reset=*/true));
  Diagnosis without = testing::RunCaseWithOwnProbes(NanCase("1.0"));
  CHECK(with.root_cause == "loss_divergence");
  CHECK(with.confidence > without.confidence);
}

}  // namespace
}  // namespace vigil
