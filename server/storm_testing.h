// Test helper for server tests of storm incidents: a storm incident built in memory.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/incident_store.h"

namespace vigil::testing {

// Storm incident 1 of group `key` whose members are `alerts` (firing, as given), led by the first.
inline StoredIncident StormOf(const std::string& key, const std::vector<Alert>& alerts) {
  StoredIncident incident;
  incident.id = 1;
  incident.storm_key = key;
  for (const Alert& a : alerts) {
    StormMember m;
    m.fingerprint = a.fingerprint;
    m.starts_at_ms = a.starts_at_ms;
    m.alert = a;
    incident.members.push_back(m);
  }
  incident.alert = alerts.front();
  incident.fingerprint = alerts.front().fingerprint;
  return incident;
}

// The rack storm of the storm-merge tests (storm_merge_test.cc, storm_merge3_test.cc): one
// Alertmanager groupKey, node_exporter's NodeDowns without a rack label, dcgm-exporter's Xid alerts
// with one.
inline constexpr char kRackStormGroupKey[] = "{}/{severity=\"critical\"}:{cluster=\"train-a\"}";

inline Alert Firing(std::string fingerprint, std::string rule, std::map<std::string, std::string> labels,
                    int64_t starts_at_ms = 1'000'000) {
  Alert a;
  a.fingerprint = std::move(fingerprint);
  a.rule = std::move(rule);
  a.severity = "critical";
  a.labels = std::move(labels);
  a.labels["alertname"] = a.rule;
  a.state = AlertState::kFiring;
  a.starts_at_ms = starts_at_ms;
  a.active_at_ms = starts_at_ms;
  return a;
}

inline std::string RackNode(int n) { return "rack7-node-" + std::to_string(n); }

// node_exporter's NodeDown on nodes [from, to): no rack label, no Slurm job.
inline std::vector<Alert> NodeDowns(int from, int to) {
  std::vector<Alert> out;
  for (int n = from; n < to; ++n) {
    out.push_back(Firing("down-" + std::to_string(n), "NodeDown", {{"instance", RackNode(n) + ":9100"}, {"job", "node"}}));
  }
  return out;
}

// dcgm-exporter's Xid alerts on GPUs 0-3 of nodes [from, to), rack r7.
inline std::vector<Alert> RackXids(int from, int to, int64_t starts_at_ms = 1'000'000) {
  std::vector<Alert> out;
  for (int n = from; n < to; ++n) {
    for (int g = 0; g < 4; ++g) {
      out.push_back(Firing("xid-" + std::to_string(n) + "-" + std::to_string(g), "XidError",
                           {{"Hostname", RackNode(n)}, {"gpu", std::to_string(g)}, {"rack", "r7"}}, starts_at_ms));
    }
  }
  return out;
}

// A training job's NCCL watchdog timeouts on nodes [from, to): Slurm job 4242, no rack.
inline std::vector<Alert> NcclTimeouts(int from, int to) {
  std::vector<Alert> out;
  for (int n = from; n < to; ++n) {
    out.push_back(Firing("nccl-" + std::to_string(n), "NCCLTimeout", {{"Hostname", RackNode(n)}, {"slurm_job_id", "4242"}}));
  }
  return out;
}

// The parts one after another, as one webhook's alerts.
inline std::vector<Alert> Cat(std::initializer_list<std::vector<Alert>> parts) {
  std::vector<Alert> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The store at `file` with a clock read from `*now` (queue of 100).
inline std::unique_ptr<IncidentStore> OpenStoreAt(const std::filesystem::path& file, int64_t* now) {
  IncidentStoreOptions o;
  o.path = file.string();
  o.queue_max = 100;
  o.now_ms = [now] { return *now; };
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

}  // namespace vigil::testing
