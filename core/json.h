// JSON helpers over nlohmann::json that turn exceptions into Status at the boundary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

using Json = nlohmann::json;

// Parses text; errors say where ("<what>: line 3, column 7: ..."). `what` names the source
// (a file name, "request body"). Arrays and objects nested deeper than kMaxJsonDepth are refused.
Result<Json> ParseJson(std::string_view text, std::string_view what = "json");

// The deepest nesting of arrays and objects a document may have. nlohmann parses iteratively, but
// copying, comparing and dumping a value recurse once per level: a case whose topology held
// 200,000 nested arrays crashed `vigil diagnose` (stack overflow; found by tests/fuzz/input_fuzz).
inline constexpr int kMaxJsonDepth = 512;

// Offset (0-based) of the bracket that opens level kMaxJsonDepth + 1 outside strings, or npos.
// For callers that parse with nlohmann directly (one jsonl line at a time, their own messages):
// check this first and refuse the line.
size_t JsonTooDeepAt(std::string_view text);

// "arrays and objects nested deeper than 512 levels": the refusal's words, for callers that check
// JsonTooDeepAt themselves and add where (" at column 557").
std::string JsonTooDeepMessage();

// Serialises JSON that leaves the process (a file, an HTTP body, stdout, a database column). Bytes
// that are not valid UTF-8 (a log line cut inside a character, a binary field) become U+FFFD
// instead of making nlohmann's dump() throw on the whole document. `indent` -1 is one line.
std::string DumpJson(const Json& j, int indent = -1);

// Reads and parses a whole file. NotFound when it cannot be opened.
Result<Json> ReadJsonFile(const std::string& path);

// Converts with the type's from_json, turning a type or missing-key error into InvalidArgument
// that names `what`.
template <typename T>
Result<T> FromJson(const Json& j, std::string_view what = "json") {
  try {
    return j.get<T>();
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string(what) + ": " + e.what());
  }
}

// Reads a whole file into a string. NotFound when it cannot be opened; InvalidArgument when
// `path` is a folder.
Result<std::string> ReadFile(const std::string& path);
// Writes atomically: to `path.tmp`, then rename.
Status WriteFileAtomic(const std::string& path, std::string_view content);

}  // namespace vigil
