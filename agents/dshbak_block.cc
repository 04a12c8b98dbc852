#include "agents/dshbak_block.h"

#include <regex>

namespace vigil {
namespace {

constexpr size_t kMaxBlockLines = 400;

std::string Trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// A banner's host line: one token (a host or a hostlist), clush -b's " (N)" count after it allowed.
std::string BannerHost(const std::string& text) {
  if (text.size() > 300) return "";
  std::string host = Trimmed(text);
  static const std::regex kCount(R"(^(\S+) \(\d+\)$)");
  std::smatch m;
  if (std::regex_match(host, m, kCount)) host = m.str(1);
  static const std::regex kHost(R"(^[A-Za-z0-9][A-Za-z0-9._,\[\]-]*$)");
  if (host.empty() || !std::regex_match(host, kHost)) return "";
  return host;
}

bool IsPromptOrCommand(const std::string& text) {
  static const std::regex kPrompt(R"(^\s*(?:\$|#|>|\[[^\]]{1,80}\][$#]|[\w.-]+@[\w.-]+[^\s$#]{0,80}[$#])\s)");
  return text.size() <= 2000 && std::regex_search(text, kPrompt);
}

}  // namespace

bool IsDshbakRule(const std::string& text) {
  const std::string t = Trimmed(text);
  return t.size() >= 4 && t.find_first_not_of('-') == std::string::npos;
}

std::string DshbakBlockHost(size_t line, size_t count, const std::function<const std::string&(size_t)>& text_at) {
  if (line >= count) return "";
  // From the last command line above (or kMaxBlockLines up), dshbak's layout read forward: a rule,
  // a host, a rule open a block; its lines run to the next rule or command.
  size_t from = line;
  while (from > 0 && line - from < kMaxBlockLines && !IsPromptOrCommand(text_at(from))) --from;
  int state = 0;  // 0: no banner; 1: after an opening rule; 2: after its host; 3: in the block
  std::string host;
  for (size_t k = from; k <= line; ++k) {
    const std::string& t = text_at(k);
    std::string as_host;
    if (IsPromptOrCommand(t)) {
      state = 0;
    } else if (IsDshbakRule(t)) {
      state = state == 2 ? 3 : 1;
      if (k == line) return "";
      continue;
    } else if (state == 1 && !(as_host = BannerHost(t)).empty()) {
      host = as_host;
      state = 2;
    } else if (state != 3) {
      state = 0;  // a rule and no host, or a host and no closing rule: no banner
    }
    if (k == line) return state == 3 ? host : "";
  }
  return "";
}

}  // namespace vigil
