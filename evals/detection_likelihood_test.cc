// LikelihoodDetector: the transform of the base's LastScores per unit (probationary = the training
// part), flags at the red level, scores relative to it, and clear errors for bases without a score.
#include "evals/detection_likelihood.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "evals/detection_command.h"
#include "evals/detection_peers.h"

namespace vigil {
namespace {

// A base that hands out fixed scores (or none, or fails) and counts its runs.
class FakeScored : public BenchDetector {
 public:
  FakeScored(std::vector<std::vector<double>> scores, bool has_scores = true, Status fail = Status::Ok())
      : scores_(std::move(scores)), has_scores_(has_scores), fail_(std::move(fail)) {}
  std::string name() const override { return "fake"; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override {
    ++runs;
    if (!fail_.ok()) return fail_;
    std::vector<std::vector<uint8_t>> out;
    for (const EvalUnit& u : units) out.emplace_back(u.members[0].values.size(), 1);  // ignored
    return out;
  }
  Json Details() const override { return Json{{"fake", true}}; }
  const std::vector<std::vector<double>>* LastScores() const override {
    return has_scores_ ? &scores_ : nullptr;
  }
  int runs = 0;

 private:
  std::vector<std::vector<double>> scores_;
  bool has_scores_;
  Status fail_;
};

EvalUnit Unit(const std::string& name, size_t n, size_t split) {
  EvalUnit u;
  u.name = name;
  u.split = split;
  TimeSeries ts;
  ts.name = name;
  for (size_t t = 0; t < n; ++t) {
    ts.timestamps_ms.push_back(static_cast<int64_t>(t) * 60'000);
    ts.values.push_back(0);
  }
  u.members.push_back(std::move(ts));
  return u;
}

// Noise in [0, 0.2) with a rise to ~0.7 at `rise` for 20 points; NaN for the first 5 (a window).
std::vector<double> NoisyScores(size_t n, size_t rise, uint64_t seed) {
  std::vector<double> s(n);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(seed >> 11) / 9007199254740992.0;
    s[i] = i < 5 ? NAN : (i >= rise && i < rise + 20 ? 0.6 : 0.0) + 0.2 * u;
  }
  return s;
}

TEST_CASE("LikelihoodDetector: the transform of the base's score per unit, flags at the red level") {
  const std::vector<EvalUnit> units = {Unit("a", 3000, 450), Unit("b", 2000, 300)};
  std::vector<std::vector<double>> raw = {NoisyScores(3000, 2000, 1), NoisyScores(2000, 1500, 2)};
  auto base = std::make_unique<FakeScored>(raw);
  FakeScored* fake = base.get();
  LikelihoodDetector det(std::move(base));
  CHECK(det.name() == "fake-likelihood");
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run(units);
  REQUIRE(flags.ok());
  CHECK(fake->runs == 1);
  REQUIRE(flags->size() == 2);
  for (size_t u = 0; u < 2; ++u) {
    CAPTURE(u);
    std::vector<double> tails;
    Result<std::vector<double>> want =
        AnomalyLikelihoods(raw[u], AnomalyLikelihoodOptions::ForProbationary(units[u].split), &tails);
    REQUIRE(want.ok());
    const std::vector<uint8_t>& f = (*flags)[u];
    const std::vector<double>& rel = (*det.LastScores())[u];
    REQUIRE(f.size() == raw[u].size());
    size_t alarms = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      CHECK(f[i] == (tails[i] <= 1e-5 ? 1 : 0));  // the base's all-ones flags are ignored
      if (i < 5) {
        CHECK(std::isnan(rel[i]));
      } else {
        CHECK((rel[i] >= 1) == (f[i] == 1));
      }
      alarms += f[i];
    }
    CHECK(alarms == 1);  // the rise, once
    const size_t rise = u == 0 ? 2000 : 1500;
    for (size_t i = 0; i < rise; ++i) CHECK(f[i] == 0);
  }
  const Json d = det.Details();
  CHECK(d["base"] == "fake");
  CHECK(d["base_details"]["fake"] == true);
  CHECK(d["red"] == 1e-5);
  CHECK(d["historic_window"] == 8640);
  CHECK(d["per_series"][0]["no_base_score"] == 5);
  CHECK(d["per_series"][1]["scored_alarms"] == 1);
}

TEST_CASE("LikelihoodDetector: a base without a score, with the wrong shape, or failing") {
  const std::vector<EvalUnit> units = {Unit("a", 100, 15)};
  LikelihoodDetector none(std::make_unique<FakeScored>(std::vector<std::vector<double>>{}, false));
  Result<std::vector<std::vector<uint8_t>>> r = none.Run(units);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kFailedPrecondition);
  CHECK(r.status().message() == "fake-likelihood: the base detector `fake` has no continuous score");
  LikelihoodDetector count(std::make_unique<FakeScored>(std::vector<std::vector<double>>{}));
  r = count.Run(units);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "fake-likelihood: the base returned 0 score series for 1 units");
  LikelihoodDetector length(std::make_unique<FakeScored>(std::vector<std::vector<double>>{{1, 2}}));
  r = length.Run(units);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "fake-likelihood: unit `a`: the base's score has 2 points, the unit 100");
  LikelihoodDetector fails(
      std::make_unique<FakeScored>(std::vector<std::vector<double>>{}, true, InvalidArgumentError("boom")));
  r = fails.Run(units);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "fake-likelihood: boom");
  // A unit shorter than its probation (split = n): no flag, no error.
  LikelihoodDetector short_unit(
      std::make_unique<FakeScored>(std::vector<std::vector<double>>{std::vector<double>(100, 5.0)}));
  r = short_unit.Run({Unit("s", 100, 100)});
  REQUIRE(r.ok());
  for (uint8_t f : (*r)[0]) CHECK(f == 0);
}

TEST_CASE("LikelihoodDetector: over the real mad-band peer, its scores are the base's LastScores") {
  EvalUnit u = Unit("m", 1500, 225);
  for (size_t t = 0; t < 1500; ++t) {
    u.members[0].values[t] =
        10 + std::sin(static_cast<double>(t) * 0.3) + (t >= 1200 && t < 1230 ? 8.0 : 0.0);
  }
  MadBandDetector alone(60, ThresholdOptions{});
  REQUIRE(alone.Run({u}).ok());
  LikelihoodDetector det(std::make_unique<MadBandDetector>(60, ThresholdOptions{}));
  CHECK(det.name() == "mad-band-likelihood");
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({u});
  REQUIRE(flags.ok());
  std::vector<double> tails;
  REQUIRE(AnomalyLikelihoods((*alone.LastScores())[0], AnomalyLikelihoodOptions::ForProbationary(225), &tails)
              .ok());
  for (size_t t = 0; t < 1500; ++t) CHECK((*flags)[0][t] == (tails[t] <= 1e-5 ? 1 : 0));
  size_t in_step = 0;
  for (size_t t = 1200; t < 1215; ++t) in_step += (*flags)[0][t];
  CHECK(in_step == 1);
}

TEST_CASE("RunDetectCommand: <base>-likelihood names") {
  DetectCommandOptions o;
  o.dataset = "nab";
  o.data_path = "/nonexistent";  // refused before any data is read
  o.detectors = {"rules-likelihood"};
  Result<DetectionReport> r = RunDetectCommand(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("detector `rules-likelihood`: `rules` has no single continuous score") !=
        std::string::npos);
  o.detectors = {"residual-or-spe-likelihood"};
  CHECK(RunDetectCommand(o).status().message().find("`residual-or-spe` has no single") != std::string::npos);
  // PCA-SPE has no LastScores: refused here, not after its whole run.
  o.detectors = {"pca-spe-likelihood"};
  CHECK(RunDetectCommand(o).status().message().find("`pca-spe` has no single continuous score") !=
        std::string::npos);
  o.detectors = {"pca-spe-residual-likelihood"};
  CHECK(RunDetectCommand(o).status().message().find("`pca-spe-residual` has no single") != std::string::npos);
  o.detectors = {"mad-bnd-likelihood"};
  const std::string m = RunDetectCommand(o).status().message();
  INFO(m);
  CHECK(m.find("unknown detector `mad-bnd-likelihood`") != std::string::npos);
  CHECK(m.find("<base>-likelihood") != std::string::npos);
  CHECK(m.find("did you mean `mad-band-likelihood`?") != std::string::npos);
  o.detectors = {"-likelihood"};
  CHECK(RunDetectCommand(o).status().message().find("unknown detector `-likelihood`") != std::string::npos);
}

}  // namespace
}  // namespace vigil
