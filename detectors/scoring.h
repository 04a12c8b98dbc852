// Detection scoring: point F1, point-adjusted F1, delay-constrained point-adjusted F1, event F1
// with point adjustment, and the NAB score. Definitions: ../shared/docs/METRICS.md (restated in
// detectors/README.md); each function is tested against hand-checked cases in scoring_test.cc.
//
// Inputs are per-point 0/1 vectors of equal length (ground-truth `labels`, detector `flags`).
// A segment is a maximal run of 1s in `labels`. Counts from several series are summed with
// `+=` before computing precision/recall/F1 (micro average). Mismatched lengths are
// InvalidArgument. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "detectors/readers.h"

namespace vigil {

struct Counts {
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;

  double Precision() const {
    return tp + fp == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
  }
  double Recall() const {
    return tp + fn == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(tp + fn);
  }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
  Counts& operator+=(const Counts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    return *this;
  }
  friend bool operator==(const Counts&, const Counts&) = default;
};

// Point-wise: TP flagged anomalous points, FP flagged normal points, FN unflagged anomalous points.
[[nodiscard]] Result<Counts> PointCounts(const std::vector<uint8_t>& labels,
                                         const std::vector<uint8_t>& flags);

// Point-adjusted: a segment with any flagged point counts all its points as TP, else all FN;
// FP = flagged normal points.
[[nodiscard]] Result<Counts> PointAdjustedCounts(const std::vector<uint8_t>& labels,
                                                 const std::vector<uint8_t>& flags);

// Delay-constrained PA: as PA, but a segment counts only if a flag falls within its first k+1
// points (indices start..start+k). k ≥ 0.
[[nodiscard]] Result<Counts> DelayPointAdjustedCounts(const std::vector<uint8_t>& labels,
                                                      const std::vector<uint8_t>& flags, int k);

// Event F1 with PA (Argos, EasyTSAD): TP = segments with at least one flag, FN = segments with
// none, FP = flagged normal points.
[[nodiscard]] Result<Counts> EventCounts(const std::vector<uint8_t>& labels,
                                         const std::vector<uint8_t>& flags);

// All four at once, for reports.
struct DetectionCounts {
  Counts point, pa, dc_pa, event;
  DetectionCounts& operator+=(const DetectionCounts& o) {
    point += o.point;
    pa += o.pa;
    dc_pa += o.dc_pa;
    event += o.event;
    return *this;
  }
};
[[nodiscard]] Result<DetectionCounts> ScoreFlags(const std::vector<uint8_t>& labels,
                                                 const std::vector<uint8_t>& flags, int delay_k);
// {"point": {"tp":..,"fp":..,"fn":..,"precision":..,"recall":..,"f1":..}, "pa": ..., "dc_pa": ..., "event":
// ...}
Json DetectionCountsToJson(const DetectionCounts& c);

// ---- NAB ------------------------------------------------------------------------------------

enum class NabProfile { kStandard, kRewardLowFp, kRewardLowFn };
struct NabWeights {
  double tp, fp, fn;
};
NabWeights NabProfileWeights(NabProfile profile);
std::string_view NabProfileName(
    NabProfile profile);  // "standard", "reward_low_FP_rate", "reward_low_FN_rate"
inline constexpr NabProfile kNabProfiles[] = {NabProfile::kStandard, NabProfile::kRewardLowFp,
                                              NabProfile::kRewardLowFn};

// NAB's scaled sigmoid: 2/(1+e^{5y}) − 1, and −1 for y > 3.
double NabScaledSigmoid(double y);
// NAB's probationary period for a file of n points: min(floor(0.15 n), 0.15·5000).
size_t NabProbationLength(size_t n);

// One file's raw NAB score components for a detector's 0/1 detections.
struct NabFileScore {
  double raw = 0;          // sum of window credits (or −C) and FP weights
  double null_raw = 0;     // −C · windows
  double perfect_raw = 0;  // A · windows
  int64_t windows = 0;
  int64_t detected_windows = 0;
  int64_t false_positives = 0;  // detections outside windows (after probation)
  NabFileScore& operator+=(const NabFileScore& o) {
    raw += o.raw;
    null_raw += o.null_raw;
    perfect_raw += o.perfect_raw;
    windows += o.windows;
    detected_windows += o.detected_windows;
    false_positives += o.false_positives;
    return *this;
  }
  // 100 · (raw − null) / (perfect − null); 0 when there are no windows.
  double Normalized() const {
    return perfect_raw == null_raw ? 0.0 : 100.0 * (raw - null_raw) / (perfect_raw - null_raw);
  }
};

// Scores one file as NAB's sweeper does: points before the probation length are ignored (a
// window that lies entirely in probation is not counted); windows are located by timestamp
// (inclusive ends); each window is credited the largest weight among its detections, else −C;
// each detection outside windows adds its (negative) weight. `detections` is 0/1 per point.
[[nodiscard]] Result<NabFileScore> NabScore(const std::vector<int64_t>& timestamps_ms,
                                            const std::vector<uint8_t>& detections,
                                            const std::vector<AnomalyWindow>& windows, NabProfile profile);

}  // namespace vigil
