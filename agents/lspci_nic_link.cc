#include "agents/lspci_nic_link.h"

#include <algorithm>
#include <regex>

namespace vigil {
namespace {

struct Link {
  double gts = -1;
  int width = -1;
};

Link ReadLink(const std::string& line) {
  static const std::regex kSpeed(R"(\bSpeed\s+([0-9]+(?:\.[0-9]+)?)\s*GT/s)", std::regex::icase);
  static const std::regex kWidth(R"(\bWidth\s+x(\d{1,2})\b)", std::regex::icase);
  Link l;
  std::smatch m;
  if (std::regex_search(line, m, kSpeed)) l.gts = std::stod(m.str(1));
  if (std::regex_search(line, m, kWidth)) l.width = std::stoi(m.str(1));
  return l;
}

}  // namespace

LspciDownTrained LspciDownTrainedLinks(const std::vector<std::string>& lines) {
  static const std::regex kHca(R"(\b(mlx5_\d{1,3})\b)");
  LspciDownTrained out;
  bool in_block = false;
  std::string hca;
  Link cap;
  for (const std::string& line : lines) {
    if (line.size() > 400) continue;
    std::smatch m;
    if (line.find("lspci") != std::string::npos) {
      in_block = true;
      cap = {};
      hca.clear();
      // The command's comment ("# mlx5_3") names the device it reads.
      const size_t hash = line.find('#');
      if (hash != std::string::npos) {
        const std::string comment = line.substr(hash);
        std::string named;
        bool two = false;
        for (auto it = std::sregex_iterator(comment.begin(), comment.end(), kHca); it != std::sregex_iterator(); ++it) {
          if (!named.empty() && named != it->str(1)) two = true;
          named = it->str(1);
        }
        if (!two) hca = named;
      }
      continue;
    }
    if (!line.empty() && line[0] == '$') {  // another command
      in_block = false;
      continue;
    }
    if (!in_block) continue;
    if (line.find("LnkCap:") != std::string::npos) {
      cap = ReadLink(line);
      continue;
    }
    if (line.find("LnkSta:") == std::string::npos) continue;
    const Link sta = ReadLink(line);
    const bool down = line.find("downgraded") != std::string::npos ||
                      (cap.width > 0 && sta.width > 0 && sta.width < cap.width) ||
                      (cap.gts > 0 && sta.gts > 0 && sta.gts < cap.gts);
    if (!down) continue;
    if (hca.empty()) {
      out.other = true;
    } else if (std::find(out.hcas.begin(), out.hcas.end(), hca) == out.hcas.end()) {
      out.hcas.push_back(hca);
    }
  }
  return out;
}

}  // namespace vigil
