// PLC36 (2026-12-06): realistic37's blind misses, seen (agents/HISTORY.md's PLC36 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (e23d7552):
// - a one-line summary of each rank's last collective ("ranks 0-6,8-15 SeqNum N _REDUCE_SCATTER_BASE;
//   rank 7 SeqNum N ALLREDUCE") is a collective mismatch; a NaN with a flat grad norm beside it is the
//   trigger of the other path, not a divergence (rl37-23: loss_divergence 0.87);
// - a checkpoint save that failed for lack of space explains the loss blowing up after the resume
//   (rl37-27: loss_divergence 0.74);
// - a lowered power limit with the GPU's SM clock down and no power series is a cap; a loss scale that
//   halved once and stayed high is the scaler's ordinary skip (rl37-14: fp16_loss_scale_collapse 0.69).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/power_limit.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc36: a summary of each rank's last collective at one sequence number in two ops is a mismatch") {
  const std::string fr =
      "[rank0]: flight recorder: last enqueued collective per rank: ranks 0-6,8-15 SeqNum 4410 _REDUCE_SCATTER_BASE "
      "(numel 1048576); rank 7 SeqNum 4410 ALLREDUCE (numel 4)";
  auto m = FindCollectiveMismatch({"step 12 ok", fr});
  REQUIRE(m.has_value());
  CHECK(m->line_index == 1);
  CHECK(m->what.find("ALLREDUCE") != std::string::npos);
  // Near misses: one op everywhere; two ops at different sequence numbers (a rank behind); no "last
  // collective" in the line.
  CHECK_FALSE(FindCollectiveMismatch({"[rank0]: flight recorder: last enqueued collective per rank: ranks 0-6,8-15 SeqNum 4410 "
                                      "ALLREDUCE; rank 7 SeqNum 4410 ALLREDUCE"})
                  .has_value());
  CHECK_FALSE(FindCollectiveMismatch({"[rank0]: flight recorder: last enqueued collective per rank: ranks 0-6,8-15 SeqNum 4410 "
                                      "_REDUCE_SCATTER_BASE; rank 7 SeqNum 4409 ALLREDUCE"})
                  .has_value());
  CHECK_FALSE(FindCollectiveMismatch({"[rank0]: queued: ranks 0-6,8-15 SeqNum 4410 _REDUCE_SCATTER_BASE; rank 7 SeqNum 4410 ALLREDUCE"})
                  .has_value());
}

std::vector<std::string> NanGuardLines(bool climbing) {
  std::vector<std::string> out;
  for (int i = 0; i < 8; ++i) {
    char buf[300];
    const double gn = climbing ? 0.3 * (1 << i) : 0.30 + 0.01 * (i % 3);
    std::snprintf(buf, sizeof buf,
                  " [2026-12-01 02:0%d:00] iteration %6d/ 60000 | lm loss: 2.11%d000E+00 | loss scale: 1.0 | grad norm: %.3f | "
                  "number of skipped iterations:   0 | number of nan iterations:   0 |",
                  i, 12000 + 10 * i, i, gn);
    out.push_back(buf);
  }
  out.push_back(" [2026-12-01 02:09:00] iteration  12080/ 60000 | lm loss: nan | loss scale: 1.0 | grad norm: nan | "
                "number of skipped iterations:   0 | number of nan iterations:   1 |");
  out.push_back("[rank7]: WARNING nan_guard: non-finite local loss at iteration 12071; all-reducing debug stats before skip");
  out.push_back("[rank7]:[E1201 02:19:01.331000 ProcessGroupNCCL.cpp:632] [Rank 7] Watchdog caught collective operation timeout: "
                "WorkNCCL(SeqNum=4410, OpType=ALLREDUCE, NumelIn=4, NumelOut=4, Timeout(ms)=600000) ran for 600021 milliseconds "
                "before timing out.");
  out.push_back("[rank0]:[E1201 02:19:02.001000 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: "
                "WorkNCCL(SeqNum=4410, OpType=_REDUCE_SCATTER_BASE, NumelIn=1048576, NumelOut=65536, Timeout(ms)=600000) ran for "
                "600080 milliseconds before timing out.");
  out.push_back("[rank0]: flight recorder: last enqueued collective per rank: ranks 0-6,8-15 SeqNum 4410 _REDUCE_SCATTER_BASE "
                "(numel 1048576); rank 7 SeqNum 4410 ALLREDUCE (numel 4)");
  return out;
}

TEST_CASE("plc36: a NaN guard's extra collective on one rank hangs the job; the NaN is its trigger") {
  // Before: loss_divergence @ job.
  CHECK(testing::CaseAnswer(Case("t-plc36-guard", {"ng-1", "ng-2"}, Json::array({Log("slurm-77.out", NanGuardLines(false))}))) ==
        "nccl_collective_hang @ job");
  // Near miss: the grad norm climbing before the NaN is a divergence of its own; it stays the answer.
  CHECK(testing::CaseAnswer(Case("t-plc36-guard", {"ng-1", "ng-2"}, Json::array({Log("slurm-77.out", NanGuardLines(true))}))) ==
        "loss_divergence @ job");
}

Json EnospcCase(bool save_failed) {
  std::vector<std::string> lines;
  for (int i = 0; i < 6; ++i) {
    lines.push_back(" [2026-11-30 20:0" + std::to_string(i) + ":00] iteration  9990" + std::to_string(i) +
                    "/ 250000 | lm loss: 1.74" + std::to_string(i) + "000E+00 | loss scale: 1.0 | grad norm: 0.21" + std::to_string(i) +
                    " | number of skipped iterations:   0 | number of nan iterations:   0 |");
  }
  lines.push_back(" saving checkpoint at iteration  100000 to /lustre/fs/ckpt/run9 in torch_dist format");
  if (save_failed) {
    lines.push_back("[rank61]: WARNING: async checkpoint save failed for shard __61_0.distcp: OSError: [Errno 28] No space left on device");
  }
  lines.push_back("  successfully saved checkpoint from iteration  100000 to /lustre/fs/ckpt/run9");
  lines.push_back(" loading checkpoint from /lustre/fs/ckpt/run9 at iteration 100000");
  lines.push_back(" [2026-11-30 20:30:00] iteration  100010/ 250000 | lm loss: 5.100000E+00 | loss scale: 1.0 | grad norm: 18.000 | "
                  "number of skipped iterations:   0 | number of nan iterations:   0 |");
  for (int i = 1; i < 5; ++i) {
    lines.push_back(" [2026-11-30 20:3" + std::to_string(i) + ":00] iteration  10001" + std::to_string(i) +
                    "/ 250000 | lm loss: nan | loss scale: 1.0 | grad norm: nan | number of skipped iterations:   0 | "
                    "number of nan iterations:  " + std::to_string(10 * i) + " |");
  }
  return Case("t-plc36-enospc", {"lu-1", "lu-2"}, Json::array({Log("slurm-88.out", lines)}));
}

TEST_CASE("plc36: a checkpoint save that ran out of space explains the loss blowing up after the resume") {
  // Before: loss_divergence @ job (storage_failure second).
  CHECK(testing::CaseAnswer(EnospcCase(true)) == "storage_failure @ job");
  // Near miss: the same curve with the save fine is the loss's own.
  CHECK(testing::CaseAnswer(EnospcCase(false)) == "loss_divergence @ job");
}

TimeSeries Gpu(const std::string& name, const std::string& node, int gpu, const std::vector<double>& values) {
  TimeSeries s;
  s.name = name;
  s.labels = {{"Hostname", node}, {"gpu", std::to_string(gpu)}, {"modelName", "NVIDIA B200"}};
  for (size_t i = 0; i < values.size(); ++i) REQUIRE(s.Append(1796198400000 + static_cast<int64_t>(i) * 120000, values[i]).ok());
  return s;
}

TEST_CASE("plc36: a lowered power limit with the SM clock down and no power series is a cap") {
  const std::vector<double> lowered = {1000, 1000, 700, 700, 700};
  auto caps = FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pb-41", 3, lowered),
                                    Gpu("DCGM_FI_DEV_SM_CLOCK", "pb-41", 3, {1965, 1965, 1400, 1395, 1410})});
  REQUIRE(caps.size() == 1);
  CHECK(caps[0].node == "pb-41");
  CHECK(caps[0].gpu == 3);
  CHECK(caps[0].to_w == 700);
  CHECK(caps[0].draw_w == 0);
  // Near misses: the clock unchanged; the clock of another GPU; a power series drawing far under the
  // limit decides over the clock (an idle GPU).
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pb-41", 3, lowered),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pb-41", 3, {1965, 1965, 1960, 1965, 1965})})
            .empty());
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pb-41", 3, lowered),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pb-41", 2, {1965, 1965, 1400, 1395, 1410})})
            .empty());
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pb-41", 3, lowered),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pb-41", 3, {1965, 1965, 1400, 1395, 1410}),
                              Gpu("DCGM_FI_DEV_POWER_USAGE", "pb-41", 3, {900, 910, 80, 85, 90})})
            .empty());
}

Json CapSkipCase(bool capped) {
  std::vector<std::string> lines;
  for (int i = 0; i < 12; ++i) {
    const bool skipped = i >= 8;
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  " [2026-12-02 08:%02d:00] iteration %6d/ 40000 | elapsed time per iteration (ms): %.1f | lm loss: 1.88%d000E+00 | "
                  "loss scale: %s | grad norm: 0.3%d | number of skipped iterations:   %d | number of nan iterations:   0 |",
                  i * 2, 8000 + 10 * i, i < 4 ? 3100.0 : 3880.0, i % 10, skipped ? "65536.0" : "131072.0", i % 10, skipped ? 1 : 0);
    lines.push_back(buf);
  }
  Json c = Case("t-plc36-cap", {"pb-40", "pb-41"}, Json::array({Log("slurm-99.out", lines)}));
  Json metrics = Json::array();
  auto add = [&](const TimeSeries& s) {
    Json m = Json::object();
    m["name"] = s.name;
    m["labels"] = Json::object();
    for (const auto& [k, v] : s.labels) m["labels"][k] = v;
    Json samples = Json::array();
    for (size_t i = 0; i < s.size(); ++i) samples.push_back(Json::array({s.timestamps_ms[i], s.values[i]}));
    m["samples"] = std::move(samples);
    metrics.push_back(std::move(m));
  };
  for (int g : {0, 5}) {
    add(Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pb-41", g, capped ? std::vector<double>{1000, 1000, 700, 700, 700, 700}
                                                                : std::vector<double>{1000, 1000, 1000, 1000, 1000, 1000}));
    add(Gpu("DCGM_FI_DEV_SM_CLOCK", "pb-41", g, capped ? std::vector<double>{1965, 1965, 1400, 1395, 1410, 1400}
                                                        : std::vector<double>{1965, 1965, 1965, 1965, 1965, 1965}));
  }
  c["metrics"] = metrics;
  return c;
}

TEST_CASE("plc36: a node's power cap slows the job; one halving of a high loss scale is no collapse") {
  // Before: fp16_loss_scale_collapse @ job.
  CHECK(testing::CaseAnswer(CapSkipCase(true)) == "gpu_power_throttle @ pb-41");
  // Near miss: without the cap, the one skip stays a weak reading (0.85 before).
  CHECK(testing::RunCaseWithOwnProbes(CapSkipCase(false)).confidence < 0.3);
}

}  // namespace
}  // namespace vigil
