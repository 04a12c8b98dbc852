// FP8 scaling overflow read from a training log (RG14, 2026-12-03): Transformer Engine's warning of
// a non-finite amax ("non-finite amax (inf) in decoder.layers.37...; scale_inv set to inf", or a
// stats line's "non-finite amax 3") in the lines just before the loss turns NaN, while the grad
// norm stayed flat up to it, is the FP8 scaling recipe overflowing (a short amax history, a zero
// margin), not the loss diverging: a divergence shows its grad norm climbing first. A count of
// zero ("non-finite amax 0") is the healthy reading and is no warning. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

// Whether a line reports a non-finite amax that happened (not a count of 0).
bool IsNonFiniteAmaxWarning(const std::string& line);

struct Fp8OverflowBeforeNan {
  bool found = false;
  size_t warning_line = 0;  // the last warning before the first NaN loss
  size_t nan_line = 0;      // the first NaN loss line
  double grad_norm_min = 0, grad_norm_max = 0;  // over the finite grad norms before it
  bool by_loss = false;  // PLC52: no grad norm printed; the two above are the flat loss readings' range
};

// Over one log's lines in order: the first line whose loss is NaN, a non-finite amax warning within
// the kAmaxLeadLines lines above it, and at least 3 finite grad norms above it (the last 10) whose
// largest is at most twice their smallest, or (RG24) all but the nearest such: the overflow's own
// step may jump, where a divergence climbs over several. The warning (IsNonFiniteAmaxWarning) also
// reads TE's "FP8 amax for tensor X ... is inf" and "FP8 scaling factor overflow in X".
// PLC52: a log with no grad norm reading above the NaN line at all is judged by its loss readings
// instead (LossFlatBeforeNan): at least 3 finite ones, flat.
constexpr size_t kAmaxLeadLines = 20;
Fp8OverflowBeforeNan FindFp8OverflowBeforeNan(const std::vector<std::string>& lines);

// The last (up to 10) finite, positive loss readings above `nan_line` ("lm loss: 1.71",
// "reduced_train_loss: 2.11", "train/loss=2.1"): their smallest and largest when there are at least 3
// and the largest is at most kFlatLossRatio x the smallest (a divergence climbs, an FP8 overflow
// turns a flat loss NaN in one step; PLC52, NeMo's lines print no grad norm). nullopt otherwise, or
// when a reading above is already non-finite.
constexpr double kFlatLossRatio = 1.25;
std::optional<std::pair<double, double>> LossFlatBeforeNan(const std::vector<std::string>& lines, size_t nan_line);

// An FP8 meta dump pasted as a table (RG26): a header line naming an amax column ("amax",
// "amax_history[-1]") and, below it, one row a step in the same columns ('|'-separated, or by blanks
// when the header holds no '|'). The amax reading turns non-finite (inf / nan) after a finite one, or
// the scale column ("scale", not "scale_inv") falls to 0 after a positive value: the delayed-scaling
// recipe lost the tensor's range. `line` is the first row that shows it; `what` says how
// ("amax 7.7e+06 -> inf; scale 0.00e+00"). A table whose amax stays finite and whose scale stays
// positive is no finding.
struct AmaxTableCollapse {
  bool found = false;
  size_t line = 0;
  std::string what;
};
AmaxTableCollapse FindAmaxTableCollapse(const std::vector<std::string>& lines);

// Whether the grad norm climbs in the readings before the first non-finite loss or grad norm of
// `lines` (the last 10 finite ones, "grad_norm: 0.3", "grad norm 0.3", "'grad_norm': 0.3"): the
// largest above twice the smallest, also without the reading nearest the NaN (as
// FindFp8OverflowBeforeNan's flatness test). Fewer than 2 readings: false.
bool GradNormClimbsBeforeNan(const std::vector<std::string>& lines);

}  // namespace vigil
