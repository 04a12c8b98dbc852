// The diagnosis tools an agent may call, as one explicit table (DiagnosisTools()).
//
//   kb_search      {query, k?, category?}        -> similar past incidents / guide chunks
//   query_metrics  {name, labels?, start_ms?, end_ms?} -> series summaries (min/max/last, points)
//   read_logs      {source?, contains?, regex?, max_lines?} -> matching lines with "source:line"
//   run_probe      {probe, target}                -> the probe result (catalog-checked)
//   list_probes    {}                             -> the probe catalog (name, cost, intrusive, evidence)
//
// Every tool validates its arguments and answers with JSON; a bad argument is an InvalidArgument
// naming it (the runtime hands the message back to the model), never a crash. Tools read the
// case through ToolContext and record what they verified (probe steps and evidence) there.
// Thread safety: a ToolContext is used by one agent loop at a time.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agents/case.h"
#include "connectors/llm_client.h"
#include "connectors/metric_source.h"
#include "core/domain.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {

struct ToolContext {
  const DiagnosisCase* diagnosis_case = nullptr;  // logs (required by read_logs)
  const KnowledgeBase* kb = nullptr;              // nullptr: kb_search answers Unavailable
  const MetricSource* metrics = nullptr;          // nullptr: query_metrics answers Unavailable
  ProbeExecutor* probes = nullptr;                // nullptr: run_probe answers Unavailable
  bool allow_intrusive = false;
  int intrusive_probes_left = 0;                  // budget for intrusive probes
  double probe_time_limit_s = 60;
  // The verification's deadline (the budget, verification_budget_s; empty = none): a call after it
  // is refused (ResourceExhausted, named in budget_refused), one before it gets at most the time left.
  std::optional<std::chrono::steady_clock::time_point> probe_deadline;
  double verification_budget_s = 0;           // for the refusal's message
  std::vector<std::string> budget_refused;    // probe@target calls refused at the deadline
  // Filled by run_probe: what was verified.
  std::vector<VerificationStep> steps;
  std::vector<ProbeResult> probe_results;
};

struct Tool {
  std::string_view name;
  std::string_view description;
  Json (*parameters)();                                  // JSON schema of the arguments
  Result<Json> (*run)(const Json& arguments, ToolContext& context);
};

std::span<const Tool> DiagnosisTools();
const Tool* FindTool(std::string_view name);
// The table as LlmClient tool specs.
std::vector<ToolSpec> ToolSpecsFor(std::span<const Tool> tools);

}  // namespace vigil
