// PLC2 (2026-12-04): two placement leftovers of PLC and RG20.
//   1. The alert's own line (AlertFactsLog, AlertFactNotInEvidence) places an address-only alert
//      where the reasoner does (CaseAlertNode: PlaceAlertNode's tie of the address to a node), so the
//      tied node's own kernel log is no longer "another node's".
//   2. A line's explicit source (`ssh NODE`, `kubectl logs POD` of a pod tied to a node) beats the
//      rank layout's guess for a "[rankN]:" prefix; a rank placed by an explicit rank -> host table
//      still beats the source.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/case_alert_node.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

// PLC's case (/tmp/s38/plc/case_tie.json): dcgm-exporter's Xid 79 alert known only by its address,
// which `kubectl get nodes -o wide` ties to h100-a12; `kern` is h100-a12's kernel log.
DiagnosisCase TieCase(const std::string& kern) {
  const std::string text = R"({"id":"tie","alert":{"labels":{"alertname":"GpuXidError","Hostname":"nvidia-dcgm-exporter-q7w2x",
"gpu":"2","instance":"10.40.7.12:9400","job":"nvidia-dcgm-exporter","xid":"79"},
"annotations":{"summary":"Xid 79 on GPU 2: GPU has fallen off the bus"},"startsAt":"2026-12-04T01:05:00Z"},
"logs":[{"source":"ops/shell","lines":["$ kubectl get nodes -o wide",
"NAME       STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP",
"h100-a11   Ready    <none>   90d   v1.30.6   10.40.7.11    <none>",
"h100-a12   Ready    <none>   90d   v1.30.6   10.40.7.12    <none>"]},
{"source":"h100-a12/kern.log","lines":[)" + Json(kern).dump() + R"(]}],
"metrics":[],"topology":{"nodes":["h100-a11","h100-a12"],"gpus_per_node":8}})";
  auto c = ParseCase(testing::ParseCaseText(text), "tie.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *std::move(c);
}

using testing::Case;
using testing::Log;

const char* const kOom =
    "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 3 has a total capacity "
    "of 79.10 GiB of which 1.02 GiB is free. Of the allocated memory 70.1 GiB is allocated by PyTorch.";

}  // namespace

TEST_CASE("plc2: CaseAlertNode places an address-only alert on the node the case ties the address to") {
  DiagnosisCase c = TieCase("Dec  4 01:04:31 h100-a12 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4412, GPU has fallen off the bus.");
  CHECK(CaseAlertNode(c) == "h100-a12");
  // No tie (the kubectl table gone): the address the labels give.
  c.logs.erase(c.logs.begin());
  CHECK(CaseAlertNode(c) == "10.40.7.12");
  c.alert.reset();
  CHECK(CaseAlertNode(c) == "");
}

TEST_CASE("plc2: the tied node's own kernel log holds the alert's Xid: the alert's line is not added") {
  const DiagnosisCase c = TieCase("Dec  4 01:04:31 h100-a12 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4412, GPU has fallen off the bus.");
  // Before PLC2 h100-a12's log counted as another node's (the labels' node was 10.40.7.12), so the
  // Xid was "not in evidence" and the line "GpuXidError firing on 10.40.7.12 GPU 2" was added.
  CHECK_FALSE(AlertFactNotInEvidence(c));
  CHECK_FALSE(AlertFactsLog(c).has_value());
}

TEST_CASE("plc2: the alert's line, when added, names the tied node, not the address") {
  // h100-a12's log names no Xid: the alert's fact is its own, and its line is added on h100-a12.
  const DiagnosisCase c = TieCase("Dec  4 01:04:30 h100-a12 kernel: nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver");
  CHECK(AlertFactNotInEvidence(c));
  const std::optional<CaseLog> log = AlertFactsLog(c);
  REQUIRE(log.has_value());
  CHECK(log->source == "h100-a12/gpu2/alertmanager alert");
  REQUIRE(log->lines.size() == 1);
  CHECK(log->lines[0].text.find("firing on h100-a12 GPU 2") != std::string::npos);
  CHECK(log->lines[0].text.find("instance=\"10.40.7.12:9400\"") != std::string::npos);  // the labels kept
  // Another node's log naming the Xid still does not hold the alert's fact.
  DiagnosisCase other = c;
  other.logs.push_back({"h100-a11/kern.log", {{1, "Dec  4 01:04:31 h100-a11 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4412, GPU has fallen off the bus."}}, 1});
  CHECK(AlertFactNotInEvidence(other));
}

// ---- 2. A line's explicit source beats the rank layout's guess ------------------------------------

TEST_CASE("plc2: a pod's '[rank0]:' OOM read with kubectl logs stays on the pod's node, not rank 0's laid-out node") {
  // RG20's UUID case with the pod on the second node: the layout puts rank 0 on hn-09, the first.
  const std::vector<std::string> lines = {
      "$ kubectl -n ml logs sd3-ft-0 --tail=2",
      "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 0 has a total capacity "
      "of 139.81 GiB of which 1.02 GiB is free. Process 88121 has 71.30 GiB memory in use. Of the allocated memory "
      "60.1 GiB is allocated by PyTorch.",
      "$ kubectl -n ml get pod sd3-ft-0 -o wide | tail -1",
      "sd3-ft-0   0/1   Error   2 (31s ago)   44m   10.244.9.87   hn-10   <none>   <none>",
      "$ kubectl -n ml exec sd3-ft-0 -- printenv NVIDIA_VISIBLE_DEVICES",
      "GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315",
      "$ ssh hn-10 nvidia-smi -L",
      "GPU 0: NVIDIA H200 (UUID: GPU-1f04c6b2-8e71-4d0a-93c5-7a2b0e6d9c11)",
      "GPU 1: NVIDIA H200 (UUID: GPU-5a9b3e20-0d4c-4f17-b6e8-c1f2d7a09b44)",
      "GPU 2: NVIDIA H200 (UUID: GPU-c83d1f57-2b90-4e6a-8d04-95e7f1c3a2d8)",
      "GPU 3: NVIDIA H200 (UUID: GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315)"};
  const Diagnosis d = testing::RunJsonWithPack(Case("pod-uuid-2nd", {"hn-09", "hn-10"}, Json::array({Log("ops/shell", lines)})));
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "hn-10/gpu3");  // main: hn-09/gpu0 (rank 0's laid-out place)
}

TEST_CASE("plc2: a '[rankN]:' line under `ssh NODE` stays on NODE when only the layout places rank N") {
  const Json j = Case("ssh-rank", {"gn-01", "gn-02"},
                      Json::array({Log("ops/shell", {"$ ssh gn-02 tail -n 1 /var/log/train/rank3.log", kOom})}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "gn-02/gpu3");  // main: gn-01/gpu3 (rank 3's laid-out place); GPU 3 the line names
}

TEST_CASE("plc2: a rank an explicit rank -> host line places still beats the line's source") {
  // The job printed where rank 3 runs: the writer ran on gn-01, whichever node's file holds the line.
  const Json j = Case("ssh-rank-tied", {"gn-01", "gn-02"},
                      Json::array({Log("ops/shell", {"$ ssh gn-02 tail -n 1 /shared/train/all.log", kOom}),
                                   Log("launcher/env", {"RANK=3 LOCAL_RANK=3 HOSTNAME=gn-01"})}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "gn-01/gpu3");
}

TEST_CASE("plc2: a log's source path is below the layout: a gathered log's '[rankN]:' goes to rank N's node") {
  const Json j = Case("gathered", {"gn-01", "gn-02"}, Json::array({Log("gn-02/train.log", {"[rank0]: step 100 loss 2.31", kOom})}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "gn-01/gpu3");  // rank 3 laid out on gn-01: the file's node gathered it
}

}  // namespace vigil
