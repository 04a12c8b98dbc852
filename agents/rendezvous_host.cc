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

std::string SlurmJobIdOfLine(const std::string& line) {
  if (line.size() > 4000 || (line.find("JobId=") == std::string::npos && line.find("SLURM_JOB") == std::string::npos &&
                             line.find("show job") == std::string::npos)) {
    return "";
  }
  static const std::regex kJob(R"((?:\bJobId=|\bSLURM_JOB_?ID=|\bscontrol\s+show\s+jobs?\s+)(\d+)\b)");
  std::smatch m;
  return std::regex_search(line, m, kJob) ? m[1].str() : std::string();
}

std::string SlurmJobIdOfSource(const std::string& source) {
  static const std::regex kOut(R"((?:^|/)slurm-(\d+)(?:_\d+)?\.(?:out|err|log)$)");
  std::smatch m;
  return std::regex_search(source, m, kOut) ? m[1].str() : std::string();
}

}  // namespace vigil
