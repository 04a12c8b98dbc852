#include "core/regex_hazard.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace vigil
