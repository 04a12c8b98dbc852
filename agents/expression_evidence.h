#pragma once
// The context evidence for one series of an alert's expression, written the same way by one
// alert's triage (agents/alert_triage.cc) and by a storm's (server/storm_triage.cc). Defined in
// alert_triage.cc; declared here, not in alert_triage.h, so that a change to it rebuilds its two
// users and not everything that includes the diagnosis agent.

#include <string_view>

#include "core/domain.h"

namespace vigil {

struct ExpressionSeries;

// "alert expression `EXPR` on SERIES<qualifier>: V at <start_name>, peak P at TIME (N points)",
// "no value at <start_name>" when the series had none by then. Kind metric, source
// "<source or prometheus> query_range", time and value those of the start (else of the peak),
// weight 0: context that the reasoner does not count.
Evidence ExpressionSeriesEvidence(std::string_view expr, const ExpressionSeries& s, std::string_view source,
                                  std::string_view qualifier, std::string_view start_name);

}  // namespace vigil
