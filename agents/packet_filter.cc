#include "agents/packet_filter.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

std::optional<PacketFilterDrop> ReadPacketFilterDrop(std::string_view view) {
  if (view.size() > 2000 || view.find("SRC=") == std::string_view::npos || view.find("DST=") == std::string_view::npos) {
    return std::nullopt;
  }
  const size_t in = view.find("IN=");
  if (in == std::string_view::npos) return std::nullopt;
  const std::string line(view);
  // The verdict is in the rule's log prefix, before IN= and after the syslog / journal header's
  // "kernel:" (RV, 2026-12-04: a host named "blockstore-3" made a plain LOG rule's line a drop).
  static const std::regex kVerdict(R"((\breject|\bdrop|\bblock|\bdeny|\bdenied|_REJECT\b|_DROP\b))", std::regex::icase);
  std::string prefix = line.substr(0, in);
  if (const size_t kernel = prefix.rfind("kernel:"); kernel != std::string::npos) prefix.erase(0, kernel + 7);
  if (!std::regex_search(prefix, kVerdict)) return std::nullopt;
  static const std::regex kAccept(R"(\baccept)", std::regex::icase);
  if (std::regex_search(prefix, kAccept)) return std::nullopt;
  PacketFilterDrop d;
  static const std::regex kField(R"(\b(SRC|DST|SPT|DPT)=([0-9A-Fa-f.:]+))");
  for (std::sregex_iterator it(line.begin() + static_cast<long>(in), line.end(), kField), end; it != end; ++it) {
    const std::string key = (*it)[1].str(), value = (*it)[2].str();
    if (key == "SRC" && d.src.empty()) d.src = value;
    else if (key == "DST" && d.dst.empty()) d.dst = value;
    else if (key == "SPT" || key == "DPT") {
      const std::optional<int64_t> port = ParseInt(value);
      if (!port || *port < 0 || *port > 65535) continue;
      (key == "SPT" ? d.sport : d.dport) = static_cast<int>(*port);
    }
  }
  if (d.src.empty() || d.dst.empty()) return std::nullopt;
  return d;
}

}  // namespace vigil
