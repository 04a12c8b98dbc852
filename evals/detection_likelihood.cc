#include "evals/detection_likelihood.h"

#include <cmath>

namespace vigil {

Result<std::vector<std::vector<uint8_t>>> LikelihoodDetector::Run(const std::vector<EvalUnit>& units) {
  const std::string me = name();
  Result<std::vector<std::vector<uint8_t>>> base_flags = base_->Run(units);
  if (!base_flags.ok()) return Status(base_flags.status().code(), me + ": " + base_flags.status().message());
  const std::vector<std::vector<double>>* raw = base_->LastScores();
  if (raw == nullptr) {
    return FailedPreconditionError(me + ": the base detector `" + base_->name() +
                                   "` has no continuous score");
  }
  if (raw->size() != units.size()) {
    return FailedPreconditionError(me + ": the base returned " + std::to_string(raw->size()) +
                                   " score series for " + std::to_string(units.size()) + " units");
  }
  const AnomalyLikelihoodOptions defaults;
  details_ = Json{{"base", base_->name()},
                  {"base_details", base_->Details()},
                  {"raw_score", "the base's score / its label-free threshold (LastScores)"},
                  {"probationary", "the training part"},
                  {"learning_period", "half the training part"},
                  {"historic_window", defaults.historic_window},
                  {"averaging_window", defaults.averaging_window},
                  {"reestimation_period", defaults.reestimation_period},
                  {"red", defaults.red},
                  {"yellow", defaults.yellow},
                  {"min_mean", defaults.min_mean},
                  {"min_variance", defaults.min_variance}};
  const double flag_level = AnomalyLikelihood::LogLikelihood(defaults.red);
  Json per_series = Json::array();
  std::vector<std::vector<uint8_t>> out;
  scores_.clear();
  for (size_t u = 0; u < units.size(); ++u) {
    const EvalUnit& unit = units[u];
    const std::vector<double>& s = (*raw)[u];
    const size_t n = unit.members.empty() ? 0 : unit.members[0].values.size();
    if (s.size() != n) {
      return FailedPreconditionError(me + ": unit `" + unit.name + "`: the base's score has " +
                                     std::to_string(s.size()) + " points, the unit " + std::to_string(n));
    }
    std::vector<double> tails;
    Result<std::vector<double>> l =
        AnomalyLikelihoods(s, AnomalyLikelihoodOptions::ForProbationary(unit.split), &tails);
    if (!l.ok()) return Status(l.status().code(), me + ": unit `" + unit.name + "`: " + l.status().message());
    std::vector<uint8_t> flags(n, 0);
    std::vector<double> rel(n, NAN);
    size_t non_finite = 0, alarms = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(tails[i])) {
        ++non_finite;
        continue;
      }
      flags[i] = tails[i] <= defaults.red;
      rel[i] = AnomalyLikelihood::LogLikelihood(tails[i]) / flag_level;
      if (flags[i] && i >= unit.split) ++alarms;
    }
    per_series.push_back(
        Json{{"series", unit.name}, {"no_base_score", non_finite}, {"scored_alarms", alarms}});
    out.push_back(std::move(flags));
    scores_.push_back(std::move(rel));
  }
  details_["per_series"] = per_series;
  return out;
}

}  // namespace vigil
