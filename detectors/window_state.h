// Incremental state of one window node (and of ewma / lag / offset) for one series.
//
// Both evaluation modes push points through these same classes in the same order, so batch and
// streaming results are bit-identical. Points are pushed with a sequence number (the point's
// index in its series, NaN points included) and a timestamp; a point window of N covers
// sequence numbers (seq - N, seq], a time window timestamps (t - d, t]. NaN values occupy a
// point-window slot but are never stored or aggregated.
//
// Cost per push (W = points in the window): amortised O(1) for mean/sum/count/std/zscore
// (running sums with an exact recompute once as many points have left the window as it holds,
// which bounds floating-point drift; a computed +-Inf is counted apart, NonFiniteCount),
// min/max (monotonic deque; single pushes over point windows of up to 16 points a branch-free
// fold of the last W inputs), delta/rate/changes/resets
// (running sums of per-point increments); for median/quantile/mad a sorted array: O(log W)
// search (for W <= kSmallSorted = 128 a branch-free SIMD count instead) plus, when one value
// leaves and one arrives, one shift of the values between their two positions (O(W) worst
// case, a few ns for W in the tens); mad adds a selection of the middle deviation: for
// W <= 128 a branch-free SIMD scan of the W/2 block spreads (MinBlockSpread), above that an
// O(log W) binary search (a median/mad pair over a point window of up to 64 points, pushed
// singly where the CPU has AVX2: the batch blend kernel's step on a buffer of W slots, no branch
// on the data, BlendPointStep). The function and window kind
// are template parameters (PushFn / PushColumn), so a column is one specialised loop; median and
// mad of the same input and window can share one sorted array (PushMedianMad). Memory: O(W)
// per node and series.
// Not thread-safe; one instance per (rule, series, node).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/rule_plan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>  // AVX2 intrinsics, used only in functions marked VIGIL_AVX2
#endif

namespace vigil::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Point windows of min / max up to this many points are computed column-wise by
// WindowState::ExtremeColumn in batch mode.
inline constexpr int64_t kExtremeScanMax = 64;
// Up to this many points (and with AVX2 on) ExtremeColumn scans each window directly (w - 1
// vector picks per four points) instead of van Herk's three serial passes.
inline constexpr size_t kExtremeDirectMax = 16;

// Windows of up to this many sorted values use the SIMD scans below instead of binary searches.
inline constexpr size_t kSmallSorted = 128;

// Batch median/mad over point windows of up to this many points use the branch-free AVX2 kernel
// WindowState::MedianMadBlendAvx2 (it rewrites the whole sorted buffer per point, so its cost
// grows with the window, while the shift it replaces moves only the values between two ranks).
inline constexpr int64_t kBlendSortedMax = 64;

// Instruction set of the batch kernels, chosen at run time: the build targets baseline x86-64
// (SSE2); where the CPU has AVX2 the hot kernels run a copy compiled for it (functions marked
// VIGIL_AVX2 that inline the same portable code, so the compiler widens the loops). Both give
// the same doubles: the kernels use only IEEE add/sub/mul/div/sqrt, compares and selects, which
// round the same in every lane width, and no FMA (target "avx2" does not enable it).
// VIGIL_SIMD=baseline in the environment forces the baseline code (for tests and comparisons).
#if defined(__x86_64__) && defined(__GNUC__)
#define VIGIL_AVX2 __attribute__((target("avx2")))
inline bool CpuHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#else
#define VIGIL_AVX2
inline bool CpuHasAvx2() { return false; }
#endif
inline bool DefaultUseAvx2() {
  const char* e = std::getenv("VIGIL_SIMD");
  return CpuHasAvx2() && !(e && std::string_view(e) == "baseline");
}
inline bool g_use_avx2 = DefaultUseAvx2();
inline bool UseAvx2() { return g_use_avx2; }
// Tests: run the baseline kernels (false) or the AVX2 ones where the CPU has AVX2 (true).
inline void SetUseAvx2(bool on) { g_use_avx2 = on && CpuHasAvx2(); }

// One kernel (the batch median/mad step, WindowState::MedianMadBlend) also has an AVX-512 copy
// (VIGIL_AVX512: 8 doubles and mask registers), used where the CPU has AVX-512F/DQ and the AVX2
// kernels are on; VIGIL_SIMD=avx2 keeps it off. Same doubles as the other copies.
#if defined(__x86_64__) && defined(__GNUC__)
#define VIGIL_AVX512 __attribute__((target("avx512f,avx512dq,bmi2,popcnt")))
inline bool CpuHasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
}
#else
#define VIGIL_AVX512
inline bool CpuHasAvx512() { return false; }
#endif
inline bool DefaultUseAvx512() {
  const char* e = std::getenv("VIGIL_SIMD");
  return DefaultUseAvx2() && CpuHasAvx512() && !(e && std::string_view(e) == "avx2");
}
inline bool g_use_avx512 = DefaultUseAvx512();
inline bool UseAvx512() { return g_use_avx512 && g_use_avx2; }
// Tests: allow (true) or forbid (false) the AVX-512 kernel where the CPU has it.
inline void SetUseAvx512(bool on) { g_use_avx512 = on && CpuHasAvx512(); }

// Time differences without overflow. Timestamps may be anywhere in int64 (INT64_MIN and
// INT64_MAX included), so `later - earlier` need not fit in int64 (signed overflow is undefined
// behaviour, and a wrapped difference is wrong). Elapsed takes it in uint64, exact whenever
// earlier <= later (the difference is below 2^64); every caller compares an earlier point of a
// series, or a peer's latest point, with the current time.
inline uint64_t Elapsed(int64_t earlier, int64_t later) {
  return static_cast<uint64_t>(later) - static_cast<uint64_t>(earlier);
}
// later - earlier for two points of one time window: below its duration, so it fits in int64
// (converted to double from int64, cheaper than from uint64 without AVX-512).
inline int64_t SpanInWindow(int64_t earlier, int64_t later) { return static_cast<int64_t>(Elapsed(earlier, later)); }
// later - earlier >= d (exact; earlier <= later; any d).
inline bool ElapsedAtLeast(int64_t earlier, int64_t later, int64_t d) {
  return d <= 0 || Elapsed(earlier, later) >= static_cast<uint64_t>(d);
}
// later - earlier > d (exact; earlier <= later; any d).
inline bool ElapsedOver(int64_t earlier, int64_t later, int64_t d) {
  return d < 0 || Elapsed(earlier, later) > static_cast<uint64_t>(d);
}

// The non-finite values (+Inf, -Inf, NaN) inside a window of running sums (mean / sum / count /
// std / zscore, and rate / changes / resets' sums of increments): counted here and never added
// to the sums, which hold the finite values only. An infinity added to a running sum would stay
// there after it left (Inf - Inf = NaN until the next exact recompute; RV3, DET21). Inputs are
// never non-finite (CleanValue), but a value computed inside a rule can be (`x / mad(x, 30p)`
// where the MAD is 0 gives +-Inf; NaN is skipped as missing, but rate's increment of a point
// after an infinity can be Inf - Inf = NaN). Counts are exact, so once the non-finite values
// have left, the sums are what the finite values give, as if they had never been there.
struct NonFiniteCount {
  size_t pos = 0, neg = 0, nan = 0;
  bool any() const { return (pos | neg | nan) != 0; }
  void Add(double v) {  // v is not finite
    if (v > 0) ++pos;
    else if (v < 0) ++neg;
    else ++nan;
  }
  void Remove(double v) {  // v is not finite and was added
    if (v > 0) --pos;
    else if (v < 0) --neg;
    else --nan;
  }
  // IEEE's sum of the counted values (any()): NaN with a NaN or both infinities, else the
  // infinity. Adding finite values to it changes nothing, so it is the window's sum too.
  double Sum() const {
    if (nan || (pos && neg)) return kNaN;
    return pos ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  }
};

// DET23: plain running sums keep the rounding of every value they held until the next exact
// sum; after a huge finite value (1.8e19, an exporter's "blank" uint64 max) has left, that is
// ulp(1.8e19) = 2048 over values of 60 (RV5: mean 60.8 for 62 for 12 points). So after every
// point the sums are checked, and summed again from the window (the shift: its first finite
// value, as the periodic recompute) when either
//   s2 < kSumsDrop * peak (s2: the shifted sum of squares; peak: its largest value since the
//     last exact sum): the rounding the sums carry, at most about (adds since) * 2^-53 * peak,
//     is no longer small against them (a large value has left); or
//   n * s2 - s1^2 < kSumsFar * n * s2: the values sit far from the shift against their spread (a
//     huge value was the shift and has left): s2 - s1^2 / n cancels;
// in a window that is not flat (a flat one's value is its run's, exact; the sums are checked
// again at the first point that is not, where s2 against the peak still shows the drop).
// Ordinary data meets neither (s2 falling 2^16-fold within one recompute period, or the mean
// 2^20 standard deviations from a value of the window), so it runs the old arithmetic, bit for
// bit, with a compare or two per point (HISTORY.md "DET23"). rate / changes / resets: the first
// test on the increments' |sum| (after the window's first: that one can be the huge one).
inline constexpr double kSumsDrop = 0x1p-16;
inline constexpr double kSumsFar = 0x1p-40;
[[gnu::always_inline]] inline bool SumsUnsettled(double s1, double s2, double n, bool flat, double peak) {
  const double ns2 = n * s2;
  return (!flat) & ((s2 < kSumsDrop * peak) | (ns2 - s1 * s1 < kSumsFar * ns2));
}

// Per-point running sums of a point window (WindowState's batch path for mean / sum / count /
// std / zscore): the state after each push, in columns, so that the values (divisions and a
// square root per point) are computed in a separate loop the compiler vectorises.
struct SumsTrack {
  double* cnt;   // points in the window (as a double)
  double* s1;    // sum of (x - shift)
  double* s2;    // sum of (x - shift)^2
  double* sh;    // shift
  double* flat;  // 1 when the trailing run of equal values covers the window (and it is not empty)
  double* last;  // the last value pushed
};

// The values of WindowState::ValueFn for each tracked point, written to out[SumsIndex slot]
// where not null; x is the pushed value (zscore). Branch-free per lane: every quantity is
// computed and the result selected, in ValueFn's arithmetic order. One loop for all the wanted
// values (bit k of kMask = out[k] wanted), so that functions read together share their
// arithmetic (std and zscore of one window: one sd per point, not two; mean and std: one
// mean). Columns as restrict parameters (GCC vectorises the loop only then: it does not check
// eleven columns for overlap at run time); the outputs never overlap the track.
template <unsigned kMask>
[[gnu::always_inline]] inline void SumsValuesLoop(const double* __restrict cnt, const double* __restrict s1,
                                                  const double* __restrict s2, const double* __restrict sh,
                                                  const double* __restrict flat, const double* __restrict last,
                                                  const double* __restrict x, double* __restrict o0,
                                                  double* __restrict o1, double* __restrict o2,
                                                  double* __restrict o3, double* __restrict o4, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double dn = cnt[i];
    const bool is_flat = flat[i] != 0;
    const double mean = sh[i] + s1[i] / dn;
    if constexpr ((kMask & 1) != 0) {
      const double l = last[i];  // loaded whatever the select picks: a conditional load stops vectorising
      const double v = is_flat ? l : mean;
      o0[i] = dn > 0 ? v : kNaN;
    }
    if constexpr ((kMask & 2) != 0) {
      const double f = last[i] * dn, sum = s1[i] + sh[i] * dn;
      const double v = is_flat ? f : sum;
      o1[i] = dn > 0 ? v : 0.0;
    }
    if constexpr ((kMask & 4) != 0) o2[i] = dn;
    if constexpr ((kMask & 24) != 0) {
      const double ss0 = s2[i] - s1[i] * s1[i] / dn;
      const double ss = ss0 <= 1e-12 * s2[i] ? 0.0 : ss0;
      const double var = ss / (dn - 1);
      const double root = std::sqrt(var);
      const double sd = var > 0 ? root : 0.0;
      if constexpr ((kMask & 8) != 0) {
        const double v = is_flat ? 0.0 : sd;
        o3[i] = dn < 2 ? kNaN : v;
      }
      if constexpr ((kMask & 16) != 0) {
        const double xi = x[i];
        const double z = (xi - mean) / sd;
        const double v0 = sd > 0 ? z : kNaN;  // NaN sd too
        const double v1 = std::isnan(xi) ? kNaN : v0;
        const double v2 = is_flat ? kNaN : v1;
        o4[i] = dn < 2 ? kNaN : v2;
      }
    }
  }
}
template <unsigned kMask>
[[gnu::always_inline]] inline void SumsValuesMasked(const SumsTrack& k, const double* x, double* const* out,
                                                    size_t n) {
  SumsValuesLoop<kMask>(k.cnt, k.s1, k.s2, k.sh, k.flat, k.last, x, out[0], out[1], out[2], out[3], out[4], n);
}
// The batch column loop (SumsValuesAvx2 / SumsValuesBaseline) and the streaming step
// (SumsPointStep, n = 1) alike.
[[gnu::always_inline]] inline void SumsValues(const SumsTrack& k, const double* x, double* const* out,
                                              size_t n) {
  unsigned mask = 0;
  for (unsigned j = 0; j < 5; ++j) mask |= out[j] ? 1u << j : 0u;
  switch (mask) {
#define VIGIL_SUMS_MASK(M) \
  case M: return SumsValuesMasked<M>(k, x, out, n);
    VIGIL_SUMS_MASK(0) VIGIL_SUMS_MASK(1) VIGIL_SUMS_MASK(2) VIGIL_SUMS_MASK(3) VIGIL_SUMS_MASK(4)
    VIGIL_SUMS_MASK(5) VIGIL_SUMS_MASK(6) VIGIL_SUMS_MASK(7) VIGIL_SUMS_MASK(8) VIGIL_SUMS_MASK(9)
    VIGIL_SUMS_MASK(10) VIGIL_SUMS_MASK(11) VIGIL_SUMS_MASK(12) VIGIL_SUMS_MASK(13) VIGIL_SUMS_MASK(14)
    VIGIL_SUMS_MASK(15) VIGIL_SUMS_MASK(16) VIGIL_SUMS_MASK(17) VIGIL_SUMS_MASK(18) VIGIL_SUMS_MASK(19)
    VIGIL_SUMS_MASK(20) VIGIL_SUMS_MASK(21) VIGIL_SUMS_MASK(22) VIGIL_SUMS_MASK(23) VIGIL_SUMS_MASK(24)
    VIGIL_SUMS_MASK(25) VIGIL_SUMS_MASK(26) VIGIL_SUMS_MASK(27) VIGIL_SUMS_MASK(28) VIGIL_SUMS_MASK(29)
    VIGIL_SUMS_MASK(30) VIGIL_SUMS_MASK(31)
#undef VIGIL_SUMS_MASK
  }
}
VIGIL_AVX2 inline void SumsValuesAvx2(const SumsTrack& k, const double* x, double* const* out, size_t n) {
  SumsValues(k, x, out, n);
}
inline void SumsValuesBaseline(const SumsTrack& k, const double* x, double* const* out, size_t n) {
  SumsValues(k, x, out, n);
}
// The value of the running-sum function of SumsIndex slot `slot` over a window holding
// non-finite values, what IEEE gives computed from scratch over the window's values: mean and
// sum their sum `total` (NonFiniteCount::Sum), std and zscore NaN (a deviation from an infinite
// or NaN mean is NaN); count (v, from the sums' state) is unchanged.
inline double NonFiniteSumsValue(int slot, double v, double total) {
  if (slot <= 1) return total;
  return slot == 2 ? v : kNaN;
}
inline void NonFiniteSumsValues(double* const* out, size_t i, double total) {
  for (int k = 0; k < 5; ++k)
    if (out[k]) out[k][i] = NonFiniteSumsValue(k, out[k][i], total);
}

// Number of a[0..n) that are < x (kOrEqual: <= x). Branch-free; x is not NaN.
template <bool kOrEqual>
[[gnu::always_inline]] inline size_t CountBelow(const double* a, size_t n, double x) {
  size_t i = 0, c = 0;
#if defined(__SSE2__)
  const __m128d vx = _mm_set1_pd(x);
  __m128i c0 = _mm_setzero_si128(), c1 = _mm_setzero_si128();
  for (; i + 4 <= n; i += 4) {  // a true compare is all ones, i.e. -1 per lane
    __m128d v0 = _mm_loadu_pd(a + i), v1 = _mm_loadu_pd(a + i + 2);
    c0 = _mm_sub_epi64(c0, _mm_castpd_si128(kOrEqual ? _mm_cmple_pd(v0, vx) : _mm_cmplt_pd(v0, vx)));
    c1 = _mm_sub_epi64(c1, _mm_castpd_si128(kOrEqual ? _mm_cmple_pd(v1, vx) : _mm_cmplt_pd(v1, vx)));
  }
  c0 = _mm_add_epi64(c0, c1);
  c = static_cast<size_t>(_mm_cvtsi128_si64(c0)) +
      static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(c0, c0)));
#endif
  for (; i < n; ++i) c += kOrEqual ? (a[i] <= x) : (a[i] < x);
  return c;
}

// For sorted a[0..n) and m <= n: min over i in [0, n-m] of max(med - a[i], a[i+m-1] - med),
// the smallest spread around `med` of m consecutive values = the m-th smallest |a[j] - med|.
// Branch-free; a holds no NaN.
[[gnu::always_inline]] inline double MinBlockSpread(const double* a, size_t n, size_t m, double med) {
  const size_t blocks = n - m + 1;
  const double* b = a + (m - 1);
  size_t i = 0;
  double best = std::numeric_limits<double>::infinity();
#if defined(__SSE2__)
  const __m128d vmed = _mm_set1_pd(med);
  __m128d vbest = _mm_set1_pd(best);
  __m128d vbest2 = vbest;  // two chains: min's latency, not its throughput, bounds one chain
  for (; i + 4 <= blocks; i += 4) {
    vbest = _mm_min_pd(vbest, _mm_max_pd(_mm_sub_pd(vmed, _mm_loadu_pd(a + i)), _mm_sub_pd(_mm_loadu_pd(b + i), vmed)));
    vbest2 = _mm_min_pd(vbest2, _mm_max_pd(_mm_sub_pd(vmed, _mm_loadu_pd(a + i + 2)),
                                           _mm_sub_pd(_mm_loadu_pd(b + i + 2), vmed)));
  }
  if (i + 2 <= blocks) {
    vbest = _mm_min_pd(vbest, _mm_max_pd(_mm_sub_pd(vmed, _mm_loadu_pd(a + i)), _mm_sub_pd(_mm_loadu_pd(b + i), vmed)));
    i += 2;
  }
  vbest = _mm_min_pd(vbest, vbest2);
  best = std::min(_mm_cvtsd_f64(vbest), _mm_cvtsd_f64(_mm_unpackhi_pd(vbest, vbest)));
#endif
  for (; i < blocks; ++i) best = std::min(best, std::max(med - a[i], b[i] - med));
  return best;
}

// Both counts of CountBelow in one pass: *lt = values < u, *le = values <= v.
[[gnu::always_inline]] inline void CountBelowBoth(const double* a, size_t n, double u, double v, size_t* lt,
                                                  size_t* le) {
  size_t i = 0, c_lt = 0, c_le = 0;
#if defined(__SSE2__)
  const __m128d vu = _mm_set1_pd(u), vv = _mm_set1_pd(v);
  __m128i lt0 = _mm_setzero_si128(), le0 = _mm_setzero_si128();
  for (; i + 2 <= n; i += 2) {
    __m128d x = _mm_loadu_pd(a + i);
    lt0 = _mm_sub_epi64(lt0, _mm_castpd_si128(_mm_cmplt_pd(x, vu)));
    le0 = _mm_sub_epi64(le0, _mm_castpd_si128(_mm_cmple_pd(x, vv)));
  }
  c_lt = static_cast<size_t>(_mm_cvtsi128_si64(lt0)) + static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(lt0, lt0)));
  c_le = static_cast<size_t>(_mm_cvtsi128_si64(le0)) + static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(le0, le0)));
#endif
  for (; i < n; ++i) {
    c_lt += a[i] < u;
    c_le += a[i] <= v;
  }
  *lt = c_lt;
  *le = c_le;
}

// MinBlockSpread for m (*kth) and m + 1 (*next; needs m < n) in one pass: the blocks of m and
// of m + 1 values starting at the same i share their first value.
[[gnu::always_inline]] inline void MinBlockSpreads(const double* a, size_t n, size_t m, double med, double* kth,
                                                   double* next) {
  const size_t blocks = n - m;  // blocks of m + 1; the blocks of m have one more, at i = n - m
  const double* b = a + (m - 1);
  size_t i = 0;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double best_m = std::max(med - a[blocks], b[blocks] - med), best_m1 = kInf;
#if defined(__SSE2__)
  const __m128d vmed = _mm_set1_pd(med);
  __m128d vm = _mm_set1_pd(kInf), vm1 = vm;
  for (; i + 2 <= blocks; i += 2) {
    const __m128d lo = _mm_sub_pd(vmed, _mm_loadu_pd(a + i));
    vm = _mm_min_pd(vm, _mm_max_pd(lo, _mm_sub_pd(_mm_loadu_pd(b + i), vmed)));
    vm1 = _mm_min_pd(vm1, _mm_max_pd(lo, _mm_sub_pd(_mm_loadu_pd(b + i + 1), vmed)));
  }
  best_m = std::min(best_m, std::min(_mm_cvtsd_f64(vm), _mm_cvtsd_f64(_mm_unpackhi_pd(vm, vm))));
  best_m1 = std::min(_mm_cvtsd_f64(vm1), _mm_cvtsd_f64(_mm_unpackhi_pd(vm1, vm1)));
#endif
  for (; i < blocks; ++i) {
    const double lo = med - a[i];
    best_m = std::min(best_m, std::max(lo, b[i] - med));
    best_m1 = std::min(best_m1, std::max(lo, b[i + 1] - med));
  }
  *kth = best_m;
  *next = best_m1;
}

// AVX2 copies of CountBelowBoth, MinBlockSpread(s): four doubles per instruction, the same
// counts and the same doubles (min / max / sub per lane are exact; lanes are combined with the
// same min as the SSE2 code, and a zero's sign is dropped by the caller). Called only where
// UseAvx2(); the batch median/mad column loop inlines them (MedianMadPointsAvx2).
#if defined(__x86_64__) && defined(__GNUC__)
VIGIL_AVX2 inline void CountBelowBothAvx2(const double* a, size_t n, double u, double v, size_t* lt,
                                          size_t* le) {
  size_t i = 0;
  const __m256d vu = _mm256_set1_pd(u), vv = _mm256_set1_pd(v);
  __m256i clt = _mm256_setzero_si256(), cle = _mm256_setzero_si256();
  for (; i + 4 <= n; i += 4) {  // a true compare is all ones, i.e. -1 per lane
    const __m256d x = _mm256_loadu_pd(a + i);
    clt = _mm256_sub_epi64(clt, _mm256_castpd_si256(_mm256_cmp_pd(x, vu, _CMP_LT_OQ)));
    cle = _mm256_sub_epi64(cle, _mm256_castpd_si256(_mm256_cmp_pd(x, vv, _CMP_LE_OQ)));
  }
  alignas(32) int64_t l[4], e[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), clt);
  _mm256_store_si256(reinterpret_cast<__m256i*>(e), cle);
  size_t c_lt = static_cast<size_t>(l[0] + l[1] + l[2] + l[3]),
         c_le = static_cast<size_t>(e[0] + e[1] + e[2] + e[3]);
  for (; i < n; ++i) {
    c_lt += a[i] < u;
    c_le += a[i] <= v;
  }
  *lt = c_lt;
  *le = c_le;
}

VIGIL_AVX2 inline double MinLanesAvx2(__m256d v) {
  alignas(32) double d[4];
  _mm256_store_pd(d, v);
  return std::min(std::min(d[0], d[1]), std::min(d[2], d[3]));
}

VIGIL_AVX2 inline double MinBlockSpreadAvx2(const double* a, size_t n, size_t m, double med) {
  const size_t blocks = n - m + 1;
  const double* b = a + (m - 1);
  size_t i = 0;
  const __m256d vmed = _mm256_set1_pd(med);
  __m256d vbest = _mm256_set1_pd(std::numeric_limits<double>::infinity());
  for (; i + 4 <= blocks; i += 4)
    vbest = _mm256_min_pd(vbest, _mm256_max_pd(_mm256_sub_pd(vmed, _mm256_loadu_pd(a + i)),
                                               _mm256_sub_pd(_mm256_loadu_pd(b + i), vmed)));
  double best = MinLanesAvx2(vbest);
  for (; i < blocks; ++i) best = std::min(best, std::max(med - a[i], b[i] - med));
  return best;
}

VIGIL_AVX2 inline void MinBlockSpreadsAvx2(const double* a, size_t n, size_t m, double med, double* kth,
                                           double* next) {
  const size_t blocks = n - m;
  const double* b = a + (m - 1);
  size_t i = 0;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double best_m = std::max(med - a[blocks], b[blocks] - med);
  const __m256d vmed = _mm256_set1_pd(med);
  __m256d vm = _mm256_set1_pd(kInf), vm1 = vm;
  for (; i + 4 <= blocks; i += 4) {
    const __m256d lo = _mm256_sub_pd(vmed, _mm256_loadu_pd(a + i));
    vm = _mm256_min_pd(vm, _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i), vmed)));
    vm1 = _mm256_min_pd(vm1, _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i + 1), vmed)));
  }
  best_m = std::min(best_m, MinLanesAvx2(vm));
  double best_m1 = MinLanesAvx2(vm1);
  for (; i < blocks; ++i) {
    const double lo = med - a[i];
    best_m = std::min(best_m, std::max(lo, b[i] - med));
    best_m1 = std::min(best_m1, std::max(lo, b[i + 1] - med));
  }
  *kth = best_m;
  *next = best_m1;
}
#define VIGIL_HAVE_AVX2_KERNELS 1
#endif

// a[p..k-1] = a[p+1..k] (one value leaves at p, the gap moves to k). Two doubles at a time, in
// an inline loop: the shifts are short, and a memmove call costs more than the move.
[[gnu::always_inline]] inline void ShiftDown(double* a, size_t p, size_t k) {
  size_t i = p;
#if defined(__SSE2__)
  for (; i + 2 <= k; i += 2) _mm_storeu_pd(a + i, _mm_loadu_pd(a + i + 1));
#endif
  for (; i < k; ++i) a[i] = a[i + 1];
}

// a[k+1..p] = a[k..p-1] (the gap moves from p down to k).
[[gnu::always_inline]] inline void ShiftUp(double* a, size_t k, size_t p) {
  size_t i = p;
#if defined(__SSE2__)
  for (; i >= k + 2; i -= 2) _mm_storeu_pd(a + i - 1, _mm_loadu_pd(a + i - 2));
#endif
  for (; i > k; --i) a[i] = a[i - 1];
}

// A growable ring buffer (FIFO with random access from the front). 32 bytes (PERF4: a window
// state holds two, and its fields a push reads are asked for ahead, line by line): the buffer, the
// front's slot, the count and the mask; the capacity is mask + 1 (0 with no buffer: the mask
// starts at SIZE_MAX, so the first push grows it). T is trivially copyable.
template <typename T>
class Ring {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  Ring() = default;
  Ring(const Ring& o) { *this = o; }
  Ring(Ring&& o) noexcept { swap(o); }
  Ring& operator=(const Ring& o) {
    if (this == &o) return *this;
    std::unique_ptr<T[]> nb;
    if (o.buf_) {
      nb = std::make_unique_for_overwrite<T[]>(o.mask_ + 1);
      std::memcpy(nb.get(), o.buf_.get(), (o.mask_ + 1) * sizeof(T));
    }
    buf_ = std::move(nb);
    head_ = o.head_, size_ = o.size_, mask_ = o.mask_;
    return *this;
  }
  Ring& operator=(Ring&& o) noexcept {
    Ring t(std::move(o));
    swap(t);
    return *this;
  }
  void swap(Ring& o) noexcept {
    std::swap(buf_, o.buf_);
    std::swap(head_, o.head_);
    std::swap(size_, o.size_);
    std::swap(mask_, o.mask_);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return mask_ + 1; }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  T& back() { return buf_[(head_ + size_ - 1) & mask_]; }
  const T& back() const { return buf_[(head_ + size_ - 1) & mask_]; }
  const T& operator[](size_t i) const { return buf_[(head_ + i) & mask_]; }
  [[gnu::always_inline]] void push_back(const T& v) {
    if (size_ == mask_ + 1) [[unlikely]] Grow();
    buf_[(head_ + size_) & mask_] = v;
    ++size_;
  }
  void pop_front() {
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  void pop_back() { --size_; }
  // Asks for the lines of the front entry and of the slot the next push_back writes (PERF3:
  // streaming's window states past the cache).
  [[gnu::always_inline]] void PrefetchEnds() const {
    if (!buf_) return;
    __builtin_prefetch(&buf_[head_]);
    __builtin_prefetch(&buf_[(head_ + size_) & mask_]);
  }
  // The front entry and the back one (a monotonic deque compares with its back).
  [[gnu::always_inline]] void PrefetchFrontBack() const {
    if (size_ == 0) return;
    __builtin_prefetch(&buf_[head_]);
    __builtin_prefetch(&buf_[(head_ + size_ - 1) & mask_]);
  }
  // For loops that keep the ring in locals (the stores of entries would otherwise make the
  // compiler reload the members at every step): room for `more` pushes without growing, the
  // raw buffer (a power of two), and the state written back.
  void Reserve(size_t more) {
    while (capacity() < size_ + more) Grow();
  }
  T* data() { return buf_.get(); }
  size_t head() const { return head_; }
  size_t mask() const { return mask_; }
  void SetState(size_t head, size_t size) {
    head_ = head;
    size_ = size;
  }

 private:
  [[gnu::noinline]] void Grow() {
    const size_t cap = buf_ ? 2 * (mask_ + 1) : 8;
    std::unique_ptr<T[]> nb = std::make_unique_for_overwrite<T[]>(cap);
    for (size_t i = 0; i < size_; ++i) nb[i] = buf_[(head_ + i) & mask_];
    buf_ = std::move(nb);
    head_ = 0;
    mask_ = cap - 1;
  }
  std::unique_ptr<T[]> buf_;
  size_t head_ = 0, size_ = 0, mask_ = ~size_t{0};
};

// One held point of a window (16 bytes; PERF4: was 32, seq, t, x and aux each): `key` orders and
// evicts it, the point's sequence number in a point window, its timestamp in a time window; `v`
// is what the function reads back, the per-point increment for rate / indicator for changes and
// resets, the value for the others. rate over a point window also keeps the timestamps
// (WindowState::times_).
struct WindowEntry {
  int64_t key;
  double v;
};

// Evaluates one kWindow node incrementally.
class alignas(64) WindowState {
 public:
  explicit WindowState(const PlanNode& node)
      : fn_(node.window_fn), spec_(node.window), q_(node.window_fn == WindowFn::kQuantile ? node.constant : 0.0) {}

  // Streaming (PERF3, detectors/HISTORY.md): asks the memory for the lines the next single-point
  // push reads, so that a tick's pushes over many series' states (each evicted since the tick
  // before once the states outgrow the cache) overlap their reads instead of waiting for one
  // dependent miss after another (the ring's front entry, then the sorted array's binary search).
  // PrefetchObject: this state's own fields (call it some pushes earlier: PrefetchNext reads
  // them). Neither changes anything; a push without them gives the same values.
  // PERF4: only the lines a single-point step reads (the fields are laid out for it, below):
  // a time window's first three, a point window's first five (was every line of the object).
  [[gnu::always_inline]] void PrefetchObject(bool time_window = false) const {
    const char* p = reinterpret_cast<const char*>(this);
    const char* end = time_window ? reinterpret_cast<const char*>(&last_x_ + 1)
                                  : reinterpret_cast<const char*>(&scan_ + 1);
    for (; p < end; p += 64) __builtin_prefetch(p);
  }
  [[gnu::always_inline]] void PrefetchNext(bool time_window = false) const {
    entries_.PrefetchEnds();
    mono_.PrefetchFrontBack();
    if (!sorted_.empty()) {  // a binary search's lines are not known before it: the whole array
      const char* a = reinterpret_cast<const char*>(sorted_.data());
      const size_t bytes = sorted_.size() * sizeof(double);
      const size_t step = bytes <= kPrefetchSortedBytes ? 64 : bytes / (kPrefetchSortedBytes / 64) / 64 * 64 + 64;
      for (size_t off = 0; off < bytes; off += step) __builtin_prefetch(a + off);
    }
    if (time_window) return;  // ring_ and scan_ serve point windows only (and lie past the lines asked for)
    if (!ring_.empty()) __builtin_prefetch(&ring_[ring_pos_]);
    if (!scan_.empty() && step_path_ != StepPath::kUnset && step_path_ != StepPath::kSorted)
      __builtin_prefetch(scan_.data());
  }
  // A sorted array over this many bytes is asked for by a sample of its lines (this many / 64).
  static constexpr size_t kPrefetchSortedBytes = 4096;

  // Adds the point (seq, t, x) and returns the window function's value at it, through the step
  // PushFnFor resolves (compiled plans resolve it once and call the pointer themselves).
  double Push(int64_t seq, int64_t t, double x) {
    return PushFnFor(fn_, spec_.is_points)(*this, seq, t, x);
  }

  // The same step for a known function and window kind (no per-point branching on either).
  // Calling it with F != the node's function is a bug.
  template <WindowFn F, bool kPoints>
  [[gnu::always_inline]] double PushFn(int64_t seq, int64_t t, double x) {
    if constexpr (Order(F)) {
      SlideSorted<kPoints>(seq, t, x);
    } else if constexpr (kPoints && (F == WindowFn::kMin || F == WindowFn::kMax)) {
      if (spec_.points <= static_cast<int64_t>(kExtremeDirectMax)) {
        double v;
        ExtremeStep<F == WindowFn::kMin, F == WindowFn::kMax>(x, &v, &v);
        return v;
      }
      EvictFn<F, kPoints>(seq, t);
      if (!std::isnan(x)) InsertFn<F, kPoints>(seq, t, x);
    } else if constexpr (kPoints && Sums(F)) {
      // SumsPointStep always writes v; initialised because GCC 12 at -O2 (RelWithDebInfo) cannot
      // see that through SumsValues and fails the build with -Werror=maybe-uninitialized.
      double v = 0;
      double* outs[kSumsSlots] = {};
      outs[SumsIndex(F)] = &v;
      SumsPointStep(x, outs);
      return v;
    } else {
      EvictFn<F, kPoints>(seq, t);
      if (!std::isnan(x)) InsertFn<F, kPoints>(seq, t, x);
      SettleFn<F>();
    }
    return ValueFn<F>(x);
  }

  // Pushes points i = 0..n-1 (seq = seq0 + i, timestamps t[i], values x[i]) and writes the
  // values to out[i]; for time windows also returns the most entries held at once (0 for point
  // windows). Same arithmetic, in the same order, as n calls of Push, so a series may be pushed
  // in consecutive blocks.
  size_t PushColumn(const int64_t* t, const double* x, double* out, size_t n, int64_t seq0 = 0) {
    switch (fn_) {
#define VIGIL_WINDOW_CASE(F) \
  case WindowFn::F: return spec_.is_points ? Column<WindowFn::F, true>(t, x, out, n, seq0) : Column<WindowFn::F, false>(t, x, out, n, seq0);
      VIGIL_WINDOW_CASE(kMean) VIGIL_WINDOW_CASE(kStd) VIGIL_WINDOW_CASE(kMin) VIGIL_WINDOW_CASE(kMax)
      VIGIL_WINDOW_CASE(kMedian) VIGIL_WINDOW_CASE(kMad) VIGIL_WINDOW_CASE(kQuantile) VIGIL_WINDOW_CASE(kSum)
      VIGIL_WINDOW_CASE(kCount) VIGIL_WINDOW_CASE(kDelta) VIGIL_WINDOW_CASE(kRate) VIGIL_WINDOW_CASE(kZscore)
      VIGIL_WINDOW_CASE(kChanges) VIGIL_WINDOW_CASE(kResets)
#undef VIGIL_WINDOW_CASE
    }
    return 0;
  }

  // For a min and a max node over the same input and point window of w <= kExtremeDirectMax
  // points (streaming, the engine's pair): one push for both, ExtremeStep's ring and one fold
  // holding both picks; the same doubles as two states. A state pushed here is pushed only here.
  void PushMinMax(double x, double* min, double* max) { ExtremeStep<true, true>(x, min, max); }

  // For a median or mad node: pushes the point once and returns both the median and the mad of
  // the window, so a rule using median(x, w) and mad(x, w) keeps one sorted window. The values
  // equal those of separate median and mad states (the sorted array depends only on the window).
  template <bool kPoints, bool kAvx2 = false>
  [[gnu::always_inline]] void PushMedianMad(int64_t seq, int64_t t, double x, double* median, double* mad) {
    SlideSorted<kPoints, kAvx2>(seq, t, x);
    *median = Quantile(0.5);
    *mad = Mad<kAvx2>(*median);
  }
  void PushMedianMad(int64_t seq, int64_t t, double x, double* median, double* mad) {
#if defined(VIGIL_HAVE_AVX2_KERNELS)
    // Point windows of up to kBlendSortedMax points take the blend step (BlendPointStep); the
    // path is fixed at a state's first push, so a state never mixes it with SlideSorted's.
    if (step_path_ == StepPath::kUnset) [[unlikely]]
      step_path_ = !(spec_.is_points && spec_.points <= kBlendSortedMax && UseAvx2()) ? StepPath::kSorted
                   : UseAvx512()                                                     ? StepPath::kBlend8
                                                                                     : StepPath::kBlend4;
    if (step_path_ == StepPath::kBlend8) return BlendPointStepAvx512(x, median, mad);
    if (step_path_ == StepPath::kBlend4) return BlendPointStepAvx2(x, median, mad);
    if (UseAvx2()) return PushMedianMadAvx2(seq, t, x, median, mad);
#endif
    if (spec_.is_points) PushMedianMad<true>(seq, t, x, median, mad);
    else PushMedianMad<false>(seq, t, x, median, mad);
  }
#if defined(VIGIL_HAVE_AVX2_KERNELS)
  // The single-point step (streaming) with the AVX2 rank count and block spreads.
  VIGIL_AVX2 void PushMedianMadAvx2(int64_t seq, int64_t t, double x, double* median, double* mad) {
    if (spec_.is_points)
      PushMedianMad<true, true>(seq, t, x, median, mad);
    else
      PushMedianMad<false, true>(seq, t, x, median, mad);
  }
#endif
  // Column form of PushMedianMad; returns the most entries held (time windows; 0 otherwise).
  size_t PushMedianMadColumn(const int64_t* t, const double* x, double* median, double* mad, size_t n,
                             int64_t seq0 = 0) {
    size_t max_held = 0;
    if (spec_.is_points) {
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if (UseAvx512() && spec_.points <= kBlendSortedMax) {
        MedianMadBlendAvx512(x, median, mad, n);
        return 0;
      }
      if (UseAvx2() && spec_.points <= kBlendSortedMax) {
        MedianMadBlendAvx2(x, median, mad, n);
        return 0;
      }
      if (UseAvx2()) {
        MedianMadPointsAvx2(t, x, median, mad, n, seq0);
        return 0;
      }
#endif
      for (size_t i = 0; i < n; ++i) PushMedianMad<true>(seq0 + static_cast<int64_t>(i), t[i], x[i], &median[i], &mad[i]);
    } else {
      for (size_t i = 0; i < n; ++i) {
        PushMedianMad<false>(seq0 + static_cast<int64_t>(i), t[i], x[i], &median[i], &mad[i]);
        max_held = std::max(max_held, entries_.size());
      }
    }
    return max_held;
  }

#if defined(VIGIL_HAVE_AVX2_KERNELS)
  // The point-window column loop of PushMedianMadColumn compiled for AVX2 (rank counts and
  // block spreads four doubles at a time): the same sorted array and doubles.
  VIGIL_AVX2 void MedianMadPointsAvx2(const int64_t* t, const double* x, double* median, double* mad,
                                      size_t n, int64_t seq0) {
    for (size_t i = 0; i < n; ++i)
      PushMedianMad<true, true>(seq0 + static_cast<int64_t>(i), t[i], x[i], &median[i], &mad[i]);
  }

  // Batch median/mad over a point window of w <= kBlendSortedMax points, AVX2, without a branch
  // on the data in the common step (the value that leaves and the one that arrives both finite).
  // The sorted values live in a fixed-width buffer of cap = w rounded up to 4 slots (the slots
  // past the count hold +inf); the leaving value's position p (values < old) and the arriving
  // value's (values <= x) are counted over all cap slots, and the whole buffer is rewritten,
  // each slot taking its left, own or right neighbour or x by a mask from its index. The value
  // that leaves is read from the input (the previous w inputs kept in tail_) instead of a ring
  // of entries. Two passes per chunk of kChunk points: the first writes each point's sorted
  // buffer to its own slot (the serial chain: counts and rewrite only; AVX2: aligned loads of
  // the previous slot, neighbours by permutes, so every load is forwarded from one store;
  // AVX-512: the buffer stays in registers, BlendRegsAvx512); the second takes median and mad
  // of each slot, independent per point, kV points at a time (BlendMedianMad8 / 4); AVX-512
  // runs two chunks' chains side by side, the second half of the column restarted from a
  // sort of its window (BlendRegs2Avx512, in MedianMadBlend). The sorted array is
  // exactly the one SlideSorted builds (old erased at its first equal position, x inserted
  // after the last value <= x), so the median and mad are the same doubles; other steps (a NaN
  // or an infinity leaving or arriving, the first w points) take a scalar path with the same
  // placement. A state pushed by this kernel is never pushed by PushMedianMad (the choice
  // depends only on w and the instruction set, as for the other column kernels).
  // The fast step of MedianMadBlend for 4-double vectors (AVX2): a is the sorted buffer (cap
  // slots, -inf x 4 before, +inf x 4 after), b receives it with old (finite, present) replaced
  // by xi (finite); b may be a (every slot is loaded before its vector is stored).
  VIGIL_AVX2 static void BlendStepAvx2(const double* a, double* b, size_t cap, double old, double xi) {
    // Let p = values < old (old's slot) and le = values <= xi. x's slot once old is gone is
    // k = le - 1 when old <= xi (then p <= k) and k = le otherwise (then k <= p). Slot j
    // takes a[j + 1] when p <= j < k, a[j - 1] when k < j <= p, x at j = k, else a[j].
    // The buffer is sorted (with -inf before slot 0 and +inf past the count), so j < p is
    // a[j] < old and j < le is a[j] <= xi: the masks come from compares of a[j] and its
    // neighbours, without counting.
    const __m256d vo = _mm256_set1_pd(old), vx = _mm256_set1_pd(xi);
    const __m256d up_case = old <= xi ? _mm256_castsi256_pd(_mm256_set1_epi64x(-1)) : _mm256_setzero_pd();
    __m256d prev = _mm256_load_pd(a - 4), cur = _mm256_load_pd(a);  // a[-4..-1]: -inf
    for (size_t q = 0; q < cap; q += 4) {
      const __m256d next = _mm256_load_pd(a + q + 4);  // a[cap..cap+3]: +inf
      const __m256d left = _mm256_shuffle_pd(_mm256_permute2f128_pd(prev, cur, 0x21), cur, 0x5);   // a[j-1]
      const __m256d right = _mm256_shuffle_pd(cur, _mm256_permute2f128_pd(cur, next, 0x21), 0x5);  // a[j+1]

      const __m256d le_j = _mm256_cmp_pd(cur, vx, _CMP_LE_OQ);    // j < le
      const __m256d le_r = _mm256_cmp_pd(right, vx, _CMP_LE_OQ);  // j + 1 < le
      const __m256d le_l = _mm256_cmp_pd(left, vx, _CMP_LE_OQ);   // j - 1 < le
      const __m256d lt_j = _mm256_cmp_pd(cur, vo, _CMP_LT_OQ);    // j < p
      const __m256d lt_l = _mm256_cmp_pd(left, vo, _CMP_LT_OQ);   // j - 1 < p
      // old <= xi: up = p <= j < le - 1, at = (j == le - 1). Otherwise: down = le < j <= p,
      // at = (j == le).
      const __m256d up = _mm256_and_pd(up_case, _mm256_andnot_pd(lt_j, le_r));
      const __m256d down = _mm256_andnot_pd(up_case, _mm256_andnot_pd(le_l, lt_l));
      const __m256d at =
          _mm256_blendv_pd(_mm256_andnot_pd(le_j, le_l), _mm256_andnot_pd(le_r, le_j), up_case);
      __m256d v = _mm256_blendv_pd(cur, right, up);
      v = _mm256_blendv_pd(v, left, down);
      v = _mm256_blendv_pd(v, vx, at);
      _mm256_store_pd(b + q, v);
      prev = cur;
      cur = next;
    }
  }

  // MedianMadBlend's step when the value leaving or the one arriving is NaN or infinite: the
  // same placement as SlideSorted, on the buffer copied from a to b (c values, updated; a == b
  // in place).
  static void BlendScalarStep(const double* a, double* b, size_t cap, double old, double xi, size_t* c) {
    if (a != b) std::copy(a, a + cap, b);
    if (!std::isnan(old)) {  // erase at the first equal position; the freed slot is +inf
      const size_t p = CountBelow</*kOrEqual=*/false>(b, *c, old);
      std::copy(b + p + 1, b + *c, b + p);
      b[--*c] = std::numeric_limits<double>::infinity();
    }
    if (!std::isnan(xi)) {  // insert after the last value <= xi
      const size_t k = CountBelow</*kOrEqual=*/true>(b, *c, xi);
      std::copy_backward(b + k, b + *c, b + *c + 1);
      b[k] = xi;
      ++*c;
    }
  }
  // One step of the register-held buffer r (NV vectors of 8 doubles): old leaves, xi arrives,
  // the new buffer stored to b; prev_buf is the buffer before the step in memory (the scalar path
  // reads it). c: values in the buffer.
  template <int NV>
  VIGIL_AVX512 [[gnu::always_inline]] static inline void BlendRegStep(__m512i* r, const double* prev_buf, double* b,
                                                                     double old, double xi, size_t* c) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const __m512i lo_pad = _mm512_castpd_si512(_mm512_set1_pd(-kInf)), hi_pad = _mm512_castpd_si512(_mm512_set1_pd(kInf));
    if (std::isfinite(old) && std::isfinite(xi)) [[likely]] {
      const __m512d vo = _mm512_set1_pd(old), vx = _mm512_set1_pd(xi);
      uint64_t lt = 0, le = 0;
      for (int v = 0; v < NV; ++v) {
        lt |= static_cast<uint64_t>(_mm512_cmp_pd_mask(_mm512_castsi512_pd(r[v]), vo, _CMP_LT_OQ)) << (8 * v);
        le |= static_cast<uint64_t>(_mm512_cmp_pd_mask(_mm512_castsi512_pd(r[v]), vx, _CMP_LE_OQ)) << (8 * v);
      }
      const uint64_t p = static_cast<uint64_t>(__builtin_popcountll(lt));
      const uint64_t k = static_cast<uint64_t>(__builtin_popcountll(le)) - (old <= xi);  // xi's slot
      const uint64_t ones = ~uint64_t{0};
      const uint64_t up = _bzhi_u64(ones, static_cast<unsigned>(k)) & ~_bzhi_u64(ones, static_cast<unsigned>(p));
      const uint64_t down =
          _bzhi_u64(ones, static_cast<unsigned>(p + 1)) & ~_bzhi_u64(ones, static_cast<unsigned>(k + 1));
      const uint64_t at = uint64_t{1} << k;
      __m512i nr[NV];
      for (int v = 0; v < NV; ++v) {
        const __m512i next = v + 1 < NV ? r[v + 1 < NV ? v + 1 : v] : hi_pad;
        const __m512i prev = v > 0 ? r[v > 0 ? v - 1 : 0] : lo_pad;
        const __m512d right = _mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, next, r[v], 1));  // a[j+1]
        const __m512d left = _mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, r[v], prev, 7));   // a[j-1]
        __m512d x = _mm512_mask_mov_pd(_mm512_castsi512_pd(r[v]), static_cast<__mmask8>(up >> (8 * v)), right);
        x = _mm512_mask_mov_pd(x, static_cast<__mmask8>(down >> (8 * v)), left);
        x = _mm512_mask_mov_pd(x, static_cast<__mmask8>(at >> (8 * v)), vx);
        nr[v] = _mm512_castpd_si512(x);
      }
      for (int v = 0; v < NV; ++v) {
        r[v] = nr[v];
        _mm512_store_pd(b + 8 * v, _mm512_castsi512_pd(r[v]));
      }
    } else {
      BlendScalarStep(prev_buf, b, 8 * NV, old, xi, c);
      for (int v = 0; v < NV; ++v) r[v] = _mm512_castpd_si512(_mm512_load_pd(b + 8 * v));
    }
  }
  // The first pass of a MedianMadBlend chunk for AVX-512 (cap a multiple of 8, <= 64), the
  // sorted buffer held in NV registers of 8 doubles from step to step: each step's buffer is
  // still stored to its slot (the second pass reads it) but not loaded back by the next step,
  // so the serial chain is compares, mask arithmetic and masked moves only. The positions p
  // (values < old) and le (values <= xi) are counted from the compare masks (one bit per slot),
  // and the three moves of BlendStepAvx2 (from the right neighbour for p <= j < k, from the
  // left one for k < j <= p, xi at k) are masked moves; the -inf before slot 0 and the +inf
  // past the buffer are constants. z[s] leaves and z[s + w] arrives at step s; slot 0 holds the
  // buffer before the chunk. The same buffers as BlendStepAvx2 and BlendScalarStep.
  template <int NV>
  VIGIL_AVX512 static void BlendRegsAvx512(double* slots, size_t stride, const double* z, size_t w, size_t len,
                                           size_t* count, size_t* cnt) {
    __m512i r[NV];
    for (int v = 0; v < NV; ++v) r[v] = _mm512_castpd_si512(_mm512_load_pd(slots + 8 * v));
    size_t c = *count;
    for (size_t s = 0; s < len; ++s) {
      BlendRegStep<NV>(r, slots + s * stride, slots + (s + 1) * stride, z[s], z[s + w], &c);
      cnt[s] = c;
    }
    *count = c;
  }
  // Two chunks' first passes side by side (two independent chains: the step's latency, not its
  // throughput, bounds one chain): chain A over slots_a with z_a, chain B over slots_b with z_b,
  // len steps each.
  template <int NV>
  VIGIL_AVX512 static void BlendRegs2Avx512(double* slots_a, double* slots_b, size_t stride, const double* z_a,
                                            const double* z_b, size_t w, size_t len, size_t* count_a,
                                            size_t* count_b, size_t* cnt_a, size_t* cnt_b) {
    __m512i ra[NV], rb[NV];
    for (int v = 0; v < NV; ++v) {
      ra[v] = _mm512_castpd_si512(_mm512_load_pd(slots_a + 8 * v));
      rb[v] = _mm512_castpd_si512(_mm512_load_pd(slots_b + 8 * v));
    }
    size_t ca = *count_a, cb = *count_b;
    for (size_t s = 0; s < len; ++s) {
      BlendRegStep<NV>(ra, slots_a + s * stride, slots_a + (s + 1) * stride, z_a[s], z_a[s + w], &ca);
      BlendRegStep<NV>(rb, slots_b + s * stride, slots_b + (s + 1) * stride, z_b[s], z_b[s + w], &cb);
      cnt_a[s] = ca;
      cnt_b[s] = cb;
    }
    *count_a = ca;
    *count_b = cb;
  }
  // One step of BlendRegStep on a buffer in memory, in place (cap = 8 * NV): the streaming
  // form, BlendPointStep.
  template <int NV>
  VIGIL_AVX512 static void BlendStepAvx512(double* a, double old, double xi, size_t* c) {
    __m512i r[NV];
    for (int v = 0; v < NV; ++v) r[v] = _mm512_castpd_si512(_mm512_load_pd(a + 8 * v));
    BlendRegStep<NV>(r, a, a, old, xi, c);
  }

  // Median and mad over a point window of w <= kBlendSortedMax points, one push (streaming),
  // without SlideSorted's branches on the data: MedianMadBlend's sorted buffer (cap = w rounded
  // up to kV slots, -inf before, +inf past the count) kept in scan_ and stepped in place, the
  // value that leaves read from a ring of the last w inputs (ring_, NaN before the first point).
  // The same buffer as SlideSorted's sorted array (the blend steps are tested against it), so
  // the same median and mad. PushMedianMad picks this path at a state's first push.
  template <size_t kV>
  [[gnu::always_inline]] double* BlendPointBegin(double x, double* old) {
    const size_t w = static_cast<size_t>(spec_.points);
    if (ring_.size() != w) [[unlikely]] {
      const size_t cap = (w + kV - 1) / kV * kV;
      ring_.assign(w, kNaN);
      ring_pos_ = 0;
      scan_.assign(3 * kV + cap, std::numeric_limits<double>::infinity());
      double* a = BlendSlots(kV);
      std::fill(a - kV, a, -std::numeric_limits<double>::infinity());
      blend_count_ = 0;
    }
    double* z = ring_.data();
    const size_t pos = ring_pos_;
    *old = z[pos];
    z[pos] = x;
    ring_pos_ = pos + 1 == w ? 0 : pos + 1;
    return BlendSlots(kV);
  }
  VIGIL_AVX2 void BlendPointStepAvx2(double x, double* median, double* mad) {
    double old;
    double* a = BlendPointBegin<4>(x, &old);
    const size_t cap = (static_cast<size_t>(spec_.points) + 3) / 4 * 4;
    if (std::isfinite(old) && std::isfinite(x)) [[likely]]
      BlendStepAvx2(a, a, cap, old, x);
    else
      BlendScalarStep(a, a, cap, old, x, &blend_count_);
    const double med = QuantileOf(a, blend_count_, 0.5);
    *median = med;
    *mad = BlendMad<4>(a, blend_count_, med);
  }
  VIGIL_AVX512 void BlendPointStepAvx512(double x, double* median, double* mad) {
    double old;
    double* a = BlendPointBegin<8>(x, &old);
    const size_t cap = (static_cast<size_t>(spec_.points) + 7) / 8 * 8;
    switch (cap / 8) {
#define VIGIL_BLEND_STEP(NV) \
  case NV: BlendStepAvx512<NV>(a, old, x, &blend_count_); break;
      VIGIL_BLEND_STEP(1) VIGIL_BLEND_STEP(2) VIGIL_BLEND_STEP(3) VIGIL_BLEND_STEP(4)
      VIGIL_BLEND_STEP(5) VIGIL_BLEND_STEP(6) VIGIL_BLEND_STEP(7) VIGIL_BLEND_STEP(8)
#undef VIGIL_BLEND_STEP
    }
    const double med = QuantileOf(a, blend_count_, 0.5);
    *median = med;
    *mad = BlendMad<8>(a, blend_count_, med);
  }

  VIGIL_AVX512 void MedianMadBlendAvx512(const double* x, double* median, double* mad, size_t n) {
    MedianMadBlend<8>(x, median, mad, n);
  }
  VIGIL_AVX2 void MedianMadBlendAvx2(const double* x, double* median, double* mad, size_t n) {
    MedianMadBlend<4>(x, median, mad, n);
  }

  // The kernel body for vectors of kV doubles (4: AVX2, 8: AVX-512), inlined into the copies.
  template <size_t kV>
  [[gnu::always_inline]] void MedianMadBlend(const double* x, double* median, double* mad, size_t n) {
    constexpr size_t kChunk = 32;
    const size_t w = static_cast<size_t>(spec_.points);
    const size_t cap = (w + kV - 1) / kV * kV, stride = cap + 2 * kV;  // -inf x kV, cap values, +inf x kV
    constexpr double kInf = std::numeric_limits<double>::infinity();
    // Slot s at slots + s * stride, aligned to its vectors (8 * kV bytes); slot 0 holds the window
    // before the chunk. The spare values around a slot are never written. The layout depends on
    // kV: a state continued with the other width (the instruction set switched between columns)
    // gets a new buffer with its window carried over, the same values in the same order (so the
    // same doubles after: equal values such as -0 and +0 keep their places).
    // Two regions of kRegion slots: the second holds chain B of the two-chain pass below.
    constexpr size_t kRegion = kChunk + 1;
    const bool first = tail_.size() < w;
    if (first || blend_width_ != kV) {
      std::vector<double> window;
      if (!first) {
        const double* old = BlendSlots(blend_width_);
        window.assign(old, old + blend_count_);
      }
      scan_.assign(kV + 2 * kRegion * stride, kInf);
      blend_count_ = window.size();
      blend_width_ = kV;
      double* s0 = BlendSlots(kV);
      for (size_t s = 0; s < 2 * kRegion; ++s) std::fill(s0 + s * stride - kV, s0 + s * stride, -kInf);
      std::copy(window.begin(), window.end(), s0);
    }
    double* slots = BlendSlots(kV);
    const double* z = BeginTailColumn(x, n, w);  // z[i] leaves when z[i + w] = x[i] arrives
    size_t c = blend_count_;
    size_t cnt[kChunk];
    // The second pass of a chunk of len points from point i0: independent per point; kV points
    // at a time, their spreads reduced together.
    auto medians = [&](const double* sl, const size_t* cn, size_t len, size_t i0) {
      size_t s = 0;
      for (; s + kV <= len; s += kV) {
        if constexpr (kV == 8)
          BlendMedianMad8(sl + (s + 1) * stride, stride, cn + s, median + i0 + s, mad + i0 + s);
        else
          BlendMedianMad4(sl + (s + 1) * stride, stride, cn + s, median + i0 + s, mad + i0 + s);
      }
      for (; s < len; ++s) {
        const double* a = sl + (s + 1) * stride;
        const double med = QuantileOf(a, cn[s], 0.5);
        median[i0 + s] = med;
        mad[i0 + s] = BlendMad<kV>(a, cn[s], med);
      }
    };
    size_t i0 = 0;
    if constexpr (kV == 8) {
      // AVX-512: the first 2 * half points as two chains side by side, A over [0, half) and B
      // over [half, 2 * half) (one chain is bound by its step's latency). B starts from the
      // window before point `half`, z[half .. half + w), sorted by an insertion sort in arrival
      // order: the buffer is always that stable sort of the window (a value goes in after the
      // last one <= it, and the value that leaves, the oldest, is the first of its equal ones),
      // so B's buffers are A's continued, bit for bit, -0 and +0 in the same places.
      const size_t half = n / 2 / kChunk * kChunk;
      if (half > 0) {
        double* slots_b = slots + kRegion * stride;
        size_t cb = 0;
        for (size_t j = half; j < half + w; ++j) {
          const double v = z[j];
          if (std::isnan(v)) continue;
          size_t k = cb++;
          for (; k > 0 && slots_b[k - 1] > v; --k) slots_b[k] = slots_b[k - 1];
          slots_b[k] = v;
        }
        std::fill(slots_b + cb, slots_b + cap, kInf);
        size_t cnt_b[kChunk];
        for (; i0 < half; i0 += kChunk) {
          switch (cap / 8) {
#define VIGIL_BLEND_REGS2(NV)                                                                                 \
  case NV:                                                                                                    \
    BlendRegs2Avx512<NV>(slots, slots_b, stride, z + i0, z + half + i0, w, kChunk, &c, &cb, cnt, cnt_b); \
    break;
            VIGIL_BLEND_REGS2(1) VIGIL_BLEND_REGS2(2) VIGIL_BLEND_REGS2(3) VIGIL_BLEND_REGS2(4)
            VIGIL_BLEND_REGS2(5) VIGIL_BLEND_REGS2(6) VIGIL_BLEND_REGS2(7) VIGIL_BLEND_REGS2(8)
#undef VIGIL_BLEND_REGS2
          }
          medians(slots, cnt, kChunk, i0);
          medians(slots_b, cnt_b, kChunk, half + i0);
          std::copy(slots + kChunk * stride, slots + kChunk * stride + cap, slots);
          std::copy(slots_b + kChunk * stride, slots_b + kChunk * stride + cap, slots_b);
        }
        std::copy(slots_b, slots_b + cap, slots);  // chain B goes on (A ended where B began)
        c = cb;
        i0 = 2 * half;
      }
    }
    for (; i0 < n; i0 += kChunk) {
      const size_t len = std::min(kChunk, n - i0);
      if constexpr (kV == 8) {
        switch (cap / 8) {  // the buffer in registers: a copy per vector count
#define VIGIL_BLEND_REGS(NV) \
  case NV: BlendRegsAvx512<NV>(slots, stride, z + i0, w, len, &c, cnt); break;
          VIGIL_BLEND_REGS(1) VIGIL_BLEND_REGS(2) VIGIL_BLEND_REGS(3) VIGIL_BLEND_REGS(4)
          VIGIL_BLEND_REGS(5) VIGIL_BLEND_REGS(6) VIGIL_BLEND_REGS(7) VIGIL_BLEND_REGS(8)
#undef VIGIL_BLEND_REGS
        }
      } else {
        for (size_t s = 0; s < len; ++s) {
          const double* a = slots + s * stride;
          double* b = slots + (s + 1) * stride;
          const double old = z[i0 + s], xi = z[i0 + s + w];
          if (std::isfinite(old) && std::isfinite(xi)) [[likely]]
            BlendStepAvx2(a, b, cap, old, xi);
          else
            BlendScalarStep(a, b, cap, old, xi, &c);
          cnt[s] = c;
        }
      }
      medians(slots, cnt, len, i0);
      std::copy(slots + len * stride, slots + len * stride + cap, slots);  // the window after the chunk
    }
    blend_count_ = c;
    EndTailColumn(n, w);
  }
#endif

  // Slot 0 of MedianMadBlend's buffer in scan_ laid out for vectors of kv doubles: aligned to
  // 8 * kv bytes, with kv spare values before it.
  double* BlendSlots(size_t kv) {
    const uintptr_t misalign = reinterpret_cast<uintptr_t>(scan_.data()) % (8 * kv);  // a multiple of 8
    return scan_.data() + (misalign ? kv - misalign / 8 : 0) + kv;
  }

  // MadOf for a sorted buffer of MedianMadBlend (a[0..n) sorted, +inf from a[n] to at least
  // a[n + kV - 1]): the block spreads in whole vectors, no scalar tail, the blocks past the
  // last one reading +inf (a spread of +inf, which leaves the minimum as it is). With a finite
  // median no spread is NaN, so the minimum is the same double whichever lanes hold the
  // blocks (a zero's sign is dropped, as in MadOf); otherwise, and below two values, MadOf.
  template <size_t kV>
  [[gnu::always_inline]] static double BlendMad(const double* a, size_t n, double med) {
    if (n < 2 || !std::isfinite(med)) return MadOf</*kAvx2=*/true>(a, n, med);
    double kth, next;
    if constexpr (kV == 8)
      BlendSpreadsAvx512(a, n, med, &kth, &next);
    else
      BlendSpreadsAvx2(a, n, med, &kth, &next);
    kth += 0.0;
    if (n % 2 == 1) return kth;
    next += 0.0;
    return kth + (next - kth) * 0.5;
  }
  // Median and mad of kV consecutive sorted buffers of MedianMadBlend (buffer s at
  // a + s * stride, cnt[s] values): QuantileOf and BlendMad of each, with the kV pairs of
  // block-spread vectors (BlendSpreads) reduced to their minima together, a transpose of
  // min steps, instead of two horizontal minima per point. The same doubles: the minimum of
  // spreads without NaN does not depend on the order of the mins, but for a zero's sign, which
  // `+ 0.0` drops as in BlendMad; the rest is the same IEEE arithmetic per lane. Buffers with
  // fewer than two values or a non-finite median take BlendMad's MadOf.
  VIGIL_AVX512 static void BlendMedianMad8(const double* a, size_t stride, const size_t* cnt, double* median,
                                           double* mad) {
    const __m512d inf = _mm512_set1_pd(std::numeric_limits<double>::infinity());
    __m512d vk[8], vn[8];
    alignas(64) double med[8];
    unsigned odd = 0, scalar = 0;
    for (unsigned s = 0; s < 8; ++s) {
      const double* as = a + s * stride;
      const size_t n = cnt[s];
      med[s] = QuantileOf(as, n, 0.5);
      vk[s] = vn[s] = inf;
      odd |= static_cast<unsigned>(n & 1) << s;
      if (n < 2 || !std::isfinite(med[s])) {
        scalar |= 1u << s;
        continue;
      }
      const size_t m = (n - 1) / 2 + 1;
      const double* b = as + (m - 1);
      const __m512d vmed = _mm512_set1_pd(med[s]);
      for (size_t i = 0; i <= n - m; i += 8) {
        const __m512d lo = _mm512_sub_pd(vmed, _mm512_loadu_pd(as + i));
        vk[s] = _mm512_maskz_min_pd(0xff, vk[s],
                                    _mm512_maskz_max_pd(0xff, lo, _mm512_sub_pd(_mm512_loadu_pd(b + i), vmed)));
        vn[s] = _mm512_maskz_min_pd(0xff, vn[s],
                                    _mm512_maskz_max_pd(0xff, lo, _mm512_sub_pd(_mm512_loadu_pd(b + i + 1), vmed)));
      }
    }
    const __m512d zero = _mm512_setzero_pd(), half = _mm512_set1_pd(0.5);
    const __m512d kth = _mm512_add_pd(MinLanes8x8(vk), zero), next = _mm512_add_pd(MinLanes8x8(vn), zero);
    const __m512d even = _mm512_add_pd(kth, _mm512_mul_pd(_mm512_sub_pd(next, kth), half));
    _mm512_storeu_pd(mad, _mm512_mask_blend_pd(static_cast<__mmask8>(odd), even, kth));
    _mm512_storeu_pd(median, _mm512_load_pd(med));
    for (unsigned s = 0; scalar; ++s, scalar >>= 1)
      if (scalar & 1) mad[s] = MadOf</*kAvx2=*/true>(a + s * stride, cnt[s], med[s]);
  }
  // Lane s of the result: the minimum of the eight lanes of v[s].
  VIGIL_AVX512 static __m512d MinLanes8x8(const __m512d* v) {
    // (maskz with all lanes: the unmasked intrinsics trip GCC 12's maybe-uninitialized.) Pairs of
    // vectors: chunk c (lanes 2c, 2c+1) of t[p] holds the minima of lanes 2c, 2c+1 of v[2p]
    // and of v[2p+1].
    __m512d t[4];
    for (int p = 0; p < 4; ++p)
      t[p] = _mm512_maskz_min_pd(0xff, _mm512_maskz_unpacklo_pd(0xff, v[2 * p], v[2 * p + 1]),
                                 _mm512_maskz_unpackhi_pd(0xff, v[2 * p], v[2 * p + 1]));
    // Chunks (c0, c2, c0', c2') against (c1, c3, c1', c3'), twice.
    const __m512d u0 = _mm512_maskz_min_pd(0xff, _mm512_maskz_shuffle_f64x2(0xff, t[0], t[1], 0x88),
                                           _mm512_maskz_shuffle_f64x2(0xff, t[0], t[1], 0xdd));
    const __m512d u1 = _mm512_maskz_min_pd(0xff, _mm512_maskz_shuffle_f64x2(0xff, t[2], t[3], 0x88),
                                           _mm512_maskz_shuffle_f64x2(0xff, t[2], t[3], 0xdd));
    return _mm512_maskz_min_pd(0xff, _mm512_maskz_shuffle_f64x2(0xff, u0, u1, 0x88), _mm512_maskz_shuffle_f64x2(0xff, u0, u1, 0xdd));
  }
  // BlendMedianMad8 for 4 buffers with 4-double vectors (AVX2).
  VIGIL_AVX2 static void BlendMedianMad4(const double* a, size_t stride, const size_t* cnt, double* median,
                                         double* mad) {
    const __m256d inf = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    __m256d vk[4], vn[4];
    alignas(32) double med[4];
    alignas(32) int64_t odd[4];
    unsigned scalar = 0;
    for (unsigned s = 0; s < 4; ++s) {
      const double* as = a + s * stride;
      const size_t n = cnt[s];
      med[s] = QuantileOf(as, n, 0.5);
      vk[s] = vn[s] = inf;
      odd[s] = -static_cast<int64_t>(n & 1);
      if (n < 2 || !std::isfinite(med[s])) {
        scalar |= 1u << s;
        continue;
      }
      const size_t m = (n - 1) / 2 + 1;
      const double* b = as + (m - 1);
      const __m256d vmed = _mm256_set1_pd(med[s]);
      for (size_t i = 0; i <= n - m; i += 4) {
        const __m256d lo = _mm256_sub_pd(vmed, _mm256_loadu_pd(as + i));
        vk[s] = _mm256_min_pd(vk[s], _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i), vmed)));
        vn[s] = _mm256_min_pd(vn[s], _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i + 1), vmed)));
      }
    }
    const __m256d zero = _mm256_setzero_pd(), half = _mm256_set1_pd(0.5);
    const __m256d kth = _mm256_add_pd(MinLanes4x4(vk), zero), next = _mm256_add_pd(MinLanes4x4(vn), zero);
    const __m256d even = _mm256_add_pd(kth, _mm256_mul_pd(_mm256_sub_pd(next, kth), half));
    _mm256_storeu_pd(mad, _mm256_blendv_pd(even, kth, _mm256_castsi256_pd(_mm256_load_si256(
                                                          reinterpret_cast<const __m256i*>(odd)))));
    _mm256_storeu_pd(median, _mm256_load_pd(med));
    for (unsigned s = 0; scalar; ++s, scalar >>= 1)
      if (scalar & 1) mad[s] = MadOf</*kAvx2=*/true>(a + s * stride, cnt[s], med[s]);
  }

  // Lane s of the result: the minimum of the four lanes of v[s].
  VIGIL_AVX2 static __m256d MinLanes4x4(const __m256d* v) {
    const __m256d t0 = _mm256_min_pd(_mm256_unpacklo_pd(v[0], v[1]), _mm256_unpackhi_pd(v[0], v[1]));
    const __m256d t1 = _mm256_min_pd(_mm256_unpacklo_pd(v[2], v[3]), _mm256_unpackhi_pd(v[2], v[3]));
    return _mm256_min_pd(_mm256_permute2f128_pd(t0, t1, 0x20), _mm256_permute2f128_pd(t0, t1, 0x31));
  }

  // The smallest spread of the blocks of m = (n-1)/2 + 1 values (*kth) and, for even n, of
  // m + 1 values (*next), blocks starting at i = 0, kV, 2 kV, ... while i <= n - m.
  VIGIL_AVX512 static void BlendSpreadsAvx512(const double* a, size_t n, double med, double* kth, double* next) {
    const size_t m = (n - 1) / 2 + 1;
    const double* b = a + (m - 1);
    const __m512d vmed = _mm512_set1_pd(med);
    __m512d vk = _mm512_set1_pd(std::numeric_limits<double>::infinity()), vn = vk;
    for (size_t i = 0; i <= n - m; i += 8) {
      const __m512d lo = _mm512_sub_pd(vmed, _mm512_loadu_pd(a + i));
      // (maskz with all lanes: the unmasked min / max trip GCC 12's maybe-uninitialized)
      vk = _mm512_maskz_min_pd(0xff, vk, _mm512_maskz_max_pd(0xff, lo, _mm512_sub_pd(_mm512_loadu_pd(b + i), vmed)));
      vn = _mm512_maskz_min_pd(0xff, vn,
                               _mm512_maskz_max_pd(0xff, lo, _mm512_sub_pd(_mm512_loadu_pd(b + i + 1), vmed)));
    }
    alignas(64) double k[8], x[8];  // (_mm512_reduce_min_pd trips GCC 12's maybe-uninitialized)
    _mm512_store_pd(k, vk);
    _mm512_store_pd(x, vn);
    *kth = std::min(std::min(std::min(k[0], k[1]), std::min(k[2], k[3])), std::min(std::min(k[4], k[5]), std::min(k[6], k[7])));
    *next = std::min(std::min(std::min(x[0], x[1]), std::min(x[2], x[3])), std::min(std::min(x[4], x[5]), std::min(x[6], x[7])));
  }
  VIGIL_AVX2 static void BlendSpreadsAvx2(const double* a, size_t n, double med, double* kth, double* next) {
    const size_t m = (n - 1) / 2 + 1;
    const double* b = a + (m - 1);
    const __m256d vmed = _mm256_set1_pd(med);
    __m256d vk = _mm256_set1_pd(std::numeric_limits<double>::infinity()), vn = vk;
    for (size_t i = 0; i <= n - m; i += 4) {
      const __m256d lo = _mm256_sub_pd(vmed, _mm256_loadu_pd(a + i));
      vk = _mm256_min_pd(vk, _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i), vmed)));
      vn = _mm256_min_pd(vn, _mm256_max_pd(lo, _mm256_sub_pd(_mm256_loadu_pd(b + i + 1), vmed)));
    }
    *kth = MinLanesAvx2(vk);
    *next = MinLanesAvx2(vn);
  }

  // Column kernels of point windows of w points that read the value leaving the window from
  // the input (SumsPointsColumn, MedianMadBlend): tail_ keeps the previous w inputs (NaN before
  // the first point: nothing to leave). BeginTailColumn appends the column's n inputs and returns
  // z, where z[i] leaves when z[i + w] = x[i] arrives; EndTailColumn keeps the last w inputs for
  // the next column.
  [[gnu::always_inline]] const double* BeginTailColumn(const double* x, size_t n, size_t w) {
    if (tail_.size() < w) tail_.assign(w, kNaN);
    tail_.resize(w + n);
    std::copy(x, x + n, tail_.data() + w);
    return tail_.data();
  }
  [[gnu::always_inline]] void EndTailColumn(size_t n, size_t w) {
    double* z = tail_.data();
    std::copy(z + n, z + n + w, z);
    tail_.resize(w);
  }

  // Windows of running sums (mean, sum, count, std, zscore) over the same input and window:
  // the state after a push does not depend on which of these functions pushed, so one push
  // serves them all, with values equal to those of separate states. SumsIndex gives each
  // function's slot (-1 for other functions); out[slot] (when not null) receives its value,
  // at out[slot][i] in the column form.
  static constexpr int SumsIndex(WindowFn fn) {
    switch (fn) {
      case WindowFn::kMean: return 0;
      case WindowFn::kSum: return 1;
      case WindowFn::kCount: return 2;
      case WindowFn::kStd: return 3;
      case WindowFn::kZscore: return 4;
      default: return -1;
    }
  }
  static constexpr int kSumsSlots = 5;
  void PushSums(int64_t seq, int64_t t, double x, double* const* out) {
    if (spec_.is_points) SumsPointStep(x, out);
    else PushSumsTime(seq, t, x, out, 0);
  }
  // Column form; returns the most entries held (time windows; 0 otherwise).
  size_t PushSumsColumn(const int64_t* t, const double* x, double* const* out, size_t n, int64_t seq0) {
    size_t max_held = 0;
    if (spec_.is_points) {
      SumsPointsColumn(x, out, n);
    } else {
      for (size_t i = 0; i < n; ++i) {
        PushSumsTime(seq0 + static_cast<int64_t>(i), t[i], x[i], out, i);
        max_held = std::max(max_held, entries_.size());
      }
    }
    return max_held;
  }

  // Entries held now (time windows: checked against a limit). A state keeps its entries either
  // in entries_ or, for rate / changes / resets over time in batch (AuxTimeColumn), in
  // aux_ring_, never in both.
  size_t held() const { return entries_.size() + aux_size_; }

  // The specialised single-point step for a function and window kind, as a plain function
  // pointer: a compiled plan resolves it once, so a streaming push is one indirect call with no
  // switch on the function.
  using PushFnPtr = double (*)(WindowState&, int64_t seq, int64_t t, double x);
  static PushFnPtr PushFnFor(WindowFn fn, bool is_points) {
    switch (fn) {
#define VIGIL_WINDOW_CASE(F) \
  case WindowFn::F: return is_points ? &PushOne<WindowFn::F, true> : &PushOne<WindowFn::F, false>;
      VIGIL_WINDOW_CASE(kMean) VIGIL_WINDOW_CASE(kStd) VIGIL_WINDOW_CASE(kMin) VIGIL_WINDOW_CASE(kMax)
      VIGIL_WINDOW_CASE(kMedian) VIGIL_WINDOW_CASE(kMad) VIGIL_WINDOW_CASE(kQuantile) VIGIL_WINDOW_CASE(kSum)
      VIGIL_WINDOW_CASE(kCount) VIGIL_WINDOW_CASE(kDelta) VIGIL_WINDOW_CASE(kRate) VIGIL_WINDOW_CASE(kZscore)
      VIGIL_WINDOW_CASE(kChanges) VIGIL_WINDOW_CASE(kResets)
#undef VIGIL_WINDOW_CASE
    }
    return nullptr;
  }
  bool is_points() const { return spec_.is_points; }

 private:
  static constexpr bool Sums(WindowFn f) {
    return f == WindowFn::kMean || f == WindowFn::kSum || f == WindowFn::kCount || f == WindowFn::kStd ||
           f == WindowFn::kZscore;
  }
  static constexpr bool Order(WindowFn f) {
    return f == WindowFn::kMedian || f == WindowFn::kQuantile || f == WindowFn::kMad;
  }
  static constexpr bool Aux(WindowFn f) {
    return f == WindowFn::kRate || f == WindowFn::kChanges || f == WindowFn::kResets;
  }
  // A point's increment for rate / changes / resets, given the previous value.
  template <WindowFn F>
  static double AuxIncrement(double x, double prev) {
    if constexpr (F == WindowFn::kRate) {  // a counter reset restarts at 0
      // x >= prev ? x - prev : x as a select of bits: GCC makes the ternary a branch, which
      // mispredicts on every other point of a gauge (rate over a value that goes up and down).
      const uint64_t keep = uint64_t{0} - static_cast<uint64_t>(x >= prev);
      return std::bit_cast<double>((std::bit_cast<uint64_t>(x - prev) & keep) | (std::bit_cast<uint64_t>(x) & ~keep));
    }
    else if constexpr (F == WindowFn::kChanges) return x != prev ? 1 : 0;
    else return x < prev ? 1 : 0;
  }

  // Time windows (point windows take SumsPointStep / SumsPointsColumn).
  [[gnu::always_inline]] void PushSumsTime(int64_t seq, int64_t t, double x, double* const* out, size_t i) {
    EvictFn<WindowFn::kMean, false>(seq, t);  // the same steps for every running-sum function
    if (!std::isnan(x)) InsertFn<WindowFn::kMean, false>(seq, t, x);
    SettleFn<WindowFn::kMean>();
    if (out[0]) out[0][i] = ValueFn<WindowFn::kMean>(x);
    if (out[1]) out[1][i] = ValueFn<WindowFn::kSum>(x);
    if (out[2]) out[2][i] = ValueFn<WindowFn::kCount>(x);
    if (out[3]) out[3][i] = ValueFn<WindowFn::kStd>(x);
    if (out[4]) out[4][i] = ValueFn<WindowFn::kZscore>(x);
  }

  template <WindowFn F, bool kPoints>
  static double PushOne(WindowState& w, int64_t seq, int64_t t, double x) {
    return w.PushFn<F, kPoints>(seq, t, x);
  }

  template <WindowFn F, bool kPoints>
  size_t Column(const int64_t* t, const double* x, double* out, size_t n, int64_t seq0) {
    if constexpr (kPoints && (F == WindowFn::kMin || F == WindowFn::kMax)) {
      if (spec_.points <= kExtremeScanMax) {
        ExtremeColumn<F == WindowFn::kMax>(x, out, n);
        return 0;
      }
    }
    if constexpr (kPoints && Sums(F)) {
      double* outs[kSumsSlots] = {};
      outs[SumsIndex(F)] = out;
      SumsPointsColumn(x, outs, n);
      return 0;
    }
    if constexpr (!kPoints && Aux(F)) return AuxTimeColumn<F>(t, x, out, n);
    size_t max_held = 0;
    for (size_t i = 0; i < n; ++i) {
      out[i] = PushFn<F, kPoints>(seq0 + static_cast<int64_t>(i), t[i], x[i]);
      if constexpr (!kPoints) max_held = std::max(max_held, entries_.size());
    }
    return max_held;
  }

  // min / max over a point window of w <= kExtremeScanMax points for a whole column, branch-free
  // (van Herk / Gil-Werman): the column, preceded by the previous w-1 inputs (tail_), is cut into
  // segments of w; a window spans at most two segments, so its extreme is that of a suffix of
  // one and a prefix of the next, O(1) per point. Ties go to the later value, as in the deque of
  // PushFn, so the result is the same double, bit for bit. NaN inputs take no part; a window of
  // NaN only is NaN. The decision depends on w only, so a state pushed by columns always takes
  // this path (PushColumn and Push are never mixed on one state).
  template <bool kMax>
  void ExtremeColumn(const double* x, double* out, size_t n) {
    const size_t w = static_cast<size_t>(spec_.points), h = w - 1, len = h + n;
    constexpr double kNone = kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    auto pick = [](double earlier, double later) {  // the later one on ties
      if constexpr (kMax) return earlier > later ? earlier : later;
      else return earlier < later ? earlier : later;
    };
    if (tail_.size() != h) tail_.assign(h, kNaN);  // before the first point: no values
    scan_.resize(3 * len);
    double* z = scan_.data();
    double* pre = z + len;
    double* suf = pre + len;
    std::copy(tail_.begin(), tail_.end(), z);
    std::copy(x, x + n, z + h);
    std::copy(z + n, z + len, tail_.begin());  // the last w-1 inputs, for the next column
    // Without NaN (the common case) every window holds values: no counts, nothing to replace.
    const bool any_nan = NanFreeSuffix(z, len) > 0;
    uint32_t* cnt = nullptr;  // cnt[j] = non-NaN values in z[0..j)
    if (any_nan) {
      count_.resize(len + 1);
      cnt = count_.data();
      cnt[0] = 0;
      for (size_t j = 0; j < len; ++j) cnt[j + 1] = cnt[j] + !std::isnan(z[j]);
      for (size_t j = 0; j < len; ++j) z[j] = std::isnan(z[j]) ? kNone : z[j];
    }
#if defined(VIGIL_HAVE_AVX2_KERNELS)
    if (w <= kExtremeDirectMax && UseAvx2()) {
      ExtremeDirectAvx2<kMax>(z, w, out, n);
      if (any_nan)
        for (size_t i = 0; i < n; ++i) out[i] = cnt[i + w] != cnt[i] ? out[i] : kNaN;
      return;
    }
#endif
    for (size_t seg = 0; seg < len; seg += w) {
      const size_t end = std::min(seg + w, len);
      pre[seg] = z[seg];
      for (size_t j = seg + 1; j < end; ++j) pre[j] = pick(pre[j - 1], z[j]);
      suf[end - 1] = z[end - 1];
      for (size_t j = end - 1; j-- > seg;) suf[j] = pick(z[j], suf[j + 1]);
    }
    if (any_nan)
      for (size_t i = 0; i < n; ++i) out[i] = cnt[i + w] != cnt[i] ? pick(suf[i], pre[i + h]) : kNaN;
    else
      for (size_t i = 0; i < n; ++i) out[i] = pick(suf[i], pre[i + h]);
  }

#if defined(VIGIL_HAVE_AVX2_KERNELS)
  // ExtremeColumn's windows of w <= kExtremeDirectMax points by a direct scan, 16 windows a
  // step in four vectors: out[i] = pick of z[i], z[i + 1], ..., z[i + w - 1] in that order, each
  // pick `earlier > later ? earlier : later` (kMax; < for min), which is what MAXPD / MINPD
  // compute with the earlier value as first operand (equal values, -0 and +0 too, give the
  // second). That fold leaves the latest of the window's extreme values: the same double as
  // van Herk's pick of a suffix and a prefix and as the deque (ties to the later value). z has
  // no NaN here (ExtremeColumn replaced them).
  VIGIL_AVX2 [[gnu::always_inline]] static inline __m256d PickAvx2(bool is_max, __m256d earlier,
                                                                  __m256d later) {
    return is_max ? _mm256_max_pd(earlier, later) : _mm256_min_pd(earlier, later);
  }
  template <bool kMax>
  VIGIL_AVX2 static void ExtremeDirectAvx2(const double* z, size_t w, double* out, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const double* p = z + i;
      __m256d a0 = _mm256_loadu_pd(p), a1 = _mm256_loadu_pd(p + 4), a2 = _mm256_loadu_pd(p + 8),
              a3 = _mm256_loadu_pd(p + 12);
      for (size_t j = 1; j < w; ++j) {
        a0 = PickAvx2(kMax, a0, _mm256_loadu_pd(p + j));
        a1 = PickAvx2(kMax, a1, _mm256_loadu_pd(p + j + 4));
        a2 = PickAvx2(kMax, a2, _mm256_loadu_pd(p + j + 8));
        a3 = PickAvx2(kMax, a3, _mm256_loadu_pd(p + j + 12));
      }
      _mm256_storeu_pd(out + i, a0);
      _mm256_storeu_pd(out + i + 4, a1);
      _mm256_storeu_pd(out + i + 8, a2);
      _mm256_storeu_pd(out + i + 12, a3);
    }
    for (; i + 4 <= n; i += 4) {
      __m256d a = _mm256_loadu_pd(z + i);
      for (size_t j = 1; j < w; ++j) a = PickAvx2(kMax, a, _mm256_loadu_pd(z + i + j));
      _mm256_storeu_pd(out + i, a);
    }
    for (; i < n; ++i) {
      double a = z[i];
      for (size_t j = 1; j < w; ++j) {
        const double b = z[i + j];
        if constexpr (kMax) a = a > b ? a : b;
        else a = a < b ? a : b;
      }
      out[i] = a;
    }
  }
#endif

  // rate / changes / resets over a time window for a column (batch): the same steps as PushFn
  // per point, in the same order and with the same doubles (evictions subtract their increment,
  // the exact recompute after as many evictions as the window holds, at least 32), but over a
  // ring of (timestamp, increment) pairs of its own with the state in locals for the loop (the
  // entry stores would otherwise force the members to be reloaded at every point). Returns the
  // most entries held. Time windows of these functions always take this path in batch mode
  // (PushColumn and Push are never mixed on one state).
  template <WindowFn F>
  size_t AuxTimeColumn(const int64_t* t, const double* x, double* out, size_t n) {
    if (aux_ring_.empty()) aux_ring_.resize(64);
    TimeAux* ring = aux_ring_.data();
    size_t mask = aux_ring_.size() - 1, head = aux_head_, size = aux_size_, evicted = evicted_, max_held = 0;
    double aux_sum = aux_sum_, prev = prev_, peak = peak_;
    bool have_prev = have_prev_, nonfinite = nonfinite_;
    NonFiniteCount nf = nf_;  // increments that are not finite (rate after an infinity), not in aux_sum
    const uint64_t d = static_cast<uint64_t>(spec_.duration_ms);  // > 0 (ValidatePlan)
    for (size_t i = 0; i < n; ++i) {
      const int64_t ti = t[i];
      while (size > 0 && Elapsed(ring[head].t, ti) >= d) {
        const double a = ring[head].aux;
        if (std::isfinite(a)) [[likely]] {
          aux_sum -= a;
        } else {
          nf.Remove(a);
          nonfinite = nf.any();
        }
        head = (head + 1) & mask;
        --size;
        ++evicted;
      }
      if (evicted >= std::max<size_t>(size, 32)) [[unlikely]] {
        evicted = 0;
        aux_sum = 0;
        peak = 0;
        for (size_t j = 0; j < size; ++j) {
          const double a = ring[(head + j) & mask].aux;
          if (std::isfinite(a)) aux_sum += a, peak = std::max(peak, std::fabs(a));
        }
      }
      const double xi = x[i];
      if (!std::isnan(xi)) {
        double aux = 0;
        if (have_prev) {
          aux = AuxIncrement<F>(xi, prev);
        }
        prev = xi;
        have_prev = true;
        if (std::isfinite(aux)) [[likely]] {
          aux_sum += aux;
          if constexpr (F == WindowFn::kRate) peak = std::max(peak, std::fabs(aux));  // DET23
        } else {
          nf.Add(aux);
          nonfinite = true;
        }
        if (size == mask + 1) [[unlikely]] {  // full: double it, oldest first
          std::vector<TimeAux> grown(2 * size);
          for (size_t j = 0; j < size; ++j) grown[j] = ring[(head + j) & mask];
          aux_ring_.swap(grown);
          ring = aux_ring_.data();
          mask = aux_ring_.size() - 1;
          head = 0;
        }
        ring[(head + size) & mask] = TimeAux{ti, aux};
        ++size;
      }
      const TimeAux& front = ring[head];
      if constexpr (F == WindowFn::kRate) {
        double after = AuxAfterFront(aux_sum, nonfinite, nf, front.aux);
        if (size && RateUnsettled(after, aux_sum, nonfinite, front.aux, peak)) [[unlikely]] {  // DET23: SettleFn's
          const double resummed =
              RateResum([&](size_t j) { return ring[(head + j) & mask].aux; }, size, aux_sum, peak);
          after = AuxAfterFront(aux_sum, nonfinite, nf, front.aux, resummed);
        }
        const double dt =
            size < 2 ? 0.0 : static_cast<double>(SpanInWindow(front.t, ring[(head + size - 1) & mask].t)) / 1000.0;
        out[i] = dt > 0 ? after / dt : kNaN;
      } else {
        out[i] = size ? AuxAfterFront(aux_sum, nonfinite, nf, front.aux) : 0.0;
      }
      max_held = std::max(max_held, size);
    }
    aux_head_ = head, aux_size_ = size, evicted_ = evicted;
    aux_sum_ = aux_sum, prev_ = prev, have_prev_ = have_prev, peak_ = peak;
    nf_ = nf, nonfinite_ = nonfinite;
    return max_held;
  }
  // rate / changes / resets: the sum of the window's increments after its first (`front`, whose
  // increment came from a point before the window), from the finite ones' sum and those that
  // are not (nf, nonfinite = nf.any()): what IEEE gives summing them from scratch.
  // resummed (rate, DET23): the finite increments after the front summed again (RateResum), or
  // NaN: aux_sum less a finite front.
  [[gnu::always_inline]] static double AuxAfterFront(double aux_sum, bool nonfinite, const NonFiniteCount& nf,
                                                     double front, double resummed = kNaN) {
    if (!nonfinite) [[likely]] return std::isnan(resummed) ? aux_sum - front : resummed;
    if (std::isfinite(front)) return nf.Sum();
    NonFiniteCount rest = nf;
    rest.Remove(front);
    return rest.any() ? rest.Sum() : std::isnan(resummed) ? aux_sum : resummed;
  }
  // DET23's check for rate: the finite increments after the window's first (after, the value,
  // where all are finite) against the peak (the largest |finite increment| since the last exact
  // sum: a partial sum is at most the window's count times it).
  [[gnu::always_inline]] static bool RateUnsettled(double after, double aux_sum, bool nonfinite, double front,
                                                   double peak) {
    if (nonfinite) [[unlikely]] after = std::isfinite(front) ? aux_sum - front : aux_sum;
    return std::fabs(after) < kSumsDrop * peak;
  }

  // Running sums over a point window of w points for a column (batch): the same steps as
  // EvictFn / InsertFn over a ring of entries per point, in the same order and with the same
  // doubles, but the value that leaves the window is read from the input (the previous w inputs
  // are kept in tail_, NaN included, NaN before the first point) instead of a ring of entries,
  // and the state after each point is recorded (SumsTrack) so the values are computed by a
  // separate, vectorised loop (SumsValues). Point windows of these functions always take this
  // path in batch mode (PushColumn and Push are never mixed on one state).
  //
  // The sums s1 / s2 are dependent add chains (two adds per point, plus the exact recompute's
  // w). Where and with which shift the recomputes happen depends only on which inputs are NaN,
  // and after a recompute the sums depend only on the window, not on the sums before. So a
  // first pass finds the recomputes (and the counts, shift, flat run and last value per point)
  // and a second computes the sums of the pieces between recomputes (SumsSegments), several
  // pieces interleaved: the same doubles, computed in the same order within each piece.
  void SumsPointsColumn(const double* x, double* const* out, size_t n) {
    const size_t w = static_cast<size_t>(spec_.points);
    const double* z = BeginTailColumn(x, n, w);  // z[i] leaves when z[i + w] = x[i] arrives
    scan_.resize(6 * n);
    double* tr = scan_.data();
    const SumsTrack k{tr, tr + n, tr + 2 * n, tr + 3 * n, tr + 4 * n, tr + 5 * n};
    double shift = shift_, last = last_x_;
    size_t cnt = sums_count_, run = same_run_, evicted = evicted_;
    bool have_shift = have_shift_;
    NonFiniteCount nf = nf_;  // the non-finite values in the window: none where i >= clean
    std::vector<NonFiniteAt> nf_at;  // allocates only where some window holds one
    segs_.clear();
    segs_.push_back(SumsSegment{0, shift, false, false, shift});  // from the state before the column
    // Where neither the leaving nor the arriving value is NaN from here on (z[clean..] has no
    // NaN) and the window is full, a point changes only the run of equal values and the last
    // value until the next recompute: those stretches take a loop of their own.
    const size_t clean = NanFreeSuffix</*kFinite=*/true>(z, n + w);
    const size_t every = std::max<size_t>(w - 1, 32);  // a full window recomputes after this many evictions
    for (size_t i = 0; i < n; ++i) {
      if (i >= clean && cnt == w && evicted + 1 < every) {
        const size_t end = i + std::min(n - i, every - 1 - evicted);
        const double full = static_cast<double>(w);
        for (size_t j = i; j < end; ++j) {
          const double xj = z[j + w];
          // run = xj == last ? run + 1 : 1 (run > 0: the window holds values), in integer
          // arithmetic: as a branch it mispredicts on data with repeated values.
          run = (run & (size_t{0} - static_cast<size_t>(xj == last))) + 1;
          last = xj;
          k.cnt[j] = full;
          k.sh[j] = shift;
          k.flat[j] = static_cast<double>(run >= w);
          k.last[j] = xj;
        }
        evicted += end - i;
        i = end - 1;
        continue;
      }
      if (!std::isnan(z[i])) {
        --cnt;
        ++evicted;
        if (!std::isfinite(z[i])) [[unlikely]] nf.Remove(z[i]);
      }
      if (evicted >= std::max<size_t>(cnt, 32)) {  // Recompute: over the window before x arrives
        evicted = 0;
        bool found = false;
        for (size_t j = i + 1; j < i + w; ++j) {  // the shift: the first finite value
          if (std::isfinite(z[j])) {
            shift = z[j];
            found = true;
            break;
          }
        }
        if (segs_.back().begin == i) segs_.pop_back();
        segs_.push_back(SumsSegment{i, shift, true, !found, shift});
      }
      const double xi = z[i + w];
      if (!std::isnan(xi)) {
        if (!std::isfinite(xi)) [[unlikely]] nf.Add(xi);
        else if (!have_shift) [[unlikely]] {  // nothing added before (s1 = s2 = 0): sums from 0 with this shift
          shift = xi;
          have_shift = true;
          if (segs_.back().begin == i) segs_.pop_back();
          segs_.push_back(SumsSegment{i, shift, true, false, shift});  // the window before holds no value
        }
        run = (run > 0 && xi == last) ? run + 1 : 1;
        last = xi;
        ++cnt;
      }
      k.cnt[i] = static_cast<double>(cnt);
      k.sh[i] = shift;
      k.flat[i] = cnt && run >= cnt ? 1.0 : 0.0;
      k.last[i] = last;
      if (nf.any()) [[unlikely]] nf_at.push_back(NonFiniteAt{i, nf.Sum()});
    }
    SumsSegments(z, w, n, k);  // sets shift_: the last piece's (DET23 may move it)
    have_shift_ = have_shift, last_x_ = last;
    sums_count_ = cnt, same_run_ = run, evicted_ = evicted;
    nf_ = nf, nonfinite_ = nf.any();
    EndTailColumn(n, w);
    if (UseAvx2())
      SumsValuesAvx2(k, x, out, n);
    else
      SumsValuesBaseline(k, x, out, n);
    for (const NonFiniteAt& p : nf_at) NonFiniteSumsValues(out, p.i, p.total);
  }
  struct NonFiniteAt {  // SumsPointsColumn: a point whose window holds non-finite values
    size_t i;
    double total;  // their sum (NonFiniteCount::Sum)
  };
  // The start of the NaN-free suffix of z[0..len): the least c with no NaN in z[c..len)
  // (kFinite: no NaN and no infinity; v - v is NaN for those). Eight values per step, from the
  // end (SSE2).
  template <bool kFinite = false>
  static size_t NanFreeSuffix(const double* z, size_t len) {
    size_t c = len;
#if defined(__SSE2__)
    auto bad = [](__m128d v) {
      if constexpr (kFinite) v = _mm_sub_pd(v, v);
      return _mm_cmpunord_pd(v, v);
    };
    for (; c >= 8; c -= 8) {
      const double* p = z + c - 8;
      const __m128d a = _mm_loadu_pd(p), b = _mm_loadu_pd(p + 2), d = _mm_loadu_pd(p + 4), e = _mm_loadu_pd(p + 6);
      const __m128d u = _mm_or_pd(_mm_or_pd(bad(a), bad(b)), _mm_or_pd(bad(d), bad(e)));
      if (_mm_movemask_pd(u)) break;
    }
#endif
    if constexpr (kFinite)
      while (c > 0 && std::isfinite(z[c - 1])) --c;
    else
      while (c > 0 && !std::isnan(z[c - 1])) --c;
    return c;
  }
  // A piece of SumsPointsColumn's sums: from point `begin` to the next piece's; it starts from
  // s1_ / s2_ (the first piece) or, when `recompute`, from the exact sums over the window before
  // z[begin + w] arrives (z[begin + 1 .. begin + w - 1], NaN skipped; 0 when all are NaN).
  struct SumsSegment {
    size_t begin;
    double shift;
    bool recompute;
    bool inherit;      // a recompute over a window with no finite value: the shift is the piece before's
    double end_shift;  // the shift after the piece (SumsSegments: DET23's re-sums may move it)
  };
  // The sums of each piece of segs_ into k.s1 / k.s2, and the last into s1_ / s2_. Pieces are
  // taken four at a time, stepped together for as many points as the shortest has, the rest of
  // each alone. A NaN or an infinity leaving or arriving (counted in NonFiniteCount, not in the
  // sums) adds and subtracts 0 instead of branching: the sums are never -0 (they start at +0 and
  // an exact cancellation rounds to +0), so x + 0 == x and x - 0 == x, bit for bit.
  void SumsSegments(const double* z, size_t w, size_t n, const SumsTrack& k) {
    SumsSegment* sg = segs_.data();
    const size_t m = segs_.size();
    auto end_of = [&](size_t s) { return s + 1 < m ? sg[s + 1].begin : n; };
    // Sums at the start of piece s (before the point z[begin + w] arrives; the first piece:
    // after z[0] left, which its loop does).
    auto start = [&](size_t s, double& a1, double& a2, double& pk) {
      a1 = a2 = 0;
      if (!sg[s].recompute) {
        a1 = s1_, a2 = s2_, pk = peak_;
        return;
      }
      const double sh = sg[s].shift;
      for (size_t j = sg[s].begin + 1; j < sg[s].begin + w; ++j) {
        const double v = z[j];
        if (!std::isfinite(v)) continue;
        const double d = v - sh;
        a1 += d;
        a2 += d * d;
      }
      pk = a2;
    };
    // One point i of a piece with shift sh: the value z[i] leaves (not at a recompute's first
    // point: the recompute already left it out), z[i + w] arrives; then DET23's check, which
    // may sum the window z[i + 1 .. i + w] again with a new shift (moved: k.sh from here on).
    auto step = [&](size_t i, double& sh, bool leave, double& a1, double& a2, double& pk, bool& moved) {
      if (leave) {
        const double o = z[i];
        const double d = std::isfinite(o) ? o - sh : 0.0;
        a1 -= d;
        a2 -= d * d;
      }
      const double xi = z[i + w];
      const double d = std::isfinite(xi) ? xi - sh : 0.0;
      a1 += d;
      a2 += d * d;
      if (SumsUnsettled(a1, a2, k.cnt[i], k.flat[i] != 0, pk)) [[unlikely]] {
        ResumWindow([&](size_t j) { return z[i + 1 + j]; }, w, sh, a1, a2);
        moved = true;
        pk = 0;  // the peak since this exact sum: a2
      }
      if (moved) [[unlikely]] k.sh[i] = sh;
      pk = std::max(pk, a2);
      k.s1[i] = a1;
      k.s2[i] = a2;
    };
    double last_shift = shift_;
    auto alone = [&](size_t s, size_t from, double a1, double a2, double pk, double sh, bool moved) {
      const size_t e = end_of(s);
      for (size_t i = from; i < e; ++i) step(i, sh, i != sg[s].begin || !sg[s].recompute, a1, a2, pk, moved);
      sg[s].end_shift = sh;
      if (s + 1 == m) s1_ = a1, s2_ = a2, peak_ = pk, last_shift = sh;
    };
    size_t s = 0;
    {
      double a1, a2, pk;
      start(0, a1, a2, pk);
      alone(0, sg[0].begin, a1, a2, pk, sg[0].shift, false);
      s = 1;
    }
    for (; s + 4 <= m; s += 4) {
      double a1[4], a2[4], sh[4], pk[4];
      bool moved[4] = {false, false, false, false};
      size_t b[4], len = n;
      for (size_t l = 0; l < 4; ++l) {  // pieces after the first all start at a recompute
        a1[l] = a2[l] = 0;
        sh[l] = sg[s + l].shift;
        b[l] = sg[s + l].begin;
        len = std::min(len, end_of(s + l) - b[l]);
      }
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if (UseAvx2()) {
        // Stops before the first point where some piece's check may hold (the steps from there
        // are the scalar ones, with the exact check).
        const size_t done = SumsFourAvx2(z, w, b, sh, len, k.s1, k.s2, k.cnt, a1, a2, pk);
        for (size_t l = 0; l < 4; ++l) {
          alone(s + l, b[l] + done, a1[l], a2[l], pk[l], sh[l], moved[l]);
        }
        continue;
      }
#endif
      for (size_t j = 1; j < w; ++j) {  // the four recomputes, stepped together
        for (size_t l = 0; l < 4; ++l) {
          const double v = z[b[l] + j];
          const double d = std::isfinite(v) ? v - sh[l] : 0.0;
          a1[l] += d;
          a2[l] += d * d;
        }
      }
      for (size_t l = 0; l < 4; ++l) pk[l] = a2[l];
      if (len > 0) {
        for (size_t l = 0; l < 4; ++l) step(b[l], sh[l], false, a1[l], a2[l], pk[l], moved[l]);
        for (size_t j = 1; j < len; ++j) {
          step(b[0] + j, sh[0], true, a1[0], a2[0], pk[0], moved[0]);
          step(b[1] + j, sh[1], true, a1[1], a2[1], pk[1], moved[1]);
          step(b[2] + j, sh[2], true, a1[2], a2[2], pk[2], moved[2]);
          step(b[3] + j, sh[3], true, a1[3], a2[3], pk[3], moved[3]);
        }
      }
      for (size_t l = 0; l < 4; ++l) alone(s + l, b[l] + len, a1[l], a2[l], pk[l], sh[l], moved[l]);
    }
    for (; s < m; ++s) {
      double a1, a2, pk;
      start(s, a1, a2, pk);
      alone(s, sg[s].begin, a1, a2, pk, sg[s].shift, false);
    }
    // A piece whose recompute found no finite value keeps the shift before it, which a re-sum
    // in the piece before may have moved (single pushes keep the moved one): that piece again.
    for (s = 1; s < m; ++s) {
      if (sg[s].inherit && sg[s].shift != sg[s - 1].end_shift) [[unlikely]] {
        sg[s].shift = sg[s - 1].end_shift;
        double a1, a2, pk;
        start(s, a1, a2, pk);
        alone(s, sg[s].begin, a1, a2, pk, sg[s].shift, /*moved=*/true);
      }
    }
    shift_ = last_shift;
  }
  // DET23's re-sum of a window of w values at(0 .. w-1), oldest first: s1 / s2 of the finite
  // ones, shifted by the first of them (none: sh kept); the same order and doubles on every path.
  template <class At>
  [[gnu::noinline]] static void ResumWindow(const At& at, size_t w, double& sh, double& a1, double& a2) {
    a1 = a2 = 0;
    bool first = true;
    for (size_t j = 0; j < w; ++j) {
      const double v = at(j);
      if (!std::isfinite(v)) continue;
      if (first) sh = v;
      first = false;
      const double d = v - sh;
      a1 += d;
      a2 += d * d;
    }
  }

#if defined(VIGIL_HAVE_AVX2_KERNELS)
  // SumsSegments' four pieces stepped together (their recomputes, then `len` points each), one
  // piece per lane of a 4-double vector: lane l is piece l's a1 / a2, with the same adds,
  // subtracts and multiplies in the same order as the scalar steps (IEEE in every lane; target
  // "avx2" has no FMA to contract them into), a NaN's or an infinity's difference zeroed as the
  // scalar select does (+0). The values are gathered from the four pieces' positions and the
  // sums stored back lane by lane. On return a1 / a2 hold each piece's sums after its first `len` points.
  VIGIL_AVX2 [[gnu::always_inline]] static inline __m256d Gather4(const double* const* p, size_t j) {
    const __m128d lo = _mm_loadh_pd(_mm_load_sd(p[0] + j), p[1] + j);
    const __m128d hi = _mm_loadh_pd(_mm_load_sd(p[2] + j), p[3] + j);
    return _mm256_insertf128_pd(_mm256_castpd128_pd256(lo), hi, 1);
  }
  VIGIL_AVX2 [[gnu::always_inline]] static inline void Scatter4(double* const* p, size_t j, __m256d v) {
    const __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    _mm_storel_pd(p[0] + j, lo);
    _mm_storeh_pd(p[1] + j, lo);
    _mm_storel_pd(p[2] + j, hi);
    _mm_storeh_pd(p[3] + j, hi);
  }
  VIGIL_AVX2 [[gnu::always_inline]] static inline __m256d Diff4(__m256d v, __m256d sh) {
    const __m256d z = _mm256_sub_pd(v, v);  // NaN where v is NaN or an infinity, else 0
    return _mm256_andnot_pd(_mm256_cmp_pd(z, z, _CMP_UNORD_Q), _mm256_sub_pd(v, sh));  // those: +0
  }
  // DET23's check (SumsUnsettled) in four lanes, without the flat window's exception (so it
  // holds wherever the scalar one does): any lane. (The peak keeps growing past a flat window
  // the scalar steps did not re-sum, as there.)
  VIGIL_AVX2 [[gnu::always_inline]] static inline bool Unsettled4(__m256d n1, __m256d n2, __m256d c, __m256d pk) {
    const __m256d ns2 = _mm256_mul_pd(c, n2);
    const __m256d drop = _mm256_cmp_pd(n2, _mm256_mul_pd(_mm256_set1_pd(kSumsDrop), pk), _CMP_LT_OQ);
    const __m256d far = _mm256_cmp_pd(_mm256_sub_pd(ns2, _mm256_mul_pd(n1, n1)),
                                      _mm256_mul_pd(_mm256_set1_pd(kSumsFar), ns2), _CMP_LT_OQ);
    return _mm256_movemask_pd(_mm256_or_pd(drop, far)) != 0;
  }
  // Returns how many of the `len` points it stepped: it stops before the first point where
  // Unsettled4 holds (the scalar steps take it from there); pk: each piece's peak of s2.
  VIGIL_AVX2 static size_t SumsFourAvx2(const double* z, size_t w, const size_t* b, const double* sh,
                                        size_t len, double* s1, double* s2, const double* cnt, double* a1,
                                        double* a2, double* pk) {
    const double* p[4] = {z + b[0], z + b[1], z + b[2], z + b[3]};
    const double* pc[4] = {cnt + b[0], cnt + b[1], cnt + b[2], cnt + b[3]};
    double* o1[4] = {s1 + b[0], s1 + b[1], s1 + b[2], s1 + b[3]};
    double* o2[4] = {s2 + b[0], s2 + b[1], s2 + b[2], s2 + b[3]};
    const __m256d vsh = _mm256_loadu_pd(sh);
    __m256d v1 = _mm256_setzero_pd(), v2 = _mm256_setzero_pd();
    for (size_t j = 1; j < w; ++j) {  // the recomputes: z[b + 1 .. b + w - 1]
      const __m256d d = Diff4(Gather4(p, j), vsh);
      v1 = _mm256_add_pd(v1, d);
      v2 = _mm256_add_pd(v2, _mm256_mul_pd(d, d));
    }
    __m256d vpk = v2;
    size_t j = 0;
    if (len > 0) {  // the first point of each: z[b + w] arrives (z[b] was left out by the recompute)
      const __m256d d = Diff4(Gather4(p, w), vsh);
      const __m256d n1 = _mm256_add_pd(v1, d), n2 = _mm256_add_pd(v2, _mm256_mul_pd(d, d));
      if (!Unsettled4(n1, n2, Gather4(pc, 0), vpk)) [[likely]] {
        v1 = n1, v2 = n2;
        vpk = _mm256_max_pd(vpk, v2);
        Scatter4(o1, 0, v1);
        Scatter4(o2, 0, v2);
        for (j = 1; j < len; ++j) {
          const __m256d o = Diff4(Gather4(p, j), vsh);
          __m256d m1 = _mm256_sub_pd(v1, o), m2 = _mm256_sub_pd(v2, _mm256_mul_pd(o, o));
          const __m256d e = Diff4(Gather4(p, j + w), vsh);
          m1 = _mm256_add_pd(m1, e);
          m2 = _mm256_add_pd(m2, _mm256_mul_pd(e, e));
          if (Unsettled4(m1, m2, Gather4(pc, j), vpk)) [[unlikely]] break;
          v1 = m1, v2 = m2;
          vpk = _mm256_max_pd(vpk, v2);
          Scatter4(o1, j, v1);
          Scatter4(o2, j, v2);
        }
      }
    }
    _mm256_storeu_pd(a1, v1);
    _mm256_storeu_pd(a2, v2);
    _mm256_storeu_pd(pk, vpk);
    return j;
  }
#endif

  // One point of SumsPointsColumn, for the single-point step (streaming) of the running-sum
  // functions over a point window: the same steps with the same doubles, the value that leaves
  // read from a ring of the last w inputs (NaN included, NaN before the first point) instead of
  // a ring of entries, and the values computed by SumsValues. Point windows of these functions
  // always take this path for single pushes (and SumsPointsColumn for columns; the two are
  // never mixed on one state).
  [[gnu::always_inline]] void SumsPointStep(double x, double* const* out) {
    const size_t w = static_cast<size_t>(spec_.points);
    if (ring_.size() != w) [[unlikely]] {
      ring_.assign(w, kNaN);
      ring_pos_ = 0;
    }
    double* z = ring_.data();
    const size_t pos = ring_pos_;
    const double old = z[pos];
    if (!std::isnan(old)) {
      if (std::isfinite(old)) [[likely]] {
        const double d = old - shift_;
        s1_ -= d;
        s2_ -= d * d;
      } else {
        NonFiniteOut(old);
      }
      --sums_count_;
      ++evicted_;
    }
    if (evicted_ >= std::max<size_t>(sums_count_, 32)) [[unlikely]] RecomputeRing(pos);
    z[pos] = x;
    ring_pos_ = pos + 1 == w ? 0 : pos + 1;
    if (!std::isnan(x)) {
      if (std::isfinite(x)) [[likely]] {
        if (!have_shift_) {
          shift_ = x;
          have_shift_ = true;
        }
        const double d = x - shift_;
        s1_ += d;
        s2_ += d * d;
      } else {
        NonFiniteIn(x);
      }
      same_run_ = (same_run_ > 0 && x == last_x_) ? same_run_ + 1 : 1;
      last_x_ = x;
      ++sums_count_;
    }
    double cnt = static_cast<double>(sums_count_);
    double flat = sums_count_ && same_run_ >= sums_count_ ? 1.0 : 0.0;
    if (SumsUnsettled(s1_, s2_, cnt, flat != 0, peak_)) [[unlikely]] {  // DET23: the window, oldest first
      const size_t from = ring_pos_;
      ResumWindow([&](size_t j) { return z[from + j < w ? from + j : from + j - w]; }, w, shift_, s1_, s2_);
      peak_ = 0;
    }
    peak_ = std::max(peak_, s2_);
    double s1 = s1_, s2 = s2_, sh = shift_, last = last_x_;
    SumsValues(SumsTrack{&cnt, &s1, &s2, &sh, &flat, &last}, &x, out, 1);
    if (nonfinite_) [[unlikely]] NonFiniteSumsValues(out, 0, nf_.Sum());
  }
  // A non-finite value enters / leaves a running-sum window (NonFiniteCount; nonfinite_ mirrors
  // nf_.any() in the state's first line, which every push reads).
  void NonFiniteIn(double v) {
    nf_.Add(v);
    nonfinite_ = true;
  }
  void NonFiniteOut(double v) {
    nf_.Remove(v);
    nonfinite_ = nf_.any();
  }
  // min / max over a point window of w <= kExtremeDirectMax points, one push (streaming): the
  // last w inputs in a ring stored twice (slots p and p + w, NaN before the first point), so
  // the window is one run of w values, folded oldest to newest with ExtremeColumn's pick (the
  // later value on ties, -0 and +0 included) after NaN is replaced by the pick's neutral value;
  // a window of NaN only is NaN. The same double as the deque (the path for larger windows)
  // and the batch column. No branch on the data: the deque's pops mispredicted.
  // kMin / kMax: which of the two to fold and write (both: a min and a max node over one input
  // and window, PushMinMax).
  template <bool kMin, bool kMax>
  [[gnu::always_inline]] void ExtremeStep(double x, double* min, double* max) {
    const size_t w = static_cast<size_t>(spec_.points);
    if (ring_.size() != 2 * w) [[unlikely]] {
      ring_.assign(2 * w, kNaN);
      ring_pos_ = 0;
    }
    double* z = ring_.data();
    const size_t pos = ring_pos_;
    z[pos] = x;
    z[pos + w] = x;
    ring_pos_ = pos + 1 == w ? 0 : pos + 1;
    const double* p = z + pos + 1;  // oldest .. newest (x)
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double lo = kInf, hi = -kInf;
    size_t cnt = 0;
    for (size_t j = 0; j < w; ++j) {
      const double v = p[j];
      const bool ok = !std::isnan(v);
      cnt += ok;
      if constexpr (kMin) {
        const double b = ok ? v : kInf;
        lo = lo < b ? lo : b;
      }
      if constexpr (kMax) {
        const double b = ok ? v : -kInf;
        hi = hi > b ? hi : b;
      }
    }
    if constexpr (kMin) *min = cnt ? lo : kNaN;
    if constexpr (kMax) *max = cnt ? hi : kNaN;
  }
  // SumsPointsColumn's exact recompute over the window before the next value arrives: the ring
  // from the slot after `pos` (the value that just left) round to the slot before it.
  [[gnu::noinline]] void RecomputeRing(size_t pos) {
    const double* z = ring_.data();
    const size_t w = ring_.size();
    evicted_ = 0;
    s1_ = s2_ = 0;
    bool first = true;
    auto add = [&](double v) {
      if (!std::isfinite(v)) return;  // NaN: no value; an infinity: counted in nf_
      if (first) shift_ = v;
      first = false;
      const double d = v - shift_;
      s1_ += d;
      s2_ += d * d;
    };
    for (size_t j = pos + 1; j < w; ++j) add(z[j]);
    for (size_t j = 0; j < pos; ++j) add(z[j]);
    peak_ = s2_;
  }

  template <WindowFn F, bool kPoints>
  [[gnu::always_inline]] void EvictFn(int64_t seq, int64_t t) {
    while (!entries_.empty()) {
      const WindowEntry& f = entries_.front();
      bool out;
      if constexpr (kPoints) out = f.key <= seq - spec_.points;
      else out = Elapsed(f.key, t) >= static_cast<uint64_t>(spec_.duration_ms);
      if (!out) break;
      RemoveFn<F>(f);
      entries_.pop_front();
      if constexpr (F == WindowFn::kRate && kPoints) times_.pop_front();
      ++evicted_;
    }
    if constexpr (Sums(F) || Aux(F)) {
      if (evicted_ >= std::max<size_t>(entries_.size(), 32)) Recompute<F>();
    }
  }

  // Evict + insert for the sorted window of median / quantile / mad. The sorted array ends up
  // exactly as after erasing each evicted value at its first equal position and inserting x
  // after the last value <= x (what RemoveFn / InsertFn do), but the common step (one value
  // leaves, one arrives) shifts only the values between the two positions, in one pass.
  template <bool kPoints, bool kAvx2 = false>
  [[gnu::always_inline]] void SlideSorted(int64_t seq, int64_t t, double x) {
    bool have_old = false;
    double old = 0;
    while (!entries_.empty()) {
      const WindowEntry& f = entries_.front();
      bool out;
      if constexpr (kPoints) out = f.key <= seq - spec_.points;
      else out = Elapsed(f.key, t) >= static_cast<uint64_t>(spec_.duration_ms);
      if (!out) break;
      if (have_old) EraseSorted(old);
      old = f.v;
      have_old = true;
      entries_.pop_front();
    }
    if (std::isnan(x)) {
      if (have_old) EraseSorted(old);
      return;
    }
    entries_.push_back(WindowEntry{kPoints ? seq : t, x});
    if (!have_old) {
      sorted_.insert(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/true>(x)), x);
      return;
    }
    double* a = sorted_.data();
    size_t p, le;  // p: position of the value that leaves; le: values <= x
    if (sorted_.size() <= kSmallSorted) {
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if constexpr (kAvx2)
        CountBelowBothAvx2(a, sorted_.size(), old, x, &p, &le);
      else
        CountBelowBoth(a, sorted_.size(), old, x, &p, &le);
#else
      CountBelowBoth(a, sorted_.size(), old, x, &p, &le);
#endif
    } else {
      p = Rank</*kOrEqual=*/false>(old);
      le = Rank</*kOrEqual=*/true>(x);
    }
    if (x >= old) {  // a[p+1..k] move down one; x lands at k
      const size_t k = le - 1;
      ShiftDown(a, p, k);
      a[k] = x;
    } else {  // a[k..p-1] move up one; x lands at k
      const size_t k = le;
      ShiftUp(a, k, p);
      a[k] = x;
    }
  }

  void EraseSorted(double v) {
    sorted_.erase(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/false>(v)));
  }

  template <WindowFn F>
  [[gnu::always_inline]] void RemoveFn(const WindowEntry& e) {
    if constexpr (Sums(F)) {
      if (!std::isfinite(e.v)) [[unlikely]] return NonFiniteOut(e.v);
      double d = e.v - shift_;
      s1_ -= d;
      s2_ -= d * d;
    } else if constexpr (Aux(F)) {
      if (!std::isfinite(e.v)) [[unlikely]] return NonFiniteOut(e.v);
      aux_sum_ -= e.v;
    } else if constexpr (Order(F)) {
      sorted_.erase(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/false>(e.v)));
    } else if constexpr (F == WindowFn::kMin || F == WindowFn::kMax) {
      // The same key is the same point: a point window's sequence numbers are distinct, and so
      // are a time window's timestamps at eviction (points of one timestamp leave together).
      if (!mono_.empty() && mono_.front().key == e.key) mono_.pop_front();
    }
  }

  template <WindowFn F, bool kPoints>
  [[gnu::always_inline]] void InsertFn(int64_t seq, int64_t t, double x) {
    WindowEntry e{kPoints ? seq : t, x};
    if constexpr (Sums(F)) {
      if (std::isfinite(x)) [[likely]] {
        if (!have_shift_) {
          shift_ = x;
          have_shift_ = true;
        }
        double d = x - shift_;
        s1_ += d;
        s2_ += d * d;
      } else {
        NonFiniteIn(x);
      }
      // Trailing run of equal values: when it covers the window, the window is flat and the
      // mean is exactly that value (running sums would leave rounding residue around it).
      same_run_ = (same_run_ > 0 && x == last_x_) ? same_run_ + 1 : 1;
      last_x_ = x;
    } else if constexpr (Aux(F)) {
      e.v = have_prev_ ? AuxIncrement<F>(x, prev_) : 0.0;
      prev_ = x;
      have_prev_ = true;
      if (std::isfinite(e.v)) [[likely]] {
        aux_sum_ += e.v;
        if constexpr (F == WindowFn::kRate) peak_ = std::max(peak_, std::fabs(e.v));  // DET23
      } else {
        NonFiniteIn(e.v);
      }
      if constexpr (F == WindowFn::kRate && kPoints) times_.push_back(t);
    } else if constexpr (Order(F)) {
      sorted_.insert(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/true>(x)), x);
    } else if constexpr (F == WindowFn::kMin) {
      while (!mono_.empty() && mono_.back().v >= x) mono_.pop_back();
      mono_.push_back(e);
    } else if constexpr (F == WindowFn::kMax) {
      while (!mono_.empty() && mono_.back().v <= x) mono_.pop_back();
      mono_.push_back(e);
    }
    entries_.push_back(e);
  }

  // rate's value re-summed by SettleFn at this point, else NaN; in s1_, which rate has no other
  // use for (a state has one function; sizeof(WindowState) stays 448: PERF4).
  double& rate_resummed() { return s1_; }
  double rate_resummed() const { return s1_; }
  // DET23's check after a point of a window held in entries_ (running sums over time; rate over
  // points or time), the same as SumsPointStep's and AuxTimeColumn's. rate: the sum of the
  // increments after the window's first, aux_sum_ - front, against the peak of |aux_sum_|; when
  // it is small against it (a huge increment has left, or is the front and would be subtracted
  // off a sum that rounded the others away), the window is summed again and that sum (RateAfter)
  // is the value. changes / resets count 0s and 1s: exact, never checked.
  template <WindowFn F>
  [[gnu::always_inline]] void SettleFn() {
    if constexpr (Sums(F)) {
      const size_t n = entries_.size();
      if (SumsUnsettled(s1_, s2_, static_cast<double>(n), n && same_run_ >= n, peak_)) [[unlikely]] {
        ResumWindow([&](size_t j) { return entries_[j].v; }, n, shift_, s1_, s2_);
        peak_ = 0;
      }
      peak_ = std::max(peak_, s2_);
    } else if constexpr (F == WindowFn::kRate) {
      rate_resummed() = kNaN;
      if (entries_.empty()) return;
      const double front = entries_.front().v;
      if (RateUnsettled(AuxAfterFront(aux_sum_, nonfinite_, nf_, front), aux_sum_, nonfinite_, front, peak_))
          [[unlikely]]
        rate_resummed() = RateResum([&](size_t j) { return entries_[j].v; }, entries_.size(), aux_sum_, peak_);
    }
  }
  // rate's re-sum (DET23) over the window's n increments at(0 .. n-1), oldest first, the finite
  // ones (NonFiniteCount has the others): total: all of them, peak: the largest |one|; returns
  // those after the first, in the same order.
  template <class At>
  [[gnu::noinline]] static double RateResum(const At& at, size_t n, double& total, double& peak) {
    double after = 0;
    peak = std::isfinite(at(0)) ? std::fabs(at(0)) : 0.0;
    for (size_t j = 1; j < n; ++j) {
      const double a = at(j);
      if (!std::isfinite(a)) continue;
      after += a;
      peak = std::max(peak, std::fabs(a));
    }
    total = std::isfinite(at(0)) ? at(0) + after : after;
    return after;
  }

  template <WindowFn F>
  void Recompute() {
    evicted_ = 0;
    if constexpr (Sums(F)) {  // over the finite values (nf_ counts the others), shifted by the first
      s1_ = s2_ = 0;
      bool first = true;
      for (size_t i = 0; i < entries_.size(); ++i) {
        const double v = entries_[i].v;
        if (!std::isfinite(v)) continue;
        if (first) shift_ = v;
        first = false;
        double d = v - shift_;
        s1_ += d;
        s2_ += d * d;
      }
      peak_ = s2_;
    } else {
      aux_sum_ = 0;
      peak_ = 0;
      for (size_t i = 0; i < entries_.size(); ++i)
        if (std::isfinite(entries_[i].v)) aux_sum_ += entries_[i].v, peak_ = std::max(peak_, std::fabs(entries_[i].v));
    }
  }

  // Number of sorted values < x (or <= x). Small windows count without branches (SIMD), which
  // beats a binary search's mispredictions; large ones binary-search.
  template <bool kOrEqual>
  [[gnu::always_inline]] size_t Rank(double x) const {
    const size_t n = sorted_.size();
    const double* a = sorted_.data();
    if (n <= kSmallSorted) return CountBelow<kOrEqual>(a, n, x);
    return static_cast<size_t>((kOrEqual ? std::upper_bound(a, a + n, x) : std::lower_bound(a, a + n, x)) -
                               a);
  }

  [[gnu::always_inline]] double Quantile(double q) const {
    return QuantileOf(sorted_.data(), sorted_.size(), q);
  }
  [[gnu::always_inline]] static double QuantileOf(const double* a, size_t n, double q) {
    if (n == 0) return kNaN;
    double pos = q * static_cast<double>(n - 1);  // linear interpolation, as numpy's default
    size_t lo = static_cast<size_t>(pos);
    if (lo + 1 >= n) return a[n - 1];
    double frac = pos - static_cast<double>(lo);
    return a[lo] + (a[lo + 1] - a[lo]) * frac;
  }

  // Median absolute deviation: the median of |x - median|, from the sorted window a[0..n).
  // The m smallest deviations are those of m consecutive sorted values, so the m-th smallest is
  // the smallest block spread max(med - a[i], a[i+m-1] - med) over the blocks of m values
  // (MinBlockSpread: branch-free, O(n) SIMD min/max; for n <= kSmallSorted). Larger windows
  // binary-search how many of the m smallest lie left of the median: O(log n). Both give the
  // same double (the same subtraction of the same two values); a zero result is +0.
  template <bool kAvx2 = false>
  [[gnu::always_inline]] double Mad(double med) const {
    return MadOf<kAvx2>(sorted_.data(), sorted_.size(), med);
  }
  template <bool kAvx2 = false>
  [[gnu::always_inline]] static double MadOf(const double* a, size_t n, double med) {
    if (n == 0) return kNaN;
    const size_t m = (n - 1) / 2 + 1;  // the median of n deviations needs the m-th (and m+1-th)
    double kth, next = 0;
    if (n <= kSmallSorted) {
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if constexpr (kAvx2) {
        if (n % 2 == 1)
          kth = MinBlockSpreadAvx2(a, n, m, med);
        else
          MinBlockSpreadsAvx2(a, n, m, med, &kth, &next);
      } else
#endif
      {
        if (n % 2 == 1)
          kth = MinBlockSpread(a, n, m, med);
        else
          MinBlockSpreads(a, n, m, med, &kth, &next);
      }
    } else {
      KthDeviation(a, n, m, med, &kth, &next);
    }
    kth += 0.0;  // -0 (from -0 - +0) reads as +0
    if (n % 2 == 1) return kth;
    next += 0.0;
    return kth + (next - kth) * 0.5;
  }

  // The m-th smallest deviation (*kth) and the m+1-th (*next; when m < n) by binary search over
  // the two sorted deviation sequences left (med - a[split-1-j]) and right (a[split+j] - med) of
  // the median.
  static void KthDeviation(const double* a, size_t n, size_t mm, double med, double* kth, double* next) {
    const ptrdiff_t split = static_cast<ptrdiff_t>(std::lower_bound(a, a + n, med) - a);
    const ptrdiff_t nl = split, nr = static_cast<ptrdiff_t>(n) - split;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    auto left = [&](ptrdiff_t j) { return j < 0 ? -kInf : j >= nl ? kInf : med - a[split - 1 - j]; };
    auto right = [&](ptrdiff_t j) { return j < 0 ? -kInf : j >= nr ? kInf : a[split + j] - med; };
    const ptrdiff_t m = static_cast<ptrdiff_t>(mm);
    ptrdiff_t lo = m > nr ? m - nr : 0, hi = std::min(m, nl);
    while (lo < hi) {  // smallest i with left(i) >= right(m - i - 1)
      ptrdiff_t i = (lo + hi) / 2;
      if (left(i) < right(m - i - 1))
        lo = i + 1;
      else
        hi = i;
    }
    *kth = std::max(left(lo - 1), right(m - lo - 1));
    *next = std::min(left(lo), right(m - lo));
  }

  template <WindowFn F>
  [[gnu::always_inline]] double ValueFn(double x) const {
    size_t n = entries_.size();
    if constexpr (F == WindowFn::kCount) {
      return static_cast<double>(n);
    } else if constexpr (F == WindowFn::kSum) {
      if (nonfinite_) [[unlikely]] return NonFiniteSumsValue(SumsIndex(F), 0, nf_.Sum());
      if (n && same_run_ >= n) return last_x_ * static_cast<double>(n);
      return n ? s1_ + shift_ * static_cast<double>(n) : 0.0;
    } else if constexpr (F == WindowFn::kMean) {
      if (nonfinite_) [[unlikely]] return NonFiniteSumsValue(SumsIndex(F), 0, nf_.Sum());
      if (n && same_run_ >= n) return last_x_;
      return n ? shift_ + s1_ / static_cast<double>(n) : kNaN;
    } else if constexpr (F == WindowFn::kStd || F == WindowFn::kZscore) {
      if (n < 2 || nonfinite_) return kNaN;  // nonfinite_: NonFiniteSumsValue
      if (same_run_ >= n) return F == WindowFn::kStd ? 0.0 : kNaN;
      double dn = static_cast<double>(n);
      double ss = s2_ - s1_ * s1_ / dn;
      double mean = shift_ + s1_ / dn;
      // Cancellation noise in a flat window must read as zero spread, not as a tiny std that
      // turns into a huge z-score. The noise scales with the shifted sum of squares.
      if (ss <= 1e-12 * s2_) ss = 0;
      double var = ss / (dn - 1);
      double sd = var > 0 ? std::sqrt(var) : 0.0;
      if constexpr (F == WindowFn::kStd) return sd;
      if (!(sd > 0) || std::isnan(x)) return kNaN;
      return (x - mean) / sd;
    } else if constexpr (F == WindowFn::kMin || F == WindowFn::kMax) {
      return mono_.empty() ? kNaN : mono_.front().v;
    } else if constexpr (F == WindowFn::kMedian) {
      return Quantile(0.5);
    } else if constexpr (F == WindowFn::kQuantile) {
      return Quantile(q_);
    } else if constexpr (F == WindowFn::kMad) {
      return Mad(Quantile(0.5));
    } else if constexpr (F == WindowFn::kDelta) {
      return n >= 2 ? entries_.back().v - entries_.front().v : kNaN;
    } else if constexpr (F == WindowFn::kRate) {
      if (n < 2) return kNaN;
      const int64_t t0 = spec_.is_points ? times_.front() : entries_.front().key;
      const int64_t t1 = spec_.is_points ? times_.back() : entries_.back().key;
      double dt = static_cast<double>(SpanInWindow(t0, t1)) / 1000.0;
      return dt > 0 ? AuxAfterFront(aux_sum_, nonfinite_, nf_, entries_.front().v, rate_resummed()) / dt : kNaN;
    } else {  // kChanges, kResets
      return n ? AuxAfterFront(aux_sum_, nonfinite_, nf_, entries_.front().v) : 0.0;
    }
  }

  // PushMedianMad's path, fixed at the first push: SlideSorted, or BlendPointStep for 4- or
  // 8-double vectors.
  enum class StepPath : uint8_t { kUnset, kSorted, kBlend4, kBlend8 };
  // The fields in the order streaming reads them (PERF4): the object is 64-byte aligned, a time
  // window's single-point step reads only its first three lines (through last_x_), a point
  // window's also the fourth and fifth (through scan_); PrefetchObject asks for those. The batch
  // columns' scratch follows, never read by a single-point step.
  // Line 0.
  WindowFn fn_;
  StepPath step_path_ = StepPath::kUnset;
  bool have_shift_ = false, have_prev_ = false;
  bool nonfinite_ = false;  // nf_.any(): a running-sum window holds a non-finite value
  WindowSpec spec_;
  Ring<WindowEntry> entries_;
  // Line 1.
  std::vector<double> sorted_;
  double aux_sum_ = 0, prev_ = 0;
  size_t evicted_ = 0;
  // q_: quantile's; peak_ (DET23): the running sums' s2_'s largest since the last exact sum
  // (rate: the largest |finite increment|); 0 at the start. A state has one function, so they
  // share a slot (sizeof(WindowState) and PERF4's lines unchanged).
  union {
    double q_;
    double peak_;
  };
  size_t same_run_ = 0;
  // Line 2.
  Ring<WindowEntry> mono_;
  double s1_ = 0, s2_ = 0, shift_ = 0;  // rate keeps DET23's re-summed value in s1_ (rate_resummed())
  double last_x_ = 0;
  // Lines 3-4: point windows' single-point steps and rate over a point window.
  // The last w inputs, the oldest at ring_pos_ (SumsPointStep, BlendPointStep); ExtremeStep keeps
  // each twice (slots p and p + w), so the window is one run.
  std::vector<double> ring_;
  size_t ring_pos_ = 0;
  size_t sums_count_ = 0;   // SumsPointsColumn / SumsPointStep: values in the window
  size_t blend_count_ = 0;  // MedianMadBlend: values in the window
  Ring<int64_t> times_;     // rate over a point window: the held points' timestamps (entries_'s keys are seqs)
  // Batch columns (a state has one function, so they share these): the previous inputs
  // (ExtremeColumn: w-1; SumsPointsColumn: w) and scratch (SumsPointsColumn: its SumsTrack;
  // MedianMadBlend: its slots, two regions; BlendPointStep: its one buffer, hence first).
  std::vector<double> scan_, tail_;
  // The batch columns' own fields (cold for streaming).
  size_t blend_width_ = 0;  // MedianMadBlend: the vector width scan_ is laid out for (4, 8)
  struct TimeAux {  // AuxTimeColumn: a point's timestamp and increment
    int64_t t;
    double aux;
  };
  std::vector<TimeAux> aux_ring_;  // AuxTimeColumn: the window, a power-of-two ring
  size_t aux_head_ = 0, aux_size_ = 0;
  std::vector<uint32_t> count_;
  std::vector<SumsSegment> segs_;  // SumsPointsColumn: the pieces between recomputes
  NonFiniteCount nf_;  // running sums: the non-finite values in the window (nonfinite_ above)
};

// ewma: s = a*x + (1-a)*s over non-NaN points; NaN until the first value.
class EwmaState {
 public:
  explicit EwmaState(double alpha) : a_(alpha) {}
  double Push(double x) {
    if (!std::isnan(x)) s_ = std::isnan(s_) ? x : a_ * x + (1 - a_) * s_;
    return s_;
  }
  // n pushes (batch), with the state in registers: the same doubles as n calls of Push.
  void PushColumn(const double* x, double* out, size_t n) {
    const double a = a_, b = 1 - a_;
    double s = s_;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isnan(x[i])) s = std::isnan(s) ? x[i] : a * x[i] + b * s;
      out[i] = s;
    }
    s_ = s;
  }

 private:
  double a_;
  double s_ = kNaN;
};

// lag(x, k): the input k points earlier (NaN points count), NaN before that.
class LagState {
 public:
  explicit LagState(int64_t k) : k_(static_cast<size_t>(k)) {}
  double Push(double x) {
    ring_.push_back(x);
    if (ring_.size() > k_ + 1) ring_.pop_front();
    return ring_.size() == k_ + 1 ? ring_.front() : kNaN;
  }
  // n pushes (batch): the same values as n calls of Push, from the previous k inputs kept in
  // hist_ (NaN before the first point, which is what Push returns there). A state is pushed
  // either by Push or by PushColumn, never both.
  void PushColumn(const double* x, double* out, size_t n) {
    if (hist_.size() != k_) hist_.assign(k_, kNaN);
    const size_t from_hist = std::min(n, k_);
    std::copy(hist_.begin(), hist_.begin() + static_cast<ptrdiff_t>(from_hist), out);
    if (n > k_) std::copy(x, x + (n - k_), out + k_);
    if (n >= k_) {
      std::copy(x + (n - k_), x + n, hist_.begin());
    } else {
      std::copy(hist_.begin() + static_cast<ptrdiff_t>(n), hist_.end(), hist_.begin());
      std::copy(x, x + n, hist_.end() - static_cast<ptrdiff_t>(n));
    }
  }

 private:
  size_t k_;
  Ring<double> ring_;
  std::vector<double> hist_;
};

// x offset d: the input at the latest point with timestamp <= t - d, if that point is newer
// than t - d - lookback; NaN otherwise.
class OffsetState {
 public:
  OffsetState(int64_t d, int64_t lookback) : d_(d), lookback_(lookback) {}
  double Push(int64_t t, double x) {
    hist_.push_back({t, x});
    if (d_ < 0) [[unlikely]] return PushNegative(t);
    // t - d may leave int64 (timestamps near its ends): compare elapsed times instead, in
    // uint64 (every held point is at or before t). A point is at or before t - d when
    // t - p >= d, and newer than t - d - lookback when t - p - d < lookback.
    const uint64_t d = static_cast<uint64_t>(d_);
    while (hist_.size() >= 2 && Elapsed(hist_[1].t, t) >= d) hist_.pop_front();
    // The next push reads hist_[1] (now hist_[2]), written about d ago: in streaming, with
    // many series interleaved, it is out of cache by then; fetch it while other work runs.
    if (hist_.size() >= 3) __builtin_prefetch(&hist_[2]);
    const Point& f = hist_.front();
    const uint64_t e = Elapsed(f.t, t);
    return (e >= d && e - d < static_cast<uint64_t>(lookback_)) ? f.x : kNaN;  // lookback_ >= 0
  }
  // n pushes (batch): the same steps and values as n calls of Push, the ring in locals.
  void PushColumn(const int64_t* t, const double* x, double* out, size_t n) {
    if (d_ < 0) [[unlikely]] {
      for (size_t i = 0; i < n; ++i) out[i] = Push(t[i], x[i]);
      return;
    }
    hist_.Reserve(n);
    Point* buf = hist_.data();
    const size_t mask = hist_.mask();
    size_t head = hist_.head(), size = hist_.size();
    const uint64_t d = static_cast<uint64_t>(d_), lookback = static_cast<uint64_t>(lookback_);
    for (size_t i = 0; i < n; ++i) {
      const int64_t ti = t[i];
      buf[(head + size) & mask] = Point{ti, x[i]};
      ++size;
      while (size >= 2 && Elapsed(buf[(head + 1) & mask].t, ti) >= d) {
        head = (head + 1) & mask;
        --size;
      }
      if (size >= 3) __builtin_prefetch(&buf[(head + 2) & mask]);
      const Point& f = buf[head];
      const uint64_t e = Elapsed(f.t, ti);
      out[i] = (e >= d && e - d < lookback) ? f.x : kNaN;
    }
    hist_.SetState(head, size);
  }
  size_t held() const { return hist_.size(); }

 private:
  // A negative offset (plans received as data: the rule compiler does not make them): target
  // t - d is after t, in 128 bits.
  [[gnu::noinline]] double PushNegative(int64_t t) {
    const __int128 target = static_cast<__int128>(t) - d_;
    while (hist_.size() >= 2 && hist_[1].t <= target) hist_.pop_front();
    const Point& f = hist_.front();
    return (f.t <= target && f.t > target - lookback_) ? f.x : kNaN;
  }
  struct Point {  // 16 bytes: an offset of a day holds a day of points per series
    int64_t t;
    double x;
  };
  int64_t d_, lookback_;
  Ring<Point> hist_;
};

// Cross-series aggregation of the n values gathered for one group at one time; `vals` is
// scratch (reordered). Peers are gathered in series order by both engines.
[[gnu::always_inline]] inline double Aggregate(AggFn fn, double q, double* vals, size_t n) {
  if (fn == AggFn::kCount) return static_cast<double>(n);
  if (n == 0) return kNaN;
  switch (fn) {
    case AggFn::kSum:
    case AggFn::kMean: {
      double s = 0;
      for (size_t i = 0; i < n; ++i) s += vals[i];
      return fn == AggFn::kSum ? s : s / static_cast<double>(n);
    }
    case AggFn::kMin:
      return *std::min_element(vals, vals + n);
    case AggFn::kMax:
      return *std::max_element(vals, vals + n);
    case AggFn::kStd: {
      if (n < 2) return kNaN;
      double m = 0;
      for (size_t i = 0; i < n; ++i) m += vals[i];
      m /= static_cast<double>(n);
      double ss = 0;
      for (size_t i = 0; i < n; ++i) ss += (vals[i] - m) * (vals[i] - m);
      return std::sqrt(ss / static_cast<double>(n - 1));
    }
    case AggFn::kMedian:
    case AggFn::kQuantile: {
      if (n <= 16) {  // peer groups are small: insertion sort beats std::sort's set-up
        for (size_t i = 1; i < n; ++i) {
          const double v = vals[i];
          size_t j = i;
          for (; j > 0 && vals[j - 1] > v; --j) vals[j] = vals[j - 1];
          vals[j] = v;
        }
      } else {
        std::sort(vals, vals + n);
      }
      double qq = fn == AggFn::kMedian ? 0.5 : q;
      double pos = qq * static_cast<double>(n - 1);
      size_t lo = static_cast<size_t>(pos);
      if (lo + 1 >= n) return vals[n - 1];
      return vals[lo] + (vals[lo + 1] - vals[lo]) * (pos - static_cast<double>(lo));
    }
    default: return kNaN;
  }
}

inline double Aggregate(AggFn fn, double q, std::vector<double>& vals) {
  return Aggregate(fn, q, vals.data(), vals.size());
}

}  // namespace vigil::detail
