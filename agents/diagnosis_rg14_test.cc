// Tests of RG14's rules (2026-12-03), the general shapes behind realistic14's misses: a fault the
// log shows only days before the incident's other evidence is history; a rendezvous host outside
// the job's allocation is the launch's configuration; how Slurm ended a job (its own time limit,
// OUT_OF_MEMORY). The cases are written for the tests (node names n-01 ...), not copied from the set.
#include <doctest/doctest.h>

#include <limits>
#include <map>
#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/incident_history.h"
#include "agents/fp8_overflow.h"
#include "agents/log_time.h"
#include "agents/node_names.h"
#include "agents/node_setting.h"
#include "agents/power_limit.h"
#include "agents/rendezvous_host.h"
#include "agents/slurm_states.h"

namespace vigil {
namespace {

Diagnosis Run(const char* text) { return testing::RunCaseText(text); }

// Whether an evidence item of `d` holds `text`.
bool EvidenceSays(const Diagnosis& d, const std::string& text) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find(text) != std::string::npos) return true;
  }
  return false;
}

constexpr int64_t kHour = 3600'000;
constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// ---- 1. Evidence days before the incident is history ---------------------------------------------

TEST_CASE("rg14: HistoryCategories marks a category days before every other category's lines") {
  std::map<std::string, CategoryTimes> cats;
  cats["illegal_memory_access"] = {100 * kHour, false};
  cats["rank_process_crash"] = {100 * kHour + 6 * 24 * kHour, false};
  CHECK(HistoryCategories(cats) == std::set<std::string>{"illegal_memory_access"});
  // Two hours before: an Xid, then the job's failure: not history.
  cats["illegal_memory_access"].last_ms = cats["rank_process_crash"].last_ms - 2 * kHour;
  CHECK(HistoryCategories(cats).empty());
  // Days before, but a matched line prints no time: not history.
  cats["illegal_memory_access"] = {100 * kHour, true};
  CHECK(HistoryCategories(cats).empty());
  // Days before, but after the job's start (a long job whose GPU faulted during the run): not history.
  cats["illegal_memory_access"] = {100 * kHour, false};
  CHECK(HistoryCategories(cats, 99 * kHour).empty());
  CHECK(HistoryCategories(cats, 101 * kHour) == std::set<std::string>{"illegal_memory_access"});
  // One category alone has nothing to be history against.
  std::map<std::string, CategoryTimes> one = {{"gpu_fallen_off_bus", {0, false}}};
  CHECK(HistoryCategories(one).empty());
  // Times at int64's ends do not overflow.
  std::map<std::string, CategoryTimes> ends = {{"a", {std::numeric_limits<int64_t>::min() + 1, false}},
                                               {"b", {std::numeric_limits<int64_t>::max() - 1, false}}};
  CHECK(HistoryCategories(ends) == std::set<std::string>{"a"});
}

TEST_CASE("rg14: JobStartMs reads scontrol's StartTime, the latest of several") {
  LogClock clock;
  clock.zone_declared = true;
  CHECK(JobStartMs({"   RunTime=00:10:02 TimeLimit=04:00:00", "   StartTime=Unknown EndTime=Unknown"}, clock) == kNone);
  const int64_t a = JobStartMs({"   SubmitTime=2026-03-01T09:00:00 EligibleTime=2026-03-01T09:00:00",
                                "   StartTime=2026-03-02T10:00:00 EndTime=2026-03-02T14:00:00"},
                               clock);
  const int64_t b = JobStartMs({"   StartTime=2026-03-01T10:00:00 EndTime=None",
                                "   StartTime=2026-03-02T10:00:00 EndTime=2026-03-02T14:00:00"},
                               clock);
  CHECK(a != kNone);
  CHECK(a == b);
  CHECK(a - JobStartMs({"StartTime=2026-03-01T10:00:00"}, clock) == 24 * kHour);
}

// A rank dies of a segfault in an extension; the node's kernel log, pasted with `dmesg -T`, also
// holds an Xid 13 on another GPU from five days before. Before: the Xid (+3.0) led and explained the
// segfault away (illegal_memory_access on gpu2).
constexpr const char* kOldXidCrash = R"JSON({
  "id": "rg14-old-xid-crash",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8, "timezone": "UTC",
    "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
    "gpu_pci_bus": {"gpu2": "0000:3a:00.0", "gpu6": "0000:ba:00.0"}},
  "logs": [
    {"source": "train.log", "lines": [
      "[2026-03-09 11:02:10] step 8100 | loss 1.902",
      "E0309 11:03:41.220000 7001 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -11) local_rank: 6 (pid: 7316) of binary: /usr/bin/python",
      "  host      : n-02",
      "  rank      : 14 (local_rank: 6)",
      "  traceback : Signal 11 (SIGSEGV) received by PID 7316",
      "[rank3]:[E0309 11:13:41.400 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=1024, NumelOut=1024, Timeout(ms)=600000) ran for 600012 milliseconds before timing out."
    ]},
    {"source": "n-02/shell", "lines": [
      "$ dmesg -T | grep -E 'Xid|segfault'",
      "[Wed Mar  4 06:40:02 2026] NVRM: Xid (PCI:0000:3a:00): 13, pid=2210, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 2, SM 0): Out Of Range Address",
      "[Mon Mar  9 11:03:40 2026] python[7316]: segfault at 18 ip 00007f11a2c0 sp 00007ffd10 error 4 in fused_attn_ext.so[7f11a2b00000+40000]"
    ]}
  ]
})JSON";

TEST_CASE("rg14: an Xid five days before a segfault is history, not the crash's cause") {
  Diagnosis d = Run(kOldXidCrash);
  CHECK(d.root_cause == "rank_process_crash");  // before: illegal_memory_access
  CHECK(d.component.rfind("n-02", 0) == 0);
  bool marked = false;
  for (const Evidence& e : d.evidence) marked = marked || e.detail.find("[history:") != std::string::npos;
  CHECK(marked);
}

// The same lines with the Xid ten minutes before the crash: the Xid is the incident's.
TEST_CASE("rg14: an Xid minutes before the failure keeps its weight") {
  std::string text = kOldXidCrash;
  const std::string old_line = "[Wed Mar  4 06:40:02 2026]";
  text.replace(text.find(old_line), old_line.size(), "[Mon Mar  9 10:53:40 2026]");
  Diagnosis d = Run(text.c_str());
  CHECK(d.root_cause == "illegal_memory_access");
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("[history:") == std::string::npos);
}

// A GPU fell off the bus and the job hung on it: the Xid 79 is the first line, the watchdog's
// timeouts come 40 minutes later. Not history.
TEST_CASE("rg14: an Xid 79 then the job's hang forty minutes later is the cause") {
  Diagnosis d = Run(R"JSON({
  "id": "rg14-xid79-hang",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8, "timezone": "UTC",
    "gpu_pci_bus": {"gpu4": "0000:9a:00.0"}},
  "logs": [
    {"source": "n-01/journal", "lines": [
      "Mar 09 10:20:11 n-01 kernel: NVRM: Xid (PCI:0000:9a:00): 79, pid=5121, name=python3, GPU has fallen off the bus."
    ]},
    {"source": "train.log", "lines": [
      "[rank0]:[E0309 11:00:12.100 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=2400000) ran for 2400100 milliseconds before timing out."
    ]}
  ]
})JSON");
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-01/gpu4");
}

// ---- 2. A rendezvous host outside the allocation -------------------------------------------------

TEST_CASE("rg14: RendezvousConnectHosts reads c10d's refused and timed-out connects") {
  CHECK(RendezvousConnectHosts("[W0309 08:02:41.2 socket.cpp:752] [c10d] The client socket has failed to connect to "
                               "[node-a17]:29500 (errno: 111 - Connection refused).") ==
        std::vector<std::string>{"node-a17"});
  CHECK(RendezvousConnectHosts("torch.distributed.DistNetworkError: The client socket has timed out after 900000ms "
                               "while trying to connect to (node-a17.cl.local, 29500).") ==
        std::vector<std::string>{"node-a17.cl.local"});
  CHECK(RendezvousConnectHosts("[c10d] The client socket has failed to connect to [::ffff:10.1.2.3]:29500") ==
        std::vector<std::string>{"::ffff:10.1.2.3"});
  CHECK(RendezvousConnectHosts("RendezvousConnectionError: The connection to the C10d store has failed.").empty());
}

// One IsIpAddress: rendezvous_host.h kept its own (anything with a colon, or four dotted numbers
// of up to three digits), and a std::string argument picked it over node_names.h's string_view one
// wherever both headers were included (builtin_reasoner.cc): "node-1:9100" and "999.1.1.1" were
// addresses there and not in node_names. Now there is node_names.h's alone.
TEST_CASE("rg14: a host with a port or a dotted quad out of range is not an address, wherever it is asked") {
  const std::string with_port = "node-1:9100", out_of_range = "999.1.1.1", v6 = "fd00::3", v4 = "10.0.0.3";
  CHECK_FALSE(IsIpAddress(with_port));
  CHECK_FALSE(IsIpAddress(out_of_range));
  CHECK(IsIpAddress(v6));
  CHECK(IsIpAddress(v4));
  // Two spellings of one IPv6 address are one host (SameHost compared the text).
  CHECK(SameNodeName(std::string("fd00::3"), std::string("fd00:0:0::3")));
}

TEST_CASE("rg14: AllocationHostlists and SameNodeName") {
  CHECK(AllocationHostlists("   NodeList=gx-[0420-0423]") == std::vector<std::string>{"gx-[0420-0423]"});
  CHECK(AllocationHostlists("   ReqNodeList=(null) ExcNodeList=gx-0001").empty());
  CHECK(AllocationHostlists("   NodeList=(null)").empty());
  CHECK(AllocationHostlists("+ echo SLURM_JOB_NODELIST=gx-[01-02],gy-07") ==
        std::vector<std::string>{"gx-[01-02],gy-07"});
  CHECK(SameNodeName("gx-0311", "GX-0311.cluster.local."));
  CHECK_FALSE(SameNodeName("gx-031", "gx-0311"));
  CHECK_FALSE(SameNodeName("gx-0311.a.example", "gx-0311.b.example"));
  CHECK_FALSE(SameNodeName("10.0.0.3", "10.0.0.30"));
  CHECK(IsIpAddress("10.0.0.3"));
  CHECK(IsIpAddress("fd00::3"));
  CHECK_FALSE(IsIpAddress("gx-0311"));
}

// Every node's store client is refused by ma-0901, which scontrol's NodeList does not hold.
// Before: the refused connects read as the network (nccl_network_misconfig).
constexpr const char* kStaleMaster = R"JSON({
  "id": "rg14-master-outside",
  "topology": {"nodes": ["ma-0101", "ma-0102", "ma-0103"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "job.out", "lines": [
      "+ torchrun --nnodes=3 --nproc-per-node=8 --rdzv-backend=static --master-addr=ma-0901 --master-port=29400 pretrain.py",
      "[W0309 08:02:41.220113 5001 torch/csrc/distributed/c10d/socket.cpp:752] [c10d] The client socket has failed to connect to [ma-0901]:29400 (errno: 111 - Connection refused).",
      "[W0309 08:04:41.220113 5001 torch/csrc/distributed/c10d/socket.cpp:752] [c10d] The client socket has failed to connect to [ma-0901]:29400 (errno: 111 - Connection refused).",
      "[E0309 08:17:41.502371 5001 torch/csrc/distributed/c10d/socket.cpp:1001] [c10d] The client socket has timed out after 900000ms while trying to connect to (ma-0901, 29400).",
      "srun: error: ma-0102: task 1: Exited with exit code 1"
    ]},
    {"source": "ops/shell", "lines": [
      "$ scontrol show job 88112 | grep -E 'NodeList|NumNodes'",
      "   NumNodes=3 NumCPUs=288 NumTasks=3 CPUs/Task=96",
      "   ReqNodeList=(null) ExcNodeList=(null)",
      "   NodeList=ma-[0101-0103]"
    ]}
  ]
})JSON";

TEST_CASE("rg14: a store refused by a host outside the allocation is a launch configuration error") {
  Diagnosis d = Run(kStaleMaster);
  CHECK(d.root_cause == "launch_config_error");  // before: nccl_network_misconfig
  CHECK(d.component == "job");
}

TEST_CASE("rg14: a store refused by a node of the allocation is not read as outside it") {
  std::string text = kStaleMaster;
  for (size_t at; (at = text.find("ma-0901")) != std::string::npos;) text.replace(at, 7, "ma-0101");
  Diagnosis d = Run(text.c_str());
  CHECK(d.root_cause != "launch_config_error");
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("is not in the job's allocation") == std::string::npos);
}

// REVFIX3 (review REV's third open finding): the case shows two jobs' allocations. The previous
// job's scontrol (88047, whose first node ma-0901 is still the launch's MASTER_ADDR) and the failing
// job's own (88112, slurm-88112.out). All lists were one union, so ma-0901 was "in the allocation"
// and the stale master hidden (nccl_network_misconfig); the failing job's own list decides.
constexpr const char* kTwoJobs = R"JSON({
  "id": "revfix3-two-allocations",
  "topology": {"nodes": ["ma-0101", "ma-0102", "ma-0103"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "slurm-88112.out", "lines": [
      "+ torchrun --nnodes=3 --nproc-per-node=8 --rdzv-backend=static --master-addr=ma-0901 --master-port=29400 pretrain.py",
      "[W0309 08:02:41.220113 5001 torch/csrc/distributed/c10d/socket.cpp:752] [c10d] The client socket has failed to connect to [ma-0901]:29400 (errno: 111 - Connection refused).",
      "[E0309 08:17:41.502371 5001 torch/csrc/distributed/c10d/socket.cpp:1001] [c10d] The client socket has timed out after 900000ms while trying to connect to (ma-0901, 29400).",
      "srun: error: ma-0102: task 1: Exited with exit code 1"
    ]},
    {"source": "ops/shell", "lines": [
      "$ scontrol show job 88047 | grep -E 'JobState|NodeList'",
      "   JobState=COMPLETED Reason=None Dependency=(null)",
      "   NodeList=ma-[0901-0903]",
      "$ scontrol show job 88112 | grep -E 'JobState|NodeList'",
      "   JobState=FAILED Reason=NonZeroExitCode Dependency=(null)",
      "   NodeList=ma-[0101-0103]"
    ]}
  ]
})JSON";

TEST_CASE("rg14: the failing job's own allocation decides, not another job's shown beside it (REVFIX3)") {
  Diagnosis d = Run(kTwoJobs);
  CHECK(d.root_cause == "launch_config_error");  // before: nccl_network_misconfig
  CHECK(EvidenceSays(d, "the rendezvous host ma-0901 is not in the job's allocation (ma-[0101-0103])"));
  // Only another job's list in the case (88047's): the failing job's real master ma-0101 is not
  // "outside" it. Before: launch_config_error, ma-0101 "not in the job's allocation (ma-[0901-0903])".
  std::string other = kTwoJobs;
  for (size_t at; (at = other.find("[ma-0901]")) != std::string::npos;) other.replace(at, 9, "[ma-0101]");
  for (size_t at; (at = other.find("(ma-0901,")) != std::string::npos;) other.replace(at, 9, "(ma-0101,");
  for (size_t at; (at = other.find("master-addr=ma-0901")) != std::string::npos;) other.replace(at, 19, "master-addr=ma-0101");
  const std::string own = ",\n      \"$ scontrol show job 88112 | grep -E 'JobState|NodeList'\",\n"
                          "      \"   JobState=FAILED Reason=NonZeroExitCode Dependency=(null)\",\n"
                          "      \"   NodeList=ma-[0101-0103]\"";
  const size_t at = other.find(own);
  REQUIRE(at != std::string::npos);
  other.erase(at, own.size());
  Diagnosis o = Run(other.c_str());
  CHECK(o.root_cause != "launch_config_error");
  CHECK_FALSE(EvidenceSays(o, "is not in the job's allocation"));
}

TEST_CASE("rg14: SlurmJobIdOfLine and SlurmJobIdOfSource (REVFIX3)") {
  CHECK(SlurmJobIdOfLine("JobId=88112 JobName=pretrain") == "88112");
  CHECK(SlurmJobIdOfLine("   JobId=88113 ArrayJobId=88112 ArrayTaskId=3") == "88113");
  CHECK(SlurmJobIdOfLine("   ArrayJobId=88112 ArrayTaskId=3").empty());
  CHECK(SlurmJobIdOfLine("+ echo SLURM_JOB_ID=88112") == "88112");
  CHECK(SlurmJobIdOfLine("SLURM_JOBID=88112") == "88112");
  CHECK(SlurmJobIdOfLine("$ scontrol show job 88047 | grep NodeList") == "88047");
  CHECK(SlurmJobIdOfLine("   NodeList=ma-[0101-0103]").empty());
  CHECK(SlurmJobIdOfSource("slurm-88112.out") == "88112");
  CHECK(SlurmJobIdOfSource("logs/slurm-88112_4.err") == "88112");
  CHECK(SlurmJobIdOfSource("job.out").empty());
  CHECK(SlurmJobIdOfSource("slurm-88112.out.bak").empty());
}

// ---- 3. How Slurm ended the job ------------------------------------------------------------------

TEST_CASE("rg14: ReadSlurmJobEnd reads slurmstepd, slurmctld, scontrol and a job's sacct row") {
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO TIME LIMIT ***") ==
        SlurmJobEnd::kTimeLimit);
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO PREEMPTION ***") ==
        SlurmJobEnd::kPreempted);
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 DUE TO NODE FAILURE ***") ==
        SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("slurmstepd: error: *** JOB 120 ON n-01 CANCELLED AT 2026-03-09T16:12:44 ***") ==
        SlurmJobEnd::kCancelled);
  CHECK(ReadSlurmJobEnd("srun: error: *** STEP 120.0 ON n-01 CANCELLED AT 2026-03-09T16:12:44 ***") == SlurmJobEnd::kNone);
  CHECK(ReadSlurmJobEnd("[2026-03-09T16:12:44] Time limit exhausted for JobId=120") == SlurmJobEnd::kTimeLimit);
  CHECK(ReadSlurmJobEnd("   JobState=OUT_OF_MEMORY Reason=OutOfMemory Dependency=(null)") == SlurmJobEnd::kOutOfMemory);
  CHECK(ReadSlurmJobEnd("120          gpu   04:00:00   04:00:16    TIMEOUT      0:0       16") == SlurmJobEnd::kTimeLimit);
  CHECK(ReadSlurmJobEnd("120|gpu|NODE_FAIL|1:0") == SlurmJobEnd::kNodeFail);
  CHECK(ReadSlurmJobEnd("120_4        gpu   OUT_OF_ME+    0:125") == SlurmJobEnd::kOutOfMemory);
  CHECK(ReadSlurmJobEnd("120.batch    batch   CANCELLED     0:15") == SlurmJobEnd::kNone);  // a step
  CHECK(ReadSlurmJobEnd("120.0        python    TIMEOUT     0:0") == SlurmJobEnd::kNone);    // a step
  CHECK(ReadSlurmJobEnd("NCCL TIMEOUT on rank 3") == SlurmJobEnd::kNone);
  CHECK(std::string(SlurmJobEndName(SlurmJobEnd::kTimeLimit)) == "TIMEOUT");
}

TEST_CASE("rg14: IsProgressLine") {
  CHECK(IsProgressLine("[2026-03-09 16:12:31] iteration 4340 | 3.30 s/it | loss 2.77"));
  CHECK(IsProgressLine("step 4999 | loss 2.441"));
  CHECK(IsProgressLine("global_step=1200 loss=2.1"));
  CHECK_FALSE(IsProgressLine("WorkNCCL(SeqNum=88121, OpType=ALLREDUCE)"));
}

// A job killed by its own time limit 20 s after its last iteration line. Before: the kill's words
// read like unrelated incidents (rank_process_crash by the SIGTERM-like wording, a GSP timeout).
constexpr const char* kTimeLimit = R"JSON({
  "id": "rg14-time-limit",
  "topology": {"nodes": ["tl-01", "tl-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "slurm-120.out", "lines": [
      "[2026-03-09 10:12:40] args: --save-interval 8000",
      "[2026-03-09 14:11:55] iteration 4110 | 3.48 s/it | loss 2.911",
      "[2026-03-09 14:12:24] iteration 4120 | 3.47 s/it | loss 2.905",
      "slurmstepd: error: *** JOB 120 ON tl-01 CANCELLED AT 2026-03-09T14:12:44 DUE TO TIME LIMIT ***"
    ]},
    {"source": "ops/shell", "lines": [
      "$ sacct -j 120 -X -o JobID,Timelimit,Elapsed,State,ExitCode",
      "JobID         Timelimit    Elapsed      State ExitCode",
      "120            04:00:00   04:00:11    TIMEOUT      0:0"
    ]}
  ]
})JSON";

TEST_CASE("rg14: a job killed at its own time limit while progressing is its launch configuration") {
  Diagnosis d = Run(kTimeLimit);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
}

// The same kill, but the job had stopped two hours before it, its ranks waiting in a collective:
// the hang, not the limit.
TEST_CASE("rg14: a job hung long before its time limit is the hang") {
  std::string text = kTimeLimit;
  const std::string progress = "[2026-03-09 14:12:24] iteration 4120 | 3.47 s/it | loss 2.905";
  text.replace(text.find(progress), progress.size(),
               "[rank3]:[E0309 12:20:24.100 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation "
               "timeout: WorkNCCL(SeqNum=5120, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for "
               "600033 milliseconds before timing out.");
  const std::string first = "[2026-03-09 14:11:55] iteration 4110";
  text.replace(text.find(first), first.size(), "[2026-03-09 12:05:55] iteration 1910");
  Diagnosis d = Run(text.c_str());
  CHECK(d.root_cause != "launch_config_error");
}

// The same kill after the data loader's workers died of a bus error (insufficient shm): the fault
// slowed the job; the limit is only how it ended.
TEST_CASE("rg14: a time limit after a fault the case shows is a note, not the cause") {
  std::string text = kTimeLimit;
  const std::string at = "\"[2026-03-09 14:12:24] iteration 4120";
  text.insert(text.find(at),
              "\"ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared "
              "memory (shm).\",\n      ");
  Diagnosis d = Run(text.c_str());
  CHECK(d.root_cause != "launch_config_error");
  bool noted = false;
  for (const Evidence& e : d.evidence) noted = noted || e.detail.find("after a fault the case shows: a note") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("rg14: sacct's OUT_OF_MEMORY is the job's host memory") {
  Diagnosis d = Run(R"JSON({
  "id": "rg14-sacct-oom",
  "topology": {"nodes": ["om-01"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "ops/shell", "lines": [
      "$ sacct -j 5120 -X -o JobID,State,ExitCode,MaxRSS",
      "JobID             State ExitCode     MaxRSS",
      "5120      OUT_OF_MEMORY    0:125",
      "$ tail -2 slurm-5120.out",
      "srun: error: om-01: task 0: Out Of Memory"
    ]}
  ]
})JSON");
  CHECK(d.root_cause == "host_oom");
}

// ---- 4. A power limit far below the default ----------------------------------------------------

TEST_CASE("rg14: LowPowerLimits pairs a limit with its GPU's default") {
  const std::vector<std::string> q = {
      "    GPU Power Readings",      "        Power Draw                        : 398.12 W",
      "        Current Power Limit               : 400.00 W", "        Requested Power Limit             : 400.00 W",
      "        Default Power Limit               : 700.00 W", "        Max Power Limit                   : 700.00 W"};
  const auto low = LowPowerLimits(q);
  REQUIRE(low.size() == 1);
  CHECK(low[0].line == 2);
  CHECK(low[0].limit_w == 400.0);
  CHECK(low[0].default_w == 700.0);
  std::vector<std::string> normal = q;
  normal[2] = "        Current Power Limit               : 700.00 W";
  CHECK(LowPowerLimits(normal).empty());
  // An older driver's "Enforced Power Limit" after the default; "N/A" is no value.
  CHECK(LowPowerLimits({"        Default Power Limit         : 400.00 W", "        Enforced Power Limit        : 250.00 W"})
            .size() == 1);
  CHECK(LowPowerLimits({"        Default Power Limit         : N/A", "        Enforced Power Limit        : 250.00 W"}).empty());
}

// An alert on a node whose clocks are low; nvidia-smi shows the limit at 400 W of 700 W on both
// GPUs shown. Before: the capped clocks held from the first sample on the case's only node read as
// its normal state, and nothing read the limit (unknown).
constexpr const char* kPowerCap = R"JSON({
  "id": "rg14-power-cap",
  "topology": {"nodes": ["pw-07"], "gpus_per_node": 8, "timezone": "UTC"},
  "alert": {"status": "firing", "labels": {"alertname": "GpuClockLow", "severity": "warning", "Hostname": "pw-07"},
    "annotations": {"summary": "pw-07: SM clocks below 1.5 GHz on 8 GPUs for 30 min"},
    "startsAt": "2026-03-09T12:00:00Z"},
  "logs": [
    {"source": "ops/shell", "lines": [
      "$ ssh pw-07 nvidia-smi -q -d POWER -i 0,1",
      "GPU 00000000:18:00.0",
      "    GPU Power Readings",
      "        Power Draw                        : 398.12 W",
      "        Current Power Limit               : 400.00 W",
      "        Default Power Limit               : 700.00 W",
      "GPU 00000000:2A:00.0",
      "    GPU Power Readings",
      "        Power Draw                        : 397.40 W",
      "        Current Power Limit               : 400.00 W",
      "        Default Power Limit               : 700.00 W"
    ]}
  ]
})JSON";

TEST_CASE("rg14: a power limit far below the default on a one-node alert is the power throttle") {
  Diagnosis d = Run(kPowerCap);
  CHECK(d.root_cause == "gpu_power_throttle");  // before: unknown
  CHECK(d.component.rfind("pw-07", 0) == 0);
}

TEST_CASE("rg14: a power limit at its default gives no power-limit evidence") {
  std::string text = kPowerCap;
  for (size_t at; (at = text.find(": 400.00 W")) != std::string::npos;) text.replace(at, 10, ": 700.00 W");
  Diagnosis d = Run(text.c_str());
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("[power limit") == std::string::npos);
}

// ---- 5. One node's own NCCL socket interface -----------------------------------------------------

TEST_CASE("rg14: SocketIfnameOfLine and OddNodeOut") {
  CHECK(SocketIfnameOfLine("sk-03:4101:4101 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eno1") ==
        std::pair<std::string, std::string>{"sk-03", "eno1"});
  CHECK(SocketIfnameOfLine("sk-01: NCCL_SOCKET_IFNAME=bond0") == std::pair<std::string, std::string>{"sk-01", "bond0"});
  CHECK(SocketIfnameOfLine("export NCCL_SOCKET_IFNAME=bond0").first.empty());
  CHECK(OddNodeOut({{"sk-01", "bond0"}, {"sk-02", "bond0"}, {"sk-03", "eno1"}}).node == "sk-03");
  CHECK(OddNodeOut({{"sk-01", "bond0"}, {"sk-03", "eno1"}}).node.empty());  // one against one: no odd node
  CHECK(OddNodeOut({{"sk-01", "bond0"}, {"sk-02", "eno1"}, {"sk-03", "ib0"}}).node.empty());
  CHECK(OddNodeOut({{"sk-01", "bond0"}, {"sk-02", "bond0"}, {"sk-02", "eno1"}, {"sk-03", "bond0"}}).node.empty());
}

// Every node's ranks fail in NCCL's bootstrap; only sk-03's processes set NCCL_SOCKET_IFNAME to
// eno1, the others bond0. Before: the network misconfiguration was the job's.
constexpr const char* kOddIfname = R"JSON({
  "id": "rg14-odd-ifname",
  "topology": {"nodes": ["sk-01", "sk-02", "sk-03"], "gpus_per_node": 8, "timezone": "UTC",
    "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [
    {"source": "job.out", "lines": [
      "sk-01:4001:4001 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to bond0",
      "sk-02:4101:4101 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to bond0",
      "sk-03:4201:4201 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eno1",
      "sk-03:4201:4201 [0] NCCL WARN Bootstrap : no socket interface found",
      "[rank2]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
      "[rank2]: socketPollConnect: Connect to 10.8.0.13<41022> failed : Software caused connection abort",
      "[rank10]: socketPollConnect: Connect to 10.8.0.13<41022> failed : Software caused connection abort",
      "srun: error: sk-01: task 0: Exited with exit code 1"
    ]}
  ]
})JSON";

TEST_CASE("rg14: lines only one node printed about its socket interface place the misconfiguration there") {
  Diagnosis d = Run(kOddIfname);
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.component == "sk-03");  // before: job
}

TEST_CASE("rg14: nodes that agree on their socket interface single none out") {
  std::string text = kOddIfname;
  text.replace(text.find("to eno1"), 7, "to bond0");
  Diagnosis d = Run(text.c_str());
  for (const Evidence& e : d.evidence) CHECK(e.detail.find("sets NCCL_SOCKET_IFNAME") == std::string::npos);
}

// ---- 6. A NaN after a non-finite FP8 amax with a flat grad norm ----------------------------------

TEST_CASE("rg14: IsNonFiniteAmaxWarning reads a count of zero as none") {
  CHECK(IsNonFiniteAmaxWarning("transformer_engine WARNING: non-finite amax (inf) in layers.3.fc1 fwd; scale_inv set to inf"));
  CHECK(IsNonFiniteAmaxWarning("TE fp8 stats iter 900: max amax fwd 512.0, non-finite amax 3"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("TE fp8 stats iter 900: max amax fwd 412.5, non-finite amax 0"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax history length 1024"));
}

constexpr const char* kFp8Nan = R"JSON({
  "id": "rg14-fp8-nan",
  "topology": {"nodes": ["f8-01", "f8-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "train.log", "lines": [
      "[2026-03-09 09:00:01] fp8 recipe: DelayedScaling(margin=0, amax_history_len=1, amax_compute_algo='most_recent')",
      "[2026-03-09 10:10:04] iteration 7001 | lm loss: 2.2102 | grad norm: 0.311",
      "[2026-03-09 10:10:08] iteration 7002 | lm loss: 2.2087 | grad norm: 0.305",
      "[2026-03-09 10:10:12] iteration 7003 | lm loss: 2.2113 | grad norm: 0.318",
      "[2026-03-09 10:10:16] iteration 7004 | lm loss: 2.2090 | grad norm: 0.309",
      "[2026-03-09 10:10:17] TE stats: non-finite amax 2 in layers.11.mlp.fc2 bwd grad_output",
      "[2026-03-09 10:10:20] iteration 7005 | lm loss: nan | grad norm: nan",
      "[2026-03-09 10:10:24] iteration 7006 | lm loss: nan | grad norm: nan",
      "[2026-03-09 10:10:25] exiting: 2 consecutive NaN iterations"
    ]}
  ]
})JSON";

TEST_CASE("rg14: a NaN right after a non-finite FP8 amax, the grad norm flat, is FP8 scaling overflow") {
  Diagnosis d = Run(kFp8Nan);
  CHECK(d.root_cause == "fp8_scaling_overflow");  // before: loss_divergence
  CHECK(d.component == "job");
}

TEST_CASE("rg14: a zero non-finite count or a climbing grad norm keeps the divergence") {
  std::string zero = kFp8Nan;
  zero.replace(zero.find("non-finite amax 2"), 17, "non-finite amax 0");
  CHECK(Run(zero.c_str()).root_cause == "loss_divergence");
  std::string climbing = kFp8Nan;
  climbing.replace(climbing.find("grad norm: 0.318"), 16, "grad norm: 9.800");
  climbing.replace(climbing.find("grad norm: 0.309"), 16, "grad norm: 42.00");
  CHECK(Run(climbing.c_str()).root_cause == "loss_divergence");
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// RG16 (realistic16 rl16-27's shape, own names): a job killed at its own time limit 5 min after its
// last step line, whose ranks then print what a SIGTERM makes them print: torchrun's death signal,
// a peer's ncclRemoteError, an IB completion error, srun's "Terminated". That echo follows the kill
// (timed after it, or after it in the kill's own log) and is no fault that slowed the job. Before:
// rank_process_crash (the echo counted as "a fault the case shows", the limit a note).
constexpr const char* kLimitEcho = R"JSON({
  "id": "rg16-time-limit-echo",
  "topology": {"nodes": ["tq-01", "tq-02", "tq-03", "tq-04"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "slurm-880.out", "lines": [
      "[2026-05-02 08:40:10] step 7100 | loss 2.101 | 1.41 s/step | eta 2d 03h",
      "KILL_LINE",
      "W0502 08:45:02.440112 51102 torch/distributed/elastic/agent/server/api.py:704] Received Signals.SIGTERM death signal, shutting down workers",
      "[rank25]:[E0502 08:45:03.012271 60231 ProcessGroupNCCL.cpp:1712] [PG ID 0 PG GUID 0 Rank 25] NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "[rank25]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "[rank9]: NET/IB : Got completion from peer 10.7.1.4<51120> with status=5 opcode=0 len=0 vendor err 249 (Recv) hca mlx5_0",
      "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
      "srun: error: tq-04: tasks 24-31: Terminated"]},
    {"source": "ops/shell", "lines": [
      "$ sacct -j 880 -X -o JobID,Elapsed,Timelimit,State,ExitCode",
      "880          06:00:12   06:00:00    TIMEOUT      0:0"]}
  ]
})JSON";

TEST_CASE("rg16: a time limit's kill echo (SIGTERM, peers' NCCL errors, srun Terminated) is no other fault") {
  const char* kills[] = {
      "slurmstepd: error: *** JOB 880 ON tq-01 CANCELLED AT 2026-05-02T08:45:02 DUE TO TIME LIMIT ***",
      "[2026-05-02 08:45:02] slurmstepd: error: *** STEP 880.0 ON tq-01 CANCELLED AT 2026-05-02T08:45:02 DUE TO TIME LIMIT ***",
      "2026-05-02T08:45:02.001 slurmctld: Time limit exhausted for JobId=880"};
  for (const char* kill : kills) {
    CAPTURE(kill);
    std::string text = kLimitEcho;
    text.replace(text.find("KILL_LINE"), 9, kill);
    Diagnosis d = Run(text.c_str());
    std::string ev;
    for (const Evidence& e : d.evidence) ev += e.detail + "\n";
    CAPTURE(ev);
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.component == "job");
  }
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// RG16 (realistic16 rl16-04 / rl16-15's shape, own names and numbers): Ray's memory monitor and the
// kubelet kill or evict the workers of the node that ran low on host memory; the peers' NCCL errors
// follow. Each wording alone is host_oom. Before: rank_process_crash (the peers' ncclRemoteError).
TEST_CASE("rg16: Ray's and Kubernetes' memory-pressure kills are host_oom, not a rank crash") {
  const char* kills[] = {
      "(raylet, ip=10.9.0.12) [2026-05-04 03:10:22,615 E 311 311] (raylet) node_manager.cc:3069: 2 Workers (tasks / actors) "
      "killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 77aa, IP: 10.9.0.12) over the last time period.",
      "The actor is dead because its worker process has died. Worker exit type: USER_ERROR Worker exit detail: Task was killed "
      "due to the node running low on memory.",
      "Memory on the node (IP: 10.9.0.12, ID: 77aa) where the task was running was 250.10GB / 255.00GB (0.9808), which "
      "exceeds the memory usage threshold of 0.95. Ray killed this worker (ID: 1b2c) because it was the most recently scheduled task.",
      "Message:          The node was low on resource: memory. Threshold quantity: 100Mi, available: 50120Ki. Container "
      "train was using 260113620Ki, request is 200Gi, has larger consumption of memory.",
      "      Reason:       OOMKilled"};
  for (const char* kill : kills) {
    CAPTURE(kill);
    std::string text = R"JSON({
  "id": "rg16-memory-pressure",
  "topology": {"nodes": ["mp-01", "mp-02", "mp-03"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "train.log", "lines": [
      "[rank8] step 900 loss 2.01 (2.2 s/it)",
      "KILL_LINE",
      "[rank3]:[E0504 03:10:58.201337 20501 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0(default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
      "[rank9]: Last error: socket recv: connection reset by peer (10.9.0.12<43310>)"]}
  ]
})JSON";
    text.replace(text.find("KILL_LINE"), 9, kill);  // no quote or backslash in the kill lines
    Diagnosis d = Run(text.c_str());
    std::string ev;
    for (const Evidence& e : d.evidence) ev += e.detail + "\n";
    CAPTURE(ev);
    CHECK(d.root_cause == "host_oom");
  }
}

}  // namespace
// REVFIX3 (review REV's fifth open finding): a job hung 72 minutes before its time limit, its
// watchdog printing "no progress since iteration 4120" until the kill. The watchdog's lines counted
// as progress (IsProgressLine), so the limit read as the job's --time "while it still made progress
// (159 s after its last progress line)" - seen with `vigil diagnose --case` at 23088bf.
constexpr const char* kHungUntilLimit = R"JSON({
  "id": "revfix3-hung-until-limit",
  "topology": {"nodes": ["tl-01", "tl-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "slurm-121.out", "lines": [
      "[2026-03-09 10:12:40] args: --save-interval 8000",
      "[2026-03-09 12:59:30] iteration 4110 | 3.48 s/it | loss 2.911",
      "[2026-03-09 13:00:05] iteration 4120 | 3.47 s/it | loss 2.905",
      "[2026-03-09 13:30:05] [rank0] watchdog: no progress since iteration 4120 for 1800 s",
      "[2026-03-09 14:00:05] [rank0] watchdog: no progress since iteration 4120 for 3600 s",
      "[2026-03-09 14:10:05] [rank0] watchdog: no progress since iteration 4120 for 4200 s",
      "slurmstepd: error: *** JOB 121 ON tl-01 CANCELLED AT 2026-03-09T14:12:44 DUE TO TIME LIMIT ***"
    ]}
  ]
})JSON";

TEST_CASE("rg14: a watchdog's 'no progress since iteration N' is no progress before the time limit (REVFIX3)") {
  Diagnosis d = Run(kHungUntilLimit);
  CHECK(EvidenceSays(d, "no progress line shortly before it: a note"));
  CHECK_FALSE(EvidenceSays(d, "while it still made progress"));
}

}  // namespace vigil
