#include "agents/container_shm.h"

#include <cctype>
#include <regex>

#include "core/parse.h"

namespace vigil {
namespace {

// A size as df -h prints it ("64M", "1.0G", "65536" KiB blocks without a suffix), in MiB.
std::optional<double> SizeMiB(const std::string& figure, const std::string& unit) {
  const std::optional<double> v = ParseDouble(figure);
  if (!v) return std::nullopt;
  if (unit.empty() || unit == "K" || unit == "k") return *v / 1024;  // df's 1K-blocks
  if (unit == "M") return *v;
  if (unit == "G") return *v * 1024;
  if (unit == "T") return *v * 1024 * 1024;
  return std::nullopt;
}

}  // namespace

bool StatesShmExhausted(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kBus(
      R"(\bbus error\b|\bSIGBUS\b|signal:? 7\b|insufficient shared memory|out of shared memory|/dev/shm.{0,80}No space left on device|No space left on device.{0,80}/dev/shm)",
      std::regex::icase);
  if (std::regex_search(line, kBus)) return true;
  // PLC73 (realistic63 rl63-11): NCCL's own words when its intra-node SHM transport cannot size its
  // segment in /dev/shm: "include/shm.h:28 NCCL WARN Error: failed to extend /dev/shm/nccl-XXXX to
  // 9637892 bytes", "Error while creating shared memory segment /dev/shm/nccl-XXXX (size 9637888)".
  // Not "Error while attaching to": a segment another rank created and lost (removed), no size limit.
  static const std::regex kNcclShm(
      R"(\bfailed to extend /dev/shm/\S+ to \d+|\berror while creating shared memory segment\b)", std::regex::icase);
  return line.find("shm") != std::string::npos && std::regex_search(line, kNcclShm);
}

std::optional<size_t> FindDefaultSizeShm(const std::vector<std::string>& lines) {
  // df: "shm  64M  64M  0  100% /dev/shm" (a pdsh / kubectl label before it allowed).
  static const std::regex kDf(
      R"((?:^|\s)(\d+(?:\.\d+)?)([KMGT]?)i?\s+(\d+(?:\.\d+)?)[KMGT]?i?\s+(\d+(?:\.\d+)?)([KMGT]?)i?\s+(\d{1,3})%\s+/dev/shm\s*$)");
  // mount / /proc/mounts: "shm on /dev/shm type tmpfs (rw,nosuid,nodev,noexec,relatime,size=65536k)".
  static const std::regex kMount(R"(/dev/shm\s+(?:type\s+)?tmpfs\b.*\bsize=(\d+)([kmgKMG]?)\b)");
  std::optional<size_t> small;
  bool exhausted = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000) continue;
    if (!exhausted && StatesShmExhausted(t)) exhausted = true;
    if (small || t.find("/dev/shm") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(t, m, kDf)) {
      const std::optional<double> size = SizeMiB(m.str(1), m.str(2));
      const std::optional<double> avail = ParseDouble(m.str(4));
      const std::optional<double> use = ParseDouble(m.str(6));
      if (size && *size > 0 && *size <= kDefaultShmMaxMiB && ((use && *use >= 90) || (avail && *avail == 0))) small = i;
    } else if (std::regex_search(t, m, kMount)) {
      std::string unit = m.str(2);
      if (!unit.empty()) unit[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
      const std::optional<double> size = SizeMiB(m.str(1), unit);
      // mount's size= without a suffix is bytes (SizeMiB read it as KiB).
      const double mib = !size ? 0 : unit.empty() ? *size / 1024 : *size;
      if (mib > 0 && mib <= kDefaultShmMaxMiB) small = i;
    }
  }
  if (!small || !exhausted) return std::nullopt;
  return small;
}

}  // namespace vigil
