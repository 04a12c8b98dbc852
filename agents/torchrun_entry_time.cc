#include "agents/torchrun_entry_time.h"

#include <regex>

namespace vigil {

namespace {

constexpr size_t kMaxEntryLines = 12;

bool IsEntryField(const std::string& line) {
  static const std::regex kField(R"(^\s*(?:\d{1,5}:\s*)?(?:time|host|rank|exitcode|error_file|traceback)\s*:\s.*$)");
  return line.size() <= 300 && std::regex_match(line, kField);
}

}  // namespace

std::string TorchrunEntryTime(const std::vector<std::string>& lines, size_t k) {
  if (k >= lines.size() || !IsEntryField(lines[k])) return "";
  static const std::regex kHeader(R"(^\s*(?:\d{1,5}:\s*)?\[\d{1,5}\]:\s*$)");
  size_t header = k;
  for (size_t n = 0; header > 0 && n < kMaxEntryLines; ++n) {
    --header;
    if (IsEntryField(lines[header])) continue;
    if (lines[header].size() > 300 || !std::regex_match(lines[header], kHeader)) return "";
    static const std::regex kTime(
        R"(^\s*(?:\d{1,5}:\s*)?time\s*:\s*(\d{4}-\d{2}-\d{2})_(\d{2}:\d{2}:\d{2})\s*$)");
    for (size_t i = header + 1; i < lines.size() && i <= header + kMaxEntryLines && IsEntryField(lines[i]); ++i) {
      std::smatch m;
      if (std::regex_match(lines[i], m, kTime)) return m.str(1) + " " + m.str(2);
    }
    return "";
  }
  return "";
}

}  // namespace vigil
