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

Result<std::vector<std::vector<uint8_t>>> RulesDetector::Run(const std::vector<EvalUnit>& units) {
  std::vector<std::vector<uint8_t>> out;
  details_ =
      Json{{"proposer", std::string(proposer_->name())},
           {"mode", std::string(TrainModeName(options_.mode))},
           {"objective", std::string(ObjectiveName(options_.objective))},
           {"validation_fraction", options_.validation_fraction},
           {"min_votes", min_votes_ == 0 ? Json("chosen on a held-out training tail") : Json(min_votes_)}};
  if (min_votes_ == 0) {
    details_["vote_holdout_fraction"] = vote_.holdout_fraction;
    details_["vote_max_holdout_flag_rate"] = vote_.max_holdout_flag_rate;
  }
  Json per_unit = Json::array();
  rules_.clear();
  if (llm_ != nullptr) llm_before_ = llm_->Usage();
  int64_t rule_count = 0, evaluations = 0;
  for (const EvalUnit& u : units) {
    // Multi-member units with a vote to choose keep the last part of the training part back.
    const bool choose_vote = min_votes_ == 0 && u.members.size() > 1;
    const size_t holdout =
        choose_vote ? static_cast<size_t>(static_cast<double>(u.split) * vote_.holdout_fraction) : 0;
    const size_t fit_end = u.split - holdout;
    // History = the (fitting) training part only; its labels when the split has them.
    std::vector<TimeSeries> history;
    for (const TimeSeries& m : u.members) {
      TimeSeries h = m.SliceIndex(0, fit_end);
      if (!u.train_labels.empty())
        h.anomaly_labels.assign(u.train_labels.begin(), u.train_labels.begin() + fit_end);
      history.push_back(std::move(h));
    }
    ASSIGN_OR_RETURN(TrainingRun run, TrainRules(history, {}, *proposer_, options_));
    std::string text = run.CombinedRules();
    std::vector<uint8_t> flags(u.members.empty() ? 0 : u.members[0].size(), 0);
    Json uj{{"series", u.name}};
    int errors = 0;
    for (const TrainedTarget& t : run.targets) {
      evaluations += t.evaluations;
      if (!t.status.ok() && errors++ < 3) uj["errors"].push_back(t.target + ": " + t.status.message());
    }
    if (!text.empty()) {
      ASSIGN_OR_RETURN(CompiledRules compiled, CompileRules(text, u.name + ".rules"));
      rule_count += static_cast<int64_t>(compiled.rules.size());
      ASSIGN_OR_RETURN(BatchResult r, EvaluateBatch(compiled, u.members));
      std::vector<int> votes(flags.size(), 0);
      for (const auto& f : r.flags) {
        for (size_t i = 0; i < f.size() && i < flags.size(); ++i) votes[i] += f[i] ? 1 : 0;
      }
      const int members = static_cast<int>(u.members.size());
      // A unit with fewer members than the vote (KPI, NAB: one) needs all of them.
      const int need = choose_vote ? ChooseVote(votes, fit_end, u.split, members, vote_.max_holdout_flag_rate)
                                   : std::min(std::max(1, min_votes_), members);
      for (size_t i = 0; i < flags.size(); ++i) flags[i] = votes[i] >= need;
      uj["rules"] = static_cast<int64_t>(compiled.rules.size());
      if (members > 1) uj["vote"] = need;
      if (u.members.size() == 1) uj["text"] = text;
      rules_ += text;
    } else {
      uj["rules"] = 0;
    }
    per_unit.push_back(uj);
    out.push_back(std::move(flags));
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
