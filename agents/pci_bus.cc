#include "agents/pci_bus.h"

#include <cctype>

namespace vigil {
namespace {

bool AllHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "0018:01:00" -> "01:00"; "01:00" -> "01:00".
std::string_view BusDevice(std::string_view key) {
  size_t colon = key.find(':');
  return key.find(':', colon + 1) == std::string_view::npos ? key : key.substr(colon + 1);
}

bool HasDomain(std::string_view key) { return key.find(':') != key.rfind(':'); }

}  // namespace

std::string PciKey(const std::string& id) {
  std::string s;
  s.reserve(id.size());
  for (char c : id) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.rfind("pci:", 0) == 0) s.erase(0, 4);
  if (auto dot = s.find('.'); dot != std::string::npos) s.resize(dot);
  std::vector<std::string> parts;
  size_t from = 0;
  while (true) {
    size_t colon = s.find(':', from);
    parts.push_back(s.substr(from, colon == std::string::npos ? std::string::npos : colon - from));
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return "";
  for (const std::string& p : parts) {
    if (!AllHex(p)) return "";
  }
  std::string bus_device = parts[parts.size() - 2];
  bus_device += ':';
  bus_device += parts.back();
  if (parts.size() == 2) return bus_device;
  std::string domain = parts[0];
  size_t nonzero = domain.find_first_not_of('0');
  domain = nonzero == std::string::npos ? "" : domain.substr(nonzero);
  if (domain.size() < 4) domain.insert(0, 4 - domain.size(), '0');
  domain += ':';
  domain += bus_device;
  return domain;
}

bool PciKeysMatch(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  return a == b || (HasDomain(a) != HasDomain(b) && BusDevice(a) == BusDevice(b));
}

int PciGpu(const std::vector<std::pair<std::string, int>>& entries, const std::string& key) {
  if (key.empty()) return -1;
  for (const auto& [k, gpu] : entries) {
    if (k == key) return gpu;
  }
  int found = -1;
  for (const auto& [k, gpu] : entries) {
    if (!PciKeysMatch(k, key)) continue;
    if (found >= 0 && found != gpu) return -1;  // two GPUs share this bus:device: no guess
    found = gpu;
  }
  return found;
}

}  // namespace vigil
