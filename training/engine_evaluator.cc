#include "training/engine_evaluator.h"

#include <algorithm>
#include <cmath>

#include "detectors/engine.h"
#include "rules/compiler.h"

namespace vigil {

Result<RuleScore> ScoreSplit(const std::vector<TimeSeries>& series,
                             const std::vector<std::vector<uint8_t>>& flags, Objective objective,
                             int delay_k) {
  if (flags.size() != series.size())
    return InternalError("flags for " + std::to_string(flags.size()) + " series");
  RuleScore s;
  for (size_t i = 0; i < series.size(); ++i) {
    s.points += static_cast<int64_t>(flags[i].size());
    s.flagged += std::count(flags[i].begin(), flags[i].end(), 1);
    if (!series[i].has_anomaly_labels()) continue;
    ASSIGN_OR_RETURN(DetectionCounts c, ScoreFlags(series[i].anomaly_labels, flags[i], delay_k));
    s.counts += c;
  }
  s.objective_f1 = ObjectiveF1(s.counts, objective);
  return s;
}

Result<EngineEvaluator::Run> EngineEvaluator::RunFor(Split split) {
  Run run;
  if (split == Split::kTrain) {
    run.series = &data_.train;
    run.first.assign(data_.train.size(), 0);
    return run;
  }
  const std::vector<TimeSeries>& tails = data_.validation;
  if (!history_built_) {
    if (tails.size() != data_.train.size()) {
      return InvalidArgumentError("target `" + data_.target + "`: " + std::to_string(tails.size()) +
                                  " validation tails for " + std::to_string(data_.train.size()) +
                                  " training parts; each tail must continue its series' training part");
    }
    std::vector<TimeSeries> whole;
    whole.reserve(tails.size());
    for (size_t i = 0; i < tails.size(); ++i) {
      Result<TimeSeries> w = JoinSeries(data_.train[i], tails[i]);
      if (!w.ok()) {
        return w.status().WithContext("target `" + data_.target + "`, series " + std::to_string(i) +
                                      ": the validation tail must continue its own series' training part");
      }
      whole.push_back(std::move(w).value());
    }
    history_and_tail_ = std::move(whole);
    history_built_ = true;
  }
  run.series = &history_and_tail_;
  for (const TimeSeries& tr : data_.train) run.first.push_back(tr.size());
  return run;
}

Result<std::vector<std::vector<uint8_t>>> EngineEvaluator::Flags(std::string_view rule_text, Split split) {
  ++evaluations_;
  ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(rule_text, "candidate.rules"));
  return FlagsOf(rules, split);
}

Result<std::vector<std::vector<uint8_t>>> EngineEvaluator::FlagsOf(const CompiledRules& rules, Split split) {
  ASSIGN_OR_RETURN(Run run, RunFor(split));
  ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(rules, *run.series));
  if (r.flags.size() != run.series->size())
    return InternalError("engine returned flags for " + std::to_string(r.flags.size()) + " series");
  for (size_t i = 0; i < r.flags.size(); ++i) {
    std::vector<uint8_t>& f = r.flags[i];
    if (f.size() != (*run.series)[i].size() || run.first[i] > f.size())
      return InternalError("engine returned " + std::to_string(f.size()) + " flags for " +
                           std::to_string((*run.series)[i].size()) + " points");
    f.erase(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(run.first[i]));
  }
  return std::move(r.flags);
}

Result<RuleScore> EngineEvaluator::Score(std::string_view rule_text, Split split) {
  ASSIGN_OR_RETURN(auto flags, Flags(rule_text, split));
  return ScoreSplit(split == Split::kTrain ? data_.train : data_.validation, flags, objective_, delay_k_);
}

Result<std::vector<std::vector<double>>> EngineEvaluator::Values(std::string_view expression, Split split) {
  ++evaluations_;
  // The expression becomes the left side of a comparison; the engine's node trace holds its value.
  const std::string text = "rule values {\n  select *\n  when (" + std::string(expression) + ") > 0\n}\n";
  ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(text, "expression.rules"));
  const RulePlan& plan = rules.rules.at(0);
  const PlanNode& cond = plan.nodes.at(plan.condition);
  if (cond.op != PlanOp::kGt || cond.inputs.size() != 2) {
    return InvalidArgumentError("expression `" + std::string(expression) + "` is not numeric");
  }
  const int32_t node = cond.inputs[0];
  ASSIGN_OR_RETURN(Run run, RunFor(split));
  const std::vector<TimeSeries>& series = *run.series;
  EngineOptions options;
  options.trace_nodes = true;
  ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(rules, series, options));
  std::vector<std::vector<double>> out(series.size());
  for (size_t i = 0; i < series.size(); ++i) out[i].assign(series[i].size() - run.first[i], NAN);
  for (const RuleSeriesTrace& t : r.traces) {
    if (t.series >= series.size() || static_cast<size_t>(node) >= t.node_values.size()) continue;
    const std::vector<double>& v = t.node_values[node];
    if (v.size() != series[t.series].size()) {
      return InternalError("engine trace has " + std::to_string(v.size()) + " values for " +
                           std::to_string(series[t.series].size()) + " points");
    }
    out[t.series].assign(v.begin() + static_cast<std::ptrdiff_t>(run.first[t.series]), v.end());
  }
  return out;
}

}  // namespace vigil
