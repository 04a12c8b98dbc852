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

// ListRuleFiles, CompileRuleFile on each (the first file's errors end it), CheckRuleNamesUnique, and
// the rules of all files in that order as one set. `file_count` (optional) gets the number of files.
[[nodiscard]] Result<CompiledRules> LoadRuleFiles(const std::vector<std::string>& paths,
                                                  size_t* file_count = nullptr);

}  // namespace vigil
