// `vigil train-rules`: see server/cli.h for the command contract.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

#include "connectors/http_client.h"
#include "connectors/llm_client.h"
#include "core/logging.h"
#include "core/utf8.h"
#include "detectors/engine.h"
#include "detectors/readers.h"
#include "evals/detection_aggregate.h"
#include "evals/detection_benchmark.h"
#include "rules/compiler.h"
#include "server/cli.h"
#include "server/data_source.h"
#include "server/train_progress.h"
#include "training/aggregation.h"
#include "training/builtin_proposer.h"
#include "training/llm_proposer.h"
#include "training/trainer.h"

namespace vigil {
namespace {

struct TrainFlags {
  std::string data, out, proposer = "builtin", mode = "one-for-one", objective = "dc_pa", filter, base,
                         aggregate_add = "builtin", aggregate_review = "pooled", rank = "sensitivity",
                         flatline = "frozen";
  int delay_k = 7, top_k = 3, max_candidates = 400;
  size_t base_window = 60;
  double validation = 0.25;
  size_t max_series = 0, max_points = 0;
  bool llm_stream = false;
  bool llm_stream_given = false;  // the flag was on the command line: it overrides llm_stream
  bool overwrite = false;
  bool skip_bad_rows = false;
};

// The numeric flags' ranges and the recorded paths' text, checked before anything is read (the
// unsigned ones are checked by WholeNumber while parsing). NaN fails every comparison, so the
// fraction is tested as "inside", not as "not outside".
Status CheckNumbers(const TrainFlags& f) {
  auto text = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (!(f.validation > 0 && f.validation < 1))
    return InvalidArgumentError("--validation must be a fraction in (0, 1), got " + text(f.validation));
  if (f.top_k < 1) return InvalidArgumentError("--top-k must be at least 1, got " + std::to_string(f.top_k));
  if (f.max_candidates < 1)
    return InvalidArgumentError("--max-candidates must be at least 1, got " + std::to_string(f.max_candidates));
  if (f.delay_k < 0) return InvalidArgumentError("--delay-k must be at least 0, got " + std::to_string(f.delay_k));
  // Recorded in every rule file and in training.json (JSON holds UTF-8 only): found here rather
  // than as an internal error after the run.
  for (const auto& [flag, text] : {std::pair{"--data", &f.data}, std::pair{"--base", &f.base}}) {
    if (size_t bad = 0; !IsValidUtf8(*text, &bad)) {
      char what[96];
      std::snprintf(what, sizeof what, "%s: the path is not UTF-8 text: byte 0x%02X at column %zu", flag,
                    static_cast<unsigned>(static_cast<unsigned char>((*text)[bad])), bad + 1);
      return InvalidArgumentError(std::string(what) + " (it is recorded in the rule files and training.json)");
    }
  }
  return Status::Ok();
}

// The rule files in `dir`: those an earlier `vigil train-rules` wrote (its *.rules, known by their
// first line, and training.json) with their inodes, and the other *.rules (hand-written), by name.
struct OutDirFiles {
  std::map<std::string, ino_t> earlier_run;
  std::vector<std::string> hand_written;
};
OutDirFiles ListOutDir(const std::filesystem::path& dir) {
  static constexpr std::string_view kTrainedHead = "# Trained by `vigil train-rules`";
  OutDirFiles files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const bool rules = e.path().extension() == ".rules";
    struct stat st {};
    if (!(rules || name == "training.json") || !e.is_regular_file(ec) || ::stat(e.path().c_str(), &st) != 0)
      continue;
    std::string head(kTrainedHead.size(), '\0');
    if (rules) {
      std::ifstream in(e.path(), std::ios::binary);
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    }
    if (rules && head != kTrainedHead) {
      files.hand_written.push_back(name);
    } else {
      files.earlier_run[name] = st.st_ino;
    }
  }
  std::sort(files.hand_written.begin(), files.hand_written.end());
  return files;
}

// Makes --out a writable folder before any training, so a bad folder does not cost the run (or
// LLM tokens): InvalidArgument when it is a file, cannot be created or written, holds rule files
// train-rules did not write (never replaced or removed, --overwrite or not), or holds an earlier
// run's rule files and `overwrite` is off (they would be mixed with the new ones).
// Returns the earlier run's files with their inodes (`overwrite` on) for RemoveStaleRules.
Result<std::map<std::string, ino_t>> PrepareOutDir(const std::string& out, bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    return InvalidArgumentError("--out " + out + " is not a folder");
  fs::create_directories(out, ec);
  if (ec) return InvalidArgumentError("--out " + out + ": cannot create the folder: " + ec.message());
  const fs::path probe = fs::path(out) / (".train-rules-probe-" + std::to_string(::getpid()));
  if (std::FILE* fp = std::fopen(probe.c_str(), "w")) {
    std::fclose(fp);
    fs::remove(probe, ec);
  } else {
    return InvalidArgumentError("--out " + out + ": cannot write in the folder: " + std::strerror(errno));
  }
  OutDirFiles files = ListOutDir(out);
  if (!files.hand_written.empty()) {
    std::string list;
    for (const std::string& name : files.hand_written) list += (list.empty() ? "" : ", ") + name;
    return InvalidArgumentError("--out " + out + " holds rule files that train-rules did not write (" + list +
                                "); train-rules never replaces or removes those, --overwrite or not: choose "
                                "another folder");
  }
  if (!files.earlier_run.empty() && !overwrite) {
    std::string list;
    for (const auto& [name, ino] : files.earlier_run) list += (list.empty() ? "" : ", ") + name;
    return InvalidArgumentError("--out " + out + " holds the rule files of an earlier run (" + list +
                                "); choose an empty folder, or pass --overwrite to replace them");
  }
  return files.earlier_run;
}

// --overwrite: after the new files are written (each by rename, so a new inode), removes the
// earlier run's rule files this run did not rewrite: the other targets of the earlier run, except
// `keep` (the files of this run's failed targets: it has nothing to replace them with).
Status RemoveStaleRules(const std::string& out, const std::map<std::string, ino_t>& earlier,
                        const std::set<std::string>& keep) {
  const std::map<std::string, ino_t> now = ListOutDir(out).earlier_run;
  for (const auto& [name, ino] : earlier) {
    auto it = now.find(name);
    if (it == now.end() || it->second != ino || keep.count(name)) continue;  // rewritten, gone or kept
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(out) / name, ec);
    if (ec) return UnavailableError("--overwrite: cannot remove the earlier " + out + "/" + name + ": " + ec.message());
  }
  return Status::Ok();
}

// --overwrite: the earlier run's rule files (not rewritten by this run) whose rules select a series
// this run left out for too little history (a GPU back from a drain shortly before the history
// ends, a narrower range read): file name -> the first such series. This run trained nothing to
// replace them with, so they stay, as a failed target's do; removing them would take a deployed
// GPU's rules away without a word. A file that no longer compiles is not kept for this.
std::map<std::string, std::string> EarlierFilesOfLeftOut(const std::string& out, const std::map<std::string, ino_t>& earlier,
                                                         const std::vector<LeftOutSeries>& left_out) {
  std::map<std::string, std::string> keep;
  if (left_out.empty()) return keep;
  const std::map<std::string, ino_t> now = ListOutDir(out).earlier_run;
  for (const auto& [name, ino] : earlier) {
    auto it = now.find(name);
    if (!name.ends_with(".rules") || it == now.end() || it->second != ino) continue;  // rewritten or gone
    Result<CompiledRules> rules = CompileRuleFile((std::filesystem::path(out) / name).string());
    if (!rules.ok()) continue;
    for (const LeftOutSeries& l : left_out) {
      const bool selects = std::any_of(rules->rules.begin(), rules->rules.end(), [&](const RulePlan& r) {
        return SelectorMatches(r.selector, l.name, l.labels);
      });
      if (selects) {
        keep[name] = l.series;
        break;
      }
    }
  }
  return keep;
}

// The first SIGINT / SIGTERM during training: no further target starts (TrainerOptions::stop), the
// one in progress is cut short where its proposer polls the stop (the llm proposer: before each
// agent call and repair attempt, and its request in flight is aborted) and gets no rule file; the
// files of those done are kept. A second one, of either kind, ends the process (the default
// action): the handler keeps the first signal and puts both back to their defaults.
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void OnStopSignal(int sig) {
  if (g_stop_signal == 0) g_stop_signal = sig;  // the message and the exit status name the first
  std::signal(SIGINT, SIG_DFL);                 // async-signal-safe (POSIX)
  std::signal(SIGTERM, SIG_DFL);
}

// Installs OnStopSignal (one-shot: SA_RESETHAND) for SIGINT and SIGTERM while it lives.
class StopOnSignals {
 public:
  StopOnSignals() {
    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);  // the other one waits until the handler has reset both
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopOnSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

// Aggregation mode: the base detector's flags over the history, and the proposer that learns
// suppress / add rules on top of them (training/aggregation.h).
// `add_holder` keeps the add proposer alive as long as the returned proposer. With `llm` (for
// --proposer llm) the LLM rule agents write the suppress and add rules themselves, told the base's
// false alarms and misses and reviewed on the combination (LlmProposer::SetBase).
Result<std::unique_ptr<RuleProposer>> AggregationSetup(const TrainFlags& f, const Dataset& ds,
                                                       Objective objective, LlmClient* llm, bool llm_stream,
                                                       std::unique_ptr<RuleProposer>& add_holder) {
  if (f.base.empty())
    return InvalidArgumentError("--mode aggregate needs --base mad-band|iforest|flags:FILE");
  for (const TimeSeries& s : ds.series) {
    if (!s.has_anomaly_labels()) {
      return InvalidArgumentError("--mode aggregate needs labeled data: series " + s.id() + " of " + ds.source +
                                  " has no labels");
    }
  }
  BaseDetectorOptions bo;
  bo.mad_window = f.base_window;
  bo.thresholds.objective = objective;
  bo.thresholds.delay_k = f.delay_k;
  bo.work_dir = f.out;
  ASSIGN_OR_RETURN(std::vector<std::vector<uint8_t>> base, BaseDetectorFlags(f.base, ds.series, bo));
  ASSIGN_OR_RETURN(BaseFlagsFn base_fn, BaseFlagsFromHistory(ds.series, base));
  AggregationOptions ao;
  if (f.aggregate_review != "pooled" && f.aggregate_review != "validation") {
    return InvalidArgumentError("--aggregate-review must be pooled or validation, got `" +
                                f.aggregate_review + "`");
  }
  ao.pooled_review = f.aggregate_review == "pooled";
  ao.base_name = f.base == "mad-band" ? "mad-band (window " + std::to_string(f.base_window) + ")" : f.base;
  if (llm != nullptr) {
    // The LLM agents write both roles, told the base's false alarms and misses, and every proposal
    // is reviewed as the combination with the base.
    RuleAgentOptions ro;
    ro.stream = llm_stream;
    auto agents = std::make_unique<LlmProposer>(llm, ro);
    agents->SetBase(std::move(base_fn), ao.base_name);
    return std::unique_ptr<RuleProposer>(std::move(agents));
  }
  if (f.aggregate_add == "builtin") {
    add_holder = std::make_unique<BuiltinProposer>();
    ao.add_proposer = add_holder.get();
  } else if (f.aggregate_add != "none") {
    return InvalidArgumentError("--aggregate-add must be builtin or none, got `" + f.aggregate_add + "`");
  }
  return std::unique_ptr<RuleProposer>(std::make_unique<AggregationProposer>(std::move(base_fn), ao));
}

int Run(const TrainFlags& f, const Config& base_config) {
  if (Status st = CheckNumbers(f); !st.ok()) return ReportError(st);
  // --llm-stream (or --llm-stream=false) overrides the llm_stream setting (VIGIL_LLM_STREAM, the
  // config file), for the client and the agents alike.
  Config config = base_config;
  if (f.llm_stream_given) {
    Status st = config.Set("llm_stream", f.llm_stream ? "true" : "false", "flag --llm-stream");
    if (!st.ok()) return ReportError(st);
  }
  const bool aggregate = f.mode == "aggregate";
  Result<TrainMode> mode = aggregate ? Result<TrainMode>(TrainMode::kOneForOne) : ParseTrainMode(f.mode);
  if (!mode.ok()) {
    return ReportError(
        InvalidArgumentError("--mode must be one-for-one, one-for-all or aggregate, got `" + f.mode + "`"));
  }
  if (!aggregate && !f.base.empty())
    return ReportError(InvalidArgumentError("--base is for --mode aggregate only"));
  Result<Objective> objective = ParseObjective(f.objective);
  if (!objective.ok()) return ReportError(objective.status());
  if (f.llm_stream_given && f.llm_stream && f.proposer != "llm")
    return ReportError(InvalidArgumentError("--llm-stream applies only with --proposer llm"));
  if (f.proposer != "builtin" && f.proposer != "llm")
    return ReportError(InvalidArgumentError("--proposer must be builtin or llm, got `" + f.proposer + "`"));
  Result<UnlabeledRank> rank = ParseUnlabeledRank(f.rank);
  if (!rank.ok()) return ReportError(rank.status().WithContext("--rank"));
  if (*rank != UnlabeledRank::kSensitivity && (f.proposer != "builtin" || aggregate))
    return ReportError(
        InvalidArgumentError("--rank applies only to the builtin proposer outside --mode aggregate"));
  // Unlabeled flatline rules mean "frozen" by default, as in `vigil eval detect` (adopted there by
  // its pre-registered rule, evals/HISTORY.md "NAB / SMD: frozen flatline").
  Result<UnlabeledFlatline> flatline = ParseUnlabeledFlatline(f.flatline);
  if (!flatline.ok()) return ReportError(flatline.status().WithContext("--flatline"));
  if (*flatline != UnlabeledFlatline::kFrozen && (f.proposer != "builtin" || aggregate))
    return ReportError(
        InvalidArgumentError("--flatline applies only to the builtin proposer outside --mode aggregate"));
  // A missing endpoint is a configuration error like a bad flag (exit 2, as `eval detect
  // --detectors rules-llm` and `kb mine --miner llm`), found before any data is read.
  std::unique_ptr<LlmClient> llm;
  if (f.proposer == "llm") {
    Result<std::unique_ptr<LlmClient>> client = MakeLlmClient(config);
    if (!client.ok()) return ReportError(client.status());
    llm = std::move(client).value();
    if (!llm) {
      return ReportError(InvalidArgumentError(
          "--proposer llm needs an LLM endpoint: set VIGIL_LLM_URL (or llm_url in the --config file)"));
    }
  }
  // An --out that cannot be made (under a file, in a folder that cannot be written) is said before
  // the data is read (DOCCHK, 2026-12-04: a Prometheus range or a large folder was read first);
  // nothing is made until PrepareOutDir below, after the data proved good.
  if (Status out = CheckReportDir(f.out, /*overwrite=*/true); !out.ok()) return ReportError(out);
  ReadOptions ro;
  ro.name_filter = f.filter;
  ro.max_series = f.max_series;
  ro.max_points = f.max_points;
  if (f.skip_bad_rows) ro.bad_rows = BadRowPolicy::kSkip;
  // History only: SMD's test split is refused, SMD without a split reads train/.
  Result<std::string> spec = TrainingDataSpec(f.data);
  if (!spec.ok()) return ReportError(spec.status());
  std::vector<std::string> warnings;  // prom: Prometheus's own (a partial answer)
  Result<Dataset> ds = ReadDataSource(*spec, ro, 0, &warnings);  // a file, or prom: (server/data_source.h)
  if (!ds.ok()) return ReportError(ds.status());
  const bool say_info = Says(LogLevel::kInfo), say_warn = Says(LogLevel::kWarn);  // -q: neither
  if (const std::string note = PromReadNote(*spec, *ds); !note.empty() && say_info) std::fprintf(stderr, "train-rules: %s\n", note.c_str());
  for (const std::string& w : warnings) if (say_warn) std::fprintf(stderr, "train-rules: warning: %s\n", w.c_str());
  if (const std::string cut = CutNote(ro, ds->stats); !cut.empty() && say_info) std::fprintf(stderr, "train-rules: %s\n", cut.c_str());
  for (const std::string& e : ds->stats.examples)
    if (say_warn) std::fprintf(stderr, "train-rules: skipped %s\n", e.c_str());
  if (say_warn && ds->stats.rows_skipped > ds->stats.examples.size()) {  // the reader names the first ones only
    std::fprintf(stderr, "train-rules: %zu malformed data row(s) skipped, the first %zu named above\n",
                 ds->stats.rows_skipped, ds->stats.examples.size());
  }
  Result<std::map<std::string, ino_t>> earlier = PrepareOutDir(f.out, f.overwrite);
  if (!earlier.ok()) return ReportError(earlier.status());
  std::unique_ptr<RuleProposer> add_proposer, proposer;
  if (aggregate) {
    Result<std::unique_ptr<RuleProposer>> p =
        AggregationSetup(f, *ds, *objective, llm.get(), config.GetBool("llm_stream"), add_proposer);
    if (!p.ok()) return ReportError(p.status());
    proposer = std::move(p).value();
  } else if (llm) {
    RuleAgentOptions ro;
    ro.stream = config.GetBool("llm_stream");
    proposer = std::make_unique<LlmProposer>(llm.get(), ro);
  } else {
    proposer = std::make_unique<BuiltinProposer>(
        BuiltinProposerOptions{.unlabeled_rank = *rank, .unlabeled_flatline = *flatline});
  }
  TrainerOptions opts;
  opts.mode = *mode;
  opts.objective = *objective;
  opts.delay_k = f.delay_k;
  opts.validation_fraction = f.validation;
  opts.propose.top_k = f.top_k;
  opts.propose.max_candidates = f.max_candidates;
  TrainProgress progress(::isatty(2) != 0, Says(LogLevel::kInfo) ? stderr : nullptr);
  opts.progress = [&](size_t t, size_t n, const std::string& name, int step, int steps) {
    progress.Update(t, n, step, steps, name);
  };
  // What chose the rules or the data they saw, so the rule files and training.json say it: the
  // data read (the subset when --filter / --max-series / --max-points cut it), the split, and the
  // builtin proposer's choices for unlabeled targets, on their split line only (a labeled target's
  // rules are chosen by F1; neither choice touches them).
  RunProvenance provenance;
  provenance.data_source = ds->source;  // the spec read; for prom: times resolved, password hidden
  provenance.subset.name_filter = f.filter;
  provenance.subset.max_series = f.max_series;
  provenance.subset.max_points = f.max_points;
  provenance.split_note = "per series: last " + std::to_string(static_cast<int>(f.validation * 100)) +
                          "% validation tail, the rest training chunks; every point read is history (a "
                          "test split is refused)";
  if (f.proposer == "builtin" && !aggregate)
    provenance.unlabeled_note = "unlabeled flatline " + f.flatline + "; unlabeled review order " + f.rank;
  if (!warnings.empty()) {  // the history may be partial: the rule files say so
    provenance.split_more += "; Prometheus warned that its answer may be incomplete (" +
                             std::to_string(warnings.size()) + " warning(s), on stderr)";
  }
  if (ds->stats.rows_skipped > 0) {
    provenance.split_more += "; " + std::to_string(ds->stats.rows_skipped) +
                             " malformed data row(s) skipped in the data read, all series (--skip-bad-rows)";
  }
  if (aggregate) {
    provenance.split_more +=
        "; aggregation over base detector " + f.base +
        " (its threshold chosen on the whole history); flags = (base and not any role=suppress rule) "
        "or any role=add rule";
  }
  // Each target's rule file as soon as it is trained, so an interrupted run or one that fails late
  // keeps them (for the llm proposer, tokens already paid); training.json at the end.
  opts.target_done = [&](const TrainingRun& so_far, const TrainedTarget& t) {
    return WriteTargetRuleFile(so_far, t, f.out, provenance);
  };
  opts.stop = [] { return g_stop_signal != 0; };
  StopOnSignals stop_on_signals;
  Result<TrainingRun> run = TrainRules(ds->series, ds->groups, *proposer, opts);
  progress.Done();
  if (!run.ok()) return ReportError(run.status());
  const char* sig_name = g_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
  const TrainedTarget* cut = nullptr;  // the target the signal cut short, if any (the run's last)
  if (run->interrupted && !run->targets.empty() && run->targets.back().interrupted) {
    TrainedTarget& t = run->targets.back();
    // The trainer's "stopped before this target finished (<proposer's words>); no rules kept" gets
    // the signal's name, said once (it was wrapped whole: "stopped ... (stopped ... (...))").
    constexpr std::string_view kTrainerSays = "stopped before this target finished";
    std::string rest = t.status.message();
    if (rest.starts_with(kTrainerSays)) {
      rest.erase(0, kTrainerSays.size());
    } else {
      rest = " (" + rest + "); no rules kept";
    }
    t.status = CancelledError(std::string("stopped by ") + sig_name + " before this target finished" + rest +
                              ", no rule file");
    cut = &t;
  }
  // A target this run wrote no rule file for keeps the earlier run's file of its name (--overwrite)
  // where it failed, or anywhere in an interrupted run (nothing is removed then): training.json
  // names it beside "rule_file": null, so the file agrees with the folder `vigil detect` runs.
  Json training = TrainingRunToJson(*run, provenance);
  const std::map<std::string, std::string> left_out_kept = EarlierFilesOfLeftOut(f.out, *earlier, run->left_out);
  for (size_t i = 0; i < run->left_out.size(); ++i)
    for (const auto& [name, series] : left_out_kept)
      if (series == run->left_out[i].series) training["left_out"][i]["earlier_rule_file_kept"] = name;
  std::set<std::string> reached;  // the rule file names of the targets this run reached
  for (size_t i = 0; i < run->targets.size(); ++i) {
    const TrainedTarget& t = run->targets[i];
    const std::string name = t.file_stem + ".rules";
    reached.insert(name);
    if (t.rule_text.empty() && (run->interrupted || !t.status.ok()) && earlier->count(name))
      training["targets"][i]["earlier_rule_file_kept"] = name;
  }
  Status st = WriteFileAtomic(f.out + "/training.json", training.dump(1));
  if (!st.ok()) return ReportError(st);
  // An interrupted --overwrite run keeps the earlier run's rule files of the targets it did not
  // reach or cut short (no RemoveStaleRules): they are what `vigil detect` ran on until now, and a
  // Ctrl-C must not delete them.
  if (run->interrupted) {
    const int sig = g_stop_signal;
    std::string cut_note;
    if (cut != nullptr) {
      const std::string name = cut->file_stem + ".rules";
      cut_note = "; target " + QuotedName(cut->target, 120) + " was in progress: cut short, " +
                 (earlier->count(name) ? "no new rule file (the earlier run's " + name + " is kept)"
                                       : std::string("no rule file")) +
                 " (training.json: \"completed\": false)";
    }
    bool kept_not_reached = false;  // earlier rule files of targets this run did not reach (or no longer has)
    for (const auto& entry : *earlier) {
      if (entry.first.ends_with(".rules") && reached.count(entry.first) == 0) kept_not_reached = true;
    }
    std::fprintf(stderr,
                 "train-rules: stopped by %s after %zu of %zu targets%s; their rule files and training.json "
                 "(\"complete\": false) are in %s%s\n",
                 sig_name, run->targets.size() - (cut ? 1 : 0), run->targets_planned, cut_note.c_str(),
                 f.out.c_str(),
                 kept_not_reached ? "; the earlier run's rule files of the targets not reached are kept "
                                    "(training.json does not list them)"
                                  : "");
    return 128 + sig;
  }
  std::set<std::string> failed_files;  // an earlier run's rule file for these stays
  for (const TrainedTarget& t : run->targets) {
    if (!t.status.ok()) failed_files.insert(t.file_stem + ".rules");
  }
  std::set<std::string> kept_files = failed_files;
  for (const auto& [name, series] : left_out_kept) kept_files.insert(name);
  st = RemoveStaleRules(f.out, *earlier, kept_files);
  if (!st.ok()) return ReportError(st);
  bool kept_earlier = false;
  for (const std::string& name : failed_files) kept_earlier = kept_earlier || earlier->count(name) > 0;
  size_t with_rules = 0, failed = 0;
  // Selects that had to keep the scrape's instance / pod (training/trainer.h selector_note): their
  // rules stop matching once it changes. One line: with one series per GPU there can be thousands.
  std::vector<const TrainedTarget*> pinned;
  for (const TrainedTarget& t : run->targets)
    if (!t.rule_text.empty() && t.selector_note.rfind("kept ", 0) == 0) pinned.push_back(&t);
  if (!pinned.empty() && Says(LogLevel::kWarn)) {
    std::fprintf(stderr, "train-rules: warning: %zu target(s) select on volatile scrape labels; %s: %s%s\n", pinned.size(),
                 QuotedName(pinned[0]->target, 120).c_str(), pinned[0]->selector_note.c_str(),
                 pinned.size() > 1 ? " (the others: their rule files' `# select:` lines)" : "");
  }
  // Series with too little history (a GPU that appeared shortly before the history ends) train no
  // rules: not a failure, but said, with how much history each had (training/trainer.h LeftOutSeries).
  if (const std::string left_out = LeftOutSummary(*run); !left_out.empty() && Says(LogLevel::kWarn))
    std::fprintf(stderr, "train-rules: warning: %s\n", left_out.c_str());
  if (!left_out_kept.empty() && Says(LogLevel::kWarn)) {
    std::string list;
    for (const auto& [name, series] : left_out_kept)
      list += (list.empty() ? "" : ", ") + name + " (selects " + QuotedName(series, 120) + ")";
    std::fprintf(stderr,
                 "train-rules: warning: --overwrite kept %zu earlier rule file(s) of series left out for too "
                 "little history, their rules from the earlier run (training.json left_out "
                 "earlier_rule_file_kept): %s\n",
                 left_out_kept.size(), list.c_str());
  }
  for (const TrainedTarget& t : run->targets) {
    with_rules += !t.rule_text.empty();
    if (!t.rule_text.empty() && !t.selector_warning.empty())
      std::fprintf(stderr, "train-rules: warning: %s: %s\n", QuotedName(t.target, 120).c_str(), t.selector_warning.c_str());
    // The group family's bad input (the label on some members only): the proposer's rules are
    // written, the group rule is not; say so here, not only in training.json.
    if (!t.group_error.empty())
      std::fprintf(stderr, "train-rules: warning: %s: no group rule: %s\n", QuotedName(t.target, 120).c_str(),
                   t.group_error.c_str());
    if (!t.status.ok()) {
      ++failed;
      std::fprintf(stderr, "train-rules: %s: %s\n", QuotedName(t.target, 120).c_str(), t.status.message().c_str());
    }
  }
  std::printf(
      "trained %zu targets (%zu with rules, %zu failed) in %.1f s; rule files and training.json in %s\n",
      run->targets.size(), with_rules, failed, run->wall_s, f.out.c_str());
  if (llm) {  // what the LLM cost; every call is in <data_dir>/audit/llm-*.jsonl
    const TokenUsage u = llm->Usage();
    std::printf("LLM %s: %lld prompt + %lld completion tokens\n", llm->Describe().c_str(),
                static_cast<long long>(u.prompt_tokens), static_cast<long long>(u.completion_tokens));
  }
  if (failed > 0) {  // a partial run is not a success: automation must see it (exit 1)
    std::fprintf(stderr, "train-rules: %zu of %zu targets failed (above; their errors are in training.json)%s%s\n",
                 failed, run->targets.size(), failed < run->targets.size() ? "; the others' rule files are written" : "",
                 kept_earlier ? "; the earlier run's rule files of the failed targets are kept" : "");
  }
  if (run->targets.empty() && !run->left_out.empty()) {  // nothing trained at all: not a success
    std::fprintf(stderr, "train-rules: no series has enough history to train (above); read a longer range\n");
    return 1;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace

CommandRunner SetupTrainRules(CLI::App& sub) {
  auto f = std::make_shared<TrainFlags>();
  sub.footer(
      "Exit status: 0 every target trained (some may keep no rule); 1 the run failed, or some targets "
      "failed (named on stderr and in training.json; the others' rule files are written); 2 bad input "
      "(a flag, the data, --out, an LLM setting), nothing trained; 130 / 143 stopped by SIGINT / SIGTERM "
      "(the targets done are written, training.json says \"complete\": false).");
  sub.add_option("--data", f->data, "FORMAT:PATH of the history (nab, kpi, smd = its train split (smd:PATH:test is refused), csv, jsonl), "
                 "or a Prometheus range query 'prom:http://host:9090?query=PROMQL&start=T&end=T&step=60s', quoted in a shell "
                 "(an & ends the command); T: Unix seconds, RFC 3339, now or now-2d; defaults: the last day at 60s "
                 "(unlabeled history; detectors/README.md)")
      ->required();
  sub.add_option("--out", f->out,
                 "folder for the rule files and training.json (created; one holding an earlier run's rule "
                 "files is refused unless --overwrite)")
      ->required();
  sub.add_option("--proposer", f->proposer, "builtin | llm")->capture_default_str();
  sub.add_option(
         "--mode", f->mode,
         "one-for-one | one-for-all | aggregate (suppress/add rules over a base detector, per series)")
      ->capture_default_str();
  sub.add_option(
      "--base", f->base,
      "aggregate: the base detector, mad-band | iforest | flags:FILE (0/1 in the value column, csv "
      "unless FORMAT:PATH)");
  sub.add_option("--base-window", f->base_window, "aggregate: the mad-band base's window in points")
      ->check(WholeNumber(1))
      ->capture_default_str();
  sub.add_flag(
      "--skip-bad-rows", f->skip_bad_rows,
      "skip and count malformed data rows (the first 10 named on stderr, the count in the rule files' "
      "and training.json's split line) instead of failing on the first one");
  sub.add_option("--rank", f->rank,
                 "builtin, unlabeled targets: order of the review's quiet rules, the first 3 kept: "
                 "sensitivity (threshold vs the training 1%/99% quantile) | tail (fewest validation-tail "
                 "flags first)")
      ->capture_default_str();
  sub.add_option("--flatline", f->flatline,
                 "builtin, unlabeled targets: a flatline rule's threshold: frozen (at most 1% of the median "
                 "training std: the metric is frozen) | minimum (the smallest std of any full training "
                 "window)")
      ->capture_default_str();
  sub.add_option("--aggregate-review", f->aggregate_review,
                 "aggregate: keep a rule if it raises the F1 on training + validation (pooled) or on the "
                 "validation tail alone")
      ->capture_default_str();
  sub.add_option(
         "--aggregate-add", f->aggregate_add,
         "aggregate: builtin = the builtin proposer's rule sets are add candidates too; none = single "
         "feature rules only (ignored with --proposer llm: the LLM agents write suppress and add rules)")
      ->capture_default_str();
  sub.add_option("--objective", f->objective, "validation F1 to maximise: point | pa | dc_pa | event")
      ->capture_default_str();
  sub.add_option("--delay-k", f->delay_k, "k of the delay-constrained PA F1")->capture_default_str();
  sub.add_option("--validation", f->validation, "fraction of each series kept as the validation tail")
      ->capture_default_str();
  sub.add_option("--top-k", f->top_k, "candidates kept per target")->capture_default_str();
  sub.add_option("--max-candidates", f->max_candidates, "evaluation budget per target")
      ->capture_default_str();
  sub.add_option("--filter", f->filter, "only series whose name contains this");
  AddSliceOptions(sub, f->max_series, f->max_points);
  sub.add_flag("--overwrite", f->overwrite,
               "replace the rule files of an earlier run in --out (refused otherwise): a target trained now "
               "gets its new file (or none), the earlier files of targets no longer in the data are removed, "
               "those of targets that fail or are not reached (SIGINT) are kept. A folder holding rule files "
               "train-rules did not write is refused, with or without it");
  CLI::Option* stream = sub.add_flag(
      "--llm-stream", f->llm_stream,
      "llm: ask for each answer as a server-sent event stream (same result, assembled); overrides the "
      "llm_stream setting (VIGIL_LLM_STREAM), --llm-stream=false turns it off");
  return [f, stream](const Config& config) {
    f->llm_stream_given = stream->count() > 0;
    return Run(*f, config);
  };
}

}  // namespace vigil
