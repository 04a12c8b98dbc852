#include "detectors/pot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace vigil {
namespace {

constexpr double kZeroShape = 1e-12;
// The largest upper end of the x > 0 scan (times 1.01 below; stays finite).
constexpr double kMaxPositiveBound = std::numeric_limits<double>::max() / 2;

std::string Num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

struct Moments {
  double mean = 0, min = INFINITY, max = -INFINITY;
};

Moments Summarise(const std::vector<double>& y) {
  Moments m;
  for (double v : y) {
    m.mean += v;
    m.min = std::min(m.min, v);
    m.max = std::max(m.max, v);
  }
  m.mean /= static_cast<double>(y.size());
  return m;
}

// Grimshaw's w(x) = u(x)·v(x) − 1 (see the header); NaN outside 1 + x·Y > 0.
double GrimshawW(const std::vector<double>& y, double x) {
  double u = 0, v = 0;
  for (double yi : y) {
    const double s = 1 + x * yi;
    if (!(s > 0)) return NAN;
    u += 1 / s;
    v += std::log(s);
  }
  const double n = static_cast<double>(y.size());
  return (u / n) * (1 + v / n) - 1;
}

// Points of the open interval (lo, hi): uniform, plus log-spaced distances from each end (from
// 1e-12 of the width up to half of it, 30 a decade), where the roots of w crowd. Sorted.
std::vector<double> ScanGrid(double lo, double hi) {
  std::vector<double> g;
  const double width = hi - lo;
  constexpr int kUniform = 200, kPerDecade = 30, kDecades = 12;
  for (int i = 1; i < kUniform; ++i) g.push_back(lo + width * i / kUniform);
  for (int i = 0; i <= kPerDecade * kDecades; ++i) {
    const double f = 0.5 * std::pow(10.0, -static_cast<double>(i) / kPerDecade);
    g.push_back(lo + width * f);
    g.push_back(hi - width * f);
  }
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  // For lo > 0 the distances above are relative to the width, which Grimshaw's positive bound
  // (∝ 1/Y_min²) can make many decades wider than the roots' scale: the points from lo up to the
  // smallest one above are then filled in geometrically, 30 a decade. The points above are
  // unchanged, so a root found there before is bracketed and bisected as before.
  if (lo > 0) {
    const double step = std::pow(10.0, 1.0 / kPerDecade);
    std::vector<double> fill;
    for (double x = lo * step; x < g.front(); x *= step) fill.push_back(x);
    g.insert(g.begin(), fill.begin(), fill.end());
  }
  return g;
}

// Roots of w on (lo, hi): every sign change of the scan, bisected.
std::vector<double> GrimshawRoots(const std::vector<double>& y, double lo, double hi) {
  std::vector<double> roots;
  if (!(hi > lo)) return roots;
  const std::vector<double> grid = ScanGrid(lo, hi);
  double prev_x = NAN, prev_w = NAN;
  for (double x : grid) {
    const double w = GrimshawW(y, x);
    if (std::isfinite(w) && std::isfinite(prev_w) && (w == 0 || (prev_w < 0) != (w < 0))) {
      double a = prev_x, b = x, wa = prev_w;
      for (int it = 0; it < 100 && b - a > 1e-15 * std::max(std::abs(a), std::abs(b)); ++it) {
        const double m = 0.5 * (a + b);
        const double wm = GrimshawW(y, m);
        if (!std::isfinite(wm)) break;
        if ((wm < 0) == (wa < 0)) {
          a = m;
          wa = wm;
        } else {
          b = m;
        }
      }
      roots.push_back(0.5 * (a + b));
    }
    prev_x = x;
    prev_w = w;
  }
  return roots;
}

Result<GpdFit> FitGrimshaw(const std::vector<double>& y) {
  const Moments m = Summarise(y);
  GpdFit best{.shape = 0, .scale = m.mean, .log_likelihood = GpdLogLikelihood(y, 0, m.mean)};
  if (!(m.max > 0)) {
    return InvalidArgumentError(
        "GPD fit: every excess is 0 (the scores above the initial threshold are tied)");
  }
  // Near x = 0, w(x) is O((x·Y)²) and its sign is rounding noise: the trivial root x = 0 (the
  // exponential, already the starting candidate) is kept out of both scans by kNearZero / Y_max.
  constexpr double kNearZero = 1e-7;
  const double inner = kNearZero / m.max;
  std::vector<double> candidates = GrimshawRoots(y, -1 / m.max, -inner);  // x in (−1/Y_max, 0)
  // x > 0: Grimshaw's bound x < 2(Ȳ − Y_min)/Y_min² (empty when every excess is equal; the
  // whole interval is scanned: roots well below his lower bound occur in practice). Y_min = 0, or
  // one so small that Y_min² underflows, makes the bound +∞: capped to keep the scan finite.
  if (m.mean > m.min) {
    const double c = std::min(2 * (m.mean - m.min) / (m.min * m.min), kMaxPositiveBound);
    for (double x : GrimshawRoots(y, inner, c * 1.01)) candidates.push_back(x);
  }
  for (double x : candidates) {
    double v = 0;
    for (double yi : y) v += std::log(1 + x * yi);
    const double shape = v / static_cast<double>(y.size());
    const double scale = shape / x;
    if (!(scale > 0) || !std::isfinite(shape)) continue;
    const double ll = GpdLogLikelihood(y, shape, scale);
    if (ll > best.log_likelihood) best = GpdFit{.shape = shape, .scale = scale, .log_likelihood = ll};
  }
  best.method = GpdMethod::kGrimshaw;
  return best;
}

Result<GpdFit> FitMoments(const std::vector<double>& y) {
  const Moments m = Summarise(y);
  if (y.size() < 2) return InvalidArgumentError("GPD fit (moments): needs at least 2 excesses, got 1");
  double ss = 0;
  for (double v : y) ss += (v - m.mean) * (v - m.mean);
  const double var = ss / static_cast<double>(y.size() - 1);
  if (!(var > 0) || !(m.mean > 0)) {
    return InvalidArgumentError("GPD fit (moments): the " + std::to_string(y.size()) +
                                " excesses have zero variance or mean; use the Grimshaw fit");
  }
  const double r = m.mean * m.mean / var;
  GpdFit fit{.shape = 0.5 * (1 - r), .scale = 0.5 * m.mean * (r + 1), .method = GpdMethod::kMoments};
  fit.log_likelihood = GpdLogLikelihood(y, fit.shape, fit.scale);
  return fit;
}

}  // namespace

const char* GpdMethodName(GpdMethod method) { return method == GpdMethod::kMoments ? "moments" : "grimshaw"; }

double GpdLogLikelihood(const std::vector<double>& excesses, double shape, double scale) {
  if (!(scale > 0)) return -INFINITY;
  const double n = static_cast<double>(excesses.size());
  if (std::abs(shape) < kZeroShape) {
    double sum = 0;
    for (double y : excesses) sum += y;
    return -n * std::log(scale) - sum / scale;
  }
  double sum = 0;
  for (double y : excesses) {
    const double s = 1 + shape * y / scale;
    if (!(s > 0)) return -INFINITY;
    sum += std::log(s);
  }
  return -n * std::log(scale) - (1 + 1 / shape) * sum;
}

Result<GpdFit> FitGpd(const std::vector<double>& excesses, GpdMethod method) {
  if (excesses.empty()) return InvalidArgumentError("GPD fit: no excesses");
  for (size_t i = 0; i < excesses.size(); ++i) {
    if (!std::isfinite(excesses[i]) || excesses[i] < 0) {
      return InvalidArgumentError("GPD fit: excess " + std::to_string(i) + " is " + Num(excesses[i]) +
                                  ", expected a finite value >= 0");
    }
  }
  return method == GpdMethod::kMoments ? FitMoments(excesses) : FitGrimshaw(excesses);
}

Result<double> PotQuantile(double init_threshold, const GpdFit& gpd, double risk, size_t n, size_t peaks) {
  if (!(gpd.scale > 0) || !std::isfinite(gpd.shape)) {
    return InvalidArgumentError("POT quantile: GPD scale must be > 0 and shape finite, got scale " +
                                Num(gpd.scale) + ", shape " + Num(gpd.shape));
  }
  if (peaks == 0 || peaks > n) {
    return InvalidArgumentError("POT quantile: " + std::to_string(peaks) + " peaks of " + std::to_string(n) +
                                " scores");
  }
  const double r = risk * static_cast<double>(n) / static_cast<double>(peaks);
  if (!(risk > 0) || !(r < 1)) {
    return InvalidArgumentError("POT quantile: risk q = " + Num(risk) + " is not in (0, N_t/n = " +
                                Num(static_cast<double>(peaks) / static_cast<double>(n)) +
                                "): the quantile is not in the fitted tail; lower q or the level");
  }
  if (std::abs(gpd.shape) < kZeroShape) return init_threshold - gpd.scale * std::log(r);
  return init_threshold + gpd.scale / gpd.shape * (std::pow(r, -gpd.shape) - 1);
}

Result<PotResult> FitPot(const std::vector<double>& scores, const PotOptions& options) {
  if (!(options.level > 0 && options.level < 1)) {
    return InvalidArgumentError("POT: level must be in (0, 1), got " + Num(options.level));
  }
  if (!(options.risk > 0 && options.risk < 1)) {
    return InvalidArgumentError("POT: risk q must be in (0, 1), got " + Num(options.risk));
  }
  std::vector<double> sorted;
  sorted.reserve(scores.size());
  for (double s : scores) {
    if (std::isfinite(s)) sorted.push_back(s);
  }
  if (sorted.empty()) return InvalidArgumentError("POT: no finite calibration score");
  std::sort(sorted.begin(), sorted.end());
  PotResult out;
  out.n = sorted.size();
  out.max_score = sorted.back();
  const size_t at = std::min(out.n - 1, static_cast<size_t>(options.level * static_cast<double>(out.n)));
  out.init_threshold = sorted[at];
  std::vector<double> excesses;
  for (auto it = std::upper_bound(sorted.begin(), sorted.end(), out.init_threshold); it != sorted.end();
       ++it) {
    excesses.push_back(*it - out.init_threshold);
  }
  out.peaks = excesses.size();
  if (out.peaks < std::max<size_t>(options.min_peaks, 1)) {
    return InvalidArgumentError("POT: " + std::to_string(out.peaks) + " of " + std::to_string(out.n) +
                                " scores lie above the initial threshold " + Num(out.init_threshold) +
                                " (level " + Num(options.level) + "), fewer than the " +
                                std::to_string(options.min_peaks) + " a tail fit needs");
  }
  ASSIGN_OR_RETURN(out.gpd, FitGpd(excesses, options.method));
  ASSIGN_OR_RETURN(out.threshold, PotQuantile(out.init_threshold, out.gpd, options.risk, out.n, out.peaks));
  return out;
}

}  // namespace vigil
