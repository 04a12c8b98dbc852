#include "agents/node_kernel_hang.h"

#include <regex>

namespace vigil {

bool StatesKernelHang(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kHang(
      R"(\bsoft lockup\b[^|]{0,40}\bCPU#?\d+\b[^|]{0,20}\bstuck\b|\bhard LOCKUP\b|\brcu_\w+ (?:self-)?detected stalls?\b|\bdetected stalls on CPUs\b|\bNot all CPUs entered broadcast exception handler\b|\|\s*IERR\s*\|[^|]{0,10}\bAsserted\b|\bWatchdog\d*\b[^|]{0,30}\|\s*Timer expired\s*\|[^|]{0,10}\bAsserted\b)",
      std::regex::icase);
  static const std::regex kCleared(R"(\bdeasserted\b)", std::regex::icase);
  return std::regex_search(line, kHang) && !std::regex_search(line, kCleared);
}

}  // namespace vigil
