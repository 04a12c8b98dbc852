// Command-line helpers shared by the benchmarks (seen_before_bench, root_cause_infer_bench).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::bench {

// The value after flag argv[i] (i advanced to it); a flag with none is said and exits 2.
inline std::string NextArg(int argc, char** argv, int& i, const char* prog) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s: %s needs a value\n", prog, argv[i]);
    std::exit(2);
  }
  return argv[++i];
}

// "1000,100000" -> {1000, 100000}; nullopt, said (`PROG: FLAG: `x` is not a count`), for an item
// that is not a positive whole number.
inline std::optional<std::vector<size_t>> ParseCounts(const std::string& list, const char* prog, const char* flag) {
  std::vector<size_t> out;
  std::stringstream ss(list);
  for (std::string t; std::getline(ss, t, ',');) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || v == 0) {
      std::fprintf(stderr, "%s: %s: `%s` is not a count\n", prog, flag, t.c_str());
      return std::nullopt;
    }
    out.push_back(static_cast<size_t>(v));
  }
  return out;
}

}  // namespace vigil::bench
