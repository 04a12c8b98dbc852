#include "agents/nfs_readings.h"

#include <cstdlib>
#include <regex>

namespace vigil {

NfsReading ReadNfsLine(const std::string& previous, const std::string& line) {
  if (line.size() > 1000) return NfsReading::kNone;
  std::smatch m;
  // nfsiostat: "read: ops/s kB/s kB/op retrans avg RTT (ms) avg exe (ms) ..." then
  // "398.400 50995.200 128.000 0 (0.0%) 183.412 190.077 ...".
  static const std::regex kRow(R"(^\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\s+\([\d.]+%\)\s+([\d.]+)\s+([\d.]+))");
  if (previous.find("read:") != std::string::npos && previous.find("avg RTT") != std::string::npos &&
      std::regex_search(line, m, kRow)) {
    constexpr double kSlowRttMs = 50;  // an NFS read over a healthy fabric: ~1-5 ms
    return std::strtod(m.str(1).c_str(), nullptr) >= kSlowRttMs ? NfsReading::kSlowRtt : NfsReading::kNone;
  }
  // ps -o pid,stat,wchan,comm: "61201 D    rpc_wait_bit_killable    pt_data_worker".
  static const std::regex kDState(R"(^\s*\d+\s+D\S*\s+(?:rpc_wait\w*|nfs_\w+|nfs4_\w+)\b)");
  if (line.find(" D") != std::string::npos && std::regex_search(line, kDState)) return NfsReading::kRpcWait;
  // top: "%Cpu(s):  2.1 us,  0.9 sy,  0.0 ni, 61.2 id, 35.6 wa, ...".
  static const std::regex kTop(R"(%Cpu\(s\):.*?([\d.]+)\s+wa\b)");
  if (line.find("%Cpu") != std::string::npos && std::regex_search(line, m, kTop)) {
    constexpr double kHighIoWait = 20;
    return std::strtod(m.str(1).c_str(), nullptr) >= kHighIoWait ? NfsReading::kIoWait : NfsReading::kNone;
  }
  return NfsReading::kNone;
}

}  // namespace vigil
