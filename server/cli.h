// The `vigil` command line: global settings from the config table plus one subcommand.
//
// Each subcommand lives in its own file (server/cmd_<name>.cc) and is listed once in kCommands
// (cli.cc). A command's Setup registers its flags on its CLI11 sub-app and returns the function
// that runs it once the config is loaded. Exit codes: 0 success, 1 the work failed (the error is
// printed), 2 bad usage, a bad or missing setting (an InvalidArgument status: ReportError; e.g. an
// LLM-backed mode with no endpoint configured, an invalid `llm_stream` value) or an unimplemented
// command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace vigil {

// A name as messages quote it: at most `max_bytes` bytes (cut before a UTF-8 sequence that would
// not fit), then "... (N bytes)". A mangled file (a line that lost its newlines) can make a series
// name megabytes long; a warning or progress line per target quoted it whole (a 50 MB name: 500 MB
// on stderr from `vigil detect`, the whole name per target from `vigil train-rules`).
std::string QuotedName(const std::string& name, size_t max_bytes = 60);

using CommandRunner = std::function<int(const Config& config)>;

struct CommandSpec {
  std::string_view name;
  std::string_view help;  // one line for `vigil --help`
  CommandRunner (*setup)(CLI::App& sub);
};

// Every subcommand, in --help order.
std::span<const CommandSpec> Commands();

// Parses argv, loads the config, runs the chosen command; returns the process exit code. Never
// throws: errors become one line on stderr.
int RunCli(int argc, char** argv);

// For commands not built yet: prints "vigil NAME: not implemented yet" and returns 2.
int NotImplemented(std::string_view name);

// Prints "vigil: <status message>" to stderr and returns 1 (2 for InvalidArgument).
int ReportError(const Status& status);

// A CLI11 check for unsigned flags: digits only (core/parse.h ParseUint), at least `min`; CLI11
// alone would read -1 as the largest value and a number past 2^64 as something else.
CLI::Validator WholeNumber(unsigned min);

// `vigil serve --storm-merge-window DURATION` (STM2): "0" (off) or a duration of core/time_util.h
// ParseDurationMs ("15m", "90s", "1h30m") up to kMostStormMergeWindowMs, in ms. InvalidArgument
// naming the flag's rule and the text otherwise ("-5m", "abc", "15", "99999h").
inline constexpr int64_t kMostStormMergeWindowMs = 24 * 3'600'000LL;
Result<int64_t> ParseStormMergeWindow(std::string_view text);

// `--max-series N` and `--max-points N` (whole numbers, 0 = all) into `max_series` / `max_points`
// (detectors/readers.h ReadOptions): the slice of the data a command reads. Registered by every
// command that reads a dataset (detect, train-rules, eval detect), so they read the same.
void AddSliceOptions(CLI::App& app, size_t& max_series, size_t& max_points);

// What `vigil serve` prints after its `listening on` line (cmd_serve.cc): the chat page, webhook
// and REST URLs from `base` (the bound http://HOST:PORT; `wildcard`: 0.0.0.0 / ::), then one line
// each for Prometheus and Alertmanager: the URL shown (a password `[redacted]`) and the setting's
// source, or what serve will not do without it and why it is empty (not set, or emptied by a
// source it names). `no_probes`: --no-probes; `online_rules`: --rules given.
std::string ServeStartupGuide(const Config& config, const std::string& base, bool wildcard, bool no_probes,
                              bool online_rules);

// `status` (a failure to open or write a store under data_dir `dir`: the knowledge base, the incident
// store) with why the folder cannot take it, when its file system says so: " (data_dir DIR is on a
// read-only file system ...)", " (data_dir DIR: N KiB free on its file system)", " (data_dir DIR is not
// writable by this user: ...)"; unchanged otherwise. DOG6 (2026-12-05): `vigil --data-dir RO kb search`
// said only "unable to open database file", a full disk "sqlite: database or disk is full", neither
// naming the folder.
Status WithDataDirNote(const Status& status, const std::string& dir);

// Per-command setup functions (server/cmd_*.cc).
CommandRunner SetupServe(CLI::App& sub);
CommandRunner SetupDetect(CLI::App& sub);
CommandRunner SetupRules(CLI::App& sub);
CommandRunner SetupTrainRules(CLI::App& sub);
CommandRunner SetupKb(CLI::App& sub);
CommandRunner SetupDiagnose(CLI::App& sub);
CommandRunner SetupProbe(CLI::App& sub);
CommandRunner SetupEval(CLI::App& sub);

}  // namespace vigil
