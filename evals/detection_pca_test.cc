// PcaSpeDetector, its eigen-decomposition and model fit, and AnyOfDetector.
#include "evals/detection_pca.h"

#include <doctest/doctest.h>

#include <cmath>

namespace vigil {
namespace {

TEST_CASE("EigenSymmetric: eigenpairs of a symmetric matrix, descending, and A = V diag(λ) Vᵀ") {
  Result<SymmetricEigen> e = EigenSymmetric({{2, 1}, {1, 2}});
  REQUIRE(e.ok());
  CHECK(e->values[0] == doctest::Approx(3));
  CHECK(e->values[1] == doctest::Approx(1));
  CHECK(std::abs(e->vectors[0][0]) == doctest::Approx(std::sqrt(0.5)));
  CHECK(e->vectors[0][0] * e->vectors[0][1] > 0);  // (1, 1) direction
  const std::vector<std::vector<double>> a = {
      {4, -2, 1, 0.5}, {-2, 3, 0.2, 0}, {1, 0.2, 5, -1}, {0.5, 0, -1, 1}};
  e = EigenSymmetric(a);
  REQUIRE(e.ok());
  for (size_t i = 0; i + 1 < e->values.size(); ++i) CHECK(e->values[i] >= e->values[i + 1]);
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < 4; ++j) {
      double r = 0, dot = 0;
      for (size_t k = 0; k < 4; ++k) {
        r += e->vectors[k][i] * e->values[k] * e->vectors[k][j];
        dot += e->vectors[i][k] * e->vectors[j][k];
      }
      CHECK(r == doctest::Approx(a[i][j]).epsilon(1e-9));
      CHECK(dot == doctest::Approx(i == j ? 1.0 : 0.0).epsilon(1e-9));
    }
  }
  CHECK_FALSE(EigenSymmetric({{1, 2}}).ok());
  Result<SymmetricEigen> bad = EigenSymmetric({{1, NAN}, {NAN, 1}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("(0, 1) is not finite") != std::string::npos);
}

// Three members over n points: 0 and 1 move together (a shared slow wave plus a little noise of
// their own), 2 is constant at 0.5.
std::vector<std::vector<double>> Correlated(size_t n) {
  std::vector<std::vector<double>> x(3, std::vector<double>(n));
  for (size_t t = 0; t < n; ++t) {
    const double wave = 0.3 * std::sin(static_cast<double>(t) * 0.05);
    x[0][t] = 0.5 + wave + 0.01 * static_cast<double>((t * 37) % 11) / 11;
    x[1][t] = 0.4 + wave + 0.01 * static_cast<double>((t * 53) % 7) / 7;
    x[2][t] = 0.5;
  }
  return x;
}

TEST_CASE("FitPcaSpe/SpeScores: a break of the members' co-movement scores, moving together does not") {
  std::vector<std::vector<double>> x = Correlated(1200);
  Result<PcaSpeModel> m = FitPcaSpe(x, 0, 1000, PcaSpeOptions{});
  REQUIRE(m.ok());
  CHECK(m->used == std::vector<size_t>{0, 1});
  CHECK(m->constant == std::vector<size_t>{2});
  CHECK(m->components.size() == 1);  // the shared wave holds > 90% of the variance
  CHECK(m->variance_fraction > 0.9);
  double train_max = 0;
  for (double s : SpeScores(*m, x)) train_max = std::max(train_max, s);
  // Test part: at 1100 both move by +0.3 (along the model), at 1150 member 1 alone by +0.3, at
  // 1180 the constant member moves (left out of the model).
  x[0][1100] += 0.3;
  x[1][1100] += 0.3;
  x[1][1150] += 0.3;
  x[2][1180] += 0.3;
  const std::vector<double> spe = SpeScores(*m, x);
  CHECK(spe[1100] <= 2 * train_max);
  CHECK(spe[1150] > 10 * train_max);
  CHECK(spe[1180] == doctest::Approx(spe[1179]).epsilon(0.5));
  CHECK_FALSE(FitPcaSpe(x, 5, 5, PcaSpeOptions{}).ok());
  CHECK_FALSE(FitPcaSpe(x, 0, 100, PcaSpeOptions{.variance_kept = 0}).ok());
  x[1].pop_back();
  Result<PcaSpeModel> ragged = FitPcaSpe(x, 0, 100, PcaSpeOptions{});
  REQUIRE_FALSE(ragged.ok());
  CHECK(ragged.status().message().find("member 1 has 1199 points") != std::string::npos);
}

EvalUnit Unit(const std::vector<std::vector<double>>& x, size_t split) {
  EvalUnit u;
  u.name = "m1";
  u.split = split;
  for (size_t d = 0; d < x.size(); ++d) {
    TimeSeries ts;
    ts.name = "dim" + std::to_string(d);
    for (size_t t = 0; t < x[d].size(); ++t) {
      ts.timestamps_ms.push_back(static_cast<int64_t>(t) * 60'000);
      ts.values.push_back(x[d][t]);
    }
    u.members.push_back(std::move(ts));
  }
  return u;
}

TEST_CASE("PcaSpeDetector: threshold from the held-out training tail; a persisting break stays flagged") {
  // Split 1250: fitting part [0, 1000), held-out tail [1000, 1250), test [1250, 1500).
  std::vector<std::vector<double>> x = Correlated(1500);
  for (size_t t = 1300; t < 1340; ++t) x[1][t] += 0.2;  // member 1 leaves member 0 for 40 points
  for (size_t t = 1400; t < 1500; ++t) {                // both drift up together
    x[0][t] += 0.2;
    x[1][t] += 0.2;
  }
  PcaSpeDetector det;
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({Unit(x, 1250)});
  REQUIRE(flags.ok());
  const std::vector<uint8_t>& f = (*flags)[0];
  REQUIRE(f.size() == 1500);
  size_t in_break = 0, elsewhere = 0;
  for (size_t t = 1250; t < 1500; ++t) (t >= 1300 && t < 1340 ? in_break : elsewhere) += f[t];
  CHECK(in_break == 40);
  CHECK(elsewhere <= 5);
  const Json d = det.Details();
  CHECK(d["per_series"][0]["components"] == 1);
  CHECK(d["per_series"][0]["constant"][0] == 3);  // 1-based
  CHECK(d["per_series"][0]["threshold"].get<double>() > 0);
  // The first test alert is the break's onset; members 1 and 2 carry its SPE between them.
  const Json& alert = d["per_series"][0]["alerts"][0];
  CHECK(alert["test_point"] == 50);
  REQUIRE(alert["top"].size() == 2);  // only two members are in the model
  CHECK(alert["top"][0]["share"].get<double>() + alert["top"][1]["share"].get<double>() ==
        doctest::Approx(1.0));
  // A break as large inside the held-out tail raises the threshold above the test break.
  for (size_t t = 1100; t < 1110; ++t) x[1][t] += 0.3;
  flags = det.Run({Unit(x, 1250)});
  REQUIRE(flags.ok());
  CHECK((*flags)[0][1320] == 0);
}

TEST_CASE("PcaSpeDetector with a POT threshold: fitted on the held-out tail's SPE, named in the details") {
  std::vector<std::vector<double>> x = Correlated(1500);
  for (size_t t = 1300; t < 1340; ++t) x[1][t] += 0.2;  // member 1 leaves member 0 for 40 points
  PcaSpeDetector max_det;
  PcaSpeDetector pot_det(
      PcaSpeOptions{.threshold = {.pot = {.level = 0.9, .risk = 1e-3}, .method = TailThresholdMethod::kPot}},
      "pca-spe-pot");
  Result<std::vector<std::vector<uint8_t>>> fm = max_det.Run({Unit(x, 1250)});
  Result<std::vector<std::vector<uint8_t>>> fp = pot_det.Run({Unit(x, 1250)});
  REQUIRE(fm.ok());
  REQUIRE(fp.ok());
  const Json d = pot_det.Details();
  CHECK(d["threshold_method"] == "pot");
  CHECK(d["pot_risk"].get<double>() == 1e-3);
  const Json& unit = d["per_series"][0];
  const Json& choice = unit["threshold_choice"];
  REQUIRE(choice.contains("pot"));
  CHECK(choice["pot"]["n"] == 250);  // the held-out tail [1000, 1250), nothing else
  CHECK(choice["pot"]["peaks"].get<int64_t>() >= 10);
  CHECK(choice["tail_max"].get<double>() ==
        doctest::Approx(max_det.Details()["per_series"][0]["threshold"].get<double>()));
  CHECK(unit["threshold"].get<double>() > choice["pot"]["init_threshold"].get<double>());
  CHECK(max_det.Details()["threshold_method"] == "tail-max");
  size_t in_break = 0;
  for (size_t t = 1300; t < 1340; ++t) in_break += (*fp)[0][t];
  CHECK(in_break == 40);
}

TEST_CASE(
    "PcaSpeDetector with a baseline window: a lasting step is flagged while the baseline lags, then not") {
  // Split 2500: fitting part [100, 2000), held-out tail [2000, 2500); member 1 alone steps by
  // +0.2 at 2600 and stays there.
  std::vector<std::vector<double>> x = Correlated(3000);
  for (size_t t = 2600; t < 3000; ++t) x[1][t] += 0.2;
  PcaSpeDetector values;
  PcaSpeDetector residual(PcaSpeOptions{.baseline_window = 100, .clip = 5}, "pca-spe-residual");
  Result<std::vector<std::vector<uint8_t>>> fv = values.Run({Unit(x, 2500)});
  Result<std::vector<std::vector<uint8_t>>> fr = residual.Run({Unit(x, 2500)});
  REQUIRE(fv.ok());
  REQUIRE(fr.ok());
  CHECK(residual.name() == "pca-spe-residual");
  size_t values_after = 0, residual_first = 0, residual_after = 0;
  for (size_t t = 2700; t < 3000; ++t) values_after += (*fv)[0][t];
  for (size_t t = 2600; t < 2700; ++t) residual_first += (*fr)[0][t];
  for (size_t t = 2750; t < 3000; ++t) residual_after += (*fr)[0][t];
  CHECK(values_after == 300);  // the value model flags the new level for ever
  CHECK((*fr)[0][2600] == 1);
  // Flagged until the baseline window holds mostly the new level (the shared wave moves the two
  // members' medians differently, so up to about one window), then no more than elsewhere.
  CHECK(residual_first >= 20);
  CHECK(residual_after <= 3);  // isolated exceedances of the tail's maximum, as anywhere
  CHECK(residual.Details()["baseline_window"] == 100);
  // Too short for the baseline, a fitting part and a tail.
  Result<std::vector<std::vector<uint8_t>>> short_run = residual.Run({Unit(x, 110)});
  REQUIRE_FALSE(short_run.ok());
  CHECK(short_run.status().message().find("pca-spe-residual: unit `m1` has 110 training points") !=
        std::string::npos);
}

TEST_CASE("SpeResidual: its squares sum to the SPE and the member that broke away carries most of it") {
  std::vector<std::vector<double>> x = Correlated(1100);
  for (size_t t = 0; t < 1100; ++t)
    x[2][t] = 0.3 + 0.9 * (x[0][t] - 0.5) + 0.01 * static_cast<double>((t * 29) % 5) / 5;
  Result<PcaSpeModel> m = FitPcaSpe(x, 0, 1000, PcaSpeOptions{});
  REQUIRE(m.ok());
  REQUIRE(m->used.size() == 3);
  x[2][1050] += 0.3;
  const std::vector<double> r = SpeResidual(*m, x, 1050);
  double sum = 0;
  for (double v : r) sum += v * v;
  CHECK(sum == doctest::Approx(SpeScores(*m, x)[1050]));
  CHECK(r[2] * r[2] > 0.5 * sum);
}

TEST_CASE("FitPcaSpe with a clip: one member's jump adds at most clip² however small its σ") {
  std::vector<std::vector<double>> x = Correlated(1100);
  for (size_t t = 0; t < 1100; ++t) x[2][t] = (t % 100 == 0) ? 0.501 : 0.5;  // σ ≈ 1e-4, floored
  Result<PcaSpeModel> plain = FitPcaSpe(x, 0, 1000, PcaSpeOptions{});
  Result<PcaSpeModel> clipped = FitPcaSpe(x, 0, 1000, PcaSpeOptions{.clip = 5});
  REQUIRE(plain.ok());
  REQUIRE(clipped.ok());
  x[2][1050] = 1.0;  // 50 floored σ away
  CHECK(SpeScores(*plain, x)[1050] > 1000);
  CHECK(SpeScores(*clipped, x)[1050] <= 25 + 1);
  CHECK(SpeScores(*clipped, x)[1050] > 10);
}

TEST_CASE("PcaSpeDetector: a training part too short for a held-out tail is an error") {
  PcaSpeDetector det;
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({Unit(Correlated(10), 4)});
  REQUIRE_FALSE(flags.ok());
  CHECK(flags.status().message().find("unit `m1` has 4 training points") != std::string::npos);
}

class FixedFlags : public BenchDetector {
 public:
  FixedFlags(std::string name, std::vector<uint8_t> flags)
      : name_(std::move(name)), flags_(std::move(flags)) {}
  std::string name() const override { return name_; }
  Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>&) override {
    return std::vector<std::vector<uint8_t>>{flags_};
  }
  Json Details() const override { return Json{{"n", static_cast<int64_t>(flags_.size())}}; }

 private:
  std::string name_;
  std::vector<uint8_t> flags_;
};

TEST_CASE("AnyOfDetector: flags where any part flags, with each part's details") {
  std::vector<std::unique_ptr<BenchDetector>> parts;
  parts.push_back(std::make_unique<FixedFlags>("a", std::vector<uint8_t>{1, 0, 0, 0}));
  parts.push_back(std::make_unique<FixedFlags>("b", std::vector<uint8_t>{0, 0, 1, 0}));
  AnyOfDetector any("a-or-b", std::move(parts));
  Result<std::vector<std::vector<uint8_t>>> flags = any.Run({EvalUnit{}});
  REQUIRE(flags.ok());
  CHECK((*flags)[0] == std::vector<uint8_t>{1, 0, 1, 0});
  CHECK(any.Details()["b"]["n"] == 4);
  CHECK(any.name() == "a-or-b");
}

}  // namespace
}  // namespace vigil
