#include "agents/kube_pods.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include "agents/node_addresses.h"
#include "agents/node_names.h"
#include "agents/ssh_command.h"
#include "agents/zero_counter.h"

namespace vigil {
namespace {

// The words of a table row, a parenthesised group ("2 (5m ago)" in RESTARTS) dropped.
std::vector<std::string> RowWords(std::string_view line) {
  std::string kept;
  int depth = 0;
  for (char ch : line) {
    if (ch == '(') ++depth;
    else if (ch == ')' && depth > 0) --depth;
    else if (depth == 0) kept += ch;
  }
  std::vector<std::string> out;
  std::istringstream in(kept);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "Key:   value" of a describe output, the key without its indentation; false for another line.
bool DescribeField(std::string_view line, std::string_view* key, std::string_view* value) {
  const size_t b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos) return false;
  const size_t colon = line.find(':', b);
  if (colon == std::string_view::npos || colon == b) return false;
  *key = line.substr(b, colon - b);
  if (key->find_first_of(" \t") != std::string_view::npos) return false;
  std::string_view v = line.substr(colon + 1);
  const size_t vb = v.find_first_not_of(" \t"), ve = v.find_last_not_of(" \t\r");
  *value = vb == std::string_view::npos ? std::string_view() : v.substr(vb, ve - vb + 1);
  return true;
}

// kubectl's default `-o wide` columns for the command on `line` (a shell command line): pods'
// NAME, IP and NODE (shifted by NAMESPACE with -A), or nodes' NAME, INTERNAL-IP and EXTERNAL-IP.
// false when the line runs no `kubectl ... get pods|nodes ... -o wide`.
bool WideDefaults(std::string_view line, bool* nodes, bool* all_namespaces) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) {
    if (w == "|" || w == ";" || w == "&&" || w == "||") break;  // the pipe's filter is not kubectl's
    words.push_back(w);
  }
  size_t k = 0;
  while (k < words.size() && words[k] != "kubectl" &&
         !(words[k].size() > 8 && words[k].compare(words[k].size() - 8, 8, "/kubectl") == 0)) {
    ++k;
  }
  if (k == words.size()) return false;
  bool get = false, wide = false, resource = false;
  *nodes = false;
  *all_namespaces = false;
  for (size_t i = k + 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "get") {
      get = true;
    } else if (get && !resource && (w == "pods" || w == "pod" || w == "po")) {
      resource = true;
    } else if (get && !resource && (w == "nodes" || w == "node" || w == "no")) {
      resource = true;
      *nodes = true;
    } else if (w == "-A" || w == "--all-namespaces") {
      *all_namespaces = true;
    } else if (w == "-owide" || w == "-o=wide" || w == "--output=wide") {
      wide = true;
    } else if ((w == "-o" || w == "--output") && i + 1 < words.size() && words[i + 1] == "wide") {
      wide = true;
    }
  }
  return get && resource && wide;
}

}  // namespace

std::vector<KubePodFact> KubePodReader::Read(std::string_view line) {
  std::vector<KubePodFact> out;
  if (line.size() > 2000) {
    name_col_ = -1;
    return out;
  }
  const std::vector<std::string> words = RowWords(line);

  // A `kubectl get pods|nodes -o wide` command: its rows may come without the header.
  if (IsShellCommandLine(std::string(line))) {
    bool nodes = false, all = false;
    name_col_ = -1;
    // `kubectl describe pod NAME | grep Node:`: the command names the record a grep left nameless.
    record_node_.clear();
    record_name_ = KubectlDescribedPod(std::string(line));
    if (!HostNameWord(record_name_)) record_name_.clear();
    headerless_ = false;
    if (WideDefaults(line, &nodes, &all)) {
      const int shift = all && !nodes ? 1 : 0;
      name_col_ = shift;
      node_col_ = nodes ? 0 : 6 + shift;
      ip_col_ = 5 + shift;
      external_ip_col_ = nodes ? 6 : -1;
      nodes_table_ = nodes;
      headerless_ = true;
      needed_ = static_cast<size_t>(nodes ? 6 : 7 + shift);
    }
    return out;
  }

  // A header: NAME (or POD) and NODE, or a nodes table's NAME and INTERNAL-IP.
  if (!words.empty() && (words[0] == "NAME" || words[0] == "NAMESPACE" || words[0] == "POD")) {
    int name = -1, node = -1, ip = -1, internal = -1, external = -1;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      const int at = static_cast<int>(i);
      if ((w == "NAME" || w == "POD") && name < 0) name = at;
      else if (w == "NODE" && node < 0 && (i == 0 || words[i - 1] != "NOMINATED")) node = at;
      else if ((w == "IP" || w == "POD-IP" || w == "PODIP") && ip < 0) ip = at;
      else if (w == "INTERNAL-IP" && internal < 0) internal = at;
      else if (w == "EXTERNAL-IP" && external < 0) external = at;
      // Columns after one whose values hold spaces (OS-IMAGE's "Ubuntu 22.04.4 LTS") are not read.
      else if (w == "OS-IMAGE" || w == "NOMINATED" || w == "READINESS") break;
    }
    if (name >= 0 && node >= 0) {
      headerless_ = false;
      name_col_ = name;
      node_col_ = node;
      ip_col_ = ip;
      external_ip_col_ = -1;
      nodes_table_ = false;
      needed_ = static_cast<size_t>(std::max({name, node, ip})) + 1;
      return out;
    }
    if (name >= 0 && internal >= 0) {
      headerless_ = false;
      name_col_ = name;
      node_col_ = name;
      ip_col_ = internal;
      external_ip_col_ = external;
      nodes_table_ = true;
      needed_ = static_cast<size_t>(std::max({name, internal, external})) + 1;
      return out;
    }
  }
  if (name_col_ >= 0) {
    // Without a header, a row must hold an address (or a pending pod's "<none>") where kubectl
    // prints the IP: another line ends the table.
    const bool not_a_row = headerless_ && words.size() >= needed_ &&
                           words[static_cast<size_t>(ip_col_)] != "<none>" &&
                           NodeAddress(words[static_cast<size_t>(ip_col_)]).empty();
    if (words.size() < needed_ || not_a_row) {
      name_col_ = -1;  // the table's end; the line may still be a describe field below
    } else {
      const std::string& node = words[static_cast<size_t>(node_col_)];
      const std::string& name = words[static_cast<size_t>(name_col_)];
      if (!HostNameWord(node) || !HostNameWord(name)) return out;  // "<none>": not scheduled
      std::string address = ip_col_ >= 0 ? NodeAddress(words[static_cast<size_t>(ip_col_)]) : "";
      if (nodes_table_) {
        if (!address.empty()) out.push_back({"", address, node});
        if (external_ip_col_ >= 0) {
          if (std::string e = NodeAddress(words[static_cast<size_t>(external_ip_col_)]); !e.empty()) out.push_back({"", e, node});
        }
      } else {
        out.push_back({name, address, node});
      }
      return out;
    }
  }

  // kubectl describe pod / node.
  std::string_view key, value;
  if (!DescribeField(line, &key, &value)) return out;
  if (key == "Name") {
    record_name_ = HostNameWord(value) ? std::string(value) : "";
    record_node_.clear();
  } else if (key == "Node" && !record_name_.empty()) {
    const size_t slash = value.find('/');
    const std::string_view node = value.substr(0, slash);
    record_node_ = HostNameWord(node) ? std::string(node) : "";
    if (record_node_.empty()) return out;
    out.push_back({record_name_, "", record_node_});
    if (slash != std::string_view::npos) {
      if (std::string a = NodeAddress(value.substr(slash + 1)); !a.empty()) out.push_back({"", a, record_node_});
    }
  } else if (key == "IP" && !record_node_.empty()) {
    if (std::string a = NodeAddress(value); !a.empty()) out.push_back({record_name_, a, record_node_});
  } else if (key == "InternalIP" && !record_name_.empty() && record_node_.empty()) {
    if (std::string a = NodeAddress(value); !a.empty()) out.push_back({"", a, record_name_});
  }
  return out;
}

std::optional<KubePodFact> ScheduledPod(std::string_view line) {
  if (line.size() > 2000 || line.find("Successfully assigned") == std::string_view::npos) return std::nullopt;
  static const std::regex kAssigned(
      R"(\bSuccessfully assigned (?:[A-Za-z0-9_.-]+/)?([A-Za-z0-9][A-Za-z0-9_.-]*) to ([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9])\b)");
  const std::string text(line);
  std::smatch m;
  if (!std::regex_search(text, m, kAssigned) || !HostNameWord(m.str(1)) || !HostNameWord(m.str(2))) return std::nullopt;
  return KubePodFact{m.str(1), "", m.str(2)};
}

std::string KubeletKilledPod(std::string_view line) {
  if (line.size() > 2000 || line.find(" probe, will be restarted") == std::string_view::npos) return "";
  static const std::regex kKilled(
      R"(\bpod/([A-Za-z0-9][A-Za-z0-9_.-]*)\b[^\n]*\bfailed (?:liveness|startup) probe, will be restarted\b)");
  const std::string text(line);
  std::smatch m;
  if (!std::regex_search(text, m, kKilled) || !HostNameWord(m.str(1))) return "";
  return m.str(1);
}

void KubePodReader::ReadSource(std::string_view source) {
  if (source.size() > 2000) return;
  record_node_.clear();
  record_name_ = KubectlDescribedPod(std::string(source));
  if (!HostNameWord(record_name_)) record_name_.clear();
}

void AddKubePodFacts(const std::vector<KubePodFact>& facts, const std::function<std::string(std::string_view)>& node_of,
                     std::map<std::string, std::string>& by_name, std::set<std::string>& twice) {
  for (const KubePodFact& f : facts) {
    const std::string node = node_of(f.node);
    if (node.empty()) continue;
    // A pod name without a '-' ("trainer", "launcher") is also a plain word of other lines: no tie.
    const std::string pod = f.pod.find('-') == std::string::npos ? "" : f.pod;
    for (const std::string& name : {pod, f.address}) {
      const std::string key = name.empty() ? "" : NodeNameKey(name);
      if (key.empty()) continue;
      auto [it, added] = by_name.emplace(key, node);
      if (!added && it->second != node) twice.insert(key);
    }
  }
}

}  // namespace vigil
