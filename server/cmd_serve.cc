// `vigil serve`: see server/cli.h for the command contract and server/http_api.h for the routes.
//
//   vigil serve [--listen HOST:PORT] [--workers N] [--queue-max N] [--max-body BYTES]
//               [--max-webhook-body BYTES] [--storm-alerts N] [--storm-rediagnose-interval S]
//               [--storm-merge-window DURATION]
//               [--incident-cache-bytes BYTES]
//               [--read-timeout S] [--header-timeout S] [--rules PATH]... [--eval-interval S]
//               [--eval-lag INTERVALS] [--max-series-per-query N]
//               [--auth-token-file PATH [--metrics-public]] [--stop-wait S]
// With --auth-token-file, requests need `Authorization: Bearer <token>` (server/auth_tokens.h,
// HttpApiOptions::auth); SIGHUP reads the file again (a bad file then keeps the tokens in use).
// With --rules, the rules also run online against `prometheus_url` (server/online_detection.h):
// what they fire becomes incidents like the webhook's alerts. A rule file that does not compile,
// or --rules without prometheus_url, is a bad setting (exit 2).
// Opens `<data_dir>/incidents.db` (incidents left running by a crash are queued again), the
// knowledge base and the LLM from the config, starts the triage workers, binds and serves until
// SIGINT / SIGTERM. The first signal stops taking requests and lets the triages in flight finish
// (exit 0) within --stop-wait seconds; past it their probes are ended and their incidents queued
// again, marked interrupted (15 s more for what is not a probe, then it exits 0, abandoning them:
// queued again at the next start); a second one ends the process at once (its default action; the rows it leaves
// `running` are queued again at the next start). Exit 1 when the address cannot be bound or the
// store cannot be opened, 2 for a bad setting.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "agents/alert_triage.h"
#include "agents/diagnosis_agent.h"
#include "agents/job_logs.h"
#include "agents/peer_series.h"
#include "connectors/alertmanager.h"
#include "connectors/alertmanager_api.h"
#include "connectors/http_client.h"  // CancelAllHttpTransfers: --stop-wait
#include "core/time_util.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/parse.h"
#include "connectors/prometheus_source.h"
#include "detectors/engine.h"
#include "rules/rule_files.h"
#include "probes/command_executor.h"  // ProbeExecutorGraceS
#include "probes/probe.h"
#include "probes/subprocess.h"  // StopSubprocesses: --stop-wait
#include "server/auth_tokens.h"
#include "server/chat.h"
#include "server/chat_store.h"
#include "server/cli.h"
#include "server/data_source.h"  // ServeStepMismatch
#include "server/http_api.h"
#include "server/incident_store.h"
#include "server/online_detection.h"
#include "server/storm_triage.h"
#include "server/triage_workers.h"
#include "server/upstream_check.h"

namespace vigil {
namespace {

struct ServeFlags {
  int workers = 2;
  size_t queue_max = 1000;
  size_t max_body = 1 << 20;
  // POST /api/v1/alerts takes bodies up to this (the Alertmanager parser's own limit): a storm's
  // notification is larger than --max-body, and Alertmanager drops a notification refused with 413.
  size_t max_webhook_body = AlertmanagerLimits{}.max_body_bytes;
  size_t storm_alerts = 50;  // a webhook of at least this many alerts is grouped (0: never)
  // A diagnosed storm incident grown by half or to new nodes is diagnosed again at most this often
  // (IncidentStoreOptions::storm_rediagnose_interval_ms; 0: never).
  int storm_rediagnose_interval_s = 60;
  // An earlier webhook's incidents of the same groupKey are merged into a storm made this long after
  // them at most (IntakeOptions::storm_merge_window_ms; STM1, the flag STM2); "0": never.
  std::string storm_merge_window = "15m";
  // The knowledge base's incident cache (KnowledgeOptions::incident_cache_bytes), and where the
  // value came from (serve's flag, else the incident_cache_bytes setting).
  size_t incident_cache_bytes = KnowledgeOptions{}.incident_cache_bytes;
  std::string incident_cache_bytes_from = "--incident-cache-bytes";
  int read_timeout_s = 10;
  int header_timeout_s = 20;
  int request_timeout_s = 60;
  bool no_probes = false;
  std::vector<std::string> rules;  // files and folders, as vigil detect --rules
  int eval_interval_s = 15;
  int eval_lag = 2;  // --eval-lag: intervals between now and the last grid time read
  size_t max_series_per_query = 10'000;  // --max-series-per-query: series one read asks at most
  // Where max_series_per_query came from, for the start-up line: serve's flag, else the setting
  // (config file, VIGIL_MAX_SERIES_PER_QUERY, the global flag).
  std::string max_series_per_query_from = "--max-series-per-query";
  std::string auth_token_file;  // empty: no authentication
  bool metrics_public = false;
  // SIGINT / SIGTERM: the triages in flight have this long to finish; then their probes are ended
  // and their incidents queued again, marked interrupted (DOG7). 0: their probes are ended at once.
  int stop_wait_s = 30;
};

// --rules: the rules, the Prometheus source at step = the interval, and the detection loop
// (not started). A bad setting is InvalidArgument (exit 2).
struct OnlineParts {
  std::unique_ptr<PrometheusMetricSource> source;
  std::unique_ptr<OnlineDetection> detection;
};
Result<OnlineParts> MakeOnlineDetection(const ServeFlags& f, const Config& config, IncidentStore* store,
                                        const std::atomic<bool>* stopping) {
  Result<std::vector<std::string>> listed = ListRuleFiles(f.rules);
  if (!listed.ok()) return InvalidArgumentError("--rules " + listed.status().message());
  // A rule that does not compile is logged (file:line:col) and left out; the others run (one typo
  // must not stop detection), counted in vigil_detection_rules_not_loaded. None compiling: refused.
  Result<LoadedRules> loaded = LoadRuleFilesKeepingGood(*listed);
  if (!loaded.ok()) return InvalidArgumentError(loaded.status().message());
  const size_t files = loaded->files;
  for (const std::string& e : loaded->errors) std::fprintf(stderr, "vigil serve: %s\n", e.c_str());
  CompiledRules* rules = &loaded->rules;
  for (const RulePlan& r : rules->rules) {  // as vigil detect: aggregate-mode rules mean the opposite alone
    auto role = r.labels.find("role");
    if (role != r.labels.end() && role->second == "suppress") {
      return InvalidArgumentError(r.file + ":" + std::to_string(r.line) + ": rule `" + r.name +
                                  "` has role \"suppress\" (an aggregate-mode rule for a base detector); "
                                  "vigil serve --rules runs plain rule files only");
    }
  }
  const std::string& url = config.GetString("prometheus_url");
  if (url.empty()) {
    return InvalidArgumentError("--rules needs prometheus_url (the Prometheus the rules read): set it with "
                                "--prometheus-url, VIGIL_PROMETHEUS_URL or the config file");
  }
  auto parsed = ParsePrometheusUrl(url);
  if (!parsed.ok()) return InvalidArgumentError("prometheus_url: " + parsed.status().message());
  const int64_t interval_ms = int64_t{f.eval_interval_s} * 1000;
  {  // rules trained by train-rules at another prom: step (as vigil detect warns)
    std::vector<std::string> rule_files;
    for (const RulePlan& r : rules->rules) rule_files.push_back(r.file);
    for (const std::string& w : ServeStepMismatch(interval_ms, rule_files))
      std::fprintf(stderr, "vigil serve: warning: %s\n", w.c_str());
  }
  PrometheusSourceOptions po;
  po.url = *parsed;
  po.step_ms = interval_ms;
  po.scrape_interval_ms = config.GetDurationMs("prometheus_scrape_interval");
  // A slow Prometheus holds one interval's read at most this long; the next read catches up.
  po.http.timeout_ms = std::min<int64_t>(config.GetDurationMs("prometheus_timeout"),
                                         std::max<int64_t>(2 * interval_ms, 5'000));
  if (po.http.timeout_ms <= 0) return InvalidArgumentError("prometheus_timeout: must be more than 0s");
  po.http.connect_timeout_ms = std::min<int64_t>(po.http.timeout_ms, 5'000);
  po.http.cancel = [stopping] { return stopping->load(); };
  OnlineParts parts;
  parts.source = std::make_unique<PrometheusMetricSource>(po);
  OnlineDetectionOptions o;
  o.rules = std::move(*rules);
  o.rule_errors = loaded->errors.size();
  o.source = parts.source.get();
  o.store = store;
  o.interval_ms = interval_ms;
  // 0..3600 s of lag (CLI11 took a whole number): more is no lag a scrape or remote write needs, and
  // every alert would come that late. The default (two intervals) is always taken: with
  // --eval-interval over 1800 s it is more than 3600 s (review RV-OD2: such a serve, which started
  // before --eval-lag existed, was refused for a flag not given).
  const int64_t lag_s = int64_t{f.eval_lag} * f.eval_interval_s;
  const int64_t most_lag_s = std::max<int64_t>(3600, 2 * int64_t{f.eval_interval_s});
  if (lag_s > most_lag_s) {
    return InvalidArgumentError("--eval-lag " + std::to_string(f.eval_lag) + ": " + std::to_string(f.eval_lag) +
                                " intervals of " + std::to_string(f.eval_interval_s) + " s is " +
                                std::to_string(lag_s) + " s, over " +
                                (most_lag_s == 3600 ? std::string("3600 s")
                                                    : std::to_string(most_lag_s) + " s (two intervals, the default)") +
                                " (every alert would come that late)");
  }
  o.lag_ms = int64_t{f.eval_lag} * interval_ms;
  o.max_series_per_query = f.max_series_per_query;  // 1..max_series_per_rule: checked by the flag
  std::string forwarding;
  if (const std::string& am = config.GetString("alertmanager_url"); !am.empty()) {
    auto am_url = ParseAlertmanagerUrl(am);
    if (!am_url.ok()) return InvalidArgumentError("alertmanager_url: " + am_url.status().message());
    AlertmanagerApiOptions ao;
    ao.timeout_ms = std::max<int64_t>(interval_ms, 5'000);
    ao.connect_timeout_ms = std::min<int64_t>(ao.timeout_ms, 5'000);
    ao.cancel = [stopping] { return stopping->load(); };
    o.forward = [url = *am_url, ao](const std::vector<Alert>& alerts) {
      std::vector<Alert> labelled = alerts;
      // Alertmanager's webhook brings them back with it: the same incident (its own fingerprint
      // hashes the labels differently).
      for (Alert& a : labelled) a.labels[kVigilFingerprintLabel] = a.fingerprint;
      return PostAlerts(url, labelled, ao);
    };
    forwarding = "; firing alerts forwarded to Alertmanager " + am_url->shown;
  }
  const size_t n_rules = o.rules.rules.size();
  ASSIGN_OR_RETURN(parts.detection, OnlineDetection::Create(std::move(o)));
  const OnlineDetection& d = *parts.detection;
  std::string warm = "warm-up " + std::to_string(d.warmup_ms() / 1000) + " s";
  if (d.warmup_ms() < d.needed_history_ms()) {
    warm += " (the rules ask for " + std::to_string(d.needed_history_ms() / 1000) +
            " s: cut to 24 h or 10000 intervals; their longest windows are not full until then)";
  }
  // Said when not the default, from the detection's own option (the flag's value reached it).
  std::string per_query;
  if (d.max_series_per_query() != ServeFlags{}.max_series_per_query) {
    per_query = "; reads of at most ";
    per_query += std::to_string(d.max_series_per_query());
    per_query += " series a query, more read in shards by label (";
    per_query += f.max_series_per_query_from;
    per_query += ")";
  }
  std::string left_out;
  if (!loaded->errors.empty()) {
    left_out = " (" + std::to_string(loaded->errors.size());
    left_out += " rule error(s) above: those rules are left out)";
  }
  std::fprintf(stderr,
               "vigil serve: online detection: %zu rule(s)%s from %zu file(s) every %d s, %lld s behind now (--eval-lag "
               "%d) against %s, %s%s%s\n",
               n_rules, left_out.c_str(), files, f.eval_interval_s, static_cast<long long>(d.lag_ms() / 1000), f.eval_lag,
               parts.source->Describe().c_str(), warm.c_str(), per_query.c_str(), forwarding.c_str());
  return parts;
}

// "127.0.0.1:8080" / "[::1]:8080" -> host, port (the config has checked the form).
std::pair<std::string, int> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, std::stoi(listen.substr(colon + 1))};
}

// Why a URL setting (prometheus_url, alertmanager_url) is empty, for serve's start-up text:
// "prometheus_url not set: --prometheus-url, VIGIL_PROMETHEUS_URL or the config file" when no
// source gave it, else "prometheus_url empty, from environment VIGIL_PROMETHEUS_URL" (a config
// file's URL emptied by an empty variable or flag: review RV-NW, the text named no source then).
std::string UnsetUrlWhy(const Config& config, const char* name, const char* flag, const char* env) {
  std::string why = name;
  const std::string source = config.SourceOf(name);
  if (source.empty() || source == "default") {
    why += " not set: ";
    why += flag;
    why += ", ";
    why += env;
    why += " or the config file";
  } else {
    why += " empty, from ";
    why += source;
  }
  return why;
}

}  // namespace

std::string ServeStartupGuide(const Config& config, const std::string& base, bool wildcard, bool no_probes,
                              bool online_rules) {
  std::string g = "vigil serve: chat page: ";
  g += base;
  g += "/";
  if (wildcard) g += "  (every interface: from elsewhere use this machine's name or address)";
  g += "\nvigil serve: Alertmanager webhook: ";
  g += base;
  g += "/api/v1/alerts  (alertmanager.yml receiver: webhook_configs: - url: <this>, send_resolved: true)";
  g += "\nvigil serve: REST: GET ";
  g += base;
  g += "/api/v1/incidents, GET /api/v1/incidents/ID, POST /api/v1/incidents/ID/resolution, "
       "POST /api/v1/diagnose, POST /api/v1/chat, GET /metrics, GET /healthz";
  const std::string& prom = config.GetString("prometheus_url");
  auto prom_url = ParsePrometheusUrl(prom);
  if (prom.empty() || !prom_url.ok()) {
    g += "\nvigil serve: no Prometheus (";
    g += UnsetUrlWhy(config, "prometheus_url", "--prometheus-url", "VIGIL_PROMETHEUS_URL");
    g += "): no metrics are read; alerts are triaged from their labels and text";
    g += no_probes ? " and the knowledge base" : ", the knowledge base and probes";
  } else {
    g += "\nvigil serve: Prometheus: ";
    g += prom_url->shown;
    g += " (prometheus_url, from ";
    g += config.SourceOf("prometheus_url");
    if (!prom_url->cut.empty()) {  // DOG6: one rule with --data prom:URL (ParsePrometheusUrl)
      g += "; its `";
      g += prom_url->cut;
      g += "` left out: vigil adds the API paths";
    }
    g += "): each alert's metrics are read there";
  }
  const std::string& am = config.GetString("alertmanager_url");
  auto am_url = ParseAlertmanagerUrl(am);
  if (am.empty() || !am_url.ok()) {
    g += "\nvigil serve: no Alertmanager (";
    g += UnsetUrlWhy(config, "alertmanager_url", "--alertmanager-url", "VIGIL_ALERTMANAGER_URL");
    g += "): triage does not list the other alerts firing on an alert's node (co-firing alerts)";
    if (online_rules) g += ", and --rules' alerts go to no Alertmanager";
  } else {
    g += "\nvigil serve: Alertmanager: ";
    g += am_url->shown;
    g += " (alertmanager_url, from ";
    g += config.SourceOf("alertmanager_url");
    g += "): triage lists the other alerts firing on each alert's node";
  }
  // Where probes run (REV2): the default `local` executor, on a monitoring host, verifies nothing on a
  // GPU node, and only each incident said so.
  g += "\nvigil serve: probes: ";
  if (no_probes) {
    g += "none (--no-probes): answers are not verified on the nodes";
  } else {
    const std::string& spec = config.GetString("probe_executor");
    const bool local = spec == "local" || spec.rfind("local:", 0) == 0;
    g += spec;
    g += " (probe_executor, ";
    g += config.SourceOf("probe_executor") == "default" ? "default" : "from " + config.SourceOf("probe_executor");
    g += local ? "): probes run on this host only; an alert on another node is not verified there (probe_executor "
                 "ssh:user=USER or slurm:partition=NAME runs them on the alert's node)"
               : spec.rfind("replay:", 0) == 0 ? "): recorded probe results are replayed, nothing runs"
                                               : "): probes run on the alert's node";
    g += "; intrusive probes (GEMM, bandwidth, NCCL) ";
    if (config.GetBool("allow_intrusive_probes")) {
      g += "allowed (allow_intrusive_probes, from ";
      g += config.SourceOf("allow_intrusive_probes");
      g += ")";
    } else {
      g += "not allowed (allow_intrusive_probes)";
    }
  }
  g += "\n";
  return g;
}

namespace {

// The signal of `set` that arrived within `ms`, or 0.
int WaitSignal(const sigset_t& set, int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  const int sig = sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

// POST /api/v1/diagnose: what `vigil diagnose --case FILE --json` prints for the same case
// (recorded probe results replayed, so intrusive probes are allowed).
CaseDiagnoser MakeCaseDiagnoser(const KnowledgeBase* kb, LlmClient* llm) {
  return [kb, llm](const Json& body) -> Result<Json> {
    ASSIGN_OR_RETURN(DiagnosisCase c, ParseCase(body, "request body"));
    c.expected.reset();  // the answer key is for the scorer only
    ASSIGN_OR_RETURN(std::unique_ptr<ProbeExecutor> probes, MakeCaseProbeExecutor(c));
    DiagnosisAgentOptions options;
    options.kb = kb;
    options.llm = llm;
    options.reasoner.allow_intrusive = true;
    DiagnosisAgent agent(options);
    ASSIGN_OR_RETURN(DiagnosisReport report, agent.Diagnose(std::move(c), probes.get()));
    return report.ToJson();
  };
}

// One triage's sources (the workers' alert and storm triage): the configured probe executor, one per
// triage (an executor need not be thread-safe; none with --no-probes), and TriageOptions over it.
struct TriageSources {
  std::unique_ptr<ProbeExecutor> probes;
  TriageOptions options;
};
Result<TriageSources> MakeTriageSources(const std::string& probe_spec, bool allow_intrusive, double budget_s,
                                        const KnowledgeBase* kb, LlmClient* llm, const MetricSource* metrics,
                                        bool no_probes) {
  TriageSources s;
  if (!no_probes) {
    ASSIGN_OR_RETURN(s.probes, MakeProbeExecutor(probe_spec));
  }
  // Under TriageWorkers (server/verification_progress.h): the incident's record, and its probe
  // steps as they start and end.
  if (const TriageProgress progress = CurrentTriageProgress(); progress.board != nullptr) {
    progress.board->Begin(progress.incident, no_probes ? 0 : budget_s, s.probes ? ProbeExecutorGraceS(*s.probes) : 0,
                          s.probes ? s.probes->Describe() : "none (vigil serve --no-probes)");
    if (s.probes) {
      s.probes = progress.board->Observe(std::move(s.probes), progress.incident);
    }
  }
  s.options.kb = kb;
  s.options.llm = llm;
  s.options.metrics = metrics;
  s.options.probes = s.probes.get();  // the executor lives on the heap: moving TriageSources keeps it
  s.options.allow_intrusive = allow_intrusive;
  s.options.verification_budget_s = budget_s;
  s.options.now_ms = SystemClock()->NowMs();
  return s;
}

// The workers' triage: agents/alert_triage.h with Prometheus at `prometheus_url` (when set), the
// configured probe executor and the alerted job's own log (agents/job_logs.h; its settings checked
// at start-up).
TriageFunction MakeAlertTriage(const Config& config, const KnowledgeBase* kb, LlmClient* llm,
                               const MetricSource* metrics, bool no_probes) {
  const std::string probe_spec = config.GetString("probe_executor");
  const bool allow_intrusive = config.GetBool("allow_intrusive_probes");
  const double budget_s = VerificationBudgetFromConfig(config).value_or(0);  // checked at start-up
  auto made = MakeJobLogSource(config);
  std::shared_ptr<const JobLogSource> job_logs(made.ok() ? std::move(*made) : nullptr);
  std::shared_ptr<const SlurmJobNodeSource> job_nodes(MakeJobNodeSource(config));
  return [=](const Alert& alert) -> Result<Json> {
    ASSIGN_OR_RETURN(TriageSources sources,
                     MakeTriageSources(probe_spec, allow_intrusive, budget_s, kb, llm, metrics, no_probes));
    sources.options.job_logs = job_logs.get();
    sources.options.job_nodes = job_nodes.get();
    ASSIGN_OR_RETURN(DiagnosisReport report, TriageAlert(alert, sources.options));
    if (no_probes) report.diagnosis.unverified.push_back("probes: not run (vigil serve --no-probes)");
    return report.ToJson();
  };
}

// The workers' storm triage (server/storm_triage.h), with the same sources as MakeAlertTriage (the
// jobs' own logs included).
StormTriageFunction MakeStormTriage(const Config& config, const KnowledgeBase* kb, LlmClient* llm,
                                    const MetricSource* metrics, bool no_probes) {
  const std::string probe_spec = config.GetString("probe_executor");
  const bool allow_intrusive = config.GetBool("allow_intrusive_probes");
  const double budget_s = VerificationBudgetFromConfig(config).value_or(0);  // checked at start-up
  auto made = MakeJobLogSource(config);
  std::shared_ptr<const JobLogSource> job_logs(made.ok() ? std::move(*made) : nullptr);
  return [=](const StoredIncident& incident) -> Result<Json> {
    ASSIGN_OR_RETURN(TriageSources sources,
                     MakeTriageSources(probe_spec, allow_intrusive, budget_s, kb, llm, metrics, no_probes));
    sources.options.job_logs = job_logs.get();  // each distinct job of the storm read once (LOGC2)
    ASSIGN_OR_RETURN(Json report, TriageStorm(incident, sources.options));
    if (no_probes && report.contains("unverified") && report["unverified"].is_array()) {
      report["unverified"].push_back("probes: not run (vigil serve --no-probes)");
    }
    return report;
  };
}

// Why `text` is not a max_series_per_query (serve's flag and the setting), or "": a whole number
// from 1 to the engine's max_series_per_rule (a rule takes no more series, so no read needs more;
// a larger value also raised the one-grid-time read's limit past it, OnlineDetection::Create).
std::string MaxSeriesPerQueryProblem(const std::string& text) {
  const uint64_t most = static_cast<uint64_t>(EngineOptions{}.limits.max_series_per_rule);
  const std::optional<uint64_t> v = text.empty() || text[0] == '+' ? std::nullopt : ParseUint(text);
  std::string why;
  if (!v || *v < 1) {
    why = "must be a whole number from 1 to ";
    why += std::to_string(most);
    why += ", got `";
    why += text;
    why += "`";
  } else if (*v > most) {
    why = "`";
    why += text;
    why += "` is over ";
    why += std::to_string(most);
    why += ", the engine's max_series_per_rule (a rule takes no more series, so no read needs more)";
  }
  return why;
}

// The largest --incident-cache-bytes: 1 TiB (a cache past the machine's memory is a typo, and
// a value this size still fits size_t's arithmetic in the cache's bookkeeping).
constexpr uint64_t kMostIncidentCacheBytes = uint64_t{1} << 40;

// Why `text` is not an incident_cache_bytes (serve's flag and the setting), or "": a whole number
// of bytes from 0 (no cache) to kMostIncidentCacheBytes, without a unit (no other byte flag of
// serve takes one: --max-body 1048576).
std::string IncidentCacheBytesProblem(const std::string& text) {
  const std::optional<uint64_t> v = text.empty() || text[0] == '+' ? std::nullopt : ParseUint(text);
  std::string why;
  if (v && *v <= kMostIncidentCacheBytes) return why;
  if (v) {
    why = "`";
    why += text;
    why += "` is over ";
    why += std::to_string(kMostIncidentCacheBytes);
    why += " (1 TiB)";
    return why;
  }
  why = "must be a whole number of bytes from 0 (no cache) to ";
  why += std::to_string(kMostIncidentCacheBytes);
  why += ", got `";
  why += text;
  why += "`";
  // "64MiB", "32M", "1e6": a number with a unit or an exponent.
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits > 0 && digits < text.size()) {
    const std::string unit = text.substr(digits);
    const std::optional<uint64_t> number = ParseUint(text.substr(0, digits));
    uint64_t scale = 0;
    if (unit == "K" || unit == "KiB" || unit == "k") scale = uint64_t{1} << 10;
    if (unit == "M" || unit == "MiB") scale = uint64_t{1} << 20;
    if (unit == "G" || unit == "GiB") scale = uint64_t{1} << 30;
    if (unit == "KB" || unit == "kB") scale = 1000;
    if (unit == "MB") scale = 1000 * 1000;
    if (unit == "GB") scale = 1000 * 1000 * 1000;
    why += " (no unit: bytes";
    if (scale > 0 && number && *number <= kMostIncidentCacheBytes / scale) {
      why += ", e.g. ";
      why += std::to_string(*number * scale);
      why += " for ";
      why += text;
    }
    why += ")";
  }
  return why;
}

// A whole-number setting that serve's flag of the same name overrides (max_series_per_query,
// incident_cache_bytes): its value (as written) checked with `problem`, the flag's check, whatever
// overrides it (InvalidArgument naming the setting and where it came from); without the flag,
// `value` and `from` ("<name>, <source>", for the start-up line) are set from it.
Status ApplyNumberSetting(const Config& config, const char* name, std::string (*problem)(const std::string&),
                          const CLI::Option& flag, size_t& value, std::string& from) {
  const std::string& text = config.GetString(name);
  if (std::string why = problem(text); !why.empty()) {
    std::string m = "invalid value `";
    m += text;
    m += "` for ";
    m += name;
    m += " (from ";
    m += config.SourceOf(name);
    m += "): ";
    m += why;
    return InvalidArgumentError(m);
  }
  if (flag.count() == 0) {
    value = static_cast<size_t>(*ParseUint(text));
    from = name;
    from += ", ";
    from += config.SourceOf(name);
  }
  return Status::Ok();
}

}  // namespace

CommandRunner SetupServe(CLI::App& sub) {
  auto f = std::make_shared<ServeFlags>();
  sub.add_option("--workers", f->workers, "triage worker threads")->capture_default_str()->check(WholeNumber(1));
  sub.add_option("--queue-max", f->queue_max,
                 "incidents queued for triage at most; a webhook that would pass it gets 503 (Alertmanager retries)")
      ->capture_default_str()
      ->check(WholeNumber(1));
  sub.add_option("--max-body", f->max_body, "largest request body in bytes (larger: 413); the webhook route: --max-webhook-body")
      ->capture_default_str()
      ->check(WholeNumber(1024));
  sub.add_option("--max-webhook-body", f->max_webhook_body,
                 "largest Alertmanager notification (POST /api/v1/alerts) in bytes, the parser's own limit by "
                 "default: an alert storm's notification passes --max-body, and Alertmanager drops one refused "
                 "with 413 (the larger of this and --max-body applies)")
      ->capture_default_str()
      ->check(WholeNumber(1024));
  sub.add_option("--storm-alerts", f->storm_alerts,
                 "a webhook of at least this many alerts is an alert storm: its alerts become one incident per "
                 "group they share (a rack, switch or PDU label, else all alerts on nodes, else a job), each "
                 "triaged once over all its alerts; 0: one incident per alert always")
      ->capture_default_str()
      ->check(WholeNumber(0));
  sub.add_option("--storm-rediagnose-interval", f->storm_rediagnose_interval_s,
                 "seconds: a diagnosed storm incident that later notifications grew by half or to new nodes is "
                 "diagnosed again, at most once per this many seconds from its last diagnosis; 0: never")
      ->capture_default_str()
      ->check(WholeNumber(0));
  sub.add_option("--storm-merge-window", f->storm_merge_window,
                 "how long after an earlier webhook of the same Alertmanager groupKey a storm still takes its "
                 "incidents in: an incident of one alert (a storm's first notification split off) or a storm "
                 "incident whose alerts fall in another group now is merged into the storm of its alerts' group "
                 "(state merged, merged_into); a duration up to 24h (15m, 90s); 0: never merged")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            auto ms = ParseStormMergeWindow(text);
            return ms.ok() ? std::string() : ms.status().message();
          },
          ""));
  CLI::Option* cache_flag =
      sub.add_option("--incident-cache-bytes", f->incident_cache_bytes,
                     "bytes of knowledge-base incidents kept in memory once read (a storm's triage reads the same "
                     "ones for each alert); a whole number from 0 (no cache) to 1 TiB, no unit; overrides the "
                     "incident_cache_bytes setting")
          ->capture_default_str()
          ->check(CLI::Validator([](std::string& text) -> std::string { return IncidentCacheBytesProblem(text); }, ""));
  sub.add_option("--stop-wait", f->stop_wait_s,
                 "seconds the triages in flight have to finish after SIGINT / SIGTERM; then their probes are "
                 "ended (each one's process group: SIGTERM, SIGKILL 2 s later) and their incidents are queued "
                 "again, marked interrupted, for the next start; 0: at once")
      ->capture_default_str()
      ->check(WholeNumber(0));
  sub.add_option("--read-timeout", f->read_timeout_s,
                 "seconds a client may stall while sending a request before it is dropped")
      ->capture_default_str()
      ->check(WholeNumber(1));
  sub.add_option("--header-timeout", f->header_timeout_s,
                 "seconds a connection may take to send its request header (from connecting, or from its "
                 "last answer) before it is cut: a client trickling bytes holds a server thread until then")
      ->capture_default_str()
      ->check(WholeNumber(1));
  sub.add_option("--request-timeout", f->request_timeout_s,
                 "seconds a request's body may take to come in full after its header before the connection is "
                 "cut: a client trickling a body holds a server thread until then; a request whose handler "
                 "runs is never cut")
      ->capture_default_str()
      ->check(WholeNumber(1));
  sub.add_flag("--no-probes", f->no_probes, "triage without probes (metrics, logs and the knowledge base only)");
  sub.add_option("--rules", f->rules,
                 "rule file or folder (repeatable) to run online against prometheus_url; what fires becomes incidents");
  sub.add_option("--eval-interval", f->eval_interval_s,
                 "seconds between online evaluations of --rules (also the step of the Prometheus reads)")
      ->capture_default_str()
      ->check(WholeNumber(1));
  sub.add_option("--eval-lag", f->eval_lag,
                 "intervals --rules reads behind now: a grid time is read once, so a sample reaching Prometheus "
                 "more than this many intervals after its grid time is not seen at it (0: up to now, as "
                 "Prometheus's own rule evaluation; at most 3600 s of lag, or two intervals when longer)")
      ->capture_default_str()
      ->check(WholeNumber(0));
  CLI::Option* per_query_flag =
      sub.add_option("--max-series-per-query", f->max_series_per_query,
                     "series one Prometheus read of --rules asks at most: a select matching more is listed, then "
                     "read in shards `label=~\"v1|v2|...\"` (or `a=\"x\",b=~\"v1|...\"` when no one label splits "
                     "it) of at most this many (1 to the engine's max_series_per_rule); overrides the "
                     "max_series_per_query setting")
          ->capture_default_str()
          ->check(CLI::Validator([](std::string& text) -> std::string { return MaxSeriesPerQueryProblem(text); }, ""));
  sub.add_option("--auth-token-file", f->auth_token_file,
                 "file of bearer tokens (one per line, # comments, mode 600): every request but GET /healthz and "
                 "the chat page needs `Authorization: Bearer <token>`; SIGHUP reloads it");
  sub.add_flag("--metrics-public", f->metrics_public,
               "with --auth-token-file, GET /metrics needs no token (a Prometheus without credentials)");
  return [f, per_query_flag, cache_flag](const Config& config) -> int {
    // SIGINT / SIGTERM are blocked in every thread (the knowledge base and httplib start some)
    // and taken by this one with sigtimedwait below.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);  // reloads --auth-token-file (its default action would end the server)
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    if (f->metrics_public && f->auth_token_file.empty()) {
      return ReportError(InvalidArgumentError("--metrics-public needs --auth-token-file (without it every route is public)"));
    }
    // The max_series_per_query and incident_cache_bytes settings (config file, VIGIL_*, or the
    // global flag) are checked as serve's flags are, with the same words, whatever overrides them;
    // serve's --max-series-per-query / --incident-cache-bytes override them.
    if (Status st = ApplyNumberSetting(config, "max_series_per_query", MaxSeriesPerQueryProblem, *per_query_flag,
                                       f->max_series_per_query, f->max_series_per_query_from);
        !st.ok()) {
      return ReportError(st);
    }
    if (Status st = ApplyNumberSetting(config, "incident_cache_bytes", IncidentCacheBytesProblem, *cache_flag,
                                       f->incident_cache_bytes, f->incident_cache_bytes_from);
        !st.ok()) {
      return ReportError(st);
    }
    std::unique_ptr<AuthTokens> auth;
    if (!f->auth_token_file.empty()) {
      auto loaded = AuthTokens::Load(f->auth_token_file);
      if (!loaded.ok()) return ReportError(loaded.status());
      auth = std::move(*loaded);
    }
    const auto [host, port] = SplitListen(config.GetString("listen"));
    // The address first: a port in use fails before the data dir is made and the pack imported.
    if (Status free = CheckListenAddress(host, port); !free.ok()) return ReportError(free);
    const std::string data_dir = config.GetString("data_dir");
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
      return ReportError(FailedPreconditionError("cannot create data_dir " + data_dir + " (" +
                                                 config.SourceOf("data_dir") + "): " + ec.message()));
    }
    IncidentStoreOptions store_options;
    store_options.path = IncidentStorePath(data_dir);
    store_options.queue_max = f->queue_max;
    store_options.storm_rediagnose_interval_ms = int64_t{f->storm_rediagnose_interval_s} * 1000;
    auto store = IncidentStore::Open(store_options);
    if (!store.ok()) return ReportError(store.status());
    if ((*store)->recovered_on_open() > 0) {
      LogWarn("serve", std::to_string((*store)->recovered_on_open()) +
                           " incident(s) left running by an earlier process were queued again");
    }
    auto budget = VerificationBudgetFromConfig(config);
    if (!budget.ok()) return ReportError(budget.status());  // a bad setting: refused now, not at the first alert
    KnowledgeOptions kb_options = KnowledgeOptionsFromConfig(config);
    kb_options.incident_cache_bytes = f->incident_cache_bytes;
    auto kb = KnowledgeBase::Open(kb_options);
    if (!kb.ok()) return ReportError(WithDataDirNote(kb.status().WithContext("knowledge base"), data_dir));
    auto llm = MakeLlmClient(config);
    if (!llm.ok()) return ReportError(llm.status());
    auto prometheus = MakeTriageMetricSource(config);  // nullptr without prometheus_url
    if (!prometheus.ok()) return ReportError(prometheus.status());
    if (auto job_logs = MakeJobLogSource(config); !job_logs.ok()) return ReportError(job_logs.status());
    if (!f->no_probes) {  // a bad spec is a bad setting: refused now, not at the first alert
      auto exec = MakeProbeExecutor(config.GetString("probe_executor"));
      if (!exec.ok()) return ReportError(InvalidArgumentError("probe_executor: " + exec.status().message()));
      if (Status s = CheckVerificationBudgetGrace(*budget, **exec, config.SourceOf("verification_budget_s")); !s.ok()) {
        return ReportError(s);
      }
    }
    std::atomic<bool> stopping = false;  // aborts the detection's Prometheus read in flight
    OnlineParts online;
    if (!f->rules.empty()) {
      auto made = MakeOnlineDetection(*f, config, store->get(), &stopping);
      if (!made.ok()) return ReportError(made.status());
      online = std::move(*made);
    }
    TriageWorkersOptions worker_options;
    worker_options.store = store->get();
    worker_options.triage = MakeAlertTriage(config, kb->get(), llm->get(), prometheus->get(), f->no_probes);
    worker_options.triage_storm = MakeStormTriage(config, kb->get(), llm->get(), prometheus->get(), f->no_probes);
    worker_options.workers = f->workers;
    VerificationBoard verification;  // outlives the workers and the API (both borrow it)
    worker_options.board = &verification;
    std::unique_ptr<TriageWorkers> workers;  // started once the address is bound

    HttpApiOptions api_options;
    api_options.store = store->get();
    api_options.verification = &verification;
    api_options.diagnose = MakeCaseDiagnoser(kb->get(), llm->get());
    api_options.max_body = f->max_body;
    api_options.max_webhook_body = std::max(f->max_body, f->max_webhook_body);
    api_options.intake.storm_min_alerts = f->storm_alerts;
    api_options.intake.storm_merge_window_ms = *ParseStormMergeWindow(f->storm_merge_window);  // checked by CLI11
    api_options.read_timeout_s = f->read_timeout_s;
    api_options.header_timeout_s = f->header_timeout_s;
    api_options.request_timeout_s = f->request_timeout_s;
    api_options.auth = auth.get();
    api_options.metrics_public = f->metrics_public;
    api_options.kb = kb->get();  // resolutions go into the knowledge base the triage searches
    api_options.parse_webhook = [max_body = api_options.max_webhook_body](std::string_view body) -> Result<WebhookAlerts> {
      AlertmanagerLimits limits;
      limits.max_body_bytes = max_body;
      ASSIGN_OR_RETURN(AlertmanagerWebhook hook, ParseAlertmanagerWebhook(body, limits));
      for (Alert& a : hook.alerts) {  // one of ours, forwarded by --rules: the incident it already is
        auto ours = a.labels.find(kVigilFingerprintLabel);
        if (ours == a.labels.end()) continue;
        a.fingerprint = ours->second;
        a.labels.erase(ours);
      }
      if (hook.truncated_alerts > 0) {
        LogWarn("serve", "webhook from receiver " + hook.receiver + ": Alertmanager left out " +
                             std::to_string(hook.truncated_alerts) + " alerts of group " + hook.group_key +
                             " (truncatedAlerts; raise the receiver's max_alerts)");
      }
      return WebhookAlertsOf(std::move(hook));
    };
    api_options.on_queued = [&workers] {
      if (workers) workers->Notify();
    };
    api_options.triage_busy = [&workers] { return workers ? workers->busy() : 0; };
    // The chat page (server/chat.h): GET / and /chat, POST /api/v1/chat, over the same store,
    // knowledge base and LLM; all of them outlive `api`.
    IncidentStoreLookup chat_incidents(store->get(), &verification);
    ChatContext chat;
    chat.incidents = &chat_incidents;
    chat.kb = kb->get();
    chat.llm = llm->get();
    api_options.extra_routes = [chat](WatchedRoutes routes) { RegisterChatRoutes(routes, chat); };
    api_options.extra_route_paths = ChatRoutePaths();  // /metrics labels them by name
    // The online detection's vigil_detection_* families go into /metrics (one path to scrape).
    OnlineDetection* detection = online.detection.get();
    // The knowledge base's incident cache (--incident-cache-bytes): its budget and what it holds.
    api_options.extra_metrics = [detection, cache = kb->get()](std::string& out) {
      const IncidentCacheUsage usage = cache->IncidentCache();
      WriteGauge(out, "vigil_knowledge_incident_cache_bytes",
                 "bytes of knowledge-base incidents held in memory (used) and the most it holds (budget: "
                 "--incident-cache-bytes)",
                 {"kind"}, {{{"budget"}, static_cast<double>(usage.budget)}, {{"used"}, static_cast<double>(usage.bytes)}});
      WriteGauge(out, "vigil_knowledge_incident_cache_incidents", "knowledge-base incidents held in memory", {},
                 {{{}, static_cast<double>(usage.incidents)}});
      if (detection != nullptr) detection->WriteMetrics(out);
    };
    HttpApi api(api_options);
    worker_options.on_done = [&api](std::string_view outcome, double seconds) {
      api.metrics().triages.Inc({std::string(outcome)});
      api.metrics().triage_seconds.Observe({std::string(outcome)}, seconds);
    };
    const Status bound = api.Bind(host, port);
    if (!bound.ok()) return ReportError(bound);

    workers = std::make_unique<TriageWorkers>(worker_options);
    workers->Start();
    if (detection != nullptr) {
      detection->SetOnQueued([&workers] { workers->Notify(); });
      detection->Start();
    }
    std::fprintf(stderr, "vigil serve: listening on http://%s:%d (incidents %s, queue max %zu, %s)\n",
                 host.find(':') != std::string::npos ? ("[" + host + "]").c_str() : host.c_str(), api.port(),
                 store_options.path.c_str(), f->queue_max,
                 f->workers == 1 ? "1 triage worker" : (std::to_string(f->workers) + " triage workers").c_str());
    {
      std::string storms = "vigil serve: webhooks up to ";
      storms += std::to_string(api_options.max_webhook_body);
      storms += " bytes (--max-webhook-body); ";
      if (f->storm_alerts == 0) {
        storms += "one incident per alert (--storm-alerts 0)";
      } else {
        storms += "a webhook of ";
        storms += std::to_string(f->storm_alerts);
        storms += "+ alerts is a storm: one incident per group of alerts (--storm-alerts)";
        if (f->storm_rediagnose_interval_s > 0) {
          storms += ", diagnosed again when later alerts grow it by half or to new nodes, at most every ";
          storms += std::to_string(f->storm_rediagnose_interval_s);
          storms += " s (--storm-rediagnose-interval)";
        } else {
          storms += ", never diagnosed again (--storm-rediagnose-interval 0)";
        }
        if (api_options.intake.storm_merge_window_ms > 0) {
          storms += "; an earlier webhook's incidents of its groupKey are merged into it within ";
          storms += FormatDurationMs(api_options.intake.storm_merge_window_ms);
          storms += " (--storm-merge-window)";
        } else {
          storms += "; earlier webhooks' incidents never merged into it (--storm-merge-window 0)";
        }
      }
      if (f->incident_cache_bytes != KnowledgeOptions{}.incident_cache_bytes) {
        storms += "; knowledge-base incident cache ";
        storms += f->incident_cache_bytes == 0 ? std::string("off") : std::to_string(f->incident_cache_bytes) + " bytes";
        storms += " (";
        storms += f->incident_cache_bytes_from;
        storms += ")";
      }
      std::fprintf(stderr, "%s\n", storms.c_str());
    }
    {
      std::string base = "http://";
      if (host.find(':') != std::string::npos) {  // IPv6: [::1]:8080
        base += "[";
        base += host;
        base += "]";
      } else {
        base += host;
      }
      base += ":";
      base += std::to_string(api.port());
      const bool wildcard = host.empty() || host == "0.0.0.0" || host == "::";
      std::fputs(ServeStartupGuide(config, base, wildcard, f->no_probes, !f->rules.empty()).c_str(), stderr);
    }
    if (auth) {  // the count and the path, never a token
      std::fprintf(stderr, "vigil serve: bearer tokens required (%zu from %s; public: GET /healthz, / and /chat%s)\n",
                   auth->count(), auth->path().c_str(), f->metrics_public ? ", /metrics" : "");
    }

    // Prometheus and Alertmanager asked once, beside the server (webhooks are taken meanwhile): a
    // wrong URL is said now, not found at the first page (server/upstream_check.h).
    std::thread upstream_check([&config] {
      UpstreamCheckOptions o;
      o.timeout_ms = std::clamp<int64_t>(config.GetDurationMs("prometheus_timeout"), 1'000, 10'000);
      for (const std::string& line : CheckUpstreams(config, o)) std::fprintf(stderr, "%s\n", line.c_str());
    });
    // The server runs on its own thread; this one waits for a signal.
    std::atomic<bool> served_done = false;
    Status served;
    std::thread server([&] {
      served = api.Run();
      served_done = true;
    });
    int sig = 0;
    while (!served_done && sig <= 0) {
      sig = WaitSignal(signals, 200);
      if (sig != SIGHUP) continue;
      sig = 0;
      if (!auth) {
        std::fprintf(stderr, "vigil serve: SIGHUP: nothing to reload (no --auth-token-file)\n");
      } else if (Status st = auth->Reload(); st.ok()) {
        std::fprintf(stderr, "vigil serve: SIGHUP: %zu bearer token(s) read again from %s\n", auth->count(),
                     auth->path().c_str());
      } else {
        std::fprintf(stderr, "vigil serve: SIGHUP: kept the %zu token(s) in use: %s\n", auth->count(),
                     st.message().c_str());
      }
    }
    if (sig > 0) {
      std::fprintf(stderr, "vigil serve: %s: taking no new requests; waiting for the triages in flight (%d), "
                   "send it again to quit now\n", sig == SIGINT ? "SIGINT" : "SIGTERM", workers->busy());
    }
    stopping = true;
    if (detection != nullptr) detection->Stop();  // before the workers it wakes
    if (sig > 0) api.Stop();  // returns once Run has
    server.join();
    std::atomic<bool> drained = false;
    std::thread drain([&] {
      workers->Stop();
      drained = true;
    });
    // Bounded (DOG7, 2026-12-05): a triage waiting on probes (each up to its time limit, several
    // waves) held the stop for minutes. After --stop-wait its probes are ended (probes/subprocess.h
    // StopSubprocesses) and its LLM / Prometheus requests aborted (connectors/http_client.h
    // CancelAllHttpTransfers, 2026-12-06), and the worker queues its incident again, marked
    // interrupted; a triage still not done kAbandonS later (a wait outside both) is abandoned: the
    // process ends, exit 0, its rows left `running` (queued again at the next start, as after a crash).
    constexpr int kAbandonS = 15;
    const auto stop_at = std::chrono::steady_clock::now();
    bool probes_ended = false;
    while (!drained) {
      const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_at).count();
      if (sig > 0 && !probes_ended && waited >= f->stop_wait_s && workers->busy() > 0) {
        probes_ended = true;
        std::fprintf(stderr, "vigil serve: %d triage(s) still running %d s after %s (--stop-wait): their probes are "
                     "ended, their LLM and Prometheus requests aborted, and no other starts; their incidents are "
                     "queued again, marked interrupted, for the next start\n",
                     workers->busy(), f->stop_wait_s, sig == SIGINT ? "SIGINT" : "SIGTERM");
        StopSubprocesses(sig);
        CancelAllHttpTransfers(sig == SIGINT ? "SIGINT" : "SIGTERM");
      }
      if (probes_ended && waited >= f->stop_wait_s + kAbandonS) {
        KillSubprocessGroups();
        std::fprintf(stderr, "vigil serve: %d triage(s) still running %d s after their probes were ended (an LLM "
                     "call or a Prometheus read?): abandoned; their incidents stay `running` and are queued again at "
                     "the next start; stopped\n", workers->busy(), kAbandonS);
        std::fflush(stderr);
        _exit(0);
      }
      const int again = WaitSignal(signals, 200);
      if (again > 0 && again != SIGHUP) {  // the default action: the rows left running are queued again at the next start
        std::signal(again, SIG_DFL);
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, again);
        pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
        std::raise(again);
      }
    }
    drain.join();
    upstream_check.join();  // at most its time limit per server
    if (!served.ok()) return ReportError(served);
    std::fprintf(stderr, "vigil serve: stopped\n");
    return 0;
  };
}

}  // namespace vigil
