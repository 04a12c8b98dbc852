#include "knowledge/vector_index.h"

#include <doctest/doctest.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/index_io.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

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

// Threads of this process now (/proc/self/task).
static size_t ProcessThreads() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

TEST_CASE("a one-query Search starts no OpenMP team (the default IVF spec in its Flat phase, and Flat)") {
  // Knowledge recall searches one query per alert line: thousands in an alert storm. FAISS's
  // IndexIDMap::search turned positions into ids with an `omp parallel for`, so each search woke
  // (and left spinning) a team of every core. Run on a fresh thread: OpenMP keeps a team per
  // calling thread, so a team made earlier by another test is not counted, nor is one missed.
  constexpr size_t kD = 16;
  for (const std::string spec : {"IVF1024,Flat", "Flat"}) {
    INFO("spec " << spec);
    auto idx = VectorIndex::Create(spec, kD);
    REQUIRE(idx.ok());
    auto xb = UnitVectors(40, kD, 3);
    std::vector<int64_t> ids(40);
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(500 + i);
    REQUIRE((*idx)->Add(ids, xb).ok());
    size_t before = 0, after = 0;
    int64_t first = -1;
    std::thread t([&] {
      omp_set_num_threads(4);  // this thread's OpenMP default: a team of 4 if a region is entered
      before = ProcessThreads();
      auto hits = (*idx)->Search(std::span<const float>(xb.data() + 7 * kD, kD), 5);
      if (hits.ok() && !hits->empty()) first = (*hits)[0].id;
      after = ProcessThreads();
    });
    t.join();
    CHECK(first == 507);  // ids, not positions
    CHECK(after == before);
  }
}

TEST_CASE("the batched coarse assignment handles row and column counts off its AVX2 / AVX-512 blocks") {
  omp_set_num_threads(1);
  // IVF3 trains at 96 and IVF7 at 224: an Add that reaches 97 (225) assigns 97 (225) rows,
  // 1 more than a multiple of 4, against 3 (7) centroids, off both kernels' column blocks (2 for
  // AVX2, 4 for AVX-512; 7 = 4 + 3 runs a full AVX-512 block and the remainder) in one batch;
  // later single-query search (nprobe 1) must pick the same list.
  constexpr size_t kD = 64;
  for (size_t nlist : {size_t{3}, size_t{7}}) {
    INFO("nlist " << nlist);
    const size_t n = 32 * nlist + 1;
    auto xb = UnitVectors(n, kD, 5);
    std::vector<int64_t> ids(n);
    for (size_t i = 0; i < n; ++i) ids[i] = static_cast<int64_t>(i + 1);
    auto idx = VectorIndex::Create("IVF" + std::to_string(nlist) + ",Flat", kD);
    REQUIRE(idx.ok());
    REQUIRE((*idx)->Add(std::span(ids).first(2), std::span(xb).first(2 * kD)).ok());
    REQUIRE((*idx)->Add(std::span(ids).subspan(2), std::span(xb).subspan(2 * kD)).ok());
    REQUIRE((*idx)->trained());
    (*idx)->set_nprobe(1);
    for (size_t i = 0; i < n; ++i) {
      auto hits = (*idx)->Search(std::span<const float>(xb.data() + i * kD, kD), 1);
      REQUIRE(hits.ok());
      REQUIRE(hits->size() == 1);
      CHECK((*hits)[0].id == ids[i]);
    }
  }
}

}  // namespace vigil

namespace vigil {

TEST_CASE("precomputed IVF lists: Add with AssignLists' lists equals a plain Add; NearestStored") {
  omp_set_num_threads(1);
  constexpr size_t kD = 64, kN = 400, kQ = 50;
  auto xb = UnitVectors(kN, kD, 21);
  auto xq = UnitVectors(kQ, kD, 22);
  std::vector<int64_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(5 * i + 2);
  auto plain = VectorIndex::Create("IVF4,Flat", kD);
  auto with_lists = VectorIndex::Create("IVF4,Flat", kD);
  REQUIRE(plain.ok());
  REQUIRE(with_lists.ok());
  // Exact over every stored vector in the Flat phase (and no lists to assign yet).
  REQUIRE((*with_lists)->Add(std::span(ids).first(100), std::span(xb).first(100 * kD)).ok());
  REQUIRE((*plain)->Add(std::span(ids).first(200), std::span(xb).first(200 * kD)).ok());  // trains
  REQUIRE((*plain)->trained());
  {
    // Near copies (cosine ~0.99) of the first 50 stored vectors are found exactly through the
    // sign sketches; random queries (cosine < 0.6 with everything here) are not near anything.
    std::vector<float> copies(kQ * kD);
    auto noise = UnitVectors(kQ, kD, 23);
    for (size_t q = 0; q < kQ; ++q) {
      double norm = 0;
      for (size_t j = 0; j < kD; ++j) {
        copies[q * kD + j] = xb[q * kD + j] + 0.15f * noise[q * kD + j];
        norm += double(copies[q * kD + j]) * copies[q * kD + j];
      }
      for (size_t j = 0; j < kD; ++j) copies[q * kD + j] /= static_cast<float>(std::sqrt(norm));
    }
    auto lists = (*with_lists)->AssignLists(copies);
    REQUIRE(lists.ok());
    CHECK(lists->empty());
    auto near = (*with_lists)->NearestStored(copies, *lists);
    REQUIRE(near.ok());
    REQUIRE(near->size() == kQ);
    auto far = (*with_lists)->NearestStored(xq, *lists);
    REQUIRE(far.ok());
    for (size_t q = 0; q < kQ; ++q) {
      auto want =
          BruteForce(std::vector<float>(xb.begin(), xb.begin() + 100 * kD),
                     std::vector<int64_t>(ids.begin(), ids.begin() + 100), copies.data() + q * kD, kD, 1);
      CHECK((*near)[q].id == want[0]);
      CHECK((*near)[q].id == ids[q]);
      CHECK((*near)[q].cosine > 0.98f);
      CHECK((*far)[q].cosine < 0.9f);
    }
  }
  REQUIRE(
      (*with_lists)->Add(std::span(ids).subspan(100, 100), std::span(xb).subspan(100 * kD, 100 * kD)).ok());
  REQUIRE((*with_lists)->trained());
  // The rest in two calls: the same vectors with precomputed lists, and plainly.
  auto rest = std::span(xb).subspan(200 * kD);
  auto lists = (*with_lists)->AssignLists(rest);
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == kN - 200);
  REQUIRE((*with_lists)->Add(std::span(ids).subspan(200), rest, *lists).ok());
  REQUIRE((*plain)->Add(std::span(ids).subspan(200), rest).ok());
  CHECK((*with_lists)->size() == (*plain)->size());
  CHECK((*with_lists)->IdFingerprint() == (*plain)->IdFingerprint());
  // Wrong-sized lists are refused, not misread.
  CHECK(!(*with_lists)
             ->Add(std::span(ids).first(2), std::span(xb).first(2 * kD), std::span(*lists).first(1))
             .ok());
  for (size_t nprobe : {size_t{1}, size_t{4}}) {
    (*plain)->set_nprobe(nprobe);
    (*with_lists)->set_nprobe(nprobe);
    for (size_t q = 0; q < kQ; ++q) {
      std::span<const float> query(xq.data() + q * kD, kD);
      auto a = (*plain)->Search(query, 5);
      auto b = (*with_lists)->Search(query, 5);
      REQUIRE(a.ok());
      REQUIRE(b.ok());
      REQUIRE(a->size() == b->size());
      for (size_t r = 0; r < a->size(); ++r) CHECK((*a)[r].id == (*b)[r].id);
    }
  }
  // NearestStored over the own list (nprobe 1) is Search's nearest with nprobe 1, and over
  // every list (nprobe = nlist) the exact nearest; the lists of all rows come in one call.
  for (size_t nprobe : {size_t{1}, size_t{4}}) {
    INFO("nprobe " << nprobe);
    auto probe_lists = (*with_lists)->AssignLists(xq, nprobe);
    REQUIRE(probe_lists.ok());
    REQUIRE(probe_lists->size() == kQ * nprobe);
    auto near = (*with_lists)->NearestStored(xq, *probe_lists, nprobe);
    REQUIRE(near.ok());
    REQUIRE(near->size() == kQ);
    (*with_lists)->set_nprobe(nprobe);
    for (size_t q = 0; q < kQ; ++q) {
      std::span<const float> query(xq.data() + q * kD, kD);
      auto hit = (*with_lists)->Search(query, 1);
      REQUIRE(hit.ok());
      REQUIRE(hit->size() == 1);
      CHECK((*near)[q].id == (*hit)[0].id);
      CHECK((*near)[q].cosine == doctest::Approx((*hit)[0].cosine).epsilon(1e-4));
      if (nprobe == 4) CHECK((*near)[q].id == BruteForce(xb, ids, query.data(), kD, 1)[0]);
    }
  }
}

TEST_CASE("an index file of an older vigil (IndexIDMap2) still loads") {
  omp_set_num_threads(1);
  constexpr size_t kD = 32, kN = 50;
  auto xb = UnitVectors(kN, kD, 31);
  std::vector<faiss::Index::idx_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<faiss::Index::idx_t>(100 + i);
  std::string path = std::filesystem::temp_directory_path() / ("vigil_vi_idmap2_" + std::to_string(getpid()));
  {
    faiss::IndexIDMap2 old(new faiss::IndexFlatL2(kD));
    old.own_fields = true;
    old.add_with_ids(kN, xb.data(), ids.data());
    faiss::write_index(&old, path.c_str());
  }
  auto loaded = VectorIndex::Load(path, "Flat", kD);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK((*loaded)->size() == static_cast<int64_t>(kN));
  for (size_t i = 0; i < kN; i += 7) {
    auto hits = (*loaded)->Search(std::span<const float>(xb.data() + i * kD, kD), 1);
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == 1);
    CHECK((*hits)[0].id == ids[i]);
  }
  std::filesystem::remove(path);
}

}  // namespace vigil

namespace vigil {

TEST_CASE(
    "Save appends new vectors to a log that Load replays; the log is compacted; torn and foreign logs") {
  omp_set_num_threads(1);
  constexpr size_t kD = 64, kN = 800;
  namespace fs = std::filesystem;
  auto xb = UnitVectors(kN, kD, 41);
  std::vector<int64_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(3 * i + 7);
  const std::string path = fs::temp_directory_path() / ("vigil_vi_log_" + std::to_string(getpid()));
  const std::string log = path + ".log";
  const size_t record = 2 * sizeof(int64_t) + kD * sizeof(float) + sizeof(uint64_t);  // + checksum
  for (const std::string spec : {"IVF4,Flat", "Flat"}) {
    INFO("spec " << spec);
    auto idx = VectorIndex::Create(spec, kD);
    REQUIRE(idx.ok());
    auto add = [&](size_t from, size_t to) {
      REQUIRE((*idx)
                  ->Add(std::span(ids).subspan(from, to - from),
                        std::span(xb).subspan(from * kD, (to - from) * kD))
                  .ok());
    };
    // Same answers, ids and count as the in-memory index.
    auto same = [&](const VectorIndex& loaded) {
      CHECK(loaded.size() == (*idx)->size());
      CHECK(loaded.IdFingerprint() == (*idx)->IdFingerprint());
      for (size_t i = 0; i < static_cast<size_t>(loaded.size()); i += 13) {
        auto hits = loaded.Search(std::span<const float>(xb.data() + i * kD, kD), 1);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == 1);
        CHECK((*hits)[0].id == ids[i]);
      }
    };
    add(0, 200);  // IVF4 trains at 128: trained here
    REQUIRE((*idx)->Save(path).ok());
    const auto base_size = fs::file_size(path);
    const auto header = fs::file_size(log);
    add(200, 260);
    REQUIRE((*idx)->Save(path).ok());
    CHECK(fs::file_size(path) == base_size);  // base untouched
    CHECK(fs::file_size(log) == header + 60 * record);
    add(260, 380);
    REQUIRE((*idx)->Save(path).ok());
    CHECK(fs::file_size(log) == header + 180 * record);
    {
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      same(**loaded);
      // A loaded index keeps appending to the same log.
      REQUIRE((*loaded)->Add(std::span(ids).subspan(380, 10), std::span(xb).subspan(380 * kD, 10 * kD)).ok());
      REQUIRE((*loaded)->Save(path).ok());
      CHECK(fs::file_size(log) == header + 190 * record);
      auto again = VectorIndex::Load(path, spec, kD);
      REQUIRE(again.ok());
      CHECK((*again)->size() == 390);
    }
    add(380, 390);  // the in-memory index catches up with what the loaded copy saved
    // A torn last record (a crash during the append) is dropped: one vector fewer than saved,
    // which the knowledge base sees as a count mismatch and rebuilds.
    const auto full_log = fs::file_size(log);
    std::string saved_log;
    {
      std::ifstream in(log, std::ios::binary);
      saved_log.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto write_log = [&](const std::string& bytes) {
      std::ofstream out(log, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    };
    fs::resize_file(log, full_log - record / 2);
    {
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      CHECK((*loaded)->size() == 389);
      CHECK((*loaded)->replay_note().find("ends inside record 190") != std::string::npos);
    }
    // A flipped byte in the vector of record 121 (a bad write back; the file length is right):
    // that record fails its checksum and it and the 69 after it are dropped, not loaded.
    {
      std::string bad = saved_log;
      bad[header + 120 * record + 40] ^= 0x10;
      write_log(bad);
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      CHECK((*loaded)->size() == 200 + 120);
      CHECK((*loaded)->replay_note().find("record 121 fails its checksum") != std::string::npos);
    }
    // A tail of zeros (an extended file whose data never reached the disk) is no record either.
    {
      write_log(saved_log + std::string(2 * record, '\0'));
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      CHECK((*loaded)->size() == 390);
      CHECK((*loaded)->replay_note().find("record 191 fails its checksum") != std::string::npos);
    }
    // A log of format 1 (no checksums, an older vigil) still replays; the next Save rewrites base
    // and log in format 2.
    {
      std::string v1 = saved_log.substr(0, header);
      v1[7] = '1';  // magic VKBFLOG1
      for (size_t r = 0; r < 190; ++r) v1 += saved_log.substr(header + r * record, record - sizeof(uint64_t));
      write_log(v1);
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      CHECK((*loaded)->size() == 390);
      CHECK((*loaded)->replay_note().empty());
      same(**loaded);
      REQUIRE((*loaded)->Add(std::span(ids).subspan(390, 5), std::span(xb).subspan(390 * kD, 5 * kD)).ok());
      REQUIRE((*loaded)->Save(path).ok());
      CHECK(fs::file_size(log) == header);  // rewritten: base holds all 395, the log none
      auto again = VectorIndex::Load(path, spec, kD);
      REQUIRE(again.ok());
      CHECK((*again)->size() == 395);
      CHECK((*again)->replay_note().empty());
    }
    write_log(saved_log);
    fs::resize_file(log, full_log - record / 2);
    // The log outgrows the base (200 + 190 + 400 > 2 x 200): base and log are rewritten.
    add(390, 800);
    REQUIRE((*idx)->Save(path).ok());
    CHECK(fs::file_size(log) == header);
    CHECK(fs::file_size(path) > base_size);
    {
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      same(**loaded);
    }
    // A log of another base is ignored: the base alone is loaded.
    const std::string other = path + ".other";
    {
      auto small = VectorIndex::Create(spec, kD);
      REQUIRE(small.ok());
      REQUIRE((*small)->Add(std::span(ids).first(200), std::span(xb).first(200 * kD)).ok());
      REQUIRE((*small)->Save(other).ok());
      REQUIRE((*small)->Add(std::span(ids).subspan(200, 5), std::span(xb).subspan(200 * kD, 5 * kD)).ok());
      REQUIRE((*small)->Save(other).ok());
      fs::copy_file(other + ".log", log, fs::copy_options::overwrite_existing);
      auto loaded = VectorIndex::Load(path, spec, kD);
      REQUIRE(loaded.ok());
      CHECK((*loaded)->size() == 800);
    }
    for (const auto& f : {path, log, other, other + ".log"}) fs::remove(f);
  }
}

}  // namespace vigil

namespace vigil {

TEST_CASE(
    "NearestStored with a cosine bound (sign-sketch filter) finds every stored vector at or above it, in "
    "the Flat phase and in IVF lists, with sketches given to Add or computed on first use") {
  omp_set_num_threads(1);
  constexpr size_t kD = 64, kN = 600, kQ = 300;
  auto xb = UnitVectors(kN, kD, 51);
  std::vector<int64_t> ids(kN);
  for (size_t i = 0; i < kN; ++i) ids[i] = static_cast<int64_t>(7 * i + 1);
  // Queries: copies of stored vectors with noise of growing size (cosine from ~0.999 down to
  // ~0.9, many at the 0.985 threshold), and unrelated vectors.
  std::vector<float> xq(kQ * kD);
  auto noise = UnitVectors(kQ, kD, 52), far = UnitVectors(kQ, kD, 53);
  for (size_t q = 0; q < kQ; ++q) {
    const float scale = 0.02f + 0.45f * static_cast<float>(q % 100) / 100.0f;
    double norm = 0;
    for (size_t j = 0; j < kD; ++j) {
      float& x = xq[q * kD + j];
      x = q % 3 == 2 ? far[q * kD + j] : xb[(q * 37 % kN) * kD + j] + scale * noise[q * kD + j];
      norm += double(x) * x;
    }
    for (size_t j = 0; j < kD; ++j) xq[q * kD + j] /= static_cast<float>(std::sqrt(norm));
  }
  const auto sketches = SignSketches(xb, kD);
  for (bool give_sketches : {false, true}) {
    INFO("sketches given to Add: " << give_sketches);
    auto idx = VectorIndex::Create("IVF4,Flat", kD);  // trains at 128
    REQUIRE(idx.ok());
    size_t checked_above = 0;
    auto check = [&](size_t stored, size_t nprobe) {
      INFO("stored " << stored << ", nprobe " << nprobe);
      auto lists = (*idx)->AssignLists(xq, nprobe);
      REQUIRE(lists.ok());
      auto exact = (*idx)->NearestStored(xq, *lists, nprobe);  // every candidate compared
      auto filtered = (*idx)->NearestStored(xq, *lists, nprobe, 0.985);
      REQUIRE(exact.ok());
      REQUIRE(filtered.ok());
      for (size_t q = 0; q < kQ; ++q) {
        INFO("query " << q);
        if ((*exact)[q].cosine >= 0.985f) {
          ++checked_above;
          CHECK((*filtered)[q].id == (*exact)[q].id);
          // (The unfiltered pass sums each product in another order: the last bit may differ.)
          CHECK((*filtered)[q].cosine == doctest::Approx((*exact)[q].cosine).epsilon(1e-5));
        } else {
          CHECK((*filtered)[q].cosine < 0.985f);
        }
      }
    };
    auto add = [&](size_t from, size_t to) {
      REQUIRE((*idx)
                  ->Add(std::span(ids).subspan(from, to - from),
                        std::span(xb).subspan(from * kD, (to - from) * kD), {},
                        give_sketches
                            ? std::span(sketches).subspan(from * kSketchWords, (to - from) * kSketchWords)
                            : std::span<const uint64_t>())
                  .ok());
    };
    add(0, 60);
    check(60, 1);  // Flat phase
    add(60, 100);
    check(100, 1);
    add(100, 300);  // trains
    REQUIRE((*idx)->trained());
    check(300, 1);
    check(300, 2);
    add(300, 450);  // appended to lists whose sketches exist (kept by Add or computed later)
    check(450, 2);
    add(450, 600);
    check(600, 4);
    CHECK(checked_above >= 150);  // the comparison means something
  }
}

}  // namespace vigil

namespace vigil {

TEST_CASE("a FAISS add that throws leaves the sign sketches describing exactly what FAISS holds") {
  // Before, Add kept a row's sketch before FAISS's add: when the add threw, its list (or the
  // Flat index) had one sketch more than vectors, the next row added there got no sketch of
  // its own, and NearestStored then filtered that row by the failed row's sketch: a stored
  // vector at cosine 1 was passed over (a missed near-duplicate, never a wrong vector).
  omp_set_num_threads(1);
  constexpr size_t kD = 64, kN = 200;
  auto xb = UnitVectors(kN + 2, kD, 31);
  std::vector<int64_t> ids(kN + 2);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i + 1);
  for (const char* spec : {"IVF4,Flat", "Flat"}) {
    INFO("index " << std::string(spec));
    auto idx = VectorIndex::Create(spec, kD);
    REQUIRE(idx.ok());
    VectorIndex& v = **idx;
    REQUIRE(v.Add(std::span(ids).first(kN), std::span(xb).first(kN * kD)).ok());
    const size_t nprobe = v.trained() ? 4 : 1;
    // Each row's nearest stored vector through the sketch filter at 0.985 (all lists probed).
    auto nearest = [&](std::span<const float> rows) {
      auto lists = v.AssignLists(rows, nprobe);
      REQUIRE(lists.ok());
      auto hits = v.NearestStored(rows, *lists, nprobe, 0.985, SignSketches(rows, kD));
      REQUIRE(hits.ok());
      return *hits;
    };
    for (const auto& h : nearest(std::span(xb).first(kN * kD))) CHECK(h.cosine > 0.999f);  // sketches made
    std::span<const float> a(xb.data() + kN * kD, kD), b(xb.data() + (kN + 1) * kD, kD);
    auto b_list = v.AssignLists(b);
    REQUIRE(b_list.ok());
    // Row a into b's list (IVF); FAISS throws.
    v.set_add_hook_for_test([] { throw std::runtime_error("simulated FAISS failure"); });
    auto failed = v.Add(std::span(ids).subspan(kN, 1), a, *b_list, SignSketches(a, kD));
    CHECK(!failed.ok());
    CHECK(failed.message().find("FAISS add failed: simulated FAISS failure") != std::string::npos);
    CHECK(v.size() == static_cast<int64_t>(kN));
    v.set_add_hook_for_test(nullptr);
    REQUIRE(v.Add(std::span(ids).subspan(kN + 1, 1), b, *b_list, SignSketches(b, kD)).ok());
    auto hit = nearest(b);
    CHECK(hit[0].id == ids[kN + 1]);
    CHECK(hit[0].cosine > 0.999f);
    // Every stored vector is still found as its own nearest.
    auto all = nearest(std::span(xb).first(kN * kD));
    for (size_t i = 0; i < kN; ++i) CHECK(all[i].id == ids[i]);
  }
}

}  // namespace vigil

namespace vigil {
namespace {

// Unit vectors in tight clusters around `centers` random directions (cosine ~0.9-0.99 to their
// center, like the benchmark's copies of pack entries), with some rows repeated exactly: many
// centroids end up nearly tied for a row.
std::vector<float> ClusteredUnitVectors(size_t n, size_t d, size_t centers, uint64_t seed) {
  auto c = UnitVectors(centers, d, seed);
  std::mt19937_64 rng(seed + 1);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && rng() % 10 == 0) {  // an exact repeat of an earlier row
      const size_t j = rng() % i;
      std::copy_n(v.data() + j * d, d, v.data() + i * d);
      continue;
    }
    const size_t k = rng() % centers;
    const float noise = 0.02f + 0.1f * static_cast<float>(rng() % 100) / 100 / std::sqrt(float(d)) * 8;
    double norm = 0;
    for (size_t j = 0; j < d; ++j) norm += double(v[i * d + j] = c[k * d + j] + noise * g(rng)) * v[i * d + j];
    for (size_t j = 0; j < d; ++j) v[i * d + j] /= static_cast<float>(std::sqrt(norm));
  }
  return v;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("bf16 screening of the nearest-centroid search gives the float search's lists bit for bit") {
  omp_set_num_threads(1);
  if (!HaveBf16Screening()) MESSAGE("this CPU has no AVX512_BF16: both runs take the float search");
  MESSAGE("the timing chose " << std::string(Bf16ScreeningChosen() ? "the bf16 screening" : "the float search")
                               << " (bf16 / float kernel time " << Bf16TimedRatio() << ")");
  const auto dir = std::filesystem::temp_directory_path() / ("vigil_bf16_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  // (d, nlist, rows): 37 centroids leave a column remainder of 1 after the 4-wide blocks; 300 spans
  // two column tiles of 256 with a remainder; the row counts leave 1-3 rows past a 64-row tile
  // (the float loop) and tiles whose rows are not a multiple of 4 (InnerProduct rows).
  struct Shape {
    size_t d, nlist, rows;
  };
  for (Shape shape : {Shape{64, 37, 37 * 32 + 5}, Shape{64, 300, 300 * 32 + 66}, Shape{512, 16, 16 * 32 + 71}}) {
    INFO("d " << shape.d << " nlist " << shape.nlist);
    const size_t d = shape.d, n = shape.rows;
    auto xb = ClusteredUnitVectors(n, d, shape.nlist / 3 + 2, 17 + d);
    std::vector<int64_t> ids(n);
    for (size_t i = 0; i < n; ++i) ids[i] = static_cast<int64_t>(i + 1);
    auto queries = ClusteredUnitVectors(515, d, shape.nlist / 3 + 2, 17 + d);  // same centers
    std::vector<std::string> files;
    std::vector<std::vector<int64_t>> assigned;
    const auto before = Bf16ScreeningCountsForTesting();
    for (bool screening : {false, true}) {
      SetBf16ScreeningForTesting(screening);
      auto idx = VectorIndex::Create("IVF" + std::to_string(shape.nlist) + ",Flat", d);
      REQUIRE(idx.ok());
      // Training (k-means, whose assignment steps run the search) at the crossing Add, then a
      // batch assigned by the search.
      const size_t first = shape.nlist * 32;
      REQUIRE((*idx)->Add(std::span(ids).first(first), std::span(xb).first(first * d)).ok());
      REQUIRE((*idx)->trained());
      REQUIRE((*idx)->Add(std::span(ids).subspan(first), std::span(xb).subspan(first * d)).ok());
      const std::string path = (dir / ("idx_" + std::to_string(screening))).string();
      REQUIRE((*idx)->Save(path).ok());
      files.push_back(FileBytes(path));
      std::vector<int64_t> lists;
      for (size_t nprobe : {size_t{1}, size_t{3}, size_t{8}}) {
        auto l = (*idx)->AssignLists(queries, nprobe);
        REQUIRE(l.ok());
        lists.insert(lists.end(), l->begin(), l->end());
      }
      assigned.push_back(lists);
    }
    SetBf16ScreeningForTesting(std::nullopt);
    // The same centroids (k-means took the same steps), the same vectors in the same lists.
    CHECK(files[0].size() > 0);
    CHECK((files[0] == files[1]));
    CHECK((assigned[0] == assigned[1]));
    if (HaveBf16Screening()) {
      const auto after = Bf16ScreeningCountsForTesting();
      const size_t screened = after.first - before.first, exact = after.second - before.second;
      MESSAGE("pairs screened " << screened << ", given the float distance " << exact);
      CHECK(screened > 0);
      CHECK(exact < screened / 2);
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace vigil
