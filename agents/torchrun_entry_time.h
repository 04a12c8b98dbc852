// The time of a torchrun error-summary entry (PLC40, 2026-12-06; realistic40 rl40-16). torchrun's
// agent prints, for each failed rank, an entry of fields under "Root Cause (first observed failure):"
// or "Failures:":
//   [0]:
//     time      : 2026-12-05_03:14:19
//     host      : l70b-worker-3 (tmk-h200-b058)
//     rank      : 27 (local_rank: 3)
//     exitcode  : -11 (pid: 7741)
//     traceback : Signal 11 (SIGSEGV) received by PID 7741
// Its fields print no time of their own: the entry's `time` is when that rank failed, so two agents'
// reports (the rank that crashed, the peer that then failed on the broken connection) are ordered by
// it. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

// The entry time of the field line `k` of `lines` ("time", "host", "rank", "exitcode", "error_file",
// "traceback", each "name : value", an srun label "3: " allowed before it) as "YYYY-MM-DD HH:MM:SS";
// "" when line k is no such field, the fields above it reach no "[N]:" header within 12 lines, or
// the entry prints no time in that form. Lines over 300 bytes are no field.
std::string TorchrunEntryTime(const std::vector<std::string>& lines, size_t k);

}  // namespace vigil
