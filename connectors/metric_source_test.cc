#include "connectors/metric_source.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

TEST_CASE("in-memory metric source: name, label matchers, range, limits") {
  std::vector<TimeSeries> s(3);
  s[0].name = s[1].name = "temp";
  s[0].labels = {{"Hostname", "n1"}, {"gpu", "0"}};
  s[1].labels = {{"Hostname", "n1"}, {"gpu", "1"}};
  s[2].name = "power";
  for (auto& x : s) {
    for (int i = 0; i < 5; ++i) REQUIRE(x.Append(1000 * i, i).ok());
  }
  InMemoryMetricSource src(s);
  auto all = src.Query({"temp", {}, 0, 0, 64});
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  auto one = src.Query({"temp", {{"gpu", "1"}}, 1000, 3000, 64});
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].labels.at("gpu") == "1");
  CHECK((*one)[0].timestamps_ms == std::vector<int64_t>{1000, 2000});
  CHECK(src.Query({"temp", {{"gpu", "9"}}, 0, 0, 64})->empty());
  CHECK(src.Query({"", {}, 0, 0, 64}).status().code() == StatusCode::kInvalidArgument);
  CHECK(src.Query({"temp", {}, 0, 0, 1}).status().code() == StatusCode::kOutOfRange);
  CHECK(src.MetricNames() == std::vector<std::string>{"power", "temp"});
}

}  // namespace
}  // namespace vigil
