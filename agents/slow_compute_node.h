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
#pragma once

#include <string>

namespace vigil {

// Whether a slow-participant line ranks the ranks by their compute time.
bool RanksByComputeTime(const std::string& line);

}  // namespace vigil
