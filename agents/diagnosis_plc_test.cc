// Where the alert is placed, computed once (PLC, 2026-12-04), through the diagnosis agent as
// `vigil diagnose --case` runs it (the shipped pack, no probe answering):
//   - an alert known by an address the case ties to a node (`kubectl get nodes -o wide`'s INTERNAL-IP)
//     or by an FQDN the case spells short is that node's for every rule that asks "is this line on the
//     alert's node?": that node's lines are the alert's first-hand support, another node's are not.
// Own host names and addresses.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "agents/agent_run_testing.h"

namespace vigil {
namespace {

constexpr const char* kStartsAt = "2026-12-04T01:05:00Z";

Json Lines(std::initializer_list<const char*> lines) {
  Json out = Json::array();
  for (const char* l : lines) out.push_back(l);
  return out;
}

Json Log(const std::string& source, Json lines) { return {{"source", source}, {"lines", std::move(lines)}}; }

// One alert (`labels`, `summary`) over `logs`, topology nodes h100-a11..a13.
Json CaseOf(Json labels, const std::string& summary, Json logs) {
  Json j = Json::object();
  j["id"] = "plc";
  j["alert"] = {{"labels", std::move(labels)}, {"annotations", {{"summary", summary}}}, {"startsAt", kStartsAt}};
  j["logs"] = std::move(logs);
  j["metrics"] = Json::array();
  j["probes"] = Json::object();
  j["topology"] = {{"nodes", Json::array({"h100-a11", "h100-a12", "h100-a13"})}, {"gpus_per_node", 8}};
  return j;
}

Diagnosis Run(const Json& case_json) { return testing::RunAgentWithPack(case_json); }

bool Said(const Diagnosis& d, const std::string& part) { return testing::SaidInUnverified(d, part); }

Json NodesTable() {
  return Log("ops/shell", Lines({"$ kubectl get nodes -o wide",
                                 "NAME       STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP",
                                 "h100-a11   Ready    <none>   90d   v1.30.6   10.40.7.11    <none>",
                                 "h100-a12   Ready    <none>   90d   v1.30.6   10.40.7.12    <none>",
                                 "h100-a13   Ready    <none>   90d   v1.30.6   10.40.7.13    <none>"}));
}

const char* kXid79 = "Dec  4 01:04:31 h100-a12 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4412, GPU has fallen off the bus.";
const char* kXid79Other = "Dec  4 01:04:40 h100-a13 kernel: NVRM: Xid (PCI:0000:5d:00): 79, pid=5120, GPU has fallen off the bus.";

void Dump(const Diagnosis& d) {
  MESSAGE(d.root_cause << " " << d.component << " " << d.confidence << " | " << d.summary);
  for (const std::string& u : d.unverified) MESSAGE("  unverified: " << u);
}

}  // namespace

TEST_CASE("plc: an address-only alert the case ties to a node takes that node's lines as its own") {
  Json l = {{"alertname", "GpuXidError"}, {"Hostname", "nvidia-dcgm-exporter-q7w2x"},
            {"gpu", "2"},                 {"instance", "10.40.7.12:9400"},
            {"job", "nvidia-dcgm-exporter"}, {"xid", "79"}};
  Json j = CaseOf(l, "Xid 79 on GPU 2: GPU has fallen off the bus",
                  Json::array({NodesTable(), Log("h100-a12/kern.log", Lines({kXid79}))}));
  Diagnosis d = Run(j);
  Dump(d);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component.rfind("h100-a12/", 0) == 0);
  // h100-a12's kernel line is the alert's node's: first-hand, not "another node than the alert's".
  CHECK_FALSE(Said(d, "another node than the alert's"));
  CHECK_FALSE(Said(d, "suspected"));
  CHECK(d.summary.find("suspected") == std::string::npos);
  // A line of another node (h100-a13) is still another node's.
  j["logs"].push_back(Log("h100-a13/kern.log", Lines({kXid79Other})));
  d = Run(j);
  Dump(d);
  CHECK(d.component.rfind("h100-a12/", 0) == 0);
  CHECK(Said(d, "seen first-hand on 2 nodes at once (h100-a12, h100-a13)"));
  // The probes go to the node, not also to its address as if it were another host.
  CHECK_FALSE(Said(d, "@10.40.7.12"));
  CHECK(Said(d, "node.kernel_log@h100-a12"));
  // Only another node's line: the answer is that node's, and the alert's place is said unconfirmed
  // under the node's name.
  j["logs"] = Json::array({NodesTable(), Log("h100-a13/kern.log", Lines({kXid79Other}))});
  d = Run(j);
  Dump(d);
  CHECK(d.component == "h100-a13");
  CHECK(Said(d, "the alert's gpu2 on h100-a12 was not confirmed; the evidence is about h100-a13"));
}

TEST_CASE("plc: an FQDN alert the case spells short is probed at the case's node only") {
  Json l = {{"alertname", "GpuXidError"}, {"Hostname", "h100-a12.cluster.local"}, {"gpu", "2"},
            {"job", "nvidia-dcgm-exporter"}, {"xid", "79"}};
  Json j = CaseOf(l, "Xid 79 on GPU 2: GPU has fallen off the bus",
                  Json::array({Log("h100-a12/kern.log", Lines({kXid79})), Log("h100-a13/kern.log", Lines({kXid79Other}))}));
  Diagnosis d = Run(j);
  Dump(d);
  CHECK(d.component == "h100-a12/gpu2");
  CHECK(Said(d, "seen first-hand on 2 nodes at once (h100-a12, h100-a13)"));
  CHECK_FALSE(Said(d, "@h100-a12.cluster.local"));
}

// An alert naming only its pod (no node label, no kube_pod_info in the case): the component stays
// `job` (the taxonomy's grammar: node[/gpuN|/mlx5_N] or job), but the answer says which pod.
TEST_CASE("plc: a pod-only alert's answer names the pod") {
  Json l = {{"alertname", "TrainerGpuLost"}, {"namespace", "ml"}, {"pod", "trainer-0"}, {"gpu", "5"}, {"xid", "79"},
            {"instance", "10.244.7.20:8000"}, {"job", "kubernetes-pods"}};
  Json j = CaseOf(l, "Xid 79 on GPU 5: GPU has fallen off the bus", Json::array());
  j.erase("topology");
  Diagnosis d = Run(j);
  Dump(d);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "job");
  // A GPU fault is the pod's GPU's, not "the whole job"'s (main: "gpu_fallen_off_bus on the whole job
  // (no single component)").
  CHECK(d.summary.find("gpu_fallen_off_bus on gpu5 of pod ml/trainer-0 (its node unknown: component `job`)") !=
        std::string::npos);
  CHECK(d.summary.find("the whole job") == std::string::npos);
  bool named = false;
  for (const Evidence& e : d.evidence) {
    named = named || (e.source == "pod ml/trainer-0" && e.weight == 0 &&
                      e.detail.find("kubectl get pod -n ml trainer-0 -o wide") != std::string::npos);
  }
  CHECK(named);
  // A job-wide cause from a pod's alert stays the whole job's, the pod named beside it.
  Json hang = {{"alertname", "NCCLWatchdogTimeout"}, {"namespace", "ml"}, {"pod", "trainer-3"},
               {"instance", "10.244.7.23:8000"}, {"job", "kubernetes-pods"}};
  j = CaseOf(hang, "trainer-3: ProcessGroupNCCL watchdog timeout in ALLREDUCE after 1800000 ms",
             Json::array({Log("trainer-3.log",
                              Lines({"[rank3]:[E1204 01:04:10.112 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective "
                                     "operation timeout: WorkNCCL(SeqNum=88123, OpType=ALLREDUCE, NumelIn=262144, "
                                     "NumelOut=262144, Timeout(ms)=1800000) ran for 1800092 milliseconds before timing out.",
                                     "[rank5]:[E1204 01:04:10.140 ProcessGroupNCCL.cpp:616] [Rank 5] Watchdog caught collective "
                                     "operation timeout: WorkNCCL(SeqNum=88123, OpType=ALLREDUCE, NumelIn=262144, "
                                     "NumelOut=262144, Timeout(ms)=1800000) ran for 1800101 milliseconds before timing out."}))}));
  j.erase("topology");
  d = Run(j);
  Dump(d);
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "job");
  CHECK(d.summary.find("nccl_collective_hang on the whole job (no single component; the alert's pod: ml/trainer-3)") !=
        std::string::npos);
}

namespace {

constexpr int64_t kSeriesT0 = 1796346300000 - 39 * 30000;  // kStartsAt is the last sample

// 40 samples 30 s apart, value(i); the alert fires at the last.
Json Series(const std::string& name, Json labels, const std::function<double(int)>& value) {
  Json s = {{"name", name}, {"labels", std::move(labels)}, {"samples", Json::array()}};
  for (int i = 0; i < 40; ++i) s["samples"].push_back(Json::array({kSeriesT0 + i * 30000, value(i)}));
  return s;
}

// A trainer on one host exporting per-rank times at `instance` (a scrape of the host itself), rank 5
// slower in the last two minutes; a StragglerRank alert for rank 5 with that instance.
Json LoopbackStraggler(const std::string& instance) {
  Json metrics = Json::array();
  for (int r = 0; r < 8; ++r) {
    Json labels = {{"job", "train-a"}, {"rank", std::to_string(r)}, {"gpu", std::to_string(r)}, {"instance", instance}};
    metrics.push_back(Series("compute_ms", labels, [r](int i) { return (r == 5 && i >= 36 ? 470.0 : 300.0) + i % 3; }));
    metrics.push_back(Series("step_time_ms", labels, [](int i) { return i >= 36 ? 650.0 : 480.0; }));
  }
  Json j = Json::object();
  j["id"] = "plc-loopback";
  j["alert"] = {{"labels", {{"alertname", "StragglerRank"}, {"job", "train-a"}, {"instance", instance}, {"rank", "5"}}},
                {"annotations", {{"summary", "rank 5 step compute 55% above its peers"}}},
                {"startsAt", kStartsAt}};
  j["logs"] = Json::array();
  j["metrics"] = std::move(metrics);
  j["probes"] = Json::object();
  return j;
}

}  // namespace

// OPS5: a straggler answered on `127.0.0.1/gpu5`, the loopback address of a single-host scrape. A
// loopback scrape names the host the case names otherwise (node_uname_info's `nodename` at a loopback
// instance, a series' Hostname, the topology's only node), else no host at all.
TEST_CASE("plc: a loopback scrape is never the answer's node") {
  SUBCASE("nothing names the host: the job") {
    Diagnosis d = Run(LoopbackStraggler("127.0.0.1:8000"));
    Dump(d);
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "job");  // main: 127.0.0.1/gpu5
    for (const Hypothesis& h : d.hypotheses) CHECK(h.component.find("127.0.0.1") == std::string::npos);
    CHECK(Said(d, "17 places (series and alert) are named only by a loopback address (instance=\"127.0.0.1:8000\"): "
                  "the scraping host itself, no node's name; no node_uname_info, node label or one-node topology of "
                  "the case names that host, so they are read as no node's"));
  }
  SUBCASE("a series' Hostname names it") {
    Json j = LoopbackStraggler("[::1]:8000");
    j["metrics"].push_back(Series("DCGM_FI_DEV_GPU_TEMP", {{"Hostname", "gpu-host-1"}, {"gpu", "5"}, {"instance", "localhost:9400"}},
                                  [](int) { return 61.0; }));
    Diagnosis d = Run(j);
    CHECK(d.component == "gpu-host-1/gpu5");
    CHECK(Said(d, "read as gpu-host-1 (the one host the case's series and alert name by their node labels)"));
  }
  SUBCASE("the topology's one node names it; two hosts named: none") {
    Json j = LoopbackStraggler("127.0.0.1:8000");
    j["topology"] = {{"nodes", Json::array({"gpu-host-1"})}};
    CHECK(Run(j).component == "gpu-host-1/gpu5");
    j["topology"] = {{"nodes", Json::array({"gpu-host-1", "gpu-host-2"})}};
    CHECK(Run(j).component == "job");
  }
  SUBCASE("node_uname_info at a loopback instance names it") {
    Json j = LoopbackStraggler("localhost:8000");
    j["metrics"].push_back(Series("node_uname_info", {{"instance", "127.0.0.1:9100"}, {"job", "node"}, {"nodename", "gpu-host-1"},
                                                      {"sysname", "Linux"}},
                                  [](int) { return 1.0; }));
    Diagnosis d = Run(j);
    Dump(d);
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "gpu-host-1/gpu5");  // main: localhost/gpu5
    CHECK(Said(d, "read as gpu-host-1 (the nodename of node_uname_info scraped at a loopback instance)"));
  }
}

}  // namespace vigil
