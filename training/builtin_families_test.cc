// The builtin search CHOOSES each family of the grammar where that family is the right answer.
//
// Every case builds a small synthetic series whose anomalies only one family separates from the
// normal data (the others are defeated on purpose: a moving baseline defeats value levels, a
// varying noise scale defeats absolute residuals, normal glitches defeat point-wise families,
// counter resets defeat two-sided ones, ...). The proposer sees the first part (training chunks +
// validation tail); the kept rule set (candidate 0) must lead with the expected family and must
// catch the anomalies of a held-out last part, run by the engine over the whole series as in
// production and scored on the held-out points only, with few false alarms. Where the family
// alone is the right answer (ExpectAlone) the kept set must be that one rule (beside the range
// guards every labeled set gets); two cases need a second condition and say why (a spike at the
// wrong hour also differs from the next day's value; spikes that matter only at a high level).
// What the search kept on 2026-11-30 (A7): residual_10, mad_band_60, zscore_60, jump,
// level_shift_5, increase_5, seasonal_1d (a daily job moving to another hour), each alone;
// seasonal_1d_and_zscore_10 + value_high (spike at the wrong hour); value_high_and_zscore_10 +
// residual_60 (conjunction).
// History: before the labeled fit tried cuts just short of anomalous scores (LabeledCuts), the
// MAD-band case kept value_high_and_zscore_10 and the jump case flagged 7 held-out normal points.
// That MAD-band case (single spikes) passed only because rule text rounded thresholds to six
// digits; with exact thresholds (ThresholdNumber) zscore_10 separated those spikes as well, so the
// case now has bursts a z-score masks and is fitted for point F1 (without the mad-band family: 8
// held-out false alarms); since then mad_band_60 wins it alone. The level-shift case kept
// level_shift_5_and_zscore_60 until its glitches were kept 10 points apart (see the case).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "detectors/scoring.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"
#include "training/rule_text_testing.h"

namespace vigil {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Deterministic uniform noise in [-1, 1) (splitmix64 of the index and a seed).
double Noise(uint64_t i, uint64_t seed) {
  uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ULL + seed * 0xD1B54A32D192ED03ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53 * 2 - 1;
}

TimeSeries Empty(const std::string& kpi, int n, int64_t step_ms) {
  TimeSeries ts;
  ts.name = kpi;
  ts.labels = {{"kpi", kpi}};
  for (int i = 0; i < n; ++i) ts.timestamps_ms.push_back(int64_t{i} * step_ms);
  ts.values.assign(static_cast<size_t>(n), 0);
  ts.anomaly_labels.assign(static_cast<size_t>(n), 0);
  return ts;
}

struct Outcome {
  std::string kept;                  // candidate 0's rule text (the kept set)
  std::string first_rule;            // the name of its first rule (the greedy review's first choice)
  std::vector<std::string> learned;  // its rules' names but the range guards (range_low, range_high)
  DetectionCounts holdout;           // the kept set on the held-out part
};

// Proposes on [0, holdout) (the last `validation` fraction of it is the validation tail) and
// scores the kept set on [holdout, n).
Outcome ProposeAndHoldOut(const TimeSeries& all, size_t holdout, Objective objective,
                          double validation = 0.25) {
  Outcome out;
  TrainingData data;
  data.target = all.name;
  data.labeled = true;
  data.selector = "*{kpi=\"" + all.name + "\"}";
  const TimeSeries seen = all.SliceIndex(0, holdout);
  const auto cut = static_cast<size_t>(static_cast<double>(holdout) * (1 - validation));
  data.train.push_back(seen.SliceIndex(0, cut));
  data.validation.push_back(seen.SliceIndex(cut, holdout));
  EngineEvaluator evaluator(data, objective, 7);
  BuiltinProposer proposer;
  Result<std::vector<RuleCandidate>> c = proposer.Propose(data, evaluator, {});
  REQUIRE(c.ok());
  REQUIRE_FALSE(c->empty());
  // Every candidate's explain texts name the thresholds and windows its conditions use (the family
  // cases below cover residual, MAD band, z-score, jump, level shift, increase, seasonal offset,
  // conjunctions, value levels and range guards).
  for (const RuleCandidate& cand : *c) {
    const std::vector<std::string> misses = ExplainMisses(cand.text);
    INFO(cand.text);
    CHECK(misses.empty());
    for (const std::string& m : misses) MESSAGE(m);
  }
  out.kept = c->front().text;
  const size_t name_at = out.kept.find("rule ") + 5;
  out.first_rule = out.kept.substr(name_at, out.kept.find(' ', name_at) - name_at);
  for (size_t at = out.kept.find("rule "); at != std::string::npos; at = out.kept.find("\nrule ", at + 1)) {
    const size_t from = out.kept.find("rule ", at) + 5;
    const std::string name = out.kept.substr(from, out.kept.find(' ', from) - from);
    if (name != "range_low" && name != "range_high") out.learned.push_back(name);
  }
  // Held out: the engine over the whole series (history as in production), scored on the tail.
  Result<CompiledRules> rules = CompileRules(out.kept, "kept.rules");
  REQUIRE(rules.ok());
  const std::vector<TimeSeries> whole = {all};
  Result<BatchResult> run = EvaluateBatch(*rules, whole);
  REQUIRE(run.ok());
  const std::vector<uint8_t>& flags = run->flags.at(0);
  std::vector<uint8_t> labels(all.anomaly_labels.begin() + static_cast<std::ptrdiff_t>(holdout),
                              all.anomaly_labels.end());
  std::vector<uint8_t> tail(flags.begin() + static_cast<std::ptrdiff_t>(holdout), flags.end());
  Result<DetectionCounts> counts = ScoreFlags(labels, tail, 7);
  REQUIRE(counts.ok());
  out.holdout = *counts;
  return out;
}

// Labeled single-point anomalies at roughly every `every` points from `first` (jittered).
std::vector<int> Positions(int n, int first, int every, uint64_t seed) {
  std::vector<int> at;
  for (int i = first; i < n - 5; i += every) {
    at.push_back(i + static_cast<int>((Noise(static_cast<uint64_t>(i), seed) + 1) * every / 4));
  }
  return at;
}

// The held-out part's anomalies caught (point-adjusted recall) with at most `max_false` normal
// points flagged (of about 800).
void CheckHeldOut(const Outcome& o, double min_recall, int64_t max_false) {
  CHECK(o.holdout.pa.tp + o.holdout.pa.fn > 0);  // the held-out part has anomalies
  CHECK(o.holdout.pa.Recall() >= min_recall);
  CHECK(o.holdout.pa.fp <= max_false);
}

// The kept set of `all` (proposed on [0, holdout)) leads with a rule named `prefix`... and passes
// CheckHeldOut with recall 0.9 and at most 3 false alarms. Returns it for further checks.
Outcome ExpectChosen(const TimeSeries& all, size_t holdout, const std::string& prefix) {
  Outcome o = ProposeAndHoldOut(all, holdout, Objective::kPointAdjusted);
  INFO(o.kept);
  CHECK(o.first_rule.starts_with(prefix));
  CheckHeldOut(o, 0.9, 3);
  return o;
}

// As ExpectChosen, and the family wins ALONE: the kept set's one learned rule (beside the range
// guards, which are added to every labeled set) is a single rule named `prefix`..., no conjunction.
Outcome ExpectAlone(const TimeSeries& all, size_t holdout, const std::string& prefix) {
  Outcome o = ExpectChosen(all, holdout, prefix);
  INFO(o.kept);
  CHECK(o.learned.size() == 1);
  CHECK(o.first_rule.find("_and_") == std::string::npos);
  return o;
}

}  // namespace

// A baseline that wanders far more than the spikes (so no level separates them) and single-point
// spikes: the rolling-median residual flags the spike alone; a jump also flags the fall after it.
TEST_CASE("builtin families: residual from the rolling median, for spikes on a wandering baseline") {
  const int n = 3000;
  TimeSeries all = Empty("residual", n, 60'000);
  for (int i = 0; i < n; ++i) all.values[i] = 100 + 80 * std::sin(2 * kPi * i / 700.0) + 3 * Noise(i, 1);
  for (int at : Positions(n, 60, 140, 2)) {
    all.values[at] += 35;
    all.anomaly_labels[at] = 1;
  }
  ExpectAlone(all, 2200, "residual_");
}

// Noise whose scale swings twentyfold (so absolute residuals, jumps and levels fail: an anomaly in
// the quiet part is smaller than normal noise in the loud part), normal glitches of five local
// noise scales, and anomalies that come in bursts of three points of twenty. Fitted for point F1:
// every point of a burst counts. The z-score's window holds the point itself and the burst's
// earlier points, which inflate its standard deviation, so the burst's later points score below
// the normal glitches; the MAD band's median and MAD of the previous points stay robust to them.
TEST_CASE("builtin families: MAD band, for bursts relative to a noise scale that changes") {
  const int n = 3000;
  TimeSeries all = Empty("mad", n, 60'000);
  auto scale = [](int i) { return 1 + 19 * (0.5 + 0.5 * std::sin(2 * kPi * i / 500.0)); };
  for (int i = 0; i < n; ++i) {
    all.values[i] = 100 + scale(i) * Noise(i, 3);
    if (Noise(i, 7) > 0.96) all.values[i] = 100 + 5 * scale(i) * (Noise(i, 8) < 0 ? -1 : 1);
  }
  for (int at : Positions(n, 60, 140, 4)) {
    for (int j = at; j < at + 3; ++j) {
      all.values[j] = 100 + 20 * scale(j);
      all.anomaly_labels[j] = 1;
    }
  }
  Outcome o = ProposeAndHoldOut(all, 2200, Objective::kPoint);
  INFO(o.kept);
  CHECK(o.first_rule.starts_with("mad_band_"));
  CHECK(o.learned.size() == 1);                            // alone: no second rule,
  CHECK(o.first_rule.find("_and_") == std::string::npos);  // and no conjunction
  CHECK(o.holdout.point.tp + o.holdout.point.fn > 0);
  CHECK(o.holdout.point.Recall() >= 0.9);
  CHECK(o.holdout.point.fp <= 3);
}

// Quantized readings (most points at the level, some one step off) with a changing step size:
// the MAD of a window is 0 when most points sit at the level, so the MAD band fires on every
// one-step wobble; absolute residuals fail on the changing scale; the z-score (standard
// deviation over 60 points) separates a six-step excursion from one-step wobbles.
TEST_CASE("builtin families: z-score band, for excursions in quantized readings of changing scale") {
  const int n = 3000;
  TimeSeries all = Empty("zscore", n, 60'000);
  auto step = [](int i) { return 1 + 19 * (0.5 + 0.5 * std::sin(2 * kPi * i / 600.0)); };
  for (int i = 0; i < n; ++i) {
    const double u = Noise(i, 5);
    all.values[i] = 100 + step(i) * (u < -0.6 ? -1 : u > 0.6 ? 1 : 0);
  }
  for (int at : Positions(n, 80, 150, 6)) {
    all.values[at] = 100 + 6 * step(at);
    all.anomaly_labels[at] = 1;
  }
  ExpectAlone(all, 2200, "zscore_");
}

// A fast oscillation (period 40 points, slope up to 16 per point) and shifts of +50 for 12 points
// (labeled with the jump back): rolling medians, means and levels all move more than the shift
// within their windows; the step between two consecutive points is what stands out.
TEST_CASE("builtin families: jump, for sudden shifts on a fast oscillation") {
  const int n = 3000;
  TimeSeries all = Empty("jump", n, 60'000);
  for (int i = 0; i < n; ++i) all.values[i] = 100 + 100 * std::sin(2 * kPi * i / 40.0) + Noise(i, 7);
  for (int at : Positions(n, 60, 150, 8)) {
    for (int j = at; j < at + 13 && j < n; ++j) {
      if (j < at + 12) all.values[j] += 50;  // the 13th labeled point is the jump back
      all.anomaly_labels[j] = 1;
    }
  }
  ExpectAlone(all, 2200, "jump");
}

// A level that switches between 100 and 125 (each switch labeled for 10 points) under normal
// single-point glitches of ±40: everything point-wise fires on the glitches; the difference of
// two 5-point means moves by about 25 at a switch and by 8 (plus noise) for a glitch. Glitches
// are at least 10 points apart, so no two fall in the two means' windows at once (largest normal
// difference 13.2; smallest switch peak 17.5). Before, 14 of 54 glitches had a neighbour within 9
// points; two such pairs moved the difference to 18.3 and 18.5 at normal points, above that switch
// peak, so `level_shift_5` alone flagged 1 training and 2 validation normal points, a second
// condition `zscore_60 > T` (the point itself off its baseline) cut that to 0 and 1, and the kept
// rule was the conjunction, rightly for that data: the case did not hold what it claimed.
TEST_CASE("builtin families: level shift, for level changes among normal glitches") {
  const int n = 3000;
  TimeSeries all = Empty("shift", n, 60'000);
  double level = 100;
  int next_switch = 90;
  int last_glitch = -100;
  for (int i = 0; i < n; ++i) {
    if (i == next_switch) {
      level = level == 100 ? 125 : 100;
      for (int j = i; j < i + 10 && j < n; ++j) all.anomaly_labels[j] = 1;
      next_switch = i + 110 + static_cast<int>((Noise(i, 9) + 1) * 40);
    }
    all.values[i] = level + 4 * Noise(i, 10);
    if (Noise(i, 11) > 0.96 && i - last_glitch >= 10) {  // normal glitch, 1.6%
      all.values[i] += Noise(i, 12) > 0 ? 40 : -40;
      last_glitch = i;
    }
  }
  ExpectAlone(all, 2200, "level_shift_");
}

// An error counter: rare normal increments of 1-3, resets to 0 (restarts, normal), and bursts of
// +2 per point for 8 points: a reset makes every two-sided family fire; the increase over 5 points
// (delta, one-sided) is 8 in a burst and at most 3 otherwise.
TEST_CASE("builtin families: counter increase, for error bursts on a counter that resets") {
  const int n = 3000;
  TimeSeries all = Empty("counter", n, 60'000);
  const std::vector<int> bursts = Positions(n, 70, 160, 13);
  double c = 0;
  for (int i = 0; i < n; ++i) {
    if (Noise(i, 14) > 0.98) c += 1 + static_cast<int>((Noise(i, 15) + 1) * 1.5);  // 1..3
    if (i % 230 == 229) c = 0;                                                     // restart
    for (int at : bursts) {
      if (i >= at && i < at + 8) {
        c += 2;
        all.anomaly_labels[i] = 1;
      }
    }
    all.values[i] = c;
  }
  ExpectAlone(all, 2200, "increase_");
}

// A daily profile with a nightly batch spike (+60 at 02:00 for 15 minutes) and the same spike at
// a wrong hour as the anomaly: against the rolling baseline both look alike; against the value a
// day earlier only the anomaly stands out. Its echo a day later (today normal, yesterday's value
// the spike) also differs from yesterday, so the kept rule may add a condition that today's value
// is off its own baseline too; the seasonal offset must be in it. (The search keeps
// seasonal_1d_and_zscore_10 beside the range guards. Until 2026-11-30 the validation tail was run
// without the history before it, so the offset had no value in the tail's first day, where its one
// anomaly falls: every seasonal candidate scored validation F1 0, the training part decided (the
// conjunction catches all 5 segments with no false alarm, the offset alone 4 with 1) and
// value_high was kept beside it for that anomaly. The tail now runs after the training part.)
TEST_CASE("builtin families: residual from the seasonal offset, for spikes at the wrong hour") {
  const int per_day = 288;  // 5-minute points
  const int n = 14 * per_day;
  TimeSeries all = Empty("seasonal", n, 300'000);
  for (int i = 0; i < n; ++i) {
    const int t = i % per_day;
    all.values[i] = 100 + 40 * std::sin(2 * kPi * t / per_day) + 2 * Noise(i, 16);
    if (t >= 24 && t < 27) all.values[i] += 60;  // the nightly batch job: normal
  }
  for (int day = 1; day < 14; ++day) {
    if (day % 3 == 0) continue;  // some days have no anomaly
    const int at = day * per_day + 80 + static_cast<int>((Noise(day, 17) + 1) * 80);
    for (int j = at; j < at + 3; ++j) {
      all.values[j] += 60;
      all.anomaly_labels[j] = 1;
    }
  }
  Outcome o = ExpectChosen(all, 10 * per_day, "seasonal_1d");
  CHECK(o.kept.find("value offset 1d") != std::string::npos);
}

// A daily profile with a nightly batch job (+60 for 15 minutes) whose hour changes every second
// day, and stays: the first day at a new hour is the anomaly (labeled twice: the job missing at
// its old hour and running at the new one); from the next day on the new hour is the norm. Every
// daily run is a spike against the rolling baseline, so the point-wise families fire on the
// normal runs too, and a missing run is seen by none of them; the difference from the value a
// day earlier is about 60 at both labeled places and at most the noise (4) elsewhere. Unlike the
// spike at the wrong hour above, a change that stays leaves no echo a day later, so the seasonal
// offset alone is the right answer.
TEST_CASE("builtin families: seasonal offset alone, for a daily job that moves to another hour") {
  const int per_day = 288;  // 5-minute points
  const int n = 14 * per_day;
  const std::vector<int> hour_at = {24, 150, 60, 210, 100, 250, 180};  // day 2k and 2k+1: [k]
  TimeSeries all = Empty("schedule", n, 300'000);
  for (int i = 0; i < n; ++i) {
    const int day = i / per_day, t = i % per_day;
    all.values[i] = 100 + 40 * std::sin(2 * kPi * t / per_day) + 2 * Noise(i, 23);
    const int at = hour_at[static_cast<size_t>(day / 2)];
    if (t >= at && t < at + 3) all.values[i] += 60;  // the batch job
    if (day % 2 == 0 && day > 0) {                   // the first day at a new hour
      const int old_at = hour_at[static_cast<size_t>(day / 2 - 1)];
      if ((t >= at && t < at + 3) || (t >= old_at && t < old_at + 3)) all.anomaly_labels[i] = 1;
    }
  }
  Outcome o = ExpectAlone(all, 10 * per_day, "seasonal_1d");
  CHECK(o.kept.find("value offset 1d") != std::string::npos);
}

// Busy periods (level 150) with a spike in each (+40, the anomaly), spikes as large at the quiet
// level 100 (normal, twice as many) and a few slow normal peaks to 210 in busy periods: a
// spike family alone flags the normal spikes, a level alone the peaks; only "the value is high
// AND it is off its rolling baseline" separates the anomalies.
TEST_CASE("builtin families: conjunction, for spikes that matter only at a high level") {
  const int n = 3000;
  TimeSeries all = Empty("conj", n, 60'000);
  for (int i = 0; i < n; ++i) all.values[i] = 100 + 3 * Noise(i, 18);
  int peaks = 0;
  for (int start = 40; start + 60 < n; start += 200) {
    for (int j = start; j < start + 60; ++j) all.values[j] += 50;  // busy period
    const int at = start + 25 + static_cast<int>((Noise(start, 19) + 1) * 5);
    all.values[at] += 40;
    all.anomaly_labels[at] = 1;
    if (++peaks % 4 == 0) {  // a slow normal peak to 210 at the end of the busy period
      for (int j = 0; j < 30; ++j) all.values[start + 45 + j] += 60 * std::sin(kPi * j / 30.0);
    }
    for (int q : {start + 100, start + 150}) all.values[q] += 40;  // normal spikes at the quiet level
  }
  Outcome o = ExpectChosen(all, 2200, "value_high_and_");  // the level alone ranks first
  CHECK(o.first_rule.find("_and_") != std::string::npos);
  CHECK(o.kept.find(" and ") != std::string::npos);
}

}  // namespace vigil

namespace vigil {

// A gauge near 1e6 (normal 1 000 000-1 000 004) with sustained anomalies at 1 000 008-1 000 010,
// fitted for point F1: the level is the answer, `value > 1000004`. The rule text must keep the
// fitted threshold's meaning: six significant digits print 1000004 as 1e+06, a rule that fires on
// almost every normal point.
TEST_CASE("builtin proposer: a threshold near 1e6 keeps its meaning in the rule text") {
  const int n = 3000;
  TimeSeries all = Empty("big", n, 60'000);
  for (int i = 0; i < n; ++i) all.values[i] = 1'000'002 + std::round(2 * Noise(i, 20));
  for (int at : Positions(n, 100, 400, 21)) {  // longer than every rolling window: levels, not spikes
    for (int j = at; j < at + 120 && j < n; ++j) {
      all.values[j] = 1'000'009 + std::round(Noise(j, 22));
      all.anomaly_labels[j] = 1;
    }
  }
  Outcome o = ProposeAndHoldOut(all, 2200, Objective::kPoint);
  INFO(o.kept);
  CHECK(o.holdout.point.tp + o.holdout.point.fn > 0);
  CHECK(o.holdout.point.Recall() >= 0.9);
  CHECK(o.holdout.point.fp <= 3);
}

}  // namespace vigil
