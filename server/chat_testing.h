// Test-only: an in-memory IncidentLookup for the chat's tests (chat_test.cc) and the chat page
// server of tests/serve_chat_chromium_test.sh (chat_e2e_server_test.cc).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/chat.h"

namespace vigil {

class FakeIncidents : public IncidentLookup {
 public:
  void Add(LiveIncident inc) {
    std::lock_guard<std::mutex> lock(mu_);
    incidents_[inc.id] = std::move(inc);
  }
  void SetFailing(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = fail;
  }
  Result<LiveIncident> Get(int64_t id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_) return UnavailableError("store is down");
    auto it = incidents_.find(id);
    if (it == incidents_.end()) return NotFoundError("incident " + std::to_string(id));
    return it->second;
  }
  Result<std::vector<LiveIncident>> Recent(size_t limit) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_) return UnavailableError("store is down");
    std::vector<LiveIncident> out;
    for (auto it = incidents_.rbegin(); it != incidents_.rend() && out.size() < limit; ++it) out.push_back(it->second);
    return out;
  }

 private:
  mutable std::mutex mu_;
  bool fail_ = false;
  std::map<int64_t, LiveIncident> incidents_;
};

}  // namespace vigil
