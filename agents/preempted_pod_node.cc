#include "agents/preempted_pod_node.h"

#include <regex>

namespace vigil {

std::vector<std::string> PreemptedPodNodes(const std::string& line) {
  std::vector<std::string> out;
  if (line.size() > 2000 || line.find("reempt") == std::string::npos) return out;
  static const std::regex kPreempt(
      R"(\b(?:Preempted|Preempting|PreemptionBy(?:Kube)?Scheduler)\b|\bbecause of preempt)", std::regex::icase);
  // "preempted by a higher-priority pod" but not "not preempted" / "preemption: 0/8 nodes are
  // available" (the scheduler's FailedScheduling, which preempts nothing yet).
  static const std::regex kNot(R"(\bnot preempted\b|\bpreemption:\s*\d+/\d+ nodes\b|\bNo preemption victims\b)",
                               std::regex::icase);
  static const std::regex kNode(R"(\b(?:nodeName|node_name|[Nn]ode)\s*[:=]?\s*"?([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])\b)");
  if (!std::regex_search(line, kPreempt) || std::regex_search(line, kNot)) return out;
  for (std::sregex_iterator it(line.begin(), line.end(), kNode), end; it != end; ++it) out.push_back(it->str(1));
  return out;
}

}  // namespace vigil
