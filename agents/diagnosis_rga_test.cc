// Tests of RGA's reading machinery (2026-12-03): addresses the case ties to its nodes
// (node_addresses.h), PyTorch's reports of ranks in different collectives (collective_mismatch.h),
// and Slurm's NODE_FAIL / PREEMPTED / CANCELLED ends (slurm_states.h). The cases are written for the
// tests in several wordings and formats (node names gpu-05.., hx-11.., n-01..), not copied from the
// sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_testing.h"
#include "agents/node_addresses.h"
#include "agents/slurm_states.h"

namespace vigil {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A case of four nodes with 8 GPUs each and one log.
Json CaseOf(const std::vector<std::string>& nodes, const std::string& source, const std::vector<std::string>& lines) {
  return Json{{"id", "rga"},
              {"topology", {{"nodes", nodes}, {"gpus_per_node", 8}, {"timezone", "UTC"},
                            {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}}},
              {"logs", Json::array({Json{{"source", source}, {"lines", lines}}})}};
}

std::vector<AddressFact> ReadAll(const std::vector<std::string>& lines) {
  AddressReader r;
  std::vector<AddressFact> out;
  for (const std::string& l : lines) {
    for (AddressFact& f : r.Read(l)) out.push_back(std::move(f));
  }
  return out;
}

bool Has(const std::vector<AddressFact>& facts, const std::string& address, const std::string& host) {
  for (const AddressFact& f : facts) {
    if (f.address == address && f.host == host) return true;
  }
  return false;
}

// ---- 1. Addresses name nodes ----------------------------------------------------------------------

TEST_CASE("rga: AddressReader reads the formats that tie an address to a host") {
  // scontrol show node: NodeAddr= on a later line of NodeName='s record.
  auto f = ReadAll({"NodeName=gpu-07 Arch=x86_64 CoresPerSocket=56", "   NodeAddr=10.20.7.77 NodeHostName=gpu-07"});
  CHECK(Has(f, "10.20.7.77", "gpu-07"));
  // One-line records (scontrol -o): two nodes, each its own.
  f = ReadAll({"NodeName=a-1 NodeAddr=10.0.0.1 State=IDLE", "NodeName=a-2 NodeAddr=10.0.0.2 State=IDLE"});
  CHECK(Has(f, "10.0.0.1", "a-1"));
  CHECK(Has(f, "10.0.0.2", "a-2"));
  CHECK_FALSE(Has(f, "10.0.0.2", "a-1"));
  // /etc/hosts with a comment, getent hosts, `host`.
  f = ReadAll({"10.20.7.77  gpu-07.cluster.local gpu-07   # rack 3", "fd00::7 gpu-07-v6", "x.example has address 10.1.2.3"});
  CHECK(Has(f, "10.20.7.77", "gpu-07.cluster.local"));
  CHECK(Has(f, "10.20.7.77", "gpu-07"));
  CHECK(Has(f, "fd00::7", "gpu-07-v6"));
  CHECK(Has(f, "10.1.2.3", "x.example"));
  // The writer's own addresses: NCCL's prefix names it; ip addr / ip -br / hostname -I name none.
  f = ReadAll({"gpu-07:4411:4411 [3] NCCL INFO Bootstrap : Using bond0:10.20.7.77<0>",
               "n9:1:2 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.9.9<0>",
               "    inet 10.20.8.8/16 brd 10.20.255.255 scope global bond0",
               "bond0  UP  10.20.9.9/16 fe80::1/64"});
  CHECK(Has(f, "10.20.7.77", "gpu-07"));
  CHECK(Has(f, "10.9.9.9", "n9"));
  CHECK(Has(f, "10.20.8.8", ""));
  CHECK(Has(f, "10.20.9.9", ""));
  f = ReadAll({"[root@gpu-07 ~]# hostname -I", "10.20.7.77 172.17.0.1 ", "next line 10.1.1.1"});
  CHECK(Has(f, "10.20.7.77", "gpu-07"));
  CHECK(Has(f, "172.17.0.1", "gpu-07"));
  CHECK(f.size() == 2);
}

TEST_CASE("rga: AddressReader states nothing for addresses every host has, or for other lines") {
  auto f = ReadAll({"    inet 127.0.0.1/8 scope host lo", "127.0.1.1 gpu-07", "lo  UNKNOWN  127.0.0.1/8 ::1/128",
                    "    inet6 fe80::2/64 scope link", "gpu-07:1:1 [0] NCCL INFO Bootstrap : Using lo:127.0.0.1<0>"});
  CHECK(f.empty());
  // A log line that starts with an address is no hosts line; MASTER_ADDR and Ray's ip= tie nothing.
  f = ReadAll({"10.20.7.77 - - [10/Mar/2026:10:00:01] \"GET /metrics HTTP/1.1\" 200", "MASTER_ADDR=10.20.7.77",
               "(RayTrainWorker pid=4411, ip=10.20.7.77) step 3", "10.20.7.77<39445> connect failed"});
  CHECK(f.empty());
  CHECK(FailedConnectAddress("h-1:1:2 [0] misc/socket.cc:484 NCCL WARN socketPollConnect: connect to 10.2.3.4<44921> "
                             "returned Connection timed out") == "10.2.3.4");
  CHECK(FailedConnectAddress("NCCL WARN Net : Connect to 10.2.3.5<43211> failed : Connection refused") == "10.2.3.5");
  CHECK(FailedConnectAddress("connect to 10.2.3.4 port 22: Connection refused").empty());
}

// A Ray job log: one worker, known by its address only, runs out of GPU memory.
const Json kRayOom = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "ray-job.log", {
    "2026-03-11 10:02:01,114 INFO worker.py:1642 -- Connecting to existing Ray cluster at address: 10.20.7.75:6379...",
    "(RayTrainWorker pid=4411, ip=10.20.7.77) [2026-03-11 10:14:09] step 812 | loss 2.71",
    "(RayTrainWorker pid=4411, ip=10.20.7.77) torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 6.00 GiB. GPU 3 has a total capacity of 79.11 GiB of which 1.21 GiB is free. Of the allocated memory 74.02 GiB is allocated by PyTorch",
    "(RayTrainWorker pid=5120, ip=10.20.7.76) [2026-03-11 10:14:10] step 812 | loss 2.70",
    "ray.exceptions.RayTaskError(OutOfMemoryError): ray::RayTrainWorker.train_loop() (pid=4411, ip=10.20.7.77)"});

Diagnosis RunWith(const Json& base, const std::string& source, const std::vector<std::string>& lines) {
  Json j = base;
  if (!lines.empty()) j["logs"].push_back(Json{{"source", source}, {"lines", lines}});
  return testing::RunCaseWithOwnProbes(j);
}

TEST_CASE("rga: an address the case ties to a node places the evidence there, in every format") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> mappings = {
      {"ops/shell", {"$ scontrol show node gpu-07", "NodeName=gpu-07 Arch=x86_64 CoresPerSocket=56",
                     "   CPUAlloc=112 CPUEfctv=224 CPUTot=224 CPULoad=98.10", "   NodeAddr=10.20.7.77 NodeHostName=gpu-07 Version=24.05.3",
                     "   State=ALLOCATED ThreadsPerCore=2"}},
      {"ops/shell", {"$ grep gpu-0 /etc/hosts", "10.20.7.75  gpu-05.cluster.local gpu-05", "10.20.7.77  gpu-07.cluster.local gpu-07   # rack 3"}},
      {"ops/shell", {"$ getent hosts gpu-07.cluster.local", "10.20.7.77      gpu-07.cluster.local"}},
      {"ops/shell", {"$ ssh gpu-07 hostname -I", "10.20.7.77 172.17.0.1 "}},
      {"ops/shell", {"$ ssh gpu-07 ip -4 addr show bond0", "4: bond0: <BROADCAST,MULTICAST,MASTER,UP,LOWER_UP> mtu 9000 state UP",
                     "    inet 10.20.7.77/16 brd 10.20.255.255 scope global bond0"}},
      {"ops/shell", {"$ pdsh -w gpu-0[5-8] 'ip -4 -br addr show bond0' | sort", "gpu-05: bond0  UP  10.20.7.75/16",
                     "gpu-07: bond0  UP  10.20.7.77/16"}},
      {"gpu-07/worker.log", {"gpu-07:4411:4411 [3] NCCL INFO Bootstrap : Using bond0:10.20.7.77<0>"}},
      {"gpu-07/shell", {"$ hostname -I", "10.20.7.77"}},
  };
  for (const auto& [source, lines] : mappings) {
    CAPTURE(lines.back());
    Diagnosis d = RunWith(kRayOom, source, lines);
    CHECK(d.root_cause == "cuda_oom");
    CHECK(d.component == "gpu-07/gpu3");  // before: job
  }
}

TEST_CASE("rga: without a mapping, or with one address claimed for two nodes, an address stays an address") {
  Diagnosis d = RunWith(kRayOom, "", {});
  CHECK(d.root_cause == "cuda_oom");
  CHECK_FALSE(StartsWith(d.component, "gpu-07"));
  d = RunWith(kRayOom, "ops/shell", {"10.20.7.77  gpu-07", "10.20.7.77  gpu-08"});
  CHECK_FALSE(StartsWith(d.component, "gpu-07"));
  CHECK_FALSE(StartsWith(d.component, "gpu-08"));
  // A host that is no node of the case maps nothing (never guessed from the digits).
  d = RunWith(kRayOom, "ops/shell", {"10.20.7.77  login-07"});
  CHECK_FALSE(StartsWith(d.component, "gpu-07"));
}

// Ranks on three nodes cannot connect to one peer, known by its address.
const Json kPeerFailures = CaseOf({"hx-11", "hx-12", "hx-13", "hx-14"}, "slurm-9001.out", {
    "[2026-04-02 08:00:41] attempt 1 on hx-[11-14]",
    "hx-11:50122:50399 [0] NCCL INFO Bootstrap : Using eth0:172.30.4.11<0>",
    "hx-12:61802:61802 [0] NCCL INFO Bootstrap : Using eth0:172.30.4.12<0>",
    "hx-11:50122:50399 [0] misc/socket.cc:484 NCCL WARN socketPollConnect: connect to 172.30.4.14<44921> returned Connection refused, exceeded error retry count (35)",
    "hx-12:61802:62011 [3] misc/socket.cc:484 NCCL WARN socketPollConnect: connect to 172.30.4.14<39017> returned Connection refused, exceeded error retry count (35)",
    "hx-13:70911:71203 [5] misc/socket.cc:484 NCCL WARN socketPollConnect: connect to 172.30.4.14<41550> returned Connection refused, exceeded error retry count (35)",
    "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2041, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.23.4",
    "[rank0]: socketPollConnect: connect to 172.30.4.14<44921> returned Connection refused, exceeded error retry count (35)"});

TEST_CASE("rga: the one peer every failed NCCL connection names is the misconfigured node, once the case ties it") {
  for (const std::vector<std::string>& lines :
       {std::vector<std::string>{"$ scontrol show node hx-14", "NodeName=hx-14 Arch=x86_64", "   NodeAddr=172.30.4.14 NodeHostName=hx-14"},
        std::vector<std::string>{"$ getent hosts hx-14", "172.30.4.14     hx-14.ib.cluster hx-14"}}) {
    Diagnosis d = RunWith(kPeerFailures, "ops", lines);
    CHECK(d.root_cause == "nccl_network_misconfig");
    CHECK(StartsWith(d.component, "hx-14"));  // before: job
  }
  Diagnosis d = RunWith(kPeerFailures, "", {});
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.component == "job");
}

// Every node's store client is refused by an address; scontrol's NodeList holds ma-[0101-0103].
const Json kMasterByAddress = CaseOf({"ma-0101", "ma-0102", "ma-0103"}, "job.out", {
    "+ torchrun --nnodes=3 --nproc-per-node=8 --rdzv-backend=static --master-addr=10.30.9.1 --master-port=29400 pretrain.py",
    "[W0309 08:02:41.220113 5001 torch/csrc/distributed/c10d/socket.cpp:752] [c10d] The client socket has failed to connect to [10.30.9.1]:29400 (errno: 111 - Connection refused).",
    "[E0309 08:17:41.502371 5001 torch/csrc/distributed/c10d/socket.cpp:1001] [c10d] The client socket has timed out after 900000ms while trying to connect to (10.30.9.1, 29400).",
    "srun: error: ma-0102: task 1: Exited with exit code 1",
    "$ scontrol show job 88112 | grep NodeList",
    "   NodeList=ma-[0101-0103]"});

TEST_CASE("rga: a rendezvous address the case ties to a host outside the allocation is the launch's configuration") {
  Diagnosis d = RunWith(kMasterByAddress, "ops/shell", {"$ getent hosts 10.30.9.1", "10.30.9.1       ma-0901.cluster ma-0901"});
  CHECK(d.root_cause == "launch_config_error");  // before: the address compared with nothing
  // Tied to a node of the allocation, or to nothing: not read as outside it.
  for (const std::vector<std::string>& lines :
       {std::vector<std::string>{"NodeName=ma-0101 NodeAddr=10.30.9.1 State=ALLOCATED"}, std::vector<std::string>{}}) {
    d = RunWith(kMasterByAddress, "ops/shell", lines);
    for (const Evidence& e : d.evidence) CHECK(e.detail.find("is not in the job's allocation") == std::string::npos);
  }
}

// ---- 2. Ranks in different collectives ------------------------------------------------------------

std::string Watchdog(int rank, int seq, const char* op) {
  return "[rank" + std::to_string(rank) + "]:[E0310 17:51:03.220 ProcessGroupNCCL.cpp:616] [Rank " + std::to_string(rank) +
         "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=" + std::to_string(seq) + ", OpType=" + op +
         ", NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600031 milliseconds before timing out.";
}

TEST_CASE("rga: FindCollectiveMismatch reads the fingerprints, the DETAIL summary and the desync snapshot") {
  auto m = FindCollectiveMismatch(
      {"x", "[rank0]: Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=5120, OpType=BROADCAST, "
            "TensorShape=[2048], TensorDtypes=Byte), but Ranks 1-31 are running collective: CollectiveFingerPrint("
            "SequenceNumber=5120, OpType=ALLREDUCE, TensorShape=[1], TensorDtypes=Float)."});
  REQUIRE(m);
  CHECK(m->line_index == 1);
  CHECK(m->what == "BROADCAST vs ALLREDUCE at sequence number 5120");
  // The same op of another shape is a mismatch too; two sequence numbers are no one point.
  m = FindCollectiveMismatch({"Rank 1 is running collective: CollectiveFingerPrint(SequenceNumber=9, OpType=ALLREDUCE, "
                              "TensorShape=[4096], TensorDtypes=Float), but Rank 2 is running collective: "
                              "CollectiveFingerPrint(SequenceNumber=9, OpType=ALLREDUCE, TensorShape=[1], TensorDtypes=Float)"});
  REQUIRE(m);
  CHECK(m->what.find("[4096] vs [1]") != std::string::npos);
  CHECK_FALSE(FindCollectiveMismatch({"Rank 1 is running collective: CollectiveFingerPrint(SequenceNumber=9, "
                                      "OpType=ALLREDUCE), but Rank 2 is running collective: CollectiveFingerPrint("
                                      "SequenceNumber=10, OpType=BROADCAST)"}));
  CHECK(FindCollectiveMismatch({"[PG 0 Rank 17] Collectives differ in the following aspects: \t Op type: ALLREDUCEvs REDUCE_SCATTER"}));
  CHECK(FindCollectiveMismatch({"\t   #40012 started ranks:", "\t     [0, 1, 2] started ALLREDUCE", "\t     [3] started BROADCAST"}));
  // One op started at one point, and the lagging-rank lines: no mismatch (FindNamedAbsentRanks reads those).
  CHECK_FALSE(FindCollectiveMismatch({"\t   #40012 started ranks:", "\t     [0, 1, 2] started ALLREDUCE",
                                      "\t   #40013 started ranks:", "\t     [3] started BROADCAST"}));
  CHECK_FALSE(FindCollectiveMismatch({"\t   - [22] finished collective #40011, but didn't join collective #40012 (count from 1)",
                                      Watchdog(3, 40012, "ALLREDUCE")}));
}

Diagnosis RunHang(const std::vector<std::string>& report) {
  std::vector<std::string> lines = {"[2026-03-10 17:41:02] step 2999 | loss 2.4410 | 1.37 s/step",
                                    "[2026-03-10 17:41:03] running evaluation"};
  lines.insert(lines.end(), report.begin(), report.end());
  const Json j = CaseOf({"n-01", "n-02", "n-03", "n-04"}, "slurm-881.out", lines);
  return testing::RunCaseWithOwnProbes(j);
}

TEST_CASE("rga: ranks in different collectives at one point are the job's collective hang, not a waiter's GPU") {
  const std::vector<std::vector<std::string>> reports = {
      // A rank range on one side; the watchdog lines in both ops.
      {Watchdog(11, 5120, "ALLREDUCE"), Watchdog(26, 5120, "ALLREDUCE"), Watchdog(0, 5120, "BROADCAST"),
       "[rank0]:[E0310 17:51:04.002 ProcessGroupNCCL.cpp:1870] [PG ID 0 PG GUID 0(default_pg) Rank 0] Desync debugging report: ",
       "[rank0]: Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=5120, OpType=BROADCAST, TensorShape=[2048], "
       "TensorDtypes=Byte), but Ranks 1-31 are running collective: CollectiveFingerPrint(SequenceNumber=5120, OpType=ALLREDUCE, "
       "TensorShape=[1], TensorDtypes=Float)."},
      // Two single ranks; the watchdog in one op (the "odd op" rank is no culprit).
      {Watchdog(9, 7001, "_ALLGATHER_BASE"),
       "[rank3]: Detected mismatch between collectives on ranks. Rank 3 is running collective: CollectiveFingerPrint("
       "SequenceNumber=7001, OpType=ALLREDUCE, TensorShape=[1], TensorDtypes=Float), but Rank 12 is running collective: "
       "CollectiveFingerPrint(SequenceNumber=7001, OpType=_ALLGATHER_BASE, TensorShape=[8388608], TensorDtypes=BFloat16)."},
      // TORCH_DISTRIBUTED_DEBUG=DETAIL's summary only.
      {Watchdog(2, 812, "ALLREDUCE"), Watchdog(17, 812, "ALLREDUCE"),
       "[rank17]:[E0310 17:51:05.305219 ProcessGroupNCCL.cpp:1340] [PG 0 Rank 17] Collectives differ in the following "
       "aspects: \t Op type: ALLREDUCEvs REDUCE_SCATTER"},
      // The desync report's snapshot.
      {Watchdog(2, 40012, "ALLREDUCE"), Watchdog(20, 40012, "ALLREDUCE"),
       "[rank0]:[E0310 17:51:06 ProcessGroupNCCL.cpp:1420] [PG 0 Rank 0] Desync debugging report:",
       "\t - Snapshot of ranks' latest states:", "\t   #40012 started ranks:",
       "\t     [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30] started ALLREDUCE",
       "\t     [31] started BROADCAST"},
  };
  for (const auto& report : reports) {
    CAPTURE(report.back());
    Diagnosis d = RunHang(report);
    CHECK(d.root_cause == "nccl_collective_hang");
    CHECK(d.component == "job");  // before: a waiter's or the odd op's GPU
  }
}

TEST_CASE("rga: a desync report naming one rank behind still points at that rank") {
  Diagnosis d = RunHang({Watchdog(2, 40012, "ALLREDUCE"), Watchdog(20, 40012, "ALLREDUCE"),
                         "[rank0]:[E0310 17:51:06 ProcessGroupNCCL.cpp:1420] [PG 0 Rank 0] Desync debugging report:",
                         "\t - To our best knowledge, the lagging/dead/mismatched ranks that caused the desync are:",
                         "\t   - [22] finished collective #40011, but didn't join collective #40012 (count from 1)"});
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "n-03/gpu6");
}

// ---- 3. Slurm's NODE_FAIL, PREEMPTED, CANCELLED ---------------------------------------------------

TEST_CASE("rga: SlurmNodeStateReader names the node Slurm says failed, and why") {
  SlurmNodeStateReader r;
  CHECK(r.Read("NodeName=gpu-07 Arch=x86_64 CoresPerSocket=56").empty());
  CHECK(r.Read("   State=DOWN+NOT_RESPONDING ThreadsPerCore=2").empty());
  auto f = r.Read("   Reason=Not responding [slurm@2026-03-10T07:02:11]");
  REQUIRE(f.size() == 1);
  CHECK(f[0].host == "gpu-07");
  CHECK(f[0].reason == "Not responding");
  // A record in service says nothing, even with a Reason left from before.
  SlurmNodeStateReader r2;
  CHECK(r2.Read("NodeName=gpu-08 State=ALLOCATED Reason=old [root@2026-01-01T00:00:00]").empty());
  SlurmNodeStateReader r3;
  f = r3.Read("NodeName=gpu-09 State=DRAIN Reason=NHC: check_gpu: GPU 3 fell off the bus [root@2026-03-10T07:02:11]");
  REQUIRE(f.size() == 1);
  CHECK(f[0].reason == "NHC: check_gpu: GPU 3 fell off the bus");
  SlurmNodeStateReader r4;
  CHECK(r4.Read("[2026-03-10T07:03:11.010] Killing JobId=77120 on failed node gpu-06")[0].host == "gpu-06");
  CHECK(r4.Read("[2026-03-10T07:02:11.402] error: Nodes gpu-06 not responding, setting DOWN")[0].reason == "Not responding");
  CHECK(r4.Read("Kill task failed     root      2026-03-10T07:02:50 gpu-08")[0].reason == "Kill task failed");
  CHECK(r4.Read("REASON               USER      TIMESTAMP           NODELIST").empty());
  CHECK(r4.Read("error: Nodes gpu-[06-07] not responding").empty());  // a host list names no one node
  CHECK(ReadSlurmJobEnd("77120+0       pretrain  CANCELLED+      0:0") == SlurmJobEnd::kCancelled);
}

const Json kSlurmJob = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "slurm-77120.out", {
    "[2026-03-10 06:50:02] step 4410 | loss 2.31 | 1.02 s/step",
    "[2026-03-10 06:51:03] step 4470 | loss 2.30 | 1.01 s/step",
    "[rank3]:[E310 07:02:40.118 ProcessGroupNCCL.cpp:1595] [PG 0 Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
    "gpu-05:4411:4502 [3] NCCL INFO misc/socket.cc:50 -> 3",
    "srun: error: gpu-05: task 0: Exited with exit code 1"});

TEST_CASE("rga: NODE_FAIL points at the node Slurm says failed") {
  Diagnosis d = RunWith(kSlurmJob, "ops/shell",
                        {"$ sacct -j 77120 -X -o JobID,State,ExitCode,NodeList", "77120        NODE_FAIL      0:0 gpu-[05-08]",
                         "$ scontrol show node gpu-07", "NodeName=gpu-07 Arch=x86_64 CoresPerSocket=56",
                         "   State=DOWN+NOT_RESPONDING ThreadsPerCore=2", "   Reason=Not responding [slurm@2026-03-10T07:02:11]"});
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(StartsWith(d.component, "gpu-07"));  // before: gpu-05/gpu3, the rank that saw its peer go
  d = RunWith(kSlurmJob, "ops/shell",
              {"$ sacct -j 77120 -X", "       JobID    JobName  Partition    Account  AllocCPUS      State ExitCode",
               "77120         pretrain        gpu       ml        448  NODE_FAIL      0:1",
               "[2026-03-10T07:02:11.402] error: Nodes gpu-06 not responding, setting DOWN",
               "[2026-03-10T07:03:11.010] Killing JobId=77120 on failed node gpu-06"});
  CHECK(StartsWith(d.component, "gpu-06"));
  // The node's own evidence names the fault: that, on that node.
  d = RunWith(kSlurmJob, "ops/shell",
              {"$ sinfo -R", "REASON               USER      TIMESTAMP           NODELIST",
               "Kill task failed     root      2026-03-10T07:02:50 gpu-08", "$ ssh gpu-08 journalctl -k | grep -i nvrm | tail -1",
               "Mar 10 07:01:58 gpu-08 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4471, name=python3, GPU has fallen off the bus.",
               "$ sacct -j 77120 -X -n -o JobID,State", "77120         NODE_FAIL"});
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(StartsWith(d.component, "gpu-08"));
  // NODE_FAIL and no node named: nothing placed by it.
  d = RunWith(kSlurmJob, "ops/shell", {"77120        NODE_FAIL      0:0 gpu-[05-08]"});
  CHECK_FALSE(StartsWith(d.component, "gpu-07"));
}

// A job Slurm preempted or a user cancelled: its ranks got SIGTERM and said so.
const Json kStoppedJob = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "slurm-77120.out", {
    "[2026-03-10 06:50:02] step 4410 | loss 2.31 | 1.02 s/step",
    "[2026-03-10 06:51:03] step 4470 | loss 2.30 | 1.01 s/step",
    "[rank0]: torch.distributed.elastic.multiprocessing.api.SignalException: Process 4411 got signal: 15",
    "srun: error: gpu-05: task 0: Terminated",
    "srun: error: gpu-06: task 1: Terminated"});

TEST_CASE("rga: a job Slurm preempted or a user cancelled did not fail by itself") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> stops = {
      {"ops/shell", {"$ sacct -j 77120 -X -o JobID,State", "77120         PREEMPTED"}},
      {"slurmd", {"slurmstepd: error: *** JOB 77120 ON gpu-05 CANCELLED AT 2026-03-10T06:52:11 DUE TO PREEMPTION ***"}},
      {"slurmd", {"slurmstepd: error: *** JOB 77120 ON gpu-05 CANCELLED AT 2026-03-10T06:52:11 ***"}},
      {"ops/shell", {"$ sacct -j 77120 -X -o JobID,JobName,State,ExitCode", "77120          pretrain CANCELLED+      0:0"}},
  };
  for (const auto& [source, lines] : stops) {
    CAPTURE(lines.back());
    Diagnosis d = RunWith(kStoppedJob, source, lines);
    // Before: launch_config_error or rank_process_crash (the signals' lines read like a launch or a
    // crash), or a line look-alike.
    CHECK(d.root_cause == "unknown");
    bool said = false;
    for (const Evidence& e : d.evidence) said = said || e.detail.find("did not fail by itself") != std::string::npos;
    CHECK(said);
  }
  // A fault shown first-hand before the stop stands.
  Json j = kStoppedJob;
  j["logs"][0]["lines"].push_back(
      "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 6.00 GiB. GPU 3 has a total capacity of "
      "79.11 GiB of which 1.21 GiB is free.");
  Diagnosis d = RunWith(j, "ops/shell", {"77120         PREEMPTED"});
  CHECK(d.root_cause == "cuda_oom");
}

// DEF5 (2026-12-03): a requeue read as no end, so the signals the requeued run's ranks got read as a
// launch error or a crash. It is a stop by the scheduler or an admin, as a preemption; the
// node-failure requeue is the node's.
TEST_CASE("rga: a job Slurm requeued did not fail by itself; a requeue after a node failure is the node's (DEF5)") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> requeues = {
      {"slurmd", {"slurmstepd: error: *** JOB 77120 ON gpu-05 CANCELLED AT 2026-03-10T06:52:11 DUE TO JOB REQUEUE ***"}},
      {"slurmctld", {"[2026-03-10T06:52:11.204] _job_requeue_op: requeue JobId=77120 per user/system request"}},
      {"ops/shell", {"$ sacct -j 77120 -D -X -o JobID,JobName,State,ExitCode", "77120          pretrain   REQUEUED      0:15"}},
      {"ops/shell", {"$ squeue -j 77120 -o '%i %T %r'", "77120 REQUEUE_HOLD JobHeldAdmin"}},
  };
  for (const auto& [source, lines] : requeues) {
    CAPTURE(lines.back());
    Diagnosis d = RunWith(kStoppedJob, source, lines);
    CHECK(d.root_cause == "unknown");  // before: launch_config_error / rank_process_crash
    bool said = false;
    for (const Evidence& e : d.evidence) said = said || e.detail.find("requeued the job (this run ended") != std::string::npos;
    CHECK(said);
  }
  // slurmctld's requeue after a node failure names the node: NODE_FAIL's reading, on it.
  Diagnosis d = RunWith(kSlurmJob, "slurmctld",
                        {"[2026-03-10T07:02:11.402] requeue job JobId=77120 due to failure of node gpu-07",
                         "[2026-03-10T07:02:11.403] _requeue_job_node_failed: requeue JobId=77120 due to node failure"});
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(StartsWith(d.component, "gpu-07"));
}

// DEF5: a stop's discount ends where the job's next run starts (scontrol's StartTime= after the
// stop, as a requeued or preempted-and-requeued job shows it): the next run's signals are its own.
TEST_CASE("rga: what a requeued job's next run printed is not explained by the earlier stop (DEF5)") {
  Json j = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "slurm-77120.out", {
      "[2026-03-10 07:30:02] step 10 | loss 2.31 | 1.02 s/step",
      "[2026-03-10 07:31:03] [rank0]: torch.distributed.elastic.multiprocessing.api.SignalException: Process 4411 got signal: 15",
      "[2026-03-10 07:31:03] srun: error: gpu-05: task 0: Terminated",
      "[2026-03-10 07:31:04] srun: error: gpu-06: task 1: Terminated"});
  for (const std::string& stop : {std::string("slurmstepd: error: *** JOB 77120 ON gpu-05 CANCELLED AT 2026-03-10T06:52:11 DUE TO JOB REQUEUE ***"),
                                  std::string("slurmstepd: error: *** JOB 77120 ON gpu-05 CANCELLED AT 2026-03-10T06:52:11 DUE TO PREEMPTION ***")}) {
    CAPTURE(stop);
    // The stop alone, no later start: the signals read as its doing.
    CHECK(RunWith(j, "slurmd", {stop}).root_cause == "unknown");
    // The job started again at 07:30: the signals at 07:31 are the new run's, not the stop's.
    Diagnosis d = RunWith(j, "slurmd", {stop, "   RunTime=00:01:02 TimeLimit=1-00:00:00 TimeMin=N/A",
                                        "   SubmitTime=2026-03-10T06:00:00 EligibleTime=2026-03-10T06:54:11",
                                        "   StartTime=2026-03-10T07:30:00 EndTime=2026-03-11T07:30:00 Deadline=N/A"});
    CHECK(d.root_cause != "unknown");
  }
}

// DEF6 (2026-12-04): a stop's discount started at the stop line's first time, which on a sacct row
// asked for Start and End is the Start: the signals a rank got hours before the stop (not the
// stop's doing) were discounted with the stop's. It now starts at the End (a minute's slack).
TEST_CASE("rga: a stop read from sacct's row discounts from its End, not its Start (DEF6)") {
  Json j = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "slurm-77120.out", {
      "[2026-03-10 02:10:02] step 410 | loss 2.31 | 1.02 s/step",
      "[2026-03-10 02:11:03] [rank0]: torch.distributed.elastic.multiprocessing.api.SignalException: Process 4411 got signal: 15",
      "[2026-03-10 02:11:03] srun: error: gpu-05: task 0: Terminated",
      "[2026-03-10 02:11:04] srun: error: gpu-06: task 1: Terminated"});
  const std::string header = "$ sacct -j 77120 -X -o JobID,JobName,State,Start,End,ExitCode";
  // Stopped at 06:52, long after the signals at 02:11: they are no doing of the stop, and read as
  // without it (before: unknown).
  const Diagnosis alone = RunWith(j, "", {});
  REQUIRE(alone.root_cause != "unknown");
  Diagnosis d = RunWith(j, "ops/shell", {header, "77120          pretrain  PREEMPTED 2026-03-10T01:00:02 2026-03-10T06:52:11      0:0"});
  CHECK(d.root_cause == alone.root_cause);
  // Stopped at 02:11:30: the signals are the stop's.
  d = RunWith(j, "ops/shell", {header, "77120          pretrain  PREEMPTED 2026-03-10T01:00:02 2026-03-10T02:11:30      0:0"});
  CHECK(d.root_cause == "unknown");
  // sacct's row with no time keeps today's reading: every signal is the stop's.
  d = RunWith(j, "ops/shell", {"$ sacct -j 77120 -X -o JobID,State", "77120         PREEMPTED"});
  CHECK(d.root_cause == "unknown");
}

// RG25 (2026-12-04): `scontrol show job` prints EndTime= lines after JobState=: the stop's time was
// not read there, so the discount took every signal, hours before the stop too.
TEST_CASE("rga: a stop read from scontrol's record discounts from its EndTime= on a later line (RG25)") {
  Json j = CaseOf({"gpu-05", "gpu-06", "gpu-07", "gpu-08"}, "slurm-77120.out", {
      "[2026-03-10 02:10:02] step 410 | loss 2.31 | 1.02 s/step",
      "[2026-03-10 02:11:03] [rank0]: torch.distributed.elastic.multiprocessing.api.SignalException: Process 4411 got signal: 15",
      "[2026-03-10 02:11:03] srun: error: gpu-05: task 0: Terminated",
      "[2026-03-10 02:11:04] srun: error: gpu-06: task 1: Terminated"});
  auto record = [](const std::string& end) {
    return std::vector<std::string>{"$ scontrol show job 77120",
                                    "JobId=77120 JobName=pretrain",
                                    "   UserId=ml(1000) GroupId=ml(1000) MCS_label=N/A",
                                    "   Priority=4294901710 Nice=0 Account=ml QOS=normal",
                                    "   JobState=PREEMPTED Reason=None Dependency=(null)",
                                    "   Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15",
                                    "   RunTime=05:52:09 TimeLimit=1-00:00:00 TimeMin=N/A",
                                    "   SubmitTime=2026-03-10T00:58:40 EligibleTime=2026-03-10T00:58:40",
                                    "   StartTime=2026-03-10T01:00:02 EndTime=" + end + " Deadline=N/A",
                                    "   Partition=gpu AllocNode:Sid=login-01:4410"};
  };
  const Diagnosis alone = RunWith(j, "", {});
  REQUIRE(alone.root_cause != "unknown");
  // Preempted at 06:52, hours after the signals at 02:11: they are no doing of the stop (before:
  // unknown, every signal discounted).
  Diagnosis d = RunWith(j, "ops/shell", record("2026-03-10T06:52:11"));
  CHECK(d.root_cause == alone.root_cause);
  // Preempted at 02:11:30: the signals are the stop's.
  d = RunWith(j, "ops/shell", record("2026-03-10T02:11:30"));
  CHECK(d.root_cause == "unknown");
  // EndTime=Unknown: no time, every signal the stop's as before.
  d = RunWith(j, "ops/shell", record("Unknown"));
  CHECK(d.root_cause == "unknown");
}

}  // namespace
}  // namespace vigil
