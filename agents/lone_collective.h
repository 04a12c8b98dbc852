// A collective called by one rank alone (PLC77, 2026-12-08; realistic67 rl67-17, seen). A flight recorder's
// summary of the hung collective says that one rank enqueued it and every other rank's last collective is
// the one before, completed ("last collective SeqNum 240011 BARRIER enqueued on rank 0 only; ranks 1-31
// last SeqNum 240010 (all_reduce, completed)"): the others are in no collective - they did not fall behind
// in this one, they never called it (a barrier inside "if rank == 0", a hook run on one rank). The
// program's path diverged: a collective mismatch, the job's code, not the lone rank's GPU (which only
// waits) nor the others'. A rank a sequence number behind the rest (a laggard: "last enqueued SeqNum N
// on 127 ranks; rank 69 last enqueued SeqNum N-1") is no such line. Pure function, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/collective_mismatch.h"

namespace vigil {

// The first line of `lines` (each at most 4000 bytes read) saying a collective (SeqNum N) was enqueued /
// started on one rank only while the other ranks' last collective is N - 1 and completed: what = "OP seq N
// called by rank R alone; the other ranks completed seq N-1".
std::optional<CollectiveMismatch> FindLoneCollective(const std::vector<std::string>& lines);

}  // namespace vigil
