// PLC20 (2026-12-05): what the blind set realistic28 showed (now SEEN, not blind). Four general
// rules of builtin_reasoner.cc, each with cases written here as other stacks print the same failure
// (nodes pz-NN, no case text of the set):
// - 3a-throttled-loader: a CPU-throttled container whose loop waits for input most of each step is
//   input-bound (dataloader_stall), not a straggler;
// - an OOM kill on other nodes does not explain a process that died of its own fault elsewhere
//   (OomOnlyElsewhereThanDeaths);
// - 3a-socket-fallback: NCCL's socket-transport INFO notices do not outrank a GPU's own hardware fault;
// - history with an alert: a category whose lines are all days before the alert and the other evidence.
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

// A Kubernetes ImageNet-style trainer (torchvision reference script's meter lines) in a pod whose CPU
// limit is far below its loader workers; cgroup v2 cpu.stat read in the pod.
constexpr const char* kThrottledLoaderK8s = R"JSON({
  "id": "plc20-loader-k8s",
  "alert": null,
  "topology": {"nodes": ["pz-01", "pz-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "vision/resnet-train/worker-0", "lines": [
      "/usr/lib/python3/dist-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader will create 12 worker processes in total. Our suggested max number of worker in current system is 2, which is smaller than what this DataLoader is going to create.",
      "Epoch: [3][ 200/5005]  Time  2.412 ( 2.388)  Data  2.101 ( 2.080)  Loss 4.1022e+00 (4.1310e+00)",
      "Epoch: [3][ 210/5005]  Time  2.397 ( 2.389)  Data  2.088 ( 2.081)  Loss 4.0932e+00 (4.1290e+00)",
      "Epoch: [3][ 220/5005]  Time  2.430 ( 2.391)  Data  2.120 ( 2.083)  Loss 4.1177e+00 (4.1281e+00)",
      "Epoch: [3][ 230/5005]  Time  2.401 ( 2.391)  Data  2.094 ( 2.084)  Loss 4.0871e+00 (4.1266e+00)",
      "Epoch: [3][ 240/5005]  Time  2.388 ( 2.391)  Data  2.079 ( 2.084)  Loss 4.0990e+00 (4.1255e+00)"]},
    {"source": "oncall/shell", "lines": [
      "$ kubectl -n vision exec resnet-train-worker-0 -- cat /sys/fs/cgroup/cpu.stat",
      "usage_usec 4412203311",
      "nr_periods 702233",
      "nr_throttled 690112",
      "throttled_usec 3612003311"]}
  ]
})JSON";

// A Slurm job with a cgroup v1 CPU limit (cpu.cfs_quota_us of 4 CPUs): Megatron's timers print the
// data-loading time of each iteration.
constexpr const char* kThrottledLoaderSlurm = R"JSON({
  "id": "plc20-loader-slurm",
  "alert": null,
  "topology": {"nodes": ["pz-11", "pz-12", "pz-13", "pz-14"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurm-55120.out", "lines": [
      " iteration     1200/  50000 | elapsed time per iteration (ms): 5210.4 | learning rate: 2.9E-04 | lm loss: 2.8811E+00",
      "    forward-backward ...: 1010.22 | data-loading (ms): 4105.5 | iteration time (ms): 5210.4",
      "    forward-backward ...: 1008.90 | data-loading (ms): 4093.1 | iteration time (ms): 5198.7",
      "    forward-backward ...: 1011.47 | data-loading (ms): 4120.0 | iteration time (ms): 5224.6",
      "    forward-backward ...: 1009.35 | data-loading (ms): 4101.9 | iteration time (ms): 5206.8"]},
    {"source": "pz-11/cgroup", "lines": [
      "$ cat /sys/fs/cgroup/cpu,cpuacct/slurm/uid_1000/job_55120/cpu.stat",
      "nr_periods 88120",
      "nr_throttled 86004",
      "throttled_time 612200931118"]}
  ]
})JSON";

TEST_CASE("plc20: a CPU-throttled container whose loop waits for input most of each step is dataloader_stall") {
  // Before: straggler_rank (the throttle lines), the data wait explained away by it.
  for (const char* text : {kThrottledLoaderK8s, kThrottledLoaderSlurm}) {
    const Diagnosis d = testing::RunCaseText(text);
    CHECK(d.root_cause == "dataloader_stall");
    CHECK(d.component == "job");
  }
}

TEST_CASE("plc20: CPU throttling beside a short data wait is not read as the loader's") {
  // Near miss: the same pod, but the loop waits for data 4% of each step: the throttle lines keep
  // their straggler reading (the rule needs the loop to be input-bound).
  std::string text = kThrottledLoaderK8s;
  for (const char* from : {"Data  2.101", "Data  2.088", "Data  2.120", "Data  2.094", "Data  2.079"}) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string(from).size(), "Data  0.101");
  }
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause != "dataloader_stall");
  CHECK_FALSE(HasEvidenceWith(d, "starves its loader"));
}

// An SGLang deployment on Kubernetes: the kubelet's OOM kill of another tenant's pod on pz-22 an hour
// before; a scheduler process of the deployment dies of SIGSEGV on pz-24 and its peers then lose it.
constexpr const char* kSegfaultOomElsewhereK8s = R"JSON({
  "id": "plc20-oom-elsewhere-k8s",
  "alert": null,
  "topology": {"nodes": ["pz-21", "pz-22", "pz-23", "pz-24"], "gpus_per_node": 8},
  "logs": [
    {"source": "pz-22/journal", "lines": [
      "Dec 04 03:12:40 pz-22 kernel: Memory cgroup out of memory: Killed process 77120 (python3) total-vm:301122340kB, anon-rss:268112044kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:530112kB oom_score_adj:999"]},
    {"source": "pz-24/journal", "lines": [
      "Dec 04 04:21:07 pz-24 kernel: python3[9182]: segfault at 0 ip 00007f11d2a3b0c4 sp 00007f10f7ffe2a0 error 4 in libtokenizer_ext.so[7f11d2a00000+61000]"]},
    {"source": "pz-24/sglang", "lines": [
      "[2026-12-04 04:21:07 TP2] Fatal Python error: Segmentation fault",
      "[2026-12-04 04:21:08 TP0] NCCL error: remote process exited or there was a network error",
      "[2026-12-04 04:21:08] Received sigquit from a child process. It usually means the child failed."]}
  ]
})JSON";

// The same shape under Slurm: slurmstepd's oom_kill on pz-31 (another job step, earlier), a rank of
// the job dies with SIGSEGV on pz-33 (torchrun's elastic agent there).
constexpr const char* kSegfaultOomElsewhereSlurm = R"JSON({
  "id": "plc20-oom-elsewhere-slurm",
  "alert": null,
  "topology": {"nodes": ["pz-31", "pz-32", "pz-33"], "gpus_per_node": 8},
  "logs": [
    {"source": "pz-31/slurmd.log", "lines": [
      "[2026-12-04T02:10:11.220] [61100.0] error: Detected 1 oom_kill event in StepId=61100.0. Some of the step tasks have been OOM Killed."]},
    {"source": "pz-33/torchrun.log", "lines": [
      "[2026-12-04 02:58:40] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -11) local_rank: 5 (pid: 40551) of binary: /usr/bin/python3",
      "[2026-12-04 02:58:40] Signal 11 (SIGSEGV) received by PID 40551"]},
    {"source": "pz-33/rank21.err", "lines": [
      "Fatal Python error: Segmentation fault",
      "Current thread 0x00007f6b2cbfd740 (most recent call first):",
      "  File \"/opt/app/ext/fused_rope.py\", line 88 in forward"]}
  ]
})JSON";

TEST_CASE("plc20: an OOM kill on other nodes does not explain a process that segfaulted elsewhere") {
  // Before: host_oom on the OOM's node (the crash explained away by it).
  {
    const Diagnosis d = testing::RunCaseText(kSegfaultOomElsewhereK8s);
    CHECK(d.root_cause == "rank_process_crash");
    CHECK(d.component.rfind("pz-24", 0) == 0);
  }
  {
    const Diagnosis d = testing::RunCaseText(kSegfaultOomElsewhereSlurm);
    CHECK(d.root_cause == "rank_process_crash");
    CHECK(d.component.rfind("pz-33", 0) == 0);
  }
}

TEST_CASE("plc20: an OOM kill on the node whose process died still explains the crash") {
  // Near miss: the cgroup OOM kill is on pz-24 itself, minutes before: the OOM is the cause.
  std::string text = kSegfaultOomElsewhereK8s;
  for (const char* from : {"pz-22/journal", "Dec 04 03:12:40 pz-22"}) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    std::string to = from;
    to.replace(to.find("pz-22"), 5, "pz-24");
    if (to.find("03:12:40") != std::string::npos) to.replace(to.find("03:12:40"), 8, "04:20:55");
    text.replace(at, std::string(from).size(), to);
  }
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "host_oom");
}

TEST_CASE("plc20: an OOM kill on one node still explains peers that abort elsewhere") {
  // Near miss: the kernel OOM-kills a rank on pz-31; the ranks on pz-33 lose it and PyTorch's watchdog
  // aborts them (SIGABRT), torchrun on pz-33 lists the killed task's SIGKILL: no death of its own fault
  // elsewhere, so the OOM stays the cause. Six abort lines: the evidence's note "(6 lines match <the
  // signature's pattern>)" names SIGSEGV in the pattern, which is no segfault (a first version read it so).
  constexpr const char* kText = R"JSON({
    "id": "plc20-oom-abort",
    "alert": null,
    "topology": {"nodes": ["pz-31", "pz-32", "pz-33"], "gpus_per_node": 8},
    "logs": [
      {"source": "pz-31/journal", "lines": [
        "Dec  4 02:10:11 pz-31 kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        "Dec  4 02:10:12 pz-31 kernel: Out of memory: Killed process 40551 (python3) total-vm:923441232kB, anon-rss:402228812kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:780412kB oom_score_adj:0"]},
      {"source": "pz-33/torchrun.log", "lines": [
        "[rank17]:[E1204 02:10:42.321796 ProcessGroupNCCL.cpp:1534] [PG 0 (default_pg) Rank 17] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error",
        "  traceback : Signal 6 (SIGABRT) received by PID 57166",
        "  exitcode  : -6 (pid: 57166)",
        "  traceback : Signal 6 (SIGABRT) received by PID 57167",
        "  traceback : Signal 6 (SIGABRT) received by PID 57168",
        "  traceback : Signal 6 (SIGABRT) received by PID 57169",
        "  traceback : Signal 6 (SIGABRT) received by PID 57170",
        "  traceback : Signal 6 (SIGABRT) received by PID 57171",
        "  traceback : Signal 9 (SIGKILL) received by PID 40551"]}
    ]
  })JSON";
  const Diagnosis d = testing::RunCaseText(kText);
  CHECK(d.root_cause == "host_oom");
  CHECK(d.component == "pz-31");
}

// A Slurm DeepSpeed job that uses NCCL's socket transport (no IB device in the container), runs for
// hours, then one rank dies on an uncorrectable ECC error of its GPU; the driver's Xid 48 names it.
constexpr const char* kEccBesideSocketFallback = R"JSON({
  "id": "plc20-ecc-socket",
  "alert": null,
  "topology": {"nodes": ["pz-41", "pz-42"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"},
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [
    {"source": "slurm-7781.out", "lines": [
      "pz-41:3310:3310 [0] NCCL INFO NET/IB : No device found.",
      "pz-41:3310:3310 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.41<0>",
      "pz-41:3310:3310 [0] NCCL INFO Using network Socket",
      "[2026-12-04 09:10:00,101] [INFO] [logging.py:128:log_dist] [Rank 0] step=900, skipped=0, lr=[2e-05], loss=0.511",
      "[2026-12-04 09:40:00,101] [INFO] [logging.py:128:log_dist] [Rank 0] step=1000, skipped=0, lr=[2e-05], loss=0.503",
      "[rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
      "[rank3]:[E1204 09:52:41.269655 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=52211, OpType=ALLREDUCE, NumelIn=9437184, NumelOut=9437184, Timeout(ms)=600000) ran for 600031 milliseconds before timing out."]},
    {"source": "pz-42/dmesg", "lines": [
      "[Fri Dec  4 09:42:39 2026] NVRM: Xid (PCI:0000:3a:00): 48, pid=2291, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 0."]}
  ]
})JSON";

TEST_CASE("plc20: a GPU's uncorrectable ECC error outranks NCCL's socket-transport notices") {
  // Before: nccl_network_misconfig on the job (the INFO notices at full signature weight).
  const Diagnosis d = testing::RunCaseText(kEccBesideSocketFallback);
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "pz-42/gpu2");
}

TEST_CASE("plc20: a GPU that fell off the bus outranks NCCL's socket-transport notices (vLLM)") {
  // The twin as a vLLM server prints it: Xid 79 on gpu5, the TP worker's CUDA error.
  std::string text = kEccBesideSocketFallback;
  const std::string ecc = "[rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered";
  const std::string xid48 =
      "NVRM: Xid (PCI:0000:3a:00): 48, pid=2291, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 0.";
  REQUIRE(text.find(ecc) != std::string::npos);
  REQUIRE(text.find(xid48) != std::string::npos);
  text.replace(text.find(ecc), ecc.size(), "(VllmWorker TP5 pid=2291) RuntimeError: CUDA error: unspecified launch failure");
  text.replace(text.find(xid48), xid48.size(), "NVRM: Xid (PCI:0000:ab:00): 79, pid=2291, name=python3, GPU has fallen off the bus.");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "pz-42/gpu5");
}

TEST_CASE("plc20: without a GPU fault, NCCL's socket-transport notices keep their reading") {
  // Near miss: no GPU fault; the notices and a slow-bandwidth reading: nccl_network_misconfig stays.
  std::string text = kEccBesideSocketFallback;
  const std::string ecc = "      \"[rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered\",\n";
  REQUIRE(text.find(ecc) != std::string::npos);
  text.erase(text.find(ecc), ecc.size());
  const size_t dm = text.find("    {\"source\": \"pz-42/dmesg\"");
  REQUIRE(dm != std::string::npos);
  text.erase(text.rfind(",", dm), std::string::npos);
  text += "\n  ]\n}";
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK_FALSE(HasEvidenceWith(d, "socket-transport notices"));
}

// An alert-first case (a job-failed alert): the node's dmesg still holds an Xid 13 of another
// tenant's job five weeks old, and today's Xid 79 of the GPU the failing rank ran on.
constexpr const char* kOldXidBesideAlert = R"JSON({
  "id": "plc20-history-alert",
  "alert": {"status": "firing", "labels": {"alertname": "JobFailed", "job_name": "ft-7", "severity": "warning"},
            "annotations": {"summary": "job ft-7 failed"}, "startsAt": "2026-12-04T11:05:00Z"},
  "topology": {"nodes": ["pz-51", "pz-52"], "gpus_per_node": 8, "timezone": "UTC",
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}},
  "logs": [
    {"source": "pz-52/dmesg", "lines": [
      "[Mon Oct 26 02:11:09 2026] NVRM: Xid (PCI:0000:9a:00): 13, pid=31022, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 2, SM 0): Out Of Range Address",
      "[Fri Dec  4 10:58:20 2026] NVRM: Xid (PCI:0000:2a:00): 79, pid=4410, name=python3, GPU has fallen off the bus."]}
  ]
})JSON";

TEST_CASE("plc20: with an alert, a category whose lines are all weeks old is history") {
  // Before: the old Xid 13 kept its full weight beside an alert (history was read only without one).
  const Diagnosis d = testing::RunCaseText(kOldXidBesideAlert);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "pz-52/gpu1");
  CHECK(HasEvidenceWith(d, "[history:"));
}

TEST_CASE("plc20: with an alert, an Xid of the alert's day is no history") {
  // Near miss: the Xid 13 an hour before the alert is the incident's own.
  std::string text = kOldXidBesideAlert;
  const std::string old_time = "[Mon Oct 26 02:11:09 2026]";
  REQUIRE(text.find(old_time) != std::string::npos);
  text.replace(text.find(old_time), old_time.size(), "[Fri Dec  4 10:01:09 2026]");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK_FALSE(HasEvidenceWith(d, "[history:"));
}

// A Slurm job reading its shards from a node-local scratch RAID (md0 over SATA disks): one node's disk
// fails, only that node's ranks get EIO. Pack entry pack-storage-local-disk-io-error (PLC20).
constexpr const char* kLocalDiskSlurm = R"JSON({
  "id": "plc20-local-disk",
  "alert": null,
  "topology": {"nodes": ["pz-61", "pz-62", "pz-63"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurm-9931.out", "lines": [
      "[rank12]: OSError: [Errno 5] Input/output error: '/scratch/shards/train-00411.tar'",
      "[rank13]: OSError: [Errno 5] Input/output error: '/scratch/shards/train-00412.tar'"]},
    {"source": "pz-62/kern.log", "lines": [
      "Dec  4 07:40:02 pz-62 kernel: ata3.00: exception Emask 0x0 SAct 0x0 SErr 0x0 action 0x0",
      "Dec  4 07:40:03 pz-62 kernel: blk_update_request: I/O error, dev sdc, sector 88120336 op 0x0:(READ) flags 0x80700 phys_seg 4 prio class 0",
      "Dec  4 07:40:03 pz-62 kernel: Buffer I/O error on dev md0, logical block 11015042, async page read",
      "Dec  4 07:40:04 pz-62 kernel: XFS (md0): metadata I/O error in \"xfs_da_read_buf+0xe2/0x140 [xfs]\" at daddr 0x2a0 len 8 error 5"]}
  ]
})JSON";

TEST_CASE("plc20: a node's local disk errors place storage_failure on that node") {
  // The kernel's lines alone (before: illegal_memory_access at 0.12, a line recall of the ata
  // exception; no entry read the block layer's / XFS's errors).
  std::string text = kLocalDiskSlurm;
  const size_t from = text.find("    {\"source\": \"slurm-9931.out\"");
  const size_t to = text.find("    {\"source\": \"pz-62/kern.log\"");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  text.erase(from, to - from);
  const Diagnosis alone = testing::RunCaseText(text);
  CHECK(alone.root_cause == "storage_failure");
  CHECK(alone.component == "pz-62");
  // With the ranks' EIO lines (this one answered right before too: a guard).
  const Diagnosis d = testing::RunCaseText(kLocalDiskSlurm);
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "pz-62");
}

// Kubernetes with CRI-O: after the container toolkit was upgraded on pz-72, GPU containers there fail
// CDI resolution; the device plugin is healthy. Pack entry pack-launch-cdi-unresolvable (PLC20).
constexpr const char* kCdiCrio = R"JSON({
  "id": "plc20-cdi",
  "alert": null,
  "topology": {"nodes": ["pz-71", "pz-72", "pz-73"], "gpus_per_node": 8},
  "logs": [
    {"source": "pz-72/journal", "lines": [
      "Dec 03 09:12:11 pz-72 nvidia-ctk[4410]: time=\"2026-12-03T09:12:11Z\" level=error msg=\"failed to generate CDI spec: failed to create discoverer for common entities: failed to locate libcuda.so\"",
      "Dec 03 09:20:40 pz-72 crio[1311]: time=\"2026-12-03 09:20:40.118\" level=error msg=\"Container creation error: failed to inject CDI devices: unresolvable CDI devices nvidia.com/gpu=GPU-3f2a9c10-1b7e-4c55-9d0e-77a1c2e4b810\"",
      "Dec 03 09:20:40 pz-72 kubelet[1290]: E1203 09:20:40.120331    1290 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"trainer\\\" with CreateContainerError\""]}
  ]
})JSON";

TEST_CASE("plc20: CDI devices unresolvable on one node are that node's launch_config_error") {
  // Before: unknown (no entry knew the container toolkit's CDI lines).
  const Diagnosis d = testing::RunCaseText(kCdiCrio);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "pz-72");
}

// A GPU's PCIe AER errors on node pz-81 whose bus the case's topology maps to gpu4; nvidia-smi run
// inside the one-GPU pod on it counts that GPU as index 0.
constexpr const char* kContainerSmiIndex = R"JSON({
  "id": "plc20-container-index",
  "alert": null,
  "topology": {"nodes": ["pz-81", "pz-82"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}},
  "logs": [
    {"source": "pz-81/journal", "lines": [
      "Dec 04 07:35:30 pz-81 kernel: pcieport 0000:98:01.0: AER: Corrected error message received from 0000:9a:00.0",
      "Dec 04 07:35:30 pz-81 kernel: nvidia 0000:9a:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)",
      "Dec 04 07:35:30 pz-81 kernel: nvidia 0000:9a:00.0:    [ 0] RxErr                  (First)"]},
    {"source": "pz-81/shell", "lines": [
      "$ kubectl -n serve exec embed-7f9c-x2 -- nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader",
      "0, 00000000:9A:00.0"]}
  ]
})JSON";

TEST_CASE("plc20: nvidia-smi's index inside a container does not renumber the topology's GPU") {
  // Before: pcie_link_degraded on pz-81/gpu0 (the pod's own index 0 for bus 9A).
  const Diagnosis d = testing::RunCaseText(kContainerSmiIndex);
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pz-81/gpu4");
}

TEST_CASE("plc20: nvidia-smi's table still places a bus the topology does not map") {
  // Near miss: no gpu_pci_bus in the topology: the table's pair is the only tie and is used.
  std::string text = kContainerSmiIndex;
  const size_t from = text.find(",\n               \"gpu_pci_bus\"");
  const size_t to = text.find("}},", from);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  text.erase(from, to + 1 - from);
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pz-81/gpu0");
}

}  // namespace
}  // namespace vigil
