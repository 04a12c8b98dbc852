// Test-only: the log lines of every tenth case of evals/diagnosis/dev (in path order), for the
// tests that check a one-pass test against the std::regex it stands in front of on real lines
// (zero_counter_test.cc, log_prefilter_test.cc). Run with the repository root as the working folder.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

inline std::vector<std::string> EveryTenthDevCaseLines() {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator("evals/diagnosis/dev")) {
    if (e.path().extension() == ".json") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  REQUIRE(paths.size() > 50);
  std::vector<std::string> lines;
  for (size_t i = 0; i < paths.size(); i += 10) {
    auto c = LoadCase(paths[i]);
    REQUIRE_MESSAGE(c.ok(), c.status().message());
    for (const CaseLog& log : c->logs) {
      for (const LogLine& l : log.lines) lines.push_back(l.text);
    }
  }
  REQUIRE(lines.size() > 200);
  return lines;
}

}  // namespace vigil
