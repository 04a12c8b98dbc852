#include "agents/verification_planner.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <set>

namespace vigil {
namespace {

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  StepResult result;
};

double StepTime(const VerificationStep& s) {
  if (s.outcome == "skipped") return 0;
  return s.duration_s > 0 ? s.duration_s : s.expected_s;
}

bool Blocks(const std::string& outcome) {
  return outcome == "error" || outcome == "timeout" || outcome == "skipped";
}

}  // namespace

VerificationPlanner::VerificationPlanner(PlannerOptions options) : options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
  if (options_.max_parallel == 0) options_.max_parallel = 1;
}

VerificationPlanner::~VerificationPlanner() {
  for (std::thread& t : abandoned_) {
    if (t.joinable()) t.join();
  }
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
        return InvalidArgumentError("verification plan: step `" + s.id + "` depends on unknown step `" + d + "`");
      }
    }
  }
  std::vector<StepResult> results(steps.size());
  std::vector<bool> finished(steps.size(), false);
  size_t remaining = steps.size();
  while (remaining > 0) {
    // The next wave: unfinished steps whose dependencies have all finished.
    std::vector<size_t> wave;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (finished[i]) continue;
      bool ready = true, blocked = false;
      for (const std::string& d : steps[i].depends_on) {
        size_t j = index[d];
        if (!finished[j]) ready = false;
        else if (Blocks(steps[j].outcome)) blocked = true;
      }
      if (!ready) continue;
      if (blocked) {
        steps[i].outcome = "skipped";
        steps[i].duration_s = 0;
        results[i].outcome = "skipped";
        results[i].result = Json{{"reason", "a step it depends on did not complete"}};
        finished[i] = true;
        --remaining;
        continue;
      }
      wave.push_back(i);
    }
    if (wave.empty()) {
      if (remaining == 0) break;
      return InvalidArgumentError("verification plan: dependency cycle among the remaining steps");
    }
    for (size_t begin = 0; begin < wave.size(); begin += options_.max_parallel) {
      size_t end = std::min(wave.size(), begin + options_.max_parallel);
      std::vector<std::shared_ptr<Slot>> slots;
      std::vector<std::thread> threads;
      std::vector<int64_t> starts;
      std::vector<double> limits;
      for (size_t w = begin; w < end; ++w) {
        auto slot = std::make_shared<Slot>();
        slots.push_back(slot);
        starts.push_back(options_.clock->MonotonicNs());
        VerificationStep step = steps[wave[w]];
        double limit = options_.step_time_limit_s;
        if (options_.step_limit_s) {
          double l = options_.step_limit_s(step);
          if (l > 0) limit = l;
        }
        limits.push_back(limit);
        threads.emplace_back([slot, step, limit, &run]() {
          StepResult r;
          try {
            r = run(step, limit);
          } catch (const std::exception& e) {
            r.outcome = "error";
            r.result = Json{{"reason", std::string("step threw: ") + e.what()}};
          }
          std::lock_guard<std::mutex> lock(slot->mu);
          slot->result = std::move(r);
          slot->done = true;
          slot->cv.notify_all();
        });
      }
      // All steps of the batch started together; each gets its limit from the batch start.
      auto batch_start = std::chrono::steady_clock::now();
      for (size_t k = 0; k < slots.size(); ++k) {
        size_t i = wave[begin + k];
        auto deadline = batch_start + std::chrono::milliseconds(static_cast<int64_t>(limits[k] * 1000));
        std::unique_lock<std::mutex> lock(slots[k]->mu);
        bool done = slots[k]->cv.wait_until(lock, deadline, [&] { return slots[k]->done; });
        double wall_s = (options_.clock->MonotonicNs() - starts[k]) / 1e9;
        if (done) {
          results[i] = slots[k]->result;
          steps[i].outcome = results[i].outcome;
          steps[i].duration_s = results[i].duration_s >= 0 ? results[i].duration_s : wall_s;
          lock.unlock();
          threads[k].join();
        } else {
          lock.unlock();
          results[i].outcome = "timeout";
          results[i].result = Json{{"reason", "no answer within the step limit of " +
                                                  std::to_string(limits[k]) + " s"}};
          steps[i].outcome = "timeout";
          steps[i].duration_s = limits[k];
          std::lock_guard<std::mutex> g(mu_);
          abandoned_.push_back(std::move(threads[k]));
        }
        finished[i] = true;
        --remaining;
      }
    }
  }
  return results;
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
