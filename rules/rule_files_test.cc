#include "rules/rule_files.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vigil {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST_CASE("rule files: a folder is its *.rules in name order; names unique across files") {
  const fs::path dir = fs::temp_directory_path() / ("vigil_rule_files_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "set");
  fs::create_directories(dir / "empty");
  Write(dir / "set" / "b.rules", "rule low {\n  select T\n  when value < 50\n}\n");
  Write(dir / "set" / "a.rules", "# high\nrule high {\n  select T\n  when value > 150\n}\n");
  Write(dir / "set" / "notes.txt", "not rules\n");
  Write(dir / "dup.rules", "rule high {\n  select T\n  when value > 1\n}\n");

  Result<std::vector<std::string>> list = ListRuleFiles({(dir / "set").string(), (dir / "dup.rules").string()});
  REQUIRE(list.ok());
  CHECK(*list == std::vector<std::string>{(dir / "set" / "a.rules").string(), (dir / "set" / "b.rules").string(),
                                          (dir / "dup.rules").string()});

  Result<std::vector<std::string>> none = ListRuleFiles({(dir / "empty").string()});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == (dir / "empty").string() + ": the folder holds no *.rules file");

  size_t files = 0;
  Result<CompiledRules> set = LoadRuleFiles({(dir / "set").string()}, &files);
  REQUIRE(set.ok());
  CHECK(files == 2);
  REQUIRE(set->rules.size() == 2);
  CHECK(set->rules[0].name == "high");
  CHECK(set->rules[1].name == "low");

  Result<CompiledRules> both = LoadRuleFiles({(dir / "set").string(), (dir / "dup.rules").string()});
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message() == "rule `high` is defined twice: " + (dir / "set" / "a.rules").string() +
                                       ":2 and " + (dir / "dup.rules").string() +
                                       ":1 (rule names identify alerts; rename one)");
  fs::remove_all(dir);
}

TEST_CASE("rule files: a file named twice (itself and through its folder, or two spellings) is read once") {
  // Review RV-D: `--rules out --rules out/a.rules` refused with "rule `high` is defined twice:
  // out/a.rules:1 and out/a.rules:1 (... rename one)": one file, and advice that could not help.
  const fs::path dir = fs::temp_directory_path() / ("vigil_rule_files_twice_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "set");
  Write(dir / "set" / "a.rules", "rule high {\n  select T\n  when value > 150\n}\n");
  Write(dir / "set" / "b.rules", "rule low {\n  select T\n  when value < 50\n}\n");
  const std::string a = (dir / "set" / "a.rules").string();
  const std::string a_again = (dir / "set" / "." / "a.rules").string();
  Result<std::vector<std::string>> list = ListRuleFiles({(dir / "set").string(), a, a_again});
  REQUIRE(list.ok());
  CHECK(*list == std::vector<std::string>{a, (dir / "set" / "b.rules").string()});
  size_t files = 0;
  Result<CompiledRules> set = LoadRuleFiles({a, (dir / "set").string()}, &files);
  REQUIRE_MESSAGE(set.ok(), set.status().message());
  CHECK(files == 2);
  CHECK(set->rules.size() == 2);
  fs::remove_all(dir);
}

TEST_CASE("rule files: LoadRuleFilesKeepingGood keeps the rules that compile and names the others (OPS5)") {
  // `vigil detect` / `vigil serve --rules` over a file with one typo among good rules ran nothing.
  const fs::path dir = fs::temp_directory_path() / ("vigil_rule_files_keep_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "set");
  Write(dir / "set" / "a.rules",
        "rule high {\n  select T\n  when value > 150\n}\n\nrule typo {\n  select T\n  when meen(value, 5p) > 1\n}\n"
        "\nrule low {\n  select T\n  when value < 50\n}\n");
  Write(dir / "set" / "b.rules", "# notes only\n");
  Write(dir / "set" / "c.rules", "rule flat {\n  select T\n  when changes(value, 10p) == 0\n}\n");
  Result<LoadedRules> loaded = LoadRuleFilesKeepingGood({(dir / "set").string()});
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
  CHECK(loaded->files == 3);
  REQUIRE(loaded->rules.rules.size() == 3);
  CHECK(loaded->rules.rules[0].name == "high");
  CHECK(loaded->rules.rules[1].name == "low");
  CHECK(loaded->rules.rules[2].name == "flat");
  REQUIRE(loaded->errors.size() == 2);
  const std::string a = (dir / "set" / "a.rules").string();
  CHECK(loaded->errors[0].rfind(a + ":8:8: unknown function `meen`", 0) == 0);
  CHECK(loaded->errors[0].find("^~~") != std::string::npos);  // the caret under the call
  CHECK(loaded->errors[1] == (dir / "set" / "b.rules").string() + ": no rules found (a rule starts with `rule NAME {`)");

  // All or nothing for LoadRuleFiles: every error, of every file, joined.
  Result<CompiledRules> strict = LoadRuleFiles({(dir / "set").string()});
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.status().message() == loaded->errors[0] + "\n" + loaded->errors[1]);

  // Nothing compiles: refused with the errors; a name in two files still refused.
  Write(dir / "bad.rules", "rule x {\n  select T\n  when meen(value, 5p) > 1\n}\n");
  Result<LoadedRules> none = LoadRuleFilesKeepingGood({(dir / "bad.rules").string()});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().rfind((dir / "bad.rules").string() + ":3:8: unknown function `meen`", 0) == 0);
  Write(dir / "dup.rules", "rule low {\n  select T\n  when value < 1\n}\n");
  Result<LoadedRules> dup = LoadRuleFilesKeepingGood({(dir / "set").string(), (dir / "dup.rules").string()});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message().find("rule `low` is defined twice") != std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil
