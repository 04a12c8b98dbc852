// The one config table. Every setting is declared once in kConfigOptions (config.cc): name,
// command-line flag, VIGIL_* environment variable, default, type and help. `vigil --help` and
// docs/config.md come from it. Precedence: flag > environment > config file (--config, JSON
// object of name -> value) > default.
//
// Values are validated by type when the Config is built, so a bad value fails at start-up with
// one line naming the setting, where the value came from, and what is accepted.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

enum class ConfigType { kString, kPath, kUrl, kInt, kDouble, kBool, kDuration, kChoice, kHostPort };

struct ConfigOption {
  std::string_view name;     // "data_dir"
  std::string_view flag;     // "--data-dir"
  std::string_view env;      // "VIGIL_DATA_DIR"
  std::string_view default_value;
  ConfigType type;
  std::string_view help;
  std::string_view choices;  // for kChoice: "debug|info|warn|error|off"
};

// The table, in --help order.
std::span<const ConfigOption> ConfigOptions();
const ConfigOption* FindConfigOption(std::string_view name);

class Config {
 public:
  // Builds from explicit flag values (name -> text, only those given), an environment reader
  // (nullptr = getenv) and the config file named by the `config` setting if any. Unknown VIGIL_*
  // variables are rejected with a did-you-mean hint, so typos do not pass silently.
  static Result<Config> Load(const std::map<std::string, std::string>& flags,
                             std::function<std::optional<std::string>(std::string_view)> getenv = nullptr,
                             std::function<std::vector<std::string>()> list_env = nullptr);
  // Defaults only (tests).
  static Config Defaults();

  // Accessors for declared names; asking for an undeclared name is a programming error and
  // aborts in debug builds (returns the empty/zero value in release).
  const std::string& GetString(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  int64_t GetDurationMs(std::string_view name) const;

  // Where a value came from: "default", "flag --x", "environment VIGIL_X", "config file F".
  std::string SourceOf(std::string_view name) const;

  // Overrides one value after validation (used by tests and by subcommands' own flags).
  Status Set(std::string_view name, std::string_view value, std::string_view source = "override");

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> sources_;
};

// Validates `value` against `option`'s type; the error names the option and `source`.
Status ValidateConfigValue(const ConfigOption& option, std::string_view value, std::string_view source);

// Edit distance with swaps (optimal string alignment), for "did you mean" hints (compiler, CLI).
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` within distance max(2, len/3), or "".
std::string ClosestMatch(std::string_view word, std::span<const std::string> candidates);

}  // namespace vigil
