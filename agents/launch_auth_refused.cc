#include "agents/launch_auth_refused.h"

#include <regex>
#include <set>

#include "agents/quota_denied_pod.h"

namespace vigil {

std::string SlurmLaunchAuthRefusedNode(const std::string& line) {
  if (line.size() > 4000 || line.find("launch") == std::string::npos) return {};
  static const std::regex kLaunch(
      R"(\bTask launch for StepId=\S+ failed on node (\S+?):\s*(?:Protocol authentication error|Invalid authentication credential)\b)",
      std::regex::icase);
  std::smatch m;
  if (std::regex_search(line, m, kLaunch)) return m.str(1);
  return {};
}

bool StatesMungeAuthRefused(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kMunge(
      R"(\bMunge decode failed\b|\bmunged\b.{0,40}\bInvalid credential\b|\bauth_g_verify:.{0,120}\bauthentication error\b|\bProtocol authentication error\b)",
      std::regex::icase);
  return std::regex_search(line, kMunge);
}

std::string PullAuthRefusedPod(const std::string& line) {
  if (line.size() > 4000 || line.find("ull") == std::string::npos) return {};
  static const std::regex kPull(R"(\bFailed to pull image\b)", std::regex::icase);
  static const std::regex kAuth(
      R"(\bfailed to authorize\b|\b401 Unauthorized\b|\bunauthorized\b|\bpull access denied\b|\bauthentication required\b|\bdenied: requested access\b|\bstatus(?: code)?:? 401\b)",
      std::regex::icase);
  if (!std::regex_search(line, kPull) || !std::regex_search(line, kAuth)) return {};
  static const std::regex kPod(R"(\bpod/([A-Za-z0-9][-A-Za-z0-9.]*))");
  std::smatch m;
  if (std::regex_search(line, m, kPod)) return m.str(1);
  return "?";
}

std::optional<LaunchAuthRefused> FindLaunchAuthRefused(const std::vector<std::string>& lines) {
  // Slurm.
  {
    LaunchAuthRefused r;
    std::set<std::string> nodes;
    std::optional<size_t> first;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].size() > 4000) continue;
      const std::string n = SlurmLaunchAuthRefusedNode(lines[i]);
      if (!n.empty()) {
        nodes.insert(n);
        if (!first) first = i;
      } else if (StatesMungeAuthRefused(lines[i]) && r.notes.size() < 3) {
        r.notes.push_back(i);
      }
    }
    if (first) {
      r.line = *first;
      if (nodes.size() == 1) r.node = *nodes.begin();
      return r;
    }
  }
  // Kubernetes.
  {
    LaunchAuthRefused r;
    r.image_pull = true;
    std::set<std::string> pods;
    std::optional<size_t> first;
    bool world = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].size() > 4000) continue;
      if (!world && StatesWorldNotReached(lines[i])) world = true;
      const std::string p = PullAuthRefusedPod(lines[i]);
      if (p.empty() || !pods.insert(p).second) continue;
      if (!first) first = i;
      else if (r.notes.size() < 2) r.notes.push_back(i);
    }
    if (first && pods.size() >= 2 && world) {
      r.line = *first;
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace vigil
