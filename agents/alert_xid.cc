#include "agents/alert_xid.h"

#include <cctype>
#include <regex>

namespace vigil {
namespace {

bool Lower(char c) { return c >= 'a' && c <= 'z'; }

// Whether the text after an Xid mention at `end` gives its code: a number >= 1 within a few
// separators ("Xid 79", "XID: 48", "Xid (PCI:0000:3b:00): 79", `xid="119"`), not a comparison's
// operand ("DCGM_FI_DEV_XID_ERRORS != 0", "> 0").
bool CodeFollows(const std::string& text, size_t end) {
  static const std::regex kCode(R"(^(?:[_A-Za-z]*)?(?:s|S)?\s*(?:\(PCI:[0-9A-Fa-f:.]+\))?\s*[:=#]?\s*"?(\d{1,3})\b)");
  std::smatch m;
  const std::string rest = text.substr(end, 48);
  return std::regex_search(rest, m, kCode) && m[1].str() != "0" && m[1].str() != "00" && m[1].str() != "000";
}

}  // namespace

std::string XidWithoutCodeInWords(const std::string& text) {
  if (text.empty() || text.size() > 4096) return "";
  // Any code given anywhere in the text: then the code is the fact (the pack reads it), not this.
  static const std::regex kValue(R"(\bvalue:? ?[1-9]\d{0,2}\b|\bXids? \d{1,3}(?:\s*[,/]\s*\d{1,3})*\b)", std::regex::icase);
  // An Xid named to rule it out.
  static const std::regex kRuledOut(R"(\b(?:no|without|zero|0|cleared|none of the) (?:new |critical |GPU )?Xids?\b)",
                                    std::regex::icase);
  if (std::regex_search(text, kRuledOut)) return "";
  if (std::regex_search(text, kValue)) return "";
  std::string quote;
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 1])));
    const char d = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 2])));
    if (a != 'x' || b != 'i' || d != 'd') continue;
    // "xid" starts a word or a capitalised part of a rule's name (GPUXidError, GpuXidCritical), and
    // ends one (XidError, Xids, XID_ERRORS): not inside "oxide" or "xidle".
    if (i > 0 && Lower(text[i - 1]) && text[i] != 'X') continue;  // "oxide" no, "GpuXidCritical" yes
    size_t end = i + 3;
    if (end < text.size() && (text[end] == 's' || text[end] == 'S') && (end + 1 >= text.size() || !Lower(text[end + 1]))) ++end;
    if (end < text.size() && Lower(text[end])) continue;
    if (CodeFollows(text, i + 3)) return "";
    if (quote.empty()) {
      size_t from = i;
      while (from > 0 && !std::isspace(static_cast<unsigned char>(text[from - 1])) && i - from < 40) --from;
      size_t to = end;
      while (to < text.size() && !std::isspace(static_cast<unsigned char>(text[to])) && to - end < 40) ++to;
      quote = text.substr(from, to - from);
    }
  }
  return quote;
}

}  // namespace vigil
