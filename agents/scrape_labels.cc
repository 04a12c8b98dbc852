#include "agents/scrape_labels.h"

#include "agents/node_names.h"
#include "core/ascii.h"

namespace vigil {
namespace {

std::string_view ValueOf(const Labels& labels, std::string_view key) {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

bool ReportsOnOthers(const Labels& labels) {
  if (!NodeLabelHost(ValueOf(labels, "exported_pod")).empty()) return true;
  for (std::string_view key : {"job", "service", "container", "app", "app_kubernetes_io_name", "kubernetes_name", "component"}) {
    if (AsciiLower(ValueOf(labels, key)).find("kube-state-metrics") != std::string::npos) return true;
  }
  return false;
}

std::string SubjectNodeLabel(const Labels& labels, std::string_view key, std::string_view* read_key) {
  if (read_key != nullptr) *read_key = key;
  if (key == "node") {
    if (std::string own = NodeLabelHost(ValueOf(labels, "exported_node")); !own.empty()) {
      if (read_key != nullptr) *read_key = "exported_node";
      return own;
    }
  } else if (key == "kubernetes_node" && ReportsOnOthers(labels)) {
    return "";
  }
  return NodeLabelHost(ValueOf(labels, key));
}

}  // namespace vigil
