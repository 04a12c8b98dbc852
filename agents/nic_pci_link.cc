#include "agents/nic_pci_link.h"

#include <regex>
#include <set>

#include "core/ascii.h"
#include "core/parse.h"

namespace vigil {
namespace {

// A link's figures as the regexes below capture them (digits of any length): nullopt for a speed or a
// width beyond double / int32 range (a garbage line's "1000...0 GT/s"), which std::stod / std::stoi
// threw on.
std::optional<PcieLinkState> LinkState(const std::string& gts, const std::string& width) {
  const std::optional<double> g = ParseDouble(gts);
  const std::optional<int32_t> w = ParseInt32(width);
  if (!g || !w) return std::nullopt;
  return PcieLinkState{*g, *w};
}

}  // namespace

std::optional<PcieLinkState> LimitedLinkOfBus(const std::string& line, const std::string& bus) {
  if (bus.empty() || line.size() > 2000 || line.find("mlx5_core") == std::string::npos ||
      line.find("limited by") == std::string::npos)
    return std::nullopt;
  static const std::regex kLine(
      R"(\bmlx5_core\s+(?:[0-9a-fA-F]{4}:)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s*:.*\blimited by (\d+(?:\.\d+)?) GT/s PCIe x(\d+)\b)");
  std::smatch m;
  if (!std::regex_search(line, m, kLine) || AsciiLower(m.str(1)) != AsciiLower(bus)) return std::nullopt;
  return LinkState(m.str(2), m.str(3));
}

std::optional<std::pair<std::string, PcieLinkState>> HcaPcieLinkOnLine(const std::string& line) {
  if (line.size() > 2000 || line.find("mlx5_") == std::string::npos || line.find("GT/s") == std::string::npos)
    return std::nullopt;
  static const std::regex kHca(R"(\bmlx5_\d+\b)");
  std::set<std::string> hcas;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kHca); it != std::sregex_iterator(); ++it) hcas.insert(it->str());
  if (hcas.size() != 1) return std::nullopt;
  // "PCI link 16.0 GT/s x8", "PCIe 16 GT/s x8", "PCIe link: 16.0 GT/s x8", "Speed 16GT/s, Width x8".
  static const std::regex kLink(
      R"(\bPCI(?:e)?(?:\s+link)?\s*[:=]?\s*(\d+(?:\.\d+)?)\s*GT/s,?\s+(?:Width\s+)?x(\d+)\b|\bSpeed\s+(\d+(?:\.\d+)?)\s*GT/s[^,]*,\s*Width\s+x(\d+)\b)",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kLink)) return std::nullopt;
  const bool first = m[1].matched;
  // Not the driver's own "limited by ... PCIe x8" line (that one names a bus id, not an HCA's link).
  if (line.find("limited by") != std::string::npos) return std::nullopt;
  const std::optional<PcieLinkState> state = LinkState(m.str(first ? 1 : 3), m.str(first ? 2 : 4));
  if (!state) return std::nullopt;
  return std::make_pair(*hcas.begin(), *state);
}

std::string HcaAtLimitedLink(const std::vector<std::string>& lines, const std::string& bus) {
  std::optional<PcieLinkState> limited;
  for (const std::string& l : lines) {
    if (auto s = LimitedLinkOfBus(l, bus)) {
      limited = s;
      break;
    }
  }
  if (!limited) return "";
  std::set<std::string> at;
  for (const std::string& l : lines) {
    if (auto h = HcaPcieLinkOnLine(l); h && h->second == *limited) at.insert(h->first);
  }
  return at.size() == 1 ? *at.begin() : "";
}

}  // namespace vigil
