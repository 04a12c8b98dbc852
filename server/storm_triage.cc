#include "server/storm_triage.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_agent.h"
#include "agents/expression_evidence.h"
#include "agents/job_logs.h"
#include "agents/node_names.h"
#include "agents/pod_node.h"
#include "connectors/alertmanager.h"
#include "connectors/prometheus_source.h"
#include "core/time_series.h"
#include "core/time_util.h"

namespace vigil {
namespace {

// Labels that name one alert's own place or device, never what a storm's alerts share: every node
// label (agents/node_names.h's kNodeLabelKeys, the list alert triage and the reasoner read; before
// ALERTID2 a copy here without kubernetes_node and exported_instance, so a storm of alerts labelled
// kubernetes_node evaluated its expressions on the lead's node only), the GPU and the alert's name.
bool PerAlertLabel(const std::string& k) {
  static const std::set<std::string> kPer = {"alertname", "severity", "gpu", "UUID", "uuid", "device", "pci_bus_id",
                                             "modelName"};
  return kPer.count(k) > 0 ||
         std::find(std::begin(kNodeLabelKeys), std::end(kNodeLabelKeys), k) != std::end(kNodeLabelKeys);
}

// The nodes of the storm's alerts that name only their pod (agents/pod_node.h: AlertNamesPodOnly), by
// fingerprint, from one instant query of kube-state-metrics' kube_pod_info for all their pods (the
// lookup alert triage makes for the lead alone; RVFIX2, 2026-12-03: the members' lines went under
// `job/...`, so the reasoner saw a pod storm on no node). At the latest startsAt among them; at most
// kMaxPodLookups pods (the rest said in the note). Nothing asked without `query_node_names`.
constexpr size_t kMaxPodLookups = 500;

std::map<std::string, std::string> MemberPodNodes(const std::vector<Alert>& alerts, const TriageOptions& options,
                                                  std::vector<std::string>& notes) {
  std::map<std::string, std::string> out;
  if (!options.query_node_names) return out;
  std::vector<const Alert*> asking;
  std::set<std::string> pods;
  int64_t at_ms = 0;
  size_t left = 0;
  for (const Alert& a : alerts) {
    if (!AlertNamesPodOnly(a.labels)) continue;
    const std::string pod = PodOfLabels(a.labels).pod;
    if (!pods.count(pod) && pods.size() >= kMaxPodLookups) {
      ++left;
      continue;
    }
    pods.insert(pod);
    asking.push_back(&a);
    at_ms = std::max(at_ms, a.starts_at_ms);
  }
  if (asking.empty() || at_ms <= 0) return out;
  const std::vector<std::string> values(pods.begin(), pods.end());
  PromRangeQuery q;
  q.query = PromSelector("kube_pod_info", {}, {{"exported_pod", values}}) + " or " +
            PromSelector("kube_pod_info", {}, {{"pod", values}});
  q.start_ms = at_ms;
  q.end_ms = at_ms;
  q.step_ms = 60'000;
  const std::string at = options.node_names_source.empty() ? std::string("Prometheus") : options.node_names_source;
  Result<PromRangeResult> res = options.query_node_names(q);
  if (!res.ok()) {
    notes.push_back("storm: the nodes of " + std::to_string(asking.size()) +
                    " alerts naming only their pod not read: kube_pod_info at " + at + " failed (" +
                    res.status().message() + ")");
    return out;
  }
  for (TimeSeries& s : res->series) {
    if (s.name.empty()) s.name = "kube_pod_info";
  }
  size_t placed = 0;
  for (const Alert* a : asking) {
    const PodNodeReading r = PodNodeOf(a->labels, res->series, "at " + at);
    if (r.node.empty()) continue;
    out[a->fingerprint] = r.node;
    ++placed;
  }
  std::string note = "storm: " + std::to_string(placed) + " of " + std::to_string(asking.size()) +
                     " alerts naming only their pod placed on their pod's node (kube_pod_info at " + at + ")";
  if (placed < asking.size()) note += "; the others' node is unknown (no single node for the pod)";
  if (left > 0) note += "; " + std::to_string(left) + " more not asked (at most " + std::to_string(kMaxPodLookups) + " pods)";
  notes.push_back(std::move(note));
  return out;
}

std::string LabelValue(const Alert& a, const char* k) {
  auto it = a.labels.find(k);
  return it == a.labels.end() ? std::string() : it->second;
}

// The storm's alerts with their resolution: the members, or the lead alone.
std::vector<Alert> StormAlerts(const StoredIncident& incident) {
  std::vector<Alert> out;
  if (incident.members.empty()) {
    out.push_back(incident.alert);
    return out;
  }
  for (const StormMember& m : incident.members) {
    Alert a = m.alert;
    if (m.resolved_at_ms > 0) {
      a.state = AlertState::kResolved;
      if (a.ends_at_ms == 0) a.ends_at_ms = m.resolved_at_ms;
    }
    out.push_back(std::move(a));
  }
  return out;
}

// "rack=r7, cluster=train-a, nodes named rack7-node-*": the group (a rack, a switch, a job), every
// label equal on all the alerts, the nodes' common name start; "" when nothing is shared.
std::string StormSharedText(const Json& facts) {
  std::vector<std::string> shared;
  const std::string group = facts.value("group", std::string());
  if (group.find('=') != std::string::npos) shared.push_back(group);
  for (const auto& [k, v] : facts["shared_labels"].items()) {
    std::string kv = k;
    kv += "=";
    kv += v.is_string() ? v.get<std::string>() : v.dump();
    if (kv != group) shared.push_back(kv);
  }
  if (const std::string prefix = facts.value("node_name_prefix", std::string()); !prefix.empty()) {
    std::string named = "nodes named ";
    named += prefix;
    named += "*";
    shared.push_back(std::move(named));
  }
  std::string s;
  for (size_t i = 0; i < shared.size() && i < 8; ++i) {
    if (i) s += ", ";
    s += shared[i];
  }
  return s;
}

// Whether evidence item `e` was read first-hand (a probe, a series, a log of the cluster), not from
// an alert's own text (the members' lines, the lead's AlertFactsLog, the alert's expression).
bool FirstHand(const Evidence& e) {
  if (e.weight <= 0) return false;
  const std::string src = e.source.substr(0, e.source.rfind(':'));
  switch (e.kind) {
    case EvidenceKind::kProbe: return true;
    case EvidenceKind::kMetric: return e.source.rfind("alert", 0) != 0;
    case EvidenceKind::kLog: return !src.ends_with("/alertmanager co-firing alerts") && !IsAlertFactsLog(src);
    default: return false;
  }
}


// The storm's alert expressions (the `g0.expr` of each alert's generatorURL), each evaluated once
// over the window of the alerts that carry it: [earliest startsAt - lookback, latest startsAt +
// after) clipped to now. Evaluated for the storm as a whole: the representative (the expression's
// earliest alert) is asked without its node labels, so EvaluateAlertExpression keeps the series
// of every node (up to max_expression_series, the cut said) instead of the representative's own.
// Each kept series is a metric evidence item of weight 0 (context, as in one alert's triage: the
// reasoner does not count it), the notes go to `notes`, and `trace` gets one row per expression.
// Only the storm's own series are kept: a series carrying the group's label when its value is the
// group's (`rack="r7"` in the storm `rack=r7`, a node of the rack whose alert is still pending
// included; `rack="r8"` not), else one naming its node when that node is one of the members'
// (node_names.h's SameNode), else (no node, no group label) every series. A real Alertmanager sends one notification
// per group (`group_by: [rack]`), so two racks failing at once are two storm incidents whose alerts
// share an expression; before ALERTID2 each storm's diagnosis listed the other rack's series too
// (and they took places of its own under max_expression_series).
void EvaluateStormExpressions(const std::vector<Alert>& alerts, const std::string& group, const TriageOptions& options,
                              std::vector<Evidence>& context, std::vector<std::string>& notes, Json& trace) {
  std::vector<NodeNames> member_nodes;  // each distinct place once
  {
    std::set<std::pair<std::vector<std::string>, std::vector<std::string>>> seen;
    for (const Alert& a : alerts) {
      NodeNames n = NodeNamesOf(a.labels);
      if (!n.empty() && seen.emplace(n.labelled, n.instance).second) member_nodes.push_back(std::move(n));
    }
  }
  const size_t eq = group.find('=');
  const std::string group_key = eq == std::string::npos || group.rfind("job=", 0) == 0 ? "" : group.substr(0, eq);
  const std::string group_value = group_key.empty() ? "" : group.substr(eq + 1);
  auto of_storm = [&](const Labels& l) {
    if (!group_key.empty()) {  // the group's label decides where the series carries it
      auto it = l.find(group_key);
      if (it != l.end() && !it->second.empty()) return it->second == group_value;
    }
    const NodeNames n = NodeNamesOf(l);
    if (n.empty()) return true;
    return std::any_of(member_nodes.begin(), member_nodes.end(), [&](const NodeNames& m) { return SameNode(n, m); });
  };
  struct Use {
    const Alert* first = nullptr;
    int64_t earliest = 0, latest = 0;
    size_t alerts = 0;
  };
  std::vector<std::pair<std::string, Use>> uses;  // in the order first seen (alerts: startsAt order)
  for (const Alert& a : alerts) {
    const std::string expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(a));
    if (expr.empty()) continue;
    auto it = std::find_if(uses.begin(), uses.end(), [&](const auto& u) { return u.first == expr; });
    if (it == uses.end()) {
      uses.emplace_back(expr, Use{&a, a.starts_at_ms, a.starts_at_ms, 0});
      it = uses.end() - 1;
    }
    Use& u = it->second;
    ++u.alerts;
    if (a.starts_at_ms > 0 && (u.earliest == 0 || a.starts_at_ms < u.earliest)) u.earliest = a.starts_at_ms;
    u.latest = std::max(u.latest, a.starts_at_ms);
  }
  for (const auto& [expr, u] : uses) {
    Alert whole = *u.first;
    for (auto it = whole.labels.begin(); it != whole.labels.end();) {  // no node: every node's series kept
      it = it->first == "alertname" || !PerAlertLabel(it->first) ? std::next(it) : whole.labels.erase(it);
    }
    whole.starts_at_ms = u.earliest;
    int64_t start = u.earliest > 0 ? std::max<int64_t>(1, u.earliest - options.lookback_ms) : 0;
    int64_t end = u.latest > 0 ? u.latest + options.after_ms : 0;
    if (options.now_ms > 0 && end > options.now_ms + 1) end = options.now_ms + 1;
    // The grid's last point at end - 1 (now, or the latest alert's window end): a series younger
    // than one step, as an alert that joined a minute ago has, falls between the points of a grid
    // that starts at `start` (seen: 16 of 32 series returned). The same step as
    // EvaluateAlertExpression's (the live source's, else 15 s); start moves back less than a step.
    const auto* live = dynamic_cast<const LiveTriageSource*>(options.metrics);
    const int64_t step = options.expression_step_ms > 0                       ? options.expression_step_ms
                         : live != nullptr && live->expression_step_ms() > 0 ? live->expression_step_ms()
                                                                              : 15'000;
    if (start > 0 && end - 1 > start) start = end - 1 - (end - 1 - start + step - 1) / step * step;
    TriageOptions every = options;  // every series back; the storm's own kept and capped below
    every.max_expression_series = std::numeric_limits<size_t>::max();
    ExpressionReading r = EvaluateAlertExpression(whole, every, start, end);
    std::string of = " (once for the storm's ";
    of += std::to_string(u.alerts);
    of += u.alerts == 1 ? " alert)" : " alerts)";
    for (const std::string& n : r.notes) notes.push_back(n + of);
    const size_t answered = r.series.size();
    r.series.erase(std::remove_if(r.series.begin(), r.series.end(),
                                  [&](const ExpressionSeries& e) { return !of_storm(e.labels); }),
                   r.series.end());
    const size_t others = answered - r.series.size();
    if (others > 0) {
      std::string n = "alert expression `";
      n += expr;
      n += "`: ";
      n += std::to_string(others);
      n += " of its ";
      n += std::to_string(answered);
      n += " series are on nodes outside this storm";
      n += group_key.empty() ? std::string() : std::string(" or of another ") + group_key;
      n += " (another group's alerts): left out";
      notes.push_back(n + of);
    }
    if (r.series.size() > options.max_expression_series) {
      std::string n = "alert expression `";
      n += expr;
      n += "`: ";
      n += std::to_string(r.series.size());
      n += " series on the storm's nodes, only the first ";
      n += std::to_string(options.max_expression_series);
      n += " kept as evidence";
      notes.push_back(n + of);
      r.series.resize(options.max_expression_series);
    }
    Json row{{"expr", expr},           {"alerts", u.alerts},           {"series_returned", r.returned},
             {"series_kept", r.series.size()}, {"series_of_other_groups", others}};
    trace.push_back(std::move(row));
    for (const ExpressionSeries& e : r.series) {
      context.push_back(ExpressionSeriesEvidence(expr, e, options.expression_source, of, "the earliest startsAt"));
    }
  }
}

}  // namespace

Json StormFacts(const StoredIncident& incident) {
  const std::vector<Alert> alerts = StormAlerts(incident);
  std::map<std::string, int64_t> per_node, per_name;
  std::optional<Labels> shared;
  const Alert* earliest = nullptr;
  int64_t firing = 0;
  for (const Alert& a : alerts) {
    ++per_node[AlertNode(a).second];
    ++per_name[a.rule];
    if (a.state != AlertState::kResolved) ++firing;
    if (earliest == nullptr || (a.starts_at_ms > 0 && (earliest->starts_at_ms == 0 || a.starts_at_ms < earliest->starts_at_ms))) {
      earliest = &a;
    }
    if (!shared) {
      shared = Labels();
      for (const auto& [k, v] : a.labels) {
        if (!PerAlertLabel(k)) (*shared)[k] = v;
      }
    } else {
      for (auto it = shared->begin(); it != shared->end();) {
        auto own = a.labels.find(it->first);
        it = own == a.labels.end() || own->second != it->second ? shared->erase(it) : std::next(it);
      }
    }
  }
  std::vector<std::string> nodes;
  for (const auto& [n, count] : per_node) {
    if (!n.empty()) nodes.push_back(n);
  }
  std::string prefix;
  if (nodes.size() >= 2) {
    prefix = nodes.front();  // sorted: the common prefix of all is that of the first and the last
    const std::string& last = nodes.back();
    size_t n = 0;
    while (n < prefix.size() && n < last.size() && prefix[n] == last[n]) ++n;
    prefix.resize(n);
    const size_t sep = prefix.find_last_of("-_.");
    prefix = sep == std::string::npos ? std::string() : prefix.substr(0, sep + 1);
  }
  // Names by count, then name.
  std::vector<std::pair<std::string, int64_t>> names(per_name.begin(), per_name.end());
  std::stable_sort(names.begin(), names.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  Json name_counts = Json::array();
  for (const auto& [n, count] : names) name_counts.push_back(Json{{"alertname", n}, {"alerts", count}});
  Json node_counts = Json::object();
  for (const auto& [n, count] : per_node) node_counts[n] = count;
  Json first = Json::object();
  if (earliest != nullptr) {
    first = Json{{"alertname", earliest->rule},
                 {"node", AlertNode(*earliest).second},
                 {"starts_at", earliest->starts_at_ms > 0 ? FormatRfc3339Ms(earliest->starts_at_ms) : ""},
                 {"fingerprint", earliest->fingerprint}};
    if (const std::string gpu = LabelValue(*earliest, "gpu"); !gpu.empty()) first["gpu"] = gpu;
  }
  return Json{{"group", incident.storm_key},
              {"alerts", static_cast<int64_t>(alerts.size())},
              {"firing", firing},
              {"resolved", static_cast<int64_t>(alerts.size()) - firing},
              {"nodes", static_cast<int64_t>(nodes.size())},
              {"alerts_per_node", std::move(node_counts)},
              {"alertnames", std::move(name_counts)},
              {"shared_labels", shared ? Json(*shared) : Json::object()},
              {"node_name_prefix", prefix},
              {"earliest", std::move(first)}};
}

std::string StormSentence(const Json& facts) {
  std::string s = "storm of ";
  s += std::to_string(facts.value("alerts", int64_t{0}));
  s += " alerts";
  const int64_t nodes = facts.value("nodes", int64_t{0});
  if (nodes > 0) {
    s += " on ";
    s += std::to_string(nodes);
    s += nodes == 1 ? " node" : " nodes";
    int64_t least = -1, most = 0;
    for (const auto& [n, count] : facts["alerts_per_node"].items()) {
      if (n.empty()) continue;
      const int64_t k = count.get<int64_t>();
      least = least < 0 ? k : std::min(least, k);
      most = std::max(most, k);
    }
    if (nodes >= 2) {
      s += ", ";
      s += std::to_string(least);
      if (most != least) {
        s += "-";
        s += std::to_string(most);
      }
      s += " per node";
    }
  }
  s += " (";
  const Json& names = facts["alertnames"];
  for (size_t i = 0; i < names.size() && i < 4; ++i) {
    if (i) s += ", ";
    s += names[i].value("alertname", std::string());
    s += " x";
    s += std::to_string(names[i].value("alerts", int64_t{0}));
  }
  if (names.size() > 4) {
    s += " and ";
    s += std::to_string(names.size() - 4);
    s += " more";
  }
  s += ")";
  if (const int64_t resolved = facts.value("resolved", int64_t{0}); resolved > 0) {
    s += ", ";
    s += std::to_string(facts.value("firing", int64_t{0}));
    s += " still firing";
  }
  if (const std::string shared = StormSharedText(facts); !shared.empty()) {
    s += " sharing ";
    s += shared;
  }
  const Json& first = facts["earliest"];
  if (first.is_object() && first.contains("alertname")) {
    s += "; earliest: ";
    s += first.value("alertname", std::string());
    if (const std::string node = first.value("node", std::string()); !node.empty()) {
      s += " on ";
      s += node;
      if (first.contains("gpu")) {
        s += " GPU ";
        s += first.value("gpu", std::string());
      }
    }
    if (const std::string at = first.value("starts_at", std::string()); !at.empty()) {
      s += " at ";
      s += at;
    }
  }
  return s;
}

Result<DiagnosisCase> BuildStormCase(const StoredIncident& incident, const TriageOptions& options,
                                     size_t max_member_lines, const StormJobLogLimits& job_log_limits) {
  if (incident.storm_key.empty()) {
    return InvalidArgumentError("incident " + std::to_string(incident.id) + " is not a storm incident");
  }
  const Alert& lead = incident.alert;
  TriageOptions lead_options = options;
  lead_options.job_logs = nullptr;  // every member's job read below, each once (the lead's among them)
  ASSIGN_OR_RETURN(DiagnosisCase c, BuildTriageCase(lead, lead_options));
  std::string id = "storm/";
  id += incident.storm_key;
  id += "/";
  id += incident.fingerprint;
  c.id = std::move(id);
  std::map<std::string, size_t> log_of;  // source -> index in c.logs
  size_t added = 0, cut = 0;
  const std::vector<Alert> alerts = StormAlerts(incident);
  const std::map<std::string, std::string> pod_nodes = MemberPodNodes(alerts, options, c.notes);
  // A pod's node before the alert's `instance` (kube-state-metrics' address), as triage places it.
  auto node_of = [&](const Alert& a) {
    if (auto it = pod_nodes.find(a.fingerprint); it != pod_nodes.end()) return it->second;
    return AlertNode(a).second;
  };
  for (const Alert& a : alerts) {
    if (a.fingerprint == lead.fingerprint && a.starts_at_ms == lead.starts_at_ms) continue;  // the case's alert
    if (added >= max_member_lines) {
      ++cut;
      continue;
    }
    const std::string node = node_of(a);
    const std::string source = AlertLogSource(a, node, "alertmanager co-firing alerts");
    auto [it, fresh] = log_of.emplace(source, c.logs.size());
    if (fresh) c.logs.push_back(CaseLog{source, {}, 0});
    CaseLog& log = c.logs[it->second];
    log.lines.push_back({log.lines.size() + 1, AlertLogLine(a, node)});
    log.original_lines = log.lines.size();
    ++added;
  }
  // The members' nodes are the case's nodes (agents/builtin_reasoner.cc reads a log source's first
  // part as a node only when the case names none besides the alert's): each member's line is then
  // placed on its own node, not on the lead's.
  std::set<std::string> nodes;
  for (const StormMember& m : incident.members) {
    if (std::string n = node_of(m.alert); !n.empty()) nodes.insert(std::move(n));
  }
  if (nodes.size() >= 2) {
    if (!c.topology.is_object()) c.topology = Json::object();
    Json listed = c.topology.contains("nodes") && c.topology["nodes"].is_array() ? c.topology["nodes"] : Json::array();
    for (const std::string& n : nodes) listed.push_back(n);
    c.topology["nodes"] = std::move(listed);
  }
  if (options.job_logs != nullptr) {
    StormJobLogWindow window;
    window.lookback_ms = options.lookback_ms;
    window.after_ms = options.after_ms;
    window.now_ms = options.now_ms;
    AddStormJobLogs(alerts, *options.job_logs, window, job_log_limits, c);
  }
  if (cut > 0) {
    std::string note = "storm: ";
    note += std::to_string(cut);
    note += " of its alerts not read (at most ";
    note += std::to_string(max_member_lines);
    note += " member alerts are read, the earliest first); every alert is listed in the incident's members";
    c.notes.push_back(std::move(note));
  }
  return c;
}

Result<Json> TriageStorm(const StoredIncident& incident, const TriageOptions& options, size_t max_member_lines,
                         const StormJobLogLimits& job_log_limits) {
  ASSIGN_OR_RETURN(DiagnosisCase c, BuildStormCase(incident, options, max_member_lines, job_log_limits));
  std::vector<Evidence> context;
  Json expressions = Json::array();
  {
    std::vector<std::string> notes;
    EvaluateStormExpressions(StormAlerts(incident), incident.storm_key, options, context, notes, expressions);
    for (std::string& n : notes) c.notes.push_back(std::move(n));
  }
  size_t lines = 0;
  for (const CaseLog& l : c.logs) {
    if (l.source.ends_with("/alertmanager co-firing alerts")) lines += l.lines.size();
  }
  DiagnosisAgentOptions o;
  o.kb = options.kb;
  o.llm = options.llm;
  o.reasoner.allow_intrusive = options.allow_intrusive;
  o.reasoner.verification_budget_s = options.verification_budget_s;
  o.log_line_budget = options.log_line_budget;
  o.clock = options.clock;
  DiagnosisAgent agent(o);
  ASSIGN_OR_RETURN(DiagnosisReport report, agent.Diagnose(std::move(c), options.probes));
  const Json facts = StormFacts(incident);
  const std::string sentence = StormSentence(facts);
  Diagnosis& d = report.diagnosis;
  // Alerts are a rule's summary, not the nodes' state: an answer no first-hand evidence supports is
  // suspected, as one alert's is (a hundred alerts of one rule are one claim made a hundred times).
  std::string alerts_only;
  if (!d.root_cause.empty() && d.root_cause != "unknown") {
    bool first_hand = false;
    for (const Evidence& e : d.evidence) {
      first_hand = first_hand || (FirstHand(e) && std::find(e.supports.begin(), e.supports.end(), d.root_cause) !=
                                                      e.supports.end());
    }
    if (!first_hand) {
      if (d.confidence > kAlertOnlyMaxConfidence) d.confidence = kAlertOnlyMaxConfidence;
      if (!d.hypotheses.empty() && d.hypotheses[0].category == d.root_cause &&
          d.hypotheses[0].probability > kAlertOnlyMaxConfidence) {
        d.hypotheses[0].probability = kAlertOnlyMaxConfidence;
        d.hypotheses[0].rationale += "; capped at 0.45: rests on the storm's alerts alone";
      }
      if (d.summary.rfind("suspected", 0) != 0) alerts_only = "suspected (from the alerts alone, not verified): ";
    }
  }
  // Several nodes: the answer is placed where they meet (the group's label, else the nodes' names),
  // not on the one GPU whose line the reasoner quoted.
  const int64_t nodes = facts.value("nodes", int64_t{0});
  std::string placed;
  if (nodes >= 2 && !d.component.empty()) {
    placed = d.component;
    if (incident.storm_key.find('=') != std::string::npos && incident.storm_key.rfind("job=", 0) != 0) {
      d.component = incident.storm_key;
    } else if (const std::string prefix = facts.value("node_name_prefix", std::string()); !prefix.empty()) {
      d.component = prefix;
      d.component += "* (";
      d.component += std::to_string(nodes);
      d.component += " nodes)";
    } else {
      d.component = std::to_string(nodes);
      d.component += " nodes";
    }
  }
  std::string summary = alerts_only;
  summary += sentence;
  summary += ": ";
  summary += d.summary;
  d.summary = std::move(summary);
  std::string note = "storm: ";
  note += std::to_string(facts.value("alerts", int64_t{0}));
  note += " alerts of one Alertmanager notification, grouped as `";
  note += incident.storm_key;
  note += "` and triaged once (vigil serve --storm-alerts); ";
  if (facts.value("nodes", int64_t{0}) >= 2) {
    note += "the same alerts on ";
    note += std::to_string(facts.value("nodes", int64_t{0}));
    note += " nodes at once point at what they share (";
    const std::string shared = StormSharedText(facts);
    note += shared.empty() ? std::string("no label is equal on all of them") : shared;
    note += "): a rack's power or cooling, a switch or fabric link, a driver or firmware rollout, before each "
            "node; the answer below is read from the earliest alert's node and every alert's own text; ";
  }
  if (!placed.empty()) {
    note += "the answer is placed on ";
    note += d.component;
    note += ", where the nodes meet (the reasoner read it at ";
    note += placed;
    note += "); ";
  }
  if (!alerts_only.empty()) {
    note += "only alerts were read (no series, log or probe of a node supports it): confirm on two or three of "
            "the nodes (their kernel log, gpu.health) and at what they share; ";
  }
  note += "every alert is listed in the incident's members (alerts per node: `storm.alerts_per_node`)";
  report.diagnosis.unverified.insert(report.diagnosis.unverified.begin(), std::move(note));
  {  // the expressions' series: context evidence after the reasoner's (ids t1, t2, ... not taken)
    std::set<std::string> ids_used;
    for (const Evidence& e : report.diagnosis.evidence) ids_used.insert(e.id);
    size_t next_id = 1;
    for (Evidence& e : context) {
      std::string id;
      do {
        id = "t";
        id += std::to_string(next_id++);
      } while (ids_used.count(id) > 0);
      e.id = std::move(id);
      report.diagnosis.evidence.push_back(std::move(e));
    }
  }
  Json j = report.ToJson();
  j["storm"] = facts;
  Json trace = Json::array();
  trace.push_back(Json{{"agent", "storm_triage"},
                       {"group", incident.storm_key},
                       {"lead", incident.alert.fingerprint},
                       {"member_lines", lines},
                       {"expressions", std::move(expressions)}});
  if (j.contains("trace") && j["trace"].is_array()) {
    for (Json& t : j["trace"]) trace.push_back(std::move(t));
  }
  j["trace"] = std::move(trace);
  return j;
}

}  // namespace vigil
