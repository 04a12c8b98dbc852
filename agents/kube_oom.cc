#include "agents/kube_oom.h"

#include <algorithm>
#include <regex>

#include "agents/zero_counter.h"

namespace vigil {
namespace {

// A `kubectl ... get pod|pods|po ...` command (the first command of a pipeline is kubectl's).
bool IsKubectlGetPods(const std::string& text) {
  static const std::regex kGetPods(R"(\bkubectl\b[^|;]*\bget\s+(?:pods?|po)\b)");
  return text.size() <= 2000 && text.find("kubectl") != std::string::npos && std::regex_search(text, kGetPods);
}

void AddOnce(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

KubeOomKilledPods FindKubeOomKilledPods(const std::string& source, const std::vector<std::string>& lines) {
  static const std::regex kPod(R"(^\s*([a-z0-9][a-z0-9.]*-[a-z0-9.-]*[a-z0-9])(?:\s|$))");
  static const std::regex kOom(R"(\bOOMKilled\b)");
  KubeOomKilledPods out;
  bool listing = IsKubectlGetPods(source);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    if (IsShellCommandLine(line)) {
      listing = IsKubectlGetPods(line);
      continue;
    }
    if (!listing) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kPod)) continue;
    const std::string pod = m.str(1);
    AddOnce(out.listed, pod);
    if (!std::regex_search(line, kOom)) continue;
    if (std::find(out.oomkilled.begin(), out.oomkilled.end(), pod) != out.oomkilled.end()) continue;
    out.oomkilled.push_back(pod);
    out.lines.push_back(i);
  }
  return out;
}

}  // namespace vigil
