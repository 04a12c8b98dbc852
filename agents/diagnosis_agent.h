// DiagnosisAgent: diagnoses one incident (a DiagnosisCase) end to end.
//
//   1. Log budget: every loaded line is matched against the knowledge base's log signatures;
//      the case is then cut to `log_line_budget` lines and `log_byte_budget` bytes of text,
//      always keeping the lines that match (TruncateLogs: the rest is the head and tail of each
//      source), and the cut is stated in Diagnosis::unverified: one note with the totals, one
//      per source that was cut (its lines, how many were kept, how many of them match).
//      Then the alert's own facts are added as one more log (AlertFactsLog, below).
//   2. The built-in reasoner runs (always; it is cheap): evidence, beliefs, probe rounds.
//   3. With an LlmClient, the LLM plans and explains through the same tools (AgentRuntime) with
//      the built-in ranking as hints. Its final answer is accepted only if its root cause is a
//      known category backed by evidence (a log/metric/knowledge item of the built-in pass or a
//      probe the LLM ran that supports it); otherwise — and on an LLM error or timeout — the
//      built-in answer stands and the reason is recorded in Diagnosis::unverified.
// The full trace (built-in and LLM) is returned with the diagnosis.
//
// Ownership: the KnowledgeBase, LlmClient and Clock are borrowed and must outlive the agent.
// Thread safety: Diagnose may be called concurrently if the borrowed objects allow it (they do).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent_runtime.h"
#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "connectors/llm_client.h"
#include "knowledge/knowledge_base.h"

namespace vigil {

struct DiagnosisAgentOptions {
  const KnowledgeBase* kb = nullptr;  // required
  LlmClient* llm = nullptr;           // nullptr: built-in reasoner only
  ReasonerOptions reasoner;
  AgentBudget budget;
  int max_intrusive_probes = 4;       // LLM path
  size_t log_line_budget = 20'000;    // lines kept for reasoning (signature matches always kept)
  size_t log_byte_budget = 4u << 20;  // bytes of line text kept for reasoning (the same rule)
  Clock* clock = nullptr;
  // SeenBefore: the team's past incidents whose text shows a line this log's signatures matched,
  // cited as context (agents/README.md). false leaves the step out (bench/seen_before_bench.cc
  // measures its cost with and without it).
  bool seen_before = true;
};

struct DiagnosisReport {
  std::string case_id;
  Diagnosis diagnosis;
  std::string mode;         // "builtin", "llm", "llm-rejected", "llm-error"
  Json trace = Json::array();
  Json ToJson() const;      // {case_id, mode, diagnosis..., trace}
};

// The alert's own facts as evidence (alert-only triage: `vigil serve` with no Prometheus sees only
// the alert). One line in the form alert triage gives a co-firing alert (agents/alert_triage.h):
// "<alertname> [<severity>] firing on <node> GPU <gpu> since <startsAt>: <summary> <description>
// <message> {labels}", in a log `<node>[/gpu<N>]/alertmanager alert` (the node as AlertNode names
// it; `job/alertmanager alert` when the alert names none; IsAlertFactsLog), so that the
// log signatures and line recall read the alert's Xid, ECC or throttle fact as they read the same
// fact in a co-firing alert. nullopt when the case has no alert, the alert has no summary,
// description, message or label beyond its name, the case already carries the alert (a log line
// holds its summary or description, at least 12 characters, verbatim or JSON-escaped: the
// Alertmanager webhook pasted as a log source; one fact counts once), or the case carries evidence
// of its own (a metric series, a recorded probe result, a log other than alert triage's co-firing
// alerts: the state read first-hand) and the alert carries no fact that evidence lacks
// (AlertFactNotInEvidence; AP: vigil serve with Prometheus read the node's CPU series and not the
// XID series, and an Xid 95 only the alert named fell back to the KB prior). The alert still
// points the KB search and the component either way. DiagnosisAgent::Diagnose appends it to
// every case it diagnoses (vigil serve, vigil diagnose --alert and --case, vigil eval diagnose),
// after the log budget (looked for in the logs as given; the line is not counted in the budget).
// The reasoner counts it by the category's layer and says when an answer rests on it alone
// (agents/README.md, "Alert-only triage").
std::optional<CaseLog> AlertFactsLog(const DiagnosisCase& c);
// The fault codes (FaultCodesInText) of an alert's summary, description, message and labels.
std::vector<std::string> AlertFaultCodes(const Alert& a);
// Whether the case's alert carries a fact its other evidence does not, compared fact by fact:
// - a fault code of the alert (AlertFaultCodes: an Xid, a CUDA / NCCL / IB verbs / DCGM code) that
//   no log line names (the alert's own line left out), no XID series (a metric named *XID*, e.g.
//   DCGM_FI_DEV_XID_ERRORS, whose value is the GPU's last Xid) and no series whose labels carry the
//   code with events in its samples (SeriesLabelFaultCodes: gpu_xid_errors_total{xid="79"}) of the
//   alert's GPU and node shows;
// - with no fault code: in a case of metrics alone (no log of the cluster, no probe result: what
//   vigil serve's BuildTriageCase reads from Prometheus), the alert's expression (generatorURL
//   g0.expr) names metrics none of which the case holds (the series not scraped, outside the
//   window, dropped by relabelling).
// false for a case without an alert.
bool AlertFactNotInEvidence(const DiagnosisCase& c);
// Whether a log (by its source) is placed on another node than `alert_node` (review RV-AP): its
// first path part is a node the case's topology lists, or has the alert's node's name pattern with
// other digits ("gpu-2" beside "gpu-7"); a job's or a tool's log ("slurm/...", "alertmanager/webhook")
// is nobody's. Also the reasoner's rule for first-hand support (NA: RestsOnAlertAlone).
bool LogOfOtherNode(const DiagnosisCase& c, const std::string& alert_node, const std::string& source);
// The last part of the log's source AlertFactsLog writes, and whether a log is one it wrote (its source
// is "alertmanager alert" or ends in "/alertmanager alert").
inline constexpr std::string_view kAlertFactsLogName = "alertmanager alert";
bool IsAlertFactsLog(const std::string& source);

// The fault codes a text names, each once: first the Xid / SXid numbers, lower-cased "xid 79" /
// "sxid 12028" (Xid, SXid followed by a number within a few characters: "Xid 79", "XID: 79",
// "Xid (PCI:0000:3b:00): 79", label `xid="79"`, a list "Xid 48, 63, 64" whose further numbers are
// not counts of a noun: "Xid 79, 3 GPUs affected" is Xid 79), in order; then the named codes of the
// fault-code table (fault_codes.h: "cuda illegal_address", "nccl remote_error", "ibv retry_exc_err",
// "dcgm volatile_dbe_detected"), in order. A code named to rule it out ("no prior Xid 48", "without
// an illegal memory access was encountered") is not read.
std::vector<std::string> FaultCodesInText(const std::string& text);

// Whether a recalled incident is of another fault code than `codes` (FaultCodesInText of the alert
// or line it was recalled for): its own code - its title's ("Xid 79: GPU has fallen off the bus"; a
// served one's title is its alert and on-call's summary), else its symptoms' (a served one's alert
// summary), else its text's (which may name other codes only to rule them out: "no prior Xid
// 48/94/95") - is none of them. Another Xid is another fault however alike the rest of the words.
// Only codes that name a fault of their own count, and only within a family: an Xid 31 incident is
// not another fault for "an illegal memory access was encountered" (another family may say the
// same fault). False for a hit that is no incident.
bool OtherFaultCode(const SearchHit& h, const std::vector<std::string>& codes);

// Gathers what the knowledge base knows about the case: signature matches over FlattenLogs(c),
// metric conditions, incidents they reference, and a search with the alert text.
Result<KnowledgeFacts> GatherKnowledge(const KnowledgeBase& kb, const DiagnosisCase& c);

// Lines whose readings deviate (indices into `flat.lines`, `skip` excluded): of each line template
// (numbers and timestamps masked) printed at least 3 times, the latest instance when one of its
// decimal readings shifted up at least 3-fold (every reading of the last third of its instances
// >= 3 x every reading of the first third) or climbed 3-fold (last >= 3 x first, rising on at least
// 2/3 of the steps). GatherKnowledge searches them in the KB like unmatched error lines.
std::vector<size_t> DeviatingLines(const FlatLogs& flat, const std::set<size_t>& skip);

// Notes for the Python tracebacks of `original` that the log budget cut through (`kept` is the
// same source after the cut): a traceback runs from "Traceback (most recent call last):" to its
// exception line (the first line after it that is not indented, not a chained-exception header and
// not a blank), each line read past a writer prefix ("[rank3]:", "3: ", "[default3]:"). One note per
// traceback of which some lines were kept and some not, with its line range, the lines read and
// whether its exception line was read. At most `max_notes`.
std::vector<std::string> TracebackCutNotes(const CaseLog& original, const CaseLog& kept, size_t max_notes = 5);

// A replay executor serving the case's recorded probe results ("probe@target" keys; the probe and
// target fields are filled from the key when the result omits them).
Result<std::unique_ptr<ProbeExecutor>> MakeCaseProbeExecutor(const DiagnosisCase& c);

class DiagnosisAgent {
 public:
  explicit DiagnosisAgent(DiagnosisAgentOptions options);

  // `c` is copied (its logs may be cut to the budget). `probes` may be nullptr (nothing is
  // verified with probes; said so). Errors only for a knowledge base failure.
  Result<DiagnosisReport> Diagnose(DiagnosisCase c, ProbeExecutor* probes) const;

 private:
  DiagnosisAgentOptions options_;
};

// Human-readable rendering for `vigil diagnose` (root cause, component, confidence, evidence,
// mitigation, verification). Evidence of weight 0 (read, not counted: alert triage's readings of
// the alert's expression and its co-firing alerts first) is listed apart under `context:`, at most
// 12 items (the rest counted).
std::string FormatDiagnosisText(const DiagnosisReport& report);

}  // namespace vigil
