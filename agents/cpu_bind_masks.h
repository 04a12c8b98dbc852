// PLC73 (realistic63 rl63-27, seen): Slurm's --cpu-bind=verbose lines ("cpu-bind=MASK - node-7, task 61
// 5 [88012]: mask 0xffffffffffffff set": the node, the task's global id, its local id on the node, its
// pid and the CPU mask it was bound to). One local rank bound to other CPUs than the same local rank
// on the job's other nodes - a mask sharing no CPU with theirs: the other socket, far from its GPU, after
// a node's gres.conf Cores= or a cpuset changed - is that rank's host side apart: its copies cross the
// socket link and its launches wait, and it holds every step back (straggler_rank on its GPU) while
// its GPU itself is healthy. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct CpuBindMask {
  std::string host;  // as the line spells it
  int task = -1;     // the task's global id (srun's task = the job's rank)
  int local = -1;    // its id on the node
  std::string mask;  // the hex digits, lower case, no 0x, no leading zeros
  size_t line = 0;   // index into the lines read
};

// The cpu-bind lines of `lines` (lines over 2000 bytes are not read; at most 4096 kept).
std::vector<CpuBindMask> ReadCpuBindMasks(const std::vector<std::string>& lines);

// Whether two hex masks (CpuBindMask::mask) share no set bit; false when either is empty or zero.
bool CpuMasksDisjoint(const std::string& a, const std::string& b);

// The entry of task `rank` when its mask shares no CPU with the mask of every entry of the same local
// id on another node, there is at least one such entry, and those entries all carry one mask; nullopt
// otherwise.
std::optional<CpuBindMask> RankBoundApart(const std::vector<CpuBindMask>& masks, int rank);

}  // namespace vigil
