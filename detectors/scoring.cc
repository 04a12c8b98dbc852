#include "detectors/scoring.h"

#include <algorithm>
#include <cmath>

namespace vigil {
namespace {

Status CheckSizes(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags) {
  if (labels.size() != flags.size()) {
    return InvalidArgumentError("scoring: " + std::to_string(labels.size()) + " labels but " +
                                std::to_string(flags.size()) + " flags");
  }
  return Status::Ok();
}

// Segment-based counts shared by PA, delay-constrained PA and event F1. A segment is detected
// when a flag falls within its first `max_delay + 1` points (max_delay < 0: anywhere in it).
Counts SegmentCounts(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags, int64_t max_delay,
                     bool count_points) {
  Counts c;
  const size_t n = labels.size();
  for (size_t i = 0; i < n;) {
    if (labels[i] == 0) {
      if (flags[i] != 0) ++c.fp;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && labels[j] != 0) ++j;  // segment [i, j)
    const size_t limit = max_delay < 0 ? j : std::min(j, i + static_cast<size_t>(max_delay) + 1);
    bool hit = false;
    for (size_t p = i; p < limit && !hit; ++p) hit = flags[p] != 0;
    const int64_t weight = count_points ? static_cast<int64_t>(j - i) : 1;
    (hit ? c.tp : c.fn) += weight;
    i = j;
  }
  return c;
}

Json CountsToJson(const Counts& c) {
  return Json{{"tp", c.tp},           {"fp", c.fp},  {"fn", c.fn}, {"precision", c.Precision()},
              {"recall", c.Recall()}, {"f1", c.F1()}};
}

}  // namespace

Result<Counts> PointCounts(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags) {
  RETURN_IF_ERROR(CheckSizes(labels, flags));
  Counts c;
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool l = labels[i] != 0, f = flags[i] != 0;
    c.tp += l && f;
    c.fp += !l && f;
    c.fn += l && !f;
  }
  return c;
}

Result<Counts> PointAdjustedCounts(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags) {
  RETURN_IF_ERROR(CheckSizes(labels, flags));
  return SegmentCounts(labels, flags, -1, /*count_points=*/true);
}

Result<Counts> DelayPointAdjustedCounts(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags,
                                        int k) {
  RETURN_IF_ERROR(CheckSizes(labels, flags));
  if (k < 0) return InvalidArgumentError("delay-constrained PA: k must be ≥ 0, got " + std::to_string(k));
  return SegmentCounts(labels, flags, k, /*count_points=*/true);
}

Result<Counts> EventCounts(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags) {
  RETURN_IF_ERROR(CheckSizes(labels, flags));
  return SegmentCounts(labels, flags, -1, /*count_points=*/false);
}

Result<DetectionCounts> ScoreFlags(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& flags,
                                   int delay_k) {
  DetectionCounts d;
  ASSIGN_OR_RETURN(d.point, PointCounts(labels, flags));
  ASSIGN_OR_RETURN(d.pa, PointAdjustedCounts(labels, flags));
  ASSIGN_OR_RETURN(d.dc_pa, DelayPointAdjustedCounts(labels, flags, delay_k));
  ASSIGN_OR_RETURN(d.event, EventCounts(labels, flags));
  return d;
}

Json DetectionCountsToJson(const DetectionCounts& c) {
  return Json{{"point", CountsToJson(c.point)},
              {"pa", CountsToJson(c.pa)},
              {"dc_pa", CountsToJson(c.dc_pa)},
              {"event", CountsToJson(c.event)}};
}

NabWeights NabProfileWeights(NabProfile profile) {
  switch (profile) {
    case NabProfile::kStandard:
      return {1.0, 0.11, 1.0};
    case NabProfile::kRewardLowFp:
      return {1.0, 0.22, 1.0};
    case NabProfile::kRewardLowFn:
      return {1.0, 0.11, 2.0};
  }
  return {1.0, 0.11, 1.0};
}

std::string_view NabProfileName(NabProfile profile) {
  switch (profile) {
    case NabProfile::kStandard:
      return "standard";
    case NabProfile::kRewardLowFp:
      return "reward_low_FP_rate";
    case NabProfile::kRewardLowFn:
      return "reward_low_FN_rate";
  }
  return "standard";
}

double NabScaledSigmoid(double y) {
  if (y > 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * y)) - 1.0;
}

size_t NabProbationLength(size_t n) {
  const double a = std::floor(0.15 * static_cast<double>(n));
  const double b = 0.15 * 5000;
  return static_cast<size_t>(std::min(a, b));
}

Result<NabFileScore> NabScore(const std::vector<int64_t>& timestamps_ms,
                              const std::vector<uint8_t>& detections,
                              const std::vector<AnomalyWindow>& windows_in, NabProfile profile) {
  if (timestamps_ms.size() != detections.size()) {
    return InvalidArgumentError("NAB score: " + std::to_string(timestamps_ms.size()) + " timestamps but " +
                                std::to_string(detections.size()) + " detections");
  }
  const NabWeights w = NabProfileWeights(profile);
  const size_t n = timestamps_ms.size();
  const size_t probation = NabProbationLength(n);
  const double max_tp = NabScaledSigmoid(-1.0);

  // Windows as inclusive index ranges, in time order; windows containing no point are dropped.
  struct IndexWindow {
    size_t left, right;
  };
  std::vector<AnomalyWindow> windows = windows_in;
  std::sort(windows.begin(), windows.end(),
            [](const AnomalyWindow& a, const AnomalyWindow& b) { return a.begin_ms < b.begin_ms; });
  std::vector<IndexWindow> iw;
  for (const AnomalyWindow& win : windows) {
    auto lo = std::lower_bound(timestamps_ms.begin(), timestamps_ms.end(), win.begin_ms);
    auto hi = std::upper_bound(timestamps_ms.begin(), timestamps_ms.end(), win.end_ms);
    if (lo >= hi) continue;
    const size_t left = lo - timestamps_ms.begin(), right = (hi - timestamps_ms.begin()) - 1;
    if (!iw.empty() && left <= iw.back().right) {
      return InvalidArgumentError("NAB score: anomaly windows overlap");
    }
    iw.push_back({left, right});
  }

  NabFileScore s;
  std::vector<double> credit(iw.size(), 0.0);
  std::vector<bool> counted(iw.size(), false), hit(iw.size(), false);
  size_t next = 0;    // next window not yet entered
  int64_t cur = -1;   // window containing i, or -1
  int64_t prev = -1;  // last window left behind
  for (size_t i = 0; i < n; ++i) {
    if (cur < 0 && next < iw.size() && i == iw[next].left) cur = static_cast<int64_t>(next++);
    double weight;
    if (cur >= 0) {
      const double width = static_cast<double>(iw[cur].right - iw[cur].left + 1);
      const double y = -static_cast<double>(iw[cur].right - i + 1) / width;
      weight = NabScaledSigmoid(y) * w.tp / max_tp;
    } else if (prev < 0) {
      weight = -1.0 * w.fp;
    } else {
      const double width = static_cast<double>(iw[prev].right - iw[prev].left + 1);
      // NAB divides by (width − 1); a one-point window would divide by zero there, so it is
      // treated as width 2 (the first point after it scores y = 1).
      const double y = static_cast<double>(i - iw[prev].right) / std::max(1.0, width - 1.0);
      weight = NabScaledSigmoid(y) * w.fp;
    }
    if (i >= probation) {
      if (cur >= 0) {
        counted[cur] = true;
        if (detections[i] != 0) {
          credit[cur] = hit[cur] ? std::max(credit[cur], weight) : weight;
          hit[cur] = true;
        }
      } else if (detections[i] != 0) {
        s.raw += weight;
        ++s.false_positives;
      }
    }
    if (cur >= 0 && i == iw[cur].right) {
      prev = cur;
      cur = -1;
    }
  }
  for (size_t k = 0; k < iw.size(); ++k) {
    if (!counted[k]) continue;
    ++s.windows;
    if (hit[k]) {
      ++s.detected_windows;
      s.raw += credit[k];
    } else {
      s.raw -= w.fn;
    }
  }
  s.null_raw = -w.fn * static_cast<double>(s.windows);
  s.perfect_raw = w.tp * static_cast<double>(s.windows);
  return s;
}

}  // namespace vigil
