#include "evals/detection_rules.h"

#include <cmath>

#include "detectors/engine.h"
#include "evals/detection_peers.h"
#include "rules/compiler.h"
#include "training/engine_evaluator.h"

namespace vigil {

int ChooseVote(const std::vector<int>& votes, size_t begin, size_t end, int members, double max_rate) {
  end = std::min(end, votes.size());
  if (begin >= end) return std::max(1, members);
  for (int k = 1; k < members; ++k) {
    size_t flagged = 0;
    for (size_t i = begin; i < end; ++i) flagged += votes[i] >= k ? 1 : 0;
    if (static_cast<double>(flagged) <= max_rate * static_cast<double>(end - begin)) return k;
  }
  return std::max(1, members);
}

TokenUsage RulesDetector::LlmUsage() const {
  if (llm_ == nullptr) return {};
  const TokenUsage now = llm_->Usage();
  return {.prompt_tokens = now.prompt_tokens - llm_before_.prompt_tokens,
          .completion_tokens = now.completion_tokens - llm_before_.completion_tokens};
}

namespace {

// One rule set trained on [0, train_end) of a unit and run over the whole series.
struct UnitRun {
  std::vector<uint8_t> flags;  // full length
  Json details;                // rules, vote, text, errors
  std::string text;            // the trained rules ("" when none were kept)
  int64_t rules = 0;
  int64_t evaluations = 0;
};

// rules-group: the unit's group rule trained on `history` (its fitting part [0, fit_end)), run by
// the engine over the whole series; the unit is flagged where the vote OR the group rule fires.
Status AddGroupRule(const EvalUnit& u, const std::vector<TimeSeries>& history, size_t fit_end, size_t train_end,
                    const RulesTraining& training, UnitRun& out) {
  TrainerOptions options = training.options;
  options.group_rule = true;
  options.group = training.group;
  std::vector<LeftOutSeries> left_out;  // members with too little history: not in its training data
  ASSIGN_OR_RETURN(TrainedTarget g, TrainGroupRule(history, u.name, options, &left_out));
  out.evaluations += g.evaluations;
  if (!g.group_error.empty()) return InvalidArgumentError("unit `" + u.name + "`: " + g.group_error);
  Json gj{{"note", g.group_note}};
  if (!left_out.empty()) {
    gj["left_out"] = Json::array();
    for (const LeftOutSeries& l : left_out) gj["left_out"].push_back(l.series);
  }
  if (!g.rule_text.empty()) {
    ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(g.rule_text, u.name + ".group.rules"));
    ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(compiled, u.members));
    std::vector<uint8_t> group(out.flags.size(), 0);
    for (const auto& f : r.flags) {
      for (size_t i = 0; i < f.size() && i < group.size(); ++i) group[i] |= f[i] ? 1 : 0;
    }
    int64_t holdout_flagged = 0, flagged = 0, only = 0;
    for (size_t i = 0; i < group.size(); ++i) {
      flagged += group[i];
      only += group[i] && !out.flags[i];
      if (i >= fit_end && i < train_end) holdout_flagged += group[i];
      out.flags[i] |= group[i];
    }
    gj["text"] = g.rule_text;
    gj["flagged"] = flagged;
    gj["flagged_not_by_vote"] = only;
    gj["vote_holdout_flagged"] = holdout_flagged;
    out.text += g.rule_text;
    ++out.rules;
  }
  out.details["group_rule"] = gj;
  return Status::Ok();
}

// The rules path of one unit with `train_end` as its training part: trains on the members'
// points [0, train_end) (with the unit's training labels when it has them; then train_end ≤
// split), compiles the kept rules and runs them with the engine over the whole series; the vote
// as RulesDetector says, its held-out tail taken from [0, train_end).
Result<UnitRun> TrainAndFlag(const EvalUnit& u, size_t train_end, const RulesTraining& training) {
  const int min_votes = training.min_votes;
  const VoteSelection& vote = training.vote;
  if (!u.train_labels.empty() && train_end > u.train_labels.size()) {
    return InvalidArgumentError("unit `" + u.name + "`: training labels end at " +
                                std::to_string(u.train_labels.size()) + ", training asked up to " +
                                std::to_string(train_end));
  }
  // Multi-member units with a vote to choose keep the last part of the training part back.
  const bool choose_vote = min_votes == 0 && u.members.size() > 1;
  const size_t holdout =
      choose_vote ? static_cast<size_t>(static_cast<double>(train_end) * vote.holdout_fraction) : 0;
  const size_t fit_end = train_end - holdout;
  // History = the (fitting) training part only; its labels when the split has them.
  std::vector<TimeSeries> history;
  for (const TimeSeries& m : u.members) {
    TimeSeries h = m.SliceIndex(0, fit_end);
    if (!u.train_labels.empty())
      h.anomaly_labels.assign(u.train_labels.begin(), u.train_labels.begin() + fit_end);
    history.push_back(std::move(h));
  }
  ASSIGN_OR_RETURN(TrainingRun run, TrainRules(history, {}, *training.proposer, training.options));
  UnitRun out;
  out.text = run.CombinedRules();
  out.flags.assign(u.members.empty() ? 0 : u.members[0].size(), 0);
  int errors = 0;
  for (const TrainedTarget& t : run.targets) {
    out.evaluations += t.evaluations;
    if (!t.status.ok() && errors++ < 3) out.details["errors"].push_back(t.target + ": " + t.status.message());
  }
  if (out.text.empty()) {
    out.details["rules"] = 0;
  } else {
    ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(out.text, u.name + ".rules"));
    out.rules = static_cast<int64_t>(compiled.rules.size());
    ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(compiled, u.members));
    std::vector<int> votes(out.flags.size(), 0);
    for (const auto& f : r.flags) {
      for (size_t i = 0; i < f.size() && i < out.flags.size(); ++i) votes[i] += f[i] ? 1 : 0;
    }
    const int members = static_cast<int>(u.members.size());
    // A unit with fewer members than the vote (KPI, NAB: one) needs all of them.
    const int need = choose_vote ? ChooseVote(votes, fit_end, train_end, members, vote.max_holdout_flag_rate)
                                 : std::min(std::max(1, min_votes), members);
    for (size_t i = 0; i < out.flags.size(); ++i) out.flags[i] = votes[i] >= need;
    out.details["rules"] = out.rules;
    if (members > 1) out.details["vote"] = need;
    if (u.members.size() == 1) out.details["text"] = out.text;
  }
  if (training.group && u.members.size() > 1) RETURN_IF_ERROR(AddGroupRule(u, history, fit_end, train_end, training, out));
  return out;
}

Json RulesDetails(const RulesTraining& training) {
  const TrainerOptions& options = training.options;
  const int min_votes = training.min_votes;
  const VoteSelection& vote = training.vote;
  Json d{{"proposer", std::string(training.proposer->name())},
         {"mode", std::string(TrainModeName(options.mode))},
         {"objective", std::string(ObjectiveName(options.objective))},
         {"validation_fraction", options.validation_fraction},
         {"min_votes", min_votes == 0 ? Json("chosen on a held-out training tail") : Json(min_votes)}};
  if (min_votes == 0) {
    d["vote_holdout_fraction"] = vote.holdout_fraction;
    d["vote_max_holdout_flag_rate"] = vote.max_holdout_flag_rate;
  }
  if (training.group) {
    d["group_rule"] = GroupScoreExpression(*training.group) + " > T and " + GroupGuard(*training.group) +
                      " (T: the training maximum where the guard holds; units with several members; flags = "
                      "vote OR group rule)";
  }
  return d;
}

}  // namespace

Result<std::vector<std::vector<uint8_t>>> RulesDetector::Run(const std::vector<EvalUnit>& units) {
  std::vector<std::vector<uint8_t>> out;
  details_ = RulesDetails(training_);
  Json per_unit = Json::array();
  rules_.clear();
  if (llm_ != nullptr) llm_before_ = llm_->Usage();
  int64_t rule_count = 0, evaluations = 0;
  for (const EvalUnit& u : units) {
    ASSIGN_OR_RETURN(UnitRun run, TrainAndFlag(u, u.split, training_));
    Json uj{{"series", u.name}};
    uj.update(run.details);
    rule_count += run.rules;
    evaluations += run.evaluations;
    rules_ += run.text;
    per_unit.push_back(uj);
    out.push_back(std::move(run.flags));
  }
  details_["rules_total"] = rule_count;
  details_["engine_evaluations"] = evaluations;
  if (llm_ != nullptr) {
    const TokenUsage used = LlmUsage();
    details_["llm"] = llm_->Describe();
    details_["llm_prompt_tokens"] = used.prompt_tokens;
    details_["llm_completion_tokens"] = used.completion_tokens;
  }
  details_["per_series"] = per_unit;
  return out;
}

std::vector<size_t> RefitCheckpoints(size_t split, size_t n) {
  std::vector<size_t> out;
  if (split == 0) return out;
  for (size_t c = split; c <= n / 2;) {
    c *= 2;
    if (c >= n) break;
    out.push_back(c);
  }
  return out;
}

std::vector<uint8_t> StitchSegments(const std::vector<std::vector<uint8_t>>& flags,
                                    const std::vector<size_t>& starts, size_t n) {
  std::vector<uint8_t> out(n, 0);
  size_t set = 0;
  for (size_t i = 0; i < n; ++i) {
    while (set < starts.size() && starts[set] <= i) ++set;
    if (set < flags.size() && i < flags[set].size()) out[i] = flags[set][i] ? 1 : 0;
  }
  return out;
}

std::string RulesDetector::name() const {
  if (!name_.empty()) return name_;
  const std::string p(training_.proposer->name());
  if (!training_.group) return "rules-" + p;
  return p == "builtin" ? "rules-group" : "rules-" + p + "-group";
}

std::string RulesRefitDetector::name() const {
  const std::string p(training_.proposer->name());
  return p == "builtin" ? "rules-refit" : "rules-" + p + "-refit";
}

Result<std::vector<std::vector<uint8_t>>> RulesRefitDetector::Run(const std::vector<EvalUnit>& units) {
  details_ = RulesDetails(training_);
  details_["schedule"] =
      "re-trained on all points before each checkpoint 2^k x the training part (k >= 1) below the series "
      "length; each rule set flags from its checkpoint to the next";
  for (const EvalUnit& u : units) {
    if (!u.train_labels.empty()) {
      return InvalidArgumentError(
          name() + ": unit `" + u.name +
          "` has a labeled training part (KPI); re-training past it would need labels of the scored part, "
          "which no detector may read: use `rules` for labeled targets");
    }
  }
  std::vector<std::vector<uint8_t>> out;
  Json per_unit = Json::array();
  int64_t rule_count = 0, evaluations = 0, refits = 0;
  for (const EvalUnit& u : units) {
    const size_t n = u.members.empty() ? 0 : u.members[0].size();
    const std::vector<size_t> checkpoints = RefitCheckpoints(u.split, n);
    // Rule set 0 is trained on the training part as `rules` does; set k on [0, checkpoints[k-1]).
    std::vector<size_t> train_ends(checkpoints.size() + 1, u.split);
    std::copy(checkpoints.begin(), checkpoints.end(), train_ends.begin() + 1);
    refits += static_cast<int64_t>(checkpoints.size());
    std::vector<std::vector<uint8_t>> set_flags;
    Json segments = Json::array();
    for (size_t k = 0; k < train_ends.size(); ++k) {
      ASSIGN_OR_RETURN(UnitRun run, TrainAndFlag(u, train_ends[k], training_));
      Json sj{{"trained_on_end", static_cast<int64_t>(train_ends[k])},
              {"flags_from", static_cast<int64_t>(k == 0 ? 0 : train_ends[k])},
              {"flags_to", static_cast<int64_t>(k + 1 < train_ends.size() ? train_ends[k + 1] : n)}};
      sj.update(run.details);
      segments.push_back(sj);
      rule_count += run.rules;
      evaluations += run.evaluations;
      set_flags.push_back(std::move(run.flags));
    }
    Json cj = Json::array();
    for (size_t c : checkpoints) cj.push_back(static_cast<int64_t>(c));
    per_unit.push_back(Json{{"series", u.name}, {"checkpoints", cj}, {"segments", segments}});
    out.push_back(StitchSegments(set_flags, checkpoints, n));
  }
  details_["refits_total"] = refits;
  details_["rules_total"] = rule_count;
  details_["engine_evaluations"] = evaluations;
  details_["per_series"] = per_unit;
  return out;
}

}  // namespace vigil

namespace vigil {

std::vector<double> SumOfNormalisedResiduals(const std::vector<std::vector<double>>& residuals,
                                             size_t norm_begin, size_t norm_end, double floor, double clip) {
  size_t n = 0;
  for (const auto& r : residuals) n = std::max(n, r.size());
  std::vector<double> sum(n, 0.0);
  for (const auto& r : residuals) {
    double norm = 0;
    for (size_t i = norm_begin; i < std::min(norm_end, r.size()); ++i) {
      if (std::isfinite(r[i])) norm = std::max(norm, r[i]);
    }
    norm = std::max(norm, floor);
    for (size_t i = 0; i < r.size(); ++i) {
      if (std::isfinite(r[i])) sum[i] += std::min(r[i] / norm, clip);
    }
  }
  return sum;
}

Result<std::vector<std::vector<uint8_t>>> ResidualSumDetector::Run(const std::vector<EvalUnit>& units) {
  if (options_.windows.empty()) return InvalidArgumentError(name_ + ": no windows");
  if (!(options_.floor > 0) || !(options_.clip > 0)) {
    return InvalidArgumentError(name_ + ": floor and clip must be > 0");
  }
  Json windows = Json::array();
  for (int w : options_.windows) windows.push_back(static_cast<int64_t>(w));
  details_ = Json{{"windows", windows},
                  {"clip", options_.clip},
                  {"floor", options_.floor},
                  {"holdout_fraction", options_.holdout_fraction}};
  AddTailThresholdDetails(options_.threshold, &details_);
  Json per_unit = Json::array();
  std::vector<std::vector<uint8_t>> out;
  scores_.clear();
  for (const EvalUnit& u : units) {
    const size_t n = u.members.empty() ? 0 : u.members[0].size();
    const size_t holdout = static_cast<size_t>(static_cast<double>(u.split) * options_.holdout_fraction);
    const size_t fit_end = u.split - holdout;
    if (holdout == 0 ||
        fit_end <= static_cast<size_t>(*std::max_element(options_.windows.begin(), options_.windows.end()))) {
      return InvalidArgumentError(name_ + ": unit `" + u.name + "` has " + std::to_string(u.split) +
                                  " training points, too few for a held-out tail and the windows");
    }
    TrainingData data;
    data.target = u.name;
    data.train = u.members;  // the engine runs over the whole series; only [0, split) sets thresholds
    data.labeled = false;
    EngineEvaluator engine(data, Objective::kPointAdjusted, 7);
    std::vector<std::vector<double>> residuals;
    for (int w : options_.windows) {
      const std::string expr = "abs(value - median(lag(value, 1), " + std::to_string(w) + "p))";
      ASSIGN_OR_RETURN(std::vector<std::vector<double>> v, engine.Values(expr, Split::kTrain));
      for (auto& r : v) residuals.push_back(std::move(r));
    }
    // Each term is normalised on the fitting part past the longest window (full windows only).
    const size_t warm =
        static_cast<size_t>(*std::max_element(options_.windows.begin(), options_.windows.end()));
    const std::vector<double> score =
        SumOfNormalisedResiduals(residuals, warm, fit_end, options_.floor, options_.clip);
    Json chosen;
    Result<double> threshold_or = ChooseTailThreshold(score, fit_end, u.split, options_.threshold, &chosen);
    if (!threshold_or.ok())
      return InvalidArgumentError(name_ + ": unit `" + u.name + "`: " + threshold_or.status().message());
    const double threshold = *threshold_or;
    std::vector<uint8_t> flags(n, 0);
    for (size_t i = 0; i < n && i < score.size(); ++i) flags[i] = score[i] > threshold;
    per_unit.push_back(Json{{"series", u.name},
                            {"threshold", threshold},
                            {"threshold_choice", chosen},
                            {"terms", static_cast<int64_t>(residuals.size())}});
    out.push_back(std::move(flags));
    std::vector<double> s(n, NAN);
    std::copy_n(score.begin(), std::min(n, score.size()), s.begin());
    scores_.push_back(ScoreOverThreshold({s}, {threshold}));
  }
  details_["per_series"] = per_unit;
  return out;
}

}  // namespace vigil
