#include "core/time_series.h"

#include <algorithm>

namespace vigil {
namespace {

// A new point must come strictly after the last one.
Status CheckNextTimestamp(const TimeSeries& s, int64_t timestamp_ms) {
  if (s.timestamps_ms.empty() || timestamp_ms > s.timestamps_ms.back()) return Status::Ok();
  return InvalidArgumentError("series " + s.id() + ": timestamp " + std::to_string(timestamp_ms) +
                              (timestamp_ms == s.timestamps_ms.back() ? " duplicates" : " is before") +
                              " the previous timestamp " + std::to_string(s.timestamps_ms.back()));
}

}  // namespace

std::string FormatSeriesId(const std::string& name, const Labels& labels) {
  std::string out = name;
  if (labels.empty()) return out;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') { out += "\\n"; continue; }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Status TimeSeries::Append(int64_t timestamp_ms, double value) {
  if (!anomaly_labels.empty()) {
    return InvalidArgumentError("series " + id() + " has anomaly labels; append with a label");
  }
  RETURN_IF_ERROR(CheckNextTimestamp(*this, timestamp_ms));
  timestamps_ms.push_back(timestamp_ms);
  values.push_back(value);
  return Status::Ok();
}

Status TimeSeries::Append(int64_t timestamp_ms, double value, uint8_t anomaly_label) {
  if (anomaly_labels.size() != timestamps_ms.size()) {
    return InvalidArgumentError("series " + id() + " has unlabeled points; cannot append a labeled one");
  }
  if (anomaly_label > 1) {
    return InvalidArgumentError("anomaly label must be 0 or 1, got " + std::to_string(anomaly_label));
  }
  RETURN_IF_ERROR(CheckNextTimestamp(*this, timestamp_ms));
  timestamps_ms.push_back(timestamp_ms);
  values.push_back(value);
  anomaly_labels.push_back(anomaly_label);
  return Status::Ok();
}

Status TimeSeries::Validate() const {
  if (values.size() != timestamps_ms.size()) {
    return InvalidArgumentError("series " + id() + ": " + std::to_string(timestamps_ms.size()) +
                                " timestamps but " + std::to_string(values.size()) + " values");
  }
  if (!anomaly_labels.empty() && anomaly_labels.size() != timestamps_ms.size()) {
    return InvalidArgumentError("series " + id() + ": " + std::to_string(anomaly_labels.size()) +
                                " anomaly labels for " + std::to_string(timestamps_ms.size()) + " points");
  }
  for (size_t i = 1; i < timestamps_ms.size(); ++i) {
    if (timestamps_ms[i] <= timestamps_ms[i - 1]) {
      return InvalidArgumentError("series " + id() + ": timestamps not strictly increasing at index " +
                                  std::to_string(i) + " (" + std::to_string(timestamps_ms[i - 1]) +
                                  " then " + std::to_string(timestamps_ms[i]) + ")");
    }
  }
  for (size_t i = 0; i < anomaly_labels.size(); ++i) {
    if (anomaly_labels[i] > 1) {
      return InvalidArgumentError("series " + id() + ": anomaly label at index " + std::to_string(i) +
                                  " is " + std::to_string(anomaly_labels[i]) + ", expected 0 or 1");
    }
  }
  return Status::Ok();
}

TimeSeries TimeSeries::SliceIndex(size_t begin, size_t end) const {
  TimeSeries out;
  out.name = name;
  out.labels = labels;
  end = std::min(end, size());
  if (begin >= end) return out;
  out.timestamps_ms.assign(timestamps_ms.begin() + begin, timestamps_ms.begin() + end);
  out.values.assign(values.begin() + begin, values.begin() + end);
  if (!anomaly_labels.empty()) {
    out.anomaly_labels.assign(anomaly_labels.begin() + begin, anomaly_labels.begin() + end);
  }
  return out;
}

TimeSeries TimeSeries::Slice(int64_t begin_ms, int64_t end_ms) const {
  auto lo = std::lower_bound(timestamps_ms.begin(), timestamps_ms.end(), begin_ms);
  auto hi = std::lower_bound(timestamps_ms.begin(), timestamps_ms.end(), end_ms);
  return SliceIndex(lo - timestamps_ms.begin(), hi - timestamps_ms.begin());
}

Result<TimeSeries> JoinSeries(const TimeSeries& head, const TimeSeries& tail) {
  if (head.id() != tail.id()) {
    return InvalidArgumentError("cannot join " + tail.id() + " after " + head.id() +
                                ": the two parts are of different series");
  }
  if (!head.empty() && !tail.empty() && tail.timestamps_ms.front() <= head.timestamps_ms.back()) {
    return InvalidArgumentError("cannot join two parts of " + tail.id() + ": the later part starts at " +
                                std::to_string(tail.timestamps_ms.front()) +
                                " ms, not after the earlier part's last point (" +
                                std::to_string(head.timestamps_ms.back()) + " ms)");
  }
  TimeSeries out;
  out.name = head.name;
  out.labels = head.labels;
  auto join = [](auto& into, const auto& a, const auto& b) {
    into.reserve(a.size() + b.size());
    into.insert(into.end(), a.begin(), a.end());
    into.insert(into.end(), b.begin(), b.end());
  };
  join(out.timestamps_ms, head.timestamps_ms, tail.timestamps_ms);
  join(out.values, head.values, tail.values);
  if (head.has_anomaly_labels() && tail.has_anomaly_labels())
    join(out.anomaly_labels, head.anomaly_labels, tail.anomaly_labels);
  return out;
}

}  // namespace vigil
