#include "agents/rendezvous_host.h"

#include <cctype>
#include <regex>

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
      for (const std::string& o : out) seen = seen || SameHost(o, h);
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

namespace {
std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}
}  // namespace

bool IsIpAddress(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;
  static const std::regex kV4(R"(^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$)");
  return std::regex_match(host, kV4);
}

bool SameHost(const std::string& a, const std::string& b) {
  std::string x = Lower(a), y = Lower(b);
  while (!x.empty() && x.back() == '.') x.pop_back();
  while (!y.empty() && y.back() == '.') y.pop_back();
  if (x.empty() || y.empty()) return false;
  if (x == y) return true;
  if (IsIpAddress(x) || IsIpAddress(y)) return false;
  const std::string xs = x.substr(0, x.find('.')), ys = y.substr(0, y.find('.'));
  // One side short: its name is the other's first label.
  if (x.find('.') == std::string::npos || y.find('.') == std::string::npos) return xs == ys;
  return false;
}

}  // namespace vigil
