#include "knowledge/sign_sketch.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "knowledge/target_clones.h"

namespace vigil {
namespace {

constexpr int kRounds = 3;
constexpr size_t kBlock = 8;  // sketches per block
constexpr size_t kBlockWords = kBlock * kSketchWords;

// The rotation's size: the smallest power of two >= d and >= kSketchBits, so that one rotation
// of the zero-padded vector gives all kSketchBits bits (its first kSketchBits coordinates).
size_t RotationSize(size_t d) {
  size_t m = kSketchBits;
  while (m < d) m *= 2;
  return m;
}

// x <- H D3 H D2 H D1 x (H unnormalised: only signs are read). Additions, subtractions and sign
// flips only, so the result is the same on every CPU the clone runs on.
VIGIL_TARGET_CLONES("avx2", "default") void Rotate(float* x, const float* signs, size_t m) {
  for (int r = 0; r < kRounds; ++r) {
    const float* s = signs + static_cast<size_t>(r) * m;
    for (size_t i = 0; i < m; ++i) x[i] *= s[i];
    // The three smallest strides within each group of 8 (one pass), then the rest.
    for (size_t g = 0; g < m; g += 8) {
      float* v = x + g;
      const float a0 = v[0] + v[1], a1 = v[0] - v[1], a2 = v[2] + v[3], a3 = v[2] - v[3];
      const float a4 = v[4] + v[5], a5 = v[4] - v[5], a6 = v[6] + v[7], a7 = v[6] - v[7];
      const float b0 = a0 + a2, b2 = a0 - a2, b1 = a1 + a3, b3 = a1 - a3;
      const float b4 = a4 + a6, b6 = a4 - a6, b5 = a5 + a7, b7 = a5 - a7;
      v[0] = b0 + b4, v[4] = b0 - b4, v[1] = b1 + b5, v[5] = b1 - b5;
      v[2] = b2 + b6, v[6] = b2 - b6, v[3] = b3 + b7, v[7] = b3 - b7;
    }
    for (size_t h = 8; h < m; h *= 2) {
      for (size_t i = 0; i < m; i += 2 * h) {
        float* lo = x + i;
        float* hi = lo + h;
        for (size_t j = 0; j < h; ++j) {
          const float a = lo[j], b = hi[j];
          lo[j] = a + b;
          hi[j] = a - b;
        }
      }
    }
  }
}

// Random signs of the rotation for size m (seed fixed; kRounds * m), made once per m and thread.
const std::vector<float>& RotationSigns(size_t m) {
  thread_local size_t cached_m = 0;
  thread_local std::vector<float> signs;
  if (cached_m != m) {
    std::mt19937_64 rng(0x5157a7c4e7c0ffeeULL);
    signs.resize(kRounds * m);
    for (size_t i = 0; i < signs.size(); i += 64) {
      const uint64_t bits = rng();
      for (size_t j = 0; j < 64 && i + j < signs.size(); ++j) signs[i + j] = (bits >> j) & 1 ? -1.0f : 1.0f;
    }
    cached_m = m;
  }
  return signs;
}

// (The POPCNT clones matter: for baseline x86-64 GCC calls libgcc's bit-twiddling popcount.)
VIGIL_TARGET_CLONES("popcnt", "default") void NearPairsScalar(
    const uint64_t* words, size_t size, const uint64_t* queries, size_t nq, SketchBounds bounds,
    std::vector<std::pair<uint32_t, uint32_t>>* out) {
  for (size_t b = 0; b * kBlock < size; ++b) {
    const uint64_t* block = words + b * kBlockWords;
    const size_t in_block = std::min(kBlock, size - b * kBlock);
    for (size_t q = 0; q < nq; ++q) {
      const uint64_t* qw = queries + q * kSketchWords;
      for (size_t c = 0; c < in_block; ++c) {
        uint32_t half = 0;
        for (size_t w = 0; w < kSketchHalfWords; ++w)
          half += __builtin_popcountll(block[w * kBlock + c] ^ qw[w]);
        if (half > bounds.half) continue;
        uint32_t full = half;
        for (size_t w = kSketchHalfWords; w < kSketchWords; ++w)
          full += __builtin_popcountll(block[w * kBlock + c] ^ qw[w]);
        if (full <= bounds.full)
          out->push_back({static_cast<uint32_t>(q), static_cast<uint32_t>(b * kBlock + c)});
      }
    }
  }
}

// A word in every lane (the value converted, not the uint64_t object read as a long long).
__attribute__((target("avx512f"))) inline __m512i Broadcast(uint64_t w) {
  return _mm512_set1_epi64(static_cast<long long>(w));
}

__attribute__((target("avx512f,avx512vpopcntdq"))) void NearPairsAvx512(
    const uint64_t* words, size_t size, const uint64_t* queries, size_t nq, SketchBounds bounds,
    std::vector<std::pair<uint32_t, uint32_t>>* out) {
  static_assert(kSketchHalfWords == 8 && kBlock == 8);
  const __m512i half_limit = _mm512_set1_epi64(bounds.half), full_limit = _mm512_set1_epi64(bounds.full);
  for (size_t b = 0; b * kBlock < size; ++b) {
    const uint64_t* block = words + b * kBlockWords;
    const size_t in_block = std::min(kBlock, size - b * kBlock);
    const __mmask8 valid = static_cast<__mmask8>((1u << in_block) - 1);
    __m512i w[kSketchHalfWords];
    for (size_t j = 0; j < kSketchHalfWords; ++j) w[j] = _mm512_loadu_si512(block + j * kBlock);
    for (size_t q = 0; q < nq; ++q) {
      const uint64_t* qw = queries + q * kSketchWords;
      __m512i acc = _mm512_popcnt_epi64(_mm512_xor_si512(w[0], Broadcast(qw[0])));
      for (size_t j = 1; j < kSketchHalfWords; ++j)
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_xor_si512(w[j], Broadcast(qw[j]))));
      const __mmask8 first = _mm512_mask_cmple_epu64_mask(valid, acc, half_limit);
      if (!first) continue;
      for (size_t j = kSketchHalfWords; j < kSketchWords; ++j) {
        const __m512i v = _mm512_loadu_si512(block + j * kBlock);
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_xor_si512(v, Broadcast(qw[j]))));
      }
      for (unsigned m = _mm512_mask_cmple_epu64_mask(first, acc, full_limit); m; m &= m - 1)
        out->push_back({static_cast<uint32_t>(q), static_cast<uint32_t>(b * kBlock + __builtin_ctz(m))});
    }
  }
}
const bool kHaveVpopcnt = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
bool simd_allowed = true;

}  // namespace

std::vector<uint64_t> SignSketches(std::span<const float> vectors, size_t d) {
  const size_t n = d ? vectors.size() / d : 0;
  std::vector<uint64_t> out(n * kSketchWords, 0);
  if (n == 0) return out;
  const size_t m = RotationSize(d);
  const std::vector<float>& signs = RotationSigns(m);
  std::vector<float> x(m);
  for (size_t r = 0; r < n; ++r) {
    uint64_t* bits = out.data() + r * kSketchWords;
    std::copy_n(vectors.data() + r * d, d, x.begin());
    std::fill(x.begin() + static_cast<std::ptrdiff_t>(d), x.end(), 0.0f);
    Rotate(x.data(), signs.data(), m);
    for (size_t w = 0; w < kSketchWords; ++w) {
      uint64_t word = 0;
      for (size_t j = 0; j < 64; ++j) word |= uint64_t{x[w * 64 + j] > 0} << j;
      bits[w] = word;
    }
  }
  return out;
}

VIGIL_TARGET_CLONES("popcnt", "default") SketchDistances SketchDistance(const uint64_t* a,
                                                                                   const uint64_t* b) {
  SketchDistances d;
  for (size_t w = 0; w < kSketchHalfWords; ++w) d.half += __builtin_popcountll(a[w] ^ b[w]);
  d.full = d.half;
  for (size_t w = kSketchHalfWords; w < kSketchWords; ++w) d.full += __builtin_popcountll(a[w] ^ b[w]);
  return d;
}

namespace {

// Smallest t with P(Binomial(n, p) > t) <= 1e-7, summing the tail from the top.
uint32_t BinomialBound(uint32_t bits, double p) {
  if (p <= 0) return 0;
  const double n = bits;
  double tail = 0;
  for (uint32_t t = bits; t > 0; --t) {
    const double k = t;
    tail += std::exp(std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1) + k * std::log(p) +
                     (n - k) * std::log1p(-p));
    if (tail > 1e-7) return t;
  }
  return 0;
}

}  // namespace

SketchBounds SketchHammingBounds(double min_cosine) {
  if (!(min_cosine > -1)) return {};
  const double p = std::acos(std::min(1.0, min_cosine)) / M_PI;  // per-bit difference probability
  return {BinomialBound(kSketchBits / 2, p), BinomialBound(kSketchBits, p)};
}

void SetSketchSimdForTesting(bool allowed) { simd_allowed = allowed; }

void SketchBlocks::Append(std::span<const uint64_t> sketches) {
  for (size_t i = 0; i + kSketchWords <= sketches.size(); i += kSketchWords) {
    const size_t c = size_ % kBlock;
    if (c == 0) words_.resize(words_.size() + kBlockWords, 0);
    uint64_t* block = words_.data() + words_.size() - kBlockWords;
    for (size_t w = 0; w < kSketchWords; ++w) block[w * kBlock + c] = sketches[i + w];
    ++size_;
  }
}

void SketchBlocks::Get(size_t i, uint64_t* out) const {
  const uint64_t* block = words_.data() + i / kBlock * kBlockWords;
  for (size_t w = 0; w < kSketchWords; ++w) out[w] = block[w * kBlock + i % kBlock];
}

void SketchBlocks::NearPairs(std::span<const uint64_t> queries, SketchBounds bounds,
                             std::vector<std::pair<uint32_t, uint32_t>>* out) const {
  const size_t nq = queries.size() / kSketchWords;
  if (nq == 0 || size_ == 0) return;
  if (kHaveVpopcnt && simd_allowed)
    return NearPairsAvx512(words_.data(), size_, queries.data(), nq, bounds, out);
  NearPairsScalar(words_.data(), size_, queries.data(), nq, bounds, out);
}

}  // namespace vigil
