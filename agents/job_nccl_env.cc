#include "agents/job_nccl_env.h"

#include <regex>

namespace vigil {
namespace {

bool LoggingOnly(const std::string& name) {
  return name.rfind("NCCL_DEBUG", 0) == 0 || (name.size() > 10 && name.compare(name.size() - 10, 10, "_DUMP_FILE") == 0);
}

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '.')) s.pop_back();
  return s;
}

}  // namespace

std::map<std::string, NcclSetting> ReadJobNcclSettings(const std::vector<std::string>& lines) {
  static const std::regex kSet(R"(NCCL INFO (NCCL_[A-Z0-9_]+) set by environment to (\S.*)$)");
  std::map<std::string, NcclSetting> out;
  std::smatch m;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.size() > 2000 || l.find("set by environment") == std::string::npos) continue;
    if (!std::regex_search(l, m, kSet)) continue;
    const std::string name = m.str(1);
    if (LoggingOnly(name)) continue;
    std::string value = TrimRight(m.str(2));
    if (value.empty()) continue;
    out[name] = NcclSetting{value, i};
  }
  return out;
}

std::optional<std::map<std::string, std::string>> ProbeNcclEnv(const ProbeResult& pr) {
  if (pr.details.is_object()) {
    auto it = pr.details.find("nccl_env");
    if (it != pr.details.end() && it->is_object()) {
      std::map<std::string, std::string> env;
      for (auto kv = it->begin(); kv != it->end(); ++kv) {
        if (kv.value().is_string()) env[kv.key()] = kv.value().get<std::string>();
      }
      return env;
    }
  }
  static const std::regex kDefault(
      R"(\bdefault NCCL env(?:ironment)?\b|\bNCCL env(?:ironment)?:? (?:default|none set|unset)\b|\bno NCCL_\* (?:variables? )?set\b)",
      std::regex::icase);
  if (std::regex_search(pr.reason.substr(0, 2000), kDefault)) return std::map<std::string, std::string>{};
  return std::nullopt;
}

std::vector<std::string> JobSettingsTestLacked(const std::map<std::string, NcclSetting>& job, const ProbeResult& pr) {
  std::vector<std::string> lacked;
  if (job.empty()) return lacked;
  const auto env = ProbeNcclEnv(pr);
  if (!env) return lacked;
  for (const auto& [name, setting] : job) {
    auto it = env->find(name);
    if (it == env->end() || it->second != setting.value) lacked.push_back(name + "=" + setting.value);
  }
  return lacked;
}

}  // namespace vigil
