#include "evals/detection_cad.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "detectors/context_ose.h"
#include "detectors/knn_cad.h"

namespace vigil {
namespace {

// One streaming scorer per member: `member_scores(unit, member, score_out, details_out)` fills
// the member's full-length scores. The unit's score is the largest member score; flagged where it
// is ≥ `threshold`; `relative` receives score / threshold.
template <typename MemberFn>
Result<std::vector<std::vector<uint8_t>>> RunPerMember(const std::vector<EvalUnit>& units, double threshold,
                                                       MemberFn member_scores,
                                                       std::vector<std::vector<double>>& relative, Json& details) {
  Json per_series = Json::array();
  std::vector<std::vector<uint8_t>> out;
  relative.clear();
  for (const EvalUnit& u : units) {
    const size_t n = u.members.empty() ? 0 : u.members[0].values.size();
    std::vector<double> score(n, NAN);
    Json members = Json::array();
    for (const TimeSeries& m : u.members) {
      std::vector<double> s(n, NAN);
      Json member = Json::object();
      Status st = member_scores(u, m, s, member);
      if (!st.ok()) return st;
      size_t alerts = 0;
      for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(s[i])) continue;
        if (s[i] >= threshold && i >= u.split) ++alerts;
        if (!(s[i] <= score[i])) score[i] = s[i];  // NaN or smaller
      }
      member["scored_alerts"] = alerts;
      members.push_back(member);
    }
    std::vector<uint8_t> flags(n, 0);
    std::vector<double> rel(n, NAN);
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(score[i])) continue;
      flags[i] = score[i] >= threshold;
      rel[i] = score[i] / threshold;
    }
    out.push_back(std::move(flags));
    relative.push_back(std::move(rel));
    per_series.push_back(Json{{"series", u.name}, {"members", members}});
  }
  details["per_series"] = per_series;
  return out;
}

}  // namespace

Result<std::vector<std::vector<uint8_t>>> CadOseDetector::Run(const std::vector<EvalUnit>& units) {
  const ContextOseOptions defaults;
  const bool whole_file = range_ == Range::kWholeFile;
  details_ = Json{{"range", whole_file                 ? "whole file (NAB's harness; reads future values, no labels)"
                            : range_ == Range::kGrowing ? "training part, widened by each later value outside it"
                            : range_ == Range::kWidened ? "training part's [min, max] widened by its width on each side"
                                                        : "training part (NAB: probationary period)"},
                  {"threshold", defaults.base_threshold},
                  {"value_bits", defaults.value_bits},
                  {"max_left_length", defaults.max_left_length},
                  {"max_active_neurons", defaults.max_active_neurons},
                  {"rest_period", "training length / 5"}};
  auto member = [&](const EvalUnit& u, const TimeSeries& m, std::vector<double>& s, Json& info) -> Status {
    const size_t range_end = whole_file ? m.values.size() : std::min(u.split, m.values.size());
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (size_t i = 0; i < range_end; ++i) {
      if (!std::isfinite(m.values[i])) continue;
      lo = std::min(lo, m.values[i]);
      hi = std::max(hi, m.values[i]);
    }
    if (!(lo <= hi)) {
      return InvalidArgumentError("cad-ose: unit `" + u.name + "` member `" + m.id() + "` has no finite value in its first " +
                                  std::to_string(range_end) + " points (the range part)");
    }
    if (range_ == Range::kWidened) {
      const double width = hi - lo;
      lo -= width;
      hi += width;
    }
    ContextOseOptions o;
    o.min_value = lo;
    o.max_value = hi;
    o.rest_period = std::max<size_t>(1, u.split / 5);
    o.grow_range = range_ == Range::kGrowing;
    Result<ContextOseDetector> d = ContextOseDetector::Create(o);
    if (!d.ok()) return Status(d.status().code(), "unit `" + u.name + "`: " + d.status().message());
    for (size_t i = 0; i < s.size() && i < m.values.size(); ++i) s[i] = d->Step(m.values[i]);
    info = Json{{"min", lo},
                {"max", hi},
                {"final_min", d->min_value()},
                {"final_max", d->max_value()},
                {"rest_period", o.rest_period},
                {"contexts", d->context_count()}};
    return Status::Ok();
  };
  return RunPerMember(units, defaults.base_threshold, member, scores_, details_);
}

Result<std::vector<std::vector<uint8_t>>> KnnCadBenchDetector::Run(const std::vector<EvalUnit>& units) {
  const KnnCadOptions defaults;
  details_ = Json{{"threshold", defaults.alarm},
                  {"dim", defaults.dim},
                  {"k", defaults.k},
                  {"probationary", "the training part"},
                  {"rest_period", "training length / 5"}};
  auto member = [&](const EvalUnit& u, const TimeSeries& m, std::vector<double>& s, Json& info) -> Status {
    KnnCadOptions o;
    o.probationary = u.split;
    Result<KnnCadDetector> d = KnnCadDetector::Create(o);
    if (!d.ok()) return Status(d.status().code(), "knn-cad: unit `" + u.name + "`: " + d.status().message());
    for (size_t i = 0; i < s.size() && i < m.values.size(); ++i) s[i] = d->Step(m.values[i]);
    info = Json{{"metric_fitted", d->metric_fitted()}};
    return Status::Ok();
  };
  return RunPerMember(units, defaults.alarm, member, scores_, details_);
}

}  // namespace vigil
