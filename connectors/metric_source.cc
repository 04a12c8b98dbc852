#include "connectors/metric_source.h"

#include <algorithm>
#include <set>

namespace vigil {

InMemoryMetricSource::InMemoryMetricSource(std::vector<TimeSeries> series) : series_(std::move(series)) {
  std::stable_sort(series_.begin(), series_.end(),
                   [](const TimeSeries& a, const TimeSeries& b) { return a.id() < b.id(); });
}

Result<std::vector<TimeSeries>> InMemoryMetricSource::Query(const MetricQuery& query) const {
  if (query.name.empty()) return InvalidArgumentError("metric query: `name` is required");
  std::vector<TimeSeries> out;
  for (const TimeSeries& s : series_) {
    if (s.name != query.name) continue;
    bool match = true;
    for (const auto& [k, v] : query.matchers) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) {
        match = false;
        break;
      }
    }
    if (!match) continue;
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
