#include "server/metrics_text.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace vigil {
namespace {

[[maybe_unused]] bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

void WriteMetricHeader(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  assert(ValidName(name, true));
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {  // HELP escapes only backslash and newline
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void WriteMetricSample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                       const MetricLabelValues& label_values, double value) {
  assert(label_names.size() == label_values.size());
  out += name;
  if (!label_names.empty()) {
    out += '{';
    for (size_t i = 0; i < label_names.size(); ++i) {
      assert(ValidName(label_names[i], false));
      if (i > 0) out += ',';
      out += label_names[i];
      out += "=\"";
      out += EscapeLabelValue(i < label_values.size() ? label_values[i] : std::string());
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += FormatMetricValue(value);
  out += '\n';
}

void WriteGauge(std::string& out, std::string_view name, std::string_view help,
                const std::vector<std::string>& label_names,
                const std::vector<std::pair<MetricLabelValues, double>>& samples) {
  WriteMetricHeader(out, name, "gauge", help);
  for (const auto& [labels, value] : samples) WriteMetricSample(out, name, label_names, labels, value);
}

MetricCounter::MetricCounter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  assert(name_.size() > 6 && name_.ends_with("_total"));
}

void MetricCounter::Inc(const MetricLabelValues& label_values, double by) {
  assert(label_values.size() == label_names_.size());
  std::lock_guard lock(mu_);
  values_[label_values] += by;
}

double MetricCounter::Value(const MetricLabelValues& label_values) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(label_values);
  return it == values_.end() ? 0 : it->second;
}

void MetricCounter::Write(std::string& out) const {
  WriteMetricHeader(out, name_, "counter", help_);
  std::lock_guard lock(mu_);
  for (const auto& [labels, value] : values_) WriteMetricSample(out, name_, label_names_, labels, value);
}

MetricHistogram::MetricHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(upper_bounds)) {
  for (size_t i = 1; i < bounds_.size(); ++i) assert(bounds_[i - 1] < bounds_[i]);
}

void MetricHistogram::Observe(const MetricLabelValues& label_values, double value) {
  assert(label_values.size() == label_names_.size());
  std::lock_guard lock(mu_);
  Series& s = series_[label_values];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size() + 1, 0);
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;  // le: a value equal to a bound is in it
  ++s.buckets[i];
  s.sum += value;
  ++s.count;
}

uint64_t MetricHistogram::Count(const MetricLabelValues& label_values) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second.count;
}

void MetricHistogram::Write(std::string& out) const {
  WriteMetricHeader(out, name_, "histogram", help_);
  std::vector<std::string> bucket_names = label_names_;
  bucket_names.push_back("le");
  const std::string bucket = name_ + "_bucket", sum = name_ + "_sum", count = name_ + "_count";
  std::lock_guard lock(mu_);
  for (const auto& [labels, s] : series_) {
    MetricLabelValues with_le = labels;
    with_le.emplace_back();
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      with_le.back() = i < bounds_.size() ? FormatMetricValue(bounds_[i]) : "+Inf";
      WriteMetricSample(out, bucket, bucket_names, with_le, static_cast<double>(cumulative));
    }
    WriteMetricSample(out, sum, label_names_, labels, s.sum);
    WriteMetricSample(out, count, label_names_, labels, static_cast<double>(s.count));
  }
}

}  // namespace vigil
