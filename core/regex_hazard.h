// Regexes from outside (an LLM's read_logs filter, a knowledge import's log signatures, a mined
// incident, a rule's `=~` matcher) run in std::regex, whose libstdc++ matcher backtracks: a group
// that repeats without bound around something that itself repeats, `(a+)+x`, `(\w+\s?)*$`,
// `(.*,)*x`, tries exponentially many ways to split a line before it fails (`(a+)+x` on 24 `a`s: 2 s,
// doubling with each `a` more). One such pattern in a knowledge base stalls every diagnosis that reads a
// matching line.
//
// RegexBacktrackHazard(pattern) reads an ECMAScript pattern and returns why it may take
// exponential time, or "" when it sees no such construct: a group (capturing, `(?:`, or a
// lookahead) quantified by `*`, `+` or `{n,}` whose body holds a quantifier that repeats (`*`,
// `+`, `?` is not one, `{n,m}` with m > 1) and no separator ending each round (an atom or a group
// that must occur once and that none of the repeating atoms can match: `(\w+\s)*`, `(\w+(?:,|;))*`
// pass). Character classes and escapes are read as the
// grammar says. Not found: alternatives that overlap under a repeat (`(a|a)*x`), and quadratic
// costs such as a leading `.*` (polynomial, not exponential). The text names the group's offset
// and says how to write it instead.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

std::string RegexBacktrackHazard(std::string_view pattern);

}  // namespace vigil
