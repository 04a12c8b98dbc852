#include "agents/symptom_prior.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "agents/alert_alone_words.h"
#include "agents/alert_triage.h"
#include "agents/diagnosis_agent.h"
#include "agents/evidence_id.h"
#include "agents/label_value.h"
#include "core/utf8.h"

namespace vigil {
namespace {

// A symptom: how an alert names it, how an incident shows it, the words the knowledge base is
// searched with for incidents that may show it (the regex decides), and the symptom in words.
// Most specific first: an alert naming two (an NCCL watchdog timeout: a hang and NCCL) is read as
// the first. Written from the words alerts and postmortems use for each symptom, not from any case.
// A word's start where a fragment is inside common words: `stall` (install), `lagg` (flagged).
struct SymptomKind {
  const char* id;
  const char* in_words;
  const char* alert;     // on AlertSymptomWords (icase)
  const char* incident;  // on an incident's title, symptoms, text and metric conditions (icase)
  const char* search;    // the lexical search's words
  const char* unless;    // words that make the alert's match another thing ("" none)
  const char* within = "";  // a symptom whose alert words must hold too: this one narrows it ("" none)
};

constexpr SymptomKind kSymptoms[] = {
    {"loss_spike", "the training loss spiking, NaN or diverging", R"(\bloss\b|\bnan\b|diverg)",
     R"(\bloss\b[^.|\n]{0,40}\b(spikes?|spiked|nan|inf|diverg\w*|jump\w*|explod\w*)|\b(nan|inf)\b[^.|\n]{0,30}\bloss\b|found nan|(loss|run|training) diverg)",
     "loss nan inf spike spikes spiked diverged diverges divergence jump",
     // Another loss: a network's packets, a link's signal, a lost heartbeat.
     R"(packets?[ _-]?loss|loss of (signal|link|carrier|sync|heartbeat))"},
    {"gpu_util_low", "GPU utilisation low", R"(\bgpus?\b[^.\n]{0,30}\butili[sz]|gpu[ _]?util|\bsm[ _]?(util|activ)|\butil\b)",
     R"(utili[sz]ation|gpu_util|sm activity)", "utilization utilisation util activity", ""},
    {"pfc_pause", "PFC pause frames (a lossless class paused)", R"(\bpause\b|\bpfc\b|priority flow control)",
     R"(\bpause\b|\bpfc\b|priority flow control)", "pause pfc priority flow control", ""},
    {"straggler", "one rank, GPU or node slower than its peers",
     R"(straggl|slow(est)?[ _-]?(rank|node|gpu|worker)|(rank|node|gpu|worker)[ _-]?slow|(\b|_)lagging)",
     R"(straggl|slow(est)? (rank|node|gpu|worker)|(rank|node|gpu|worker)\b[^.|\n]{0,30}\bslow|every step waits|falls? behind|(\b|_)lagg)",
     "straggler stragglers slow slowest rank node gpu worker behind lagging waits", ""},
    // A job that failed or stalled while saving a checkpoint (ALR2): the save is what it was doing, so the
    // write path (the checkpoint's file system, its object store, host memory for the staging copy)
    // comes before the collectives or the ranks; the incidents counted are those whose save failed or
    // hung. Not a job resumed or restored from a checkpoint (a restart's words).
    {"checkpoint", "the job failed or stalled while saving a checkpoint",
     R"((fail|crash|exit|died|abort|stall|stuck|\bhang|\bhung|no step|no progress|timed? ?out|timeout|watchdog)[^\n]{0,80}\b(check ?point|ckpt)|\b(check ?point|ckpt)\w*[^\n]{0,60}(fail|crash|stall|stuck|\bhang|\bhung|timed? ?out|timeout|running for|in progress|\bago\b))",
     R"(\b(check ?point|ckpt)\w*[^.\n]{0,60}(fail|error|\bhang|\bhung|stall|slow|timed? ?out|timeout|stuck)|(fail|error|\bhang|\bhung|stall|timed? ?out|timeout|stuck)\w*[^.\n]{0,60}\b(check ?point|ckpt))",
     "checkpoint checkpoints ckpt save saving write writing",
     R"((restor|resum|load|restart)\w*\s+(from\s+)?(the\s+)?(last\s+)?(check ?point|ckpt))"},
    {"hang", "the job hung or stalled (no progress, a stale heartbeat, a watchdog)",
     R"(\bhang|\bhung|(\b|_)stall|no[ _-]?progress|heartbeat|stuck|watchdog|frozen)",
     R"(\bhang|\bhung|(\b|_)stall|no progress|heartbeat|stuck|watchdog|frozen)",
     "hang hangs hung stall stalled stalls progress heartbeat stuck watchdog frozen", ""},
    {"nccl", "NCCL or collective errors or slowness", R"(nccl|collective|all[ _-]?reduce|bus[ _]?bandwidth|busbw)",
     R"(nccl|collective|all[-_ ]?reduce|all-to-all|busbw)", "nccl collective collectives allreduce reduce busbw", ""},
    // A failed job whose alert says it failed at its start (at init, before its first step, within
    // seconds of launch): a job that never trained fails by its launch, configuration or bootstrap far
    // more often than one that failed after hours; the incidents counted are those failing at the start.
    // Seconds only: "failed after 2 minutes" or "in 40 min" may be a first step's OOM or a lost GPU.
    {"job_failed_at_start", "the job failed at its start (at init, before its first step)",
     R"((fail|crash|exit|died|error|abort)\w*[^\n]{0,60}()"
     R"(\b(at|during|on) (start|startup|start-up|init|initiali[sz]ation|launch|import)\b)"
     R"(|\bbefore (the )?first (step|iteration)|\b(at|in) (the )?first step|\bat (step|iteration) 0\b|\b0 iterations\b)"
     R"(|\b(within|in) \d+ ?(s|secs?|seconds)\b|\b\d+ ?(s|secs?|seconds) (after|of) (the )?(start|launch)\b))"
     R"(|\b(init|start|startup|launch)[ _-]?(fail|error))",
     // An incident that fails at the start, not one that only says something at the start (a warning).
     R"((fail|crash|error|abort|assert|exit|time[sd]? out)\w*[^.\n]{0,60}()"
     R"(\b(at|during|on) (start|startup|start-up|init|initiali[sz]ation|launch))"
     R"(|\bbefore (the )?first (step|iteration)))"
     R"(|\bat (step|iteration) 0\b|\bbootstrap)",
     "start startup init initialization launch before first step bootstrap", "", "job_failed"},
    {"job_failed", "the job failed, crashed or restarts", 
     // The job, its pods, ranks or processes failing: not a part (a power supply, a checkpoint, a drain's
     // "Kill task failed") that failed.
     R"(\b(job|jobs|pod|pods|training|train|run|torchrun|rank|ranks|worker|workers|process|child|trainer|container)\b[^\n]{0,40}(fail|crash|exit|restart|back-?off|requeue|killed|terminated|died)|crash[ _-]?loop)",
     R"(crash|job (has )?failed|failed (job|run)|exit(ed)? (with )?(code|status)|exitcode|terminated|killed|abort|died|dies\b|restart|crashloop)",
     "crash crashed crashes failed exit code status exitcode terminated killed abort aborted died dies restart restarts crashloop", ""},
    {"slow_step", "step time up or throughput down",
     R"(step[ _-]?time|iteration[ _-]?time|slow|throughput|tokens?[ _/]?(per|/)|samples?[ _/]?(per|/)|tflop|\bmfu\b)",
     R"(step[ _-]?time|iteration time|time per (step|iteration)|slow(er|s|down)?\b|throughput|tokens?/s|tokens_per_s|samples/s|tflop|\bmfu\b)",
     "step time iteration slow slower slowdown throughput tokens samples tflop tflops mfu", ""},
};

struct CompiledSymptom {
  const SymptomKind* kind;
  std::regex alert;
  std::regex incident;
  std::optional<std::regex> unless;
};

const std::vector<CompiledSymptom>& Symptoms() {
  static const std::vector<CompiledSymptom> kCompiled = [] {
    std::vector<CompiledSymptom> out;
    const auto flags = std::regex::ECMAScript | std::regex::icase | std::regex::optimize;
    for (const SymptomKind& k : kSymptoms) {
      out.push_back({&k, std::regex(k.alert, flags), std::regex(k.incident, flags), std::nullopt});
      if (*k.unless != '\0') out.back().unless.emplace(k.unless, flags);
    }
    return out;
  }();
  return kCompiled;
}

const CompiledSymptom* SymptomById(const std::string& id) {
  for (const CompiledSymptom& s : Symptoms()) {
    if (id == s.kind->id) return &s;
  }
  return nullptr;
}

constexpr size_t kMaxWords = 4096;
// With no hypothesis listed, the share of the belief outside `other cause` the ranked causes get.
constexpr double kUnlistedShare = 0.1;
constexpr size_t kMaxIncidentText = 8192;

// "TrainingLossNaN" -> "Training Loss NaN", "GPUUtilizationLow" -> "GPU Utilization Low": a space
// before each capital that a small letter follows (a word's first letter), not inside an acronym.
std::string SplitCapitals(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    const bool capital = ch >= 'A' && ch <= 'Z';
    const bool small_next = i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
    if (i > 0 && capital && small_next && name[i - 1] != ' ') out += ' ';
    out += ch;
  }
  return out;
}

std::string IncidentText(const Incident& inc) {
  std::string t = inc.title;
  for (const std::string& s : inc.symptoms) {
    t += "\n";
    t += s;
  }
  t += "\n";
  t += Utf8Prefix(inc.raw_text, kMaxIncidentText);
  for (const std::string& m : inc.metric_conditions) {
    t += "\n";
    t += m;
  }
  return t;
}

}  // namespace

std::string AlertSymptomWords(const Alert& alert) {
  std::string text = SplitCapitals(alert.rule.empty() ? LabelValue(alert.labels, "alertname") : alert.rule);
  for (const char* key : {"summary", "description", "message"}) {
    if (std::string v = LabelValue(alert.annotations, key); !v.empty()) {
      text += "\n";
      text += v;
    }
  }
  if (alert.explanation.is_object() && alert.explanation.contains("generator_url") &&
      alert.explanation["generator_url"].is_string()) {
    for (std::string name : MetricNamesInExpression(ExpressionFromGeneratorUrl(alert.explanation["generator_url"]))) {
      std::replace(name.begin(), name.end(), '_', ' ');
      text += "\n";
      text += name;
    }
  }
  return Utf8Prefix(text, kMaxWords);
}

NamedSymptom SymptomInWords(const std::string& words) {
  const std::string text = Utf8Prefix(words, kMaxWords);
  std::smatch m;
  for (const CompiledSymptom& s : Symptoms()) {
    if (s.unless && std::regex_search(text, *s.unless)) continue;
    if (*s.kind->within != '\0') {
      const CompiledSymptom* wider = SymptomById(s.kind->within);
      if (wider == nullptr || !std::regex_search(text, wider->alert)) continue;
    }
    if (std::regex_search(text, m, s.alert)) return {s.kind->id, s.kind->in_words, m.str(0)};
  }
  return {};
}

bool IncidentShowsSymptom(const Incident& incident, const std::string& id) {
  const CompiledSymptom* s = SymptomById(id);
  return s != nullptr && std::regex_search(IncidentText(incident), s->incident);
}

Result<SymptomPrior> MineSymptomPrior(const KnowledgeBase& kb, const NamedSymptom& symptom,
                                      const std::vector<std::string>& categories) {
  SymptomPrior prior;
  prior.symptom = symptom;
  const CompiledSymptom* s = SymptomById(symptom.id);
  if (s == nullptr) return prior;
  SearchQuery q;
  q.text = s->kind->search;
  q.k = kSymptomSearchDepth;
  q.mode = SearchMode::kLexical;
  q.include_guides = false;
  ASSIGN_OR_RETURN(std::vector<SearchHit> hits, kb.Search(q));
  const std::set<std::string> known(categories.begin(), categories.end());
  std::map<std::string, size_t> count, first_seen;
  for (const SearchHit& h : hits) {
    if (h.kind != SearchHit::Kind::kIncident || !known.count(h.incident.root_cause)) continue;
    if (!std::regex_search(IncidentText(h.incident), s->incident)) continue;
    ++prior.incidents;
    first_seen.emplace(h.incident.root_cause, first_seen.size());
    ++count[h.incident.root_cause];
  }
  for (const auto& [cat, n] : count) prior.causes.emplace_back(cat, n);
  std::sort(prior.causes.begin(), prior.causes.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return first_seen[a.first] < first_seen[b.first];
  });
  return prior;
}

bool RankBySymptomPrior(const SymptomPrior& prior, const std::function<std::string(const std::string&)>& component_of,
                        Diagnosis& d) {
  if (prior.incidents == 0 || prior.causes.empty()) return false;
  std::map<std::string, size_t> count(prior.causes.begin(), prior.causes.end());
  std::map<std::string, size_t> search_order;
  for (const auto& [cat, n] : prior.causes) search_order.emplace(cat, search_order.size());
  std::map<std::string, size_t> words_order;
  for (const Hypothesis& h : d.hypotheses) words_order.emplace(h.category, words_order.size());
  // The order: the words' leader when the knowledge base shows it as a cause of the symptom, then
  // the causes by incidents (ties: the words' order, then the search's), then the other hypotheses.
  std::vector<std::string> order;
  const std::string lead = d.hypotheses.empty() ? std::string() : d.hypotheses[0].category;
  if (!lead.empty() && count.count(lead)) order.push_back(lead);
  std::vector<std::string> causes;
  for (const auto& [cat, n] : prior.causes) {
    if (cat != lead || order.empty()) causes.push_back(cat);
  }
  auto rank = [&](const std::string& cat) {
    auto w = words_order.find(cat);
    return std::make_tuple(-static_cast<long>(count[cat]), w == words_order.end() ? words_order.size() : w->second,
                           search_order[cat]);
  };
  std::stable_sort(causes.begin(), causes.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  order.insert(order.end(), causes.begin(), causes.end());
  for (const Hypothesis& h : d.hypotheses) {
    if (!count.count(h.category)) order.push_back(h.category);
  }
  // The belief the words gave the hypotheses listed (their sum; an unknown answer's `other cause` and
  // the categories nothing supports keep theirs) is shared by the incidents' counts, never more than
  // the hypothesis listed above it: the prior ranks, it adds no evidence.
  double named = 0;
  for (const Hypothesis& h : d.hypotheses) named += std::max(0.0, h.probability);
  named = std::clamp(named, 0.0, std::clamp(1.0 - d.confidence, 0.0, 1.0));
  if (named <= 0) named = kUnlistedShare * std::clamp(1.0 - d.confidence, 0.0, 1.0);
  std::vector<Hypothesis> ranked;
  double above = 1.0;
  for (const std::string& cat : order) {
    if (ranked.size() >= 5) break;
    auto old = std::find_if(d.hypotheses.begin(), d.hypotheses.end(), [&](const Hypothesis& h) { return h.category == cat; });
    Hypothesis h;
    if (old != d.hypotheses.end()) {
      h = *old;
    } else {
      h.category = cat;
      h.component = component_of(cat);
      h.status = HypothesisStatus::kOpen;
    }
    const size_t n = count.count(cat) ? count[cat] : 0;
    double p = n > 0 ? named * static_cast<double>(n) / static_cast<double>(prior.incidents) : std::min(h.probability, 0.01);
    p = std::min(p, above);
    above = p;
    std::ostringstream why;
    if (n > 0) {
      why << n << " of the knowledge base's " << prior.incidents << " incidents with this symptom ("
          << prior.symptom.in_words << ") had this cause";
      if (cat == lead && !order.empty() && order.front() == lead) why << "; first by the alert's words";
    } else {
      why << "no incident with this symptom in the knowledge base had this cause";
    }
    if (!h.rationale.empty()) why << "; " << h.rationale;
    h.rationale = why.str();
    h.probability = p;
    ranked.push_back(std::move(h));
  }
  d.hypotheses = std::move(ranked);
  if (!d.hypotheses.empty()) d.component = d.hypotheses[0].component;
  // The evidence: what was counted (read, not counted by the reasoner).
  std::ostringstream detail;
  detail << "incidents with this symptom (" << prior.symptom.in_words << ") in the knowledge base: " << prior.incidents
         << ", of which ";
  for (size_t i = 0; i < prior.causes.size() && i < 5; ++i) {
    detail << (i ? ", " : "") << prior.causes[i].first << " " << prior.causes[i].second;
  }
  if (prior.causes.size() > 5) detail << ", " << prior.causes.size() - 5 << " other causes";
  detail << " (the alert: \"" << Utf8Prefix(prior.symptom.said, 80)
         << "\"): the alert names the symptom, not its cause; the hypotheses are ranked by these incidents";
  Evidence e;
  e.kind = EvidenceKind::kKnowledge;
  e.source = "knowledge base: incidents showing the symptom";
  e.detail = detail.str();
  e.weight = 0;
  e.id = FreeEvidenceId(d);
  d.evidence.push_back(std::move(e));
  // The note of a symptom alert read alone (the reasoner's SaySymptomAlertOnly) named the words' leader.
  const std::string marker = " leads the hypotheses by the alert's words alone";
  bool noted = false;
  for (std::string& u : d.unverified) {
    const size_t at = u.find(marker);
    if (u.rfind("only the alert was read: ", 0) != 0 || at == std::string::npos) continue;
    const size_t open = u.rfind('(', at);
    if (open == std::string::npos) continue;
    u.replace(open + 1, at + marker.size() - open - 1,
              "its causes ranked by the knowledge base's " + std::to_string(prior.incidents) + " incidents with it");
    noted = true;
  }
  if (!noted) {
    d.unverified.insert(d.unverified.begin(),
                        "only the alert was read: it names a symptom (" + prior.symptom.in_words +
                            "), not its cause; the hypotheses are ranked by the knowledge base's " +
                            std::to_string(prior.incidents) +
                            " incidents with this symptom; the node's logs, metrics or probes decide");
  }
  return true;
}

bool NoClusterLog(const DiagnosisCase& c) {
  return std::all_of(c.logs.begin(), c.logs.end(), [](const CaseLog& log) {
    return IsAlertFactsLog(log.source) || log.source.find("alertmanager co-firing alerts") != std::string::npos;
  });
}

bool AlertIsTheWholeCase(const DiagnosisCase& c) {
  return c.alert && c.metrics.empty() && !(c.probes.is_object() && !c.probes.empty()) && NoClusterLog(c);
}

bool UnknownFromAlertAlone(const DiagnosisCase& c, const Diagnosis& d) {
  if (!c.alert || d.root_cause != "unknown" || !NoClusterLog(c)) return false;
  for (const Evidence& e : d.evidence) {
    if (e.weight == 0) continue;
    if (e.kind == EvidenceKind::kAlert) continue;
    if (e.kind == EvidenceKind::kKnowledge || e.kind == EvidenceKind::kLog) {
      // The knowledge recalled from the alert's words (kb:...), or the alert's own line and what it read like.
      if (e.source.rfind("kb:", 0) == 0) continue;
      const size_t colon = e.source.rfind(':');
      if (IsAlertFactsLog(colon == std::string::npos ? e.source : e.source.substr(0, colon))) continue;
    }
    return false;
  }
  return true;
}

void RankSymptomAlertCauses(const KnowledgeBase& kb, const DiagnosisCase& c, const std::vector<std::string>& categories,
                            const std::function<std::string(const std::string&)>& component_of, Diagnosis& d,
                            Json& trace) {
  if (!UnknownFromAlertAlone(c, d)) return;
  // The alert's words already ranked the two causes they fit (ALR2's pair): that is the ranking.
  for (const Evidence& e : d.evidence) {
    if (e.detail.rfind(kAlertRankedPairPrefix, 0) == 0) return;
  }
  const NamedSymptom symptom = SymptomInWords(AlertSymptomWords(*c.alert));
  if (symptom.id.empty()) return;
  Result<SymptomPrior> prior = MineSymptomPrior(kb, symptom, categories);
  if (!prior.ok()) {
    trace.push_back({{"type", "symptom_prior"}, {"symptom", symptom.id}, {"error", prior.status().ToString()}});
    return;
  }
  Json causes = Json::object();
  for (const auto& [cat, n] : prior->causes) causes[cat] = n;
  const bool ranked = RankBySymptomPrior(*prior, component_of, d);
  trace.push_back({{"type", "symptom_prior"},
                   {"symptom", symptom.id},
                   {"said", symptom.said},
                   {"incidents", prior->incidents},
                   {"causes", std::move(causes)},
                   {"ranked", ranked}});
}

}  // namespace vigil
