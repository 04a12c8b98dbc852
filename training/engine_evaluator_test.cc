// EngineEvaluator on the validation tail: the rules run over the training part and then the tail,
// as `vigil detect` runs them over the whole series, and only the tail's points are reported.
#include "training/engine_evaluator.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "detectors/scoring.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Deterministic noise in [-1, 1) (a 64-bit LCG), the same on every platform.
struct Noise {
  uint64_t state;
  double Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / static_cast<double>(uint64_t{1} << 52) - 1.0;
  }
};

// `n` points every `step_ms`: base(i) + noise * amplitude, +jump at `anomalies` (labeled).
TimeSeries Make(const std::string& id, int n, int64_t step_ms, double amplitude, uint64_t seed,
                double (*base)(int), const std::vector<int>& anomalies, double jump) {
  static const std::string kMetric = "m";
  TimeSeries ts;
  ts.name = kMetric;
  ts.labels = {{"id", id}};
  Noise noise{seed};
  for (int i = 0; i < n; ++i) {
    double v = base(i) + amplitude * noise.Next();
    uint8_t label = 0;
    for (int a : anomalies) {
      if (a == i) {
        v += jump;
        label = 1;
      }
    }
    ts.timestamps_ms.push_back(1'700'000'000'000 + int64_t{i} * step_ms);
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(label);
  }
  return ts;
}

double Flat(int) { return 100; }
// A daily cycle at 5-minute steps (288 points a day).
double Daily(int i) { return 100 + 20 * std::sin(2 * kPi * i / 288.0); }

TrainingData Cut(const std::vector<TimeSeries>& all, const std::vector<size_t>& cuts) {
  static const std::string kTarget = "t";
  TrainingData data;
  data.target = kTarget;
  data.labeled = true;
  for (size_t i = 0; i < all.size(); ++i) {
    data.train.push_back(all[i].SliceIndex(0, cuts[i]));
    data.validation.push_back(all[i].SliceIndex(cuts[i], all[i].size()));
  }
  return data;
}

// The rules run by the engine over the whole series, each series' flags from `from[i]` on.
std::vector<std::vector<uint8_t>> WholeTail(const std::string& text, const std::vector<TimeSeries>& all,
                                            const std::vector<size_t>& from) {
  Result<CompiledRules> rules = CompileRules(text, "whole.rules");
  REQUIRE(rules.ok());
  Result<BatchResult> r = EvaluateBatch(*rules, all);
  REQUIRE(r.ok());
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::vector<uint8_t>& f = r->flags.at(i);
    out.emplace_back(f.begin() + static_cast<std::ptrdiff_t>(from[i]), f.end());
  }
  return out;
}

int Count(const std::vector<uint8_t>& f, size_t begin, size_t end) {
  int c = 0;
  for (size_t j = begin; j < end && j < f.size(); ++j) c += f[j];
  return c;
}

bool SameValues(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t j = 0; j < a.size(); ++j) {
    if (std::isnan(a[j]) != std::isnan(b[j])) return false;
    if (!std::isnan(a[j]) && a[j] != b[j]) return false;
  }
  return true;
}

const char* kZ60 = "rule z60 {\n  select *\n  when abs(zscore(value, 60p)) > 2.5\n}\n";
const char* kSeasonal = "rule seasonal {\n  select *\n  when abs(value - (value offset 1d)) > 15\n}\n";

TEST_CASE("validation flags of a 60-point-window rule are the whole series' flags on the tail") {
  // 1000 one-minute points, tail from 900; spikes in the tail's first 60 points, where a window
  // restarted at the tail would hold fewer than 60 points (a lone spike among n points has
  // |z| <= (n-1)/sqrt(n), below 2.5 until n = 8).
  const std::vector<int> spikes = {903, 906, 930, 955, 980};
  const std::vector<TimeSeries> all = {Make("a", 1000, 60'000, 3, 7, Flat, spikes, 15)};
  const TrainingData data = Cut(all, {900});
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  const std::vector<std::vector<uint8_t>> whole = WholeTail(kZ60, all, {900});
  REQUIRE(Count(whole[0], 0, 60) >= 3);  // the spikes early in the tail are caught warm

  Result<std::vector<std::vector<uint8_t>>> flags = evaluator.Flags(kZ60, Split::kValidation);
  REQUIRE(flags.ok());
  REQUIRE(flags->size() == 1);
  CHECK(flags->at(0).size() == 100);
  CHECK(flags->at(0) == whole[0]);

  // The score is of the tail's points against the tail's labels.
  Result<RuleScore> score = evaluator.Score(kZ60, Split::kValidation);
  REQUIRE(score.ok());
  Result<DetectionCounts> expected = ScoreFlags(data.validation[0].anomaly_labels, whole[0], 7);
  REQUIRE(expected.ok());
  CHECK(score->points == 100);
  CHECK(score->flagged == Count(whole[0], 0, 100));
  CHECK(score->counts.point.tp == expected->point.tp);
  CHECK(score->counts.point.fp == expected->point.fp);
  CHECK(score->counts.point.fn == expected->point.fn);

  // The training split is unchanged: the training part alone.
  const std::vector<std::vector<uint8_t>> train_alone = WholeTail(kZ60, data.train, {0});
  Result<std::vector<std::vector<uint8_t>>> train_flags = evaluator.Flags(kZ60, Split::kTrain);
  REQUIRE(train_flags.ok());
  CHECK(train_flags->at(0) == train_alone[0]);
}

TEST_CASE("offset 1d on a tail shorter than a day sees the training part's last day") {
  // 2.5 days at 5 minutes (720 points), tail from 600: 120 points, 10 hours. A spike 50 minutes
  // into the tail is caught only against the value a day earlier, in the training part.
  const std::vector<TimeSeries> all = {Make("a", 720, 300'000, 2, 11, Daily, {610, 700}, 30)};
  const TrainingData data = Cut(all, {600});
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  const std::vector<std::vector<uint8_t>> whole = WholeTail(kSeasonal, all, {600});
  REQUIRE(whole[0][10] == 1);
  REQUIRE(whole[0][100] == 1);

  Result<std::vector<std::vector<uint8_t>>> flags = evaluator.Flags(kSeasonal, Split::kValidation);
  REQUIRE(flags.ok());
  CHECK(flags->at(0) == whole[0]);
  Result<RuleScore> score = evaluator.Score(kSeasonal, Split::kValidation);
  REQUIRE(score.ok());
  CHECK(score->counts.point.tp == 2);
  CHECK(score->counts.point.fp == 0);
  CHECK(score->counts.point.fn == 0);
}

TEST_CASE("validation values are the whole series' values on the tail") {
  const std::vector<TimeSeries> all = {Make("a", 720, 300'000, 2, 5, Daily, {610, 650}, 30)};
  const TrainingData data = Cut(all, {600});
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  TrainingData whole_data;  // the whole series as one "training part": the engine over all of it
  whole_data.train = all;
  EngineEvaluator whole(whole_data, Objective::kPoint, 7);
  for (const char* expr : {"mean(value, 60p)", "abs(zscore(value, 10p))", "value - (value offset 1d)",
                           "value - lag(value, 3)", "abs(value - median(lag(value, 1), 60p))"}) {
    CAPTURE(expr);
    Result<std::vector<std::vector<double>>> tail = evaluator.Values(expr, Split::kValidation);
    Result<std::vector<std::vector<double>>> full = whole.Values(expr, Split::kTrain);
    REQUIRE(tail.ok());
    REQUIRE(full.ok());
    REQUIRE(tail->size() == 1);
    CHECK(tail->at(0).size() == 120);
    const std::vector<double> expected(full->at(0).begin() + 600, full->at(0).end());
    CHECK(SameValues(tail->at(0), expected));
    CHECK_FALSE(std::isnan(tail->at(0).front()));  // warm from the first tail point
  }
}

TEST_CASE("each validation series runs after its own training part, never another's") {
  // One-for-all: two series of different lengths and levels; each tail must see its own history.
  const std::vector<TimeSeries> all = {Make("a", 1000, 60'000, 3, 1, Flat, {905, 940}, 15),
                                       Make("b", 800, 60'000, 3, 2,
                                            [](int i) { return i < 400 ? 100.0 : 130.0; }, {705, 730}, 15)};
  const TrainingData data = Cut(all, {900, 700});
  EngineEvaluator evaluator(data, Objective::kPoint, 7);
  const std::vector<std::vector<uint8_t>> whole = WholeTail(kZ60, all, {900, 700});
  Result<std::vector<std::vector<uint8_t>>> flags = evaluator.Flags(kZ60, Split::kValidation);
  REQUIRE(flags.ok());
  REQUIRE(flags->size() == 2);
  CHECK(flags->at(0) == whole[0]);
  CHECK(flags->at(1) == whole[1]);
  CHECK(Count(whole[1], 0, 60) >= 1);

  SUBCASE("a tail of another series is refused, naming both") {
    TrainingData swapped = data;
    std::swap(swapped.validation[0], swapped.validation[1]);
    EngineEvaluator e(swapped, Objective::kPoint, 7);
    for (Status s : {e.Flags(kZ60, Split::kValidation).status(), e.Score(kZ60, Split::kValidation).status(),
                     e.Values("mean(value, 60p)", Split::kValidation).status()}) {
      CHECK(s.code() == StatusCode::kInvalidArgument);
      CHECK(s.message().find("m{id=\"a\"}") != std::string::npos);
      CHECK(s.message().find("m{id=\"b\"}") != std::string::npos);
    }
    // The training split is still usable: each part alone.
    CHECK(e.Flags(kZ60, Split::kTrain).ok());
  }
  SUBCASE("a tail that does not start after its training part is refused") {
    TrainingData overlap = data;
    overlap.validation[1] = all[1].SliceIndex(650, 800);
    EngineEvaluator e(overlap, Objective::kPoint, 7);
    const Status s = e.Flags(kZ60, Split::kValidation).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("series 1") != std::string::npos);
    CHECK(s.message().find("not after") != std::string::npos);
  }
  SUBCASE("tails and training parts of different counts are refused") {
    TrainingData fewer = data;
    fewer.validation.pop_back();
    EngineEvaluator e(fewer, Objective::kPoint, 7);
    CHECK(e.Flags(kZ60, Split::kValidation).status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace vigil
