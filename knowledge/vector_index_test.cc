#include "knowledge/vector_index.h"

#include <doctest/doctest.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>

namespace vigil {
namespace {

std::vector<float> UnitVectors(size_t n, size_t d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (size_t i = 0; i < n; ++i) {
    double norm = 0;
    for (size_t k = 0; k < d; ++k) norm += double(v[i * d + k] = g(rng)) * v[i * d + k];
    for (size_t k = 0; k < d; ++k) v[i * d + k] /= static_cast<float>(std::sqrt(norm));
  }
  return v;
}

// Exact k nearest ids by cosine, computed in double.
std::vector<int64_t> BruteForce(const std::vector<float>& xb, const std::vector<int64_t>& ids, const float* q,
                                size_t d, size_t k) {
  std::vector<std::pair<double, int64_t>> all;
  for (size_t i = 0; i < ids.size(); ++i) {
    double dot = 0;
    for (size_t j = 0; j < d; ++j) dot += double(xb[i * d + j]) * q[j];
    all.emplace_back(-dot, ids[i]);
  }
  std::sort(all.begin(), all.end());
  std::vector<int64_t> out;
  for (size_t i = 0; i < k; ++i) out.push_back(all[i].second);
  return out;
}

}  // namespace

TEST_CASE(
    "Flat, HNSW32 and HNSW32_SQfp16 (SIMD distance storage) agree with brute force, also after save and "
    "load") {
  // FAISS parallelises HNSW insertion with OpenMP; on a shared CI machine the spinning threads
  // cost more than they give for 3000 vectors.
  omp_set_num_threads(1);
  constexpr size_t kN = 3000, kD = 100, kQ = 40, kK = 10;  // d not a multiple of 16: tail loop
  auto xb = UnitVectors(kN, kD, 1);
  auto xq = UnitVectors(kQ, kD, 2);
  std::vector<int64_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(1000 + 3 * i);
  std::string path = std::filesystem::temp_directory_path() / ("vigil_vi_test_" + std::to_string(getpid()));
  for (const std::string spec : {"Flat", "HNSW32", "HNSW32_SQfp16"}) {
    INFO("spec " << spec);
    auto idx = VectorIndex::Create(spec, kD);
    REQUIRE(idx.ok());
    // Added in two calls, as imports do batch by batch.
    REQUIRE((*idx)->Add(std::span(ids).first(1000), std::span(xb).first(1000 * kD)).ok());
    REQUIRE((*idx)->Add(std::span(ids).subspan(1000), std::span(xb).subspan(1000 * kD)).ok());
    CHECK((*idx)->size() == static_cast<int64_t>(kN));
    REQUIRE((*idx)->Save(path).ok());
    auto loaded = VectorIndex::Load(path, spec, kD);
    REQUIRE(loaded.ok());
    size_t found = 0;
    for (size_t q = 0; q < kQ; ++q) {
      std::span<const float> query(xq.data() + q * kD, kD);
      auto want = BruteForce(xb, ids, query.data(), kD, kK);
      auto hits = (*idx)->Search(query, kK);
      auto again = (*loaded)->Search(query, kK);
      REQUIRE(hits.ok());
      REQUIRE(again.ok());
      REQUIRE(hits->size() == kK);
      REQUIRE(again->size() == kK);
      std::set<int64_t> want_set(want.begin(), want.end());
      for (size_t r = 0; r < kK; ++r) {
        found += want_set.count((*hits)[r].id);
        CHECK((*again)[r].id == (*hits)[r].id);  // the loaded index answers identically
        CHECK((*again)[r].cosine == doctest::Approx((*hits)[r].cosine).epsilon(1e-6));
        if (r > 0) CHECK((*hits)[r].cosine <= (*hits)[r - 1].cosine + 1e-6f);
      }
      if (spec == "Flat") {
        CHECK((*hits)[0].id == want[0]);
        // Cosine reported from the L2 distance of unit vectors.
        double dot = 0;
        size_t row = static_cast<size_t>(((*hits)[0].id - 1000) / 3);
        for (size_t j = 0; j < kD; ++j) dot += double(xb[row * kD + j]) * query[j];
        CHECK((*hits)[0].cosine == doctest::Approx(dot).epsilon(1e-4));
      }
    }
    double recall = double(found) / (kQ * kK);
    if (spec == "Flat")
      CHECK(recall == 1.0);
    else
      CHECK(recall >= 0.9);
  }
  std::filesystem::remove(path);
}

TEST_CASE(
    "an IVF spec is exact (Flat) below its training size, trains when an Add reaches it, and persists") {
  omp_set_num_threads(1);
  std::string path = std::filesystem::temp_directory_path() / ("vigil_vi_ivf_" + std::to_string(getpid()));
  // d = 64 runs the AVX2 blocked kernel of the batched coarse assignment, d = 100 its fallback.
  for (size_t d : {size_t{64}, size_t{100}}) {
    INFO("d " << d);
    constexpr size_t kN = 300, kQ = 30, kK = 5;
    auto xb = UnitVectors(kN, d, 3);
    auto xq = UnitVectors(kQ, d, 4);
    std::vector<int64_t> ids(kN);
    for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(7 * i + 1);
    auto idx = VectorIndex::Create("IVF4,Flat", d);  // trains at 4 * 32 = 128 vectors
    REQUIRE(idx.ok());
    CHECK(!(*idx)->trained());
    CHECK((*idx)->training_size() == 128);
    REQUIRE((*idx)->Add(std::span(ids).first(100), std::span(xb).first(100 * d)).ok());
    CHECK(!(*idx)->trained());
    auto exact_phase = [&](const VectorIndex& index) {
      for (size_t q = 0; q < kQ; ++q) {
        std::vector<float> prefix(xb.begin(), xb.begin() + 100 * d);
        auto want = BruteForce(prefix, std::vector<int64_t>(ids.begin(), ids.begin() + 100),
                               xq.data() + q * d, d, kK);
        auto hits = index.Search(std::span<const float>(xq.data() + q * d, d), kK);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == kK);
        for (size_t r = 0; r < kK; ++r) CHECK((*hits)[r].id == want[r]);
      }
    };
    exact_phase(**idx);
    REQUIRE((*idx)->Save(path).ok());
    {
      auto flat_phase = VectorIndex::Load(path, "IVF4,Flat", d);
      REQUIRE(flat_phase.ok());
      CHECK(!(*flat_phase)->trained());
      exact_phase(**flat_phase);
      // A Flat-phase file holding more vectors than the spec trains at is not trusted.
      CHECK(VectorIndex::Load(path, "IVF1,Flat", d).status().code() == StatusCode::kDataLoss);
    }
    // Crossing the training size trains on all 300 and adds them.
    REQUIRE((*idx)->Add(std::span(ids).subspan(100), std::span(xb).subspan(100 * d)).ok());
    CHECK((*idx)->trained());
    CHECK((*idx)->size() == static_cast<int64_t>(kN));
    auto check_trained = [&](VectorIndex& index) {
      // nprobe 1: each stored vector is found in the list it was assigned to at add time (batched
      // assignment and single-query search must pick the same nearest centroid).
      index.set_nprobe(1);
      for (size_t i = 0; i < kN; i += 3) {
        auto hits = index.Search(std::span<const float>(xb.data() + i * d, d), 1);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == 1);
        CHECK((*hits)[0].id == ids[i]);
        CHECK((*hits)[0].cosine == doctest::Approx(1.0).epsilon(1e-4));
      }
      // nprobe = nlist: every list scanned, the exact top k.
      index.set_nprobe(4);
      for (size_t q = 0; q < kQ; ++q) {
        auto want = BruteForce(xb, ids, xq.data() + q * d, d, kK);
        auto hits = index.Search(std::span<const float>(xq.data() + q * d, d), kK);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == kK);
        for (size_t r = 0; r < kK; ++r) CHECK((*hits)[r].id == want[r]);
      }
    };
    check_trained(**idx);
    REQUIRE((*idx)->Save(path).ok());
    auto loaded = VectorIndex::Load(path, "IVF4,Flat", d);
    REQUIRE(loaded.ok());
    CHECK((*loaded)->trained());
    CHECK((*loaded)->IdFingerprint() == (*idx)->IdFingerprint());
    check_trained(**loaded);
    // A trained file of another spec is refused.
    CHECK(VectorIndex::Load(path, "IVF8,Flat", d).status().code() == StatusCode::kDataLoss);
    CHECK(VectorIndex::Load(path, "IVF4,SQ8", d).status().code() == StatusCode::kDataLoss);
    // Another trained IVF codec (FAISS's own scanner): same Flat phase and training.
    auto sq = VectorIndex::Create("IVF4,SQ8", d);
    REQUIRE(sq.ok());
    REQUIRE((*sq)->Add(std::span(ids).first(100), std::span(xb).first(100 * d)).ok());
    CHECK(!(*sq)->trained());
    REQUIRE((*sq)->Add(std::span(ids).subspan(100), std::span(xb).subspan(100 * d)).ok());
    CHECK((*sq)->trained());
    (*sq)->set_nprobe(4);
    for (size_t i = 0; i < kN; i += 10) {
      auto hits = (*sq)->Search(std::span<const float>(xb.data() + i * d, d), 1);
      REQUIRE(hits.ok());
      REQUIRE(hits->size() == 1);
      CHECK((*hits)[0].id == ids[i]);
    }
  }
  std::filesystem::remove(path);
}


TEST_CASE("the batched coarse assignment handles row and column counts off its 4 x 2 AVX2 block") {
  omp_set_num_threads(1);
  // IVF3 trains at 96: an Add that reaches 97 assigns 97 rows (97 % 4 = 1) against 3 centroids
  // (3 % 2 = 1) in one batch; later single-query search (nprobe 1) must pick the same list.
  constexpr size_t kD = 64, kN = 97;
  auto xb = UnitVectors(kN, kD, 5);
  std::vector<int64_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(i + 1);
  auto idx = VectorIndex::Create("IVF3,Flat", kD);
  REQUIRE(idx.ok());
  REQUIRE((*idx)->Add(std::span(ids).first(2), std::span(xb).first(2 * kD)).ok());
  REQUIRE((*idx)->Add(std::span(ids).subspan(2), std::span(xb).subspan(2 * kD)).ok());
  REQUIRE((*idx)->trained());
  (*idx)->set_nprobe(1);
  for (size_t i = 0; i < kN; ++i) {
    auto hits = (*idx)->Search(std::span<const float>(xb.data() + i * kD, kD), 1);
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == 1);
    CHECK((*hits)[0].id == ids[i]);
  }
}

}  // namespace vigil
