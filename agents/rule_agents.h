// The Argos rule agents: an LLM writes anomaly rules in Vigil's rule language.
//
//   detection agent  data summary + labeled segments of one training chunk (+ the current rule
//                    set and its scores) in, a complete updated rule set out;
//   repair agent     the rule set and the compiler's or engine's error, verbatim (file:line:col,
//                    source line, caret, hint) in, a fixed rule set out; bounded attempts;
//   review agent     the validation scores before and after a change in, keep or revert out.
//                    The decision is made on the numbers, never by the model: a change is kept
//                    only when the validation objective F1 improves by more than
//                    `min_improvement` (labeled data), or, on unlabeled data (assumed mostly
//                    normal), when the validation flag rate stays at or under
//                    `unlabeled_max_flag_rate`.
// RunRuleAgents drives the three over the training chunks in order (one detection step per
// chunk and round) and returns every kept rule set with its scores.
//
// Layering: agents/ may not see training/, so rules are scored through a callback (RuleScoreFn)
// that the caller implements with the one compiler and engine; training/llm_proposer.h adapts
// this to the RuleProposer interface. The LLM is any LlmClient (a scripted fake in tests).
// Prompts teach the language: grammar, functions, windows, examples (RuleLanguagePrimer()).
// The model answers a JSON object {"rules": "<rule text>", "rationale": "<one line>"} (requested
// as structured output; code fences or a bare rule text are also accepted).
//
// Errors: LLM errors propagate (Unavailable, DeadlineExceeded, ResourceExhausted...). In
// RunRuleAgents a ResourceExhausted (budget spent) or Unavailable after some rule sets were kept
// ends the loop early and is reported in RuleAgentsResult::stopped_early instead.
// Thread safety: free functions; the LlmClient's own guarantees apply; the score callback is
// called from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/llm_client.h"
#include "core/status.h"
#include "core/time_series.h"
#include "detectors/scoring.h"

namespace vigil {

enum class RuleSplit { kTrain, kValidation };

// What the engine measured for a rule set on one split (summed over the target's series).
struct RuleMetrics {
  Counts objective;  // counts of the objective's F1 (point, pa, dc_pa or event)
  double objective_f1 = 0;
  int64_t points = 0;
  int64_t flagged = 0;
  double flag_rate() const { return points == 0 ? 0.0 : static_cast<double>(flagged) / points; }
};

// Compiles and scores a rule set. A compile error must be InvalidArgument carrying the
// compiler's diagnostics; any other error is treated as a runtime error of the rule. Both go to
// the repair agent verbatim.
using RuleScoreFn = std::function<Result<RuleMetrics>(std::string_view rule_text, RuleSplit split)>;

struct RuleAgentOptions {
  int max_repair_attempts = 3;  // repair calls per proposal before it is dropped
  int rounds = 1;               // passes over the training chunks
  int max_llm_calls = 100;      // detection + repair calls per run
  double temperature = 0.2;
  int max_tokens = 2048;  // per call; 0 = server default
  bool stream = false;
  double min_improvement = 1e-6;
  double unlabeled_max_flag_rate = 0.005;
  size_t max_series_in_prompt = 4;    // one-for-all targets: series summarised in a prompt
  size_t max_segments_in_prompt = 8;  // labeled segments described per series
  size_t sketch_points = 48;          // bucket means drawn per series
  // Called after each detection step with (done, planned); may be empty.
  std::function<void(int, int)> progress;
};

// One training target as the agents see it.
struct RuleAgentsInput {
  std::string target;  // series or group name, for the prompt
  std::string metric;  // metric name the rules select
  // What every rule writes after `select`, e.g. `*{kpi="05f10d3a"}`. Empty: `metric` when it is
  // an identifier, else `*`.
  std::string selector;
  std::vector<TimeSeries> train;     // chronological training part of every series
  std::vector<size_t> chunk_starts;  // where each chunk starts in train[i] (first is 0)
  bool labeled = true;
  std::string objective_name = "point";  // "point", "pa", "dc_pa", "event": shown to the model
  // Aggregation mode (training/aggregation.h): a base detector's per-point 0/1 flags, parallel to
  // `train` (same series, same lengths). Empty: plain rules. When given (labeled data only), the
  // detection prompt describes the base's false alarms (flagged, label 0) and misses (label 1, not
  // flagged) per series, and asks for `labels { role = "suppress" }` rules that hold on the false
  // alarms and not on its true detections, and `role = "add"` rules for its misses; flags are
  // (base AND NOT any suppress rule) OR any add rule. The score callback must score that
  // combination: the empty rule set is then the base alone, and RunRuleAgents scores it ("") first
  // so that a change is kept only if it beats the base (or the rules kept so far).
  std::string base_name;
  std::vector<std::vector<uint8_t>> base_flags;
  bool has_base() const { return !base_flags.empty(); }
};

struct ProposedRules {
  std::string text;       // the complete rule set
  std::string rationale;  // one line from the model
};

// One call of the detection agent for chunk [begin, end) of every series in `input`.
// `current` is the rule set so far ("" = none) with its training scores; `feedback` (may be
// empty) tells the model what became of its previous proposal (the review's verdict).
[[nodiscard]] Result<ProposedRules> ProposeRules(LlmClient& llm, const RuleAgentsInput& input, size_t begin,
                                                 size_t end, const std::string& current,
                                                 const RuleMetrics& current_train,
                                                 const std::string& feedback,
                                                 const RuleAgentOptions& options);

// One call of the repair agent. `error` is passed verbatim; `select` is the clause every rule
// must keep ("select step_time_ms").
[[nodiscard]] Result<ProposedRules> RepairRule(LlmClient& llm, const std::string& select,
                                               const std::string& rule_text, const std::string& error,
                                               const RuleAgentOptions& options);

struct ReviewDecision {
  bool keep = false;
  std::string reason;  // "validation point F1 0.412 -> 0.530 (P 0.50 -> 0.61, R 0.33 -> 0.47): kept"
};
ReviewDecision ReviewChange(const RuleMetrics& before, const RuleMetrics& after, bool labeled,
                            const std::string& objective_name, const RuleAgentOptions& options);

// A rule set the review agent kept.
struct KeptRuleSet {
  std::string text;
  std::string rationale;
  RuleMetrics train;
  RuleMetrics validation;
  int chunk = 0;  // the chunk whose proposal produced it
  int round = 0;
};

struct RuleAgentsStats {
  int llm_calls = 0;
  int proposals = 0;
  int repairs = 0;   // repair calls made
  int repaired = 0;  // proposals that compiled and ran after at least one repair
  int dropped = 0;   // proposals still broken after max_repair_attempts
  int kept = 0;
  int reverted = 0;
  std::vector<std::string> log;  // one line per step, for reports and --verbose
};

struct RuleAgentsResult {
  std::vector<KeptRuleSet> kept;  // in the order kept; validation objective non-decreasing (labeled)
  RuleAgentsStats stats;
  Status stopped_early;  // OK, or why the loop ended before the last chunk
};

// The Argos loop over `input`'s chunks. Each proposal is scored on the training split (repairing
// until it compiles and runs), then on the validation split, then reviewed against the current
// rule set (initially none, which flags nothing).
[[nodiscard]] Result<RuleAgentsResult> RunRuleAgents(LlmClient& llm, const RuleAgentsInput& input,
                                                     const RuleScoreFn& score,
                                                     const RuleAgentOptions& options);

// The language primer in every system prompt (grammar, functions, examples, answer format).
const std::string& RuleLanguagePrimer();

// Extracts the rule set from a model answer: the "rules" field of a JSON object (possibly in a
// ```json fence), else the content of a ``` fence, else the text from the first `rule ` on.
// InvalidArgument (saying what was expected) when none is found.
[[nodiscard]] Result<ProposedRules> ParseRuleAnswer(std::string_view content);

// The plain-words data summary used by the detection prompt (exposed for tests and --verbose).
// With a base detector (RuleAgentsInput::has_base) it also lists, per series, the base's false
// alarms and missed segments in [begin, end).
std::string SummarizeChunk(const RuleAgentsInput& input, size_t begin, size_t end,
                           const RuleAgentOptions& options);

}  // namespace vigil
