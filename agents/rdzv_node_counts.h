// The node counts torch elastic's agents of ONE rendezvous were started with (PLC63, realistic56
// rl56-29): each agent prints its rendezvous settings ("starting workers ... rdzv_endpoint=m-0:29400,
// min_nodes=16, max_nodes=16"), and torch's own complaint names a participant whose count is not the
// run's ("participant X expects max_nodes=8, run has max_nodes=16"). Agents of one rendezvous
// started with different counts (one pod from an old template, one node's script with another
// --nnodes) can never complete it: the launch's configuration, not the node that is left waiting.
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

struct RdzvNodeCountSplit {
  bool found = false;
  size_t line = 0;   // the line that shows it: torch's complaint, else the agent whose count is the odd one
  std::string what;  // "min_nodes/max_nodes 8/8 on 1 agent, 16/16 on 14 agents"
};

// Over one log's lines: torch's "expects max_nodes=A, run has max_nodes=B" (A != B; min_nodes too),
// or two or more agent lines naming the same rendezvous endpoint (rdzv_endpoint=; lines with none
// count as one rendezvous) whose (min_nodes, max_nodes) differ. A relaunch with the same counts, or
// different endpoints (two jobs), is no finding.
RdzvNodeCountSplit FindRdzvNodeCountSplit(const std::vector<std::string>& lines);

}  // namespace vigil
