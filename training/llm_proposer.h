// LlmProposer: the "llm" RuleProposer — the Argos rule agents of agents/rule_agents.h behind the
// training interface (training/proposer.h).
//
// A thin adapter: it turns TrainingData into RuleAgentsInput, RuleEvaluator::Score into the
// agents' score callback (caching every score so candidates carry the full DetectionCounts
// without re-running the engine), and the rule sets the review agent kept into RuleCandidates,
// best validation objective first (ties: the later one first). The LLM-call budget per target is
// min(RuleAgentOptions::max_llm_calls, ProposeOptions::max_candidates).
//
// Aggregation mode (SetBase; `vigil train-rules --mode aggregate --proposer llm`): the agents get
// the base detector's training flags (RuleAgentsInput::base_flags), so the detection prompt lists
// its false alarms and misses and asks for role="suppress" / role="add" rules, and the score
// callback scores every proposal (and the empty set: the base alone) as
// (base AND NOT suppress) OR add with ScoreAggregateRules (training/aggregation.h), on an
// EngineEvaluator of its own over the same TrainingData: on the validation tail the suppress and
// add rules run after the training part, as the trainer's evaluator runs plain rules, and the base
// flags are combined on the tail's points. Those scorings do not count in the trainer's
// evaluation count. Candidates' scores are the combination's; their text opens with
// AggregateFileHeader. Labeled targets only (FailedPrecondition otherwise).
//
// Candidates' rationales are one line (control characters and space runs become one space): the
// model's rationale, then, when the loop stopped early, ` [the rule agents stopped early: <why>]`.
// Errors: Propose returns the LLM's error (Unavailable, ResourceExhausted, ...) when the loop
// stopped early before keeping anything; when something was kept, the candidates are returned
// and last_run().stopped_early says why it stopped. FailedPrecondition when every proposal of the
// model was dropped (never compiled and ran after its repairs), naming the last compiler message.
// InvalidArgument for unusable data. Stop (ProposeOptions::stop): every agent call and repair
// attempt is refused once it is true, and a request in flight is aborted (ChatRequest::cancel);
// when that cut the loop short, Propose returns Cancelled (IsCancelled)
// and no candidates, whatever was kept before.
// Thread safety: one thread at a time (RuleProposer contract). The LlmClient is not owned and
// must outlive the proposer.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/rule_agents.h"
#include "connectors/llm_client.h"
#include "training/aggregation.h"
#include "training/proposer.h"

namespace vigil {

class LlmProposer : public RuleProposer {
 public:
  explicit LlmProposer(LlmClient* llm, RuleAgentOptions options = {});
  std::string_view name() const override { return base_ ? "aggregate-llm" : "llm"; }
  // Aggregation mode over a base detector's flags (see above); `base_name` is shown to the model
  // and written in the rule files' header.
  void SetBase(BaseFlagsFn base, std::string base_name) {
    base_ = std::move(base);
    base_name_ = std::move(base_name);
  }
  [[nodiscard]] Result<std::vector<RuleCandidate>> Propose(const TrainingData& data, RuleEvaluator& evaluator,
                                                           const ProposeOptions& options) override;
  // Statistics and step log of the last Propose call (LLM calls, repairs, kept, reverted).
  const RuleAgentsResult& last_run() const { return last_run_; }

 private:
  LlmClient* llm_;  // not owned
  RuleAgentOptions options_;
  RuleAgentsResult last_run_;
  BaseFlagsFn base_;  // empty: plain rules
  std::string base_name_;
};

}  // namespace vigil
