#include "agents/nccl_p2p_disabled.h"

#include <algorithm>
#include <regex>

namespace vigil {

bool StatesP2pDisabledByEnv(const std::string& line) {
  if (line.size() > 2000 || line.find("NCCL_P2P_DISABLE") == std::string::npos) return false;
  static const std::regex kSet(R"(\bNCCL_P2P_DISABLE set by environment to (?:1|true|yes)\b)", std::regex::icase);
  return std::regex_search(line, kSet);
}

bool StatesShmChannel(const std::string& line) {
  if (line.size() > 2000 || line.find("SHM") == std::string::npos) return false;
  static const std::regex kShm(R"(\bChannel \d+/\d+ : \d+\[\d+\] -> \d+\[\d+\] via SHM/)");
  return std::regex_search(line, kShm);
}

bool NvlinkClassGpuModel(const std::string& model) {
  if (model.size() > 200) return false;
  static const std::regex kModel(R"(\b(?:A100|A800|H100|H800|H200|H20|B200|B300|GB200|GB300)\b)", std::regex::icase);
  static const std::regex kPcie(R"(\bPCIe\b)", std::regex::icase);
  return std::regex_search(model, kModel) && !std::regex_search(model, kPcie);
}

std::optional<size_t> FindP2pDisabledByEnv(const std::vector<std::string>& lines) {
  std::optional<size_t> env;
  bool shm = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!env && StatesP2pDisabledByEnv(lines[i])) env = i;
    shm = shm || StatesShmChannel(lines[i]);
    if (env && shm) return env;
  }
  return std::nullopt;
}

}  // namespace vigil
