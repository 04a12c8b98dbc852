#include "knowledge/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/InvertedLists.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <optional>
#include <queue>
#include <random>
#include <typeinfo>

#include "knowledge/target_clones.h"
#include "knowledge/text_util.h"

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
VIGIL_TARGET_CLONES("avx2", "default") float L2Sqr(const float* a, const float* b, size_t d) {
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

// Inner product of two vectors (norms for the blocked search below).
VIGIL_TARGET_CLONES("avx2", "default") float InnerProduct(const float* a, const float* b,
                                                                     size_t d) {
  constexpr size_t kLanes = 16;
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= d; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float s = 0;
  for (; i < d; ++i) s += a[i] * b[i];
  for (float v : acc) s += v;
  return s;
}

float HorizontalSum(__m256 v) __attribute__((target("avx2")));
float HorizontalSum(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
  return _mm_cvtss_f32(x);
}

// out[r * ny + c] = x_r . y_c for nx rows of x and ny rows of y (d floats each).
void InnerProductsScalar(const float* x, size_t nx, const float* y, size_t ny, size_t d, float* out) {
  for (size_t r = 0; r < nx; ++r) {
    for (size_t c = 0; c < ny; ++c) out[r * ny + c] = InnerProduct(x + r * d, y + c * d, d);
  }
}

// The same, blocked for AVX2 (InnerProducts picks it). The AVX2 kernel
// computes a 4 x 2 block of dot products per pass over d (8 accumulators: each loaded y lane
// is used 4 times, each x lane twice); d must be a multiple of 8 for it.
__attribute__((target("avx2,fma"))) void InnerProductsAvx2(const float* x, size_t nx, const float* y,
                                                           size_t ny, size_t d, float* out) {
  size_t r = 0;
  for (; r + 4 <= nx; r += 4) {
    const float* x0 = x + r * d;
    const float* x1 = x0 + d;
    const float* x2 = x1 + d;
    const float* x3 = x2 + d;
    size_t c = 0;
    for (; c + 2 <= ny; c += 2) {
      const float* y0 = y + c * d;
      const float* y1 = y0 + d;
      __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
             a31 = a00;
      for (size_t i = 0; i < d; i += 8) {
        __m256 b0 = _mm256_loadu_ps(y0 + i), b1 = _mm256_loadu_ps(y1 + i);
        __m256 v = _mm256_loadu_ps(x0 + i);
        a00 = _mm256_fmadd_ps(v, b0, a00);
        a01 = _mm256_fmadd_ps(v, b1, a01);
        v = _mm256_loadu_ps(x1 + i);
        a10 = _mm256_fmadd_ps(v, b0, a10);
        a11 = _mm256_fmadd_ps(v, b1, a11);
        v = _mm256_loadu_ps(x2 + i);
        a20 = _mm256_fmadd_ps(v, b0, a20);
        a21 = _mm256_fmadd_ps(v, b1, a21);
        v = _mm256_loadu_ps(x3 + i);
        a30 = _mm256_fmadd_ps(v, b0, a30);
        a31 = _mm256_fmadd_ps(v, b1, a31);
      }
      out[r * ny + c] = HorizontalSum(a00);
      out[r * ny + c + 1] = HorizontalSum(a01);
      out[(r + 1) * ny + c] = HorizontalSum(a10);
      out[(r + 1) * ny + c + 1] = HorizontalSum(a11);
      out[(r + 2) * ny + c] = HorizontalSum(a20);
      out[(r + 2) * ny + c + 1] = HorizontalSum(a21);
      out[(r + 3) * ny + c] = HorizontalSum(a30);
      out[(r + 3) * ny + c + 1] = HorizontalSum(a31);
    }
    for (; c < ny; ++c) {
      for (size_t j = 0; j < 4; ++j) out[(r + j) * ny + c] = InnerProduct(x + (r + j) * d, y + c * d, d);
    }
  }
  InnerProductsScalar(x + r * d, nx - r, y, ny, d, out + r * ny);  // the last nx % 4 rows
}
const bool kHaveAvx2Fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

// The same with 16-lane registers and a 4 x 4 block (16 accumulators: each loaded lane feeds 4
// FMAs, against 2 in the AVX2 kernel); d must be a multiple of 16. The coarse assignment of every
// add, k-means and the near-duplicate check run through it on CPUs with AVX-512.
__attribute__((target("avx512f"))) void InnerProductsAvx512(const float* x, size_t nx, const float* y,
                                                            size_t ny, size_t d, float* out) {
  size_t r = 0;
  for (; r + 4 <= nx; r += 4) {
    const float* x0 = x + r * d;
    const float* x1 = x0 + d;
    const float* x2 = x1 + d;
    const float* x3 = x2 + d;
    size_t c = 0;
    for (; c + 4 <= ny; c += 4) {
      const float* y0 = y + c * d;
      const float* y1 = y0 + d;
      const float* y2 = y1 + d;
      const float* y3 = y2 + d;
      __m512 acc[4][4];
      for (auto& row : acc)
        for (auto& a : row) a = _mm512_setzero_ps();
      for (size_t i = 0; i < d; i += 16) {
        const __m512 b0 = _mm512_loadu_ps(y0 + i), b1 = _mm512_loadu_ps(y1 + i), b2 = _mm512_loadu_ps(y2 + i),
                     b3 = _mm512_loadu_ps(y3 + i);
        const float* xs[4] = {x0, x1, x2, x3};
        for (int j = 0; j < 4; ++j) {
          const __m512 v = _mm512_loadu_ps(xs[j] + i);
          acc[j][0] = _mm512_fmadd_ps(v, b0, acc[j][0]);
          acc[j][1] = _mm512_fmadd_ps(v, b1, acc[j][1]);
          acc[j][2] = _mm512_fmadd_ps(v, b2, acc[j][2]);
          acc[j][3] = _mm512_fmadd_ps(v, b3, acc[j][3]);
        }
      }
      // (GCC 12's _mm512_reduce_add_ps trips -Wmaybe-uninitialized: sum through memory.)
      alignas(64) float lanes[16];
      for (size_t j = 0; j < 4; ++j) {
        for (size_t k = 0; k < 4; ++k) {
          _mm512_store_ps(lanes, acc[j][k]);
          float sum = 0;
          for (float l : lanes) sum += l;
          out[(r + j) * ny + c + k] = sum;
        }
      }
    }
    for (; c < ny; ++c) {
      for (size_t j = 0; j < 4; ++j) out[(r + j) * ny + c] = InnerProduct(x + (r + j) * d, y + c * d, d);
    }
  }
  InnerProductsScalar(x + r * d, nx - r, y, ny, d, out + r * ny);  // the last nx % 4 rows
}
const bool kHaveAvx512 = __builtin_cpu_supports("avx512f");

void InnerProducts(const float* x, size_t nx, const float* y, size_t ny, size_t d, float* out) {
  if (kHaveAvx512 && d % 16 == 0 && nx >= 4) return InnerProductsAvx512(x, nx, y, ny, d, out);
  if (kHaveAvx2Fma && d % 8 == 0) return InnerProductsAvx2(x, nx, y, ny, d, out);
  InnerProductsScalar(x, nx, y, ny, d, out);
}

// One product of InnerProductsAvx512's 4 x 4 blocks, with the same bits: a 16-lane FMA chain
// over d, then the lanes summed in order.
__attribute__((target("avx512f"))) float Fma16Dot(const float* x, const float* y, size_t d) {
  __m512 acc = _mm512_setzero_ps();
  for (size_t i = 0; i < d; i += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), acc);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, acc);
  float sum = 0;
  for (float l : lanes) sum += l;
  return sum;
}

// bfloat16 screening for the blocked nearest-centroid search (SimdFlatL2::search): the inner
// products of all pairs are first computed from bf16 copies of both sides (VDPBF16PS: 32
// products per instruction, half the bytes), which are within kBf16DotError * |x| |y| of the
// float ones; only the stored vectors whose bound can still reach the k nearest get the float
// product, computed exactly as InnerProducts computes it there, so the result is the float
// search's, bit for bit. (Each bf16 input is within 2^-8 relative of its float, so a product
// within 2^-7 + 2^-16 of the float product; float rounding of both sums adds at most
// (d/16 + 16) 2^-24 each (VDPBF16PS rounds twice per lane step, the FMA chain once, then the
// lane sums) relative of sum |x_i y_i| <= |x| |y|, < 3.3e-5 in all for d <= 4096: 2^-6 is twice
// what is needed, and it covers d up to about 2^19.)
constexpr double kBf16DotError = 1.0 / 64;
enum class Bf16Mode { kAuto, kOff, kOn };
Bf16Mode bf16_mode = Bf16Mode::kAuto;  // SetBf16ScreeningForTesting
// Bf16ScreeningCountsForTesting. Atomic: every blocked search adds to them when it ends, and
// searches of different indexes (two stores importing in one process) run concurrently.
std::atomic<size_t> bf16_screened_pairs{0}, bf16_exact_pairs{0};
const bool kHaveAvx512Bf16 = kHaveAvx512 && __builtin_cpu_supports("avx512bf16");

// bf16 copies (round to nearest even) of n rows of d floats, d a multiple of 32.
__attribute__((target("avx512f,avx512bf16"))) void ToBf16(const float* x, size_t n, size_t d, uint16_t* out) {
  for (size_t i = 0; i < n * d; i += 32) {
    const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(x + i));
    std::memcpy(out + i, &v, sizeof v);
  }
}

__attribute__((target("avx512f,avx512bf16"))) inline __m512bh LoadBf16(const uint16_t* p) {
  __m512bh v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// (Through memory: GCC 12's extract intrinsics trip -Wmaybe-uninitialized.)
__attribute__((target("avx512f"))) inline float ReduceAdd(__m512 v) {
  alignas(64) float l[16];
  _mm512_store_ps(l, v);
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])) + ((l[8] + l[9]) + (l[10] + l[11])) +
         ((l[12] + l[13]) + (l[14] + l[15]));
}

__attribute__((target("avx512f,avx512bf16"))) float DotBf16(const uint16_t* x, const uint16_t* y, size_t d) {
  __m512 acc = _mm512_setzero_ps();
  for (size_t i = 0; i < d; i += 32) acc = _mm512_dpbf16_ps(acc, LoadBf16(x + i), LoadBf16(y + i));
  return ReduceAdd(acc);
}

// out[r * ny + c] ~= x_r . y_c from bf16 rows (d a multiple of 32), 4 x 4 blocks.
__attribute__((target("avx512f,avx512bf16"))) void InnerProductsBf16(const uint16_t* x, size_t nx,
                                                                    const uint16_t* y, size_t ny, size_t d,
                                                                    float* out) {
  size_t r = 0;
  for (; r + 4 <= nx; r += 4) {
    size_t c = 0;
    for (; c + 4 <= ny; c += 4) {
      __m512 acc[4][4];
      for (auto& row : acc)
        for (auto& a : row) a = _mm512_setzero_ps();
      for (size_t i = 0; i < d; i += 32) {
        const __m512bh b0 = LoadBf16(y + c * d + i), b1 = LoadBf16(y + (c + 1) * d + i),
                       b2 = LoadBf16(y + (c + 2) * d + i), b3 = LoadBf16(y + (c + 3) * d + i);
        for (size_t j = 0; j < 4; ++j) {
          const __m512bh v = LoadBf16(x + (r + j) * d + i);
          acc[j][0] = _mm512_dpbf16_ps(acc[j][0], v, b0);
          acc[j][1] = _mm512_dpbf16_ps(acc[j][1], v, b1);
          acc[j][2] = _mm512_dpbf16_ps(acc[j][2], v, b2);
          acc[j][3] = _mm512_dpbf16_ps(acc[j][3], v, b3);
        }
      }
      for (size_t j = 0; j < 4; ++j)
        for (size_t k = 0; k < 4; ++k) out[(r + j) * ny + c + k] = ReduceAdd(acc[j][k]);
    }
    for (; c < ny; ++c)
      for (size_t j = 0; j < 4; ++j) out[(r + j) * ny + c] = DotBf16(x + (r + j) * d, y + c * d, d);
  }
  for (; r < nx; ++r)
    for (size_t c = 0; c < ny; ++c) out[r * ny + c] = DotBf16(x + r * d, y + c * d, d);
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

// The k smallest (distance, label) pairs pushed (exhaustive and IVF-Flat k-NN).
class TopK {
 public:
  using idx_t = faiss::Index::idx_t;
  explicit TopK(size_t k) : k_(k) {}
  void Push(float dist, idx_t label) {
    if (heap_.size() < k_) {
      heap_.emplace(dist, label);
    } else if (dist < heap_.top().first) {
      heap_.pop();
      heap_.emplace(dist, label);
    }
  }
  // Writes the k pairs in ascending order, padding with (infinity, -1); empties the heap.
  void Take(float* dist, idx_t* labels) {
    for (size_t r = k_; r-- > 0;) {
      dist[r] = heap_.empty() ? std::numeric_limits<float>::infinity() : heap_.top().first;
      labels[r] = heap_.empty() ? -1 : heap_.top().second;
      if (!heap_.empty()) heap_.pop();
    }
  }

 private:
  size_t k_;
  std::priority_queue<std::pair<float, idx_t>> heap_;  // worst (largest) on top
};

// Whether the screening pays on this CPU: VDPBF16PS does twice the products of an FMA per
// instruction, but CPUs differ in how many of each they issue per cycle, and the screening adds
// the bounds and the float products of the candidates (~0.25 of the float kernel's time on the
// benchmark corpus). Timed once per process on one tile (64 x 256 rows of 512, best of 3 of each
// kernel, alternating, thread CPU time; ~1 ms): screened when the bf16 kernel takes less than
// 0.7 of the float one. Either way the lists are the same; only the time differs.
double bf16_timed_ratio = 0;  // bf16 kernel time / float kernel time, when timed
bool Bf16Pays() {
  static const bool pays = [] {
    if (!kHaveAvx512Bf16) return false;
    constexpr size_t kR = 64, kC = 256, kD = 512;
    std::vector<float> x(kR * kD), y(kC * kD), out(kR * kC);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1, 1);
    for (float& v : x) v = u(rng);
    for (float& v : y) v = u(rng);
    std::vector<uint16_t> x16(kR * kD), y16(kC * kD);
    ToBf16(x.data(), kR, kD, x16.data());
    ToBf16(y.data(), kC, kD, y16.data());
    auto cpu = [] {
      timespec t{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return double(t.tv_sec) + t.tv_nsec * 1e-9;
    };
    double best_float = 1e9, best_bf16 = 1e9;
    // (Sizes through volatiles: with constants GCC clones the kernels and warns about their
    // remainder loops, which these sizes never run.)
    volatile size_t rows = kR, cols = kC, dim = kD;
    for (int rep = 0; rep < 3; ++rep) {
      const double t0 = cpu();
      InnerProductsAvx512(x.data(), rows, y.data(), cols, dim, out.data());
      const double t1 = cpu();
      InnerProductsBf16(x16.data(), rows, y16.data(), cols, dim, out.data());
      const double t2 = cpu();
      best_float = std::min(best_float, t1 - t0);
      best_bf16 = std::min(best_bf16, t2 - t1);
    }
    bf16_timed_ratio = best_bf16 / best_float;
    return best_bf16 < 0.7 * best_float;
  }();
  return pays;
}

bool Bf16ScreeningOn() {
  if (!kHaveAvx512Bf16 || bf16_mode == Bf16Mode::kOff) return false;
  return bf16_mode == Bf16Mode::kOn || Bf16Pays();
}

// The bf16-screened form of SimdFlatL2::search's blocked loop for one tile of rows (>= 4) of
// queries against every stored vector: the same (distance, label) pairs reach each row's TopK as
// in the float loop for every stored vector that can be among the k nearest, in ascending label
// order, with the same distance bits (so TopK keeps the same k: it keeps the k smallest by
// (distance, label) whatever else was pushed before them).
class Bf16Screen {
 public:
  using idx_t = faiss::Index::idx_t;
  void Prepare(const float* xb, size_t m, size_t d, const std::vector<float>& base_norms) {
    m_ = m;
    d_ = d;
    base16_.resize(m * d);
    ToBf16(xb, m, d, base16_.data());
    base_len_.resize(m);
    for (size_t c = 0; c < m; ++c) base_len_[c] = std::sqrt(std::max(0.0f, base_norms[c]));
    finite_base_ = std::all_of(base_norms.begin(), base_norms.end(), [](float v) { return std::isfinite(v); });
    max_base_len_ = m ? *std::max_element(base_len_.begin(), base_len_.end()) : 0.0;
  }
  void Search(const float* x, size_t rows, const float* query_norms, const float* xb,
              const std::vector<float>& base_norms, size_t k, std::vector<TopK>& heaps) {
    constexpr size_t kCols = 256;  // as the float loop: its column tiles decide which kernel a pair used
    query16_.resize(rows * d_);
    ToBf16(x, rows, d_, query16_.data());
    approx_.resize(rows * m_);
    for (size_t c0 = 0; c0 < m_; c0 += kCols) {
      const size_t cols = std::min(kCols, m_ - c0);
      tile_.resize(rows * cols);
      InnerProductsBf16(query16_.data(), rows, base16_.data() + c0 * d_, cols, d_, tile_.data());
      for (size_t r = 0; r < rows; ++r) std::copy_n(tile_.data() + r * cols, cols, approx_.data() + r * m_ + c0);
    }
    const size_t full_rows = rows - rows % 4;
    lo_.resize(m_);
    for (size_t r = 0; r < rows; ++r) {
      const float* a = approx_.data() + r * m_;
      const float qn = query_norms[r];
      const float* q = x + r * d_;
      auto exact = [&](size_t c) {
        // The product as InnerProducts gave it in the float loop: 4 x 4 blocks of its AVX-512
        // kernel (rows of a tile and columns of a column tile in full groups of 4), InnerProduct
        // for the rest.
        const size_t c0 = c / kCols * kCols, cols = std::min(kCols, m_ - c0);
        const bool block = r < full_rows && c - c0 < cols - cols % 4;
        const float dot = block ? Fma16Dot(q, xb + c * d_, d_) : InnerProduct(q, xb + c * d_, d_);
        heaps[r].Push(std::max(0.0f, qn + base_norms[c] - 2 * dot), static_cast<idx_t>(c));
      };
      if (!std::isfinite(qn) || !finite_base_ || k > kMaxK) {  // every pair, as the float loop
        for (size_t c = 0; c < m_; ++c) exact(c);
        continue;
      }
      // [lo, hi] holds the distance the float loop computes (max(0, qn + |c|^2 - 2 x.c) in
      // float): the bf16 product's bound, plus 4e-7 relative for float rounding of both sums of
      // three terms; hi >= 0 for the clamp. Whatever the k nearest are, each has lo <= its
      // distance <= the k-th smallest hi.
      // The relative bound does not cover what bf16 flushes to zero (subnormal inputs, products
      // and partial sums, each < 2^-126 in magnitude: at most (2 + |x| + |c|) d 2^-126 in all,
      // taken twice) and holds only while no bf16 product or partial sum can overflow (each is
      // <= 1.02 |x| |c| by Cauchy-Schwarz on the rounded rows): rows with |x| max|c| > 2^120 get
      // the float distance for every centroid. (Found in review: norms of 2^-61 and 2^64.)
      const float ql = std::sqrt(std::max(0.0f, qn));
      if (double(ql) * max_base_len_ > 0x1p120) {
        for (size_t c = 0; c < m_; ++c) exact(c);
        continue;
      }
      const float flush = static_cast<float>(2 * double(d_) * 0x1p-126);
      float kth[kMaxK];
      std::fill_n(kth, k, std::numeric_limits<float>::infinity());
      for (size_t c = 0; c < m_; ++c) {
        const float cross = ql * base_len_[c];
        const float dist = qn + base_norms[c] - 2 * a[c];
        const float err = static_cast<float>(2 * kBf16DotError) * cross + 4e-7f * (qn + base_norms[c] + 2 * cross) +
                          2 * flush * (2 + ql + base_len_[c]);
        lo_[c] = dist - err;
        const float hi = std::max(0.0f, dist + err);
        if (hi < kth[k - 1]) {  // insert into the sorted k smallest
          size_t at = k - 1;
          for (; at > 0 && kth[at - 1] > hi; --at) kth[at] = kth[at - 1];
          kth[at] = hi;
        }
      }
      const float threshold = kth[k - 1];
      for (size_t c = 0; c < m_; ++c) {
        if (lo_[c] <= threshold) {
          exact(c);
          ++exact_;
        }
      }
      screened_ += m_;
    }
  }
  ~Bf16Screen() {
    if (screened_) bf16_screened_pairs.fetch_add(screened_, std::memory_order_relaxed);
    if (exact_) bf16_exact_pairs.fetch_add(exact_, std::memory_order_relaxed);
  }

 private:
  size_t m_ = 0, d_ = 0;
  std::vector<uint16_t> base16_, query16_;
  static constexpr size_t kMaxK = 64;  // more neighbours asked: every pair gets the float distance
  bool finite_base_ = true;
  double max_base_len_ = 0;
  std::vector<float> base_len_, approx_, tile_, lo_;
  size_t screened_ = 0, exact_ = 0;
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
  // Exhaustive k-NN (the `Flat` spec, the benchmark's baseline, an IVF's coarse quantizer and
  // its k-means). One query: L2Sqr per stored vector. Several (an IVF assigning a batch of adds,
  // k-means): blocked inner products, ||x||^2 + ||y||^2 - 2 x.y, so that Debian's reference BLAS
  // (which FAISS would call for >= 20 queries) is never used.
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* /*params*/) const override {
    const float* xb = get_xb();
    const size_t dim = static_cast<size_t>(d);
    const size_t top = static_cast<size_t>(k);
    if (n < 4) {
      for (idx_t q = 0; q < n; ++q) {
        TopK heap(top);
        for (idx_t i = 0; i < ntotal; ++i) heap.Push(L2Sqr(x + q * dim, xb + i * dim, dim), i);
        heap.Take(distances + q * k, labels + q * k);
      }
      return;
    }
    std::vector<float> base_norms(static_cast<size_t>(ntotal));
    for (idx_t i = 0; i < ntotal; ++i) base_norms[i] = InnerProduct(xb + i * dim, xb + i * dim, dim);
    constexpr idx_t kRows = 64, kCols = 256;  // a tile of queries x stored vectors (L2-resident)
    std::vector<float> tile(kRows * kCols);
    std::vector<TopK> heaps(kRows, TopK(top));
    const bool bf16 = dim % 32 == 0 && ntotal > k && Bf16ScreeningOn();
    Bf16Screen screen;
    if (bf16) screen.Prepare(xb, static_cast<size_t>(ntotal), dim, base_norms);
    for (idx_t q0 = 0; q0 < n; q0 += kRows) {
      const idx_t rows = std::min(kRows, n - q0);
      float query_norms[kRows];
      for (idx_t r = 0; r < rows; ++r) {
        query_norms[r] = InnerProduct(x + (q0 + r) * dim, x + (q0 + r) * dim, dim);
      }
      if (bf16 && rows >= 4) {
        screen.Search(x + q0 * dim, static_cast<size_t>(rows), query_norms, xb, base_norms, top, heaps);
        for (idx_t r = 0; r < rows; ++r) heaps[r].Take(distances + (q0 + r) * k, labels + (q0 + r) * k);
        continue;
      }
      for (idx_t i0 = 0; i0 < ntotal; i0 += kCols) {
        const idx_t cols = std::min(kCols, ntotal - i0);
        InnerProducts(x + q0 * dim, static_cast<size_t>(rows), xb + i0 * dim, static_cast<size_t>(cols), dim,
                      tile.data());
        for (idx_t r = 0; r < rows; ++r) {
          for (idx_t c = 0; c < cols; ++c) {
            float dist = std::max(0.0f, query_norms[r] + base_norms[i0 + c] - 2 * tile[r * cols + c]);
            heaps[r].Push(dist, i0 + c);
          }
        }
      }
      for (idx_t r = 0; r < rows; ++r) heaps[r].Take(distances + (q0 + r) * k, labels + (q0 + r) * k);
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
void UseSimdStorage(faiss::IndexIDMap* map) {
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
  } else if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(map->index); ivf && ivf->own_fields) {
    // The coarse quantizer: assignment of every add and k-means training run through it.
    if (plain_l2(ivf->quantizer)) ivf->quantizer = swap_in(ivf->quantizer);
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
void Tune(faiss::Index* base, size_t k, size_t nprobe) {
  if (auto* h = dynamic_cast<faiss::IndexHNSW*>(base))
    h->hnsw.efSearch = std::max<int>(64, static_cast<int>(k) * 2);
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(base)) ivf->nprobe = std::min<size_t>(ivf->nlist, nprobe);
}

// Vectors an index built from `spec` must see before it is trained: 0 when it needs no training.
// IVF: kTrainPointsPerList per list (k-means on fewer gives poor partitions, and FAISS warns
// below 39); other trained codecs (SQ8, PQ): kTrainOther.
constexpr size_t kTrainPointsPerList = 32, kTrainOther = 10000;
size_t TrainingSize(const faiss::Index& base) {
  if (base.is_trained) return 0;
  if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base))
    return std::max<size_t>(ivf->nlist * kTrainPointsPerList, 1);
  return kTrainOther;
}

std::unique_ptr<faiss::IndexIDMap> NewMap(faiss::Index* base) {
  auto map = std::make_unique<faiss::IndexIDMap>(base);
  map->own_fields = true;
  UseSimdStorage(map.get());
  return map;
}

// Whether Save can append the vectors added to `base` (an IndexIDMap's sub-index) to a log:
// Add records where each lands only in a Flat index and a trained IVF-Flat.
bool Loggable(const faiss::Index* base) {
  return dynamic_cast<const faiss::IndexFlat*>(base) ||
         (dynamic_cast<const faiss::IndexIVFFlat*>(base) && base->is_trained);
}

// IVF-Flat search of one query with L2Sqr (FAISS's scanner uses the scalar fvec_L2sqr of
// Debian's build): the nprobe nearest lists by the (SIMD) quantizer, then every vector in them.
// Labels are the IVF's own (insertion order); -1 pads when fewer than k vectors were scanned.
void SearchIvfFlat(const faiss::IndexIVFFlat& ivf, const float* q, size_t k, size_t nprobe, float* dist,
                   faiss::Index::idx_t* labels) {
  using idx_t = faiss::Index::idx_t;
  nprobe = std::max<size_t>(1, std::min(nprobe, ivf.nlist));
  std::vector<float> coarse_dist(nprobe);
  std::vector<idx_t> lists(nprobe);
  ivf.quantizer->search(1, q, static_cast<idx_t>(nprobe), coarse_dist.data(), lists.data());
  const size_t d = static_cast<size_t>(ivf.d);
  TopK heap(k);
  for (idx_t list : lists) {
    if (list < 0) continue;
    const size_t size = ivf.invlists->list_size(list);
    if (size == 0) continue;
    faiss::InvertedLists::ScopedCodes codes(ivf.invlists, list);
    faiss::InvertedLists::ScopedIds ids(ivf.invlists, list);
    const auto* vecs = reinterpret_cast<const float*>(codes.get());
    for (size_t j = 0; j < size; ++j) heap.Push(L2Sqr(q, vecs + j * d, d), ids.get()[j]);
  }
  heap.Take(dist, labels);
}

}  // namespace

float VectorDot(const float* a, const float* b, size_t d) { return InnerProduct(a, b, d); }

void SetBf16ScreeningForTesting(std::optional<bool> on) {
  bf16_mode = !on ? Bf16Mode::kAuto : *on ? Bf16Mode::kOn : Bf16Mode::kOff;
}
bool HaveBf16Screening() { return kHaveAvx512Bf16; }
bool Bf16ScreeningChosen() { return Bf16Pays(); }
double Bf16TimedRatio() {
  Bf16Pays();
  return bf16_timed_ratio;
}
std::pair<size_t, size_t> Bf16ScreeningCountsForTesting() {
  return {bf16_screened_pairs.load(std::memory_order_relaxed),
          bf16_exact_pairs.load(std::memory_order_relaxed)};
}

uint64_t IdFingerprint(std::span<const int64_t> ids) {
  uint64_t sum = 0;
  for (int64_t id : ids) sum += Mix(id);
  return sum;
}

VectorIndex::VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim, size_t train_at)
    : index_(std::move(index)), spec_(std::move(spec)), dim_(dim), train_at_(train_at) {}

static faiss::IndexIDMap* Map(const std::unique_ptr<faiss::Index>& index) {
  return static_cast<faiss::IndexIDMap*>(index.get());
}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const std::string& spec, size_t dim) {
  if (spec.find("IDMap") != std::string::npos) {
    return InvalidArgumentError("kb_index `" + spec +
                                "`: leave IDMap out, ids are mapped by the knowledge base");
  }
  try {
    std::unique_ptr<faiss::Index> base(
        faiss::index_factory(static_cast<int>(dim), spec.c_str(), faiss::METRIC_L2));
    const size_t train_at = TrainingSize(*base);
    // An index that needs training starts as an exact Flat index and is trained once
    // `train_at` vectors are stored (Add).
    if (train_at > 0) base = std::make_unique<SimdFlatL2>(static_cast<faiss::Index::idx_t>(dim));
    auto map = NewMap(base.release());
    return std::unique_ptr<VectorIndex>(
        new VectorIndex(std::unique_ptr<faiss::Index>(map.release()), spec, dim, train_at));
  } catch (const std::exception& e) {
    return InvalidArgumentError(
        "kb_index `" + spec +
        "` is not a FAISS index factory string (e.g. Flat, HNSW32, IVF1024,Flat): " + e.what());
  }
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, const std::string& spec,
                                                       size_t dim) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError("index file " + path + " does not exist");
  try {
    faiss::Index* raw = faiss::read_index(path.c_str());
    auto* map = dynamic_cast<faiss::IndexIDMap*>(raw);
    if (!map) {
      delete raw;
      return DataLossError("index file " + path + " is not an id-mapped index");
    }
    std::unique_ptr<faiss::IndexIDMap> owned(map);
    if (typeid(*map) != typeid(faiss::IndexIDMap)) {
      // A file of an older vigil (IndexIDMap2, whose id -> position hash map nothing here
      // reads): keep its sub-index and ids in a plain IndexIDMap.
      auto plain = std::make_unique<faiss::IndexIDMap>();
      plain->index = map->index;
      plain->d = map->d;
      plain->ntotal = map->ntotal;
      plain->is_trained = map->is_trained;
      plain->metric_type = map->metric_type;
      plain->id_map = std::move(map->id_map);
      map->own_fields = false;
      owned = std::move(plain);
    }
    owned->own_fields = true;
    UseSimdStorage(owned.get());
    if (static_cast<size_t>(owned->d) != dim) {
      return DataLossError("index file " + path + " has dimension " + std::to_string(owned->d) +
                           ", expected " + std::to_string(dim));
    }
    // A spec that needs training is either still in its Flat phase or trained.
    std::unique_ptr<faiss::Index> probe(
        faiss::index_factory(static_cast<int>(dim), spec.c_str(), faiss::METRIC_L2));
    size_t train_at = TrainingSize(*probe);
    const bool flat_phase = dynamic_cast<const faiss::IndexFlat*>(owned->index) != nullptr;
    if (train_at > 0 && !flat_phase) {
      const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(owned->index);
      const auto* want = dynamic_cast<const faiss::IndexIVF*>(probe.get());
      if (typeid(*owned->index) != typeid(*probe) || !owned->index->is_trained ||
          (ivf && want && ivf->nlist != want->nlist)) {
        return DataLossError("index file " + path + " does not hold a trained `" + spec + "` index");
      }
      train_at = 0;
    } else if (train_at > 0 && static_cast<size_t>(owned->ntotal) >= train_at) {
      return DataLossError("index file " + path + " holds " + std::to_string(owned->ntotal) +
                           " untrained vectors, `" + spec + "` trains at " + std::to_string(train_at));
    }
    std::unique_ptr<VectorIndex> out(
        new VectorIndex(std::unique_ptr<faiss::Index>(owned.release()), spec, dim, train_at));
    const int64_t base_vectors = out->size();
    RETURN_IF_ERROR(out->ReplayLog(path + ".log"));
    if (train_at > 0 && static_cast<size_t>(out->size()) >= train_at) {
      return DataLossError("index file " + path + " and its log hold " + std::to_string(out->size()) +
                           " untrained vectors, `" + spec + "` trains at " + std::to_string(train_at));
    }
    out->loggable_ = Loggable(Map(out->index_)->index);
    if (out->loggable_) {
      out->saved_path_ = path;
      out->saved_base_n_ = base_vectors;
    }
    return out;
  } catch (const std::exception& e) {
    return DataLossError("index file " + path + " is unreadable: " + e.what());
  }
}

Status VectorIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors,
                        std::span<const int64_t> lists, std::span<const uint64_t> sketches) {
  if (vectors.size() != ids.size() * dim_)
    return InternalError("VectorIndex::Add: vector count does not match ids");
  if (!lists.empty() && lists.size() != ids.size())
    return InternalError("VectorIndex::Add: list count does not match ids");
  if (ids.empty()) return Status::Ok();
  if (sketches.size() != ids.size() * kSketchWords) sketches = {};
  auto* map = Map(index_);
  const size_t after_base_before = after_base_.size();
  try {
    if (train_at_ > 0 && static_cast<size_t>(map->ntotal) + ids.size() >= train_at_)
      return Train(ids, vectors);
    auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(map->index);
    if (ivf && ivf->is_trained) {
      // What IndexIDMap::add_with_ids does, with the caller's coarse assignment (or our own):
      // the IVF stores positions (ntotal + i), id_map turns them into entry ids. Each vector is
      // appended to its list, so its offset there is known for the incremental save.
      std::vector<int64_t> own;
      if (lists.empty() || !std::all_of(lists.begin(), lists.end(), [&](int64_t l) {
            return l >= 0 && static_cast<size_t>(l) < ivf->nlist;
          })) {
        ASSIGN_OR_RETURN(own, AssignLists(vectors));
        lists = own;
      }
      std::vector<size_t> sizes(ivf->nlist), pending(ivf->nlist);
      const bool keep_sketches = !sketches.empty() && list_sketches_.size() == ivf->nlist;
      std::vector<size_t> keep;  // rows whose sketches extend their list's, once FAISS holds them
      for (size_t i = 0; i < ids.size(); ++i) {
        const auto l = static_cast<size_t>(lists[i]);
        if (sizes[l] == 0) sizes[l] = ivf->invlists->list_size(l) + 1;  // +1: 0 = not read yet
        // A list whose sketches are complete stays so (the rest are computed when next probed).
        if (keep_sketches && list_sketches_[l].size() + pending[l] == sizes[l] - 1) {
          keep.push_back(i);
          ++pending[l];
        }
        after_base_.push_back({lists[i], static_cast<int64_t>(sizes[l]++ - 1)});
      }
      const auto n = static_cast<faiss::Index::idx_t>(ids.size());
      std::vector<faiss::Index::idx_t> positions(ids.size());
      for (size_t i = 0; i < ids.size(); ++i)
        positions[i] = map->ntotal + static_cast<faiss::Index::idx_t>(i);
      if (add_hook_) add_hook_();
      ivf->add_core(n, vectors.data(), positions.data(), lists.data());
      map->id_map.insert(map->id_map.end(), ids.begin(), ids.end());
      map->ntotal = ivf->ntotal;
      for (size_t i : keep)
        list_sketches_[static_cast<size_t>(lists[i])].Append(sketches.subspan(i * kSketchWords, kSketchWords));
      return Status::Ok();
    }
    const bool flat = dynamic_cast<const faiss::IndexFlat*>(map->index) != nullptr;
    const bool keep_sketches = flat && !sketches.empty() && flat_sketches_.size() == static_cast<size_t>(map->ntotal);
    if (flat) {
      for (size_t i = 0; i < ids.size(); ++i)
        after_base_.push_back({-1, map->ntotal + static_cast<int64_t>(i)});
    } else {
      loggable_ = false;  // HNSW and other codecs: whole-file saves
    }
    if (add_hook_) add_hook_();
    map->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data(), ids.data());
    if (keep_sketches) flat_sketches_.Append(sketches);
  } catch (const std::exception& e) {
    // FAISS may hold none, some or all of the rows: no sketch was kept for any of them (a list
    // or Flat index longer than its sketches gets the rest computed from its vectors), and
    // the log no longer knows where every vector sits, so the next Save writes the whole file.
    after_base_.resize(after_base_before);
    loggable_ = false;
    return InternalError(std::string("FAISS add failed: ") + e.what());
  }
  return Status::Ok();
}

// Leaves the Flat phase: trains a fresh `spec_` index on the stored vectors and `vectors`, adds
// all of them (ids in insertion order) and replaces the Flat index. Deterministic (k-means seed
// fixed), so a rebuild from the same entries gives the same index.
Status VectorIndex::Train(std::span<const int64_t> ids, std::span<const float> vectors) {
  auto* map = Map(index_);
  const auto* flat = static_cast<const faiss::IndexFlat*>(map->index);
  // The stored Flat-phase vectors come first; a rebuild (nothing stored yet) uses `vectors` as is
  // rather than copying the whole store once more.
  std::vector<int64_t> all_ids;
  std::vector<float> all;
  const int64_t* id_data = ids.data();
  const float* data = vectors.data();
  if (flat->ntotal > 0) {
    all_ids.assign(map->id_map.begin(), map->id_map.end());
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
    all.assign(flat->get_xb(), flat->get_xb() + static_cast<size_t>(flat->ntotal) * dim_);
    all.insert(all.end(), vectors.begin(), vectors.end());
    id_data = all_ids.data();
    data = all.data();
  }
  const auto n =
      static_cast<faiss::Index::idx_t>(flat->ntotal) + static_cast<faiss::Index::idx_t>(ids.size());
  auto fresh = NewMap(faiss::index_factory(static_cast<int>(dim_), spec_.c_str(), faiss::METRIC_L2));
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(fresh->index)) {
    // k-means on at most kTrainPointsPerList points per list (a seeded sample beyond that),
    // 10 iterations: the partition only decides which lists a query scans.
    ivf->cp.niter = 10;
    ivf->cp.min_points_per_centroid = 1;
    ivf->cp.max_points_per_centroid = static_cast<int>(kTrainPointsPerList);
    fresh->index->train(n, data);
  } else {
    fresh->index->train(std::min<faiss::Index::idx_t>(n, static_cast<faiss::Index::idx_t>(kTrainOther)),
                        data);
  }
  fresh->is_trained = fresh->index->is_trained;
  fresh->add_with_ids(n, data, id_data);
  index_ = std::unique_ptr<faiss::Index>(fresh.release());
  train_at_ = 0;
  flat_sketches_.Clear();
  list_sketches_.clear();
  loggable_ = false;  // the next Save writes the trained index whole
  after_base_.clear();
  return Status::Ok();
}

bool VectorIndex::trained() const { return train_at_ == 0; }

Result<std::vector<int64_t>> VectorIndex::AssignLists(std::span<const float> vectors, size_t nprobe) const {
  std::vector<int64_t> lists;
  if (vectors.size() % dim_ != 0) return InternalError("VectorIndex::AssignLists: ragged vectors");
  const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(Map(index_)->index);
  if (!ivf || !ivf->is_trained || vectors.empty()) return lists;
  nprobe = std::max<size_t>(1, std::min(nprobe, ivf->nlist));
  const size_t n = vectors.size() / dim_;
  lists.resize(n * nprobe);
  std::vector<float> dist(n * nprobe);
  try {
    ivf->quantizer->search(static_cast<faiss::Index::idx_t>(n), vectors.data(),
                           static_cast<faiss::Index::idx_t>(nprobe), dist.data(), lists.data());
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS coarse assignment failed: ") + e.what());
  }
  return lists;
}

namespace {

// best[q] = max over the `m` rows of `base` (contiguous) of queries[q] . row, for `nq` query rows
// gathered contiguously; blocked so a tile of products stays in L2.
void BestDots(const float* queries, size_t nq, const float* base, size_t m, size_t d,
              const faiss::Index::idx_t* labels, float* best, faiss::Index::idx_t* best_label) {
  constexpr size_t kRows = 64, kCols = 256;
  std::vector<float> tile(kRows * kCols);
  for (size_t q0 = 0; q0 < nq; q0 += kRows) {
    const size_t rows = std::min(kRows, nq - q0);
    for (size_t c0 = 0; c0 < m; c0 += kCols) {
      const size_t cols = std::min(kCols, m - c0);
      InnerProducts(queries + q0 * d, rows, base + c0 * d, cols, d, tile.data());
      for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
          if (tile[r * cols + c] > best[q0 + r]) {
            best[q0 + r] = tile[r * cols + c];
            best_label[q0 + r] = labels ? labels[c0 + c] : static_cast<faiss::Index::idx_t>(c0 + c);
          }
        }
      }
    }
  }
}

}  // namespace

Result<std::vector<VectorIndex::Hit>> VectorIndex::NearestStored(std::span<const float> vectors,
                                                                 std::span<const int64_t> lists,
                                                                 size_t nprobe, double min_cosine,
                                                                 std::span<const uint64_t> sketches) const {
  if (vectors.size() % dim_ != 0) return InternalError("VectorIndex::NearestStored: ragged vectors");
  const size_t n = vectors.size() / dim_;
  std::vector<Hit> out(n, Hit{-1, -1.0f});
  auto* map = Map(index_);
  if (n == 0 || map->ntotal == 0) return out;
  using idx_t = faiss::Index::idx_t;
  std::vector<float> best(n, -std::numeric_limits<float>::infinity());
  std::vector<idx_t> label(n, -1);
  // Without a bound every candidate gets the exact inner product (blocked); with one, only the
  // stored vectors whose sketch is within it of the row's.
  const SketchBounds bounds = SketchHammingBounds(min_cosine);
  const bool filter = bounds.filters();
  std::vector<uint64_t> own_sketches;
  if (filter && sketches.size() != n * kSketchWords) {
    own_sketches = SignSketches(vectors, dim_);
    sketches = own_sketches;
  }
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::vector<uint64_t> row_sketches;
  std::vector<float> group, group_best;
  std::vector<idx_t> group_label;
  // Compares the rows `rows` (indexes into `vectors`) with `m` stored vectors at `base` (labels
  // labels[i], or their position when null) whose sketches are `stored`.
  auto compare = [&](std::span<const size_t> rows, const float* base, size_t m, const idx_t* labels,
                     const SketchBlocks& stored) {
    if (!filter) {
      group.resize(rows.size() * dim_);
      for (size_t j = 0; j < rows.size(); ++j)
        std::copy_n(vectors.data() + rows[j] * dim_, dim_, group.data() + j * dim_);
      group_best.assign(rows.size(), -std::numeric_limits<float>::infinity());
      group_label.assign(rows.size(), -1);
      BestDots(group.data(), rows.size(), base, m, dim_, labels, group_best.data(), group_label.data());
      for (size_t j = 0; j < rows.size(); ++j) {
        if (group_best[j] > best[rows[j]]) {
          best[rows[j]] = group_best[j];
          label[rows[j]] = group_label[j];
        }
      }
      return;
    }
    row_sketches.resize(rows.size() * kSketchWords);
    for (size_t j = 0; j < rows.size(); ++j)
      std::copy_n(sketches.data() + rows[j] * kSketchWords, kSketchWords,
                  row_sketches.data() + j * kSketchWords);
    pairs.clear();
    stored.NearPairs(row_sketches, bounds, &pairs);
    for (const auto& [q, i] : pairs) {
      const size_t row = rows[q];
      const float dot = InnerProduct(vectors.data() + row * dim_, base + size_t{i} * dim_, dim_);
      if (dot > best[row]) {
        best[row] = dot;
        label[row] = labels ? labels[i] : static_cast<idx_t>(i);
      }
    }
  };
  // Extends `blocks` with the sketches of the stored vectors it lacks (m vectors at `base`).
  auto sync = [&](SketchBlocks& blocks, const float* base, size_t m) {
    if (!filter) return;
    if (blocks.size() > m) blocks.Clear();
    const size_t from = blocks.size();
    if (from < m)
      blocks.Append(SignSketches(std::span<const float>(base + from * dim_, (m - from) * dim_), dim_));
  };
  try {
    if (const auto* flat = dynamic_cast<const faiss::IndexFlat*>(map->index)) {
      const size_t total = static_cast<size_t>(flat->ntotal);
      sync(flat_sketches_, flat->get_xb(), total);
      std::vector<size_t> rows(n);
      for (size_t i = 0; i < n; ++i) rows[i] = i;
      compare(rows, flat->get_xb(), total, nullptr, flat_sketches_);
    } else if (const auto* ivf = dynamic_cast<const faiss::IndexIVFFlat*>(map->index);
               ivf && nprobe > 0 && lists.size() == n * nprobe) {
      // (row, probed list) pairs grouped by list; each list's vectors (or sketches) are read once
      // for all of the rows probing it.
      if (filter && list_sketches_.size() != ivf->nlist) list_sketches_.assign(ivf->nlist, SketchBlocks());
      const size_t total_pairs = n * nprobe;
      std::vector<size_t> order(total_pairs);
      for (size_t i = 0; i < total_pairs; ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lists[a] < lists[b]; });
      std::vector<size_t> rows;
      static const SketchBlocks kNone;
      for (size_t g0 = 0; g0 < total_pairs;) {
        size_t g1 = g0;
        while (g1 < total_pairs && lists[order[g1]] == lists[order[g0]]) ++g1;
        const int64_t list = lists[order[g0]];
        const size_t size =
            list >= 0 && static_cast<size_t>(list) < ivf->nlist ? ivf->invlists->list_size(list) : 0;
        if (size > 0) {
          rows.clear();
          for (size_t j = g0; j < g1; ++j) rows.push_back(order[j] / nprobe);
          faiss::InvertedLists::ScopedCodes codes(ivf->invlists, list);
          faiss::InvertedLists::ScopedIds ids(ivf->invlists, list);
          const auto* base = reinterpret_cast<const float*>(codes.get());
          SketchBlocks* blocks = filter ? &list_sketches_[static_cast<size_t>(list)] : nullptr;
          if (blocks) sync(*blocks, base, size);
          compare(rows, base, size, ids.get(), blocks ? *blocks : kNone);
        }
        g0 = g1;
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        ASSIGN_OR_RETURN(auto hits, Search(vectors.subspan(i * dim_, dim_), 1));
        if (!hits.empty()) out[i] = hits[0];
      }
      return out;
    }
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS near-duplicate search failed: ") + e.what());
  }
  for (size_t i = 0; i < n; ++i) {
    if (label[i] >= 0) out[i] = {map->id_map[static_cast<size_t>(label[i])], best[i]};
  }
  return out;
}

Result<std::vector<VectorIndex::Hit>> VectorIndex::Search(std::span<const float> query, size_t k) const {
  std::vector<Hit> hits;
  if (index_->ntotal == 0 || k == 0) return hits;
  if (query.size() != dim_) return InternalError("VectorIndex::Search: query has the wrong dimension");
  k = std::min<size_t>(k, static_cast<size_t>(index_->ntotal));
  std::vector<float> dist(k);
  std::vector<faiss::Index::idx_t> labels(k);
  try {
    auto* map = Map(index_);
    Tune(map->index, k, nprobe_);
    if (typeid(*map->index) == typeid(faiss::IndexIVFFlat)) {
      SearchIvfFlat(*static_cast<const faiss::IndexIVFFlat*>(map->index), query.data(), k, nprobe_,
                    dist.data(), labels.data());
      for (auto& label : labels) label = label < 0 ? -1 : map->id_map[static_cast<size_t>(label)];
    } else {
      // The wrapped index directly, positions turned into ids here: IndexIDMap::search turns them
      // with an `omp parallel for` over n x k labels, which for one query starts (and spins) an
      // OpenMP team of every core per search - a knowledge recall per alert line, thousands in an
      // alert storm, the threads spinning against the rest of the machine.
      map->index->search(1, query.data(), static_cast<faiss::Index::idx_t>(k), dist.data(), labels.data());
      for (auto& label : labels) label = label < 0 ? -1 : map->id_map[static_cast<size_t>(label)];
    }
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS search failed: ") + e.what());
  }
  for (size_t i = 0; i < k; ++i) {
    if (labels[i] < 0) continue;
    hits.push_back({labels[i], 1.0f - dist[i] / 2.0f});
  }
  return hits;
}

namespace {

// Log format 2 (since 2026-11-30 night): each record ends with a checksum of its position in the
// log and its bytes, so a record that is torn or corrupt (a crash while the append was written
// back, a bad sector) is found on replay, not loaded as a vector. Format 1 logs (no checksum)
// are still replayed; the next Save rewrites them as format 2.
constexpr char kLogMagic[8] = {'V', 'K', 'B', 'F', 'L', 'O', 'G', '2'};
constexpr char kLogMagicV1[8] = {'V', 'K', 'B', 'F', 'L', 'O', 'G', '1'};
struct LogHeader {
  char magic[8];
  uint64_t dim;
  int64_t base_vectors;
  uint64_t base_fingerprint;
};

// Checksum of record `index` (0-based in its log) whose id, list and vector are `body`.
uint64_t RecordChecksum(uint64_t index, const char* body, size_t n) {
  kb::Checksum sum;
  sum.Feed(&index, sizeof index);
  sum.Feed(body, n);
  return sum.Value();
}

}  // namespace

Status VectorIndex::Save(const std::string& path) {
  auto* map = Map(index_);
  std::error_code ec;
  const std::string log_path = path + ".log";
  const size_t after = after_base_.size();
  const size_t body = 2 * sizeof(int64_t) + dim_ * sizeof(float), record = body + sizeof(uint64_t);
  if (!loggable_ || !log_checksummed_ || saved_path_ != path || static_cast<int64_t>(after) > saved_base_n_ ||
      saved_base_n_ + static_cast<int64_t>(after) != map->ntotal || !std::filesystem::exists(path, ec) ||
      std::filesystem::file_size(log_path, ec) != sizeof(LogHeader) + logged_ * record) {
    return SaveAll(path);
  }
  if (logged_ == after) return Status::Ok();
  // Append the records of the vectors added since the last Save.
  FILE* f = std::fopen(log_path.c_str(), "ab");
  if (!f) return InternalError("cannot append to " + log_path + ": " + std::strerror(errno));
  const auto* ivf = dynamic_cast<const faiss::IndexIVFFlat*>(map->index);
  const auto* flat = dynamic_cast<const faiss::IndexFlat*>(map->index);
  std::vector<char> buf;
  buf.reserve(record * std::min<size_t>(after - logged_, 4096));
  bool ok = true;
  for (size_t i = logged_; i < after && ok; ++i) {
    const Location loc = after_base_[i];
    const int64_t id = map->id_map[static_cast<size_t>(saved_base_n_) + i];
    const size_t at = buf.size();
    buf.resize(at + record);
    std::memcpy(buf.data() + at, &id, sizeof id);
    std::memcpy(buf.data() + at + sizeof id, &loc.list, sizeof loc.list);
    char* dst = buf.data() + at + 2 * sizeof id;
    if (loc.list >= 0 && ivf) {
      const uint8_t* code =
          ivf->invlists->get_single_code(static_cast<size_t>(loc.list), static_cast<size_t>(loc.offset));
      std::memcpy(dst, code, dim_ * sizeof(float));
      ivf->invlists->release_codes(static_cast<size_t>(loc.list), code);
    } else if (loc.list < 0 && flat) {
      std::memcpy(dst, flat->get_xb() + static_cast<size_t>(loc.offset) * dim_, dim_ * sizeof(float));
    } else {
      std::fclose(f);
      loggable_ = false;
      return SaveAll(path);
    }
    const uint64_t sum = RecordChecksum(i, buf.data() + at, body);
    std::memcpy(buf.data() + at + body, &sum, sizeof sum);
    if (buf.size() >= record * 4096 || i + 1 == after) {
      ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
      buf.clear();
    }
  }
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    // A torn append leaves a log Load reads up to its last whole record; write everything anew.
    loggable_ = false;
    return SaveAll(path);
  }
  logged_ = after;
  return Status::Ok();
}

// Writes the base file whole and starts an empty log for it (each via `.tmp` and a rename: a
// crash between the two leaves the new base with the old log, whose header names the old base,
// so Load ignores it).
Status VectorIndex::SaveAll(const std::string& path) {
  std::string tmp = path + ".tmp";
  try {
    faiss::write_index(index_.get(), tmp.c_str());
  } catch (const std::exception& e) {
    return InternalError("cannot write index " + tmp + ": " + e.what());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return InternalError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  saved_path_.clear();
  after_base_.clear();
  logged_ = 0;
  auto* map = Map(index_);
  const std::string log_path = path + ".log", log_tmp = log_path + ".tmp";
  if (!Loggable(map->index)) {
    std::filesystem::remove(log_path, ec);
    loggable_ = false;
    return Status::Ok();
  }
  LogHeader h{};
  std::memcpy(h.magic, kLogMagic, sizeof h.magic);
  h.dim = dim_;
  h.base_vectors = map->ntotal;
  h.base_fingerprint = IdFingerprint();
  FILE* f = std::fopen(log_tmp.c_str(), "wb");
  if (!f) return InternalError("cannot write " + log_tmp + ": " + std::strerror(errno));
  const bool ok = std::fwrite(&h, sizeof h, 1, f) == 1;
  if (std::fclose(f) != 0 || !ok) return InternalError("cannot write " + log_tmp);
  std::filesystem::rename(log_tmp, log_path, ec);
  if (ec) return InternalError("cannot rename " + log_tmp + " to " + log_path + ": " + ec.message());
  saved_path_ = path;
  saved_base_n_ = map->ntotal;
  loggable_ = true;
  log_checksummed_ = true;
  return Status::Ok();
}

// Appends the whole records of a log that extends the loaded base (see Save), up to the first
// record that is torn (the file ends inside it) or, in format 2, fails its checksum.
Status VectorIndex::ReplayLog(const std::string& log_path) {
  auto* map = Map(index_);
  replay_note_.clear();
  FILE* f = std::fopen(log_path.c_str(), "rb");
  if (!f) return Status::Ok();  // no log: the base is everything
  std::unique_ptr<FILE, int (*)(FILE*)> closer(f, &std::fclose);
  LogHeader h{};
  if (std::fread(&h, sizeof h, 1, f) != 1) return Status::Ok();
  const bool v2 = std::memcmp(h.magic, kLogMagic, sizeof h.magic) == 0;
  if ((!v2 && std::memcmp(h.magic, kLogMagicV1, sizeof h.magic) != 0) || h.dim != dim_ ||
      h.base_vectors != map->ntotal || h.base_fingerprint != IdFingerprint()) {
    return Status::Ok();  // a log of another base (or not a log): ignored
  }
  auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(map->index);
  auto* flat = dynamic_cast<faiss::IndexFlat*>(map->index);
  const size_t body = 2 * sizeof(int64_t) + dim_ * sizeof(float), record = body + (v2 ? sizeof(uint64_t) : 0);
  std::vector<char> buf(record);
  std::vector<Location> replayed;
  size_t got;
  while ((got = std::fread(buf.data(), 1, record, f)) == record) {
    if (v2) {
      uint64_t sum;
      std::memcpy(&sum, buf.data() + body, sizeof sum);
      if (sum != RecordChecksum(replayed.size(), buf.data(), body)) {
        replay_note_ = "index log " + log_path + ": record " + std::to_string(replayed.size() + 1) +
                       " fails its checksum; it and what follows it are dropped";
        break;
      }
    }
    int64_t id, list;
    std::memcpy(&id, buf.data(), sizeof id);
    std::memcpy(&list, buf.data() + sizeof id, sizeof list);
    const auto* v = reinterpret_cast<const uint8_t*>(buf.data() + 2 * sizeof id);
    if (list >= 0 && ivf && static_cast<size_t>(list) < ivf->nlist) {
      const size_t offset = ivf->invlists->add_entry(static_cast<size_t>(list), map->ntotal, v);
      ++ivf->ntotal;
      replayed.push_back({list, static_cast<int64_t>(offset)});
    } else if (list < 0 && flat) {
      flat->add(1, reinterpret_cast<const float*>(v));
      replayed.push_back({-1, map->ntotal});
    } else {
      return DataLossError("index log " + log_path + " has a record for list " + std::to_string(list) +
                           " that its base index does not have");
    }
    map->id_map.push_back(id);
    ++map->ntotal;
  }
  if (replay_note_.empty() && got > 0 && got < record) {
    replay_note_ = "index log " + log_path + " ends inside record " + std::to_string(replayed.size() + 1) +
                   " (a torn append); it is dropped";
  }
  after_base_ = std::move(replayed);
  logged_ = after_base_.size();
  log_checksummed_ = v2;
  return Status::Ok();
}

int64_t VectorIndex::size() const { return index_->ntotal; }

uint64_t VectorIndex::IdFingerprint() const {
  const auto& ids = Map(index_)->id_map;
  return vigil::IdFingerprint(std::span<const int64_t>(ids.data(), ids.size()));
}

}  // namespace vigil
