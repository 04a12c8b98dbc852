// The one-pass tests that stand in front of std::regex on every log line (RVU2, 2026-12-04: a
// 50 MB pasted log spent most of `vigil diagnose --log` in std::regex's \b) answer as the regexes
// do: MayNameFault never turns away a line the fault-word pattern matches, IsProgressLine answers
// as the regexes it replaced, HoldsClockTime as \d{2}:\d{2}:\d{2} - on hand-written lines, random
// token lines and the lines of every tenth dev case.
#include <doctest/doctest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "agents/dev_case_lines_testing.h"
#include "agents/log_time.h"
#include "agents/slurm_states.h"
#include "agents/zero_counter.h"

namespace vigil {
namespace {

// The fault words of RemoveFaultsSaidAbsent's three patterns (each ends in one, or in "non-finite").
const std::regex& FaultWord() {
  static const std::regex re(
      R"((?:non-?finite|s?xids?|errors?|faults?|failures?|ecc(?:\s+errors?)?|dbes?|sbes?|timeouts?|hangs?|crash(?:es)?|)"
      R"(throttl\w*|retirements?|remaps?|mismatch(?:es)?|desyncs?|anomal(?:y|ies)|issues?|problems?|nans?|)"
      R"(stragglers?|divergences?|corruptions?|exceptions?|overflows?|stalls?|deadlocks?|imbalances?|violations?))",
      std::regex::ECMAScript | std::regex::icase);
  return re;
}

// IsProgressLine as it was before RVU2: both regexes on every line.
bool ProgressReference(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kProgress(R"(\b(?:iteration|iter|step|global_step|it)\b\s*[:=]?\s*\d+\b)", std::regex::icase);
  static const std::regex kTrouble(
      R"(error\b|exception\b|\bfail(?:s|ed|ure|ing)?\b|\bfatal\b|\btime[ds]? ?out\b|\btimed out\b|\bhang(?:s|ing)?\b|)"
      R"(\bhung\b|\bstuck\b|\bstall(?:s|ed|ing)?\b|\bno progress\b|\bwatchdog\b|\bwaiting\b|\bdeadlock|\babort)",
      std::regex::icase);
  return std::regex_search(line, kProgress) && !std::regex_search(line, kTrouble);
}

void CheckLine(const std::string& line) {
  CAPTURE(line);
  if (std::regex_search(line, FaultWord())) CHECK(MayNameFault(line));
  if (!MayNameFault(line)) CHECK(RemoveFaultsSaidAbsent(line) == line);
  CHECK(IsProgressLine(line) == ProgressReference(line));
  static const std::regex kClock(R"(\d{2}:\d{2}:\d{2})");
  CHECK(HoldsClockTime(line) == std::regex_search(line, kClock));
}

TEST_CASE("log prefilters: hand-written lines") {
  CHECK_FALSE(MayNameFault("gpu-node-03:1003:2003 [3] NCCL INFO Channel 00/0 : 3 -> 4 via P2P/IPC/read"));
  CHECK_FALSE(MayNameFault("[rank3] step 1200 | loss 2.3410 | lr 3.0e-04 | tokens/s 201233"));
  CHECK(MayNameFault("no Xid on any node since boot"));
  CHECK(MayNameFault("Non-Finite amax 0"));
  CHECK(MayNameFault("0 ECC errors"));
  CHECK(RemoveFaultsSaidAbsent("zero ECC errors on GPU 3") != "zero ECC errors on GPU 3");
  CHECK(IsProgressLine("[2026-03-09 16:12:31] iteration 4340 | 3.30 s/it | loss 2.77"));
  CHECK(IsProgressLine("Step: 12"));
  CHECK(IsProgressLine("global_step = 1200 loss=2.1"));
  CHECK_FALSE(IsProgressLine("global_step=1200x"));
  CHECK_FALSE(IsProgressLine("steps 12"));
  CHECK_FALSE(IsProgressLine("step 12 timed out"));
  CHECK_FALSE(IsProgressLine("RuntimeError at iteration 4340"));
  CHECK(IsProgressLine("iteration 4340 | tokens/s 2000"));  // "time" in no trouble word: still progress
  CHECK(HoldsClockTime("E1204 10:59:59.123456 140012 ProcessGroupNCCL.cpp:607"));
  CHECK_FALSE(HoldsClockTime("gpu-node-03:1003:2003 [3] NCCL INFO"));
  CHECK_FALSE(HoldsClockTime("12:34:5"));
  CHECK(HoldsClockTime("12:34:56"));
  for (const char* l : {"iteration 4340 | 3.30 s/it", "it:7", "IT = 7,", "iter\t9", "step 3 timeout", "step 3 time out",
                        "step 3 timeouts", "\xc3\xa9step 3", "step 3\xc3\xa9", "_step 3", "step_3", "step=", "step :: 3",
                        "12:34:56", "1:23:45", "no mismatch detected", "NaN count: 0", "errors 0", "stallion 3"}) {
    CheckLine(l);
  }
}

TEST_CASE("log prefilters: random lines agree with std::regex") {
  const std::vector<std::string> tokens = {
      "step", "Step", "ITERATION", "iter", "it", "global_step", "steps", "x", "_", "=", ":", " ", "\t", "0", "12", "7",
      "a", "error", "Timed", "time", "out", "d", "s", "hang", "watchdog", "no", "progress", "abort", "stall", "|", ",",
      "\xc3\xa9", "Xid", "NaN", "non-finite", "throttle", "ecc", "-", "/", "."};
  std::mt19937 rng(20261204);
  for (int n = 0; n < 20'000; ++n) {
    std::string line;
    const int len = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < len; ++k) line += tokens[rng() % tokens.size()];
    CheckLine(line);
  }
}

TEST_CASE("log prefilters: the lines of every tenth dev case agree with std::regex") {
  for (const std::string& line : EveryTenthDevCaseLines()) CheckLine(line);
}

}  // namespace
}  // namespace vigil
