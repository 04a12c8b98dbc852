// The shipped pack's SW power cap condition (data/knowledge/pack/gpu.jsonl, pack-power-sw-cap) on
// clock-event reasons as real H200s report them. Under a heavy load every GPU at its power limit
// sets bit 0x4 (SW power cap): an H200 under a BF16 GEMM load showed it in 60 of 60 samples
// (data/rules/gpu_training.rules). The condition was `floor(R / 4) % 2 == 1`, which held on every
// loaded GPU, so any alert beside such telemetry read "gpu_power_throttle" (the bundled sample,
// which carries the bit since REV3: a straggler alert on rank 5 was answered gpu_power_throttle on
// node-0 at 0.80, tests/diagnose_alert_earlier_incident_test.sh). Now the bit counts on a GPU only
// with its SM clock below 90% of its node's mean: the cap holding that GPU back ("SM clocks below
// peers", as the entry's own text says); a GPU at the normal cap clocks like its loaded peers.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "agents/metric_condition.h"
#include "core/json.h"
#include "core/time_series.h"

namespace vigil {
namespace {

std::string PackCondition(const std::string& id, const std::string& starts_with) {
  std::ifstream in("data/knowledge/pack/gpu.jsonl");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    const Json entry = Json::parse(line);
    if (entry.value("id", "") != id) continue;
    for (const Json& c : entry.at("metric_conditions")) {
      const std::string text = c.get<std::string>();
      if (text.rfind(starts_with, 0) == 0) return text;
    }
  }
  FAIL("no condition of " << id << " starts with " << starts_with);
  return "";
}

// One node's 8 GPUs, 20 samples 30 s apart: `bits(gpu)` the clock-event reasons, `mhz(gpu)` the SM
// clock (no clock series when `mhz` is null).
template <typename B>
std::vector<TimeSeries> Node(B bits, double (*mhz)(int)) {
  std::vector<TimeSeries> out;
  for (int gpu = 0; gpu < 8; ++gpu) {
    TimeSeries r;
    r.name = "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS";
    r.labels = {{"Hostname", "node-0"}, {"gpu", std::to_string(gpu)}};
    TimeSeries c = r;
    c.name = "DCGM_FI_DEV_SM_CLOCK";
    for (int i = 0; i < 20; ++i) {
      REQUIRE(r.Append(1'000'000 + i * 30'000, bits(gpu)).ok());
      if (mhz != nullptr) REQUIRE(c.Append(1'000'000 + i * 30'000, mhz(gpu)).ok());
    }
    out.push_back(std::move(r));
    if (mhz != nullptr) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

TEST_CASE("pack SW power cap: the bit on every loaded GPU is no finding; on one GPU clocked below its peers, it is") {
  const std::string cond = PackCondition("pack-power-sw-cap", "floor(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS / 4)");
  auto level = [](int) { return 1755.0; };
  // Every GPU under load at its cap (0x4) at the same clock, as a healthy H200 node reads.
  auto all = EvaluateMetricCondition(cond, Node([](int) { return 4.0; }, +level));
  REQUIRE(all.has_value());
  CHECK(all->candidates == 8);
  CHECK(all->hits.empty());
  // The job's 4 GPUs capped at 1755 MHz, the 4 idle ones 0x1 at 1980 MHz; and the reasons with no clock
  // series (the bundled sample's node): nothing either.
  auto half = EvaluateMetricCondition(cond, Node([](int g) { return g < 4 ? 4.0 : 1.0; },
                                                 +[](int g) { return g < 4 ? 1755.0 : 1980.0; }));
  REQUIRE(half.has_value());
  CHECK(half->hits.empty());  // 1755 MHz is within 10% of the node's mean (1867)
  auto no_clock = EvaluateMetricCondition(cond, Node([](int) { return 4.0; }, nullptr));
  REQUIRE(no_clock.has_value());
  CHECK(no_clock->hits.empty());
  // One GPU held back by its cap (a lowered limit, or a part that needs more power for the same
  // work): the bit and 1410 MHz against its peers' 1980 MHz with no bit.
  auto one = EvaluateMetricCondition(cond, Node([](int g) { return g == 5 ? 4.0 : 0.0; },
                                                +[](int g) { return g == 5 ? 1410.0 : 1980.0; }));
  REQUIRE(one.has_value());
  REQUIRE(one->hits.size() == 1);
  CHECK(one->hits[0].series->labels.at("gpu") == "5");
  // Near miss: the same low clock without the cap bit (0x20, thermal) is not this entry's finding.
  auto thermal = EvaluateMetricCondition(cond, Node([](int g) { return g == 5 ? 32.0 : 0.0; },
                                                    +[](int g) { return g == 5 ? 1410.0 : 1980.0; }));
  REQUIRE(thermal.has_value());
  CHECK(thermal->hits.empty());
}

}  // namespace vigil
