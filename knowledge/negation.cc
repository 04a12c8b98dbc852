#include "knowledge/negation.h"

#include <cctype>
#include <vector>

namespace vigil {
namespace {

using Phrase = std::vector<std::string>;  // words in a row, lower case

// A clause said whole to be beside the point.
const std::vector<Phrase>& WholeClause() {
  static const std::vector<Phrase> k = {
      // English (KB4), and `irrelevant` (also German).
      {"ruled", "out"}, {"rule", "out"}, {"excluded"}, {"red", "herring"}, {"unrelated"}, {"irrelevant"},
      {"not", "the", "cause"}, {"not", "the", "culprit"}, {"not", "the", "problem"}, {"not", "the", "issue"},
      {"not", "to", "blame"}, {"not", "related"},
      // German
      {"ausgeschlossen"}, {"nicht", "die", "ursache"}, {"nicht", "ursache"}, {"nicht", "der", "grund"},
      {"nicht", "schuld"}, {"falsche", "fährte"}, {"nichts", "damit", "zu", "tun"}, {"nichts", "zu", "tun"},
      {"kein", "zusammenhang"},
      // French
      {"écarté"}, {"écartée"}, {"écartés"}, {"écartées"}, {"exclu"}, {"exclue"}, {"exclus"}, {"exclues"},
      {"pas", "la", "cause"}, {"pas", "en", "cause"}, {"hors", "de", "cause"}, {"pas", "le", "problème"},
      {"fausse", "piste"}, {"sans", "rapport"}, {"sans", "lien"}, {"y", "est", "pour", "rien"},
      // Spanish
      {"descartado"}, {"descartada"}, {"descartados"}, {"descartadas"}, {"descartamos"}, {"descartó"},
      {"no", "fue", "la", "causa"}, {"no", "era", "la", "causa"}, {"no", "es", "la", "causa"},
      {"no", "fue", "el", "problema"}, {"pista", "falsa"}, {"nada", "que", "ver"}, {"sin", "relación"},
      {"no", "relacionado"}, {"no", "relacionada"},
      // Chinese (排除 alone is also in 故障排除, "troubleshooting": only its "ruled out" forms)
      {"排", "除", "了"}, {"已", "排", "除"}, {"被", "排", "除"}, {"可", "以", "排", "除"}, {"无", "关"}, {"無", "關"},
      {"不", "是", "原", "因"}, {"不", "是", "根", "因"}, {"不", "是", "根", "本", "原", "因"}, {"并", "非", "原", "因"},
      {"並", "非", "原", "因"},
      // Japanese
      {"無", "関", "係"}, {"除", "外"}, {"関", "係", "な"}};
  return k;
}

// A negation: the words from it to the clause's end or a statement start are dropped.
const std::vector<Phrase>& Starts() {
  static const std::vector<Phrase> k = {
      {"not"}, {"no"}, {"never"}, {"without"}, {"nor"}, {"neither"}, {"instead", "of"}, {"rather", "than"},
      {"nicht"}, {"kein"}, {"keine"}, {"keinen"}, {"keinem"}, {"keiner"}, {"keines"}, {"nie"}, {"niemals"},
      {"ohne"}, {"weder"}, {"statt"}, {"anstatt"}, {"anstelle"},
      {"ne"}, {"pas"}, {"aucun"}, {"aucune"}, {"sans"}, {"jamais"}, {"ni"}, {"au", "lieu"}, {"plutôt", "que"},
      {"nunca"}, {"ningún"}, {"ningun"}, {"ninguno"}, {"ninguna"}, {"sin"}, {"tampoco"}, {"en", "lugar", "de"},
      {"en", "vez", "de"},
      {"不", "是"}, {"并", "非"}, {"並", "非"}, {"没", "有"}, {"沒", "有"}};
  return k;
}

// Words that start a new statement, ending a negation; not negated, they are passed over whole
// (so `sin embargo`, "however", is no `sin`).
const std::vector<Phrase>& Ends() {
  static const std::vector<Phrase> k = {
      {"but"}, {"it"}, {"and"}, {"which"}, {"because"}, {"so"}, {"however"}, {"actually"},
      {"sondern"}, {"aber"}, {"und"}, {"weil"}, {"denn"}, {"jedoch"},
      {"mais"}, {"et"}, {"parce"}, {"donc"}, {"cependant"},
      {"sino"}, {"pero"}, {"y"}, {"porque"}, {"sin", "embargo"},
      {"而", "是"}, {"但", "是"}, {"可", "是"}, {"不", "过"}, {"不", "過"}, {"因", "为"}, {"因", "為"}};
  return k;
}

// Japanese: a negation after what it negates. ではないか ("isn't it?") is a guess, not a negation.
const std::vector<Phrase>& Postfix() {
  static const std::vector<Phrase> k = {
      {"で", "は", "な"}, {"じ", "ゃ", "な"}, {"で", "は", "あ", "り", "ま", "せ", "ん"}, {"な", "し"}, {"無", "し"}};
  return k;
}
const std::vector<Phrase>& PostfixNot() {
  static const std::vector<Phrase> k = {{"で", "は", "な", "い", "か"}, {"じ", "ゃ", "な", "い", "か"}};
  return k;
}

// The code point at text[i] and its length in bytes; {0, 1} for a byte that starts no valid
// UTF-8 sequence (it separates words).
struct CodePoint {
  char32_t cp;
  size_t len;
};
CodePoint Decode(std::string_view t, size_t i) {
  const auto b = static_cast<unsigned char>(t[i]);
  if (b < 0x80) return {b, 1};
  size_t n = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (n == 0 || b >= 0xF5 || i + n > t.size()) return {0, 1};
  char32_t cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(t[i + k]);
    if ((c & 0xC0) != 0x80) return {0, 1};
    cp = cp << 6 | (c & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return {0, 1};
  return {cp, n};
}

bool IsCjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}
bool IsLatinLetter(char32_t c) { return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7; }
bool IsClauseMark(char32_t c) {
  switch (c) {
    case 0xFF0C: case 0x3002: case 0xFF1B: case 0x3001: case 0xFF01: case 0xFF1F: case 0xFF1A:
    case 0xFF08: case 0xFF09: case 0xA1: case 0xBF:
      return true;
    default:
      return false;
  }
}
bool IsWordChar(CodePoint c) {
  return (c.cp < 0x80 && c.len == 1 && std::isalnum(static_cast<int>(c.cp))) || IsLatinLetter(c.cp);
}
// Bytes of an apostrophe (' or ’) at text[i], else 0.
size_t Apostrophe(std::string_view t, size_t i) {
  if (i < t.size() && t[i] == '\'') return 1;
  if (t.substr(i, 3) == "\u2019") return 3;
  return 0;
}
void AppendLower(std::string* w, CodePoint c, std::string_view bytes) {
  if (c.len == 1) {
    *w += static_cast<char>(std::tolower(static_cast<unsigned char>(bytes[0])));
  } else if (c.cp >= 0xC0 && c.cp <= 0xDE && c.cp != 0xD7) {  // À-Þ: two bytes, lower case 0x20 above
    const char32_t l = c.cp + 0x20;
    *w += static_cast<char>(0xC0 | (l >> 6));
    *w += static_cast<char>(0x80 | (l & 0x3F));
  } else {
    w->append(bytes);
  }
}

struct Word {
  std::string w;
  size_t begin, end;
};

// The length of the longest phrase of `set` starting at words[k], 0 if none.
size_t MatchAt(const std::vector<Phrase>& set, const std::vector<Word>& words, size_t k) {
  size_t best = 0;
  for (const Phrase& p : set) {
    if (p.size() <= best || k + p.size() > words.size()) continue;
    bool same = true;
    for (size_t j = 0; j < p.size() && same; ++j) same = p[j] == words[k + j].w;
    if (same) best = p.size();
  }
  return best;
}

// The words of text[i, end): lower case, with where each is; "wasn't" reads "was not", French
// "n'était" reads "ne était".
std::vector<Word> ClauseWords(std::string_view text, size_t i, size_t end) {
  std::vector<Word> words;
  for (size_t k = i; k < end;) {
    const CodePoint c = Decode(text, k);
    if (IsCjk(c.cp)) {
      words.push_back({std::string(text.substr(k, c.len)), k, k + c.len});
      k += c.len;
      continue;
    }
    if (!IsWordChar(c)) {
      k += c.len;
      continue;
    }
    const size_t b = k;
    std::string w;
    while (k < end) {
      const CodePoint d = Decode(text, k);
      if (!IsWordChar(d) || k + d.len > end) break;
      AppendLower(&w, d, text.substr(k, d.len));
      k += d.len;
    }
    const size_t a = Apostrophe(text, k);
    if (a > 0 && w.size() > 1 && w.back() == 'n' && k + a < end && (text[k + a] == 't' || text[k + a] == 'T')) {
      w.pop_back();
      words.push_back({w, b, k - 1});
      words.push_back({"not", k - 1, k + a + 1});
      k += a + 1;
    } else if (a > 0 && w == "n" && k + a < end) {
      words.push_back({"ne", b, k + a});
      k += a;
    } else {
      words.push_back({std::move(w), b, k});
    }
  }
  return words;
}

}  // namespace

std::string NotNegated(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // One clause: [i, end), then its separator of `sep` bytes.
    size_t end = i, sep = 0;
    while (end < text.size()) {
      const char c = text[end];
      if (c == '\n' || c == ',' || c == ';' || c == '(' || c == ')' || c == '!' || c == '?') {
        sep = 1;
        break;
      }
      if ((c == '.' || c == ':') && (end + 1 == text.size() || text[end + 1] == ' ' || text[end + 1] == '\n')) {
        sep = 1;
        break;
      }
      const CodePoint cp = Decode(text, end);
      if (IsClauseMark(cp.cp)) {
        sep = cp.len;
        break;
      }
      end += cp.len;
    }
    const std::vector<Word> words = ClauseWords(text, i, end);
    bool whole = false;
    for (size_t k = 0; k < words.size() && !whole; ++k) whole = MatchAt(WholeClause(), words, k) > 0;
    if (!whole) {
      size_t pos = i;
      bool negated = false;
      for (size_t k = 0; k < words.size(); ++k) {
        if (const size_t n = MatchAt(Ends(), words, k); n > 0) {
          if (negated) pos = words[k].begin;
          negated = false;
          k += n - 1;
        } else if (negated) {
          continue;
        } else if (const size_t s = MatchAt(Starts(), words, k); s > 0) {
          out.append(text.substr(pos, words[k].begin - pos));
          negated = true;
          k += s - 1;
        } else if (const size_t q = MatchAt(PostfixNot(), words, k); q > 0) {
          k += q - 1;
        } else if (const size_t p = MatchAt(Postfix(), words, k); p > 0) {
          pos = words[k + p - 1].end;  // what came before in the clause is dropped with it
          k += p - 1;
        }
      }
      if (!negated) out.append(text.substr(pos, end - pos));
    }
    out.append(text.substr(end, sep));
    i = end + sep;
  }
  return out;
}

}  // namespace vigil
