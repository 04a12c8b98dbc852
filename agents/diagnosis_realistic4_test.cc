// Tests of the diagnosis on log shapes found missing by evals/diagnosis/realistic4/ (RL4,
// 2026-12-02: Kubernetes-run training, DeepSpeed / Megatron and the hardware's own wording, written
// blind). These run the shipped knowledge pack (data/knowledge/) through GatherKnowledge and the
// built-in reasoner, as `vigil diagnose` does. The log lines here are written for the tests, not
// copied from the cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

using testing::ShippedPack;

struct Source {
  std::string name;
  std::vector<std::string> lines;
};

// A 3-node Kubernetes job (k-gpu-1 .. k-gpu-3, 8 GPUs each), logs only; with `hgx_bus_ids` the
// topology gives the GPUs' PCI bus ids (as nvidia-smi lists them on an HGX board).
DiagnosisCase K8sCase(const std::vector<Source>& sources, bool hgx_bus_ids = false) {
  Json j = ParseJson(R"JSON({
    "id": "t-realistic4",
    "alert": {"labels": {"alertname": "PyTorchJobFailed", "job": "diffusion-ft"},
              "annotations": {"summary": "PyTorchJob diffusion-ft has a failed worker"},
              "startsAt": "2026-12-07T11:05:00Z"},
    "logs": [],
    "metrics": [],
    "topology": {"nodes": ["k-gpu-1", "k-gpu-2", "k-gpu-3"], "gpus_per_node": 8},
    "expected": {"root_cause": "storage_failure", "component": "k-gpu-2"}
  })JSON").value();
  if (hgx_bus_ids) {
    const char* bus[] = {"0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
                         "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"};
    Json m = Json::object();
    for (int g = 0; g < 8; ++g) m["gpu" + std::to_string(g)] = bus[g];
    j["topology"]["gpu_pci_bus"] = m;
  }
  for (const Source& s : sources) {
    Json src = Json::object();
    src["source"] = s.name;
    src["lines"] = Json::array();
    for (const std::string& l : s.lines) src["lines"].push_back(l);
    j["logs"].push_back(src);
  }
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

using testing::RunWithPack;

// The kubelet evicts a pod when the node's root / kubelet disk crosses its eviction threshold
// ("The node was low on resource: ephemeral-storage", node condition DiskPressure, taint
// node.kubernetes.io/disk-pressure). The pack knew no Kubernetes wording for a full local disk, so
// the training pod's SIGTERM read as one rank's crash (realistic4 case-rl4-28: rank_process_crash @
// job, storage_failure not in the top 3).
TEST_CASE("realistic4: a pod evicted for ephemeral-storage on a DiskPressure node is that node's storage (RL4)") {
  DiagnosisCase c = K8sCase({
      {"kubectl logs pytorchjob-diffusion-ft-worker-1 --previous",
       {"[2026-12-07 10:40:01,220] INFO ft.py:88 epoch 3 step 1200 loss 0.0871",
        "[2026-12-07 10:50:03,004] INFO ft.py:88 epoch 3 step 1400 loss 0.0866; cached 96 GB of latents to /cache",
        "[2026-12-07 11:00:02,918] INFO ft.py:88 epoch 3 step 1600 loss 0.0859; cached 96 GB of latents to /cache",
        "[2026-12-07 11:03:40,551] torch.distributed.elastic.agent.server.api: [WARNING] Received Signals.SIGTERM "
        "death signal, shutting down workers",
        "[2026-12-07 11:03:40,560] torch.distributed.elastic.multiprocessing.api: [WARNING] Closing process 811 via "
        "signal SIGTERM"}},
      {"k-gpu-2/journal",
       {"Dec 07 11:03:31 k-gpu-2 kubelet[1712]: W1207 11:03:31.100412    1712 eviction_manager.go:368] "
        "\"Eviction manager: attempting to reclaim\" resourceName=\"nodefs\"",
        "Dec 07 11:03:39 k-gpu-2 kubelet[1712]: I1207 11:03:39.870001    1712 eviction_manager.go:616] "
        "\"Eviction manager: pod is evicted successfully\" pod=\"ml/pytorchjob-diffusion-ft-worker-1\""}},
      {"kubectl",
       {"$ kubectl get pods -n ml -o wide",
        "NAME                               READY   STATUS    RESTARTS   AGE   IP           NODE      NOMINATED NODE",
        "pytorchjob-diffusion-ft-master-0   1/1     Running   0          5h    10.4.1.10    k-gpu-1   <none>",
        "pytorchjob-diffusion-ft-worker-0   1/1     Running   0          5h    10.4.3.11    k-gpu-3   <none>",
        "pytorchjob-diffusion-ft-worker-1   0/1     Evicted   0          5h    10.4.2.12    k-gpu-2   <none>",
        "$ kubectl describe pod pytorchjob-diffusion-ft-worker-1 -n ml",
        "Status:           Failed",
        "Reason:           Evicted",
        "Message:          The node was low on resource: nodefs. Threshold quantity: 180Gi, available: 7Gi.",
        "$ kubectl describe node k-gpu-2",
        "  DiskPressure     True    Mon, 07 Dec 2026 11:04:02 +0000   Mon, 07 Dec 2026 11:03:31 +0000   "
        "KubeletHasDiskPressure   kubelet has disk pressure"}},
  });
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "k-gpu-2");
}

// The other side of the same wording: a memory eviction ("low on resource: memory") is not storage.
TEST_CASE("realistic4: a pod evicted for memory is not read as a full disk (RL4)") {
  DiagnosisCase c = K8sCase({
      {"k-gpu-2/journal",
       {"Dec 07 11:03:31 k-gpu-2 kubelet[1712]: W1207 11:03:31.100412    1712 eviction_manager.go:368] "
        "\"Eviction manager: attempting to reclaim\" resourceName=\"memory\"",
        "Dec 07 11:03:39 k-gpu-2 kubelet[1712]: I1207 11:03:39.870001    1712 eviction_manager.go:616] "
        "\"Eviction manager: pod is evicted successfully\" pod=\"ml/pytorchjob-diffusion-ft-worker-1\""}},
      {"kubectl",
       {"$ kubectl describe pod pytorchjob-diffusion-ft-worker-1 -n ml",
        "Node:             k-gpu-2/10.20.0.2",
        "Status:           Failed",
        "Reason:           Evicted",
        "Message:          The node was low on resource: memory. Threshold quantity: 100Mi, available: 81Mi.",
        "  MemoryPressure   True    Mon, 07 Dec 2026 11:04:02 +0000   Mon, 07 Dec 2026 11:03:31 +0000   "
        "KubeletHasInsufficientMemory   kubelet has insufficient memory available",
        "  DiskPressure     False   Mon, 07 Dec 2026 11:04:02 +0000   Mon, 01 Dec 2026 08:00:00 +0000   "
        "KubeletHasNoDiskPressure   kubelet has no disk pressure"}},
  });
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause != "storage_failure");
}


// `nvidia-smi nvlink -s` prints a "GPU N: NAME (UUID: ...)" header and that GPU's links indented
// below it; a down link reads "Link 13: <inactive>". The section rule knew only the -q bus-id header
// and ibstat's "CA '...'", so the inactive link was the node's, not GPU N's (realistic4
// case-rl4-06: answered the node for a slow job whose one GPU had an NVLink down).
TEST_CASE("realistic4: an inactive link under nvidia-smi nvlink -s's GPU header is that GPU's (RL4)") {
  std::vector<std::string> smi = {"$ nvidia-smi nvlink -s"};
  for (int g = 2; g <= 3; ++g) {
    smi.push_back("GPU " + std::to_string(g) + ": NVIDIA H200 (UUID: GPU-77aa01" + std::to_string(g) +
                  "0-1b2c-4d5e-8f90-123456789abc)");
    for (int l = 0; l < 18; ++l) {
      std::string v = (g == 3 && l == 5) ? "<inactive>" : "26.562 GB/s";
      smi.push_back("\t Link " + std::to_string(l) + ": " + v);
    }
  }
  DiagnosisCase c = K8sCase({
      {"k-gpu-1/rank0/stdout",
       {" [2026-12-07 09:10:00] iteration     2200/  100000 | elapsed time per iteration (ms): 3100.2 | lm loss: "
        "2.301E+00 |",
        " [2026-12-07 09:10:05] iteration     2201/  100000 | elapsed time per iteration (ms): 4720.9 | lm loss: "
        "2.299E+00 |"}},
      {"k-gpu-2/journal",
       {"Dec 07 09:09:51 k-gpu-2 nv-fabricmanager[2210]: [Dec 07 2026 09:09:51] [ERROR] [tid 2231] detected "
        "NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:0a:00.0 physical id 1 port 9",
        "Dec 07 09:09:51 k-gpu-2 kernel: nvidia-nvswitch1: SXid (PCI:0000:0a:00.0): 12028, Non-fatal, Link 09 "
        "egress non-posted PRIV error (First)"}},
      {"k-gpu-2/nvidia-smi", smi},
  });
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "k-gpu-2/gpu3");
}

// The same output run through pdsh (`pdsh -w k-gpu-[1-2] nvidia-smi nvlink -s`): every line starts with
// its host's label ("k-gpu-2: GPU 3: ...", "k-gpu-2: \t Link 5: <inactive>") and the hosts' lines
// interleave. Before (GP), the label hid the row's indentation and the header, so the inactive link
// was the node's (`k-gpu-2`), not GPU 3's.
TEST_CASE("realistic4: a pdsh'd nvidia-smi nvlink -s places a link row on its host's GPU header (GP)") {
  std::vector<std::string> smi = {"[root@ops-01 ~]# pdsh -w k-gpu-[1-2] nvidia-smi nvlink -s"};
  for (int g = 2; g <= 3; ++g) {
    for (const char* host : {"k-gpu-1", "k-gpu-2"}) {
      smi.push_back(std::string(host) + ": GPU " + std::to_string(g) + ": NVIDIA H200 (UUID: GPU-77aa01" +
                    std::to_string(g) + "0-1b2c-4d5e-8f90-123456789abc)");
    }
    for (int l = 0; l < 18; ++l) {
      for (const char* host : {"k-gpu-2", "k-gpu-1"}) {  // the hosts' rows interleave
        const bool down = g == 3 && l == 5 && std::string(host) == "k-gpu-2";
        smi.push_back(std::string(host) + ": \t Link " + std::to_string(l) + ": " + (down ? "<inactive>" : "26.562 GB/s"));
      }
    }
  }
  std::vector<Source> sources = {
      {"k-gpu-1/rank0/stdout",
       {" [2026-12-07 09:10:00] iteration     2200/  100000 | elapsed time per iteration (ms): 3100.2 | lm loss: "
        "2.301E+00 |",
        " [2026-12-07 09:10:05] iteration     2201/  100000 | elapsed time per iteration (ms): 4720.9 | lm loss: "
        "2.299E+00 |"}},
      {"k-gpu-2/journal",
       {"Dec 07 09:09:51 k-gpu-2 nv-fabricmanager[2210]: [Dec 07 2026 09:09:51] [ERROR] [tid 2231] detected "
        "NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:0a:00.0 physical id 1 port 9",
        "Dec 07 09:09:51 k-gpu-2 kernel: nvidia-nvswitch1: SXid (PCI:0000:0a:00.0): 12028, Non-fatal, Link 09 "
        "egress non-posted PRIV error (First)"}},
      {"ops/nvlink-status.txt", smi},
  };
  Diagnosis d = RunWithPack(K8sCase(sources));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "k-gpu-2/gpu3");
  // clush labels the same way ("k-gpu-2: ..."); with one space after the label ("k-gpu-2:  Link 5")
  // the row is still indented under its header.
  for (std::string& l : sources[2].lines) {
    if (size_t p = l.find(": \t Link"); p != std::string::npos) l.replace(p, 4, ":  ");
  }
  sources[2].lines[0] = "[root@ops-01 ~]# clush -w k-gpu-[1-2] nvidia-smi nvlink -s";
  Diagnosis e = RunWithPack(K8sCase(sources));
  CHECK(e.component == "k-gpu-2/gpu3");
  // Guard: a header of another host does not head a host's row (k-gpu-2's GPU 3 header removed: the
  // row above it of the same host is GPU 2's, k-gpu-1's GPU 3 header is no header for it).
  std::vector<Source> other = sources;
  std::vector<std::string>& rows = other[2].lines;
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const std::string& l) { return l.rfind("k-gpu-2: GPU 3:", 0) == 0; }),
             rows.end());
  Diagnosis f = RunWithPack(K8sCase(other));
  CHECK(f.component != "k-gpu-2/gpu3");
}

// The same header is every row of `nvidia-smi -L`: a line that is no indented row under it is not
// placed on the last GPU listed.
TEST_CASE("realistic4: nvidia-smi -L's GPU list does not place the lines after it (RL4 guard)") {
  std::vector<std::string> smi = {"$ nvidia-smi -L"};
  for (int g = 0; g < 8; ++g) {
    smi.push_back("GPU " + std::to_string(g) + ": NVIDIA H200 (UUID: GPU-77aa01" + std::to_string(g) +
                  "0-1b2c-4d5e-8f90-123456789abc)");
  }
  smi.push_back("$ journalctl -u nvidia-fabricmanager | tail -1");
  smi.push_back("Dec 07 09:09:51 k-gpu-2 nv-fabricmanager[2210]: [Dec 07 2026 09:09:51] [ERROR] [tid 2231] detected "
                "NVSwitch fatal error 20034 on fid 0 on NVSwitch pci bus id 00000000:0a:00.0 physical id 1 port 9");
  smi.push_back("Dec 07 09:09:51 k-gpu-2 kernel: nvidia-nvswitch1: SXid (PCI:0000:0a:00.0): 20034, Fatal, Link 09 "
                "LTSSM Fault Up");
  DiagnosisCase c = K8sCase({{"k-gpu-2/diag", smi}});
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "k-gpu-2");
}


// A pasted `nvidia-smi --query-gpu=index,...,clocks_event_reasons.hw_power_brake_slowdown
// --format=csv,noheader` table with the brake active on every GPU of one node, beside one GPU's -q
// section: the brake is the node's power (PSU, BMC), not the GPU the -q paste happened to show
// (realistic4 case-rl4-08: answered node/gpu0).
TEST_CASE("realistic4: a power-brake table of one node's GPUs makes the brake the node's (RL4)") {
  std::vector<std::string> smi = {
      "$ nvidia-smi --query-gpu=index,clocks.sm,power.draw,clocks_event_reasons.hw_power_brake_slowdown "
      "--format=csv,noheader"};
  for (int g = 0; g < 8; ++g) smi.push_back(std::to_string(g) + ", 690 MHz, 205.1" + std::to_string(g) + " W, Active");
  smi.push_back("$ nvidia-smi -q -d PERFORMANCE -i 4");
  smi.push_back("GPU 00000000:9A:00.0");
  smi.push_back("    Clocks Event Reasons");
  smi.push_back("        SW Power Cap                      : Not Active");
  smi.push_back("        HW Slowdown                       : Active");
  smi.push_back("            HW Thermal Slowdown           : Not Active");
  smi.push_back("            HW Power Brake Slowdown       : Active");
  DiagnosisCase c = K8sCase({
      {"k-gpu-1/rank0/stdout",
       {" [2026-12-07 09:10:00] iteration     2200/  100000 | elapsed time per iteration (ms): 3100.2 |",
        " [2026-12-07 09:10:09] iteration     2201/  100000 | elapsed time per iteration (ms): 8410.7 |"}},
      {"k-gpu-3/nvidia-smi", smi},
  }, /*hgx_bus_ids=*/true);
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "k-gpu-3");
}

// Review RV-RL4: the power-brake table alone (no -q section beside it) was no evidence at all: the
// minority rule dropped a brake held on every GPU series there is (one node's 8 GPUs, all braked by
// its failed PSU), and the case answered `unknown @ job`. The hardware power brake is asserted by
// the system (PSU, BMC), never a cluster's normal state.
TEST_CASE("review RV-RL4: a power-brake table alone, every GPU of the node braked, is the node's power throttle") {
  std::vector<std::string> smi = {
      "$ nvidia-smi --query-gpu=index,clocks.sm,power.draw,clocks_event_reasons.hw_power_brake_slowdown "
      "--format=csv,noheader"};
  for (int g = 0; g < 8; ++g) {
    std::string row = std::to_string(g);
    row += ", 705 MHz, 188.4";
    row += std::to_string(g);
    row += " W, Active";
    smi.push_back(row);
  }
  DiagnosisCase c = K8sCase({{"k-gpu-2/nvidia-smi", smi}});
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "k-gpu-2");
}

// Its guard: a table where the brake is Not Active everywhere (the GPUs idle at low clocks) is no
// power throttle.
TEST_CASE("review RV-RL4: a power-brake table with the brake Not Active on every GPU is no power throttle") {
  std::vector<std::string> smi = {
      "$ nvidia-smi --query-gpu=index,clocks.sm,power.draw,clocks_event_reasons.hw_power_brake_slowdown "
      "--format=csv,noheader"};
  for (int g = 0; g < 8; ++g) {
    std::string row = std::to_string(g);
    row += ", 345 MHz, 71.0";
    row += std::to_string(g);
    row += " W, Not Active";
    smi.push_back(row);
  }
  DiagnosisCase c = K8sCase({{"k-gpu-2/nvidia-smi", smi}});
  Diagnosis d = RunWithPack(c);
  CHECK(d.root_cause != "gpu_power_throttle");
}

// Review RV-RL4: a paste indented as a whole (a ticket's or chat's code block: every line starts
// with four spaces) made every line after `nvidia-smi -L`'s list "indented below" its last row, so
// an illegal memory access printed after the list was placed on GPU 7 (the list's last header) and
// answered `k-gpu-2/gpu7` instead of the node. A header heads only lines indented deeper than it.
TEST_CASE("review RV-RL4: in a paste indented as a whole, nvidia-smi -L's last row does not head the lines after it") {
  auto paste = [](const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& l : lines) {
      std::string s = "    ";
      s += l;
      out.push_back(s);
    }
    return out;
  };
  std::vector<std::string> list = {"$ nvidia-smi -L"};
  for (int g = 0; g < 8; ++g) {
    std::string row = "GPU ";
    row += std::to_string(g);
    row += ": NVIDIA A100-SXM4-80GB (UUID: GPU-5c0e2b1";
    row += std::to_string(g);
    row += "-8d3f-4a6e-b921-0f7c3d2e1a90)";
    list.push_back(row);
  }
  std::vector<std::string> ima = list;
  ima.push_back("$ tail -2 /var/log/train/worker.log");
  ima.push_back("RuntimeError: CUDA error: an illegal memory access was encountered");
  ima.push_back("Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.");
  Diagnosis d = RunWithPack(K8sCase({{"k-gpu-2/ticket", paste(ima)}}));
  CHECK(d.root_cause == "illegal_memory_access");
  CHECK(d.component == "k-gpu-2");

  // The same indentation around `nvidia-smi nvlink -s`: its link rows are still deeper than their
  // header, so the inactive link stays GPU 4's.
  std::vector<std::string> links = {"$ nvidia-smi nvlink -s -i 4"};
  links.push_back(list[5]);
  for (int l = 0; l < 12; ++l) {
    std::string row = "\t Link ";
    row += std::to_string(l);
    row += l == 9 ? ": <inactive>" : ": 25 GB/s";
    links.push_back(row);
  }
  d = RunWithPack(K8sCase({{"k-gpu-2/ticket", paste(links)}}));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "k-gpu-2/gpu4");
}

}  // namespace
}  // namespace vigil
