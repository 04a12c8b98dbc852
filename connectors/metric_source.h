// MetricSource: where agents read metric series from (the `query_metrics` tool).
//
// A small interface so agents never see HTTP: the in-memory source serves series handed in (a
// diagnosis case, a test); a Prometheus source may be added behind the same interface. Queries
// select by metric name and exact label matchers over a time range. Implementations are
// thread-safe for concurrent Query calls unless documented otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

struct MetricQuery {
  std::string name;        // metric name, exact ("DCGM_FI_DEV_GPU_TEMP"); required
  Labels matchers;         // every given label must equal; labels not given match anything
  int64_t start_ms = 0;    // inclusive; 0 = unbounded
  int64_t end_ms = 0;      // exclusive; 0 = unbounded
  size_t max_series = 64;  // more matching series is an OutOfRange error naming the count
  // Labels that must equal one of the given values (a series without the label has the value "";
  // `""` listed takes them): Prometheus's `label=~"v1|v2"`, values quoted. A label in both
  // `matchers` and here must satisfy both. An empty list matches nothing.
  std::map<std::string, std::vector<std::string>> any_of = {};
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // The matching series, sliced to the range, in a stable order (by series id). Empty when none
  // match. InvalidArgument for an empty name; OutOfRange when more than max_series match;
  // Unavailable when an outside system does not answer.
  virtual Result<std::vector<TimeSeries>> Query(const MetricQuery& query) const = 0;
  // The series matching `query` that have a point in its range, labels only (no points): what a
  // read of the range would answer, without the data (Prometheus: /api/v1/series, which may also
  // list a series whose samples around the range are not in it). OutOfRange over max_series. The
  // default runs Query and drops the points.
  virtual Result<std::vector<TimeSeries>> ListSeries(const MetricQuery& query) const;
  // Distinct metric names available (for tool descriptions and did-you-mean hints).
  virtual std::vector<std::string> MetricNames() const = 0;
  virtual std::string Describe() const = 0;
};

// Serves a fixed set of series held in memory. Immutable after construction: thread-safe.
// True when the series' labels satisfy `query`'s matchers and any_of (not its name).
bool MatchesQueryLabels(const MetricQuery& query, const Labels& labels);

class InMemoryMetricSource : public MetricSource {
 public:
  explicit InMemoryMetricSource(std::vector<TimeSeries> series);
  Result<std::vector<TimeSeries>> Query(const MetricQuery& query) const override;
  std::vector<std::string> MetricNames() const override;
  std::string Describe() const override;

 private:
  std::vector<TimeSeries> series_;  // sorted by id
};

}  // namespace vigil
