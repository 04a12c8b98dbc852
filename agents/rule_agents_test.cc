// The Argos rule agents with a scripted LlmClient (unit) and with the real OpenAiLlmClient
// against a scripted OpenAI-compatible server on loopback. Rule text is compiled by the real
// compiler (rules/), so compile errors reach the repair agent exactly as the compiler writes
// them; the per-rule scores come from a table in the test, because the loop's decisions (repair,
// keep, revert) are what is tested here, not the engine.
#include "agents/rule_agents.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "connectors/openai_llm_client.h"
#include "connectors/scripted_llm_client.h"
#include "core/clock.h"
#include "core/time_util.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

std::string Answer(const std::string& rules, const std::string& rationale) {
  return Json{{"rules", rules}, {"rationale", rationale}}.dump();
}

RuleMetrics Metrics(int64_t tp, int64_t fp, int64_t fn, int64_t points = 150) {
  RuleMetrics m;
  m.objective = {tp, fp, fn};
  m.objective_f1 = m.objective.F1();
  m.points = points;
  m.flagged = tp + fp;
  return m;
}

// Compiles with the real compiler; scores by which threshold the rule set uses.
struct TableScorer {
  std::map<std::string, std::pair<RuleMetrics, RuleMetrics>> by_marker;  // marker -> (train, validation)
  std::vector<std::string> seen;
  Result<RuleMetrics> operator()(std::string_view text, RuleSplit split) {
    seen.emplace_back(text);
    auto compiled = CompileRules(text, "candidate.rules");
    if (!compiled.ok()) return compiled.status();
    for (const auto& [marker, m] : by_marker) {
      if (std::string_view(text).find(marker) != std::string_view::npos) {
        return split == RuleSplit::kTrain ? m.first : m.second;
      }
    }
    return Metrics(0, 0, 10);
  }
};

TimeSeries SpikySeries() {
  TimeSeries ts;
  ts.name = "step_time_ms";
  ts.labels = {{"job", "llama70b"}};
  for (int i = 0; i < 300; ++i) {
    double v = 100 + (i * 37 % 11) - 5;  // deterministic noise in [95, 105]
    uint8_t label = (i == 60 || i == 61 || i == 220) ? 1 : 0;
    if (label) v = 180;
    REQUIRE(ts.Append(1'700'000'000'000 + i * 10'000LL, v, label).ok());
  }
  return ts;
}

RuleAgentsInput Input() {
  RuleAgentsInput in;
  in.target = "step_time_ms{job=\"llama70b\"}";
  in.metric = "step_time_ms";
  in.train = {SpikySeries()};
  in.chunk_starts = {0, 150};
  in.objective_name = "pa";
  return in;
}

const char* kTypo = "rule spike {\n  select step_time_ms\n  when value > meen(value, 60p) + 50\n}";
const char* kGood = "rule spike {\n  select step_time_ms\n  when value > median(value, 60p) + 50\n}";
const char* kWorse =
    "rule spike {\n  select step_time_ms\n  when value > median(value, 60p) + 50\n}\n"
    "rule wobble {\n  select step_time_ms\n  when abs(diff(value)) > 3\n}";

TEST_CASE("ParseRuleAnswer: JSON, fenced JSON, fenced rules, bare rules, and no rule") {
  auto a = ParseRuleAnswer(Answer(kGood, "spikes above median"));
  REQUIRE(a.ok());
  CHECK(a->text == kGood);
  CHECK(a->rationale == "spikes above median");
  auto b = ParseRuleAnswer("Sure!\n```json\n" + Answer(kGood, "r") + "\n```\n");
  REQUIRE(b.ok());
  CHECK(b->text == kGood);
  auto c = ParseRuleAnswer(std::string("Here you go:\n```\n") + kGood + "\n```");
  REQUIRE(c.ok());
  CHECK(c->text == kGood);
  auto d = ParseRuleAnswer(std::string("I propose:\n") + kGood);
  REQUIRE(d.ok());
  CHECK(d->text == kGood);
  auto e = ParseRuleAnswer(Json{{"rules", {kGood, "rule t {\n select x\n when value > 1\n}"}}}.dump());
  REQUIRE(e.ok());
  CHECK(e->text.find("rule t") != std::string::npos);
  CHECK(ParseRuleAnswer("I cannot help with that.").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRuleAnswer(R"({"rule": "x"})").status().message().find("no string field `rules`") !=
        std::string::npos);
  CHECK(ParseRuleAnswer(R"({"rules": "  "})").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the language primer's examples compile with the real compiler") {
  const std::string& primer = RuleLanguagePrimer();
  size_t b = primer.find("Examples (each compiles):");
  size_t e = primer.find("Advice:");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::string examples = primer.substr(b, e - b);
  examples = examples.substr(examples.find('\n') + 1);
  auto compiled = CompileRules(examples, "primer");
  INFO(compiled.status().message());
  REQUIRE(compiled.ok());
  CHECK(compiled->rules.size() == 6);
}

TEST_CASE("the language primer names every function the compiler knows") {
  // An LLM writes only what the primer teaches: a function added to the language (any_bits /
  // all_bits, 2026-12-03) and left out here is one no proposed rule can use.
  const std::string& primer = RuleLanguagePrimer();
  for (const std::string& f : RuleFunctionNames()) {
    INFO(f);
    CHECK(primer.find(f + "(") != std::string::npos);
  }
}

TEST_CASE("SummarizeChunk describes statistics, labeled segments and a sketch") {
  RuleAgentsInput in = Input();
  RuleAgentOptions o;
  std::string s = SummarizeChunk(in, 0, 150, o);
  CHECK(s.find("150 points") != std::string::npos);
  CHECK(s.find("median step 10s") != std::string::npos);
  CHECK(s.find("labeled anomalies: 2 points in 1 segment(s)") != std::string::npos);
  CHECK(s.find("segment 1: 2 point(s)") != std::string::npos);
  CHECK(s.find("max 180") != std::string::npos);
  CHECK(s.find("!") != std::string::npos);
  in.labeled = false;
  CHECK(SummarizeChunk(in, 0, 150, o).find("labeled anomalies") == std::string::npos);
}

// Aggregation: a base detector flagging every 50th point from 25 (normal points: false alarms),
// the labeled spike at 60-61 (a true detection), and missing the labeled spike at 220.
RuleAgentsInput BaseInput() {
  RuleAgentsInput in = Input();
  in.base_name = "spiky";
  std::vector<uint8_t> flags(in.train[0].size(), 0);
  for (size_t i = 25; i < flags.size(); i += 50) flags[i] = 1;
  flags[60] = flags[61] = 1;
  in.base_flags = {flags};
  return in;
}

TEST_CASE("SummarizeChunk with a base detector lists its false alarms, true detections and misses") {
  RuleAgentOptions o;
  const std::string first = SummarizeChunk(BaseInput(), 0, 150, o);
  INFO(first);
  CHECK(first.find("base detector `spiky`: flags 5 of 150 points in this chunk") != std::string::npos);
  CHECK(first.find("base false alarms (flagged, label 0): 3 points in 3 segment(s): role=\"suppress\" rules "
                   "should hold here; median time between them") != std::string::npos);
  // Each false alarm: where, its value, and what surrounds it.
  CHECK(first.find("false alarm 1: 1 point(s) from " + FormatRfc3339Ms(1'700'000'000'000 + 25 * 10'000LL)) !=
        std::string::npos);
  CHECK(first.find("the 30 points after: median") != std::string::npos);
  CHECK(first.find("false alarm 3: 1 point(s) from " + FormatRfc3339Ms(1'700'000'000'000 + 125 * 10'000LL)) !=
        std::string::npos);
  CHECK(first.find("base true detections (flagged, label 1): 2 points in 1 segment(s): role=\"suppress\" "
                   "rules must NOT hold here") != std::string::npos);
  CHECK(first.find("detection 1: 2 point(s) from " + FormatRfc3339Ms(1'700'000'000'000 + 60 * 10'000LL) +
                   " to " + FormatRfc3339Ms(1'700'000'000'000 + 61 * 10'000LL) + "; values min 180") !=
        std::string::npos);
  CHECK(first.find("base misses (label 1, not flagged): 0 points in 0 segment(s)\n") != std::string::npos);
  const std::string second = SummarizeChunk(BaseInput(), 150, 300, o);
  INFO(second);
  CHECK(second.find("base misses (label 1, not flagged): 1 points in 1 segment(s): role=\"add\" rules should "
                    "hold here") != std::string::npos);
  CHECK(second.find("missed 1: 1 point(s) from " + FormatRfc3339Ms(1'700'000'000'000 + 220 * 10'000LL) +
                    "; values min 180") != std::string::npos);
  // Without a base (or without labels) none of it.
  CHECK(SummarizeChunk(Input(), 0, 150, o).find("base") == std::string::npos);
  RuleAgentsInput unlabeled = BaseInput();
  unlabeled.labeled = false;
  CHECK(SummarizeChunk(unlabeled, 0, 150, o).find("false alarm") == std::string::npos);
}

TEST_CASE("RunRuleAgents with a base: roles explained, the base alone is the bar, combined scores reviewed") {
  const char* kQuiet =
      "rule quiet {\n  select step_time_ms\n  when value < 150\n  labels { role = \"suppress\" }\n}";
  const char* kUseless =
      "rule useless {\n  select step_time_ms\n  when value > 1000\n  labels { role = \"suppress\" }\n}";
  ScriptedLlmClient llm;
  llm.PushAnswer(Answer(kQuiet, "the false alarms are ordinary values"));
  llm.PushAnswer(Answer(kUseless, "nothing"));
  // Scores of the combination with the base, as the caller's callback computes them: the empty
  // rule set is the base alone (1 true detection, 3 false alarms on validation).
  std::vector<std::string> scored;
  RuleScoreFn score = [&](std::string_view text, RuleSplit split) -> Result<RuleMetrics> {
    scored.emplace_back(text);
    const bool train = split == RuleSplit::kTrain;
    if (text.empty()) return train ? Metrics(1, 6, 1) : Metrics(1, 3, 0);
    RETURN_IF_ERROR(CompileRules(text, "candidate.rules").status());
    if (text.find("quiet") != std::string_view::npos) return train ? Metrics(1, 0, 1) : Metrics(1, 0, 0);
    return train ? Metrics(1, 6, 1) : Metrics(1, 3, 0);  // suppresses nothing: the base alone
  };
  auto r = RunRuleAgents(llm, BaseInput(), score, {});
  REQUIRE(r.ok());
  REQUIRE(r->kept.size() == 1);
  CHECK(r->kept[0].text == kQuiet);
  CHECK(r->stats.kept == 1);
  CHECK(r->stats.reverted == 1);
  REQUIRE(scored.size() >= 2);
  CHECK(scored[0].empty());  // the base alone, training
  CHECK(scored[1].empty());  // and validation
  REQUIRE(r->stats.log.size() == 3);
  CHECK(r->stats.log[0].find("base `spiky` alone: validation pa F1 0.400") != std::string::npos);
  CHECK(r->stats.log[1].find("validation pa F1 0.400 -> 1.000") != std::string::npos);
  CHECK(r->stats.log[1].find("kept") != std::string::npos);
  CHECK(r->stats.log[2].find("1.000 -> 0.400") != std::string::npos);
  CHECK(r->stats.log[2].find("reverted") != std::string::npos);
  REQUIRE(llm.requests().size() == 2);
  // A copy: requests() returns its vector by value (a reference into it read freed memory, ASan).
  const std::string prompt = llm.requests()[0].messages[1].content;
  INFO(prompt);
  CHECK(prompt.find("(base flag AND NOT any role=\"suppress\" rule) OR any role=\"add\" rule") !=
        std::string::npos);
  CHECK(prompt.find("labels { role = \"suppress\" }") != std::string::npos);
  CHECK(prompt.find("labels { role = \"add\" }") != std::string::npos);
  CHECK(prompt.find("base false alarms (flagged, label 0): 3 points") != std::string::npos);
  CHECK(
      prompt.find("Current rule set: none yet, so the base detector runs alone (on the training data: pa F1 "
                  "0.222") != std::string::npos);
  CHECK(
      llm.requests()[1].messages[1].content.find("Current rule set (combined with the base, on the training "
                                                 "data: pa F1 0.667") != std::string::npos);

  // Bad base context: clear errors, no LLM call.
  ScriptedLlmClient idle;
  RuleAgentsInput short_flags = BaseInput();
  short_flags.base_flags[0].pop_back();
  CHECK(RunRuleAgents(idle, short_flags, score, {})
            .status()
            .message()
            .find("has 300 training points but 299 base flags") != std::string::npos);
  RuleAgentsInput two = BaseInput();
  two.base_flags.push_back(two.base_flags[0]);
  CHECK(RunRuleAgents(idle, two, score, {}).status().code() == StatusCode::kInvalidArgument);
  RuleAgentsInput unlabeled = BaseInput();
  unlabeled.labeled = false;
  CHECK(RunRuleAgents(idle, unlabeled, score, {}).status().code() == StatusCode::kFailedPrecondition);
  CHECK(idle.requests().empty());
}

TEST_CASE("ReviewChange keeps only a validation improvement; unlabeled keeps a low flag rate") {
  RuleAgentOptions o;
  auto keep = ReviewChange(Metrics(1, 1, 3), Metrics(3, 1, 1), true, "pa", o);
  CHECK(keep.keep);
  CHECK(keep.reason.find("validation pa F1 0.333 -> 0.750") != std::string::npos);
  CHECK(keep.reason.find("kept") != std::string::npos);
  CHECK_FALSE(ReviewChange(Metrics(3, 1, 1), Metrics(3, 1, 1), true, "pa", o).keep);  // equal: revert
  CHECK_FALSE(ReviewChange(Metrics(3, 1, 1), Metrics(2, 0, 2), true, "pa", o).keep);
  RuleMetrics quiet = Metrics(0, 0, 0, 1000);
  quiet.flagged = 3;
  RuleMetrics noisy = quiet;
  noisy.flagged = 80;
  CHECK(ReviewChange({}, quiet, false, "pa", o).keep);
  CHECK_FALSE(ReviewChange(quiet, noisy, false, "pa", o).keep);
}

TEST_CASE(
    "RunRuleAgents: invalid rule repaired with the compiler's words, improvement kept, worse change "
    "reverted") {
  ScriptedLlmClient llm;
  llm.PushAnswer(Answer(kTypo, "spikes"));        // chunk 1: does not compile
  llm.PushAnswer(Answer(kGood, "fixed typo"));    // repair
  llm.PushAnswer(Answer(kWorse, "also wobble"));  // chunk 2: compiles, worse on validation
  TableScorer scorer;
  scorer.by_marker["wobble"] = {Metrics(3, 40, 0), Metrics(1, 30, 0)};
  scorer.by_marker["median(value, 60p) + 50"] = {Metrics(3, 0, 0), Metrics(1, 0, 0)};
  RuleAgentOptions o;
  std::vector<std::pair<int, int>> progress;
  o.progress = [&](int d, int p) { progress.push_back({d, p}); };
  auto r = RunRuleAgents(llm, Input(), std::ref(scorer), o);
  REQUIRE(r.ok());
  CHECK(r->stopped_early.ok());
  REQUIRE(r->kept.size() == 1);
  CHECK(r->kept[0].text == kGood);
  CHECK(r->kept[0].rationale == "fixed typo");
  CHECK(r->kept[0].validation.objective_f1 == doctest::Approx(1.0));
  CHECK(r->kept[0].chunk == 0);
  CHECK(r->stats.llm_calls == 3);
  CHECK(r->stats.proposals == 2);
  CHECK(r->stats.repairs == 1);
  CHECK(r->stats.repaired == 1);
  CHECK(r->stats.kept == 1);
  CHECK(r->stats.reverted == 1);
  CHECK(progress == std::vector<std::pair<int, int>>{{1, 2}, {2, 2}});

  REQUIRE(llm.requests().size() == 3);
  // Detection prompt: language primer, data summary, structured output.
  CHECK(llm.requests()[0].messages[0].content == RuleLanguagePrimer());
  CHECK(llm.requests()[0].messages[1].content.find("labeled anomalies: 2 points") != std::string::npos);
  CHECK(llm.requests()[0].messages[1].content.find("Current rule set: none yet.") != std::string::npos);
  CHECK(llm.requests()[0].response_schema.has_value());
  CHECK(llm.requests()[0].purpose == "rule-detect");
  // Repair prompt: the compiler's diagnostic verbatim (location, hint, caret line).
  auto diag = CompileRules(kTypo, "candidate.rules").status().message();
  REQUIRE_FALSE(diag.empty());
  CHECK(diag.find("did you mean `mean`?") != std::string::npos);
  CHECK(llm.requests()[1].purpose == "rule-repair");
  CHECK(llm.requests()[1].messages[1].content.find(diag) != std::string::npos);
  CHECK(llm.requests()[1].messages[1].content.find("   3 |   when value > meen(value, 60p) + 50") !=
        std::string::npos);
  // Second detection prompt shows the kept rule set and its training scores.
  CHECK(llm.requests()[2].messages[1].content.find(kGood) != std::string::npos);
  CHECK(llm.requests()[2].messages[1].content.find("pa F1 1.000") != std::string::npos);
  CHECK(llm.requests()[2].messages[1].content.find(
            "Your previous proposal was kept: validation pa F1 0.000 -> 1.000") != std::string::npos);
  CHECK(llm.requests()[0].messages[1].content.find("previous proposal") == std::string::npos);
  CHECK(llm.requests()[0].messages[1].content.find("Every rule must use `select step_time_ms`") !=
        std::string::npos);
  CHECK(llm.requests()[1].messages[1].content.find("Every rule must use `select step_time_ms`") !=
        std::string::npos);
  // The log tells the story.
  REQUIRE(r->stats.log.size() == 3);
  CHECK(r->stats.log[0].find("repairing: candidate.rules:3:") != std::string::npos);
  CHECK(r->stats.log[1].find("0.000 -> 1.000") != std::string::npos);
  CHECK(r->stats.log[2].find("reverted") != std::string::npos);
}

TEST_CASE(
    "RunRuleAgents: a proposal still broken after the repair budget is dropped; prose answers are repaired") {
  ScriptedLlmClient llm;
  llm.PushAnswer("I think a spike rule would work well here.");  // no rule at all
  llm.PushAnswer(Answer(kTypo, "try"));
  llm.PushAnswer(Answer(kTypo, "again"));
  TableScorer scorer;
  RuleAgentOptions o;
  o.max_repair_attempts = 2;
  RuleAgentsInput in = Input();
  in.chunk_starts = {0};
  auto r = RunRuleAgents(llm, in, std::ref(scorer), o);
  REQUIRE(r.ok());
  CHECK(r->kept.empty());
  CHECK(r->stats.dropped == 1);
  CHECK(r->stats.repairs == 2);
  REQUIRE(llm.requests().size() == 3);
  CHECK(llm.requests()[1].messages[1].content.find("the answer contains no rule") != std::string::npos);
  CHECK(r->stats.log.back().find("dropped after 2 repair(s)") != std::string::npos);
}

TEST_CASE("RunRuleAgents: budget spent stops early and keeps what was kept; other LLM errors fail") {
  ScriptedLlmClient llm;
  llm.PushAnswer(Answer(kGood, "ok"));
  llm.PushError(ResourceExhaustedError("LLM token budget spent: used 900 of 800 tokens"));
  TableScorer scorer;
  scorer.by_marker["median(value, 60p) + 50"] = {Metrics(3, 0, 0), Metrics(1, 0, 0)};
  auto r = RunRuleAgents(llm, Input(), std::ref(scorer), RuleAgentOptions{});
  REQUIRE(r.ok());
  CHECK(r->kept.size() == 1);
  CHECK(r->stopped_early.code() == StatusCode::kResourceExhausted);
  CHECK(r->stopped_early.message().find("chunk 2/2") != std::string::npos);

  ScriptedLlmClient denied;
  denied.PushError(InvalidArgumentError("LLM endpoint answered HTTP 401"));
  CHECK(RunRuleAgents(denied, Input(), std::ref(scorer), RuleAgentOptions{}).status().code() ==
        StatusCode::kInvalidArgument);

  RuleAgentOptions capped;
  capped.max_llm_calls = 1;
  ScriptedLlmClient one;
  one.PushAnswer(Answer(kGood, "ok"));
  auto c = RunRuleAgents(one, Input(), std::ref(scorer), capped);
  REQUIRE(c.ok());
  CHECK(c->stopped_early.message().find("max_llm_calls") != std::string::npos);
}

TEST_CASE("RunRuleAgents: the selector the trainer asks for is what the prompts require") {
  ScriptedLlmClient llm;
  llm.PushAnswer(Answer("rule k {\n  select *{kpi=\"05f10d3a\"}\n  when value > 3\n}", "r"));
  TableScorer scorer;
  RuleAgentsInput in = Input();
  in.metric = "05f10d3a";
  in.selector = "*{kpi=\"05f10d3a\"}";
  in.chunk_starts = {0};
  auto r = RunRuleAgents(llm, in, std::ref(scorer), {});
  REQUIRE(r.ok());
  CHECK(llm.requests()[0].messages[1].content.find("Every rule must use `select *{kpi=\"05f10d3a\"}`") !=
        std::string::npos);
  in.selector.clear();
  ScriptedLlmClient llm2;
  llm2.PushAnswer(Answer(kGood, "r"));
  REQUIRE(RunRuleAgents(llm2, in, std::ref(scorer), {}).ok());
  CHECK(llm2.requests()[0].messages[1].content.find("Every rule must use `select *`") != std::string::npos);
}

TEST_CASE("RunRuleAgents: an answer cut off at the token limit is sent back for repair saying so") {
  ScriptedLlmClient llm;
  llm.PushAnswer(R"({"rules": "rule spike {\n  select step_time_ms\n  when value > med)", "length");
  llm.PushAnswer(Answer(kGood, "shorter"));
  TableScorer scorer;
  RuleAgentsInput in = Input();
  in.chunk_starts = {0};
  auto r = RunRuleAgents(llm, in, std::ref(scorer), {});
  REQUIRE(r.ok());
  REQUIRE(llm.requests().size() == 2);
  CHECK(llm.requests()[1].purpose == "rule-repair");
  CHECK(llm.requests()[1].messages[1].content.find("cut off at the token limit") != std::string::npos);
}

TEST_CASE("RunRuleAgents: bad input") {
  ScriptedLlmClient llm;
  TableScorer scorer;
  RuleAgentsInput empty = Input();
  empty.train.clear();
  CHECK(RunRuleAgents(llm, empty, std::ref(scorer), {}).status().code() == StatusCode::kInvalidArgument);
  RuleAgentsInput unordered = Input();
  unordered.chunk_starts = {0, 150, 100};
  CHECK(RunRuleAgents(llm, unordered, std::ref(scorer), {}).status().message().find("must increase") !=
        std::string::npos);
  CHECK(RunRuleAgents(llm, Input(), RuleScoreFn(), {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(llm.requests().empty());
}

// ---- the real client against a loopback OpenAI-compatible server ---------------------------

class LoopbackChatServer {
 public:
  explicit LoopbackChatServer(std::vector<std::string> contents)
      : contents_(contents.begin(), contents.end()) {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      if (contents_.empty()) {
        res.status = 500;
        res.set_content(R"({"error":{"message":"script exhausted"}})", "application/json");
        return;
      }
      Json body = {{"id", "chatcmpl-" + std::to_string(bodies_.size())},
                   {"object", "chat.completion"},
                   {"model", "qwen2.5-coder"},
                   {"choices",
                    {{{"index", 0},
                      {"message", {{"role", "assistant"}, {"content", contents_.front()}}},
                      {"finish_reason", "stop"}}}},
                   {"usage", {{"prompt_tokens", 900}, {"completion_tokens", 60}}}};
      contents_.pop_front();
      res.set_content(body.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackChatServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<std::string> contents_;
  std::vector<std::string> bodies_;
};

TEST_CASE("RunRuleAgents with the real OpenAI-compatible client over loopback: repair, keep, revert") {
  LoopbackChatServer srv({Answer(kTypo, "spikes"), "```json\n" + Answer(kGood, "fixed") + "\n```",
                          Answer(kWorse, "wobble too")});
  FakeClock clock;
  OpenAiLlmOptions o;
  o.url = srv.url();
  o.model = "qwen2.5-coder";
  o.clock = &clock;
  auto client = OpenAiLlmClient::Create(o);
  REQUIRE(client.ok());
  TableScorer scorer;
  scorer.by_marker["wobble"] = {Metrics(3, 40, 0), Metrics(1, 30, 0)};
  scorer.by_marker["median(value, 60p) + 50"] = {Metrics(3, 0, 0), Metrics(1, 0, 0)};
  auto r = RunRuleAgents(**client, Input(), std::ref(scorer), RuleAgentOptions{});
  REQUIRE(r.ok());
  REQUIRE(r->kept.size() == 1);
  CHECK(r->kept[0].text == kGood);
  CHECK(r->stats.repairs == 1);
  CHECK(r->stats.reverted == 1);
  CHECK((*client)->Usage().total() == 3 * 960);
  auto bodies = srv.bodies();
  REQUIRE(bodies.size() == 3);
  auto repair = Json::parse(bodies[1]);
  CHECK(repair["response_format"]["type"] == "json_schema");
  CHECK(repair["messages"][1]["content"].get<std::string>().find("did you mean `mean`?") !=
        std::string::npos);
}

}  // namespace
}  // namespace vigil
