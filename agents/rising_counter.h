// A counter an alert's words say is rising, named by its metric, with no number or expression
// (AO2, 2026-12-04): "DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising fast on ml-a100-09",
// "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL keeps increasing on GPU 3". The reasoner reads it
// as the counter's growth, `rate(NAME[5m]) > 0` (builtin_reasoner.cc AddAlertExpressionCondition).
// Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// The metric name of the first counter `text` says is rising: a Prometheus name holding an
// underscore and ending in a counter's word (`_COUNTER`, `_COUNT`, `_TOTAL`, `_total`, `_count`,
// `_counter`, a `_TOTAL_...` suffix too), with or without label matchers, followed by "rising",
// "increasing", "climbing", "growing", "going up" or "incrementing" (after "is", "are", "keeps",
// "has been", "still"). A gauge's name (`DCGM_FI_DEV_XID_ERRORS`, `..._GPU_TEMP`) is not read: a gauge
// going up is no count of events. "" when there is none; texts over 4096 characters are not read.
std::string RisingCounterInWords(const std::string& text);

}  // namespace vigil
