#include "evals/detection_aggregate.h"

#include <algorithm>

#include "rules/compiler.h"

namespace vigil {

Result<std::vector<std::vector<uint8_t>>> BaseDetectorFlags(const std::string& spec,
                                                            const std::vector<TimeSeries>& history,
                                                            const BaseDetectorOptions& options) {
  if (spec.rfind("flags:", 0) == 0) {
    std::string inner = spec.substr(6);
    const std::string format = inner.substr(0, inner.find(':'));
    const bool has_format =
        inner.find(':') != std::string::npos &&
        (format == "csv" || format == "jsonl" || format == "kpi" || format == "nab" || format == "smd");
    if (!has_format) inner = "csv:" + inner;
    if (inner.size() <= 4) return InvalidArgumentError("--base flags: needs a file, e.g. flags:base.csv");
    ASSIGN_OR_RETURN(Dataset flags, ReadDataset(inner));
    return AlignBaseFlags(history, flags.series, "base flags " + inner);
  }
  std::vector<EvalUnit> units;
  for (const TimeSeries& s : history) {
    EvalUnit u;
    u.name = s.id();
    u.split = s.size();
    u.train_labels = s.anomaly_labels;
    u.members.push_back(s);
    u.members.back().anomaly_labels.clear();
    units.push_back(std::move(u));
  }
  if (spec == "mad-band") return MadBandDetector(options.mad_window, options.thresholds).Run(units);
  if (spec == "iforest") {
    return IForestDetector(options.python, options.iforest_script, options.work_dir, options.thresholds)
        .Run(units);
  }
  return InvalidArgumentError("--base must be mad-band, iforest or flags:FILE, got `" + spec + "`");
}

Result<std::vector<std::vector<uint8_t>>> AggregateRulesDetector::Run(const std::vector<EvalUnit>& units) {
  if (mad_window_ == 0)
    return InvalidArgumentError(
        "rules-aggregate: the mad-band base's window must be at least 1 point, got 0");
  AggregationOptions agg = aggregation_;
  agg.base_name = "mad-band (window " + std::to_string(mad_window_) + ")";
  agg.add_proposer = add_proposer_.get();
  details_ = Json{{"base", agg.base_name},
                  {"combination", "(base and not any role=suppress rule) or any role=add rule"},
                  {"objective", std::string(ObjectiveName(trainer_.objective))},
                  {"validation_fraction", trainer_.validation_fraction},
                  {"review", agg.pooled_review ? "training + validation pooled" : "validation tail"},
                  {"add_proposer", add_proposer_ ? std::string(add_proposer_->name()) : std::string("none")}};
  ThresholdOptions opts = thresholds_;
  opts.warmup = std::max(opts.warmup, mad_window_);
  std::vector<std::vector<uint8_t>> out;
  Json per_unit = Json::array();
  int64_t suppress_total = 0, add_total = 0, evaluations = 0;
  for (const EvalUnit& u : units) {
    // The base, per member, as the mad-band peer computes it for the unit.
    std::vector<std::vector<uint8_t>> base;
    for (const TimeSeries& m : u.members)
      base.push_back(FlagsFromScores(u, {MadBandScores(m.values, mad_window_)}, opts));
    Json uj{{"series", u.name}};
    std::vector<std::vector<uint8_t>> member_flags = base;
    if (u.train_labels.empty()) {
      uj["note"] = "unlabeled training part: base flags alone";
    } else {
      std::vector<TimeSeries> history;
      std::vector<std::vector<uint8_t>> history_base;
      for (size_t m = 0; m < u.members.size(); ++m) {
        TimeSeries h = u.members[m].SliceIndex(0, u.split);
        h.anomaly_labels = u.train_labels;
        history.push_back(std::move(h));
        history_base.emplace_back(base[m].begin(), base[m].begin() + static_cast<std::ptrdiff_t>(u.split));
      }
      ASSIGN_OR_RETURN(BaseFlagsFn base_fn, BaseFlagsFromHistory(history, history_base));
      AggregationProposer proposer(std::move(base_fn), agg);
      ASSIGN_OR_RETURN(TrainingRun run, TrainRules(history, {}, proposer, trainer_));
      for (const TrainedTarget& t : run.targets) {
        evaluations += t.evaluations;
        if (!t.status.ok()) uj["errors"].push_back(t.target + ": " + t.status.message());
      }
      const std::string text = run.CombinedRules();
      if (!text.empty()) {
        ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(text, u.name + ".rules"));
        ASSIGN_OR_RETURN(AggregateRules roles, SplitByRole(std::move(compiled)));
        ASSIGN_OR_RETURN(member_flags, ApplyAggregateRules(roles, u.members, base));
        suppress_total += static_cast<int64_t>(roles.suppress.rules.size());
        add_total += static_cast<int64_t>(roles.add.rules.size());
        uj["suppress_rules"] = static_cast<int64_t>(roles.suppress.rules.size());
        uj["add_rules"] = static_cast<int64_t>(roles.add.rules.size());
        if (u.members.size() == 1) uj["text"] = text;
        if (run.targets.size() == 1 && run.targets[0].best) uj["why"] = run.targets[0].best->rationale;
      } else {
        uj["rules"] = 0;
      }
    }
    std::vector<uint8_t> flags(member_flags.empty() ? 0 : member_flags[0].size(), 0);
    for (const auto& f : member_flags) {
      for (size_t i = 0; i < f.size() && i < flags.size(); ++i) flags[i] |= f[i];
    }
    per_unit.push_back(uj);
    out.push_back(std::move(flags));
  }
  details_["suppress_rules_total"] = suppress_total;
  details_["add_rules_total"] = add_total;
  details_["engine_evaluations"] = evaluations;
  details_["per_series"] = per_unit;
  return out;
}

}  // namespace vigil
