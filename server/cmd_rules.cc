// `vigil rules check FILE...` and `vigil rules explain FILE`: see server/cli.h for the contract.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "core/json.h"
#include "rules/compiler.h"
#include "server/cli.h"

namespace vigil {
namespace {

// Compiles one file, printing its diagnostics to stderr; false when it has errors.
bool CheckFile(const std::string& path, CompiledRules* out) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    std::cerr << "vigil rules: " << text.status().message() << "\n";
    return false;
  }
  CompileOutput c = CompileRulesWithDiagnostics(*text, path);
  for (const auto& d : c.diagnostics) std::cerr << d.Format() << "\n";
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
  auto file = std::make_shared<std::string>();
  CLI::App* check = sub.add_subcommand("check", "validate rule files; prints file:line:col errors with hints");
  check->add_option("files", *files, "rule files")->required();
  CLI::App* explain = sub.add_subcommand("explain", "print each rule's evaluation plan in plain words");
  explain->add_option("file", *file, "rule file")->required();
  return [check, explain, files, file](const Config&) {
    if (check->parsed()) {
      bool all_ok = true;
      for (const auto& f : *files) {
        CompiledRules rules;
        bool ok = CheckFile(f, &rules);
        if (ok) std::cout << f << ": " << rules.rules.size() << " rule(s) OK\n";
        all_ok = all_ok && ok;
      }
      return all_ok ? 0 : 2;
    }
    if (explain->parsed()) {
      CompiledRules rules;
      if (!CheckFile(*file, &rules)) return 2;
      for (size_t i = 0; i < rules.rules.size(); ++i) {
        if (i) std::cout << "\n";
        std::cout << ExplainRulePlan(rules.rules[i]);
      }
      return 0;
    }
    return 2;
  };
}

}  // namespace vigil
