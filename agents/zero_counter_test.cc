// RemoveZeroCounters answers as std::regex_replace with kZeroCounterPattern, and its one-pass test
// MayHoldZeroCounter never turns away a line the regex matches.
#include "agents/zero_counter.h"

#include <doctest/doctest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "agents/dev_case_lines_testing.h"

namespace vigil {
namespace {

const std::regex& Reference() {
  static const std::regex re(kZeroCounterPattern, std::regex::ECMAScript | std::regex::icase);
  return re;
}

void CheckLine(const std::string& line) {
  CAPTURE(line);
  const bool matches = std::regex_search(line, Reference());
  if (matches) CHECK(MayHoldZeroCounter(line));
  CHECK(RemoveZeroCounters(line) == std::regex_replace(line, Reference(), ""));
}

TEST_CASE("zero counters: hand-written lines") {
  CHECK(RemoveZeroCounters("| number of skipped iterations:   0 | number of nan iterations:   0 |") ==
        "| number of  | number of  |");  // the words up to ':' go with the counter
  CHECK(RemoveZeroCounters("errors=0 timeouts=0") == " ");
  CHECK(RemoveZeroCounters("Retries: 0.0, overflow-count = 00") == ", ");
  // Not zero, or not alone: kept.
  CHECK(RemoveZeroCounters("errors=3") == "errors=3");
  CHECK(RemoveZeroCounters("errors=0.5") == "errors=0.5");
  CHECK(RemoveZeroCounters("errors=01") == "errors=01");
  // "inf" inside "INFO" is no counter word; the regex would not run on these lines.
  CHECK_FALSE(MayHoldZeroCounter("2026-04-10 00:16:39 | INFO | train | epoch 3 step 28999/120000 | loss 3.9000"));
  CHECK_FALSE(MayHoldZeroCounter("NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM/read"));
  CHECK_FALSE(MayHoldZeroCounter("skipped | 0"));
  CHECK_FALSE(MayHoldZeroCounter(""));
  CHECK(MayHoldZeroCounter("INF: 0"));
  CHECK(MayHoldZeroCounter("Dropped packets_rx-total=12"));  // may: the regex decides (no zero)
  for (const char* l : {"| number of skipped iterations:   0 |", "errors=0 timeouts=0", "Retries: 0.0, overflow = 00",
                        "nan: 0error", "timed nan: 0out", "x_nan: 0", "nan_count: 0", "\xc3\xa9nan: 0", "nan\xc3\xa9: 0"}) {
    CheckLine(l);
  }
}

TEST_CASE("zero counters: random lines agree with std::regex") {
  const std::vector<std::string> tokens = {
      "skipped", "NaN", "inf", "INFO", "Failed", "dropped", "error", "Errors", "timeout", "TIMEOUTS", "retries",
      "overflow", "overflows", "skippedx", "xnan", "iterations", "count", ":", "=", " ", "  ", "_", "-", "|", "0", "00",
      "0.0", "0.5", ".", "1", "7", "a", "Z", "\xc3\xa9", "\t", ",", "/", "[", "]"};
  std::mt19937 rng(20261130);
  for (int n = 0; n < 20'000; ++n) {
    std::string line;
    const int len = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < len; ++k) line += tokens[rng() % tokens.size()];
    CheckLine(line);
  }
}

TEST_CASE("zero counters: the lines of every tenth dev case agree with std::regex") {
  for (const std::string& line : EveryTenthDevCaseLines()) CheckLine(line);
}

}  // namespace
}  // namespace vigil
