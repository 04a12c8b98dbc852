#include "server/triage_workers.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "agents/verification_observer.h"
#include "core/logging.h"
#include "probes/subprocess.h"

#include <csignal>

namespace vigil {

TriageWorkers::TriageWorkers(TriageWorkersOptions options) : options_(std::move(options)) {}

TriageWorkers::~TriageWorkers() { Stop(); }

void TriageWorkers::Start() {
  const int n = options_.workers < 1 ? 1 : options_.workers;
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Loop(); });
}

void TriageWorkers::Notify() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  cv_.notify_one();
}

void TriageWorkers::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void TriageWorkers::Loop() {
  uint64_t seen = 0;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    auto claimed = options_.store->ClaimNext();
    if (!claimed.ok() || !claimed->has_value()) {
      if (!claimed.ok()) LogError("serve", "triage worker: " + claimed.status().message());
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || wakeups_ != seen; });
      continue;
    }
    const StoredIncident& incident = **claimed;
    ++busy_;
    const auto start = std::chrono::steady_clock::now();
    Result<Json> report = InternalError("triage did not run");
    try {
      ScopedTriageProgress progress(TriageProgress{options_.board, incident.id});
      // The reasoner's plan and ranking (agents/verification_observer.h) to the same record.
      std::unique_ptr<VerificationObserver> observer =
          options_.board != nullptr ? options_.board->Observer(incident.id) : nullptr;
      ScopedVerificationObserver observing(observer.get());
      report = !incident.storm_key.empty() && options_.triage_storm ? options_.triage_storm(incident)
                                                                     : options_.triage(incident.alert);
    } catch (const std::exception& e) {
      report = InternalError(std::string("internal error: ") + e.what());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string what = "incident " + std::to_string(incident.id) + " (" + incident.rule + ")";
    Status stored;
    std::string_view outcome = "diagnosed";
    if (const int sig = SubprocessesStopped(); sig != 0) {
      // `vigil serve` stopping past its bound ended this triage's probes (cmd_serve.cc, DOG7): what it
      // found without them is not stored as its diagnosis; the incident is queued again, with the
      // reason, and triaged whole at the next start (as a row left `running` by a crash is).
      const std::string why = std::string("interrupted: vigil serve stopped (") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                              ") while this incident was verified; its probes were ended; it is triaged again at "
                              "the next start";
      stored = options_.store->Interrupt(incident.id, why, seconds);  // not counted as an attempt (RV2)
      outcome = "interrupted";
      LogWarn("serve", what + " " + why);
    } else if (report.ok()) {
      stored = options_.store->Finish(incident.id, *report, seconds);
      LogInfo("serve", what + " diagnosed in " + std::to_string(seconds) + " s");
    } else {
      const std::string attempt = "attempt " + std::to_string(incident.attempts) + " of " +
                                  std::to_string(options_.retry_backoff_ms.size() + 1);
      const bool permanent = report.status().code() == StatusCode::kInvalidArgument;  // bad input
      const size_t next = static_cast<size_t>(std::max<int64_t>(incident.attempts, 1)) - 1;
      if (!permanent && next < options_.retry_backoff_ms.size()) {
        const int64_t delay = options_.retry_backoff_ms[next];
        stored = options_.store->Retry(incident.id, report.status().message(), seconds, delay);
        outcome = "retried";
        LogWarn("serve", what + " triage failed (" + attempt + "), retrying in " + std::to_string(delay / 1000) +
                             " s: " + report.status().message());
      } else {
        stored = options_.store->Fail(incident.id, report.status().message(), seconds);
        outcome = "failed";
        LogWarn("serve", what + " triage failed (" + (permanent ? "bad input, not retried" : attempt) +
                             "): " + report.status().message());
      }
    }
    if (!stored.ok()) LogError("serve", what + ": storing the outcome: " + stored.message());
    if (options_.board != nullptr) {
      options_.board->End(incident.id, std::string(outcome));
      // Kept with the incident, so that a restarted serve still shows it (the board is in memory).
      if (std::optional<Json> v = options_.board->Get(incident.id)) {
        if (Status saved = options_.store->SaveVerification(incident.id, *v); !saved.ok()) {
          LogError("serve", what + ": storing its verification record: " + saved.message());
        }
      }
    }
    if (options_.on_done) options_.on_done(outcome, seconds);
    --busy_;
  }
}

}  // namespace vigil
