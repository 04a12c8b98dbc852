#include "evals/detection_rules.h"

#include "detectors/engine.h"
#include "rules/compiler.h"

namespace vigil {

Result<std::vector<std::vector<uint8_t>>> RulesDetector::Run(const std::vector<EvalUnit>& units) {
  std::vector<std::vector<uint8_t>> out;
  details_ = Json{{"proposer", std::string(proposer_->name())},
                  {"mode", std::string(TrainModeName(options_.mode))},
                  {"objective", std::string(ObjectiveName(options_.objective))},
                  {"validation_fraction", options_.validation_fraction},
                  {"min_votes", min_votes_}};
  Json per_unit = Json::array();
  rules_.clear();
  int64_t rule_count = 0, evaluations = 0;
  for (const EvalUnit& u : units) {
    // History = the training part only; its labels when the split has them.
    std::vector<TimeSeries> history;
    for (const TimeSeries& m : u.members) {
      TimeSeries h = m.SliceIndex(0, u.split);
      if (!u.train_labels.empty()) h.anomaly_labels = u.train_labels;
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
      // A unit with fewer members than the vote (KPI, NAB: one) needs all of them.
      const int need = std::min(min_votes_, static_cast<int>(u.members.size()));
      for (size_t i = 0; i < flags.size(); ++i) flags[i] = votes[i] >= need;
      uj["rules"] = static_cast<int64_t>(compiled.rules.size());
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
  details_["per_series"] = per_unit;
  return out;
}

}  // namespace vigil
