// Review tests of this session's import-speed changes (knowledge/README.md): edge cases the
// change's own tests do not reach.
#include <doctest/doctest.h>
#include <omp.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "knowledge/knowledge_base.h"
#include "knowledge/sqlite_testing.h"
#include "knowledge/temp_dir_testing.h"
#include "knowledge/vector_index.h"

namespace vigil {
namespace {

std::string ReviewFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Trains an IVF index on `xb` (its first nlist * 32 rows train it, the rest are assigned by the
// nearest-centroid search), with the bf16 screening forced on or off; returns the saved file, the
// AssignLists of `queries` at nprobe 1, 3 and 8 and the (row, centroid) pairs the screening
// passed over (those not given the float distance).
struct Built {
  std::string file;
  std::vector<int64_t> lists;
  size_t skipped = 0;
};
Built BuildAndAssign(const std::vector<float>& xb, const std::vector<float>& queries, size_t d, size_t nlist,
                     bool screening, const std::filesystem::path& dir) {
  SetBf16ScreeningForTesting(screening);
  const auto before = Bf16ScreeningCountsForTesting();
  const size_t n = xb.size() / d;
  std::vector<int64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = static_cast<int64_t>(i + 1);
  auto idx = VectorIndex::Create("IVF" + std::to_string(nlist) + ",Flat", d);
  REQUIRE(idx.ok());
  const size_t first = nlist * 32;
  REQUIRE((*idx)->Add(std::span(ids).first(first), std::span(xb).first(first * d)).ok());
  REQUIRE((*idx)->trained());
  REQUIRE((*idx)->Add(std::span(ids).subspan(first), std::span(xb).subspan(first * d)).ok());
  const std::string path = (dir / ("idx_" + std::to_string(screening))).string();
  REQUIRE((*idx)->Save(path).ok());
  std::vector<int64_t> lists;
  for (size_t nprobe : {size_t{1}, size_t{3}, size_t{8}}) {
    auto l = (*idx)->AssignLists(queries, nprobe);
    REQUIRE(l.ok());
    lists.insert(lists.end(), l->begin(), l->end());
  }
  SetBf16ScreeningForTesting(std::nullopt);
  const auto after = Bf16ScreeningCountsForTesting();
  return {ReviewFileBytes(path), lists, (after.first - before.first) - (after.second - before.second)};
}

// Rows of d floats: random directions in a few tight clusters, scaled by `scale`.
std::vector<float> ScaledClusters(size_t n, size_t d, size_t centers, float scale, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> c(centers * d), v(n * d);
  for (float& x : c) x = g(rng);
  for (size_t i = 0; i < n; ++i) {
    const size_t k = rng() % centers;
    double norm = 0;
    for (size_t j = 0; j < d; ++j) norm += double(v[i * d + j] = c[k * d + j] + 0.3f * g(rng)) * v[i * d + j];
    for (size_t j = 0; j < d; ++j) v[i * d + j] = static_cast<float>(v[i * d + j] / std::sqrt(norm) * scale);
  }
  return v;
}

}  // namespace

// The screening's bound is relative to |x| |c|: VDPBF16PS and the bf16 conversion flush
// subnormal inputs, products and sums to zero, which no relative bound covers, and a bf16
// product can overflow where the float one does not. The lists must still be the float search's.
TEST_CASE("bf16 screening gives the float search's lists for vectors of tiny and of huge norm") {
  if (!HaveBf16Screening()) {
    MESSAGE("this CPU has no AVX512_BF16: nothing to compare");
    return;
  }
  omp_set_num_threads(1);
  const auto dir = std::filesystem::temp_directory_path() / ("vigil_bf16_review_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  constexpr size_t kD = 64, kList = 37;
  SUBCASE("norm 2^-61: products of components are subnormal") {
    const float scale = std::ldexp(1.0f, -61);
    auto xb = ScaledClusters(kList * 32 + 300, kD, 12, scale, 5);
    auto q = ScaledClusters(200, kD, 12, scale, 6);
    auto off = BuildAndAssign(xb, q, kD, kList, false, dir);
    auto on = BuildAndAssign(xb, q, kD, kList, true, dir);
    CHECK((off.file == on.file));
    CHECK((off.lists == on.lists));
  }
  SUBCASE("norm just under 2^64: a bf16 product overflows where the float one does not") {
    // One component rounds up to 2^64 in bf16 (2^128 overflows), squares stay finite in float.
    auto xb = ScaledClusters(kList * 32 + 300, kD, 12, std::ldexp(1.0f, 50), 7);
    auto q = ScaledClusters(200, kD, 12, std::ldexp(1.0f, 50), 8);
    for (auto* v : {&xb, &q})
      for (size_t i = 0; i < v->size(); i += kD) (*v)[i] = std::ldexp(1.0f - std::ldexp(1.0f, -10), 64);
    auto off = BuildAndAssign(xb, q, kD, kList, false, dir);
    auto on = BuildAndAssign(xb, q, kD, kList, true, dir);
    CHECK((off.file == on.file));
    CHECK((off.lists == on.lists));
  }
  SUBCASE("norm 2^59.5, just inside where the screening runs (|x| |c| = 2^119)") {
    const float scale = std::ldexp(1.0f, 59) * std::sqrt(2.0f);
    auto xb = ScaledClusters(kList * 32 + 300, kD, 12, scale, 11);
    auto q = ScaledClusters(200, kD, 12, scale, 12);
    auto off = BuildAndAssign(xb, q, kD, kList, false, dir);
    auto on = BuildAndAssign(xb, q, kD, kList, true, dir);
    CHECK((off.file == on.file));
    CHECK((off.lists == on.lists));
    CHECK(on.skipped > 0);
  }
  SUBCASE("queries with NaN and infinite components among unit rows") {
    auto xb = ScaledClusters(kList * 32 + 300, kD, 12, 1.0f, 13);
    auto q = ScaledClusters(200, kD, 12, 1.0f, 14);
    q[5 * kD + 3] = std::numeric_limits<float>::quiet_NaN();
    q[9 * kD] = std::numeric_limits<float>::infinity();
    q[10 * kD + 7] = -std::numeric_limits<float>::infinity();
    auto off = BuildAndAssign(xb, q, kD, kList, false, dir);
    auto on = BuildAndAssign(xb, q, kD, kList, true, dir);
    CHECK((off.file == on.file));
    CHECK((off.lists == on.lists));
    CHECK(on.skipped > 0);
  }
  SUBCASE("unit norm with subnormal components, all-zero rows and opposite clusters") {
    auto xb = ScaledClusters(kList * 32 + 300, kD, 12, 1.0f, 9);
    auto q = ScaledClusters(200, kD, 12, 1.0f, 10);
    for (auto* v : {&xb, &q}) {
      for (size_t i = 0; i < v->size(); i += kD) {
        const size_t row = i / kD;
        if (row % 3 == 0) (*v)[i + row % kD] = std::ldexp(1.0f, -140);  // a subnormal component
        if (row % 17 == 0) std::fill_n(v->begin() + i, kD, 0.0f);       // an all-zero row
        if (row % 2 == 0)
          for (size_t j = 0; j < kD; ++j) (*v)[i + j] = -(*v)[i + j];  // the opposite direction
      }
    }
    auto off = BuildAndAssign(xb, q, kD, kList, false, dir);
    auto on = BuildAndAssign(xb, q, kD, kList, true, dir);
    CHECK((off.file == on.file));
    CHECK((off.lists == on.lists));
    CHECK(on.skipped > 0);  // the screening did pass over pairs: the lists above compare two paths
  }
  std::filesystem::remove_all(dir);
}

// Incidents are written with SQLite's foreign keys off (WriteIncidents). An exception from inside
// the write (nlohmann's dump of a list item that is not UTF-8: ImportIncidents takes the caller's
// strings as they are) must not leave them off, nor the transaction open: the import fails with
// an error, and a guide replaced afterwards still loses its old chunks by cascade.
TEST_CASE("an incident import that fails inside the write leaves foreign keys on and no open transaction") {
  TempDir tmp;
  KnowledgeOptions o;
  o.db_path = (tmp.path / "kb.sqlite").string();
  o.load_pack = false;
  o.index_spec = "Flat";
  auto opened = KnowledgeBase::Open(o);
  REQUIRE(opened.ok());
  auto& kb = *opened;
  Incident good;
  good.id = "t-good";
  good.title = "NCCL hang on ring allreduce";
  good.raw_text = "rank 3 stuck in ncclAllReduce";
  good.root_cause = "nccl_collective_hang";
  Incident bad = good;
  bad.id = "t-bad";
  bad.title = "A symptom that is not UTF-8";
  bad.symptoms = {"xid \xff\xfe"};
  std::vector<Incident> both = {good, bad};
  Result<ImportReport> r = InternalError("not run");
  CHECK_NOTHROW(r = kb->ImportIncidents(both, "api"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().ToString().find("UTF-8") != std::string::npos);  // what went wrong
  // Nothing of the failed import is stored (the one transaction rolled back).
  SearchQuery q;
  q.text = "NCCL hang ring allreduce";
  auto hits = kb->Search(q);
  REQUIRE(hits.ok());
  CHECK(hits->empty());
  const std::filesystem::path guide = tmp.path / "runbook.md";
  std::ofstream(guide)
      << "# Runbook\n\n## Fans\n\nCheck the quokka fan tray.\n\n## Power\n\nReseat the PSU.\n";
  auto first = kb->Import(guide.string());
  REQUIRE(first.ok());
  std::ofstream(guide, std::ios::trunc) << "# Runbook\n\n## Fans\n\nCheck the narwhal fan tray.\n";
  auto second = kb->Import(guide.string());
  REQUIRE(second.ok());
  REQUIRE(second->replaced == 1);
  auto again = kb->ImportIncidents(std::span(&good, 1), "api");
  REQUIRE(again.ok());
  CHECK(again->added == 1);
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(o.db_path.c_str(), &raw) == SQLITE_OK);
  CHECK(CountRows(raw, "SELECT 1 FROM guide_chunks") == second->added);  // the old version's went by cascade
  CHECK(CountRows(raw, "PRAGMA foreign_key_check") == 0);
  sqlite3_close(raw);
}

// A user-defined category (a root cause outside the taxonomy) is written with the first batch of
// its import. When the import fails before that batch commits, the rollback removes the category
// row, and the knowledge base must not go on listing it (Stats) as if it were stored; when the
// failure comes after a committed batch, the row and the incidents naming it stay, and so does
// the category.
TEST_CASE("a failed import lists only the user-defined categories the database still holds") {
  for (size_t batch : {size_t{1000}, size_t{1}}) {
    CAPTURE(batch);
    TempDir tmp;
    KnowledgeOptions o;
    o.db_path = (tmp.path / "kb.sqlite").string();
    o.load_pack = false;
    o.index_spec = "Flat";
    o.batch_size = batch;
    auto opened = KnowledgeBase::Open(o);
    REQUIRE(opened.ok());
    auto& kb = *opened;
    Incident good;
    good.id = "t-fans";
    good.title = "Fan tray failure on the quokka chassis";
    good.raw_text = "fan tray 3 reports 0 rpm";
    good.root_cause = "chassis_fan_failure";  // not in the taxonomy: kept as user-defined
    Incident bad = good;
    bad.id = "t-bad";
    bad.title = "A symptom that is not UTF-8";
    bad.symptoms = {"xid \xff\xfe"};
    std::vector<Incident> both = {good, bad};
    auto r = kb->ImportIncidents(both, "api");
    REQUIRE_FALSE(r.ok());
    auto stats = kb->Stats();
    REQUIRE(stats.ok());
    const auto& user = stats->user_defined_categories;
    const bool listed = std::find(user.begin(), user.end(), "chassis_fan_failure") != user.end();
    // batch 1000: one transaction, rolled back whole; batch 1: the good incident and the category
    // committed before the bad one failed.
    CHECK(listed == (batch == 1));
    auto reopened_stats = [&] {
      kb.reset();
      auto again = KnowledgeBase::Open(o);
      REQUIRE(again.ok());
      auto st = (*again)->Stats();
      REQUIRE(st.ok());
      return st->user_defined_categories;
    }();
    CHECK((reopened_stats == user));  // memory agrees with what a reopen reads from the database
  }
}

}  // namespace vigil
