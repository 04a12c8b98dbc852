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
// DET22: a huge finite value (1.8e19, uint64 max, an exporter's "blank" sentinel) in the same
// windows: before DET22 its rounding stayed in the running sums after it had left (mean 60.8
// for 62 over 60-64, RV5) until the next exact recompute. The same checks, with huge values;
// FromScratch sums exactly (Neumaier) so that its own rounding is not the one compared.
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

// The sum of v, exactly up to the last rounding (Neumaier's compensated sum; written out here, not
// window_state.h's AddExact, so the reference is not the code it checks); a non-finite value:
// IEEE's plain sum.
double ExactSum(const std::vector<double>& v) {
  double s = 0, c = 0;
  for (double x : v) {
    if (!std::isfinite(x)) {
      double plain = 0;
      for (double y : v) plain += y;
      return plain;
    }
    const double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}

// fn's value at point i, from scratch: the window's non-NaN values summed in IEEE arithmetic
// (exactly, ExactSum, where all are finite). *slack (DET23): what summing the window's values
// from scratch in doubles may round (m values: m * 2^-52 * the sum of their magnitudes; std:
// of (x - a value of the window)^2), so that huge values still inside the window (1e18 - 1e18)
// are allowed their own rounding, but not the rounding of values that have left.
double FromScratch(WindowFn fn, const std::vector<int64_t>& ts, const std::vector<double>& xs, size_t i,
                   bool points, int64_t size, double* slack) {
  *slack = 0;
  auto rounding = [](const std::vector<double>& v) {
    double a = 0;
    for (double x : v) a += std::fabs(x);
    return static_cast<double>(v.size()) * 0x1p-52 * a;
  };
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
    std::vector<double> after;  // the increments after the window's first point
    for (size_t k = 1; k < in.size(); ++k) after.push_back(inc[in[k]]);
    const double s = ExactSum(after);
    *slack = rounding(after);
    if (fn != WindowFn::kRate) return in.empty() ? 0.0 : s;
    if (in.size() < 2) return kNaN;
    const double dt = static_cast<double>(ts[in.back()] - ts[in.front()]) / 1000.0;
    if (dt > 0) *slack /= dt;
    return dt > 0 ? s / dt : kNaN;
  }
  std::vector<double> vals;
  for (size_t j : in) vals.push_back(xs[j]);
  const double sum = ExactSum(vals);
  *slack = rounding(vals);
  if (fn == WindowFn::kCount) return n;
  if (fn == WindowFn::kSum) return sum;
  if (fn == WindowFn::kMean) {
    if (in.empty()) return kNaN;
    *slack /= n;
    return sum / n;
  }
  if (in.size() < 2) return kNaN;
  const double mean = sum / n;
  std::vector<double> squares;
  for (size_t j : in) squares.push_back((xs[j] - mean) * (xs[j] - mean));
  const double ss = ExactSum(squares);
  const double sd = std::sqrt(ss / (n - 1));  // NaN with a non-finite value in the window
  double big = 0;  // the largest |x|: (x - shift)^2 <= 4 big^2
  for (double v : vals) big = std::max(big, std::fabs(v));
  const double ss_slack = n * 0x1p-52 * 4 * n * big * big;
  const double sd_slack = std::min(std::sqrt(ss_slack / (n - 1)), sd > 0 ? ss_slack / (2 * (n - 1) * sd) : kInf);
  if (fn == WindowFn::kStd) return *slack = sd_slack, sd;
  if (!(sd > 0) || std::isnan(xs[i])) return kNaN;
  const double z = (xs[i] - mean) / sd;  // kZscore
  *slack = sd > sd_slack ? (std::fabs(z) * sd_slack + *slack / n) / (sd - sd_slack) : kInf;
  return z;
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
    double slack;
    const double want = FromScratch(fn, ts, xs, i, points, size, &slack);
    INFO(std::string(WindowFnName(fn)), std::string(points ? " points=" : " ms="), size, " i=", i, " x=", xs[i],
         " column=", column[i], " pushed=", pushed, " from scratch=", want, " slack=", slack);
    REQUIRE(SameBits(column[i], pushed));
    if (slot >= 0) REQUIRE(SameBits(shared[slot][i], pushed));
    if (!std::isfinite(want) || !std::isfinite(pushed))
      REQUIRE(SameBits(pushed, want));
    else
      REQUIRE(std::fabs(pushed - want) <= 1e-9 * std::max(1.0, std::fabs(want)) + slack);
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

// DET22: a finite value from 1e12 to 1.8e19 (uint64 max), either sign, log-uniform.
double HugeValue(std::mt19937_64& rng) {
  const double e = 12 + static_cast<double>(rng() % 10000) / 10000 * 7.266;  // 10^19.266 = 1.8e19
  const double v = std::min(std::pow(10.0, e), 18446744073709551615.0);
  return rng() % 4 == 0 ? -v : v;
}

// A point window of 5 (and a time window of 5 s) over ordinary values with one huge finite value
// (RV5's repro: 60-64 and 1.8e19; and 1e9-scale values with 1e18), then ordinary values for more
// than the window and the recompute period: every point equals the from-scratch value (1e-9
// relative) on each path. Returns nothing; CheckAgainstScratch requires.
void CheckHugePasses(WindowFn fn) {
  std::mt19937_64 rng(2221);
  struct Case {
    double base, step, huge;
  };
  for (const Case& c : {Case{60, 1, 18446744073709551615.0}, Case{1.5e9, 37, 1e18}}) {
    std::vector<double> xs;
    for (int i = 0; i < 90; ++i) xs.push_back(c.base + c.step * (i % 5));  // 60, 61, 62, 63, 64, 60, ...
    xs[10] = c.huge;
    std::vector<int64_t> ts(xs.size());
    for (size_t i = 0; i < ts.size(); ++i) ts[i] = 1'000'000 + static_cast<int64_t>(i) * 1000;
    INFO("base: ", c.base, " huge: ", c.huge);
    CheckAgainstScratch(fn, ts, xs, /*points=*/true, 5, rng);
    CheckAgainstScratch(fn, ts, xs, /*points=*/false, 5000, rng);
  }
}

TEST_CASE("DET22: mean: a huge finite value that has left the window leaves no rounding behind") {
  CheckHugePasses(WindowFn::kMean);  // before: 60.8 for 62 at 12 points after 1.8e19 left
}
TEST_CASE("DET22: sum: a huge finite value that has left the window leaves no rounding behind") {
  CheckHugePasses(WindowFn::kSum);
}
TEST_CASE("DET22: std: a huge finite value that has left the window leaves no rounding behind") {
  CheckHugePasses(WindowFn::kStd);  // before: 0.447 for 1.58
}
TEST_CASE("DET22: zscore: a huge finite value that has left the window leaves no rounding behind") {
  CheckHugePasses(WindowFn::kZscore);
}
TEST_CASE("DET22: rate: a huge increment that has left the window leaves no rounding behind") {
  CheckHugePasses(WindowFn::kRate);
}

TEST_CASE("DET21: running sums with occasional Inf, -Inf and NaN equal a from-scratch recomputation") {
  // A few thousand points of small quarter-integers (sums exact: the comparison's tolerance only
  // covers the mean's and spread's last roundings) with +-Inf, NaN, 1 % huge finite values
  // (DET22: 1e12 to 1.8e19, either sign), flat stretches and NaN gaps;
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
        else if (r < 70) v = HugeValue(rng);  // DET22
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
