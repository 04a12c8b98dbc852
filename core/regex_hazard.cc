#include "core/regex_hazard.h"

#include <bitset>
#include <cctype>
#include <cstddef>
#include <vector>

namespace vigil {

namespace {

constexpr size_t kUnbounded = static_cast<size_t>(-1);
using ByteSet = std::bitset<256>;

struct Quantifier {
  size_t min = 1, max = 1;  // no quantifier: {1,1}
  size_t length = 0;
};

// The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy), if any.
Quantifier QuantifierAt(std::string_view p, size_t i) {
  Quantifier q;
  if (i >= p.size()) return q;
  size_t j = i;
  auto number = [&](size_t* k, size_t* out) {
    bool any = false;
    *out = 0;
    while (*k < p.size() && std::isdigit(static_cast<unsigned char>(p[*k]))) {
      *out = std::min<size_t>(*out * 10 + static_cast<size_t>(p[*k] - '0'), 100000);
      any = true;
      ++*k;
    }
    return any;
  };
  if (p[j] == '*' || p[j] == '+') {
    q.min = p[j] == '+' ? 1 : 0;
    q.max = kUnbounded;
    ++j;
  } else if (p[j] == '?') {
    q.min = 0;
    ++j;
  } else if (p[j] == '{') {
    size_t k = j + 1, lo = 0, hi = 0;
    if (!number(&k, &lo)) return q;  // a literal `{`
    hi = lo;
    if (k < p.size() && p[k] == ',') {
      ++k;
      if (k < p.size() && p[k] == '}') hi = kUnbounded;
      else if (!number(&k, &hi)) return q;
    }
    if (k >= p.size() || p[k] != '}') return q;
    q.min = lo;
    q.max = hi;
    j = k + 1;
  } else {
    return q;
  }
  if (j < p.size() && p[j] == '?') ++j;  // lazy
  q.length = j - i;
  return q;
}

ByteSet Range(unsigned char from, unsigned char to) {
  ByteSet s;
  for (unsigned c = from; c <= to; ++c) s.set(c);
  return s;
}
ByteSet Word() { return Range('a', 'z') | Range('A', 'Z') | Range('0', '9') | Range('_', '_'); }
ByteSet Space() {
  ByteSet s;
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) s.set(static_cast<unsigned char>(c));
  return s;
}
// Both ASCII cases of a letter (the callers match case-insensitively; either way more bytes in a
// set only makes the check stricter).
ByteSet Char(unsigned char c) {
  ByteSet s;
  s.set(c);
  if (std::isalpha(c)) {
    s.set(static_cast<unsigned char>(std::tolower(c)));
    s.set(static_cast<unsigned char>(std::toupper(c)));
  }
  return s;
}

// The bytes the escape at p[i] == '\\' matches; `*zero_width` for \b \B. Advances `*i` past it.
ByteSet Escape(std::string_view p, size_t* i, bool* zero_width) {
  *zero_width = false;
  if (*i + 1 >= p.size()) {
    *i = p.size();
    return Char('\\');
  }
  const char e = p[*i + 1];
  *i += 2;
  switch (e) {
    case 'd': return Range('0', '9');
    case 'D': return ~Range('0', '9');
    case 'w': return Word();
    case 'W': return ~Word();
    case 's': return Space();
    case 'S': return ~Space();
    case 'b':
    case 'B': *zero_width = true; return {};
    case 't': return Char('\t');
    case 'n': return Char('\n');
    case 'r': return Char('\r');
    case 'f': return Char('\f');
    case 'v': return Char('\v');
    case '0': return Char('\0');
    case 'x': case 'u': case 'c': return ~ByteSet();  // a code given by number: any byte, to be safe
    default:
      if (std::isdigit(static_cast<unsigned char>(e))) return ~ByteSet();  // a backreference: any byte
      return Char(static_cast<unsigned char>(e));
  }
}

// The bytes the class at p[i] == '[' matches. Advances `*i` past its `]`.
ByteSet Class(std::string_view p, size_t* i) {
  ++*i;
  bool negate = false;
  if (*i < p.size() && p[*i] == '^') {
    negate = true;
    ++*i;
  }
  ByteSet s;
  bool first = true;
  while (*i < p.size() && (p[*i] != ']' || first)) {
    first = false;
    if (p[*i] == '[' && *i + 1 < p.size() && (p[*i + 1] == ':' || p[*i + 1] == '.' || p[*i + 1] == '=')) {
      const size_t close = p.find(']', *i + 2);  // [[:alpha:]] and the like: any byte, to be safe
      s = ~ByteSet();
      *i = close == std::string_view::npos ? p.size() : close + 1;
      continue;
    }
    ByteSet member;
    unsigned char lo = 0;
    bool single = false;
    if (p[*i] == '\\') {
      bool zero_width = false;
      member = Escape(p, i, &zero_width);
      single = member.count() <= 2 && !zero_width;
      if (single) lo = static_cast<unsigned char>(p[*i - 1]);
    } else {
      lo = static_cast<unsigned char>(p[*i]);
      member = Char(lo);
      single = true;
      ++*i;
    }
    if (single && *i + 1 < p.size() && p[*i] == '-' && p[*i + 1] != ']') {
      unsigned char hi = static_cast<unsigned char>(p[*i + 1]);
      *i += 2;
      if (hi == '\\') hi = 0xff;  // an escaped bound: to be safe, up to the top
      if (hi >= lo) member = Range(lo, hi);
      for (unsigned c = lo; c <= hi && c < 256; ++c)
        if (std::isalpha(static_cast<int>(c))) member |= Char(static_cast<unsigned char>(c));
    }
    s |= member;
  }
  ++*i;  // the `]`
  return negate ? ~s : s;
}

// Whether a group's alternatives, each a fixed sequence of single atoms, can split some text in
// two ways under an unbounded repeat: two alternatives that can match the same text (`(\w|\d)`,
// `(.|\s)`), or a shorter one that can match a prefix of a longer one whose rest some alternative
// can begin (`(a|aa)`, `(x|y|xy)`). The rest is read one round deep only, so a rare pattern that no
// text splits two ways may be named too (`(ab|a|bc)*`); exclusive alternatives (`(a|b)`, `(ab|ac)`,
// `(foo|foobar)`, `(\s|\S)`, `(.|\n)`) are not. An empty alternative is not read (ECMAScript ends a
// repeat on an empty round).
bool OverlappingAlternatives(const std::vector<std::vector<ByteSet>>& alts) {
  auto compatible = [](const std::vector<ByteSet>& a, const std::vector<ByteSet>& b, size_t from) {
    for (size_t k = 0; k < a.size() && from + k < b.size(); ++k)
      if ((a[k] & b[from + k]).none()) return false;
    return true;
  };
  for (const auto& a : alts)
    if (a.empty()) return false;
  for (size_t x = 0; x < alts.size(); ++x) {
    for (size_t y = 0; y < alts.size(); ++y) {
      const auto& a = alts[x];
      const auto& b = alts[y];
      if (x == y || a.size() > b.size() || !compatible(a, b, 0)) continue;
      if (a.size() == b.size()) return true;
      for (const auto& c : alts)
        if (compatible(c, b, a.size())) return true;
    }
  }
  return false;
}

}  // namespace

// A group that repeats without bound is safe when one of its pieces is a separator: an atom that
// must occur once in each round (not quantified, not under `|`) and that none of the repeating
// atoms inside can match, so each round's end is fixed (`(\w+\s)*`, `(\d+\.)+`); otherwise the
// rounds can split the same text in exponentially many ways (`(a+)+`, `(\w+\s?)*`, `(.*,)*`).
std::string RegexBacktrackHazard(std::string_view p) {
  struct Frame {
    size_t open = 0;
    bool body_repeats = false;        // some quantifier with max > 1 inside (nested groups included)
    bool alternation = false;         // a `|` at this body's top level
    ByteSet repeated;                 // bytes the repeating atoms inside can match
    ByteSet all;                      // bytes any atom inside can match
    std::vector<ByteSet> separators;  // single atoms that must occur once, at the top level
    bool lookaround = false;          // `(?=` / `(?!`
    // The top-level alternatives as sequences of single atoms, while every atom so far is
    // unquantified (a plain group of one alternative is read inline); `fixed` false otherwise.
    std::vector<std::vector<ByteSet>> alternatives{{}};
    bool fixed = true;
    // The body as a plain sequence of atoms (no `|`, no group inside): each atom's bytes and
    // whether it must occur (min >= 1); `plain` false otherwise.
    std::vector<std::pair<ByteSet, bool>> sequence;
    bool plain = true;
  };
  // A repeat (counted, or since RV10 unbounded) of a plain sequence whose atoms all must occur and
  // each can match nothing its neighbour (the last's: the first's) can (`(\w+\s+){0,3}`,
  // `( +[^\s:]+){0,2}`, `(\w+\s+)*`) splits a text one way only: each atom's match ends at the first
  // byte it cannot match.
  auto unambiguous = [](const Frame& f) {
    if (!f.plain || f.sequence.empty()) return false;
    for (size_t k = 0; k < f.sequence.size(); ++k) {
      const auto& [bytes, required] = f.sequence[k];
      if (!required || (bytes & f.sequence[(k + 1) % f.sequence.size()].first).any()) return false;
    }
    return f.sequence.size() > 1;
  };
  std::vector<Frame> frames(1);  // frames[0]: the whole pattern
  size_t i = 0;
  auto atom = [&](const ByteSet& bytes) {
    const Quantifier q = QuantifierAt(p, i);
    i += q.length;
    Frame& f = frames.back();
    f.all |= bytes;
    f.sequence.emplace_back(bytes, q.min >= 1);
    if (q.length != 0) f.fixed = false;
    else f.alternatives.back().push_back(bytes);
    if (q.max > 1) {
      f.body_repeats = true;
      f.repeated |= bytes;
    } else if (q.min == 1) {
      f.separators.push_back(bytes);
    }
  };
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\') {
      bool zero_width = false;
      const ByteSet bytes = Escape(p, &i, &zero_width);
      if (zero_width) {
        i += QuantifierAt(p, i).length;
        continue;
      }
      atom(bytes);
    } else if (c == '[') {
      atom(Class(p, &i));
    } else if (c == '.') {
      ++i;
      ByteSet any = ~ByteSet();
      any.reset('\n');
      atom(any);
    } else if (c == '^' || c == '$') {
      ++i;
    } else if (c == '|') {
      frames.back().alternation = true;
      frames.back().plain = false;
      frames.back().alternatives.emplace_back();
      ++i;
    } else if (c == '(') {
      Frame g;
      g.open = i;
      frames.push_back(g);
      ++i;
      if (i + 1 < p.size() && p[i] == '?' && (p[i + 1] == ':' || p[i + 1] == '=' || p[i + 1] == '!')) {
        frames.back().lookaround = p[i + 1] != ':';
        i += 2;
      }
    } else if (c == ')') {
      if (frames.size() < 2) return "";  // unbalanced: std::regex refuses it
      const Frame group = frames.back();
      frames.pop_back();
      ++i;
      const Quantifier q = QuantifierAt(p, i);
      // Unbounded: exponential; counted (twice or more, RV7: `(.*-){12}x` passed and took 4.2 s on
      // a 79-byte value): the line's length to the power of the count.
      if (q.max > 1 && group.body_repeats) {
        bool separated = false;
        if (!group.alternation) {
          for (const ByteSet& s : group.separators) separated = separated || (s & group.repeated).none();
        }
        if (!separated && q.max != kUnbounded && !unambiguous(group)) {
          const size_t end = i + q.length;
          std::string shown(p.substr(group.open, end - group.open));
          if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
          return "counted repetition at offset " + std::to_string(group.open) + ": the group `" + shown +
                 "` repeats up to " + std::to_string(q.max) +
                 " times around a part that repeats itself, with no separator between rounds, so a backtracking "
                 "matcher (std::regex) tries every way to split a line it does not match among the rounds: its time "
                 "grows as the line's length to the power of the count (`(.*-){12}x` 4.2 s on a 79-byte value); end "
                 "each round with a character the inner part cannot match (`([^-]*-){12}`, `(\\w+\\s){3}`) or repeat "
                 "the inner part only";
        }
        // RV10: an unbounded repeat of such a sequence (`(\w+\s+)*`) too: one split per round, so a line
        // it does not match costs a number of steps linear in its length from each start (steps counted
        // in core/regex_hazard_test.cc "rv10 ..."); it was named exponential.
        if (!separated && q.max == kUnbounded && !unambiguous(group)) {
          const size_t end = i + q.length;
          std::string shown(p.substr(group.open, end - group.open));
          if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
          std::string why = "nested repetition at offset ";
          why += std::to_string(group.open);
          why += ": the group `";
          why += shown;
          why += "` repeats without bound around a part that repeats itself, with no separator between rounds, "
                 "so a backtracking matcher (std::regex) can take exponential time on a line it does not "
                 "match; repeat one of them only, or end each round with a character the inner part cannot "
                 "match (`(\\w+\\s)*`, not `(\\w+\\s?)*`)";
          return why;
        }
      }
      if (q.max == kUnbounded && !group.body_repeats && group.alternation && group.fixed && !group.lookaround) {
        if (OverlappingAlternatives(group.alternatives)) {
          const size_t end = i + q.length;
          std::string shown(p.substr(group.open, end - group.open));
          if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
          std::string why = "overlapping alternatives at offset ";
          why += std::to_string(group.open);
          why += ": the group `";
          why += shown;
          why += "` repeats without bound and the same text can be matched by its alternatives in more than one "
                 "way, so a backtracking matcher (std::regex) can take exponential time on a line it does not "
                 "match; make the alternatives exclusive or use one character class (`[\\w]+`, not `(\\w|\\d)+`)";
          return why;
        }
      }
      Frame& parent = frames.back();
      parent.all |= group.all;
      parent.plain = false;
      if (q.length == 0 && !group.alternation && group.fixed && !group.lookaround) {
        std::vector<ByteSet>& seq = parent.alternatives.back();
        seq.insert(seq.end(), group.alternatives[0].begin(), group.alternatives[0].end());
      } else {
        parent.fixed = false;
      }
      // A group that occurs exactly once and repeats nothing inside (`(?:,|;)`) separates like an
      // atom when none of its bytes can be matched by the repeating atoms around it.
      if (q.length == 0 && !group.body_repeats && group.all.any()) parent.separators.push_back(group.all);
      if (q.max > 1) {
        parent.body_repeats = true;
        parent.repeated |= group.all;
      } else if (group.body_repeats) {
        parent.body_repeats = true;
        parent.repeated |= group.repeated;
      }
      i += q.length;
    } else {
      ++i;
      atom(Char(static_cast<unsigned char>(c)));
    }
  }
  return "";
}

std::string_view WithoutLeadingWildcard(std::string_view p) {
  std::string_view rest = p;
  if (rest.starts_with("^.*")) rest.remove_prefix(1);
  bool stripped = false;
  while (rest.starts_with(".*")) {
    rest.remove_prefix(2);
    if (rest.starts_with("?")) rest.remove_prefix(1);
    stripped = true;
  }
  if (!stripped || rest.empty()) return p;
  if (const char c = rest.front(); c == '*' || c == '+' || c == '?' || c == '{' || c == '|' || c == ')') return p;
  return rest;
}

}  // namespace vigil
