#include "core/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/clock.h"
#include "core/terminal_safe.h"
#include "core/time_util.h"

namespace vigil {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mu;
std::function<void(std::string_view)>& Sink() {
  static std::function<void(std::string_view)> sink;
  return sink;
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn" || s == "warning") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  if (s == "off") return LogLevel::kOff;
  return InvalidArgumentError("unknown log level `" + std::string(s) + "`; accepted: debug, info, warn, error, off");
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

void SetLogSink(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  Sink() = std::move(sink);
}

void Log(LogLevel level, std::string_view component, std::string_view message) {
  if (static_cast<int>(level) < g_level.load() || level == LogLevel::kOff) return;
  static constexpr char kLetters[] = {'D', 'I', 'W', 'E'};
  std::string line = FormatRfc3339Ms(SystemClock()->NowMs());
  line += ' ';
  line += kLetters[static_cast<int>(level)];
  line += ' ';
  line += component;
  line += ": ";
  // One line per entry, whatever the message echoes (a label value, a field a webhook sent): a
  // newline in it wrote a line of the sender's choosing into serve's log, an ESC rewrote the
  // reader's terminal (RV6, 2026-12-06). Its control bytes are written escaped (\n, \x1b).
  line += TerminalSafe(message, false);
  std::lock_guard<std::mutex> lock(g_mu);
  if (Sink()) {
    Sink()(line);
  } else {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace vigil
