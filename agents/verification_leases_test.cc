// Two verification planners in one process (vigil serve's triage workers, one planner per alert)
// and the hardware their intrusive probes load (WALKP, 2026-12-04).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agents/verification_planner.h"

namespace vigil {
namespace {

// Counts the steps running at once across planners. Each step waits (at most `hold`) for another
// to join it, so two steps that may overlap always do, and the most seen at once is exact.
struct Overlap {
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  int most = 0;
  StepResult Run(std::chrono::milliseconds hold) {
    std::unique_lock<std::mutex> lock(mu);
    ++active;
    most = std::max(most, active);
    cv.notify_all();
    cv.wait_for(lock, hold, [&] { return active >= 2; });
    --active;
    StepResult r;
    r.outcome = "pass";
    r.duration_s = 0.1;
    return r;
  }
};

VerificationStep Probe(const std::string& id, const std::string& target) {
  VerificationStep s;
  s.id = id;
  s.action = "run_probe";
  s.target = target;
  s.expected_s = 0.1;
  return s;
}

// Two planners (two alerts' triages) on two threads, one step each.
int MostAtOnce(const std::string& first, const std::string& second) {
  Overlap o;
  auto triage = [&](const std::string& target) {
    PlannerOptions opt;
    opt.conflicts = ProbeStepsConflict;
    VerificationPlanner planner(opt);
    std::vector<VerificationStep> steps = {Probe("s1", target)};
    auto r = planner.Execute(steps, [&](const VerificationStep&, double) {
      return o.Run(std::chrono::milliseconds(300));
    });
    REQUIRE(r.ok());
    CHECK(steps[0].outcome == "pass");
  };
  std::thread a(triage, first), b(triage, second);
  a.join();
  b.join();
  return o.most;
}

}  // namespace

TEST_CASE("planner: intrusive probes of two triages in one process never load the same GPU at once") {
  // Before: each triage's planner kept only its own steps apart, and two alerts about one GPU ran
  // gpu.gemm there together, each measuring about half the throughput.
  CHECK(MostAtOnce("gpu.gemm@node-1/gpu0", "gpu.gemm@node-1/gpu0") == 1);
  CHECK(MostAtOnce("gpu.gemm@node-1/gpu0", "nccl.allreduce@node-1") == 1);  // node-wide vs one of its GPUs
  // What loads other hardware, or nothing, still overlaps.
  CHECK(MostAtOnce("gpu.gemm@node-1/gpu0", "gpu.gemm@node-1/gpu1") == 2);
  CHECK(MostAtOnce("gpu.gemm@node-1/gpu0", "gpu.gemm@node-2/gpu0") == 2);
  CHECK(MostAtOnce("gpu.health@node-1/gpu0", "gpu.health@node-1/gpu0") == 2);
}

// VER6: gpu.kernel_launch (not intrusive) ran beside another triage's gpu.gemm on its GPU and timed
// the GEMM (2,458 us `fail` on an H200 beside another process's). Another triage's intrusive probe
// now keeps it out, as another process's does (its host-wide lease is shared: probes/probe_lock.h).
TEST_CASE("planner: a probe that times a GPU never runs beside another triage's intrusive probe on it") {
  CHECK(MostAtOnce("gpu.gemm@node-1/gpu0", "gpu.kernel_launch@node-1/gpu0") == 1);
  CHECK(MostAtOnce("gpu.kernel_launch@node-1/gpu0", "gpu.hbm_bandwidth@node-1/gpu0") == 1);
  CHECK(MostAtOnce("gpu.kernel_launch@node-1/gpu0", "gpu.sdc@node-1") == 1);  // node-wide
  // Two timing probes share the GPU; other GPUs and probes that load nothing are not held up.
  CHECK(MostAtOnce("gpu.kernel_launch@node-1/gpu0", "gpu.kernel_launch@node-1/gpu0") == 2);
  CHECK(MostAtOnce("gpu.kernel_launch@node-1/gpu0", "gpu.gemm@node-1/gpu1") == 2);
  CHECK(MostAtOnce("gpu.kernel_launch@node-1/gpu0", "gpu.health@node-1/gpu0") == 2);
  // Within one triage the planner still runs it at once beside its own GEMM (the schedule of
  // diagnosis_test "reasoner: a follow-up probe waits only ...": the launch at 1 s, not after the GEMM).
  CHECK_FALSE(ProbeStepsConflict(Probe("a", "gpu.gemm@node-1/gpu0"), Probe("b", "gpu.kernel_launch@node-1/gpu0")));
  Overlap o;
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  VerificationPlanner planner(opt);
  std::vector<VerificationStep> steps = {Probe("s1", "gpu.gemm@node-1/gpu0"), Probe("s2", "gpu.kernel_launch@node-1/gpu0")};
  auto r = planner.Execute(steps, [&](const VerificationStep&, double) { return o.Run(std::chrono::milliseconds(300)); });
  REQUIRE(r.ok());
  CHECK(o.most == 2);
}

TEST_CASE("planner: a timed-out intrusive step still running keeps its GPU from the next one") {
  // A step past its limit is abandoned, not stopped: its probe runs on until the executor's own
  // limit and grace end it. Before, the planner started the next GEMM on that GPU at once.
  Overlap o;
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  opt.step_time_limit_s = 0.05;
  int most = 0;
  {
    VerificationPlanner planner(opt);
    std::vector<VerificationStep> steps = {Probe("s1", "gpu.gemm@node-1/gpu0"), Probe("s2", "gpu.gemm@node-1/gpu0")};
    auto r = planner.Execute(steps, [&](const VerificationStep&, double) {
      return o.Run(std::chrono::milliseconds(300));
    });
    REQUIRE(r.ok());
    CHECK(steps[0].outcome == "timeout");
  }  // joins the abandoned steps
  most = o.most;
  CHECK(most == 1);
}



// The whole verification's deadline (WALKP2, 2026-12-04): before it, nothing bounded a triage whose
// probes all hang (3 min 22 s for one StragglerRank alert, each step running to its own limit).
TEST_CASE("planner: past the verification's deadline no step starts and the runner is never asked") {
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  opt.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  VerificationPlanner planner(opt);
  std::vector<VerificationStep> steps = {Probe("s1", "gpu.health@node-1/gpu0"), Probe("s2", "gpu.gemm@node-1/gpu0"),
                                         Probe("s3", "gpu.gemm@node-1/gpu1")};
  steps[2].depends_on = {"s1"};
  int asked = 0;
  auto r = planner.Execute(steps, [&](const VerificationStep&, double) {
    ++asked;
    return StepResult{"pass", 0.1, {}};
  });
  REQUIRE(r.ok());
  CHECK(asked == 0);
  for (size_t i = 0; i < steps.size(); ++i) {
    CAPTURE(steps[i].id);
    CHECK(steps[i].outcome == "skipped");
    CHECK(steps[i].duration_s == 0);  // the planned-vs-sequential figures count it as nothing
    CHECK((*r)[i].result.value("budget", false));
    CHECK((*r)[i].result.value("reason", "").find("time budget was spent") != std::string::npos);
  }
}

TEST_CASE("planner: a step started before the deadline gets only the time left, and is abandoned at it") {
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  opt.step_time_limit_s = 30;
  opt.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::vector<double> limits;
  {
    VerificationPlanner planner(opt);
    // s2 loads the same GPU: it waits for s1, and the deadline comes first.
    std::vector<VerificationStep> steps = {Probe("s1", "gpu.gemm@node-1/gpu0"), Probe("s2", "gpu.gemm@node-1/gpu0")};
    auto r = planner.Execute(steps, [&](const VerificationStep&, double limit) {
      std::unique_lock<std::mutex> lock(mu);
      limits.push_back(limit);
      cv.wait(lock, [&] { return release; });  // a probe that hangs until the test lets it go
      return StepResult{"error", -1, Json{{"reason", "killed"}}};
    });
    REQUIRE(r.ok());
    CHECK(steps[0].outcome == "timeout");
    CHECK((*r)[0].result.value("budget", false));
    CHECK((*r)[0].result.value("reason", "").find("left of the verification's time budget") != std::string::npos);
    CHECK(steps[0].duration_s <= 0.2);
    CHECK(steps[1].outcome == "skipped");
    CHECK((*r)[1].result.value("budget", false));
    {
      std::lock_guard<std::mutex> lock(mu);
      release = true;
    }
    cv.notify_all();
  }  // joins the abandoned step
  REQUIRE(limits.size() == 1);
  CHECK(limits[0] <= 0.2);  // not the step's 30 s: the executor ends its probe at the budget
}

}  // namespace vigil

namespace vigil {
namespace {

// One GPU of the test: a gpu.gemm step loads it for 300 ms; a gpu.kernel_launch measured while a
// GEMM runs there reads `beside` (the GEMM's kernels: "fail", 2,456 us on an H200), alone `alone`
// ("pass"; "fail" for a GPU whose launches are slow by themselves). The first launch waits (up to
// 1 s) until a GEMM has started, so it is measured beside one whenever the planner lets it.
struct FakeGpu {
  std::string beside = "fail";
  std::string alone = "pass";
  std::mutex mu;
  std::condition_variable cv;
  bool gemm_started = false;
  int gemms = 0;
  int launches = 0;
  int launches_beside = 0;
  StepResult Run(const VerificationStep& s) {
    StepResult r;
    r.duration_s = 0.1;
    if (s.target.rfind("gpu.gemm@", 0) == 0) {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++gemms;
        gemm_started = true;
      }
      cv.notify_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      std::lock_guard<std::mutex> lock(mu);
      --gemms;
      r.outcome = "pass";
      r.result = Json{{"status", "pass"}};
      return r;
    }
    std::unique_lock<std::mutex> lock(mu);
    if (launches == 0) cv.wait_for(lock, std::chrono::seconds(1), [&] { return gemm_started; });
    ++launches;
    const bool loaded = gemms > 0;
    launches_beside += loaded ? 1 : 0;
    r.outcome = loaded ? beside : alone;
    r.result = Json{{"probe", "gpu.kernel_launch"},
                    {"status", r.outcome},
                    {"reason", loaded ? "round trip 2456 us" : "round trip 9.8 us"}};
    return r;
  }
};

// A triage's GEMM and its kernel launch on one GPU, the two free to start at once (as in round 2 of
// diagnosis_test "reasoner: a follow-up probe waits only ...").
std::vector<VerificationStep> GemmAndLaunch(FakeGpu& gpu, Result<std::vector<StepResult>>* results) {
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  VerificationPlanner planner(opt);
  std::vector<VerificationStep> steps = {Probe("s1", "gpu.gemm@node-1/gpu0"),
                                         Probe("s2", "gpu.kernel_launch@node-1/gpu0")};
  *results = planner.Execute(steps, [&](const VerificationStep& s, double) { return gpu.Run(s); });
  return steps;
}

}  // namespace

// VER7: within one triage the planner runs its kernel launch beside its own GEMM (VER6 kept that for
// the plan's time: diagnosis_test's launch at 1 s, planned 8 s, not 10 s), and the launch then times
// the GEMM: a `fail` that says nothing of the GPU. A launch that passes beside a load passed (a load
// only slows it), so it stands; one that fails beside its triage's intrusive probe on that GPU is run
// again once that probe has ended, apart from it, and that answer is the step's.
TEST_CASE("planner: a kernel launch that failed beside its own triage's GEMM is measured again apart from it") {
  {
    FakeGpu gpu;  // a healthy GPU: beside the GEMM the launch reads the GEMM
    Result<std::vector<StepResult>> r = std::vector<StepResult>{};
    std::vector<VerificationStep> steps = GemmAndLaunch(gpu, &r);
    REQUIRE(r.ok());
    CHECK(steps[1].outcome == "pass");  // before: "fail", measured once, beside the GEMM
    CHECK(gpu.launches == 2);
    CHECK(gpu.launches_beside == 1);
    const Json first = (*r)[1].result.value("beside_load", Json::object());
    CHECK(first.value("status", "") == "fail");
    CHECK(first.value("beside", "") == "gpu.gemm@node-1/gpu0");
    CHECK(first.value("reason", "").find("2456 us") != std::string::npos);
  }
  {
    FakeGpu gpu;  // a GPU whose launches are slow: the second, clean, measurement fails too
    gpu.alone = "fail";
    Result<std::vector<StepResult>> r = std::vector<StepResult>{};
    std::vector<VerificationStep> steps = GemmAndLaunch(gpu, &r);
    REQUIRE(r.ok());
    CHECK(steps[1].outcome == "fail");
    CHECK(gpu.launches == 2);  // once more, not again and again
    CHECK(gpu.launches_beside == 1);
    CHECK((*r)[1].result.value("reason", "") == "round trip 9.8 us");
  }
  {
    FakeGpu gpu;  // a launch that passes beside the GEMM is not run again: the plan keeps its time
    gpu.beside = "pass";
    Result<std::vector<StepResult>> r = std::vector<StepResult>{};
    std::vector<VerificationStep> steps = GemmAndLaunch(gpu, &r);
    REQUIRE(r.ok());
    CHECK(steps[1].outcome == "pass");
    CHECK(gpu.launches == 1);
    CHECK(gpu.launches_beside == 1);
    CHECK_FALSE((*r)[1].result.contains("beside_load"));
  }
}

// With the verification's budget spent before the load ends, the launch is not run again: no
// evidence (its fail timed the load), said so.
TEST_CASE("planner: a kernel launch that failed beside its own GEMM and cannot run again within the budget is skipped, saying why") {
  FakeGpu gpu;
  PlannerOptions opt;
  opt.conflicts = ProbeStepsConflict;
  opt.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);  // the GEMM takes 300
  std::vector<VerificationStep> steps = {Probe("s1", "gpu.gemm@node-1/gpu0"),
                                         Probe("s2", "gpu.kernel_launch@node-1/gpu0")};
  Result<std::vector<StepResult>> r = std::vector<StepResult>{};
  {
    VerificationPlanner planner(opt);
    r = planner.Execute(steps, [&](const VerificationStep& s, double) { return gpu.Run(s); });
  }  // joins the abandoned GEMM
  REQUIRE(r.ok());
  CHECK(steps[0].outcome == "timeout");
  CHECK(steps[1].outcome == "skipped");
  CHECK(gpu.launches == 1);
  const std::string reason = (*r)[1].result.value("reason", "");
  CHECK(reason.find("measured beside gpu.gemm@node-1/gpu0") != std::string::npos);
  CHECK(reason.find("time budget was spent") != std::string::npos);
  CHECK((*r)[1].result.value("beside_load", Json::object()).value("status", "") == "fail");
}

// The planned time follows: a failed kernel launch (measured apart from the GEMM) is scheduled after
// it, a passed one beside it (diagnosis_test's plan: health 1 s, GEMM 8 s, launch 2 s after health).
TEST_CASE("planner: a failed timing probe is planned apart from its GPU's intrusive probes, a passed one beside them") {
  VerificationStep gemm = Probe("s1", "gpu.gemm@node-1/gpu0");
  VerificationStep health = Probe("s2", "gpu.health@node-1/gpu0");
  VerificationStep launch = Probe("s3", "gpu.kernel_launch@node-1/gpu0");
  gemm.duration_s = 8;
  health.duration_s = 1;
  launch.duration_s = 2;
  launch.depends_on = {"s2"};
  gemm.outcome = health.outcome = launch.outcome = "pass";
  CHECK_FALSE(ProbeStepsConflict(gemm, launch));
  CHECK(PlannedS({gemm, health, launch}, ProbeStepsConflict, 16) == doctest::Approx(8.0));
  launch.outcome = "fail";
  CHECK(ProbeStepsConflict(gemm, launch));
  CHECK(ProbeStepsConflict(launch, gemm));
  std::vector<StepTiming> t = ScheduleSteps({gemm, health, launch}, ProbeStepsConflict, 16);
  CHECK(t[2].start_s == doctest::Approx(8.0));
  CHECK(PlannedS({gemm, health, launch}, ProbeStepsConflict, 16) == doctest::Approx(10.0));
  // Other hardware, and probes that load nothing, are not held apart from it.
  CHECK_FALSE(ProbeStepsConflict(launch, Probe("x", "gpu.gemm@node-1/gpu1")));
  CHECK_FALSE(ProbeStepsConflict(launch, Probe("x", "gpu.gemm@node-2/gpu0")));
  CHECK_FALSE(ProbeStepsConflict(launch, health));
  CHECK(ProbeStepsConflict(launch, Probe("x", "gpu.sdc@node-1")));  // node-wide load
}

}  // namespace vigil
