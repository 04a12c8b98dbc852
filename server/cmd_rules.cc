// `vigil rules check FILE|DIR...` and `vigil rules explain FILE|DIR...`: see server/cli.h for the contract.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "core/json.h"
#include "rules/compiler.h"
#include "rules/rule_files.h"
#include "server/cli.h"
#include "server/terminal_safe.h"

namespace vigil {
namespace {

// Compiles one file, printing its diagnostics to stderr; false when it has errors.
bool CheckFile(const std::string& path, CompiledRules* out) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    std::cerr << "vigil rules: " << TerminalSafe(text.status().message(), true) << "\n";
    return false;
  }
  CompileOutput c = CompileRulesWithDiagnostics(*text, path);
  // The echoed source line is the file's bytes: a binary file's control characters reached the
  // terminal raw (DOCCHK, 2026-12-04; `vigil detect` escaped them already through ReportError).
  for (const auto& d : c.diagnostics) std::cerr << TerminalSafe(d.Format(), true) << "\n";
  if (c.diagnostics.empty() && c.compiled.rules.empty()) {
    std::cerr << path << ": no rules found (a rule starts with `rule NAME {`)\n";
    return false;
  }
  if (out) *out = std::move(c.compiled);
  return c.diagnostics.empty();
}

}  // namespace

CommandRunner SetupRules(CLI::App& sub) {
  sub.require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  auto explain_files = std::make_shared<std::vector<std::string>>();
  CLI::App* check = sub.add_subcommand(
      "check", "validate rule files; prints file:line:col errors with hints, and a rule name defined in two files");
  check->add_option("files", *files, "rule files or folders of *.rules files (as vigil detect --rules takes them)")
      ->required();
  CLI::App* explain = sub.add_subcommand("explain", "print each rule's evaluation plan in plain words");
  explain->add_option("files", *explain_files, "rule files or folders of *.rules files")->required();
  // Files and folders as `vigil detect --rules` takes them (rules/rule_files.h): a folder stands for
  // its *.rules files, and a rule name defined in two of the files is an error, as detect refuses it.
  auto list = [](const std::vector<std::string>& paths) -> std::vector<std::string> {
    Result<std::vector<std::string>> l = ListRuleFiles(paths);
    if (!l.ok()) {
      std::cerr << "vigil rules: " << TerminalSafe(l.status().message(), true) << "\n";
      return {};
    }
    return *std::move(l);
  };
  auto names_unique = [](const std::vector<CompiledRules>& sets) {
    Status st = CheckRuleNamesUnique(sets);
    if (!st.ok()) std::cerr << "vigil rules: " << TerminalSafe(st.message(), true) << "\n";
    return st.ok();
  };
  return [check, explain, files, explain_files, list, names_unique](const Config&) {
    if (check->parsed()) {
      std::vector<std::string> paths = list(*files);
      if (paths.empty()) return 2;
      bool all_ok = true;
      std::vector<CompiledRules> sets;
      for (const auto& f : paths) {
        CompiledRules rules;
        bool ok = CheckFile(f, &rules);
        if (ok) std::cout << f << ": " << rules.rules.size() << " rule(s) OK\n";
        all_ok = all_ok && ok;
        sets.push_back(std::move(rules));
      }
      std::cout.flush();
      return names_unique(sets) && all_ok ? 0 : 2;
    }
    if (explain->parsed()) {
      std::vector<std::string> paths = list(*explain_files);
      if (paths.empty()) return 2;
      std::vector<CompiledRules> sets(paths.size());
      for (size_t i = 0; i < paths.size(); ++i) {
        if (!CheckFile(paths[i], &sets[i])) return 2;
      }
      if (!names_unique(sets)) return 2;
      bool first = true;
      for (const CompiledRules& rules : sets) {
        for (const RulePlan& r : rules.rules) {
          if (!first) std::cout << "\n";
          first = false;
          std::cout << ExplainRulePlan(r);
        }
      }
      return 0;
    }
    return 2;
  };
}

}  // namespace vigil
