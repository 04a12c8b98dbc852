// TRI2: live triage reads the job's other nodes' series (peer_series.h): a fake Prometheus
// (query_range through TriageOptions::query_peers) answering the job's node list and the nodes'
// node_ethtool pause counters. tests/diagnose_alert_peers_test.sh runs the same against a real one.
#include "agents/peer_series.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/label_value.h"
#include "agents/pod_node.h"
#include "connectors/slurm_testing.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;
constexpr int64_t kMin = 60'000;

// A counter sampled every 30 s over [kT0 - 20 min, kT0 + 5 min): flat at `base`, rising by `step` a
// sample from kT0 - 10 min when `step` > 0.
TimeSeries Counter(const std::string& name, const Labels& labels, double base, double step) {
  TimeSeries s;
  s.name = name;
  s.labels = labels;
  double v = base;
  for (int64_t t = kT0 - 20 * kMin; t < kT0 + 5 * kMin; t += 30'000) {
    if (t >= kT0 - 10 * kMin) v += step;
    s.timestamps_ms.push_back(t);
    s.values.push_back(v);
  }
  return s;
}

// node-c's NIC sends the pause storm, node-a (the alert's) and node-b receive it. The node_exporter
// series name their node by `instance` (host:port), node-b's by `Hostname` (a relabelled scrape).
std::vector<TimeSeries> Storm() {
  const Labels a{{"instance", "node-a:9100"}, {"device", "ens7np0"}, {"job", "node-exporter"}};
  const Labels b{{"Hostname", "node-b"}, {"device", "ens7np0"}, {"job", "node-exporter"}};
  const Labels c{{"instance", "node-c:9100"}, {"device", "ens7np0"}, {"job", "node-exporter"}};
  return {Counter("node_ethtool_tx_prio3_pause", a, 100, 0), Counter("node_ethtool_rx_prio3_pause", a, 50, 2.0e5),
          Counter("node_ethtool_tx_prio3_pause", b, 300, 0), Counter("node_ethtool_rx_prio3_pause", b, 70, 1.8e5),
          Counter("node_ethtool_tx_prio3_pause", c, 500, 2.5e5), Counter("node_ethtool_rx_prio3_pause", c, 20, 0)};
}

// Answers `group by (...)` with `job_nodes` (each one series of labels) and the pause selector with
// `pause`; records every query; fails all with `fail` when set.
struct FakeProm {
  std::vector<Labels> job_nodes;
  std::vector<Labels> uname;  // node_uname_info's series (TRI3)
  std::vector<TimeSeries> pause;
  StatusCode fail = StatusCode::kOk;
  std::vector<std::string> asked;
  ExpressionEvaluator Fn() {
    return [this](const PromRangeQuery& q) -> Result<PromRangeResult> {
      asked.push_back(q.query);
      if (fail != StatusCode::kOk) return Status(fail, "connection refused");
      PromRangeResult r;
      if (q.query.find("group by") != std::string::npos) {
        for (const Labels& l : job_nodes) r.series.push_back(TimeSeries{"", l, {q.end_ms}, {1}, {}});
      } else if (q.query.find("node_ethtool") != std::string::npos) {
        r.series = pause;
      } else if (q.query.find("node_uname_info") != std::string::npos) {
        for (const Labels& l : uname) r.series.push_back(TimeSeries{"node_uname_info", l, {q.end_ms}, {1}, {}});
      }
      return r;
    };
  }
};

// An alert from the training job's rules on node-a, the victim: its step time rose.
Alert VictimAlert() {
  Alert a;
  a.rule = "TrainingStepTimeHigh";
  a.fingerprint = "a1";
  a.labels = {{"alertname", "TrainingStepTimeHigh"}, {"node", "node-a"}, {"job", "train-7"}, {"severity", "warning"}};
  a.annotations = {{"summary", "step time on node-a is 4x its usual; RDMA retries rising"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  return a;
}

std::vector<Labels> JobNodes() {
  return {{{"node", "node-a"}, {"instance", "10.0.0.1:8000"}},
          {{"node", "node-b"}, {"instance", "10.0.0.2:8000"}},
          {{"node", "node-c"}, {"instance", "10.0.0.3:8000"}}};
}

TriageOptions Options(const MetricSource* metrics, FakeProm& prom) {
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.metrics = metrics;
  o.query_peers = prom.Fn();
  o.peers_source = "prometheus http://fake";
  o.now_ms = kT0 + 5 * kMin;
  return o;
}

bool HasNote(const std::vector<std::string>& notes, const std::string& needle) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(needle) != std::string::npos; });
}

TEST_CASE("tri2 peers: the selectors and the job-wide names") {
  const std::string sel = PauseSeriesSelector({"node-a", "10.0.0.3"});
  CHECK(sel.find("Hostname=~`(?i)(node-a(\\..*)?)`") != std::string::npos);
  CHECK(sel.find("node=~`(?i)(node-a(\\..*)?)`") != std::string::npos);
  CHECK(sel.find("instance=~`(?i)(node-a(\\..*)?(:[0-9]+)?|10\\.0\\.0\\.3(:[0-9]+)?)`") != std::string::npos);
  CHECK(sel.find("10\\.0\\.0\\.3(\\..*)?") == std::string::npos);  // an address is no name
  CHECK(sel.find("__name__!~`.*(duration|transition|storm|events).*`") != std::string::npos);
  CHECK(PauseSeriesSelector({"bad`name"}).empty());
  using V = std::vector<std::string>;
  CHECK(JobWideMetricNames({"max by (job) (step_compute_ms) > 1.08 * quantile by (job) (0.5, step_compute_ms)",
                            "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE < 0.9 * avg by (Hostname) (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)",
                            "max by(job, pp_rank) (grad_norm) / min by (job, pp_rank) (grad_norm) > 1.001",
                            "max by (jobname) (x) > 1"}) == V{"step_compute_ms", "grad_norm"});
}

TEST_CASE("tri2 peers: the job's nodes, the alert's own left out, capped and said") {
  FakeProm prom;
  prom.job_nodes = JobNodes();
  prom.job_nodes.push_back({{"node", "NODE-A.cluster.local"}});  // the alert's node under another spelling
  PeerOptions po;
  po.query = prom.Fn();
  po.source = "prometheus http://fake";
  const NodeNames own = NodeNamesOf(VictimAlert().labels);
  PeerNodeList l = PeerNodes(VictimAlert(), own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
  CHECK(l.scope == "job=\"train-7\"");
  CHECK(l.nodes == std::vector<std::string>{"node-b", "node-c"});
  REQUIRE(prom.asked.size() == 2);  // TRI4: whether train-7 is a scrape job of this Prometheus, first
  CHECK(prom.asked[0] == "count(up{job=\"train-7\"})");
  CHECK(prom.asked[1].find("group by (Hostname, hostname, node, kubernetes_node, host, nodename, exported_instance, instance) ({job=\"train-7\"})") != std::string::npos);
  SUBCASE("a 40-node job is cut to max_nodes, said") {
    prom.job_nodes.clear();
    for (int i = 0; i < 40; ++i) prom.job_nodes.push_back({{"node", "gpu-" + std::to_string(100 + i)}});
    po.max_nodes = 8;
    PeerNodeList cut = PeerNodes(VictimAlert(), own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(cut.nodes.size() == 8);
    CHECK(cut.nodes.front() == "gpu-100");
    CHECK(HasNote(cut.notes, "only the first 8 by name read (max_peer_nodes)"));
    CHECK(prom.asked.back().rfind("topk(32, ", 0) == 0);  // the answer itself bounded
  }
  SUBCASE("a job label naming no series: said; the rack's nodes read instead") {
    Alert a = VictimAlert();
    a.labels["rack"] = "r12";
    FakeProm by_rack;
    po.query = [&](const PromRangeQuery& q) -> Result<PromRangeResult> {
      by_rack.asked.push_back(q.query);
      PromRangeResult r;
      if (q.query.find("rack=\"r12\"") != std::string::npos)
        r.series.push_back(TimeSeries{"", {{"Hostname", "node-d"}}, {q.end_ms}, {1}, {}});
      return r;
    };
    PeerNodeList rack = PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(HasNote(rack.notes, "peers: no series with job=\"train-7\" at prometheus http://fake names a node other than node-a"));
    CHECK(rack.scope == "rack=\"r12\"");
    CHECK(rack.nodes == std::vector<std::string>{"node-d"});
  }
  SUBCASE("an alert naming neither job nor group label: not read, said") {
    Alert a = VictimAlert();
    a.labels.erase("job");
    PeerNodeList none = PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(none.nodes.empty());
    CHECK(HasNote(none.notes, "peers not read (the alert names no job, switch, leaf, rack or cluster label)"));
  }
}

TEST_CASE("tri2 peers: a live alert on the victim answers the node sending the pause storm") {
  InMemoryMetricSource metrics({});
  FakeProm prom;
  prom.job_nodes = JobNodes();
  prom.pause = Storm();
  TriageOptions o = Options(&metrics, prom);
  auto r = TriageAlert(VictimAlert(), o);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  const Diagnosis& d = r->diagnosis;
  // The pause counters read under every spelling: instance (node-a, node-c) and Hostname (node-b).
  REQUIRE(prom.asked.size() == 4);  // up (TRI4), the job's nodes, their node_uname_info (TRI3), their pause counters
  CHECK(prom.asked[2].rfind("topk(8, node_uname_info{nodename=~`(?i)(node-b(\\..*)?|node-c(\\..*)?)`})", 0) == 0);
  CHECK(prom.asked[3].find("node-c(\\..*)?") != std::string::npos);
  CHECK(HasNote(d.unverified, "peers: 2 other nodes of job=\"train-7\" read beside node-a (node-b, node-c): 6 pause-counter series"));
  const bool sender = std::any_of(d.evidence.begin(), d.evidence.end(), [](const Evidence& e) {
    return e.kind == EvidenceKind::kMetric && e.detail.find("node_ethtool_tx_prio3_pause{node-c, ens7np0}") == 0;
  });
  CHECK(sender);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component.find("node-c") != std::string::npos);
  MESSAGE("with peers: " << d.root_cause << " @ " << d.component << " " << d.confidence);

  SUBCASE("before: the alert's node only (max_peer_nodes 0) never names the sender") {
    o.max_peer_nodes = 0;
    prom.asked.clear();
    auto own = TriageAlert(VictimAlert(), o);
    REQUIRE(own.ok());
    CHECK(prom.asked.empty());
    CHECK(own->diagnosis.component.find("node-c") == std::string::npos);
    MESSAGE("alert's node only: " << own->diagnosis.root_cause << " @ " << own->diagnosis.component);
  }
}

TEST_CASE("tri2 peers: bad input leaves the alert's own triage as it is, with a note") {
  // The alert's node's own series (read through `metrics`), kept whatever the peers' query does.
  TimeSeries own{"step_time_ms", {{"node", "node-a"}, {"job", "train-7"}, {"rank", "0"}}, {}, {}, {}};
  for (int64_t t = kT0 - 20 * kMin; t < kT0 + 5 * kMin; t += kMin) REQUIRE(own.Append(t, 900).ok());
  InMemoryMetricSource metrics({own});
  FakeProm prom;
  prom.job_nodes = JobNodes();
  prom.pause = Storm();
  TriageOptions o = Options(&metrics, prom);

  SUBCASE("Prometheus down for the peer query") {
    prom.fail = StatusCode::kUnavailable;
    auto c = BuildTriageCase(VictimAlert(), o);
    REQUIRE(c.ok());
    // TRI4: `up{job="train-7"}` is the first peer query (is train-7 a scrape job?); it fails the same way.
    CHECK(HasNote(c->notes, "peers: up{job=\"train-7\"} could not be read at prometheus http://fake (connection refused); only node-a's own series read"));
    REQUIRE(c->metrics.size() == 1);
    CHECK(c->metrics[0].labels.at("node") == "node-a");
    auto r = TriageAlert(VictimAlert(), o);
    REQUIRE(r.ok());  // a diagnosis all the same
  }
  SUBCASE("a peer whose exporter names it by address only: said, the others compared") {
    prom.job_nodes.push_back({{"node", "node-d"}});
    auto c = BuildTriageCase(VictimAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(c->notes, "no node_ethtool pause counters at prometheus http://fake under Hostname, hostname, node, nodename, host or instance for node-d"));
    CHECK(c->metrics.size() == 7);  // node-a's step time and the 6 pause counters
  }
  SUBCASE("a near miss in another domain is left out, said") {
    // The regex asked matches node-e by its first label in any domain; node_names.h's rule keeps
    // node-e.a.example's series and leaves node-e.b.example's out.
    prom.job_nodes.push_back({{"node", "node-e.a.example"}});
    prom.pause.push_back(Counter("node_ethtool_tx_prio3_pause", {{"Hostname", "node-e.b.example"}}, 0, 9e5));
    prom.pause.push_back(Counter("node_ethtool_rx_prio3_pause", {{"Hostname", "node-e.a.example"}}, 0, 10));
    auto c = BuildTriageCase(VictimAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(c->notes, "peers: 1 pause-counter series on nodes of the same short name in another domain left out"));
    CHECK(c->metrics.size() == 8);  // node-a's step time, the 6 pause counters and node-e.a.example's
  }
  SUBCASE("more pause series than max_peer_series: cut, said") {
    o.max_peer_series = 4;
    auto c = BuildTriageCase(VictimAlert(), o);
    REQUIRE(c.ok());
    CHECK(HasNote(c->notes, "peers: 6 pause-counter series of job=\"train-7\"'s nodes; only the first 4 kept (max_peer_series)"));
    CHECK(c->metrics.size() == 5);
  }
  SUBCASE("the job-wide names are read under the job alone") {
    TimeSeries peer = own;
    peer.labels["node"] = "node-c";
    peer.labels["rank"] = "16";
    metrics = InMemoryMetricSource({own, peer});
    auto c = BuildTriageCase(VictimAlert(), o);
    REQUIRE(c.ok());
    CHECK(std::count_if(c->metrics.begin(), c->metrics.end(), [](const TimeSeries& s) { return s.name == "step_time_ms"; }) == 2);
    CHECK(HasNote(c->notes, "6 pause-counter series, 2 job-wide series"));  // node-a's again and node-c's
  }
}

// TRI3: the Slurm job's NodeList (a fake scontrol, connectors/slurm_testing.h) gives the peers; a
// scrape job's `job` label is not taken as the training job.
// A dcgm-exporter alert on node-a (its `job` the scrape job) naming the Slurm job 4242.
Alert ExporterAlert() {
  Alert a = VictimAlert();
  a.rule = "GpuXidErrors";
  a.labels = {{"alertname", "GpuXidErrors"}, {"Hostname", "node-a"}, {"job", "dcgm-exporter"},
              {"slurm_job_id", "4242"}, {"severity", "warning"}};
  return a;
}

bool Asked(const FakeProm& p, const std::string& part) {
  return std::any_of(p.asked.begin(), p.asked.end(), [&](const std::string& q) { return q.find(part) != std::string::npos; });
}

TEST_CASE("tri3 peers: a scrape job's name is no training job") {
  for (const char* j : {"dcgm-exporter", "DCGM_Exporter", "node_exporter", "node", "kube-state-metrics", "gpu-metrics",
                        "nvidia-dcgm", "cadvisor", "my-nic-metrics"}) {
    CHECK_MESSAGE(IsScrapeJobName(j), j);
  }
  for (const char* j : {"train-7", "llama-pretrain", "4242", "nodes-of-llama", "metrics", "gpus"}) {
    CHECK_MESSAGE(!IsScrapeJobName(j), j);
  }
}

TEST_CASE("tri3 peers: the Slurm job's NodeList gives the peers, no scrape job's series grouped") {
  FakeProm prom;
  prom.job_nodes = JobNodes();  // would be answered to a `group by`: never asked
  FakeSlurm slurm;
  slurm.jobs["4242"] = "JobId=4242 JobName=llama JobState=RUNNING NodeList=node-a,node-b,node-c BatchHost=node-a";
  const SlurmJobNodeSource src(slurm.Runner());
  PeerOptions po;
  po.query = prom.Fn();
  po.source = "prometheus http://fake";
  po.job_nodes = &src;
  const Alert alert = ExporterAlert();
  const NodeNames own = NodeNamesOf(alert.labels);
  PeerNodeList l = PeerNodes(alert, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
  CHECK(l.scope == "slurm job 4242");
  CHECK(l.nodes == std::vector<std::string>{"node-b", "node-c"});
  CHECK(slurm.asked == std::vector<std::vector<std::string>>{{"scontrol", "show", "job", "-o", "4242"}});
  CHECK(prom.asked.empty());  // no query for the node list at all
  CHECK(l.notes.empty());

  SUBCASE("the whole triage: the sender named from the Slurm job's nodes") {
    InMemoryMetricSource metrics({});
    prom.pause = Storm();
    TriageOptions o = Options(&metrics, prom);
    o.job_nodes = &src;
    auto r = TriageAlert(VictimAlert(), o);  // job="train-7" and no Slurm id: the job's series, as TRI2
    REQUIRE(r.ok());
    Alert victim = VictimAlert();
    victim.labels["slurm_job_id"] = "4242";
    prom.asked.clear();
    r = TriageAlert(victim, o);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(!Asked(prom, "group by"));
    CHECK(HasNote(r->diagnosis.unverified, "peers: 2 other nodes of slurm job 4242 read beside node-a (node-b, node-c): 6 pause-counter series"));
    CHECK(r->diagnosis.root_cause == "ib_link_failure");
    CHECK(r->diagnosis.component.find("node-c") != std::string::npos);
  }
  SUBCASE("an array task and a heterogeneous component are asked as such") {
    slurm.jobs["4240_7"] = "JobId=4247 ArrayJobId=4240 ArrayTaskId=7 JobState=RUNNING NodeList=node-a,gpu[01-02]";
    slurm.jobs["4250+1"] = "JobId=4251 HetJobId=4250 HetJobOffset=1 JobState=RUNNING NodeList=node-a,cpu7";
    Alert a = alert;
    a.labels["slurm_job_id"] = "4240_7";
    CHECK(PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin).nodes == std::vector<std::string>{"gpu01", "gpu02"});
    a.labels["slurm_job_id"] = "4250+1";
    CHECK(PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin).nodes == std::vector<std::string>{"cpu7"});
  }
  SUBCASE("a 100,000-node job: the first max_nodes in Slurm's order, said") {
    slurm.jobs["4242"] = "JobId=4242 JobState=RUNNING NodeList=gpu[000001-100000]";
    po.max_nodes = 8;
    PeerNodeList cut = PeerNodes(alert, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(cut.nodes.size() == 8);
    CHECK(cut.nodes.front() == "gpu000001");
    CHECK(HasNote(cut.notes, "peers: slurm job 4242's NodeList names 100000 nodes; only the first 8 beside node-a in Slurm's order read (max_peer_nodes)"));
  }
  SUBCASE("the job on the alert's node alone: no peers, said") {
    slurm.jobs["4242"] = "JobId=4242 JobState=RUNNING NodeList=node-a";
    PeerNodeList alone = PeerNodes(alert, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(alone.nodes.empty());
    CHECK(HasNote(alone.notes, "peers: slurm job 4242 runs on node-a alone (NodeList node-a): no other node to read"));
  }
  SUBCASE("Slurm down, the job unknown, pending: said; a scrape job still not taken") {
    slurm.down = true;
    PeerNodeList down = PeerNodes(alert, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(down.nodes.empty());
    CHECK(HasNote(down.notes, "peers: slurm job 4242's node list (label slurm_job_id) not read from slurm (scontrol show job): Slurm unreachable (scontrol show job: slurm_load_jobs error: Unable to contact slurm controller"));
    CHECK(HasNote(down.notes, "peers: no job's node list: node-a's peers not read (job=\"dcgm-exporter\" names an exporter's scrape job, not a training job; slurm job 4242's node list not read; no switch, leaf, rack or cluster label)"));
    CHECK(prom.asked.empty());
    slurm.down = false;
    Alert a = alert;
    a.labels["slurm_job_id"] = "999";
    CHECK(HasNote(PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin).notes, "not read from slurm (scontrol show job): the job is unknown to Slurm"));
    slurm.jobs["998"] = "JobId=998 JobState=PENDING NodeList=(null)";
    a.labels["slurm_job_id"] = "998";
    CHECK(HasNote(PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin).notes, "Slurm names no nodes for it yet (JobState=PENDING, NodeList=(null))"));
    // A training job's label is still a fallback when Slurm fails.
    a.labels["job"] = "train-7";
    PeerNodeList by_job = PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(by_job.scope == "job=\"train-7\"");
    CHECK(by_job.nodes == std::vector<std::string>{"node-b", "node-c"});
  }
  SUBCASE("no Slurm id: a scrape job's nodes are not peers; a rack's are") {
    Alert a = alert;
    a.labels.erase("slurm_job_id");
    PeerNodeList none = PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(none.nodes.empty());
    CHECK(prom.asked.empty());
    CHECK(HasNote(none.notes, "peers: no job's node list: node-a's peers not read (job=\"dcgm-exporter\" names an exporter's scrape job, not a training job; the alert carries no Slurm job id (slurm_job_id, slurm_jobid, jobid, job_id, hpc_job); no switch, leaf, rack or cluster label)"));
    a.labels["rack"] = "r12";
    PeerNodeList rack = PeerNodes(a, own, po, kT0 - 30 * kMin, kT0 + 5 * kMin);
    CHECK(rack.scope == "rack=\"r12\"");
    CHECK(HasNote(rack.notes, "peers: job=\"dcgm-exporter\" names an exporter's scrape job, not a training job (the alert carries no Slurm job id"));
    CHECK(!Asked(prom, "dcgm-exporter"));
  }
}

TEST_CASE("tri3 peers: a peer named by address only is matched through node_uname_info; host names escaped") {
  InMemoryMetricSource metrics({});
  FakeProm prom;
  prom.pause = Storm();
  // node-d's node_exporter series carry only its address; node_uname_info says which node it is.
  const Labels d{{"instance", "10.0.0.4:9100"}, {"device", "ens7np0"}, {"job", "node-exporter"}};
  prom.pause.push_back(Counter("node_ethtool_tx_prio3_pause", d, 0, 0));
  prom.pause.push_back(Counter("node_ethtool_rx_prio3_pause", d, 0, 1.5e5));
  prom.uname = {{{"nodename", "node-d"}, {"instance", "10.0.0.4:9100"}},
                {{"nodename", "node-dd"}, {"instance", "10.9.9.9:9100"}}};  // a near miss of the regex: left out
  FakeSlurm slurm;
  slurm.jobs["4242"] = "JobId=4242 JobState=RUNNING NodeList=node-a,node-b,node-c,node-d,gpu+1";
  const SlurmJobNodeSource src(slurm.Runner());
  TriageOptions o = Options(&metrics, prom);
  o.job_nodes = &src;
  Alert a = VictimAlert();
  a.labels["slurm_job_id"] = "4242";
  auto c = BuildTriageCase(a, o);
  REQUIRE(c.ok());
  CHECK(HasNote(c->notes, "peers: 4 other nodes of slurm job 4242 read beside node-a (node-b, node-c, node-d, gpu+1): 1 by address (node_uname_info), 8 pause-counter series"));
  CHECK(c->metrics.size() == 8);
  CHECK(HasNote(c->notes, "no node_ethtool pause counters at prometheus http://fake under Hostname, hostname, node, nodename, host or instance for gpu+1 ("));
  CHECK(!HasNote(c->notes, "instance for node-d"));
  CHECK(Asked(prom, "gpu\\+1(\\..*)?"));  // the host name's `+` escaped in the regex
  CHECK(Asked(prom, "10\\.0\\.0\\.4(:[0-9]+)?"));
}

// TRI4: a Kubernetes training pod's peers from kube-state-metrics' series; a scrape job found by
// `up{job=...}`; a heterogeneous Slurm job's components. The fake answers the kube-state-metrics
// queries as Prometheus would for these series (tests/diagnose_alert_k8s_peers_test.sh runs the same
// PromQL against a real one).
struct FakeKube {
  std::vector<TimeSeries> ksm;        // kube_pod_labels and kube_pod_info, one point each
  std::vector<TimeSeries> pause;      // node_ethtool pause counters
  std::map<std::string, double> up;   // scrape job -> its targets
  std::vector<Labels> job_nodes;      // answered to a `group by`
  StatusCode fail = StatusCode::kOk;
  std::vector<std::string> asked;
  static std::string Matched(const std::string& q, const std::string& label) {
    const std::regex re("[{ ,]" + label + "=\"([^\"]*)\"");
    std::smatch m;
    return std::regex_search(q, m, re) ? m[1].str() : "";
  }
  ExpressionEvaluator Fn() {
    return [this](const PromRangeQuery& q) -> Result<PromRangeResult> {
      asked.push_back(q.query);
      if (fail != StatusCode::kOk) return Status(fail, "connection refused");
      PromRangeResult r;
      const std::string& t = q.query;
      auto add = [&](const TimeSeries& s) { r.series.push_back(TimeSeries{s.name, s.labels, {q.end_ms}, {1}, {}}); };
      if (t.rfind("count(up{job=", 0) == 0) {
        if (auto it = up.find(Matched(t, "job")); it != up.end()) r.series.push_back(TimeSeries{"", {}, {q.end_ms}, {it->second}, {}});
      } else if (t.rfind("topk(16, kube_pod_labels", 0) == 0) {  // the pod's own series
        for (const TimeSeries& s : ksm) {
          const LabelledPod p = PodOfLabels(s.labels);
          if (p.pod == Matched(t, "pod") && p.ns == Matched(t, "namespace")) add(s);
        }
      } else if (t.find("kube_pod_labels{") != std::string::npos) {  // a job label's pods and their kube_pod_info
        static const std::regex kLabel(R"re((label_[a-z_]+)="([^"]*)")re");
        std::smatch m;
        if (!std::regex_search(t, m, kLabel)) return InvalidArgumentError("fake: no job label in " + t);
        std::set<std::string> pods;
        for (const TimeSeries& s : ksm) {
          if (s.name == "kube_pod_labels" && LabelValue(s.labels, m[1].str()) == m[2].str()) {
            add(s);
            pods.insert(PodOfLabels(s.labels).pod);
          }
        }
        for (const TimeSeries& s : ksm) {
          if (s.name == "kube_pod_info" && pods.count(PodOfLabels(s.labels).pod)) add(s);
        }
      } else if (t.find("created_by_name=") != std::string::npos) {
        for (const TimeSeries& s : ksm) {
          if (s.name == "kube_pod_info" && LabelValue(s.labels, "created_by_name") == Matched(t, "created_by_name")) add(s);
        }
      } else if (t.find("group by") != std::string::npos) {
        for (const Labels& l : job_nodes) r.series.push_back(TimeSeries{"", l, {q.end_ms}, {1}, {}});
      } else if (t.find("node_ethtool") != std::string::npos) {
        r.series = pause;
      }
      return r;
    };
  }
  // One pod of a job: its kube_pod_info (node "" = none) and its kube_pod_labels (`label` "" = none).
  void Pod(const std::string& ns, const std::string& pod, const std::string& node, const std::string& label,
           const std::string& job, const std::string& kind = "PyTorchJob") {
    const Labels ksm_target{{"instance", "10.1.0.9:8080"}, {"job", "kube-state-metrics"}};
    Labels info = ksm_target;
    info.insert({{"namespace", ns}, {"pod", pod}, {"created_by_kind", kind}, {"created_by_name", job}, {"uid", pod + "-uid"}});
    if (!node.empty()) {
      info["node"] = node;
      ksm.push_back(TimeSeries{"kube_pod_info", info, {}, {}, {}});
    }
    Labels labels = ksm_target;
    labels.insert({{"namespace", ns}, {"pod", pod}, {"uid", pod + "-uid"}});
    if (!label.empty()) labels[label] = job;
    ksm.push_back(TimeSeries{"kube_pod_labels", labels, {}, {}, {}});
  }
};

// A DCGM alert in kubernetes mode on node-a: the exporter's scrape job, the workload's pod.
Alert PodAlert(const std::string& pod = "llama-worker-0") {
  Alert a;
  a.rule = "GpuXidErrors";
  a.fingerprint = "k1";
  a.labels = {{"alertname", "GpuXidErrors"}, {"Hostname", "node-a"}, {"gpu", "0"}, {"namespace", "ml"},
              {"pod", pod}, {"container", "pytorch"}, {"job", "dcgm-exporter"}, {"severity", "warning"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = kT0;
  return a;
}

constexpr const char* kKubeflow = "label_training_kubeflow_org_job_name";

PeerNodeList KubePeers(const Alert& a, FakeKube& prom, size_t max_nodes = 32) {
  PeerOptions po;
  po.query = prom.Fn();
  po.source = "prometheus http://fake";
  po.max_nodes = max_nodes;
  return PeerNodes(a, NodeNamesOf(a.labels), po, kT0 - 30 * kMin, kT0 + 5 * kMin);
}

TEST_CASE("tri4 peers: a PyTorchJob's pods on 4 nodes give the 3 others, from kube-state-metrics' series") {
  FakeKube prom;
  for (int i = 0; i < 4; ++i) prom.Pod("ml", "llama-worker-" + std::to_string(i), std::string("node-") + char('a' + i), kKubeflow, "llama");
  prom.Pod("ml", "other-0", "node-x", kKubeflow, "other");  // another job's pod
  PeerNodeList l = KubePeers(PodAlert(), prom);
  CHECK(l.scope == "k8s job ml/llama");
  CHECK(l.nodes == std::vector<std::string>{"node-b", "node-c", "node-d"});
  REQUIRE(prom.asked.size() == 2);
  CHECK(prom.asked[0] == "topk(16, kube_pod_labels{namespace=\"ml\", pod=\"llama-worker-0\"} or kube_pod_info{namespace=\"ml\", pod=\"llama-worker-0\"} or "
                         "kube_pod_labels{exported_namespace=\"ml\", exported_pod=\"llama-worker-0\"} or kube_pod_info{exported_namespace=\"ml\", exported_pod=\"llama-worker-0\"})");
  CHECK(prom.asked[1] == "topk(128, kube_pod_labels{namespace=\"ml\", label_training_kubeflow_org_job_name=\"llama\"}) or topk(128, kube_pod_info{namespace=\"ml\"} "
                         "and on (namespace, pod) kube_pod_labels{namespace=\"ml\", label_training_kubeflow_org_job_name=\"llama\"})");
  CHECK(HasNote(l.notes, "peers: pod ml/llama-worker-0 is one of k8s job ml/llama's 4 pods (kube_pod_labels label_training_kubeflow_org_job_name=\"llama\" at prometheus http://fake)"));
  CHECK(l.notes.size() == 1);

  SUBCASE("the job label not exported: the owner (created_by PyTorchJob) gives the pods") {
    FakeKube bare;
    for (int i = 0; i < 4; ++i) bare.Pod("ml", "llama-worker-" + std::to_string(i), std::string("node-") + char('a' + i), "", "llama");
    PeerNodeList o = KubePeers(PodAlert(), bare);
    CHECK(o.scope == "k8s PyTorchJob ml/llama");
    CHECK(o.nodes == std::vector<std::string>{"node-b", "node-c", "node-d"});
    REQUIRE(bare.asked.size() == 2);
    CHECK(bare.asked[1] == "topk(128, kube_pod_info{namespace=\"ml\", created_by_kind=\"PyTorchJob\", created_by_name=\"llama\"})");
  }
  SUBCASE("neither a job label nor a job owner (a StatefulSet): said, the rack's nodes instead") {
    FakeKube bare;
    for (int i = 0; i < 4; ++i) bare.Pod("ml", "llama-" + std::to_string(i), std::string("node-") + char('a' + i), "", "llama", "StatefulSet");
    bare.job_nodes = {{{"Hostname", "node-r"}}};
    Alert a = PodAlert("llama-0");
    a.labels["rack"] = "r7";
    PeerNodeList o = KubePeers(a, bare);
    CHECK(HasNote(o.notes, "peers: pod ml/llama-0's job is not known: its kube_pod_labels at prometheus http://fake carries none of label_training_kubeflow_org_job_name, "));
    CHECK(HasNote(o.notes, "(kube-state-metrics exports a pod label only when its --metric-labels-allowlist names it), and its kube_pod_info names no training job as its owner (created_by_kind=\"StatefulSet\"); its job's pods not read"));
    CHECK(HasNote(o.notes, "peers: job=\"dcgm-exporter\" names an exporter's scrape job, not a training job (the alert carries no Slurm job id (slurm_job_id, slurm_jobid, jobid, job_id, hpc_job); pod ml/llama-0's job is not named in kube-state-metrics' series): the nodes of rack=\"r7\" taken instead"));
    CHECK(o.scope == "rack=\"r7\"");
    CHECK(o.nodes == std::vector<std::string>{"node-r"});
    a.labels.erase("rack");
    o = KubePeers(a, bare);
    CHECK(o.nodes.empty());
    CHECK(HasNote(o.notes, "peers: no job's node list: node-a's peers not read (job=\"dcgm-exporter\" names an exporter's scrape job, not a training job; the alert carries no Slurm job id"));
  }
  SUBCASE("no kube-state-metrics series for the pod: said, the next rule") {
    PeerNodeList o = KubePeers(PodAlert("ghost-0"), prom);
    CHECK(o.nodes.empty());
    CHECK(HasNote(o.notes, "peers: no kube_pod_labels or kube_pod_info series for pod ml/ghost-0 at prometheus http://fake over ["));
    CHECK(HasNote(o.notes, "pod ml/ghost-0 has no kube_pod_labels or kube_pod_info series at prometheus http://fake; no switch, leaf, rack or cluster label)"));
  }
  SUBCASE("a pod of the job with no kube_pod_info: said, the others read") {
    prom.Pod("ml", "llama-worker-4", "", kKubeflow, "llama");  // pending: kube_pod_labels only
    PeerNodeList o = KubePeers(PodAlert(), prom);
    CHECK(o.nodes == std::vector<std::string>{"node-b", "node-c", "node-d"});
    CHECK(HasNote(o.notes, "is one of k8s job ml/llama's 5 pods"));
    CHECK(HasNote(o.notes, "peers: 1 of k8s job ml/llama's pods have no kube_pod_info naming a node at prometheus http://fake (llama-worker-4: pending, or not scraped): their nodes not read"));
  }
  SUBCASE("a job of one pod: no peers, said, no other rule") {
    PeerNodeList o = KubePeers(PodAlert("other-0"), prom);
    CHECK(o.nodes.empty());
    CHECK(HasNote(o.notes, "peers: k8s job ml/other has 1 pod (other-0): no other node to read"));
    CHECK(prom.asked.size() == 4);  // no `group by`, no `up`
  }
  SUBCASE("two jobs on the alert's node: only the alert's pod's job's nodes") {
    prom.Pod("ml", "bert-0", "node-a", kKubeflow, "bert");
    prom.Pod("ml", "bert-1", "node-e", kKubeflow, "bert");
    PeerNodeList o = KubePeers(PodAlert("bert-0"), prom);
    CHECK(o.scope == "k8s job ml/bert");
    CHECK(o.nodes == std::vector<std::string>{"node-e"});
    l = KubePeers(PodAlert(), prom);
    CHECK(l.nodes == std::vector<std::string>{"node-b", "node-c", "node-d"});
  }
  SUBCASE("the job's other pods all on the alert's node: no peers, said") {
    FakeKube one;
    one.Pod("ml", "w-0", "node-a", kKubeflow, "small");
    one.Pod("ml", "w-1", "NODE-A.cluster.local", kKubeflow, "small");
    PeerNodeList o = KubePeers(PodAlert("w-0"), one);
    CHECK(o.nodes.empty());
    CHECK(HasNote(o.notes, "peers: k8s job ml/small's pods with a known node run on node-a alone: no other node to read"));
  }
  SUBCASE("40 pods on 40 nodes: the first max_nodes by pod name, said") {
    FakeKube big;
    for (int i = 0; i < 40; ++i) big.Pod("ml", "w-" + std::to_string(100 + i), "gpu-" + std::to_string(100 + i), kKubeflow, "big");
    Alert a = PodAlert("w-100");
    a.labels["Hostname"] = "gpu-100";
    PeerNodeList o = KubePeers(a, big, 8);
    CHECK(o.nodes.size() == 8);
    CHECK(o.nodes.front() == "gpu-101");
    CHECK(HasNote(o.notes, "peers: k8s job ml/big's pods run on 39+ nodes beside gpu-100; only the first 8 by pod name read (max_peer_nodes)"));
    CHECK(big.asked[1].rfind("topk(32, ", 0) == 0);
  }
  SUBCASE("kube-state-metrics relabelled (exported_pod, exported_namespace): asked so") {
    FakeKube ex;
    for (int i = 0; i < 3; ++i) {
      ex.Pod("ml", "llama-worker-" + std::to_string(i), std::string("node-") + char('a' + i), kKubeflow, "llama");
    }
    for (TimeSeries& s : ex.ksm) {
      s.labels["exported_pod"] = s.labels["pod"];
      s.labels["exported_namespace"] = s.labels["namespace"];
      s.labels["pod"] = "kube-state-metrics-0";
      s.labels["namespace"] = "monitoring";
    }
    PeerNodeList o = KubePeers(PodAlert(), ex);
    CHECK(o.nodes == std::vector<std::string>{"node-b", "node-c"});
    REQUIRE(ex.asked.size() == 2);
    CHECK(ex.asked[1].find("and on (exported_namespace, exported_pod) kube_pod_labels{exported_namespace=\"ml\", label_training") != std::string::npos);
  }
  SUBCASE("a pod alert without a namespace: not looked up, said") {
    Alert a = PodAlert();
    a.labels.erase("namespace");
    PeerNodeList o = KubePeers(a, prom);
    CHECK(prom.asked.size() == 2);  // the test's first call only
    CHECK(HasNote(o.notes, "pod llama-worker-0 names no namespace, so its job's pods were not looked up"));
  }
  SUBCASE("Prometheus down: said, source_down, nothing else asked") {
    prom.fail = StatusCode::kUnavailable;
    PeerNodeList o = KubePeers(PodAlert(), prom);
    CHECK(o.nodes.empty());
    CHECK(o.source_down);
    CHECK(HasNote(o.notes, "peers: pod ml/llama-worker-0's kube_pod_labels / kube_pod_info could not be read at prometheus http://fake (connection refused); only node-a's own series read"));
    CHECK(prom.asked.size() == 3);
  }
}

TEST_CASE("tri4 peers: the whole triage of a pod's alert names the pause sender among its job's nodes") {
  InMemoryMetricSource metrics({});
  FakeKube prom;
  for (int i = 0; i < 4; ++i) prom.Pod("ml", "llama-worker-" + std::to_string(i), std::string("node-") + char('a' + i), kKubeflow, "llama");
  prom.pause = Storm();
  TriageOptions o;
  o.kb = &testing::ShippedPack();
  o.metrics = &metrics;
  o.query_peers = prom.Fn();
  o.peers_source = "prometheus http://fake";
  o.now_ms = kT0 + 5 * kMin;
  Alert a = PodAlert();
  a.rule = "TrainingStepTimeHigh";
  a.labels["alertname"] = "TrainingStepTimeHigh";
  a.annotations = {{"summary", "step time on node-a is 4x its usual; RDMA retries rising"}};
  auto r = TriageAlert(a, o);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(HasNote(r->diagnosis.unverified, "peers: 3 other nodes of k8s job ml/llama read beside node-a (node-b, node-c, node-d): 6 pause-counter series"));
  CHECK(HasNote(r->diagnosis.unverified, "for node-d ("));
  CHECK(r->diagnosis.root_cause == "ib_link_failure");
  CHECK(r->diagnosis.component.find("node-c") != std::string::npos);
}

TEST_CASE("tri4 peers: a `job` that is a scrape job of this Prometheus (up{job=...}) is no training job") {
  FakeKube prom;
  prom.up["gpu-telemetry"] = 40;
  prom.job_nodes = {{{"Hostname", "fleet001"}}, {{"Hostname", "fleet002"}}};
  Alert a = VictimAlert();
  a.labels["job"] = "gpu-telemetry";
  PeerNodeList l = KubePeers(a, prom);
  CHECK(l.nodes.empty());
  REQUIRE(prom.asked.size() == 1);
  CHECK(prom.asked[0] == "count(up{job=\"gpu-telemetry\"})");
  CHECK(HasNote(l.notes, "peers: no job's node list: node-a's peers not read (job=\"gpu-telemetry\" is a Prometheus scrape job (up{job=\"gpu-telemetry\"} names 40 targets at prometheus http://fake), not a training job; the alert carries no Slurm job id"));
  a.labels["rack"] = "r1";
  l = KubePeers(a, prom);
  CHECK(l.scope == "rack=\"r1\"");
  CHECK(HasNote(l.notes, "peers: job=\"gpu-telemetry\" is a Prometheus scrape job (up{job=\"gpu-telemetry\"} names 40 targets at prometheus http://fake), not a training job (the alert carries no Slurm job id"));
  CHECK(std::none_of(prom.asked.begin(), prom.asked.end(), [](const std::string& q) { return q.find("job=\"gpu-telemetry\"}))") != std::string::npos; }));
  SUBCASE("a training job's label (no up series): its nodes, as before") {
    a.labels["job"] = "train-7";
    prom.asked.clear();
    l = KubePeers(a, prom);
    CHECK(l.scope == "job=\"train-7\"");
    CHECK(l.nodes == std::vector<std::string>{"fleet001", "fleet002"});
    CHECK(prom.asked.size() == 2);
  }
  SUBCASE("up unreadable: said, source_down") {
    prom.fail = StatusCode::kDeadlineExceeded;
    l = KubePeers(a, prom);
    CHECK(l.source_down);
    CHECK(HasNote(l.notes, "peers: up{job=\"gpu-telemetry\"} could not be read at prometheus http://fake (connection refused); only node-a's own series read"));
  }
}

TEST_CASE("tri4 peers: a heterogeneous Slurm job asked by its base id: every component's nodes") {
  FakeProm prom;
  FakeSlurm slurm;
  slurm.jobs["4250"] = "JobId=4250 HetJobId=4250 HetJobOffset=0 JobState=RUNNING NodeList=node-a\n"
                       "JobId=4251 HetJobId=4250 HetJobOffset=1 JobState=RUNNING NodeList=gpu[01-02]";
  const SlurmJobNodeSource src(slurm.Runner());
  PeerOptions po;
  po.query = prom.Fn();
  po.source = "prometheus http://fake";
  po.job_nodes = &src;
  Alert a = ExporterAlert();
  a.labels["slurm_job_id"] = "4250";
  PeerNodeList l = PeerNodes(a, NodeNamesOf(a.labels), po, kT0 - 30 * kMin, kT0 + 5 * kMin);
  CHECK(l.scope == "slurm job 4250");
  CHECK(l.nodes == std::vector<std::string>{"gpu01", "gpu02"});  // before TRI4: none (the first component is node-a alone)
  CHECK(HasNote(l.notes, "peers: slurm job 4250 is a heterogeneous job: its 2 components' NodeLists read (+0: node-a, +1: gpu[01-02])"));
  CHECK(!HasNote(l.notes, "records"));
}

}  // namespace
}  // namespace vigil
