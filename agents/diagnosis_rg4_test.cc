// Tests of RG4's rules (2026-12-02): torch elastic's node requirement against the allocation,
// torchrun's agent failure line without its report, an OOM on the rank holding a collapsed MoE
// router's hot expert, and Open MPI's processes-a-node spellings. The cases are written for the
// tests (node names n-01 ...), not copied from a set. They run the shipped knowledge pack
// (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/launch_case_testing.h"

namespace vigil {
namespace {

Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j); }

using testing::LaunchCase;
using testing::LaunchMismatch;

// srun starts one torchrun agent on each of the allocation's nodes; torchrun's rendezvous waits for
// `nnodes` of them (its launch config block prints min_nodes / max_nodes) and times out.
Json Rendezvous(const std::string& srun_nodes, const std::string& nnodes, int alloc, bool with_block,
                const std::string& min_nodes, const std::string& max_nodes) {
  Json lines = Json::array();
  std::string cmd = "+ srun --nodes=";
  cmd += srun_nodes;
  cmd += " --ntasks-per-node=1 torchrun";
  if (!nnodes.empty()) {
    cmd += " --nnodes=";
    cmd += nnodes;
  }
  cmd += " --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=n-01:29500 --rdzv-id=5512 train.py";
  lines.push_back(cmd);
  std::string num = "SLURM_JOB_NUM_NODES=";
  num += std::to_string(alloc);
  lines.push_back(num);
  for (int n = 1; n <= alloc; ++n) {
    std::string p = "[n-0";
    p += std::to_string(n);
    p += "]:";
    if (with_block) {
      lines.push_back(p + "I1202 10:00:01.1 90 torch/distributed/launcher/api.py:188] Starting elastic_operator with launch configs:");
      lines.push_back(p + "  entrypoint       : train.py");
      lines.push_back(p + "  min_nodes        : " + min_nodes);
      lines.push_back(p + "  max_nodes        : " + max_nodes);
      lines.push_back(p + "  nproc_per_node   : 8");
    }
    lines.push_back(p + "I1202 10:00:03.1 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group");
  }
  for (int n = 1; n <= alloc; ++n) {
    std::string p = "[n-0";
    p += std::to_string(n);
    p += "]:torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError";
    lines.push_back(p);
  }
  lines.push_back("srun: error: n-02: task 1: Exited with exit code 1");
  Json logs = Json::array({{{"source", "slurm-5512.out"}, {"lines", lines}}});
  return LaunchCase("rg4-rdzv", {{"alertname", "SlurmJobTimeLimit"}, {"slurm_job_id", "5512"}},
              "job 5512 produced no training output for 30 min", "2026-12-02T10:31:00Z", logs, alloc);
}

TEST_CASE("launch counts: torchrun's --nnodes beside srun's nodes, each against the allocation (RG4)") {
  // realistic8 rl8-19's shape: srun's 3 nodes fit the 3-node allocation, torchrun waits for 4.
  // fac14f3: srun's count fitting hid torchrun's, no mismatch; answered nccl_collective_hang.
  Diagnosis d = Run(Rendezvous("3", "4", 3, true, "4", "4"));
  CHECK(LaunchMismatch(d).find("asks for 4 node(s)") != std::string::npos);
  CHECK(LaunchMismatch(d).find("allocated 3") != std::string::npos);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  // The launch config block alone (the command line not in the log): min_nodes 4 in 3 nodes.
  Diagnosis block = Run(Rendezvous("3", "", 3, true, "4", "4"));
  CHECK(LaunchMismatch(block).find("asks for 4 node(s)") != std::string::npos);
  CHECK(LaunchMismatch(block).find("min_nodes") == std::string::npos);  // it quotes the max_nodes row
  // Guards: an elastic range the allocation satisfies is no mismatch, as a --nnodes range or as the
  // block's min_nodes / max_nodes.
  CHECK(LaunchMismatch(Run(Rendezvous("3", "2:4", 3, true, "2", "4"))).empty());
  CHECK(LaunchMismatch(Run(Rendezvous("3", "", 3, true, "2", "4"))).empty());
  CHECK(LaunchMismatch(Run(Rendezvous("3", "3", 3, true, "3", "3"))).empty());
}

TEST_CASE("torchrun's agent failure line is a failure entry without its Root Cause report (RG4)") {
  const std::string agent =
      "2026-05-30 05:06:00 [n-02]:E0530 05:05:59.636122000 771388 torch/distributed/elastic/multiprocessing/api.py:869] "
      "failed (exitcode: -11) local_rank: 4 (pid: 41877) of binary: /usr/bin/python3";
  auto f = FindTorchrunFailures({"something else", agent});
  REQUIRE(f.size() == 1);  // fac14f3: none
  CHECK(f[0].host == "n-02");
  CHECK(f[0].local_rank == 4);
  CHECK(f[0].pid == 41877);
  CHECK(f[0].rank == -1);
  CHECK(f[0].first_line == 1);
  // No host label: the host is left for the caller (the log's node).
  f = FindTorchrunFailures({"[E 05:05:59] failed (exitcode: 1) local_rank: 2 (pid: 9101) of binary: /usr/bin/python"});
  REQUIRE(f.size() == 1);
  CHECK(f[0].host.empty());
  CHECK(f[0].local_rank == 2);
  // The report's entry with the same pid says it already (with the global rank): no second entry.
  f = FindTorchrunFailures({agent, "Root Cause (first observed failure):", "[0]:", "  host      : n-02",
                            "  rank      : 12 (local_rank: 4)", "  exitcode  : -11 (pid: 41877)"});
  REQUIRE(f.size() == 1);
  CHECK(f[0].rank == 12);

  // realistic8 rl8-04's shape: the kernel's segfault on n-02 (no GPU), the agent's failure line and
  // the worker's signal traceback (its pid) in the gathered srun log, the peers' watchdogs.
  Json journal = Json::array({"May 30 05:05:53 n-02 kernel: pt_autograd_0[42310]: segfault at 18 ip 00007f3a9c21e4b7 sp "
                              "00007f39c1ffe8a0 error 4 in libtorch_cuda.so[7f3a9a200000+3c8a000] likely on CPU 71 (core 7, socket 1)",
                              "May 30 05:06:04 n-02 systemd-coredump[90211]: Process 41877 (python3) of user 1013 dumped core."});
  Json out = Json::array({agent, "2026-05-30 05:06:00 [n-02]:  traceback : Signal 11 (SIGSEGV) received by PID 41877",
                          "[n-01]:[rank3]:[E0530 05:16:01.555273000 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective "
                          "operation timeout: WorkNCCL(SeqNum=88412, OpType=_ALLGATHER_BASE, NumelIn=131072000, "
                          "NumelOut=131072000, Timeout(ms)=600000) ran for 600013 milliseconds before timing out.",
                          "srun: error: n-02: task 1: Exited with exit code 1"});
  Json logs = Json::array({{{"source", "n-02/journal"}, {"lines", journal}}, {{"source", "slurm-771388.out"}, {"lines", out}}});
  Diagnosis d = Run(LaunchCase("rg4-agent", {{"alertname", "TrainingJobFailed"}}, "job 771388 failed",
                         "2026-05-30T05:17:00Z", logs, 2));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "n-02/gpu4");  // fac14f3: n-02

  // Review RV-RG4: the peers' agents on n-01 print their own failure lines ten minutes later, when
  // the watchdog aborts their workers (exitcode -6 on every local rank): the first failure, on
  // n-02's GPU 4, stays the component.
  Json later = out;
  for (int lr = 0; lr < 8; ++lr) {
    std::string l = "2026-05-30 05:16:02 [n-01]:E0530 05:16:02.100000000 771388 "
                    "torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: ";
    l += std::to_string(lr);
    l += " (pid: ";
    l += std::to_string(51000 + lr);
    l += ") of binary: /usr/bin/python3";
    later.insert(later.end() - 1, l);
  }
  Json logs2 = Json::array({{{"source", "n-02/journal"}, {"lines", journal}}, {{"source", "slurm-771388.out"}, {"lines", later}}});
  Diagnosis peers = Run(LaunchCase("rg4-agent", {{"alertname", "TrainingJobFailed"}}, "job 771388 failed",
                             "2026-05-30T05:17:00Z", logs2, 2));
  CHECK(peers.root_cause == "rank_process_crash");
  CHECK(peers.component == "n-02/gpu4");
}

// An MoE job (8 experts over 8 expert-parallel ranks, two nodes of 8 GPUs) whose router's token
// counts per expert are `late`'s at 03:19 and 03:44; ranks `oom_ranks` then run out of memory.
Json Moe(const std::string& late, const std::vector<int>& oom_ranks) {
  Json lines = Json::array({"  micro_batch_size ............................... 2",
                            "  num_experts .................................... 8",
                            "  moe_router_topk ................................ 2",
                            "  moe_aux_loss_coeff ............................. 0.0",
                            "  expert_model_parallel_size ..................... 8",
                            "[2026-07-18 02:52:53] MoE load (layer 14): tokens per expert [2101, 2180, 2050, 2230, 2092, "
                            "2155, 2011, 2197] (max/mean 1.03), aux loss 0.000"});
  std::string l = "[2026-07-18 03:19:33] MoE load (layer 14): tokens per expert ";
  l += late;
  lines.push_back(l);
  std::string l2 = "[2026-07-18 03:44:33] MoE load (layer 14): tokens per expert ";
  l2 += late;
  lines.push_back(l2);
  int s = 3;
  for (int r : oom_ranks) {
    std::string o = "[2026-07-18 03:47:0";
    o += std::to_string(s++);
    o += "] [rank";
    o += std::to_string(r);
    o += "]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 9.77 GiB. GPU ";
    o += std::to_string(r % 8);
    o += " has a total capacity of 139.72 GiB of which 3.02 GiB is free. Including non-PyTorch memory, this "
         "process has 136.69 GiB memory in use.";
    lines.push_back(o);
  }
  Json logs = Json::array({{{"source", "n-01/pod/moe-sft-worker-0/pytorch"}, {"lines", lines}}});
  return LaunchCase("rg4-moe", {{"alertname", "KubeJobFailed"}, {"job_name", "moe-sft"}},
              "Job training/moe-sft failed (BackoffLimitExceeded)", "2026-07-18T03:49:33Z", logs, 2);
}

TEST_CASE("an OOM on the ranks holding a collapsed router's hot expert is the collapse's symptom (RG4)") {
  const std::string skewed = "[410, 380, 290, 350, 12650, 220, 390, 310] (max/mean 6.00), aux loss 0.000";
  // Expert 4 lives on expert-parallel rank 4: global ranks 4 and 12. fac14f3: cuda_oom.
  Diagnosis d = Run(Moe(skewed, {12, 4}));
  CHECK(d.root_cause == "moe_expert_imbalance");
  CHECK(d.component == "job");
  // Guards. A balanced router: the OOM is the OOM (realistic8 rl8-05's twin).
  Diagnosis balanced = Run(Moe("[2101, 2180, 2050, 2230, 2092, 2155, 2011, 2197] (max/mean 1.03), aux loss 0.000", {12, 4}));
  CHECK(balanced.root_cause == "cuda_oom");
  // A skewed router, but the OOM on a rank that does not hold the hot expert: not explained by it.
  Diagnosis other = Run(Moe(skewed, {3}));
  CHECK(other.root_cause == "cuda_oom");
  // An OOM on every rank (a memory budget the whole job overran) is no hot expert's symptom.
  Diagnosis every = Run(Moe(skewed, {0, 1, 2, 3, 4, 5, 6, 7}));
  CHECK(every.root_cause == "cuda_oom");
}

TEST_CASE("an OOM after the router recovered from a skew is no collapse's symptom (RV-RG4)") {
  // Expert 4 hot on one logged step (03:19), the router balanced again at 03:44, then rank 4 (which
  // holds expert 4) runs out of memory at 03:47: the skew had ended, the OOM is the OOM. 1c90fdc: the
  // earliest skewed line was taken as the collapse's start and never its end (moe_expert_imbalance).
  Json j = Moe("[410, 380, 290, 350, 12650, 220, 390, 310] (max/mean 6.00), aux loss 0.000", {4});
  Json& lines = j["logs"][0]["lines"];
  for (Json& l : lines) {
    std::string t = l.get<std::string>();
    if (t.rfind("[2026-07-18 03:44:33]", 0) == 0) {
      l = "[2026-07-18 03:44:33] MoE load (layer 14): tokens per expert [2101, 2180, 2050, 2230, 2092, 2155, 2011, 2197] "
          "(max/mean 1.03), aux loss 0.000";
    }
  }
  CHECK(Run(j).root_cause == "cuda_oom");
  // Still skewed at the last count before the OOM: the collapse's symptom, as before.
  CHECK(Run(Moe("[410, 380, 290, 350, 12650, 220, 390, 310] (max/mean 6.00), aux loss 0.000", {4})).root_cause ==
        "moe_expert_imbalance");
}

TEST_CASE("launch counts: accelerate's --num_machines is the rendezvous' requirement, beside srun's nodes (RV-RG4)") {
  // accelerate launch passes --num_machines to torch elastic as its node count: srun's 3 nodes fit
  // the allocation, the rendezvous waits for 4. 1c90fdc: read as a placement count, srun's fit hid it.
  auto launch = [](const std::string& machines) {
    std::string cmd = "+ srun --nodes=3 --ntasks-per-node=1 accelerate launch --num_machines ";
    cmd += machines;
    cmd += " --num_processes 24 --machine_rank $SLURM_NODEID --main_process_ip n-01 train.py";
    Json lines = Json::array({cmd, "SLURM_JOB_NUM_NODES=3"});
    Json logs = Json::array({{{"source", "slurm-6120.out"}, {"lines", lines}}});
    return Run(LaunchCase("rv-rg4-accel", {{"alertname", "SlurmJobTimeLimit"}, {"slurm_job_id", "6120"}},
                    "job 6120 produced no training output for 30 min", "2026-12-02T10:31:00Z", logs, 3));
  };
  CHECK(LaunchMismatch(launch("4")).find("asks for 4 node(s)") != std::string::npos);
  CHECK(LaunchMismatch(launch("3")).empty());
}

// mpirun under a 4-node Slurm allocation of 8 GPUs a node.
Json Mpirun(const std::string& cmd) {
  Json lines = Json::array({"SLURM_JOB_NUM_NODES=4", "SLURM_GPUS_ON_NODE=8", cmd});
  Json logs = Json::array({{{"source", "slurm-9120.out"}, {"lines", lines}}});
  return LaunchCase("rg4-mpi", {{"alertname", "TrainingJobFailed"}}, "job 9120 failed", "2026-11-30T08:20:00Z", logs, 4);
}

TEST_CASE("launch counts: Open MPI's --map-by ppr:N:node and -N N are processes a node (RG4)") {
  // fac14f3: neither read, no mismatch.
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 40 --map-by ppr:10:node python train.py"))).find("starts 10 process(es) per node") !=
        std::string::npos);
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 16 --map-by ppr:4:node:PE=2 python train.py"))).find("starts 4 process(es)") !=
        std::string::npos);
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -N 10 -np 40 python train.py"))).find("starts 10 process(es) per node") !=
        std::string::npos);
  // N a node x 4 nodes against -np: 8 x 4 = 32 fits; -np 40 with 8 a node does not.
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 32 --map-by ppr:8:node python train.py"))).empty());
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 40 --map-by ppr:8:node python train.py"))).find("mpirun -np 40 but") !=
        std::string::npos);
  // Guards: ppr over sockets is not read (needs the sockets a node); the program's own -N is not mpirun's.
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 32 --map-by ppr:2:socket python train.py"))).empty());
  CHECK(LaunchMismatch(Run(Mpirun("+ mpirun -np 32 python train.py -N 10"))).empty());
}

}  // namespace
}  // namespace vigil
