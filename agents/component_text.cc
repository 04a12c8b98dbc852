#include "agents/component_text.h"

#include "core/ascii.h"

namespace vigil {

std::string ComponentForPeople(std::string_view component) {
  std::string_view c = component;
  while (!c.empty() && (c.front() == ' ' || c.front() == '\t')) c.remove_prefix(1);
  while (!c.empty() && (c.back() == ' ' || c.back() == '\t')) c.remove_suffix(1);
  if (AsciiLower(std::string(c)) == kJobComponent) return "the whole job (no single component)";
  return std::string(component);
}

std::string RootCausePlaceForPeople(std::string_view root_cause, std::string_view component) {
  if (AsciiLower(std::string(root_cause)) == "unknown") return "";
  return ComponentForPeople(component);
}

}  // namespace vigil
