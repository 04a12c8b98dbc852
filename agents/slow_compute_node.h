// PLC53 (realistic48 rl48-07, seen): a straggler report that ranks the ranks by their own
// compute time ("slowest ranks by compute time: 27 (1.31x median), 24 (1.30x), ...", "max/min per-rank
// compute 1.38; slowest ranks 120-127") and names half a node's ranks or more, all on that node, says
// that every GPU of the node computes slowly, not that its ranks wait on one GPU (a wait for a peer is
// not compute time). A throttle on that node is then the node's (a power cap or a cooling fault set
// for the chassis; Beliefs::Component), not the one GPU a probe or an nvidia-smi paste read it on. A
// report of waits or step times alone is not read: a TP group's ranks all wait on one slow GPU.
// PLC57: NeMo's straggler detection's per-rank GPU performance score ("relative GPU performance 0.71")
// is such a compute-time report, also where the line names the node beside the ranks. Pure function,
// thread safe.
// PLC58 (realistic52 rl52-19, seen): the forward + backward time ("slowest ranks by fwd+bwd: 24..31
// (node) 7,910 ms") is the ranks' own compute time too.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace vigil {

// Whether a slow-participant line ranks the ranks by their compute time.
bool RanksByComputeTime(const std::string& line);

// PLC58: the range of ranks such a line names after "ranks" ("slowest ranks by fwd+bwd: 24..31", "ranks
// 120-127"): first and last, first < last, at most 4096 apart; nullopt for none.
std::optional<std::pair<int, int>> ComputeRankRange(const std::string& line);

}  // namespace vigil
