#include "agents/nvswitch_fault.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>
#include <regex>
#include <string_view>
#include <vector>

#include "agents/diagnosis_agent.h"
#include "agents/fault_codes.h"
#include "core/ascii.h"
#include "core/civil_date.h"
#include "core/time_util.h"

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

std::string NvlinkDomainIdOfLine(const std::string& line) {
  if (line.size() > kMaxLine) return "";
  const std::string lower = AsciiLower(line);
  if (!HasAny(lower, {"clusteruuid", "gpu.clique", "fabric uuid"})) return "";
  // A UUID that names a domain: not all zeros (a GPU outside any fabric).
  auto real = [](const std::string& v) { return v.find_first_not_of("0-.") != std::string::npos; };
  std::smatch m;
  // nvidia-smi -q ("ClusterUUID : <uuid>"), a summary ("ClusterUUID <uuid>"), JSON ("clusterUUID": "<uuid>").
  static const std::regex kCluster(
      R"re(\bclusteruuid"?\s*[:=]?\s*"?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b)re");
  if (std::regex_search(lower, m, kCluster) && real(m.str(1))) return "uuid:" + m.str(1);
  // GPU feature discovery's node label: nvidia.com/gpu.clique=<ClusterUUID>.<CliqueId> (also "label: value").
  static const std::regex kClique(
      R"re(\bnvidia\.com/gpu\.clique"?\s*[:=]\s*"?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.\d+\b)re");
  if (std::regex_search(lower, m, kClique) && real(m.str(1))) return "uuid:" + m.str(1);
  // NCCL: "MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 cliqueId 0x3 state 3".
  static const std::regex kNccl(R"(\bfabric uuid\s+([0-9a-f]{1,16})\.([0-9a-f]{1,16})\b)");
  if (std::regex_search(lower, m, kNccl) && real(m.str(1) + m.str(2))) return "nccl:" + m.str(1) + "." + m.str(2);
  return "";
}

std::string SharedNvlinkDomain(const std::set<std::string>& faulty,
                               const std::map<std::string, std::set<std::string>>& ids) {
  if (faulty.size() < 2) return "";
  auto ids_of = [&](const std::string& h) -> const std::set<std::string>* {
    auto it = ids.find(h);
    return it == ids.end() || it->second.empty() ? nullptr : &it->second;
  };
  auto kind = [](const std::string& id) { return id.substr(0, id.find(':')); };
  // Two hosts whose identifiers of one kind differ, none shared: two domains.
  for (auto a = faulty.begin(); a != faulty.end(); ++a) {
    const std::set<std::string>* ia = ids_of(*a);
    if (!ia) continue;
    for (auto b = std::next(a); b != faulty.end(); ++b) {
      const std::set<std::string>* ib = ids_of(*b);
      if (!ib) continue;
      bool shared = false, same_kind = false;
      for (const std::string& x : *ia) {
        shared = shared || ib->count(x) > 0;
        for (const std::string& y : *ib) same_kind = same_kind || kind(x) == kind(y);
      }
      if (!shared && same_kind) return "";
    }
  }
  // Every host with an identifier all of them share: one domain.
  std::set<std::string> common;
  bool all_known = true;
  for (const std::string& h : faulty) {
    const std::set<std::string>* ih = ids_of(h);
    if (!ih) {
      all_known = false;
      break;
    }
    if (h == *faulty.begin()) {
      common = *ih;
      continue;
    }
    std::set<std::string> keep;
    for (const std::string& x : common) {
      if (ih->count(x)) keep.insert(x);
    }
    common.swap(keep);
  }
  const std::string rack = SharedRackOfHosts(faulty);
  if (!all_known || common.empty() || !rack.empty()) return rack;
  // No rack in the names: the identifier, a ClusterUUID before NCCL's words.
  for (const std::string& x : common) {
    if (kind(x) == "uuid") return x.substr(x.find(':') + 1);
  }
  const std::string& x = *common.begin();
  return x.substr(x.find(':') + 1);
}

TrayTiming CompareTrayTime(const LineTime& tray, const LineTime& first_fault) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  if (tray.ms == kNone || first_fault.ms == kNone || tray.zoned != first_fault.zoned) return TrayTiming::kNotCompared;
  if (tray.ms < first_fault.ms - kTrayLeadMs) return TrayTiming::kTooEarly;
  if (tray.ms > first_fault.ms + kTrayLagMs) return TrayTiming::kTooLate;
  return TrayTiming::kExplains;
}

LineTime FabricManagerStampTime(const std::string& line, const LogClock& clock) {
  if (line.size() > kMaxLine || line.find('[') == std::string::npos) return {};
  static const std::regex kStamp(
      R"(\[(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{4}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?\])");
  std::smatch m;
  if (!std::regex_search(line, m, kStamp)) return {};
  const int month = MonthOfAbbrev(m.str(1));
  // The printed year, unless the case dates nothing else (no alert, no dated line or sample: year-less
  // lines are then read in clock.year, 1970, ReferenceYear): this stamp is read in that year too, or it
  // would be 56 years after every year-less line it is compared with.
  const bool dated_case = clock.anchor_ms > 0 || clock.reference_ms > 0;
  const std::string year = dated_case ? m.str(3) : std::to_string(clock.year);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%02d-%02dT%sZ", year.c_str(), month, std::stoi(m.str(2)), m.str(4).c_str());
  auto t = ParseRfc3339Ms(buf);
  if (!t.ok()) return {};
  int64_t frac = 0;
  if (m[5].matched) {
    std::string digits = m.str(5).substr(1);
    digits.resize(3, '0');
    frac = std::stoi(digits);
  }
  return LineTime{*t + frac - static_cast<int64_t>(clock.offset_min) * 60'000, clock.zone_declared};
}

PeerGpu PeerGpuOfLine(const std::string& line) {
  if (line.size() > kMaxLine) return {};
  // PlaceLine asks this of every line it places: "peer" / "remote" / "far end" in any case, looked for
  // before the line is lowered.
  const std::string_view view(line);
  bool word = false;
  for (size_t i = 0; i + 4 <= view.size() && !word; ++i) {
    const char c0 = AsciiToLower(view[i]);
    if (c0 != 'p' && c0 != 'r' && c0 != 'f') continue;
    for (std::string_view w : {std::string_view("peer"), std::string_view("remote"), std::string_view("far end"),
                               std::string_view("far-end")}) {
      word = word || (i + w.size() <= view.size() && AsciiEqualsIgnoreCase(view.substr(i, w.size()), w));
    }
  }
  if (!word) return {};
  const std::string lower = AsciiLower(line);
  if (!HasAny(lower, {"peer", "remote", "far end", "far-end"})) return {};
  static const std::string kHostRe = R"(([a-z][a-z0-9_.-]*[0-9][a-z0-9_.-]*|[a-z][a-z0-9_.-]*[-_.][a-z0-9_.-]+))";
  // "peer nvl72-r03-ct05 GPU 1", "(peer: nvl72-r03-ct05 gpu1)", "remote node nvl72-r03-ct02 GPU 3".
  static const std::regex kHostFirst(
      R"(\b(?:peer|remote|far[ -]end)(?:\s+(?:node|host|compute\s+tray|tray))?\s*[:=]?\s*)" + kHostRe +
      R"([,:/]?\s*(?:gpu|gpu\s*#|gpu\s+index)\s*(\d{1,2})\b)");
  // "peer GPU 1 on compute tray nvl72-r03-ct05", "remote GPU 3 on nvl72-r03-ct02", "peer GPU 2 (nvl72-r03-ct05)".
  static const std::regex kGpuFirst(
      R"(\b(?:peer|remote|far[ -]end)\s*[:=]?\s*gpu\s*#?\s*(\d{1,2})\b(?:\s+(?:on|of|at|@|in)(?:\s+(?:the\s+)?(?:compute\s+tray|tray|node|host))?\s+|\s*\(\s*))" +
      kHostRe);
  static const std::regex kGpuOnly(R"(\b(?:peer|remote|far[ -]end)\s*[:=]?\s*gpu\s*#?\s*(\d{1,2})\b)");
  std::smatch m;
  auto host_at = [&](int group) {
    std::string h = line.substr(static_cast<size_t>(m.position(group)), static_cast<size_t>(m.length(group)));
    while (!h.empty() && (h.back() == '.' || h.back() == '-' || h.back() == '_')) h.pop_back();
    return h;
  };
  PeerGpu p;
  if (std::regex_search(lower, m, kHostFirst)) {
    p.found = true;
    p.host = host_at(1);
    p.gpu = std::stoi(m.str(2));
  } else if (std::regex_search(lower, m, kGpuFirst)) {
    p.found = true;
    p.gpu = std::stoi(m.str(1));
    p.host = host_at(2);
  } else if (std::regex_search(lower, m, kGpuOnly)) {
    p.found = true;
    p.gpu = std::stoi(m.str(1));
  }
  // A host word that is a GPU word ("gpu1") is no host.
  static const std::regex kGpuWord(R"(^(?:gpu|cuda|device)\d+$)");
  if (std::regex_match(AsciiLower(p.host), kGpuWord)) p.host.clear();
  return p;
}

}  // namespace vigil
