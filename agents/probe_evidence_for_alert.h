#pragma once
// EvidenceFromProbe for the probe results of one alert's diagnosis: a node.kernel_log pass counts
// by the part of the alert's own time, [startsAt - 300 s, the read], its log covers, as in the
// built-in reasoner's own plan (agents/HISTORY.md "A kernel-log pass counts by the alert's time").
// Kept out of builtin_reasoner.h, which most of agents/ and server/ include (review RV-DX: the LLM
// path used the window-based figure).

#include <cstdint>
#include <optional>
#include <string>

#include "agents/builtin_reasoner.h"

namespace vigil {

// `alert_start_ms` the alert's startsAt (0 or less: none; the window-based figure, said so in the
// evidence, as for a startsAt after the read or a result without read_at_unix_s). `alert_active_ms`
// its activeAt: when its condition held more than 240 s before startsAt (a rule's long `for`), the
// window starts at activeAt - 60 s instead; 0, or not before startsAt: not used.
std::optional<Evidence> EvidenceFromProbeForAlert(const ProbeResult& r, const std::string& id, int64_t alert_start_ms,
                                                  int64_t alert_active_ms = 0);

}  // namespace vigil
