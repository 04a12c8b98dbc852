#include "core/source_tree.h"
#include "evals/diagnosis_eval.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/json.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// A folder with one dev case whose expected root cause is replaced by `root_cause`.
fs::path CaseFolder(const std::string& root_cause) {
  const fs::path dir = fs::temp_directory_path() / ("vigil-diag-eval-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "cases");
  std::ifstream in(SourceTreePath("evals/diagnosis/dev/case-043.json"));
  nlohmann::json c = nlohmann::json::parse(in);
  c["expected"]["root_cause"] = root_cause;
  std::ofstream(dir / "cases/case-x.json") << c.dump();
  return dir;
}

std::string CaseError(const std::string& root_cause) {
  const fs::path dir = CaseFolder(root_cause);
  DiagnosisEvalOptions o;
  o.cases_dir = (dir / "cases").string();
  o.out_dir = (dir / "out").string();
  o.pack_dir = "";
  o.taxonomy_path = SourceTreePath("data/taxonomy.json");
  Result<DiagnosisEvalReport> r = RunDiagnosisEval(o);
  fs::remove_all(dir);
  REQUIRE(r.ok());
  REQUIRE(r->rows.size() == 1);
  return r->rows[0].error;
}

}  // namespace

// A diagnosis whose two probes ran one after the other (the second waited for the first's result)
// and both passed without feeding the decision: the reasoner's sequential sum is 0, the planned
// time 3.9 s. A third probe found nothing to run (unavailable, no time) and a fourth was skipped.
Diagnosis TwoProbesThatFedNothing() {
  Diagnosis d;
  d.steps = {{"s1", "run_probe", "gpu.health@node-a/gpu1", {}, 1.0, 1.1, "pass"},
             {"s2", "run_probe", "gpu.gemm@node-a/gpu1", {"s1"}, 3.0, 2.8, "pass"},
             {"s3", "run_probe", "gpu.health@node-a/gpu0", {}, 1.0, 0.0, "unavailable"},
             {"s4", "run_probe", "gpu.gemm@node-a/gpu0", {"s3"}, 3.0, 0.0, "skipped"}};
  d.planned_s = 3.9;
  d.sequential_s = 0;  // neither result entered the decision
  return d;
}

TEST_CASE("eval diagnose: a row's sequential time over every probe that ran is beside the fed-only one") {
  DiagnosisCaseRow row;
  SetVerificationFigures(TwoProbesThatFedNothing(), row);
  CHECK(row.probes == 2);  // the unavailable and the skipped probe ran no test
  CHECK(row.planned_s == doctest::Approx(3.9));
  CHECK(row.sequential_s == doctest::Approx(0.0));      // the reasoner's: probes that fed the decision
  CHECK(row.sequential_all_s == doctest::Approx(3.9));  // the same probes planned_s schedules
}

TEST_CASE("eval diagnose: planned / sequential over every probe that ran compares the same probes") {
  DiagnosisEvalReport report;
  DiagnosisCaseRow chained;  // planned 3.9 s: one after the other, neither fed the decision
  SetVerificationFigures(TwoProbesThatFedNothing(), chained);
  DiagnosisCaseRow parallel;  // two 1.1 s probes at once, both fed the decision
  parallel.probes = 2;
  parallel.planned_s = 1.1;
  parallel.sequential_s = parallel.sequential_all_s = 2.2;
  DiagnosisCaseRow one;  // a single probe: no concurrency to measure, not counted
  one.probes = 1;
  one.planned_s = one.sequential_s = one.sequential_all_s = 5.0;
  DiagnosisCaseRow failed = parallel;  // a case that could not be scored is not counted either
  failed.error = "case file unreadable";
  report.rows = {chained, parallel, one, failed};
  SummarizeVerification(report);
  CHECK(report.multi_probe_cases == 2);
  CHECK(report.mean_planned_s == doctest::Approx(2.5));
  CHECK(report.mean_sequential_s == doctest::Approx(1.1));
  CHECK(report.mean_sequential_all_s == doctest::Approx(3.05));
  // The fed-only ratio (the earlier reports' figure) exceeds what the planner can do on its probes:
  // 5.0 / 2.2; over the same probes it is 5.0 / 6.1.
  CHECK(report.planned_ratio == doctest::Approx(5.0 / 2.2));
  CHECK(report.planned_ratio_all == doctest::Approx(5.0 / 6.1));
  CHECK(report.planned_ratio_all <= 1.0);
  const Json j = report.ToJson();
  CHECK(j["mean_sequential_all_s"].get<double>() == doctest::Approx(3.05));
  CHECK(j["planned_over_sequential_all"].get<double>() == doctest::Approx(5.0 / 6.1));
  CHECK(j["planned_over_sequential"].get<double>() == doctest::Approx(5.0 / 2.2));
  CHECK(j["rows"][0]["sequential_all_s"].get<double>() == doctest::Approx(3.9));
  const std::string md = report.ToMarkdown();
  CHECK(md.find("| planned / sequential | 2.273 |") != std::string::npos);
  CHECK(md.find("| planned / sequential, every probe that ran | 0.820 |") != std::string::npos);
  CHECK(md.find("| 2 | 3.9 | 0.0 | 3.9 |") != std::string::npos);  // probes, planned, fed-only, all
  const std::string summary = report.Summary();
  CHECK(summary.find("planned 2.50 s vs sequential 3.05 s over every probe that ran (planned/sequential = 0.820)") !=
        std::string::npos);
  // No multi-probe case: every figure 0, no division by 0.
  DiagnosisEvalReport none;
  none.rows = {one};
  SummarizeVerification(none);
  CHECK(none.multi_probe_cases == 0);
  CHECK(none.planned_ratio_all == 0);
  CHECK(none.mean_sequential_all_s == 0);
}

TEST_CASE("eval diagnose: an expected root cause outside the taxonomy gets the KB's category hint") {
  // Named in other words: edit distance alone (before SM2) found nothing for these.
  CHECK(CaseError("ib_link_down").find("is not in the taxonomy; did you mean `ib_link_failure`?") != std::string::npos);
  CHECK(CaseError("nccl_hang").find("did you mean `nccl_collective_hang`?") != std::string::npos);
  // A typo, as before.
  CHECK(CaseError("cuda_oomm").find("did you mean `cuda_oom`?") != std::string::npos);
  // Nothing close: no hint.
  const std::string none = CaseError("cosmic_rays");
  CHECK(none.find("is not in the taxonomy") != std::string::npos);
  CHECK(none.find("did you mean") == std::string::npos);
}

TEST_CASE("eval diagnose: a --pack that is not there is refused before any case runs; a case file for --cases is named") {
  // DOCCHK (2026-12-04): a missing pack scored dev without it (top-1 0.381, exit 0).
  const fs::path dir = CaseFolder("cuda_oom");
  DiagnosisEvalOptions o;
  o.cases_dir = (dir / "cases").string();
  o.out_dir = (dir / "out").string();
  o.taxonomy_path = SourceTreePath("data/taxonomy.json");
  o.pack_dir = (dir / "no-pack").string();
  Result<DiagnosisEvalReport> r = RunDiagnosisEval(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().rfind("--pack " + o.pack_dir + ": no such folder", 0) == 0);
  o.pack_dir = (dir / "cases/case-x.json").string();  // a file is no pack either
  CHECK_FALSE(RunDiagnosisEval(o).ok());
  o.pack_dir = "data/knowledge";  // relative: found as the knowledge base finds it
  CHECK(RunDiagnosisEval(o).ok());
  // --cases naming a file: said so (it was "case directory ... not found").
  o.cases_dir = (dir / "cases/case-x.json").string();
  r = RunDiagnosisEval(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "case directory " + o.cases_dir +
                                    " is a file, not a folder (--cases takes a folder of case files; vigil diagnose "
                                    "--case reads one)");
  fs::remove_all(dir);
}

}  // namespace vigil
