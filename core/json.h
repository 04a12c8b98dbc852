// JSON helpers over nlohmann::json that turn exceptions into Status at the boundary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil {

using Json = nlohmann::json;

// Parses text; errors say where ("<what>: line 3, column 7: ..."). `what` names the source
// (a file name, "request body").
Result<Json> ParseJson(std::string_view text, std::string_view what = "json");

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
