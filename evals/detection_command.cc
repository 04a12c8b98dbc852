#include "evals/detection_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/config.h"
#include "core/rule_plan.h"
#include "core/source_tree.h"
#include "core/strings.h"
#include "evals/detection_aggregate.h"
#include "evals/detection_cad.h"
#include "evals/detection_likelihood.h"
#include "evals/detection_pca.h"
#include "evals/detection_peers.h"
#include "evals/detection_rules.h"
#include "training/builtin_proposer.h"
#include "training/llm_proposer.h"

namespace vigil {
namespace {

std::string NumberText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The numeric options' ranges, before any data is read (NaN fails every comparison, so each range
// is tested as "inside"). The CLI refuses negative whole numbers for the unsigned ones.
Status CheckNumericOptions(const DetectCommandOptions& o) {
  if (o.mad_window < 1) return InvalidArgumentError("--mad-window must be at least 1, got 0");
  if (o.delay_k < 0)
    return InvalidArgumentError("--delay-k must be at least 0, got " + std::to_string(o.delay_k));
  if (!(o.nab_refractory_fraction >= 0 && o.nab_refractory_fraction <= 1)) {
    return InvalidArgumentError("--nab-refractory must be a fraction in [0, 1], got " +
                                NumberText(o.nab_refractory_fraction));
  }
  if (o.builtin.max_rules < 1)
    return InvalidArgumentError("--rules-max must be at least 1, got " + std::to_string(o.builtin.max_rules));
  if (!(o.builtin.unlabeled_margin >= 0 && std::isfinite(o.builtin.unlabeled_margin))) {
    return InvalidArgumentError("--rules-margin must be a finite number >= 0, got " +
                                NumberText(o.builtin.unlabeled_margin));
  }
  if (!(o.builtin.min_gain >= 0 && o.builtin.min_gain <= 1))
    return InvalidArgumentError("--rules-min-gain must be in [0, 1], got " + NumberText(o.builtin.min_gain));
  if (o.rules_min_votes < 0)
    return InvalidArgumentError("--rules-vote must be at least 0, got " + std::to_string(o.rules_min_votes));
  // A rule's point window may not exceed the rule language's limit (RuleLimits), so none would compile.
  const int64_t max_window = RuleLimits{}.max_window_points;
  for (int w : o.builtin.windows) {
    if (w < 1 || w > max_window) {
      return InvalidArgumentError("--rules-windows: every window must be 1 to " + std::to_string(max_window) +
                                  " points, got " + std::to_string(w));
    }
  }
  return Status::Ok();
}

// The default dataset folder `relative` (../shared/datasets/<dataset>, relative to the repository
// root) found from the working folder, else beside the executable (<prefix> of <prefix>/bin/vigil),
// else beside the source tree this binary was built from (VIGIL_SOURCE_DIR), as the iforest script
// is (detection_peers.cc): eval detect run from another folder still finds the data.
// InvalidArgument naming every place looked in and --data when in none.
Result<std::string> DefaultDataPath(const std::string& relative) {
  if (std::optional<std::string> found = FindInWorkingOrSourceTree(relative)) return *found;
  return InvalidArgumentError("no --data given, and the default dataset folder " + relative +
                              " is not in " + DescribeSearch(relative) + ": pass --data with the dataset's folder");
}

}  // namespace

std::vector<ReportOption> RecordedOptions(const DetectCommandOptions& o) {
  std::vector<std::string> windows;
  for (int w : o.builtin.windows) windows.push_back(std::to_string(w));
  std::vector<ReportOption> r = {
      {"--dataset", "dataset", o.dataset},
      // Absolute: the same data reads the same from any working folder (the default is found
      // from the working folder or beside the source tree).
      {"--data", "data", [&] {
         std::error_code ec;
         const std::filesystem::path p = std::filesystem::weakly_canonical(o.data_path, ec);
         return ec ? o.data_path : p.string();
       }()},
      {"--filter", "filter", o.set.name_filter.empty() ? Json() : Json(o.set.name_filter)},
      {"--max-series", "max_series", o.set.max_series},
      {"--max-points", "max_points", o.set.max_points},
      {"--detectors", "detectors", JoinStrings(o.detectors, ",")},
      {"--delay-k", "delay_k", o.delay_k},
      {"--nab-refractory", "nab_refractory", o.nab_refractory_fraction},
      {"--mad-window", "mad_window", o.mad_window},
      {"--rules-max", "rules_max", o.builtin.max_rules},
      {"--rules-margin", "rules_margin", o.builtin.unlabeled_margin},
      {"--rules-min-gain", "rules_min_gain", o.builtin.min_gain},
      {"--rules-unlabeled-levels", "rules_unlabeled_levels", o.builtin.unlabeled_levels},
      {"--rules-rank", "rules_rank", std::string(UnlabeledRankName(o.builtin.unlabeled_rank))},
      {"--rules-flatline", "rules_flatline", std::string(UnlabeledFlatlineName(o.builtin.unlabeled_flatline))},
      // 0: chosen per unit on the training part's tail (the flag's absence).
      {"--rules-vote", "rules_vote", o.rules_min_votes == 0 ? Json() : Json(o.rules_min_votes)},
      {"--rules-windows", "rules_windows", JoinStrings(windows, ",")},
      {"--threshold", "threshold", o.threshold},
  };
  if (o.threshold == "pot") {
    r.push_back({"--pot-level", "pot_level", o.pot.level});
    r.push_back({"--pot-risk", "pot_risk", o.pot.risk});
  }
  return r;
}

Result<DetectionReport> RunDetectCommand(DetectCommandOptions options) {
  if (options.dataset != "kpi" && options.dataset != "smd" && options.dataset != "nab" &&
      options.dataset != "smd-train" && options.dataset != "gpu") {
    return InvalidArgumentError(
        "--dataset must be kpi, smd, nab or gpu (or smd-train, a label-free check), got `" + options.dataset +
        "`");
  }
  RETURN_IF_ERROR(CheckNumericOptions(options));
  // --rules-rank orders the builtin proposer's unlabeled review, which only these detectors run
  // (rules-aggregate's proposer sees labeled targets only); elsewhere it would be ignored silently.
  // --rules-flatline likewise sets the unlabeled flatline fit of that proposer: a value other than
  // this command's default is refused without one of them.
  const std::vector<std::string> builtin_rules = {"rules", "rules-refit", "rules-group", "rules-vote-only"};
  const bool any_builtin_rules = std::any_of(
      options.detectors.begin(), options.detectors.end(), [&](const std::string& d) {
        return std::find(builtin_rules.begin(), builtin_rules.end(), d) != builtin_rules.end();
      });
  const std::string none_of_them =
      " applies only to the builtin rules detectors (rules, rules-refit, rules-group, rules-vote-only); "
      "--detectors has none of them";
  if (options.builtin.unlabeled_rank != UnlabeledRank::kSensitivity && !any_builtin_rules) {
    return InvalidArgumentError("--rules-rank " + std::string(UnlabeledRankName(options.builtin.unlabeled_rank)) +
                                none_of_them);
  }
  if (options.builtin.unlabeled_flatline != DetectCommandOptions{}.builtin.unlabeled_flatline && !any_builtin_rules) {
    return InvalidArgumentError("--rules-flatline " +
                                std::string(UnlabeledFlatlineName(options.builtin.unlabeled_flatline)) +
                                none_of_them);
  }
  if (options.data_path.empty()) {
    Result<std::string> path = DefaultDataPath(
        options.dataset == "gpu"  // the recorded H200 runs ship in the repository
            ? std::string("data/gpu_telemetry")
            : "../shared/datasets/" + (options.dataset == "smd-train" ? std::string("smd") : options.dataset) +
                  (options.dataset == "kpi" ? "/train" : ""));
    if (!path.ok()) return path.status();
    options.data_path = *path;
  }
  if (options.out_dir.empty()) options.out_dir = "eval-out/detect-" + options.dataset;
  ThresholdOptions thresholds;
  thresholds.objective = Objective::kDelayPointAdjusted;
  thresholds.delay_k = options.delay_k;
  if (options.threshold != "tail-max" && options.threshold != "pot") {
    return InvalidArgumentError("--threshold must be tail-max or pot, got `" + options.threshold + "`");
  }
  const bool pot = options.threshold == "pot";
  // Checked here, not per unit: a unit whose tail cannot be fitted falls back to its tail max, so a
  // setting that no tail could satisfy would otherwise pass silently.
  if (pot && !(options.pot.level > 0 && options.pot.level < 1)) {
    return InvalidArgumentError("--pot-level must be in (0, 1), got " + std::to_string(options.pot.level));
  }
  if (pot && !(options.pot.risk > 0 && options.pot.risk < 1 - options.pot.level)) {
    return InvalidArgumentError(
        "--pot-risk must be in (0, 1 - --pot-level = " + std::to_string(1 - options.pot.level) + "), got " +
        std::to_string(options.pot.risk) + ": z_q must lie in the fitted tail");
  }
  const std::string suffix = pot ? "-pot" : "";
  // The multi-member score detectors' threshold; `parts` > 1 inside an any-of (Bonferroni).
  auto tail = [&](size_t parts) {
    TailThreshold t;
    if (pot) {
      t.method = TailThresholdMethod::kPot;
      t.pot = options.pot;
      t.pot.risk /= static_cast<double>(parts);
    }
    return t;
  };
  auto residual_sum = [&](size_t parts) {
    return std::make_unique<ResidualSumDetector>(ResidualSumOptions{.threshold = tail(parts)},
                                                 "residual-sum" + suffix);
  };
  // "pca-spe-residual", alone and as a part of "residual-or-spe-residual".
  auto spe = [&](bool residual, size_t parts) {
    PcaSpeOptions o;
    if (residual) o.baseline_window = 1440, o.clip = 5;
    o.threshold = tail(parts);
    return std::make_unique<PcaSpeDetector>(o, (residual ? "pca-spe-residual" : "pca-spe") + suffix);
  };
  auto any_of = [&](const std::string& name, bool residual) {
    std::vector<std::unique_ptr<BenchDetector>> parts;
    parts.push_back(residual_sum(2));
    parts.push_back(spe(residual, 2));
    return std::make_unique<AnyOfDetector>(name + suffix, std::move(parts));
  };
  std::vector<std::unique_ptr<BenchDetector>> detectors;
  size_t takes_threshold = 0;
  const std::vector<std::string> known = {"rules",           "rules-llm",        "mad-band",         "iforest",
                                          "rules-aggregate", "residual-sum",     "pca-spe",
                                          "residual-or-spe", "pca-spe-residual", "residual-or-spe-residual",
                                          "cad-ose",         "cad-ose-nabrange", "cad-ose-grow",
                                          "cad-ose-wide",    "knn-cad",          "rules-refit",
                                          "rules-group",     "rules-vote-only"};
  // Builds one named detector (not "-likelihood"); null for an unknown name.
  auto build = [&](const std::string& name) -> std::unique_ptr<BenchDetector> {
    if (name == "rules" || name == "rules-refit" || name == "rules-group" || name == "rules-vote-only") {
      TrainerOptions t;
      t.mode = TrainMode::kOneForOne;  // SMD: one target per dimension, flags OR-ed per machine
      t.objective = Objective::kDelayPointAdjusted;
      t.delay_k = options.delay_k;
      if (name == "rules-refit") {  // unlabeled targets; re-trained at doubling checkpoints (README)
        return std::make_unique<RulesRefitDetector>(std::make_unique<BuiltinProposer>(options.builtin), t,
                                                    options.rules_min_votes);
      }
      // rules (and rules-group): on units of several members the vote OR the unit's group rule
      // (training/group_family.h), adopted for `rules` by evals/README.md's pre-registered rule after
      // its one SMD run; one-member units are unchanged. rules-vote-only: the vote alone (`rules` before).
      std::optional<GroupFamilyOptions> group;
      if (name != "rules-vote-only") group = GroupFamilyOptions{};
      auto d = std::make_unique<RulesDetector>(std::make_unique<BuiltinProposer>(options.builtin), t,
                                               options.rules_min_votes, VoteSelection{}, group);
      if (name == "rules") d->SetName("rules-builtin");
      if (name == "rules-vote-only") d->SetName("rules-vote-only");
      return d;
    } else if (name == "rules-llm") {  // the Argos agents; needs options.llm (checked below)
      TrainerOptions t;
      t.mode = TrainMode::kOneForOne;
      t.objective = Objective::kDelayPointAdjusted;
      t.delay_k = options.delay_k;
      RuleAgentOptions agents;
      agents.stream = options.llm_stream;
      auto d = std::make_unique<RulesDetector>(std::make_unique<LlmProposer>(options.llm, agents), t,
                                               options.rules_min_votes);
      d->MeterLlm(options.llm);
      return d;
    } else if (name == "rules-aggregate") {  // evals/detection_aggregate.h: base = the mad-band peer
      TrainerOptions t;
      t.delay_k = options.delay_k;
      return std::make_unique<AggregateRulesDetector>(
          options.mad_window, thresholds, t, AggregationOptions{.pooled_review = options.builtin.pooled_review},
          std::make_unique<BuiltinProposer>(options.builtin));
    } else if (name == "residual-sum") {  // evals/detection_rules.h
      ++takes_threshold;
      return residual_sum(1);
    } else if (name == "pca-spe" || name == "pca-spe-residual") {  // evals/detection_pca.h; README says why
      ++takes_threshold;
      return spe(name == "pca-spe-residual", 1);
    } else if (name == "residual-or-spe-residual" || name == "residual-or-spe") {
      // residual-or-spe-residual was chosen after seeing test scores (README).
      ++takes_threshold;
      return any_of(name, name == "residual-or-spe-residual");
    } else if (name == "cad-ose" || name == "cad-ose-nabrange" || name == "cad-ose-grow" ||
               name == "cad-ose-wide") {  // NAB; evals/detection_cad.h
      using R = CadOseDetector::Range;
      const R range = name == "cad-ose-nabrange" ? R::kWholeFile
                      : name == "cad-ose-grow"   ? R::kGrowing
                      : name == "cad-ose-wide"   ? R::kWidened
                                                 : R::kTraining;
      return std::make_unique<CadOseDetector>(range);
    } else if (name == "knn-cad") {  // evals/detection_cad.h (NAB)
      return std::make_unique<KnnCadBenchDetector>();
    } else if (name == "mad-band") {
      return std::make_unique<MadBandDetector>(options.mad_window, thresholds);
    } else if (name == "iforest") {
      // Its exchange files go in a temporary folder of their own, not the report folder.
      return std::make_unique<IForestDetector>(options.python, options.iforest_script, /*work_dir=*/"", thresholds);
    }
    return nullptr;
  };
  // "<base>-likelihood" (evals/detection_likelihood.h) takes any detector with one continuous score.
  const std::string kLikelihood = "-likelihood";
  bool asks_llm = false;
  for (const std::string& name : options.detectors) {
    const bool likelihood = name.size() > kLikelihood.size() &&
                            name.compare(name.size() - kLikelihood.size(), kLikelihood.size(), kLikelihood) == 0;
    const std::string base = likelihood ? name.substr(0, name.size() - kLikelihood.size()) : name;
    if (base == "rules-llm" && options.llm == nullptr) {
      return InvalidArgumentError("detector `" + name +
                                  "` needs an LLM endpoint: set VIGIL_LLM_URL (and VIGIL_LLM_MODEL)");
    }
    asks_llm = asks_llm || base == "rules-llm";
    if (base == "rules-refit" && options.dataset == "kpi") {  // the detector refuses labeled units too
      return InvalidArgumentError("detector `" + name +
                                  "` is for unlabeled targets (nab, smd): KPI's training part is labeled and "
                                  "re-training past it would need the scored part's labels; use `rules`");
    }
    std::unique_ptr<BenchDetector> d = build(base);
    if (d != nullptr && likelihood && d->LastScores() == nullptr) {
      // Refused here rather than after the base's whole run; the bases are the detectors with a score.
      std::string bases;
      for (const std::string& k : known) {
        std::unique_ptr<BenchDetector> b = build(k);
        if (b->LastScores() != nullptr) bases += (bases.empty() ? "" : ", ") + k;
      }
      return InvalidArgumentError("detector `" + name + "`: `" + base +
                                  "` has no single continuous score for the likelihood (bases: " + bases + ")");
    }
    if (d == nullptr) {
      std::vector<std::string> names = known;
      names.push_back("<base>-likelihood");
      std::string close = ClosestMatch(base, known);
      if (likelihood && !close.empty()) close += kLikelihood;
      std::string list;
      for (const std::string& k : names) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgumentError("unknown detector `" + name + "` (known: " + list + ")" +
                                  (close.empty() ? "" : "; did you mean `" + close + "`?"));
    }
    if (likelihood) d = std::make_unique<LikelihoodDetector>(std::move(d));
    detectors.push_back(std::move(d));
  }
  if (options.llm_stream && !asks_llm) {
    return InvalidArgumentError("--llm-stream applies only with the rules-llm detector");
  }
  if (pot && takes_threshold == 0) {
    return InvalidArgumentError(
        "--threshold pot applies to residual-sum, pca-spe, pca-spe-residual, residual-or-spe and "
        "residual-or-spe-residual; none of them is in --detectors");
  }
  DetectionBenchmarkOptions bench;
  bench.dataset = options.dataset;
  bench.data_path = options.data_path;
  bench.out_dir = options.out_dir;
  bench.overwrite = options.overwrite;
  bench.recorded_options = RecordedOptions(options);
  bench.set = options.set;
  bench.delay_k = options.delay_k;
  bench.nab_refractory_fraction = options.nab_refractory_fraction;
  bench.plots = options.plots;
  bench.log = options.log;
  return RunDetectionBenchmark(bench, std::move(detectors));
}

}  // namespace vigil
