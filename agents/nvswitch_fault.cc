#include "agents/nvswitch_fault.h"

#include <regex>
#include <string_view>
#include <vector>

#include "agents/diagnosis_agent.h"
#include "agents/fault_codes.h"
#include "core/ascii.h"

namespace vigil {
namespace {

constexpr size_t kMaxLine = 4000;

bool Has(const std::string& lower, std::string_view word) { return lower.find(word) != std::string::npos; }

bool HasAny(const std::string& lower, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (Has(lower, w)) return true;
  }
  return false;
}

// A line reporting that a fault went away, or that there is none.
bool StatesRecovery(const std::string& lower) {
  static const std::regex kRecovered(
      R"(\b(?:recovered|cleared|restored|resolved|back (?:up|online)|no (?:errors?|faults?)|healthy again)\b)");
  return std::regex_search(lower, kRecovered);
}

// Starts with a letter and holds a digit: a hostname, not a word.
bool LooksLikeHost(const std::string& s) {
  static const std::regex kHost(R"(^[A-Za-z][A-Za-z0-9_.-]*$)");
  return std::regex_match(s, kHost) && s.find_first_of("0123456789") != std::string::npos;
}

}  // namespace

static bool SwitchWideLower(const std::string& lower) {
  const bool switch_line = HasAny(lower, {"nvswitch", "sxid", "fabricmanager", "fabric manager", "fabric-manager"});
  if (!switch_line && !Has(lower, "nvlink")) return false;
  // Every GPU of the node / baseboard / switch named as hit.
  static const std::regex kAllGpus(
      R"(\ball\s+(?:\d+\s+)?gpus\b[^.;]*\b(?:degraded|lost|down|unavailable|disabled|reset|reboot|isolated|failed|fatal)\b|)"
      R"(\b(?:degraded|lost|down|disabled|reset)\b[^.;]*\bfor\s+all\s+(?:\d+\s+)?gpus\b)");
  return std::regex_search(lower, kAllGpus);
}

static bool TrunkLower(const std::string& lower) {
  if (!HasAny(lower, {"trunk", "osfp"})) return false;
  if (!HasAny(lower, {"nvswitch", "sxid", "fabricmanager", "fabric manager", "fabric-manager", "nvlink"})) return false;
  if (StatesRecovery(lower)) return false;
  static const std::regex kTrunk(R"(\b(?:trunk|osfp)(?:\s+nvlink)?(?:\s+(?:port|link|connection|cable)s?)?\b)");
  static const std::regex kFault(
      R"(\b(?:fatal|errors?|failed|failure|down|degraded|lost|inactive|training\s+failed|not\s+trained|)"
      R"(flapp\w*|disabled)\b)");
  return std::regex_search(lower, kTrunk) && std::regex_search(lower, kFault);
}

std::string SwitchTrayFaultHost(const std::string& line, const std::string& source,
                                const std::set<std::string>& compute_nodes) {
  if (line.size() > kMaxLine) return "";
  const std::string lower = AsciiLower(line);
  const bool tray_software =
      HasAny(lower, {"nvos", "nmx-c", "nmx-t", "nmx controller", "nmx-controller", "nmx telemetry", "nvlsm",
                     "nvlink subnet manager", "switch tray", "switch-tray", "switchtray", "nvswitch tray"});
  const bool switch_driver = HasAny(lower, {"nvswitch", "sxid", "fabricmanager", "fabric manager", "fabric-manager"});
  if (!tray_software && !switch_driver) return "";
  if (StatesRecovery(lower)) return "";
  // Two or more (or all) of the tray's NVLink ports down: the tray, not one GPU's link.
  static const std::regex kManyPorts(
      R"(\b(?:all|(\d{1,3}))\s+(?:of\s+(?:its|the)\s+)?(?:nvlink\s+)?(?:access\s+|trunk\s+)?(?:ports|links)\b[^.;]*)"
      R"(\b(?:down|inactive|failed|disabled|lost|degraded|not\s+trained)\b|)"
      R"(\b(?:ports|links)\s+\d+\s*-\s*\d+\s+(?:are\s+)?(?:down|inactive|failed|disabled|lost))");
  bool many = false;
  std::smatch m;
  if (std::regex_search(lower, m, kManyPorts)) many = !m[1].matched || std::stoi(m[1].str()) >= 2;
  // The switch itself failing: the tray, its NVSwitch ASIC.
  static const std::regex kSwitchDown(
      R"(\b(?:switch[ -]?tray|tray|nvswitch|asic|switch)(?:\s*#?\d+)?\b[^.;]*\b(?:fatal|failed|failure|down|offline|)"
      R"(unreachable|not\s+responding|lost|degraded|unhealthy|crashed|hung|reset\s+required|over-?temperature|)"
      R"(overheat\w*|power\s+fault)\b)");
  // One link / port named (with its number), or its peer GPU: that link's GPU, unless many ports are down.
  static const std::regex kOneLink(R"(\b(?:link|port|nvlink)\s*#?\d+\b|\bpeer\s+gpu\b)");
  if (!many && !(std::regex_search(lower, kSwitchDown) && !std::regex_search(lower, kOneLink))) return "";
  auto compute = [&](const std::string& h) {
    for (const std::string& n : compute_nodes) {
      if (AsciiLower(n) == AsciiLower(h)) return true;
    }
    return false;
  };
  // The host: named after "switch tray", else the syslog host field, else the source's first part.
  std::vector<std::string> candidates;
  static const std::regex kNamed(R"(\b(?:switch[ -]?tray|nvswitch\s+tray|tray)\s+([a-z][a-z0-9_.-]*[-_.][a-z0-9_.-]*))");
  if (std::regex_search(lower, m, kNamed)) {
    std::string h = line.substr(static_cast<size_t>(m.position(1)), static_cast<size_t>(m.length(1)));
    while (!h.empty() && (h.back() == '.' || h.back() == '-' || h.back() == '_')) h.pop_back();
    candidates.push_back(h);
  }
  static const std::regex kSyslogHost(
      R"(^(?:[a-z]{3}\s+\d{1,2}\s+\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dt[0-9:.]+(?:z|[+-]\d\d:?\d\d)?)\s+([a-z][a-z0-9_.-]*)\s)");
  if (std::regex_search(lower, m, kSyslogHost)) {
    candidates.push_back(line.substr(static_cast<size_t>(m.position(1)), static_cast<size_t>(m.length(1))));
  }
  const size_t cut = source.find_first_of("/: ");
  candidates.push_back(source.substr(0, cut));
  for (const std::string& h : candidates) {
    if (!LooksLikeHost(h) || compute(h)) continue;
    // A fabric-manager / NVSwitch line is a tray's only on a host that is no compute node of the job;
    // with no job nodes known, only the tray's own software (NVOS, NMX, nvlsm, "switch tray") says so.
    if (!tray_software && compute_nodes.empty()) return "";
    return h;
  }
  return "";
}

bool IsGpuNvlinkFaultLine(const std::string& line) {
  if (line.size() > kMaxLine) return false;
  const std::string lower = AsciiLower(line);
  if (!Has(lower, "nvlink") && !Has(lower, "xid")) return false;
  // An Xid the fault-code table gives nvlink_error (Xid 74), read as the table's reader reads every Xid
  // (FaultCodesInText: "Xid (PCI:0000:3b:00): 74", "Xid 74", "XID: 74", "Xid=74"; an SXid is the switch's).
  if (Has(lower, "xid")) {
    for (const std::string& code : FaultCodesInText(line)) {
      const FaultCodeInfo* info = FaultCodeInfoOf(code);
      if (info != nullptr && info->family == "xid" && code.rfind("xid ", 0) == 0 && info->category == "nvlink_error")
        return true;
    }
  }
  // CUDA's message for it and the driver's NVLink line (no code of the table spells them).
  static const std::regex kFault(R"(\buncorrectable\s+nvlink\s+error|\bnvlink:?\s+fatal\s+error\s+detected)");
  return std::regex_search(lower, kFault);
}

static bool DomainLower(const std::string& lower) {
  // The literal every alternative of kDomain holds, checked first: this runs on every line of a case
  // until one matches (PlaceSwitchSide), and a regex per line of a pasted 50 MB log is not free.
  if (!HasAny(lower, {"gb200", "gb300", "nvl72", "nvl36", "mnnvl", "clusteruuid", "cliqueid", "tray", "nvos", "nmx-",
                      "nvlsm"})) {
    return false;
  }
  static const std::regex kDomain(
      R"(\b(?:gb200|gb300|nvl72|nvl36|mnnvl|clusteruuid|cliqueid|compute[ -]tray|switch[ -]tray|nvos|nmx-[ct]|nvlsm)\b)");
  return std::regex_search(lower, kDomain);
}

bool IsSwitchWideNvlinkFault(const std::string& line) {
  return line.size() <= kMaxLine && SwitchWideLower(AsciiLower(line));
}

bool IsTrunkLinkFault(const std::string& line) { return line.size() <= kMaxLine && TrunkLower(AsciiLower(line)); }

bool ShowsMultiNodeNvlinkDomain(const std::string& text) {
  return text.size() <= kMaxLine && DomainLower(AsciiLower(text));
}

SwitchSideLine ReadSwitchSideLine(const std::string& line) {
  SwitchSideLine f;
  if (line.size() > kMaxLine) return f;
  const std::string lower = AsciiLower(line);
  f.switch_wide = SwitchWideLower(lower);
  f.trunk = TrunkLower(lower);
  f.domain = DomainLower(lower);
  return f;
}

std::string SharedRackOfHosts(const std::set<std::string>& hosts) {
  if (hosts.size() < 2) return "";
  std::string rack;
  for (const std::string& full : hosts) {
    const std::string h = full.substr(0, full.find('.'));  // "nvl72-r02-ct04" of an FQDN
    const size_t cut = h.find_last_of("-_");
    if (cut == std::string::npos || cut == 0 || cut + 1 == h.size()) return "";
    const std::string prefix = h.substr(0, cut);
    if (rack.empty()) rack = prefix;
    else if (prefix != rack) return "";
  }
  const size_t last = rack.find_last_of("-_");
  const std::string token = last == std::string::npos ? rack : rack.substr(last + 1);
  if (token.find_first_of("0123456789") == std::string::npos) return "";
  return rack;
}

std::string NvlinkDomainPlace(const std::string& rack) { return "nvlink-domain:" + rack; }

}  // namespace vigil
