#include "agents/fs_mount_failure.h"

#include <regex>

namespace vigil {
namespace {

// systemd's unit name of a mount point: "lustre-iwd" is /lustre/iwd, "\x2d" a literal '-', "-" alone "/".
std::string UnescapeMountUnit(const std::string& unit) {
  if (unit == "-") return "/";
  std::string out = "/";
  for (size_t i = 0; i < unit.size(); ++i) {
    if (unit[i] == '-') {
      out += '/';
    } else if (unit[i] == '\\' && i + 3 < unit.size() && unit[i + 1] == 'x') {
      const std::string hex = unit.substr(i + 2, 2);
      char* end = nullptr;
      const long v = std::strtol(hex.c_str(), &end, 16);
      if (end != hex.c_str() + 2 || v <= 0 || v > 127) return "";
      out += static_cast<char>(v);
      i += 3;
    } else {
      out += unit[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> MountFailurePoint(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  std::smatch m;
  if (line.find("mount") == std::string::npos) return std::nullopt;
  // mount.lustre / mount.nfs4 / mount.beegfs ...: "mount SRC at /mnt failed: No such device",
  // "mounting SRC on /mnt failed: Connection timed out".
  static const std::regex kHelper(
      R"(\bmount\.[a-z0-9_]{2,16}(?:\[\d+\])?:\s+(?:mount(?:ing)?\s+\S+\s+(?:at|on)\s+(/\S*)\s+failed\b|.{0,200}\bfailed\b))");
  if (std::regex_search(line, m, kHelper)) return m[1].matched ? m.str(1) : std::string();
  // systemd: "lustre-iwd.mount: Failed with result 'exit-code'." / "Failed to mount Lustre (/lustre/iwd)."
  static const std::regex kUnit(R"((?:^|[\s:])([A-Za-z0-9_.\\-]{1,120})\.mount: Failed with result\b)");
  if (std::regex_search(line, m, kUnit)) {
    std::string unit = m.str(1);
    return UnescapeMountUnit(unit);
  }
  static const std::regex kFailedToMount(R"(\bFailed to mount\s+(?:(/\S*?)\.?(?:\s|$)|[^(]{1,120}\((/[^)\s]*)\)))");
  if (std::regex_search(line, m, kFailedToMount)) {
    if (m[1].matched) return m.str(1);
    return m.str(2);
  }
  return std::nullopt;
}

bool StatesIoErrorUnder(const std::string& line, const std::string& mount_point) {
  if (line.size() > 4000 || mount_point.empty() || mount_point == "/") return false;
  static const std::regex kIoError(
      R"(No such file or directory|No such device\b|Stale (?:file|NFS file) handle|Input/output error|Transport endpoint is not connected|\[Errno (?:2|5|19|107|116)\]|\bE(?:NOENT|NODEV|STALE|IO|NOTCONN)\b)");
  if (!std::regex_search(line, kIoError)) return false;
  for (size_t at = line.find(mount_point); at != std::string::npos; at = line.find(mount_point, at + 1)) {
    const bool starts = at == 0 || line[at - 1] == ' ' || line[at - 1] == '\'' || line[at - 1] == '"' ||
                        line[at - 1] == '(' || line[at - 1] == '=' || line[at - 1] == ':' || line[at - 1] == '`';
    const size_t end = at + mount_point.size();
    const bool bounded = end == line.size() || line[end] == '/' || line[end] == '\'' || line[end] == '"' ||
                         line[end] == ' ' || line[end] == ':' || line[end] == ')';
    if (starts && bounded) return true;
  }
  return false;
}

bool StatesFsNotMounted(const std::string& reason) {
  if (reason.size() > 4000) return false;
  static const std::regex kNotMounted(
      R"((?:/\S+|\b(?:lustre|nfs4?|beegfs|gpfs|weka(?:fs)?|cephfs|vast)\b)\s+(?:is\s+)?not\s+mounted\b|\b(?:lustre|nfs|beegfs|gpfs|weka)\w*\s+(?:client\s+)?module\s+not\s+loaded\b)",
      std::regex::icase);
  return std::regex_search(reason, kNotMounted);
}

}  // namespace vigil
