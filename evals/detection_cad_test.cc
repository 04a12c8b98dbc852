// CadOseDetector: the range each variant quantises with, flags at ≥ the base threshold, scores
// relative to it, and a clear error for a unit without a usable training part.
#include "evals/detection_cad.h"

#include <doctest/doctest.h>

#include <cmath>

namespace vigil {
namespace {

// A learned period (0, 7, 7, 3) over 1000 points, training part [0, 400); at 800 a 5, which never
// follows this context; at 900 a 70, far above the training range.
EvalUnit PeriodicUnit() {
  EvalUnit u;
  u.name = "g/f.csv";
  u.split = 400;
  TimeSeries ts;
  ts.name = "f";
  const double period[] = {0, 7, 7, 3};
  for (size_t t = 0; t < 1000; ++t) {
    ts.timestamps_ms.push_back(static_cast<int64_t>(t) * 60'000);
    ts.values.push_back(t == 800 ? 5.0 : t == 900 ? 70.0 : period[t % 4]);
  }
  u.members.push_back(std::move(ts));
  return u;
}

TEST_CASE("CadOseDetector: quiet on the learned pattern, one flag at the novelty, scores over 0.75") {
  CadOseDetector det;
  CHECK(det.name() == "cad-ose");
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({PeriodicUnit()});
  REQUIRE(flags.ok());
  REQUIRE(flags->size() == 1);
  const std::vector<uint8_t>& f = (*flags)[0];
  REQUIRE(f.size() == 1000);
  for (size_t t = 400; t < 800; ++t) CHECK(f[t] == 0);
  CHECK(f[800] == 1);
  for (size_t t = 801; t < 880; ++t) CHECK(f[t] == 0);  // rest period: 400 / 5 = 80 points
  const std::vector<double>& s = (*det.LastScores())[0];
  CHECK(s[800] >= 1.0);  // score / 0.75
  for (size_t t = 0; t < 1000; ++t) {
    if (std::isfinite(s[t])) CHECK((s[t] >= 1.0) == (f[t] == 1));
  }
  const Json d = det.Details();
  CHECK(d["per_series"][0]["members"][0]["max"] == 7.0);  // from the training part only
  CHECK(d["per_series"][0]["members"][0]["rest_period"] == 80);
}

TEST_CASE("CadOseDetector: the three ranges — training part, whole file (NAB's harness), grown causally") {
  CadOseDetector training(CadOseDetector::Range::kTraining), whole(CadOseDetector::Range::kWholeFile),
      grow(CadOseDetector::Range::kGrowing);
  CHECK(whole.name() == "cad-ose-nabrange");
  CHECK(grow.name() == "cad-ose-grow");
  for (CadOseDetector* det : {&training, &whole, &grow}) REQUIRE(det->Run({PeriodicUnit()}).ok());
  auto member = [](const CadOseDetector& det) { return det.Details()["per_series"][0]["members"][0]; };
  CHECK(member(training)["max"] == 7.0);
  CHECK(member(training)["final_max"] == 7.0);  // 70 is clamped to the top level
  CHECK(member(whole)["max"] == 70.0);          // the future 70 sets the range from the start
  CHECK(member(grow)["max"] == 7.0);
  CHECK(member(grow)["final_max"] == 70.0);  // widened when 70 arrived
  CadOseDetector wide(CadOseDetector::Range::kWidened);
  CHECK(wide.name() == "cad-ose-wide");
  REQUIRE(wide.Run({PeriodicUnit()}).ok());
  CHECK(member(wide)["min"] == -7.0);  // training [0, 7] widened by 7 on each side
  CHECK(member(wide)["max"] == 14.0);
  CHECK(member(wide)["final_max"] == 14.0);  // fixed: 70 is clamped
}

TEST_CASE("CadOseDetector: a unit without a finite training value is an error naming it") {
  EvalUnit u = PeriodicUnit();
  for (size_t t = 0; t < u.split; ++t) u.members[0].values[t] = NAN;
  CadOseDetector det;
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({u});
  REQUIRE_FALSE(flags.ok());
  CHECK(flags.status().message().find("g/f.csv") != std::string::npos);
  CHECK(flags.status().message().find("first 400 points") != std::string::npos);
}

TEST_CASE("KnnCadBenchDetector: the training part is the probationary period; too short is an error") {
  EvalUnit u = PeriodicUnit();  // training part 400: 381 training items of 19 values
  KnnCadBenchDetector det;
  CHECK(det.name() == "knn-cad");
  Result<std::vector<std::vector<uint8_t>>> flags = det.Run({u});
  REQUIRE(flags.ok());
  const std::vector<uint8_t>& f = (*flags)[0];
  for (size_t t = 0; t < u.split; ++t) CHECK(f[t] == 0);  // learning only
  CHECK(f[800] == 1);  // the 5 makes 19 items unlike any training item; the first alarms
  const std::vector<double>& s = (*det.LastScores())[0];
  CHECK(s[800] == doctest::Approx(1.0 / 0.997));
  u.split = 45;  // 26 training items < 27 neighbours
  Result<std::vector<std::vector<uint8_t>>> bad = det.Run({u});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("g/f.csv") != std::string::npos);
}

}  // namespace
}  // namespace vigil
