// Tests of RG19's readers (2026-12-03): places realistic17 still missed, read for their format family -
// dcgmi's GPU table, nvidia-smi tables under `srun -l` / pdsh labels, a job's printed GPU environment
// (SLURM_JOB_GPUS, CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES) turning a process-local "GPU 0" into
// the node's GPU, Open MPI's rankfile and `--display-map`. The cases are written for the tests (own
// node names), not copied from the sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/reader_testing.h"
#include "agents/gpu_ids.h"
#include "agents/moe_router_stats.h"
#include "agents/rank_hosts.h"
#include "agents/rank_numerics.h"
#include "agents/rendezvous_host.h"
#include "agents/visible_devices.h"

namespace vigil {
namespace {

using testing::ReadAll;

bool HasGpu(const std::vector<GpuIds>& ties, int index, const std::string& bus, const std::string& uuid) {
  for (const GpuIds& g : ties) {
    if (g.index == index && g.bus == bus && g.uuid == uuid) return true;
  }
  return false;
}

// ---- 1. dcgmi discovery -l -------------------------------------------------------------------------

const std::vector<std::string> kDcgmi = {
    "8 GPUs found.",
    "+--------+----------------------------------------------------------------------+",
    "| GPU ID | Device Information                                                   |",
    "+--------+----------------------------------------------------------------------+",
    "| 0      | Name: NVIDIA H200                                                    |",
    "|        | PCI Bus ID: 00000000:18:00.0                                         |",
    "|        | Device UUID: GPU-0a1b2c3d-0000-1111-2222-333344445555                |",
    "+--------+----------------------------------------------------------------------+",
    "| 3      | Name: NVIDIA H200                                                    |",
    "|        | PCI Bus ID: 00000000:5D:00.0                                         |",
    "|        | Device UUID: GPU-9f8e7d6c-0000-1111-2222-333344445555                |",
    "+--------+----------------------------------------------------------------------+",
    "| 4      | Name: NVIDIA H200                                                    |",
    "|        | PCI Bus ID: 00000000:5E:00.0                                         |",
    "+--------+----------------------------------------------------------------------+",
    "2 NvSwitches found.",
    "+-----------+",
    "| Switch ID |",
    "+-----------+",
    "| 11        |",
    "+-----------+",
};

TEST_CASE("rg19: GpuIdReader reads dcgmi discovery -l's GPU table") {
  auto f = ReadAll<GpuIdReader>(kDcgmi);
  CHECK(HasGpu(f, 3, "0000:5d:00", ""));
  CHECK(HasGpu(f, 3, "", "gpu-9f8e7d6c-0000-1111-2222-333344445555"));
  CHECK(HasGpu(f, 4, "0000:5e:00", ""));
  CHECK(HasGpu(f, 0, "0000:18:00", ""));
  CHECK(f.size() == 5);
  // Rows of another two-column table (no dcgmi header above them) tie nothing.
  f = ReadAll<GpuIdReader>({"| 3      | PCI Bus ID: 00000000:5D:00.0 |", "| Switch ID | x |", "| 3 | PCI Bus ID: 00000000:5D:00.0 |"});
  CHECK(f.empty());  // before: no dcgmi reading at all (the first CHECKs failed)
}

// A node's GPU times out its GSP; the kernel names it by bus id only.
Json XidCase(const std::vector<std::string>& shell) {
  Json j{{"id", "rg19-gpus"},
         {"topology", {{"nodes", {"dz-01", "dz-02", "dz-03"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "train/rank0.log"},
                                    {"lines", {"[rank0]: NCCL error: remote process exited or there was a network error"}}}})}};
  j["logs"].push_back(Json{{"source", "ops/shell"}, {"lines", shell}});
  return j;
}

const char* kXid79 = "[Thu Dec  3 04:12:58 2026] NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.";

TEST_CASE("rg19: an Xid's bus id is placed on the GPU dcgmi discovery lists it under") {
  std::vector<std::string> shell = {"$ ssh dz-02 'dmesg -T | grep NVRM'", kXid79, "$ ssh dz-02 dcgmi discovery -l"};
  shell.insert(shell.end(), kDcgmi.begin(), kDcgmi.end());
  Diagnosis d = testing::RunCaseWithOwnProbes(XidCase(shell));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "dz-02/gpu3");  // before: dz-02
  // The table first, the kernel line after it (journalctl's wording).
  shell = {"$ ssh dz-02 dcgmi discovery -l"};
  shell.insert(shell.end(), kDcgmi.begin(), kDcgmi.end());
  shell.push_back("$ ssh dz-02 journalctl -k -o short-iso | grep Xid");
  shell.push_back("2026-12-03T04:12:58+00:00 dz-02 kernel: NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.");
  d = testing::RunCaseWithOwnProbes(XidCase(shell));
  CHECK(d.component == "dz-02/gpu3");  // before: dz-02
}

// ---- 2. nvidia-smi tables under a launcher's labels -------------------------------------------------

TEST_CASE("rg19: an nvidia-smi query table printed under srun -l or pdsh labels is the labelled node's") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> jobs = {
      // srun -l, one task a node, each task printing its hostname then the table (noheader: the
      // pasted command's list names the columns).
      {"slurm-5001.out",
       {"+ srun -l --ntasks-per-node=1 bash -c 'hostname; nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader'",
        "0: dz-01", "1: dz-02", "0: 0, 00000000:18:00.0", "1: 0, 00000000:18:00.0", "0: 3, 00000000:9A:00.0",
        "1: 3, 00000000:5D:00.0", "1: 4, 00000000:5E:00.0", "0: 4, 00000000:5D:00.0",
        "+ srun -l torchrun --nnodes=3 --nproc-per-node=8 train.py"}},
      // pdsh, a header row per host.
      {"ops/pdsh",
       {"$ pdsh -w dz-[01-02] nvidia-smi --query-gpu=index,pci.bus_id --format=csv", "dz-01: index, pci.bus_id",
        "dz-02: index, pci.bus_id", "dz-01: 4, 00000000:5D:00.0", "dz-02: 3, 00000000:5D:00.0"}},
  };
  for (const auto& [source, lines] : jobs) {
    CAPTURE(source);
    Json j = XidCase({"$ ssh dz-02 'dmesg -T | grep NVRM'", kXid79});
    j["logs"].push_back(Json{{"source", source}, {"lines", lines}});
    Diagnosis d = testing::RunCaseWithOwnProbes(j);
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component == "dz-02/gpu3");  // before: dz-02 (srun) / dz-02 (pdsh)
  }
}

// ---- 3. A process's GPU ordinal through the job's printed environment -------------------------------

TEST_CASE("rg19: VisibleDevicesOf reads a job's GPU environment in its wordings") {
  auto v = VisibleDevicesOf("SLURM_JOB_GPUS=6,7 CUDA_VISIBLE_DEVICES=0,1 host=dz-01");
  REQUIRE(v);
  CHECK(*v == std::vector<int>{6, 7});
  v = VisibleDevicesOf("export CUDA_VISIBLE_DEVICES=4,5,6,7");
  REQUIRE(v);
  CHECK(*v == std::vector<int>{4, 5, 6, 7});
  v = VisibleDevicesOf("  \"NVIDIA_VISIBLE_DEVICES\": \"2,3\",");
  REQUIRE(v);
  CHECK(*v == std::vector<int>{2, 3});
  v = VisibleDevicesOf("SLURM_STEP_GPUS: 3   CUDA_VISIBLE_DEVICES: 3");
  REQUIRE(v);
  CHECK(*v == std::vector<int>{3});
  v = VisibleDevicesOf("CUDA_VISIBLE_DEVICES='1,0'");
  REQUIRE(v);
  CHECK(*v == std::vector<int>{1, 0});
  // Nothing: an unexpanded echo, `all`, a UUID, lists that disagree, a rank's own line, a longer name.
  CHECK_FALSE(VisibleDevicesOf("+ echo SLURM_JOB_GPUS=$SLURM_JOB_GPUS CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"));
  CHECK_FALSE(VisibleDevicesOf("NVIDIA_VISIBLE_DEVICES=all"));
  CHECK_FALSE(VisibleDevicesOf("NVIDIA_VISIBLE_DEVICES=GPU-9f8e7d6c-0000-1111-2222-333344445555"));
  CHECK_FALSE(VisibleDevicesOf("SLURM_JOB_GPUS=6,7 CUDA_VISIBLE_DEVICES=2,3"));
  CHECK_FALSE(VisibleDevicesOf("RANK=3 LOCAL_RANK=1 CUDA_VISIBLE_DEVICES=4,5"));
  CHECK_FALSE(VisibleDevicesOf("MY_CUDA_VISIBLE_DEVICES=4,5"));
  CHECK_FALSE(VisibleDevicesOf("CUDA_VISIBLE_DEVICES=1,1"));
}

// One node, a job given two of its GPUs; its rank 0 runs out of memory on its "GPU 0".
Json OomCase(const std::vector<std::string>& env, const std::string& oom) {
  std::vector<std::string> lines = env;
  lines.push_back("+ torchrun --standalone --nproc-per-node=2 finetune.py");
  lines.push_back("[rank0]: Traceback (most recent call last):");
  lines.push_back(oom);
  return Json{{"id", "rg19-oom"},
              {"topology", {{"nodes", {"dz-05"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
              {"logs", Json::array({Json{{"source", "slurm-7001.out"}, {"lines", lines}}})}};
}

TEST_CASE("rg19: a process's GPU ordinal is the physical GPU the job's environment maps it to") {
  const std::string oom =
      "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB "
      "of which 120.06 MiB is free. Process 41200 has 60.10 GiB memory in use.";
  const std::string oom_cuda = "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 1; 79.19 GiB total capacity; 77.80 GiB already allocated)";
  const std::vector<std::tuple<std::vector<std::string>, std::string, std::string>> cases = {
      {{"SLURM_JOB_GPUS=6,7 CUDA_VISIBLE_DEVICES=0,1 host=dz-05"}, oom, "dz-05/gpu6"},
      {{"$ env | grep -E 'GPUS|VISIBLE'", "SLURM_STEP_GPUS=2,5", "CUDA_VISIBLE_DEVICES=0,1"}, oom, "dz-05/gpu2"},
      {{"export CUDA_VISIBLE_DEVICES=4,5"}, oom_cuda, "dz-05/gpu5"},
      {{"  \"NVIDIA_VISIBLE_DEVICES\": \"3,4\","}, oom, "dz-05/gpu3"},
  };
  for (const auto& [env, line, where] : cases) {
    CAPTURE(env.back());
    Diagnosis d = testing::RunCaseWithOwnProbes(OomCase(env, line));
    CHECK(d.root_cause == "cuda_oom");
    CHECK(d.component == where);  // before: dz-05/gpu0 (dz-05/gpu1)
  }
  // No map: the same process ordinal as before.
  Diagnosis d = testing::RunCaseWithOwnProbes(OomCase({"+ echo SLURM_JOB_GPUS=$SLURM_JOB_GPUS"}, oom));
  CHECK(d.component == "dz-05/gpu0");
  // Two tasks printing different maps on the node: none is taken.
  d = testing::RunCaseWithOwnProbes(OomCase({"CUDA_VISIBLE_DEVICES=4", "CUDA_VISIBLE_DEVICES=5"}, oom));
  CHECK(d.component == "dz-05/gpu0");
}

// ---- 4. Open MPI's rankfile and --display-map --------------------------------------------------------

bool HasRank(const std::vector<RankHost>& ties, int rank, const std::string& host) {
  for (const RankHost& t : ties) {
    if (t.rank == rank && t.host == host && t.gpu == -1) return true;
  }
  return false;
}

TEST_CASE("rg19: RankHostReader reads Open MPI's rankfile and --display-map's job map") {
  auto f = ReadAll<RankHostReader>({"$ cat ranks.txt", "rank 0=dz-01 slot=0:0-11", "rank 13=dz-03 slot=1:60", "rank 14=+n1 slot=1:72-83"});
  CHECK(HasRank(f, 0, "dz-01"));
  CHECK(HasRank(f, 13, "dz-03"));
  CHECK(f.size() == 2);
  f = ReadAll<RankHostReader>({
      " ========================   JOB MAP   ========================",
      " Data for node: dz-01\tNum slots: 8\tMax slots: 0\tNum procs: 8",
      " \tProcess OMPI jobid: [41233,1] App: 0 Process rank: 0 Bound: socket 0[core 0-11[hwt 0-1]]",
      " Data for node: dz-03\tNum slots: 8\tMax slots: 0\tNum procs: 8",
      "        Process jobid: prterun-dz-01-4412@1 App: 0 Process rank: 13 Bound: package[1][core:60]",
      " =============================================================",
      "[process 0] step 100 Process rank: 7 done",
  });
  CHECK(HasRank(f, 0, "dz-01"));
  CHECK(HasRank(f, 13, "dz-03"));
  CHECK(f.size() == 2);  // before: none
}

TEST_CASE("rg19: a rank that a rankfile or mpirun's job map puts on a host places its evidence there") {
  // Four nodes, 4 ranks a node by the rankfile, while the topology's layout (8 a node) would put rank
  // 13 on dz-02.
  const std::vector<std::vector<std::string>> maps = {
      {"$ cat ranks.txt", "rank 12=dz-04 slot=0:0-11", "rank 13=dz-04 slot=1:60"},
      {"$ mpirun -np 16 --rankfile ranks.txt --display-map python train.py", " Data for node: dz-04\tNum slots: 4\tMax slots: 0\tNum procs: 4",
       " \tProcess OMPI jobid: [41233,1] App: 0 Process rank: 13 Bound: socket 1[core 60[hwt 0-1]]"},
  };
  for (const auto& map : maps) {
    CAPTURE(map.back());
    Json j{{"id", "rg19-ranks"},
           {"topology", {{"nodes", {"dz-01", "dz-02", "dz-03", "dz-04"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
           {"logs", Json::array({Json{{"source", "mpirun/stdout"}, {"lines", map}},
                                 Json{{"source", "train/stderr.log"}, {"lines", {
                                     "[rank13]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
                                     "[rank2]: NCCL error: remote process exited or there was a network error"}}}})}};
    Diagnosis d = testing::RunCaseWithOwnProbes(j);
    CHECK(d.component.rfind("dz-04", 0) == 0);  // before: dz-02/gpu5 (the layout's)
  }
}

// ---- 5. A rank's numbers reported by another rank's writer -----------------------------------------

const std::vector<std::string> kReplicaLines = {
    "dz-01: [2026-12-03 03:50:07,902] [Rank 0] [replica-check] step 22000: DP replica hash mismatch on 1 of 16 ranks: rank 11 sha1=3be0c1a9 majority sha1=91d7e40f (15 ranks)",
    "dz-01: [2026-12-03 03:50:08,011] [Rank 0] [replica-check] layer-wise diff: rank 11 differs in model.layers.17.mlp.down_proj.weight",
    "dz-01: [2026-12-03 03:50:08,012] [Rank 0] halting: parameter replicas diverged; restoring from global_step21500",
    "[rank0]: [2026-12-03 04:34:10,120] checksum mismatch: rank 11 digest 77a2fe03, majority 91d7e40f",
    "dz-01: [2026-12-03 04:34:10,225] [Rank 0] halting: parameter replicas diverged; restoring from global_step21500",
};

TEST_CASE("rg19: a writer's [Rank N] prefix is not the rank its numbers line singles out") {
  std::optional<OneRankNumerics> f = FindOneRankNumerics(kReplicaLines);
  REQUIRE(f);  // before: rank 0 (its own prefix), lines naming rank 11 read as two-rank lines
  CHECK(f->rank == 11);
  CHECK(f->lines == 3);
  // A rank reporting on itself keeps its prefix.
  f = FindOneRankNumerics({"[rank13]: grad norm outlier: 4.1e3 vs median 1.2", "[rank13]: gradient norm outlier again: 3.9e3"});
  REQUIRE(f);
  CHECK(f->rank == 13);
}

TEST_CASE("rg19: a rank singled out by rank 0's replica check is placed by the launcher's rank mapping") {
  std::vector<std::string> lines = {
      "dz-01: [2026-12-03 01:02:14,220] [INFO] [launch.py:163:main] global_rank_mapping=defaultdict(<class 'list'>, {'dz-01': [0, 1, 2, 3, 4, 5, 6, 7], 'dz-02': [8, 9, 10, 11, 12, 13, 14, 15]})"};
  lines.insert(lines.end(), kReplicaLines.begin(), kReplicaLines.end());
  Json j{{"id", "rg19-sdc"},
         {"topology", {{"nodes", {"dz-01", "dz-02"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "deepspeed/launcher.log"}, {"lines", lines}}})}};
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "dz-02/gpu3");  // before: dz-01/gpu0 (the writer's)
}

// ---- 6. An MoE router's ratio with what it counts between its name and its value -------------------

TEST_CASE("rg19: MoeMaxOverMean reads \"max/mean tokens per expert 14.2\" and its kin") {
  auto v = MoeMaxOverMean("[router] layer 6: max/mean tokens per expert 14.2 | hottest expert 41 (EP rank 5) 58% of tokens");
  REQUIRE(v);  // before: nullopt
  CHECK(*v == doctest::Approx(14.2));
  v = MoeMaxOverMean("moe layer 3 max/mean load per expert: 6.1");
  REQUIRE(v);
  CHECK(*v == doctest::Approx(6.1));
  v = MoeMaxOverMean("router stats: max/mean expert load = 9.0");
  REQUIRE(v);
  CHECK(*v == doctest::Approx(9.0));
  CHECK_FALSE(MoeMaxOverMean("max/mean step time over the last hour 1.9"));  // no expert, MoE or router
  // An all-to-all's bytes per rank is no expert's load (realistic2 rl2-20's profiler line).
  CHECK_FALSE(MoeMaxOverMean("[profiler] step 14007: all_to_all (expert dispatch) 3410 ms, max/mean bytes per rank 7.9"));
}

TEST_CASE("rg19: a router whose busiest expert takes 14x its share explains one rank's OOM") {
  Json j{{"id", "rg19-moe"},
         {"topology", {{"nodes", {"dz-01", "dz-02"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "slurm-9100.out"}, {"lines", {
             " [2026-12-03 17:00:02] > moe_aux_loss_coeff=0.0 moe_router_load_balancing_type=none",
             " [2026-12-03 17:10:05] iteration      600/ 200000 | elapsed time per iteration (ms): 3902.8 | lm loss: 3.6120E+00 |",
             " [2026-12-03 17:10:05] [router] layer 6: max/mean tokens per expert 1.6 | hottest expert 12 (EP rank 1)",
             " [2026-12-03 17:50:23] iteration     1500/ 200000 | elapsed time per iteration (ms): 6877.0 | lm loss: 3.0544E+00 |",
             " [2026-12-03 17:50:23] [router] layer 6: max/mean tokens per expert 11.8 | hottest expert 41 (EP rank 5) 47% of tokens",
             " [2026-12-03 18:10:40] iteration     1800/ 200000 | elapsed time per iteration (ms): 9210.5 | lm loss: 3.0391E+00 |",
             " [2026-12-03 18:10:40] [router] layer 6: max/mean tokens per expert 14.2 | hottest expert 41 (EP rank 5) 58% of tokens",
             "13: [rank13]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 18.75 GiB. GPU 5 has a total capacity of 178.35 GiB of which 9.02 GiB is free."}}}})}};
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.root_cause == "moe_expert_imbalance");  // before: cuda_oom
}

// ---- 7. A rendezvous address that is a finished pod's ---------------------------------------------

const char* kRefused =
    "torch.distributed.DistNetworkError: The client socket has failed to connect to any network address of (10.77.4.9, 29500). "
    "The client socket has failed to connect to 10.77.4.9:29500 (errno: 111 - Connection refused).";

TEST_CASE("rg19: RendezvousConnectHosts reads PyTorch 2.x's 'any network address of (HOST, PORT)' wording") {
  CHECK(RendezvousConnectHosts(kRefused) == std::vector<std::string>{"10.77.4.9"});  // before: none
  CHECK(RendezvousConnectHosts("The client socket has failed to connect to dz-master:29500 (errno: 110 - Connection timed out).") ==
        std::vector<std::string>{"dz-master"});
}

CaseLog LogOf(const std::string& source, const std::vector<std::string>& lines) {
  CaseLog l;
  l.source = source;
  for (size_t i = 0; i < lines.size(); ++i) l.lines.push_back(LogLine{i + 1, lines[i]});
  return l;
}

TEST_CASE("rg19: RendezvousAtFinishedPod: the store's address is a Completed pod's in kubectl's table") {
  const std::vector<std::string> table = {
      "$ kubectl -n sft get pods -o wide",
      "NAME                 READY   STATUS      RESTARTS      AGE   IP             NODE          NOMINATED NODE   READINESS GATES",
      "sft-run7-master-0    0/1     Completed   0             2d    10.77.4.9      dz-07         <none>           <none>",
      "sft-run8-master-0    1/1     Running     0             6m    10.77.9.4      dz-02         <none>           <none>",
      "sft-run8-worker-0    0/1     Error       4 (52s ago)   6m    10.77.8.17     dz-03         <none>           <none>"};
  FinishedPodRendezvous f = RendezvousAtFinishedPod({LogOf("worker-0", {kRefused}), LogOf("ops/shell", table)});
  CHECK(f.host == "10.77.4.9");  // before: no such reading
  CHECK(f.pod == "sft-run7-master-0");
  CHECK(f.status == "Completed");
  CHECK(f.source == "worker-0:1");
  // -A's NAMESPACE column first.
  f = RendezvousAtFinishedPod({LogOf("worker-0", {kRefused}),
                               LogOf("ops/shell", {"NAMESPACE   NAME                READY   STATUS      RESTARTS   AGE   IP           NODE",
                                                   "sft         sft-run7-master-0   0/1     Succeeded   0          2d    10.77.4.9    dz-07"})});
  CHECK(f.pod == "sft-run7-master-0");
  // The address of a running pod, or also listed as running: nothing.
  std::vector<std::string> running = table;
  running[2] = "sft-run7-master-0    1/1     Running     0             2d    10.77.4.9      dz-07         <none>           <none>";
  CHECK(RendezvousAtFinishedPod({LogOf("worker-0", {kRefused}), LogOf("ops/shell", running)}).host.empty());
  running = table;
  running.push_back("sft-run8-master-1    1/1     Running     0             1m    10.77.4.9      dz-05         <none>           <none>");
  CHECK(RendezvousAtFinishedPod({LogOf("worker-0", {kRefused}), LogOf("ops/shell", running)}).host.empty());
}

TEST_CASE("rg19: workers refused by a finished pod's address are the launch's configuration, not the network") {
  Json j{{"id", "rg19-rdzv"},
         {"topology", {{"nodes", {"dz-02", "dz-03", "dz-05"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "kubectl logs sft-run8-worker-0"}, {"lines", {
                                   "MASTER_ADDR=10.77.4.9 MASTER_PORT=29500 WORLD_SIZE=3 RANK=1", kRefused,
                                   "torch.distributed.elastic.rendezvous.api.RendezvousConnectionError: The connection to the C10d store has failed. See inner exception for details."}}},
                               Json{{"source", "ops/shell"}, {"lines", {
                                   "$ kubectl -n sft get pods -o wide",
                                   "NAME                 READY   STATUS      RESTARTS      AGE   IP             NODE          NOMINATED NODE   READINESS GATES",
                                   "sft-run7-master-0    0/1     Completed   0             2d    10.77.4.9      dz-07         <none>           <none>",
                                   "sft-run8-master-0    1/1     Running     0             6m    10.77.9.4      dz-02         <none>           <none>"}}}})}};
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.root_cause == "launch_config_error");  // before: nccl_network_misconfig
}

// ---- 8. A rank called a process ---------------------------------------------------------------------

TEST_CASE("rg19: a distribution line naming its slowest 'process N' singles out that rank") {
  Json j{{"id", "rg19-process"},
         {"topology", {{"nodes", {"dz-01", "dz-02", "dz-03", "dz-04"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "mpirun/stdout"}, {"lines", {
             "[process 0] 2026-12-03 06:20:00 step 12000 loss 2.2140 step_s 2.02",
             "[process 0] 2026-12-03 06:28:40 step 12200 loss 2.2091 step_s 2.79",
             "[process 0] 2026-12-03 06:28:40 per-process host time (input+dispatch) p50 0.21s max 0.98s (process 13)"}}}})}};
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "dz-02/gpu5");  // before: unknown / not determined
}

}  // namespace
}  // namespace vigil
