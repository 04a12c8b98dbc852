// The rule compiler: rule text (docs/rules.md) -> type-checked, limit-checked RulePlans
// (core/rule_plan.h) that detectors/ evaluates.
//
// Errors are for people and for the repair agent: each diagnostic is
//   file:line:col: message
//     <the source line>
//     <caret under the offending text>
// with a hint where one helps ("unknown function `meen`, did you mean `mean`?"). Compilation
// continues with the next rule after an error so one run reports every broken rule.
// Thread safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rule_plan.h"
#include "core/status.h"

namespace vigil {

struct RuleDiagnostic {
  std::string file;
  int line = 0;
  int col = 0;
  int length = 1;           // characters to underline
  std::string message;      // "unknown function `meen`, did you mean `mean`?"
  std::string source_line;  // the line as written
  // "file:line:col: message\n  source\n  ^~~~". A line over kMaxQuotedBytes is quoted as a
  // window of that many bytes around the column, "..." where it was cut; the caret counts UTF-8
  // characters, not bytes.
  std::string Format() const;
  static constexpr size_t kMaxQuotedBytes = 160;
  static constexpr size_t kQuotedBefore = 60;
};

struct CompileOutput {
  CompiledRules compiled;                  // the rules that compiled cleanly
  std::vector<RuleDiagnostic> diagnostics; // empty when everything compiled
};

// Compiles every rule in `text`; never throws. `file_name` is used in messages only.
CompileOutput CompileRulesWithDiagnostics(std::string_view text, std::string_view file_name,
                                          const RuleLimits& limits = {});

// The simple entry point: all rules, or InvalidArgument whose message is every diagnostic
// formatted and joined by newlines. A file with no rule is an error.
[[nodiscard]] Result<CompiledRules> CompileRules(std::string_view text, std::string_view file_name,
                                                 const RuleLimits& limits = {});

// Reads and compiles a file (NotFound when it cannot be read).
[[nodiscard]] Result<CompiledRules> CompileRuleFile(const std::string& path, const RuleLimits& limits = {});

// The plan of one rule in plain words, several lines, for `vigil rules explain`.
std::string ExplainRulePlan(const RulePlan& plan);

// Function names the language knows (for hints and docs).
const std::vector<std::string>& RuleFunctionNames();

}  // namespace vigil
