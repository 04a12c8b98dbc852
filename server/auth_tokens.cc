#include "server/auth_tokens.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/ascii.h"
#include "core/text_encoding.h"

namespace vigil {
namespace {

bool IsB64TokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

// RFC 6750: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsB64Token(std::string_view t) {
  size_t i = 0;
  while (i < t.size() && IsB64TokenChar(t[i])) ++i;
  if (i == 0) return false;
  while (i < t.size() && t[i] == '=') ++i;
  return i == t.size();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<std::string>> ReadAuthTokenFile(const std::string& path) {
  const std::string where = "--auth-token-file " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return InvalidArgumentError(where + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError(where + ": not a regular file");
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return InvalidArgumentError(where + ": readable or writable by every user (mode " + mode +
                                "); it holds secrets: chmod 600 it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError(where + ": cannot be read: " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return InvalidArgumentError(where + ": cannot be read");
  const std::string text = buffer.str();
  std::vector<std::string> tokens;
  size_t line_no = 0;
  // A UTF-8 byte-order mark (a file saved by a Windows editor) is no part of the first token
  // (DOG5, 2026-12-05: it was refused as ":1: not a bearer token", naming no cause).
  size_t pos = text.size() - WithoutUtf8Bom(text).size();
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = TrimSpaces(line);
    if (line.empty()) continue;
    const std::string at = where + ":" + std::to_string(line_no) + ": ";
    if (!IsB64Token(line)) {  // the token itself is never quoted: it may be a real one with a typo
      return InvalidArgumentError(at + "not a bearer token (one per line; letters, digits and -._~+/ then "
                                       "any '=', no spaces)");
    }
    if (line.size() < kMinAuthTokenBytes || line.size() > kMaxAuthTokenBytes) {
      return InvalidArgumentError(at + "a token of " + std::to_string(line.size()) + " characters; use " +
                                  std::to_string(kMinAuthTokenBytes) + " to " + std::to_string(kMaxAuthTokenBytes) +
                                  " (e.g. `openssl rand -hex 32`)");
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) return InvalidArgumentError(where + ": holds no token (one per line, # comments)");
  return tokens;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Runs over b (the stored token) whatever a holds: the time tells b's size, nothing of its bytes.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

Result<std::unique_ptr<AuthTokens>> AuthTokens::Load(std::string path) {
  std::unique_ptr<AuthTokens> out(new AuthTokens(std::move(path)));
  RETURN_IF_ERROR(out->Reload());
  return out;
}

Status AuthTokens::Reload() {
  ASSIGN_OR_RETURN(std::vector<std::string> tokens, ReadAuthTokenFile(path_));
  auto next = std::make_shared<const std::vector<std::string>>(std::move(tokens));
  std::lock_guard lock(mu_);
  tokens_ = std::move(next);
  return Status::Ok();
}

bool AuthTokens::Accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !AsciiEqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return false;
  }
  std::string_view given = authorization.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  std::shared_ptr<const std::vector<std::string>> tokens;
  {
    std::lock_guard lock(mu_);
    tokens = tokens_;
  }
  bool ok = false;
  for (const std::string& t : *tokens) ok |= ConstantTimeEquals(given, t);  // no early exit
  return ok && !given.empty();
}

size_t AuthTokens::count() const {
  std::lock_guard lock(mu_);
  return tokens_ ? tokens_->size() : 0;
}

}  // namespace vigil
