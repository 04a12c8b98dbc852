#include "agents/component_text.h"

#include "connectors/slurm_job.h"
#include "core/ascii.h"

namespace vigil {

std::string ComponentForPeople(std::string_view component) {
  std::string_view c = component;
  while (!c.empty() && (c.front() == ' ' || c.front() == '\t')) c.remove_prefix(1);
  while (!c.empty() && (c.back() == ' ' || c.back() == '\t')) c.remove_suffix(1);
  if (AsciiLower(std::string(c)) == kJobComponent) return "the whole job (no single component)";
  // NVS2's rack-wide place (agents/nvswitch_fault.h NvlinkDomainPlace): the switch side of one NVLink
  // domain, no compute node of it (the lead's reread: it read as a node named "nvlink-domain:...").
  constexpr std::string_view kDomain = "nvlink-domain:";
  if (c.size() > kDomain.size() && c.substr(0, kDomain.size()) == kDomain) {
    // NVS3: a domain named by its own identifier (a ClusterUUID, NCCL's fabric UUID words), not a rack.
    const std::string_view id = c.substr(kDomain.size());
    // 8-4-4-4-12 hex digits, or two words of hex digits joined by one '.'.
    auto hex = [](std::string_view s) {
      return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
    };
    bool by_id = false;
    if (id.size() == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-') {
      by_id = hex(id.substr(0, 8)) && hex(id.substr(9, 4)) && hex(id.substr(14, 4)) && hex(id.substr(19, 4)) &&
              hex(id.substr(24));
    } else if (const size_t dot = id.find('.'); dot != std::string_view::npos) {
      by_id = hex(id.substr(0, dot)) && hex(id.substr(dot + 1));
    }
    std::string out = by_id ? "the NVLink switch side of NVLink domain " : "the NVLink switch side of rack ";
    out += id;
    out += " (its switch trays; no single compute node)";
    return out;
  }
  return std::string(component);
}

std::string RootCausePlaceForPeople(std::string_view root_cause, std::string_view component) {
  if (AsciiLower(std::string(root_cause)) == "unknown") return "";
  return ComponentForPeople(component);
}

std::string RootCausePlaceText(std::string_view root_cause, std::string_view component) {
  if (AsciiLower(std::string(root_cause)) == "unknown") return std::string(kUnknownPlaceText);
  return component.empty() ? "" : RootCausePlaceForPeople(root_cause, component);
}

std::pair<std::string, std::string> JobIdLabelOfLabels(const std::map<std::string, std::string>& labels) {
  for (const char* key : kJobIdLabelKeys) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second.size() > 32) continue;
    if (IsSlurmJobId(it->second)) return {key, it->second};  // 4242, an array task 4242_7, a component 4242+1
  }
  return {"", ""};
}

std::string JobIdOfLabels(const std::map<std::string, std::string>& labels) { return JobIdLabelOfLabels(labels).second; }

std::string PlaceForSearch(std::string_view root_cause, std::string_view component, std::string_view job_id) {
  const std::string place = RootCausePlaceForPeople(root_cause, component);
  if (place.empty() || place == std::string(component)) return place;
  std::string out = "job-wide";
  if (!job_id.empty()) {
    out += ", job ";
    out += job_id;
  }
  return out + " (no single node or GPU)";
}

}  // namespace vigil
