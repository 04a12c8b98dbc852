#include "agents/page_cause_lines.h"

#include <algorithm>
#include <cmath>
#include <regex>

namespace vigil {

bool StatesRankAbort(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kAbort(
      R"(Process group watchdog thread terminated with exception|taking the entire process down|)"
      R"(\bfailed \(exitcode: -?[1-9]\d*\)|\bChildFailedError\b|)"
      R"(\bsrun: error: \S+: tasks? [\d,\-\[\]]+: (Exited with exit code [1-9]\d*|Killed|Terminated))");
  return std::regex_search(line, kAbort);
}

std::optional<int64_t> FirstRankAbortMs(const std::vector<std::string>& lines, const std::vector<int64_t>& times_ms,
                                        int64_t no_time) {
  std::optional<int64_t> first;
  for (size_t i = 0; i < lines.size() && i < times_ms.size(); ++i) {
    if (times_ms[i] == no_time || !StatesRankAbort(lines[i])) continue;
    if (!first || times_ms[i] < *first) first = times_ms[i];
  }
  return first;
}

bool StillBusyAt(const std::vector<int64_t>& timestamps_ms, const std::vector<double>& values, int64_t at_ms) {
  std::vector<double> before;
  double last = NAN;
  for (size_t i = 0; i < timestamps_ms.size() && i < values.size(); ++i) {
    if (timestamps_ms[i] > at_ms || !std::isfinite(values[i])) continue;
    before.push_back(values[i]);
    last = values[i];
  }
  if (before.size() < 2) return false;
  std::nth_element(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(before.size() / 2), before.end());
  const double median = before[before.size() / 2];
  return median > 0 && last >= 0.8 * median;
}

bool LustreConnectBusy(const std::string& line) {
  if (line.size() > 2000 || line.find("LustreError") == std::string::npos) return false;
  static const std::regex kBusy(R"(LustreError: .*\boperation (?:ost|mds|mgs)_connect to node \S+ failed: rc = -16\b)");
  return std::regex_search(line, kBusy);
}

bool DataLoaderOutOfFiles(const std::string& line) {
  if (line.size() > 2000) return false;
  if (line.find("Too many open files") == std::string::npos && line.find("EMFILE") == std::string::npos) return false;
  // PyTorch's DataLoader: the main process cannot receive from its workers any more.
  if (line.find("Too many open files. Communication with the workers is no longer possible") != std::string::npos) {
    return true;
  }
  static const std::regex kWorker(
      R"(\bdata[ _-]?loader\b[^\n]{0,60}\bworker\b[^\n]{0,200}(\[Errno 24\] Too many open files|\bEMFILE\b))",
      std::regex::icase);
  return std::regex_search(line, kWorker);
}

bool StatesLocalBlockDeviceFailure(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kDevice(
      R"(\bnvme nvme\d+: (I/O \d+ (\(\w+\) )?QID \d+ timeout|controller is down)|)"
      R"(\bI/O error, dev (nvme\d+n\d+|sd[a-z]+|vd[a-z]+|md\d+)\b|)"
      R"(\bXFS \((nvme\d+n\d+(p\d+)?|sd[a-z]+\d*|vd[a-z]+\d*|md\d+|dm-\d+)\): (log|metadata) I/O error|)"
      R"(\bEXT4-fs error \(device (nvme\d+n\d+(p\d+)?|sd[a-z]+\d*|vd[a-z]+\d*|md\d+|dm-\d+)\)|)"
      R"(\bmd/raid\d*:md\d+: Disk failure on )");
  return std::regex_search(line, kDevice);
}

}  // namespace vigil
