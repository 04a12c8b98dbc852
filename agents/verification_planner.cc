#include "agents/verification_planner.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "probes/catalog.h"
#include "probes/probe_lock.h"

namespace vigil {
namespace {

double StepTime(const VerificationStep& s) {
  // A skipped step never ran. An unavailable probe ran no test, but its answer took the time it
  // took: a live vigil-probe starting CUDA to find no GPU, or "GPU 7 does not exist", took 0.1-6 s
  // (WALKP: 25 steps in 7.4 s were "planned 0.2 s" when unavailable counted 0). One that reports
  // no time (a replay with nothing recorded answers at once) takes none, never the catalog's guess.
  if (s.outcome == "skipped") return 0;
  if (s.outcome == "unavailable") return std::max(0.0, s.duration_s);
  return s.duration_s > 0 ? s.duration_s : s.expected_s;
}

bool Blocks(const std::string& outcome) {
  return outcome == "error" || outcome == "timeout" || outcome == "skipped";
}

// Plan order: dependency order, list order among steps free to go (Kahn's algorithm, smallest
// index first). Steps left in a cycle are appended in list order; `cyclic` tells whether any were.
std::vector<size_t> PlanOrder(const std::vector<VerificationStep>& steps,
                              const std::map<std::string, size_t>& index, bool* cyclic) {
  std::vector<size_t> indegree(steps.size(), 0);
  std::vector<std::vector<size_t>> dependents(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const std::string& d : steps[i].depends_on) {
      auto it = index.find(d);
      if (it == index.end()) continue;
      ++indegree[i];
      dependents[it->second].push_back(i);
    }
  }
  std::set<size_t> free;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (indegree[i] == 0) free.insert(i);
  }
  std::vector<size_t> order;
  std::vector<bool> placed(steps.size(), false);
  while (!free.empty()) {
    size_t i = *free.begin();
    free.erase(free.begin());
    order.push_back(i);
    placed[i] = true;
    for (size_t j : dependents[i]) {
      if (--indegree[j] == 0) free.insert(j);
    }
  }
  *cyclic = order.size() < steps.size();
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!placed[i]) order.push_back(i);
  }
  return order;
}

// Whether step `i` may start now: every dependency it waits for is done and no conflicting step
// is running. Callers go through the steps in plan order, so among steps that become free at the
// same moment the earlier one in plan order takes the resource (and the slot) first.
bool MayStart(size_t i, const std::vector<VerificationStep>& steps,
              const std::vector<std::vector<size_t>>& deps, const std::vector<bool>& started,
              const std::vector<bool>& done, const StepConflict& conflicts) {
  for (size_t j : deps[i]) {
    if (!done[j]) return false;
  }
  if (conflicts) {
    for (size_t j = 0; j < steps.size(); ++j) {
      if (j != i && started[j] && !done[j] && conflicts(steps[i], steps[j])) return false;
    }
  }
  return true;
}

// Dependencies by index that the schedule waits for: known ids placed earlier in plan order
// (inside a cycle the later ones are ignored).
std::vector<std::vector<size_t>> OrderedDeps(const std::vector<VerificationStep>& steps,
                                             const std::map<std::string, size_t>& index,
                                             const std::vector<size_t>& pos) {
  std::vector<std::vector<size_t>> deps(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const std::string& d : steps[i].depends_on) {
      auto it = index.find(d);
      if (it != index.end() && pos[it->second] < pos[i]) deps[i].push_back(it->second);
    }
  }
  return deps;
}

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> done;
  std::vector<StepResult> results;
  std::vector<std::string> beside_load;  // per step: ReleaseLease's answer
};

std::string ProbeOf(const std::string& target) { return target.substr(0, target.find('@')); }

// "node-3/gpu5" -> ("node-3", "gpu5"); "node-3" -> ("node-3", ""); "job/j1" -> ("job/j1", "*").
std::pair<std::string, std::string> Where(const std::string& target) {
  auto at = target.find('@');
  std::string where = at == std::string::npos ? "" : target.substr(at + 1);
  if (where.rfind("job/", 0) == 0) return {where, "*"};
  auto slash = where.find('/');
  if (slash == std::string::npos) return {where, ""};
  return {where.substr(0, slash), where.substr(slash + 1)};
}

// Whether two probe steps' targets share hardware: the same GPU, a node and any GPU of it, or a job.
bool SameHardware(const VerificationStep& a, const VerificationStep& b) {
  auto [na, ga] = Where(a.target);
  auto [nb, gb] = Where(b.target);
  if (ga == "*" || gb == "*") return true;  // a job-wide test loads every node of the job
  if (na != nb) return false;
  return ga.empty() || gb.empty() || ga == gb;  // node-wide, or the same GPU
}

// The hardware intrusive probes load, held for as long as each probe runs, across every planner
// of the process: `vigil serve`'s workers triage several alerts at once, one planner each, and two
// gpu.gemm on one GPU would each measure about half its throughput; a step past its limit is
// abandoned, not stopped, and its probe loads the GPU until the executor's own limit ends it.
// Before (WALKP), each planner kept only its own running steps apart. Other processes on the host
// (a second `vigil serve`, `vigil probe run` by hand) are kept apart by the command executors'
// host-wide leases (probes/probe_lock.h), taken when the probe is run (VER2).
//
// A probe that times the GPU (gpu.kernel_launch, probes/probe_lock.h ProbeTimesTheGpu) is held too
// (VER6): another triage's intrusive probe on its GPU keeps it out, and it keeps theirs out, as
// another process's does through the host-wide lease it takes shared; beside another triage's GEMM
// its launch round trip read the GEMM. Within one triage (one planner) the two still run together:
// its own GEMM covers its shared lease (host_lease.h), so its planned time is what the schedule says.
// Such a lease is marked `beside_load` (VER7): a `fail` measured so times that GEMM, and Execute()
// runs the step again once the load has ended (a pass stands: a load only slows a launch).
struct Held {
  VerificationStep step;
  const void* planner;  // whose step
  bool beside_load = false;  // a timing step that ran beside its own planner's intrusive probe there
  std::string load;          // that probe's target ("gpu.gemm@node-1/gpu0"), the first one seen
};
struct Leases {
  std::mutex mu;
  std::map<uint64_t, Held> held;
  uint64_t next = 1;
};
Leases& ProcessLeases() {
  static Leases* leases = new Leases;  // never destroyed: abandoned step threads may outlive main
  return *leases;
}

const ProbeSpec* ProbeStepSpec(const VerificationStep& s) {
  return s.action == "run_probe" ? FindProbe(ProbeOf(s.target)) : nullptr;
}

bool TimesTheGpu(const VerificationStep& s) {
  const ProbeSpec* p = ProbeStepSpec(s);
  return p != nullptr && ProbeTimesTheGpu(p->name);
}

// A probe that times a GPU and an intrusive probe loading it, of two different triages.
bool TimingClash(const VerificationStep& a, const VerificationStep& b) {
  const ProbeSpec* pa = ProbeStepSpec(a);
  const ProbeSpec* pb = ProbeStepSpec(b);
  if (pa == nullptr || pb == nullptr) return false;
  const bool clash = (ProbeTimesTheGpu(pa->name) && pb->intrusive) || (pa->intrusive && ProbeTimesTheGpu(pb->name));
  return clash && SameHardware(a, b);
}

// A lease for `step` of `planner`: 0 when it needs none (no conflicts model, or it neither loads
// what another step could skew, conflicts(step, step) false, nor times a GPU), nullopt while a held
// lease conflicts with it: any step's by `conflicts`, another planner's also by TimingClash. A
// timing step and an intrusive one of the same planner that it lets run together are marked.
std::optional<uint64_t> TryLease(const VerificationStep& step, const StepConflict& conflicts, const void* planner) {
  if (!conflicts || !(conflicts(step, step) || TimesTheGpu(step))) return uint64_t{0};
  Leases& l = ProcessLeases();
  std::lock_guard<std::mutex> lock(l.mu);
  for (const auto& [id, other] : l.held) {
    if (conflicts(step, other.step) || (other.planner != planner && TimingClash(step, other.step))) return std::nullopt;
  }
  Held mine{step, planner, false, ""};
  for (auto& [id, other] : l.held) {
    if (other.planner != planner || !TimingClash(step, other.step)) continue;
    Held& timing = TimesTheGpu(step) ? mine : other;
    if (!timing.beside_load) timing.load = (&timing == &mine ? other.step : step).target;
    timing.beside_load = true;
  }
  l.held.emplace(l.next, std::move(mine));
  return l.next++;
}

// Lets go of lease `id`; the target of the intrusive probe it ran beside (see Held), else "".
std::string ReleaseLease(uint64_t id) {
  if (id == 0) return "";
  Leases& l = ProcessLeases();
  std::lock_guard<std::mutex> lock(l.mu);
  auto it = l.held.find(id);
  if (it == l.held.end()) return "";
  std::string load = it->second.beside_load ? it->second.load : "";
  l.held.erase(it);
  return load;
}

}  // namespace

bool ProbeStepsConflict(const VerificationStep& a, const VerificationStep& b) {
  const ProbeSpec* pa = ProbeStepSpec(a);
  const ProbeSpec* pb = ProbeStepSpec(b);
  if (pa == nullptr || pb == nullptr || !SameHardware(a, b)) return false;
  if (pa->intrusive && pb->intrusive) return true;
  // A timing probe (gpu.kernel_launch) whose outcome is `fail` conflicts with the intrusive probes
  // on its hardware (VER7; the header's comment predates it). Execute() runs it beside its own plan's
  // intrusive probe there (a pass beside a load stands: a load only slows a launch), and one that
  // failed beside it (it timed that load) once more after the load has ended, kept apart by this;
  // the answer is the second run's, the first is in its result as `beside_load` {status, reason,
  // beside}. So ScheduleSteps places a failed one apart, a passed one beside.
  return TimingClash(a, b) && (ProbeTimesTheGpu(pa->name) ? a : b).outcome == "fail";
}

VerificationPlanner::VerificationPlanner(PlannerOptions options) : options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
  if (options_.max_parallel == 0) options_.max_parallel = 1;
}

VerificationPlanner::~VerificationPlanner() { JoinAbandoned(); }

size_t VerificationPlanner::JoinAbandoned() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> g(mu_);
    threads.swap(abandoned_);
  }
  for (std::thread& t : threads) {
    if (t.joinable()) t.join();
  }
  return threads.size();
}

Result<std::vector<StepResult>> VerificationPlanner::Execute(std::vector<VerificationStep>& steps,
                                                             const StepRunner& run) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!index.emplace(steps[i].id, i).second) {
      return InvalidArgumentError("verification plan: duplicate step id `" + steps[i].id + "`");
    }
  }
  for (const VerificationStep& s : steps) {
    for (const std::string& d : s.depends_on) {
      if (!index.count(d)) {
        return InvalidArgumentError("verification plan: step `" + s.id + "` depends on unknown step `" + d +
                                    "`");
      }
    }
  }
  bool cyclic = false;
  std::vector<size_t> order = PlanOrder(steps, index, &cyclic);
  if (cyclic) return InvalidArgumentError("verification plan: dependency cycle among the steps");
  std::vector<size_t> pos(steps.size());
  for (size_t k = 0; k < order.size(); ++k) pos[order[k]] = k;
  std::vector<std::vector<size_t>> deps = OrderedDeps(steps, index, pos);

  // Threads that outlive this call (abandoned after a timeout) keep the shared state and a copy
  // of the runner alive.
  auto shared = std::make_shared<Shared>();
  shared->done.assign(steps.size(), false);
  shared->results.resize(steps.size());
  shared->beside_load.resize(steps.size());
  auto runner = std::make_shared<StepRunner>(run);
  std::vector<StepResult> results(steps.size());
  std::vector<bool> finished(steps.size(), false), started(steps.size(), false);
  // A timing step's first answer, `fail` measured beside its own planner's intrusive probe on its
  // GPU (Held::beside_load): the step runs again apart from that probe (VER7); null otherwise.
  std::vector<Json> beside_load(steps.size());
  struct Running {
    size_t i;
    std::thread thread;
    int64_t start_ns;
    std::chrono::steady_clock::time_point deadline;
    double limit;
    bool cut;  // limit cut to the budget's deadline
  };
  std::vector<Running> running;
  size_t remaining = steps.size();
  auto finish = [&](size_t i) {
    finished[i] = true;
    --remaining;
  };
  // How often a step held back by another planner's (or an abandoned step's) lease looks again.
  constexpr auto kLeaseRetry = std::chrono::milliseconds(20);
  while (remaining > 0) {
    bool leased_out = false;  // a step waits for hardware a step outside this wave holds
    // Start, in plan order, every step that may go now; skip those behind a failed dependency.
    for (size_t i : order) {
      if (started[i] || !MayStart(i, steps, deps, started, finished, options_.conflicts)) continue;
      bool blocked = false;
      for (size_t j : deps[i]) blocked = blocked || Blocks(steps[j].outcome);
      if (!blocked && running.size() >= options_.max_parallel) continue;
      const auto now = std::chrono::steady_clock::now();
      if (options_.deadline && now >= *options_.deadline) {  // also behind a step the budget left out
        started[i] = true;
        steps[i].outcome = "skipped";
        steps[i].duration_s = 0;
        results[i].outcome = "skipped";
        results[i].result = Json{{"reason", "not started: the verification's time budget was spent"}, {"budget", true}};
        if (!beside_load[i].is_null()) {
          results[i].result["reason"] = "measured beside " + beside_load[i].value("beside", std::string()) +
                                        " of this triage (its fail timed that load), and not run again: the "
                                        "verification's time budget was spent";
          results[i].result["beside_load"] = beside_load[i];
        }
        finish(i);
        continue;
      }
      std::optional<uint64_t> lease = uint64_t{0};
      if (!blocked) lease = TryLease(steps[i], options_.conflicts, this);
      if (!lease) {
        leased_out = true;
        continue;
      }
      started[i] = true;
      if (blocked) {
        steps[i].outcome = "skipped";
        steps[i].duration_s = 0;
        results[i].outcome = "skipped";
        results[i].result = Json{{"reason", "a step it depends on did not complete"}};
        finish(i);
        continue;
      }
      double limit = options_.step_time_limit_s;
      if (options_.step_limit_s) {
        double l = options_.step_limit_s(steps[i]);
        if (l > 0) limit = l;
      }
      bool cut = false;  // the limit is what is left of the verification's budget
      if (options_.deadline) {
        const double left = std::chrono::duration<double>(*options_.deadline - now).count();
        if (left < limit) {
          limit = left;
          cut = true;
        }
      }
      VerificationStep step = steps[i];
      Running r{i,
                {},
                options_.clock->MonotonicNs(),
                now + std::chrono::microseconds(static_cast<int64_t>(limit * 1e6)),
                limit,
                cut};
      r.thread = std::thread([shared, runner, step, limit, i, id = *lease]() {
        StepResult res;
        try {
          res = (*runner)(step, limit);
        } catch (const std::exception& e) {
          res.outcome = "error";
          res.result = Json{{"reason", std::string("step threw: ") + e.what()}};
        }
        std::string load = ReleaseLease(id);  // the probe has ended, also when the planner gave up on it
        std::lock_guard<std::mutex> lock(shared->mu);
        shared->beside_load[i] = std::move(load);
        shared->results[i] = std::move(res);
        shared->done[i] = true;
        shared->cv.notify_all();
      });
      running.push_back(std::move(r));
    }
    if (remaining == 0) break;
    if (running.empty() && !leased_out) {
      // Cannot happen for an acyclic plan: with nothing running, the first unstarted step in plan
      // order has its dependencies done and nothing to conflict with.
      return InternalError("verification plan: no step can start");
    }
    // Wait for the first step to finish or the earliest deadline (and look at the leases again soon).
    auto deadline = std::chrono::steady_clock::now() + kLeaseRetry;
    if (!leased_out) deadline = running.front().deadline;
    for (const Running& r : running) deadline = std::min(deadline, r.deadline);
    std::unique_lock<std::mutex> lock(shared->mu);
    shared->cv.wait_until(lock, deadline, [&] {
      for (const Running& r : running) {
        if (shared->done[r.i]) return true;
      }
      return false;
    });
    auto now = std::chrono::steady_clock::now();
    std::vector<Running> still;
    for (Running& r : running) {
      size_t i = r.i;
      double wall_s = (options_.clock->MonotonicNs() - r.start_ns) / 1e9;
      if (shared->done[i]) {
        results[i] = std::move(shared->results[i]);
        steps[i].outcome = results[i].outcome;
        steps[i].duration_s = results[i].duration_s >= 0 ? results[i].duration_s : wall_s;
        lock.unlock();
        r.thread.join();
        lock.lock();
        if (results[i].outcome == "fail" && !shared->beside_load[i].empty() && beside_load[i].is_null()) {
          // It timed that load, not the GPU: run it again once the load has ended (its outcome
          // `fail` now keeps it apart: ProbeStepsConflict). Its time is the second run's.
          beside_load[i] = Json{{"status", "fail"}, {"beside", shared->beside_load[i]}};
          if (results[i].result.is_object() && results[i].result.contains("reason")) {
            beside_load[i]["reason"] = results[i].result["reason"];
          }
          shared->done[i] = false;
          started[i] = false;
          continue;
        }
        if (!beside_load[i].is_null() && results[i].result.is_object()) {
          results[i].result["beside_load"] = beside_load[i];
        }
        finish(i);
      } else if (now >= r.deadline) {
        results[i].outcome = "timeout";
        results[i].result =
            r.cut ? Json{{"reason", "no answer within the " + std::to_string(r.limit) +
                                        " s left of the verification's time budget: abandoned"},
                         {"budget", true}}
                  : Json{{"reason", "no answer within the step limit of " + std::to_string(r.limit) + " s"}};
        steps[i].outcome = "timeout";
        steps[i].duration_s = r.limit;
        {
          std::lock_guard<std::mutex> g(mu_);
          abandoned_.push_back(std::move(r.thread));
        }
        finish(i);
      } else {
        still.push_back(std::move(r));
      }
    }
    running = std::move(still);
  }
  return results;
}

std::vector<StepTiming> ScheduleSteps(const std::vector<VerificationStep>& steps,
                                      const StepConflict& conflicts, size_t max_parallel) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < steps.size(); ++i) index.emplace(steps[i].id, i);
  bool cyclic = false;
  std::vector<size_t> order = PlanOrder(steps, index, &cyclic);
  std::vector<size_t> pos(steps.size());
  for (size_t k = 0; k < order.size(); ++k) pos[order[k]] = k;
  std::vector<std::vector<size_t>> deps = OrderedDeps(steps, index, pos);
  if (max_parallel == 0) max_parallel = steps.size() + 1;
  std::vector<StepTiming> t(steps.size());
  std::vector<bool> done(steps.size(), false), started(steps.size(), false);
  std::vector<size_t> running;
  size_t remaining = steps.size();
  double now = 0;
  while (remaining > 0) {
    for (size_t i : order) {
      if (started[i] || !MayStart(i, steps, deps, started, done, conflicts)) continue;
      bool skipped = steps[i].outcome == "skipped";
      if (!skipped && running.size() >= max_parallel) continue;
      started[i] = true;
      t[i].start_s = t[i].finish_s = now;
      if (skipped) {  // takes no time and no slot
        done[i] = true;
        --remaining;
        continue;
      }
      t[i].finish_s = now + StepTime(steps[i]);
      running.push_back(i);
    }
    if (running.empty()) break;  // all placed (with nothing running, some step may always go)
    double next = t[running.front()].finish_s;
    for (size_t i : running) next = std::min(next, t[i].finish_s);
    now = next;
    std::vector<size_t> still;
    for (size_t i : running) {
      if (t[i].finish_s <= now) {
        done[i] = true;
        --remaining;
      } else {
        still.push_back(i);
      }
    }
    running = std::move(still);
  }
  return t;
}

double PlannedS(const std::vector<VerificationStep>& steps, const StepConflict& conflicts,
                size_t max_parallel) {
  double end = 0;
  for (const StepTiming& t : ScheduleSteps(steps, conflicts, max_parallel)) end = std::max(end, t.finish_s);
  return end;
}

double CriticalPathS(const std::vector<VerificationStep>& steps) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < steps.size(); ++i) index.emplace(steps[i].id, i);
  std::vector<double> finish(steps.size(), -1);
  std::vector<bool> visiting(steps.size(), false);
  std::function<double(size_t)> f = [&](size_t i) -> double {
    if (finish[i] >= 0) return finish[i];
    if (visiting[i]) return 0;  // a cycle: count the step once
    visiting[i] = true;
    double start = 0;
    for (const std::string& d : steps[i].depends_on) {
      auto it = index.find(d);
      if (it != index.end()) start = std::max(start, f(it->second));
    }
    visiting[i] = false;
    return finish[i] = start + StepTime(steps[i]);
  };
  double best = 0;
  for (size_t i = 0; i < steps.size(); ++i) best = std::max(best, f(i));
  return best;
}

double SequentialS(const std::vector<VerificationStep>& steps) {
  double sum = 0;
  for (const VerificationStep& s : steps) sum += StepTime(s);
  return sum;
}

}  // namespace vigil
