// The LLM's `read_logs` filter (agents/tools.cc) on a training log: the model's regex, before and
// after the tool dropped a leading `.*` and ran the regex through FilteredRegex (only lines holding
// its required words reach std::regex).
//
//   build/bin/read_logs_bench [--lines 4000] [--reps 3]
//
// The log: --lines lines of a gathered 8-rank PyTorch/NCCL job (~110–190 bytes each: step lines,
// NCCL INFO lines, a few warnings), with one watchdog timeout and one Xid line near the end. Per
// pattern, median of --reps runs (CPU seconds):
//   before: std::regex_search of the pattern as written on every line (what read_logs did);
//   after:  the read_logs tool itself (same pattern; JSON out included).
// Both must match the same number of lines (checked; exit 1 otherwise). Prints both and after/before.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "bench/bench_cpu.h"
#include "agents/case.h"
#include "agents/tools.h"

namespace vigil {
namespace {

using bench::CpuSeconds;
using bench::MedianCpu;

std::vector<std::string> TrainingLog(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    const int rank = i % 8;
    std::string l = "[rank" + std::to_string(rank) + "]:";
    switch (i % 5) {
      case 0:
        l += " iteration " + std::to_string(1000 + i) +
             "/  200000 | consumed samples: 4096000 | elapsed time per iteration (ms): 1843.2 | "
             "learning rate: 2.999E-04 | lm loss: 2.4731E+00 | grad norm: 0.912";
        break;
      case 1:
        l += " gpu-node-0" + std::to_string(rank) + ":12345:12401 [" + std::to_string(rank) +
             "] NCCL INFO Channel 03/0 : 0[0] -> 1[1] via P2P/CUMEM/read";
        break;
      case 2:
        l += " gpu-node-0" + std::to_string(rank) +
             ":12345:12401 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB ; OOB ib0:10.1.0.7<0>";
        break;
      case 3:
        l += " /usr/lib/python3/dist-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader "
             "will create 16 worker processes in total.";
        break;
      default:
        l += " [2026-12-02 10:14:07,118] torch.distributed.elastic.agent.server.api: [INFO] [default] "
             "Starting worker group, step time 1.84 s";
        break;
    }
    lines.push_back(std::move(l));
  }
  lines.push_back("[rank3]:[E1202 10:24:07.000] [PG ID 0 PG GUID 0(default_pg) Rank 3] Watchdog caught collective "
                  "operation timeout: WorkNCCL(SeqNum=88211, OpType=ALLREDUCE) ran for 600012 milliseconds before timing out.");
  lines.push_back("[  8811.301] NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python, GPU has fallen off the bus.");
  return lines;
}

int Run(int argc, char** argv) {
  int n = 4000, reps = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "read_logs_bench: %s needs a value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--lines") n = std::max(1, std::atoi(v.c_str()));
    else if (a == "--reps") reps = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "read_logs_bench: unknown option %s (--lines N, --reps N)\n", a.c_str());
      return 2;
    }
  }
  const std::vector<std::string> log = TrainingLog(n);
  Json lines = Json::array();
  for (const std::string& l : log) lines.push_back(l);
  Json cj = {{"id", "bench"},
             {"logs", Json::array({Json{{"source", "train.log"}, {"lines", lines}}})},
             {"expected", {{"root_cause", "unknown"}}}};
  auto c = ParseCase(cj, "bench");
  if (!c.ok()) {
    std::fprintf(stderr, "read_logs_bench: %s\n", c.status().message().c_str());
    return 1;
  }
  ToolContext ctx;
  ctx.diagnosis_case = &*c;
  const Tool* tool = FindTool("read_logs");
  std::printf("read_logs_bench: %d lines, median of %d (CPU s)\n", n + 2, reps);
  std::printf("%-28s %10s %10s %8s %7s\n", "pattern", "before", "after", "ratio", "lines");
  int status = 0;
  for (const char* p : {".*watchdog.*timeout", ".*fallen off the bus", "NCCL WARN", ".*error", "timeout.*ALLREDUCE"}) {
    const std::regex re(p, std::regex::ECMAScript | std::regex::icase);
    size_t before_hits = 0;
    const double before = MedianCpu(reps, [&] {
      before_hits = 0;
      for (const std::string& l : log) before_hits += std::regex_search(l, re) ? 1 : 0;
    });
    int64_t after_hits = -1;
    const double after = MedianCpu(reps, [&] {
      auto r = tool->run(Json{{"regex", p}, {"max_lines", 200}}, ctx);
      after_hits = r.ok() ? (*r)["matched"].get<int64_t>() : -1;
    });
    if (after_hits != static_cast<int64_t>(before_hits)) {
      std::fprintf(stderr, "read_logs_bench: %s: %zu lines before, %lld after\n", p, before_hits,
                   static_cast<long long>(after_hits));
      status = 1;
    }
    std::printf("%-28s %10.4f %10.4f %8.4f %7zu\n", p, before, after, before > 0 ? after / before : 0.0, before_hits);
  }
  return status;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Run(argc, argv); }
