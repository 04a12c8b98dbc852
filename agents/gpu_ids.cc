#include "agents/gpu_ids.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "agents/pci_bus.h"

namespace vigil {
namespace {

std::string Trim(std::string_view s) {
  const size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  std::stringstream ss{std::string(text)};
  for (std::string col; std::getline(ss, col, ',');) out.push_back(Trim(col));
  return out;
}

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool Digits(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

// "GPU-8e1b7d22-4c0a-9f13-e5d6-0b2a7c9e4f18" lower case; "" for another text.
std::string Uuid(std::string_view s) {
  if (s.size() != 40 || (s.substr(0, 4) != "GPU-" && s.substr(0, 4) != "gpu-")) return "";
  for (size_t i = 4; i < s.size(); ++i) {
    const char ch = s[i];
    const bool dash = i == 12 || i == 17 || i == 22 || i == 27;
    if (dash ? ch != '-' : !std::isxdigit(static_cast<unsigned char>(ch))) return "";
  }
  return Lower(std::string(s));
}

// A query column's name without its unit ("power.draw [W]" -> "power.draw").
std::string ColumnName(const std::string& c) { return Lower(Trim(c.substr(0, c.find(" [")))); }

}  // namespace

std::vector<GpuIds> GpuIdReader::Read(std::string_view line) {
  std::vector<GpuIds> out;
  if (line.size() > 2000) return out;

  // nvidia-smi's line for a GPU NVML cannot open, in any of its outputs (a --query-gpu table's row
  // too): "Unable to determine the device handle for GPU1: 0000:1B:00.0: Unknown Error" ties index 1
  // to bus 1b:00 (the GPU an Xid 79 "PCI:0000:1b:00" names). A table goes on after it.
  if (line.find("device handle for GPU") != std::string_view::npos) {
    static const std::regex kHandle(
        R"(Unable to determine the device handle for GPU ?(\d{1,3}): ((?:[0-9A-Fa-f]{4,8}:)?[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]))");
    const std::string text(line);
    std::smatch m;
    if (std::regex_search(text, m, kHandle)) {
      GpuIds g;
      g.index = std::stoi(m.str(1));
      g.bus = PciKey(m.str(2));
      if (!g.bus.empty()) out.push_back(g);
      return out;
    }
  }

  // --query-gpu: the command's list or the header row names the columns.
  const size_t q = line.find("--query-gpu=");
  const bool header = line.find("index") != std::string_view::npos &&
                      (line.find("uuid") != std::string_view::npos || line.find("serial") != std::string_view::npos ||
                       line.find("pci.bus_id") != std::string_view::npos);
  if (q != std::string_view::npos || (header && line.find(',') != std::string_view::npos)) {
    std::string_view list = line;
    if (q != std::string_view::npos) {
      list = line.substr(q + 12);
      list = list.substr(0, list.find_first_of(" \t'\""));
    }
    index_col_ = bus_col_ = uuid_col_ = serial_col_ = -1;
    const std::vector<std::string> cols = Split(list);
    for (size_t i = 0; i < cols.size(); ++i) {
      const std::string c = ColumnName(cols[i]);
      const int at = static_cast<int>(i);
      if (c == "index") index_col_ = at;
      else if (c == "pci.bus_id" || c == "gpu_bus_id") bus_col_ = at;
      else if (c == "uuid" || c == "gpu_uuid") uuid_col_ = at;
      else if (c == "serial") serial_col_ = at;
    }
    have_columns_ = index_col_ >= 0 && (bus_col_ >= 0 || uuid_col_ >= 0 || serial_col_ >= 0);
    return out;
  }
  if (have_columns_) {  // a row, else the table's end
    const std::vector<std::string> cols = Split(line);
    const int need = std::max({index_col_, bus_col_, uuid_col_, serial_col_});
    if (static_cast<int>(cols.size()) > need && Digits(cols[static_cast<size_t>(index_col_)], 1, 3)) {
      GpuIds g;
      g.index = std::stoi(cols[static_cast<size_t>(index_col_)]);
      if (bus_col_ >= 0) g.bus = PciKey(cols[static_cast<size_t>(bus_col_)]);
      if (uuid_col_ >= 0) g.uuid = Uuid(cols[static_cast<size_t>(uuid_col_)]);
      if (serial_col_ >= 0 && Digits(cols[static_cast<size_t>(serial_col_)], 6, 20)) g.serial = cols[static_cast<size_t>(serial_col_)];
      if (!g.bus.empty() || !g.uuid.empty() || !g.serial.empty()) out.push_back(g);
      return out;
    }
    have_columns_ = false;
  }

  const std::string t = Trim(line);
  // A pasted `dcgmi discovery -l` command opens the table as its header does (a `| grep -A1 9A`
  // after it cuts the header; PLC5).
  if (!t.empty() && t.front() != '|' && line.find("dcgmi discovery") != std::string_view::npos) {
    in_dcgmi_ = true;
    dcgmi_index_ = -1;
    return out;
  }
  // dcgmi discovery -l: "| GPU ID | Device Information |", then rows of two cells.
  if (!t.empty() && t.front() == '|') {
    std::vector<std::string> cells;
    std::stringstream ss{t.substr(1)};
    for (std::string cell; std::getline(ss, cell, '|');) cells.push_back(Trim(cell));
    if (cells.size() >= 2 && cells[0] == "GPU ID" && cells[1] == "Device Information") {
      in_dcgmi_ = true;
      dcgmi_index_ = -1;
      return out;
    }
    if (in_dcgmi_ && cells.size() >= 2) {
      if (Digits(cells[0], 1, 3)) dcgmi_index_ = std::stoi(cells[0]);
      else if (!cells[0].empty()) in_dcgmi_ = false;  // another table's header ("Switch ID")
      // The cell's "PCI Bus ID: ..." and "[Device ]UUID: GPU-..." fields, one a row or several in one
      // cell (a wrapped or re-flowed paste: "UUID: GPU-...  PCI Bus ID: 00000000:9A:00.0").
      const std::string& info = cells[1];
      if (in_dcgmi_ && dcgmi_index_ >= 0) {
        static const std::regex kBus(R"(PCI Bus ID:\s*([0-9A-Fa-f:.]+))");
        static const std::regex kUuid(R"((?:^|\s)(?:Device )?UUID:\s*(\S+))");
        GpuIds g;
        g.index = dcgmi_index_;
        std::smatch m;
        if (std::regex_search(info, m, kBus)) g.bus = PciKey(m.str(1));
        if (std::regex_search(info, m, kUuid)) g.uuid = Uuid(m.str(1));
        if (!g.bus.empty() || !g.uuid.empty()) out.push_back(g);
      }
      return out;
    }
  }
  if (in_dcgmi_ && !(t.size() > 1 && t.front() == '+' && t[1] == '-')) in_dcgmi_ = false;

  // nvidia-smi -q: "GPU 00000000:9D:00.0" opens a block; its fields "Key : value".
  if (t.rfind("GPU ", 0) == 0 && t.find(':') != std::string::npos && t.find(' ', 4) == std::string::npos) {
    const std::string bus = PciKey(t.substr(4));
    in_block_ = !bus.empty();
    block_ = GpuIds{};
    block_.bus = bus;
    return out;
  }
  if (!in_block_) return out;
  const size_t colon = t.find(" : ") != std::string::npos ? t.find(" : ") : t.find(':');
  if (colon == std::string::npos) return out;
  const std::string key = Trim(t.substr(0, colon)), value = Trim(t.substr(t.find(':', colon) + 1));
  bool changed = false;
  if (key == "Serial Number" && Digits(value, 6, 20)) {
    block_.serial = value;
    changed = true;
  } else if (key == "GPU UUID" && !Uuid(value).empty()) {
    block_.uuid = Uuid(value);
    changed = true;
  } else if (key == "Bus Id" && !PciKey(value).empty()) {
    block_.bus = PciKey(value);
    changed = true;
  }
  if (changed && (!block_.serial.empty() || !block_.uuid.empty())) out.push_back(block_);
  return out;
}

std::vector<GpuIds> JoinGpuIds(const std::vector<GpuIds>& ties) {
  // name ("b:", "u:", "s:" + value) -> indices it is tied to.
  std::map<std::string, std::set<int>> index_of;
  auto names = [](const GpuIds& g) {
    std::vector<std::string> n;
    if (!g.bus.empty()) n.push_back("b:" + g.bus);
    if (!g.uuid.empty()) n.push_back("u:" + g.uuid);
    if (!g.serial.empty()) n.push_back("s:" + g.serial);
    return n;
  };
  for (const GpuIds& g : ties) {
    if (g.index < 0) continue;
    for (const std::string& n : names(g)) index_of[n].insert(g.index);
  }
  // Blocks without an index: the one index their names share.
  std::vector<GpuIds> all;
  for (const GpuIds& g : ties) {
    GpuIds j = g;
    if (j.index < 0) {
      std::set<int> found;
      for (const std::string& n : names(g)) {
        if (auto it = index_of.find(n); it != index_of.end()) found.insert(it->second.begin(), it->second.end());
      }
      if (found.size() != 1) continue;
      j.index = *found.begin();
    }
    all.push_back(j);
  }
  std::map<std::string, std::set<int>> final_index;
  for (const GpuIds& g : all) {
    for (const std::string& n : names(g)) final_index[n].insert(g.index);
  }
  std::vector<GpuIds> out;
  for (GpuIds g : all) {
    if (!g.bus.empty() && final_index["b:" + g.bus].size() != 1) g.bus.clear();
    if (!g.uuid.empty() && final_index["u:" + g.uuid].size() != 1) g.uuid.clear();
    if (!g.serial.empty() && final_index["s:" + g.serial].size() != 1) g.serial.clear();
    if (!g.bus.empty() || !g.uuid.empty() || !g.serial.empty()) out.push_back(g);
  }
  return out;
}

}  // namespace vigil
