// Sample times at the ends of int64's range (SAN2, 2026-12-02). A case's metric samples are
// `[unix_ms, value]` with any int64 the case file holds (ParseCase checks only that they ascend), and
// the reasoner and the metric conditions did arithmetic on them: a window's start (`time - 15 min`),
// a series' span (`last - first`). At INT64_MIN or near INT64_MAX that arithmetic overflowed:
// undefined behaviour (UBSan: "signed integer overflow"), and in the Release build a wrapped value
// that said the opposite of the case (a throttle logged after a slowdown "last seen long before"
// it; a counter that rose over the series "no rate"). Times are now computed saturating and spans
// in double.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/metric_condition.h"

namespace vigil {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST_CASE("metric conditions: a series spanning int64's range has a rate and a slope (SAN2)") {
  std::vector<TimeSeries> s(1);
  s[0].name = "errors_total";
  REQUIRE(s[0].Append(kMin, 0).ok());
  REQUIRE(s[0].Append(kMax - 1, 100).ok());
  // The counter rose by 100 over the series: its rate and slope are positive (tiny, over ~2^64 ms);
  // the span `last - first` overflowed int64 and came out negative, read as no time: rate 0.
  for (const char* cond : {"rate(errors_total[5m]) > 0", "deriv(errors_total[5m]) > 0"}) {
    CAPTURE(cond);
    auto r = EvaluateMetricCondition(cond, s);
    REQUIRE(r.has_value());
    REQUIRE(r->hits.size() == 1);
    CHECK(r->hits[0].time_ms == kMax - 1);
  }
  // Guard: a counter that stayed flat has no rate, whatever its span.
  REQUIRE(s[0].Append(kMax, 100).ok());
  s[0].values[1] = 0;
  s[0].values[2] = 0;
  auto flat = EvaluateMetricCondition("rate(errors_total[5m]) > 0", s);
  REQUIRE(flat.has_value());
  CHECK(flat->hits.empty());
}

// A GPU slower than its node peers (the pack's tensor-activity condition: straggler_rank) whose
// samples are stamped at INT64_MIN, and a thermal line about that GPU logged in 2026. The throttle
// window (review RG) starts 15 minutes before the slowdown's first evidence: INT64_MIN - 15 min.
Json SlowGpuCase(int64_t t0, int64_t t1) {
  Json j = ParseJson(R"JSON({
    "id": "t-time-range",
    "alert": {"labels": {"alertname": "TrainingThroughputDrop", "job": "llm", "severity": "warning"},
              "annotations": {"summary": "llm step time +38% over 30m"}, "startsAt": "2026-07-08T16:28:59Z"},
    "logs": [{"source": "n-1/journal", "lines": [
      "Jul 08 16:20:07 n-1 gpumon[2211]: GPU 3: clocks throttled (thermal), SM clock 1005 MHz"]}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2"], "gpus_per_node": 4}
  })JSON").value();
  for (int g = 0; g < 4; ++g) {
    Json m = {{"name", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"},
              {"labels", {{"Hostname", "n-1"}, {"gpu", std::to_string(g)}}},
              {"samples", Json::array({Json::array({t0, g == 3 ? 0.2 : 0.95}), Json::array({t1, g == 3 ? 0.2 : 0.95})})}};
    j["metrics"].push_back(m);
  }
  return j;
}

ReasonerOutput RunTrace(const Json& j) {
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  auto facts = GatherKnowledge(testing::ShippedPack(), *c);
  REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  testing::RecordedExecutor exec;
  return BuiltinReasoner(ReasonerOptions{}).Diagnose(*c, *facts, &exec);
}

bool SaysLongBefore(const ReasonerOutput& out) {
  for (const Json& t : out.trace) {
    if (t.value("text", std::string()).find("was last seen long before") != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("throttle window: a slowdown stamped at INT64_MIN does not overflow its window's start (SAN2)") {
  ReasonerOutput out = RunTrace(SlowGpuCase(kMin, kMin + 1000));
  // The slowdown's evidence is the earliest thing in the case, the throttle line comes after it:
  // nothing says the throttle had ended before the slowdown began (the wrapped window start, near
  // INT64_MAX, said it of every timed throttle line).
  bool straggler = false;
  for (const Evidence& e : out.diagnosis.evidence) {
    for (const std::string& s : e.supports) straggler = straggler || s == "straggler_rank";
  }
  REQUIRE(straggler);
  CHECK_FALSE(SaysLongBefore(out));
  CHECK(out.diagnosis.root_cause == "gpu_thermal_throttle");
  // The far end: a slowdown stamped near INT64_MAX; the throttle line of 2026 is long before it, and
  // that is said.
  ReasonerOutput late = RunTrace(SlowGpuCase(kMax - 1000, kMax - 1));
  CHECK(SaysLongBefore(late));
  CHECK(late.diagnosis.root_cause == "gpu_thermal_throttle");
}

}  // namespace
}  // namespace vigil
