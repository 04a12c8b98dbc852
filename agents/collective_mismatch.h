// Ranks in different collectives at the same point, as PyTorch reports it (RGA, 2026-12-03). When
// the ranks of a process group call different collectives (rank 0 alone broadcasts eval prompts,
// ranks 0-4 run one more eval batch than the others), every rank waits forever and the watchdog's
// timeouts are loud and alike on every rank; PyTorch's own reports say what happened:
//   - TORCH_DISTRIBUTED_DEBUG=DETAIL / the desync report: "Detected mismatch between collectives on
//     ranks. Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=402118,
//     OpType=ALLREDUCE, ...), but Rank 5 is running collective: CollectiveFingerPrint(
//     SequenceNumber=402118, OpType=_ALLGATHER_BASE, ...)" ("Ranks 1-31 are running" for a group;
//     older releases: "Rank 1 is running inconsistent collective: ...");
//   - the same check's summary: "Collectives differ in the following aspects: Op type:
//     BROADCASTvs ALLREDUCE" (also "Tensor Tensor shapes: 1vs 4096", "Tensor dtypes: ...");
//   - the desync report's snapshot (TORCH_NCCL_DESYNC_DEBUG): under "#402118 started ranks:" the
//     lines "[0, 1, 2, 3, 4] started ALLREDUCE" and "[5, 6, ...] started _ALLGATHER_BASE".
//   - py-spy's top frames pasted one line a rank (PLC7): "rank 5  | barrier (torch/distributed/
//     distributed_c10d.py:4131) <- run_eval (evaluate.py:88)" beside "rank 4 | all_reduce (...)": at
//     least three ranks whose top frame is a c10d function, in two or more different ones (a rank
//     outside any collective - its data loader - is behind, not on another path, and is not counted).
//   - the flight recorder's analysis (`fr_trace`, PLC9): consecutive rank lines naming each rank's op
//     at one collective ("rank 0 : nccl:all_gather ... state scheduled" beside "ranks 1-127 :
//     nccl:all_reduce ..."; "rank 3: BROADCAST seq 77"), the op with its backend or in OpType's
//     capitals, at one sequence number where the lines print one; and its verdict "Error type:
//     COLLECTIVE_TYPE_MISMATCH" / "Expected collective type: 'nccl:all_reduce' does not match found
//     collective type: 'nccl:all_gather'". Such a report is read even with no watchdog line (a job
//     whose NCCL timeout is hours long prints none).
//   - a verdict that part of the group entered a collective while other ranks are in another one
//     ("Mismatch: collective 1203 entered by 64/128 ranks; ranks 0-63 are in pg 3 RECV (seq 95221)";
//     PLC42).
// Two fingerprints at the same sequence number (or with none printed) that differ, or a snapshot of
// two ops started at one sequence number, is a collective mismatch: the program took different
// paths on different ranks (the job's code or data), not one rank's hardware. The reasoner
// (builtin_reasoner.cc) reads it as nccl_collective_hang of the whole job, ahead of the watchdog
// lines and of the "odd op" rank (FindOddOpRanks). A report that shows one rank missing or behind
// while the others wait ("[5] joined but didn't finish", "ranks [58] are the lagging ranks") is no
// mismatch and is read by FindNamedAbsentRanks (that rank). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct CollectiveMismatch {
  size_t line_index = 0;  // the line of `lines` that states it (the snapshot's second op line)
  std::string what;       // "ALLREDUCE vs _ALLGATHER_BASE at sequence number 402118" and the like
};

// The first mismatch `lines` state (lines over 4000 bytes are not read); nullopt for none.
std::optional<CollectiveMismatch> FindCollectiveMismatch(const std::vector<std::string>& lines);

}  // namespace vigil
