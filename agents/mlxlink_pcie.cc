#include "agents/mlxlink_pcie.h"

#include <algorithm>
#include <regex>

namespace vigil {
namespace {

// "16G-Gen 4" -> 4, "8X" -> 8; the number a speed or width value compares by.
int Rank(const std::string& v, bool speed) {
  static const std::regex kGen(R"(Gen\s*(\d))", std::regex::icase);
  static const std::regex kWidth(R"((\d{1,2})\s*X)", std::regex::icase);
  std::smatch m;
  if (speed ? std::regex_search(v, m, kGen) : std::regex_search(v, m, kWidth)) return std::stoi(m.str(1));
  return -1;
}

}  // namespace

std::vector<std::string> HcasWithDownTrainedPcie(const std::vector<std::string>& lines) {
  static const std::regex kCmd(R"(\bmlxlink\b.*\s-d\s+(mlx5_\d{1,3})\b.*--port_type[ =]PCIE\b|\bmlxlink\b.*--port_type[ =]PCIE\b.*\s-d\s+(mlx5_\d{1,3})\b)",
                               std::regex::icase);
  static const std::regex kRow(R"(^\s*Link (Speed|Width) Active \(Enabled\)\s*:\s*([^()]+?)\s*\(([^()]+)\)\s*$)");
  std::vector<std::string> out;
  std::string hca;  // the device of the mlxlink output being read ("" outside one)
  for (const std::string& line : lines) {
    if (line.size() > 400) continue;
    std::smatch m;
    if (line.find("mlxlink") != std::string::npos) {
      hca = std::regex_search(line, m, kCmd) ? (m[1].matched ? m.str(1) : m.str(2)) : "";
      continue;
    }
    if (hca.empty() || !std::regex_match(line, m, kRow)) continue;
    const bool speed = m.str(1) == "Speed";
    const int active = Rank(m.str(2), speed), enabled = Rank(m.str(3), speed);
    if (active > 0 && enabled > 0 && active < enabled && std::find(out.begin(), out.end(), hca) == out.end()) {
      out.push_back(hca);
    }
  }
  return out;
}

}  // namespace vigil
