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

}  // namespace vigil
