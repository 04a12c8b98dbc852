#include "agents/visible_devices.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <set>
#include <string>

namespace vigil {
namespace {

// Where the value assigned to `name` in `line` begins ("NAME=6,7", "NAME: 6,7", "\"NAME\": \"6,7\"",
// past the '=' or ':' and any quote); nullopt when no occurrence of the name is assigned. A name that
// is the tail of a longer one ("MY_CUDA_VISIBLE_DEVICES") does not count.
std::optional<size_t> ValueAt(std::string_view line, std::string_view name) {
  for (size_t pos = line.find(name); pos != std::string_view::npos; pos = line.find(name, pos + 1)) {
    if (pos > 0) {
      const unsigned char before = static_cast<unsigned char>(line[pos - 1]);
      if (std::isalnum(before) || before == '_' || before == '$' || before == '{') continue;
    }
    size_t i = pos + name.size();
    if (i < line.size() && line[i] == '"') ++i;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || (line[i] != '=' && line[i] != ':')) continue;
    ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '"' || line[i] == '\'')) ++i;
    return i;
  }
  return std::nullopt;
}

// The value assigned to `name` in `line` (ValueAt): the list of distinct integers below 256 it holds;
// nullopt when the name is not assigned, {} when its value is no such list.
std::optional<std::vector<int>> ListOf(std::string_view line, std::string_view name) {
  if (std::optional<size_t> at = ValueAt(line, name)) {
    size_t i = *at;
    std::vector<int> out;
    std::set<int> seen;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) {
      int v = 0;
      size_t digits = 0;
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])) && digits < 4) {
        v = v * 10 + (line[i] - '0');
        ++i;
        ++digits;
      }
      if (v >= 256 || !seen.insert(v).second) return std::vector<int>{};
      out.push_back(v);
      if (i < line.size() && line[i] == ',') ++i;
      else break;
    }
    // The value ends at a space, quote, comma or the line's end: "6,7abc" or "GPU-..." is no list.
    if (i < line.size() && !(line[i] == ' ' || line[i] == '"' || line[i] == '\'' || line[i] == ',' || line[i] == ';' ||
                             line[i] == '}' || line[i] == '\t' || line[i] == '\r')) {
      return std::vector<int>{};
    }
    return out;
  }
  return std::nullopt;
}

bool NamesRank(std::string_view line) {
  for (std::string_view key : {"LOCAL_RANK", "local_rank", "RANK=", "RANK:", "rank=", "\"rank\""}) {
    if (line.find(key) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<int>> VisibleDevicesOf(std::string_view line) {
  if (line.size() > 2000 || (line.find("_GPUS") == std::string_view::npos && line.find("VISIBLE_DEVICES") == std::string_view::npos))
    return std::nullopt;
  if (NamesRank(line)) return std::nullopt;
  std::optional<std::vector<int>> physical;
  for (std::string_view name : {"SLURM_JOB_GPUS", "SLURM_STEP_GPUS", "NVIDIA_VISIBLE_DEVICES"}) {
    std::optional<std::vector<int>> l = ListOf(line, name);
    if (!l) continue;
    if (l->empty() || (physical && *physical != *l)) return std::nullopt;
    physical = std::move(l);
  }
  std::optional<std::vector<int>> cuda = ListOf(line, "CUDA_VISIBLE_DEVICES");
  if (cuda && cuda->empty()) return std::nullopt;
  if (!physical) return cuda;
  if (!cuda || *cuda == *physical) return physical;
  for (size_t k = 0; k < cuda->size(); ++k) {
    if ((*cuda)[k] != static_cast<int>(k)) return std::nullopt;
  }
  return cuda->size() == physical->size() ? physical : std::nullopt;
}

namespace {

// The UUID list assigned to `name` in `line`: nullopt when the name is absent or its value is no list
// of distinct GPU-... UUIDs; lower case.
std::optional<std::vector<std::string>> UuidListOf(std::string_view line, std::string_view name) {
  if (std::optional<size_t> at = ValueAt(line, name)) {
    size_t i = *at;
    size_t end = i;
    while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-' || line[end] == ',')) ++end;
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::istringstream in{std::string(line.substr(i, end - i))};
    for (std::string u; std::getline(in, u, ',');) {
      std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (u.size() < 12 || u.rfind("gpu-", 0) != 0 || !seen.insert(u).second) return std::nullopt;
      out.push_back(u);
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::string>> VisibleDeviceUuidsOf(std::string_view line) {
  if (line.size() > 2000 || line.find("VISIBLE_DEVICES") == std::string_view::npos || NamesRank(line)) return std::nullopt;
  std::optional<std::vector<std::string>> nvidia = UuidListOf(line, "NVIDIA_VISIBLE_DEVICES");
  std::optional<std::vector<std::string>> cuda = UuidListOf(line, "CUDA_VISIBLE_DEVICES");
  if (nvidia && cuda && *nvidia != *cuda) return std::nullopt;
  return nvidia ? nvidia : cuda;
}

std::string PrintedDeviceVariable(std::string_view command_line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(command_line)};
  for (std::string w; in >> w;) words.push_back(w);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string cmd = words[i];
    cmd.erase(std::remove(cmd.begin(), cmd.end(), '\''), cmd.end());
    cmd.erase(std::remove(cmd.begin(), cmd.end(), '"'), cmd.end());
    if (cmd != "printenv" && cmd != "echo") continue;
    std::string v = words[i + 1];
    v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
    v.erase(std::remove(v.begin(), v.end(), '\''), v.end());
    if (cmd == "echo") {
      if (v.rfind("${", 0) == 0 && v.back() == '}') v = v.substr(2, v.size() - 3);
      else if (v.rfind("$", 0) == 0) v.erase(0, 1);
      else return "";
    }
    if (i + 2 < words.size() && words[i + 2] != "|" && words[i + 2] != ";" && words[i + 2] != "&&") return "";
    if (v == "NVIDIA_VISIBLE_DEVICES" || v == "CUDA_VISIBLE_DEVICES" || v == "SLURM_JOB_GPUS" || v == "SLURM_STEP_GPUS") return v;
    return "";
  }
  return "";
}

}  // namespace vigil
