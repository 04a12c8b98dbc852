#include "agents/gpu_compute_apps.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "agents/pci_bus.h"

namespace vigil {
namespace {

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) {
    const size_t a = cell.find_first_not_of(" \t");
    const size_t b = cell.find_last_not_of(" \t");
    out.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
  }
  return out;
}

struct Table {
  std::map<std::string, std::vector<size_t>> rows;  // bus -> its rows' lines
};

std::optional<SharedGpu> Shared(const Table& t) {
  std::optional<SharedGpu> out;
  size_t single = 0;
  for (const auto& [bus, rows] : t.rows) {
    if (rows.size() == 1) {
      ++single;
    } else if (out) {
      return std::nullopt;  // two shared GPUs: no single odd one
    } else {
      out = SharedGpu{rows[1], bus, rows.size(), 0};
    }
  }
  if (!out || single < 2) return std::nullopt;
  out->other_gpus = single;
  return out;
}

}  // namespace

std::optional<SharedGpu> FindSharedGpu(const std::vector<std::string>& lines) {
  int pid_col = -1, bus_col = -1;
  Table table;
  auto close = [&]() -> std::optional<SharedGpu> {
    std::optional<SharedGpu> s = Shared(table);
    table = Table{};
    pid_col = bus_col = -1;
    return s;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 1000) continue;
    const size_t q = line.find("--query-compute-apps=");
    const bool header = line.find("pid") != std::string::npos && line.find("gpu_bus_id") != std::string::npos;
    if (q != std::string::npos || header) {
      if (std::optional<SharedGpu> s = close()) return s;
      std::string list = q != std::string::npos ? line.substr(q + 21) : line;
      if (q != std::string::npos) list = list.substr(0, list.find_first_of(" \t'\""));
      const std::vector<std::string> cols = Cells(list);
      for (size_t k = 0; k < cols.size(); ++k) {
        if (cols[k] == "pid") pid_col = static_cast<int>(k);
        if (cols[k] == "gpu_bus_id") bus_col = static_cast<int>(k);
      }
      continue;
    }
    if (pid_col < 0 || bus_col < 0) continue;
    const std::vector<std::string> cells = Cells(line);
    const size_t need = static_cast<size_t>(std::max(pid_col, bus_col));
    const std::string bus = cells.size() > need ? PciKey(cells[static_cast<size_t>(bus_col)]) : "";
    const std::string& pid = cells.size() > need ? cells[static_cast<size_t>(pid_col)] : "";
    if (bus.empty() || pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
      if (std::optional<SharedGpu> s = close()) return s;
      continue;
    }
    table.rows[bus].push_back(i);
  }
  return close();
}

}  // namespace vigil
