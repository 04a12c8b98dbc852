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
  // Every prompt form below ends in `$`, `#` or `>`: a line with none of them is no prompt.
  if (text.find_first_of("$#>") == std::string::npos) return false;
  static const std::regex kPrompt(R"(^\s*(?:\$|#|>|\[[^\]]{1,80}\][$#]|[\w.-]+@[\w.-]+[^\s$#]{0,80}[$#])\s)");
  return text.size() <= 2000 && std::regex_search(text, kPrompt);
}

}  // namespace

bool IsDshbakRule(const std::string& text) {
  // Trimmed(text) four or more '-' and nothing else, read in place.
  const size_t a = text.find_first_not_of(" \t");
  if (a == std::string::npos || text[a] != '-') return false;
  const size_t b = text.find_last_not_of(" \t\r");
  size_t dashes = 0;
  for (size_t k = a; k <= b; ++k) {
    if (text[k] != '-') return false;
    ++dashes;
  }
  return dashes >= 4;
}

namespace {

enum class LineKind : unsigned char { kOther, kPrompt, kRule };

// DshbakBlockHost's reading of line `line` on the lines' kinds (`kind_at(k)`) and, for a line
// after a rule, its banner host (`host_at(k)`, "" for none): from the last command line above (or
// kMaxBlockLines up), dshbak's layout read forward: a rule, a host, a rule open a block; its lines
// run to the next rule or command.
template <class KindAt, class HostAt>
std::string HostInWindow(size_t line, const KindAt& kind_at, const HostAt& host_at) {
  size_t from = line;
  while (from > 0 && line - from < kMaxBlockLines && kind_at(from) != LineKind::kPrompt) --from;
  int state = 0;  // 0: no banner; 1: after an opening rule; 2: after its host; 3: in the block
  std::string host;
  for (size_t k = from; k <= line; ++k) {
    const LineKind kind = kind_at(k);
    std::string as_host;
    if (kind == LineKind::kPrompt) {
      state = 0;
    } else if (kind == LineKind::kRule) {
      state = state == 2 ? 3 : 1;
      if (k == line) return "";
      continue;
    } else if (state == 1 && !(as_host = host_at(k)).empty()) {
      host = std::move(as_host);
      state = 2;
    } else if (state != 3) {
      state = 0;  // a rule and no host, or a host and no closing rule: no banner
    }
    if (k == line) return state == 3 ? host : "";
  }
  return "";
}

LineKind KindOf(const std::string& text) {
  if (IsPromptOrCommand(text)) return LineKind::kPrompt;
  return IsDshbakRule(text) ? LineKind::kRule : LineKind::kOther;
}

}  // namespace

std::string DshbakBlockHost(size_t line, size_t count, const std::function<const std::string&(size_t)>& text_at) {
  if (line >= count) return "";
  return HostInWindow(
      line, [&](size_t k) { return KindOf(text_at(k)); }, [&](size_t k) { return BannerHost(text_at(k)); });
}

DshbakHosts DshbakBlockHosts(size_t count, const std::function<const std::string&(size_t)>& text_at) {
  DshbakHosts out;
  out.lines = count;
  std::vector<LineKind> kinds(count);
  bool any_rule = false;
  for (size_t k = 0; k < count; ++k) {
    kinds[k] = KindOf(text_at(k));
    any_rule = any_rule || kinds[k] == LineKind::kRule;
  }
  if (!any_rule) return out;
  // A banner host is read only on a line right after a rule (state 1 is entered by a rule alone).
  std::vector<std::string> banner(count);
  bool any_banner = false;
  for (size_t k = 1; k < count; ++k) {
    if (kinds[k - 1] != LineKind::kRule || kinds[k] != LineKind::kOther) continue;
    banner[k] = BannerHost(text_at(k));
    any_banner = any_banner || !banner[k].empty();
  }
  if (!any_banner) return out;
  const auto kind_at = [&](size_t k) { return kinds[k]; };
  const auto host_at = [&](size_t k) { return banner[k]; };
  out.hosts.assign(count, "");
  // A line is in a block only when it is no rule or command, the last rule above it closes a
  // banner (a rule, a host, that rule), no command comes between, and the window reaches the
  // opening rule; the window is read for those lines only.
  size_t last_rule = count, last_prompt = count;  // `count`: none yet
  for (size_t k = 0; k < count; ++k) {
    if (kinds[k] == LineKind::kRule) last_rule = k;
    if (kinds[k] == LineKind::kPrompt) last_prompt = k;
    if (kinds[k] != LineKind::kOther || last_rule == count || last_rule < 2) continue;
    if (last_prompt != count && last_prompt > last_rule) continue;
    if (k - (last_rule - 2) > kMaxBlockLines || banner[last_rule - 1].empty() ||
        kinds[last_rule - 2] != LineKind::kRule) {
      continue;
    }
    out.hosts[k] = HostInWindow(k, kind_at, host_at);
  }
  return out;
}

}  // namespace vigil
