#include "agents/cloud_vm_eviction.h"

#include <regex>

namespace vigil {

bool StatesVmEvictionNotice(const std::string& line) {
  if (line.size() > 4000) return false;
  // Not Azure's "Redeploy": the VM comes back on another host, and the notice may be older than the job
  // that then ran on it (realistic57 rl57-15: redeployed before the job, one IB VF missing after it).
  static const std::regex kAzureEvent(R"re("EventType"\s*:\s*"(?:Preempt|Terminate)")re");
  static const std::regex kSpot(
      R"(\b[Ss]pot\s*(?:VM\s*|[Ii]nstance\s*)?(?:[Ee]viction|[Ii]nterruption)\b|\bSpotEviction\b|)"
      R"(\bspot/instance-action\b|\binstance-action\b[^\n]{0,80}"?action"?\s*[:=]\s*"?(?:terminate|stop|hibernate)\b)");
  static const std::regex kGcp(
      R"(\bcompute\.instances\.preempted\b|\b[Ii]nstance (?:was|has been|is being) preempted\b|)"
      R"(\bonHostMaintenance\s*[:=]\s*"?TERMINATE\b|\bTERMINATE_ON_HOST_MAINTENANCE\b)");
  static const std::regex kVm(
      R"(\b(?:VM|[Vv]irtual [Mm]achine|[Ii]nstance)\b[^.;\n]{0,60}\b(?:was |is being |will be |has been )(?:preempted|evicted)\b)");
  return std::regex_search(line, kAzureEvent) || std::regex_search(line, kSpot) || std::regex_search(line, kGcp) ||
         std::regex_search(line, kVm);
}

std::vector<std::string> EvictedVmNames(const std::string& line) {
  std::vector<std::string> out;
  if (!StatesVmEvictionNotice(line)) return out;
  static const std::regex kResources(R"re("Resources"\s*:\s*\[([^\]]*)\])re");
  static const std::regex kQuoted(R"re("([^"]+)")re");
  std::smatch m;
  if (std::regex_search(line, m, kResources)) {
    const std::string list = m.str(1);
    for (std::sregex_iterator it(list.begin(), list.end(), kQuoted), end; it != end; ++it) out.push_back(it->str(1));
    return out;
  }
  static const std::regex kHost(R"((?:^|[^A-Za-z0-9._-])([A-Za-z][A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*))");
  for (std::sregex_iterator it(line.begin(), line.end(), kHost), end; it != end; ++it) {
    std::string name = it->str(1);
    while (!name.empty() && (name.back() == '.' || name.back() == '-' || name.back() == '_')) name.pop_back();
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

}  // namespace vigil
