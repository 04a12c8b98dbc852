#include "agents/rendezvous_host.h"

#include <regex>

#include "agents/node_names.h"

namespace vigil {

std::vector<std::string> RendezvousConnectHosts(const std::string& line) {
  std::vector<std::string> out;
  if (line.size() > 4000 || line.find("connect to") == std::string::npos) return out;
  static const std::regex kBracket(R"(\bfailed to connect to \[([^\]\s]{1,253})\]:\d{1,5})");
  static const std::regex kParen(R"(\btrying to connect to \(([^,\s)]{1,253}),\s*\d{1,5}\))");
  for (const std::regex* re : {&kBracket, &kParen}) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), *re); it != std::sregex_iterator(); ++it) {
      std::string h = (*it)[1].str();
      bool seen = false;
      for (const std::string& o : out) seen = seen || SameNodeName(o, h);
      if (!seen) out.push_back(std::move(h));
    }
  }
  return out;
}

std::vector<std::string> AllocationHostlists(const std::string& line) {
  std::vector<std::string> out;
  if (line.size() > 4000 || (line.find("NodeList=") == std::string::npos && line.find("NODELIST=") == std::string::npos)) {
    return out;
  }
  static const std::regex kList(R"((?:^|[\s"'])(?:SLURM_JOB_NODELIST|SLURM_NODELIST|NodeList)=([^\s"']+))");
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kList); it != std::sregex_iterator(); ++it) {
    const std::string v = (*it)[1].str();
    if (v == "(null)" || v == "None" || v.empty()) continue;
    out.push_back(v);
  }
  return out;
}

}  // namespace vigil
