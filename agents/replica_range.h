// Data-parallel numerics lines that a rank writes about the whole step or about another replica
// (PLC44, realistic42 rl42-10). Pure functions, thread safe.
//
// - ComparesRunsNotRanks: Megatron's rerun state machine prints, from rank 0, "[rank0]: rerun: iteration
//   140305 re-run produced loss 1.7011 (differs from first run 6.910) -> result not reproducible". The
//   numbers compared are one step's two runs, not two ranks': the writer's prefix is where the line was
//   printed, and singles out no rank (FindOneRankNumerics placed silent data corruption on rank 0's GPU).
// - FindReplicaRangeOddValue: a checksum line naming one replica by its range of ranks whose value
//   differs from every other replica's ("DP grad checksum: replica 3 of pipeline stage 4 (ranks
//   1048-1055) reported 0x9e1a77c3 vs 0x41b02c19 on all other replicas"): those ranks compute wrong
//   numbers; the caller places them (the ranks of one node: that node).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether `line` compares a re-run (replay, recomputation, re-execution) of a step with its first run
// ("re-run produced loss X (differs from first run Y)", "replay differs from the original result"):
// a comparison over time, not across ranks. A line saying the re-run ran on the writer's own GPU ("on the
// same GPU", "this GPU", "this rank") reports on itself: false. Lines over 2000 bytes: false.
bool ComparesRunsNotRanks(const std::string& line);

struct ReplicaRangeOddValue {
  int first_rank = -1;  // the range's ends, as written (first <= last)
  int last_rank = -1;
  size_t line = 0;      // index of the first such line
};

// The first line holding a word of the numbers (checksum, hash, digest, sha / md5 / crc, grad norm,
// params, weights), a range of ranks ("ranks 1048-1055", "ranks 8..15") of 2 to 64 ranks, and its
// value set against every other replica's: a word of disagreement (differs, mismatch, ...) or two
// different values joined by "vs" followed by "(all) other replicas / ranks / peers". nullopt when none.
std::optional<ReplicaRangeOddValue> FindReplicaRangeOddValue(const std::vector<std::string>& lines);

}  // namespace vigil
