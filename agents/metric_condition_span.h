// When a metric condition last held on one series: the other end of MetricConditionHit (which says
// where it first held). Alert triage (agents/builtin_reasoner.cc) weighs a condition that held and
// ended well before the alert's startsAt as an earlier incident's, not as the alert's (RVFIX).
// A header of its own: agents/metric_condition.h is included nearly everywhere.
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// The time of the last sample of `candidate` (a series of `series`, the one the condition is
// evaluated for, as EvaluateMetricCondition does for each candidate) where `condition` holds;
// nullopt when it holds at none or the condition is outside the subset.
std::optional<int64_t> LastHeldMs(const std::string& condition, const std::vector<TimeSeries>& series,
                                  const TimeSeries& candidate);

}  // namespace vigil
