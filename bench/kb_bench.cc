// Knowledge-base benchmark: retrieval quality on the query set and speed at scale.
//
//   build-kb/bin/kb_bench [--sizes 10000,100000] [--queries evals/knowledge/queries.jsonl]
//                         [--pack data/knowledge] [--index IVF1024,Flat] [--nprobe N] [--skip-quality]
//                         [--skip-scale] [--chunk 20000] [--baseline-queries N] [--no-baselines]
//                         [--near-duplicate COS] [--sqlite-page-size BYTES] [--import-threads N]
//   build-kb/bin/kb_bench --lexical-file STORE.sqlite.bm25 [--queries ...] [--repeat R]
//   build-kb/bin/kb_bench --open-store STORE.sqlite [--queries ...] [--show 40,89,151,160]
//
// Quality: the shipped pack in an in-memory knowledge base; for each query, a hit at k when the
// expected category is among the root causes of the first k incidents (guides excluded), for
// lexical (BM25), dense (FAISS) and hybrid (RRF) search.
// Scale: N incidents synthesised by perturbing the pack (numbers, hosts, PCI ids re-drawn,
// symptoms dropped, words shuffled in), imported into a file database `--chunk` incidents per
// ImportIncidents call (each call ends with an index save), batches of 5000; then query latency
// p50/p99 over the query set for each mode, and the time to reopen the store. Baselines measured
// in the same run on the same database (`--baseline-queries` of them, default all): SQLite
// FTS5 `ORDER BY bm25 LIMIT` over the same terms for lexical search, and a brute-force FAISS
// Flat index (the store reopened with it) for dense search. Import time is wall and process CPU.
// Peak memory is the process's max RSS so far (getrusage). --import-threads N: the import's
// KnowledgeOptions::import_threads (default: the product's, min(2, usable CPUs)); CPU is the
// whole process's, every thread's, so wall / CPU shows what the second thread overlaps.
// Lexical (--lexical-file): loads a saved BM25 index (a store kept with KB_BENCH_KEEP=1) and times
// LexicalIndex::Search at the knowledge base's depth (50) for every query against exhaustive
// scoring of the same terms in the same run (the baseline), checks that the two return the same
// ids and scores, and prints per-query CPU time (best of --repeat), the work MaxScore did, and
// the slowest queries. No SQLite, FAISS or import involved: the BM25 path alone.
// Store (--open-store): opens a kept scale store and times the query passes (hybrid, lexical,
// dense, hybrid again) without importing; prints the CPU time of the --show queries. Run with
// OMP_NUM_THREADS=1 for the one-core figure. KB_BENCH_KEEP=1 keeps the scale databases in
// $TMPDIR/vigil_kb_bench_<N>_<pid> (the pid keeps two concurrent runs of one size from sharing, and deleting,
// one store).
#include <malloc.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "bench/bench_cpu.h"
#include "bench/bench_pack.h"
#include "core/json.h"
#include "core/logging.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/lexical_index.h"
#include "knowledge/synthetic_corpus.h"
#include "knowledge/vector_index.h"

namespace vigil {
namespace {

using bench::CpuSeconds;
namespace fs = std::filesystem;

struct Query {
  std::string text, expected;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + t.tv_nsec * 1e-6;
}

// Minor page faults of the process so far, and its system CPU seconds.
long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}
double SystemCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_stime.tv_sec) + u.ru_stime.tv_usec * 1e-6;
}
double MonotonicSeconds() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return double(t.tv_sec) + t.tv_nsec * 1e-9;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

const char* ModeName(SearchMode m) {
  return m == SearchMode::kHybrid ? "hybrid" : m == SearchMode::kLexical ? "lexical" : "dense";
}

Result<std::vector<Query>> LoadQueries(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<Query> out;
  std::istringstream in(text);
  int line = 0;
  for (std::string l; std::getline(in, l);) {
    ++line;
    if (l.empty()) continue;
    auto j = ParseJson(l, path + ":" + std::to_string(line));
    if (!j.ok()) return j.status();
    out.push_back({j->value("query", ""), j->value("expected", "")});
  }
  return out;
}

int Quality(const std::string& pack, const std::vector<Query>& queries, const std::string& index) {
  KnowledgeOptions o;
  o.db_path = ":memory:";
  o.pack_dir = pack;
  o.index_spec = index;
  auto kb = KnowledgeBase::Open(o);
  if (!kb.ok()) {
    std::fprintf(stderr, "kb_bench: %s\n", kb.status().message().c_str());
    return 1;
  }
  auto st = (*kb)->Stats();
  std::printf("quality: %lld pack incidents, %zu queries, index %s, embedder %s\n",
              static_cast<long long>(st->incidents), queries.size(), index.c_str(), st->embedder.c_str());
  std::printf("  %-8s %9s %9s\n", "mode", "recall@1", "recall@5");
  for (auto mode : {SearchMode::kLexical, SearchMode::kDense, SearchMode::kHybrid}) {
    int at1 = 0, at5 = 0;
    std::vector<std::string> misses;
    for (const auto& q : queries) {
      SearchQuery sq;
      sq.text = q.text;
      sq.k = 5;
      sq.mode = mode;
      sq.include_guides = false;
      auto hits = (*kb)->Search(sq);
      if (!hits.ok()) {
        std::fprintf(stderr, "kb_bench: %s\n", hits.status().message().c_str());
        return 1;
      }
      bool h1 = !hits->empty() && hits->at(0).category == q.expected;
      bool h5 = std::any_of(hits->begin(), hits->end(),
                            [&](const SearchHit& h) { return h.category == q.expected; });
      at1 += h1;
      at5 += h5;
    }
    std::printf("  %-8s %9.3f %9.3f\n", ModeName(mode), double(at1) / queries.size(),
                double(at5) / queries.size());
  }
  return 0;
}

struct Latency {
  double p50 = 0, p99 = 0;
  double cpu_p50 = 0, cpu_p99 = 0;  // thread CPU time per query: immune to preemption on a busy host
  double recall1 = 0, recall5 = 0;  // category recall over the same queries
  long minor_faults = 0;            // page faults of the process during the pass
  double system_ms = 0;             // kernel CPU time of the process during the pass
  double start_s = 0, end_s = 0;    // CLOCK_MONOTONIC span (for `perf record -k CLOCK_MONOTONIC`)
  std::string slowest;              // the three slowest queries by CPU: "#i cpu ms [monotonic start]"
  std::vector<double> cpu_ms;       // per query
};

// Baseline for lexical search, in the same run on the same entries: SQLite FTS5's
// `ORDER BY bm25(...) LIMIT` over the same terms (what the knowledge base ran before the
// in-memory index). The store no longer keeps an FTS5 table (schema v3), so the baseline builds
// one from the store's entry text in a database of its own (`build_s`, not part of any import
// figure). `same_top1`: the fraction of queries whose first result has the same category as
// the in-memory index's.
struct Fts5Baseline {
  double p50 = 0, p99 = 0, same_top1 = 0, build_s = 0;
};
Result<Fts5Baseline> MeasureFts5(const std::string& db_path, const KnowledgeBase& kb,
                                 const std::vector<Query>& queries, size_t n) {
  sqlite3* db = nullptr;
  const std::string fts_path = db_path + ".fts5-baseline";
  std::error_code ec;
  fs::remove(fts_path, ec);
  if (sqlite3_open(fts_path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return InternalError("cannot open " + fts_path);
  }
  Fts5Baseline out;
  {
    auto t0 = std::chrono::steady_clock::now();
    // Every entry's searchable text (an incident's is derived from its row since schema v4,
    // not stored in kb.sqlite), as the product's own indexes get it.
    char* err = nullptr;
    sqlite3_stmt* ins = nullptr;
    bool built = sqlite3_exec(db,
                              "PRAGMA journal_mode = OFF; BEGIN; CREATE VIRTUAL TABLE entries_fts USING "
                              "fts5(title, body, tokenize = 'unicode61');",
                              nullptr, nullptr, &err) == SQLITE_OK &&
                 sqlite3_prepare_v2(db, "INSERT INTO entries_fts(rowid, title, body) VALUES(?, ?, ?)", -1,
                                    &ins, nullptr) == SQLITE_OK;
    if (built) {
      Status s = kb.ForEachEntryText([&](int64_t id, const std::string& title, const std::string& body) {
        if (!built) return;
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_text(ins, 2, title.data(), static_cast<int>(title.size()), SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
        built = sqlite3_step(ins) == SQLITE_DONE;
      });
      if (!s.ok()) {
        sqlite3_finalize(ins);
        sqlite3_close(db);
        return s;
      }
    }
    sqlite3_finalize(ins);
    if (built) built = sqlite3_exec(db, "COMMIT;", nullptr, nullptr, &err) == SQLITE_OK;
    if (!built) {
      std::string msg = err ? err : sqlite3_errmsg(db);
      sqlite3_free(err);
      sqlite3_close(db);
      return InternalError("FTS5 baseline build: " + msg);
    }
    out.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? "
                         "ORDER BY bm25(entries_fts, 3.0, 1.0) LIMIT 50",
                         -1, &s, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    return InternalError("FTS5 baseline: " + msg);
  }
  std::vector<double> ms;
  int same = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& text = queries[i % queries.size()].text;
    std::string match;
    for (const auto& t : kb::LexicalQueryTerms(text)) match += (match.empty() ? "\"" : " OR \"") + t + "\"";
    auto t0 = std::chrono::steady_clock::now();
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    int64_t first = -1;
    while (sqlite3_step(s) == SQLITE_ROW)
      if (first < 0) first = sqlite3_column_int64(s, 0);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    SearchQuery q;
    q.text = text;
    q.k = 1;
    q.mode = SearchMode::kLexical;
    auto hits = kb.Search(q);
    // Compared by category: the replicated corpus has many entries tied at the top score, which
    // the two rankers order differently.
    if (hits.ok() && !hits->empty() && first >= 0) {
      sqlite3_stmt* id = nullptr;
      sqlite3_prepare_v2(db, "SELECT category FROM kb.entries WHERE id = ?", -1, &id, nullptr);
      sqlite3_bind_int64(id, 1, first);
      if (sqlite3_step(id) == SQLITE_ROW &&
          reinterpret_cast<const char*>(sqlite3_column_text(id, 0)) == hits->at(0).category)
        ++same;
      sqlite3_finalize(id);
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  fs::remove(fts_path, ec);
  out.p50 = Percentile(ms, 0.5);
  out.p99 = Percentile(ms, 0.99);
  out.same_top1 = double(same) / n;
  return out;
}

Latency Measure(const KnowledgeBase& kb, const std::vector<Query>& queries, SearchMode mode, size_t n) {
  std::vector<double> ms, cpu_ms;
  const long faults0 = MinorFaults();
  const double sys0 = SystemCpuSeconds(), mono0 = MonotonicSeconds();
  std::vector<double> starts;
  int at1 = 0, at5 = 0;
  for (size_t i = 0; i < n; ++i) {
    SearchQuery q;
    q.text = queries[i % queries.size()].text;
    q.k = 5;
    q.mode = mode;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = ThreadCpuMs();
    starts.push_back(MonotonicSeconds());
    auto hits = kb.Search(q);
    cpu_ms.push_back(ThreadCpuMs() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!hits.ok()) {
      std::fprintf(stderr, "search failed: %s\n", hits.status().message().c_str());
      continue;
    }
    const std::string& want = queries[i % queries.size()].expected;
    at1 += !hits->empty() && hits->at(0).category == want;
    at5 += std::any_of(hits->begin(), hits->end(), [&](const SearchHit& h) { return h.category == want; });
  }
  std::vector<size_t> order(cpu_ms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cpu_ms[a] > cpu_ms[b]; });
  std::string slowest;
  for (size_t r = 0; r < std::min<size_t>(3, order.size()); ++r) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s#%zu %.1f ms [%.3f]", r ? ", " : "", order[r], cpu_ms[order[r]],
                  starts[order[r]]);
    slowest += buf;
  }
  return {Percentile(ms, 0.5),
          Percentile(ms, 0.99),
          Percentile(cpu_ms, 0.5),
          Percentile(cpu_ms, 0.99),
          double(at1) / n,
          double(at5) / n,
          MinorFaults() - faults0,
          (SystemCpuSeconds() - sys0) * 1e3,
          mono0,
          MonotonicSeconds(),
          slowest,
          cpu_ms};
}

struct ScaleOptions {
  std::string index = "IVF1024,Flat";
  size_t nprobe = 0;            // IVF lists scanned per query (0 = the knowledge base's default)
  size_t chunk = 20000;         // incidents per ImportIncidents call (each ends with an index save)
  size_t baseline_queries = 0;  // queries timed for the Flat and FTS5 baselines (0 = all)
  bool baselines = true;
  bool trim_after_import = false;   // --trim-after-import: settle the heap before the first query pass
  bool drain_after_import = false;  // --drain-after-import: the same by many mallocs (below)
  // Near-duplicate check on import (KnowledgeOptions::near_duplicate_cosine): < 0 = the product
  // default; --near-duplicate 0 turns it off.
  double near_duplicate = -1;
  size_t near_duplicate_nprobe = 0;  // IVF lists the check compares with (0 = the product default)
  // SQLite page size of the benchmark's new store (KnowledgeOptions::sqlite_page_size):
  // 0 = the product default; --sqlite-page-size 4096 for an A/B against SQLite's own default.
  int sqlite_page_size = 0;
  // KnowledgeOptions::import_threads of the scale import: 0 = the product default.
  size_t import_threads = 0;
};

// Query passes over an existing store (a scale store kept with KB_BENCH_KEEP=1), no import: CPU
// p50/p99 per mode, the slowest queries, and the CPU of the queries in `show` per pass.
int OpenStore(const std::string& path, const std::vector<Query>& queries, const std::vector<size_t>& show,
              const ScaleOptions& so) {
  KnowledgeOptions o;
  o.db_path = path;
  o.load_pack = false;
  o.index_spec = so.index;  // as the scale run made it (else the default spec rebuilds the index)
  o.index_nprobe = so.nprobe;
  const double t0 = MonotonicSeconds();
  auto kb = KnowledgeBase::Open(o);
  if (!kb.ok()) {
    std::fprintf(stderr, "kb_bench: %s\n", kb.status().message().c_str());
    return 1;
  }
  auto st = (*kb)->Stats();
  std::printf("store %s: %lld incidents, opened in %.1f s\n", path.c_str(),
              static_cast<long long>(st.ok() ? st->incidents : -1), MonotonicSeconds() - t0);
  for (auto [mode, name] :
       {std::pair{SearchMode::kHybrid, "hybrid"}, std::pair{SearchMode::kLexical, "lexical"},
        std::pair{SearchMode::kDense, "dense"}, std::pair{SearchMode::kHybrid, "hybrid again"}}) {
    auto l = Measure(**kb, queries, mode, queries.size());
    std::string picked;
    for (size_t q : show) {
      if (q >= l.cpu_ms.size()) continue;
      char buf[48];
      std::snprintf(buf, sizeof buf, " #%zu %.2f", q, l.cpu_ms[q]);
      picked += buf;
    }
    std::printf("  %-13s CPU p50/p99 %.2f/%.2f ms, recall@1/@5 %.3f/%.3f; slowest %s; ms:%s\n", name,
                l.cpu_p50, l.cpu_p99, l.recall1, l.recall5, l.slowest.c_str(), picked.c_str());
  }
  return 0;
}

// The page size the store at `path` was created with, read back from the file (what the A/B
// compares, whatever the option said); -1 when it cannot be read.
int64_t StorePageSize(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t size = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      size = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return size;
}

int Scale(const std::string& pack, const std::vector<Query>& queries, const std::vector<size_t>& sizes,
          const ScaleOptions& so) {
  const std::string& index = so.index;
  auto base = bench::LoadPackIncidents(pack);
  if (!base.ok() || base->empty()) {
    std::fprintf(stderr, "kb_bench: cannot load the pack from %s\n", pack.c_str());
    return 1;
  }
  const size_t nb = so.baseline_queries ? so.baseline_queries : queries.size();
  std::string baselines = so.baselines
                              ? "baselines (Flat dense, FTS5 lexical) on " + std::to_string(nb) + " queries"
                              : "baselines off (--no-baselines)";
  std::printf("\nscale: index %s; %zu timed queries per mode; %s; import in calls of %zu\n", index.c_str(),
              queries.size(), baselines.c_str(), so.chunk);
  std::printf("  nearest-centroid search: %s (bf16 / float kernel time %.2f)\n",
              !HaveBf16Screening()    ? "float (no AVX512_BF16)"
              : Bf16ScreeningChosen() ? "bf16 screening (AVX512_BF16, timed faster)"
                                      : "float (AVX512_BF16 timed no faster)",
              Bf16TimedRatio());
  std::printf("  %8s %10s %9s %8s %13s %13s %13s %9s\n", "entries", "import s", "entries/s", "CPU s",
              "hybrid p50/99", "lexical p50/99", "dense p50/99", "peak MB");
  std::fflush(stdout);
  for (size_t n : sizes) {
    fs::path dir =
        fs::temp_directory_path() / ("vigil_kb_bench_" + std::to_string(n) + "_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    KnowledgeOptions o;
    o.db_path = (dir / "kb.sqlite").string();
    o.load_pack = false;
    o.index_spec = index;
    o.index_nprobe = so.nprobe;
    if (so.near_duplicate >= 0) o.near_duplicate_cosine = so.near_duplicate;
    if (so.near_duplicate_nprobe > 0) o.near_duplicate_nprobe = so.near_duplicate_nprobe;
    if (so.sqlite_page_size > 0) o.sqlite_page_size = so.sqlite_page_size;
    o.import_threads = so.import_threads;
    o.batch_size = 5000;
    std::mt19937_64 rng(42);
    // import_thread_cpu: CPU of the thread that calls ImportIncidents (the writer); the rest of
    // import_cpu ran on the import's worker threads. On idle cores the import's wall time is at
    // least the larger of the two.
    double import_s = 0, import_cpu = 0, import_thread_cpu = 0;
    int64_t stored = 0, skipped = 0;
    {
      auto kb = KnowledgeBase::Open(o);
      if (!kb.ok()) {
        std::fprintf(stderr, "kb_bench: %s\n", kb.status().message().c_str());
        return 1;
      }
      std::printf("    store %s: SQLite page size %lld bytes (%s); import threads %s (hardware threads %u)\n",
                  o.db_path.c_str(), static_cast<long long>(StorePageSize(o.db_path)),
                  so.sqlite_page_size > 0 ? "--sqlite-page-size" : "the product default",
                  so.import_threads > 0 ? std::to_string(so.import_threads).c_str() : "default",
                  std::thread::hardware_concurrency());
      std::fflush(stdout);
      for (size_t done = 0; done < n;) {
        std::vector<Incident> chunk;
        size_t m = std::min(so.chunk, n - done);
        for (size_t i = 0; i < m; ++i)
          chunk.push_back(PerturbIncident((*base)[(done + i) % base->size()], done + i, rng));
        auto t0 = std::chrono::steady_clock::now();
        double c0 = CpuSeconds();
        const double tc0 = ThreadCpuMs();
        auto r = (*kb)->ImportIncidents(chunk, "synthetic");
        import_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        import_cpu += CpuSeconds() - c0;
        import_thread_cpu += (ThreadCpuMs() - tc0) / 1e3;
        if (!r.ok()) {
          std::fprintf(stderr, "kb_bench: %s\n", r.status().message().c_str());
          return 1;
        }
        done += m;
        stored += r->added;
        skipped += r->duplicates;
        // Progress after every call, so a run stopped at a time limit still reports its import
        // rate; the last line has the final stored / skipped counts.
        std::error_code size_ec;
        const auto bm25_bytes = fs::file_size(o.db_path + ".bm25", size_ec);
        std::printf(
            "    imported %zu: %.1f s wall, %.1f s CPU (%.1f s on the calling thread), %.0f entries/s, %.0f "
            "per "
            "CPU-s; %lld stored, %lld near-/duplicates skipped; BM25 file %.1f MB\n",
            done, import_s, import_cpu, import_thread_cpu, done / import_s, done / import_cpu,
            static_cast<long long>(stored), static_cast<long long>(skipped),
            size_ec ? -1.0 : bm25_bytes / 1e6);
        std::fflush(stdout);
      }
      if (so.trim_after_import) {
        // Experiment: do glibc's deferred work on the blocks freed by the import (the synthetic
        // incidents of the last call, the import's own buffers) now instead of in the first
        // queries: malloc_trim consolidates the fast bins; one malloc too large for any free
        // block makes _int_malloc sort the whole unsorted bin into the size bins before it
        // falls back to mmap.
        double c0 = CpuSeconds();
        malloc_trim(0);
        double c1 = CpuSeconds();
        void* big = malloc(size_t{256} << 20);
        free(big);
        std::printf("    after the import: malloc_trim(0) %.1f ms CPU, malloc+free of 256 MiB %.1f ms CPU\n",
                    (c1 - c0) * 1e3, (CpuSeconds() - c1) * 1e3);
      }
      if (so.drain_after_import) {
        // Experiment: glibc's _int_malloc sorts at most 10 000 chunks of its unsorted bin per call
        // (MAX_ITERS) before serving a large request (after malloc_consolidate has moved the fast
        // bins there), so the small blocks freed by the import would be sorted inside the first
        // queries' mallocs. 2 000 mallocs of 1 MiB each sort up to 10 000 of them now. (The
        // pointer goes through a volatile: GCC removes an unused malloc/free pair.)
        static void* volatile sink;
        double c0 = CpuSeconds();
        for (int i = 0; i < 2000; ++i) {
          sink = malloc(size_t{1} << 20);
          free(sink);
        }
        std::printf("    after the import: 2 000 mallocs of 1 MiB %.1f ms CPU\n", (CpuSeconds() - c0) * 1e3);
      }
      auto hybrid = Measure(**kb, queries, SearchMode::kHybrid, queries.size());
      auto lexical = Measure(**kb, queries, SearchMode::kLexical, queries.size());
      auto dense = Measure(**kb, queries, SearchMode::kDense, queries.size());
      std::printf("  %8zu %10.1f %9.0f %8.1f %6.2f/%6.2f %6.2f/%6.2f %6.2f/%6.2f %9.0f\n", n, import_s,
                  n / import_s, import_cpu, hybrid.p50, hybrid.p99, lexical.p50, lexical.p99, dense.p50,
                  dense.p99, PeakRssMb());
      std::printf(
          "           CPU time per query p50/p99 ms: hybrid %.2f/%.2f, lexical %.2f/%.2f, dense %.2f/%.2f\n",
          hybrid.cpu_p50, hybrid.cpu_p99, lexical.cpu_p50, lexical.cpu_p99, dense.cpu_p50, dense.cpu_p99);
      std::printf(
          "           recall@1/@5 at this size: hybrid %.3f/%.3f, lexical %.3f/%.3f, dense %.3f/%.3f\n",
          hybrid.recall1, hybrid.recall5, lexical.recall1, lexical.recall5, dense.recall1, dense.recall5);
      // Hybrid is timed first, right after the import wrote its index files; a second pass shows
      // how much of its tail was first-touch cost (cold pages of the store and the indexes).
      auto hybrid2 = Measure(**kb, queries, SearchMode::kHybrid, queries.size());
      std::printf(
          "           hybrid again (second pass over the same queries): wall p50/p99 %.2f/%.2f ms, "
          "CPU %.2f/%.2f ms\n",
          hybrid2.p50, hybrid2.p99, hybrid2.cpu_p50, hybrid2.cpu_p99);
      std::printf(
          "           page faults / kernel CPU per pass: hybrid first %ld / %.0f ms (monotonic %.3f-%.3f s), "
          "lexical %ld / %.0f ms, dense %ld / %.0f ms, hybrid again %ld / %.0f ms\n",
          hybrid.minor_faults, hybrid.system_ms, hybrid.start_s, hybrid.end_s, lexical.minor_faults,
          lexical.system_ms, dense.minor_faults, dense.system_ms, hybrid2.minor_faults, hybrid2.system_ms);
      std::printf(
          "           slowest queries by CPU (query #, CPU, monotonic start): hybrid first %s; hybrid again "
          "%s\n",
          hybrid.slowest.c_str(), hybrid2.slowest.c_str());
      std::fflush(stdout);
      if (so.baselines) {
        auto fts = MeasureFts5(o.db_path, **kb, queries, nb);
        if (!fts.ok()) {
          std::fprintf(stderr, "kb_bench: %s\n", fts.status().message().c_str());
          return 1;
        }
        std::printf(
            "           lexical vs FTS5 bm25 ORDER BY LIMIT (same terms, same db): FTS5 p50/p99 "
            "%.2f/%.2f ms, speed-up p50 %.1fx p99 %.1fx, same top-1 category %.3f (FTS5 table built for "
            "the baseline in %.1f s)\n",
            fts->p50, fts->p99, fts->p50 / std::max(lexical.p50, 1e-6),
            fts->p99 / std::max(lexical.p99, 1e-6), fts->same_top1, fts->build_s);
        std::fflush(stdout);
      }
      // The approximate index's dense top 10 for the baseline queries, compared with Flat's below
      // (the Flat reopen replaces the index file, so they are taken now).
      auto dense_top = [&](const KnowledgeBase& k, size_t i) {
        SearchQuery q;
        q.text = queries[i % queries.size()].text;
        q.k = 10;
        q.mode = SearchMode::kDense;
        std::vector<std::string> ids;
        auto hits = k.Search(q);
        if (hits.ok())
          for (const auto& h : *hits)
            ids.push_back(h.kind == SearchHit::Kind::kIncident ? h.incident.id : h.heading);
        return ids;
      };
      std::vector<std::vector<std::string>> approx_top;
      if (so.baselines)
        for (size_t i = 0; i < nb; ++i) approx_top.push_back(dense_top(**kb, i));
      kb->reset();
      // Reopen as a user would (`vigil kb search`): loads the index file, rebuilds the BM25 index.
      {
        auto t0 = std::chrono::steady_clock::now();
        auto again = KnowledgeBase::Open(o);
        double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!again.ok()) {
          std::fprintf(stderr, "kb_bench: %s\n", again.status().message().c_str());
          return 1;
        }
        std::printf("           reopen (FAISS and BM25 index files loaded, checked against SQLite): %.1f s\n",
                    open_s);
        // The same queries on the reopened store (a fresh heap, the indexes read from files).
        auto reopened = Measure(**again, queries, SearchMode::kHybrid, queries.size());
        std::printf(
            "           hybrid after reopen: wall p50/p99 %.2f/%.2f ms, CPU %.2f/%.2f ms, page faults %ld, "
            "kernel "
            "CPU %.0f ms\n",
            reopened.p50, reopened.p99, reopened.cpu_p50, reopened.cpu_p99, reopened.minor_faults,
            reopened.system_ms);
      }
      if (so.baselines) {
        // Baseline: brute-force Flat over the same entries (the reopen rebuilds the index).
        KnowledgeOptions flat = o;
        flat.index_spec = "Flat";
        SetLogLevel(LogLevel::kError);
        auto t0 = std::chrono::steady_clock::now();
        auto kbf = KnowledgeBase::Open(flat);
        double rebuild_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        SetLogLevel(LogLevel::kWarn);
        if (!kbf.ok()) {
          std::fprintf(stderr, "kb_bench: %s\n", kbf.status().message().c_str());
          return 1;
        }
        auto flat_dense = Measure(**kbf, queries, SearchMode::kDense, nb);
        // Recall@10 of the approximate index against exact (Flat) search, over the baseline queries.
        size_t found = 0, total = 0;
        for (size_t i = 0; i < nb; ++i) {
          auto exact = dense_top(**kbf, i);
          total += exact.size();
          for (const auto& id : exact)
            found += std::count(approx_top[i].begin(), approx_top[i].end(), id) > 0;
        }
        std::printf(
            "           dense vs Flat: Flat p50/p99 %.2f/%.2f ms, speed-up p50 %.1fx; %s recall@10 vs Flat "
            "%.3f; reopen with Flat (re-embeds every entry): %.1f s; peak RSS %.0f MB\n",
            flat_dense.p50, flat_dense.p99, flat_dense.p50 / std::max(dense.p50, 1e-6), index.c_str(),
            total ? double(found) / total : 0.0, rebuild_s, PeakRssMb());
      }
      std::fflush(stdout);
    }
    if (!std::getenv("KB_BENCH_KEEP")) fs::remove_all(dir);
  }
  return 0;
}

// Per-query CPU time of LexicalIndex::Search and SearchExhaustive on a saved index (see the
// header comment); 0 when every query's results are identical, 1 otherwise.
int LexicalProfile(const std::string& path, const std::vector<Query>& queries, int repeat) {
  uint64_t stamp = 0;
  const double t0 = MonotonicSeconds();
  auto idx = kb::LexicalIndex::Load(path, &stamp);
  if (!idx.ok()) {
    std::fprintf(stderr, "kb_bench: %s\n", idx.status().message().c_str());
    return 2;
  }
  std::printf("lexical: %s: %zu documents, %zu terms, %zu postings, loaded in %.1f s; depth 50, best of %d\n",
              path.c_str(), idx->size(), idx->vocabulary_size(), idx->postings(), MonotonicSeconds() - t0,
              repeat);
  constexpr size_t kDepth = 50;  // what KnowledgeBase::Search asks for at k <= 12
  struct Row {
    size_t q;
    double fast, slow;
    kb::LexicalIndex::SearchStats stats;
    size_t terms;
  };
  std::vector<Row> rows;
  std::vector<double> fast_ms, slow_ms;
  int mismatches = 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto terms = kb::LexicalQueryTerms(queries[i].text);
    Row r{i, 1e300, 1e300, {}, terms.size()};
    std::vector<kb::LexicalIndex::Hit> fast, slow;
    for (int k = 0; k < repeat; ++k) {
      double c0 = ThreadCpuMs();
      fast = idx->Search(terms, kDepth, {}, &r.stats);
      r.fast = std::min(r.fast, ThreadCpuMs() - c0);
      c0 = ThreadCpuMs();
      slow = idx->SearchExhaustive(terms, kDepth, {});
      r.slow = std::min(r.slow, ThreadCpuMs() - c0);
    }
    bool same = fast.size() == slow.size();
    for (size_t j = 0; same && j < fast.size(); ++j)
      same = fast[j].id == slow[j].id && fast[j].score == slow[j].score;
    if (!same) {
      ++mismatches;
      std::printf("  query #%zu: Search differs from exhaustive scoring\n", i);
    }
    fast_ms.push_back(r.fast);
    slow_ms.push_back(r.slow);
    rows.push_back(r);
  }
  std::printf(
      "  Search CPU p50/p99 %.2f/%.2f ms; exhaustive %.2f/%.2f ms (%.1fx at p50); identical results: "
      "%zu/%zu\n",
      Percentile(fast_ms, 0.5), Percentile(fast_ms, 0.99), Percentile(slow_ms, 0.5),
      Percentile(slow_ms, 0.99), Percentile(slow_ms, 0.5) / std::max(Percentile(fast_ms, 0.5), 1e-9),
      queries.size() - mismatches, queries.size());
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.fast > b.fast; });
  std::printf(
      "  slowest: query, terms, postings of its terms, postings read, candidates scored, probes, CPU ms "
      "(exhaustive)\n");
  for (size_t r = 0; r < std::min<size_t>(8, rows.size()); ++r) {
    const auto& x = rows[r];
    std::printf("    #%-4zu %2zu terms %9zu postings %9zu read %8zu cand %8zu probes %7.2f ms (%7.2f)\n", x.q,
                x.terms, x.stats.postings_total, x.stats.postings_read, x.stats.candidates, x.stats.probes,
                x.fast, x.slow);
  }
  return mismatches ? 1 : 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  using namespace vigil;
  std::string queries_path = "evals/knowledge/queries.jsonl", pack = "data/knowledge";
  ScaleOptions so;
  std::vector<size_t> sizes = {10000, 100000};
  bool quality = true, scale = true;
  std::string lexical_file, open_store;
  std::vector<size_t> show = {40, 89, 151, 160};
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kb_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--queries")
      queries_path = next();
    else if (a == "--pack")
      pack = next();
    else if (a == "--index")
      so.index = next();
    else if (a == "--nprobe")
      so.nprobe = std::stoull(next());
    else if (a == "--chunk")
      so.chunk = std::max<size_t>(1, std::stoull(next()));
    else if (a == "--baseline-queries")
      so.baseline_queries = std::stoull(next());
    else if (a == "--near-duplicate")
      so.near_duplicate = std::stod(next());
    else if (a == "--near-duplicate-nprobe")
      so.near_duplicate_nprobe = std::stoull(next());
    else if (a == "--sqlite-page-size")
      so.sqlite_page_size = std::stoi(next());
    else if (a == "--import-threads") {
      so.import_threads = std::stoull(next());
      if (so.import_threads == 0) {
        std::fprintf(stderr, "kb_bench: --import-threads needs a count of 1 or more\n");
        return 2;
      }
    } else if (a == "--trim-after-import")
      so.trim_after_import = true;
    else if (a == "--drain-after-import")
      so.drain_after_import = true;
    else if (a == "--lexical-file")
      lexical_file = next();
    else if (a == "--open-store")
      open_store = next();
    else if (a == "--show") {
      show.clear();
      std::stringstream ss(next());
      for (std::string t; std::getline(ss, t, ',');) show.push_back(std::stoull(t));
    } else if (a == "--repeat")
      repeat = std::max(1, std::stoi(next()));
    else if (a == "--no-baselines")
      so.baselines = false;
    else if (a == "--skip-quality")
      quality = false;
    else if (a == "--skip-scale")
      scale = false;
    else if (a == "--sizes") {
      sizes.clear();
      std::stringstream ss(next());
      for (std::string t; std::getline(ss, t, ',');) sizes.push_back(std::stoull(t));
    } else {
      std::fprintf(stderr, "kb_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  SetLogLevel(LogLevel::kWarn);
  auto queries = LoadQueries(queries_path);
  if (!queries.ok() || queries->empty()) {
    std::fprintf(stderr, "kb_bench: cannot read queries %s\n", queries_path.c_str());
    return 2;
  }
  if (!lexical_file.empty()) return LexicalProfile(lexical_file, *queries, repeat);
  if (!open_store.empty()) return OpenStore(open_store, *queries, show, so);
  if (quality && Quality(pack, *queries, so.index) != 0) return 1;
  if (scale && Scale(pack, *queries, sizes, so) != 0) return 1;
  return 0;
}
