// Offline rule training (the Argos loop) over a dataset's history.
//
// For each target — one series (mode one-for-one) or one group of series (one-for-all: SMD
// machine, NAB folder, else all series of one metric name) — the trainer:
//   1. cuts every series chronologically: the last `validation_fraction` is the validation tail,
//      the rest is split into `chunks` training chunks (the test split is never given to it:
//      callers pass only history);
//   2. asks the proposer for rules (rule text) measured by the EngineEvaluator (rules/ compiler,
//      detectors/ engine, detectors/ scoring);
//   3. keeps the best candidate, renames its rules `<target>_<rule>` (TrainedTarget::rule_prefix:
//      unique across the run's files) so files can be combined,
//      and selects the target's series by labels (so the rules run unchanged in `vigil detect`),
//      leaving out volatile scrape labels (instance, pod, ...) where others name the unit
//      (TrainedTarget::selector_note).
// WriteRuleFiles writes one `<target>.rules` per target (provenance in comments: data, split,
// proposer, mode, metrics, time) plus `training.json` with every figure.
// Thread safety: one run at a time per proposer.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "core/time_series.h"
#include "training/group_family.h"
#include "training/proposer.h"

namespace vigil {

// The dataset spec `vigil train-rules` reads for FORMAT:PATH[:SPLIT]: training reads history only,
// so a benchmark's test split is refused (InvalidArgument naming the spec), and SMD without a split
// (whose reader defaults to `test`) reads `train`: "smd:DIR" -> "smd:DIR:train"; any other SMD split
// (as the reader parses it: after the last colon) or no DIR is InvalidArgument. Other formats have
// no test split on disk and are returned unchanged (KPI's 70/30 and NAB's probationary split are
// made by `vigil eval detect`, which trains on each series' training part only). Pure.
[[nodiscard]] Result<std::string> TrainingDataSpec(const std::string& spec);

enum class TrainMode { kOneForOne, kOneForAll };
[[nodiscard]] Result<TrainMode> ParseTrainMode(std::string_view text);  // "one-for-one" | "one-for-all"
std::string_view TrainModeName(TrainMode mode);

struct TrainingRun;
struct TrainedTarget;

struct TrainerOptions {
  TrainMode mode = TrainMode::kOneForOne;
  Objective objective = Objective::kDelayPointAdjusted;
  int delay_k = 7;
  double validation_fraction = 0.25;
  int chunks = 4;
  ProposeOptions propose;
  // One-for-all targets also get the group family's rule (training/group_family.h) beside the
  // proposer's when `group_rule`: where every member carries the group label, one rule summing
  // clipped scale-free residuals over the members, with `group`'s constants (empty: the defaults,
  // GroupFamilyOptions{}). One-for-one targets never get one.
  bool group_rule = true;
  std::optional<GroupFamilyOptions> group;
  // Called as targets progress: (target index, target count, target name, step within the
  // target, steps).
  std::function<void(size_t, size_t, const std::string&, int, int)> progress;
  // Checked before each target and handed to the proposer (ProposeOptions::stop; may be null):
  // true starts no further target, and the run returns what is done with TrainingRun::interrupted
  // set. A target whose proposer returned an error while stop() is true was cut short: it is the
  // run's last target, with TrainedTarget::interrupted set, a FailedPrecondition "cancelled"
  // status, no rules (a half-reviewed rule set must not look finished) and no target_done call.
  // A proposer that does not poll the stop finishes its target, which is kept.
  std::function<bool()> stop;
  // Called once per target as soon as it is done, in order, with the run so far (its last target
  // is `target`): e.g. WriteTargetRuleFile, so what is trained is kept if the run ends early. An
  // error becomes that target's status (its rules stay in the run); the run goes on.
  std::function<Status(const TrainingRun&, const TrainedTarget&)> target_done;
};

// The longest rule-file stem (TrainedTarget::file_stem); file systems refuse names over 255 bytes.
inline constexpr size_t kMaxRuleStem = 120;

struct TrainedTarget {
  std::string target;
  // The rule file's name without `.rules` (and mostly its rules' prefix: rule_prefix): the target with
  // every character outside [A-Za-z0-9] made `_` (`t_` before a leading digit). Unique in a run and
  // at most kMaxRuleStem characters: where sanitising changed the name and another target of the
  // run sanitises alike (cpu-1, cpu.1 beside cpu_1), or the name is longer, it ends in `_` and 8
  // hex digits of a hash of the target name, so the same set of targets, in any order, always gets
  // the same names.
  std::string file_stem;
  // The prefix of its rule names (`<rule_prefix>_<rule>`): file_stem, except where file_stem + `_`
  // starts another target's stem in the run (`T` beside `T_value_low_and`, whose rules could
  // otherwise be named alike in two files): then file_stem, `_` and 8 hex digits of a hash of the
  // target name. Rule names are unique across all the run's files, whatever the target order.
  std::string rule_prefix;
  std::vector<size_t> series;  // indices into the input
  // One-for-one: the input series were fragments of one unit (the same labels but the volatile
  // scrape ones, one after another: an exporter that moved, a restarted job) trained as one stitched
  // series (`series` holds them all); says which, from when, how many points each. The rule file's
  // `# series:` line and training.json's `stitched`. "" otherwise.
  std::string stitch_note;
  std::string selector;
  // What the select did with the scrape's volatile labels (instance, pod, container, endpoint,
  // service, namespace, exported_pod / _container / _namespace) the target's series share: left
  // out, naming them with their values, when another label names the unit (Hostname, gpu, rank,
  // ...; the scrape's `job` does not) and picks no other series of the data; else kept, saying
  // why. "" when the series have none. The rule file's `# select:` line and training.json say it.
  std::string selector_note;
  // Non-empty when `selector` also picks other series of the training data (a series name that is
  // no identifier, without labels that tell it apart): names them; the rule file says it too.
  std::string selector_warning;
  bool labeled = false;
  // Labeled and some anomaly in the training chunks: only then does the builtin proposer fit its
  // thresholds on labels; otherwise it fits them the unlabeled way (flatline cap, review order), so
  // RunProvenance's unlabeled note belongs on the target's split line (labeled or not).
  bool fit_labeled = false;
  Status status;                      // a proposer error for this target (others continue)
  bool interrupted = false;           // cut short by TrainerOptions::stop: no rules, not completed
  std::optional<RuleCandidate> best;  // empty when nothing passed review
  std::string rule_text;              // best->text with renamed rules; "" when none
  std::vector<RuleCandidate> candidates;
  // One-for-all: the kept group rule (its text before renaming; rule_text holds it renamed after
  // the proposer's rules), why there is none (group_note), or the error that kept it out (bad input
  // such as the group label missing on some members; the proposer's rules are kept).
  std::optional<RuleCandidate> group_rule;
  std::string group_note;
  std::string group_error;
  int evaluations = 0;
  double wall_s = 0;
};

// A series left out of training for too little history: under kMinSeriesTrainingPoints points in
// its training part (what the validation tail leaves), e.g. a GPU that appeared shortly before the
// history ends. Not a failure: TrainingRun::left_out, training.json `left_out`, one stderr line.
struct LeftOutSeries {
  std::string series;  // its id
  std::string target;  // the target it belonged to (one-for-one: its own)
  size_t points = 0;
  size_t training_points = 0;  // before the validation tail
  std::string name;            // the series' name and labels (a stitched one's shared labels), so
  Labels labels;               // `vigil train-rules --overwrite` can tell which earlier rule file selects it
};
inline constexpr size_t kMinSeriesTrainingPoints = 20;
struct TrainingRun;
// "" when no series was left out, else `N series left out for too little history (...): ID (26
// points, 19 before the validation tail); ...` (the first 5): `vigil train-rules` prints it on stderr.
std::string LeftOutSummary(const TrainingRun& run);

struct TrainingRun {
  std::string proposer;
  TrainMode mode = TrainMode::kOneForOne;
  Objective objective = Objective::kDelayPointAdjusted;
  int delay_k = 7;
  std::vector<TrainedTarget> targets;
  size_t targets_planned = 0;  // all targets of the data; targets.size() when not interrupted
  bool interrupted = false;    // TrainerOptions::stop ended the run before targets_planned
  double wall_s = 0;
  // Series left out for too little history (one-for-one: no target; one-for-all: not in its
  // target's training data, its select still picks it).
  std::vector<LeftOutSeries> left_out;
  // All kept rules of all targets, one compilable file.
  std::string CombinedRules() const;
};

// Trains over `history` (each series' labels, when present, are training labels). `groups`
// (name -> series indices, as Dataset::groups) defines one-for-all targets; when empty, series
// are grouped by metric name. A target whose members are labeled in part (some series with anomaly
// labels, some without) fails with InvalidArgument naming those without (TrainedTarget::status).
[[nodiscard]] Result<TrainingRun> TrainRules(const std::vector<TimeSeries>& history,
                                             const std::map<std::string, std::vector<size_t>>& groups,
                                             RuleProposer& proposer, const TrainerOptions& options);

// The group rule alone (no proposer) for one target made of every series of `history`, cut as
// TrainRules cuts (options.validation_fraction; options.group_rule must be true): `group_rule`,
// `group_note` / `group_error`, `selector`, `evaluations` are filled, and `rule_text` holds the
// kept rule renamed `<target>_group_residual_sum` ("" when none). Members with too little
// history (under kMinSeriesTrainingPoints training points) are left out of the training data as
// TrainRules leaves them out of a one-for-all target (`series` holds the others; the select still
// picks them) and appended to `left_out` when given. InvalidArgument: no series, every series too
// short to train, options.group_rule false. Used by `vigil eval detect --detectors rules-group`
// beside per-member rules trained one-for-one.
[[nodiscard]] Result<TrainedTarget> TrainGroupRule(const std::vector<TimeSeries>& history,
                                                   const std::string& target, const TrainerOptions& options,
                                                   std::vector<LeftOutSeries>* left_out = nullptr);

// The selector that picks exactly these series by their common labels (and metric name when it
// is an identifier), e.g. `*{machine="machine-1-6"}`.
std::string SelectorFor(const std::vector<const TimeSeries*>& series);

// The part of the data source a run read when not all of it (the reader's ReadOptions name_filter,
// max_series, max_points, as `vigil train-rules --filter / --max-series / --max-points` set them).
struct DataSubset {
  std::string name_filter;  // only series whose name contains it; "" = every series
  size_t max_series = 0;    // the first ones in the reader's order; 0 = all
  size_t max_points = 0;    // the first ones of each series; 0 = all
  bool whole() const { return name_filter.empty() && max_series == 0 && max_points == 0; }
  // "" when whole(), else e.g. ", not all of it: series whose name contains `U` (--filter U); the
  // first 1 series in the reader's order (--max-series 1); the first 700 points of each series
  // (--max-points 700)", to follow the data source in the provenance.
  std::string Describe() const;
};

// What the rule files and training.json record about the data and the split of a run.
struct RunProvenance {
  std::string data_source;     // the spec read, e.g. "kpi:../shared/datasets/kpi/train"
  DataSubset subset;           // what of it was read
  std::string split_note;      // the split line of every target
  // Choices that shaped the rules of targets fit without labels only (the builtin proposer's flatline
  // threshold and review order): on the split line of a target whose fit_labeled is false ("; " +
  // it: unlabeled, or labeled with no anomaly in its training chunks) and in training.json as
  // `unlabeled` when the run has such a target; "" for none.
  std::string unlabeled_note;
  // What else every target's split line says, after the unlabeled note (e.g. "; 3 malformed data
  // row(s) skipped ..."); training.json's `split` is split_note + it.
  std::string split_more;
  // The split line of a target: split_note, the unlabeled note when `fit_labeled` (TrainedTarget) is
  // false, split_more.
  std::string SplitLine(bool fit_labeled) const {
    return split_note + (fit_labeled || unlabeled_note.empty() ? "" : "; " + unlabeled_note) + split_more;
  }
};

// Writes DIR/<file_stem>.rules for each target with rules and DIR/training.json (which maps each
// target to its `rule_file`), with `provenance`.
[[nodiscard]] Status WriteRuleFiles(const TrainingRun& run, const std::string& dir, const RunProvenance& provenance);
[[nodiscard]] Status WriteRuleFiles(const TrainingRun& run, const std::string& dir,
                                    const std::string& data_source, const std::string& split_note);

// Writes DIR/<file_stem>.rules for one target of `run` (nothing when it has no rules), by a temp
// file and rename; WriteRuleFiles calls it for each target. DIR must exist. The header says where
// the rules come from: data (and the subset read), target, split, proposer, and the kept rules'
// figures: a labeled target's objective and point F1 on training and validation; an unlabeled
// target's (no F1 to measure) the points its kept rules flag in training and in the validation
// tail, of how many.
[[nodiscard]] Status WriteTargetRuleFile(const TrainingRun& run, const TrainedTarget& target, const std::string& dir,
                                         const RunProvenance& provenance);
[[nodiscard]] Status WriteTargetRuleFile(const TrainingRun& run, const TrainedTarget& target, const std::string& dir,
                                         const std::string& data_source, const std::string& split_note);

// training.json's content; `complete` false (with `targets_planned`) for an interrupted run;
// `data` the source spec and `data_subset` null when all of it was read, else {"filter",
// "max_series", "max_points"} (those set).
Json TrainingRunToJson(const TrainingRun& run, const RunProvenance& provenance);
Json TrainingRunToJson(const TrainingRun& run, const std::string& data_source, const std::string& split_note);

}  // namespace vigil
