// SeenBefore's cost (KB5, 2026-12-04): a diagnosis with and without the step that cites the team's
// past incidents showing what this log's signature-matched lines show (agents/diagnosis_agent.cc,
// SeenBefore; agents/README.md). The step searches lexically (k 16) the text each of up to 5
// distinct signatures matched and reads every team incident among the hits against the stored log
// signatures, so its cost grows with the team incidents the knowledge base holds.
//
//   build/bin/seen_before_bench [--sizes 1000,100000] [--case A.json,B.json] [--pack data/knowledge]
//                               [--reps 7] [--chunk 20000] [--index IVF1024,Flat] [--store DIR]
//
// --store DIR: the store of each size is kept in DIR/<N> (built there when DIR/<N>/kb.sqlite does not
// exist, else reused as it is): a profile, or two binaries' runs, on the same store without importing
// it again (a 1 M store takes minutes of CPU). Without it the store is built in $TMPDIR and removed.
// --index: the FAISS spec, by default the product's (`kb_index`'s default; before KB6 the bench
// used KnowledgeOptions' `Flat`, which no `vigil` command opens).
//
// For each size N: a file store (as `vigil diagnose` opens one: data_dir's kb.sqlite, the shipped
// pack loaded) holding N team incidents, variants of the pack's incidents (knowledge/synthetic_corpus.h,
// source `bench:synthetic`, not the pack's) with their log signatures and metric conditions removed,
// as an imported chat thread or postmortem has none: their text is what SeenBefore reads. Then for
// each case the median CPU seconds of --reps diagnoses (DiagnosisAgent::Diagnose, built-in
// reasoner, the case's replayed probes, as `vigil diagnose --case`) without the step (the
// baseline, DiagnosisAgentOptions::seen_before = false) and with it, alternating, in the same run
// on the same store; prints both, with / without, the extra milliseconds and the citations made.
// The numbers in a variant's text are re-drawn, so few variants match a signature of the case: a
// hit that does not match is read and left, which is the step's most work (it stops at 3 citations).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "bench/bench_args.h"
#include "bench/bench_cpu.h"
#include "bench/bench_pack.h"
#include "core/config.h"
#include "core/json.h"
#include "core/logging.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/synthetic_corpus.h"

namespace vigil {
namespace {

using bench::CpuSeconds;
namespace fs = std::filesystem;

struct Arm {
  std::vector<double> cpu;
  size_t cited = 0;  // SeenBefore's citations (trace steps `seen_before`) in the last run
  std::string answer;
};

// One diagnosis of the case's JSON text; false (the status printed) on an error.
bool DiagnoseOnce(const DiagnosisAgent& agent, const Json& case_json, const std::string& what, Arm* arm) {
  const double c0 = CpuSeconds();
  auto c = ParseCase(case_json, what);
  if (!c.ok()) {
    std::fprintf(stderr, "seen_before_bench: %s\n", c.status().ToString().c_str());
    return false;
  }
  c->expected.reset();
  auto exec = MakeCaseProbeExecutor(*c);
  auto r = agent.Diagnose(std::move(*c), exec.ok() ? exec->get() : nullptr);
  arm->cpu.push_back(CpuSeconds() - c0);
  if (!r.ok()) {
    std::fprintf(stderr, "seen_before_bench: %s\n", r.status().ToString().c_str());
    return false;
  }
  arm->answer = r->diagnosis.root_cause + " @ " + r->diagnosis.component;
  arm->cited = 0;
  for (const Json& t : r->trace) arm->cited += t.value("agent", "") == "seen_before";
  return true;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int Run(int argc, char** argv) {
  std::string case_list = "evals/diagnosis/dev/case-001.json,evals/diagnosis/holdout/case-h040.json";
  std::string pack = "data/knowledge", size_list = "1000,100000", store;
  // The product's index (`kb_index`), not KnowledgeOptions' default `Flat`: with Flat every dense
  // query scans every stored vector (KB6: at 1 M, most of a diagnosis's CPU).
  std::string index = Config::Defaults().GetString("kb_index");
  int reps = 7;
  size_t chunk = 20000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, i, "seen_before_bench"); };
    if (a == "--case") case_list = next();
    else if (a == "--pack") pack = next();
    else if (a == "--index") index = next();
    else if (a == "--store") store = next();
    else if (a == "--sizes") size_list = next();
    else if (a == "--reps") reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--chunk") chunk = std::max(1, std::atoi(next().c_str()));
    else {
      std::fprintf(stderr, "seen_before_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  const std::optional<std::vector<size_t>> sizes = bench::ParseCounts(size_list, "seen_before_bench", "--sizes");
  if (!sizes) return 2;
  std::vector<std::pair<std::string, Json>> cases;
  std::stringstream cs(case_list);
  for (std::string t; std::getline(cs, t, ',');) {
    if (t.empty()) continue;
    auto j = ReadJsonFile(t);
    if (!j.ok()) {
      std::fprintf(stderr, "seen_before_bench: %s\n", j.status().ToString().c_str());
      return 1;
    }
    cases.emplace_back(t, std::move(*j));
  }
  auto base = bench::LoadPackIncidents(pack);
  if (!base.ok() || base->empty()) {
    std::fprintf(stderr, "seen_before_bench: cannot load the pack's incidents from %s\n", pack.c_str());
    return 1;
  }
  SetLogLevel(LogLevel::kWarn);
  std::printf("seen_before_bench: pack %s; index %s; median CPU of %d diagnoses per arm (alternating); baseline = "
              "the same diagnosis without SeenBefore\n",
              pack.c_str(), index.c_str(), reps);
  std::printf("%8s %8s  %-36s | %9s %9s | %8s %9s | %5s | %s\n", "team", "stored", "case", "without", "with", "with/wo",
              "extra ms", "cited", "answer");
  for (size_t n : *sizes) {
    const fs::path dir = !store.empty() ? fs::path(store) / std::to_string(n)
                                        : fs::temp_directory_path() / ("vigil_seen_before_bench_" + std::to_string(n) +
                                                                       "_" + std::to_string(getpid()));
    const bool reuse = !store.empty() && fs::exists(dir / "kb.sqlite");
    if (store.empty()) fs::remove_all(dir);
    fs::create_directories(dir);
    KnowledgeOptions o;
    o.db_path = (dir / "kb.sqlite").string();
    o.pack_dir = pack;
    o.index_spec = index;
    o.batch_size = 5000;
    int64_t stored = 0;
    double import_s = 0;
    if (!reuse) {
      auto kb = KnowledgeBase::Open(o);
      if (!kb.ok()) {
        std::fprintf(stderr, "seen_before_bench: %s\n", kb.status().ToString().c_str());
        return 1;
      }
      std::mt19937_64 rng(42);
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t done = 0; done < n;) {
        std::vector<Incident> part;
        const size_t m = std::min(chunk, n - done);
        for (size_t i = 0; i < m; ++i) {
          Incident inc = PerturbIncident((*base)[(done + i) % base->size()], done + i, rng);
          inc.log_signatures.clear();
          inc.metric_conditions.clear();
          part.push_back(std::move(inc));
        }
        auto r = (*kb)->ImportIncidents(part, "team");
        if (!r.ok()) {
          std::fprintf(stderr, "seen_before_bench: import: %s\n", r.status().ToString().c_str());
          return 1;
        }
        stored += r->added;
        done += m;
      }
      import_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (reuse) {
      std::printf("  (store %s: reused as it is)\n", o.db_path.c_str());
    } else {
      std::printf("  (store %s: %lld team incidents stored of %zu, %.0f s to import)\n", o.db_path.c_str(),
                  static_cast<long long>(stored), n, import_s);
    }
    std::fflush(stdout);
    // Reopened as `vigil diagnose` opens it.
    auto kb = KnowledgeBase::Open(o);
    if (!kb.ok()) {
      std::fprintf(stderr, "seen_before_bench: %s\n", kb.status().ToString().c_str());
      return 1;
    }
    if (reuse) {  // the team's incidents: all but the pack's
      auto st = (*kb)->Stats();
      if (st.ok()) stored = st->incidents - static_cast<int64_t>(base->size());
    }
    DiagnosisAgentOptions with_options;
    with_options.kb = kb->get();
    with_options.reasoner.allow_intrusive = true;  // replayed results, as `vigil diagnose`
    DiagnosisAgentOptions without_options = with_options;
    without_options.seen_before = false;
    const DiagnosisAgent with(with_options), without(without_options);
    for (const auto& [path, json] : cases) {
      Arm w, wo;
      if (!DiagnoseOnce(with, json, path, &w)) return 1;  // warm-up: caches, first-query costs
      w.cpu.clear();
      for (int r = 0; r < reps; ++r) {
        if (!DiagnoseOnce(without, json, path, &wo) || !DiagnoseOnce(with, json, path, &w)) return 1;
      }
      const double a = Median(wo.cpu), b = Median(w.cpu);
      std::printf("%8zu %8lld  %-36s | %9.4f %9.4f | %8.3f %9.2f | %5zu | %s%s\n", n, static_cast<long long>(stored),
                  path.c_str(), a, b, a > 0 ? b / a : 0.0, (b - a) * 1e3, w.cited, w.answer.c_str(),
                  w.answer == wo.answer ? "" : (" (without: " + wo.answer + ")").c_str());
      std::fflush(stdout);
    }
    kb->reset();
    if (store.empty()) fs::remove_all(dir);
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Run(argc, argv); }
