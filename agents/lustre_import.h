// One Lustre target whose client-side RPC wait stands far above its peers' (PLC38, realistic38
// rl38-01: an OST in a RAID rebuild, every rank's checkpoint save four times slower). A responder
// pastes `lctl get_param osc.FS-OSTNNNN*.import` (or mdc.*): its "avg_waittime: N usec" row is the
// client's mean wait for that target's replies. One target at 30x its peers (2.87 s vs 94 ms) is
// that target's server being slow: a file-system fault that every rank writing there shares, not
// one rank's. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct SlowLustreTarget {
  std::string target;           // e.g. "kestrel-OST0017"
  double wait_us = 0;           // its largest avg_waittime in the lines
  double peer_median_us = 0;    // the upper median of the other targets' (0 with none)
  size_t line = 0;              // index (into the lines given) of its avg_waittime row
};

// Reads `lines` (one log's, in order). An "avg_waittime: N usec" row belongs to the last Lustre
// target named before it in the same lines (the `lctl get_param osc.FS-OST0017*.import` command, the
// `osc.FS-OST0017-osc-ffff...import=` header, its "name:" / "target:" rows). A target is slow when
// its wait is >= kSlowTargetRatio x the upper median of the other targets' and >= kSlowTargetMinUs;
// with no other target read, when its wait is >= kSlowTargetAloneUs. Empty if none.
inline constexpr double kSlowTargetRatio = 10;
inline constexpr double kSlowTargetMinUs = 100000;    // 100 ms: a healthy target answers in ~1-10 ms
inline constexpr double kSlowTargetAloneUs = 1000000;  // 1 s
std::vector<SlowLustreTarget> FindSlowLustreTargets(const std::vector<std::string>& lines);

// The same reading from metric series (PLC41, realistic40 rl40-29: an OST in a RAID rebuild, its
// write p99 at 4 s beside its peers' 0.1 s, every rank writing there crawling through the save): a
// Lustre latency / wait series ("lustre" and "latency" or "wait" in its name, its unit in the name:
// seconds, _ms, _us / usec) per target (a label value naming an OSTnnnn / MDTnnnn). A target is slow
// when its largest sample is >= kSlowTargetRatio x the upper median of the other targets' largest and
// >= kSlowTargetMinUs. Needs another target's series (a lone series has no peer to stand above).
// `line` is the index of the slow target's series in `series`; `onset_ms` its first sample that is
// slow by the same test. Empty if none.
struct SlowLustreSeries {
  SlowLustreTarget target;
  int64_t onset_ms = 0;
};
std::vector<SlowLustreSeries> FindSlowLustreTargetSeries(const std::vector<TimeSeries>& series);

}  // namespace vigil
