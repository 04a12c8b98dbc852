// Named kb_... so that doctest (ordered by file name) runs it after importers_test.cc, whose
// memory-limit check fails once a worker thread has left free memory in a glibc arena of its own
// (kb_import_threads_test.cc says more).
// The incident cache (KnowledgeOptions::incident_cache_bytes) under `vigil serve`'s use of it: the
// triage workers read the same incidents for every alert of a storm (GetIncident, which fills and
// evicts the cache), an engineer's resolution replaces one meanwhile (UpsertIncident, which must
// end every cached copy), and /metrics reads the cache's usage (IncidentCache), all on different
// threads of one KnowledgeBase. Written for ThreadSanitizer (TSAN, 2026-12-03: a race on the cache
// is a report there), and a check of its own in any build: the writer reads what it wrote, no
// reader ever sees a version older than one it has already seen, each read is one whole version,
// and the usage stays in its budget.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

constexpr int kIncidents = 60;
constexpr int kVersions = 12;

std::string IdOf(int i) {
  std::string id = "threads-";
  id += std::to_string(i);
  return id;
}

Incident Version(int i, int v) {
  Incident inc;
  // (Appends, not "x" + std::string: GCC 12's false -Wrestrict.)
  inc.id = IdOf(i);
  inc.source = "threads";
  inc.title = "NCCL timeout on rank ";
  inc.title += std::to_string(i);
  inc.root_cause = "nccl_timeout";
  char mitigation[16];
  std::snprintf(mitigation, sizeof mitigation, "v%d", v);
  inc.mitigation = mitigation;
  // A changed text each version (a replacement, not a duplicate), ~2 KB (~3 KB as the cache counts
  // an incident) so that the budget holds only part of them and reads evict.
  inc.raw_text = "postmortem ";
  inc.raw_text += std::to_string(i);
  inc.raw_text += " version ";
  inc.raw_text += std::to_string(v);
  inc.raw_text += ": ";
  while (inc.raw_text.size() < 2000) {
    inc.raw_text += "allreduce stalled on ring ";
    inc.raw_text += std::to_string(i);
    inc.raw_text += "; ";
  }
  return inc;
}

int VersionOf(const Incident& inc) { return std::stoi(inc.mitigation.substr(1)); }

TEST_CASE("the incident cache under serve's threads: readers, a replacing writer and the metrics read at once") {
  KnowledgeOptions o;
  o.db_path = ":memory:";
  o.load_pack = false;
  o.index_spec = "Flat";
  o.near_duplicate_cosine = 0;
  // 128 KiB: an incident of ~3 KB is cached (under a 32nd of the budget), about 40 of the 60 fit,
  // so the readers' rounds fill and evict.
  o.incident_cache_bytes = 128 << 10;
  auto opened = KnowledgeBase::Open(o);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  KnowledgeBase& kb = **opened;
  std::vector<Incident> first;
  for (int i = 0; i < kIncidents; ++i) first.push_back(Version(i, 0));
  REQUIRE(kb.ImportIncidents(first, "threads").ok());

  std::atomic<bool> writing{true};
  std::atomic<int> bad_reads{0}, older_reads{0}, over_budget{0}, reads{0};
  std::atomic<size_t> most_cached{0};
  auto reader = [&](int start) {
    std::vector<int> seen(kIncidents, 0);  // the newest version this thread has read of each
    for (int round = 0; writing.load() || round < 2; ++round) {
      for (int k = 0; k < kIncidents; ++k) {
        const int i = (start + k) % kIncidents;
        Result<Incident> got = kb.GetIncident(IdOf(i));
        ++reads;
        if (!got.ok()) {
          ++bad_reads;
          continue;
        }
        const int v = VersionOf(*got);
        if (got->raw_text != Version(i, v).raw_text) ++bad_reads;  // parts of two versions
        if (v < seen[static_cast<size_t>(i)]) ++older_reads;  // a stale cached copy after an update
        seen[static_cast<size_t>(i)] = std::max(seen[static_cast<size_t>(i)], v);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back(reader, t * 7);
  threads.emplace_back([&] {  // /metrics
    while (writing.load()) {
      const IncidentCacheUsage u = kb.IncidentCache();
      if (u.bytes > u.budget) ++over_budget;
      if (u.incidents > most_cached.load()) most_cached = u.incidents;
      std::this_thread::yield();
    }
  });
  // The writer (a resolution's import) reads each incident before replacing it (so a copy is
  // cached) and after: it must read what it wrote, whatever the readers cached meanwhile.
  int replaced = 0, stale_after_write = 0;
  for (int v = 1; v <= kVersions; ++v) {
    for (int i = v % 3; i < kIncidents; i += 3) {
      (void)kb.GetIncident(IdOf(i));
      Result<ImportReport> r = kb.UpsertIncident(Version(i, v));
      if (r.ok()) replaced += static_cast<int>(r->replaced);
      Result<Incident> after = kb.GetIncident(IdOf(i));
      if (!after.ok() || after->mitigation != Version(i, v).mitigation) ++stale_after_write;
    }
  }
  writing = false;
  for (std::thread& t : threads) t.join();
  CHECK(replaced == kVersions * kIncidents / 3);
  CHECK(stale_after_write == 0);
  CHECK(reads.load() >= 3 * 2 * kIncidents);
  CHECK(bad_reads.load() == 0);
  CHECK(older_reads.load() == 0);
  CHECK(over_budget.load() == 0);
  CHECK(most_cached.load() > 0);  // the reads went through the cache
  CHECK(kb.IncidentCache().incidents < static_cast<size_t>(kIncidents));  // and it evicted
  // After the writer: every incident reads as its last version, cached or not.
  for (int i = 0; i < kIncidents; ++i) {
    int last = 0;
    for (int v = 1; v <= kVersions; ++v) {
      if (i % 3 == v % 3) last = v;
    }
    Result<Incident> got = kb.GetIncident(IdOf(i));
    REQUIRE(got.ok());
    CHECK(got->mitigation == Version(i, last).mitigation);
  }
}

}  // namespace
}  // namespace vigil
