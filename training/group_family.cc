#include "training/group_family.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "training/builtin_proposer.h"

namespace vigil {

std::string GroupScoreExpression(const GroupFamilyOptions& options) {
  const std::string spread = "(std(lag(value, 1), " + std::to_string(options.spread_window) +
                             "p) + " + RuleNumber(options.floor) + ")";
  std::string terms;
  for (int w : options.residual_windows) {
    if (!terms.empty()) terms += " + ";
    terms += "clamp(abs(value - median(lag(value, 1), " + std::to_string(w) + "p)) / " + spread + ", 0, " +
             RuleNumber(options.clip) + ")";
  }
  return "sum by (" + options.label + ") (" + terms + ")";
}

namespace {

// The longest window of the rule: the guard's (see GroupGuard).
int GuardWindow(const GroupFamilyOptions& options) {
  int g = options.spread_window;
  for (int w : options.residual_windows) g = std::max(g, w);
  return g;
}

// The group score as a windowed feature whose guard is `count(lag(value, 1), Gp) >= G`: its
// FullGuard is the rule's guard and FullWindowFilter masks the fit with it, as for every builtin
// family (builtin_proposer.h).
RuleFeature GuardFeature(const GroupFamilyOptions& options) {
  RuleFeature f;
  f.full_points = GuardWindow(options);
  f.full_count = "count(lag(value, 1), " + std::to_string(f.full_points) + "p)";
  return f;
}

}  // namespace

std::string GroupGuard(const GroupFamilyOptions& options) { return GuardFeature(options).FullGuard(); }

Result<GroupRuleResult> ProposeGroupRule(const TrainingData& data, RuleEvaluator& evaluator,
                                         const GroupFamilyOptions& options) {
  GroupRuleResult out;
  const std::string where = "group family: target `" + data.target + "`";
  if (options.residual_windows.empty() || options.spread_window < 2 || !(options.floor > 0) ||
      !(options.clip > 0)) {
    return InvalidArgumentError(where + ": needs residual windows, a spread window ≥ 2 points, floor > 0 and "
                                        "clip > 0");
  }
  if (data.train.size() < 2) {
    out.note = "one member: no group rule";
    return out;
  }
  if (data.train.size() != data.validation.size()) {
    return InvalidArgumentError(where + ": training and validation parts of different series counts");
  }
  // Every member must carry the label, with one value.
  std::vector<std::string> missing;
  std::string value;
  bool seen = false;  // `value` holds the first member's value
  std::string other;  // the first member with another value of the label, "`v` on series id"
  for (const TimeSeries& s : data.train) {
    auto it = s.labels.find(options.label);
    if (it == s.labels.end()) {
      missing.push_back(s.id());
      continue;
    }
    if (!seen) {  // not value.empty(): "" is a value too
      value = it->second;
      seen = true;
    }
    if (it->second != value && other.empty()) other = "`" + it->second + "` on series " + s.id();
  }
  if (missing.size() == data.train.size()) {
    out.note = "no member has the group label `" + options.label + "`: no group rule";
    return out;
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 3; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 3) list += ", ...";
    return InvalidArgumentError(where + ": the group label `" + options.label + "` is missing on " +
                                std::to_string(missing.size()) + " of " + std::to_string(data.train.size()) +
                                " members (" + list + "); a group rule needs it on every member");
  }
  // A target that spans several groups (one-for-all by metric name across machines) is not one
  // group: a documented skip, not an error (the usual case for one metric on many machines).
  if (!other.empty()) {
    out.note = "members span several `" + options.label + "` values (`" + value + "`, " + other +
               "): the group rule is per `" + options.label + "`, none for this target";
    return out;
  }
  if (data.labeled) {
    out.note = "labeled target: the group family fits unlabeled thresholds only";
    return out;
  }
  const std::string expr = GroupScoreExpression(options);
  const RuleFeature guard_feature = GuardFeature(options);
  const std::string guard = guard_feature.FullGuard();
  Result<std::vector<std::vector<double>>> values_or = evaluator.Values(expr, Split::kTrain);
  if (!values_or.ok()) return values_or.status().WithContext(where);
  std::vector<std::vector<double>>& values = *values_or;
  // The training extreme over exactly the points the guard lets through (time steps counted
  // once); FullWindowFilter sets the others to NaN, so the printed threshold sees only those too.
  FullWindowFilter full_windows(evaluator, Split::kTrain);
  RETURN_IF_ERROR(full_windows.Keep(guard_feature, values).WithContext(where));
  double t = -INFINITY;
  std::set<int64_t> fit_steps;
  for (size_t m = 0; m < values.size(); ++m) {
    const TimeSeries& s = data.train[m];
    if (values[m].size() != s.size()) {
      return InternalError(where + ": values for another number of points than series " + s.id());
    }
    for (size_t i = 0; i < values[m].size(); ++i) {
      if (!std::isfinite(values[m][i])) continue;
      t = std::max(t, values[m][i]);
      fit_steps.insert(s.timestamps_ms[i]);
    }
  }
  out.fit_points = static_cast<int64_t>(fit_steps.size());
  if (fit_steps.empty()) {
    out.note = "no training point where `" + guard + "` holds (a full window): no group rule";
    return out;
  }
  const std::string t_text = ThresholdNumber(t, values, /*low=*/false);
  out.threshold = std::strtod(t_text.c_str(), nullptr);
  const std::string name = "group_residual_sum";
  const std::string selector =
      !data.selector.empty() ? data.selector : (data.metric.empty() ? std::string("*") : data.metric);
  std::string residual_windows;  // "10, 60"
  std::string medians;           // "the median of the previous 10 points and of the previous 60 points"
  for (int x : options.residual_windows) {
    if (!residual_windows.empty()) residual_windows += ", ";
    residual_windows += std::to_string(x);
    medians += medians.empty() ? "the median of the previous " : " and of the previous ";
    medians += std::to_string(x) + " points";
  }
  RuleCandidate c;
  c.text = "rule " + name + " {\n  select " + selector + "\n  when " + expr + " > " + t_text + " and " +
           guard + "\n  explain \"" + name + ": the group's score {{" + expr + "}} (each member's residual from " +
           medians + ", over the std of the previous " + std::to_string(options.spread_window) + " points + " +
           RuleNumber(options.floor) + ", clipped at " + RuleNumber(options.clip) + ", summed over the members of its " +
           options.label + "), more than " + t_text + " (the training maximum)\"\n}\n";
  // Review on the tail: a time step where any member fires counts once.
  Result<std::vector<std::vector<uint8_t>>> tail_or = evaluator.Flags(c.text, Split::kValidation);
  if (!tail_or.ok()) return tail_or.status().WithContext(where);
  std::set<int64_t> tail_steps, flagged_steps;
  for (size_t m = 0; m < data.validation.size(); ++m) {
    const TimeSeries& s = data.validation[m];
    for (size_t i = 0; i < s.size(); ++i) {
      tail_steps.insert(s.timestamps_ms[i]);
      if (m < tail_or->size() && i < (*tail_or)[m].size() && (*tail_or)[m][i]) flagged_steps.insert(s.timestamps_ms[i]);
    }
  }
  out.tail_points = static_cast<int64_t>(tail_steps.size());
  out.tail_flagged = static_cast<int64_t>(flagged_steps.size());
  out.tail_allowed = UnlabeledTailAllowed(out.tail_points, out.fit_points, options.max_unlabeled_flag_rate,
                                          options.unlabeled_tail_alpha);
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "sum over %zu members of `%s` of clipped residuals (windows %s p) over a %d-point rolling std "
                "+ %s, clip %s; threshold %s = the training maximum over %lld time steps where `%s` (full "
                "windows; the rule carries it); validation tail: %lld of %lld time steps flagged (allowed "
                "%lld)",
                data.train.size(), options.label.c_str(),
                residual_windows.c_str(),
                options.spread_window, RuleNumber(options.floor).c_str(), RuleNumber(options.clip).c_str(),
                t_text.c_str(), static_cast<long long>(out.fit_points), guard.c_str(),
                static_cast<long long>(out.tail_flagged),
                static_cast<long long>(out.tail_points), static_cast<long long>(out.tail_allowed));
  c.rationale = buf;
  if (out.tail_flagged > out.tail_allowed) {
    out.note = "not kept (not quiet on the validation tail): " + c.rationale;
    return out;
  }
  Result<RuleScore> train = evaluator.Score(c.text, Split::kTrain);
  if (!train.ok()) return train.status().WithContext(where);
  Result<RuleScore> val = evaluator.Score(c.text, Split::kValidation);
  if (!val.ok()) return val.status().WithContext(where);
  c.train = *train;
  c.validation = *val;
  out.note = "kept: " + c.rationale;
  out.rule = std::move(c);
  return out;
}

}  // namespace vigil
