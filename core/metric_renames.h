// Metric fields an exporter renamed between versions, one table for every layer (KB8, 2026-12-04):
// dcgm-exporter on DCGM >= 3.3 exports the clock-event reasons field as
// DCGM_FI_DEV_CLOCKS_EVENT_REASONS, before as DCGM_FI_DEV_CLOCK_THROTTLE_REASONS (same bits). The
// rule checks of `vigil detect` (server/cmd_detect.cc: a rule on one version's name is expected to
// select nothing when the input carries the other), the built-in reasoner (agents/: the pack's
// metric conditions use the older name, so a newer series is also read under it) and alert triage
// (agents/: the newer name is queried beside the older) read this table; before, each kept its own
// copy of the pair. Header only, pure, thread safe.
#pragma once

#include <string_view>

namespace vigil {

struct RenamedMetric {
  std::string_view older;  // the name before the rename
  std::string_view newer;  // the name after it
};

inline constexpr RenamedMetric kRenamedMetrics[] = {
    {"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "DCGM_FI_DEV_CLOCKS_EVENT_REASONS"},  // DCGM 3.3
};

// The other version's name of `metric` (the newer of an older name, the older of a newer one); ""
// for a metric never renamed.
inline std::string_view OtherVersionMetricName(std::string_view metric) {
  for (const RenamedMetric& r : kRenamedMetrics) {
    if (metric == r.older) return r.newer;
    if (metric == r.newer) return r.older;
  }
  return {};
}

// The older name of a renamed metric's newer name; "" for any other metric (an older name too).
inline std::string_view OlderMetricName(std::string_view metric) {
  for (const RenamedMetric& r : kRenamedMetrics) {
    if (metric == r.newer) return r.older;
  }
  return {};
}

}  // namespace vigil
