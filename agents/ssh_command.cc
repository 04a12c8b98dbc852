#include "agents/ssh_command.h"

#include <sstream>
#include <string_view>
#include <vector>

namespace vigil {

std::string SshTarget(const std::string& command_line) {
  std::vector<std::string> words;
  std::istringstream in(command_line);
  for (std::string w; in >> w;) words.push_back(w);
  // ssh's options that take an argument (OpenSSH's ssh(1)).
  constexpr std::string_view kWithArgument = "BbcDEeFIiJLlmOoPpQRSWw";
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w != "ssh" && (w.size() < 4 || w.compare(w.size() - 4, 4, "/ssh") != 0)) continue;
    for (size_t j = i + 1; j < words.size(); ++j) {
      const std::string& a = words[j];
      if (a == "|" || a == ";" || a == "&&" || a == "||") return "";
      if (a.size() >= 2 && a[0] == '-') {
        if (a.size() == 2 && kWithArgument.find(a[1]) != std::string_view::npos) ++j;
        continue;
      }
      std::string host = a;
      if (host.rfind("ssh://", 0) == 0) host.erase(0, 6);
      if (size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
      if (size_t colon = host.find(':'); colon != std::string::npos) host.resize(colon);
      while (!host.empty() && (host.back() == '\'' || host.back() == '"')) host.pop_back();
      while (!host.empty() && (host.front() == '\'' || host.front() == '"')) host.erase(0, 1);
      return host;
    }
    return "";
  }
  return "";
}

}  // namespace vigil
