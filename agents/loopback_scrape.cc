#include "agents/loopback_scrape.h"

#include <set>
#include <vector>

#include "agents/node_names.h"

namespace vigil {

bool IsLoopbackHost(std::string_view host) {
  const std::string key = NodeNameKey(host);
  if (key.empty()) return false;
  if (IsIpAddress(key)) return key.rfind("127.", 0) == 0 || key == "::1";
  return key == "localhost" || key == "localhost.localdomain" || key == "ip6-localhost" || key == "ip6-loopback";
}

namespace {

// The one host `names` hold (SameNodeName: "gpu-1" and "GPU-1.example" are one), else "".
std::string OneHost(const std::vector<std::string>& names) {
  std::string one;
  for (const std::string& n : names) {
    if (one.empty()) {
      one = n;
    } else if (!SameNodeName(one, n)) {
      return "";
    }
  }
  return one;
}

bool NamesLoopback(const Labels& labels) {
  const std::string node = NodeOf(labels);
  return !node.empty() && IsLoopbackHost(node);
}

// The `instance` of a series (or alert) scraped from another machine: a scrape target whose host is
// no loopback name ("10.0.0.3:9400", "gpu-node-3:9100"); "" for none or a loopback one.
std::string RemoteInstance(const Labels& labels) {
  auto it = labels.find("instance");
  if (it == labels.end()) return "";
  const std::string host = NodeLabelHost(it->second);
  return host.empty() || IsLoopbackHost(host) ? std::string() : it->second;
}

// Sets `labels`' loopback node labels to `host`, or drops them when `host` is "".
void Relabel(Labels& labels, const std::string& host) {
  for (std::string_view k : kNodeLabelKeys) {
    auto it = labels.find(std::string(k));
    if (it == labels.end() || !IsLoopbackHost(NodeLabelHost(it->second))) continue;
    if (host.empty()) {
      labels.erase(it);
    } else if (k == "instance") {
      labels["node"] = host;
    } else {
      it->second = host;
    }
  }
}

}  // namespace

LoopbackPlacing PlaceLoopbackScrapes(DiagnosisCase& c) {
  LoopbackPlacing out;
  std::string shown;  // the first loopback name seen, for the note ("127.0.0.1:8000")
  auto count = [&](const Labels& labels) {
    if (!NamesLoopback(labels)) return false;
    ++out.places;
    if (shown.empty()) {
      for (std::string_view k : kNodeLabelKeys) {
        auto it = labels.find(std::string(k));
        if (it != labels.end() && IsLoopbackHost(NodeLabelHost(it->second))) {
          shown = std::string(k) + "=\"" + it->second + "\"";
          break;
        }
      }
    }
    return true;
  };
  for (const TimeSeries& s : c.metrics) count(s.labels);
  if (c.alert) count(c.alert->labels);
  if (out.places == 0) return out;

  // A scrape of another machine in the case (PLC3): the scraping host reaches its targets over the
  // network, so its loopback targets are its own (a Prometheus scraping itself at localhost:9090,
  // its own host's node_exporter at localhost:9100), not the hosts it scrapes remotely. Then the
  // hosts named by remotely scraped series, and the topology's one node, are no answer for it.
  std::string remote;
  for (const TimeSeries& s : c.metrics) {
    if (remote.empty()) remote = RemoteInstance(s.labels);
  }
  if (remote.empty() && c.alert) remote = RemoteInstance(c.alert->labels);

  std::string how;
  // 1. node_uname_info (any series with `nodename`) scraped at a loopback instance.
  std::vector<std::string> names;
  for (const TimeSeries& s : c.metrics) {
    auto inst = s.labels.find("instance");
    auto name = s.labels.find("nodename");
    if (inst == s.labels.end() || name == s.labels.end() || !IsLoopbackHost(NodeLabelHost(inst->second))) continue;
    if (std::string n = NodeLabelHost(name->second); !n.empty() && !IsLoopbackHost(n)) names.push_back(n);
  }
  out.host = OneHost(names);
  if (!out.host.empty()) how = "the nodename of node_uname_info scraped at a loopback instance";
  // 2. The one host the case's node labels other than `instance` name, on series (and the alert)
  // not scraped from another machine.
  if (out.host.empty()) {
    names.clear();
    auto add = [&](const Labels& labels) {
      if (!RemoteInstance(labels).empty()) return;
      for (std::string_view k : kNodeLabelKeys) {
        if (k == "instance") continue;
        auto it = labels.find(std::string(k));
        if (it == labels.end()) continue;
        if (std::string n = NodeLabelHost(it->second); !n.empty() && !IsLoopbackHost(n)) names.push_back(n);
      }
    };
    for (const TimeSeries& s : c.metrics) add(s.labels);
    if (c.alert) add(c.alert->labels);
    out.host = OneHost(names);
    if (!out.host.empty()) how = "the one host the case's series and alert name by their node labels";
  }
  // 3. The topology's one node, when nothing is scraped from another machine.
  if (out.host.empty() && remote.empty() && c.topology.is_object()) {
    auto it = c.topology.find("nodes");
    if (it != c.topology.end() && it->is_array() && it->size() == 1 && (*it)[0].is_string()) {
      const std::string n = (*it)[0].get<std::string>();
      if (!NodeLabelHost(n).empty() && !IsLoopbackHost(n)) {
        out.host = n;
        how = "the topology's only node";
      }
    }
  }
  for (TimeSeries& s : c.metrics) {
    if (NamesLoopback(s.labels)) Relabel(s.labels, out.host);
  }
  if (c.alert && NamesLoopback(c.alert->labels)) Relabel(c.alert->labels, out.host);

  out.note = std::to_string(out.places);
  out.note += out.places == 1 ? " place (series or alert) is" : " places (series and alert) are";
  out.note += " named only by a loopback address (";
  out.note += shown;
  out.note += "): the scraping host itself, no node's name; ";
  if (out.host.empty()) {
    out.note += "no node_uname_info, node label or one-node topology of the case names that host, so they are read as no node's";
    if (!remote.empty()) {
      out.note += " (the case's other series are scraped from another machine, instance=\"";
      out.note += remote;
      out.note += "\": the scraping host, a Prometheus scraping itself or its own host's exporters, is none of the hosts it "
                  "scrapes that way)";
    }
  } else {
    out.note += "read as ";
    out.note += out.host;
    out.note += " (";
    out.note += how;
    out.note += ")";
  }
  return out;
}

}  // namespace vigil
