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

// The flags of a bench taking a list of sizes and a repeat count (storm_intake_bench's `--nodes`,
// incident_search_bench's `--sizes`): `SIZES_FLAG N[,N...]` and `--reps N` set `sizes` and `reps`;
// false, said, for anything else (the caller exits 2).
inline bool ParseSizesAndReps(int argc, char** argv, const char* prog, const char* sizes_flag,
                              std::vector<size_t>& sizes, int& reps) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == sizes_flag) {
      auto v = ParseCounts(NextArg(argc, argv, i, prog), prog, sizes_flag);
      if (!v) return false;
      sizes = *v;
    } else if (a == "--reps") {
      auto v = ParseCounts(NextArg(argc, argv, i, prog), prog, "--reps");
      if (!v || v->size() != 1) return false;
      reps = static_cast<int>((*v)[0]);
    } else {
      std::fprintf(stderr, "%s: unknown argument `%s` (%s N[,N...], --reps N)\n", prog, a.c_str(), sizes_flag);
      return false;
    }
  }
  return true;
}

}  // namespace vigil::bench
