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
// pass). The same group repeated a counted number of times, at most twice or more (`(.*-){12}x`,
// `(\w+\s?){3}`), is named too (RV7): not exponential, but the line's length to the power of the
// count (`(.*-){12}x` 4.2 s on a 79-byte value, `(.*-){2}x` 39 s searching a 2,000-byte line).
// Neither is named when the body is a plain sequence of atoms that all must occur, each matching
// nothing its neighbour (the last's: the first's) can (`(\w+\s+)*`, `(?:\w+\s+){0,3}`): one split per
// round (RV10 for the unbounded repeat, after counting the matcher's steps).
// Character classes and escapes are read as the
// grammar says. Also named: a group of alternatives, each a fixed run of single atoms, repeated
// without bound when the same text splits into its alternatives in two ways (`(\w|\d)+x` ran
// 3.8 s on 24 digits, `(.|\s)*x` 6.0 s on 24 spaces, each doubling per character; `(a|aa)*x`).
// Not found: overlapping alternatives that are themselves quantified or grouped beyond one plain
// run (`(a|(?:b|a))*`), and polynomial costs such as a leading `.*` (WithoutLeadingWildcard
// below takes that one away where a search allows it). The text names the group's offset and
// says how to write it instead.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

std::string RegexBacktrackHazard(std::string_view pattern);

// `pattern` without a leading `.*` (or `.*?`, `^.*`, repeated). For std::regex_search on one line
// (text with no line terminator) the two match the same lines, but the wildcard makes the matcher
// run to the line's end and back from every start position: measured with libstdc++ at -O2,
// `.*xyz` took 0.32 s on a 2,000-byte line of `a`s where `xyz` took under 0.1 ms, and `.*a.*xyz`
// 3.7 s on 500 bytes. A match's text (m[0]) then starts where the rest matched, not at the line's
// start. Returned unchanged when nothing leads, or when the rest would be empty or begin with a
// quantifier, `|` or `)` (then the wildcard is the pattern's whole meaning).
std::string_view WithoutLeadingWildcard(std::string_view pattern);

}  // namespace vigil
