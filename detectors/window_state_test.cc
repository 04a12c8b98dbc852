// Tests of the window-state building blocks against naive references, bit for bit: the SIMD
// rank count, the block-spread MAD selection, the sliding median / mad of WindowState and the
// column-wise min / max, on random windows with NaN gaps, many ties, signed zeros, and sizes on
// both sides of the thresholds where the engine switches algorithms (kSmallSorted,
// kExtremeScanMax).
#include "detectors/window_state.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace vigil::detail {
namespace {

// Same bits (so -0 != +0 and NaN == NaN).
bool Same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// Pushes `xs` through `column` in columns of `chunk(points left)` points and through `point` one
// point at a time; requires every slot bitwise equal at every point. Returns the column path's
// values, slot by slot.
template <class Chunk>
std::vector<std::vector<double>> ColumnSumsEqualPointSums(WindowState& column, WindowState& point,
                                                          const std::vector<int64_t>& ts,
                                                          const std::vector<double>& xs, Chunk chunk) {
  const size_t n = xs.size();
  std::vector<std::vector<double>> got(WindowState::kSumsSlots, std::vector<double>(n));
  for (size_t base = 0; base < n;) {
    const size_t nb = chunk(n - base);
    double* outs[WindowState::kSumsSlots];
    for (int k = 0; k < WindowState::kSumsSlots; ++k) outs[k] = got[k].data() + base;
    column.PushSumsColumn(ts.data() + base, xs.data() + base, outs, nb, static_cast<int64_t>(base));
    base += nb;
  }
  for (size_t i = 0; i < n; ++i) {
    double want[WindowState::kSumsSlots];
    double* outs[WindowState::kSumsSlots];
    for (int k = 0; k < WindowState::kSumsSlots; ++k) outs[k] = &want[k];
    point.PushSums(static_cast<int64_t>(i), ts[i], xs[i], outs);
    INFO("i=", i);
    for (int k = 0; k < WindowState::kSumsSlots; ++k) {
      INFO("slot ", k);
      REQUIRE(Same(got[k][i], want[k]));
    }
  }
  return got;
}

double Interpolated(std::vector<double> v, double q) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(pos);
  if (lo + 1 >= v.size()) return v.back();
  return v[lo] + (v[lo + 1] - v[lo]) * (pos - static_cast<double>(lo));
}

// Median of |v - median(v)| by sorting the deviations; zero is +0.
double NaiveMad(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double med = Interpolated(v, 0.5);
  std::vector<double> d;
  for (double x : v) d.push_back(std::fabs(x - med));
  return Interpolated(d, 0.5) + 0.0;
}

// Values with many ties (a few levels), signed zeros, NaN gaps and occasional outliers.
double RandomValue(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  double r = u(rng);
  if (r < 0.1) return kNaN;
  if (r < 0.2) return u(rng) < 0.5 ? 0.0 : -0.0;
  if (r < 0.5) return std::floor(5 * u(rng));
  if (r < 0.55) return 1e6 * (u(rng) - 0.5);
  return 10 * u(rng) - 3;
}

TEST_CASE("CountBelow(Both) count < and <= like a loop, for every length and with ties") {
  std::mt19937_64 rng(3);
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<double> a;
    for (size_t i = 0; i < n; ++i) {
      double v = RandomValue(rng);
      a.push_back(std::isnan(v) ? 1.0 : v);
    }
    std::sort(a.begin(), a.end());
    for (double x : {-1e9, -0.0, 0.0, 1.0, 2.0, 2.5, 1e9, n ? a[n / 2] : 0.0}) {
      size_t lt = 0, le = 0;
      for (double v : a) {
        lt += v < x;
        le += v <= x;
      }
      INFO("n=", n, " x=", x);
      CHECK(CountBelow<false>(a.data(), n, x) == lt);
      CHECK(CountBelow<true>(a.data(), n, x) == le);
      size_t both_lt = 0, both_le = 0;
      CountBelowBoth(a.data(), n, x, x, &both_lt, &both_le);
      CHECK(both_lt == lt);
      CHECK(both_le == le);
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if (CpuHasAvx2()) {
        CountBelowBothAvx2(a.data(), n, x, x, &both_lt, &both_le);
        CHECK(both_lt == lt);
        CHECK(both_le == le);
      }
#endif
    }
  }
}

TEST_CASE("MinBlockSpread(s) give the m-th (and m+1-th) smallest deviation from the median") {
  std::mt19937_64 rng(5);
  for (int rep = 0; rep < 2000; ++rep) {
    const size_t n = 1 + rng() % 140;
    std::vector<double> a;
    while (a.size() < n) {
      double v = RandomValue(rng);
      if (!std::isnan(v)) a.push_back(v);
    }
    std::sort(a.begin(), a.end());
    const double med = Interpolated(a, 0.5);
    std::vector<double> d;
    for (double v : a) d.push_back(std::fabs(v - med));
    std::sort(d.begin(), d.end());
    for (size_t m : {size_t{1}, (n - 1) / 2 + 1, std::min(n, (n - 1) / 2 + 2), n}) {
      INFO("n=", n, " m=", m);
      CHECK(MinBlockSpread(a.data(), n, m, med) + 0.0 == d[m - 1]);
      if (m < n) {  // the fused pair: m-th and m+1-th
        double kth = -1, next = -1;
        MinBlockSpreads(a.data(), n, m, med, &kth, &next);
        CHECK(kth + 0.0 == d[m - 1]);
        CHECK(next + 0.0 == d[m]);
      }
#if defined(VIGIL_HAVE_AVX2_KERNELS)
      if (CpuHasAvx2()) {
        CHECK(MinBlockSpreadAvx2(a.data(), n, m, med) + 0.0 == d[m - 1]);
        if (m < n) {
          double kth = -1, next = -1;
          MinBlockSpreadsAvx2(a.data(), n, m, med, &kth, &next);
          CHECK(kth + 0.0 == d[m - 1]);
          CHECK(next + 0.0 == d[m]);
        }
      }
#endif
    }
  }
}

// Selects the kernels for a scope: 0 baseline (SSE2), 1 AVX2, 2 AVX2 and AVX-512. Where the CPU
// lacks an instruction set, the scope runs the best one it has (so the test still passes, and
// checks that path twice).
class IsaScope {
 public:
  explicit IsaScope(int isa) : avx2_(UseAvx2()), avx512_(g_use_avx512) {
    SetUseAvx2(isa >= 1);
    SetUseAvx512(isa >= 2);
  }
  ~IsaScope() {
    SetUseAvx2(avx2_);
    SetUseAvx512(avx512_);
  }

 private:
  bool avx2_, avx512_;
};

// Pushes a random series through median and mad states (separately and as one shared pair) and
// compares every value with the naive reference over the same window.
void CheckSlidingMedianMad(bool points, int64_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  PlanNode med_node, mad_node;
  med_node.op = mad_node.op = PlanOp::kWindow;
  med_node.window_fn = WindowFn::kMedian;
  mad_node.window_fn = WindowFn::kMad;
  med_node.window.is_points = mad_node.window.is_points = points;
  (points ? med_node.window.points : med_node.window.duration_ms) = size;
  (points ? mad_node.window.points : mad_node.window.duration_ms) = size;
  WindowState med_state(med_node), mad_state(mad_node);
  // The shared pair per instruction set (IsaScope): SlideSorted, or for point windows up to
  // kBlendSortedMax the blend step (AVX2, AVX-512).
  WindowState pair_state[3] = {WindowState(mad_node), WindowState(mad_node), WindowState(mad_node)};
  // Batch: columns of random lengths, per instruction set (IsaScope).
  WindowState column[3] = {WindowState(mad_node), WindowState(mad_node), WindowState(mad_node)};
  std::vector<double> col_med[3], col_mad[3], ref_med, ref_mad;
  size_t col_done = 0;
  std::vector<int64_t> ts;
  std::vector<double> xs;
  int64_t t = 0;
  for (int64_t i = 0; i < 1500; ++i) {
    t += 1 + static_cast<int64_t>(rng() % 3);  // irregular: time windows hold a varying count
    // Stretches of constant values make whole windows of ties.
    double x = (i / 200) % 3 == 1 && rng() % 8 ? 4.0 : RandomValue(rng);
    ts.push_back(t);
    xs.push_back(x);
    std::vector<double> window;
    for (int64_t j = std::max<int64_t>(0, i - size); j <= i; ++j) {  // t rises >= 1 per point
      bool in = points ? j > i - size : ts[j] > t - size;
      if (in && !std::isnan(xs[j])) window.push_back(xs[j]);
    }
    const double want_med = Interpolated(window, 0.5), want_mad = NaiveMad(window);
    ref_med.push_back(want_med);
    ref_mad.push_back(want_mad);
    const double got_med = med_state.Push(i, t, x), got_mad = mad_state.Push(i, t, x);
    INFO("points=", points, " size=", size, " i=", i, " n=", window.size());
    REQUIRE(Same(got_med, want_med));
    REQUIRE(Same(got_mad, want_mad));
    for (int isa = 0; isa < 3; ++isa) {
      IsaScope scope(isa);
      double pair_med = 0, pair_mad = 0;
      pair_state[isa].PushMedianMad(i, t, x, &pair_med, &pair_mad);
      INFO("pair, isa=", isa);
      REQUIRE(Same(pair_med, want_med));
      REQUIRE(Same(pair_mad, want_mad));
    }
    // The column form (PushMedianMadColumn), with the baseline kernels and, where the CPU has
    // AVX2, the AVX2 ones: pushed when a random column length is reached, then compared.
    if (rng() % 64 == 0 || i == 1499) {
      const size_t nb = xs.size() - col_done;
      for (int isa = 0; isa < 3; ++isa) {
        IsaScope scope(isa);
        col_med[isa].resize(xs.size());
        col_mad[isa].resize(xs.size());
        column[isa].PushMedianMadColumn(ts.data() + col_done, xs.data() + col_done,
                                        col_med[isa].data() + col_done, col_mad[isa].data() + col_done, nb,
                                        static_cast<int64_t>(col_done));
      }
      col_done = xs.size();
    }
  }
  for (int isa = 0; isa < 3; ++isa) {
    for (size_t i = 0; i < xs.size(); ++i) {
      INFO("column, isa=", isa, " points=", points, " size=", size, " i=", i);
      REQUIRE(Same(col_med[isa][i], ref_med[i]));
      REQUIRE(Same(col_mad[isa][i], ref_mad[i]));
    }
  }
}

TEST_CASE("sliding median and mad equal a sort of the window, bit for bit (point windows)") {
  uint64_t seed = 1;
  for (int64_t size : {1, 2, 3, 4, 30, 31, 63, 64, 65, 127, 128, 129, 130, 300})
    CheckSlidingMedianMad(true, size, seed++);
}

// A median node over a point window of `points` points.
PlanNode MedianPointsNode(int64_t points) {
  PlanNode node;
  node.op = PlanOp::kWindow;
  node.window_fn = WindowFn::kMedian;
  node.window.points = points;
  return node;
}

// Value i of the median/mad series below: runs of NaN (windows that empty), infinities of
// both signs (in one stretch most values: infinite medians), ties, signed zeros (more of them
// with more_zeros).
double MedianTestValue(std::mt19937_64& rng, int i, bool more_zeros) {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  const double inf = std::numeric_limits<double>::infinity();
  const bool many = (i / 300) % 5 == 4;
  return (i / 300) % 5 == 2 && u < 0.7    ? kNaN
         : u < (many ? 0.6 : 0.03)        ? inf
         : u < (many ? 0.65 : 0.06)       ? -inf
         : more_zeros && u < 0.12         ? (u < 0.09 ? 0.0 : -0.0)
                                          : RandomValue(rng);
}

// The batch median/mad column over point windows (the AVX2 / AVX-512 blend kernel for windows
// <= 64 points, the baseline loop otherwise) against single pushes of the same values, bit for bit,
// with infinities too (computed infinities enter a window as values): columns of random
// lengths, windows on both sides of kBlendSortedMax and of the 4-slot rounding.
TEST_CASE("median/mad columns equal single pushes bit for bit, with infinities, both instruction sets") {
  uint64_t seed = 500;
  // (AVX-512 keeps the buffer in cap / 8 registers: every count from 1 to 8 appears.)
  for (int64_t size : {1, 2, 3, 4, 5, 7, 8, 9, 17, 24, 29, 30, 31, 32, 33, 41, 48, 49, 56, 63, 64, 65, 70, 130}) {
    std::mt19937_64 rng(seed++);
    const PlanNode node = MedianPointsNode(size);
    WindowState single(node), column[3] = {WindowState(node), WindowState(node), WindowState(node)};
    std::vector<double> xs, want_med, want_mad;
    for (int i = 0; i < 3000; ++i) {
      const double x = MedianTestValue(rng, i, /*more_zeros=*/false);
      xs.push_back(x);
      double m = 0, d = 0;
      single.PushMedianMad(i, i, x, &m, &d);
      want_med.push_back(m);
      want_mad.push_back(d);
    }
    std::vector<int64_t> ts(xs.size());
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<int64_t>(i);
    for (int isa = 0; isa < 3; ++isa) {
      std::vector<double> med(xs.size()), mad(xs.size());
      {
        IsaScope scope(isa);
        for (size_t done = 0; done < xs.size();) {
          const size_t nb = std::min(xs.size() - done, 1 + static_cast<size_t>(rng() % 300));
          column[isa].PushMedianMadColumn(ts.data() + done, xs.data() + done, med.data() + done,
                                          mad.data() + done, nb, static_cast<int64_t>(done));
          done += nb;
        }
      }
      for (size_t i = 0; i < xs.size(); ++i) {
        INFO("isa=", isa, " size=", size, " i=", i);
        REQUIRE(Same(med[i], want_med[i]));
        REQUIRE(Same(mad[i], want_mad[i]));
      }
    }
  }
}

// Single pushes of a median/mad pair over point windows of up to kBlendSortedMax points take
// the blend step (the batch kernel's sorted buffer stepped in place, AVX2 or AVX-512) where the
// CPU has it, SlideSorted otherwise: every value equal to SlideSorted's (the baseline path), bit
// for bit, with NaN runs, infinities of both signs, ties and signed zeros; and a state keeps the
// path of its first push when the instruction set switches later.
TEST_CASE("median/mad single pushes: the blend steps equal SlideSorted's, bit for bit, with infinities") {
  uint64_t seed = 700;
  for (int64_t size : {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 24, 29, 30, 31, 32, 33, 41, 48, 49, 56, 63, 64, 65, 70}) {
    std::mt19937_64 rng(seed++);
    const PlanNode node = MedianPointsNode(size);
    // [0..2]: pushed under baseline, AVX2, AVX-512 throughout; [3..5]: first push under that
    // instruction set, then switching every 97 pushes.
    WindowState st[6] = {WindowState(node), WindowState(node), WindowState(node),
                         WindowState(node), WindowState(node), WindowState(node)};
    for (int i = 0; i < 3000; ++i) {
      const double x = MedianTestValue(rng, i, /*more_zeros=*/true);
      double med[6], mad[6];
      for (int k = 0; k < 6; ++k) {
        IsaScope scope(k < 3 ? k : (k + i / 97) % 3);
        st[k].PushMedianMad(i, i, x, &med[k], &mad[k]);
      }
      for (int k = 1; k < 6; ++k) {
        INFO("state ", k, " size=", size, " i=", i);
        REQUIRE(Same(med[k], med[0]));
        REQUIRE(Same(mad[k], mad[0]));
      }
    }
  }
}

// The blend kernel's sorted buffer is laid out for the vector width (4 doubles: AVX2, 8:
// AVX-512); a state continued under the other width (the instruction set switched between two
// columns of one series) must carry its window over, not write past a buffer sized for the
// narrower one or read the window from the wrong slots: every value equal to a fresh state's,
// bit for bit, for switches in both directions at several points of the series.
TEST_CASE("median/mad columns: the AVX2 and AVX-512 blend kernels take over each other's state mid-series") {
  if (!CpuHasAvx512()) return;  // one width only: nothing to switch
  uint64_t seed = 900;
  for (int64_t size : {1, 3, 4, 5, 8, 9, 12, 31, 33, 57, 60, 64}) {
    std::mt19937_64 rng(seed++);
    const PlanNode node = MedianPointsNode(size);
    std::vector<double> xs;
    const double inf = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 1200; ++i) {
      const double u = std::uniform_real_distribution<double>(0, 1)(rng);
      xs.push_back((i / 150) % 4 == 2 && u < 0.5 ? kNaN
                   : u < 0.03                    ? inf
                   : u < 0.05                    ? -inf
                   : u < 0.15                    ? (u < 0.1 ? 0.0 : -0.0)
                                                 : RandomValue(rng));
    }
    std::vector<int64_t> ts(xs.size());
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<int64_t>(i);
    // Reference: one state, AVX2 throughout (equal to the other paths: the test above).
    std::vector<double> want_med(xs.size()), want_mad(xs.size());
    {
      IsaScope scope(1);
      WindowState fresh(node);
      fresh.PushMedianMadColumn(ts.data(), xs.data(), want_med.data(), want_mad.data(), xs.size(), 0);
    }
    for (int first_isa : {1, 2}) {
      WindowState state(node);
      std::vector<double> med(xs.size()), mad(xs.size());
      int isa = first_isa;
      for (size_t done = 0; done < xs.size(); isa = 3 - isa) {  // the width flips every column
        // Columns shorter and longer than the window, so a switch finds it filling or full.
        const size_t nb = std::min(xs.size() - done, 1 + static_cast<size_t>(rng() % (2 * size + 40)));
        IsaScope scope(isa);
        state.PushMedianMadColumn(ts.data() + done, xs.data() + done, med.data() + done, mad.data() + done, nb,
                                  static_cast<int64_t>(done));
        done += nb;
      }
      for (size_t i = 0; i < xs.size(); ++i) {
        INFO("first isa=", first_isa, " size=", size, " i=", i);
        REQUIRE(Same(med[i], want_med[i]));
        REQUIRE(Same(mad[i], want_mad[i]));
      }
    }
  }
}

TEST_CASE("sliding median and mad equal a sort of the window, bit for bit (time windows)") {
  // ~2 time units per point: 260 and 600 hold windows above kSmallSorted, crossing it as the
  // count varies.
  uint64_t seed = 100;
  for (int64_t size : {1, 5, 60, 250, 260, 600}) CheckSlidingMedianMad(false, size, seed++);
}

TEST_CASE(
    "column min/max (van Herk, direct scan) equal point-by-point pushes and a scan of the window, bit for bit") {
  // Windows up to kExtremeDirectMax (16) take the direct scan where AVX2 is on, larger ones van
  // Herk (up to kExtremeScanMax, 64) or the deque (65); every instruction set (IsaScope), with
  // and without NaN in the input (ExtremeColumn's two paths), signed zeros and ties.
  std::mt19937_64 rng(21);
  for (int isa : {0, 1, 2})
  for (bool nan_free : {false, true})
  for (WindowFn fn : {WindowFn::kMin, WindowFn::kMax}) {
    for (int64_t size : {1, 2, 3, 5, 10, 15, 16, 17, 63, 64, 65}) {
      IsaScope scope(isa);
      INFO("isa=", isa, " nan_free=", nan_free);
      PlanNode node;
      node.op = PlanOp::kWindow;
      node.window_fn = fn;
      node.window.points = size;
      WindowState column_state(node), point_state(node);
      std::vector<double> xs;
      for (int i = 0; i < 3000; ++i) {
        double v = RandomValue(rng);
        if (rng() % 50 == 0) v = (rng() % 2 ? 1 : -1) * std::numeric_limits<double>::infinity();
        if ((i / 300) % 4 == 2) v = kNaN;  // a stretch longer than every window: NaN results
        if (nan_free && std::isnan(v)) v = i % 2 ? 0.0 : -0.0;
        xs.push_back(v);
      }
      std::vector<int64_t> ts(xs.size());
      for (size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<int64_t>(i) * 1000;
      std::vector<double> got(xs.size());
      for (size_t base = 0; base < xs.size();) {  // columns of random lengths, as blocks
        size_t nb = std::min(xs.size() - base, static_cast<size_t>(1 + rng() % 300));
        column_state.PushColumn(ts.data() + base, xs.data() + base, got.data() + base, nb,
                                static_cast<int64_t>(base));
        base += nb;
      }
      for (size_t i = 0; i < xs.size(); ++i) {
        double want = kNaN;
        for (size_t j = i + 1 > static_cast<size_t>(size) ? i + 1 - size : 0; j <= i; ++j) {
          if (std::isnan(xs[j])) continue;
          // the later value on ties, as the engine's deque keeps it
          if (std::isnan(want) || (fn == WindowFn::kMax ? xs[j] >= want : xs[j] <= want)) want = xs[j];
        }
        const double pushed = point_state.Push(static_cast<int64_t>(i), ts[i], xs[i]);
        INFO(WindowFnName(fn), " size=", size, " i=", i);
        REQUIRE(Same(got[i], want));
        REQUIRE(Same(pushed, want));
      }
    }
  }
}

// The engine's streaming min/max pair (PushMinMax, one state for a min and a max node over one
// input and window of up to kExtremeDirectMax points) against separate min and max states.
TEST_CASE("PushMinMax equals separate min and max pushes, bit for bit") {
  std::mt19937_64 rng(23);
  for (int64_t size = 1; size <= static_cast<int64_t>(kExtremeDirectMax); ++size) {
    PlanNode node;
    node.op = PlanOp::kWindow;
    node.window.points = size;
    node.window_fn = WindowFn::kMin;
    WindowState lo(node), pair(node);
    node.window_fn = WindowFn::kMax;
    WindowState hi(node);
    for (int i = 0; i < 2000; ++i) {
      double x = RandomValue(rng);
      if (rng() % 50 == 0) x = (rng() % 2 ? 1 : -1) * std::numeric_limits<double>::infinity();
      if ((i / 200) % 4 == 2) x = kNaN;  // windows of NaN only
      double mn = 0, mx = 0;
      pair.PushMinMax(x, &mn, &mx);
      INFO("size=", size, " i=", i);
      REQUIRE(Same(mn, lo.Push(i, i, x)));
      REQUIRE(Same(mx, hi.Push(i, i, x)));
    }
  }
}

TEST_CASE("lag and ewma: column pushes equal single pushes bit for bit, across column boundaries") {
  std::mt19937_64 rng(41);
  std::vector<double> xs;
  for (int i = 0; i < 2000; ++i) {
    double v = RandomValue(rng);
    if (rng() % 100 == 0) v = std::numeric_limits<double>::infinity();
    xs.push_back(v);
  }
  const size_t n = xs.size();
  auto columns = [&](auto push_column) {  // columns of random lengths, 1 to 400 points
    std::vector<double> got(n);
    for (size_t base = 0; base < n;) {
      const size_t nb = std::min(n - base, static_cast<size_t>(1 + rng() % 400));
      push_column(xs.data() + base, got.data() + base, nb);
      base += nb;
    }
    return got;
  };
  for (int64_t k : {0, 1, 3, 255, 256, 257, 600, 2500}) {  // 2500: longer than the series
    LagState column_state(k), point_state(k);
    const std::vector<double> got =
        columns([&](const double* x, double* out, size_t nb) { column_state.PushColumn(x, out, nb); });
    for (size_t i = 0; i < n; ++i) {
      INFO("lag k=", k, " i=", i);
      const double want = i >= static_cast<size_t>(k) ? xs[i - k] : kNaN;
      REQUIRE(Same(got[i], want));
      REQUIRE(Same(point_state.Push(xs[i]), want));
    }
  }
  for (double alpha : {0.1, 0.5, 1.0}) {
    EwmaState column_state(alpha), point_state(alpha);
    const std::vector<double> got =
        columns([&](const double* x, double* out, size_t nb) { column_state.PushColumn(x, out, nb); });
    for (size_t i = 0; i < n; ++i) {
      INFO("ewma alpha=", alpha, " i=", i);
      REQUIRE(Same(got[i], point_state.Push(xs[i])));
    }
  }
}

// Runs `body` with the baseline kernels and, where the CPU has AVX2, with the AVX2 ones.
template <typename Body>
void ForEachIsa(Body body) {
  const bool saved = UseAvx2();
  for (bool avx2 : {false, true}) {
    if (avx2 && !CpuHasAvx2()) continue;
    SetUseAvx2(avx2);
    INFO("avx2=", avx2);
    body();
  }
  SetUseAvx2(saved);
}

TEST_CASE("rate, changes and resets over time windows: the column path equals single pushes bit for bit") {
  // The batch kernel (AuxTimeColumn: its own ring of (t, increment), state in locals) against
  // the streaming step (PushFn over the ring of entries), in columns of random lengths, and
  // against a naive sum of the increments inside the window. Counters with resets, NaN gaps,
  // flat stretches, irregular timestamps with gaps longer than the window, and windows on both
  // sides of the recompute threshold (32 evictions).
  std::mt19937_64 rng(41);
  for (int64_t d : {1000, 4000, 37000, 600000}) {
    const size_t n = 4000;
    std::vector<int64_t> ts(n);
    std::vector<double> xs(n);
    int64_t now = 1'000'000;
    double counter = 0;
    for (size_t i = 0; i < n; ++i) {
      now += rng() % 50 == 0 ? 2 * d + static_cast<int64_t>(rng() % 1000)
                             : 1 + static_cast<int64_t>(rng() % 1500);
      ts[i] = now;
      if (rng() % 97 == 0) counter = 0;                                            // a counter reset
      if ((i / 300) % 4 != 1) counter += static_cast<double>(rng() % 1000) / 7.0;  // else flat
      xs[i] = rng() % 20 == 0 ? kNaN : counter;
    }
    // Per point: the increment it brings (0 for the first non-NaN value), as the engine defines it.
    for (WindowFn fn : {WindowFn::kRate, WindowFn::kChanges, WindowFn::kResets}) {
      PlanNode node;
      node.op = PlanOp::kWindow;
      node.window_fn = fn;
      node.window.is_points = false;
      node.window.duration_ms = d;
      WindowState column_state(node), point_state(node);
      std::vector<double> got(n);
      size_t held = 0;
      for (size_t base = 0; base < n;) {
        const size_t nb = std::min(n - base, static_cast<size_t>(1 + rng() % 300));
        held = std::max(held, column_state.PushColumn(ts.data() + base, xs.data() + base, got.data() + base,
                                                      nb, static_cast<int64_t>(base)));
        base += nb;
      }
      std::vector<double> inc(n, kNaN);
      double prev = kNaN;
      for (size_t i = 0; i < n; ++i) {
        if (std::isnan(xs[i])) continue;
        double a = 0;
        if (!std::isnan(prev)) {
          if (fn == WindowFn::kRate)
            a = xs[i] >= prev ? xs[i] - prev : xs[i];
          else if (fn == WindowFn::kChanges)
            a = xs[i] != prev ? 1 : 0;
          else
            a = xs[i] < prev ? 1 : 0;
        }
        inc[i] = a;
        prev = xs[i];
      }
      size_t max_in_window = 0;
      for (size_t i = 0; i < n; ++i) {
        const double want = point_state.Push(static_cast<int64_t>(i), ts[i], xs[i]);
        INFO(WindowFnName(fn), " d=", d, " i=", i);
        REQUIRE(Same(got[i], want));
        double sum = 0;  // the increments of the window's points after its first one
        size_t first = i + 1, count = 0;
        for (size_t j = 0; j <= i; ++j) {
          if (ts[j] <= ts[i] - d || std::isnan(inc[j])) continue;
          if (first > i)
            first = j;
          else
            sum += inc[j];
          ++count;
        }
        max_in_window = std::max(max_in_window, count);
        if (fn != WindowFn::kRate) {
          REQUIRE(got[i] == sum);
        } else if (count >= 2 && ts[i] > ts[first]) {
          // the last point in the window is the latest non-NaN one
          size_t last = i;
          while (std::isnan(inc[last])) --last;
          const double dt = static_cast<double>(ts[last] - ts[first]) / 1000.0;
          REQUIRE(std::fabs(got[i] - sum / dt) <= 1e-9 * std::max(1.0, std::fabs(sum / dt)));
        }
      }
      CHECK(held == max_in_window);
    }
  }
}

TEST_CASE("running sums over a point window: pieces between recomputes of unequal lengths") {
  // SumsPointsColumn computes the sums piece by piece between its exact recomputes, four pieces
  // stepped together. Here the pieces differ in length (NaN runs of random lengths move the
  // recomputes), series start with NaN runs (the shift is set mid-column, after recomputes over
  // windows of NaN only), columns end mid-piece, and one column holds many pieces: every value
  // bit for bit against the single-point step.
  ForEachIsa([] {
    std::mt19937_64 rng(77);
    for (int64_t size : {1, 4, 32, 33, 47, 64, 200}) {
      for (int lead : {0, 1, 31, 40, 500}) {
        PlanNode node;
        node.op = PlanOp::kWindow;
        node.window_fn = WindowFn::kZscore;
        node.window.points = size;
        WindowState column_state(node), point_state(node);
        std::vector<double> xs(static_cast<size_t>(lead), kNaN);
        while (xs.size() < 6000) {
          const size_t gap = rng() % 4 == 0 ? rng() % (2 * static_cast<size_t>(size) + 5) : 0;
          xs.insert(xs.end(), gap, kNaN);
          for (size_t r = rng() % 90; r-- > 0;) xs.push_back(RandomValue(rng));
        }
        const size_t n = xs.size();
        std::vector<int64_t> ts(n);
        INFO("size=", size, " lead=", lead);
        ColumnSumsEqualPointSums(column_state, point_state, ts, xs, [&](size_t left) {
          return std::min(left, rng() % 2 ? n : static_cast<size_t>(1 + rng() % 700));
        });
      }
    }
  });
}

TEST_CASE("running sums over a point window: the column path equals single pushes bit for bit") {
  // The batch path (SumsPointsColumn: leaving values read from the input, values computed by
  // the vectorised SumsValues) against the streaming step (PushSums: SumsPointStep, its own
  // ring of the last w inputs and recompute), every function at once, in columns of random
  // lengths; plus a naive
  // mean / count of the window as a sanity reference. Inputs have NaN gaps (longer than the
  // window too), infinities, ties, signed zeros, flat stretches and huge outliers, and window
  // sizes on both sides of the recompute threshold (32).
  ForEachIsa([] {
    std::mt19937_64 rng(31);
    for (int64_t size : {1, 2, 3, 5, 31, 32, 33, 60, 120, 300}) {
      PlanNode node;
      node.op = PlanOp::kWindow;
      node.window_fn = WindowFn::kStd;
      node.window.points = size;
      WindowState column_state(node), point_state(node);
      std::vector<double> xs;
      for (int i = 0; i < 3000; ++i) {
        double v = RandomValue(rng);
        if (rng() % 100 == 0) v = (rng() % 2 ? 1 : -1) * std::numeric_limits<double>::infinity();
        if ((i / 250) % 5 == 2) v = 7.25;                        // flat: mean exact, spread zero
        if ((i / 250) % 5 == 4 && i % 250 < 2 * size) v = kNaN;  // gaps longer than the window
        xs.push_back(v);
      }
      const size_t n = xs.size();
      std::vector<int64_t> ts(n);
      for (size_t i = 0; i < n; ++i) ts[i] = static_cast<int64_t>(i) * 1000;
      INFO("size=", size);
      std::vector<std::vector<double>> got = ColumnSumsEqualPointSums(
          column_state, point_state, ts, xs,
          [&](size_t left) { return std::min(left, static_cast<size_t>(1 + rng() % 400)); });
      for (size_t i = 0; i < n; ++i) {
        INFO("i=", i);
        double sum = 0, count = 0;
        for (size_t j = i + 1 > static_cast<size_t>(size) ? i + 1 - size : 0; j <= i; ++j) {
          if (std::isnan(xs[j])) continue;
          sum += xs[j];
          count += 1;
        }
        REQUIRE(got[2][i] == count);
        // The mean is compared where the window holds no infinity (the sum above is then
        // finite; before DET21 an infinity that had left still made it NaN until the next exact
        // recompute; window_nonfinite_test.cc checks the windows with infinities).
        bool inf_in = false;
        for (size_t j = i + 1 > static_cast<size_t>(size) ? i + 1 - size : 0; j <= i; ++j) inf_in |= std::isinf(xs[j]);
        if (count > 0 && !inf_in && std::fabs(sum) < 1e5)
          REQUIRE(std::fabs(got[0][i] - sum / count) <= 1e-6 * std::max(1.0, std::fabs(sum / count)));
      }
      // Any subset of the functions (the batch loop is specialised per subset, sharing the
      // mean and the spread between the functions it computes) gives the same values.
      for (unsigned mask = 1; mask < 32; ++mask) {
        WindowState state(node);
        std::vector<std::vector<double>> sub(WindowState::kSumsSlots, std::vector<double>(n, -1.0));
        double* outs[WindowState::kSumsSlots];
        for (int k = 0; k < WindowState::kSumsSlots; ++k) outs[k] = mask >> k & 1 ? sub[k].data() : nullptr;
        state.PushSumsColumn(ts.data(), xs.data(), outs, n, 0);
        for (int k = 0; k < WindowState::kSumsSlots; ++k) {
          if (!(mask >> k & 1)) continue;
          for (size_t i = 0; i < n; ++i) {
            INFO("mask ", mask, " slot ", k, " size=", size, " i=", i);
            REQUIRE(Same(sub[k][i], got[k][i]));
          }
        }
      }
      // A single function pushed by PushColumn takes the same path.
      for (WindowFn fn :
           {WindowFn::kMean, WindowFn::kSum, WindowFn::kCount, WindowFn::kStd, WindowFn::kZscore}) {
        PlanNode one = node;
        one.window_fn = fn;
        WindowState state(one);
        std::vector<double> out(n);
        state.PushColumn(ts.data(), xs.data(), out.data(), n, 0);
        const std::vector<double>& want = got[WindowState::SumsIndex(fn)];
        for (size_t i = 0; i < n; ++i) {
          INFO(WindowFnName(fn), " size=", size, " i=", i);
          REQUIRE(Same(out[i], want[i]));
        }
      }
    }
  });
}

// PERF4: a held point is (key, v), 16 bytes, its key the timestamp in a time window (was its
// sequence number): a min / max deque pops its front when the evicted point has the same key.
// Points of one timestamp leave a time window together, so equal timestamps (WindowState accepts
// them; the engine's series do not have them) must still give a scan of (t - d, t].
TEST_CASE("PERF4: min / max over a time window with runs of equal timestamps equal a scan of the window") {
  std::mt19937_64 rng(61);
  for (WindowFn fn : {WindowFn::kMin, WindowFn::kMax})
  for (int64_t d : {1, 3, 10, 40}) {
    PlanNode node;
    node.op = PlanOp::kWindow;
    node.window_fn = fn;
    node.window.is_points = false;
    node.window.duration_ms = d;
    WindowState state(node);
    std::vector<int64_t> ts;
    std::vector<double> xs;
    int64_t t = -20;
    for (int i = 0; i < 3000; ++i) {
      if (rng() % 3 != 0) t += static_cast<int64_t>(rng() % 4);  // 0: the same timestamp again
      if (rng() % 100 == 0) t += 50;                              // a gap longer than the window
      ts.push_back(t);
      xs.push_back(RandomValue(rng));
      const double got = state.Push(i, t, xs.back());
      double want = kNaN;
      for (size_t j = 0; j < xs.size(); ++j) {
        if (ts[j] <= t - d || std::isnan(xs[j])) continue;
        if (std::isnan(want) || (fn == WindowFn::kMax ? xs[j] >= want : xs[j] <= want)) want = xs[j];
      }
      INFO(WindowFnName(fn), " d=", d, " i=", i, " t=", t);
      REQUIRE(Same(got, want));
    }
  }
}

// PERF4: rate over a point window keeps its points' timestamps beside the entries (whose keys are
// sequence numbers there); every function's state copied mid-series (the engine copies a fresh
// state per series; Ring's copy) continues exactly as the original, point and time windows.
TEST_CASE("PERF4: a window state copied mid-series continues bit for bit; rate over points reads its timestamps") {
  std::mt19937_64 rng(67);
  const WindowFn fns[] = {WindowFn::kMean, WindowFn::kStd,    WindowFn::kMin,   WindowFn::kMax,   WindowFn::kMedian,
                          WindowFn::kMad,  WindowFn::kQuantile, WindowFn::kSum, WindowFn::kCount, WindowFn::kDelta,
                          WindowFn::kRate, WindowFn::kZscore, WindowFn::kChanges, WindowFn::kResets};
  std::vector<int64_t> ts;
  std::vector<double> xs;
  int64_t t = 1'000;
  for (int i = 0; i < 1500; ++i) {
    t += 1 + static_cast<int64_t>(rng() % 3000);  // irregular steps
    ts.push_back(t);
    xs.push_back(RandomValue(rng));
  }
  for (WindowFn fn : fns)
  for (bool points : {true, false})
  for (int64_t size : points ? std::vector<int64_t>{2, 17, 200} : std::vector<int64_t>{3'000, 60'000, 400'000}) {
    PlanNode node;
    node.op = PlanOp::kWindow;
    node.window_fn = fn;
    node.constant = 0.9;
    node.window.is_points = points;
    (points ? node.window.points : node.window.duration_ms) = size;
    WindowState a(node);
    const size_t half = xs.size() / 2;
    for (size_t i = 0; i < half; ++i) a.Push(static_cast<int64_t>(i), ts[i], xs[i]);
    WindowState b = a, c(node);
    c = a;
    WindowState d(std::move(c));
    for (size_t i = half; i < xs.size(); ++i) {
      const int64_t seq = static_cast<int64_t>(i);
      const double want = a.Push(seq, ts[i], xs[i]);
      INFO(WindowFnName(fn), " points=", points, " size=", size, " i=", i);
      REQUIRE(Same(b.Push(seq, ts[i], xs[i]), want));
      REQUIRE(Same(d.Push(seq, ts[i], xs[i]), want));
      REQUIRE(a.held() == b.held());
      if (fn == WindowFn::kRate && points) {  // (last - first increments) over their time span
        double inc = 0, recent = 0;  // recent: |increments| the running sum has seen lately (its rounding)
        int64_t first_t = 0, last_t = 0;
        size_t held = 0;
        double prev = kNaN;
        for (size_t j = 0; j <= i; ++j) {
          if (std::isnan(xs[j])) continue;
          const double step = std::isnan(prev) ? 0.0 : xs[j] >= prev ? xs[j] - prev : xs[j];
          prev = xs[j];
          if (static_cast<int64_t>(j) > seq - 3 * size - 64) recent += std::fabs(step);
          if (static_cast<int64_t>(j) <= seq - size) continue;
          if (held++ == 0) first_t = ts[j];
          else inc += step;
          last_t = ts[j];
        }
        const double dt = static_cast<double>(last_t - first_t) / 1000.0;
        const double ref = held >= 2 && dt > 0 ? inc / dt : kNaN;
        REQUIRE(std::isnan(want) == std::isnan(ref));
        if (!std::isnan(ref)) REQUIRE(std::fabs(want - ref) <= 1e-12 * (recent + 1) / dt);
      }
    }
  }
}

}  // namespace
}  // namespace vigil::detail
