// The root-cause inference's cost on import (KB5, 2026-12-04): a record with no `root_cause` whose
// importer kept a cause text (`extra.root_cause_text`: a chat thread's `Root cause:` line, a
// postmortem's Root cause section) gets its category from that prose (knowledge_base.cc,
// InferRootCause: negations left out, the categories it names, the stored log signatures matching
// its lines, else the pack's category words, read from the store by a scan of its incidents).
//
//   build/bin/root_cause_infer_bench [--sizes 10000,100000] [--pack data/knowledge] [--files 20]
//                                    [--index IVF1024,Flat]   (default: the product's `kb_index`)
//
// For each size N, two fresh file stores (the shipped pack loaded, as `vigil kb import` opens one),
// each importing one JSON-lines file of the same N records (variants of the pack's incidents,
// knowledge/synthetic_corpus.h, each with a cause text: its first symptom, its title, or its title
// after a negated category, a third each): the baseline's records carry their `root_cause`, so
// nothing is inferred; the other's carry none, so every record's category is inferred. Prints the
// import's CPU seconds of both and their ratio (the inference's share of import time).
// Then, into each store of N incidents, --files one-record files imported one `Import` each (a
// folder of postmortems, a channel's threads one file a day), cause texts naming no category and
// matching no signature (the pack's words decide): CPU per file with and without inference, which
// includes the scan of the store's incidents for the pack's words when it is made.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

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

// The cause text of variant `i` (see the file comment).
std::string CauseText(const Incident& v, size_t i) {
  if (i % 3 == 0 && !v.symptoms.empty()) return v.symptoms.front();
  if (i % 3 == 1) return "not an NVLink error; " + v.title;
  return v.title;
}

// Writes the N records (with or without their root_cause) as JSON lines to `path`.
Status WriteRecords(const std::vector<Incident>& base, size_t n, bool with_cause, const fs::path& path) {
  std::mt19937_64 rng(42);
  std::ofstream out(path);
  for (size_t i = 0; i < n; ++i) {
    const Incident& b = base[i % base.size()];
    Incident v = PerturbIncident(b, i, rng);
    Json j{{"id", v.id},
           {"title", v.title},
           {"raw_text", v.raw_text},
           {"symptoms", v.symptoms},
           {"mitigation", v.mitigation},
           {"source", "bench:chat"},
           {"root_cause_text", CauseText(v, i)}};
    if (with_cause) j["root_cause"] = b.root_cause;
    out << j.dump() << "\n";
  }
  out.close();
  if (!out) return InternalError("cannot write " + path.string());
  return Status::Ok();
}

struct ArmResult {
  double import_cpu = 0, import_wall = 0;
  int64_t added = 0, unknown = 0;
  double per_file_cpu = 0;  // median CPU of one one-record file's import
};

Result<ArmResult> RunArm(const std::string& pack, const std::string& index, const fs::path& dir, const fs::path& records, size_t files,
                         bool with_cause) {
  ArmResult a;
  KnowledgeOptions o;
  o.db_path = (dir / "kb.sqlite").string();
  o.pack_dir = pack;
  o.index_spec = index;
  ASSIGN_OR_RETURN(auto kb, KnowledgeBase::Open(o));
  const double c0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(ImportReport r, kb->Import(records.string()));
  a.import_cpu = CpuSeconds() - c0;
  a.import_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  a.added = r.added;
  ASSIGN_OR_RETURN(KnowledgeStats st, kb->Stats());
  if (auto it = st.incidents_by_category.find("unknown"); it != st.incidents_by_category.end()) a.unknown = it->second;
  // One-record files, each its own Import (as a folder of postmortems is read file by file).
  std::vector<double> cpu;
  for (size_t f = 0; f < files; ++f) {
    const fs::path p = dir / ("thread-" + std::to_string(f) + ".jsonl");
    Json j{{"id", "bench-thread-" + std::to_string(f)},
           {"title", "Job " + std::to_string(f) + " slowed down overnight"},
           {"raw_text", "throughput dropped by half on job " + std::to_string(f) + "; restarted it"},
           {"source", "bench:chat"},
           {"root_cause_text", "a worker was killed and its rank restarted " + std::to_string(f) + " times"}};
    if (with_cause) j["root_cause"] = "rank_process_crash";
    std::ofstream(p) << j.dump() << "\n";
    const double f0 = CpuSeconds();
    ASSIGN_OR_RETURN(ImportReport one, kb->Import(p.string()));
    cpu.push_back(CpuSeconds() - f0);
    if (one.added != 1) return InternalError("the one-record file " + p.string() + " added " + std::to_string(one.added));
  }
  std::sort(cpu.begin(), cpu.end());
  a.per_file_cpu = cpu.empty() ? 0 : cpu[cpu.size() / 2];
  return a;
}

int Run(int argc, char** argv) {
  std::string pack = "data/knowledge", size_list = "10000,100000";
  // The product's index (`kb_index`), not KnowledgeOptions' default `Flat` (KB6).
  std::string index = Config::Defaults().GetString("kb_index");
  size_t files = 20;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, i, "root_cause_infer_bench"); };
    if (a == "--pack") pack = next();
    else if (a == "--index") index = next();
    else if (a == "--sizes") size_list = next();
    else if (a == "--files") files = static_cast<size_t>(std::max(1, std::atoi(next().c_str())));
    else {
      std::fprintf(stderr, "root_cause_infer_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  const std::optional<std::vector<size_t>> sizes = bench::ParseCounts(size_list, "root_cause_infer_bench", "--sizes");
  if (!sizes) return 2;
  auto base = bench::LoadPackIncidents(pack);
  if (!base.ok() || base->empty()) {
    std::fprintf(stderr, "root_cause_infer_bench: cannot load the pack's incidents from %s\n", pack.c_str());
    return 1;
  }
  SetLogLevel(LogLevel::kError);
  std::printf("root_cause_infer_bench: pack %s; index %s; baseline = the same records with their root_cause "
              "(nothing inferred); CPU seconds of the process\n",
              pack.c_str(), index.c_str());
  std::printf("%8s | %10s %10s %8s | %8s %9s | %12s %12s %8s\n", "records", "given CPU", "infer CPU", "infer/gv",
              "stored", "unknown", "file given", "file infer", "ratio");
  for (size_t n : *sizes) {
    const fs::path dir =
        fs::temp_directory_path() / ("vigil_infer_bench_" + std::to_string(n) + "_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "given");
    fs::create_directories(dir / "infer");
    ArmResult arm[2];
    for (int k = 0; k < 2; ++k) {
      const bool given = k == 0;
      const fs::path sub = dir / (given ? "given" : "infer");
      const fs::path records = sub / "records.jsonl";
      Status w = WriteRecords(*base, n, given, records);
      if (!w.ok()) {
        std::fprintf(stderr, "root_cause_infer_bench: %s\n", w.ToString().c_str());
        return 1;
      }
      auto r = RunArm(pack, index, sub, records, files, given);
      if (!r.ok()) {
        std::fprintf(stderr, "root_cause_infer_bench: %s\n", r.status().ToString().c_str());
        return 1;
      }
      arm[k] = *r;
      fs::remove(records);
    }
    std::printf("%8zu | %10.2f %10.2f %8.3f | %8lld %9lld | %12.4f %12.4f %8.2f\n", n, arm[0].import_cpu,
                arm[1].import_cpu, arm[1].import_cpu / arm[0].import_cpu, static_cast<long long>(arm[1].added),
                static_cast<long long>(arm[1].unknown), arm[0].per_file_cpu, arm[1].per_file_cpu,
                arm[0].per_file_cpu > 0 ? arm[1].per_file_cpu / arm[0].per_file_cpu : 0.0);
    std::fflush(stdout);
    fs::remove_all(dir);
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Run(argc, argv); }
