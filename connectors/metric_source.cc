#include "connectors/metric_source.h"

#include <algorithm>
#include <set>

namespace vigil {

Result<std::vector<TimeSeries>> MetricSource::ListSeries(const MetricQuery& query) const {
  ASSIGN_OR_RETURN(std::vector<TimeSeries> series, Query(query));
  std::vector<TimeSeries> out;
  out.reserve(series.size());
  for (TimeSeries& s : series) {
    if (s.empty()) continue;  // no point in the range
    TimeSeries t;
    t.name = std::move(s.name);
    t.labels = std::move(s.labels);
    out.push_back(std::move(t));
  }
  return out;
}

bool MatchesQueryLabels(const MetricQuery& query, const Labels& labels) {
  for (const auto& [k, v] : query.matchers) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& [k, values] : query.any_of) {
    auto it = labels.find(k);
    const std::string& have = it == labels.end() ? std::string() : it->second;
    if (std::find(values.begin(), values.end(), have) == values.end()) return false;
  }
  return true;
}

InMemoryMetricSource::InMemoryMetricSource(std::vector<TimeSeries> series) : series_(std::move(series)) {
  std::stable_sort(series_.begin(), series_.end(),
                   [](const TimeSeries& a, const TimeSeries& b) { return a.id() < b.id(); });
}

Result<std::vector<TimeSeries>> InMemoryMetricSource::Query(const MetricQuery& query) const {
  if (query.name.empty()) return InvalidArgumentError("metric query: `name` is required");
  std::vector<TimeSeries> out;
  for (const TimeSeries& s : series_) {
    if (s.name != query.name) continue;
    if (!MatchesQueryLabels(query, s.labels)) continue;
    if (out.size() >= query.max_series) {
      return OutOfRangeError("metric query " + FormatSeriesId(query.name, query.matchers) +
                             ": more than " + std::to_string(query.max_series) +
                             " series match; add label matchers");
    }
    int64_t begin = query.start_ms == 0 ? INT64_MIN : query.start_ms;
    int64_t end = query.end_ms == 0 ? INT64_MAX : query.end_ms;
    out.push_back(s.Slice(begin, end));
  }
  return out;
}

std::vector<std::string> InMemoryMetricSource::MetricNames() const {
  std::set<std::string> names;
  for (const TimeSeries& s : series_) names.insert(s.name);
  return {names.begin(), names.end()};
}

std::string InMemoryMetricSource::Describe() const {
  return "memory:" + std::to_string(series_.size()) + " series";
}

}  // namespace vigil
