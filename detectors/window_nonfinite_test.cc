// DET21: a non-finite value in a window of running sums (mean / sum / count / std / zscore;
// rate / changes / resets' sums of increments). Inputs are never non-finite (CleanValue), but a
// value computed inside a rule can be (`mean(x / mad(x, 30p), 10p)` where the MAD is 0). Before
// DET21 an infinity added to a running sum left NaN there after it had left the window (Inf -
// Inf), until the next exact recompute up to max(32, window) points later (RV3). Now the
// non-finite values are counted apart (NonFiniteCount): while one is in the window the value is
// what IEEE gives computed from scratch over the window's values, and once they have left the
// sums are those of the finite values. Every path is checked against a from-scratch
// recomputation of each point's window: point windows in columns (SumsPointsColumn, batch) and
// single pushes (SumsPointStep, streaming), time windows in columns and single pushes, rate /
// changes / resets over time windows in columns (AuxTimeColumn) and single pushes, and rate
// over a point window.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "detectors/window_state.h"

namespace vigil::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool SameBits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// The engine's increment of a point for rate / changes / resets (0 for the first value).
double Increment(WindowFn fn, double x, double prev) {
  if (fn == WindowFn::kRate) return x >= prev ? x - prev : x;
  if (fn == WindowFn::kChanges) return x != prev ? 1 : 0;
  return x < prev ? 1 : 0;
}

// fn's value at point i, from scratch: the window's non-NaN values summed in IEEE arithmetic.
double FromScratch(WindowFn fn, const std::vector<int64_t>& ts, const std::vector<double>& xs, size_t i,
                   bool points, int64_t size) {
  std::vector<size_t> in;  // the window's points with a value, oldest first
  for (size_t j = 0; j <= i; ++j) {
    const bool inside = points ? j + static_cast<size_t>(size) > i : ts[j] > ts[i] - size;
    if (inside && !std::isnan(xs[j])) in.push_back(j);
  }
  const double n = static_cast<double>(in.size());
  if (fn == WindowFn::kRate || fn == WindowFn::kChanges || fn == WindowFn::kResets) {
    std::vector<double> inc(xs.size(), 0.0);  // over the whole series: the first point's is 0
    double prev = kNaN;
    for (size_t j = 0; j <= i; ++j) {
      if (std::isnan(xs[j])) continue;
      inc[j] = std::isnan(prev) ? 0.0 : Increment(fn, xs[j], prev);
      prev = xs[j];
    }
    double s = 0;  // the increments after the window's first point
    for (size_t k = 1; k < in.size(); ++k) s += inc[in[k]];
    if (fn != WindowFn::kRate) return in.empty() ? 0.0 : s;
    if (in.size() < 2) return kNaN;
    const double dt = static_cast<double>(ts[in.back()] - ts[in.front()]) / 1000.0;
    return dt > 0 ? s / dt : kNaN;
  }
  double sum = 0;
  for (size_t j : in) sum += xs[j];
  if (fn == WindowFn::kCount) return n;
  if (fn == WindowFn::kSum) return sum;
  if (fn == WindowFn::kMean) return in.empty() ? kNaN : sum / n;
  if (in.size() < 2) return kNaN;
  const double mean = sum / n;
  double ss = 0;
  for (size_t j : in) ss += (xs[j] - mean) * (xs[j] - mean);
  const double sd = std::sqrt(ss / (n - 1));  // NaN with a non-finite value in the window
  if (fn == WindowFn::kStd) return sd;
  return sd > 0 && !std::isnan(xs[i]) ? (xs[i] - mean) / sd : kNaN;  // kZscore
}

// Pushes xs through a state of fn in columns of random lengths (batch) and one point at a time
// (streaming), and for the running-sum functions also through PushSumsColumn with every slot
// (the engine's shared state); requires them equal bit for bit, and equal to FromScratch: the
// same double where either is not finite, within rounding otherwise (the running sums are
// shifted by a value of the window). Returns how many points were compared with a window that
// once held a non-finite value which had left it since (the points the bug turned to NaN).
size_t CheckAgainstScratch(WindowFn fn, const std::vector<int64_t>& ts, const std::vector<double>& xs, bool points,
                           int64_t size, std::mt19937_64& rng) {
  PlanNode node;
  node.op = PlanOp::kWindow;
  node.window_fn = fn;
  node.window.is_points = points;
  (points ? node.window.points : node.window.duration_ms) = size;
  const size_t n = xs.size();
  WindowState column_state(node), point_state(node), shared_state(node);
  std::vector<double> column(n);
  std::vector<std::vector<double>> shared(WindowState::kSumsSlots, std::vector<double>(n));
  const int slot = WindowState::SumsIndex(fn);
  for (size_t base = 0; base < n;) {
    const size_t nb = std::min(n - base, static_cast<size_t>(1 + rng() % 90));
    column_state.PushColumn(ts.data() + base, xs.data() + base, column.data() + base, nb,
                            static_cast<int64_t>(base));
    if (slot >= 0) {
      double* outs[WindowState::kSumsSlots];
      for (int k = 0; k < WindowState::kSumsSlots; ++k) outs[k] = shared[k].data() + base;
      shared_state.PushSumsColumn(ts.data() + base, xs.data() + base, outs, nb, static_cast<int64_t>(base));
    }
    base += nb;
  }
  size_t after_leaving = 0;
  size_t last_nonfinite = n;  // the latest non-finite input so far (n: none)
  for (size_t i = 0; i < n; ++i) {
    if (!std::isnan(xs[i]) && !std::isfinite(xs[i])) last_nonfinite = i;
    const double pushed = point_state.Push(static_cast<int64_t>(i), ts[i], xs[i]);
    const double want = FromScratch(fn, ts, xs, i, points, size);
    INFO(std::string(WindowFnName(fn)), std::string(points ? " points=" : " ms="), size, " i=", i, " x=", xs[i],
         " column=", column[i], " pushed=", pushed, " from scratch=", want);
    REQUIRE(SameBits(column[i], pushed));
    if (slot >= 0) REQUIRE(SameBits(shared[slot][i], pushed));
    if (!std::isfinite(want) || !std::isfinite(pushed))
      REQUIRE(SameBits(pushed, want));
    else
      REQUIRE(std::fabs(pushed - want) <= 1e-9 * std::max(1.0, std::fabs(want)));
    const bool left = last_nonfinite < n &&
                      (points ? last_nonfinite + static_cast<size_t>(size) <= i : ts[last_nonfinite] <= ts[i] - size);
    after_leaving += left;
  }
  return after_leaving;
}

// A window of finite values, then an infinity (and, second, -Inf beside it: both in the window,
// NaN), then finite values again for more than the window and the recompute period (32 points):
// every point's value equals the from-scratch one, on each path, for point and time windows.
void CheckInfinityPasses(WindowFn fn) {
  std::mt19937_64 rng(2121);
  for (int both_signs = 0; both_signs < 2; ++both_signs) {
    std::vector<double> xs;
    for (int i = 0; i < 90; ++i) xs.push_back(1 + (i * 7) % 5);  // 1, 3, 5, 2, 4, ...: finite, not flat
    xs[10] = kInf;
    if (both_signs) xs[12] = -kInf;
    xs[20] = kNaN;  // a missing point too
    std::vector<int64_t> ts(xs.size());
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = 1'000'000 + static_cast<int64_t>(i) * 1000;
    INFO("both signs: ", both_signs);
    CHECK(CheckAgainstScratch(fn, ts, xs, /*points=*/true, 4, rng) > 40);
    CHECK(CheckAgainstScratch(fn, ts, xs, /*points=*/false, 4000, rng) > 40);
  }
}

TEST_CASE("DET21: mean: an infinity that has left the window leaves no NaN behind") {
  CheckInfinityPasses(WindowFn::kMean);
}
TEST_CASE("DET21: sum: an infinity that has left the window leaves no NaN behind") {
  CheckInfinityPasses(WindowFn::kSum);
}
TEST_CASE("DET21: count: an infinity is a value of the window, before and after it leaves") {
  CheckInfinityPasses(WindowFn::kCount);  // count was right before DET21 too
}
TEST_CASE("DET21: std: NaN while an infinity is in the window, the finite values' spread after") {
  CheckInfinityPasses(WindowFn::kStd);
}
TEST_CASE("DET21: zscore: NaN while an infinity is in the window, the finite values' z-score after") {
  CheckInfinityPasses(WindowFn::kZscore);
}
TEST_CASE("DET21: rate: an infinite increment that has left the window leaves no NaN behind") {
  CheckInfinityPasses(WindowFn::kRate);  // Inf - 5 = Inf, then the next point's is a counter reset
}

TEST_CASE("DET21: running sums with occasional Inf, -Inf and NaN equal a from-scratch recomputation") {
  // A few thousand points of small quarter-integers (sums exact: the comparison's tolerance only
  // covers the mean's and spread's last roundings) with +-Inf, NaN, flat stretches and NaN gaps;
  // windows on both sides of the recompute threshold (32), point and time windows, both
  // instruction sets of the batch kernels.
  for (bool avx2 : {false, true}) {
    if (avx2 && !CpuHasAvx2()) continue;
    const bool saved = UseAvx2();
    SetUseAvx2(avx2);
    std::mt19937_64 rng(2122);
    size_t after_leaving = 0;
    for (int64_t size : {1, 3, 8, 31, 33, 100}) {
      std::vector<double> xs;
      std::vector<int64_t> ts;
      int64_t now = 5'000'000;
      while (xs.size() < 3000) {
        const uint64_t r = rng() % 1000;
        double v = static_cast<double>(static_cast<int64_t>(rng() % 400) - 200) / 4;
        if (r < 8) v = kInf;
        else if (r < 16) v = -kInf;
        else if (r < 60) v = kNaN;
        if ((xs.size() / 200) % 6 == 3) v = 2.5;  // flat
        if ((xs.size() / 200) % 6 == 5 && xs.size() % 200 < 3 * static_cast<size_t>(size)) v = kNaN;  // a gap
        now += 1 + static_cast<int64_t>(rng() % 1800);
        xs.push_back(v);
        ts.push_back(now);
      }
      for (WindowFn fn : {WindowFn::kMean, WindowFn::kSum, WindowFn::kCount, WindowFn::kStd, WindowFn::kZscore,
                          WindowFn::kRate, WindowFn::kChanges, WindowFn::kResets}) {
        INFO("avx2=", avx2);
        after_leaving += CheckAgainstScratch(fn, ts, xs, true, size, rng);
        after_leaving += CheckAgainstScratch(fn, ts, xs, false, size * 1000, rng);
      }
    }
    CHECK(after_leaving > 10000);
    SetUseAvx2(saved);
  }
}

}  // namespace
}  // namespace vigil::detail
