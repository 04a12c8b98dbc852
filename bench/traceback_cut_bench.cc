// TracebackCutNotes on the interleaved tracebacks of many ranks (issue 7, "Bad input: enormous
// logs"): every rank of a job prints its traceback at once, one log holds them line by line
// interleaved, and the log budget cuts the middle out.
//
//   build/bin/traceback_cut_bench [--ranks 64,256,1024] [--frames 20] [--reps 3]
//
// Per rank count, a log of 100 "[rank0]: step" lines, then per rank "[rankR]: Traceback ...",
// --frames "[rankR]:   File ..." lines each (rank after rank, frame after frame) and the
// exception line, then 100 "[rank0]: exiting" lines; the first and last 100 lines are kept, so no
// traceback is partly read and every one is followed to its end. Median of --reps runs (CPU):
//   floor: one std::regex_search of a writer-prefix pattern per line (reading each line's prefix
//          once: what a one-pass reader of the log costs);
//   notes: TracebackCutNotes(log, kept).
// Prints both and the ratio notes / floor.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_cpu.h"
#include "agents/diagnosis_agent.h"

namespace vigil {
namespace {

using bench::CpuSeconds;
using bench::MedianCpu;

int Run(int argc, char** argv) {
  std::string ranks_arg = "64,256,1024";
  int frames = 20, reps = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "traceback_cut_bench: %s needs a value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--ranks") ranks_arg = v;
    else if (a == "--frames") frames = std::max(0, std::atoi(v.c_str()));
    else if (a == "--reps") reps = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "traceback_cut_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<int> ranks;
  std::stringstream ss(ranks_arg);
  for (std::string t; std::getline(ss, t, ',');) {
    char* end = nullptr;
    const long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || v < 1 || v > 1'000'000) {
      std::fprintf(stderr, "traceback_cut_bench: --ranks: `%s` is not a rank count (1..1000000)\n", t.c_str());
      return 2;
    }
    ranks.push_back(static_cast<int>(v));
  }
  const std::regex prefix_re(R"(^(?:\d+:\s)?(?:(?:\[[A-Za-z_-]{0,30}\d{0,6}\]:)+ ?)?)");
  std::printf("traceback_cut_bench: %d frames per traceback, median CPU of %d runs; floor = one writer-prefix "
              "std::regex_search per line\n",
              frames, reps);
  std::printf("%7s %8s | %9s %9s | %11s | %s\n", "ranks", "lines", "floor_cpu", "notes_cpu", "notes/floor", "notes");
  for (int n : ranks) {
    CaseLog log;
    log.source = "node-1/ranks.log";
    size_t number = 0;
    auto add = [&](std::string text) { log.lines.push_back({++number, std::move(text)}); };
    auto rank = [](int r) { return "[rank" + std::to_string(r) + "]: "; };
    for (int k = 0; k < 100; ++k) add("[rank0]: step " + std::to_string(k) + " lm loss 2.31");
    for (int r = 0; r < n; ++r) add(rank(r) + "Traceback (most recent call last):");
    for (int f = 0; f < frames; ++f) {
      for (int r = 0; r < n; ++r) add(rank(r) + "  File \"/workspace/train.py\", line " + std::to_string(f) + ", in step");
    }
    for (int r = 0; r < n; ++r) add(rank(r) + "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970");
    for (int k = 0; k < 100; ++k) add("[rank0]: exiting " + std::to_string(k));
    CaseLog kept;
    kept.source = log.source;
    for (const LogLine& l : log.lines) {
      if (l.number <= 100 || l.number + 100 > log.lines.size()) kept.lines.push_back(l);
    }
    size_t sink = 0;
    const double floor = MedianCpu(reps, [&]() {
      std::smatch m;
      for (const LogLine& l : log.lines) sink += std::regex_search(l.text, m, prefix_re) ? m.length(0) : 0;
    });
    size_t notes = 0;
    const double cpu = MedianCpu(reps, [&]() { notes = TracebackCutNotes(log, kept).size(); });
    std::printf("%7d %8zu | %9.4f %9.4f | %11.1f | %zu%s\n", n, log.lines.size(), floor, cpu,
                cpu / std::max(floor, 1e-9), notes, sink == 0 ? " (no prefix read)" : "");
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Run(argc, argv); }
