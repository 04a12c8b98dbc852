// TimeSeries: one series in columnar form.
//
// timestamps_ms are int64 Unix milliseconds, strictly increasing; values are doubles (NaN marks a
// missing value where a reader's policy keeps the row). `anomaly_labels`, when non-empty, has one
// 0/1 entry per point (ground truth from a labeled dataset). Series identity is the metric name
// plus `labels`, a key→value map kept sorted (std::map), so equal label sets compare and hash
// identically. Not thread-safe for concurrent mutation; const access is safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil {

using Labels = std::map<std::string, std::string>;

// `name{k="v",k2="v2"}` in Prometheus style; `name` alone when there are no labels.
std::string FormatSeriesId(const std::string& name, const Labels& labels);

struct TimeSeries {
  std::string name;
  Labels labels;
  std::vector<int64_t> timestamps_ms;
  std::vector<double> values;
  std::vector<uint8_t> anomaly_labels;  // empty, or one 0/1 per point

  size_t size() const { return timestamps_ms.size(); }
  bool empty() const { return timestamps_ms.empty(); }
  bool has_anomaly_labels() const { return !anomaly_labels.empty(); }
  std::string id() const { return FormatSeriesId(name, labels); }

  // Appends one point. Rejects (InvalidArgument, nothing appended) a timestamp that is not
  // strictly greater than the last one, naming both timestamps.
  Status Append(int64_t timestamp_ms, double value);
  Status Append(int64_t timestamp_ms, double value, uint8_t anomaly_label);

  // Checks the invariants: equal column lengths, strictly increasing timestamps, labels 0/1.
  Status Validate() const;

  // Points with timestamps in [begin_ms, end_ms), labels included.
  TimeSeries Slice(int64_t begin_ms, int64_t end_ms) const;
  // Points with indices in [begin, end).
  TimeSeries SliceIndex(size_t begin, size_t end) const;
};

// One series from two consecutive parts of it (e.g. a training part and the tail after it):
// `head`'s points, then `tail`'s. InvalidArgument, naming both, when their ids differ or when
// `tail`'s first timestamp is not after `head`'s last (an empty part joins anything of its id).
// Anomaly labels are joined when both parts carry them; when only one part does, the result has
// none (the other part's points cannot be called normal). Each part is assumed valid on its own.
[[nodiscard]] Result<TimeSeries> JoinSeries(const TimeSeries& head, const TimeSeries& tail);

}  // namespace vigil
