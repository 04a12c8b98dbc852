// Prometheus text exposition (format 0.0.4), written by hand: counters, gauges and histograms
// with fixed label names, enough for `vigil serve`'s /metrics (no prometheus-cpp).
//
// Each family is written as `# HELP`, `# TYPE` and its samples, label values escaped (\\, \", \n)
// and sorted, so two scrapes of the same state are byte-equal. Names and label names are the
// caller's constants: they must match [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*
// (checked by assert; `promtool check metrics` checks the output in tests/serve_alertmanager_test.sh).
// A counter's name ends in `_total`. Values: shortest round-trip decimal, `+Inf`, `-Inf`, `NaN`.
//
// Thread safety: MetricCounter and MetricHistogram may be updated and written from any thread
// (one mutex each). The free functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

// "a\"b" for a\"b's raw value a"b: the label-value escaping of the text format.
std::string EscapeLabelValue(std::string_view value);
// The text format's number: "3", "0.25", "1e+21", "+Inf", "NaN".
std::string FormatMetricValue(double value);

// One sample's label values, in the order of its family's label names.
using MetricLabelValues = std::vector<std::string>;

// `# HELP` and `# TYPE` lines of a family.
void WriteMetricHeader(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// One sample line: name{l1="v1",...} value. `label_values` pairs with `label_names`.
void WriteMetricSample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                       const MetricLabelValues& label_values, double value);

// A gauge family computed at scrape time (incidents by status, queue depth): header + samples.
void WriteGauge(std::string& out, std::string_view name, std::string_view help,
                const std::vector<std::string>& label_names,
                const std::vector<std::pair<MetricLabelValues, double>>& samples);

// A counter family; samples appear once incremented (a label set never seen is not written).
class MetricCounter {
 public:
  MetricCounter(std::string name, std::string help, std::vector<std::string> label_names);
  void Inc(const MetricLabelValues& label_values, double by = 1);
  double Value(const MetricLabelValues& label_values) const;  // 0 when never incremented
  void Write(std::string& out) const;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<MetricLabelValues, double> values_;
};

// A histogram family with fixed upper bounds (seconds, ascending; +Inf is added): writes the
// cumulative `_bucket{le=...}` lines, `_sum` and `_count` per label set.
class MetricHistogram {
 public:
  MetricHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);
  void Observe(const MetricLabelValues& label_values, double value);
  uint64_t Count(const MetricLabelValues& label_values) const;
  void Write(std::string& out) const;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // per bound, not cumulative; the last one is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<MetricLabelValues, Series> series_;
};

}  // namespace vigil
