#include "agents/smi_process_table.h"

#include <map>
#include <regex>
#include <set>

namespace vigil {
namespace {

struct Row {
  size_t line = 0;
  std::string program;  // the process name's last path part ("tritonserver" for /opt/.../tritonserver)
  std::string printed;  // the name as printed
};

std::string BaseName(const std::string& s) {
  const size_t slash = s.find_last_of('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

std::optional<SmiSharedGpu> FindSmiSharedGpu(const std::vector<std::string>& lines) {
  // "|    7   N/A  N/A     88410    M+C   /opt/tritonserver/bin/tritonserver     9120MiB |", and the
  // pre-MIG form without GI / CI ("|    0     12345      C   python     1234MiB |").
  static const std::regex kRow(
      R"(^\s*\|?\s*(\d{1,2})\s+(?:(?:N/A|\d+)\s+(?:N/A|\d+)\s+)?(\d{1,9})\s+(C|G|M|C\+G|G\+C|M\+C|C\+M|M\+G)\s+(\S(?:.*?\S)?)\s+(?:\d+\s*MiB|N/A)\s*\|?\s*$)");
  std::map<int, std::vector<Row>> by_gpu;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 400 || (line.find("MiB") == std::string::npos && line.find("N/A") == std::string::npos)) continue;
    std::smatch m;
    if (!std::regex_match(line, m, kRow)) continue;
    const std::string type = m.str(3);
    if (type == "G") continue;  // a display process computes nothing
    by_gpu[std::stoi(m.str(1))].push_back({i, BaseName(m.str(4)), m.str(4)});
  }
  std::set<std::string> single_programs;
  size_t single = 0;
  for (const auto& [gpu, rows] : by_gpu) {
    if (rows.size() == 1) {
      ++single;
      single_programs.insert(rows[0].program);
    }
  }
  if (single == 0) return std::nullopt;
  std::optional<SmiSharedGpu> out;
  for (const auto& [gpu, rows] : by_gpu) {
    if (rows.size() < 2) continue;
    const Row* other = nullptr;
    bool job_there = false;
    for (const Row& r : rows) {
      if (single_programs.count(r.program)) job_there = true;
      else if (!other) other = &r;
    }
    if (!other || !job_there) continue;
    if (out) return std::nullopt;  // two GPUs shared: no single odd one
    out = SmiSharedGpu{other->line, gpu, rows.size(), single, other->printed};
  }
  return out;
}

}  // namespace vigil
