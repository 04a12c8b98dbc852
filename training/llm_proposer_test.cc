// The llm proposer end to end: a scripted LLM writes rule text; the real compiler, the real
// engine (detectors/EvaluateBatch) and the real scoring measure it through a RuleEvaluator
// written here over those same libraries (the trainer's own evaluator is not in this test).
#include "training/llm_proposer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>

#include "connectors/scripted_llm_client.h"
#include "detectors/engine.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

// A ScriptedLlmClient answering `answers` in order.
std::unique_ptr<ScriptedLlmClient> Scripted(const std::vector<std::string>& answers) {
  auto llm = std::make_unique<ScriptedLlmClient>();
  for (const auto& a : answers) llm->PushAnswer(a);
  return llm;
}

// Compile -> EvaluateBatch -> ScoreFlags, summed over the split's series (each split alone; named
// apart from training/engine_evaluator.h's EngineEvaluator, which llm_proposer.h now includes).
class LocalEvaluator : public RuleEvaluator {
 public:
  LocalEvaluator(const TrainingData& data, Objective objective) : data_(data), objective_(objective) {}
  Result<RuleScore> Score(std::string_view text, Split split) override {
    ASSIGN_OR_RETURN(auto flags, Flags(text, split));
    const auto& series = split == Split::kTrain ? data_.train : data_.validation;
    RuleScore s;
    for (size_t i = 0; i < series.size(); ++i) {
      ASSIGN_OR_RETURN(DetectionCounts c, ScoreFlags(series[i].anomaly_labels, flags[i], 7));
      s.counts += c;
      s.points += static_cast<int64_t>(flags[i].size());
      s.flagged += std::count(flags[i].begin(), flags[i].end(), 1);
    }
    s.objective_f1 = objective_ == Objective::kPoint ? s.counts.point.F1() : s.counts.pa.F1();
    ++calls;
    return s;
  }
  Result<std::vector<std::vector<uint8_t>>> Flags(std::string_view text, Split split) override {
    ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(text, "candidate.rules"));
    const auto& series = split == Split::kTrain ? data_.train : data_.validation;
    ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(rules, series));
    return r.flags;
  }
  Objective objective() const override { return objective_; }
  int calls = 0;

 private:
  const TrainingData& data_;
  Objective objective_;
};

TimeSeries Series(int n, int64_t start_ms, std::vector<int> spikes) {
  TimeSeries ts;
  ts.name = "step_time_ms";
  ts.labels = {{"job", "llama70b"}};
  for (int i = 0; i < n; ++i) {
    double v = 100 + (i * 37 % 11) - 5;  // deterministic noise in [95, 105]
    uint8_t label = std::find(spikes.begin(), spikes.end(), i) != spikes.end();
    if (label) v = 180;
    REQUIRE(ts.Append(start_ms + i * 10'000LL, v, label).ok());
  }
  return ts;
}

TrainingData Data() {
  TrainingData d;
  d.target = "step_time_ms{job=\"llama70b\"}";
  d.metric = "step_time_ms";
  d.train = {Series(300, 1'700'000'000'000, {60, 61, 220})};
  d.validation = {Series(150, 1'700'003'000'000, {40, 100})};
  d.chunk_starts = {0, 150};
  return d;
}

std::string Answer(const std::string& rules, const std::string& why) {
  return Json{{"rules", rules}, {"rationale", why}}.dump();
}

const char* kTypo = "rule spike {\n  select step_time_ms\n  when value > meen(lag(value, 1), 60p) + 30\n}";
const char* kGood = "rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}";
const char* kNoisy =
    "rule spike {\n  select step_time_ms\n  when value > median(lag(value, 1), 60p) + 30\n}\n"
    "rule high {\n  select step_time_ms\n  when value > 103\n}";

TEST_CASE("llm proposer: invalid rule repaired, real F1 measured, noisy change reverted, top-k ordered") {
  TrainingData data = Data();
  LocalEvaluator evaluator(data, Objective::kPoint);
  auto llm = Scripted({Answer(kTypo, "spikes over the median"), Answer(kGood, "fixed the function name"),
                       Answer(kNoisy, "also flag high values")});
  LlmProposer proposer(llm.get());
  CHECK(proposer.name() == "llm");
  ProposeOptions options;
  int last_done = 0;
  options.progress = [&](int done, int planned) {
    last_done = done;
    CHECK(planned == 2);
  };
  auto r = proposer.Propose(data, evaluator, options);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const RuleCandidate& c = (*r)[0];
  CHECK(c.text == kGood);
  CHECK(c.rationale == "fixed the function name");
  // The real engine flags exactly the spikes: validation spikes at 40 and 100.
  CHECK(c.validation.counts.point.tp == 2);
  CHECK(c.validation.counts.point.fp == 0);
  CHECK(c.validation.objective_f1 == doctest::Approx(1.0));
  CHECK(c.train.counts.point.tp == 3);
  CHECK(last_done == 2);
  const RuleAgentsStats& st = proposer.last_run().stats;
  CHECK(st.repairs == 1);
  CHECK(st.kept == 1);
  CHECK(st.reverted == 1);
  // The repair prompt quoted the real compiler.
  REQUIRE(llm->requests().size() == 3);
  CHECK(llm->requests()[1].messages[1].content.find("candidate.rules:3:") != std::string::npos);
  CHECK(llm->requests()[1].messages[1].content.find("did you mean `mean`?") != std::string::npos);
  CHECK(llm->requests()[0].messages[1].content.find("judged by the point F1") != std::string::npos);
  CHECK(llm->requests()[0].messages[1].content.find("Every rule must use `select step_time_ms`") !=
        std::string::npos);
}

TEST_CASE("llm proposer: the trainer's selector reaches the prompts") {
  TrainingData data = Data();
  data.selector = "step_time_ms{job=\"llama70b\"}";
  data.chunk_starts = {0};
  LocalEvaluator evaluator(data, Objective::kPoint);
  auto llm =
      Scripted({Answer("rule s {\n  select step_time_ms{job=\"llama70b\"}\n  when value > 150\n}", "r")});
  LlmProposer proposer(llm.get());
  auto r = proposer.Propose(data, evaluator, {});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].validation.counts.point.tp == 2);
  CHECK(llm->requests()[0].messages[1].content.find(
            "Every rule must use `select step_time_ms{job=\"llama70b\"}`") != std::string::npos);
}

TEST_CASE("llm proposer: a budget spent part-way keeps what was kept and says so in the rationale") {
  TrainingData data = Data();
  LocalEvaluator evaluator(data, Objective::kPoint);
  auto llm = Scripted({Answer(kGood, "spikes over the median")});
  llm->PushError(ResourceExhaustedError("LLM token budget spent: used 5500 of 5000 tokens (llm_token_budget)"));
  LlmProposer proposer(llm.get());
  auto r = proposer.Propose(data, evaluator, {});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].text == kGood);
  // The rationale goes into the rule file's `# why:` and training.json: before, it read only
  // "spikes over the median", as if the loop had run to its end.
  INFO((*r)[0].rationale);
  CHECK((*r)[0].rationale.rfind("spikes over the median", 0) == 0);
  CHECK((*r)[0].rationale.find("[the rule agents stopped early: round 1 chunk 2/2: LLM token budget spent") != std::string::npos);
}

TEST_CASE("llm proposer: the rationale is one line, whatever the model or the endpoint's error holds") {
  // The rationale becomes the rule file's `# why:` comment line; a line break in it (the model's
  // own, or an HTML error page in the early-stop reason) put rule-language text after the comment
  // and `vigil rules check` / `vigil detect` refused the written file ("expected `rule NAME {`").
  TrainingData data = Data();
  LocalEvaluator evaluator(data, Objective::kPoint);
  auto llm = Scripted({Answer(kGood, "spikes over the median\nwhen value > 1\r\n\tand more")});
  llm->PushError(UnavailableError("LLM endpoint http://h/v1 answered HTTP 502: <html>\r\n<title>502</title>\n</html>"));
  LlmProposer proposer(llm.get());
  auto r = proposer.Propose(data, evaluator, {});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const std::string& why = (*r)[0].rationale;
  INFO(why);
  CHECK(why.find_first_of("\r\n\t") == std::string::npos);
  CHECK(why.rfind("spikes over the median when value > 1 and more [the rule agents stopped early: ", 0) == 0);
  CHECK(why.find("answered HTTP 502: <html> <title>502</title> </html>]") != std::string::npos);
}

TEST_CASE("llm proposer: a model whose rules never compile fails the target, quoting the compiler") {
  TrainingData data = Data();
  LocalEvaluator evaluator(data, Objective::kPoint);
  auto llm = Scripted({Answer(kTypo, "a"), Answer(kTypo, "b"), Answer(kTypo, "c"), Answer(kTypo, "d")});
  RuleAgentOptions options;
  options.max_repair_attempts = 1;  // two chunks x (proposal + one repair) = the four answers
  LlmProposer proposer(llm.get(), options);
  auto r = proposer.Propose(data, evaluator, {});
  // Before: an empty candidate list, so the trainer wrote "no candidate improved the validation
  // objective" and train-rules exited 0, as if the data were to blame.
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kFailedPrecondition);
  INFO(r.status().message());
  CHECK(r.status().message().find("none of the model's 2 proposals compiled and ran after up to 1 repair(s)") !=
        std::string::npos);
  CHECK(r.status().message().find("did you mean `mean`?") != std::string::npos);
  CHECK(llm->requests().size() == 4);
}

TEST_CASE("llm proposer: errors") {
  TrainingData data = Data();
  LocalEvaluator evaluator(data, Objective::kPoint);
  LlmProposer none(nullptr);
  CHECK(none.Propose(data, evaluator, {}).status().code() == StatusCode::kFailedPrecondition);
  auto down = Scripted({});  // every call: Unavailable
  LlmProposer p(down.get());
  auto r = p.Propose(data, evaluator, {});
  CHECK(r.status().code() == StatusCode::kUnavailable);
  TrainingData empty = data;
  empty.train.clear();
  CHECK(p.Propose(empty, evaluator, {}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil
