#include "agents/odd_gpu_model.h"

#include <cctype>
#include <map>
#include <set>
#include <sstream>

namespace vigil {

std::string GpuModelKey(std::string_view model) {
  std::string out;
  for (char ch : model) {
    char c = (ch == '-' || ch == '_' || ch == '\t') ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.rfind("NVIDIA ", 0) == 0) out.erase(0, 7);
  return out;
}

namespace {

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

}  // namespace

std::vector<NodeGpuModel> ReadGpuProductTable(const std::vector<std::string>& lines) {
  std::vector<NodeGpuModel> out;
  size_t columns = 0, product = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > 2000) continue;
    const std::vector<std::string> f = Fields(lines[i]);
    if (!f.empty() && f[0] == "NAME") {
      columns = 0;
      for (size_t k = 1; k < f.size(); ++k) {
        std::string up = GpuModelKey(f[k]);
        if (up == "GPU.PRODUCT" || up == "NVIDIA.COM/GPU.PRODUCT") {
          columns = f.size();
          product = k;
        }
      }
      continue;
    }
    if (columns == 0) continue;
    if (f.size() != columns) {
      columns = 0;  // the table ended
      continue;
    }
    if (f[product].empty() || f[product] == "<none>") continue;
    out.push_back({f[0], f[product], std::to_string(i)});
  }
  return out;
}

std::string InventoryProduct(std::string_view reason) {
  const size_t at = reason.find("product ");
  if (at == std::string_view::npos || reason.size() > 500) return {};
  std::string_view rest = reason.substr(at + 8);
  const size_t end = rest.find_first_of(",;()");
  std::string model(rest.substr(0, end));
  while (!model.empty() && model.back() == ' ') model.pop_back();
  return model;
}

std::optional<OddGpuModel> FindOddGpuModel(const std::vector<NodeGpuModel>& seen, std::string_view pool_model) {
  std::map<std::string, std::set<std::string>> keys;      // node -> model keys
  std::map<std::string, const NodeGpuModel*> first_seen;  // node -> its first reading
  for (const NodeGpuModel& s : seen) {
    const std::string k = GpuModelKey(s.model);
    if (s.node.empty() || k.empty()) continue;
    keys[s.node].insert(k);
    first_seen.emplace(s.node, &s);
  }
  std::map<std::string, std::vector<std::string>> nodes_of;  // model key -> nodes
  for (const auto& [node, ks] : keys) {
    if (ks.size() == 1) nodes_of[*ks.begin()].push_back(node);
  }
  if (nodes_of.size() != 2) return std::nullopt;
  auto a = nodes_of.begin(), b = std::next(a);
  const std::string pool = GpuModelKey(pool_model);
  if (a->second.size() > b->second.size() || (a->second.size() == b->second.size() && a->first == pool)) std::swap(a, b);
  if (a->second.size() != 1) return std::nullopt;
  const size_t peers = b->second.size();
  if (peers < 2 && !(peers == 1 && pool == b->first)) return std::nullopt;
  if (!pool.empty() && pool == a->first) return std::nullopt;  // the odd one is the pool's own model
  const NodeGpuModel* odd = first_seen[a->second[0]];
  return OddGpuModel{odd->node, odd->model, first_seen[b->second[0]]->model, peers, odd->source};
}

}  // namespace vigil
