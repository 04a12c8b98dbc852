#include "agents/shell_count_vars.h"

#include <regex>

namespace vigil {

void ReadShellCountAssignment(const std::string& line, std::map<std::string, std::string>& vars) {
  if (line.size() > 500 || line.find('=') == std::string::npos) return;
  static const std::regex kAssign(R"(^\s*(?:(?:export|declare\s+-x|local|readonly)\s+)?([A-Za-z_][A-Za-z0-9_]{0,63})=(\S*))");
  std::smatch m;
  if (!std::regex_search(line, m, kAssign)) return;
  std::string value = m.str(2);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  // What follows the value must be nothing, a comment or the next command (";", "&&").
  const std::string rest = m.suffix().str();
  const size_t after = rest.find_first_not_of(" \t\r");
  const bool clean = after == std::string::npos || rest[after] == '#' || rest[after] == ';' || rest.compare(after, 2, "&&") == 0;
  if (clean && !value.empty() && value.size() <= 6 && value.find_first_not_of("0123456789") == std::string::npos) {
    vars[m.str(1)] = value;
  } else {
    vars.erase(m.str(1));
  }
}

std::string ExpandShellCountVars(const std::string& line, const std::map<std::string, std::string>& vars) {
  if (vars.empty() || line.find('$') == std::string::npos || line.size() > 2000) return line;
  static const std::regex kRef(R"(\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)))");
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kRef); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const std::string name = m[1].matched ? m.str(1) : m.str(2);
    auto v = vars.find(name);
    if (v == vars.end()) continue;
    out.append(line, last, static_cast<size_t>(m.position(0)) - last);
    out += v->second;
    last = static_cast<size_t>(m.position(0) + m.length(0));
  }
  if (last == 0) return line;
  out.append(line, last, std::string::npos);
  return out;
}

}  // namespace vigil
