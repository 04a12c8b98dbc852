// The diagnosis benchmark: runs the diagnosis agent over a folder of cases (evals/diagnosis/*/),
// each with its recorded probe results served by a replay executor, and scores the answers
// against each case's `expected` block (read only here).
//
// Scores: top-1 root-cause accuracy, top-3 accuracy (expected category among the three best
// hypotheses), component accuracy (exact match, case-insensitive), and verification time over the
// cases whose diagnosis ran two or more probes that answered (unavailable/skipped probes cost no
// time and are not counted): mean planned seconds (the planner's schedule of every probe that ran)
// against two sequential sums. `sequential_all_s` is every probe that ran, one after another: the
// same probes the planned figure schedules, so planned / sequential_all is what the planner's
// concurrency saves. `sequential_s` is the reasoner's Diagnosis::sequential_s, the probes whose
// result entered the decision only (a peer compared with nothing is left out); a planned time of
// probes it leaves out can exceed it, so its ratio (kept, the figure of earlier reports) mixes the
// planner's saving with the share of probes that fed nothing (VER6, evals/HISTORY.md). A
// case that cannot be loaded, or whose expected root cause is not in the taxonomy, counts as
// wrong and is listed with its error. Reports: Markdown and JSON in `out_dir`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agents/diagnosis_agent.h"
#include "connectors/llm_client.h"
#include "core/config.h"
#include "core/json.h"

namespace vigil {

struct DiagnosisEvalOptions {
  std::string cases_dir;                            // required
  std::string out_dir;                              // "" = eval-out/diagnose-<folder name>
  bool overwrite = false;                           // replace a report already in out_dir (else refused)
  std::string pack_dir = "data/knowledge";          // shipped knowledge pack (in-memory KB)
  std::string taxonomy_path = "../shared/taxonomy.json";
  LlmClient* llm = nullptr;                         // nullptr: built-in reasoner
  bool allow_intrusive = true;                      // replayed results: nothing touches a GPU
  std::function<void(const std::string&)> log;      // progress lines; may be empty
};

struct DiagnosisCaseRow {
  std::string id;
  std::string file;
  std::string expected_root_cause;
  std::string expected_component;
  std::string root_cause;
  std::string component;
  std::vector<std::string> top3;
  double confidence = 0;
  bool top1 = false;
  bool top3_hit = false;
  bool component_ok = false;
  size_t probes = 0;          // probes that answered (pass, fail, error, timeout)
  double planned_s = 0;
  double sequential_s = 0;      // probes whose result fed the decision (Diagnosis::sequential_s)
  double sequential_all_s = 0;  // every probe that ran, one after another (the steps planned_s schedules)
  double seconds = 0;         // wall time of the diagnosis
  std::string mode;
  std::string error;          // load/scoring failure; the case counts as wrong
};

struct DiagnosisEvalReport {
  std::string cases_dir;
  std::vector<DiagnosisCaseRow> rows;
  double top1 = 0, top3 = 0, component = 0;
  size_t multi_probe_cases = 0;
  double mean_planned_s = 0, mean_sequential_s = 0;  // over multi-probe cases
  double planned_ratio = 0;                          // mean_planned / mean_sequential
  double mean_sequential_all_s = 0;                  // over multi-probe cases
  double planned_ratio_all = 0;                      // mean_planned / mean_sequential_all
  size_t errors = 0;
  Json ToJson() const;
  std::string ToMarkdown() const;
  std::string Summary() const;  // the few lines printed on the console
};

// A row's verification figures from its diagnosis: probes that answered, planned, and the two
// sequential sums (see the top of this file).
void SetVerificationFigures(const Diagnosis& d, DiagnosisCaseRow& row);

// The report's verification means and ratios over its rows with two or more probes (0 when none;
// a ratio 0 when its sequential sum is 0).
void SummarizeVerification(DiagnosisEvalReport& report);

// NotFound / InvalidArgument for a missing or empty folder or a bad taxonomy; per-case problems
// are rows with `error`, not a failed run.
Result<DiagnosisEvalReport> RunDiagnosisEval(const DiagnosisEvalOptions& options);

// Writes report.md and report.json into the folder (created).
Status WriteDiagnosisEvalReport(const DiagnosisEvalReport& report, const std::string& out_dir);

// `vigil eval diagnose`: runs the benchmark (LLM from the config when llm_url is set), prints the
// summary, writes the reports; returns the process exit code (0, 1 run failed, 2 bad input).
int RunDiagnoseEvalCommand(DiagnosisEvalOptions options, const Config& config);

}  // namespace vigil
