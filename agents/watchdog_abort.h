// A rank's SIGABRT that is its own watchdog's abort (PLC51, 2026-12-07; realistic46 rl46-17): when a
// collective times out, PyTorch's NCCL watchdog takes the process down ("To avoid data inconsistency,
// we are taking the entire process down") with SIGABRT, so torchrun reports the rank as
//   "failed (exitcode: -6) local_rank: 0 (pid: 12001)"
//   "[0]:" / "time : 2026-12-05_14:42:02" / "rank : 0 (local_rank: 0)" / "exitcode : -6 (pid: 12001)" /
//   "traceback : Signal 6 (SIGABRT) received by PID 12001"
// seconds after that rank's own "[Rank 0] Watchdog caught collective operation timeout" line. That
// abort is the hang's end, not a crash that caused it: the "Root Cause (first observed failure)" of
// a hung job is simply the first rank whose watchdog fired (rl46-17: rank 0 ran an extra all_gather,
// 4,096 ranks timed out, the SIGABRT read as rank_process_crash 0.63). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "agents/log_time.h"

namespace vigil {

// A SIGABRT this long after the rank's own watchdog timeout is that watchdog's abort (the watchdog
// dumps its flight recorder and aborts within seconds; a minute covers a slow dump).
inline constexpr int64_t kWatchdogAbortWithinMs = 2 * 60'000;

// The indices of `lines` (one log, at most 20,000 lines read) that report a rank's SIGABRT which is
// its own watchdog's abort: a torchrun error-summary entry's field lines (time, host, rank, exitcode,
// error_file, traceback; the entry as FindTorchrunFailures reads it, agents/torchrun_failure.h, srun's
// label allowed) of an entry with exitcode -6 or "Signal 6 (SIGABRT)" whose rank printed
// "[Rank R] Watchdog caught collective operation timeout" ("[rankR]:" prefix also read) at most
// kWatchdogAbortWithinMs before the entry's time and not after it, and the agent's "failed (exitcode:
// -6) local_rank: L (pid: P)" lines of the same pid. None where the rank's watchdog line, the entry's
// "[N]:" header or its time is missing.
std::set<size_t> WatchdogAbortLines(const std::vector<std::string>& lines, const LogClock& clock);

}  // namespace vigil
