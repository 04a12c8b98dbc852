#include "training/llm_proposer.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "connectors/http_client.h"
#include "training/engine_evaluator.h"

namespace vigil {
namespace {

const Counts& ObjectiveCounts(const DetectionCounts& c, Objective o) {
  switch (o) {
    case Objective::kPoint:
      return c.point;
    case Objective::kPointAdjusted:
      return c.pa;
    case Objective::kDelayPointAdjusted:
      return c.dc_pa;
    case Objective::kEvent:
      return c.event;
  }
  return c.point;
}

// `text` on one line: each run of spaces and ASCII control characters (line breaks, tabs)
// becomes one space, none at the ends. A rationale is one line (proposer.h): it is the rule
// file's `# why:` comment, where a line break would start rule-language text.
std::string OneLine(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += ' ';
    gap = false;
    out += ch;
  }
  return out;
}

// The proposer's LlmClient as the rule agents see it when a stop can come (ProposeOptions::stop):
// every call (each agent call and each repair attempt) is refused before it is sent once stop()
// is true, and carries stop() as ChatRequest::cancel, so the client aborts a request in flight.
// `cut()` says whether a call was refused or cancelled, i.e. the agents' loop was cut short.
class StoppableLlm : public LlmClient {
 public:
  StoppableLlm(LlmClient& inner, std::function<bool()> stop) : inner_(inner), stop_(std::move(stop)) {}
  Result<ChatResponse> Chat(const ChatRequest& request) override {
    if (stop_()) {
      cut_ = true;
      return CancelledError("stop requested: LLM call `" + request.purpose + "` not sent");
    }
    ChatRequest r = request;
    r.cancel = stop_;
    Result<ChatResponse> res = inner_.Chat(r);
    if (!res.ok() && IsCancelled(res.status())) cut_ = true;
    return res;
  }
  TokenUsage Usage() const override { return inner_.Usage(); }
  std::string Describe() const override { return inner_.Describe(); }
  bool cut() const { return cut_; }

 private:
  LlmClient& inner_;
  std::function<bool()> stop_;
  bool cut_ = false;
};

}  // namespace

LlmProposer::LlmProposer(LlmClient* llm, RuleAgentOptions options)
    : llm_(llm), options_(std::move(options)) {}

Result<std::vector<RuleCandidate>> LlmProposer::Propose(const TrainingData& data, RuleEvaluator& evaluator,
                                                        const ProposeOptions& options) {
  last_run_ = {};
  if (llm_ == nullptr) {
    return FailedPreconditionError("the llm proposer needs an LLM endpoint: set llm_url (VIGIL_LLM_URL)");
  }
  RuleAgentsInput input;
  input.target = data.target;
  input.metric = data.metric;
  input.selector = data.selector;
  input.train = data.train;
  input.chunk_starts = data.chunk_starts;
  input.labeled = data.labeled;
  const Objective objective = evaluator.objective();
  input.objective_name = std::string(ObjectiveName(objective));
  BaseFlags base;
  std::optional<EngineEvaluator> aggregate;  // aggregation mode only
  if (base_) {
    if (!data.labeled) {
      return FailedPreconditionError("llm proposer: target `" + data.target +
                                     "` has no labels; aggregation learns from the base detector's labeled "
                                     "false alarms and misses");
    }
    ASSIGN_OR_RETURN(base, base_(data));
    input.base_name = base_name_;
    input.base_flags = base.train;
    // The RuleEvaluator interface runs a whole text; the combination needs the suppress and add
    // rules apart, so they run on an EngineEvaluator of their own over the same data (the
    // validation tail after its training part, as the trainer's EngineEvaluator runs it).
    aggregate.emplace(data, objective, options.delay_k);
  }

  std::map<std::pair<std::string, Split>, RuleScore> scores;
  RuleScoreFn score = [&](std::string_view text, RuleSplit split) -> Result<RuleMetrics> {
    Split s = split == RuleSplit::kTrain ? Split::kTrain : Split::kValidation;
    // Aggregation: the combination with the base, by the one implementation of it.
    ASSIGN_OR_RETURN(RuleScore r,
                     aggregate ? ScoreAggregateRules(text, *aggregate, s,
                                                     s == Split::kTrain ? base.train : base.validation)
                               : evaluator.Score(text, s));
    scores[{std::string(text), s}] = r;
    RuleMetrics m;
    m.objective = ObjectiveCounts(r.counts, objective);
    m.objective_f1 = r.objective_f1;
    m.points = r.points;
    m.flagged = r.flagged;
    return m;
  };
  RuleAgentOptions agent_options = options_;
  agent_options.max_llm_calls = std::min(agent_options.max_llm_calls, std::max(1, options.max_candidates));
  if (options.progress) agent_options.progress = options.progress;

  std::optional<StoppableLlm> stoppable;
  if (options.stop) stoppable.emplace(*llm_, options.stop);
  Result<RuleAgentsResult> agents = RunRuleAgents(stoppable ? static_cast<LlmClient&>(*stoppable) : *llm_, input,
                                                  score, agent_options);
  // A loop the stop cut short returns no candidates: its rule set was not reviewed to the end.
  if (stoppable && stoppable->cut()) {
    if (agents.ok()) last_run_ = std::move(agents).value();
    return CancelledError("llm proposer: target `" + data.target + "`: the rule agents were stopped" +
                          (agents.ok() ? std::string() : " (" + agents.status().message() + ")"));
  }
  ASSIGN_OR_RETURN(last_run_, std::move(agents));
  if (last_run_.kept.empty() && !last_run_.stopped_early.ok()) return last_run_.stopped_early;
  const RuleAgentsStats& st = last_run_.stats;
  if (last_run_.kept.empty() && st.proposals > 0 && st.dropped == st.proposals) {
    // Not "nothing improved the objective": the model never wrote a rule the engine could run.
    std::string last;
    for (const std::string& line : st.log) {
      if (line.find("dropped") != std::string::npos) last = line;
    }
    return FailedPreconditionError("llm proposer: none of the model's " + std::to_string(st.proposals) +
                                   " proposals compiled and ran after up to " +
                                   std::to_string(options_.max_repair_attempts) + " repair(s) each; last: " + last);
  }

  std::vector<const KeptRuleSet*> order;
  for (auto it = last_run_.kept.rbegin(); it != last_run_.kept.rend(); ++it) order.push_back(&*it);
  std::stable_sort(order.begin(), order.end(), [](const KeptRuleSet* a, const KeptRuleSet* b) {
    return a->validation.objective_f1 > b->validation.objective_f1;
  });
  std::vector<RuleCandidate> out;
  for (const KeptRuleSet* k : order) {
    if (static_cast<int>(out.size()) >= options.top_k) break;
    RuleCandidate c;
    c.text = base_ ? AggregateFileHeader(base_name_) + k->text : k->text;
    c.rationale = k->rationale;
    // A loop cut short (LLM budget spent, endpoint gone, the call cap) is said where the rules
    // are read: the rule file's `# why:` and training.json.
    if (!last_run_.stopped_early.ok()) {
      c.rationale += " [the rule agents stopped early: " + last_run_.stopped_early.message() + "]";
    }
    c.rationale = OneLine(c.rationale);
    c.train = scores[{k->text, Split::kTrain}];
    c.validation = scores[{k->text, Split::kValidation}];
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vigil
