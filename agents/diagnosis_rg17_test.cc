// Tests of RG17's tie readers (2026-12-03): places a case names indirectly - a pod, a pod's IP, a
// rank, a GPU's bus id or serial - tied to a node (and GPU) by another pasted output. The cases are
// written for the tests in several wordings and formats (nodes kq-gpu-11.., own pod names), not
// copied from the sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/reader_testing.h"
#include "agents/gpu_ids.h"
#include "agents/kube_pods.h"
#include "agents/rank_hosts.h"

namespace vigil {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

Json CaseOf(const std::vector<std::string>& nodes, const std::string& source, const std::vector<std::string>& lines) {
  return Json{{"id", "rg17"},
              {"topology", {{"nodes", nodes}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
              {"logs", Json::array({Json{{"source", source}, {"lines", lines}}})}};
}

Diagnosis RunWith(const Json& base, const std::string& source, const std::vector<std::string>& lines) {
  Json j = base;
  if (!lines.empty()) j["logs"].push_back(Json{{"source", source}, {"lines", lines}});
  return testing::RunCaseWithOwnProbes(j);
}

using testing::ReadAll;

// ---- 1. Kubernetes: a pod and its IP name its node ------------------------------------------------


bool HasPod(const std::vector<KubePodFact>& facts, const std::string& pod, const std::string& address, const std::string& node) {
  for (const KubePodFact& f : facts) {
    if (f.pod == pod && f.address == address && f.node == node) return true;
  }
  return false;
}

TEST_CASE("rg17: KubePodReader reads kubectl's tables by their header and describe's records") {
  // get pods -o wide, newer kubectl: RESTARTS "2 (41m ago)", NOMINATED NODE / READINESS GATES.
  auto f = ReadAll<KubePodReader>({"$ kubectl -n train get pods -o wide",
                     "NAME              READY   STATUS    RESTARTS      AGE   IP             NODE        NOMINATED NODE   READINESS GATES",
                     "llm-worker-0      1/1     Running   0             3d    10.244.3.21    kq-gpu-11   <none>           <none>",
                     "llm-worker-1      1/1     Running   2 (41m ago)   3d    10.244.5.9     kq-gpu-12   <none>           <none>",
                     "llm-worker-2      0/1     Pending   0             2m    <none>         <none>      <none>           <none>"});
  CHECK(HasPod(f, "llm-worker-0", "10.244.3.21", "kq-gpu-11"));
  CHECK(HasPod(f, "llm-worker-1", "10.244.5.9", "kq-gpu-12"));
  CHECK(f.size() == 2);  // the pending pod has no node
  // -A adds NAMESPACE first; the columns move, the header says where.
  f = ReadAll<KubePodReader>({"NAMESPACE   NAME             READY   STATUS    RESTARTS   AGE   IP            NODE",
                "ml          trainer-w-3      1/1     Running   0          9h    10.40.2.17    kq-gpu-13"});
  CHECK(HasPod(f, "trainer-w-3", "10.40.2.17", "kq-gpu-13"));
  // custom columns in another order, no IP column.
  f = ReadAll<KubePodReader>({"NODE        NAME", "kq-gpu-14   trainer-w-4"});
  CHECK(f.empty());  // a header must start with NAME / NAMESPACE / POD
  f = ReadAll<KubePodReader>({"POD           NODE        IP", "trainer-w-4   kq-gpu-14   10.40.2.18"});
  CHECK(HasPod(f, "trainer-w-4", "10.40.2.18", "kq-gpu-14"));
  // The table ends at the next command: its words are no row.
  f = ReadAll<KubePodReader>({"NAME  READY  STATUS  RESTARTS  AGE  IP  NODE", "$ kubectl logs x -c y --tail 5 -f", "a b c d e 10.1.1.1 kq-gpu-11"});
  CHECK(f.empty());
  // get nodes -o wide: the node's own addresses.
  f = ReadAll<KubePodReader>({"NAME        STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION",
                "kq-gpu-11   Ready    <none>   40d   v1.29.3   10.40.1.11    <none>        Ubuntu 22.04.4 LTS   5.15.0-119-generic"});
  CHECK(HasPod(f, "", "10.40.1.11", "kq-gpu-11"));
  // describe pod: Node: name/address, then IP: and the IPs: list.
  f = ReadAll<KubePodReader>({"Name:             trainer-w-2", "Namespace:        ml", "Priority:         0",
                "Node:             kq-gpu-12/10.40.1.12", "Start Time:       Thu, 03 Dec 2026 01:12:40 +0000",
                "Status:           Running", "IP:               10.244.5.31", "IPs:", "  IP:           10.244.5.31"});
  CHECK(HasPod(f, "trainer-w-2", "", "kq-gpu-12"));
  CHECK(HasPod(f, "", "10.40.1.12", "kq-gpu-12"));
  CHECK(HasPod(f, "trainer-w-2", "10.244.5.31", "kq-gpu-12"));
  // describe node: InternalIP in its Addresses.
  f = ReadAll<KubePodReader>({"Name:               kq-gpu-14", "Roles:              <none>", "Addresses:", "  InternalIP:  10.40.1.14",
                "  Hostname:    kq-gpu-14"});
  CHECK(HasPod(f, "", "10.40.1.14", "kq-gpu-14"));
  // A pod not scheduled yet names no node.
  f = ReadAll<KubePodReader>({"Name:  trainer-w-9", "Node:  <none>", "IP:"});
  CHECK(f.empty());
}

// A pod table grep'd for its workers has no header: kubectl's default column order of the command
// says where NAME, IP and NODE are (the lead, 2026-12-03: realistic17's blind run, a grep'd table
// tied nothing). Failed before: no facts.
TEST_CASE("rg17: KubePodReader reads a `get pods|nodes -o wide` table whose header a filter dropped") {
  auto f = ReadAll<KubePodReader>({"$ kubectl -n ray get pods -o wide | grep worker",
                     "rc-h200-worker-gpu-2k9xd   1/1   Running   0             18m   10.40.3.11   gke-h200-pool-b-1a9c   <none>   <none>",
                     "rc-h200-worker-gpu-q7r2z   1/1   Running   2 (5m ago)    11m   10.40.9.23   gke-h200-pool-b-7f2k   <none>   <none>",
                     "rc-h200-worker-gpu-zz9x1   0/1   Pending   0             1m    <none>       <none>                 <none>   <none>",
                     "some other output line with many words in it and more"});
  CHECK(HasPod(f, "rc-h200-worker-gpu-2k9xd", "10.40.3.11", "gke-h200-pool-b-1a9c"));
  CHECK(HasPod(f, "rc-h200-worker-gpu-q7r2z", "10.40.9.23", "gke-h200-pool-b-7f2k"));
  CHECK(f.size() == 2);
  // -A puts NAMESPACE first; `-owide` and a path to kubectl.
  f = ReadAll<KubePodReader>({"user@login:~$ /usr/local/bin/kubectl get po -A -owide | grep trainer",
                "ml   trainer-w-3   1/1   Running   0   9h   10.40.2.17   kq-gpu-13   <none>   <none>"});
  CHECK(HasPod(f, "trainer-w-3", "10.40.2.17", "kq-gpu-13"));
  // get nodes -o wide without its header: the node's own addresses.
  f = ReadAll<KubePodReader>({"$ kubectl get nodes -o wide | grep gpu",
                "kq-gpu-11   Ready    <none>   40d   v1.29.3   10.40.1.11    <none>        Ubuntu 22.04.4 LTS   5.15.0-119-generic"});
  CHECK(HasPod(f, "", "10.40.1.11", "kq-gpu-11"));
  // Not wide, or not pods / nodes: no columns assumed.
  f = ReadAll<KubePodReader>({"$ kubectl -n ray get pods | grep worker",
                "rc-h200-worker-gpu-2k9xd   1/1   Running   0   18m   10.40.3.11   gke-h200-pool-b-1a9c"});
  CHECK(f.empty());
  f = ReadAll<KubePodReader>({"$ kubectl get svc -o wide | grep ray",
                "ray-head   ClusterIP   10.0.0.4   <none>   6379/TCP   9h   10.40.3.11   app=ray"});
  CHECK(f.empty());
  // A header after the command still decides.
  f = ReadAll<KubePodReader>({"$ kubectl get pods -o wide", "NAME   NODE   IP", "w-1   kq-gpu-12   10.40.5.9"});
  CHECK(HasPod(f, "w-1", "10.40.5.9", "kq-gpu-12"));
}

// A Ray cluster on Kubernetes: one worker, known by its IP only, is killed for the node's memory.
const Json kRayPressure = CaseOf({"kq-gpu-11", "kq-gpu-12", "kq-gpu-13", "kq-gpu-14"}, "ray/driver.log", {
    "(RayTrainWorker pid=7120, ip=10.244.3.21) [rank 0] step 900 loss 2.01",
    "(RayTrainWorker pid=7311, ip=10.244.5.9) [rank 8] step 900 loss 2.02",
    "(raylet, ip=10.244.5.9) [2026-06-02 04:11:09,100 E 311 311] (raylet) node_manager.cc:3069: 2 Workers (tasks / actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 1a2b3c, IP: 10.244.5.9) over the last time period.",
    "ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.",
    "The actor is dead because its worker process has died. Worker exit type: USER_ERROR Worker exit detail: Task was killed due to the node running low on memory.",
    "Memory on the node (IP: 10.244.5.9, ID: 1a2b3c) where the task was running was 490.10GB / 503.52GB (0.97), which exceeds the memory usage threshold of 0.95.",
    "(RayTrainWorker pid=7120, ip=10.244.3.21) [rank0]: NCCL error: remote process exited or there was a network error"});

TEST_CASE("rg17: a pod's IP that kubectl ties to a node places the evidence there, in each format") {
  const std::vector<std::vector<std::string>> mappings = {
      {"$ kubectl -n ray get pods -o wide | grep gpu",
       "raycluster-gpu-a7   1/1     Running   0          9h    10.244.3.21   kq-gpu-11   <none>   <none>",
       "raycluster-gpu-c2   1/1     Running   1          9h    10.244.5.9    kq-gpu-12   <none>   <none>"},
      {"$ kubectl -n ray get pods -o wide", "NAME                 READY   STATUS    RESTARTS   AGE   IP            NODE",
       "raycluster-head-x1  1/1     Running   0          9h    10.244.0.4    cpu-01",
       "raycluster-gpu-a7   1/1     Running   0          9h    10.244.3.21   kq-gpu-11",
       "raycluster-gpu-c2   1/1     Running   1          9h    10.244.5.9    kq-gpu-12"},
      {"$ kubectl get pods -A -o wide | grep raycluster",
       "NAMESPACE   NAME                 READY   STATUS    RESTARTS      AGE   IP            NODE        NOMINATED NODE   READINESS GATES",
       "ray         raycluster-gpu-c2    1/1     Running   1 (12m ago)   9h    10.244.5.9    kq-gpu-12   <none>           <none>"},
      {"$ kubectl -n ray describe pod raycluster-gpu-c2 | head -12", "Name:             raycluster-gpu-c2",
       "Namespace:        ray", "Node:             kq-gpu-12/10.40.1.12", "Status:           Running",
       "IP:               10.244.5.9"},
  };
  for (const std::vector<std::string>& lines : mappings) {
    CAPTURE(lines.front());
    Diagnosis d = RunWith(kRayPressure, "ops/kubectl", lines);
    CHECK(d.root_cause == "host_oom");
    CHECK(d.component == "kq-gpu-12");  // before: job
  }
}

TEST_CASE("rg17: a pod named by two nodes, or on a node outside the case, places nothing") {
  Diagnosis d = RunWith(kRayPressure, "", {});
  CHECK(d.root_cause == "host_oom");
  CHECK_FALSE(StartsWith(d.component, "kq-gpu-12"));
  d = RunWith(kRayPressure, "ops/kubectl",
              {"NAME   READY STATUS RESTARTS AGE IP NODE", "w-a 1/1 Running 0 9h 10.244.5.9 kq-gpu-12",
               "w-b 1/1 Running 0 1m 10.244.5.9 kq-gpu-13"});
  CHECK_FALSE(StartsWith(d.component, "kq-gpu-12"));
  CHECK_FALSE(StartsWith(d.component, "kq-gpu-13"));
  d = RunWith(kRayPressure, "ops/kubectl", {"NAME READY STATUS RESTARTS AGE IP NODE", "w-a 1/1 Running 0 9h 10.244.5.9 other-02"});
  CHECK_FALSE(StartsWith(d.component, "kq-gpu-12"));
  // A pod named by a plain word ("raylet" here) ties no line that uses the word.
  d = RunWith(kRayPressure, "ops/kubectl", {"NAME READY STATUS RESTARTS AGE IP NODE", "raylet 1/1 Running 0 9h 10.244.9.9 kq-gpu-14"});
  CHECK_FALSE(StartsWith(d.component, "kq-gpu-14"));
}

TEST_CASE("rg17: a pod's name - a log source or a word of a line - names its node") {
  // A PyTorchJob's worker pod logs saved under the pod's name; the pod table elsewhere.
  Json j = CaseOf({"kq-gpu-11", "kq-gpu-12", "kq-gpu-13", "kq-gpu-14"}, "pytorchjob-llm-worker-2/pytorch.log", {
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 2 has a total capacity of 79.11 GiB of which 512.00 MiB is free."});
  Diagnosis d = RunWith(j, "ops/kubectl", {"NAME                      READY   STATUS   RESTARTS   AGE   IP            NODE",
                                            "pytorchjob-llm-worker-2   0/1     Error    0          2h    10.244.7.3    kq-gpu-13"});
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "kq-gpu-13/gpu2");  // before: job
  // An event naming the pod.
  j = CaseOf({"kq-gpu-11", "kq-gpu-12", "kq-gpu-13", "kq-gpu-14"}, "ops/events", {
      "2026-06-02T04:10:00Z  Warning  Evicted  pod/llm-worker-3  The node was low on resource: memory. Threshold quantity: 100Mi, available: 42Mi.",
      "2026-06-02T04:10:20Z  [rank0]: NCCL error: remote process exited or there was a network error"});
  d = RunWith(j, "ops/describe", {"Name:         llm-worker-3", "Namespace:    ml", "Node:         kq-gpu-14/10.40.1.14"});
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "kq-gpu-14");  // before: job
}

// ---- 2. Ranks tied to hosts (and GPUs) ------------------------------------------------------------


bool HasRank(const std::vector<RankHost>& ties, int rank, const std::string& host, int gpu) {
  for (const RankHost& t : ties) {
    if (t.rank == rank && t.host == host && t.gpu == gpu) return true;
  }
  return false;
}

TEST_CASE("rg17: RankHostReader reads launchers' rank layouts and lines that print a rank with its host") {
  // DeepSpeed: the world info's hosts in order, each with its GPU ids.
  auto f = ReadAll<RankHostReader>({"[2026-06-02 03:00:01,100] [INFO] [launch.py:146:main] WORLD INFO DICT: {'rk-03': [0, 1, 2, 3], 'rk-01': [4, 5, 6, 7]}"});
  CHECK(f.size() == 8);
  CHECK(HasRank(f, 0, "rk-03", 0));
  CHECK(HasRank(f, 5, "rk-01", 5));
  f = ReadAll<RankHostReader>({"[INFO] [launch.py:164:main] global_rank_mapping=defaultdict(<class 'list'>, {'rk-03': [0, 1], 'rk-01': [2, 3]})"});
  CHECK(HasRank(f, 3, "rk-01", -1));
  // A hostfile, comments and max_slots allowed; ranks fill the hosts in order.
  f = ReadAll<RankHostReader>({"$ cat /job/hostfile", "# training nodes", "rk-02 slots=4", "rk-04 slots=4 max_slots=8", "$ echo done", "rk-09 slots=2"});
  CHECK(HasRank(f, 3, "rk-02", -1));
  CHECK(HasRank(f, 4, "rk-04", -1));
  CHECK(HasRank(f, 0, "rk-09", -1));  // a second hostfile starts again at rank 0
  // One line, rank with host and local rank, keys in any order; CUDA_VISIBLE_DEVICES maps the device.
  f = ReadAll<RankHostReader>({"RANK=13 LOCAL_RANK=5 WORLD_SIZE=16 HOSTNAME=rk-01",
                 "hostname: rk-02, rank: 6, local_rank: 2, world_size: 16",
                 "rank 9 -> rk-03 local_rank 1 CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7",
                 "[train.py:88] global rank 10 on rk-04 (local rank 2) CUDA_VISIBLE_DEVICES=4,5,6,7",
                 "[rank 11] host=rk-04 local_rank=1 device=cuda:0 CUDA_VISIBLE_DEVICES=6"});
  CHECK(HasRank(f, 13, "rk-01", 5));
  CHECK(HasRank(f, 6, "rk-02", 2));
  CHECK(HasRank(f, 9, "rk-03", 1));
  CHECK(HasRank(f, 10, "rk-04", 6));
  CHECK(HasRank(f, 11, "rk-04", 6));
  CHECK(f.size() == 5);
  // A table: CSV and aligned columns, by the header.
  f = ReadAll<RankHostReader>({"rank,local_rank,hostname", "0,0,rk-02", "13,5,rk-01", "", "GLOBAL_RANK  HOST    LOCAL_RANK  GPU", "  7          rk-03   3           3"});
  CHECK(HasRank(f, 13, "rk-01", 5));
  CHECK(HasRank(f, 0, "rk-02", 0));
  CHECK(HasRank(f, 7, "rk-03", 3));
  // No tie: two ranks on a line, no local rank, node_rank / dp_rank, two hosts.
  f = ReadAll<RankHostReader>({"rank 3 and rank 4 on rk-01 local_rank 3", "rank 13 on host rk-01", "node_rank=1 local_rank=2 hostname=rk-01",
                 "[rank 5] local_rank=5 host=rk-01 cannot reach host=rk-02", "dp_rank 3 local_rank 3 host=rk-01"});
  CHECK(f.empty());
}

// Ranks on four nodes with no layout the topology states; rank 13's GPU fails.
Json RankCase(const std::string& extra_source, const std::vector<std::string>& extra) {
  Json j{{"id", "rg17-ranks"},
         {"topology", {{"nodes", {"rk-01", "rk-02", "rk-03", "rk-04"}}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "train/stderr.log"}, {"lines", {
             "[rank13]:[E1203 06:12:01.100 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 13] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered",
             "[rank13]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
             "[rank2]:[E1203 06:12:03.400 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 2] NCCL error: remote process exited or there was a network error"}}}})}};
  if (!extra.empty()) j["logs"].push_back(Json{{"source", extra_source}, {"lines", extra}});
  return j;
}

TEST_CASE("rg17: a rank that a launcher's or the job's line ties to a host places its evidence there, in each format") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> ties = {
      {{"[2026-12-03 05:00:01,100] [INFO] [launch.py:146:main] WORLD INFO DICT: {'rk-03': [0, 1, 2, 3, 4, 5, 6, 7], 'rk-01': [0, 1, 2, 3, 4, 5, 6, 7]}"}, "rk-01/gpu5"},
      {{"RANK=13 LOCAL_RANK=5 WORLD_SIZE=16 HOSTNAME=rk-01 CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7"}, "rk-01/gpu5"},
      {{"rank,host,local_rank", "12,rk-01,4", "13,rk-01,5"}, "rk-01/gpu5"},
      {{"RANK  HOST   LOCAL_RANK  GPU", "13    rk-01  1           5"}, "rk-01/gpu5"},
      {{"$ cat hostfile", "rk-03 slots=8", "rk-01 slots=8"}, "rk-01"},
  };
  for (const auto& [lines, where] : ties) {
    CAPTURE(lines.back());
    Diagnosis d = testing::RunCaseWithOwnProbes(RankCase("launcher.log", lines));
    CHECK(StartsWith(d.component, where));  // before: job
  }
}

TEST_CASE("rg17: a rank tied to two hosts, or to a host outside the case, is placed by nothing") {
  Diagnosis d = testing::RunCaseWithOwnProbes(RankCase("", {}));
  CHECK_FALSE(StartsWith(d.component, "rk-01"));
  d = testing::RunCaseWithOwnProbes(RankCase("launcher.log", {"RANK=13 LOCAL_RANK=5 HOSTNAME=rk-01", "RANK=13 LOCAL_RANK=5 HOSTNAME=rk-02"}));
  CHECK_FALSE(StartsWith(d.component, "rk-01"));
  CHECK_FALSE(StartsWith(d.component, "rk-02"));
  d = testing::RunCaseWithOwnProbes(RankCase("launcher.log", {"RANK=13 LOCAL_RANK=5 HOSTNAME=login-01"}));
  CHECK_FALSE(StartsWith(d.component, "rk-0"));
}

TEST_CASE("rg17: a rank's tie from the logs overrides the layout guessed from the topology") {
  Json j = RankCase("launcher.log", {"WORLD INFO DICT: {'rk-04': [0, 1, 2, 3, 4, 5, 6, 7], 'rk-02': [0, 1, 2, 3, 4, 5, 6, 7]}"});
  j["topology"]["gpus_per_node"] = 8;  // the layout alone: rank 13 on rk-02/gpu5
  Diagnosis d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.component == "rk-02/gpu5");
  j = RankCase("launcher.log", {"WORLD INFO DICT: {'rk-02': [0, 1, 2, 3, 4, 5, 6, 7], 'rk-04': [0, 1, 2, 3, 4, 5, 6, 7]}"});
  j["topology"]["gpus_per_node"] = 8;
  d = testing::RunCaseWithOwnProbes(j);
  CHECK(d.component == "rk-04/gpu5");  // before: rk-02/gpu5
}

// ---- 3. A GPU's bus id, UUID and serial tied to its index -----------------------------------------


bool HasGpu(const std::vector<GpuIds>& ties, int index, const std::string& bus, const std::string& uuid, const std::string& serial) {
  for (const GpuIds& g : ties) {
    if (g.index == index && g.bus == bus && g.uuid == uuid && g.serial == serial) return true;
  }
  return false;
}

const char* kUuid6 = "GPU-3c1f0a9e-7b42-11ee-9d0c-5a1e2b3c4d5e";

TEST_CASE("rg17: GpuIdReader reads nvidia-smi's query tables and -q blocks") {
  // A header row, columns in any order, units ignored.
  auto f = ReadAll<GpuIdReader>({"uuid, serial, index, pci.bus_id, temperature.gpu [C]",
                     std::string(kUuid6) + ", 1652922004521, 6, 00000000:9D:00.0, 41"});
  CHECK(HasGpu(f, 6, "0000:9d:00", "gpu-3c1f0a9e-7b42-11ee-9d0c-5a1e2b3c4d5e", "1652922004521"));
  // noheader: the command's list names the columns; a non-row ends the table.
  f = ReadAll<GpuIdReader>({"$ nvidia-smi --query-gpu=index,serial --format=csv,noheader", "0, 1652922004500", "1, 1652922004501",
                "$ date", "2, 1652922004502"});
  CHECK(HasGpu(f, 1, "", "", "1652922004501"));
  CHECK(f.size() == 2);
  // -q: one block ties its names to each other, no index.
  f = ReadAll<GpuIdReader>({"Attached GPUs                             : 8", "GPU 00000000:9D:00.0",
                "    Product Name                          : NVIDIA H100 80GB HBM3", "    Serial Number                         : 1652922004521",
                std::string("    GPU UUID                              : ") + kUuid6, "    Minor Number                          : 6"});
  CHECK(HasGpu(f, -1, "0000:9d:00", "gpu-3c1f0a9e-7b42-11ee-9d0c-5a1e2b3c4d5e", "1652922004521"));
  // Joined: the block takes the index another tie gives its bus; a name tied to two indices is dropped.
  auto j = JoinGpuIds({GpuIds{-1, "0000:9d:00", "", "1652922004521"}, GpuIds{6, "0000:9d:00", "", ""}});
  CHECK(HasGpu(j, 6, "0000:9d:00", "", "1652922004521"));
  j = JoinGpuIds({GpuIds{2, "", "", "1652922004521"}, GpuIds{6, "", "", "1652922004521"}});
  CHECK(j.empty());
}

// A node's GPU falls off the bus; the kernel names it by bus id only.
Json BusCase(const std::string& xid_line, const std::vector<std::string>& shell) {
  Json j{{"id", "rg17-gpus"},
         {"topology", {{"nodes", {"gq-01", "gq-02", "gq-03"}}, {"gpus_per_node", 8}, {"timezone", "UTC"}}},
         {"logs", Json::array({Json{{"source", "gq-02/kern.log"}, {"lines", {xid_line}}},
                               Json{{"source", "train/rank0.log"}, {"lines", {
                                   "[rank0]: NCCL error: remote process exited or there was a network error"}}}})}};
  if (!shell.empty()) j["logs"].push_back(Json{{"source", "ops/shell"}, {"lines", shell}});
  return j;
}

TEST_CASE("rg17: a GPU named by its bus id, UUID or serial is placed on the index nvidia-smi ties it to") {
  const std::string xid_bus = "Dec 03 06:12:01 gq-02 kernel: NVRM: Xid (PCI:0000:9d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.";
  const std::string xid_uuid = std::string("Dec 03 06:12:01 gq-02 node-problem-detector: NVIDIA Xid=79 on Device=") + kUuid6 + ": GPU has fallen off the bus";
  const std::string xid_serial = "Dec 03 06:12:01 gq-02 fieldiag: GPU serial 1652922004521: GPU has fallen off the bus";
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {xid_bus, {"$ ssh gq-02 nvidia-smi --query-gpu=index,pci.bus_id,serial,uuid --format=csv",
                 "index, pci.bus_id, serial, uuid", "5, 00000000:9C:00.0, 1652922004520, GPU-11111111-7b42-11ee-9d0c-5a1e2b3c4d5e",
                 std::string("6, 00000000:9D:00.0, 1652922004521, ") + kUuid6}},
      {xid_uuid, {"$ ssh gq-02 nvidia-smi --query-gpu=index,uuid --format=csv,noheader", std::string("6, ") + kUuid6}},
      {xid_serial, {"$ ssh gq-02 nvidia-smi --query-gpu=index,serial --format=csv,noheader", "5, 1652922004520", "6, 1652922004521"}},
      // -q's block joined to the index the query table gives its bus id.
      {xid_serial, {"$ ssh gq-02 nvidia-smi -q -i 6", "Attached GPUs                             : 8", "GPU 00000000:9D:00.0",
                    "    Serial Number                         : 1652922004521", "$ ssh gq-02 nvidia-smi --query-gpu=index,pci.bus_id --format=csv",
                    "index, pci.bus_id", "6, 00000000:9D:00.0"}},
  };
  for (const auto& [xid, shell] : cases) {
    CAPTURE(shell.back());
    Diagnosis d = testing::RunCaseWithOwnProbes(BusCase(xid, shell));
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component == "gq-02/gpu6");  // before: gq-02
  }
  Diagnosis d = testing::RunCaseWithOwnProbes(BusCase(xid_serial, {}));
  CHECK(d.component != "gq-02/gpu6");
}

}  // namespace
}  // namespace vigil
