#include "knowledge/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <immintrin.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <queue>
#include <typeinfo>

namespace vigil {
namespace {

uint64_t Mix(int64_t id) {
  uint64_t x = static_cast<uint64_t>(id) + 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Squared L2 distance. Sixteen independent accumulators let the compiler vectorise the loop
// without reassociating one float sum; the avx2 clone is picked at load time where the CPU has it.
__attribute__((target_clones("avx2", "default"))) float L2Sqr(const float* a, const float* b, size_t d) {
  constexpr size_t kLanes = 16;
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= d; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      float t = a[i + j] - b[i + j];
      acc[j] += t * t;
    }
  }
  float s = 0;
  for (; i < d; ++i) {
    float t = a[i] - b[i];
    s += t * t;
  }
  for (float v : acc) s += v;
  return s;
}

// Distance computer over flat float storage using L2Sqr (HNSW construction and search).
struct SimdL2Computer final : faiss::FlatCodesDistanceComputer {
  explicit SimdL2Computer(const faiss::IndexFlat& index)
      : faiss::FlatCodesDistanceComputer(index.codes.data(), index.code_size),
        d_(static_cast<size_t>(index.d)),
        xb_(index.get_xb()) {}
  void set_query(const float* x) override { q_ = x; }
  float distance_to_code(const uint8_t* code) override {
    return L2Sqr(q_, reinterpret_cast<const float*>(code), d_);
  }
  float symmetric_dis(idx_t i, idx_t j) override { return L2Sqr(xb_ + i * d_, xb_ + j * d_, d_); }

 private:
  size_t d_;
  const float* xb_;
  const float* q_ = nullptr;
};

// Debian's libfaiss (1.7.3) is compiled for baseline x86-64, where faiss::fvec_L2sqr is a scalar
// loop: at 512 dimensions it dominated HNSW insertion and Flat search. This IndexFlatL2 computes
// distances with L2Sqr instead. It serialises as a plain IndexFlatL2 (write_index dispatches on
// IndexFlat), and UseSimdStorage swaps it back in after read_index.
struct SimdFlatL2 final : faiss::IndexFlatL2 {
  explicit SimdFlatL2(idx_t d) : faiss::IndexFlatL2(d) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override {
    return new SimdL2Computer(*this);
  }
  // Exhaustive k-NN (the `Flat` spec and the benchmark's baseline).
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* /*params*/) const override {
    const float* xb = get_xb();
    const size_t dim = static_cast<size_t>(d);
    for (idx_t q = 0; q < n; ++q) {
      std::priority_queue<std::pair<float, idx_t>> heap;  // worst (largest) on top
      for (idx_t i = 0; i < ntotal; ++i) {
        float dist = L2Sqr(x + q * dim, xb + i * dim, dim);
        if (static_cast<idx_t>(heap.size()) < k) {
          heap.emplace(dist, i);
        } else if (dist < heap.top().first) {
          heap.pop();
          heap.emplace(dist, i);
        }
      }
      for (idx_t r = k; r-- > 0;) {
        distances[q * k + r] = heap.empty() ? std::numeric_limits<float>::infinity() : heap.top().first;
        labels[q * k + r] = heap.empty() ? -1 : heap.top().second;
        if (!heap.empty()) heap.pop();
      }
    }
  }
};

// IEEE half -> float (FAISS's QT_fp16 codes are IEEE halves), for CPUs without F16C.
float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (man << 13);  // inf / nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {  // subnormal half: renormalise
    uint32_t e = 113, m = man;
    while (!(m & 0x400)) {
      m <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((m & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Squared L2 between a float query and an fp16 code (and between two codes). At 512
// dimensions a code is 1 KiB instead of 2: HNSW construction at 1 M entries is bound by fetching
// the vectors of graph neighbours from memory, so halving them halves that traffic.
float L2SqrF16Scalar(const float* q, const uint16_t* c, size_t d) {
  float s = 0;
  for (size_t i = 0; i < d; ++i) {
    float t = q[i] - HalfToFloat(c[i]);
    s += t * t;
  }
  return s;
}
float L2SqrF16F16Scalar(const uint16_t* a, const uint16_t* b, size_t d) {
  float s = 0;
  for (size_t i = 0; i < d; ++i) {
    float t = HalfToFloat(a[i]) - HalfToFloat(b[i]);
    s += t * t;
  }
  return s;
}
float HorizontalSum(__m256 v) __attribute__((target("avx2")));
float HorizontalSum(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
  return _mm_cvtss_f32(x);
}
__attribute__((target("avx2,f16c,fma"))) float L2SqrF16Avx2(const float* q, const uint16_t* c, size_t d) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(q + i),
                              _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(c + i))));
    __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(q + i + 8),
                              _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(c + i + 8))));
    acc0 = _mm256_fmadd_ps(t0, t0, acc0);
    acc1 = _mm256_fmadd_ps(t1, t1, acc1);
  }
  float s = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < d; ++i) {
    float t = q[i] - HalfToFloat(c[i]);
    s += t * t;
  }
  return s;
}
__attribute__((target("avx2,f16c,fma"))) float L2SqrF16F16Avx2(const uint16_t* a, const uint16_t* b,
                                                               size_t d) {
  __m256 acc = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    __m256 t = _mm256_sub_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i))),
                             _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    acc = _mm256_fmadd_ps(t, t, acc);
  }
  float s = HorizontalSum(acc);
  for (; i < d; ++i) {
    float t = HalfToFloat(a[i]) - HalfToFloat(b[i]);
    s += t * t;
  }
  return s;
}
const bool kHaveF16Avx2 =
    __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma");

struct SimdF16Computer final : faiss::FlatCodesDistanceComputer {
  SimdF16Computer(const uint8_t* codes, size_t code_size, size_t d)
      : faiss::FlatCodesDistanceComputer(codes, code_size), d_(d) {}
  void set_query(const float* x) override { q_ = x; }
  float distance_to_code(const uint8_t* code) override {
    const auto* c = reinterpret_cast<const uint16_t*>(code);
    return kHaveF16Avx2 ? L2SqrF16Avx2(q_, c, d_) : L2SqrF16Scalar(q_, c, d_);
  }
  float symmetric_dis(idx_t i, idx_t j) override {
    const auto* a = reinterpret_cast<const uint16_t*>(codes + i * code_size);
    const auto* b = reinterpret_cast<const uint16_t*>(codes + j * code_size);
    return kHaveF16Avx2 ? L2SqrF16F16Avx2(a, b, d_) : L2SqrF16F16Scalar(a, b, d_);
  }

 private:
  size_t d_;
  const float* q_ = nullptr;
};

// fp16 scalar-quantizer storage (`HNSW32_SQfp16`) whose HNSW distances use the F16C kernel
// above; FAISS's own SQ distance code in Debian's baseline build is scalar. Serialises as a plain
// IndexScalarQuantizer and is swapped back in on load, like SimdFlatL2.
struct SimdSQfp16 final : faiss::IndexScalarQuantizer {
  explicit SimdSQfp16(idx_t d)
      : faiss::IndexScalarQuantizer(d, faiss::ScalarQuantizer::QT_fp16, faiss::METRIC_L2) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override {
    return new SimdF16Computer(codes.data(), code_size, static_cast<size_t>(d));
  }
};

// Replaces a plain L2 IndexFlat (the whole index, or an HNSW's storage) by SimdFlatL2, keeping
// its vectors. Other index types are left as FAISS built them.
void UseSimdStorage(faiss::IndexIDMap2* map) {
  auto plain_l2 = [](const faiss::Index* i) {
    return (typeid(*i) == typeid(faiss::IndexFlatL2) || typeid(*i) == typeid(faiss::IndexFlat)) &&
           i->metric_type == faiss::METRIC_L2;
  };
  auto swap_in = [](faiss::Index* old) -> faiss::Index* {
    auto* flat = static_cast<faiss::IndexFlat*>(old);
    auto* fast = new SimdFlatL2(flat->d);
    fast->codes = std::move(flat->codes);
    fast->ntotal = flat->ntotal;
    delete flat;
    return fast;
  };
  if (plain_l2(map->index)) {
    map->index = swap_in(map->index);
  } else if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(map->index); hnsw && hnsw->own_fields) {
    if (plain_l2(hnsw->storage)) {
      hnsw->storage = swap_in(hnsw->storage);
    } else if (typeid(*hnsw->storage) == typeid(faiss::IndexScalarQuantizer) &&
               hnsw->storage->metric_type == faiss::METRIC_L2) {
      auto* sq = static_cast<faiss::IndexScalarQuantizer*>(hnsw->storage);
      if (sq->sq.qtype == faiss::ScalarQuantizer::QT_fp16) {
        auto* fast = new SimdSQfp16(sq->d);
        fast->codes = std::move(sq->codes);
        fast->ntotal = sq->ntotal;
        delete sq;
        hnsw->storage = fast;
      }
    }
  }
}

// Search-time knobs that trade a little speed for recall on small k.
void Tune(faiss::Index* base, size_t k) {
  if (auto* h = dynamic_cast<faiss::IndexHNSW*>(base))
    h->hnsw.efSearch = std::max<int>(64, static_cast<int>(k) * 2);
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(base)) ivf->nprobe = std::min<size_t>(ivf->nlist, 16);
}

}  // namespace

uint64_t IdFingerprint(std::span<const int64_t> ids) {
  uint64_t sum = 0;
  for (int64_t id : ids) sum += Mix(id);
  return sum;
}

VectorIndex::VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim)
    : index_(std::move(index)), spec_(std::move(spec)), dim_(dim) {}

static faiss::IndexIDMap2* Map(const std::unique_ptr<faiss::Index>& index) {
  return static_cast<faiss::IndexIDMap2*>(index.get());
}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const std::string& spec, size_t dim) {
  if (spec.find("IDMap") != std::string::npos) {
    return InvalidArgumentError("kb_index `" + spec +
                                "`: leave IDMap out, ids are mapped by the knowledge base");
  }
  try {
    faiss::Index* base = faiss::index_factory(static_cast<int>(dim), spec.c_str(), faiss::METRIC_L2);
    auto map = std::make_unique<faiss::IndexIDMap2>(base);
    map->own_fields = true;
    UseSimdStorage(map.get());
    return std::unique_ptr<VectorIndex>(
        new VectorIndex(std::unique_ptr<faiss::Index>(map.release()), spec, dim));
  } catch (const std::exception& e) {
    return InvalidArgumentError(
        "kb_index `" + spec +
        "` is not a FAISS index factory string (e.g. Flat, HNSW32, IVF256,Flat): " + e.what());
  }
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, const std::string& spec,
                                                       size_t dim) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError("index file " + path + " does not exist");
  try {
    faiss::Index* raw = faiss::read_index(path.c_str());
    auto* map = dynamic_cast<faiss::IndexIDMap2*>(raw);
    if (!map) {
      delete raw;
      return DataLossError("index file " + path + " is not an id-mapped index");
    }
    std::unique_ptr<faiss::IndexIDMap2> owned(map);
    owned->own_fields = true;
    UseSimdStorage(owned.get());
    if (static_cast<size_t>(owned->d) != dim) {
      return DataLossError("index file " + path + " has dimension " + std::to_string(owned->d) +
                           ", expected " + std::to_string(dim));
    }
    return std::unique_ptr<VectorIndex>(
        new VectorIndex(std::unique_ptr<faiss::Index>(owned.release()), spec, dim));
  } catch (const std::exception& e) {
    return DataLossError("index file " + path + " is unreadable: " + e.what());
  }
}

Status VectorIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * dim_)
    return InternalError("VectorIndex::Add: vector count does not match ids");
  if (ids.empty()) return Status::Ok();
  auto* map = Map(index_);
  try {
    if (!map->is_trained) {
      faiss::Index* base = map->index;
      size_t need = 1;
      if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(base)) need = ivf->nlist;
      if (ids.size() < need) {
        return FailedPreconditionError("kb_index `" + spec_ + "` needs at least " + std::to_string(need) +
                                       " entries to train, have " + std::to_string(ids.size()) +
                                       "; use Flat or HNSW32 for small knowledge bases");
      }
      base->train(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data());
      map->is_trained = base->is_trained;
    }
    map->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data(), ids.data());
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS add failed: ") + e.what());
  }
  return Status::Ok();
}

Result<std::vector<VectorIndex::Hit>> VectorIndex::Search(std::span<const float> query, size_t k) const {
  std::vector<Hit> hits;
  if (index_->ntotal == 0 || k == 0) return hits;
  if (query.size() != dim_) return InternalError("VectorIndex::Search: query has the wrong dimension");
  k = std::min<size_t>(k, static_cast<size_t>(index_->ntotal));
  std::vector<float> dist(k);
  std::vector<faiss::Index::idx_t> labels(k);
  try {
    Tune(Map(index_)->index, k);
    index_->search(1, query.data(), static_cast<faiss::Index::idx_t>(k), dist.data(), labels.data());
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS search failed: ") + e.what());
  }
  for (size_t i = 0; i < k; ++i) {
    if (labels[i] < 0) continue;
    hits.push_back({labels[i], 1.0f - dist[i] / 2.0f});
  }
  return hits;
}

Status VectorIndex::Save(const std::string& path) const {
  std::string tmp = path + ".tmp";
  try {
    faiss::write_index(index_.get(), tmp.c_str());
  } catch (const std::exception& e) {
    return InternalError("cannot write index " + tmp + ": " + e.what());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return InternalError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

int64_t VectorIndex::size() const { return index_->ntotal; }

uint64_t VectorIndex::IdFingerprint() const {
  const auto& ids = Map(index_)->id_map;
  return vigil::IdFingerprint(std::span<const int64_t>(ids.data(), ids.size()));
}

}  // namespace vigil
