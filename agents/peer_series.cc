#include "agents/peer_series.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "agents/component_text.h"
#include "agents/label_value.h"
#include "agents/pod_node.h"
#include "connectors/prometheus_source.h"
#include "core/time_util.h"
#include "probes/program_runner.h"

namespace vigil {
namespace {

// Labels a peer group may share when the alert names no job (or its job no other node), the
// narrowest first: a leaf switch's nodes share its fabric, a rack its power and cooling.
constexpr const char* kGroupLabels[] = {"switch", "leaf", "rack", "cluster"};
// The labels a series names its node by (node_names.h's kNodeLabelKeys but `instance`, which is
// matched with a port; `kubernetes_node` / `exported_instance` name an exporter's or a relay's node).
constexpr const char* kPeerNameLabels[] = {"Hostname", "hostname", "node", "nodename", "host"};
// pause_series.h's pause-frame counters; durations, transitions and storm events are no frame counts.
constexpr const char* kPauseNames = R"(node_ethtool_(tx|rx)_([a-z0-9]+_)*pause(_[a-z0-9]+)*)";
constexpr const char* kNotPauseFrames = R"(.*(duration|transition|storm|events).*)";

std::string Joined(const std::vector<std::string>& v, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max_items; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max_items) out += ", ... (" + std::to_string(v.size() - max_items) + " more)";
  return out;
}

std::string Range(int64_t start_ms, int64_t end_ms) {
  std::string out = "[";  // appended: GCC 12's -Wrestrict misfires on "[" + ...
  out += FormatRfc3339Ms(start_ms);
  out += ", ";
  out += FormatRfc3339Ms(end_ms);
  out += ")";
  return out;
}

bool Down(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDeadlineExceeded;
}

// The alert node's name for notes: its first node name, else its instance's host.
std::string OwnName(const NodeNames& own) {
  if (!own.labelled.empty()) return own.labelled.front();
  return own.instance.empty() ? std::string("the alert's node") : own.instance.front();
}

// The query's step: `step_ms`, widened so that the window holds at most 11,000 points.
int64_t StepFor(int64_t start_ms, int64_t end_ms, int64_t step_ms) {
  int64_t step = step_ms > 0 ? step_ms : 15'000;
  while (end_ms > start_ms && (end_ms - start_ms) / step > 10'999) step *= 2;
  return step;
}

// The names asked in a PromQL raw string (no backquote or newline: never a broken query).
bool Writable(const std::string& n) {
  return !n.empty() && n.find('`') == std::string::npos && n.find('\n') == std::string::npos;
}


// TRI4: the labels kube-state-metrics' kube_pod_labels carries a training job's name under (a pod
// label `a.b/c-d` exported as `label_a_b_c_d` when --metric-labels-allowlist names it), the most
// specific first: a JobSet's or a Kubeflow job's pods also carry the batch Job's `job-name`, which
// names one of its child Jobs.
constexpr const char* kKubeJobLabels[] = {
    "label_training_kubeflow_org_job_name",     // Kubeflow training-operator v1 (PyTorchJob, MPIJob, ...)
    "label_trainer_kubeflow_org_trainjob_name",  // Kubeflow Trainer v2 (TrainJob)
    "label_jobset_sigs_k8s_io_jobset_name",      // JobSet
    "label_leaderworkerset_sigs_k8s_io_name",    // LeaderWorkerSet
    "label_volcano_sh_job_name",                 // Volcano
    "label_batch_kubernetes_io_job_name",        // a batch Job (Kubernetes >= 1.27)
    "label_job_name",                            // a batch Job (older), or a chart's own `job-name`
};
// kube_pod_info's `created_by_kind` of a pod whose owner is the training job itself (the Kubeflow
// training operator creates its pods directly; a batch Job - an indexed Job, a JobSet's child - is
// the job or one of its parts).
constexpr const char* kKubeJobKinds[] = {"PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "PaddleJob",
                                         "JAXJob",     "MXJob", "Job"};

// A kube-state-metrics series' pod, namespace and node (`exported_*` first: pod_node.h PodOfLabels).
std::string KsmNode(const Labels& l) {
  std::string node = NodeLabelHost(LabelValue(l, "exported_node"));
  return node.empty() ? NodeLabelHost(LabelValue(l, "node")) : node;
}

// The PromQL selector `metric{<p>namespace="ns", <p>pod="pod", extra}`.
std::string KsmSelector(const char* metric, const std::string& prefix, const std::string& ns, const std::string& extra) {
  std::string q = metric;
  q += "{" + prefix + "namespace=" + PromString(ns);
  if (!extra.empty()) q += ", " + extra;
  q += "}";
  return q;
}

PromRangeQuery WindowQuery(std::string query, int64_t start_ms, int64_t end_ms) {
  PromRangeQuery q;
  q.query = std::move(query);
  q.start_ms = start_ms;
  q.end_ms = end_ms - 1;
  q.step_ms = std::max<int64_t>(15'000, (end_ms - start_ms) / 10);
  return q;
}

// TRI4: how many scrape targets Prometheus's `up{job="J"}` names over the window (its most at any
// step; 0 when none): a `job` that is a scrape job of this Prometheus is the exporter's (or a
// scrape config's) name, not a training job's - every target of that scrape job would be a "peer".
Result<size_t> ScrapeTargets(const PeerOptions& options, const std::string& job, int64_t start_ms, int64_t end_ms) {
  Result<PromRangeResult> res = options.query(WindowQuery("count(up{job=" + PromString(job) + "})", start_ms, end_ms));
  if (!res.ok()) {
    if (res.status().code() == StatusCode::kNotFound) return size_t{0};
    return res.status();
  }
  double most = 0;
  for (const TimeSeries& s : res->series) {
    for (double v : s.values) most = std::max(most, v);
  }
  return static_cast<size_t>(most);
}

std::string ScrapeJobSaid(const std::string& job, size_t targets, const std::string& at) {
  return "job=" + PromString(job) + " is a Prometheus scrape job (up{job=" + PromString(job) + "} names " +
         std::to_string(targets) + " target" + (targets == 1 ? "" : "s") + " at " + at + "), not a training job";
}

// TRI4: the peers of a Kubernetes training pod, from kube-state-metrics' series alone (no API
// client): the alert's pod's kube_pod_labels (its job's name under one of kKubeJobLabels) or, with
// none, its kube_pod_info's owner (created_by_kind one of kKubeJobKinds); then the job's pods
// (kube_pod_labels with that label, or kube_pod_info with that owner) and their nodes (their
// kube_pod_info's node), in one query. True when the peers are decided (`out` has them, or a note
// says why there are none: the job's pods on the alert's node alone, a failure); false when no job
// was found: `why_not` says why (for the "no job's node list" note) and the next rule is tried.
bool KubeJobPeers(const Alert& alert, const NodeNames& own, const PeerOptions& options, int64_t start_ms,
                  int64_t end_ms, size_t cap, PeerNodeList& out, std::string& why_not) {
  const LabelledPod lp = PodOfLabels(alert.labels);
  if (lp.pod.empty()) return false;  // no pod's alert: nothing to say
  const std::string at = options.source.empty() ? std::string("Prometheus") : options.source;
  const std::string me = OwnName(own);
  const std::string& ns = lp.ns;
  const std::string shown = ns.empty() ? lp.pod : ns + "/" + lp.pod;
  if (ns.empty()) {
    why_not = "pod " + shown + " names no namespace, so its job's pods were not looked up";
    return false;
  }
  // 1. The pod's own labels and owner.
  std::string own_sel;
  for (const std::string prefix : {"", "exported_"}) {
    for (const char* metric : {"kube_pod_labels", "kube_pod_info"}) {
      if (!own_sel.empty()) own_sel += " or ";
      own_sel += KsmSelector(metric, prefix, ns, prefix + "pod=" + PromString(lp.pod));
    }
  }
  Result<PromRangeResult> res = options.query(WindowQuery("topk(16, " + own_sel + ")", start_ms, end_ms));
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    out.source_down = Down(res.status());
    out.notes.push_back("peers: pod " + shown + "'s kube_pod_labels / kube_pod_info could not be read at " + at + " (" +
                        res.status().message() + "); only " + me + "'s own series read");
    return true;
  }
  std::string prefix;  // "exported_" when kube-state-metrics' series name their pod so (PodOfLabels)
  std::string job_label, job_value, kind, owner, other_kind;
  size_t job_rank = std::size(kKubeJobLabels);
  bool labels_seen = false, info_seen = false;
  if (res.ok()) {
    for (const TimeSeries& s : res->series) {
      const LabelledPod sp = PodOfLabels(s.labels);
      if (sp.pod != lp.pod || (!sp.ns.empty() && sp.ns != ns)) continue;
      if (sp.exported) prefix = "exported_";
      if (s.name == "kube_pod_labels") {
        labels_seen = true;
        for (size_t i = 0; i < job_rank; ++i) {
          if (const std::string v = LabelValue(s.labels, kKubeJobLabels[i]); !v.empty()) {
            job_rank = i;
            job_label = kKubeJobLabels[i];
            job_value = v;
          }
        }
      } else if (s.name == "kube_pod_info") {
        info_seen = true;
        const std::string k = LabelValue(s.labels, "created_by_kind"), n = LabelValue(s.labels, "created_by_name");
        const bool job_kind = std::any_of(std::begin(kKubeJobKinds), std::end(kKubeJobKinds), [&](const char* j) { return k == j; });
        if (job_kind && !n.empty()) {
          kind = k;
          owner = n;
        } else if (!k.empty()) {
          other_kind = k;
        }
      }
    }
  }
  if (!labels_seen && !info_seen) {
    why_not = "pod " + shown + " has no kube_pod_labels or kube_pod_info series at " + at;
    out.notes.push_back("peers: no kube_pod_labels or kube_pod_info series for pod " + shown + " at " + at + " over " +
                        Range(start_ms, end_ms) + " (kube-state-metrics not scraped there, or the pod gone): its job's pods not read");
    return false;
  }
  if (job_label.empty() && owner.empty()) {
    std::string labels;
    for (const char* k : kKubeJobLabels) labels += (labels.empty() ? "" : ", ") + std::string(k);
    why_not = "pod " + shown + "'s job is not named in kube-state-metrics' series";
    out.notes.push_back("peers: pod " + shown + "'s job is not known: " +
                        (labels_seen ? "its kube_pod_labels at " + at + " carries none of " + labels +
                                           " (kube-state-metrics exports a pod label only when its --metric-labels-allowlist names it)"
                                     : "no kube_pod_labels series for it at " + at) +
                        ", and " +
                        (info_seen ? "its kube_pod_info names no training job as its owner (created_by_kind=" +
                                         PromString(other_kind) + ")"
                                   : "no kube_pod_info series for it") +
                        "; its job's pods not read");
    return false;
  }
  // 2. The job's pods and their nodes, one query.
  const size_t max_pods = 4 * cap;
  std::string what, how, query;
  if (!job_label.empty()) {
    what = "k8s job " + ns + "/" + job_value;
    how = "kube_pod_labels " + job_label + "=" + PromString(job_value);
    const std::string labels = KsmSelector("kube_pod_labels", prefix, ns, job_label + "=" + PromString(job_value));
    query = "topk(" + std::to_string(max_pods) + ", " + labels + ") or topk(" + std::to_string(max_pods) + ", " +
            KsmSelector("kube_pod_info", prefix, ns, "") + " and on (" + prefix + "namespace, " + prefix + "pod) " +
            labels + ")";
  } else {
    what = "k8s " + kind + " " + ns + "/" + owner;
    how = "kube_pod_info created_by_kind=" + PromString(kind) + ", created_by_name=" + PromString(owner);
    query = "topk(" + std::to_string(max_pods) + ", " +
            KsmSelector("kube_pod_info", prefix, ns, "created_by_kind=" + PromString(kind) + ", created_by_name=" + PromString(owner)) + ")";
  }
  res = options.query(WindowQuery(query, start_ms, end_ms));
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    out.source_down = Down(res.status());
    out.notes.push_back("peers: the pods of " + what + " could not be read at " + at + " (" + res.status().message() +
                        "); only " + me + "'s own series read");
    return true;
  }
  std::map<std::string, std::vector<std::string>> pods;  // pod -> its nodes (by pod name)
  size_t answered = 0;
  if (res.ok()) {
    answered = res->series.size();
    for (const TimeSeries& s : res->series) {
      const LabelledPod sp = PodOfLabels(s.labels);
      if (sp.pod.empty() || (!sp.ns.empty() && sp.ns != ns)) continue;
      std::vector<std::string>& nodes = pods[sp.pod];
      if (s.name != "kube_pod_info") continue;
      const std::string node = KsmNode(s.labels);
      if (!node.empty() && std::none_of(nodes.begin(), nodes.end(), [&](const std::string& n) { return SameNodeName(n, node); }))
        nodes.push_back(node);
    }
  }
  pods[lp.pod];  // the alert's own pod is one of them, whatever the answer held
  std::vector<std::string> without, found;  // pods with no node; the other nodes in pod-name order
  std::set<std::string> keys;
  bool own_listed = false;
  for (const auto& [pod, nodes] : pods) {
    if (nodes.empty() && pod != lp.pod) without.push_back(pod);
    for (const std::string& n : nodes) {
      if (NamesNode(own, n)) {
        own_listed = true;
      } else if (keys.insert(NodeNameKey(n)).second) {
        found.push_back(n);
      }
    }
  }
  const bool more = answered >= max_pods;
  out.notes.push_back("peers: pod " + shown + " is one of " + what + "'s " + std::to_string(pods.size()) +
                      (more ? "+" : "") + " pods (" + how + " at " + at + ")");
  if (!without.empty()) {
    out.notes.push_back("peers: " + std::to_string(without.size()) + " of " + what + "'s pods have no kube_pod_info naming a node at " +
                        at + " (" + Joined(without, 6) + ": pending, or not scraped): their nodes not read");
  }
  if (pods.size() == 1) {
    out.notes.push_back("peers: " + what + " has 1 pod (" + lp.pod + "): no other node to read");
    return true;
  }
  if (found.empty()) {
    out.notes.push_back("peers: " + what + "'s pods with a known node run on " + me + " alone: no other node to read");
    return true;
  }
  if (!own_listed) {
    out.notes.push_back("peers: " + me + " is not one of the nodes " + what + "'s pods run on (" + Joined(found, 6) +
                        "): the alert's node and kube_pod_info's may be named differently");
  }
  if (found.size() > cap || more) {
    out.notes.push_back("peers: " + what + "'s pods run on " + std::to_string(found.size()) + (more ? "+" : "") +
                        " nodes beside " + me + "; only the first " + std::to_string(std::min(cap, found.size())) +
                        " by pod name read (max_peer_nodes)");
    if (found.size() > cap) found.resize(cap);
  }
  out.scope = what;
  out.nodes = std::move(found);
  return true;
}
}  // namespace

std::unique_ptr<SlurmJobNodeSource> MakeJobNodeSource(const Config& config) {
  if (!config.GetBool("job_log_slurm")) return nullptr;
  return std::make_unique<SlurmJobNodeSource>(SubprocessProgramRunner());
}

bool IsScrapeJobName(std::string_view job) {
  std::string j;
  for (char c : job) j += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (j.find("exporter") != std::string::npos) return true;
  static constexpr const char* kScrapeJobs[] = {
      "node",       "dcgm",       "nvidia-dcgm", "cadvisor",     "kubelet",   "kube-state-metrics",
      "apiserver",  "prometheus", "pushgateway", "blackbox",     "ipmi",      "smartctl",
      "process",    "windows",    "snmp",        "federate",     "nvidia-gpu", "gpu-metrics",
      "node-metrics"};
  for (const char* k : kScrapeJobs) {
    if (j == k) return true;
  }
  constexpr std::string_view kMetrics = "-metrics";
  return j.size() > kMetrics.size() && j.compare(j.size() - kMetrics.size(), kMetrics.size(), kMetrics) == 0;
}

std::vector<std::string> JobWideMetricNames(const std::vector<std::string>& conditions) {
  static const std::regex kByJob(R"(\bby\s*\(\s*job\b)");
  std::vector<std::string> out;
  for (const std::string& c : conditions) {
    if (!std::regex_search(c, kByJob)) continue;
    for (const std::string& n : MetricNamesInExpression(c)) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
  return out;
}

std::string PauseSeriesSelector(const std::vector<std::string>& names) {
  std::string by_name, by_instance;
  for (const std::string& n : names) {
    if (!Writable(n)) continue;
    if (!IsIpAddress(n)) {
      if (!by_name.empty()) by_name += '|';
      by_name += NodeNameRegex(n, false);
    }
    if (!by_instance.empty()) by_instance += '|';
    by_instance += NodeNameRegex(n, true);
  }
  if (by_instance.empty()) return "";
  std::string metric = "__name__=~`";
  metric += kPauseNames;
  metric += "`, __name__!~`";
  metric += kNotPauseFrames;
  metric += "`";
  std::string out;
  auto add = [&](const char* label, const std::string& regex) {
    if (!out.empty()) out += " or ";
    out += '{';
    out += metric;
    out += ", ";
    out += label;
    out += "=~`(?i)(";
    out += regex;
    out += ")`}";
  };
  if (!by_name.empty()) {
    for (const char* k : kPeerNameLabels) add(k, by_name);
  }
  add("instance", by_instance);
  return out;
}

PeerNodeList PeerNodes(const Alert& alert, const NodeNames& own, const PeerOptions& options, int64_t start_ms,
                       int64_t end_ms) {
  PeerNodeList out;
  const std::string at = options.source.empty() ? std::string("Prometheus") : options.source;
  const std::string me = OwnName(own);
  if (!options.query) {
    out.notes.push_back("peers: the job's other nodes not read (no Prometheus to ask: set prometheus_url)");
    return out;
  }
  if (own.empty()) return out;  // an alert naming no node is read cluster-wide already
  if (end_ms <= start_ms) {
    out.notes.push_back("peers: the job's other nodes not read (the alert has no window to read them over)");
    return out;
  }
  const size_t cap = std::max<size_t>(1, options.max_nodes);
  // 1. The Slurm job's NodeList.
  const auto [id_label, slurm_id] = JobIdLabelOfLabels(alert.labels);
  std::string why_not_slurm;  // for the "no job's node list" note
  if (slurm_id.empty()) {
    why_not_slurm = "the alert carries no Slurm job id (slurm_job_id, slurm_jobid, jobid, job_id, hpc_job)";
  } else if (options.job_nodes == nullptr) {
    why_not_slurm = "Slurm not asked for job " + slurm_id + "'s nodes (job_log_slurm is off)";
  } else {
    const std::string what = "slurm job " + slurm_id;
    Result<SlurmJobNodes> got = options.job_nodes->Nodes(slurm_id, cap + 1);
    if (!got.ok()) {
      why_not_slurm = what + "'s node list not read";
      out.notes.push_back("peers: " + what + "'s node list (label " + id_label + ") not read from " +
                          options.job_nodes->Describe() + ": " + got.status().message());
    } else {
      bool own_listed = false;
      for (const std::string& n : got->nodes) {
        if (NamesNode(own, n)) {
          own_listed = true;
        } else {
          out.nodes.push_back(n);
        }
      }
      if (!got->components.empty()) {
        out.notes.push_back("peers: " + what + " is a heterogeneous job: its " + std::to_string(got->components.size()) +
                            " components' NodeLists read (" + Joined(got->components, 4) + ")");
      } else if (got->records > 1) {
        out.notes.push_back("peers: scontrol listed " + std::to_string(got->records) + " records for " + what +
                            " (an array's tasks); the first one's nodes read");
      }
      if (!own_listed && got->total <= got->nodes.size()) {
        out.notes.push_back("peers: " + me + " is not one of " + what + "'s nodes (" + Joined(got->nodes, 6) +
                            "): the alert's node and the job's may be named differently");
      }
      if (out.nodes.size() > cap || got->total > got->nodes.size()) {
        out.notes.push_back("peers: " + what + "'s NodeList names " + std::to_string(got->total) + " nodes; only the first " +
                            std::to_string(std::min(cap, out.nodes.size())) + " beside " + me +
                            " in Slurm's order read (max_peer_nodes)");
        if (out.nodes.size() > cap) out.nodes.resize(cap);
      }
      if (out.nodes.empty()) {
        out.notes.push_back("peers: " + what + " runs on " + me + " alone (NodeList " + Joined(got->nodes, 6) +
                            "): no other node to read");
        return out;
      }
      out.scope = what;
      return out;
    }
  }
  // 1b. A Kubernetes pod's job's pods' nodes (kube-state-metrics' series; TRI4).
  std::string why_not_kube;
  if (KubeJobPeers(alert, own, options, start_ms, end_ms, cap, out, why_not_kube)) return out;
  if (!why_not_kube.empty()) why_not_slurm += "; " + why_not_kube;
  // 2., 3. The nodes the training job's series name, else those of the alert's switch, leaf, rack
  // or cluster. A `job` named as an exporter's scrape job (IsScrapeJobName), or one that is a scrape
  // job of this Prometheus (`up{job=...}` has targets: TRI4), is not a training job.
  std::vector<std::pair<std::string, std::string>> scopes;
  const std::string job = LabelValue(alert.labels, "job");
  bool scrape_job = !job.empty() && IsScrapeJobName(job);
  std::string scrape_said = scrape_job ? "job=" + PromString(job) + " names an exporter's scrape job, not a training job" : "";
  if (!job.empty() && !scrape_job) {
    Result<size_t> targets = ScrapeTargets(options, job, start_ms, end_ms);
    out.job_checked = true;
    if (!targets.ok()) {
      out.source_down = Down(targets.status());
      out.notes.push_back("peers: up{job=" + PromString(job) + "} could not be read at " + at + " (" +
                          targets.status().message() + "); only " + me + "'s own series read");
      return out;
    }
    if (*targets > 0) {
      scrape_job = true;
      out.scrape_job = true;
      scrape_said = ScrapeJobSaid(job, *targets, at);
    }
  }
  if (!job.empty() && !scrape_job) scopes.emplace_back("job", job);
  for (const char* k : kGroupLabels) {
    if (const std::string v = LabelValue(alert.labels, k); !v.empty()) {
      scopes.emplace_back(k, v);
      break;
    }
  }
  if (scopes.empty()) {
    if (scrape_job || !slurm_id.empty()) {
      out.notes.push_back("peers: no job's node list: " + me + "'s peers not read (" +
                          (scrape_job ? scrape_said + "; " : std::string()) +
                          why_not_slurm + "; no switch, leaf, rack or cluster label)");
    } else {
      out.notes.push_back("peers: " + me + "'s peers not read (the alert names no job, switch, leaf, rack or cluster label)");
    }
    return out;
  }
  if (scrape_job) {
    out.notes.push_back("peers: " + scrape_said + " (" + why_not_slurm + "): the nodes of " + scopes.front().first + "=" +
                        PromString(scopes.front().second) + " taken instead");
  }
  std::string by;
  for (std::string_view k : kNodeLabelKeys) {
    if (!by.empty()) by += ", ";
    by += k;
  }
  for (const auto& [key, value] : scopes) {
    const std::string scope = key + "=" + PromString(value);
    PromRangeQuery q;
    q.query = "topk(" + std::to_string(4 * cap) + ", group by (" + by + ") ({" + scope + "}))";
    q.start_ms = start_ms;
    q.end_ms = end_ms - 1;
    q.step_ms = std::max<int64_t>(15'000, (end_ms - start_ms) / 10);
    Result<PromRangeResult> res = options.query(q);
    if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
      out.source_down = Down(res.status());
      out.notes.push_back("peers: the nodes of " + scope + " could not be read at " + at + " (" +
                          res.status().message() + "); only " + me + "'s own series read");
      return out;
    }
    std::map<std::string, std::string> found;  // NodeNameKey -> the node as a series spells it
    if (res.ok()) {
      for (const TimeSeries& s : res->series) {
        const std::string node = NodeOf(s.labels);
        if (node.empty() || SameNode(NodeNamesOf(s.labels), own) || NamesNode(own, node)) continue;
        found.emplace(NodeNameKey(node), node);
      }
    }
    if (found.empty()) {
      out.notes.push_back("peers: no series with " + scope + " at " + at + " names a node other than " + me +
                          " over " + Range(start_ms, end_ms));
      continue;
    }
    out.scope = scope;
    for (const auto& [key, node] : found) out.nodes.push_back(node);
    if (out.nodes.size() > cap) {
      out.notes.push_back("peers: " + scope + " names " + std::to_string(out.nodes.size()) + (res->series.size() >= 4 * cap ? "+" : "") +
                          " nodes beside " + me + "; only the first " + std::to_string(cap) +
                          " by name read (max_peer_nodes)");
      out.nodes.resize(cap);
    }
    return out;
  }
  return out;
}

PeerReading ReadPeerSeries(const Alert& alert, const NodeNames& own, const PeerOptions& options, int64_t start_ms,
                           int64_t end_ms) {
  PeerReading r;
  PeerNodeList peers = PeerNodes(alert, own, options, start_ms, end_ms);
  r.notes = std::move(peers.notes);
  r.source_down = peers.source_down;
  if (peers.nodes.empty()) return r;
  r.scope = peers.scope;
  r.nodes = peers.nodes;
  const std::string at = options.source.empty() ? std::string("Prometheus") : options.source;
  const std::string me = OwnName(own);
  // The addresses node_exporter gives the peers (node_uname_info's `instance` where its `nodename`
  // is a peer): a series naming a peer by address only is matched through them.
  std::map<std::string, std::string> peer_of;  // NodeNameKey of a peer's name or address -> the peer
  for (const std::string& n : peers.nodes) peer_of.emplace(NodeNameKey(n), n);
  std::vector<std::string> addresses;
  {
    std::string by_nodename;
    for (const std::string& n : peers.nodes) {
      if (Writable(n) && !IsIpAddress(n)) by_nodename += (by_nodename.empty() ? "" : "|") + NodeNameRegex(n, false);
    }
    if (!by_nodename.empty()) {
      const size_t cap = 4 * std::max<size_t>(1, peers.nodes.size());
      PromRangeQuery uq;
      uq.query = "topk(" + std::to_string(cap) + ", node_uname_info{nodename=~`(?i)(" + by_nodename + ")`})";
      uq.start_ms = start_ms;
      uq.end_ms = end_ms - 1;
      uq.step_ms = std::max<int64_t>(15'000, (end_ms - start_ms) / 10);
      Result<PromRangeResult> got = options.query(uq);
      if (!got.ok() && got.status().code() != StatusCode::kNotFound) {
        r.source_down = Down(got.status());
        r.notes.push_back("peers: node_uname_info of " + peers.scope + "'s nodes could not be read at " + at + " (" +
                          got.status().message() + "); only " + me + "'s own series read");
        return r;
      }
      if (got.ok()) {
        for (const TimeSeries& s : got->series) {
          const std::string nodename = LabelValue(s.labels, "nodename");
          const std::string host = InstanceHost(LabelValue(s.labels, "instance"));
          if (nodename.empty() || host.empty()) continue;
          NodeNames one;
          one.AddLabelled(nodename);
          auto it = std::find_if(peers.nodes.begin(), peers.nodes.end(), [&](const std::string& p) { return NamesNode(one, p); });
          if (it == peers.nodes.end() || NamesNode(own, host)) continue;  // a near miss; the alert's own address
          if (peer_of.emplace(NodeNameKey(host), *it).second) addresses.push_back(host);
        }
      }
    }
  }
  // The pause counters of the peers and of the alert's node, in one query.
  std::vector<std::string> names = own.labelled;
  names.insert(names.end(), own.instance.begin(), own.instance.end());
  names.insert(names.end(), peers.nodes.begin(), peers.nodes.end());
  names.insert(names.end(), addresses.begin(), addresses.end());
  NodeNames asked;
  for (const std::string& n : names) asked.AddLabelled(n);
  PromRangeQuery q;
  q.query = PauseSeriesSelector(names);
  q.start_ms = start_ms;
  q.end_ms = end_ms - 1;
  q.step_ms = StepFor(start_ms, end_ms, options.step_ms);
  size_t pause_series = 0, near_misses = 0;
  std::set<std::string> with_pause;  // NodeNameKey of the nodes whose pause counters were found
  Result<PromRangeResult> res = options.query(q);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) {
    r.source_down = Down(res.status());
    r.notes.push_back("peers: the pause counters of " + peers.scope + "'s nodes could not be read at " + at + " (" +
                      res.status().message() + "); only " + me + "'s own series read");
    return r;
  }
  if (res.ok()) {
    static const std::regex kPause(kPauseNames), kNotPause(kNotPauseFrames);
    for (TimeSeries& s : res->series) {
      if (!std::regex_match(s.name, kPause) || std::regex_match(s.name, kNotPause)) continue;  // not asked for
      const std::string node = NodeOf(s.labels);
      if (!NamesNode(asked, node)) {
        ++near_misses;
        continue;
      }
      if (r.series.size() >= options.max_series) {
        ++pause_series;
        continue;
      }
      if (s.size() > options.max_points_per_series) s = s.SliceIndex(s.size() - options.max_points_per_series, s.size());
      const auto peer = peer_of.find(NodeNameKey(node));
      with_pause.insert(peer == peer_of.end() ? NodeNameKey(node) : NodeNameKey(peer->second));
      r.series.push_back(std::move(s));
      ++pause_series;
    }
  }
  const size_t kept_pause = r.series.size();
  if (pause_series > kept_pause) {
    r.notes.push_back("peers: " + std::to_string(pause_series) + " pause-counter series of " + peers.scope +
                      "'s nodes; only the first " + std::to_string(kept_pause) + " kept (max_peer_series)");
  }
  if (near_misses > 0) {
    r.notes.push_back("peers: " + std::to_string(near_misses) + " pause-counter series on nodes of the same short " +
                      "name in another domain left out");
  }
  std::vector<std::string> without;  // peers none of whose names carries pause counters
  for (const std::string& n : peers.nodes) {
    if (!with_pause.count(NodeNameKey(n))) without.push_back(n);
  }
  if (!without.empty() && !with_pause.empty()) {
    r.notes.push_back("peers: no node_ethtool pause counters at " + at + " under Hostname, hostname, node, nodename, " +
                      "host or instance for " + Joined(without, 8) + " (one named by address only is matched through " +
                      "node_uname_info's nodename; neither found): the pause-sender comparison reads the others");
  }
  // The job-wide names under the training job alone (the alert's node's were read under it and its
  // job); not under a scrape job (every node of that exporter), nor for peers of a rack.
  const std::string job = LabelValue(alert.labels, "job");
  size_t job_wide = 0;
  bool training_job = !job.empty() && !IsScrapeJobName(job) && !peers.scrape_job &&
                      (peers.scope.rfind("job=", 0) == 0 || peers.scope.rfind("slurm job ", 0) == 0 ||
                       peers.scope.rfind("k8s ", 0) == 0);
  if (options.metrics != nullptr && training_job && !options.job_wide.empty() && !peers.job_checked) {
    // The peers came from Slurm or Kubernetes: whether `job` is a scrape job is asked here (TRI4).
    Result<size_t> targets = ScrapeTargets(options, job, start_ms, end_ms);
    if (!targets.ok()) {
      r.source_down = Down(targets.status());
      r.notes.push_back("peers: up{job=" + PromString(job) + "} could not be read at " + at + " (" +
                        targets.status().message() + "); the job-wide metrics not read");
      training_job = false;
    } else if (*targets > 0) {
      r.notes.push_back("peers: the job-wide metrics not read under " + ScrapeJobSaid(job, *targets, at));
      training_job = false;
    }
  }
  if (options.metrics != nullptr && training_job) {
    for (const std::string& name : options.job_wide) {
      MetricQuery mq;
      mq.name = name;
      mq.matchers = {{"job", job}};
      mq.start_ms = start_ms;
      mq.end_ms = end_ms;
      mq.max_series = options.max_series;
      auto got = options.metrics->Query(mq);
      if (!got.ok()) {
        if (Down(got.status())) {
          r.source_down = true;
          r.notes.push_back("peers: " + name + "{job=" + PromString(job) + "} could not be read at " + at + " (" +
                            got.status().message() + "); the job-wide metrics not read further");
          break;
        }
        r.notes.push_back("peers: " + name + "{job=" + PromString(job) + "} not read job-wide: " + got.status().message());
        continue;
      }
      for (TimeSeries& s : *got) {
        if (s.size() > options.max_points_per_series) s = s.SliceIndex(s.size() - options.max_points_per_series, s.size());
        r.series.push_back(std::move(s));
        ++job_wide;
      }
    }
  }
  r.notes.push_back("peers: " + std::to_string(peers.nodes.size()) + " other nodes of " + peers.scope + " read beside " +
                    me + " (" + Joined(peers.nodes, 6) + "): " +
                    (addresses.empty() ? "" : std::to_string(addresses.size()) + " by address (node_uname_info), ") +
                    std::to_string(kept_pause) +
                    " pause-counter series" + (job_wide > 0 ? ", " + std::to_string(job_wide) + " job-wide series" : "") +
                    (with_pause.empty() ? " (no node_ethtool pause counters on any of them: no pause sender compared)" : ""));
  return r;
}

}  // namespace vigil
