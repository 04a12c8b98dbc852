// AggregateRulesDetector: the benchmark's "rules-aggregate" detector — aggregation mode of rule
// training (training/aggregation.h) on top of the MAD-band peer.
//
// Per unit: the base is the MAD-band peer exactly as `mad-band` runs it (same window, threshold
// chosen on the training part), computed per member; aggregation rules (suppress / add) are
// trained on the training part only (its labels; the trainer's validation tail is the last 25% of
// it), from the feature candidates plus the add proposer's rule sets when one is given (`vigil
// eval detect` gives the builtin proposer); then base and rules run over the whole series: flags = (base AND
// NOT suppress) OR add, OR-ed over the unit's members. A unit whose training part is unlabeled (NAB, SMD)
// cannot be aggregated (no false alarm can be told from a true one): it gets the base flags and its details
// say so.
#pragma once

#include <memory>
#include <string>

#include "evals/detection_benchmark.h"
#include "evals/detection_peers.h"
#include "training/aggregation.h"
#include "training/trainer.h"

namespace vigil {

// A base detector's flags over whole histories, for `vigil train-rules --mode aggregate --base
// SPEC`. Every point of `history` is training data here: the peers choose their thresholds on it
// with each series' own labels, as in the benchmark.
//   "mad-band"           the MAD-band peer (window `mad_window`)
//   "iforest"            the IsolationForest peer (`python` `iforest_script`, scratch in `work_dir`)
//   "flags:FORMAT:PATH"  0/1 flags from a file in any dataset format, the `value` column holding
//   "flags:PATH"         the flag (PATH alone = csv), matched to `history` by series id and
//                        timestamps (AlignBaseFlags; mismatches are InvalidArgument naming them)
// Unknown specs are InvalidArgument naming the accepted ones.
struct BaseDetectorOptions {
  size_t mad_window = 60;
  ThresholdOptions thresholds;
  std::string python = "/usr/bin/python3";
  std::string iforest_script = "evals/iforest_peer.py";
  std::string work_dir = "/tmp";
};
[[nodiscard]] Result<std::vector<std::vector<uint8_t>>> BaseDetectorFlags(
    const std::string& spec, const std::vector<TimeSeries>& history, const BaseDetectorOptions& options);

class AggregateRulesDetector : public BenchDetector {
 public:
  // `add_proposer` (may be null): its rule sets join as add candidates (AggregationOptions). Run is
  // InvalidArgument for mad_window 0.
  AggregateRulesDetector(size_t mad_window, ThresholdOptions thresholds, TrainerOptions trainer,
                         AggregationOptions aggregation, std::unique_ptr<RuleProposer> add_proposer = nullptr)
      : mad_window_(mad_window),
        thresholds_(thresholds),
        trainer_(std::move(trainer)),
        aggregation_(std::move(aggregation)),
        add_proposer_(std::move(add_proposer)) {}
  std::string name() const override { return "rules-aggregate"; }
  [[nodiscard]] Result<std::vector<std::vector<uint8_t>>> Run(const std::vector<EvalUnit>& units) override;
  Json Details() const override { return details_; }

 private:
  size_t mad_window_;
  ThresholdOptions thresholds_;
  TrainerOptions trainer_;
  AggregationOptions aggregation_;
  std::unique_ptr<RuleProposer> add_proposer_;
  Json details_;
};

}  // namespace vigil
