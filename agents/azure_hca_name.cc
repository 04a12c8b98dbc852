#include "agents/azure_hca_name.h"

#include <regex>

namespace vigil {

std::string AzureHcaPort(const std::string& name) {
  static const std::regex kName(R"(^mlx5_ib(\d{1,2})$)");
  std::smatch m;
  if (name.size() > 16 || !std::regex_match(name, m, kName)) return "";
  return "ib" + m.str(1);
}

std::string AzureHcaPortIn(const std::string& text) {
  if (text.size() > 2000 || text.find("mlx5_ib") == std::string::npos) return "";
  static const std::regex kWord(R"((?:^|[^A-Za-z0-9_])mlx5_ib(\d{1,2})(?![A-Za-z0-9_]))");
  std::smatch m;
  if (!std::regex_search(text, m, kWord)) return "";
  return "ib" + m.str(1);
}

}  // namespace vigil
