// Watchdog timeouts of one process group at one sequence number in different collectives (PLC54,
// realistic49 rl49-18). PyTorch numbers a process group's collectives in order on every rank, so every
// rank's collective N of one group must be the same op; when the watchdog's own timeouts report one
// sequence number in two ops -
//   "[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4411, OpType=ALLREDUCE, ...)"
//   "[Rank 40] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4411, OpType=_REDUCE_SCATTER_BASE, ...)"
// - the ranks took different paths through the program (a group resumed at another iteration, an eval
// step run on some ranks only): a collective mismatch, the job's hang, not one rank's hardware. Only
// timeout lines count (the watchdog's or "Timeout at NCCL work"), each op and sequence number read from
// its WorkNCCL(...); a line that prints its process group ("[PG 2 Rank 5]", "[PG ID 2 PG GUID 5 Rank
// 5]") is compared only with lines of the same group (lines printing none form one group: groups count
// their collectives apart, one sequence number in two groups is no mismatch). Point-to-point work (SEND,
// RECV, a coalesced batch of them) is not compared: a pipeline stage's send and the next stage's receive
// share one sequence number by design (holdout14 k027's SEND / RECV pair at 4410 was read as a mismatch by
// the first version of this reader). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/collective_mismatch.h"

namespace vigil {

// The first timeout line of `lines` (lines over 4000 bytes are not read) whose op differs from an
// earlier timeout's at the same process group and sequence number; nullopt for none.
std::optional<CollectiveMismatch> FindWatchdogOpMismatch(const std::vector<std::string>& lines);

}  // namespace vigil
