#include "knowledge/incident_source.h"

namespace vigil::kb {

std::string IncidentSourceLabel(std::string_view source) {
  if (source.starts_with("pack:")) return "the shipped knowledge pack";
  if (constexpr std::string_view kServed = "vigil-serve:incident-"; source.starts_with(kServed)) {
    std::string out = "incident #";
    out += source.substr(kServed.size());
    out += ", resolved in vigil serve";
    return out;
  }
  if (constexpr std::string_view kImport = "import:"; source.starts_with(kImport)) {
    std::string_view rest = source.substr(kImport.size());
    const size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < rest.size() &&
        rest.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
      std::string out(rest.substr(0, colon));
      out += " line ";
      out += rest.substr(colon + 1);
      return out;
    }
    return std::string(rest);
  }
  return std::string(source);
}

}  // namespace vigil::kb
