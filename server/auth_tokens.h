// AuthTokens: the bearer tokens of `vigil serve --auth-token-file PATH` (server/http_api.h checks
// them on every request but the public ones).
//
// The file: one token per line; blank lines and `#` comments (a whole line, or from `#` to the end
// of a line) are skipped, spaces around a token trimmed. A token is RFC 6750's b64token
// ([A-Za-z0-9-._~+/]+ then =*, the characters a header carries unquoted) of 16 to 4096 bytes. The
// file is refused (InvalidArgument, naming the path and, for a bad token, its line number, never
// the token) when it cannot be read, holds no token, holds a bad one, or is readable or writable
// by every user (mode o+r / o+w: `chmod 600` it).
//
// Thread safety: Accepts() and count() may run on any thread while Reload() runs on another (a
// mutex; a reload swaps the whole set, so a request sees the old set or the new one).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil {

inline constexpr size_t kMinAuthTokenBytes = 16;
inline constexpr size_t kMaxAuthTokenBytes = 4096;

// The tokens of the file at `path` (see above).
Result<std::vector<std::string>> ReadAuthTokenFile(const std::string& path);

// a == b in a time that depends on the sizes only, never on where the bytes first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

class AuthTokens {
 public:
  // Reads the file (ReadAuthTokenFile's errors).
  static Result<std::unique_ptr<AuthTokens>> Load(std::string path);

  // Reads the file again; on an error the tokens in use are kept and the error returned.
  Status Reload();

  // Whether `authorization` (an Authorization header's value) is `Bearer <token>` (the scheme in
  // any case, one or more spaces) with one of the tokens. Every token is compared, in constant
  // time, whatever matches.
  bool Accepts(std::string_view authorization) const;

  size_t count() const;
  const std::string& path() const { return path_; }

 private:
  explicit AuthTokens(std::string path) : path_(std::move(path)) {}
  std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<std::string>> tokens_;
};

}  // namespace vigil
