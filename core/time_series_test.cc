#include "core/time_series.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

TEST_CASE("series id formats labels sorted and escaped") {
  CHECK(FormatSeriesId("up", {}) == "up");
  CHECK(FormatSeriesId("step_time_ms", {{"rank", "3"}, {"job", "llm\"a"}}) ==
        "step_time_ms{job=\"llm\\\"a\",rank=\"3\"}");
}

TEST_CASE("append keeps timestamps strictly increasing and loses nothing on rejection") {
  TimeSeries s;
  s.name = "x";
  CHECK(s.Append(1000, 1.0).ok());
  CHECK(s.Append(2000, 2.0).ok());
  Status dup = s.Append(2000, 3.0);
  CHECK(dup.code() == StatusCode::kInvalidArgument);
  CHECK(dup.message().find("duplicates the previous timestamp 2000") != std::string::npos);
  Status back = s.Append(1500, 3.0);
  CHECK(back.message().find("is before") != std::string::npos);
  CHECK(s.size() == 2);
  CHECK(s.values.back() == 2.0);
  CHECK(s.Validate().ok());
}

TEST_CASE("labeled appends and validation") {
  TimeSeries s;
  s.name = "kpi";
  CHECK(s.Append(1, 0.5, 0).ok());
  CHECK(s.Append(2, 0.7, 1).ok());
  CHECK(s.Append(3, 0.7, 2).code() == StatusCode::kInvalidArgument);
  CHECK(s.Append(3, 0.7).code() == StatusCode::kInvalidArgument);
  CHECK(s.has_anomaly_labels());
  s.values.push_back(1);
  CHECK(s.Validate().message().find("2 timestamps but 3 values") != std::string::npos);
}

TEST_CASE("slices by time and index") {
  TimeSeries s;
  s.name = "x";
  for (int i = 0; i < 10; ++i) REQUIRE(s.Append(i * 1000, i).ok());
  TimeSeries t = s.Slice(2000, 5000);
  CHECK(t.size() == 3);
  CHECK(t.values.front() == 2);
  CHECK(s.SliceIndex(8, 100).size() == 2);
  CHECK(s.SliceIndex(5, 3).empty());
}

TEST_CASE("JoinSeries: two consecutive parts of one series, labels only when both have them") {
  TimeSeries s;
  s.name = "x";
  s.labels = {{"job", "a"}};
  for (int i = 0; i < 10; ++i) REQUIRE(s.Append(i * 1000, i, i == 7 ? 1 : 0).ok());
  Result<TimeSeries> whole = JoinSeries(s.SliceIndex(0, 6), s.SliceIndex(6, 10));
  REQUIRE(whole.ok());
  CHECK(whole->id() == s.id());
  CHECK(whole->timestamps_ms == s.timestamps_ms);
  CHECK(whole->values == s.values);
  CHECK(whole->anomaly_labels == s.anomaly_labels);
  CHECK(whole->Validate().ok());

  // An unlabeled head (e.g. SMD's train/ before its labeled test/): no labels at all.
  TimeSeries head = s.SliceIndex(0, 6);
  head.anomaly_labels.clear();
  Result<TimeSeries> unlabeled = JoinSeries(head, s.SliceIndex(6, 10));
  REQUIRE(unlabeled.ok());
  CHECK(unlabeled->size() == 10);
  CHECK_FALSE(unlabeled->has_anomaly_labels());

  // An empty part gives the other.
  Result<TimeSeries> alone = JoinSeries(s.SliceIndex(0, 0), s);
  REQUIRE(alone.ok());
  CHECK(alone->values == s.values);

  // A later part that overlaps or repeats the earlier part's last point.
  for (size_t from : {5u, 3u}) {
    Result<TimeSeries> overlap = JoinSeries(s.SliceIndex(0, 6), s.SliceIndex(from, 10));
    CHECK(overlap.status().code() == StatusCode::kInvalidArgument);
    CHECK(overlap.status().message().find("starts at " + std::to_string(from * 1000) + " ms, not after") !=
          std::string::npos);
    CHECK(overlap.status().message().find("(5000 ms)") != std::string::npos);
  }
  // Parts of two series.
  TimeSeries other = s.SliceIndex(6, 10);
  other.labels = {{"job", "b"}};
  Result<TimeSeries> mixed = JoinSeries(s.SliceIndex(0, 6), other);
  CHECK(mixed.status().code() == StatusCode::kInvalidArgument);
  CHECK(mixed.status().message().find("x{job=\"a\"}") != std::string::npos);
  CHECK(mixed.status().message().find("x{job=\"b\"}") != std::string::npos);
}

}  // namespace
}  // namespace vigil
