// The reasoner's onlooker (agents/verification_observer.h, VER4): the steps of each round are
// reported before any of them reaches the probe executor, and the ranking before the first round
// and after each one; without an onlooker nothing changes.
#include <mutex>

#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/verification_observer.h"

namespace vigil {
namespace {

using testing::KbWith;

// One event log for the onlooker and the executor, in the order things happened.
struct Events {
  std::mutex mu;
  std::vector<std::string> log;
  std::vector<std::vector<PlannedProbeStep>> planned;  // the plan in force at each log entry
  std::vector<std::pair<int, std::vector<RankedHypothesis>>> ranked;
  std::vector<PlannedProbeStep> plan;
  void Add(std::string e) {
    std::lock_guard lock(mu);
    log.push_back(std::move(e));
  }
};

class Onlooker : public VerificationObserver {
 public:
  explicit Onlooker(Events* e) : e_(e) {}
  void Planned(int round, const std::vector<PlannedProbeStep>& steps) override {
    std::lock_guard lock(e_->mu);
    e_->log.push_back("planned " + std::to_string(round));
    e_->plan.insert(e_->plan.end(), steps.begin(), steps.end());
  }
  void Ranked(int round, const std::vector<RankedHypothesis>& leading) override {
    std::lock_guard lock(e_->mu);
    e_->log.push_back("ranked " + std::to_string(round));
    e_->ranked.push_back({round, leading});
  }

 private:
  Events* e_;
};

// Records every probe run, and whether the reasoner had planned it before (CHECKed at once).
class PlannedCheckingExecutor : public testing::RecordedExecutor {
 public:
  explicit PlannedCheckingExecutor(Events* e) : e_(e) {}
  Result<std::vector<ProbeResult>> Run(const ProbeRequest& r) override {
    {
      std::lock_guard lock(e_->mu);
      for (const std::string& p : r.probes) {
        bool planned = false;
        for (const PlannedProbeStep& s : e_->plan) planned = planned || (s.probe == p && s.target == r.target);
        if (!planned) unplanned.push_back(p + "@" + r.target);
        e_->log.push_back("run " + p + "@" + r.target);
      }
    }
    return RecordedExecutor::Run(r);
  }
  std::vector<std::string> unplanned;

 private:
  Events* e_;
};

Incident OffTheBus() {
  Incident i;
  i.id = "bus-1";
  i.title = "GPU fell off the bus";
  i.log_signatures = {"GPU has fallen off the bus"};
  i.root_cause = "gpu_fallen_off_bus";
  i.mitigation = "drain the node, reseat the GPU";
  return i;
}

DiagnosisCase BusCase() {
  Json j = {{"id", "bus"},
            {"alert", {{"labels", {{"alertname", "TrainingJobStalled"}, {"node", "node-3"}}},
                       {"annotations", {{"summary", "no step for 10 minutes"}}},
                       {"startsAt", "2026-03-18T10:05:00Z"}}},
            {"topology", {{"nodes", Json::array({"node-3"})}, {"gpus_per_node", 8}}},
            {"logs", Json::array({Json{{"source", "node-3/kernel"},
                                       {"lines", Json::array({"[2026-03-18 10:01:00] NVRM: Xid (PCI:0000:9b:00): 79, "
                                                              "pid=4242, GPU has fallen off the bus."})}}})}};
  auto c = ParseCase(j, "bus.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

TEST_CASE("verification onlooker: each round's steps are planned before they run, ranked before and after") {
  auto kb = KbWith({OffTheBus()});
  Events events;
  PlannedCheckingExecutor exec(&events);
  exec.Record("gpu.health", "node-3/gpu5", ProbeStatus::kFail, "GPU 5: GPU is lost", 0.2);
  DiagnosisAgentOptions o;
  o.kb = kb.get();
  Onlooker onlooker(&events);
  Result<DiagnosisReport> r = InternalError("not run");
  {
    ScopedVerificationObserver scope(&onlooker);
    CHECK(CurrentVerificationObserver() == &onlooker);
    r = DiagnosisAgent(o).Diagnose(BusCase(), &exec);
  }
  CHECK(CurrentVerificationObserver() == nullptr);
  REQUIRE(r.ok());
  INFO(Json(events.log).dump(1));
  CHECK(exec.unplanned.empty());
  REQUIRE(!exec.asked.empty());  // probes ran, each planned first (above)
  REQUIRE(events.log.size() >= 3);
  CHECK(events.log.front() == "ranked 0");  // the ranking before any probe
  REQUIRE(events.ranked.size() >= 2);
  CHECK(events.ranked.front().first == 0);
  REQUIRE(!events.ranked.front().second.empty());
  CHECK(events.ranked.front().second[0].category == "gpu_fallen_off_bus");
  // Every round that ran is ranked after its steps, with posteriors in (0, 1], highest first.
  int rounds_planned = 0;
  for (const std::string& e : events.log) rounds_planned = std::max(rounds_planned, e.rfind("planned ", 0) == 0 ? std::stoi(e.substr(8)) : 0);
  CHECK(events.ranked.back().first == rounds_planned);
  CHECK(events.log.back().rfind("ranked ", 0) == 0);
  for (const auto& [round, leading] : events.ranked) {
    for (size_t i = 0; i < leading.size(); ++i) {
      CHECK(leading[i].posterior > 0);
      CHECK(leading[i].posterior <= 1);
      if (i > 0) CHECK(leading[i].posterior <= leading[i - 1].posterior);
    }
  }
  CHECK(events.ranked.back().second[0].category == r->diagnosis.root_cause);
  CHECK(events.ranked.back().second[0].component == r->diagnosis.component);
}

TEST_CASE("verification onlooker: none set, the same diagnosis and no report") {
  auto kb = KbWith({OffTheBus()});
  Events events;
  DiagnosisAgentOptions o;
  o.kb = kb.get();
  PlannedCheckingExecutor watched(&events), plain(&events);
  for (auto* e : {&watched, &plain}) e->Record("gpu.health", "node-3/gpu5", ProbeStatus::kFail, "GPU 5: GPU is lost", 0.2);
  Onlooker onlooker(&events);
  Result<DiagnosisReport> with = InternalError("not run");
  {
    ScopedVerificationObserver scope(&onlooker);
    with = DiagnosisAgent(o).Diagnose(BusCase(), &watched);
  }
  auto without = DiagnosisAgent(o).Diagnose(BusCase(), &plain);
  REQUIRE(with.ok());
  REQUIRE(without.ok());
  CHECK(with->diagnosis.root_cause == without->diagnosis.root_cause);
  CHECK(with->diagnosis.component == without->diagnosis.component);
  CHECK(with->diagnosis.confidence == without->diagnosis.confidence);
  CHECK(with->diagnosis.evidence.size() == without->diagnosis.evidence.size());
  REQUIRE(with->diagnosis.steps.size() == without->diagnosis.steps.size());
  for (size_t i = 0; i < with->diagnosis.steps.size(); ++i) {
    CHECK(with->diagnosis.steps[i].target == without->diagnosis.steps[i].target);
    CHECK(with->diagnosis.steps[i].outcome == without->diagnosis.steps[i].outcome);
  }
  CHECK(watched.asked == plain.asked);
}

}  // namespace
}  // namespace vigil
