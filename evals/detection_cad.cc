#include "evals/detection_cad.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "detectors/context_ose.h"

namespace vigil {

Result<std::vector<std::vector<uint8_t>>> CadOseDetector::Run(const std::vector<EvalUnit>& units) {
  const ContextOseOptions defaults;
  const bool whole_file = range_ == Range::kWholeFile;
  details_ = Json{{"range", whole_file                 ? "whole file (NAB's harness; reads future values, no labels)"
                            : range_ == Range::kGrowing ? "training part, widened by each later value outside it"
                                                        : "training part (NAB: probationary period)"},
                  {"threshold", defaults.base_threshold},
                  {"value_bits", defaults.value_bits},
                  {"max_left_length", defaults.max_left_length},
                  {"max_active_neurons", defaults.max_active_neurons},
                  {"rest_period", "training length / 5"}};
  Json per_series = Json::array();
  std::vector<std::vector<uint8_t>> out;
  scores_.clear();
  for (const EvalUnit& u : units) {
    const size_t n = u.members.empty() ? 0 : u.members[0].values.size();
    std::vector<double> score(n, NAN);
    Json members = Json::array();
    for (const TimeSeries& m : u.members) {
      const size_t range_end = whole_file ? m.values.size() : std::min(u.split, m.values.size());
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (size_t i = 0; i < range_end; ++i) {
        if (!std::isfinite(m.values[i])) continue;
        lo = std::min(lo, m.values[i]);
        hi = std::max(hi, m.values[i]);
      }
      if (!(lo <= hi)) {
        return InvalidArgumentError("cad-ose: unit `" + u.name + "` member `" + m.id() +
                                    "` has no finite value in its first " + std::to_string(range_end) +
                                    " points (the range part)");
      }
      ContextOseOptions o;
      o.min_value = lo;
      o.max_value = hi;
      o.rest_period = std::max<size_t>(1, u.split / 5);
      o.grow_range = range_ == Range::kGrowing;
      Result<ContextOseDetector> d = ContextOseDetector::Create(o);
      if (!d.ok()) return Status(d.status().code(), "unit `" + u.name + "`: " + d.status().message());
      size_t alerts = 0;
      for (size_t i = 0; i < n && i < m.values.size(); ++i) {
        const double s = d->Step(m.values[i]);
        if (!std::isfinite(s)) continue;
        if (s >= o.base_threshold && i >= u.split) ++alerts;
        if (!(s <= score[i])) score[i] = s;  // NaN or smaller
      }
      members.push_back(Json{{"min", lo}, {"max", hi}, {"final_min", d->min_value()}, {"final_max", d->max_value()}, {"rest_period", o.rest_period},
                             {"contexts", d->context_count()}, {"scored_alerts", alerts}});
    }
    std::vector<uint8_t> flags(n, 0);
    std::vector<double> relative(n, NAN);
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(score[i])) continue;
      flags[i] = score[i] >= defaults.base_threshold;
      relative[i] = score[i] / defaults.base_threshold;
    }
    out.push_back(std::move(flags));
    scores_.push_back(std::move(relative));
    per_series.push_back(Json{{"series", u.name}, {"members", members}});
  }
  details_["per_series"] = per_series;
  return out;
}

}  // namespace vigil
