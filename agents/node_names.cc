#include "agents/node_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "agents/scrape_labels.h"
#include "core/ascii.h"

namespace vigil {
namespace {

// `name` without enclosing brackets ("[fd00::3]" -> "fd00::3"); else as given.
std::string_view Unbracketed(std::string_view name) {
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') return name.substr(1, name.size() - 2);
  return name;
}

// The canonical text of an IP address, "" when `name` is none.
std::string CanonicalAddress(std::string_view name) {
  const std::string s(Unbracketed(name));
  if (s.empty() || s.size() > 64) return "";
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), buf) != 1) return "";
    return inet_ntop(AF_INET6, buf, out, sizeof out) ? std::string(out) : "";
  }
  // inet_pton's AF_INET takes exactly the dotted quad (no "10.3", no octal), as wanted.
  if (inet_pton(AF_INET, s.c_str(), buf) != 1) return "";
  return inet_ntop(AF_INET, buf, out, sizeof out) ? std::string(out) : "";
}

}  // namespace

std::string InstanceHost(std::string_view instance) {
  if (!instance.empty() && instance.front() == '[') {
    const size_t close = instance.find(']');
    if (close == std::string_view::npos) return std::string(instance);  // unclosed: no address, kept as a name
    return std::string(instance.substr(1, close - 1));
  }
  const size_t colon = instance.find(':');
  if (colon == std::string_view::npos) return std::string(instance);
  if (instance.find(':', colon + 1) != std::string_view::npos) return std::string(instance);  // bare IPv6
  // Only a port is cut: blackbox_exporter's instance is the probed URL ("https://a.example.com"),
  // which names itself, not a host "https" (review RV-DX).
  const std::string_view port = instance.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    return std::string(instance);
  return std::string(instance.substr(0, colon));  // "host:port", ":9100" -> ""
}

std::string NodeLabelHost(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  return InstanceHost(value);
}

std::string NodeOf(const Labels& labels) {
  for (std::string_view key : kNodeLabelKeys) {
    if (std::string host = SubjectNodeLabel(labels, key); !host.empty()) return host;
  }
  return "";
}

bool IsIpAddress(std::string_view name) { return !CanonicalAddress(name).empty(); }

std::string NodeNameKey(std::string_view name) {
  if (std::string a = CanonicalAddress(name); !a.empty()) return a;
  std::string s = AsciiLower(name);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

namespace {

// SameNodeName on two NodeNameKey'd names.
bool SameKey(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  if (IsIpAddress(a) || IsIpAddress(b)) return false;
  const size_t da = a.find('.'), db = b.find('.');
  if ((da == std::string::npos) == (db == std::string::npos)) return false;  // two short names, or two FQDNs
  const std::string& s = da == std::string::npos ? a : b;   // the short one
  const std::string& f = da == std::string::npos ? b : a;   // the FQDN
  return f.size() > s.size() && f.compare(0, s.size(), s) == 0 && f[s.size()] == '.';
}

bool AnyShared(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (SameKey(x, y)) return true;
    }
  }
  return false;
}

void AddOnce(std::vector<std::string>* v, std::string key) {
  if (!key.empty() && std::find(v->begin(), v->end(), key) == v->end()) v->push_back(std::move(key));
}

}  // namespace

bool SameNodeName(std::string_view a, std::string_view b) { return SameKey(NodeNameKey(a), NodeNameKey(b)); }

bool NodeNames::AddLabelled(std::string_view name) {
  std::string key = NodeNameKey(name);
  if (key.empty()) return false;
  AddOnce(&labelled, std::move(key));
  return true;
}

NodeNames NodeNamesOf(const Labels& labels) {
  NodeNames out;
  for (std::string_view k : kNodeLabelKeys) {
    // A port on any node label is dropped (`host="node-3:9100"`), as the diagnosis always did.
    std::string key = NodeNameKey(SubjectNodeLabel(labels, k));
    AddOnce(k == "instance" ? &out.instance : &out.labelled, std::move(key));
  }
  return out;
}

bool NamesNode(const NodeNames& names, std::string_view name) {
  const std::string key = NodeNameKey(name);
  for (const auto* list : {&names.labelled, &names.instance}) {
    for (const std::string& n : *list) {
      if (SameKey(n, key)) return true;
    }
  }
  return false;
}

bool SameNode(const NodeNames& a, const NodeNames& b) {
  if (!a.labelled.empty() && !b.labelled.empty()) return AnyShared(a.labelled, b.labelled);
  return AnyShared(a.labelled, b.labelled) || AnyShared(a.labelled, b.instance) ||
         AnyShared(a.instance, b.labelled) || AnyShared(a.instance, b.instance);
}

bool SameNode(const Labels& a, const Labels& b) { return SameNode(NodeNamesOf(a), NodeNamesOf(b)); }

bool OnlyAddresses(const NodeNames& names) {
  if (names.empty()) return false;
  for (const auto* list : {&names.labelled, &names.instance}) {
    for (const std::string& n : *list) {
      if (!IsIpAddress(n)) return false;
    }
  }
  return true;
}

NodeNames WithUnameNames(NodeNames names, const std::vector<TimeSeries>& series) {
  if (names.empty()) return names;
  const NodeNames given = names;
  for (const TimeSeries& s : series) {
    auto nodename = s.labels.find("nodename");
    auto instance = s.labels.find("instance");
    if (nodename == s.labels.end() || instance == s.labels.end()) continue;
    const std::string name = NodeNameKey(NodeLabelHost(nodename->second));
    const std::string host = NodeNameKey(NodeLabelHost(instance->second));
    if (name.empty() || host.empty()) continue;
    if (!NamesNode(given, name) && !NamesNode(given, host)) continue;
    AddOnce(&names.labelled, name);
    AddOnce(&names.instance, host);
  }
  return names;
}

bool LooksLikeHostName(std::string_view part) {
  if (part.empty() || part.size() > 253) return false;
  if (IsIpAddress(part)) return true;
  bool letter = false, digit = false;
  for (unsigned char ch : part) {
    if (std::isalpha(ch)) letter = true;
    else if (std::isdigit(ch)) digit = true;
    else if (ch != '.' && ch != '-' && ch != '_') return false;
  }
  if (!letter || !digit) return false;
  const std::string lower = AsciiLower(part);
  for (std::string_view ext : {".out", ".err", ".log", ".txt", ".json", ".csv"}) {
    if (lower.ends_with(ext)) return false;
  }
  // "rank3", "rank-3", "rank_3": a rank's folder, not a host.
  if (lower.rfind("rank", 0) == 0) {
    std::string_view rest = std::string_view(lower).substr(4);
    if (!rest.empty() && (rest.front() == '-' || rest.front() == '_')) rest.remove_prefix(1);
    if (!rest.empty() && std::all_of(rest.begin(), rest.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      return false;
  }
  return true;
}

}  // namespace vigil
