// One rank's numbers disagreeing with its data-parallel replicas, again and again (RGB, 2026-12-03):
// the logs' form of silent data corruption on that rank's GPU. Data-parallel replicas hold
// bit-identical parameters and, after the all-reduce, identical gradients; a rank whose parameter
// checksum or hash differs from its replicas', or whose gradients are singled out as outliers in
// several steps (a NaN / spike guard naming the rank each time, after rollbacks whose seeded data
// order moves the spike to another step), computes wrong numbers: its GPU, not the data or the
// optimiser (loss divergence), is the suspect.
//
// FindOneRankNumerics reads lines that single out one rank in a numerics comparison: a word of the
// numbers (checksum, hash, digest, sha1 / md5 / crc, flat_param, grad / gradient norm, grads, parameters, weights, loss) and a word
// of disagreement (differs, mismatch, not matching, outlier, disagrees, diverged, inconsistent; or a
// partial agreement, PLC9: "agree on 7 of 8 replicas", "7/8 replicas match", "identical on 3 out of
// 4 replicas", fewer than compared among replicas / ranks / peers / copies / GPUs / workers) and
// exactly one rank (`rank 37`, `[Rank 37]`, `rank=37`, `rank37`; not `dp_rank 2`, a data-parallel
// group's index); a writer's bracketed prefix (`[Rank 0]`, `[rank0]:`) counts only where the line names
// no other rank (RG19: DeepSpeed's rank 0 reports "[Rank 0] [replica-check] ... rank 11 sha1=..."), and so does
// a prefix of several fields (`[replica_group=3/rank=0]`, PLC32); a line whose writer's prefix is its only rank and
// which reports on a replica group ("replica_group=2 differs") singles out no rank. A responder's shell
// command (IsShellCommandLine) is no such line. The finding: the rank named by at least
// kOneRankNumericsMinLines such lines and at least twice as many as any other rank. Its place, when a
// line says it (`rank 37 = h100-a044 local 5`, `rank 37 on node-3 gpu 5`, `rank 37 (node-3 local
// 5)`), is returned as written; the caller resolves the node's spelling. Lines comparing two ranks
// (`sha1(flat_param) rank 3 = 3fa0.. rank 11 = 91d2.. MISMATCH`), when no line singles out one: the
// rank in every such line against two or more others (RG17); the same two ranks each time: none.
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

constexpr size_t kOneRankNumericsMinLines = 2;

struct OneRankNumerics {
  int rank = -1;
  size_t lines = 0;            // lines singling it out
  size_t first_line = 0;       // index of the first of them
  size_t other_rank_lines = 0; // lines singling out another rank
  std::string node;            // its node as a line writes it ("" when none says)
  int gpu = -1;                // its local GPU as a line writes it
};

std::optional<OneRankNumerics> FindOneRankNumerics(const std::vector<std::string>& lines);

// Where a line says `rank` runs, as written: "rank 37 = h100-a044 local 5" (as above) or its node and
// local GPU as fields after it ("rank7 pod llm-ft-rg2-7 node h200-l084 local_rank 7", "rank=7
// host=gpu-a12 gpu=7", PLC32). The first such line; nullopt when none. The caller resolves the
// node's spelling.
struct WrittenRankPlace {
  std::string node;
  int gpu = -1;
};
std::optional<WrittenRankPlace> FindWrittenRankPlace(const std::vector<std::string>& lines, int rank);

}  // namespace vigil
