#include "agents/nccl_link_layers.h"

#include <regex>

namespace vigil {

bool MixesLinkLayers(const std::string& line) {
  if (line.size() > 4000) return false;
  const size_t using_at = line.find("NET/IB : Using ");
  if (using_at == std::string::npos) return false;
  // The list ends at NCCL's "; OOB" (the bootstrap interface) when printed.
  const size_t end = line.find(';', using_at);
  const std::string list = line.substr(using_at, end == std::string::npos ? std::string::npos : end - using_at);
  static const std::regex kPort(R"(\[\d{1,3}\][\w.-]{1,32}:\d{1,3}/(RoCE|IB)\b)");
  bool roce = false, ib = false;
  for (auto it = std::sregex_iterator(list.begin(), list.end(), kPort); it != std::sregex_iterator(); ++it) {
    ((*it)[1].str() == "RoCE" ? roce : ib) = true;
  }
  return roce && ib;
}

std::optional<size_t> FindMixedLinkLayers(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (MixesLinkLayers(lines[i])) return i;
  }
  return std::nullopt;
}

}  // namespace vigil
