#include "knowledge/literal_prefilter.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "core/json.h"

namespace vigil {
namespace {

using Lits = std::optional<std::vector<std::string>>;

Lits L(std::vector<std::string> v) { return v; }

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Every (pattern, line) pair: a regex match implies the prefilter lets the pattern through, and
// Candidates agrees with MayMatch. Returns how many pairs matched.
size_t CheckSound(const std::vector<LiteralPrefilter::Pattern>& patterns, const std::vector<std::string>& lines) {
  LiteralPrefilter f(patterns);
  std::vector<std::regex> res;
  for (const auto& p : patterns) {
    res.emplace_back(p.regex, p.icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
  }
  size_t matched = 0, disagree = 0, missed = 0;
  std::string first_failure;
  std::vector<size_t> cand;
  for (const std::string& line : lines) {
    f.Candidates(line, &cand);
    for (size_t i = 0; i < patterns.size(); ++i) {
      bool may = f.MayMatch(i, line);
      if (may != std::binary_search(cand.begin(), cand.end(), i)) {
        ++disagree;
        if (first_failure.empty()) first_failure = "Candidates vs MayMatch: " + patterns[i].regex + " on " + line;
      }
      if (may) {
        matched += std::regex_search(line, res[i]);  // counted only; the filter's claim is "maybe"
      } else if (std::regex_search(line, res[i])) {
        ++missed;
        if (first_failure.empty()) first_failure = "filtered out a match: " + patterns[i].regex + " on " + line;
      }
    }
  }
  INFO(first_failure);
  CHECK(disagree == 0);
  CHECK(missed == 0);
  return matched;
}

// The knowledge pack's log signatures (icase; without a leading `.*` when `strip_wildcard`, as
// MatchLogLines runs them: the same lines match, in far less time) and its raw_text lines.
void ReadPack(bool strip_wildcard, std::vector<LiteralPrefilter::Pattern>* patterns, std::vector<std::string>* lines) {
  for (const auto& file : std::filesystem::directory_iterator("data/knowledge/pack")) {
    if (file.path().extension() != ".jsonl") continue;
    std::ifstream in(file.path());
    for (std::string row; std::getline(in, row);) {
      if (row.empty()) continue;
      auto j = ParseJson(row, file.path().string());
      REQUIRE(j.ok());
      for (const auto& sig : j->value("log_signatures", Json::array())) {
        std::string p = sig.get<std::string>();
        patterns->push_back({strip_wildcard && p.starts_with(".*") ? p.substr(2) : p, true});
      }
      for (const std::string& l : SplitLines(j->value("raw_text", std::string()))) lines->push_back(l);
    }
  }
}

}  // namespace

TEST_CASE("required literals of a pattern") {
  CHECK(RequiredLiterals("GPU has fallen off the bus", true) == L({"gpu has fallen off the bus"}));
  CHECK(RequiredLiterals("GPU has fallen", false) == L({"GPU has fallen"}));
  // The Xid family: "xid" is the one literal every alternative path needs; "79" is shorter.
  CHECK(RequiredLiterals(R"(\bXid\b\"?( \(PCI:[0-9a-f:.]+\))?[ :=#\"]*(errors?|code|event)?[ :=#\"]*79\b)", true) ==
        L({"xid"}));
  CHECK(RequiredLiterals(R"(^\s*Pending\s*: Yes\s*$)", true) == L({"pending"}));
  // An optional character or plain choice is a choice with ""; other optional parts end a run; a
  // repeated character is required once.
  CHECK(RequiredLiterals("colou?r", true) == L({"color", "colour"}));
  CHECK(RequiredLiterals("(foo)?barbaz", true) == L({"barbaz", "foobarbaz"}));
  CHECK(RequiredLiterals(R"(timed? ?out)", true) == L({"time out", "timed out", "timedout", "timeout"}));
  CHECK(RequiredLiterals("(f.o)?barbaz", true) == L({"barbaz"}));
  CHECK(RequiredLiterals("ab{0}cde", true) == L({"cde"}));
  CHECK(RequiredLiterals("abc+d", true) == L({"abc"}));
  // A plain choice of strings continues the run on both sides ("lm loss: nan" or "lm loss: inf").
  CHECK(RequiredLiterals("x(abcd|efgh)y", true) == L({"xabcdy", "xefghy"}));
  CHECK(RequiredLiterals(R"(lm loss: (nan|inf)\b)", true) == L({"lm loss: inf", "lm loss: nan"}));
  CHECK(RequiredLiterals("ab(c|)d", true) == L({"abcd", "abd"}));
  CHECK(RequiredLiterals("ab(cd|e.)fgh", true) == L({"fgh"}));       // "e." is not a plain string
  CHECK(RequiredLiterals("abc(de|fg)+hi", true) == L({"abc"}));      // repeated: the run ends
  // 64 strings would pass the cap of 32: the run ends after the fifth choice (32 strings).
  Lits capped = RequiredLiterals("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)", true);
  REQUIRE(capped);
  CHECK(capped->size() == 32);
  CHECK(capped->front() == "acegi");
  CHECK(RequiredLiterals("a{0,3}bcd", true) == L({"bcd"}));
  CHECK(RequiredLiterals(R"(Errno 28\] No space)", true) == L({"errno 28] no space"}));
  // A class of a few plain characters is a choice of them (KB7; before, it ended the run, and
  // "loss" alone let the regex run on every `| loss 2.77 |` step line).
  CHECK(RequiredLiterals("loss[:=]", true) == L({"loss:", "loss="}));
  CHECK(RequiredLiterals("dropped[ _]tokens", true) == L({"dropped tokens", "dropped_tokens"}));
  CHECK(RequiredLiterals("[Kk]ill", false) == L({"Kill", "kill"}));
  CHECK(RequiredLiterals("[Kk]ill", true) == L({"kill"}));
  CHECK(RequiredLiterals("x[ab]?y", true) == L({"xay", "xby", "xy"}));
  CHECK(RequiredLiterals("xy[ab]+z", true) == L({"xya", "xyb"}));
  CHECK(RequiredLiteralSets(R"(\bloss( is|[:=])\s*(nan|inf)\b)", true) ==
        std::vector<std::vector<std::string>>{{"loss is", "loss:", "loss="}, {"inf", "nan"}});
  // Classes that are not a few plain characters end the run: ranges, negation, escapes, > 8.
  CHECK(RequiredLiterals("abcd[a-f]ef", true) == L({"abcd"}));
  CHECK(RequiredLiterals("abcd[^:]ef", true) == L({"abcd"}));
  CHECK(RequiredLiterals("abcd[\\]]ef", true) == L({"abcd"}));
  CHECK(RequiredLiterals("abcd[abcdefghi]ef", true) == L({"abcd"}));
  CHECK(RequiredLiterals("OutOfMemory|CUDA error: out of memory", true) ==
        L({"cuda error: out of memory", "outofmemory"}));
  // An alternative without a required literal, or a construct not read: no filter.
  CHECK_FALSE(RequiredLiterals("abc|d?", true));
  CHECK_FALSE(RequiredLiterals(R"(\d+)", true));
  CHECK_FALSE(RequiredLiterals(R"(abc\x41)", true));
  CHECK_FALSE(RequiredLiterals(R"((a)\1)", true));
  CHECK_FALSE(RequiredLiterals("[[:alpha:]]+abc", true));
  CHECK_FALSE(RequiredLiterals("abc(", true));
  CHECK_FALSE(RequiredLiterals("", true));
}

TEST_CASE("required literal sets: every requirement at the top level, and FilteredRegex checks them all") {
  using Sets = std::vector<std::vector<std::string>>;
  // The reasoner's rank-versus-peers comparison: "rank" is the most selective literal (the
  // automaton's), the peer words a second requirement.
  CHECK(RequiredLiteralSets(R"(\brank\s*(\d+)\b[^0-9]{0,40}?(\d+)\b(?:others?|median|vs\.?)\b)", true) ==
        Sets{{"rank"}, {"median", "other", "others", "vs", "vs."}});
  CHECK(RequiredLiteralSets("abc.*def(gh|ij)", true) == Sets{{"defgh", "defij"}, {"abc"}});  // the most selective first
  CHECK(RequiredLiteralSets("Abc.*DEF", false) == Sets{{"Abc"}, {"DEF"}});
  // An optional part that is not a plain string ends a run; a top-level `|` leaves the one set
  // RequiredLiterals gives.
  CHECK(RequiredLiteralSets("abcd(x.z)?ef", true) == Sets{{"abcd"}, {"ef"}});
  // A top-level `|`: a requirement of one alternative, joined by the others' own (KB7; before,
  // only the first set was given).
  CHECK(RequiredLiteralSets("abc.*def|ghi", true) == Sets{{"abc", "ghi"}, {"def", "ghi"}});
  CHECK(RequiredLiteralSets(R"(\bdata ?loader\b.*\b(stall(ed)?|starv\w+|timed out)\b|timeout waiting for batch)", true) ==
        Sets{{"data loader", "dataloader", "timeout waiting for batch"},
             {"stall", "stalled", "starv", "timed out", "timeout waiting for batch"}});
  CHECK(RequiredLiteralSets("ab.*cd|ef.*gh|ij", true) == Sets{{"ab", "ef", "ij"}, {"cd", "ef", "ij"}, {"ab", "gh", "ij"}});
  CHECK(RequiredLiteralSets(R"(\d+)", true).empty());
  CHECK(RequiredLiteralSets("abc(", true).empty());
  // A lookahead's literals hold too (at that position); a negative one requires nothing.
  CHECK(RequiredLiteralSets("(?!xyz)abc", true) == Sets{{"abc"}});

  // FilteredRegex runs the regex only where every set occurs: a line of a gathered log carries
  // "rank" in its `[rank5]:` prefix, so "rank" alone would let the regex run on every line.
  FilteredRegex versus(R"(\brank\s*(\d+)\b[^0-9]{0,40}?(\d+)\s*ms\b[^0-9]{0,30}?\b(?:others?|median)\b[^0-9]{0,20}?(\d+))",
                       true);
  const std::string prefixed = "[rank5]: iteration 100/ 500 | elapsed time per iteration (ms): 4051.2 | lm loss: 2.3E+00";
  CHECK_FALSE(versus.MayMatch(prefixed));  // before: true ("rank" occurs)
  CHECK_FALSE(versus.Search(prefixed));
  const std::string slow = "[rank5]: rank 10 optimizer_step 1991 ms, others 655-702 ms";
  std::smatch m;
  CHECK(versus.MayMatch(slow));
  REQUIRE(versus.Search(slow, m));
  CHECK(m.str(1) == "10");
  CHECK(versus.Search("RANK 3: 840 MS vs MEDIAN 410"));  // icase: the sets are folded
  FilteredRegex exact("Abc.*DEF", false);
  CHECK_FALSE(exact.Search("Abc then def"));
  CHECK(exact.Search("Abc then DEF"));
}

TEST_CASE("literal prefilter: candidates, case folding and case-sensitive patterns") {
  LiteralPrefilter f({{"fallen off the bus", true}, {"NCCL WARN", false}, {R"(\d+)", true}, {"bus|xid", true}});
  CHECK(f.size() == 4);
  CHECK(f.unfiltered() == 1);
  std::vector<size_t> c;
  f.Candidates("GPU has FALLEN OFF THE BUS", &c);
  CHECK(c == std::vector<size_t>{0, 2, 3});
  f.Candidates("nccl warn: lower case does not match a case-sensitive pattern", &c);
  CHECK(c == std::vector<size_t>{2});
  f.Candidates("x NCCL WARN y", &c);
  CHECK(c == std::vector<size_t>{1, 2});
  f.Candidates("", &c);
  CHECK(c == std::vector<size_t>{2});
  // Overlapping literals found through failure links: "xxid" holds "xid".
  f.Candidates("xxid", &c);
  CHECK(c == std::vector<size_t>{2, 3});
}

TEST_CASE("literal prefilter is sound on random patterns and texts") {
  // Patterns from a small grammar over a two-letter alphabet (both cases), so that matches are
  // frequent and every construct meets every other.
  std::mt19937 rng(7);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> atoms = {"a", "b", "A", "B", "a", "b", ".", "[ab]", "\\b", "^", "$", "\\.", " "};
  const std::vector<std::string> quants = {"", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "+?"};
  std::function<std::string(int)> gen = [&](int depth) {
    std::string s;
    size_t n = 1 + pick(4);
    for (size_t i = 0; i < n; ++i) {
      std::string atom;
      if (depth < 2 && pick(5) == 0) {
        atom.append("(").append(gen(depth + 1));
        if (pick(2)) atom.append("|").append(gen(depth + 1));
        atom.append(")");
      } else {
        atom = atoms[pick(atoms.size())];
      }
      s += atom;
      if (atom != "\\b" && atom != "^" && atom != "$") s += quants[pick(quants.size())];
    }
    return s;
  };
  std::vector<LiteralPrefilter::Pattern> patterns;
  size_t filtered = 0;
  while (patterns.size() < 400) {
    std::string p = gen(0);
    bool icase = pick(2) == 0;
    try {
      std::regex re(p, icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      continue;
    }
    filtered += RequiredLiterals(p, icase).has_value();
    patterns.push_back({p, icase});
  }
  const std::string alphabet = "abAB .x";
  std::vector<std::string> texts;
  for (int t = 0; t < 300; ++t) {
    std::string s;
    size_t n = pick(14);
    for (size_t i = 0; i < n; ++i) s += alphabet[pick(alphabet.size())];
    texts.push_back(s);
  }
  size_t matched = CheckSound(patterns, texts);
  INFO("patterns with literals " << filtered << ", matching pairs " << matched);
  CHECK(filtered > 150);   // the test exercises the filter, not only its fallback
  CHECK(matched > 5000);   // and pairs that match, not only misses
}

TEST_CASE("FilteredRegex answers as std::regex on random patterns with every construct the reader sees") {
  // Differential test: lookaheads, non-capturing groups, empty alternatives, classes and negated
  // classes, \\d \\s \\w \\b \\B, identity escapes, constructs the reader refuses (back-references,
  // \\x \\u \\0 \\n, POSIX classes), lazy and {0}/{0,1}/{1} quantifiers, UTF-8 and invalid bytes, both
  // case modes. Search, Match and Replace must equal std::regex's on every (pattern, text) pair.
  std::mt19937 rng(11);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> atoms = {
      "a", "b", "A", "B", "a", "b", "ab", "Ba", ".", "[ab]", "[^a]", "[A-B]", "[\\]a]", "\\b", "\\B", "^", "$",
      "\\.", " ", "\\d", "\\s", "\\w", "\\W", "1", "-", "\\-", "\\\\", "\\/", "\xc3\xa9", "\xff", "(?=a)",
      "(?!b)", "(|a)", "(a|)", "\\1", "\\x41", "\\u0061", "\\n", "[[:alpha:]]", "\\$", "\\(", "\\{"};
  const std::vector<std::string> quants = {"", "", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}",
                                           "+?", "??", "{0}", "{1}", "{0,1}", "*?"};
  const std::vector<std::string> opens = {"(", "(", "(?:", "(?=", "(?!"};
  std::function<std::string(int)> gen = [&](int depth) {
    std::string s;
    size_t n = 1 + pick(4);
    for (size_t i = 0; i < n; ++i) {
      // Groups and empty alternatives take only optional quantifiers: a loop over a group that
      // can match empty makes libstdc++'s backtracking exponential even on these short texts.
      if (depth < 2 && pick(4) == 0) {
        s.append(opens[pick(opens.size())]).append(gen(depth + 1));
        while (pick(2)) s.append("|").append(gen(depth + 1));
        s.append(")").append(pick(3) == 0 ? "?" : "");
        continue;
      }
      const std::string& atom = atoms[pick(atoms.size())];
      s += atom;
      if (atom[0] != '(') s += quants[pick(quants.size())];
    }
    if (depth == 0 && pick(5) == 0) s.append("|").append(gen(1));
    return s;
  };
  const std::string alphabet = "abababABAB .1-\\\n\xc3\xa9\xff";
  size_t patterns = 0, filtered = 0, filtered_hits = 0, failures = 0;
  std::string first_failure;
  while (patterns < 400) {
    std::string p = gen(0);
    bool icase = pick(2) == 0;
    std::regex re;
    try {
      re = std::regex(p, icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      continue;  // FilteredRegex throws the same way (checked below for this pattern class)
    }
    ++patterns;
    FilteredRegex f(p, icase);
    filtered += f.filtered();
    for (int t = 0; t < 50; ++t) {
      std::string s;
      for (size_t i = 0, n = pick(14); i < n; ++i) s += alphabet[pick(alphabet.size())];
      bool hit = std::regex_search(s, re);
      filtered_hits += hit && f.filtered();
      std::smatch m;
      bool same = f.Search(s) == hit && f.Search(s, m) == hit && (!hit || m.str(0) == [&] {
        std::smatch r;
        std::regex_search(s, r, re);
        return r.str(0);
      }()) && f.Match(s) == std::regex_match(s, re) && f.Replace(s, "<$&>") == std::regex_replace(s, re, "<$&>");
      if (!same && failures++ == 0) first_failure = "pattern /" + p + "/ icase " + std::to_string(icase) + " text '" + s + "'";
    }
  }
  INFO(first_failure);
  CHECK(failures == 0);
  INFO("filtered patterns " << filtered << ", pairs where a filtered pattern matched " << filtered_hits);
  CHECK(filtered > 100);         // the filter is exercised, not only its fallback
  CHECK(filtered_hits > 1000);   // on texts that match
  CHECK_THROWS_AS(FilteredRegex("ab(", true), std::regex_error);
}

TEST_CASE("literal prefilter is sound on the knowledge pack's signatures and real log lines") {
  std::vector<LiteralPrefilter::Pattern> patterns;
  std::vector<std::string> lines;
  ReadPack(/*strip_wildcard=*/false, &patterns, &lines);
  REQUIRE(patterns.size() > 150);
  // Every tenth dev case's log lines: noise, training lines, and the faults the pack names.
  std::vector<std::filesystem::path> cases;
  for (const auto& f : std::filesystem::directory_iterator("evals/diagnosis/dev")) {
    if (f.path().extension() == ".json") cases.push_back(f.path());
  }
  std::sort(cases.begin(), cases.end());
  for (size_t i = 0; i < cases.size(); i += 10) {
    std::ifstream in(cases[i]);
    std::stringstream text;
    text << in.rdbuf();
    auto j = ParseJson(text.str(), cases[i].string());
    REQUIRE(j.ok());
    for (const auto& log : j->value("logs", Json::array())) {
      for (const auto& l : log.value("lines", Json::array())) lines.push_back(l.get<std::string>());
    }
  }
  LiteralPrefilter f(patterns);
  INFO("patterns " << patterns.size() << ", without literals " << f.unfiltered() << ", lines " << lines.size());
  CHECK(f.unfiltered() * 20 < patterns.size());  // nearly every signature is filtered
  CHECK(CheckSound(patterns, lines) > 100);
}

TEST_CASE("literal prefilter never drops a line a pack signature matches: generated lines, case-insensitive") {
  // Property: for every pack signature (icase, as MatchLogLines compiles them) and every line made
  // by mutating real ones (letter case flipped, digits changed, separators inserted, spans cut,
  // two lines spliced, a signature's own literal run inserted), a regex match implies the pattern
  // is a candidate. Lines that match are frequent: each signature's own literals are spliced in.
  std::vector<LiteralPrefilter::Pattern> patterns;
  std::vector<std::string> seeds = {
      "[2026-12-04 10:37:27,472] [INFO] [rank44] step 63447 | loss 2.7708 | lr 3.0e-04 | grad_norm 1.475",
      "[2026-12-04 10:37:27,472] [INFO] [rank44] step 63447 | loss: nan | lr 3.0e-04 | grad_norm: inf",
      "iteration 100 | lm loss: 2.3E+00 | loss is nan | loss=inf",
      "[WARNING] [rank53] dataloader worker 5 took 0.39s to produce batch",
      "DataLoader stalled for 120 s; timeout waiting for the next batch",
      "gpu-node-03:1036:2036 [4] NCCL WARN NET/IB : Got completion from peer 10.0.36.4<40036> with status=12 "
      "opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.0.0.1 hca mlx5_0",
      "gpu-node-04:1043:2043 [3] NCCL INFO Channel 03/0 : 43 -> 44 via P2P/IPC/read comm 0x8d42844eb0 nRanks 64",
      "dropped_tokens=12.5% dropped tokens: 3%"};
  ReadPack(/*strip_wildcard=*/true, &patterns, &seeds);
  REQUIRE(patterns.size() > 150);
  std::vector<std::string> fragments;  // each signature's literals, as written in some case
  for (const auto& p : patterns) {
    for (const auto& set : RequiredLiteralSets(p.regex, true)) fragments.insert(fragments.end(), set.begin(), set.end());
  }
  std::mt19937 rng(43);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::string separators = " :=_-.|()[]";
  std::vector<std::string> lines;
  while (lines.size() < 400) {
    std::string l = seeds[pick(seeds.size())];
    const size_t edits = 1 + pick(4);
    for (size_t e = 0; e < edits; ++e) {
      switch (pick(6)) {
        case 0:
          for (char& c : l) {
            if (std::isalpha(static_cast<unsigned char>(c)) && pick(3) == 0) c = static_cast<char>(c ^ 0x20);
          }
          break;
        case 1:
          for (char& c : l) {
            if (std::isdigit(static_cast<unsigned char>(c)) && pick(2) == 0) c = static_cast<char>('0' + pick(10));
          }
          break;
        case 2:
          l.insert(pick(l.size() + 1), 1, separators[pick(separators.size())]);
          break;
        case 3:
          if (!l.empty()) {
            size_t at = pick(l.size());
            l.erase(at, 1 + pick(8));
          }
          break;
        case 4: {
          const std::string& other = seeds[pick(seeds.size())];
          l = l.substr(0, pick(l.size() + 1)) + other.substr(pick(other.size() + 1));
          break;
        }
        default: {
          std::string f = fragments[pick(fragments.size())];
          for (char& c : f) {
            if (std::isalpha(static_cast<unsigned char>(c)) && pick(2) == 0) c = static_cast<char>(std::toupper(c));
          }
          l.insert(pick(l.size() + 1), f);
        }
      }
    }
    lines.push_back(l.substr(0, 160));  // std::regex's time grows with the line, not the property
  }
  size_t matched = CheckSound(patterns, lines);
  INFO("patterns " << patterns.size() << ", lines " << lines.size() << ", matching pairs " << matched);
  CHECK(matched > 100);

  // And it is selective where a training log is long: a step line's "loss 2.77" or a dataloader's
  // "took 0.39s to produce batch" lets no signature's regex run; their faults do.
  LiteralPrefilter f(patterns);
  std::vector<size_t> c;
  f.Candidates(seeds[0], &c);
  CHECK(c.size() == f.unfiltered());
  f.Candidates(seeds[3], &c);
  CHECK(c.size() == f.unfiltered());
  f.Candidates(seeds[1], &c);
  CHECK(c.size() > f.unfiltered());
  f.Candidates(seeds[4], &c);
  CHECK(c.size() > f.unfiltered());
}

}  // namespace vigil
