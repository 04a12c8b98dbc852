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
    std::string out = "the NVLink switch side of rack ";
    out += c.substr(kDomain.size());
    out += " (its switch trays; no single compute node)";
    return out;
  }
  return std::string(component);
}

std::string RootCausePlaceForPeople(std::string_view root_cause, std::string_view component) {
  if (AsciiLower(std::string(root_cause)) == "unknown") return "";
  return ComponentForPeople(component);
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
