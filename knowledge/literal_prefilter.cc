#include "knowledge/literal_prefilter.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>

#include "core/ascii.h"

namespace vigil {
namespace {

using Literals = std::optional<std::vector<std::string>>;  // nullopt: no constraint known

// Recursive-descent reader of the ECMAScript grammar, computing required literals. Any construct
// it is unsure of sets `bad`, and the caller then returns "no literal".
class Reader {
 public:
  Reader(std::string_view p, bool icase) : p_(p), icase_(icase) {}

  Literals Read() {
    Req r = Disjunction(0);
    if (bad_ || i_ != p_.size()) return std::nullopt;
    return r.required;
  }

  // Every requirement of the pattern, each of which every match meets (one literal of each set
  // occurs), Read()'s first. With several top-level alternatives, each other requirement S of
  // alternative i gives the set S plus every other alternative's own (Read()'s part for it): a
  // match of alternative i holds a literal of S, a match of another alternative one of its own.
  std::vector<std::vector<std::string>> ReadSets() {
    Req r = Disjunction(0);
    if (bad_ || i_ != p_.size() || !r.required) return {};
    std::vector<std::vector<std::string>> out = {*r.required};
    auto add = [&](std::vector<std::string> set) {
      std::vector<std::string> u = Unique(std::move(set));
      if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(std::move(u));
    };
    for (size_t a = 0; a < top_sets_.size(); ++a) {
      for (const std::vector<std::string>& set : top_sets_[a]) {
        if (top_sets_.size() > 1 && Unique(set) == Unique(*top_own_[a])) continue;  // in Read()'s already
        std::vector<std::string> u = set;
        for (size_t b = 0; b < top_sets_.size(); ++b) {
          if (b != a) u.insert(u.end(), top_own_[b]->begin(), top_own_[b]->end());
        }
        add(std::move(u));
      }
    }
    return out;
  }

 private:
  // What a (sub)pattern requires: `required`, literals one of which every match contains; `exact`,
  // when the whole (sub)pattern is a plain choice of strings ("nan|inf"), those strings.
  struct Req {
    Literals required;
    Literals exact;
  };
  // kClass: a bracket class of a few plain characters ("[:=]", "[ _]"), a choice of them.
  enum class Kind { kLiteral, kClass, kOther, kGroup, kAssertion };
  struct Atom {
    Kind kind = Kind::kOther;
    char ch = 0;
    Req group;
    std::string chars;  // kClass
  };

  static size_t Shortest(const std::vector<std::string>& s) {
    size_t m = s.front().size();
    for (const std::string& x : s) m = std::min(m, x.size());
    return m;
  }
  // Keeps the more selective of two requirements that both hold (longest shortest literal, then
  // fewer literals).
  static void Better(Literals& best, const Literals& candidate) {
    if (!candidate || candidate->empty()) return;
    if (!best) {
      best = candidate;
      return;
    }
    size_t a = Shortest(*candidate), b = Shortest(*best);
    if (a > b || (a == b && candidate->size() < best->size())) best = candidate;
  }

  static constexpr size_t kMaxProduct = 32;

  // Alternatives up to ')' or the end: the union of their literals, or none if one has none.
  Req Disjunction(int depth) {
    if (depth > 64) {
      bad_ = true;
      return {};
    }
    std::vector<std::string> all, exact;
    bool unconstrained = false, all_exact = true;
    while (true) {
      if (depth == 0) top_sets_.emplace_back();
      Req a = Alternative(depth);
      if (bad_) return {};
      if (depth == 0) top_own_.push_back(a.required);
      if (!a.required) unconstrained = true;
      else all.insert(all.end(), a.required->begin(), a.required->end());
      if (!a.exact) all_exact = false;
      else exact.insert(exact.end(), a.exact->begin(), a.exact->end());
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      break;
    }
    Req r;
    if (!unconstrained) r.required = Unique(std::move(all));
    if (all_exact && exact.size() <= kMaxProduct) r.exact = Unique(std::move(exact));
    return r;
  }

  static std::vector<std::string> Unique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }

  // A sequence of terms. `runs`: the strings one of which the text holds contiguously up to here
  // (several after a plain choice: "loss: (nan|inf)" holds "loss: nan" or "loss: inf").
  Req Alternative(int depth) {
    Literals best;
    std::vector<std::string> runs = {""};
    bool exact = true;  // nothing but plain characters and plain choices so far
    // Each requirement met at the top level is also kept apart (ReadSets: all must hold).
    auto keep = [&](const Literals& required) {
      Better(best, required);
      if (depth == 0 && required && !required->empty()) top_sets_.back().push_back(*required);
    };
    auto flush = [&] {
      bool useful = !runs.empty();
      for (const std::string& r : runs) useful = useful && !r.empty();
      if (useful) keep(runs);
      runs = {""};
    };
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      Atom atom = ReadAtom(depth);
      if (bad_) return {};
      size_t min = 1, max = 1;
      bool quantified = ReadQuantifier(&min, &max);
      if (bad_) return {};
      if (atom.kind == Kind::kAssertion) {
        if (quantified) bad_ = true;
        flush();
        exact = false;
        continue;
      }
      // An optional plain character or choice ("errors?", "(or Inf )?") is a choice with "".
      std::vector<std::string> choice;
      if (atom.kind == Kind::kLiteral && (!quantified || (min == 0 && max == 1))) {
        choice = {std::string(1, icase_ ? AsciiToLower(atom.ch) : atom.ch)};
      } else if (atom.kind == Kind::kClass && (!quantified || (min == 0 && max == 1))) {
        for (char c : atom.chars) choice.push_back(std::string(1, icase_ ? AsciiToLower(c) : c));
        choice = Unique(std::move(choice));
      } else if (atom.kind == Kind::kGroup && atom.group.exact && (!quantified || (min == 0 && max == 1))) {
        choice = *atom.group.exact;
      }
      if (!choice.empty() && quantified) choice.push_back("");
      if (!choice.empty() && runs.size() * choice.size() <= kMaxProduct) {
        std::vector<std::string> product;
        for (const std::string& r : runs) {
          for (const std::string& a : choice) product.push_back(r + a);
        }
        runs = Unique(std::move(product));
        continue;
      }
      if (!choice.empty()) {
        flush();
        runs = choice;
        exact = false;
        continue;
      }
      if (min == 0) {  // optional: neither it nor the run across it is required
        flush();
        exact = false;
        continue;
      }
      if (atom.kind == Kind::kLiteral || atom.kind == Kind::kClass) {
        // Repeated ("a+", "a{2,}", "[:=]+"): "xa+b" holds "xa" and "ab".
        std::vector<std::string> one;
        if (atom.kind == Kind::kLiteral) one = {std::string(1, atom.ch)};
        for (char c : atom.chars) one.push_back(std::string(1, c));
        for (std::string& c : one) c = icase_ ? AsciiLower(c) : c;
        one = Unique(std::move(one));
        if (runs.size() * one.size() <= kMaxProduct) {
          std::vector<std::string> product;
          for (const std::string& r : runs) {
            for (const std::string& c : one) product.push_back(r + c);
          }
          runs = Unique(std::move(product));
        }
        flush();
        runs = one;
        exact = false;
        continue;
      }
      flush();
      exact = false;
      if (atom.kind == Kind::kGroup) keep(atom.group.required);
    }
    Req r;
    if (exact) r.exact = runs;
    flush();
    r.required = best;
    return r;
  }

  Atom ReadAtom(int depth) {
    Atom a;
    char c = p_[i_];
    switch (c) {
      case '(': {
        ++i_;
        bool lookahead = false;
        if (i_ < p_.size() && p_[i_] == '?') {
          if (i_ + 1 >= p_.size()) {
            bad_ = true;
            return a;
          }
          char k = p_[i_ + 1];
          if (k == '=' || k == '!') lookahead = true;
          else if (k != ':') {
            bad_ = true;
            return a;
          }
          i_ += 2;
        }
        Req inner = Disjunction(depth + 1);
        if (bad_ || i_ >= p_.size() || p_[i_] != ')') {
          bad_ = true;
          return a;
        }
        ++i_;
        if (lookahead) {
          a.kind = Kind::kAssertion;
        } else {
          a.kind = Kind::kGroup;
          a.group = std::move(inner);
        }
        return a;
      }
      case '[': {
        size_t start = i_;
        ReadClass();
        if (bad_) return a;
        a.kind = Kind::kOther;
        // "[:=]": a class of at most 8 plain ASCII characters, no range, escape or negation, is a
        // choice of them; anything else matches too much to require.
        std::string_view inner = p_.substr(start + 1, i_ - start - 2);
        bool plain = !inner.empty() && inner.size() <= 8;
        for (char c : inner) {
          plain = plain && c >= 0x20 && c < 0x7f && c != '-' && c != '^' && c != '\\' && c != '[' && c != ']';
        }
        if (plain) {
          a.kind = Kind::kClass;
          a.chars = std::string(inner);
        }
        return a;
      }
      case '.':
        ++i_;
        a.kind = Kind::kOther;
        return a;
      case '^':
      case '$':
        ++i_;
        a.kind = Kind::kAssertion;
        return a;
      case '\\': {
        if (i_ + 1 >= p_.size()) {
          bad_ = true;
          return a;
        }
        char e = p_[i_ + 1];
        i_ += 2;
        if (e == 'b' || e == 'B') {
          a.kind = Kind::kAssertion;
        } else if (e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S') {
          a.kind = Kind::kOther;
        } else if (std::isalnum(static_cast<unsigned char>(e))) {
          bad_ = true;  // \0 \f \n \r \t \v \cX \xHH \uHHHH, back-references: not read
        } else {
          a.kind = Kind::kLiteral;  // identity escape: "\." "\(" "\\" "\""
          a.ch = e;
        }
        return a;
      }
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
        bad_ = true;  // a quantifier without an atom, or a bracket libstdc++ may read differently
        return a;
      default:
        ++i_;
        a.kind = Kind::kLiteral;
        a.ch = c;
        return a;
    }
  }

  void ReadClass() {
    ++i_;  // '['
    if (i_ < p_.size() && p_[i_] == '^') ++i_;
    if (i_ < p_.size() && p_[i_] == ']') {
      bad_ = true;  // "[]" / "[^]": grammar-dependent
      return;
    }
    while (i_ < p_.size()) {
      char c = p_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '[' && i_ + 1 < p_.size() && (p_[i_ + 1] == ':' || p_[i_ + 1] == '.' || p_[i_ + 1] == '=')) {
        bad_ = true;
        return;
      }
      ++i_;
      if (c == ']') return;
    }
    bad_ = true;  // unterminated
  }

  // Reads a quantifier if one follows; *min and *max are its bounds (1 and 1 without one; max
  // SIZE_MAX when unbounded).
  bool ReadQuantifier(size_t* min, size_t* max) {
    *min = 1;
    *max = 1;
    if (i_ >= p_.size()) return false;
    char c = p_[i_];
    if (c == '*' || c == '?') {
      *min = 0;
      *max = c == '?' ? 1 : SIZE_MAX;
      ++i_;
    } else if (c == '+') {
      *max = SIZE_MAX;
      ++i_;
    } else if (c == '{') {
      size_t j = i_ + 1, n = 0, digits = 0;
      while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j])) && digits < 9) {
        n = n * 10 + static_cast<size_t>(p_[j] - '0');
        ++j;
        ++digits;
      }
      if (digits == 0) {
        bad_ = true;
        return false;
      }
      *max = n;
      if (j < p_.size() && p_[j] == ',') {
        ++j;
        size_t more = 0, m = 0;
        while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j])) && more < 9) {
          m = m * 10 + static_cast<size_t>(p_[j] - '0');
          ++j;
          ++more;
        }
        *max = more == 0 ? SIZE_MAX : m;
      }
      if (j >= p_.size() || p_[j] != '}') {
        bad_ = true;
        return false;
      }
      *min = n;
      i_ = j + 1;
    } else {
      return false;
    }
    if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy
    return true;
  }

  std::string_view p_;
  bool icase_;
  size_t i_ = 0;
  bool bad_ = false;
  // Per top-level alternative: the requirements met at its top level, and its own (the most
  // selective of them, the part of Read()'s union that comes from it).
  std::vector<std::vector<std::vector<std::string>>> top_sets_;
  std::vector<Literals> top_own_;
};

bool ContainsFolded(std::string_view text, std::string_view lit) {
  auto it = std::search(text.begin(), text.end(), lit.begin(), lit.end(),
                        [](char a, char b) { return AsciiToLower(a) == b; });
  return it != text.end() || lit.empty();
}

}  // namespace

std::optional<std::vector<std::string>> RequiredLiterals(std::string_view pattern, bool icase) {
  return Reader(pattern, icase).Read();
}

std::vector<std::vector<std::string>> RequiredLiteralSets(std::string_view pattern, bool icase) {
  return Reader(pattern, icase).ReadSets();
}

LiteralPrefilter::LiteralPrefilter(const std::vector<Pattern>& patterns)
    : always_(patterns.size(), true), all_sets_(patterns.size(), 0), literals_of_(patterns.size()) {
  for (size_t p = 0; p < patterns.size(); ++p) {
    std::vector<std::vector<std::string>> sets = RequiredLiteralSets(patterns[p].regex, patterns[p].icase);
    if (sets.empty()) continue;
    always_[p] = false;
    if (sets.size() > kMaxSets) sets.resize(kMaxSets);  // the first (most selective) ones
    for (size_t set = 0; set < sets.size(); ++set) {
      all_sets_[p] |= static_cast<uint16_t>(1u << set);
      for (std::string& l : sets[set]) {
        literals_of_[p].push_back(static_cast<uint32_t>(literals_.size()));
        literals_.push_back({std::move(l), p, patterns[p].icase, static_cast<uint16_t>(1u << set)});
      }
    }
  }
  // Trie over the folded literals, then breadth-first failure links folded into a full DFA.
  constexpr uint32_t kNone = UINT32_MAX;
  goto_.assign(256, kNone);
  out_.emplace_back();
  for (uint32_t li = 0; li < literals_.size(); ++li) {
    uint32_t s = 0;
    for (char ch : literals_[li].text) {
      size_t b = static_cast<unsigned char>(AsciiToLower(ch));
      if (goto_[s * 256 + b] == kNone) {
        goto_[s * 256 + b] = static_cast<uint32_t>(out_.size());
        out_.emplace_back();
        goto_.resize(goto_.size() + 256, kNone);
      }
      s = goto_[s * 256 + b];
    }
    out_[s].push_back(li);
  }
  std::vector<uint32_t> fail(out_.size(), 0);
  std::deque<uint32_t> queue;
  for (size_t b = 0; b < 256; ++b) {
    uint32_t& t = goto_[b];
    if (t == kNone) {
      t = 0;
    } else {
      fail[t] = 0;
      queue.push_back(t);
    }
  }
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop_front();
    const std::vector<uint32_t>& inherited = out_[fail[s]];
    out_[s].insert(out_[s].end(), inherited.begin(), inherited.end());
    for (size_t b = 0; b < 256; ++b) {
      uint32_t t = goto_[s * 256 + b];
      uint32_t via_fail = goto_[fail[s] * 256 + b];
      if (t == kNone) {
        goto_[s * 256 + b] = via_fail;
      } else {
        fail[t] = via_fail;
        queue.push_back(t);
      }
    }
  }
}

size_t LiteralPrefilter::unfiltered() const { return static_cast<size_t>(std::count(always_.begin(), always_.end(), true)); }

bool LiteralPrefilter::LiteralAt(const Literal& l, std::string_view text, size_t end) const {
  if (l.icase) return true;  // the automaton already matched it folded
  size_t n = l.text.size();
  return end + 1 >= n && text.compare(end + 1 - n, n, l.text) == 0;
}

// One pass of the automaton over `text`: `found` gets, per pattern, the sets one of whose
// literals occurs. `stop(pattern)` is asked whenever a pattern's last set is found (all found);
// true ends the pass early.
template <typename Stop>
void LiteralPrefilter::Scan(std::string_view text, std::vector<uint16_t>& found, Stop stop) const {
  found.assign(always_.size(), 0);
  if (literals_.empty()) return;
  uint32_t s = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    s = goto_[static_cast<size_t>(s) * 256 + static_cast<unsigned char>(AsciiToLower(text[i]))];
    for (uint32_t li : out_[s]) {
      const Literal& l = literals_[li];
      uint16_t& f = found[l.pattern];
      if ((f & l.set) || !LiteralAt(l, text, i)) continue;
      f |= l.set;
      if (f == all_sets_[l.pattern] && stop(l.pattern)) return;
    }
  }
}

void LiteralPrefilter::Candidates(std::string_view text, std::vector<size_t>* out) const {
  out->clear();
  thread_local std::vector<uint16_t> found;
  Scan(text, found, [](size_t) { return false; });
  for (size_t p = 0; p < always_.size(); ++p) {
    if (always_[p] || found[p] == all_sets_[p]) out->push_back(p);
  }
}

bool LiteralPrefilter::Any(std::string_view text) const {
  for (bool a : always_) {
    if (a) return true;
  }
  thread_local std::vector<uint16_t> found;
  bool any = false;
  Scan(text, found, [&](size_t) { return any = true; });
  return any;
}

bool LiteralPrefilter::MayMatch(size_t i, std::string_view text) const {
  if (always_[i]) return true;
  uint16_t found = 0;
  for (uint32_t li : literals_of_[i]) {
    const Literal& l = literals_[li];
    if (l.icase ? ContainsFolded(text, l.text) : text.find(l.text) != std::string_view::npos) found |= l.set;
  }
  return found == all_sets_[i];
}

FilteredRegex::FilteredRegex(const std::string& pattern, bool icase)
    : re_(pattern, icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript),
      filter_({{pattern, icase}}) {}

bool FilteredRegex::MayMatch(std::string_view text) const { return filter_.Any(text); }

bool FilteredRegex::Search(const std::string& text) const { return MayMatch(text) && std::regex_search(text, re_); }

bool FilteredRegex::Search(const std::string& text, std::smatch& m) const {
  return MayMatch(text) && std::regex_search(text, m, re_);
}

bool FilteredRegex::Match(const std::string& text) const { return MayMatch(text) && std::regex_match(text, re_); }

bool FilteredRegex::Match(const std::string& text, std::smatch& m) const {
  return MayMatch(text) && std::regex_match(text, m, re_);
}

std::string FilteredRegex::Replace(const std::string& text, const std::string& format) const {
  return MayMatch(text) ? std::regex_replace(text, re_, format) : text;
}

}  // namespace vigil
