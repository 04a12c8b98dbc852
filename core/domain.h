// Domain types shared across layers: Alert, Evidence, Hypothesis, Incident, Diagnosis.
//
// Plain structs with JSON round-trip (to_json/from_json, found by ADL). Times are Unix ms (0 = not
// set). Field names in JSON are snake_case and stable: the HTTP API and the SQLite stores use
// them. from_json accepts missing optional fields (defaults) and rejects wrong types; use
// FromJson<T>() (core/json.h) to get a Status instead of an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/time_series.h"

namespace vigil {

enum class AlertState { kInactive, kPending, kFiring, kResolved };
std::string_view AlertStateName(AlertState s);          // "pending", ...
Result<AlertState> ParseAlertState(std::string_view s);  // InvalidArgument names the accepted set

// One alert instance: a rule (alertname) firing for one label set.
struct Alert {
  std::string fingerprint;   // stable hash of rule + labels (hex)
  std::string rule;          // rule name / alertname
  std::string severity;      // "critical", "warning", "info", or a user's own
  Labels labels;             // series labels plus the rule's labels
  Labels annotations;        // summary, description, runbook_url, ...
  AlertState state = AlertState::kPending;
  int64_t active_at_ms = 0;  // first point where the condition held
  int64_t starts_at_ms = 0;  // when it started firing (0 while pending)
  int64_t ends_at_ms = 0;    // when it resolved (0 while active)
  double value = 0;          // the value that made it fire
  Json explanation;          // which sub-expressions held, with their values (rules engine)
};

enum class EvidenceKind { kLog, kMetric, kProbe, kKnowledge, kAlert, kUser };
std::string_view EvidenceKindName(EvidenceKind k);
Result<EvidenceKind> ParseEvidenceKind(std::string_view s);

// One observed fact that a diagnosis rests on. `source` says where it can be checked
// ("node-3/rank5/stderr:1042", "probe gpu.health@node-3/gpu5", "kb:incident-17").
struct Evidence {
  std::string id;             // unique within a diagnosis ("e1", ...)
  EvidenceKind kind = EvidenceKind::kLog;
  std::string source;
  std::string detail;         // the log line, the metric condition, the probe verdict
  int64_t time_ms = 0;
  std::optional<double> value;
  std::vector<std::string> supports;  // categories this evidence supports
  std::vector<std::string> refutes;   // categories this evidence argues against
  double weight = 1.0;                // log-odds contribution used by the reasoner
};

enum class HypothesisStatus { kOpen, kConfirmed, kRefuted, kUnverified };
std::string_view HypothesisStatusName(HypothesisStatus s);
Result<HypothesisStatus> ParseHypothesisStatus(std::string_view s);

struct Hypothesis {
  std::string category;     // taxonomy id (shared/taxonomy.json) or a user-defined one
  std::string component;    // "node-3/gpu5", "node-3", "job/llm-70b", "" when unknown
  double probability = 0;   // posterior in [0, 1]
  HypothesisStatus status = HypothesisStatus::kOpen;
  std::string rationale;
  std::vector<std::string> evidence_ids;  // Evidence::id entries backing it
};

// One verification step run (or planned) while diagnosing.
struct VerificationStep {
  std::string id;           // "s1"
  std::string action;       // "run_probe", "query_metrics", "read_logs", "kb_search"
  std::string target;       // "gpu.health@node-3/gpu5"
  std::vector<std::string> depends_on;
  double expected_s = 0;    // from the probe catalog
  double duration_s = 0;    // measured
  std::string outcome;      // "pass", "fail", "error", "unavailable", "skipped", ...
};

struct Diagnosis {
  std::string root_cause;   // taxonomy id, or "unknown"
  std::string component;
  double confidence = 0;    // in [0, 1]
  std::string summary;
  std::vector<Hypothesis> hypotheses;  // ranked, best first
  std::vector<Evidence> evidence;
  std::string mitigation;
  std::vector<std::string> unverified;  // what could not be checked, and why
  std::vector<VerificationStep> steps;
  double planned_s = 0;     // critical-path verification time
  double sequential_s = 0;  // sum of step times
};

enum class IncidentStatus { kOpen, kDiagnosed, kResolved };
std::string_view IncidentStatusName(IncidentStatus s);
Result<IncidentStatus> ParseIncidentStatus(std::string_view s);

// An incident: live (from alerts or chat) or historical (imported into the knowledge base).
struct Incident {
  std::string id;
  std::string title;
  int64_t started_at_ms = 0;
  int64_t resolved_at_ms = 0;
  IncidentStatus status = IncidentStatus::kOpen;
  std::string raw_text;                        // ticket / chat / postmortem text as given
  std::vector<std::string> symptoms;
  std::vector<std::string> log_signatures;     // regexes or templates over log lines
  std::vector<std::string> metric_conditions;  // PromQL-like conditions over metrics (agents/metric_condition.h)
  std::string root_cause;                      // taxonomy id or user-defined
  std::string component;
  std::vector<std::string> verification_steps;
  std::string mitigation;
  std::string source;                          // "pack:gpu", "import:tickets.jsonl:17", ...
  std::vector<std::string> links;
  std::vector<Alert> alerts;
  std::optional<Diagnosis> diagnosis;
};

void to_json(Json& j, const Alert& a);
void from_json(const Json& j, Alert& a);
void to_json(Json& j, const Evidence& e);
void from_json(const Json& j, Evidence& e);
void to_json(Json& j, const Hypothesis& h);
void from_json(const Json& j, Hypothesis& h);
void to_json(Json& j, const VerificationStep& s);
void from_json(const Json& j, VerificationStep& s);
void to_json(Json& j, const Diagnosis& d);
void from_json(const Json& j, Diagnosis& d);
void to_json(Json& j, const Incident& i);
void from_json(const Json& j, Incident& i);

}  // namespace vigil
