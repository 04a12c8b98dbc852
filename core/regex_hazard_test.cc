#include "core/regex_hazard.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <iterator>
#include <regex>
#include <string>

namespace vigil {
namespace {

TEST_CASE("RegexBacktrackHazard: a repeated group around a repeating part with no separator is named; separated, "
          "bounded and flat patterns are not") {
  // Exponential in libstdc++'s std::regex on a line they do not match (measured with regex_search:
  // `(a+)+x` 2 s on 24 `a`s; `(\s*\w+)*x` 7 s on 26; `([^,]*,?)*x` did not end in a minute).
  for (const char* p : {"(a+)+x", R"((\w+\s?)*$)", "(.*,)*x", "(a{1,3})+", "(a+b?)+", R"(([^,]*,?)*x)",
                        R"((\s*\w+)*x)", "(a*)*", "(.+)+", R"((\w+|\d+)+)", "(?:x+)+y", "((a+))*", "((a+)b?){2,}",
                        R"(NCCL WARN (\w+\s?)+timeout)", "(a+(?:b|a))*x"}) {
    const std::string why = RegexBacktrackHazard(p);
    INFO(p);
    CHECK(why.find("nested repetition at offset ") == 0);
    CHECK(why.find("exponential time") != std::string::npos);
  }
  // Each round ends with a character the inner part cannot match (`\s` after `\w+`, `.` after
  // `\d+`, `,` after `[a-z]+`), a bounded outer repeat, a flat pattern, escaped or classed brackets.
  for (const char* p : {R"((\d{1,3}\.){3}\d+)", R"(\w+(\s\w+)*)", R"((\w+\s)*timeout)", R"((\d+\.)+)", "(?:ab)+",
                        "(a|b)*x", "[(]+(a*)", "((a+)b)+", "(x?)+", R"(\(a+\)+)", "([a-z]+,)*x", "([^,]+,)*x",
                        R"(([a-z0-9-]+\.)+com)", R"(Xid \(PCI:[0-9a-f:.]+\): 79)", R"(rank\s*\d+.*(median|mean))",
                        "[a-z]{2,}", R"((\w+(?:,|;))*x)", R"((\w+(?:\.\s))+)", "", "(", "a)+", R"(\)+)"}) {
    INFO(p);
    CHECK(RegexBacktrackHazard(p).empty());
  }
  CHECK(RegexBacktrackHazard("Xid (.*,)*x").find("offset 4: the group `(.*,)*`") != std::string::npos);
}

TEST_CASE("RegexBacktrackHazard: repeated alternatives that split the same text two ways are named; exclusive "
          "ones, bounded repeats and empty alternatives are not") {
  // Measured with regex_search on a line they do not match (libstdc++, -O2): `(\w|\d)+x` 3.8 s on 24
  // digits, `(.|\s)*x` 6.0 s on 24 spaces, each doubling per character.
  for (const char* p : {"(a|a)*x", R"((\w|\d)+x)", R"((.|\s)*x)", "(a|aa)*x", "(x|y|xy)*z", "(?:[a-f]|[0-9]|e)+;",
                        R"(NCCL (?:\w|_)+ timeout)", "(a|A){2,}x", "(ab|a(?:b))*x", R"((\s|\t)*$)"}) {
    INFO(p);
    const std::string why = RegexBacktrackHazard(p);
    CHECK(why.find("overlapping alternatives at offset ") == 0);
    CHECK(why.find("exponential time") != std::string::npos);
  }
  for (const char* p : {"(a|b)*x", R"((\s|\S)*x)", R"((.|\n)*x)", "(foo|foobar)*x", "(ab|ac)*x", "(ab|a)*x", "(a|)*x",
                        "(a|a){1,3}x", "(?:,|;)", "x(a|a)y", R"((?=a|a)+)", R"((\d|-)+)", "([0-9]|[a-f])+"}) {
    INFO(p);
    CHECK(RegexBacktrackHazard(p).empty());
  }
  CHECK(RegexBacktrackHazard(R"(Xid \d+ (\w|\d)+)").find("offset 8: the group `(\\w|\\d)+`") !=
        std::string::npos);
}

TEST_CASE("RegexBacktrackHazard: a counted repeat (twice or more) around an unseparated repeating part is named (RV7)") {
  // RV5: `(.*-){12}x` passed (only an unbounded outer repeat was read) and took 4.2 s CPU on one
  // 79-byte label value: the rounds split the text at any of its k separators, C(k, n) ways, so the
  // time grows as the line's length to the power of the count. Measured (libstdc++, -O2, a line of
  // "ab-" repeated): regex_match `(.*-){4}x` 2.2 s on 400 bytes; regex_search `(.*-){2}x` 0.70 s on
  // 500 bytes and 39 s on 2,000 (a log line), `(.*-){3}x` 20 s on 500.
  for (const char* p : {"(.*-){12}x", "(.*-){2}x", R"((\w+\s?){3}$)", "(a+){2,5}x", "((a+)b?){4}", "(?:.*,){2,3}x", R"((\w+\s*){3})", "(a+b+a+){3}x"}) {
    INFO(p);
    const std::string why = RegexBacktrackHazard(p);
    CHECK(why.find("counted repetition at offset ") == 0);
    CHECK(why.find("grows as the line's length to the power of the count") != std::string::npos);
  }
  CHECK(RegexBacktrackHazard("(.*-){12}x") ==
        "counted repetition at offset 0: the group `(.*-){12}` repeats up to 12 times around a part that repeats "
        "itself, with no separator between rounds, so a backtracking matcher (std::regex) tries every way to split "
        "a line it does not match among the rounds: its time grows as the line's length to the power of the count "
        "(`(.*-){12}x` 4.2 s on a 79-byte value); end each round with a character the inner part cannot match "
        "(`([^-]*-){12}`, `(\\w+\\s){3}`) or repeat the inner part only");
  // Separated rounds, at most one round, an inner part that does not repeat: not named.
  for (const char* p : {"([^-]*-){12}x", R"((\d{1,3}\.){3}\d+)", "(.*-){1}x", "(.*-)?x", "(a+){0,1}", "(ab){12}",
                        R"((\w+\s){3}$)", "(a|b){4}",
                        // Each atom must occur and none matches its neighbour's bytes: one split only
                        // (the bundled knowledge pack's signatures have these).
                        R"(( +[^\s:]+){0,2})", R"((?:\W+\w+){0,4})", R"((?:[a-z_]+\s+){0,3})", R"((?:\w+\s+){0,3})"}) {
    INFO(p);
    CHECK(RegexBacktrackHazard(p).empty());
  }
}

// A step counter for std::regex: an iterator over a string that counts every character the
// matcher reads (each dereference). Steps, not seconds: the same on any machine and any load.
struct CountingIterator {
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* at = nullptr;
  size_t* reads = nullptr;
  reference operator*() const {
    ++*reads;
    return *at;
  }
  CountingIterator& operator++() {
    ++at;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++at;
    return old;
  }
  CountingIterator& operator--() {
    --at;
    return *this;
  }
  CountingIterator operator--(int) {
    CountingIterator old = *this;
    --at;
    return old;
  }
  bool operator==(const CountingIterator& o) const { return at == o.at; }
  bool operator!=(const CountingIterator& o) const { return at != o.at; }
};

// The characters std::regex_search reads to fail `pattern` on `line` (it matches nowhere).
size_t SearchSteps(const std::string& pattern, const std::string& line) {
  const std::regex re(pattern);
  size_t reads = 0;
  std::match_results<CountingIterator> m;
  const bool found = std::regex_search(CountingIterator{line.data(), &reads},
                                       CountingIterator{line.data() + line.size(), &reads}, m, re);
  CHECK_FALSE(found);
  return reads;
}

std::string Words(const std::string& word, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += word;
  return out;
}

TEST_CASE("rv10 RegexBacktrackHazard: `(\\w+\\s+)*` splits a line one way per round: not named, its steps linear per start") {
  // RV7 left `(\w+\s+)*` named as exponential. Counted (libstdc++): a line it does not match costs
  // 488 / 1,872 / 7,328 characters read for 8 / 16 / 32 words: each start reads its rounds once, so
  // quadratic over the search's starts, as any `\w+` is; `(\w+\s?)*x`, named, reads 1,004 / 262,108
  // for 8 / 16 `a`s: doubling with each character more.
  const size_t s8 = SearchSteps(R"((\w+\s+)*x)", Words("ab ", 8));
  const size_t s16 = SearchSteps(R"((\w+\s+)*x)", Words("ab ", 16));
  const size_t s32 = SearchSteps(R"((\w+\s+)*x)", Words("ab ", 32));
  INFO(s8 << " " << s16 << " " << s32);
  CHECK(s16 <= 5 * s8);
  CHECK(s32 <= 5 * s16);
  const size_t e8 = SearchSteps(R"((\w+\s?)*x)", Words("a", 8));
  const size_t e16 = SearchSteps(R"((\w+\s?)*x)", Words("a", 16));
  INFO(e8 << " " << e16);
  CHECK(e16 >= 100 * e8);  // 8 characters more: about 2^8 times the steps
  CHECK(RegexBacktrackHazard(R"((\w+\s?)*x)").find("nested repetition") == 0);
  // Was named "nested repetition ... exponential time": refused in a rule's `=~`, a signature, a filter.
  for (const char* p : {R"((\w+\s+)*x)", R"((?:\w+\s+)+)", R"(( +[^\s:]+)*)", R"(NCCL WARN (\w+\s+)*timeout)"}) {
    INFO(p);
    CHECK(RegexBacktrackHazard(p).empty());
  }
  // Still named: an atom that may be absent, neighbours sharing bytes, the last sharing with the first.
  for (const char* p : {R"((\s*\w+)*x)", R"((\w+\d+)*x)", R"((a+b+a+)*x)"}) {
    INFO(p);
    CHECK(RegexBacktrackHazard(p).find("nested repetition") == 0);
  }
}

TEST_CASE("WithoutLeadingWildcard: a leading .* is taken away where the rest keeps the search's answer") {
  CHECK(WithoutLeadingWildcard(".*NCCL WARN") == "NCCL WARN");
  CHECK(WithoutLeadingWildcard("^.*Xid 79") == "Xid 79");
  CHECK(WithoutLeadingWildcard(".*?.*timeout.*rank") == "timeout.*rank");
  CHECK(WithoutLeadingWildcard(R"(.*\bdown\b)") == R"(\bdown\b)");
  for (const char* p : {"NCCL.*timeout", "^Xid", ".*", "^.*", ".*|x", "(.*x)", ".+x", ".*+", "", "\\.*x", "^x.*"}) {
    INFO(p);
    CHECK(WithoutLeadingWildcard(p) == p);
  }
  // The same lines match, on lines with and without the rest, in both orders.
  for (const char* p : {".*xid 79", "^.*ib.*down", ".*?(nan|inf)"}) {
    const std::regex full(p, std::regex::ECMAScript | std::regex::icase);
    const std::regex cut(std::string(WithoutLeadingWildcard(p)), std::regex::ECMAScript | std::regex::icase);
    for (const char* line : {"NVRM: Xid 79, GPU has fallen", "xid 7", "mlx5_0 IB port 1 down", "down ib", "loss nan",
                             "", "inf"}) {
      INFO(p << " on " << line);
      CHECK(std::regex_search(line, full) == std::regex_search(line, cut));
    }
  }
}

}  // namespace
}  // namespace vigil
