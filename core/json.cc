#include "core/json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vigil {

namespace {

// "line L, column C" of the byte at `offset` (0-based) in `text`.
std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

size_t JsonTooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

std::string JsonTooDeepMessage() {
  std::string msg = "arrays and objects nested deeper than ";
  msg += std::to_string(kMaxJsonDepth);
  msg += " levels";
  return msg;
}

std::string DumpJson(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  if (const size_t at = JsonTooDeepAt(text); at != std::string_view::npos) {
    std::string msg(what);
    msg += ": ";
    msg += LineColumn(text, at);
    msg += ": ";
    msg += JsonTooDeepMessage();
    return InvalidArgumentError(msg);
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    std::string msg = e.what();
    auto pos = msg.find("parse error");
    if (pos != std::string::npos) msg = msg.substr(pos);
    // nlohmann's own place ("parse error at line 1, column 2: ") repeats ours: said once.
    if (msg.rfind("parse error at line ", 0) == 0) {
      if (const size_t colon = msg.find(": "); colon != std::string::npos) msg = msg.substr(colon + 2);
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) msg = "empty: no JSON value in it";
    std::string out(what);
    out += ": ";
    out += LineColumn(text, e.byte > 0 ? e.byte - 1 : 0);  // e.byte is 1-based: where the parser stopped
    out += ": ";
    out += msg;
    return InvalidArgumentError(out);
  } catch (const Json::out_of_range& e) {
    // A number literal beyond double's range ("1e999"): nlohmann reports the literal but no offset;
    // point at its first occurrence.
    std::string msg = e.what();
    auto pos = msg.find("number overflow");
    if (pos != std::string::npos) msg = msg.substr(pos);
    std::string where;
    auto q1 = msg.find('\''), q2 = msg.rfind('\'');
    if (q1 != std::string::npos && q2 > q1 + 1) {
      auto at = text.find(msg.substr(q1 + 1, q2 - q1 - 1));
      if (at != std::string_view::npos) where = LineColumn(text, at) + ": ";
    }
    return InvalidArgumentError(std::string(what) + ": " + where + msg);
  }
}

Result<std::string> ReadFile(const std::string& path) {
  // An ifstream opens a folder and reads nothing: say what it is instead of "empty".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgumentError(path + " is a folder, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLossError("error reading " + path);
  return ss.str();
}

Result<Json> ReadJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, path);
}

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return UnavailableError("cannot write " + path + ": " + std::strerror(errno) + " (writing " + tmp + ")");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return ResourceExhaustedError("short write to " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    // The temporary file is not left behind (DOCCHK, 2026-12-04: `vigil detect --flags-out DIR`
    // left DIR.tmp, a file of every flag, beside the folder it could not replace).
    const int err = errno;
    std::remove(tmp.c_str());
    return UnavailableError("cannot write " + path + ": " + std::strerror(err) +
                            (err == EISDIR ? " (it is a folder: name a file)" : ""));
  }
  return Status::Ok();
}

}  // namespace vigil
