// PLC29 (2026-12-05): the seen misses left in realistic31 / realistic32 (SEEN sets, not blind). General
// readers, tested with cases written here as other stacks print the same facts (nodes sx- / rr- / ib- /
// vx- / lk-, no case text of the sets):
// - StoppedProcessReader (stopped_process.h): a rank alive but stopped (ps STAT T / t, /proc/PID/status,
//   a shell's Stopped job, gdb attached, kill -STOP) is the participant a hung collective waits for;
// - FindReportedLaggards (hang_reports.h): the flight recorder's "rank N: ..., never enqueued SEQ" as a
//   clause of a rank's own log line;
// - StatedLinkLocalGidIndex / ReadLinkLocalGidErrors (transport_line.h): two NICs' RoCE errors from
//   link-local GIDs between subnets, under a stated link-local GID index, are the GID choice;
// - AddressReader (node_addresses.h): an IPv4-mapped localGid is its writer's address; the one peer
//   several nodes' completion errors name places ib_link_failure on that node's NIC;
// - VisibleDeviceMaps: another process's /proc/PID/environ maps no ordinal of the job's;
// - NodeLocalPassBlind: an NCCL test inside one node is not read against ib_link_failure.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/hang_reports.h"
#include "agents/logs_case_testing.h"
#include "agents/node_addresses.h"
#include "agents/stopped_process.h"
#include "agents/transport_line.h"

namespace vigil {
namespace {

using testing::Case;
using testing::CaseAnswer;
using testing::HasEvidenceWith;
using testing::Log;

std::optional<StoppedProcess> LastStop(const std::vector<std::string>& lines) {
  StoppedProcessReader r;
  std::optional<StoppedProcess> last;
  for (const std::string& l : lines) {
    if (auto s = r.Read(l)) last = s;
  }
  return last;
}

}  // namespace

TEST_CASE("plc29 StoppedProcessReader: ps STAT T / t under its header, /proc status, shell jobs, gdb, kill -STOP") {
  // procps `ps -o pid,user,stat,etime,cmd`: a tracing stop with modifiers, the local rank from --local-rank=.
  auto s = LastStop({"    PID USER      STAT   ELAPSED CMD",
                     "  51877 alice     tl      1:02:11 /opt/venv/bin/python -u pretrain.py --local-rank=5 --config cfg.yaml"});
  REQUIRE(s);
  CHECK(s->pid == 51877);
  CHECK(s->local_rank == 5);
  CHECK(s->how.find("tracing stop") != std::string::npos);
  // `ps aux`: STAT in the 8th column, a job-control stop "T", LOCAL_RANK in an env-prefixed command.
  s = LastStop({"USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
                "bob      20417  0.0  1.2 9912345 88123 pts/3  T    10:02   4:31 env LOCAL_RANK=3 python train.py"});
  REQUIRE(s);
  CHECK(s->pid == 20417);
  CHECK(s->local_rank == 3);
  // `ps -el`: the one-letter S column.
  s = LastStop({"F S   UID     PID    PPID  C PRI  NI ADDR SZ WCHAN  TTY          TIME CMD",
                "0 T  1001    7710    7702 12  80   0 - 912345 do_sig ?    00:41:02 python"});
  REQUIRE(s);
  CHECK(s->pid == 7710);
  // /proc/PID/status under the command that reads it; the pid's local rank from the ps row above.
  s = LastStop({"PID STAT CMD", "7100 Sl python train.py --local_rank 1", "7101 Sl python train.py --local_rank 2",
                "$ grep State /proc/7101/status", "State:\tT (stopped)"});
  REQUIRE(s);
  CHECK(s->pid == 7101);
  CHECK(s->local_rank == 2);
  // A shell's job line (bash after Ctrl-Z / SIGTSTP).
  s = LastStop({"[1]+  Stopped                 torchrun --nproc-per-node 8 train.py"});
  REQUIRE(s);
  CHECK(s->how == "shell job Stopped");
  s = LastStop({"[2]-  Stopped (SIGSTOP)       python worker.py --local_rank 6"});
  REQUIRE(s);
  CHECK(s->local_rank == 6);
  // gdb's own attach lines and the command in a ps row.
  CHECK(LastStop({"Attaching to process 99120"})->pid == 99120);
  CHECK(LastStop({"Attaching to program: /usr/bin/python3.10, process 4410"})->pid == 4410);
  CHECK(LastStop({"$ sudo gdb --pid=4410"})->pid == 4410);  // RV2: a `-batch` dump is none (stopped_process_test.cc)
  CHECK(LastStop({"PID USER STAT CMD", "  812 root S+   gdb -p 4410"})->pid == 4410);
  // No header printed: the ps command's field list names the columns (procps `-eo`, `-o f=`).
  s = LastStop({"$ ps -eo pid,stat,etime,user,cmd --sort=pid | grep -E 'python|gdb'",
                "  8801 Sl   01:10:02 dana  /usr/bin/python -u main.py --local_rank=0",
                "  8802 tl   01:10:02 dana  /usr/bin/python -u main.py --local_rank=1"});
  REQUIRE(s);
  CHECK(s->pid == 8802);
  CHECK(s->local_rank == 1);
  CHECK_FALSE(LastStop({"$ ps -eo pid,etime,cmd", "  8802 tl  python main.py"}));  // no state column listed
  // gdb's row below the rank's own row: the rank's local rank.
  s = LastStop({"  8801 Sl dana /usr/bin/python -u main.py --local_rank=0", "  8802 Sl dana /usr/bin/python -u main.py --local_rank=1",
                "  9120 S+ eve  gdb -p 8802"});
  REQUIRE(s);
  CHECK(s->pid == 8802);
  CHECK(s->local_rank == 1);
  CHECK(LastStop({"$ kill -SIGSTOP 3120"})->pid == 3120);
  CHECK(LastStop({"$ kill -s STOP 3120"})->pid == 3120);
  // Near misses: running / sleeping states; a "T" outside the state column; TracerPid alone (strace);
  // py-spy's dump; a sleeping state in /proc; a log line that says "Stopped"; a row after the table.
  CHECK_FALSE(LastStop({"PID USER STAT CMD", "7100 carol Rl+ python train.py --local_rank 1", "7102 carol S python x.py"}));
  CHECK_FALSE(LastStop({"PID USER STAT CMD", "7100 T Sl python train.py"}));
  CHECK_FALSE(LastStop({"$ grep TracerPid /proc/7100/status", "TracerPid:\t8812"}));
  CHECK_FALSE(LastStop({"$ py-spy dump --pid 7100", "Process 7100: python train.py", "Thread 7100 (idle): \"MainThread\""}));
  CHECK_FALSE(LastStop({"$ cat /proc/7100/status", "State:\tS (sleeping)"}));
  CHECK_FALSE(LastStop({"[2026-12-01 10:00:00] Stopped training at step 1200 (max_steps reached)"}));
  CHECK_FALSE(LastStop({"PID STAT CMD", "7100 Sl python", "$ echo done", "T 42 x"}));
  CHECK_FALSE(LastStop({"$ kill -CONT 3120"}));
  // A stop later resumed.
  StoppedProcessReader r;
  CHECK(r.Read("$ kill -STOP 3120"));
  CHECK_FALSE(r.Read("$ kill -CONT 3120"));
  CHECK(r.Resumed(3120));
  CHECK_FALSE(r.Resumed(3121));
  // A debugger's target that ps shows sleeping (gdb continued it).
  StoppedProcessReader g;
  CHECK_FALSE(g.Read("$ ps -eo pid,stat,cmd"));
  CHECK_FALSE(g.Read("  8802 Sl python main.py --local_rank=1"));
  CHECK(g.Read("  9120 S+ gdb -p 8802"));
  CHECK(g.SeenRunning(8802));
  CHECK_FALSE(g.SeenRunning(9121));
}

TEST_CASE("plc29 LocalRankOfCommand") {
  CHECK(LocalRankOfCommand("python train.py --local_rank 2") == 2);
  CHECK(LocalRankOfCommand("python -m x --local-rank=7") == 7);
  CHECK(LocalRankOfCommand("LOCAL_RANK=4 RANK=12 python y.py") == 4);
  CHECK(LocalRankOfCommand("python train.py --rank 2") == -1);
  CHECK(LocalRankOfCommand("python train.py") == -1);
}

TEST_CASE("plc29 FindReportedLaggards: the flight recorder's never-enqueued clause inside a rank's line") {
  std::vector<ReportedLaggard> r = FindReportedLaggards(
      {"[rank2]: fr analysis: seq 880 ALLGATHER started on ranks [0, 1, 2, 4]; rank 3: last enqueued seq 879 (completed), "
       "never enqueued 880"});
  REQUIRE(r.size() == 1);
  CHECK(r[0].rank == 3);
  // "never entered op N" and the older form still read.
  CHECK(FindReportedLaggards({"rank 12: last entered op 4410; op 4411 never enqueued"}).size() == 1);
  CHECK(FindReportedLaggards({"[rank0]: rank 9: collective 77 never started"}).size() == 1);
  // Near misses: no "never"; a rank that completed; "never" about something else.
  CHECK(FindReportedLaggards({"[rank0]: flight recorder: seq 880 started on ranks [0, 1, 2, 3]; rank 3: last enqueued seq 880"}).empty());
  CHECK(FindReportedLaggards({"[rank0]: rank 3: checkpoint never written to /ckpt 880"}).empty());
  CHECK(FindReportedLaggards({"[rank0]: the job never enqueued 880 work items"}).empty());
}

TEST_CASE("plc29 StatedLinkLocalGidIndex and ReadLinkLocalGidErrors with two NICs between subnets") {
  CHECK(StatedLinkLocalGidIndex("n1:4410:4410 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 0."));
  CHECK(StatedLinkLocalGidIndex("+ export NCCL_IB_GID_INDEX=1"));
  CHECK(StatedLinkLocalGidIndex("n1:1:2 [0] NCCL INFO NET/IB: IbDev 0 Port 1 qpn 1123 mtu 5 GID 0 (80FE/0) fifoRkey=0x1"));
  CHECK(StatedLinkLocalGidIndex("NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_0:1, curr state INIT, "
                                "next state RTR, local GID index 1, local GID fe80::1"));
  CHECK_FALSE(StatedLinkLocalGidIndex("NCCL INFO NCCL_IB_GID_INDEX set by environment to 3."));
  CHECK_FALSE(StatedLinkLocalGidIndex("export NCCL_IB_GID_INDEX=-1"));
  CHECK_FALSE(StatedLinkLocalGidIndex("export NCCL_IB_GID_INDEX=10"));
  CHECK_FALSE(StatedLinkLocalGidIndex("NET/IB: IbDev 0 Port 1 qpn 1123 mtu 5 GID 3 (0/0B0A3210FFFF0000)"));
  auto err = [](const std::string& host, const std::string& peer, const std::string& gid) {
    return host + ":71:72 [2] NCCL WARN NET/IB : Got completion from peer " + peer +
           "<43001> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid " + gid + " remoteGids fe80::9:9 hca mlx5_2";
  };
  const std::string roce = "rr-a1:71:71 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE [RO]; OOB eth0:10.60.1.21<0>";
  const std::string stated = "rr-a1:71:71 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 1.";
  const std::string a = err("rr-a1", "10.60.2.21", "fe80::a1:1"), b = err("rr-b1", "10.60.1.21", "fe80::b1:1");
  CHECK(ReadLinkLocalGidErrors({roce, stated, a, b}).found);
  // Near misses: no stated index; both peers in one subnet; one NIC; InfiniBand.
  CHECK_FALSE(ReadLinkLocalGidErrors({roce, a, b}).found);
  CHECK_FALSE(ReadLinkLocalGidErrors({roce, stated, err("rr-a1", "10.60.1.22", "fe80::a1:1"), err("rr-b1", "10.60.1.21", "fe80::b1:1")}).found);
  CHECK_FALSE(ReadLinkLocalGidErrors({roce, stated, a, err("rr-a1", "10.60.1.22", "fe80::a1:1")}).found);
  const std::string ib = "rr-a1:71:71 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/IB [RO]; OOB ib0:10.60.1.21<0>";
  CHECK_FALSE(ReadLinkLocalGidErrors({ib, stated, a, b}).found);
}

TEST_CASE("plc29 AddressReader: an IPv4-mapped localGid is its writer's address") {
  AddressReader r;
  std::vector<AddressFact> f = r.Read(
      "12: ib-k07:3380:3561 [0] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.91.0.3<41770> with "
      "status=IBV_WC_RETRY_EXC_ERR(12) opcode=RDMA_WRITE(1) len=1 vendor err 129 (Send) localGid ::ffff:10.91.0.7 remoteGid "
      "::ffff:10.91.0.3 hca mlx5_4");
  REQUIRE(f.size() == 1);
  CHECK(f[0].address == "10.91.0.7");
  CHECK(f[0].host == "ib-k07");
  // Near misses: a link-local GID; no NCCL prefix naming the writer.
  AddressReader r2;
  CHECK(r2.Read("ib-k07:1:2 [0] NCCL WARN NET/IB : Got completion from peer 10.91.0.3<1> with status=12 localGid fe80::1 hca mlx5_4").empty());
  CHECK(r2.Read("NET/IB : Got completion from peer 10.91.0.3<1> with status=12 localGid ::ffff:10.91.0.7 hca mlx5_4").empty());
}

namespace {

// Two 8-GPU nodes sx-01, sx-02 in one job; the peers time out in the all-reduce; an older ops note of an
// Xid 13 on sx-01; `snapshot` is what the on-call engineer captured on sx-02.
Json StoppedRankCase(const std::vector<std::string>& snapshot) {
  std::vector<std::string> out;
  for (int r : {0, 4, 9, 11}) {
    out.push_back("[rank" + std::to_string(r) + "]:[E1130 04:11:09.220 ProcessGroupNCCL.cpp:616] [Rank " + std::to_string(r) +
                  "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=4096, "
                  "NumelOut=4096, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.");
  }
  return Case("t-plc29-stop", {"sx-01", "sx-02"},
              Json::array({Log("sx-01/train-4410.out", out), Log("sx-02/oncall-capture", snapshot),
                           Log("ops/notes", {"2026-11-22 sx-01 gpu1: Xid 13 (graphics engine exception) from a user kernel, cleared"})}));
}

}  // namespace

TEST_CASE("plc29 a rank stopped by SIGSTOP / a debugger is where the hang is") {
  // Before (b58f1b4a, /work/main's binary on the same JSON): illegal_memory_access @ sx-01/gpu1 (the note's Xid 13).
  CHECK(CaseAnswer(StoppedRankCase({"$ ps -eo pid,stat,etime,args | grep train.py",
                                    "    PID STAT     ELAPSED COMMAND",
                                    "  61201 Sl+       41:10 python train.py --local-rank=4",
                                    "  61202 T         41:10 python train.py --local-rank=5",
                                    "  61203 Sl+       41:10 python train.py --local-rank=6"})) == "nccl_collective_hang @ sx-02/gpu5");
  CHECK(CaseAnswer(StoppedRankCase({"$ cat /proc/61202/status | head -3", "Name:\tpython", "Umask:\t0022", "State:\tt (tracing stop)",
                                    "$ tr '\\0' ' ' < /proc/61202/cmdline", "python train.py --local_rank 5"})) .rfind("nccl_collective_hang @ sx-02", 0) == 0);
  // Near miss: every process running (a py-spy dump, no stop): nothing places the hang on sx-02/gpu5.
  CHECK(CaseAnswer(StoppedRankCase({"    PID STAT     ELAPSED COMMAND", "  61202 Rl+       41:10 python train.py --local-rank=5",
                                    "$ py-spy dump --pid 61202", "Thread 61202 (active): \"MainThread\""})) != "nccl_collective_hang @ sx-02/gpu5");
  // Near miss: stopped, then resumed with SIGCONT before the capture ended.
  CHECK(CaseAnswer(StoppedRankCase({"$ kill -STOP 61202", "$ kill -CONT 61202"})) != "nccl_collective_hang @ sx-02/gpu5");
}

// RV2 (2026-12-06): a gdb stack dump of the hung rank (batch mode: gdb detaches when done, and says so)
// was read as gdb holding it stopped, the hang's cause (stopped_process_test.cc has the reader's cases).
TEST_CASE("rv2 a gdb stack dump of a rank does not make it the stopped participant") {
  const std::vector<std::string> rank = {"$ tr '\\0' ' ' < /proc/61202/cmdline", "python train.py --local_rank 5"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> all = rank;
    all.insert(all.end(), more.begin(), more.end());
    return CaseAnswer(StoppedRankCase(all));
  };
  // An interactive gdb left attached: the rank is stopped (PLC29).
  CHECK(with({"$ sudo gdb -p 61202", "Attaching to process 61202"}).rfind("nccl_collective_hang @ sx-02", 0) == 0);
  // The same rank's stacks dumped in batch mode, or gdb's output saying it detached: no stop read.
  CHECK(with({"$ sudo gdb -p 61202 -batch -ex 'thread apply all bt'", "Attaching to process 61202",
              "#0  0x00007f3c1a2b in ncclProxyProgress () from /usr/lib/libnccl.so.2", "[Inferior 1 (process 61202) detached]"})
            .rfind("nccl_collective_hang @ sx-02", 0) != 0);
  CHECK(with({"Attaching to process 61202", "#0  0x00007f3c1a2b in ncclProxyProgress ()",
              "[Inferior 1 (process 61202) detached]"}).rfind("nccl_collective_hang @ sx-02", 0) != 0);
}

// RV2: a rank's shell job stopped with Ctrl-Z and resumed with `fg` is no stopped participant (as kill -CONT).
TEST_CASE("rv2 a stopped shell job resumed with fg does not make it the stopped participant") {
  CHECK(CaseAnswer(StoppedRankCase({"[1]+  Stopped                 python train.py --local_rank 5"})) ==
        "nccl_collective_hang @ sx-02/gpu5");
  CHECK(CaseAnswer(StoppedRankCase({"[1]+  Stopped                 python train.py --local_rank 5", "$ fg",
                                    "python train.py --local_rank 5"})) != "nccl_collective_hang @ sx-02/gpu5");
}

TEST_CASE("plc29 a flight recorder clause in a rank's line names the rank the hang waits for") {
  std::vector<std::string> out;
  for (int r : {0, 4, 9}) {
    out.push_back("[rank" + std::to_string(r) + "]:[E1130 04:11:09.220 ProcessGroupNCCL.cpp:616] [Rank " + std::to_string(r) +
                  "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=4096, "
                  "NumelOut=4096, Timeout(ms)=600000) ran for 600021 milliseconds before timing out.");
  }
  out.push_back("[rank0]: flight recorder: seq 9120 ALLREDUCE started on ranks [0-12, 14, 15]; rank 13: last enqueued seq 9119 "
                "(completed), never enqueued 9120");
  // Before (b58f1b4a): nccl_collective_hang @ job.
  CHECK(CaseAnswer(Case("t-plc29-fr", {"fx-01", "fx-02"}, Json::array({Log("fx-01/train.out", out)}))) ==
        "nccl_collective_hang @ fx-02/gpu5");
}

namespace {

// Two RoCE nodes in two racks (routed subnets 10.60.1.0/24 and 10.60.2.0/24), each the other's peer.
Json GidPairCase(const std::string& index, const std::string& peer_b) {
  return Case("t-plc29-gid", {"rr-a1", "rr-b1"},
              Json::array({Log("slurm-8812.out",
                               {"rr-a1:71:71 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE [RO]; OOB eth0:10.60.1.21<0>",
                                "rr-a1:71:71 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to " + index + ".",
                                "rr-a1:71:90 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer " + peer_b +
                                    "<43001> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send) localGid "
                                    "fe80::b83f:d2ff:fe01:a1 remoteGid fe80::b83f:d2ff:fe01:b1 hca mlx5_2",
                                "rr-b1:55:80 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.60.1.21<43002> "
                                "with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Recv) localGid "
                                "fe80::b83f:d2ff:fe01:b1 remoteGid fe80::b83f:d2ff:fe01:a1 hca mlx5_2",
                                "[rank8]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error"})}));
}

}  // namespace

TEST_CASE("plc29 two RoCE NICs between racks failing from link-local GIDs under GID index 1 is the GID choice") {
  // Before (b58f1b4a): ib_link_failure on rr-a1's NIC.
  CHECK(CaseAnswer(GidPairCase("1", "10.60.2.21")) == "nccl_network_misconfig @ job");
  // Near misses: a routable index (3); both in one subnet (link-local GIDs work inside one L2).
  CHECK(CaseAnswer(GidPairCase("3", "10.60.2.21")).rfind("ib_link_failure", 0) == 0);
  CHECK(CaseAnswer(GidPairCase("1", "10.60.1.22")).rfind("ib_link_failure", 0) == 0);
}

TEST_CASE("plc29 the one peer several nodes' completion errors name holds the faulty NIC") {
  auto err = [](int rank, const std::string& host, int own, int peer) {
    return std::to_string(rank) + ": " + host + ":3380:3561 [0] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.91.0." +
           std::to_string(peer) + "<41770> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=RDMA_WRITE(1) len=1048576 vendor err 129 (Send) "
           "localGid ::ffff:10.91.0." + std::to_string(own) + " remoteGid ::ffff:10.91.0." + std::to_string(peer) + " hca mlx5_4";
  };
  Json c = Case("t-plc29-peer", {"ib-k01", "ib-k02", "ib-k03", "ib-k04"},
                Json::array({Log("slurm-9001.out", {err(8, "ib-k02", 2, 4), err(24, "ib-k04", 4, 3), err(16, "ib-k03", 3, 4),
                                                    "[rank0]: torch.distributed.DistBackendError: NCCL error: remote process exited or "
                                                    "there was a network error"})}));
  // Before (b58f1b4a): ib_link_failure @ ib-k02/mlx5_4 (the first reporter).
  CHECK(CaseAnswer(c) == "ib_link_failure @ ib-k04/mlx5_4");
  // Near miss: every error names another peer: no single peer, the first reporter's NIC as before.
  Json d = Case("t-plc29-peer2", {"ib-k01", "ib-k02", "ib-k03", "ib-k04"},
                Json::array({Log("slurm-9001.out", {err(8, "ib-k02", 2, 4), err(24, "ib-k04", 4, 3), err(16, "ib-k03", 3, 1)})}));
  CHECK(CaseAnswer(d) == "ib_link_failure @ ib-k02/mlx5_4");
}

namespace {

Json EnvironCase(const std::string& pid, const std::string& job_env) {
  return Case("t-plc29-env", {"lk-07"},
              Json::array({Log("lk-07/slurm-7001.out",
                               {job_env,
                                "lk-07:30112:30200 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM",
                                "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total "
                                "capacity of 79.14 GiB of which 210.00 MiB is free."}),
                           Log("lk-07/capture", {"$ xargs -0 -L1 -a /proc/" + pid + "/environ | grep -E 'GPUS|VISIBLE'",
                                                 "SLURM_JOB_GPUS=6", "CUDA_VISIBLE_DEVICES=0"})}));
}

}  // namespace

TEST_CASE("plc29 another process's /proc/PID/environ does not renumber the job's GPUs") {
  // Before (b58f1b4a): cuda_oom @ lk-07/gpu6 (the other process's SLURM_JOB_GPUS=6 taken for the job's).
  CHECK(CaseAnswer(EnvironCase("41870", "SLURM_JOB_GPUS=4,5 CUDA_VISIBLE_DEVICES=0,1")) == "cuda_oom @ lk-07/gpu4");
  // Near miss: the environment of the job's own rank (pid 30112 of NCCL's prefix) is the job's map.
  CHECK(CaseAnswer(EnvironCase("30112", "step 100 loss 2.1")) == "cuda_oom @ lk-07/gpu6");
  // With the other process's dump skipped and no map of the job's, GPU 0 is the node's GPU 0.
  CHECK(CaseAnswer(EnvironCase("41870", "step 100 loss 2.1")) == "cuda_oom @ lk-07/gpu0");
}

TEST_CASE("plc29 an NCCL test inside one node is not read against an IB link fault") {
  Json c = Case("t-plc29-local", {"vx-01", "vx-02", "vx-03"},
                Json::array({Log("slurm-5511.out",
                                 {"vx-01:900:990 [6] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.4.0.3<5120> with "
                                  "status=IBV_WC_RETRY_EXC_ERR(12) opcode=RDMA_WRITE(1) len=2097152 vendor err 129 (Send) hca mlx5_6",
                                  "[rank6]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error"})}));
  c["probes"]["nccl.allreduce@vx-01"] = testing::ParseCaseText(
      R"({"probe": "nccl.allreduce", "target": "vx-01", "status": "pass", "metrics": {"busbw_gb_s": 398.0},
          "thresholds": {"busbw_gb_s_min": 300.0}, "reason": "8-GPU all-reduce busbw 398 GB/s", "duration_s": 5.0})");
  Diagnosis d = testing::RunCaseWithOwnProbes(c, /*intrusive=*/true);  // an NCCL test is intrusive
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(HasEvidenceWith(d, "never uses the IB / RoCE NIC"));
  // Near miss: a test that says its traffic crossed the NIC (NCCL's NET/IB transport) still counts.
  c["probes"]["nccl.allreduce@vx-01"]["reason"] = "8-GPU all-reduce via NET/IB (P2P/SHM disabled) busbw 48 GB/s";
  Diagnosis e = testing::RunCaseWithOwnProbes(c, /*intrusive=*/true);
  CHECK(HasEvidenceWith(e, "P2P/SHM disabled"));  // the probe was read
  CHECK_FALSE(HasEvidenceWith(e, "never uses the IB / RoCE NIC"));
}

}  // namespace vigil
