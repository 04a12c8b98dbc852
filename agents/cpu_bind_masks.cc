#include "agents/cpu_bind_masks.h"

#include <algorithm>
#include <regex>

#include "core/ascii.h"

namespace vigil {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::vector<CpuBindMask> ReadCpuBindMasks(const std::vector<std::string>& lines) {
  static const std::regex kBind(
      R"(\bcpu[-_]bind(?:ing)?=\w+\s+-\s+([A-Za-z0-9][A-Za-z0-9._-]*),\s+task\s+(\d{1,6})\s+(\d{1,4})\s+\[\d+\]:\s+mask\s+0x([0-9a-fA-F]{1,256})\s+set\b)");
  std::vector<CpuBindMask> out;
  for (size_t i = 0; i < lines.size() && out.size() < 4096; ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000 || t.find("bind") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kBind)) continue;
    CpuBindMask b;
    b.host = m.str(1);
    b.task = std::stoi(m.str(2));
    b.local = std::stoi(m.str(3));
    const std::string hex = AsciiLower(m.str(4));
    const size_t nz = hex.find_first_not_of('0');
    b.mask = nz == std::string::npos ? "" : hex.substr(nz);
    b.line = i;
    out.push_back(std::move(b));
  }
  return out;
}

bool CpuMasksDisjoint(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  // Compare digit by digit from the least significant end.
  for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
    const int x = HexDigit(a[a.size() - 1 - k]), y = HexDigit(b[b.size() - 1 - k]);
    if (x < 0 || y < 0) return false;
    if ((x & y) != 0) return false;
  }
  return true;
}

std::optional<CpuBindMask> RankBoundApart(const std::vector<CpuBindMask>& masks, int rank) {
  const CpuBindMask* own = nullptr;
  for (const CpuBindMask& b : masks) {
    if (b.task == rank) own = &b;
  }
  if (own == nullptr || own->mask.empty()) return std::nullopt;
  std::string peers_mask;
  size_t peers = 0;
  for (const CpuBindMask& b : masks) {
    if (b.task == rank || b.local != own->local || b.host == own->host) continue;
    if (peers_mask.empty()) peers_mask = b.mask;
    if (b.mask != peers_mask || !CpuMasksDisjoint(own->mask, b.mask)) return std::nullopt;
    ++peers;
  }
  if (peers == 0) return std::nullopt;
  return *own;
}

}  // namespace vigil
