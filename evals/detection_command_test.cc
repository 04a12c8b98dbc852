// RunDetectCommand: detector names and the SMD detectors end to end on a small slice.
#include "evals/detection_command.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "connectors/scripted_llm_client.h"

namespace vigil {
namespace {

// A report folder of this process (removed first): eval detect refuses one holding a report, so a
// fixed name failed when another build's evals_test ran at the same time or a failed run left one.
std::string ScratchOut(const std::string& name) {
  const std::filesystem::path p = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

TEST_CASE("RunDetectCommand: an unknown detector names every known one and the closest") {
  DetectCommandOptions o;
  o.dataset = "smd";
  o.detectors = {"pca-sp"};
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  const std::string m = r.status().message();
  INFO(m);
  CHECK(m.find("unknown detector `pca-sp`") != std::string::npos);
  CHECK(m.find("pca-spe-residual") != std::string::npos);
  CHECK(m.find("residual-or-spe-residual") != std::string::npos);
  CHECK(m.find("did you mean `pca-spe`?") != std::string::npos);
  // A misspelt NAB detector gets the same full list and suggestion.
  o.detectors = {"cad-ose-wid"};
  const std::string nab = RunDetectCommand(o).status().message();
  INFO(nab);
  CHECK(nab.find("unknown detector `cad-ose-wid`") != std::string::npos);
  CHECK(nab.find("knn-cad") != std::string::npos);
  CHECK(nab.find("did you mean `cad-ose-wide`?") != std::string::npos);
}

// Issue 4 (P2): numeric options out of range were taken (--nab-refractory -1 / nan, --rules-max 0,
// --rules-margin nan, --rules-min-gain -1), failed only after the run started (--delay-k -1: "detector
// mad-band failed") or crashed (--mad-window 0: SIGSEGV). Now refused before any data is read.
TEST_CASE(
    "RunDetectCommand: numeric options out of range are refused naming the option, before reading data") {
  auto refused = [](const std::function<void(DetectCommandOptions&)>& set, const std::string& want) {
    DetectCommandOptions o;
    o.dataset = "kpi";
    o.data_path = "/nonexistent/kpi";  // read first, it would be the error
    o.detectors = {"rules", "mad-band"};
    set(o);
    Result<DetectionReport> r = RunDetectCommand(o);
    INFO(want, " -> ", r.ok() ? std::string("ok") : r.status().message());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(want) != std::string::npos);
  };
  refused([](auto& o) { o.mad_window = 0; }, "--mad-window must be at least 1, got 0");
  refused([](auto& o) { o.delay_k = -1; }, "--delay-k must be at least 0, got -1");
  refused([](auto& o) { o.nab_refractory_fraction = -1; },
          "--nab-refractory must be a fraction in [0, 1], got -1");
  refused([](auto& o) { o.nab_refractory_fraction = std::nan(""); },
          "--nab-refractory must be a fraction in [0, 1], got nan");
  refused([](auto& o) { o.nab_refractory_fraction = 2; },
          "--nab-refractory must be a fraction in [0, 1], got 2");
  refused([](auto& o) { o.builtin.max_rules = 0; }, "--rules-max must be at least 1, got 0");
  refused([](auto& o) { o.builtin.unlabeled_margin = -0.5; },
          "--rules-margin must be a finite number >= 0, got -0.5");
  refused([](auto& o) { o.builtin.unlabeled_margin = std::nan(""); },
          "--rules-margin must be a finite number >= 0, got nan");
  refused([](auto& o) { o.builtin.unlabeled_margin = INFINITY; },
          "--rules-margin must be a finite number >= 0, got inf");
  refused([](auto& o) { o.builtin.min_gain = -1; }, "--rules-min-gain must be in [0, 1], got -1");
  refused([](auto& o) { o.builtin.min_gain = std::nan(""); }, "--rules-min-gain must be in [0, 1], got nan");
  refused([](auto& o) { o.rules_min_votes = -2; }, "--rules-vote must be at least 0, got -2");
  refused(
      [](auto& o) {
        o.builtin.windows = {10, 0};
      },
      "--rules-windows: every window must be 1 to 100000 points, got 0");
  refused([](auto& o) { o.builtin.windows = {200000}; },
          "--rules-windows: every window must be 1 to 100000 points, got 200000");
}

TEST_CASE("RunDetectCommand: --threshold names and where pot applies") {
  DetectCommandOptions o;
  o.dataset = "smd";
  o.detectors = {"residual-sum"};
  o.threshold = "pots";
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "--threshold must be tail-max or pot, got `pots`");
  o.threshold = "pot";
  o.detectors = {"rules", "mad-band"};
  r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("--threshold pot applies to residual-sum") != std::string::npos);
  // Settings no tail can satisfy are refused up front (a unit's failed fit would fall back quietly).
  o.detectors = {"residual-sum"};
  o.pot.risk = 0.05;  // not below 1 - level = 0.02
  r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("--pot-risk must be in (0, 1 - --pot-level = 0.02") != std::string::npos);
  o.pot.risk = 1e-3;
  o.pot.level = 1;
  r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("--pot-level must be in (0, 1)") != std::string::npos);
}

TEST_CASE("RunDetectCommand: the PCA detectors run on an SMD slice; the any-of flags cover its part") {
  const std::string out = ScratchOut("vigil_detect_command_test");
  DetectCommandOptions o;
  o.dataset = "smd";
  o.out_dir = out;
  o.plots = false;
  o.set.name_filter = "machine-1-6";
  o.set.max_points = 3000;  // train [0, 3000): baseline 1440, fitting [1440, 2400), tail [2400, 3000)
  o.detectors = {"pca-spe", "pca-spe-residual", "residual-or-spe-residual"};
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 3);
  for (const DetectorResult& d : r->results) {
    INFO(d.name);
    CHECK(d.status.ok());
    REQUIRE(d.flags.size() == 1);
    CHECK(d.flags[0].size() == 6000);
  }
  CHECK(r->results[1].details["baseline_window"] == 1440);
  CHECK(r->results[1].details["per_series"][0]["series"] == "machine-1-6");
  size_t part = 0, missing = 0;
  for (size_t i = 0; i < 6000; ++i) {
    part += r->results[1].flags[0][i];
    missing += r->results[1].flags[0][i] && !r->results[2].flags[0][i];
  }
  CHECK(missing == 0);
  CHECK(r->results[2].details.contains("residual-sum"));
  CHECK(r->results[2].details.contains("pca-spe-residual"));
  MESSAGE("pca-spe-residual flags on the slice: " << part);
  std::filesystem::remove_all(out);
}

TEST_CASE("RunDetectCommand: --threshold pot names the detectors -pot and splits q over any-of parts") {
  const std::string out = ScratchOut("vigil_detect_command_pot_test");
  DetectCommandOptions o;
  o.dataset = "smd";
  o.out_dir = out;
  o.plots = false;
  o.set.name_filter = "machine-1-6";
  o.set.max_points = 3000;  // train [0, 3000): held-out tail [2400, 3000), 600 points
  o.detectors = {"residual-sum", "residual-or-spe-residual"};
  o.threshold = "pot";
  o.pot.level = 0.9;  // 60 peaks on the 600-point tail
  o.pot.risk = 0.01;
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 2);
  CHECK(r->results[0].name == "residual-sum-pot");
  CHECK(r->results[1].name == "residual-or-spe-residual-pot");
  const Json& alone = r->results[0].details;
  CHECK(alone["threshold_method"] == "pot");
  CHECK(alone["pot_risk"].get<double>() == 0.01);
  const Json& choice = alone["per_series"][0]["threshold_choice"];
  REQUIRE(choice.contains("pot"));
  CHECK(choice["pot"]["n"] == 600);
  const Json& parts = r->results[1].details;
  CHECK(parts["residual-sum-pot"]["pot_risk"].get<double>() == 0.005);  // Bonferroni over 2 parts
  CHECK(parts["pca-spe-residual-pot"]["pot_risk"].get<double>() == 0.005);
  // A lower risk (the part's) gives a higher threshold on the same tail.
  CHECK(parts["residual-sum-pot"]["per_series"][0]["threshold"].get<double>() >
        alone["per_series"][0]["threshold"].get<double>());
  std::filesystem::remove_all(out);
}

// rules-llm: the Argos agents over a scripted LLM train on the KPI slice's 70% training part; the
// report carries the tokens they used (JSON, Markdown), and without an endpoint it is refused.
TEST_CASE("RunDetectCommand: rules-llm trains with the LLM agents and reports their tokens") {
  DetectCommandOptions o;
  o.dataset = "kpi";
  o.detectors = {"rules-llm", "mad-band"};
  o.set.max_series = 1;
  o.set.max_points = 3000;
  Result<DetectionReport> refused = RunDetectCommand(o);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message().find("`rules-llm` needs an LLM endpoint: set VIGIL_LLM_URL") !=
        std::string::npos);

  const std::string out = ScratchOut("vigil_detect_command_llm_test");
  ScriptedLlmClient llm;
  const std::string rule =
      "rule jump {\n  select *{kpi=\"05f10d3a-239c-3bef-9bdc-a2feeb0037aa\"}\n"
      "  when abs(value - median(lag(value, 1), 60p)) > 20\n}";
  for (int i = 0; i < 4; ++i) {  // one detection call per training chunk
    llm.PushAnswer(Json{{"rules", rule}, {"rationale", "jumps off the median"}}.dump(), "stop", {1000, 60});
  }
  // --llm-stream without a detector that asks an LLM is refused, not ignored (as train-rules
  // refuses it without --proposer llm).
  DetectCommandOptions stream_only = o;
  stream_only.detectors = {"rules", "mad-band"};
  stream_only.llm_stream = true;
  stream_only.out_dir = out;  // where a run that ignored the flag would write
  stream_only.plots = false;
  Result<DetectionReport> ignored = RunDetectCommand(stream_only);
  REQUIRE_FALSE(ignored.ok());
  CHECK(ignored.status().code() == StatusCode::kInvalidArgument);
  CHECK(ignored.status().message() == "--llm-stream applies only with the rules-llm detector");
  o.llm = &llm;
  o.out_dir = out;
  o.plots = false;
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE(r.ok());
  REQUIRE(r->results.size() == 2);
  const DetectorResult& d = r->results[0];
  CHECK(d.name == "rules-llm");
  CHECK(d.status.ok());
  const int64_t calls = static_cast<int64_t>(llm.requests().size());
  CHECK(calls >= 1);
  CHECK(d.llm_usage.prompt_tokens == 1000 * calls);
  CHECK(d.llm_usage.completion_tokens == 60 * calls);
  CHECK(d.details["proposer"] == "llm");
  CHECK(d.details["llm_prompt_tokens"] == 1000 * calls);
  CHECK(r->results[1].llm_usage.total() == 0);  // mad-band uses none
  const Json j = r->ToJson(7);
  CHECK(j["llm_prompt_tokens"] == 1000 * calls);
  CHECK(j["llm_completion_tokens"] == 60 * calls);
  CHECK(j["detectors"][0]["llm_prompt_tokens"] == 1000 * calls);
  const std::string md = r->ToMarkdown(7);
  CHECK(md.find("LLM tokens, rules-llm: " + std::to_string(1000 * calls) + " prompt + " +
                std::to_string(60 * calls) + " completion.") != std::string::npos);
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace vigil
