// DiagnosisCase: one incident to diagnose offline, loaded from the case format of
// evals/diagnosis/ (see evals/README.md and issue 7):
//   {id, alert{labels, annotations, startsAt}, logs[{source, lines[]}],
//    metrics[{name, labels, samples[[unix_ms, value], ...]}],
//    probes{"probe@target": result}, topology{...}?, expected{root_cause, component}?}
//
// Loading validates types and names the offending field ("case-007.json: logs[2].lines[5]: expected
// a string"). Every field but one of alert/logs/metrics is optional. `expected` is kept apart so
// that only the scorer reads it. Values; copy freely.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"
#include "core/time_series.h"

namespace vigil {

struct LogLine {
  size_t number = 0;  // 1-based position in its source as given
  std::string text;
};

struct CaseLog {
  std::string source;           // "node-3/rank5/stderr"
  std::vector<LogLine> lines;   // possibly truncated (see TruncateLogs)
  size_t original_lines = 0;    // how many lines the source had
  bool markdown_document = false;  // a Markdown document whose prose Diagnose blanked (PLC27, prose_source.h)
};

struct CaseExpectation {
  std::string root_cause;
  std::string component;
};

struct DiagnosisCase {
  std::string id;
  std::string path;             // file it came from ("" when parsed from memory)
  std::optional<Alert> alert;
  std::vector<CaseLog> logs;
  std::vector<TimeSeries> metrics;
  Json probes = Json::object(); // "probe@target" -> ProbeResult JSON, as recorded on the cluster
  Json topology;                // optional extra facts (PCI bus id -> gpu index, rank -> node); null if absent
  std::optional<CaseExpectation> expected;
  std::vector<std::string> notes;  // what loading cut or ignored, for Diagnosis::unverified
};

struct CaseLimits {
  size_t max_file_bytes = 256u << 20;  // a larger file is rejected (ResourceExhausted)
  size_t max_line_bytes = 4096;        // longer lines are cut (noted)
  size_t max_lines = 1'000'000;        // lines beyond this across all sources are dropped at load
};

// Parses a case. `what` names it in errors (a file name). InvalidArgument for wrong types,
// a case with none of alert/logs/metrics, metric samples out of order.
Result<DiagnosisCase> ParseCase(const Json& j, const std::string& what, const CaseLimits& limits = {});
// Reads and parses a case file (NotFound when missing; JSON syntax errors with line/column).
Result<DiagnosisCase> LoadCase(const std::string& path, const CaseLimits& limits = {});
// The *.json files of a directory, sorted. NotFound for a missing directory, InvalidArgument when
// it holds no case.
Result<std::vector<std::string>> ListCaseFiles(const std::string& dir);

// The log budget: keeps at most `max_lines` lines over all sources. Lines for which `keep`
// returns true are always kept (signature matches); the rest of the budget goes to the first and
// last lines of each source in equal shares. Returns how many lines were dropped (0: untouched).
size_t TruncateLogs(std::vector<CaseLog>& logs, size_t max_lines,
                    const std::function<bool(const std::string& source, const LogLine& line)>& keep);

// Taxonomy ids from a taxonomy JSON file (categories[].id). NotFound / InvalidArgument.
Result<std::vector<std::string>> LoadTaxonomyIds(const std::string& path);

}  // namespace vigil
