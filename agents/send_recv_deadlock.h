// Two ranks of a point-to-point exchange both sending to each other (or both receiving), no matching
// op posted on either side (PLC74, 2026-12-07, realistic64 rl64-17, SEEN). Pipeline-parallel stages
// whose send / recv order disagrees (a schedule change, a patched interleaved 1F1B) deadlock: stage 0
// sends its activations to stage 1 while stage 1 sends its gradients to stage 0, and both wait for a
// RECV that is never posted. Neither rank is slow nor faulty; the program's order differs across ranks,
// as a collective mismatch (collective_mismatch.h): nccl_collective_hang of the whole job, not the GPU
// of the rank whose watchdog line comes first.
//
// Read:
//   - PyTorch's desync report (TORCH_NCCL_DESYNC_DEBUG): "rank 0 (global 20) is blocked in SEND to peer 1
//     (global 52); peer 1 is blocked in SEND to peer 0" (RECV from / RECV from alike);
//   - the flight recorder's analysis (fr_trace) listing the two ranks' ops: "rank 20: send -> 52 ..."
//     and "rank 52: send -> 20 ..." (or "recv <- " both ways) within a few lines of each other.
// Not read: a send met by a recv ("rank 20: send -> 52", "rank 52: recv <- 20": the exchange is
// matched, one side is late), a rank blocked in SEND whose peer is blocked in RECV. Pure functions,
// thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/collective_mismatch.h"

namespace vigil {

// The first line of `lines` stating two ranks each blocked in the same point-to-point op towards the
// other; nullopt when none.
std::optional<CollectiveMismatch> FindSendRecvDeadlock(const std::vector<std::string>& lines);

}  // namespace vigil
