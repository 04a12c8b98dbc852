#include "server/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <vector>

#include "core/logging.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "server/terminal_safe.h"

#include <sys/statvfs.h>
#include <unistd.h>

namespace vigil {
namespace {

constexpr CommandSpec kCommands[] = {
    {"serve", "run the HTTP API, chat page, alert triage and /metrics", &SetupServe},
    {"detect", "run anomaly rules over a dataset and print alerts as JSON lines", &SetupDetect},
    {"rules", "check rule files and explain their evaluation plans", &SetupRules},
    {"train-rules", "learn anomaly rules from (labeled or mostly normal) history", &SetupTrainRules},
    {"kb", "import, mine, search and inspect the incident knowledge base", &SetupKb},
    {"diagnose", "diagnose an incident case: hypotheses, probes, evidence, mitigation", &SetupDiagnose},
    {"probe", "list and run GPU/NCCL verification probes", &SetupProbe},
    {"eval", "run detection and diagnosis benchmarks and write reports", &SetupEval},
};

}  // namespace

std::span<const CommandSpec> Commands() { return kCommands; }

int NotImplemented(std::string_view name) {
  std::fprintf(stderr, "vigil %.*s: not implemented yet\n", static_cast<int>(name.size()), name.data());
  return 2;
}

// The message as ErrorMessageText (server/terminal_safe.h) writes it, each line after the first
// indented two spaces:
// a rule file's diagnostics keep their lines (the quoted source and its caret move together), and
// no text of the user's (a file name, a flag's value, a label) can start a line of its own that
// reads as another `vigil:` message; an ESC, a NUL or a CR is written \x1b, \x00, \r. Before
// 2026-12-03 (SM2) the message went to stderr raw: `--case $'x\nvigil: ...'` printed a second
// `vigil:` line. A context's line breaks are `\n` already (core/status.cc WithContext).
int ReportError(const Status& status) {
  std::fprintf(stderr, "vigil: %s\n", ErrorMessageText(status.message()).c_str());
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

CLI::Validator WholeNumber(unsigned min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        const std::optional<uint64_t> v = text.empty() || text[0] == '+' ? std::nullopt : ParseUint(text);
        if (v && *v >= min) return "";
        return "must be a whole number of at least " + std::to_string(min) + ", got `" + text + "`";
      },
      "");
}

Result<int64_t> ParseStormMergeWindow(std::string_view text) {
  const std::string rule = "must be 0 (off) or a duration up to 24h, e.g. 15m, 90s, 1h30m; got `" + std::string(text) + "`";
  if (text == "0") return int64_t{0};
  if (!text.empty() && text[0] == '-') return InvalidArgumentError(rule + " (negative)");
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    return InvalidArgumentError(rule + " (no unit: write " + std::string(text) + "s or " + std::string(text) + "m)");
  }
  auto ms = ParseDurationMs(text);
  if (!ms.ok()) return InvalidArgumentError(rule + " (" + ms.status().message() + ")");
  if (*ms > kMostStormMergeWindowMs) {
    return InvalidArgumentError(rule + " (over 24h: an alert of yesterday still firing would leave its own "
                                       "incident for today's storm)");
  }
  return *ms;
}

void AddSliceOptions(CLI::App& app, size_t& max_series, size_t& max_points) {
  app.add_option("--max-series", max_series, "at most this many series (0 = all), the first in the reader's order")
      ->check(WholeNumber(0));
  app.add_option("--max-points", max_points, "at most this many points per series (0 = all), the first ones")
      ->check(WholeNumber(0));
}

// `parent`'s subcommand of that name, nullptr when it has none.
static const CLI::App* FindSubcommand(const CLI::App* parent, const std::string& name) {
  auto found = parent->get_subcommands([&](const CLI::App* s) { return s->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

// A misspelt flag (`vigil diagnose --logs F`): CLI11 says only "The following arguments were not
// expected: F --logs". The first `-`-word that is no flag of the command named in argv (its
// subcommands followed: `kb search`) nor a global one gets "; `--logs` is not a flag of `vigil
// diagnose`; did you mean `--log`?" when one is near (RVU, 2026-12-04). "" otherwise.
static std::string UnknownFlagHint(const CLI::App& app, int argc, char** argv) {
  const CLI::App* node = &app;
  std::string path = "vigil";
  std::vector<const CLI::App*> chain{&app};
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    auto found = node->get_subcommands([&](const CLI::App* s) { return s->get_name() == word; });
    if (found.empty()) continue;
    node = found.front();
    path += " " + word;
    chain.push_back(node);
  }
  std::vector<std::string> known;
  for (const CLI::App* a : chain) {
    for (const CLI::Option* o : a->get_options()) {
      for (const std::string& n : o->get_lnames()) known.push_back("--" + n);
      for (const std::string& n : o->get_snames()) known.push_back("-" + n);
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") break;
    if (word.size() < 2 || word[0] != '-') continue;
    if (const size_t eq = word.find('='); eq != std::string::npos) word.resize(eq);
    if (std::find(known.begin(), known.end(), word) != known.end()) continue;
    const std::string hint = ClosestMatch(word, known);
    if (hint.empty()) {
      // A flag's first words (`--job-log` for `--job-log-path`, `--job-log-slurm`, ...): those it
      // begins (DOG5, 2026-12-05: CLI11's "not expected: x --job-log" alone).
      std::string longer;
      size_t n = 0;
      for (const std::string& k : known) {
        if (!k.starts_with(word + "-")) continue;
        if (n++ < 6) longer += std::string(longer.empty() ? "" : ", ") + "`" + k + "`";
      }
      if (longer.empty()) return "";
      return "; `" + word + "` is not a flag of `" + path + "`; flags beginning so: " + longer +
             (n > 6 ? ", ..." : "");
    }
    return "; `" + word + "` is not a flag of `" + path + "`; did you mean `" + hint + "`?";
  }
  return "";
}

namespace {

// For a config file's "unknown setting `NAME`" that is a command's flag (`workers` is `vigil serve
// --workers`): where it goes, "" otherwise. REV2: serve's flags put in the config file were refused
// with no word of where they belong (settings are global; a command's flags are its own).
std::string CommandFlagHint(const CLI::App& app, const std::string& message) {
  const std::string lead = "unknown setting `";
  const size_t at = message.find(lead);
  if (at == std::string::npos) return "";
  const size_t end = message.find('`', at + lead.size());
  if (end == std::string::npos) return "";
  std::string flag = "--" + message.substr(at + lead.size(), end - at - lead.size());
  std::replace(flag.begin(), flag.end(), '_', '-');
  for (const CLI::App* sub : app.get_subcommands({})) {
    const CLI::Option* o = sub->get_option_no_throw(flag);
    if (o == nullptr) continue;
    return "; it is a flag of `vigil " + sub->get_name() + "` (" + flag + "), not a setting: give it on the " +
           "command line, `vigil " + sub->get_name() + " " + flag + (o->get_items_expected_max() == 0 ? "" : " VALUE") + "`";
  }
  return "";
}

}  // namespace

// `rc` unless the command's output could not all be written to stdout: then 1 (or rc, when that already
// says a failure), said on stderr. DOG6 (2026-12-05): `vigil detect ... > out.jsonl` on a full disk
// (and `> /dev/full`) exited 0 with the output lost, and a cron job took its empty file for "no alert".
// A closed pipe (`| head -1`) ends the process by SIGPIPE before this, as before.
static int OutputWritten(int rc) {
  errno = 0;
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  const int err = errno;  // 0 when the write that failed came earlier (a command's own flush)
  if (flushed && !std::ferror(stdout) && !std::cout.bad()) return rc;
  std::fprintf(stderr, "vigil: cannot write the output to stdout%s%s: what it holds is incomplete (a full disk, or a "
                       "file system gone read-only?)\n",
               err != 0 ? ": " : "", err != 0 ? std::strerror(err) : "");
  return rc == 0 ? 1 : rc;
}

int RunCli(int argc, char** argv) {
  try {
    CLI::App app{"Vigil: explainable anomaly detection and evidence-backed incident diagnosis for GPU training clusters",
                 "vigil"};
    app.require_subcommand(1);
    app.fallthrough();  // global settings may follow the subcommand
    std::map<std::string, std::string> flag_values;
    std::vector<std::string> raw(ConfigOptions().size());
    size_t i = 0;
    for (const auto& o : ConfigOptions()) {
      std::string help(o.help);
      if (!o.choices.empty()) help += " (" + std::string(o.choices) + ")";
      help += " [env " + std::string(o.env) + ", default " +
              (o.default_value.empty() ? std::string("unset") : std::string(o.default_value)) + "]";
      app.add_option(std::string(o.flag), raw[i++], help);
    }
    // DOG6 (2026-12-05): a cron job mails whatever a command prints on stderr; `-q` keeps it to errors.
    bool quiet = false;
    app.add_flag("-q,--quiet", quiet,
                 "print errors only on stderr (as --log-level error: no notes, summaries or warnings); for scripts "
                 "and cron. The output on stdout and the exit status are the same");
    std::vector<std::string> names;
    std::vector<std::pair<CLI::App*, CommandRunner>> runners;
    for (const auto& spec : kCommands) {
      CLI::App* sub = app.add_subcommand(std::string(spec.name), std::string(spec.help));
      runners.emplace_back(sub, spec.setup(*sub));
      names.emplace_back(spec.name);
    }
    // Each command's --help says where the settings are (DOG5, 2026-12-05: `vigil serve --help`
    // listed serve's own flags alone, while the README's `scripts/run --listen 0.0.0.0:8080` passes
    // --listen after `serve`; a new user looking there for it found nothing).
    std::function<void(CLI::App*, const std::string&)> add_settings_footer = [&](CLI::App* sub,
                                                                                 const std::string& path) {
      const std::string note = "Settings (--data-dir, --listen, --prometheus-url, --config, ...: `vigil --help` lists them "
                               "all, with their VIGIL_* variables) may also be given here, after `" + path +
                               "`, or before it: `vigil --data-dir DIR " + path + "`.";
      const std::string own = sub->get_footer();
      sub->footer(own.empty() ? note : own + "\n\n" + note);
      for (CLI::App* child : sub->get_subcommands({})) add_settings_footer(child, path + " " + child->get_name());
    };
    for (CLI::App* sub : app.get_subcommands({})) add_settings_footer(sub, sub->get_name());
    // The command's word: the first that is no global setting's flag nor its value (`vigil
    // --data-dir D diagnoes` is the typo of `vigil diagnoes`; DOG6, 2026-12-05: the checks below
    // looked at argv[1] alone, and a command after settings got CLI11's line with no hint). -1: none
    // (only flags, or `--help` first: CLI11 answers).
    int ci = -1;
    for (int k = 1; k < argc; ++k) {
      const std::string word = argv[k];
      if (word.empty() || word[0] != '-') {
        ci = k;
        break;
      }
      if (word == "--" || word.find('=') != std::string::npos) continue;
      const CLI::Option* o = app.get_option_no_throw(word);
      if (o == nullptr || o->get_items_expected_max() == 0) {
        if (o == nullptr) break;  // an unknown flag: CLI11's line (UnknownFlagHint) names it
        continue;
      }
      ++k;  // the setting's value
    }
    // Unknown subcommand: one clear line naming the accepted ones.
    if (ci > 0) {
      std::string first = argv[ci];
      if (std::find(names.begin(), names.end(), first) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        std::string hint = ClosestMatch(first, names);
        // `check-rules`, `kb-search`: a command and its subcommand joined (DOG5, 2026-12-05).
        if (hint.empty()) {
          if (const size_t dash = first.find('-'); dash != std::string::npos) {
            const std::string a = first.substr(0, dash), b = first.substr(dash + 1);
            for (const auto& [cmd, sub] : {std::pair{a, b}, std::pair{b, a}}) {
              const CLI::App* c = FindSubcommand(&app, cmd);
              if (c != nullptr && FindSubcommand(c, sub) != nullptr) hint = cmd + " " + sub;
            }
          }
        }
        std::fprintf(stderr, "vigil: unknown command `%s`%s; commands: %s\n", TerminalSafe(first, false).c_str(),
                     hint.empty() ? "" : ("; did you mean `" + hint + "`?").c_str(), list.c_str());
        return 2;
      }
      // A command's unknown subcommand (`vigil rules chek`): CLI11 said "A subcommand is required"
      // without naming the word it did not take (DOG5, 2026-12-05).
      const CLI::App* cmd = FindSubcommand(&app, first);
      if (cmd != nullptr && ci == argc - 1 && cmd->get_require_subcommand_min() > 0) {  // `vigil rules`
        std::string list;
        for (const CLI::App* sub : cmd->get_subcommands({})) list += (list.empty() ? "" : ", ") + sub->get_name();
        std::fprintf(stderr, "vigil: `vigil %s` needs a subcommand: %s (`vigil %s --help`)\n", first.c_str(),
                     list.c_str(), first.c_str());
        return 2;
      }
      if (cmd != nullptr && ci + 1 < argc && argv[ci + 1][0] != '-' && !cmd->get_subcommands({}).empty() &&
          FindSubcommand(cmd, argv[ci + 1]) == nullptr) {
        std::vector<std::string> subs;
        std::string list;
        for (const CLI::App* sub : cmd->get_subcommands({})) {
          subs.push_back(sub->get_name());
          list += (list.empty() ? "" : ", ") + sub->get_name();
        }
        const std::string word = argv[ci + 1];
        const std::string hint = ClosestMatch(word, subs);
        std::fprintf(stderr, "vigil: unknown command `%s %s`%s; commands of `vigil %s`: %s\n", first.c_str(),
                     TerminalSafe(word, false).c_str(),
                     hint.empty() ? "" : ("; did you mean `" + first + " " + hint + "`?").c_str(), first.c_str(),
                     list.c_str());
        return 2;
      }
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::cout << app.help();
      return 0;
    } catch (const CLI::CallForAllHelp&) {
      std::cout << app.help("", CLI::AppFormatMode::All);
      return 0;
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) {  // --help on a subcommand
        return app.exit(e);
      }
      std::string what = e.what();
      if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) what += UnknownFlagHint(app, argc, argv);
      std::fprintf(stderr, "vigil: %s (run `vigil --help` or `vigil COMMAND --help`)\n", what.c_str());
      return 2;
    }
    i = 0;
    for (const auto& o : ConfigOptions()) {
      const std::string& v = raw[i++];
      if (app.count(std::string(o.flag)) > 0) flag_values[std::string(o.name)] = v;
    }
    auto config = Config::Load(flag_values);
    if (!config.ok()) {
      std::fprintf(stderr, "vigil: %s%s\n", config.status().message().c_str(),
                   CommandFlagHint(app, config.status().message()).c_str());
      return 2;
    }
    auto level = ParseLogLevel(config->GetString("log_level"));
    if (level.ok()) SetLogLevel(*level);
    if (quiet) SetLogLevel(LogLevel::kError);
    for (auto& [sub, run] : runners) {
      if (sub->parsed()) return OutputWritten(run(*config));
    }
    std::fprintf(stderr, "vigil: no command given; run `vigil --help`\n");
    return 2;
  } catch (const std::exception& e) {
    // Exceptions stop at the edge: one line, no stack trace.
    std::fprintf(stderr, "vigil: internal error: %s\n", e.what());
    return 1;
  }
}

Status WithDataDirNote(const Status& status, const std::string& dir) {
  if (status.ok()) return status;
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return status;  // no such folder: the error says so
  std::string note;
  if ((st.f_flag & ST_RDONLY) != 0) {
    note = "data_dir " + dir + " is on a read-only file system: give a writable --data-dir or VIGIL_DATA_DIR";
  } else if (const uint64_t free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize; free_bytes < (1u << 20)) {
    note = "data_dir " + dir + ": " + std::to_string(free_bytes / 1024) + " KiB free on its file system";
  } else if (::access(dir.c_str(), W_OK) != 0) {
    note = "data_dir " + dir + " is not writable by this user: " + std::strerror(errno);
  }
  if (note.empty()) return status;
  return Status(status.code(), status.message() + " (" + note + ")");
}

std::string QuotedName(const std::string& name, size_t max_bytes) {
  if (name.size() <= max_bytes) return name;
  std::string out = Utf8Prefix(name, max_bytes);
  out += "... (";
  out += std::to_string(name.size());
  out += " bytes)";
  return out;
}

}  // namespace vigil
