// `vigil eval detect` as a library call: builds the named detectors and runs the benchmark.
#pragma once

#include <string>
#include <vector>

#include "detectors/pot.h"
#include "evals/detection_benchmark.h"
#include "connectors/llm_client.h"
#include "training/builtin_proposer.h"

namespace vigil {

struct DetectCommandOptions {
  std::string dataset;    // kpi | smd | nab | gpu | smd-train (label-free check, evals/detection_benchmark.h)
  std::string data_path;  // "" = ../shared/datasets/<dataset> (kpi: .../kpi/train; smd-train: .../smd;
                          // gpu: data/gpu_telemetry), from the working folder, else beside VIGIL_SOURCE_DIR
  std::string out_dir;    // "" = eval-out/detect-<dataset>
  // A folder holding an earlier report (report.md / report.json) is refused (InvalidArgument naming
  // it) unless this is set; see CheckReportDir in evals/detection_benchmark.h.
  bool overwrite = false;
  // Detector names, run in this order: "rules" (trained rules, builtin proposer), "mad-band",
  // "iforest"; also "rules-aggregate" (aggregation rules over the mad-band peer, not in the default)
  // "residual-sum" (sum of normalised residuals over a unit's members, evals/detection_rules.h),
  // "pca-spe" (PCA squared prediction error over a unit's members, evals/detection_pca.h) and
  // "residual-or-spe" (flagged where either flags), "pca-spe-residual" (the same on residuals
  // from a one-day rolling median, clipped) and "residual-or-spe-residual" (residual-sum or
  // pca-spe-residual; chosen after seeing test scores, evals/README.md), "cad-ose" (CAD OSE, for
  // NAB, evals/detection_cad.h), "cad-ose-nabrange" (the same with NAB's whole-file value range)
  // "cad-ose-grow" (the training range widened causally), "cad-ose-wide" (the training range
  // widened by its width on each side), "knn-cad" (KNN conformal anomaly detector, for NAB), and
  // "<base>-likelihood" for any base with one continuous score (Numenta's anomaly likelihood over
  // it, evals/detection_likelihood.h; refused when parsed for a base without LastScores: rules,
  // rules-aggregate, pca-spe*, residual-or-spe*); none is in the default.
  // "rules-llm": the same trained rules with the llm proposer (the Argos agents, training/
  // llm_proposer.h) over `llm`; InvalidArgument when `llm` is null.
  std::vector<std::string> detectors = {"rules", "mad-band", "iforest"};
  LlmClient* llm = nullptr;  // not owned; for "rules-llm" (its tokens go into the report)
  bool llm_stream = false;   // rules-llm: answers as server-sent event streams (refused without it)
  EvalSetOptions set;
  int delay_k = 7;
  double nab_refractory_fraction = 0.05;  // see DetectionBenchmarkOptions
  size_t mad_window = 60;
  // The rules detector's proposer settings. Unlabeled targets (NAB, SMD) get no absolute level
  // rules: their test parts drift past the short training range (see evals/README.md).
  // `builtin.unlabeled_rank` other than kSensitivity is InvalidArgument when `detectors` has none of
  // rules, rules-refit, rules-group, rules-vote-only (the detectors whose proposer runs that review);
  // so is `builtin.unlabeled_flatline` other than this default. Unlabeled flatline rules mean
  // "frozen" (kFrozen, adopted by its pre-registered rule, evals/HISTORY.md "NAB / SMD: frozen
  // flatline"; also BuiltinProposerOptions' own default, named here so the refusal above compares
  // with this command's default).
  BuiltinProposerOptions builtin{.unlabeled_levels = false, .unlabeled_flatline = UnlabeledFlatline::kFrozen};
  // A unit is flagged where this many members' rules fire at once (only SMD units have several
  // members). 0 (the default): chosen per unit on a held-out tail of its TRAINING part, label-free
  // (evals/detection_rules.h); `--rules-vote N` fixes it.
  int rules_min_votes = 0;
  // The threshold of the multi-member score detectors (residual-sum, pca-spe, pca-spe-residual,
  // residual-or-spe, residual-or-spe-residual), always from the held-out tail of each unit's
  // TRAINING part: "tail-max" (its largest score; the default) or "pot" (peaks over threshold,
  // detectors/pot.h, with `pot`; the detectors are then named with a "-pot" suffix). An any-of
  // detector of m parts gives each part the risk pot.risk / m (Bonferroni: the union's risk
  // stays ≤ pot.risk). InvalidArgument for another name, "pot" with none of those detectors, a
  // level outside (0, 1) or a risk outside (0, 1 − level).
  std::string threshold = "tail-max";
  PotOptions pot;
  std::string python = "/usr/bin/python3";
  std::string iforest_script = "evals/iforest_peer.py";
  bool plots = true;
  std::function<void(const std::string&)> log;
};

// The settings that change what is scored, as the report records them (report.json `options`,
// report.md's header): --dataset, --data (resolved, absolute), --filter, --max-series, --max-points,
// --detectors, --delay-k, --nab-refractory, --mad-window, the --rules-* options, --threshold and,
// with pot, --pot-level / --pot-risk.
std::vector<ReportOption> RecordedOptions(const DetectCommandOptions& options);

// InvalidArgument for an unknown dataset or detector name (with the accepted names).
[[nodiscard]] Result<DetectionReport> RunDetectCommand(DetectCommandOptions options);

}  // namespace vigil
