// Test helper for server tests of storm incidents: a storm incident built in memory.
#pragma once

#include <string>
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

}  // namespace vigil::testing
