// VerificationBoard (server/verification_progress.h): records, their end, the kept ended records,
// and steps recorded from several threads at once while another thread reads.
#include "server/verification_progress.h"

#include <doctest/doctest.h>

#include <functional>
#include <thread>
#include <vector>

#include "probes/observed_executor.h"

namespace vigil {

TEST_CASE("verification board: steps, verdicts, end, the oldest ended records dropped, threads") {
  int64_t now = 1000;
  VerificationBoard board(2, [&now] { return now; });
  CHECK_FALSE(board.Get(1).has_value());
  board.Begin(1, 60, 7.5, "local");
  const size_t a = board.StepStarted(1, "gpu.health", "n1/gpu0", 10);
  const size_t b = board.StepStarted(1, "gpu.gemm", "n1/gpu0", 20);
  now = 5000;
  board.StepFinished(1, a, MakeProbeResult("gpu.health", "n1/gpu0", ProbeStatus::kFail, "XID 79"));
  Json v = *board.Get(1);
  CHECK(v["state"] == "running");
  CHECK(v["steps"]["done"] == 1);
  CHECK(v["steps"]["running"] == 1);
  CHECK(v["running"][0]["probe"] == "gpu.gemm");
  CHECK(v["running"][0]["for_s"] == 4.0);
  CHECK(v["left_s"] == 56.0);
  CHECK(v["done"][0]["status"] == "fail");
  CHECK(v["summary"].get<std::string>().find("1 of 2 probe step(s) answered, 1 running (gpu.gemm@n1/gpu0 for 4 s)") !=
        std::string::npos);
  board.End(1, "diagnosed");
  board.StepFinished(1, b, MakeProbeResult("gpu.gemm", "n1/gpu0", ProbeStatus::kPass, "late"));  // ignored
  v = *board.Get(1);
  CHECK(v["state"] == "diagnosed");
  CHECK(v["steps"]["abandoned"] == 1);
  CHECK(v["done"][1]["status"] == "abandoned");
  // Two ended records are kept: ending 2 and 3 drops 1.
  board.Begin(2, 0, 0, "replay");
  board.End(2, "failed");
  board.Begin(3, 0, 0, "replay");
  CHECK(board.Get(1).has_value());
  board.End(3, "diagnosed");
  CHECK_FALSE(board.Get(1).has_value());
  CHECK(board.Get(2).has_value());
  CHECK_FALSE((*board.Get(2)).contains("budget_s"));

  VerificationBoard shared;
  shared.Begin(7, 60, 1, "local");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared] {
      for (int i = 0; i < 200; ++i) {
        const size_t s = shared.StepStarted(7, "gpu.health", "n/gpu0", 1);
        shared.StepFinished(7, s, MakeProbeResult("gpu.health", "n/gpu0", ProbeStatus::kPass, "ok"));
      }
    });
  }
  for (int i = 0; i < 200; ++i) CHECK(shared.Get(7).has_value());
  for (auto& t : threads) t.join();
  CHECK((*shared.Get(7))["steps"]["done"] == 800);
}

TEST_CASE("verification board: the reasoner's plan and ranking (its observer), steps leaving the plan as they start") {
  int64_t now = 1000;
  VerificationBoard board(8, [&now] { return now; });
  board.Begin(1, 60, 7.5, "local");
  std::unique_ptr<VerificationObserver> observer = board.Observer(1);
  observer->Ranked(0, {{"straggler_rank", "n1/gpu0", 0.41}, {"gpu_thermal_throttle", "n1/gpu0", 0.2}});
  Json v = *board.Get(1);
  CHECK(v["planned"].empty());
  CHECK(v["leading_round"] == 0);
  CHECK(v["leading"][0]["hypothesis"] == "straggler_rank");
  CHECK(v["leading"][0]["target"] == "n1/gpu0");
  CHECK(v["leading"][0]["posterior"] == 0.41);
  CHECK(v["summary"].get<std::string>().find("no probe step started yet; leading now: straggler_rank on n1/gpu0 "
                                             "0.41, gpu_thermal_throttle on n1/gpu0 0.20") != std::string::npos);
  observer->Planned(1, {{"gpu.health", "n1/gpu0"}, {"gpu.gemm", "n1/gpu0"}, {"gpu.hbm_bandwidth", "n1/gpu0"}});
  v = *board.Get(1);
  CHECK(v["round"] == 1);
  REQUIRE(v["planned"].size() == 3);
  CHECK(v["summary"].get<std::string>().find("no probe step started yet, 3 planned") != std::string::npos);
  board.StepStarted(1, "gpu.gemm", "n1/gpu0", 20);
  board.StepStarted(1, "gpu.gemm", "n2/gpu0", 20);  // not planned: the plan keeps its entries
  v = *board.Get(1);
  REQUIRE(v["planned"].size() == 2);
  CHECK(v["planned"][0]["probe"] == "gpu.health");
  CHECK(v["planned"][1]["probe"] == "gpu.hbm_bandwidth");
  CHECK(v["summary"].get<std::string>().find("2 running (gpu.gemm@n1/gpu0 for 0 s, gpu.gemm@n2/gpu0 for 0 s), 2 planned") !=
        std::string::npos);
  // The round ended: what did not start leaves the plan; the ranking is the round's.
  observer->Ranked(1, {{"gpu_thermal_throttle", "n1/gpu0", 0.7}});
  v = *board.Get(1);
  CHECK(v["planned"].empty());
  CHECK(v["leading_round"] == 1);
  CHECK(v["leading"].size() == 1);
  observer->Planned(2, {{"gpu.health", "n1/gpu1"}});
  board.End(1, "diagnosed");
  v = *board.Get(1);
  CHECK(v["planned"].empty());  // the triage ended: nothing planned is still to come
  CHECK(v["summary"].get<std::string>().find("leading at the end: gpu_thermal_throttle on n1/gpu0 0.70") !=
        std::string::npos);
  observer->Ranked(3, {});  // after the end: ignored
  CHECK((*board.Get(1))["leading_round"] == 1);
}

namespace {

// Tells the observed run that it waits for another process's lease, reads the board, then runs.
class WaitingExecutor : public ProbeExecutor {
 public:
  explicit WaitingExecutor(std::function<void()> while_waiting) : while_waiting_(std::move(while_waiting)) {}
  Result<std::vector<ProbeResult>> Run(const ProbeRequest& request) override {
    ReportLeaseWait("GPU 0 of n1 (lock /run/lock/vigil-probe/n1.gpu0.lock, held by pid 42 (vigil serve))");
    while_waiting_();
    ReportLeaseWait("");
    after_();
    return std::vector<ProbeResult>{MakeProbeResult(request.probes[0], request.target, ProbeStatus::kPass, "ok")};
  }
  std::string Describe() const override { return "waiting"; }
  std::function<void()> after_ = [] {};

 private:
  std::function<void()> while_waiting_;
};

}  // namespace

// VER5: a step waiting for another process's lease showed as `running`.
TEST_CASE("verification board: a step waiting for another process's probe lease is shown waiting, for whom, how long") {
  int64_t now = 1000;
  VerificationBoard board(8, [&now] { return now; });
  board.Begin(1, 60, 7.5, "local");
  Json seen, after;
  auto inner = std::make_unique<WaitingExecutor>([&] {
    now = 4000;
    seen = *board.Get(1);
  });
  inner->after_ = [&] { after = *board.Get(1); };
  auto executor = board.Observe(std::move(inner), 1);
  now = 2000;  // the step starts at 1 s ... its wait is reported at once (2 s), read at 4 s
  REQUIRE(executor->Run({{"gpu.gemm"}, "n1/gpu0", 20, true}).ok());
  CHECK(seen["steps"]["running"] == 0);
  CHECK(seen["steps"]["waiting"] == 1);
  REQUIRE(seen["waiting"].size() == 1);
  CHECK(seen["waiting"][0]["probe"] == "gpu.gemm");
  CHECK(seen["waiting"][0]["waiting_s"] == 2.0);
  CHECK(seen["waiting"][0]["limit_s"] == 20.0);
  CHECK(seen["waiting"][0]["waiting_for"].get<std::string>().find("held by pid 42 (vigil serve)") != std::string::npos);
  CHECK(seen["summary"].get<std::string>().find(
            "0 of 1 probe step(s) answered, 1 waiting for another process's probe lease (gpu.gemm@n1/gpu0 for 2 s: "
            "GPU 0 of n1 (lock /run/lock/vigil-probe/n1.gpu0.lock, held by pid 42 (vigil serve)))") != std::string::npos);
  // The lease was taken: the step runs.
  CHECK(after["steps"]["running"] == 1);
  CHECK(after["waiting"].empty());
  CHECK((*board.Get(1))["steps"]["done"] == 1);
}

}  // namespace vigil

