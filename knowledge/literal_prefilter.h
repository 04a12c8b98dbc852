// Literal prefilter for std::regex searches: which of a set of regexes can possibly match a text,
// decided by one pass over the text, so that std::regex (slow: libstdc++'s matcher looks up the
// ctype facet per character under icase and the "w" class name per \b) runs only where a match
// is possible.
//
// RequiredLiterals(pattern) reads an ECMAScript pattern (the std::regex default grammar) and
// returns strings of which every match must contain at least one: for each top-level alternative
// the most selective literal run that the alternative cannot match without (a run of plain or
// escaped characters not under another quantifier, continued through plain choices of strings and
// optional characters as several runs: "loss: (nan|inf)" gives "loss: nan" and "loss: inf",
// "errors?:" gives "error:" and "errors:", a bracket class of at most 8 plain characters is a
// choice of them, "loss[:=]" gives "loss:" and "loss=" (at most 32 strings); a group's own required
// literals count when the group is mandatory). It is conservative: any construct it does not fully understand (a
// back-reference, \x / \u / \c escapes, POSIX bracket names, an alternative without a mandatory
// literal, ...) gives "no literal", and the regex then always runs. So
//   regex_search(text, re) == true  implies  some returned literal occurs in text
// (case-insensitively for icase patterns, where literals come back ASCII-lowercased: std::regex's
// icase folds with the C locale's tolower, which is ASCII-only), and skipping the regex when none
// occurs changes no answer. Tests check this on every knowledge-pack signature.
//
// LiteralPrefilter compiles the literals of many patterns into one Aho-Corasick automaton (ASCII
// case folded; a case-sensitive pattern's literal is re-checked exactly where it was found): every
// set of RequiredLiteralSets (the first kMaxSets), each literal marked with its pattern and set.
// Candidates(text) lists, ascending, the patterns that may match: those without literals always,
// the others when each of their sets has a literal in the text, found in one pass (KB7,
// 2026-12-04; before, only the first set was looked for, so "loss" let `\bloss( is|[:=])\s*(nan|inf)`
// run on every step line of a training log).
//
// Thread safety: immutable after construction; Candidates may run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Literals one of which every match of `pattern` contains (lowercased when `icase`); nullopt when
// no such set is known (the regex must always run). Never empty when set.
std::optional<std::vector<std::string>> RequiredLiterals(std::string_view pattern, bool icase);

// Every requirement known of `pattern`, each a set one of whose strings every match contains (so
// all sets hold at once): RequiredLiterals's set first, then each other mandatory literal run or
// group met at the top level (`\brank\s*\d+.*(median|mean)` gives {"rank"} and {"mean", "median"}).
// With top-level `|`, such a requirement of one alternative is joined by the other alternatives'
// RequiredLiterals parts (`data ?loader.*(stall|timed out)|waiting for batch` gives {"data loader",
// "dataloader", "waiting for batch"} and {"stall", "timed out", "waiting for batch"}; KB7,
// 2026-12-04). Empty when RequiredLiterals is nullopt.
std::vector<std::vector<std::string>> RequiredLiteralSets(std::string_view pattern, bool icase);

class LiteralPrefilter {
 public:
  struct Pattern {
    std::string regex;  // ECMAScript
    bool icase = true;
  };
  explicit LiteralPrefilter(const std::vector<Pattern>& patterns);

  // Indices (ascending) of the patterns that may match somewhere in `text`; `out` is overwritten.
  void Candidates(std::string_view text, std::vector<size_t>* out) const;
  // Whether some pattern may match in `text` (== !Candidates(text).empty(); stops at the first).
  bool Any(std::string_view text) const;
  // Whether pattern `i` may match in `text`: the same answer as Candidates, found by searching
  // each of its literals directly (slower; the reference the automaton is tested against).
  bool MayMatch(size_t i, std::string_view text) const;

  size_t size() const { return always_.size(); }
  // Requirement sets of one pattern looked for (RequiredLiteralSets' first ones).
  static constexpr size_t kMaxSets = 16;
  // Patterns without literals (always candidates).
  size_t unfiltered() const;

 private:
  struct Literal {
    std::string text;      // as written (exact check for case-sensitive patterns)
    size_t pattern = 0;
    bool icase = true;
    uint16_t set = 1;      // the bit of its requirement set
  };
  bool LiteralAt(const Literal& l, std::string_view text, size_t end) const;
  template <typename Stop>
  void Scan(std::string_view text, std::vector<uint16_t>& found, Stop stop) const;

  std::vector<bool> always_;               // per pattern: no literal known
  std::vector<uint16_t> all_sets_;         // per pattern: the bits of all its sets
  std::vector<std::vector<uint32_t>> literals_of_;  // per pattern: indices into literals_
  std::vector<Literal> literals_;
  // Aho-Corasick DFA over ASCII-lowercased bytes: goto_[state * 256 + byte].
  std::vector<uint32_t> goto_;
  std::vector<std::vector<uint32_t>> out_;  // per state: literals ending here (incl. suffixes)
};

// A std::regex that runs only when its required literals occur in the text (every set of
// RequiredLiteralSets, as LiteralPrefilter looks for them, so a regex whose most selective literal
// is common, "rank" in a log of `[rankN]:` lines, still runs only where its other required words
// occur too): Search, Match and
// Replace answer exactly as std::regex_search / std::regex_match / std::regex_replace with the
// same pattern and flags (ECMAScript, optionally icase), and skip the regex on text that cannot
// match. On a skipped search the match_results are left as they were (callers read them only
// after a hit).
// Throws std::regex_error for an invalid pattern, like std::regex. Thread-safe (immutable).
class FilteredRegex {
 public:
  FilteredRegex(const std::string& pattern, bool icase);

  bool Search(const std::string& text) const;
  bool Search(const std::string& text, std::smatch& m) const;
  bool Match(const std::string& text) const;  // std::regex_match: the whole text
  bool Match(const std::string& text, std::smatch& m) const;
  std::string Replace(const std::string& text, const std::string& format) const;
  bool MayMatch(std::string_view text) const;
  const std::regex& regex() const { return re_; }
  bool filtered() const { return filter_.unfiltered() == 0; }

 private:
  std::regex re_;
  LiteralPrefilter filter_;
};

}  // namespace vigil
