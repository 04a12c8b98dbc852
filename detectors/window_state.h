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
// which bounds floating-point drift), min/max (monotonic deque), delta/rate/changes/resets
// (running sums of per-point increments); O(log W) search plus an O(W) memmove for
// median/quantile (a sorted array: for W up to thousands the move is a few hundred ns), and
// O(W) for mad (a merge walk outward from the median). Memory: O(W) per node and series.
// Not thread-safe; one instance per (rule, series, node).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/rule_plan.h"

namespace vigil::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A growable ring buffer (FIFO with random access from the front).
template <typename T>
class Ring {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  T& back() { return buf_[(head_ + size_ - 1) & mask_]; }
  const T& back() const { return buf_[(head_ + size_ - 1) & mask_]; }
  const T& operator[](size_t i) const { return buf_[(head_ + i) & mask_]; }
  void push_back(const T& v) {
    if (size_ == buf_.size()) [[unlikely]] Grow();
    buf_[(head_ + size_) & mask_] = v;
    ++size_;
  }
  void pop_front() {
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  void pop_back() { --size_; }

 private:
  [[gnu::noinline]] void Grow() {
    size_t cap = buf_.empty() ? 8 : buf_.size() * 2;
    std::vector<T> nb(cap);
    for (size_t i = 0; i < size_; ++i) nb[i] = buf_[(head_ + i) & mask_];
    buf_.swap(nb);
    head_ = 0;
    mask_ = cap - 1;
  }
  std::vector<T> buf_;
  size_t head_ = 0, size_ = 0, mask_ = 0;
};

struct WindowEntry {
  int64_t seq;
  int64_t t;
  double x;
  double aux;  // per-point increment (rate) or indicator (changes, resets)
};

// Evaluates one kWindow node incrementally.
class WindowState {
 public:
  explicit WindowState(const PlanNode& node)
      : fn_(node.window_fn), spec_(node.window), q_(node.constant) {
    sums_ = fn_ == WindowFn::kMean || fn_ == WindowFn::kSum || fn_ == WindowFn::kCount || fn_ == WindowFn::kStd ||
            fn_ == WindowFn::kZscore;
    order_ = fn_ == WindowFn::kMedian || fn_ == WindowFn::kQuantile || fn_ == WindowFn::kMad;
    aux_ = fn_ == WindowFn::kRate || fn_ == WindowFn::kChanges || fn_ == WindowFn::kResets;
  }

  // Adds the point (seq, t, x) and returns the window function's value at it.
  double Push(int64_t seq, int64_t t, double x) {
    Evict(seq, t);
    if (!std::isnan(x)) Insert(seq, t, x);
    return Value(x);
  }

  // Largest number of entries held at once (time windows: checked against a limit).
  size_t held() const { return entries_.size(); }

 private:
  bool UsesSums() const { return sums_; }
  bool UsesOrder() const { return order_; }
  bool UsesAux() const { return aux_; }

  void Evict(int64_t seq, int64_t t) {
    while (!entries_.empty()) {
      const WindowEntry& f = entries_.front();
      bool out = spec_.is_points ? f.seq <= seq - spec_.points : f.t <= t - spec_.duration_ms;
      if (!out) break;
      Remove(f);
      entries_.pop_front();
      ++evicted_;
    }
    if (UsesSums() || UsesAux()) {
      if (evicted_ >= std::max<size_t>(entries_.size(), 32)) Recompute();
    }
  }

  void Remove(const WindowEntry& e) {
    if (UsesSums()) {
      double d = e.x - shift_;
      s1_ -= d;
      s2_ -= d * d;
    } else if (UsesAux()) {
      aux_sum_ -= e.aux;
    } else if (UsesOrder()) {
      sorted_.erase(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/false>(e.x)));
    } else {  // min / max deque: drop the front if it is this entry
      if (!mono_.empty() && mono_.front().seq == e.seq) mono_.pop_front();
    }
  }

  void Insert(int64_t seq, int64_t t, double x) {
    WindowEntry e{seq, t, x, 0};
    if (UsesSums()) {
      if (!have_shift_) {
        shift_ = x;
        have_shift_ = true;
      }
      double d = x - shift_;
      s1_ += d;
      s2_ += d * d;
      // Trailing run of equal values: when it covers the window, the window is flat and the
      // mean is exactly that value (running sums would leave rounding residue around it).
      same_run_ = (same_run_ > 0 && x == last_x_) ? same_run_ + 1 : 1;
      last_x_ = x;
    } else if (UsesAux()) {
      if (have_prev_) {
        if (fn_ == WindowFn::kRate) e.aux = x >= prev_ ? x - prev_ : x;  // a counter reset restarts at 0
        else if (fn_ == WindowFn::kChanges) e.aux = x != prev_ ? 1 : 0;
        else e.aux = x < prev_ ? 1 : 0;
      }
      prev_ = x;
      have_prev_ = true;
      aux_sum_ += e.aux;
    } else if (UsesOrder()) {
      sorted_.insert(sorted_.begin() + static_cast<ptrdiff_t>(Rank</*kOrEqual=*/true>(x)), x);
    } else if (fn_ == WindowFn::kMin) {
      while (!mono_.empty() && mono_.back().x >= x) mono_.pop_back();
      mono_.push_back(e);
    } else if (fn_ == WindowFn::kMax) {
      while (!mono_.empty() && mono_.back().x <= x) mono_.pop_back();
      mono_.push_back(e);
    }
    entries_.push_back(e);
  }

  void Recompute() {
    evicted_ = 0;
    if (UsesSums()) {
      s1_ = s2_ = 0;
      if (!entries_.empty()) shift_ = entries_.front().x;
      for (size_t i = 0; i < entries_.size(); ++i) {
        double d = entries_[i].x - shift_;
        s1_ += d;
        s2_ += d * d;
      }
    } else {
      aux_sum_ = 0;
      for (size_t i = 0; i < entries_.size(); ++i) aux_sum_ += entries_[i].aux;
    }
  }

  // Number of sorted values < x (or <= x). Small windows count without branches (vectorised),
  // which beats a binary search's mispredictions; large ones binary-search.
  template <bool kOrEqual>
  size_t Rank(double x) const {
    const size_t n = sorted_.size();
    const double* a = sorted_.data();
    if (n <= 96) {
      size_t c = 0;
      for (size_t i = 0; i < n; ++i) c += kOrEqual ? (a[i] <= x) : (a[i] < x);
      return c;
    }
    return static_cast<size_t>((kOrEqual ? std::upper_bound(a, a + n, x) : std::lower_bound(a, a + n, x)) - a);
  }

  double Quantile(double q) const {
    size_t n = sorted_.size();
    if (n == 0) return kNaN;
    double pos = q * static_cast<double>(n - 1);  // linear interpolation, as numpy's default
    size_t lo = static_cast<size_t>(pos);
    if (lo + 1 >= n) return sorted_[n - 1];
    double frac = pos - static_cast<double>(lo);
    return sorted_[lo] + (sorted_[lo + 1] - sorted_[lo]) * frac;
  }

  // Median absolute deviation: the median of |x - median|. Deviations left of the median
  // (med - a[split-1-j]) and right of it (a[split+j] - med) are two sorted sequences; the k-th
  // smallest of their union is found by binary search over how many come from the left, so the
  // cost is O(log W) on top of the sorted array.
  double Mad() const {
    const size_t n = sorted_.size();
    if (n == 0) return kNaN;
    const double med = Quantile(0.5);
    const double* a = sorted_.data();
    const ptrdiff_t split = static_cast<ptrdiff_t>(Rank</*kOrEqual=*/false>(med));
    const ptrdiff_t nl = split, nr = static_cast<ptrdiff_t>(n) - split;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    auto left = [&](ptrdiff_t j) { return j < 0 ? -kInf : j >= nl ? kInf : med - a[split - 1 - j]; };
    auto right = [&](ptrdiff_t j) { return j < 0 ? -kInf : j >= nr ? kInf : a[split + j] - med; };
    const ptrdiff_t m = static_cast<ptrdiff_t>((n - 1) / 2) + 1;  // take the m smallest deviations
    ptrdiff_t lo = m > nr ? m - nr : 0, hi = std::min(m, nl);
    while (lo < hi) {  // smallest i with left(i) >= right(m - i - 1)
      ptrdiff_t i = (lo + hi) / 2;
      if (left(i) < right(m - i - 1)) lo = i + 1;
      else hi = i;
    }
    const double kth = std::max(left(lo - 1), right(m - lo - 1));
    if (n % 2 == 1) return kth;
    const double next = std::min(left(lo), right(m - lo));
    return kth + (next - kth) * 0.5;
  }

  double Value(double x) const {
    size_t n = entries_.size();
    switch (fn_) {
      case WindowFn::kCount: return static_cast<double>(n);
      case WindowFn::kSum:
        if (n && same_run_ >= n) return last_x_ * static_cast<double>(n);
        return n ? s1_ + shift_ * static_cast<double>(n) : 0.0;
      case WindowFn::kMean:
        if (n && same_run_ >= n) return last_x_;
        return n ? shift_ + s1_ / static_cast<double>(n) : kNaN;
      case WindowFn::kStd:
      case WindowFn::kZscore: {
        if (n < 2) return kNaN;
        if (same_run_ >= n) return fn_ == WindowFn::kStd ? 0.0 : kNaN;
        double dn = static_cast<double>(n);
        double ss = s2_ - s1_ * s1_ / dn;
        double mean = shift_ + s1_ / dn;
        // Cancellation noise in a flat window must read as zero spread, not as a tiny std that
        // turns into a huge z-score. The noise scales with the shifted sum of squares.
        if (ss <= 1e-12 * s2_) ss = 0;
        double var = ss / (dn - 1);
        double sd = var > 0 ? std::sqrt(var) : 0.0;
        if (fn_ == WindowFn::kStd) return sd;
        if (!(sd > 0) || std::isnan(x)) return kNaN;
        return (x - mean) / sd;
      }
      case WindowFn::kMin:
      case WindowFn::kMax: return mono_.empty() ? kNaN : mono_.front().x;
      case WindowFn::kMedian: return Quantile(0.5);
      case WindowFn::kQuantile: return Quantile(q_);
      case WindowFn::kMad: return Mad();
      case WindowFn::kDelta: return n >= 2 ? entries_.back().x - entries_.front().x : kNaN;
      case WindowFn::kRate: {
        if (n < 2) return kNaN;
        double dt = static_cast<double>(entries_.back().t - entries_.front().t) / 1000.0;
        return dt > 0 ? (aux_sum_ - entries_.front().aux) / dt : kNaN;
      }
      case WindowFn::kChanges:
      case WindowFn::kResets: return n ? aux_sum_ - entries_.front().aux : 0.0;
    }
    return kNaN;
  }

  WindowFn fn_;
  WindowSpec spec_;
  double q_;
  Ring<WindowEntry> entries_;
  Ring<WindowEntry> mono_;
  std::vector<double> sorted_;
  double s1_ = 0, s2_ = 0, shift_ = 0, aux_sum_ = 0, prev_ = 0;
  bool have_shift_ = false, have_prev_ = false;
  bool sums_ = false, order_ = false, aux_ = false;
  size_t same_run_ = 0;
  double last_x_ = 0;
  size_t evicted_ = 0;
};

// ewma: s = a*x + (1-a)*s over non-NaN points; NaN until the first value.
class EwmaState {
 public:
  explicit EwmaState(double alpha) : a_(alpha) {}
  double Push(double x) {
    if (!std::isnan(x)) s_ = std::isnan(s_) ? x : a_ * x + (1 - a_) * s_;
    return s_;
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

 private:
  size_t k_;
  Ring<double> ring_;
};

// x offset d: the input at the latest point with timestamp <= t - d, if that point is newer
// than t - d - lookback; NaN otherwise.
class OffsetState {
 public:
  OffsetState(int64_t d, int64_t lookback) : d_(d), lookback_(lookback) {}
  double Push(int64_t t, double x) {
    hist_.push_back({0, t, x, 0});
    int64_t target = t - d_;
    while (hist_.size() >= 2 && hist_[1].t <= target) hist_.pop_front();
    const WindowEntry& f = hist_.front();
    return (f.t <= target && f.t > target - lookback_) ? f.x : kNaN;
  }
  size_t held() const { return hist_.size(); }

 private:
  int64_t d_, lookback_;
  Ring<WindowEntry> hist_;
};

// Cross-series aggregation of the values gathered for one group at one time; `vals` is
// scratch (reordered). Peers are gathered in series order by both engines.
inline double Aggregate(AggFn fn, double q, std::vector<double>& vals) {
  size_t n = vals.size();
  if (fn == AggFn::kCount) return static_cast<double>(n);
  if (n == 0) return kNaN;
  switch (fn) {
    case AggFn::kSum:
    case AggFn::kMean: {
      double s = 0;
      for (double v : vals) s += v;
      return fn == AggFn::kSum ? s : s / static_cast<double>(n);
    }
    case AggFn::kMin: return *std::min_element(vals.begin(), vals.end());
    case AggFn::kMax: return *std::max_element(vals.begin(), vals.end());
    case AggFn::kStd: {
      if (n < 2) return kNaN;
      double m = 0;
      for (double v : vals) m += v;
      m /= static_cast<double>(n);
      double ss = 0;
      for (double v : vals) ss += (v - m) * (v - m);
      return std::sqrt(ss / static_cast<double>(n - 1));
    }
    case AggFn::kMedian:
    case AggFn::kQuantile: {
      std::sort(vals.begin(), vals.end());
      double qq = fn == AggFn::kMedian ? 0.5 : q;
      double pos = qq * static_cast<double>(n - 1);
      size_t lo = static_cast<size_t>(pos);
      if (lo + 1 >= n) return vals[n - 1];
      return vals[lo] + (vals[lo + 1] - vals[lo]) * (pos - static_cast<double>(lo));
    }
    default: return kNaN;
  }
}

}  // namespace vigil::detail
