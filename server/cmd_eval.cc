// `vigil eval detect|diagnose`: see server/cli.h for the command contract.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "core/logging.h"
#include "connectors/llm_client.h"
#include "evals/detection_command.h"
#include "evals/diagnosis_eval.h"
#include "server/cli.h"
#include "training/builtin_proposer.h"

namespace vigil {
namespace {

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t c = s.find(',', start);
    if (c == std::string::npos) c = s.size();
    if (c > start) out.push_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

}  // namespace

CommandRunner SetupEval(CLI::App& sub) {
  sub.require_subcommand(1);
  // eval detect
  CLI::App* detect = sub.add_subcommand(
      "detect", "anomaly-detection benchmark (kpi, smd, nab, gpu): train, detect, score, report");
  auto opts = std::make_shared<DetectCommandOptions>();
  auto detectors = std::make_shared<std::string>("rules,mad-band,iforest");
  auto no_plots = std::make_shared<bool>(false);
  auto rules_rank = std::make_shared<std::string>("sensitivity");
  auto rules_flatline = std::make_shared<std::string>(UnlabeledFlatlineName(opts->builtin.unlabeled_flatline));
  detect
      ->add_option("--dataset", opts->dataset,
                   "kpi | smd | nab | gpu (the recorded H200 runs of data/gpu_telemetry, incidents caught "
                   "or missed) | smd-train (SMD train/ only, last 20% scored as normal: a label-free "
                   "flag-rate check of thresholds)")
      ->required();
  detect->add_option("--data", opts->data_path,
                     "dataset folder (default ../shared/datasets/<dataset>, kpi: .../kpi/train, gpu: data/gpu_telemetry, from the working folder, "
                     "else from the folder above vigil's own (<prefix> of <prefix>/bin/vigil), else beside the source tree "
                     "vigil was built from)");
  detect->add_option("--out", opts->out_dir,
                     "report folder (default eval-out/detect-<dataset>); one holding a report is refused "
                     "unless --overwrite");
  detect->add_flag("--overwrite,--force", opts->overwrite, "replace the report (and plots) already in --out");
  detect->add_option("--detectors", *detectors,
                     "comma-separated: rules (per-series rules; on multi-member units such as SMD machines "
                     "a count vote OR one group rule summing clipped residuals over the members), mad-band, "
                     "iforest, rules-llm (the llm proposer; needs an LLM "
                     "endpoint), rules-refit (unlabeled data: re-trained on every point before each "
                     "checkpoint 2^k x the training part), rules-group (= rules, under its own name), "
                     "rules-vote-only (rules without the group rule: the vote alone), rules-aggregate (labeled data; base = "
                     "mad-band), residual-sum, pca-spe, pca-spe-residual, residual-or-spe, "
                     "residual-or-spe-residual (multi-dimension units such as SMD machines), cad-ose, "
                     "cad-ose-grow, cad-ose-wide, cad-ose-nabrange (reads each file's whole range: "
                     "future values), knn-cad (NAB's published detectors), <base>-likelihood (Numenta's "
                     "anomaly likelihood over a score detector, e.g. mad-band-likelihood); see "
                     "evals/README.md for how each was chosen")
      ->capture_default_str();
  detect->add_option("--filter", opts->set.name_filter,
                     "only series whose name contains this (smd: machines, or dimensions `<machine>/dim<N>`)");
  AddSliceOptions(*detect, opts->set.max_series, opts->set.max_points);
  detect->add_option("--delay-k", opts->delay_k, "k of the delay-constrained PA F1")->capture_default_str();
  detect
      ->add_option("--nab-refractory", opts->nab_refractory_fraction,
                   "nab: drop alert onsets within this fraction of the file after the last one (0 = off)")
      ->capture_default_str();
  detect->add_option("--mad-window", opts->mad_window, "points in the MAD peer's window")
      ->capture_default_str()
      ->check(WholeNumber(1));
  detect->add_option("--python", opts->python, "interpreter with numpy/pandas/sklearn")
      ->capture_default_str();
  detect->add_option("--rules-max", opts->builtin.max_rules, "rules: at most this many rules per target")
      ->capture_default_str();
  detect
      ->add_option("--rules-margin", opts->builtin.unlabeled_margin,
                   "rules: unlabeled thresholds this fraction of the training range beyond the extreme")
      ->capture_default_str();
  detect
      ->add_option("--rules-min-gain", opts->builtin.min_gain,
                   "rules: a further rule must raise the review F1 by at least this much")
      ->capture_default_str();
  detect
      ->add_option("--rules-unlabeled-levels", opts->builtin.unlabeled_levels,
                   "rules: unlabeled targets may use absolute value thresholds (true|false)")
      ->capture_default_str();
  detect
      ->add_option("--rules-rank", *rules_rank,
                   "rules: order of the unlabeled review's quiet rules, the first --rules-max kept: "
                   "sensitivity (threshold vs the training 1%/99% quantile) | tail (fewest validation-tail "
                   "flags first, ties by sensitivity; evals/README.md)")
      ->capture_default_str();
  detect
      ->add_option("--rules-flatline", *rules_flatline,
                   "rules: an unlabeled flatline rule's threshold: frozen (at most 1% of the median training "
                   "std: the metric is frozen; adopted, evals/README.md) | minimum (the smallest std of any "
                   "full training window, the default before)")
      ->capture_default_str();
  CLI::Option* rules_vote = detect->add_option(
      "--rules-vote", opts->rules_min_votes,
      "rules: flag a unit where at least this many of its members' rules fire (smd: dimensions); "
      "unset: chosen per unit on a held-out tail of the training split (no test labels)");
  detect
      ->add_option("--rules-windows", opts->builtin.windows,
                   "rules: rolling windows (points) of the residual/MAD/z-score/flatline families")
      ->delimiter(',')
      ->capture_default_str();
  detect
      ->add_option("--threshold", opts->threshold,
                   "threshold of residual-sum, pca-spe*, residual-or-spe*: tail-max (the held-out training "
                   "tail's largest score) or pot (peaks over threshold fitted on that tail; names get -pot)")
      ->capture_default_str()
      ->check(CLI::IsMember({"tail-max", "pot"}));
  CLI::Option* pot_level = detect
      ->add_option("--pot-level", opts->pot.level,
                   "pot: initial threshold = this quantile of the tail scores (SPOT's 0.98)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  CLI::Option* pot_risk = detect
      ->add_option("--pot-risk", opts->pot.risk,
                   "pot: risk q, the threshold's exceedance probability on normal data (any-of: q / parts)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  detect->add_flag("--no-plots", *no_plots, "skip the SVG plots");
  CLI::Option* stream = detect->add_flag(
      "--llm-stream", opts->llm_stream,
      "rules-llm: ask for each answer as a server-sent event stream (same result, assembled); overrides "
      "the llm_stream setting (VIGIL_LLM_STREAM), --llm-stream=false turns it off");
  // eval diagnose: the diagnosis benchmark (evals/diagnosis_eval.h).
  CLI::App* diagnose = sub.add_subcommand("diagnose", "diagnosis benchmark over scenario cases");
  auto dopts = std::make_shared<DiagnosisEvalOptions>();
  diagnose->add_option("--cases", dopts->cases_dir, "folder of case files (evals/diagnosis/dev)")->required();
  diagnose->add_option("--out", dopts->out_dir,
                       "report folder (default eval-out/diagnose-<folder>); one holding a report is refused "
                       "unless --overwrite");
  diagnose->add_flag("--overwrite,--force", dopts->overwrite, "replace the report already in --out");
  diagnose->add_option("--pack", dopts->pack_dir, "knowledge pack folder")->capture_default_str();
  return [detect, diagnose, opts, detectors, no_plots, dopts, pot_level, pot_risk, stream, rules_vote,
          rules_rank, rules_flatline](const Config& base_config) -> int {
    // --llm-stream (or --llm-stream=false) overrides the llm_stream setting for the LLM client.
    Config config = base_config;
    if (stream->count() > 0) {
      Status st = config.Set("llm_stream", opts->llm_stream ? "true" : "false", "flag --llm-stream");
      if (!st.ok()) return ReportError(st);
    }
    if (diagnose->parsed()) return RunDiagnoseEvalCommand(*dopts, config);
    if (!detect->parsed()) return NotImplemented("eval");
    // 0 is the unset value (chosen per unit), so a given vote must be at least 1.
    if (rules_vote->count() > 0 && opts->rules_min_votes < 1) {
      const std::string got = std::to_string(opts->rules_min_votes);
      return ReportError(InvalidArgumentError(
          "--rules-vote must be at least 1 (leave it out to choose it per unit), got " + got));
    }
    Result<UnlabeledRank> rank = ParseUnlabeledRank(*rules_rank);
    if (!rank.ok()) return ReportError(rank.status().WithContext("--rules-rank"));
    opts->builtin.unlabeled_rank = *rank;
    Result<UnlabeledFlatline> flatline = ParseUnlabeledFlatline(*rules_flatline);
    if (!flatline.ok()) return ReportError(flatline.status().WithContext("--rules-flatline"));
    opts->builtin.unlabeled_flatline = *flatline;
    // A POT setting without POT thresholds would be ignored silently: refuse it.
    for (const CLI::Option* o : {pot_level, pot_risk}) {
      if (o->count() > 0 && opts->threshold != "pot") {
        return ReportError(InvalidArgumentError("eval detect: " + o->get_name() +
                                                " applies only with --threshold pot (got --threshold " +
                                                opts->threshold + ")"));
      }
    }
    opts->detectors = SplitComma(*detectors);
    opts->plots = !*no_plots;
    opts->log = [](const std::string& line) {  // progress notes: info (-q keeps them off)
      if (Says(LogLevel::kInfo)) std::cerr << "eval detect: " << line << "\n";
    };
    // The LLM client only when a detector uses one (rules-llm): the run needs no endpoint otherwise.
    std::unique_ptr<LlmClient> llm;
    for (const std::string& d : opts->detectors) {
      if (d.rfind("rules-llm", 0) != 0 || llm) continue;
      Result<std::unique_ptr<LlmClient>> client = MakeLlmClient(config);
      if (!client.ok()) return ReportError(client.status());
      llm = std::move(client).value();
    }
    opts->llm = llm.get();
    Result<DetectionReport> report = RunDetectCommand(*opts);
    if (!report.ok()) return ReportError(report.status());
    std::cout << "eval detect: " << report->set.units.size() << " series, wall time "
              << FormatWallSeconds(report->wall_s) << "; report in "
              << (opts->out_dir.empty() ? "eval-out/detect-" + opts->dataset : opts->out_dir) << "\n";
    if (llm) {  // what the LLM cost; every call is in <data_dir>/audit/llm-*.jsonl
      const TokenUsage u = llm->Usage();
      std::cout << "LLM " << llm->Describe() << ": " << u.prompt_tokens << " prompt + " << u.completion_tokens
                << " completion tokens\n";
    }
    for (const DetectorResult& r : report->results) {
      if (!r.status.ok()) {
        // Its whole error (a peer's log tail: many lines) was printed by the progress line above
        // and is in report.md; its first line here, so the last line still says what failed.
        const std::string& m = r.status.message();
        std::cerr << "eval detect: detector " << r.name << " failed: " << m.substr(0, m.find('\n'))
                  << (m.find('\n') != std::string::npos ? " (whole error above and in report.md)" : "") << "\n";
        return 1;
      }
    }
    return 0;
  };
}

}  // namespace vigil
