// Tests of RG12's rules (2026-12-03), the general shapes behind realistic13's misses: PCI bus ids
// keep their domain (a GB200 tray's GPUs are bus 01 of four domains); lines after `ssh NODE ...`
// in a terminal paste are NODE's; nvidia-smi's clocks_event_reasons.active bit field. The cases
// are written for the tests (node names n-01 ...), not copied from the set.
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/hang_reports.h"
#include "agents/nfs_readings.h"
#include "agents/pci_bus.h"
#include "agents/ssh_command.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

Json Parse(const std::string& text) { return testing::ParseCaseText(text); }

Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j); }

// ---- 1. PCI bus ids keep their domain -----------------------------------------------------------

TEST_CASE("rg12: PciKey keeps the domain, as 4 hex digits, where the id has one") {
  CHECK(PciKey("0018:01:00.0") == "0018:01:00");
  CHECK(PciKey("00000018:01:00.0") == "0018:01:00");
  CHECK(PciKey("PCI:0000:3B:00") == "0000:3b:00");
  CHECK(PciKey("00000000:3B:00.0") == "0000:3b:00");
  CHECK(PciKey("3b:00.0") == "3b:00");
  CHECK(PciKey("3b") == "");
  CHECK(PciKey("zz:00.0") == "");
  CHECK(PciKey("1:2:3:4") == "");
}

TEST_CASE("rg12: PciGpu matches across a missing domain, never ambiguously") {
  const std::vector<std::pair<std::string, int>> tray = {
      {"0008:01:00", 0}, {"0009:01:00", 1}, {"0018:01:00", 2}, {"0019:01:00", 3}};
  CHECK(PciGpu(tray, "0018:01:00") == 2);
  CHECK(PciGpu(tray, "0009:01:00") == 1);
  CHECK(PciGpu(tray, "01:00") == -1);       // bus 01 of four domains: no guess
  CHECK(PciGpu(tray, "0000:01:00") == -1);  // another domain
  const std::vector<std::pair<std::string, int>> hgx = {{"0000:18:00", 0}, {"0000:3b:00", 3}};
  CHECK(PciGpu(hgx, "3b:00") == 3);  // lspci's short form
  const std::vector<std::pair<std::string, int>> short_ids = {{"18:00", 0}, {"3b:00", 3}};
  CHECK(PciGpu(short_ids, "0000:3b:00") == 3);
  CHECK(PciGpu(short_ids, "") == -1);
  CHECK(PciKeysMatch("0000:06:00", "06:00"));
  CHECK_FALSE(PciKeysMatch("0001:06:00", "0000:06:00"));
}

// A GB200 tray job: the Xid 74 names domain 0018 (GPU 2); before, every key was "01:00" and the
// line went to the last GPU of gpu_pci_bus (gpu3).
constexpr const char* kTrayXid = R"JSON({
  "id": "rg12-tray-domain",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 4,
    "gpu_pci_bus": {"gpu0": "0008:01:00.0", "gpu1": "0009:01:00.0", "gpu2": "0018:01:00.0", "gpu3": "0019:01:00.0"}},
  "logs": [
    {"source": "n-02/journal", "lines": [
      "Mar 02 04:10:11 n-02 kernel: NVRM: Xid (PCI:0018:01:00): 74, pid=5120, name=python3, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)",
      "Mar 02 04:10:11 n-02 kernel: NVRM: Xid (PCI:0018:01:00): 74, pid=5120, name=python3, NVLink: link 3 entered SAFE mode"
    ]}
  ]
})JSON";

TEST_CASE("rg12: an Xid on PCI domain 0018 of a GB200 tray is that domain's GPU") {
  Diagnosis d = Run(Parse(kTrayXid));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "n-02/gpu2");  // before: n-02/gpu3
}

// ---- 2. Lines after `ssh NODE ...` are NODE's; the clock-event bit field --------------------------

TEST_CASE("rg12: SshTarget reads the destination past ssh's options") {
  CHECK(SshTarget("$ ssh n-02 nvidia-smi -q") == "n-02");
  CHECK(SshTarget("ops@n-01:~$ ssh -p 2222 -o StrictHostKeyChecking=no root@n-03 'dmesg -T | tail'") == "n-03");
  CHECK(SshTarget("$ /usr/bin/ssh -J bastion ssh://admin@n-04:22 uptime") == "n-04");
  CHECK(SshTarget("$ sudo ssh -i ~/.ssh/id_ops n-05") == "n-05");
  CHECK(SshTarget("$ journalctl -k | grep ssh") == "");
  CHECK(SshTarget("$ ssh -v | cat") == "");
  CHECK(SshTarget("$ nvidia-smi") == "");
}

// An operator's paste saved under n-01 holds n-03's kernel log, fetched over ssh, then n-01's own
// (clean) output after the next command.
constexpr const char* kSshKernel = R"JSON({
  "id": "rg12-ssh-kernel",
  "topology": {"nodes": ["n-01", "n-02", "n-03"], "gpus_per_node": 8,
    "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu4": "0000:9a:00.0"}},
  "logs": [
    {"source": "n-01/ops-shell", "lines": [
      "$ ssh n-03 'journalctl -k --since -1h | grep -i xid'",
      "Jun 11 02:14:07 kernel: NVRM: Xid (PCI:0000:9a:00): 79, pid=0, GPU has fallen off the bus.",
      "Jun 11 02:14:07 kernel: NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus.",
      "$ nvidia-smi -L | wc -l",
      "8"
    ]}
  ]
})JSON";

TEST_CASE("rg12: kernel lines fetched with ssh from another node are that node's") {
  Diagnosis d = Run(Parse(kSshKernel));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-03/gpu4");  // before: n-01/gpu4, the node the paste was saved under
}

// A straggler detector names one rank of n-02; n-02's own nvidia-smi table shows every GPU hot
// with a thermal slowdown in the clocks_event_reasons.active bit field (0x20 SW, 0x40 HW); a
// peer's cool table follows behind `ssh n-01`.
constexpr const char* kNodeThermal = R"JSON({
  "id": "rg12-node-thermal",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "trainer.log", "lines": [
      "2026-05-04 09:12:35 | WARNING | straggler | rank 13 (n-02 local 5) step-time z-score 4.0, relative speed 0.75",
      "2026-05-04 09:17:35 | WARNING | straggler | rank 13 (n-02 local 5) step-time z-score 4.3, relative speed 0.73"
    ]},
    {"source": "n-02/ops-shell", "lines": [
      "$ nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_event_reasons.active --format=csv",
      "index, temperature.gpu, clocks.current.sm [MHz], clocks_event_reasons.active",
      "0, 86, 1410 MHz, 0x0000000000000020",
      "1, 87, 1380 MHz, 0x0000000000000020",
      "2, 88, 1290 MHz, 0x0000000000000060",
      "3, 86, 1425 MHz, 0x0000000000000020",
      "4, 87, 1350 MHz, 0x0000000000000060",
      "5, 89, 1215 MHz, 0x0000000000000060",
      "6, 85, 1455 MHz, 0x0000000000000020",
      "7, 86, 1395 MHz, 0x0000000000000020",
      "$ ssh n-01 nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_event_reasons.active --format=csv,noheader",
      "0, 57, 1980 MHz, 0x0000000000000000",
      "1, 59, 1980 MHz, 0x0000000000000000"
    ]}
  ]
})JSON";

TEST_CASE("rg12: a node's nvidia-smi table with thermal slowdown on every GPU is the node's throttle") {
  Diagnosis d = Run(Parse(kNodeThermal));
  CHECK(d.root_cause == "gpu_thermal_throttle");  // before: straggler_rank
  CHECK(d.component == "n-02");
}

// ---- 3. Watchdog timeouts beside a device fault read on one GPU --------------------------------

// Ranks 0, 4 and 12 of a 4-node job (4 GPUs a node) time out in one all-reduce; rank 9 logs
// nothing. After the job, n-03's epilog health check finds its GPU 1 (bus 3b) lost.
constexpr const char* kEpilogLostGpu = R"JSON({
  "id": "rg12-epilog-lost",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 4,
    "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:3b:00.0", "gpu2": "0000:86:00.0", "gpu3": "0000:af:00.0"}},
  "logs": [
    {"source": "slurm-4411.out", "lines": [
      "0: [rank0]:[E0302 11:20:04.118000000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=67108864, NumelOut=67108864, Timeout(ms)=600000) ran for 600077 milliseconds before timing out.",
      "4: [rank4]:[E0302 11:20:04.301000000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 4] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=67108864, NumelOut=67108864, Timeout(ms)=600000) ran for 600081 milliseconds before timing out.",
      "12: [rank12]:[E0302 11:20:04.552000000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=90211, OpType=ALLREDUCE, NumelIn=67108864, NumelOut=67108864, Timeout(ms)=600000) ran for 600090 milliseconds before timing out.",
      "srun: error: n-03: task 9: Killed"
    ]},
    {"source": "n-03/slurmd.log", "lines": [
      "[2026-03-02T11:21:31.402] epilog output: Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU",
      "[2026-03-02T11:21:31.690] error: [job 4411] epilog failed status=1:0"
    ]}
  ]
})JSON";

TEST_CASE("rg12: timeouts on many ranks are the consequence of a GPU an epilog finds lost") {
  Diagnosis d = Run(Parse(kEpilogLostGpu));
  CHECK(d.root_cause == "gpu_fallen_off_bus");  // before: nccl_collective_hang on rank 0's GPU
  CHECK(d.component == "n-03/gpu1");
}

// One rank-0 watchdog line; n-02 gpu2's DCGM DBE counter steps 0 -> 1 (with Xid 94) at `step_ms`,
// the other GPUs stay 0. Samples every 2 min from 06:00 to 06:58 UTC.
Json DbeCase(int64_t step_ms) {
  Json j = Parse(R"JSON({
    "id": "rg12-dbe-timeout",
    "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 4},
    "logs": [
      {"source": "slurm-5120.out", "lines": [
        "0: [2026-08-04 06:07:40,118] [INFO] [train.py:412] step 30214 loss 1.9033",
        "0: [rank0]:[E0804 06:10:00.289684000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=188412, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 600102 milliseconds before timing out.",
        "srun: error: n-02: tasks 4-7: Exited with exit code 1"
      ]}
    ],
    "metrics": []
  })JSON");
  const int64_t start = 1785823200000;  // 2026-08-04T06:00:00Z
  for (int gpu = 0; gpu < 4; ++gpu) {
    for (const char* name : {"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS"}) {
      Json s = {{"name", name}, {"labels", {{"Hostname", "n-02"}, {"gpu", std::to_string(gpu)}}}, {"samples", Json::array()}};
      for (int64_t t = start; t < start + 3600000; t += 120000) {
        const bool hit = gpu == 2 && t >= step_ms;
        const int value = !hit ? 0 : std::string(name) == "DCGM_FI_DEV_XID_ERRORS" ? 94 : 1;
        s["samples"].push_back(Json::array({t, value}));
      }
      j["metrics"].push_back(s);
    }
  }
  return j;
}

TEST_CASE("rg12: a DBE step on one GPU before rank 0's timeout is the cause, one long after is not") {
  Diagnosis before = Run(DbeCase(1785823680000));  // 06:08, before the timeout was reported (06:10)
  CHECK(before.root_cause == "gpu_memory_uncorrectable_ecc");  // before: nccl_collective_hang
  CHECK(before.component == "n-02/gpu2");
  Diagnosis after = Run(DbeCase(1785825600000));  // 06:40, half an hour after the job failed
  CHECK(after.root_cause == "nccl_collective_hang");
}

// ---- 4. A GPU named by its UUID ------------------------------------------------------------------

// A device plugin marks a UUID unhealthy on Xid 79; DCGM's series label that UUID as n-02 gpu3.
constexpr const char* kUuidPlugin = R"JSON({
  "id": "rg12-uuid",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 4},
  "logs": [
    {"source": "kube-system/nvidia-device-plugin-daemonset-abcde", "lines": [
      "I0411 09:00:22.085749000 1 health.go:185] XidCriticalError: Xid=79 on Device=GPU-11111111-2222-3333-4444-555555555555; marking device as unhealthy.",
      "I0411 09:00:22.206447000 1 server.go:267] 'nvidia.com/gpu' device marked unhealthy: GPU-11111111-2222-3333-4444-555555555555"
    ]}
  ],
  "metrics": [
    {"name": "DCGM_FI_DEV_GPU_UTIL", "labels": {"Hostname": "n-02", "gpu": "2", "UUID": "GPU-aaaaaaaa-2222-3333-4444-555555555555"},
     "samples": [[1775897400000, 97], [1775897520000, 98], [1775897640000, 97]]},
    {"name": "DCGM_FI_DEV_GPU_UTIL", "labels": {"Hostname": "n-02", "gpu": "3", "UUID": "GPU-11111111-2222-3333-4444-555555555555"},
     "samples": [[1775897400000, 97], [1775897520000, 96]]}
  ]
})JSON";

TEST_CASE("rg12: a UUID-only Xid line is the GPU whose DCGM series carries that UUID") {
  Diagnosis d = Run(Parse(kUuidPlugin));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-02/gpu3");  // before: job
}

// The same mapping from `nvidia-smi -L` run over ssh on n-02 (the paste is saved under n-01).
constexpr const char* kUuidList = R"JSON({
  "id": "rg12-uuid-list",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 4},
  "logs": [
    {"source": "k8s/node-problem-detector", "lines": [
      "Warning  GPUXidError  node-problem-detector  Xid 79 (GPU has fallen off the bus) on GPU-11111111-2222-3333-4444-555555555555"
    ]},
    {"source": "n-01/ops-shell", "lines": [
      "$ ssh n-02 nvidia-smi -L",
      "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-00000000-2222-3333-4444-555555555555)",
      "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-11111111-2222-3333-4444-555555555555)"
    ]}
  ]
})JSON";

TEST_CASE("rg12: nvidia-smi -L (over ssh) maps a UUID to its node and index") {
  Diagnosis d = Run(Parse(kUuidList));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-02/gpu1");
}

// ---- 5. Reports that name the rank a hang waits for; a crashed pid joined to its rank -------------

TEST_CASE("rg12: FindReportedLaggards reads fr_trace's never-enqueued rank and ncclras's rank behind") {
  std::vector<ReportedLaggard> fr = FindReportedLaggards({
      "Collective/P2P mismatch detected in process group 3 (pp)",
      "  rank 41: last entered op 880 (send to 49, completed); op 881 never enqueued",
      "  all other ranks of pg pp: op 881 enqueued, state scheduled"});
  REQUIRE(fr.size() == 1);
  CHECK(fr[0].rank == 41);
  CHECK(fr[0].line_index == 1);
  std::vector<ReportedLaggard> ras = FindReportedLaggards({
      "#0-0 (1a2b3c) MISMATCH",
      "  Communicator ranks have different collective operation counts",
      "  63 ranks have launched up to operation 10b",
      "  Rank 12 has launched up to operation 10a -- GPU 4 managed by process 7001 on node 10.0.0.2 (n-02)"});
  REQUIRE(ras.size() == 1);
  CHECK(ras[0].rank == 12);
  CHECK(ras[0].gpu == 4);
  CHECK(ras[0].host == "n-02");
  // A rank ahead of the count above is not behind; no count line, no comparison.
  CHECK(FindReportedLaggards({"  63 ranks have launched up to operation 10b",
                              "  Rank 12 has launched up to operation 10c"}).empty());
  CHECK(FindReportedLaggards({"  Rank 12 has launched up to operation 10a"}).empty());
}

// A stalled job's alert; ncclras names rank 13 (n-02 GPU 5) behind the other 15 ranks.
constexpr const char* kRasStall = R"JSON({
  "id": "rg12-ncclras",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "alert": {"status": "firing", "labels": {"alertname": "TrainingJobStalled", "severity": "critical", "job": "training-exporter"},
    "annotations": {"summary": "no iteration for 15 minutes"}, "startsAt": "2026-04-02T03:15:00Z"},
  "logs": [
    {"source": "ops/ncclras", "lines": [
      "$ ncclras -t 60",
      "#0-0 (5d1e90aa52d3f6b1) MISMATCH",
      "  Communicator ranks have different collective operation counts",
      "  15 ranks have launched up to operation 1f2",
      "  Rank 13 has launched up to operation 1f1 -- GPU 5 managed by process 9120 on node 10.1.0.2 (n-02)"
    ]}
  ]
})JSON";

TEST_CASE("rg12: ncclras's rank behind the others' operation count places the hang") {
  Diagnosis d = Run(Parse(kRasStall));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "n-02/gpu5");
}

// Rank 11 printed its pid at start; the kernel of n-02 logs that pid's segfault, and the other
// ranks time out.
constexpr const char* kPidSegfault = R"JSON({
  "id": "rg12-pid-segfault",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurm-77.out", "lines": [
      "0: [rank0] pid 2100 on n-01 cuda:0 world 16",
      "11: [rank11] pid 5307 on n-02 cuda:3 world 16",
      "0: [rank0]:[E0603 04:10:02.077320000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4122, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=300000) ran for 300194 milliseconds before timing out.",
      "8: [rank8]:[E0603 04:10:02.310619000 ProcessGroupNCCL.cpp:632] [PG ID 0 (default_pg) Rank 8] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4122, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=300000) ran for 300086 milliseconds before timing out.",
      "srun: error: n-02: task 11: Exited with exit code 1"
    ]},
    {"source": "n-02/journal", "lines": [
      "Jun 03 04:05:01 n-02 kernel: python3[5307]: segfault at 18 ip 00007f3ac21b09d4 sp 00007f3a2fffe3c0 error 4 in libfoo.so[7f3ac1e00000+5c1000]",
      "Jun 03 04:05:02 n-02 systemd-coredump[9012]: Process 5307 (python3) of user 1001 dumped core."
    ]}
  ]
})JSON";

TEST_CASE("rg12: a segfault's pid is the rank that printed it at start") {
  Diagnosis d = Run(Parse(kPidSegfault));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "n-02/gpu3");  // before: n-02
}

// ---- 6. A slow NFS export read on a node -------------------------------------------------------

TEST_CASE("rg12: ReadNfsLine reads nfsiostat's read RTT, D state on an RPC and top's I/O wait") {
  const std::string header =
      "read:              ops/s            kB/s           kB/op         retrans    avg RTT (ms)    avg exe (ms)";
  CHECK(ReadNfsLine(header, "      120.000    15360.000    128.000    0 (0.0%)    96.250    99.100") == NfsReading::kSlowRtt);
  CHECK(ReadNfsLine(header, "      120.000    15360.000    128.000    0 (0.0%)     1.912     2.050") == NfsReading::kNone);
  CHECK(ReadNfsLine("", "      120.000    15360.000    128.000    0 (0.0%)    96.250    99.100") == NfsReading::kNone);
  CHECK(ReadNfsLine("", "  7301 D    rpc_wait_bit_killable    python3") == NfsReading::kRpcWait);
  CHECK(ReadNfsLine("", "  7302 S    futex_wait_queue         python3") == NfsReading::kNone);
  CHECK(ReadNfsLine("", "%Cpu(s):  3.0 us,  1.1 sy,  0.0 ni, 55.0 id, 40.2 wa,  0.0 hi") == NfsReading::kIoWait);
  CHECK(ReadNfsLine("", "%Cpu(s): 60.0 us,  1.1 sy,  0.0 ni, 37.0 id,  1.2 wa,  0.0 hi") == NfsReading::kNone);
}

// A data-wait alert; the trainer's step is mostly data wait, and a node's paste shows the NFS export
// answering reads in ~150 ms with the loader's workers in D state.
constexpr const char* kNfsSlow = R"JSON({
  "id": "rg12-nfs",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "alert": {"status": "firing", "labels": {"alertname": "TrainingDataLoaderWaitHigh", "severity": "warning", "job": "training-exporter"},
    "annotations": {"summary": "data loader wait above 50% of the step"}, "startsAt": "2026-02-13T21:35:00Z"},
  "logs": [
    {"source": "trainer.log", "lines": [
      "2026-02-13 21:30:56 | INFO | step 1200 | step 3.02s | data 2.21s | compute 0.80s",
      "2026-02-13 21:31:56 | INFO | step 1220 | step 3.01s | data 2.20s | compute 0.80s"
    ]},
    {"source": "n-02/ops-shell", "lines": [
      "$ nfsiostat 5 1 /data",
      "filer-2:/data mounted on /data:",
      "read:              ops/s            kB/s           kB/op         retrans    avg RTT (ms)    avg exe (ms)  avg queue (ms)          errors",
      "                 210.400       26931.200         128.000        0 (0.0%)         151.902         158.310           5.120        0 (0.0%)",
      "$ ps -eo pid,stat,wchan:24,comm | grep loader",
      "  8801 D    rpc_wait_bit_killable    loader_worker",
      "  8802 D    rpc_wait_bit_killable    loader_worker",
      "$ top -b -n1 | sed -n 3p",
      "%Cpu(s):  2.4 us,  1.0 sy,  0.0 ni, 58.3 id, 38.1 wa,  0.0 hi,  0.2 si,  0.0 st"
    ]}
  ]
})JSON";

TEST_CASE("rg12: a slow NFS read RTT with loader workers in D state is storage, not the loader") {
  Diagnosis d = Run(Parse(kNfsSlow));
  CHECK(d.root_cause == "storage_failure");  // before: unknown (the alert read alone)
}

}  // namespace
}  // namespace vigil
