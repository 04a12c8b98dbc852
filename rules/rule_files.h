// Loading rule files as `vigil detect --rules` and `vigil rules check|explain` take them: files and
// folders (a folder stands for its *.rules files), compiled each on its own so every message keeps
// its own file:line, with rule names unique across the set (a rule name identifies its alerts).
// Thread safety: free functions without shared state.
#pragma once

#include <string>
#include <vector>

#include "core/rule_plan.h"
#include "core/status.h"

namespace vigil {

// The rule files `paths` name, in order: a path that is not a folder as given (whether it can be
// read is the compiler's to say), a folder its regular *.rules files in name order (not recursive).
// A file met again (named itself and through its folder, or spelt two ways) is listed once.
// InvalidArgument naming the folder when it holds no *.rules file or cannot be listed.
[[nodiscard]] Result<std::vector<std::string>> ListRuleFiles(const std::vector<std::string>& paths);

// InvalidArgument when a rule name is defined in two of `sets` (each set is one file's rules, where
// the compiler already refuses duplicates), naming both places: "rule `a` is defined twice:
// one.rules:1 and two.rules:1 (rule names identify alerts; rename one)". Ok otherwise.
[[nodiscard]] Status CheckRuleNamesUnique(const std::vector<CompiledRules>& sets);

// All or nothing: LoadRuleFilesKeepingGood (below), and InvalidArgument with every error (joined by
// newlines) when a rule of any file does not compile. `file_count` (optional) gets the number of
// files. For `vigil rules check`-like callers and tests; detect and serve keep the good rules.
[[nodiscard]] Result<CompiledRules> LoadRuleFiles(const std::vector<std::string>& paths,
                                                  size_t* file_count = nullptr);

// What `vigil detect --rules` and `vigil serve --rules` load: the rules that compile, and each
// error of those that do not ("file:line:col: message", the source line and a caret, as
// RuleDiagnostic::Format writes it), so that one typo among forty rules does not stop the other
// 39. Still refused (InvalidArgument, as LoadRuleFiles): a file that cannot be read, a folder
// without *.rules, a rule name defined in two files (among the rules that compile), and a set
// where no rule compiles (every error, joined by newlines, or "FILE: no rules found").
struct LoadedRules {
  CompiledRules rules;              // those that compiled, files in order
  std::vector<std::string> errors;  // the formatted diagnostics of the rest, in file order
  size_t files = 0;
};
[[nodiscard]] Result<LoadedRules> LoadRuleFilesKeepingGood(const std::vector<std::string>& paths);

}  // namespace vigil
