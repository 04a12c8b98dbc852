#include "agents/slurm_trace_lines.h"

#include <regex>
#include <sstream>

#include "core/parse.h"

namespace vigil {

namespace {

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::map<std::string, std::string> TracedEchoValues(const std::string& command, const std::string& output) {
  std::map<std::string, std::string> out;
  if (command.size() > 1000 || output.size() > 1000 || command.find("echo") == std::string::npos) return out;
  // bash -x's "+ " (one '+' a nesting level) or a prompt's "$ " / "# ", then echo and variables only.
  static const std::regex kEcho(R"(^\s*(?:\++|\$|#)\s+echo((?:\s+"?\$\{?[A-Za-z_]\w{0,63}\}?"?)+)\s*$)");
  static const std::regex kVar(R"(\$\{?([A-Za-z_]\w{0,63})\}?)");
  std::smatch m;
  if (!std::regex_match(command, m, kEcho)) return out;
  const std::string vars = m.str(1);
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(vars.begin(), vars.end(), kVar); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1].str());
  }
  const std::vector<std::string> values = Words(output);
  if (names.empty() || values.size() != names.size()) return out;
  for (size_t i = 0; i < names.size(); ++i) out.emplace(names[i], values[i]);
  return out;
}

std::optional<int> TracedHostCount(const std::string& command, const std::string& output) {
  if (command.size() > 1000 || command.find("hostname") == std::string::npos) return std::nullopt;
  static const std::regex kCount(
      R"(^\s*(?:\++|\$|#)\s+scontrol\s+show\s+hostnames?\s+"?\$\{?SLURM_(?:JOB_)?NODELIST\}?"?\s*\|\s*wc\s+-l\s*$)");
  if (!std::regex_match(command, kCount)) return std::nullopt;
  const std::vector<std::string> w = Words(output);
  if (w.size() != 1 || w[0].size() > 6 || w[0].find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::optional<int32_t> n = ParseInt32(w[0]);
  if (!n || *n <= 0) return std::nullopt;
  return *n;
}

}  // namespace vigil
