#include "server/verification_progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "probes/catalog.h"
#include "probes/observed_executor.h"

namespace vigil {

namespace {

double Seconds(int64_t ms) { return std::round(static_cast<double>(ms) / 100.0) / 10.0; }

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// The first `most` items of `list` as `text` writes them, ", "-separated, then ", ..." when more.
template <typename F>
std::string FirstFew(const Json& list, size_t most, F text) {
  std::string s;
  size_t n = 0;
  for (const Json& item : list) {
    if (n++ == most) {
      s += ", ...";
      break;
    }
    if (n > 1) s += ", ";
    s += text(item);
  }
  return s;
}

thread_local TriageProgress current_progress;

}  // namespace

VerificationBoard::VerificationBoard(size_t max_records, std::function<int64_t()> now_ms)
    : max_records_(std::max<size_t>(max_records, 1)), now_ms_(std::move(now_ms)) {}

int64_t VerificationBoard::Now() const {
  if (now_ms_) return now_ms_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void VerificationBoard::Begin(int64_t id, double budget_s, double grace_s, std::string executor) {
  std::lock_guard lock(mu_);
  Record r;
  r.executor = std::move(executor);
  r.budget_s = budget_s;
  r.grace_s = grace_s;
  r.begun_ms = Now();
  records_[id] = std::move(r);
  finished_.erase(std::remove(finished_.begin(), finished_.end(), id), finished_.end());
}

void VerificationBoard::End(int64_t id, const std::string& outcome) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return;
  it->second.state = outcome;
  it->second.ended_ms = Now();
  for (Step& s : it->second.steps) {
    if (!s.result) s.abandoned = true;
  }
  it->second.planned.clear();
  finished_.push_back(id);
  while (finished_.size() > max_records_) {
    records_.erase(finished_.front());
    finished_.erase(finished_.begin());
  }
}

size_t VerificationBoard::StepStarted(int64_t id, const std::string& probe, const std::string& target,
                                      double limit_s) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return static_cast<size_t>(-1);
  Record& r = it->second;
  const int64_t now = Now();
  if (r.first_probe_ms == 0) r.first_probe_ms = now;
  r.steps.push_back(Step{probe, target, limit_s, now, std::nullopt, false, "", 0});
  auto planned = std::find_if(r.planned.begin(), r.planned.end(),
                              [&](const PlannedProbeStep& p) { return p.probe == probe && p.target == target; });
  if (planned != r.planned.end()) r.planned.erase(planned);
  return r.steps.size() - 1;
}

void VerificationBoard::Planned(int64_t id, int round, const std::vector<PlannedProbeStep>& steps) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || it->second.state != "running") return;
  it->second.round = round;
  it->second.planned = steps;
}

void VerificationBoard::Ranked(int64_t id, int round, const std::vector<RankedHypothesis>& leading) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || it->second.state != "running") return;
  it->second.leading_round = round;
  it->second.leading = leading;
  it->second.planned.clear();  // the round is over: what did not start will not
}

namespace {

class BoardObserver : public VerificationObserver {
 public:
  BoardObserver(VerificationBoard* board, int64_t id) : board_(board), id_(id) {}
  void Planned(int round, const std::vector<PlannedProbeStep>& steps) override { board_->Planned(id_, round, steps); }
  void Ranked(int round, const std::vector<RankedHypothesis>& leading) override {
    board_->Ranked(id_, round, leading);
  }

 private:
  VerificationBoard* board_;
  int64_t id_;
};

}  // namespace

std::unique_ptr<VerificationObserver> VerificationBoard::Observer(int64_t id) {
  return std::make_unique<BoardObserver>(this, id);
}

void VerificationBoard::StepFinished(int64_t id, size_t step, const ProbeResult& result) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || step >= it->second.steps.size()) return;
  Step& s = it->second.steps[step];
  if (s.result || s.abandoned) return;  // the triage already ended
  s.result = result;
}

void VerificationBoard::StepWaiting(int64_t id, size_t step, const std::string& held_by) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || step >= it->second.steps.size()) return;
  Step& s = it->second.steps[step];
  if (s.result || s.abandoned) return;
  if (!held_by.empty() && s.waiting_for.empty()) s.waiting_ms = Now();
  s.waiting_for = held_by;
}

std::optional<Json> VerificationBoard::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return std::nullopt;
  const Record& r = it->second;
  const int64_t now = r.ended_ms != 0 ? r.ended_ms : Now();
  Json out = {{"state", r.state}, {"executor", r.executor}};
  Json running = Json::array(), done = Json::array(), waiting = Json::array();
  std::map<std::string, int> bearing;  // category -> steps that bear on it
  std::vector<std::string> order;
  size_t abandoned = 0;
  for (const Step& s : r.steps) {
    if (const ProbeSpec* spec = FindProbe(s.probe)) {
      for (const auto& e : spec->evidence) {
        const std::string cat(e.category);
        if (bearing[cat]++ == 0) order.push_back(cat);
      }
    }
    if (s.result) {
      done.push_back({{"probe", s.probe},
                      {"target", s.target},
                      {"status", std::string(ProbeStatusName(s.result->status))},
                      {"reason", s.result->reason},
                      {"seconds", s.result->duration_s}});
    } else if (s.abandoned) {
      ++abandoned;
      done.push_back({{"probe", s.probe},
                      {"target", s.target},
                      {"status", "abandoned"},
                      {"reason", "the triage ended before the step answered"},
                      {"seconds", Seconds(now - s.started_ms)}});
    } else if (!s.waiting_for.empty()) {
      waiting.push_back({{"probe", s.probe},
                         {"target", s.target},
                         {"for_s", Seconds(now - s.started_ms)},
                         {"limit_s", s.limit_s},
                         {"waiting_s", Seconds(now - s.waiting_ms)},
                         {"waiting_for", s.waiting_for}});
    } else {
      running.push_back(
          {{"probe", s.probe}, {"target", s.target}, {"for_s", Seconds(now - s.started_ms)}, {"limit_s", s.limit_s}});
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return bearing[a] > bearing[b]; });
  out["steps"] = {{"total", r.steps.size()}, {"done", done.size() - abandoned}, {"running", running.size()},
                  {"waiting", waiting.size()}, {"abandoned", abandoned}};
  out["checking"] = order;
  out["running"] = running;
  out["waiting"] = waiting;
  out["done"] = done;
  Json planned = Json::array();
  for (const PlannedProbeStep& p : r.planned) planned.push_back({{"probe", p.probe}, {"target", p.target}});
  out["planned"] = planned;
  if (r.round > 0) out["round"] = r.round;
  if (r.leading_round >= 0) {
    Json leading = Json::array();
    for (const RankedHypothesis& h : r.leading) {
      leading.push_back({{"hypothesis", h.category},
                         {"target", h.component},
                         {"posterior", std::round(h.posterior * 1000) / 1000}});
    }
    out["leading"] = leading;
    out["leading_round"] = r.leading_round;
  }
  out["triage_s"] = Seconds(now - r.begun_ms);
  if (r.first_probe_ms != 0) out["elapsed_s"] = Seconds(now - r.first_probe_ms);
  if (r.budget_s > 0) {
    out["budget_s"] = r.budget_s;
    out["probe_grace_s"] = r.grace_s;
    const double spent = r.first_probe_ms != 0 ? static_cast<double>(now - r.first_probe_ms) / 1000.0 : 0;
    out["left_s"] = std::max(0.0, std::round((r.budget_s - spent) * 10) / 10);
  }
  out["summary"] = VerificationSummary(out);
  return out;
}

std::string VerificationSummary(const Json& v) {
  if (!v.is_object() || !v.contains("steps")) return "";
  const std::string state = v.value("state", "");
  const Json& steps = v["steps"];
  const size_t total = steps.value("total", size_t{0}), done = steps.value("done", size_t{0}),
               running = steps.value("running", size_t{0}), abandoned = steps.value("abandoned", size_t{0});
  std::string s = state == "running" ? "verifying: " : "verification ended (" + state + "): ";
  if (total == 0) {
    s += state == "running" ? "no probe step started yet" : "no probe step was run";
    if (v.contains("planned") && !v["planned"].empty()) s += ", " + std::to_string(v["planned"].size()) + " planned";
  } else {
    s += std::to_string(done) + " of " + std::to_string(total) + " probe step(s) answered";
    if (running > 0) {
      s += ", " + std::to_string(running) + " running (";
      s += FirstFew(v["running"], 3, [](const Json& r) {
        return r.value("probe", "") + "@" + r.value("target", "") + " for " + Num(r.value("for_s", 0.0)) + " s";
      });
      s += ")";
    }
    if (v.contains("waiting") && !v["waiting"].empty()) {
      // Not running: another process (a second serve, a `vigil probe run` by hand) holds the GPU.
      s += ", " + std::to_string(v["waiting"].size()) + " waiting for another process's probe lease (";
      s += FirstFew(v["waiting"], 2, [](const Json& w) {
        return w.value("probe", "") + "@" + w.value("target", "") + " for " + Num(w.value("waiting_s", 0.0)) +
               " s: " + w.value("waiting_for", "");
      });
      s += ")";
    }
    if (abandoned > 0) s += ", " + std::to_string(abandoned) + " abandoned";
    if (v.contains("planned") && !v["planned"].empty()) {
      s += ", " + std::to_string(v["planned"].size()) + " planned";
    }
    size_t failed = 0;
    for (const Json& d : v["done"]) {
      if (d.value("status", "") == "fail") ++failed;
    }
    if (failed > 0) s += "; " + std::to_string(failed) + " failed";
  }
  if (v.contains("leading") && !v["leading"].empty()) {
    s += state == "running" ? "; leading now: " : "; leading at the end: ";
    s += FirstFew(v["leading"], 3, [](const Json& h) {
      const std::string target = h.value("target", "");
      char p[16];
      std::snprintf(p, sizeof p, "%.2f", h.value("posterior", 0.0));
      std::string text = h.value("hypothesis", "");
      if (!target.empty()) text.append(" on ").append(target);
      return text.append(" ").append(p);
    });
  } else if (v.contains("checking") && !v["checking"].empty()) {
    s += "; checking ";
    s += FirstFew(v["checking"], 4, [](const Json& c) { return c.get<std::string>(); });
  }
  if (v.contains("budget_s")) {
    s += state == "running" ? "; " + Num(v.value("left_s", 0.0)) + " s of the " + Num(v.value("budget_s", 0.0)) +
                                  " s budget left"
                            : "; budget " + Num(v.value("budget_s", 0.0)) + " s";
  }
  return s;
}

std::unique_ptr<ProbeExecutor> VerificationBoard::Observe(std::unique_ptr<ProbeExecutor> inner, int64_t id) {
  ProbeStepObserver observer;
  observer.started = [this, id](const std::string& probe, const std::string& target, double limit_s) {
    return StepStarted(id, probe, target, limit_s);
  };
  observer.finished = [this, id](size_t step, const ProbeResult& result) { StepFinished(id, step, result); };
  observer.waiting = [this, id](size_t step, const std::string& held_by) { StepWaiting(id, step, held_by); };
  return std::make_unique<ObservedProbeExecutor>(std::move(inner), std::move(observer));
}

TriageProgress CurrentTriageProgress() { return current_progress; }

ScopedTriageProgress::ScopedTriageProgress(TriageProgress p) : saved_(current_progress) { current_progress = p; }
ScopedTriageProgress::~ScopedTriageProgress() { current_progress = saved_; }

}  // namespace vigil
