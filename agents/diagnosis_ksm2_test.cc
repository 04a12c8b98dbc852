// Where an alert is (KSM2, 2026-12-03), through the diagnosis agent as `vigil diagnose --case` and
// alert triage run it (the shipped pack, no probe answering):
//   - an alert naming its host by an FQDN (`instance="gpu-n23.ml.example.net:9100"`) in a case whose
//     series, topology or logs name it `gpu-n23` is placed on the case's spelling (realistic17
//     rl17-08's alert beside the series Prometheus holds for the host); alone, it keeps its FQDN; two
//     FQDNs of different domains are never one node;
//   - an alert naming only its pod (`pod`, `instance` = the scraped target's address) is not placed on
//     that address; kube_pod_info in the case places it; kube-state-metrics' own `node` (honor_labels
//     with a node relabelling) is not its node.
// Own host, pod and address names; label sets as the charts write them (scrape_labels_test.cc has
// the whole sets).
#include <doctest/doctest.h>

#include <string>

#include "agents/agent_run_testing.h"

namespace vigil {
namespace {

constexpr const char* kStartsAt = "2026-12-03T16:05:00Z";
constexpr int64_t kT0 = 1796313900000;  // kStartsAt

Json Series(const std::string& name, Json labels, double value) {
  Json s = Json::object();
  s["name"] = name;
  s["labels"] = std::move(labels);
  Json samples = Json::array();
  for (int i = 0; i < 12; ++i) samples.push_back(Json::array({kT0 - 600000 + i * 60000, value}));
  s["samples"] = std::move(samples);
  return s;
}

// The DCGM temperature of host `hostname`'s 8 GPUs, as dcgm-exporter labels them.
Json DcgmSeries(const std::string& hostname) {
  Json m = Json::array();
  for (int g = 0; g < 8; ++g) {
    m.push_back(Series("DCGM_FI_DEV_GPU_TEMP", {{"Hostname", hostname}, {"gpu", std::to_string(g)},
                                                {"instance", "10.1.0.23:9400"}, {"job", "dcgm-exporter"}},
                       55));
  }
  return m;
}

// A case of one alert (`labels`, a PCIe or Xid summary), `metrics`, optional topology nodes.
Json CaseOf(Json labels, const std::string& summary, Json metrics = Json::array(), Json nodes = Json()) {
  Json j = Json::object();
  j["id"] = "ksm2";
  j["alert"] = {{"labels", std::move(labels)}, {"annotations", {{"summary", summary}}}, {"startsAt", kStartsAt}};
  j["logs"] = Json::array();
  j["metrics"] = std::move(metrics);
  j["probes"] = Json::object();
  if (!nodes.is_null()) j["topology"] = {{"nodes", std::move(nodes)}, {"gpus_per_node", 8}};
  return j;
}

Diagnosis Run(const Json& case_json) { return testing::RunAgentWithPack(case_json); }

bool Said(const Diagnosis& d, const std::string& part) { return testing::SaidInUnverified(d, part); }

const char* kPcie = "PCIe link of device 0000:3a:00.0 trained at x4 (max x16)";

Json PcieAlert(const std::string& key, const std::string& value) {
  Json l = {{"alertname", "GPUPCIeLinkDowngraded"}, {"job", "node"}, {"pci_bus", "0000:3a:00.0"}, {"severity", "warning"}};
  l[key] = value;
  return l;
}

}  // namespace

TEST_CASE("ksm2: an alert's FQDN is placed on the name the case's series and topology use") {
  SUBCASE("instance FQDN, Prometheus' series under the short name (rl17-08's alert with its series)") {
    Json m = DcgmSeries("gpu-n23");
    m.push_back(Series("node_uname_info", {{"nodename", "gpu-n23"}, {"instance", "gpu-n23.ml.example.net:9100"}}, 1));
    const Diagnosis d = Run(CaseOf(PcieAlert("instance", "gpu-n23.ml.example.net:9100"), kPcie, m));
    CHECK(d.root_cause == "pcie_link_degraded");
    CHECK(d.component == "gpu-n23");  // main: gpu-n23.ml.example.net
  }
  SUBCASE("Hostname FQDN, the topology's short names") {
    Json l = {{"alertname", "GpuXidError"}, {"Hostname", "GPU-N23.ml.example.net"}, {"gpu", "1"}, {"xid", "79"}};
    const Diagnosis d = Run(CaseOf(l, "Xid 79 on GPU 1: GPU has fallen off the bus", Json::array(),
                                   Json::array({"gpu-n21", "gpu-n22", "gpu-n23", "gpu-n24"})));
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component == "gpu-n23/gpu1");  // main: GPU-N23.ml.example.net/gpu1
  }
  SUBCASE("the topology's FQDN wins over a series' short name for a short-named alert") {
    Json l = {{"alertname", "GpuXidError"}, {"node", "gpu-n23"}, {"gpu", "1"}, {"xid", "79"}};
    const Diagnosis d = Run(CaseOf(l, "Xid 79 on GPU 1: GPU has fallen off the bus", DcgmSeries("gpu-n23"),
                                   Json::array({"gpu-n22.ml.example.net", "gpu-n23.ml.example.net"})));
    CHECK(d.component == "gpu-n23.ml.example.net/gpu1");
  }
  SUBCASE("nothing shorter known: the FQDN is kept") {
    const Diagnosis d = Run(CaseOf(PcieAlert("instance", "gpu-n23.ml.example.net:9100"), kPcie));
    CHECK(d.component == "gpu-n23.ml.example.net");
  }
  SUBCASE("two FQDNs of different domains are never one node") {
    // The alert's FQDN beside another domain's host of the same first label: the alert's kept.
    Json l = {{"alertname", "GpuXidError"}, {"Hostname", "gpu-n23.a.example.net"}, {"gpu", "1"}, {"xid", "79"}};
    Diagnosis d = Run(CaseOf(l, "Xid 79 on GPU 1: GPU has fallen off the bus", DcgmSeries("gpu-n23.b.example.net")));
    CHECK(d.component == "gpu-n23.a.example.net/gpu1");
    // A short-named alert beside both: neither taken.
    Json m = DcgmSeries("gpu-n23.a.example.net");
    for (Json& s : DcgmSeries("gpu-n23.b.example.net")) m.push_back(s);
    l = {{"alertname", "GpuXidError"}, {"Hostname", "gpu-n23"}, {"gpu", "1"}, {"xid", "79"}};
    d = Run(CaseOf(l, "Xid 79 on GPU 1: GPU has fallen off the bus", m));
    CHECK(d.component == "gpu-n23/gpu1");
  }
}

TEST_CASE("ksm2: a pod-only alert is not placed on its scrape target's address") {
  const char* xid = "Xid 79 on GPU 5 of pod ml/trainer-0: GPU has fallen off the bus";
  const Json pod_alert = {{"alertname", "TrainerGpuLost"}, {"namespace", "ml"},      {"pod", "trainer-0"},
                          {"gpu", "5"},                    {"xid", "79"},           {"instance", "10.244.7.20:8000"},
                          {"job", "kubernetes-pods"},      {"severity", "critical"}};
  SUBCASE("no kube_pod_info: the pod, its node unknown") {
    const Diagnosis d = Run(CaseOf(pod_alert, xid));
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component.find("10.244.7.20") == std::string::npos);  // main: 10.244.7.20/gpu5
    for (const Hypothesis& h : d.hypotheses) CHECK(h.component.find("10.244.7.20") == std::string::npos);
    CHECK(Said(d, "pod ml/trainer-0: the alert names no node and no kube_pod_info series says which node the pod "
                  "runs on; its node is unknown (its instance 10.244.7.20:8000 is the scraped target's address, "
                  "not the pod's node)"));
  }
  SUBCASE("kube_pod_info in the case places it") {
    Json m = Json::array({Series("kube_pod_info", {{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-7"},
                                                   {"host_ip", "10.0.0.7"}, {"job", "kube-state-metrics"}},
                                 1)});
    CHECK(Run(CaseOf(pod_alert, xid, m)).component == "gpu-7/gpu5");
  }
  SUBCASE("kube-state-metrics' own node under honor_labels is not the pod's; kube_pod_info's is") {
    // The community chart's kubernetes-service-endpoints job: `node` is kube-state-metrics' (infra-1).
    Json l = {{"alertname", "KubePodGpuLost"},
              {"namespace", "ml"},
              {"pod", "trainer-0"},
              {"container", "trainer"},
              {"uid", "0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71"},
              {"gpu", "5"},
              {"xid", "79"},
              {"instance", "10.244.1.5:8080"},
              {"job", "kubernetes-service-endpoints"},
              {"service", "prometheus-kube-state-metrics"},
              {"app_kubernetes_io_name", "kube-state-metrics"},
              {"node", "infra-1"}};
    Json m = Json::array({Series("kube_pod_info", {{"namespace", "ml"}, {"pod", "trainer-0"}, {"node", "gpu-7"},
                                                   {"host_ip", "10.0.0.7"}, {"pod_ip", "10.244.7.20"},
                                                   {"created_by_kind", "StatefulSet"}, {"service", "prometheus-kube-state-metrics"},
                                                   {"job", "kubernetes-service-endpoints"}},
                                 1)});
    Diagnosis d = Run(CaseOf(l, xid, m));
    CHECK(d.component == "gpu-7/gpu5");  // main: infra-1/gpu5
    bool said = false;
    for (const Evidence& e : d.evidence) {
      said = said || (e.source == "kube_pod_info" &&
                      e.detail.find("its `node` label (infra-1) is not read: on a kube-state-metrics series about another pod "
                                    "it is kube-state-metrics' own node") != std::string::npos);
    }
    CHECK(said);
    // No kube_pod_info: neither infra-1 nor kube-state-metrics' address.
    d = Run(CaseOf(l, xid));
    CHECK(d.component.find("infra-1") == std::string::npos);
    CHECK(d.component.find("10.244.1.5") == std::string::npos);
    CHECK(Said(d, "(its `node` label infra-1 may be kube-state-metrics' own node: not read)"));
  }
}

// The lead, after realistic18's blind run (rl18-15, seen): dcgm-exporter's `Hostname` is its own
// generated pod name with no `pod` label beside it, so the alert is named by its `instance` address
// only; a pasted `kubectl get nodes -o wide` ties that address (INTERNAL-IP) to a node. Before: the
// answer was placed on the exporter's pod name (`nvidia-dcgm-exporter-q7w2x/gpu2`).
TEST_CASE("ksm2: an alert named by an exporter pod's Hostname and an address the case ties to a node is that node's") {
  Json l = {{"alertname", "GpuXidError"},       {"Hostname", "nvidia-dcgm-exporter-q7w2x"},
            {"container", "nvidia-dcgm-exporter"}, {"gpu", "2"},
            {"instance", "10.40.7.12:9400"},     {"job", "nvidia-dcgm-exporter"},
            {"xid", "79"}};
  Json j = CaseOf(l, "Xid 79 on GPU 2: GPU has fallen off the bus", Json::array(),
                  Json::array({"h100-a11", "h100-a12", "h100-a13"}));
  j["logs"] = Json::array({{{"source", "ops/shell"},
                            {"lines", Json::array({"$ kubectl get nodes -o wide",
                                                   "NAME       STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP",
                                                   "h100-a11   Ready    <none>   90d   v1.30.6   10.40.7.11    <none>",
                                                   "h100-a12   Ready    <none>   90d   v1.30.6   10.40.7.12    <none>",
                                                   "h100-a13   Ready    <none>   90d   v1.30.6   10.40.7.13    <none>"})}}});
  Diagnosis d = Run(j);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "h100-a12/gpu2");
  CHECK_FALSE(Said(d, "the alert's node is unknown"));
  // Without the nodes table the address stays the alert's only name, and the answer says so.
  j["logs"] = Json::array();
  d = Run(j);
  CHECK(d.component == "10.40.7.12/gpu2");
}

namespace {

// A case of logs only (no alert, metrics or probes) on two nodes `a` and `b`.
Json LogsOnlyCase(const std::string& id, const std::string& a, const std::string& b, Json logs) {
  Json j = Json::object();
  j["id"] = id;
  j["alert"] = nullptr;
  j["metrics"] = Json::array();
  j["probes"] = Json::object();
  j["topology"] = {{"nodes", Json::array({a, b})}, {"gpus_per_node", 8}};
  j["logs"] = std::move(logs);
  return j;
}

}  // namespace

// The lead, after realistic18's blind run (rl18-01, seen): a task's own NVML call saying "GPU is lost"
// (NVML_ERROR_GPU_IS_LOST) is the GPU leaving the bus, read from the log as the pack's Xid 79 entry's
// signature; before, only a probe's "GPU is lost" was, and the answer was the peers' collective
// timeouts (nccl_collective_hang).
TEST_CASE("ksm2 (lead): a log's NVML 'GPU is lost' is the GPU off the bus, its peers' timeouts its echo") {
  const Json j = LogsOnlyCase("gpu-lost", "trn-01", "trn-02", Json::array({{{"source", "trn-02/train.log"},
                            {"lines", Json::array({
                                "[2026-12-03 20:11:02] iter 900 | loss 2.01",
                                "[healthcheck] nvmlDeviceGetHandleByIndex(3) failed: GPU is lost",
                                "[rank11]: RuntimeError: CUDA error: unknown error",
                            })}},
                           {{"source", "trn-01/train.log"},
                            {"lines", Json::array({
                                "[rank2]:[E1203 20:21:40.118203 60211 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught "
                                "collective operation timeout: WorkNCCL(SeqNum=4122, OpType=ALLREDUCE, NumelIn=5138022, "
                                "NumelOut=5138022, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
                                "[rank5]:[E1203 20:21:40.121877 71020 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught "
                                "collective operation timeout: WorkNCCL(SeqNum=4122, OpType=ALLREDUCE, NumelIn=5138022, "
                                "NumelOut=5138022, Timeout(ms)=600000) ran for 600007 milliseconds before timing out.",
                            })}}}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component.rfind("trn-02", 0) == 0);
}

// The lead, after realistic18's blind run (rl18-16, seen): Transformer Engine debug lines that write
// `amax(fwd S) inf, scale_inv inf` (a tensor role in parentheses, no `=`) are the FP8 entry's
// non-finite amax; before, only `amax=inf` / `scale_inv=inf` were, and the NaN grad norm that follows
// answered loss_divergence.
TEST_CASE("ksm2 (lead): 'amax(fwd S) inf, scale_inv inf' is a non-finite FP8 amax") {
  const Json j = LogsOnlyCase("fp8-inf", "fp8-01", "fp8-02", Json::array({{{"source", "train.out"},
                            {"lines", Json::array({
                                "[2026-12-03 18:31:29] step 820 | reduced_train_loss 2.109 | grad_norm 0.44",
                                "[fp8-debug] step 827 layers.9.self_attention.core_attention amax(fwd S) inf, scale_inv inf",
                                "[fp8-debug] step 827 layers.9.mlp.linear_fc1 amax (bwd dgrad): inf, scale_inv: inf",
                                "[2026-12-03 18:32:19] step 830 | reduced_train_loss nan | grad_norm nan",
                            })}}}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.component == "job");
}

}  // namespace vigil
