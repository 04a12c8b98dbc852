// PLC23 (2026-12-05): seen misses of realistic29 / realistic28 (SEEN, not blind). General rules of
// builtin_reasoner.cc and its readers, each with cases written here as other stacks print the same
// failure (nodes pz-NN, no case text of the sets):
// - RecoveredKernelLogFinding: a failed node.kernel_log probe that re-reads a fault the case's log
//   shows over (a port's "Link down" then "Link up", a fault of another kind after it) is no fresh
//   confirmation of it.
// - HcaOfBusId: an mlx5 driver line about its own device ("mlx5_core 0000:a8:00.0: ... limited by
//   8.0 GT/s PCIe x4 link") is placed on the HCA a listing of the node ties to that bus id
//   (`ls -l /sys/class/infiniband`, `ibdev2netdev -v`), not on the node.
// - SourceNode: a Kubernetes container log kept as "NAMESPACE/POD/CONTAINER" is the node the case's
//   `kubectl get pods -o wide` ties the pod to.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

// A job on pz-31 whose checkpoints fail with ENOSPC on a full WekaFS (before and after), and an
// mlx5 port of pz-36 that went down at 11:41:02. `recovered`: the port's "Link up" 4 s later;
// `enospc_after`: a save fails again after the flap (a fault of another kind follows it).
std::string FlapBesideEnospc(bool recovered, bool enospc_after) {
  std::string dmesg = R"("[Mon Nov 30 11:41:02 2026] mlx5_core 0000:3b:00.0 enp59s0f0np0: Link down")";
  if (recovered) dmesg += R"(, "[Mon Nov 30 11:41:06 2026] mlx5_core 0000:3b:00.0 enp59s0f0np0: Link up")";
  std::string text = R"JSON({
    "id": "plc23-flap",
    "alert": {"status": "firing", "labels": {"alertname": "CheckpointStale", "job": "gpt-pz", "slurm_job_id": "77120",
              "Hostname": "pz-31", "severity": "warning"},
              "annotations": {"summary": "gpt-pz: no checkpoint written for 2 h 40 m"}, "startsAt": "2026-11-30T12:00:00Z"},
    "logs": [
      {"source": "pz-31/gpt-pz-77120.log", "lines": [
        "2026-11-30 09:10:00 [INFO] step 41000 saving checkpoint to /mnt/weka/ckpt/gpt-pz/step_41000",
        "2026-11-30 09:12:41 [ERROR] rank 17: checkpoint shard write failed: OSError: [Errno 28] No space left on device: '/mnt/weka/ckpt/gpt-pz/step_41000/model_17.pt'",
        "2026-11-30 09:12:42 [WARN] checkpoint step 41000 abandoned; training continues",
        "2026-11-30 11:40:05 [INFO] step 42920 loss 2.011 grad_norm 0.31 tokens/s 1.21M"AFTER]},
      {"source": "pz-36/dmesg", "lines": [DMESG]},
      {"source": "pz-31/df-0920", "lines": ["[2026-11-30 09:20:00] $ df -h /mnt/weka", "Filesystem      Size  Used Avail Use% Mounted on",
                                            "wekafs/ckpt     500T  500T     0 100% /mnt/weka"]}],
    "metrics": [],
    "probes": {
      "node.kernel_log@pz-36": {"probe": "node.kernel_log", "target": "pz-36", "status": "fail", "metrics": {"findings": 1},
        "reason": "mlx5_core 0000:3b:00.0 enp59s0f0np0: Link down (1 finding(s) in the last 1h, journalctl -k)",
        "duration_s": 0.2, "details": {"categories": ["ib_link_failure"]}}},
    "topology": {"nodes": ["pz-31", "pz-32", "pz-36"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  text.replace(text.find("DMESG"), 5, dmesg);
  text.replace(text.find("AFTER"), 5,
               enospc_after ? ",\n        \"2026-11-30 11:52:37 [ERROR] rank 3: checkpoint shard write failed: OSError: [Errno 28] No space "
                              "left on device: '/mnt/weka/ckpt/gpt-pz/step_43000/model_3.pt'\""
                            : "");
  return text;
}

constexpr const char* kOverNote = "[the log shows it over: ib_link_failure (pz-36/dmesg:2) says so";

}  // namespace

TEST_CASE("plc23 a kernel-log probe re-reading a flap the log shows recovered does not confirm it over ENOSPC") {
  // Before (1707b208's binary on this case as a file): ib_link_failure @ pz-36/enp59s0f0np0 at 0.62,
  // [confirmed] by the probe's +4.0.
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(true, true));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
  CHECK(HasEvidenceWith(d, kOverNote));
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@pz-36") CHECK(e.weight < 2.0);  // kHistoryFactor of a fail's 4.0
  }
}

TEST_CASE("plc23 near miss: a link that went down and did not come back stays the confirmed link failure") {
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(false, true));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "pz-36/enp59s0f0np0");
  CHECK_FALSE(HasEvidenceWith(d, "[the log shows it over"));
}

TEST_CASE("plc23 near miss: a recovered flap with no fault of another kind after it stays confirmed") {
  // The checkpoints' ENOSPC is all before the flap: nothing says the link's fault was followed by
  // another (PLC13's rule keeps it the answer), so the probe's count is not discounted either.
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(true, false));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK_FALSE(HasEvidenceWith(d, "[the log shows it over"));
  bool full = false;
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@pz-36") full = e.weight >= 4.0 - 1e-9;
  }
  CHECK(full);
}


namespace {

// A ring through pz-43 at half the bus bandwidth; pz-43's HCA at 0000:a8:00.0 trained at 8.0 GT/s x4.
// `shell`: the on-call shell's lines (the listing that ties bus ids to HCAs, the kernel's lines).
Json NicPcieCase(const std::vector<std::string>& shell) {
  Json j = testing::ParseCaseText(R"JSON({
 "id": "plc23-nic-pcie",
 "alert": null,
 "logs": [
  {
   "source": "pz-40/train-8812.log",
   "lines": [
    "2026-11-30 06:10:02 pz-40:4410:4410 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [RO]; OOB ib0:10.8.0.40<0>",
    "2026-11-30 06:40:00 [INFO] step 5200 step_time 3.92 s (was 2.71 s before the node swap); allreduce 1.48 s",
    "2026-11-30 06:41:00 [WARN] slow collective: ring through pz-43 at 44.1 GB/s busbw (others 92.3 GB/s)"
   ]
  },
  {
   "source": "ops/shell",
   "lines": [
    "$ ssh pz-43 'ls -l /sys/class/infiniband'",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_0 -> ../../devices/pci0000:16/0000:16:02.0/0000:17:00.0/infiniband/mlx5_0",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_1 -> ../../devices/pci0000:38/0000:38:02.0/0000:39:00.0/infiniband/mlx5_1",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_2 -> ../../devices/pci0000:a7/0000:a7:02.0/0000:a8:00.0/infiniband/mlx5_2",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_3 -> ../../devices/pci0000:c9/0000:c9:02.0/0000:ca:00.0/infiniband/mlx5_3",
    "$ ssh pz-43 'dmesg -T | grep mlx5_core | tail -3'",
    "[Mon Nov 30 05:58:11 2026] mlx5_core 0000:a8:00.0: firmware version: 20.39.1002",
    "[Mon Nov 30 05:58:11 2026] mlx5_core 0000:a8:00.0: 31.504 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x4 link at 0000:a7:02.0 (capable of 252.048 Gb/s with 16.0 GT/s PCIe x16 link)",
    "[Mon Nov 30 05:58:12 2026] mlx5_core 0000:a8:00.0: Port module event: module 2, Cable plugged"
   ]
  }
 ],
 "metrics": [],
 "probes": {},
 "topology": {
  "nodes": [
   "pz-40",
   "pz-41",
   "pz-42",
   "pz-43"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 }
})JSON");
  j["logs"][1]["lines"] = shell;
  return j;
}

const std::vector<std::string> kLsInfiniband = {
    "$ ssh pz-43 'ls -l /sys/class/infiniband'",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_0 -> ../../devices/pci0000:16/0000:16:02.0/0000:17:00.0/infiniband/mlx5_0",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_1 -> ../../devices/pci0000:38/0000:38:02.0/0000:39:00.0/infiniband/mlx5_1",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_2 -> ../../devices/pci0000:a7/0000:a7:02.0/0000:a8:00.0/infiniband/mlx5_2",
    "lrwxrwxrwx 1 root root 0 Nov 30 05:58 mlx5_3 -> ../../devices/pci0000:c9/0000:c9:02.0/0000:ca:00.0/infiniband/mlx5_3"};
const std::vector<std::string> kIbdev2netdev = {
    "$ ssh pz-43 ibdev2netdev -v",
    "0000:17:00.0 mlx5_0 (MT4123 - MCX653105A-HDAT) ConnectX-6 fw 20.39.1002 port 1 (ACTIVE) ==> ib0 (Up)",
    "0000:39:00.0 mlx5_1 (MT4123 - MCX653105A-HDAT) ConnectX-6 fw 20.39.1002 port 1 (ACTIVE) ==> ib1 (Up)",
    "0000:a8:00.0 mlx5_2 (MT4123 - MCX653105A-HDAT) ConnectX-6 fw 20.39.1002 port 1 (ACTIVE) ==> ib2 (Up)",
    "0000:ca:00.0 mlx5_3 (MT4123 - MCX653105A-HDAT) ConnectX-6 fw 20.39.1002 port 1 (ACTIVE) ==> ib3 (Up)"};
const std::vector<std::string> kNicDmesg = {
    "$ ssh pz-43 'dmesg -T | grep mlx5_core | tail -3'",
    "[Mon Nov 30 05:58:11 2026] mlx5_core 0000:a8:00.0: firmware version: 20.39.1002",
    "[Mon Nov 30 05:58:11 2026] mlx5_core 0000:a8:00.0: 31.504 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x4 link at "
    "0000:a7:02.0 (capable of 252.048 Gb/s with 16.0 GT/s PCIe x16 link)",
    "[Mon Nov 30 05:58:12 2026] mlx5_core 0000:a8:00.0: Port module event: module 2, Cable plugged"};

std::vector<std::string> Joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("plc23 an mlx5 PCIe width line is placed on the HCA a listing of its node ties to its bus id") {
  // Before (1707b208's binary on these cases as files): pcie_link_degraded @ pz-43 both.
  Diagnosis d = testing::RunJsonWithPack(NicPcieCase(Joined(kLsInfiniband, kNicDmesg)));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pz-43/mlx5_2");
  d = testing::RunJsonWithPack(NicPcieCase(Joined(kIbdev2netdev, kNicDmesg)));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pz-43/mlx5_2");
}

TEST_CASE("plc23 near misses: no listing, another node's listing, a GPU's PCIe line") {
  Diagnosis d = testing::RunJsonWithPack(NicPcieCase(kNicDmesg));
  CHECK(d.component == "pz-43");
  std::vector<std::string> other = kLsInfiniband;
  other[0] = "$ ssh pz-41 'ls -l /sys/class/infiniband'";  // pz-41's own devices
  d = testing::RunJsonWithPack(NicPcieCase(Joined(other, kNicDmesg)));
  CHECK(d.component == "pz-43");
  // The GPU at 0000:ba:00.0 trained at x8 (the pci core's line), the HCA's lines healthy: the GPU.
  Json g = NicPcieCase(Joined(kLsInfiniband, {"$ ssh pz-43 'dmesg -T | grep -i pcie | tail -2'",
                                              "[Mon Nov 30 05:58:09 2026] pci 0000:ba:00.0: 126.024 Gb/s available PCIe bandwidth, "
                                              "limited by 16.0 GT/s PCIe x8 link at 0000:b9:00.0 (capable of 504.112 Gb/s with 32.0 "
                                              "GT/s PCIe x16 link)",
                                              "[Mon Nov 30 05:58:11 2026] mlx5_core 0000:a8:00.0: firmware version: 20.39.1002"}));
  g["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:18:00.0"}, {"gpu1", "0000:2a:00.0"}, {"gpu2", "0000:3a:00.0"},
                                  {"gpu3", "0000:5d:00.0"}, {"gpu4", "0000:9a:00.0"}, {"gpu5", "0000:ab:00.0"},
                                  {"gpu6", "0000:ba:00.0"}, {"gpu7", "0000:db:00.0"}};
  d = testing::RunJsonWithPack(g);
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "pz-43/gpu6");
}

TEST_CASE("plc23 a pod's log kept as NAMESPACE/POD/CONTAINER is the node kubectl ties the pod to") {
  // Before: rank_process_crash @ job (the pod's lines on no node); after: the pod's node, and the
  // GPU of the local rank torchrun names.
  Json c = testing::ParseCaseText(R"JSON({
 "id": "plc23-pod-path",
 "alert": {
  "status": "firing",
  "labels": {
   "alertname": "KubeJobFailed",
   "namespace": "llm",
   "job_name": "sft-run-41",
   "job": "kube-state-metrics",
   "severity": "warning"
  },
  "annotations": {
   "summary": "Job llm/sft-run-41 failed to complete"
  },
  "startsAt": "2026-11-30T08:20:00Z"
 },
 "logs": [
  {
   "source": "llm/sft-worker-2/trainer",
   "lines": [
    "2026-11-30T08:01:10Z [INFO] world_size=32 local_world_size=8 node_rank=2",
    "2026-11-30T08:12:44Z [INFO] step 700 loss 1.412",
    "2026-11-30T08:14:02Z Fatal Python error: Segmentation fault",
    "2026-11-30T08:14:02Z Current thread 0x00007f11a2ffd640 (most recent call first):",
    "2026-11-30T08:14:02Z   File \"/opt/app/ext/fused_rope.py\", line 88 in forward",
    "2026-11-30T08:14:03Z torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -11) local_rank: 5 (pid: 412) of binary: /usr/bin/python3"
   ]
  },
  {
   "source": "oncall/shell",
   "lines": [
    "$ kubectl -n llm get pods -o wide -l job-name=sft-run-41",
    "NAME          READY   STATUS    RESTARTS   AGE   IP            NODE    NOMINATED NODE   READINESS GATES",
    "sft-worker-0  0/1     Error     0          25m   10.244.3.17   pz-50   <none>           <none>",
    "sft-worker-1  0/1     Error     0          25m   10.244.4.9    pz-51   <none>           <none>",
    "sft-worker-2  0/1     Error     0          25m   10.244.5.30   pz-52   <none>           <none>",
    "sft-worker-3  0/1     Error     0          25m   10.244.6.12   pz-53   <none>           <none>"
   ]
  }
 ],
 "metrics": [],
 "probes": {},
 "topology": {
  "nodes": [
   "pz-50",
   "pz-51",
   "pz-52",
   "pz-53"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 }
})JSON");
  Diagnosis d = testing::RunCaseWithOwnProbes(c);
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "pz-52/gpu5");
  // Near miss: no kubectl table ties the pod: no node for its lines.
  c["logs"][1]["lines"] = Json::array({"$ kubectl -n llm get jobs", "NAME         COMPLETIONS   DURATION   AGE",
                                       "sft-run-41   0/1           25m        25m"});
  d = testing::RunCaseWithOwnProbes(c);
  CHECK(d.component == "job");
}

}  // namespace vigil
