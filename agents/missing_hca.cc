#include "agents/missing_hca.h"

#include <regex>

namespace vigil {

std::string MissingHcaIn(const std::string& line) {
  if (line.size() > 2000 || line.find("mlx5_") == std::string::npos) return "";
  static const std::regex kTopoNic(R"(\bNIC (mlx5_\w{1,8}) listed in \S+ not found\b)");
  static const std::regex kNotPresented(R"(\bdevice (mlx5_\w{1,8}) not presented by (?:the )?host\b)", std::regex::icase);
  std::smatch m;
  if (std::regex_search(line, m, kTopoNic) || std::regex_search(line, m, kNotPresented)) return m.str(1);
  return "";
}

bool CountsMissingNic(const std::string& text) {
  if (text.size() > 2000) return false;
  static const std::regex kOf(
      R"(\b(\d{1,2})\s*(?:of|/)\s*(\d{1,2})\s+(?:NICs|HCAs|IB devices|InfiniBand devices|IB ports|rails)\b)",
      std::regex::icase);
  static const std::regex kExpected(
      R"(\b(\d{1,2})\s+(?:NICs|HCAs|IB devices|InfiniBand devices)\b[^.;]{0,20}?\bexpected\s+(\d{1,2})\b)",
      std::regex::icase);
  std::smatch m;
  if (std::regex_search(text, m, kOf) || std::regex_search(text, m, kExpected)) {
    return std::stoi(m.str(1)) < std::stoi(m.str(2));
  }
  return false;
}

}  // namespace vigil
