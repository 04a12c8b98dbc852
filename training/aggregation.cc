#include "training/aggregation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "detectors/engine.h"
#include "rules/compiler.h"
#include "training/builtin_proposer.h"
#include "training/engine_evaluator.h"

namespace vigil {
namespace {

using Flags2 = std::vector<std::vector<uint8_t>>;


Flags2 Zeros(const std::vector<TimeSeries>& series) {
  Flags2 out(series.size());
  for (size_t i = 0; i < series.size(); ++i) out[i].assign(series[i].size(), 0);
  return out;
}

Status CheckShape(const Flags2& flags, const std::vector<TimeSeries>& series, const std::string& what) {
  if (flags.size() != series.size()) {
    return InvalidArgumentError(what + ": base flags for " + std::to_string(flags.size()) +
                                " series, the target has " + std::to_string(series.size()));
  }
  for (size_t i = 0; i < series.size(); ++i) {
    if (flags[i].size() != series[i].size()) {
      return InvalidArgumentError(what + ": series " + series[i].id() + " has " +
                                  std::to_string(series[i].size()) + " points but " +
                                  std::to_string(flags[i].size()) + " base flags");
    }
  }
  return Status::Ok();
}

// One fitted suppress or add rule.
struct Candidate {
  AggregateRole role = AggregateRole::kAdd;
  std::string name;
  std::string condition;
  std::string text;
  std::string rationale;
  double train_f1 = 0;  // objective F1 of the base combined with this rule alone, training part
  Flags2 val_flags, train_flags;
};

// `explain`: RuleFeature::Explain's text for the condition (its threshold and window).
std::string RuleText(const std::string& name, const std::string& selector, const std::string& condition,
                     AggregateRole role, const std::string& explain) {
  const std::string role_name(AggregateRoleName(role));
  return "rule " + name + " {\n  select " + selector + "\n  when " + condition + "\n  labels { " +
         kAggregateRoleLabel + " = \"" + role_name + "\" }\n  explain \"" + role_name +
         " base flag: " + name + ": " + explain + "\"\n}\n";
}

// `text` with every rule renamed `<prefix>_<name>` (so several sets can share a file) and a role
// label added before its closing brace (proposers write `rule NAME {` and `}` on lines of their own).
std::string WithRoleLabel(const std::string& text, AggregateRole role, const std::string& prefix) {
  const std::string label = "  labels { " + std::string(kAggregateRoleLabel) + " = \"" +
                            std::string(AggregateRoleName(role)) + "\" }\n";
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string line = text.substr(start, end - start);
    if (line == "}\n" || line == "}") out += label;
    out += line.rfind("rule ", 0) == 0 ? "rule " + prefix + "_" + line.substr(5) : line;
    start = end;
  }
  return out;
}

// (base AND NOT any chosen suppress) OR any chosen add, for one split.
Flags2 Combined(const Flags2& base, const std::vector<Candidate>& cands, const std::vector<size_t>& chosen,
                bool train) {
  Flags2 out = base;
  Flags2 suppress(base.size()), add(base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    suppress[i].assign(base[i].size(), 0);
    add[i].assign(base[i].size(), 0);
  }
  for (size_t c : chosen) {
    const Flags2& f = train ? cands[c].train_flags : cands[c].val_flags;
    Flags2& into = cands[c].role == AggregateRole::kSuppress ? suppress : add;
    for (size_t i = 0; i < f.size(); ++i) {
      for (size_t j = 0; j < f[i].size(); ++j) into[i][j] |= f[i][j];
    }
  }
  for (size_t i = 0; i < base.size(); ++i) out[i] = CombineFlags(base[i], suppress[i], add[i]);
  return out;
}

}  // namespace

std::string_view AggregateRoleName(AggregateRole role) {
  return role == AggregateRole::kSuppress ? "suppress" : "add";
}

std::vector<uint8_t> CombineFlags(const std::vector<uint8_t>& base, const std::vector<uint8_t>& suppress,
                                  const std::vector<uint8_t>& add) {
  std::vector<uint8_t> out(base.size(), 0);
  for (size_t j = 0; j < base.size(); ++j) out[j] = ((base[j] && !suppress[j]) || add[j]) ? 1 : 0;
  return out;
}

Result<BaseFlagsFn> BaseFlagsFromHistory(const std::vector<TimeSeries>& history,
                                         const std::vector<std::vector<uint8_t>>& flags) {
  RETURN_IF_ERROR(CheckShape(flags, history, "base detector"));
  auto index = std::make_shared<std::map<std::string, size_t>>();
  for (size_t i = 0; i < history.size(); ++i) {
    if (!index->emplace(history[i].id(), i).second)
      return InvalidArgumentError("base flags: two series share the id " + history[i].id());
  }
  auto hist = std::make_shared<std::vector<TimeSeries>>(history);
  auto all = std::make_shared<std::vector<std::vector<uint8_t>>>(flags);
  return BaseFlagsFn([index, hist, all](const TrainingData& data) -> Result<BaseFlags> {
    if (data.train.size() != data.validation.size())
      return InvalidArgumentError("target `" + data.target +
                                  "`: training and validation parts differ in series");
    BaseFlags out;
    for (size_t i = 0; i < data.train.size(); ++i) {
      const TimeSeries& tr = data.train[i];
      const TimeSeries& va = data.validation[i];
      auto it = index->find(tr.id());
      if (it == index->end())
        return InvalidArgumentError("base flags: no flags for series " + tr.id() + " of target `" +
                                    data.target + "`");
      const TimeSeries& h = (*hist)[it->second];
      const std::vector<uint8_t>& f = (*all)[it->second];
      const size_t n_tr = tr.size(), n_va = va.size();
      if (n_tr + n_va != h.size() ||
          !std::equal(tr.timestamps_ms.begin(), tr.timestamps_ms.end(), h.timestamps_ms.begin()) ||
          !std::equal(va.timestamps_ms.begin(), va.timestamps_ms.end(), h.timestamps_ms.begin() + n_tr)) {
        return InvalidArgumentError("base flags: series " + tr.id() + " of target `" + data.target +
                                    "`: its training + validation parts (" + std::to_string(n_tr) + " + " +
                                    std::to_string(n_va) +
                                    " points) are not the history the flags were computed on (" +
                                    std::to_string(h.size()) + " points)");
      }
      out.train.emplace_back(f.begin(), f.begin() + n_tr);
      out.validation.emplace_back(f.begin() + n_tr, f.end());
    }
    return out;
  });
}

Result<std::vector<std::vector<uint8_t>>> AlignBaseFlags(const std::vector<TimeSeries>& history,
                                                         const std::vector<TimeSeries>& flag_series,
                                                         const std::string& source) {
  std::map<std::string, const TimeSeries*> by_id;
  for (const TimeSeries& s : flag_series) by_id.emplace(s.id(), &s);
  std::vector<std::vector<uint8_t>> out;
  for (const TimeSeries& h : history) {
    auto it = by_id.find(h.id());
    if (it == by_id.end()) {
      std::string have;
      for (size_t i = 0; i < flag_series.size() && i < 3; ++i) have += (i ? ", " : "") + flag_series[i].id();
      if (flag_series.size() > 3) have += ", ...";
      return InvalidArgumentError(source + ": no base flags for series " + h.id() + " (the file has " +
                                  std::to_string(flag_series.size()) + " series" +
                                  (have.empty() ? "" : ": " + have) + ")");
    }
    const TimeSeries& f = *it->second;
    if (f.size() != h.size()) {
      return InvalidArgumentError(source + ": series " + h.id() + " has " + std::to_string(f.size()) +
                                  " base flags but the data has " + std::to_string(h.size()) + " points");
    }
    std::vector<uint8_t> flags(h.size(), 0);
    for (size_t j = 0; j < h.size(); ++j) {
      if (f.timestamps_ms[j] != h.timestamps_ms[j]) {
        return InvalidArgumentError(source + ": series " + h.id() + ": base flag " + std::to_string(j) +
                                    " is at timestamp " + std::to_string(f.timestamps_ms[j]) +
                                    " ms, the data point at " + std::to_string(h.timestamps_ms[j]) + " ms");
      }
      const double v = f.values[j];
      if (v != 0 && v != 1) {
        return InvalidArgumentError(source + ": series " + h.id() + ": base flag " + std::to_string(j) +
                                    " is " + RuleNumber(v) + ", expected 0 or 1");
      }
      flags[j] = v == 1 ? 1 : 0;
    }
    out.push_back(std::move(flags));
  }
  return out;
}

Result<AggregateRules> SplitByRole(CompiledRules rules) {
  AggregateRules out;
  for (RulePlan& plan : rules.rules) {
    auto it = plan.labels.find(kAggregateRoleLabel);
    const std::string role = it == plan.labels.end() ? "add" : it->second;
    if (role == "suppress") {
      out.suppress.rules.push_back(std::move(plan));
    } else if (role == "add") {
      out.add.rules.push_back(std::move(plan));
    } else {
      return InvalidArgumentError(plan.file + ":" + std::to_string(plan.line) + ": rule " + plan.name +
                                  ": label role must be \"suppress\" or \"add\", got \"" + role + "\"");
    }
  }
  return out;
}

Result<std::vector<std::vector<uint8_t>>> ApplyAggregateRules(const AggregateRules& rules,
                                                              std::span<const TimeSeries> series,
                                                              const std::vector<std::vector<uint8_t>>& base) {
  if (base.size() != series.size()) {
    return InvalidArgumentError("aggregation: base flags for " + std::to_string(base.size()) + " series, " +
                                std::to_string(series.size()) + " series given");
  }
  for (size_t i = 0; i < series.size(); ++i) {
    if (base[i].size() != series[i].size()) {
      return InvalidArgumentError("aggregation: series " + series[i].id() + " has " +
                                  std::to_string(series[i].size()) + " points but " +
                                  std::to_string(base[i].size()) + " base flags");
    }
  }
  auto run = [&](const CompiledRules& r) -> Result<Flags2> {
    if (r.rules.empty()) {
      Flags2 z(series.size());
      for (size_t i = 0; i < series.size(); ++i) z[i].assign(series[i].size(), 0);
      return z;
    }
    ASSIGN_OR_RETURN(BatchResult b, EvaluateBatch(r, series));
    return std::move(b.flags);
  };
  ASSIGN_OR_RETURN(Flags2 suppress, run(rules.suppress));
  ASSIGN_OR_RETURN(Flags2 add, run(rules.add));
  Flags2 out(series.size());
  for (size_t i = 0; i < series.size(); ++i) out[i] = CombineFlags(base[i], suppress[i], add[i]);
  return out;
}

std::string AggregateFileHeader(const std::string& base_name) {
  return "# Aggregation over base detector `" + base_name +
         "`: flags = (base and not any role=\"suppress\" rule) or any role=\"add\" rule.\n"
         "# Suppress rules are not detectors on their own; see training/aggregation.h.\n";
}

Result<RuleScore> ScoreAggregateRules(std::string_view rule_text, EngineEvaluator& evaluator, Split split,
                                      const std::vector<std::vector<uint8_t>>& base) {
  const TrainingData& data = evaluator.data();
  const std::vector<TimeSeries>& series = split == Split::kTrain ? data.train : data.validation;
  RETURN_IF_ERROR(CheckShape(base, series,
                             "target `" + data.target + "` " +
                                 (split == Split::kTrain ? "training part" : "validation tail")));
  AggregateRules rules;
  if (rule_text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(rule_text, "candidate.rules"));
    ASSIGN_OR_RETURN(rules, SplitByRole(std::move(compiled)));
  }
  // Each role's flags from the evaluator (the tail after its training part); none: all zeros.
  auto run = [&](const CompiledRules& r) -> Result<Flags2> {
    if (r.rules.empty()) return Zeros(series);
    return evaluator.FlagsOf(r, split);
  };
  ASSIGN_OR_RETURN(Flags2 suppress, run(rules.suppress));
  ASSIGN_OR_RETURN(Flags2 add, run(rules.add));
  Flags2 combined(series.size());
  for (size_t i = 0; i < series.size(); ++i) combined[i] = CombineFlags(base[i], suppress[i], add[i]);
  return ScoreSplit(series, combined, evaluator.objective(), evaluator.delay_k());
}

Result<std::vector<RuleCandidate>> AggregationProposer::Propose(const TrainingData& data,
                                                                RuleEvaluator& evaluator,
                                                                const ProposeOptions& options) {
  if (data.train.empty() || data.train.size() != data.validation.size()) {
    return InvalidArgumentError("aggregate proposer: target `" + data.target +
                                "` needs training and validation parts of the same series");
  }
  if (!data.labeled) {
    return FailedPreconditionError(
        "aggregate proposer: target `" + data.target +
        "` has no labels; aggregation learns from the base detector's labeled false "
        "alarms and misses");
  }
  if (!base_) return FailedPreconditionError("aggregate proposer: no base detector flags were given");
  ASSIGN_OR_RETURN(BaseFlags base, base_(data));
  RETURN_IF_ERROR(CheckShape(base.train, data.train, "target `" + data.target + "` training part"));
  RETURN_IF_ERROR(
      CheckShape(base.validation, data.validation, "target `" + data.target + "` validation tail"));
  const std::string selector =
      !data.selector.empty() ? data.selector : (data.metric.empty() ? std::string("*") : data.metric);
  const Objective objective = evaluator.objective();
  const int k = options.delay_k;
  auto f1_of = [&](const std::vector<TimeSeries>& series, const Flags2& flags) -> Result<double> {
    ASSIGN_OR_RETURN(RuleScore s, ScoreSplit(series, flags, objective, k));
    return s.objective_f1;
  };
  ASSIGN_OR_RETURN(const double base_train_f1, f1_of(data.train, base.train));
  const bool train_has_anomaly = HasAnomalyLabel(data.train);

  BuiltinProposerOptions feature_options;
  feature_options.windows = options_.windows;
  const std::vector<RuleFeature> features = BuiltinFeatures(data, feature_options);
  if (features.empty())
    return InvalidArgumentError("aggregate proposer: target `" + data.target + "` has no finite values");
  const int planned = static_cast<int>(features.size()) * 4 + 4;
  int done = 0;
  auto tick = [&] {
    ++done;
    if (options.progress) options.progress(std::min(done, planned), planned);
  };

  std::vector<Candidate> cands;
  // 0. Another proposer's rule sets as add candidates (each set whole, role label added); first,
  //    so a tie with a single-feature rule goes to the proposer's fuller search.
  if (options_.add_proposer != nullptr && train_has_anomaly) {
    ProposeOptions po = options;
    po.progress = nullptr;
    ASSIGN_OR_RETURN(std::vector<RuleCandidate> proposed,
                     options_.add_proposer->Propose(data, evaluator, po));
    const std::string proposer_name(options_.add_proposer->name());
    for (size_t p = 0; p < proposed.size(); ++p) {
      Candidate c;
      c.role = AggregateRole::kAdd;
      c.name = proposer_name + "_" + std::to_string(p);
      c.text = WithRoleLabel(proposed[p].text, AggregateRole::kAdd, c.name);
      c.train_f1 = proposed[p].train.objective_f1;
      c.rationale = "add: the " + proposer_name + " proposer's rule set " + std::to_string(p) + " (" +
                    proposed[p].rationale + ")";
      cands.push_back(std::move(c));
    }
  }

  // 1. Fit suppress and add thresholds on the training part against the base flags.
  // Suppress thresholds sit between two distinct values seen at the base's flagged points (a
  // margin on both sides), at these quantile positions; add thresholds are training quantiles.
  std::vector<double> suppress_q;
  for (double q = 0.02; q < 0.99; q += 0.04) suppress_q.push_back(q);
  static constexpr double kAddQ[] = {0.5,  0.8,   0.9,   0.95,  0.97,   0.98,
                                     0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999};
  std::set<std::string> suppress_seen;  // expressions already fitted as suppress rules
  // Windowed features: fitted on full windows only, and each rule carries the guard (as the
  // builtin proposer's; training/builtin_proposer.h, "Full windows").
  FullWindowFilter full_windows(evaluator, Split::kTrain);
  for (const RuleFeature& f : features) {
    if (done >= options.max_candidates) break;
    Result<std::vector<std::vector<double>>> values = evaluator.Values(f.expr, Split::kTrain);
    tick();
    if (!values.ok()) continue;  // e.g. an offset with no history: the family does not apply
    RETURN_IF_ERROR(full_windows.Keep(f, *values).WithContext("aggregate proposer"));
    std::vector<double> at_base, all;
    for (size_t i = 0; i < values->size(); ++i) {
      for (size_t j = 0; j < (*values)[i].size(); ++j) {
        const double v = (*values)[i][j];
        if (!std::isfinite(v)) continue;
        all.push_back(v);
        if (base.train[i][j]) at_base.push_back(v);
      }
    }
    if (all.size() < 10) continue;
    auto fit = [&](AggregateRole role, bool low, const std::vector<double>& thresholds) -> Status {
      double best = base_train_f1;
      double best_t = NAN;
      for (double t : thresholds) {
        Flags2 combined = base.train;
        for (size_t i = 0; i < combined.size(); ++i) {
          for (size_t j = 0; j < combined[i].size(); ++j) {
            const bool fires = ThresholdFires((*values)[i][j], t, low);
            combined[i][j] =
                role == AggregateRole::kSuppress ? (combined[i][j] && !fires) : (combined[i][j] || fires);
          }
        }
        ASSIGN_OR_RETURN(double f1, f1_of(data.train, combined));
        if (f1 > best + 1e-12) {
          best = f1;
          best_t = t;
        }
      }
      if (std::isnan(best_t)) return Status::Ok();  // no threshold beats the base alone
      Candidate c;
      c.role = role;
      // value-high and value-low share the expression `value`: a suppress rule on it is "value".
      const bool level = f.family == "value-high" || f.family == "value-low";
      c.name = std::string(AggregateRoleName(role)) + "_" +
               (role == AggregateRole::kSuppress
                    ? (level ? std::string("value") : f.name) + (low ? "_low" : "_high")
                    : f.name);
      const std::string threshold_text = ThresholdNumber(best_t, *values, low);
      c.condition = f.Condition(threshold_text, low);
      c.text = RuleText(c.name, selector, c.condition, role, f.Explain(threshold_text, low));
      c.train_f1 = best;
      c.rationale =
          std::string(AggregateRoleName(role)) + ": " + f.family + " (" + f.expr + ") " +
          (low ? "below " : "above ") + RuleNumber(best_t) + " (training " +
          std::string(ObjectiveName(objective)) + " F1 with the base " + RuleNumber(base_train_f1) + " -> " +
          RuleNumber(best) + ")" +
          (f.full_count.empty() ? "" : ", over full " + std::to_string(f.full_points) + "-point windows");
      cands.push_back(std::move(c));
      return Status::Ok();
    };
    // Suppress: both directions, thresholds between the values at the base's flagged points.
    std::sort(at_base.begin(), at_base.end());
    at_base.erase(std::unique(at_base.begin(), at_base.end()), at_base.end());
    // Both directions of one expression are fitted once (value-high and value-low share `value`).
    if (at_base.size() >= 2 && suppress_seen.insert(f.expr).second) {
      std::vector<double> ts;
      for (double q : suppress_q) {
        const auto j =
            std::min(at_base.size() - 2, static_cast<size_t>(q * static_cast<double>(at_base.size() - 1)));
        const double t = (at_base[j] + at_base[j + 1]) / 2;
        if (ts.empty() || ts.back() != t) ts.push_back(t);
      }
      RETURN_IF_ERROR(fit(AggregateRole::kSuppress, true, ts));
      RETURN_IF_ERROR(fit(AggregateRole::kSuppress, false, ts));
    }
    // Add: the family's own direction, only when there are labeled anomalies to catch.
    if (train_has_anomaly) {
      std::vector<double> ts;
      for (double q : kAddQ) ts.push_back(LowerQuantile(all, f.low ? 1 - q : q));
      RETURN_IF_ERROR(fit(AggregateRole::kAdd, f.low, ts));
    }
  }

  // 2. Every candidate's flags from the engine on the validation tail (and training, pooled).
  for (Candidate& c : cands) {
    if (done >= options.max_candidates) break;
    ASSIGN_OR_RETURN(c.val_flags, evaluator.Flags(c.text, Split::kValidation));
    if (options_.pooled_review) {
      ASSIGN_OR_RETURN(c.train_flags, evaluator.Flags(c.text, Split::kTrain));
    }
    tick();
  }
  std::erase_if(cands, [](const Candidate& c) { return c.val_flags.empty(); });  // over budget

  // 3. Review: greedy forward selection on the combination's validation objective.
  auto review_f1 = [&](const std::vector<size_t>& set) -> Result<double> {
    ASSIGN_OR_RETURN(RuleScore v,
                     ScoreSplit(data.validation, Combined(base.validation, cands, set, false), objective, k));
    if (!options_.pooled_review) return v.objective_f1;
    ASSIGN_OR_RETURN(RuleScore t,
                     ScoreSplit(data.train, Combined(base.train, cands, set, true), objective, k));
    v.counts += t.counts;
    return ObjectiveF1(v.counts, objective);
  };
  ASSIGN_OR_RETURN(const double base_review_f1, review_f1({}));
  std::vector<size_t> chosen;
  std::vector<double> alone(cands.size(), 0);  // review F1 of the base with each rule alone
  double current = base_review_f1;
  while (static_cast<int>(chosen.size()) < options_.max_rules) {
    double best = current;
    int best_i = -1;
    for (size_t c = 0; c < cands.size(); ++c) {
      if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) continue;
      std::vector<size_t> trial = chosen;
      trial.push_back(c);
      ASSIGN_OR_RETURN(double f1, review_f1(trial));
      if (chosen.empty()) alone[c] = f1;
      if (f1 > best + options_.min_gain) {
        best = f1;
        best_i = static_cast<int>(c);
      }
    }
    if (best_i < 0) break;
    chosen.push_back(static_cast<size_t>(best_i));
    current = best;
  }

  // 4. Candidates: the kept set, then single rules that beat the base alone; engine scores of the
  //    combination on both splits.
  std::vector<RuleCandidate> out;
  if (chosen.empty()) return out;  // nothing beats the base alone: no rules, the base runs alone
  const std::string review_name = std::string(ObjectiveName(objective)) + " F1 on " +
                                  (options_.pooled_review ? "training + validation" : "validation");
  auto emit = [&](const std::vector<size_t>& set, double review) -> Status {
    RuleCandidate cand;
    std::string suppress_text, add_text;
    cand.text = AggregateFileHeader(options_.base_name);
    cand.rationale = "base " + options_.base_name + " alone: " + review_name + " " + RuleNumber(base_review_f1) +
                     ", with these rules " + RuleNumber(review);
    for (size_t c : set) {
      cand.text += cands[c].text;
      (cands[c].role == AggregateRole::kSuppress ? suppress_text : add_text) += cands[c].text;
      cand.rationale += "; " + cands[c].rationale;
    }
    for (Split split : {Split::kTrain, Split::kValidation}) {
      const bool train = split == Split::kTrain;
      const std::vector<TimeSeries>& series = train ? data.train : data.validation;
      const Flags2& b = train ? base.train : base.validation;
      Flags2 s = Zeros(series), a = Zeros(series);
      if (!suppress_text.empty()) {
        ASSIGN_OR_RETURN(s, evaluator.Flags(suppress_text, split));
      }
      if (!add_text.empty()) {
        ASSIGN_OR_RETURN(a, evaluator.Flags(add_text, split));
      }
      Flags2 combined(series.size());
      for (size_t i = 0; i < series.size(); ++i) combined[i] = CombineFlags(b[i], s[i], a[i]);
      ASSIGN_OR_RETURN(RuleScore score, ScoreSplit(series, combined, objective, k));
      (train ? cand.train : cand.validation) = score;
    }
    tick();
    out.push_back(std::move(cand));
    return Status::Ok();
  };
  RETURN_IF_ERROR(emit(chosen, current));
  std::vector<size_t> singles;
  for (size_t c = 0; c < cands.size(); ++c) {
    if (alone[c] > base_review_f1 + options_.min_gain && !(chosen.size() == 1 && chosen[0] == c))
      singles.push_back(c);
  }
  std::sort(singles.begin(), singles.end(), [&](size_t a, size_t b) { return alone[a] > alone[b]; });
  for (size_t c : singles) {
    if (static_cast<int>(out.size()) >= options.top_k) break;
    RETURN_IF_ERROR(emit({c}, alone[c]));
  }
  if (options.progress) options.progress(planned, planned);
  return out;
}

}  // namespace vigil
