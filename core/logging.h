// Logging: leveled lines to stderr (or a sink set by tests), one line per call, thread-safe; the
// message's control characters written escaped (core/terminal_safe.h: a newline as \n).
// Format: "2024-05-01T12:00:00.123Z I detect: message". Level from config `log_level`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

Result<LogLevel> ParseLogLevel(std::string_view s);  // debug|info|warn|error|off
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Whether a message of `level` is printed at the level set: a command's own notes (info) and
// warnings (warn) written to stderr without Log ask this, so that -q / --log-level error keep them
// off (DOG7: `-q` held only `vigil detect`'s).
inline bool Says(LogLevel level) { return GetLogLevel() <= level; }
// Replaces the output (default: stderr). Pass nullptr to restore stderr.
void SetLogSink(std::function<void(std::string_view line)> sink);

void Log(LogLevel level, std::string_view component, std::string_view message);
inline void LogDebug(std::string_view c, std::string_view m) { Log(LogLevel::kDebug, c, m); }
inline void LogInfo(std::string_view c, std::string_view m) { Log(LogLevel::kInfo, c, m); }
inline void LogWarn(std::string_view c, std::string_view m) { Log(LogLevel::kWarn, c, m); }
inline void LogError(std::string_view c, std::string_view m) { Log(LogLevel::kError, c, m); }

}  // namespace vigil
