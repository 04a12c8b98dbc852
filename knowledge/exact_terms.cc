#include "knowledge/exact_terms.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <unordered_set>

#include "core/ascii.h"

namespace vigil::kb {
namespace {

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLetter(char c) { return IsLower(c) || IsUpper(c); }

// An identifier that is a code: see exact_terms.h.
bool IsCodeIdentifier(std::string_view t) {
  if (t.size() < 5) return false;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == '_' && IsLetter(t[i - 1]) && IsLetter(t[i + 1])) return true;
  }
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (IsLower(t[i]) && IsUpper(t[i + 1])) return true;
  }
  return false;
}

// The body a hit is searched by for the terms (its title apart).
std::string HitBody(const SearchHit& h) {
  if (h.kind == SearchHit::Kind::kGuideChunk) return h.heading + "\n" + h.text;
  std::string body = h.incident.raw_text;
  for (const std::string& s : h.incident.symptoms) body += "\n" + s;
  body += "\n";
  body += h.incident.mitigation;
  return body;
}

}  // namespace

std::vector<ExactTerm> ExactTermsOf(std::string_view question) {
  std::vector<ExactTerm> out;
  auto add = [&](ExactTerm t) {
    for (const ExactTerm& have : out) {
      if (have.kind == t.kind && have.sxid == t.sxid && AsciiLower(have.text) == AsciiLower(t.text)) return;
    }
    out.push_back(std::move(t));
  };
  // Xid / SXid numbers.
  // The forms MentionsExactTerm finds, a pasted kernel line included ("NVRM: Xid (PCI:0000:3b:00): 79").
  static const std::regex kXid(
      R"((^|[^a-z0-9_])(s?)xids?"?( ?\(pci:[0-9a-f:.]+\))?[ \t:=#"]*(errors?|code|event)?[ \t:=#"]*([0-9]{1,6})(?![0-9a-z_]))");
  const std::string lower = AsciiLower(question);
  for (auto it = std::sregex_iterator(lower.begin(), lower.end(), kXid); it != std::sregex_iterator(); ++it) {
    ExactTerm t;
    t.kind = ExactTerm::Kind::kXid;
    t.sxid = (*it)[2].length() > 0;
    t.text = (*it)[5].str();
    t.text.erase(0, std::min(t.text.find_first_not_of('0'), t.text.size() - 1));  // "079" is 79
    add(std::move(t));
  }
  // Code identifiers.
  for (size_t i = 0; i < question.size();) {
    if (!IsIdentChar(question[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < question.size() && IsIdentChar(question[j])) ++j;
    std::string_view token = question.substr(i, j - i);
    if (IsCodeIdentifier(token)) add(ExactTerm{ExactTerm::Kind::kIdentifier, std::string(token), false});
    i = j;
  }
  return out;
}

namespace {

// "079" is 79 (one digit kept: "000" is 0).
std::string WithoutLeadingZeros(std::string n) {
  n.erase(0, std::min(n.find_first_not_of('0'), n.size() - 1));
  return n;
}

// A text lower-cased once, with the Xid / SXid numbers it mentions ("s" before an SXid's):
// MentionsExactTerm's test for every term, without a regex compiled per term and text (RV4: a
// question of 3 000 Xid numbers took ~50 s to order 20 hits).
struct ScannedText {
  std::string lower;
  std::unordered_set<std::string> xids;
};

ScannedText Scan(std::string_view text) {
  ScannedText out{AsciiLower(text), {}};
  if (out.lower.find("xid") == std::string::npos) return out;
  // The forms the kernel, DCGM and the pack write (the pack's own Xid log signature, widened to
  // "xids" and a JSON key): the number whole, after the word and at most a PCI address and
  // "error(s)" / "code" / "event".
  static const std::regex kForm(
      R"((^|[^a-z0-9_])(s?)xids?"?( ?\(pci:[0-9a-f:.]+\))?[ :=#"]*(errors?|code|event)?[ :=#"]*([0-9]+)(?![0-9]))");
  for (auto it = std::sregex_iterator(out.lower.begin(), out.lower.end(), kForm); it != std::sregex_iterator(); ++it) {
    std::string key = (*it)[2].str();
    key.append(WithoutLeadingZeros((*it)[5].str()));
    out.xids.insert(std::move(key));
  }
  return out;
}

bool Mentions(const ScannedText& text, const ExactTerm& term) {
  if (term.text.empty()) return false;
  if (term.kind == ExactTerm::Kind::kXid) {
    std::string key = term.sxid ? "s" : "";
    key.append(WithoutLeadingZeros(term.text));
    return text.xids.contains(key);
  }
  const std::string needle = AsciiLower(term.text);
  const std::string& lower = text.lower;
  for (size_t pos = lower.find(needle); pos != std::string::npos; pos = lower.find(needle, pos + 1)) {
    const bool starts = pos == 0 || !IsIdentChar(lower[pos - 1]);
    const size_t end = pos + needle.size();
    if (starts && (end == lower.size() || !IsIdentChar(lower[end]))) return true;
  }
  return false;
}

}  // namespace

bool MentionsExactTerm(std::string_view text, const ExactTerm& term) { return Mentions(Scan(text), term); }

std::vector<SearchHit> ExactTermsFirst(std::vector<SearchHit> hits, const std::vector<ExactTerm>& terms) {
  if (terms.empty()) return hits;
  std::vector<std::pair<int, size_t>> rank;  // (weight, index): title 2 a term, body 1
  for (size_t i = 0; i < hits.size(); ++i) {
    const SearchHit& h = hits[i];
    const ScannedText title = Scan(h.kind == SearchHit::Kind::kIncident ? h.incident.title : h.heading);
    const ScannedText body = Scan(HitBody(h));
    int weight = 0;
    for (const ExactTerm& t : terms) {
      if (Mentions(title, t)) {
        weight += 2;
      } else if (Mentions(body, t)) {
        weight += 1;
      }
    }
    rank.emplace_back(weight, i);
  }
  std::stable_sort(rank.begin(), rank.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<SearchHit> out;
  out.reserve(hits.size());
  for (const auto& [weight, i] : rank) out.push_back(std::move(hits[i]));
  return out;
}

}  // namespace vigil::kb
