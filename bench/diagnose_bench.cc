// Diagnosis speed on enormous logs (issue 7, "Bad input: enormous logs").
//
//   build/bin/diagnose_bench [--case evals/diagnosis/dev/case-001.json,evals/diagnosis/holdout/case-h040.json]
//                            [--pack data/knowledge] [--noise 0,10000,100000] [--reps 3] [--write-cases DIR]
//                            [--prefix plain,srun,pdsh,mpirun,rank]
//
// Each case (comma-separated; the default two: a GPU fallen off the bus, and a checkpoint write
// over a shared file system's quota, whose storage-scope rules read every line of the case) is padded with N noise lines in a new first source (`node-1/rank0/train.log`): healthy
// Megatron iteration lines (numbers drawn from a fixed seed within narrow ranges), deprecation
// warnings, NCCL INFO lines, kernel/cron journal lines — what a real training log is mostly made
// of. For each N, median of --reps runs (wall and process CPU):
//   floor     parse the case JSON text (ParseJson + ParseCase) and run ONE precompiled std::regex
//             (the pack's Xid 79 signature, ECMAScript|icase) over every line once: the least any
//             diagnosis that reads every line with a regex must spend;
//   diagnose  parse the same text, then DiagnosisAgent::Diagnose with the built-in reasoner, the
//             shipped pack in an in-memory knowledge base and the case's replayed probes (what
//             `vigil diagnose --case` does, less opening a file database), default log budget.
// Prints both, the ratio diagnose / floor, the diagnosis (root cause @ component; padding must not
// change it) and the log-budget notes. The knowledge base is opened once, outside the timings.
// --prefix: each noise line as written (`plain`, the default) or as a launcher labels it, one row per
// shape: `srun` (`srun -l`'s ` 5: `, 16 tasks), `pdsh` (DeepSpeed's `node-2: [default5]:`), `mpirun`
// (`--tag-output`'s `[1,5]<stderr>:`) and `rank` (a gathered log's `[rank5]:`). A log whose lines
// carry a label is read line by line by it (agents/HISTORY.md, "Launcher labels"): the rows measure
// that reading against the same floor.
// --write-cases DIR also writes each padded case to DIR/padded-<case>-<N>.json (to time another build's
// `vigil diagnose --case` on the same input).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <regex>
#include <sstream>

#include "bench/bench_cpu.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "core/json.h"
#include "core/logging.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

using bench::CpuSeconds;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The label a launcher puts before line i of the noise (`prefix` one of kPrefixes).
constexpr const char* kPrefixes[] = {"plain", "srun", "pdsh", "mpirun", "rank"};
std::string LabelOf(const std::string& prefix, size_t i) {
  const int task = static_cast<int>(i % 16);
  char buf[64];
  if (prefix == "srun") std::snprintf(buf, sizeof buf, "%2d: ", task);
  else if (prefix == "pdsh") std::snprintf(buf, sizeof buf, "node-%d: [default%d]:", 1 + task / 8, task % 8);
  else if (prefix == "mpirun") std::snprintf(buf, sizeof buf, "[1,%d]<stderr>:", task);
  else if (prefix == "rank") std::snprintf(buf, sizeof buf, "[rank%d]:", task);
  else buf[0] = '\0';
  return buf;
}

// Deterministic noise: the same N lines on every run.
std::vector<std::string> NoiseLines(size_t n, const std::string& prefix = "plain") {
  std::mt19937 rng(20261130);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::string> out;
  out.reserve(n);
  char buf[512];
  for (size_t i = 0; i < n; ++i) {
    int kind = static_cast<int>(rng() % 10);
    int sec = static_cast<int>(i % 60), min = static_cast<int>((i / 60) % 60), hour = static_cast<int>(10 + (i / 3600) % 12);
    if (kind < 6) {
      std::snprintf(buf, sizeof buf,
                    " [2026-03-18 %02d:%02d:%02d] iteration %8zu/  500000 | consumed samples: %12zu | elapsed time per "
                    "iteration (ms): %.1f | throughput per GPU (TFLOP/s/GPU): %.1f | learning rate: 2.400000E-04 | "
                    "global batch size:  1024 | lm loss: %.6E | loss scale: 1.0 | grad norm: %.3f | number of "
                    "skipped iterations:   0 | number of nan iterations:   0 |",
                    hour, min, sec, 30000 + i, (30000 + i) * 1024, 4050 + 60 * u(rng), 400 + 10 * u(rng),
                    2.25 + 0.1 * u(rng), 0.3 + 0.2 * u(rng));
    } else if (kind < 7) {
      std::snprintf(buf, sizeof buf,
                    "FutureWarning: `torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                    "`torch.amp.autocast('cuda', args...)` instead.");
    } else if (kind < 9) {
      std::snprintf(buf, sizeof buf,
                    "node-1:%d:%d [%d] NCCL INFO Channel %02d/0 : %d[%d] -> %d[%d] via P2P/CUMEM/read", 2211 + kind,
                    2300 + kind, kind, static_cast<int>(rng() % 32), kind, kind, (kind + 1) % 8, (kind + 1) % 8);
    } else {
      std::snprintf(buf, sizeof buf, "Mar 18 %02d:%02d:%02d node-1 CRON[%d]: (root) CMD (/usr/local/bin/node-exporter-textfile.sh)",
                    hour, min, sec, 70000 + static_cast<int>(rng() % 9000));
    }
    out.push_back(LabelOf(prefix, i) + buf);
  }
  return out;
}

struct Timing {
  double wall = 0, cpu = 0;
};

template <typename F>
Timing Measure(int reps, F&& f) {
  std::vector<double> wall, cpu;
  for (int r = 0; r < reps; ++r) {
    double c0 = CpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    f();
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu.push_back(CpuSeconds() - c0);
  }
  return {Median(wall), Median(cpu)};
}

// Pads `base` (read from `case_path`) with each noise size and prints its row(s).
int RunCase(const std::string& case_path, const Json& base, const std::string& pack, const std::vector<size_t>& sizes,
            const std::vector<std::string>& prefixes, int reps, const std::string& write_dir,
            const DiagnosisAgent& agent, const std::regex& floor_re) {
  std::printf("diagnose_bench: case %s, pack %s, median of %d runs; floor = parse the case + one std::regex "
              "(Xid 79 signature, icase) over every line\n",
              case_path.c_str(), pack.c_str(), reps);
  std::printf("%6s %8s %8s %10s | %9s %9s | %9s %9s | %10s %9s | %s\n", "prefix", "noise", "lines", "bytes", "floor_s",
              "floor_cpu", "diag_s", "diag_cpu", "diag/floor", "cpu ratio", "answer");
  for (const std::string& prefix : prefixes)
  for (size_t n : sizes) {
    if (n == 0 && prefix != prefixes.front()) continue;  // no noise: no label either
    Json j = base;
    Json lines = Json::array();
    for (std::string& l : NoiseLines(n, prefix)) lines.push_back(std::move(l));
    if (n > 0) j["logs"].insert(j["logs"].begin(), Json{{"source", "node-1/rank0/train.log"}, {"lines", lines}});
    const std::string text = j.dump();
    if (!write_dir.empty()) {
      std::string stem = case_path.substr(case_path.find_last_of('/') + 1);
      stem = stem.substr(0, stem.rfind('.'));
      std::string out = write_dir + "/padded-" + stem + "-" + std::to_string(n) + (prefix == "plain" ? "" : "-" + prefix) + ".json";
      std::FILE* f = std::fopen(out.c_str(), "w");
      if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
        std::fprintf(stderr, "diagnose_bench: cannot write %s\n", out.c_str());
        return 1;
      }
    }
    size_t total_lines = 0, total_bytes = 0;
    for (const Json& l : j["logs"]) {
      for (const Json& x : l["lines"]) {
        ++total_lines;
        total_bytes += x.get_ref<const std::string&>().size();
      }
    }
    size_t hits = 0;
    Timing floor = Measure(reps, [&] {
      auto parsed = ParseJson(text, case_path);
      auto c = ParseCase(*parsed, case_path);
      for (const CaseLog& l : c->logs) {
        for (const LogLine& line : l.lines) hits += std::regex_search(line.text, floor_re);
      }
    });
    std::string answer;
    std::vector<std::string> notes;
    bool failed = false;
    Timing diag = Measure(reps, [&] {
      auto parsed = ParseJson(text, case_path);
      auto c = ParseCase(*parsed, case_path);
      if (!c.ok()) {
        answer = c.status().ToString();
        failed = true;
        return;
      }
      c->expected.reset();
      auto exec = MakeCaseProbeExecutor(*c);
      auto r = agent.Diagnose(std::move(*c), exec.ok() ? exec->get() : nullptr);
      if (!r.ok()) {
        answer = r.status().ToString();
        failed = true;
        return;
      }
      answer = r->diagnosis.root_cause + " @ " + r->diagnosis.component;
      notes.clear();
      for (const std::string& u : r->diagnosis.unverified) {
        if (u.rfind("log budget", 0) == 0) notes.push_back(u);
      }
    });
    std::printf("%6s %8zu %8zu %10zu | %9.3f %9.3f | %9.3f %9.3f | %10.1f %9.1f | %s\n", prefix.c_str(), n, total_lines, total_bytes,
                floor.wall, floor.cpu, diag.wall, diag.cpu, diag.wall / floor.wall, diag.cpu / floor.cpu,
                answer.c_str());
    for (const std::string& note : notes) std::printf("%15s %s\n", "", note.c_str());
    if (failed) return 1;
    (void)hits;
  }
  return 0;
}

int Run(int argc, char** argv) {
  std::string case_paths = "evals/diagnosis/dev/case-001.json,evals/diagnosis/holdout/case-h040.json";
  std::string pack = "data/knowledge", noise = "0,10000,100000";
  std::string write_dir, prefix_list = "plain";
  int reps = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "diagnose_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--case") case_paths = next();
    else if (a == "--pack") pack = next();
    else if (a == "--noise") noise = next();
    else if (a == "--reps") reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--write-cases") write_dir = next();
    else if (a == "--prefix") prefix_list = next();
    else {
      std::fprintf(stderr, "diagnose_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<size_t> sizes;
  std::stringstream ss(noise);
  for (std::string t; std::getline(ss, t, ',');) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0') {
      std::fprintf(stderr, "diagnose_bench: --noise: `%s` is not a line count\n", t.c_str());
      return 2;
    }
    sizes.push_back(static_cast<size_t>(v));
  }
  std::vector<std::string> prefixes;
  std::stringstream ps(prefix_list);
  for (std::string t; std::getline(ps, t, ',');) {
    if (std::find(std::begin(kPrefixes), std::end(kPrefixes), t) == std::end(kPrefixes)) {
      std::fprintf(stderr, "diagnose_bench: --prefix: `%s` is not one of plain, srun, pdsh, mpirun, rank\n", t.c_str());
      return 2;
    }
    prefixes.push_back(t);
  }
  std::vector<std::string> cases;
  std::stringstream cs(case_paths);
  for (std::string t; std::getline(cs, t, ',');) {
    if (!t.empty()) cases.push_back(t);
  }
  if (cases.empty()) {
    std::fprintf(stderr, "diagnose_bench: --case: no case path\n");
    return 2;
  }
  SetLogLevel(LogLevel::kWarn);
  KnowledgeOptions ko;
  ko.db_path = ":memory:";
  ko.pack_dir = pack;
  auto kb = KnowledgeBase::Open(ko);
  if (!kb.ok()) {
    std::fprintf(stderr, "diagnose_bench: knowledge base: %s\n", kb.status().ToString().c_str());
    return 1;
  }
  DiagnosisAgentOptions ao;
  ao.kb = kb->get();
  ao.reasoner.allow_intrusive = true;  // replayed results, as `vigil diagnose`
  DiagnosisAgent agent(ao);
  const std::regex floor_re(R"(\bXid\b\"?( \(PCI:[0-9a-f:.]+\))?[ :=#\"]*(errors?|code|event)?[ :=#\"]*79\b)",
                            std::regex::ECMAScript | std::regex::icase);

  for (const std::string& case_path : cases) {
    auto base = ReadJsonFile(case_path);
    if (!base.ok()) {
      std::fprintf(stderr, "diagnose_bench: %s\n", base.status().ToString().c_str());
      return 1;
    }
    int rc = RunCase(case_path, *base, pack, sizes, prefixes, reps, write_dir, agent, floor_re);
    if (rc != 0) return rc;
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Run(argc, argv); }
