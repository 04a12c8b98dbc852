// PLC5 (2026-12-04): the answer's place, continued — rows still placed wrong after PLC4.
//   1. A log whose source is `kubectl describe pod POD` or `kubectl logs|exec POD` is the pod's node's
//      once the case ties the pod to a node; a describe excerpt without its "Name:" line ties its
//      "Node:" to the pod its source command names (KubePodReader::ReadSource, SourceNode).
//   2. `dcgmi discovery -l` rows whose header a grep cut (the pasted command opens the table), and a
//      cell holding both "UUID: GPU-..." and "PCI Bus ID: ..." (GpuIdReader).
//   3. A kernel's "python3[PID]: segfault" is the GPU of the local rank torchelastic's agent reported
//      failed with that pid ("failed (exitcode: -11) local_rank: 5 (pid: PID)"), on the same node.
//   4. A log whose source is `nvidia-smi ... -i N` (or `--id=N`) on a node is GPU N's output.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/gpu_ids.h"
#include "agents/kube_pods.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's diagnosis names `root_cause` at `component`.
void CheckPlaced(const Json& c, const std::string& root_cause, const std::string& component) {
  Diagnosis d = testing::RunCaseWithOwnProbes(c);
  CHECK(d.root_cause == root_cause);
  CHECK(d.component == component);
}

// A vision job of three pods on kc-a100-01..03; pod dino-trainer-1 was OOM-killed by the kubelet.
// `node_line` is the describe excerpt's "Node:" line ("" for none).
Json PodOomCase(const std::string& node_line) {
  std::vector<std::string> describe;
  if (!node_line.empty()) describe.push_back(node_line);
  for (const char* l : {"Containers:", "  dino:", "    Last State:     Terminated", "      Reason:       OOMKilled",
                        "      Exit Code:    137", "    Restart Count:  2", "    Limits:", "      memory:  180Gi"}) {
    describe.push_back(l);
  }
  return Case("t-plc5-pod-oom", {"kc-a100-01", "kc-a100-02", "kc-a100-03"},
              Json::array({Log("kubectl describe pod -n vision dino-trainer-1 | sed -n '/^Node:/p;/Containers:/,/memory:/p'",
                               describe),
                           Log("kubectl logs -n vision dino-trainer-1 --previous | tail -2",
                               {"[2026-12-04 05:12:40] epoch 3 it 1180 | loader workers=16 | host RSS 176.2 GiB",
                                "[2026-12-04 05:12:58] caching decoded crops in RAM: 41.0 GiB more"})}));
}

TEST_CASE("plc5: KubePodReader ties a describe excerpt's Node: to the pod its source command names") {
  KubePodReader r;
  r.ReadSource("kubectl describe pod -n vision dino-trainer-1 (excerpt)");
  std::vector<KubePodFact> f = r.Read("Node:             kc-a100-02/10.12.0.2");
  REQUIRE(f.size() == 2);
  CHECK(f[0].pod == "dino-trainer-1");
  CHECK(f[0].node == "kc-a100-02");
  // Another source (no describe pod command) names no pod: a nameless "Node:" ties nothing.
  KubePodReader other;
  other.ReadSource("kubectl get events -n vision");
  CHECK(other.Read("Node:             kc-a100-02/10.12.0.2").empty());
  KubePodReader node_kind;
  node_kind.ReadSource("kubectl describe node kc-a100-02");
  CHECK(node_kind.Read("Node:             kc-a100-02/10.12.0.2").empty());
}

TEST_CASE("plc5: a pod's OOM kill read from kubectl describe / logs sources is its node's") {
  // Before: job (the pod's node was named only by the describe excerpt, whose "Name:" line was cut).
  CheckPlaced(PodOomCase("Node:             kc-a100-02/10.12.0.2"), "host_oom", "kc-a100-02");
}

TEST_CASE("plc5: a pod's OOM kill with no line naming its node stays the job's (guard)") {
  CheckPlaced(PodOomCase(""), "host_oom", "job");
}

TEST_CASE("plc5: dcgmi discovery rows under a grep that cut the header tie their GPU's names") {
  GpuIdReader r;
  CHECK(r.Read("$ dcgmi discovery -l | grep -B1 -A2 'Name: NVIDIA A100' | sed -n 9,12p").empty());
  CHECK(r.Read("| 6      | Name: NVIDIA A100-SXM4-80GB                                          |").empty());
  std::vector<GpuIds> both = r.Read("|        | UUID: GPU-4c2e9f70-1a3b-4d58-9e06-b7f1c2d3e4a5  PCI Bus ID: 00000000:C7:00.0 |");
  REQUIRE(both.size() == 1);
  CHECK(both[0].index == 6);
  CHECK(both[0].bus == "0000:c7:00");
  CHECK(both[0].uuid == "gpu-4c2e9f70-1a3b-4d58-9e06-b7f1c2d3e4a5");
  // Without the command or the header, a bordered row is no dcgmi row.
  GpuIdReader bare;
  bare.Read("| 6      | Name: NVIDIA A100-SXM4-80GB                                          |");
  CHECK(bare.Read("|        | Device UUID: GPU-4c2e9f70-1a3b-4d58-9e06-b7f1c2d3e4a5 |").empty());
}

// A device plugin marking a GPU unhealthy by UUID on dg-04; `discovery` is the responder's dcgmi paste.
Json UuidXidCase(const std::vector<std::string>& discovery) {
  std::vector<std::string> shell = {"$ hostname", "dg-04"};
  shell.insert(shell.end(), discovery.begin(), discovery.end());
  return Case("t-plc5-uuid-xid", {"dg-03", "dg-04"},
              Json::array({Log("dg-04/nvidia-device-plugin.log",
                               {"I1204 04:51:10.118 health.go:227] XidCriticalError: Xid=79 on "
                                "Device=GPU-4c2e9f70-1a3b-4d58-9e06-b7f1c2d3e4a5; marking device as unhealthy."}),
                           Log("dg-04/ops-shell", shell)}));
}

TEST_CASE("plc5: an Xid 79 named by UUID is the GPU dcgmi discovery's grep'd rows tie the UUID to") {
  // Before: dg-04 (the header cut, the rows were not read as dcgmi's).
  CheckPlaced(UuidXidCase(
      {"$ dcgmi discovery -l | grep -B2 -A1 4c2e9f70",
       "| 6      | Name: NVIDIA A100-SXM4-80GB                                          |",
       "|        | PCI Bus ID: 00000000:C7:00.0                                         |",
       "|        | Device UUID: GPU-4c2e9f70-1a3b-4d58-9e06-b7f1c2d3e4a5                |"}), "gpu_fallen_off_bus", "dg-04/gpu6");
}

TEST_CASE("plc5: an Xid 79 named by a UUID no line ties to an index stays on the node (guard)") {
  CheckPlaced(UuidXidCase(
      {"$ dcgmi discovery -l | grep -B2 -A1 4c2e9f70",
       "| 6      | Name: NVIDIA A100-SXM4-80GB                                          |",
       "|        | Device UUID: GPU-9f9f9f9f-1a3b-4d58-9e06-b7f1c2d3e4a5                |"}), "gpu_fallen_off_bus", "dg-04");
}

// A job on gx-06..07 whose worker segfaulted in a custom CUDA extension; the agent's failure line on
// gx-07 names local rank 5 and pid `agent_pid`; the kernel's line names pid 30412.
Json SegfaultCase(int agent_pid) {
  return Case("t-plc5-segv", {"gx-06", "gx-07"},
              Json::array({Log("gx-07/torchrun-agent.log",
                               {"[2026-12-04 06:02:11] WARNING:torch.distributed.elastic.multiprocessing.api:Sending "
                                "process 30410 closing signal SIGTERM",
                                "E1204 06:02:12.771000 30388 torch/distributed/elastic/multiprocessing/api.py:869] "
                                "failed (exitcode: -11) local_rank: 5 (pid: " +
                                    std::to_string(agent_pid) + ") of binary: /opt/conda/bin/python"}),
                           Log("gx-07/kern.log",
                               {"Dec  4 06:02:10 gx-07 kernel: python[30412]: segfault at 7f2e00000010 ip "
                                "00007f2e8c1d42b0 sp 00007ffd5a1e3c80 error 6 in flash_attn_2_cuda.so[7f2e8bc00000+"
                                "3f1000] likely on CPU 41 (core 9, socket 0)"})}));
}

TEST_CASE("plc5: a kernel segfault of the pid torchelastic reported failed as local_rank 5 is GPU 5's") {
  // Before: gx-07 (the pid was tied to no rank: the agent's line names a local rank, no global one).
  CheckPlaced(SegfaultCase(30412), "rank_process_crash", "gx-07/gpu5");
}

TEST_CASE("plc5: a segfault of a pid no failure line names stays on the node (guard)") {
  CheckPlaced(SegfaultCase(30415), "rank_process_crash", "gx-07");
}

// A slow job; the responder read one GPU's clocks on th-02 with `source` (rank map: th-02 holds
// ranks 8-15, local 0-7).
Json ThrottleCase(const std::string& source) {
  return Case("t-plc5-smi-i", {"th-01", "th-02"},
              Json::array({Log("train.log (rank 0)",
                               {"[2026-12-04 06:40:00] step 9000 | 3.12 s/step (baseline 2.40) | slowest rank 11"}),
                           Log(source,
                               {"    Clocks Event Reasons", "        HW Slowdown                       : Active",
                                "            HW Thermal Slowdown           : Active",
                                "        SW Thermal Slowdown               : Active", "    Temperature",
                                "        GPU Current Temp                  : 92 C",
                                "        GPU Slowdown Temp                 : 90 C"})}));
}

TEST_CASE("plc5: a throttle read from `nvidia-smi -q -i 3` on a node is GPU 3's") {
  for (const char* source : {"ssh th-02 nvidia-smi -q -i 3 -d PERFORMANCE,TEMPERATURE | sed -n 8,20p",
                             "ssh th-02 nvidia-smi --id=3 -q -d PERFORMANCE,TEMPERATURE"}) {
    CAPTURE(source);
    // Before: th-02 (the command's -i named no GPU).
    CheckPlaced(ThrottleCase(source), "gpu_thermal_throttle", "th-02/gpu3");
  }
}

TEST_CASE("plc5: a grep -i or a list of GPUs in the source names no GPU (guard)") {
  for (const char* source : {"ssh th-02 nvidia-smi -q -d PERFORMANCE,TEMPERATURE | grep -i -A6 'Clocks Event'",
                             "ssh th-02 nvidia-smi -q -i 2,3 -d PERFORMANCE,TEMPERATURE"}) {
    CAPTURE(source);
    CheckPlaced(ThrottleCase(source), "gpu_thermal_throttle", "th-02");
  }
}

}  // namespace
}  // namespace vigil
