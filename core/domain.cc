#include "core/domain.h"

#include <stdexcept>

namespace vigil {
namespace {

// Enum <-> name tables; one place per enum.
template <typename E, size_t N>
Result<E> ParseEnum(std::string_view s, const std::pair<E, std::string_view> (&table)[N], const char* what) {
  std::string accepted;
  for (const auto& [e, name] : table) {
    if (name == s) return e;
    if (!accepted.empty()) accepted += ", ";
    accepted += name;
  }
  return InvalidArgumentError("unknown " + std::string(what) + " `" + std::string(s) + "`; accepted: " + accepted);
}
template <typename E, size_t N>
std::string_view EnumName(E e, const std::pair<E, std::string_view> (&table)[N]) {
  for (const auto& [v, name] : table) if (v == e) return name;
  return "unknown";
}

constexpr std::pair<AlertState, std::string_view> kAlertStates[] = {
    {AlertState::kInactive, "inactive"}, {AlertState::kPending, "pending"},
    {AlertState::kFiring, "firing"}, {AlertState::kResolved, "resolved"}};
constexpr std::pair<EvidenceKind, std::string_view> kEvidenceKinds[] = {
    {EvidenceKind::kLog, "log"}, {EvidenceKind::kMetric, "metric"}, {EvidenceKind::kProbe, "probe"},
    {EvidenceKind::kKnowledge, "knowledge"}, {EvidenceKind::kAlert, "alert"}, {EvidenceKind::kUser, "user"}};
constexpr std::pair<HypothesisStatus, std::string_view> kHypothesisStatuses[] = {
    {HypothesisStatus::kOpen, "open"}, {HypothesisStatus::kConfirmed, "confirmed"},
    {HypothesisStatus::kRefuted, "refuted"}, {HypothesisStatus::kUnverified, "unverified"}};
constexpr std::pair<IncidentStatus, std::string_view> kIncidentStatuses[] = {
    {IncidentStatus::kOpen, "open"}, {IncidentStatus::kDiagnosed, "diagnosed"},
    {IncidentStatus::kResolved, "resolved"}};

template <typename T>
void Opt(const Json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

// Enums travel as names; a bad name throws so FromJson reports it.
template <typename E>
void OptEnum(const Json& j, const char* key, E& out, Result<E> (*parse)(std::string_view)) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  auto r = parse(it->get<std::string>());
  if (!r.ok()) throw std::invalid_argument(std::string(key) + ": " + r.status().message());
  out = *r;
}

}  // namespace

std::string_view AlertStateName(AlertState s) { return EnumName(s, kAlertStates); }
Result<AlertState> ParseAlertState(std::string_view s) { return ParseEnum(s, kAlertStates, "alert state"); }
std::string_view EvidenceKindName(EvidenceKind k) { return EnumName(k, kEvidenceKinds); }
Result<EvidenceKind> ParseEvidenceKind(std::string_view s) { return ParseEnum(s, kEvidenceKinds, "evidence kind"); }
std::string_view HypothesisStatusName(HypothesisStatus s) { return EnumName(s, kHypothesisStatuses); }
Result<HypothesisStatus> ParseHypothesisStatus(std::string_view s) {
  return ParseEnum(s, kHypothesisStatuses, "hypothesis status");
}
std::string_view IncidentStatusName(IncidentStatus s) { return EnumName(s, kIncidentStatuses); }
Result<IncidentStatus> ParseIncidentStatus(std::string_view s) {
  return ParseEnum(s, kIncidentStatuses, "incident status");
}

void to_json(Json& j, const Alert& a) {
  j = Json{{"fingerprint", a.fingerprint}, {"rule", a.rule}, {"severity", a.severity},
           {"labels", a.labels}, {"annotations", a.annotations},
           {"state", AlertStateName(a.state)}, {"active_at_ms", a.active_at_ms},
           {"starts_at_ms", a.starts_at_ms}, {"ends_at_ms", a.ends_at_ms}, {"value", a.value}};
  if (!a.explanation.is_null()) j["explanation"] = a.explanation;
}
void from_json(const Json& j, Alert& a) {
  a = Alert{};
  Opt(j, "fingerprint", a.fingerprint);
  j.at("rule").get_to(a.rule);
  Opt(j, "severity", a.severity);
  Opt(j, "labels", a.labels);
  Opt(j, "annotations", a.annotations);
  OptEnum(j, "state", a.state, &ParseAlertState);
  Opt(j, "active_at_ms", a.active_at_ms);
  Opt(j, "starts_at_ms", a.starts_at_ms);
  Opt(j, "ends_at_ms", a.ends_at_ms);
  Opt(j, "value", a.value);
  if (j.contains("explanation")) a.explanation = j.at("explanation");
}

void to_json(Json& j, const Evidence& e) {
  j = Json{{"id", e.id}, {"kind", EvidenceKindName(e.kind)}, {"source", e.source}, {"detail", e.detail},
           {"time_ms", e.time_ms}, {"supports", e.supports}, {"refutes", e.refutes}, {"weight", e.weight}};
  if (e.value) j["value"] = *e.value;
}
void from_json(const Json& j, Evidence& e) {
  e = Evidence{};
  Opt(j, "id", e.id);
  OptEnum(j, "kind", e.kind, &ParseEvidenceKind);
  Opt(j, "source", e.source);
  j.at("detail").get_to(e.detail);
  Opt(j, "time_ms", e.time_ms);
  if (j.contains("value") && !j.at("value").is_null()) e.value = j.at("value").get<double>();
  Opt(j, "supports", e.supports);
  Opt(j, "refutes", e.refutes);
  Opt(j, "weight", e.weight);
}

void to_json(Json& j, const Hypothesis& h) {
  j = Json{{"category", h.category}, {"component", h.component}, {"probability", h.probability},
           {"status", HypothesisStatusName(h.status)}, {"rationale", h.rationale},
           {"evidence_ids", h.evidence_ids}};
}
void from_json(const Json& j, Hypothesis& h) {
  h = Hypothesis{};
  j.at("category").get_to(h.category);
  Opt(j, "component", h.component);
  Opt(j, "probability", h.probability);
  OptEnum(j, "status", h.status, &ParseHypothesisStatus);
  Opt(j, "rationale", h.rationale);
  Opt(j, "evidence_ids", h.evidence_ids);
}

void to_json(Json& j, const VerificationStep& s) {
  j = Json{{"id", s.id}, {"action", s.action}, {"target", s.target}, {"depends_on", s.depends_on},
           {"expected_s", s.expected_s}, {"duration_s", s.duration_s}, {"outcome", s.outcome}};
}
void from_json(const Json& j, VerificationStep& s) {
  s = VerificationStep{};
  Opt(j, "id", s.id);
  j.at("action").get_to(s.action);
  Opt(j, "target", s.target);
  Opt(j, "depends_on", s.depends_on);
  Opt(j, "expected_s", s.expected_s);
  Opt(j, "duration_s", s.duration_s);
  Opt(j, "outcome", s.outcome);
}

void to_json(Json& j, const Diagnosis& d) {
  j = Json{{"root_cause", d.root_cause}, {"component", d.component}, {"confidence", d.confidence},
           {"summary", d.summary}, {"hypotheses", d.hypotheses}, {"evidence", d.evidence},
           {"mitigation", d.mitigation}, {"unverified", d.unverified},
           {"verification", Json{{"steps", d.steps}, {"planned_s", d.planned_s},
                                 {"sequential_s", d.sequential_s}}}};
}
void from_json(const Json& j, Diagnosis& d) {
  d = Diagnosis{};
  j.at("root_cause").get_to(d.root_cause);
  Opt(j, "component", d.component);
  Opt(j, "confidence", d.confidence);
  Opt(j, "summary", d.summary);
  Opt(j, "hypotheses", d.hypotheses);
  Opt(j, "evidence", d.evidence);
  Opt(j, "mitigation", d.mitigation);
  Opt(j, "unverified", d.unverified);
  if (j.contains("verification")) {
    const Json& v = j.at("verification");
    Opt(v, "steps", d.steps);
    Opt(v, "planned_s", d.planned_s);
    Opt(v, "sequential_s", d.sequential_s);
  }
}

void to_json(Json& j, const Incident& i) {
  j = Json{{"id", i.id}, {"title", i.title}, {"started_at_ms", i.started_at_ms},
           {"resolved_at_ms", i.resolved_at_ms}, {"status", IncidentStatusName(i.status)},
           {"raw_text", i.raw_text}, {"symptoms", i.symptoms}, {"log_signatures", i.log_signatures},
           {"metric_conditions", i.metric_conditions}, {"root_cause", i.root_cause},
           {"component", i.component}, {"verification_steps", i.verification_steps},
           {"mitigation", i.mitigation}, {"source", i.source}, {"links", i.links}, {"alerts", i.alerts}};
  if (i.diagnosis) j["diagnosis"] = *i.diagnosis;
}
void from_json(const Json& j, Incident& i) {
  i = Incident{};
  Opt(j, "id", i.id);
  j.at("title").get_to(i.title);
  Opt(j, "started_at_ms", i.started_at_ms);
  Opt(j, "resolved_at_ms", i.resolved_at_ms);
  OptEnum(j, "status", i.status, &ParseIncidentStatus);
  Opt(j, "raw_text", i.raw_text);
  Opt(j, "symptoms", i.symptoms);
  Opt(j, "log_signatures", i.log_signatures);
  Opt(j, "metric_conditions", i.metric_conditions);
  Opt(j, "root_cause", i.root_cause);
  Opt(j, "component", i.component);
  Opt(j, "verification_steps", i.verification_steps);
  Opt(j, "mitigation", i.mitigation);
  Opt(j, "source", i.source);
  Opt(j, "links", i.links);
  Opt(j, "alerts", i.alerts);
  if (j.contains("diagnosis") && !j.at("diagnosis").is_null()) i.diagnosis = j.at("diagnosis").get<Diagnosis>();
}

}  // namespace vigil
