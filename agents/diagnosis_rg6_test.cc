// Tests of RG6's rules (2026-12-03): a probe's error read per probe kind, srun starting fewer
// torch elastic agents than the rendezvous waits for, the mismatch quoting mpirun's -np, and the
// launch config block's min_nodes pairing within one agent's print. The cases are written for the
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

using testing::LaunchCase;
using testing::LaunchMismatch;

// An all-reduce that timed out on every rank of a 3-node job (each node's first rank's watchdog
// lines), with the nccl.allreduce test recorded on each node: it passes on n-01 and n-03, and on
// n-02 gives `error` with `reason`, after `duration_s`. n-02's DCGM utilisation is in the case.
Json HangCase(const std::string& reason, double duration_s) {
  Json logs = Json::array();
  for (int n = 1; n <= 3; ++n) {
    const int rank = (n - 1) * 8;
    std::string tag = "[rank";
    tag += std::to_string(rank);
    tag += "]:[E1203 01:47:1";
    tag += std::to_string(n);
    tag += ".164655000 ProcessGroupNCCL.cpp:616] [Rank ";
    tag += std::to_string(rank);
    tag += "] ";
    Json lines = Json::array();
    lines.push_back(tag + "Watchdog caught collective operation timeout: WorkNCCL(SeqNum=991, OpType=ALLREDUCE, "
                          "NumelIn=67108864, NumelOut=67108864, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.");
    lines.push_back(tag + "Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, "
                          "subsequent GPU operations might run on corrupted/incomplete data.");
    lines.push_back("terminate called after throwing an instance of 'c10::DistBackendError'");
    std::string source = "n-0";
    source += std::to_string(n);
    source += "/rank";
    source += std::to_string(rank);
    source += "/stderr";
    logs.push_back({{"source", source}, {"lines", lines}});
  }
  Json c = LaunchCase("rg6-hang", {{"alertname", "NCCLWatchdogTimeout"}, {"job", "llm"}, {"node", "n-01"}},
                "llm: ALLREDUCE SeqNum 991 timed out on 24/24 ranks", "2026-12-03T01:48:10Z", logs, 3);
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  // n-02's GPUs spinning at 100 % (DCGM), the telemetry that brings n-02 into the probe wave.
  const int64_t t0 = 1796262490000;  // the alert's startsAt
  Json metrics = Json::array();
  for (int g = 0; g < 8; ++g) {
    Json samples = Json::array();
    for (int i = 0; i <= 40; ++i) samples.push_back(Json::array({t0 - (40 - i) * 30000LL, i < 20 ? 97 : 100}));
    metrics.push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"}, {"labels", {{"Hostname", "n-02"}, {"gpu", std::to_string(g)}}},
                       {"samples", samples}});
  }
  c["metrics"] = metrics;
  Json pass = {{"status", "pass"},
               {"metrics", {{"busbw_gb_s", 410.0}, {"algbw_gb_s", 205.0}, {"errors", 0}}},
               {"thresholds", {{"busbw_gb_s_min", 300.0}}},
               {"reason", "allreduce bandwidth at 1GiB within thresholds"},
               {"duration_s", 4.0}};
  c["probes"] = {{"nccl.allreduce@n-01", pass},
                 {"nccl.allreduce@n-03", pass},
                 {"nccl.allreduce@n-02",
                  {{"status", "error"}, {"metrics", Json::object()}, {"thresholds", Json::object()}, {"reason", reason},
                   {"duration_s", duration_s}}}};
  return c;
}

Diagnosis RunProbes(const Json& j) { return testing::RunCaseWithOwnProbes(j, /*intrusive=*/true); }

TEST_CASE("a probe's error is evidence when it says the collective hangs, not when the probe could not run (RG6)") {
  // dev case-036's shape: the all-reduce test completes on n-01 and n-03 and hangs on n-02. cdcfbc6:
  // the error was read as no answer, and the hang was the job's.
  const std::string hang = "timed out after 120 s: ncclAllReduce did not complete on 8/8 ranks";
  Diagnosis past_limit = RunProbes(HangCase(hang, 120.0));  // past the step's limit: a `timeout` step
  CHECK(past_limit.root_cause == "nccl_collective_hang");
  CHECK(past_limit.component == "n-02");
  Diagnosis in_limit = RunProbes(HangCase(hang, 12.0));  // the probe's own timeout: an `error` step
  CHECK(in_limit.root_cause == "nccl_collective_hang");
  CHECK(in_limit.component == "n-02");
  bool read = false;
  for (const Evidence& e : in_limit.evidence) {
    read = read || (e.source == "probe nccl.allreduce@n-02" && e.detail.find("did not complete") != std::string::npos);
  }
  CHECK(read);
  // Guards: the probe could not reach the node, or NCCL's bootstrap failed (the probe's network or
  // environment): nothing of the hypotheses, the hang stays the job's.
  Diagnosis ssh = RunProbes(HangCase("probe agent unreachable: ssh n-02: connection timed out", 12.0));
  CHECK(ssh.root_cause == "nccl_collective_hang");
  CHECK(ssh.component.rfind("n-02", 0) != 0);
  Diagnosis boot = RunProbes(HangCase("ncclCommInitRank timed out after 60 s: bootstrap connect timed out", 12.0));
  CHECK(boot.component.rfind("n-02", 0) != 0);
}

TEST_CASE("a probe's error read as a hang: vigil-probe's own watchdog yes; the executor's kill, or every node, no (RV-RG6)") {
  // vigil-probe's own watchdog text (probes/gpu/vigil_probe.cc) for a test that did not finish in
  // its limit, the live executor's `error` step: RG6's rule read only "ncclAllReduce did not
  // complete", a wording vigil-probe never writes, so a live hang was no evidence.
  Diagnosis live = RunProbes(HangCase(
      "watchdog: nccl.allreduce did not finish within 12.000000 s; the GPU (or NCCL peer) may be hung", 12.0));
  CHECK(live.root_cause == "nccl_collective_hang");
  CHECK(live.component == "n-02");
  // The executor's own deadline (probes/command_executor.cc) while srun still waited for the
  // allocation, replayed past the step limit: the probe never ran, no hang of n-02 (RG6: a hang).
  Diagnosis queued = RunProbes(HangCase(
      "vigil-probe (slurm:partition=gpu) timed out after 155.0 s (killed); stderr: srun: job 4242 queued and waiting "
      "for resources",
      155.0));
  CHECK(queued.root_cause == "nccl_collective_hang");
  CHECK(queued.component.rfind("n-02", 0) != 0);
  Diagnosis killed = RunProbes(HangCase("vigil-probe (local) timed out after 125.0 s (killed)", 125.0));
  CHECK(killed.component.rfind("n-02", 0) != 0);
  // RG6's guards ran at 12 s, an `error` step that reads only the hang wording, so they passed with
  // or without the could-not-run list; past the limit (a `timeout` step, a peer answering) they
  // test it.
  CHECK(RunProbes(HangCase("probe agent unreachable: ssh n-02: connection timed out", 120.0)).component.rfind("n-02", 0) != 0);
  // vigil-probe's own single-node init (ncclCommInitAll) failing, past the limit: NCCL's init, not a
  // hang (RG6's list named ncclCommInitRank only).
  CHECK(RunProbes(HangCase("ncclCommInitAll(c->comms.data(), n, ctx.gpus.data()): unhandled system error (run with "
                           "NCCL_DEBUG=INFO for details) (vigil_probe.cc:1066)",
                           120.0))
            .component.rfind("n-02", 0) != 0);
  // The test hangs on every node probed: the test or the stack under it, not one node's hang (RG6
  // read each node's error as that node's hang).
  Json every = HangCase("timed out after 120 s: ncclAllReduce did not complete on 8/8 ranks", 120.0);
  for (const char* n : {"nccl.allreduce@n-01", "nccl.allreduce@n-03"}) every["probes"][n] = every["probes"]["nccl.allreduce@n-02"];
  Diagnosis all = RunProbes(every);
  CHECK(all.root_cause == "nccl_collective_hang");
  bool read_hang = false;
  for (const Evidence& e : all.evidence) read_hang = read_hang || e.source.rfind("probe nccl.allreduce@", 0) == 0;
  CHECK_FALSE(read_hang);
}

// Rank 5 of a job died with CUDA's "unknown error"; gpu.health on its GPU gives `error` with `reason`.
Json LostCase(const std::string& reason) {
  Json lines = Json::array({"[rank5]: Traceback (most recent call last):", "[rank5]: RuntimeError: CUDA error: unknown error",
                            "[rank5]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
                            "stacktrace below might be incorrect.",
                            "E1203 02:10:01.000000 140 torch/distributed/elastic/multiprocessing/api.py:826] failed "
                            "(exitcode: 1) local_rank: 5 (pid: 4242) of binary: /usr/bin/python3"});
  Json c = LaunchCase("rg6-lost", {{"alertname", "TrainingJobFailed"}, {"job", "llm"}, {"node", "n-01"}},
                "llm: rank 5 exited with CUDA error: unknown error", "2026-12-03T02:11:00Z",
                Json::array({{{"source", "n-01/train.log"}, {"lines", lines}}}), 2);
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  c["probes"] = {{"gpu.health@n-01/gpu5",
                  {{"status", "error"}, {"metrics", Json::object()}, {"thresholds", Json::object()}, {"reason", reason},
                   {"duration_s", 0.4}}}};
  return c;
}

TEST_CASE("a GPU probe's error saying the GPU is lost is evidence of a GPU off the bus (RG6)") {
  // cdcfbc6: the error was no evidence with no peer to compare (rank_process_crash @ n-01/gpu5, 0.43).
  Diagnosis lost = RunProbes(LostCase("nvmlDeviceGetHandleByIndex(5): GPU is lost (NVML_ERROR_GPU_IS_LOST)"));
  CHECK(lost.root_cause == "gpu_fallen_off_bus");
  CHECK(lost.component == "n-01/gpu5");
  // NVML names another GPU than the target: a GPU of n-01 is lost, not gpu5 (RV-RG6: n-01/gpu5).
  Diagnosis other = RunProbes(LostCase("nvmlDeviceGetHandleByIndex(2): GPU is lost (NVML_ERROR_GPU_IS_LOST)"));
  CHECK(other.root_cause == "gpu_fallen_off_bus");
  CHECK(other.component == "n-01");
  // Guard: the probe could not open the device: nothing of the GPU.
  CHECK(RunProbes(LostCase("permission denied opening /dev/nvidiactl")).root_cause == "rank_process_crash");
}

// srun starts one torch elastic agent a node (`--ntasks-per-node=1`); torchrun's rendezvous waits
// for `nnodes` of them.
Json Srun(const std::string& srun_opts, const std::string& nnodes, int alloc) {
  Json lines = Json::array();
  std::string cmd = "+ srun ";
  cmd += srun_opts;
  cmd += " torchrun --nnodes=";
  cmd += nnodes;
  cmd += " --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=n-01:29500 --rdzv-id=5512 train.py";
  std::string num = "SLURM_JOB_NUM_NODES=";
  num += std::to_string(alloc);
  lines.push_back(num);
  lines.push_back(cmd);
  lines.push_back("[n-01]:I1203 10:00:03.1 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group");
  Json logs = Json::array({{{"source", "slurm-5512.out"}, {"lines", lines}}});
  return LaunchCase("rg6-srun", {{"alertname", "SlurmJobTimeLimit"}, {"slurm_job_id", "5512"}},
              "job 5512 produced no training output for 30 min", "2026-12-03T10:31:00Z", logs, alloc);
}

TEST_CASE("launch counts: srun starting fewer agents than the rendezvous waits for never starts (RG6)") {
  // `srun -N 3 torchrun --nnodes=4` in 4 nodes: torchrun's 4 fit, srun's 3 read as using less, a
  // note of 0.5 (cdcfbc6); the rendezvous waits for a 4th agent forever.
  Diagnosis d = testing::RunJsonWithPack(Srun("-N 3 --ntasks-per-node=1", "4", 4));
  CHECK(LaunchMismatch(d).find("srun starts 3 launcher agent(s) but the rendezvous waits for 4") != std::string::npos);
  CHECK(LaunchMismatch(d).find("uses less than allocated") == std::string::npos);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  // An elastic minimum srun's agents meet starts: `--nnodes=2:4` on 3 of 4 nodes is a note only.
  Diagnosis elastic = testing::RunJsonWithPack(Srun("-N 3", "2:4", 4));
  CHECK(LaunchMismatch(elastic).find("srun starts") == std::string::npos);
  // Two tasks a node on 2 nodes are 4 agents: the rendezvous' 4 are met (the allocation's 4 nodes
  // are then not all used: that note stays).
  CHECK(LaunchMismatch(testing::RunJsonWithPack(Srun("-N 2 --ntasks-per-node=2", "4", 4))).find("srun starts") ==
        std::string::npos);
  // srun's count against the allocation itself: 5 nodes asked in 4 cannot start as written.
  Diagnosis more = testing::RunJsonWithPack(Srun("-N 5", "5", 4));
  CHECK(LaunchMismatch(more).find("asks for 5 node(s)") != std::string::npos);
  CHECK(LaunchMismatch(more).find("uses less") == std::string::npos);
}

TEST_CASE("srun against the rendezvous: only the command srun launches, not a printed one, a relaunch that fits clears it (RV-RG6)") {
  // The lines of a 4-node allocation's log, then the rendezvous' check over them.
  auto run = [](const std::vector<std::string>& cmds) {
    Json j = Srun("-N 4 --ntasks-per-node=1", "4", 4);
    Json lines = Json::array({"SLURM_JOB_NUM_NODES=4"});
    for (const std::string& c : cmds) lines.push_back(c);
    lines.push_back("[n-01]:I1203 10:00:03.1 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group");
    j["logs"][0]["lines"] = lines;
    return LaunchMismatch(testing::RunJsonWithPack(j));
  };
  const std::string torchrun = " torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=n-01:29500 train.py";
  // A heterogeneous job: the first component's one task is a parameter server, the torchrun is the
  // second's (4 agents). RG6: "srun starts 1 launcher agent(s) but the rendezvous waits for 4".
  CHECK(run({"+ srun -N 1 --ntasks-per-node=1 python param_server.py : -N 4 --ntasks-per-node=1" + torchrun})
            .find("srun starts") == std::string::npos);
  // A side step next to a torchrun srun does not launch.
  CHECK(run({"+ srun --overlap -N 1 python gpu_monitor.py &" + torchrun}).find("srun starts") == std::string::npos);
  // A line that only prints a command launches nothing.
  CHECK(run({"+ echo \"usage: srun -N 1 torchrun --nnodes=4 --nproc-per-node=8 train.py\""}).find("srun starts") ==
        std::string::npos);
  // A relaunch with 4 agents after a first one with 3: the launch was fixed.
  CHECK(run({"+ srun -N 3 --ntasks-per-node=1" + torchrun, "+ srun -N 4 --ntasks-per-node=1" + torchrun})
            .find("srun starts") == std::string::npos);
  // The shortfall itself still reads, `-N3` written without a space too.
  CHECK(run({"+ srun -N3 --ntasks-per-node=1" + torchrun}).find("srun starts 3 launcher agent(s)") != std::string::npos);
}

// mpirun under a 4-node Slurm allocation of 8 GPUs a node.
Json Mpirun(const std::string& cmd) {
  Json lines = Json::array({"SLURM_JOB_NUM_NODES=4", "SLURM_GPUS_ON_NODE=8", cmd});
  Json logs = Json::array({{{"source", "slurm-9120.out"}, {"lines", lines}}});
  return LaunchCase("rg6-mpi", {{"alertname", "TrainingJobFailed"}}, "job 9120 failed", "2026-12-03T08:20:00Z", logs, 4);
}

TEST_CASE("the launch mismatch quotes mpirun's -np as written, not a WORLD_SIZE never set (RG6)") {
  // cdcfbc6: "WORLD_SIZE=40 but the allocation holds 4 node(s) x 8 process(es)".
  const std::string m = LaunchMismatch(testing::RunJsonWithPack(Mpirun("+ mpirun -np 40 --map-by ppr:8:node python train.py")));
  CHECK(m.find("mpirun -np 40 but the allocation holds 4 node(s) x 8") != std::string::npos);
  CHECK(m.find("WORLD_SIZE") == std::string::npos);
  // A WORLD_SIZE the user set is still quoted as one.
  Json j = Mpirun("WORLD_SIZE=40");
  CHECK(LaunchMismatch(testing::RunJsonWithPack(j)).find("WORLD_SIZE=40 but") != std::string::npos);
}

TEST_CASE("the launch config block's min_nodes pairs with its own max_nodes row only (RG6)") {
  // n-01's agent printed min_nodes 1 and was then killed (its block cut); a later line of another
  // tool prints a max_nodes row of its own. cdcfbc6 paired the two (1..2 nodes in a 3-node
  // allocation: "asks for 1..2 node(s)"); a block's rows come one after another in one agent's print.
  Json lines = Json::array({"SLURM_JOB_NUM_NODES=3",
                            "[n-01]:  entrypoint       : train.py",
                            "[n-01]:  min_nodes        : 1",
                            "[n-01]:srun: forcing job termination",
                            "autoscaler settings:",
                            "  max_nodes        : 2"});
  Json logs = Json::array({{{"source", "slurm-5512.out"}, {"lines", lines}}});
  Json c = LaunchCase("rg6-block", {{"alertname", "SlurmJobTimeLimit"}, {"slurm_job_id", "5512"}},
                "job 5512 produced no training output for 30 min", "2026-12-03T10:31:00Z", logs, 3);
  CHECK(LaunchMismatch(testing::RunJsonWithPack(c)).empty());
  // Two agents' blocks interleaved line by line: each label's rows pair (4..6 does not hold 3).
  Json both = Json::array({"SLURM_JOB_NUM_NODES=3", "[n-01]:  min_nodes        : 4", "[n-02]:  min_nodes        : 4",
                           "[n-01]:  max_nodes        : 6", "[n-02]:  max_nodes        : 6"});
  c["logs"] = Json::array({{{"source", "slurm-5512.out"}, {"lines", both}}});
  CHECK(LaunchMismatch(testing::RunJsonWithPack(c)).find("asks for 4..6 node(s)") != std::string::npos);
}

}  // namespace
}  // namespace vigil
