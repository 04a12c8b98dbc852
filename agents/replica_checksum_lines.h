// Per-replica checksum lines voted across replicas (PLC46, realistic43 rl43-09). Megatron-style
// consistency checks print, from each data-parallel replica's leader, one line per check:
// "[dp2|rank42] 2026-11-30 00:57:02 | iter 30200 | param checksum after all-reduce 0x7d41c19e". The
// replicas hold identical parameters after the all-reduce: at an iteration where every replica but
// one prints the same value, that one computes wrong numbers (silent data corruption on its GPU). The
// lines arrive interleaved and out of order (srun's buffering); the vote is per iteration, whatever
// the order. Before, the pack's recall of the first checksum line (a replica that agreed) placed the
// fault on that replica's GPU. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct ReplicaChecksumOdd {
  int rank = -1;           // the writer's rank of the odd value
  size_t line = 0;         // index of its earliest odd line (the lowest iteration)
  long long iteration = 0; // that iteration
  size_t agreeing = 0;     // replicas printing the agreed value there
  size_t iterations = 0;   // iterations at which it was the odd one
};

// Lines naming exactly one rank (`rank42`, `rank 42`, `[Rank 42]`, `rank=42`), an iteration (`iter
// 30200`, `iteration 30200`, `step 30200`) and a checksum / hash / digest value (0x-hex, or 8 or more
// hex digits) after the word. At each iteration with values from three or more ranks, one rank's value
// differing while every other rank (two or more) prints one same value: that rank is odd there. The
// finding: the rank odd at one or more iterations and never another rank odd at any. nullopt
// otherwise. Lines over 2000 bytes are not read.
std::optional<ReplicaChecksumOdd> FindReplicaChecksumOdd(const std::vector<std::string>& lines);

// PLC62 (realistic55 rl55-21): a checker that prints its own vote, "rank 3014 sha1=9a3c41d0 vs 31 other
// replicas sha1=51e2f7aa" (one rank's checksum / hash / digest against N >= 2 other replicas or ranks that
// agree). The rank it names at every such line (never two ranks): `line` its first line, `agreeing` the
// others' count there, `iteration` the check's step on that line or the line before (0 when none),
// `iterations` the lines. nullopt when none, or when two lines name two ranks. Lines over 2000 bytes are
// not read.
std::optional<ReplicaChecksumOdd> FindStatedReplicaOdd(const std::vector<std::string>& lines);

}  // namespace vigil
