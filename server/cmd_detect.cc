// `vigil detect --rules FILE|DIR... --data FORMAT:PATH [--flags-out FILE]`: see server/cli.h for the
// contract. Prints every alert episode that fired as one JSON line (resolved ones with ends_at,
// ones still firing at the end of the data with ends_at 0), then a one-line summary on stderr;
// before them, a warning per rule whose select picks no series (exit 1 when that is every rule).
// With --flags-out, writes `series,timestamp,flag` (timestamp in Unix ms) for every input point.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/logging.h"
#include "core/json.h"
#include "core/metric_renames.h"
#include "core/utf8.h"
#include "detectors/engine.h"
#include "detectors/readers.h"
#include "rules/compiler.h"
#include "rules/rule_files.h"
#include "server/cli.h"
#include "server/data_source.h"

namespace vigil {
namespace {

struct DetectArgs {
  std::vector<std::string> rules;  // files and folders (a folder: its *.rules, in name order)
  std::string data;
  std::string flags_out;
  bool skip_bad_rows = false;
  int64_t scrape_interval_ms = 0;  // prom: data (the global prometheus_scrape_interval)
  size_t max_series = 0, max_points = 0;  // the slice read (ReadOptions)
  std::string filter;  // --filter: only series whose name contains this (ReadOptions::name_filter)
};

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One label matcher as written in a rule file: `name="value"` (or !=, =~, !~).
std::string MatcherText(const LabelMatcher& m) {
  static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  std::string out = m.name + kOps[static_cast<int>(m.op)] + '"';
  for (char c : m.value) out += c == '"' || c == '\\' ? std::string{'\\', c} : std::string(1, c);
  return out + '"';
}

// The selector as written in a rule file: `metric{name="value", ...}` (`*` for any metric).
std::string SelectorText(const Selector& sel) {
  std::string out = sel.metric.empty() ? "*" : sel.metric;
  if (sel.matchers.empty()) return out;
  out += '{';
  for (size_t i = 0; i < sel.matchers.size(); ++i) out += (i ? ", " : "") + MatcherText(sel.matchers[i]);
  return out + '}';
}

// "a, b, c" of the first `max` of `names`, then " and N more".
std::string NameList(const std::set<std::string>& names, size_t max = 12) {
  std::string out;
  size_t n = 0;
  for (const std::string& name : names) {
    if (n == max) return out + " and " + std::to_string(names.size() - max) + " more";
    if (n++) out += ", ";
    out += QuotedName(name);
  }
  return out.empty() ? "none" : out;
}

// Why `sel` picks none of `series`, for a person fixing a typo: the metric name no series has, a
// label key no series has, a label value none has (with the values seen), or else that the parts
// match separately but not together; then the label keys the data has.
std::string WhyNoSeries(const Selector& sel, const std::vector<TimeSeries>& series) {
  std::set<std::string> names, keys;
  for (const TimeSeries& s : series) {
    names.insert(s.name);
    for (const auto& [k, v] : s.labels) keys.insert(k);
  }
  std::vector<std::string> why;
  if (!sel.metric.empty() && !names.count(sel.metric))
    why.push_back("no series is named `" + sel.metric + "` (names seen: " + NameList(names) + ")");
  for (const LabelMatcher& m : sel.matchers) {
    Selector one{.metric = "", .matchers = {m}};
    bool any = false;
    for (const TimeSeries& s : series) {
      if ((any = SelectorMatches(one, s.name, s.labels))) break;
    }
    if (any) continue;
    if (!keys.count(m.name)) {
      why.push_back("no series has label `" + m.name + "`");
      continue;
    }
    std::set<std::string> values;
    for (const TimeSeries& s : series) {
      if (auto it = s.labels.find(m.name); it != s.labels.end()) values.insert(it->second);
    }
    why.push_back("no series has " + MatcherText(m) + " (values of `" + m.name +
                  "` seen: " + NameList(values) + ")");
  }
  if (why.empty()) why.push_back("no series matches all of it together");
  std::string out;
  for (const std::string& w : why) out += (out.empty() ? "" : "; ") + w;
  return out + "; labels seen: " + NameList(keys, 30);
}

// Rules selecting no series named one by one; past it, one line with the count (a train-rules
// folder run on one series' data would otherwise print every other target's rules).
constexpr size_t kMaxNamedSelectingNone = 10;

// --flags-out is checked before any work: a folder there, or a missing folder above it, was found
// only after every alert was printed (and a folder left FILE.tmp beside it; DOCCHK, 2026-12-04).
Status CheckFlagsOut(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return InvalidArgumentError("--flags-out " + path + ": is a folder; --flags-out takes a file (e.g. " +
                                (fs::path(path) / "flags.csv").string() + ")");
  }
  const fs::path parent = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  if (!fs::exists(parent, ec)) {
    return InvalidArgumentError("--flags-out " + path + ": the folder " + parent.string() + " does not exist");
  }
  if (!fs::is_directory(parent, ec)) {
    return InvalidArgumentError("--flags-out " + path + ": " + parent.string() + " is not a folder");
  }
  return Status::Ok();
}

int RunDetect(const DetectArgs& args) {
  if (!args.flags_out.empty()) {
    if (Status s = CheckFlagsOut(args.flags_out); !s.ok()) return ReportError(s);
  }
  // Files and folders (rules/rule_files.h); a rule name defined in two files is refused.
  Result<std::vector<std::string>> listed = ListRuleFiles(args.rules);
  if (!listed.ok()) return ReportError(InvalidArgumentError("--rules " + listed.status().message()));
  // A rule that does not compile is left out and named (file:line:col); the others run, and the
  // exit status is still 2 (bad input) so that a script sees the error.
  Result<LoadedRules> loaded = LoadRuleFilesKeepingGood(*listed);
  if (!loaded.ok()) return ReportError(loaded.status());
  const size_t files = loaded->files;
  const std::vector<std::string>& rule_errors = loaded->errors;
  CompiledRules* rules = &loaded->rules;
  for (const std::string& e : rule_errors) std::cerr << "vigil detect: " << e << "\n";
  if (!rule_errors.empty()) {
    std::cerr << "vigil detect: " << rule_errors.size() << " rule error(s) above: those rules are left out; the other "
              << rules->rules.size() << " rule(s) run (exit status 2)\n";
  }
  // Aggregate-mode rule files (training/aggregation.h) only mean something combined with their
  // base detector's flags; run alone, a `role = "suppress"` rule would fire where it should
  // silence the base. Refuse instead of printing alerts that mean the opposite.
  for (const RulePlan& r : rules->rules) {
    auto role = r.labels.find("role");
    if (role != r.labels.end() && role->second == "suppress") {
      return ReportError(InvalidArgumentError(
          r.file + ":" + std::to_string(r.line) + ": rule `" + r.name +
          "` has role \"suppress\" (an aggregate-mode rule for a base detector); vigil detect runs plain "
          "rule files only — combine it with its base through `vigil eval detect` (rules-aggregate) or "
          "training/aggregation.h's ApplyAggregateRules"));
    }
  }
  ReadOptions ro;
  if (args.skip_bad_rows) ro.bad_rows = BadRowPolicy::kSkip;
  ro.non_finite_as_missing = true;  // a NaN loss is a reading: a missing point stale_for sees
  ro.max_series = args.max_series;
  ro.max_points = args.max_points;
  ro.name_filter = args.filter;
  std::vector<std::string> warnings;  // prom: Prometheus's own (a partial answer)
  Result<Dataset> data = ReadDataSource(args.data, ro, 0, &warnings, args.scrape_interval_ms);  // a file, or prom: (server/data_source.h)
  if (!data.ok()) return ReportError(data.status());
  // --log-level warn / error (or -q) keep stderr to warnings / errors: a cron job mails every line
  // (DOG6, 2026-12-05: the notes and the summary were printed at every level).
  const bool say_info = GetLogLevel() <= LogLevel::kInfo, say_warn = GetLogLevel() <= LogLevel::kWarn;
  if (const std::string note = PromReadNote(args.data, *data); !note.empty() && say_info) std::cerr << "vigil detect: " << note << "\n";
  if (say_warn) {
    std::vector<std::string> files;
    for (const RulePlan& r : rules->rules) files.push_back(r.file);
    for (const std::string& w : PromStepMismatch(*data, files)) std::cerr << "vigil detect: warning: " << w << "\n";
    for (const std::string& w : warnings) std::cerr << "vigil detect: warning: " << w << "\n";
  }
  // A slice must not pass for the whole input: say what the caps left out.
  const std::string cut = CutNote(ro, data->stats);
  if (!cut.empty() && say_warn) std::cerr << "vigil detect: " << cut << "\n";
  for (const auto& e : data->stats.examples) if (say_warn) std::cerr << "vigil detect: skipped " << e << "\n";
  for (const auto& e : data->stats.missing_examples) if (say_warn) std::cerr << "vigil detect: " << e << "\n";
  // A rule whose select picks no series checks nothing: say so once per rule (a typo `jobb=` was
  // silent: exit 0, "0 alert(s)"). An absent() rule is meant to fire on an empty selection.
  size_t selecting_none = 0;
  auto selects_any = [&](const RulePlan& r) {
    return std::any_of(data->series.begin(), data->series.end(),
                       [&](const TimeSeries& s) { return SelectorMatches(r.selector, s.name, s.labels); });
  };
  for (const RulePlan& r : rules->rules) {
    if (r.absent_rule) continue;
    if (selects_any(r)) continue;
    // A rule on one exporter version's name of a field whose other name this input carries, read
    // by another rule of the run: expected, not a typo (REV3: the bundled rules' DCGM 4 pair gave
    // two warnings on the sample, which has dcgm-exporter 3.x's name, in scripts/run detect's
    // first output).
    if (const std::string twin(OtherVersionMetricName(r.selector.metric)); !twin.empty()) {
      const auto reader = std::find_if(rules->rules.begin(), rules->rules.end(), [&](const RulePlan& o) {
        return &o != &r && o.selector.metric == twin && selects_any(o);
      });
      if (reader != rules->rules.end()) {
        if (say_info) std::cerr << "vigil detect: note: rule `" << r.name << "` (" << r.file << ":" << r.line << ") selects no series: `"
                  << r.selector.metric << "` is another exporter version's name of the field this input carries as `"
                  << twin << "`, which rule `" << reader->name
                  << "` reads; expected (an exporter exports one of the two names)\n";
        continue;
      }
    }
    if (++selecting_none > kMaxNamedSelectingNone || !say_warn) continue;
    std::cerr << "vigil detect: warning: rule `" << r.name << "` (" << r.file << ":" << r.line
              << ") selects no series: `" << SelectorText(r.selector) << "`: " << WhyNoSeries(r.selector, data->series)
              << "\n";
  }
  if (selecting_none > kMaxNamedSelectingNone && say_warn) {
    std::cerr << "vigil detect: warning: " << selecting_none - kMaxNamedSelectingNone << " more rule(s) select no series (" << selecting_none
              << " of " << rules->rules.size() << " in all)\n";
  }
  // prom: data: `stale_for` / `absent` rules are evaluated at every distinct time of the input, and
  // Prometheus answers no point where a series has no fresh sample (the repeats are dropped), so a
  // query whose series all stop, or pause together, left no time to evaluate at and such a rule
  // never fired (OPS5; one series `train_loss` whose loss went NaN, one GPU's exporter stopping).
  // As serve's online detection does, a clock series with a missing value at every step of the
  // query's grid gives them the times; no rule selects it (a `select *` rule would: then no clock).
  bool clocked = data->format == "prom" && std::none_of(rules->rules.begin(), rules->rules.end(),
                                                               [](const RulePlan& r) { return r.selector.metric.empty(); }) &&
                       std::any_of(rules->rules.begin(), rules->rules.end(), [](const RulePlan& r) { return r.tick_driven; });
  // The recorded spec (times resolved); its password is `[redacted]`, which is not used here.
  Result<PromDataSpec> spec = clocked ? ParsePromDataSpec(data->source, 0) : Result<PromDataSpec>(InternalError(""));
  clocked = clocked && spec.ok() && spec->range.step_ms > 0;
  if (clocked) {
    TimeSeries clock;
    clock.name = "__vigil_detect_clock__";
    for (int64_t t = spec->range.start_ms; t <= spec->range.end_ms; t += spec->range.step_ms) {
      clock.timestamps_ms.push_back(t);
      clock.values.push_back(std::numeric_limits<double>::quiet_NaN());
    }
    data->series.push_back(std::move(clock));
  }
  // A firing alert whose series stopped and never came back is resolved once the input (or the
  // clock of the range read) goes on past the gap rule's quiet time (EngineOptions).
  EngineOptions engine_options;
  engine_options.end_at_input_end = true;
  Result<BatchResult> result = EvaluateBatch(*rules, data->series, engine_options);
  if (clocked) {
    data->series.pop_back();
    if (result.ok()) result->flags.pop_back();
  }
  if (!result.ok()) return ReportError(result.status());
  size_t firing = 0;
  for (const Alert& a : result->alerts) {
    firing += a.state == AlertState::kFiring;
    std::cout << Json(a).dump() << "\n";
  }
  std::cout.flush();
  if (!args.flags_out.empty()) {
    // Series named by their name (file stem, SMD machine/dimension) unless two share it.
    std::map<std::string, int> seen;
    for (const auto& s : data->series) ++seen[s.name];
    std::string out = "series,timestamp,flag\n";
    for (size_t i = 0; i < data->series.size(); ++i) {
      const TimeSeries& s = data->series[i];
      std::string name = CsvField(seen[s.name] > 1 ? s.id() : s.name);
      for (size_t j = 0; j < s.size(); ++j) {
        out += name;
        out += ',';
        out += std::to_string(s.timestamps_ms[j]);
        out += result->flags[i][j] ? ",1\n" : ",0\n";
      }
    }
    Status w = WriteFileAtomic(args.flags_out, out);
    if (!w.ok()) return ReportError(w.WithContext("--flags-out"));
  }
  size_t points = 0;
  for (const auto& s : data->series) points += s.size();
  if (say_info) std::cerr << "vigil detect: " << rules->rules.size() << " rule(s)"
            << (files > 1 ? " from " + std::to_string(files) + " files" : std::string()) << " over "
            << data->series.size() << " series, "
            << points << " points"
            << (data->stats.read_as_missing ? " (" + std::to_string(data->stats.read_as_missing) +
                                                  " NaN / Inf value(s) read as missing)" : "")
            << (data->stats.rows_skipped ? ", " + std::to_string(data->stats.rows_skipped) + " bad rows skipped" : "")
            << (cut.empty() ? "" : " (a slice: input cut, see above)")
            << ": " << result->alerts.size() << " alert(s), " << firing << " still firing at the end"
            << (rule_errors.empty() ? "" : "; " + std::to_string(rule_errors.size()) + " rule error(s), see above") << "\n";
  // Every rule selecting nothing: the run watched nothing, which automation must not read as "no
  // alerts" (exit 1, the work failed; the inputs themselves are valid, so not 2).
  if (selecting_none > 0 && selecting_none == rules->rules.size()) {
    std::cerr << "vigil detect: no rule selects any series of the data (" << selecting_none
              << (selecting_none == 1 ? " rule" : " rules") << ", warnings above); nothing was checked\n";
    return 1;
  }
  return rule_errors.empty() ? 0 : 2;
}

}  // namespace

CommandRunner SetupDetect(CLI::App& sub) {
  auto args = std::make_shared<DetectArgs>();
  sub.footer(
      "A rule whose select picks no series of the data gets a warning on stderr (file:line, the selector, "
      "why). Exit status: 0 done (alerts or none); 1 the work failed (e.g. a file missing), or no rule selects "
      "any series (nothing was checked); 2 bad input (rule errors, a rule name in two files, malformed data, a "
      "flag). A rule that does not compile is named (file:line:col) and left out; the others still run and "
      "their alerts are printed, and the exit status is 2.");
  sub.add_option("--rules", args->rules,
                 "rule file (docs/rules.md) or folder of *.rules files (e.g. train-rules' --out); repeatable; "
                 "a rule name defined in two files is refused")
      ->required();
  sub.add_option("--data", args->data,
                 "FORMAT:PATH with FORMAT nab, kpi, smd (smd:PATH[:train|test]), csv, jsonl, promjson (a saved "
                 "/api/v1/query_range answer) or promtext (text exposition with timestamps); or a Prometheus range query "
                 "'prom:http://host:9090?query=PROMQL&start=T&end=T&step=60s', quoted in a shell (an & ends the command); "
                 "T: Unix seconds, RFC 3339, now or now-2d; defaults: the last day at 60s (detectors/README.md)")
      ->required();
  sub.add_option("--flags-out", args->flags_out, "write series,timestamp,flag (Unix ms) for every input point");
  // As train-rules' and eval detect's (OPS5: detect had none, so one NAB file or SMD machine of a
  // root folder could not be picked: "The following arguments were not expected: ... --filter").
  sub.add_option("--filter", args->filter,
                 "only series whose name contains this (nab: `<group>/<name>`, smd: machines or `<machine>/dim<N>`)");
  AddSliceOptions(sub, args->max_series, args->max_points);
  sub.add_flag("--skip-bad-rows", args->skip_bad_rows,
               "skip and count malformed data rows instead of failing on the first one (a NaN / Inf value is "
               "not malformed: it is read as a missing point either way)");
  return [args](const Config& config) {
    args->scrape_interval_ms = config.GetDurationMs("prometheus_scrape_interval");
    return RunDetect(*args);
  };
}

}  // namespace vigil
