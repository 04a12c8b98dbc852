// Reports that name the rank a hung collective waits for, in two tools' wordings the reasoner's
// older readers (FindLaggards, FindNamedAbsentRanks) did not know (RG12):
// - PyTorch's flight-recorder analysis (`fr_trace`): "rank 94: last entered op 2230 (...); op 2231
//   never enqueued" (realistic13 rl13-30);
// - NCCL's RAS client (`ncclras`): "Rank 173 has launched up to operation 3a2f0 -- GPU 5 managed by
//   process 51877 on node 10.20.1.122 (h100-x-0122)" below "511 ranks have launched up to operation
//   3a2f1" (realistic13 rl13-17): the rank behind the others' collective count.
// - PLC29: the flight recorder's analysis printed inside a rank's line, after PyTorch's "[rankN]:"
//   prefix, as one ';'-separated clause with the op's number after "never enqueued": "[rank0]: flight
//   recorder: seq 51234 ALLREDUCE started on ranks [0, 1, 2]; rank 3: last enqueued seq 51233
//   (completed), never enqueued 51234" (realistic31 rl31-18).
// - PLC56: the flight recorder's list of the ranks not entering the collective the others wait in:
//   "[PG 0 Rank 0] Flight recorder: ranks not entering SeqNum 88121: [66]" (realistic50 rl50-03),
//   "ranks missing from seq 912: [3, 7]"; a list of more than 4 ranks names none.
// - PLC69: the flight recorder's dump naming one rank behind all the others: "rank 37 last enqueued
//   SeqNum 8811 (last completed 8811); all other ranks last enqueued 8812" (realistic61 rl61-20).
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct ReportedLaggard {
  int rank = -1;
  size_t line_index = 0;  // the line of `lines` that names it
  std::string host;       // the host the report names ("h100-x-0122", or its address), "" when none
  int gpu = -1;           // the GPU the report names, -1 when none
};

// The ranks `lines` name as behind the others, in the wordings above; none when more than 4 are
// named (a line naming many ranks names no culprit).
std::vector<ReportedLaggard> FindReportedLaggards(const std::vector<std::string>& lines);

}  // namespace vigil
