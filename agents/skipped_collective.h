// A rank that skipped one collective of its group (PLC59, 2026-12-07; realistic53 rl53-25). A flight
// recorder's summary of a hung group ("ranks 0-2,4-7 of cp group 1 last enqueued ALLTOALL_BASE seq 30211;
// rank 3 (global 11) last enqueued ALLTOALL_BASE seq 30210, then _REDUCE_SCATTER_BASE on default_pg")
// shows one rank a sequence number behind in that group that nevertheless went on to another collective:
// it is not stuck in the group's op (a laggard would still be in it) - it never called it. The
// program's path diverged on that rank (its data gave it nothing to send, a branch skipped the call):
// a collective mismatch, the job's code or data, not that rank's GPU. Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/collective_mismatch.h"

namespace vigil {

// The first line of `lines` (each at most 4000 bytes read) naming an op's last sequence number N for
// some ranks ("last enqueued OP seq N", "SeqNum=N") and, for another rank, N - 1 of the same op
// followed by "then OTHER_OP" (OTHER_OP another op): what = "rank R skipped OP seq N, then OTHER_OP".
std::optional<CollectiveMismatch> FindSkippedCollective(const std::vector<std::string>& lines);

}  // namespace vigil
