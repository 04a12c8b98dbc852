// AggregateRulesDetector over the real mad-band peer, aggregation proposer, compiler and engine.
#include "evals/detection_aggregate.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

constexpr int kDay = 1440;

// Ten days of minute data around 100: a normal (unlabeled) +50 spike at 10:00 every day, labeled
// +50 spikes at irregular times. Training part: the first 7 days.
EvalUnit DailySpikeUnit(bool labeled) {
  EvalUnit unit;
  unit.name = "k1";
  TimeSeries ts;
  ts.name = "k1";
  ts.labels = {{"kpi", "k1"}};
  const int n = 10 * kDay;
  unit.split = 7 * kDay;
  for (int i = 0; i < n; ++i) {
    const bool daily = i % kDay == 600;
    const bool spike = !daily && i % 997 == 300;
    ts.timestamps_ms.push_back(int64_t{i} * 60'000);
    ts.values.push_back(100 + ((i * 37) % 11) - 5 + (daily || spike ? 50 : 0));
    if (labeled && i < static_cast<int>(unit.split)) unit.train_labels.push_back(spike ? 1 : 0);
  }
  unit.members.push_back(std::move(ts));
  return unit;
}

ThresholdOptions Thresholds() {
  ThresholdOptions t;
  t.objective = Objective::kDelayPointAdjusted;
  t.delay_k = 7;
  return t;
}

TEST_CASE("rules-aggregate: learned rules drop the mad-band peer's daily false alarms in the test part") {
  const std::vector<EvalUnit> units = {DailySpikeUnit(true)};
  MadBandDetector mad(60, Thresholds());
  Result<std::vector<std::vector<uint8_t>>> base = mad.Run(units);
  REQUIRE(base.ok());
  AggregateRulesDetector agg(60, Thresholds(), TrainerOptions{}, AggregationOptions{});
  Result<std::vector<std::vector<uint8_t>>> flags = agg.Run(units);
  REQUIRE(flags.ok());
  INFO(agg.Details().dump(1));
  int base_daily = 0, agg_daily = 0, base_spikes = 0, agg_spikes = 0;
  for (size_t i = units[0].split; i < flags->at(0).size(); ++i) {
    const bool daily = i % kDay == 600;
    const bool spike = !daily && i % 997 == 300;
    (daily ? base_daily : base_spikes) += (daily || spike) && (*base)[0][i];
    (daily ? agg_daily : agg_spikes) += (daily || spike) && (*flags)[0][i];
  }
  CHECK(base_daily == 3);  // the peer fires on every normal daily spike of the test part
  CHECK(agg_daily == 0);
  CHECK(agg_spikes == base_spikes);  // and the true spikes it caught are still caught
  CHECK(agg.Details()["suppress_rules_total"].get<int64_t>() >= 1);
}

TEST_CASE("rules-aggregate: an unlabeled unit gets the base flags unchanged") {
  const std::vector<EvalUnit> units = {DailySpikeUnit(false)};
  MadBandDetector mad(60, Thresholds());
  AggregateRulesDetector agg(60, Thresholds(), TrainerOptions{}, AggregationOptions{});
  Result<std::vector<std::vector<uint8_t>>> base = mad.Run(units);
  Result<std::vector<std::vector<uint8_t>>> flags = agg.Run(units);
  REQUIRE(base.ok());
  REQUIRE(flags.ok());
  CHECK(*flags == *base);
  CHECK(agg.Details()["per_series"][0]["note"].get<std::string>().find("unlabeled") != std::string::npos);
}

TEST_CASE("BaseDetectorFlags: unknown spec, missing file") {
  std::vector<TimeSeries> history = {DailySpikeUnit(false).members[0]};
  Result<std::vector<std::vector<uint8_t>>> bad = BaseDetectorFlags("madband", history, {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("--base must be mad-band, iforest or flags:FILE, got `madband`") !=
        std::string::npos);
  Result<std::vector<std::vector<uint8_t>>> missing =
      BaseDetectorFlags("flags:/nonexistent/f.csv", history, {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  Result<std::vector<std::vector<uint8_t>>> mad = BaseDetectorFlags("mad-band", history, {});
  REQUIRE(mad.ok());
  CHECK(mad->at(0).size() == history[0].size());
}

}  // namespace
}  // namespace vigil
