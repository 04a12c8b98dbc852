#include "rules/rule_files.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/json.h"
#include "core/strings.h"
#include "rules/compiler.h"

namespace vigil {

Result<std::vector<std::string>> ListRuleFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> list;
  // A file named twice (itself and through its folder, or spelt two ways) is one file: read once,
  // not refused as its own duplicate rule names.
  std::set<std::string> seen;
  auto add = [&](const std::string& file) {
    std::error_code canon_ec;
    const fs::path canon = fs::weakly_canonical(file, canon_ec);
    if (seen.insert(canon_ec ? file : canon.string()).second) list.push_back(file);
  };
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      add(p);
      continue;
    }
    std::vector<std::string> in_folder;
    for (const auto& e : fs::directory_iterator(p, ec)) {
      std::error_code type_ec;  // a file gone meanwhile is not a rule file; not an error
      if (e.path().extension() == ".rules" && e.is_regular_file(type_ec)) in_folder.push_back(e.path().string());
    }
    if (ec) return InvalidArgumentError(p + ": cannot list the folder: " + ec.message());
    if (in_folder.empty()) return InvalidArgumentError(p + ": the folder holds no *.rules file");
    std::sort(in_folder.begin(), in_folder.end());
    for (const std::string& file : in_folder) add(file);
  }
  return list;
}

Status CheckRuleNamesUnique(const std::vector<CompiledRules>& sets) {
  std::map<std::string, const RulePlan*> by_name;
  for (const CompiledRules& one : sets) {
    for (const RulePlan& r : one.rules) {
      auto [it, fresh] = by_name.emplace(r.name, &r);
      if (!fresh) {
        return InvalidArgumentError("rule `" + r.name + "` is defined twice: " + it->second->file + ":" +
                                    std::to_string(it->second->line) + " and " + r.file + ":" +
                                    std::to_string(r.line) + " (rule names identify alerts; rename one)");
      }
    }
  }
  return Status::Ok();
}

Result<LoadedRules> LoadRuleFilesKeepingGood(const std::vector<std::string>& paths) {
  ASSIGN_OR_RETURN(std::vector<std::string> list, ListRuleFiles(paths));
  LoadedRules out;
  std::vector<CompiledRules> compiled;
  compiled.reserve(list.size());
  for (const std::string& file : list) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    CompileOutput one = CompileRulesWithDiagnostics(text, file);
    for (const RuleDiagnostic& d : one.diagnostics) out.errors.push_back(d.Format());
    if (one.diagnostics.empty() && one.compiled.rules.empty())
      out.errors.push_back(file + ": no rules found (a rule starts with `rule NAME {`)");
    compiled.push_back(std::move(one.compiled));
  }
  RETURN_IF_ERROR(CheckRuleNamesUnique(compiled));
  for (CompiledRules& one : compiled) {
    for (RulePlan& r : one.rules) out.rules.rules.push_back(std::move(r));
  }
  if (out.rules.rules.empty()) {
    // Nothing to run: the errors are the answer (CompileRules' message for one file).
    return InvalidArgumentError(JoinStrings(out.errors, "\n"));
  }
  out.files = list.size();
  return out;
}

Result<CompiledRules> LoadRuleFiles(const std::vector<std::string>& paths, size_t* file_count) {
  ASSIGN_OR_RETURN(LoadedRules loaded, LoadRuleFilesKeepingGood(paths));
  if (!loaded.errors.empty()) {
    return InvalidArgumentError(JoinStrings(loaded.errors, "\n"));
  }
  if (file_count != nullptr) *file_count = loaded.files;
  return std::move(loaded.rules);
}

}  // namespace vigil
