// PLC36 (2026-12-06): realistic37's blind misses, seen (agents/HISTORY.md's PLC36 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category or
// place on the base code (e23d7552):
// - a one-line summary of each rank's last collective ("ranks 0-6,8-15 SeqNum N _REDUCE_SCATTER_BASE;
//   rank 7 SeqNum N ALLREDUCE") is a collective mismatch; a NaN with a flat grad norm beside it is the
//   trigger of the other path, not a divergence (rl37-23: loss_divergence 0.87);
// - a checkpoint save that failed for lack of space explains the loss blowing up after the resume
//   (rl37-27: loss_divergence 0.74);
// - a lowered power limit with the GPU's SM clock down and no power series is a cap; a loss scale that
//   halved once and stayed high is the scaler's ordinary skip (rl37-14: fp16_loss_scale_collapse 0.69);
// - one rank's grad norm 10x its close peers' in a per-rank table is its GPU (rl37-02);
// - a checksum test's "gpu0: 37/200 checksum mismatches", under a source naming its host (rl37-26);
// - a failed fan (ipmitool's sensor row or SEL) makes a thermal throttle the node's (rl37-30).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/power_limit.h"
#include "agents/rank_table.h"

namespace vigil {

bool StatesFanFault(const std::string& line);  // builtin_reasoner.cc

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
  return testing::GpuSeries(name, node, gpu, "NVIDIA B200", 1796198400000, 120000, values);
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
  auto add = [&](const TimeSeries& s) { metrics.push_back(testing::MetricJson(s)); };
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

std::vector<std::string> GradTable(double odd, double spread) {
  std::vector<std::string> out = {"# per-rank local grad norm, step 2430", "rank  host    gpu  local_grad_norm  loss_mb0"};
  for (int r = 8; r < 16; ++r) {
    char buf[120];
    const double v = r == 13 ? odd : 0.15 * (r % 2 ? spread : 1.0) + 0.001 * r;
    std::snprintf(buf, sizeof buf, " %d  gn-2  %d  %.4f  1.12%02d", r, r % 8, v, r);
    out.push_back(buf);
  }
  out.push_back("... (other ranks within 0.148-0.161)");
  return out;
}

TEST_CASE("plc36: one rank's grad norm 10x its close peers' in a per-rank table") {
  auto g = FindRankTableGradNormOutlier(GradTable(6.118, 1.0));
  REQUIRE(g.has_value());
  CHECK(g->rank == 13);
  CHECK(g->host == "gn-2");
  CHECK(g->column == "local_grad_norm");
  CHECK(g->agreeing == 7);
  // Near misses: 5x is no outlier; peers spread 3x apart single out none.
  CHECK_FALSE(FindRankTableGradNormOutlier(GradTable(0.75, 1.0)).has_value());
  CHECK_FALSE(FindRankTableGradNormOutlier(GradTable(6.118, 3.0)).has_value());
  // Before: loss_divergence / straggler readings; now the rank's GPU (rank 13: gn-2 GPU 5).
  std::vector<std::string> lines = NanGuardLines(false);
  lines.resize(8);  // the flat iteration lines only
  CHECK(testing::CaseAnswer(Case("t-plc36-gn", {"gn-1", "gn-2"}, Json::array({Log("train.out", lines), Log("grad_debug dump",
                                                                                                         GradTable(6.118, 1.0))}))) ==
        "gpu_silent_data_corruption @ gn-2/gpu5");
}

TEST_CASE("plc36: a checksum test's mismatches on one GPU, its host named in the source") {
  auto run = [](const std::string& source) {
    return testing::CaseAnswer(Case("t-plc36-gemm", {"cs-56", "cs-57"},
                                    Json::array({Log(source, {"$ gemm_checksum --all-gpus --iters 200   (drained)",
                                                              "gpu0: 37/200 checksum mismatches vs CPU reference (bf16 8192^3)",
                                                              "gpu1..gpu7: 0/200 mismatches"})})));
  };
  // Before: fp8_scaling_overflow @ job (a look-alike recall; the signature wanted "mismatch" alone).
  CHECK(run("gemm_checksum cs-57") == "gpu_silent_data_corruption @ cs-57/gpu0");
  // Near miss: a source naming no host places it nowhere.
  CHECK(run("gemm_checksum") == "gpu_silent_data_corruption @ job");
}

Json FanCase(bool fan_lines) {
  std::vector<std::string> train;
  for (int i = 0; i < 8; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof buf, " [2026-12-01 09:%02d:00] iteration %6d/ 60000 | elapsed time per iteration (ms): %.1f | lm loss: 1.71%d000E+00 |",
                  i * 2, 12000 + 10 * i, i < 3 ? 4400.0 : 5300.0, i);
    train.push_back(buf);
  }
  Json logs = Json::array({Log("slurm-71.out", train)});
  if (fan_lines) {
    logs.push_back(Log("bmc fn-9", {"$ ipmitool sdr type Fan", "FAN1_TACH        | 30h | ok  | 29.1 | 11200 RPM",
                                    "FAN3_TACH        | 32h | cr  | 29.3 | 0 RPM",
                                    "  2f1 | 12/01/2026 | 09:04:02 | Fan FAN_MOD2 | Lower Critical going low | Asserted"}));
  }
  Json c = Case("t-plc36-fan", {"fn-9", "fn-10"}, logs);
  Json metrics = Json::array();
  auto add = [&](const std::string& name, const std::string& node, int g, const std::vector<double>& v) {
    metrics.push_back(testing::MetricJson(testing::GpuSeries(name, node, g, "NVIDIA B200", 1796115600000, 120000, v)));
  };
  for (int g : {0, 3, 7}) {
    add("DCGM_FI_DEV_GPU_TEMP", "fn-9", g, {62, 63, 70, 79, 86, 89, 90, 90});
    add("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "fn-9", g, {0, 0, 0, 32, 96, 96, 96, 96});
  }
  add("DCGM_FI_DEV_GPU_TEMP", "fn-10", 0, {61, 62, 62, 63, 62, 62, 63, 62});
  c["metrics"] = metrics;
  return c;
}

TEST_CASE("plc36: a failed fan makes a thermal throttle the node's") {
  CHECK(StatesFanFault("FAN3_TACH        | 32h | cr  | 29.3 | 0 RPM"));
  CHECK(StatesFanFault("  2f1 | 12/01/2026 | 09:04:02 | Fan FAN_MOD2 | Lower Critical going low | Asserted"));
  CHECK_FALSE(StatesFanFault("FAN1_TACH        | 30h | ok  | 29.1 | 11200 RPM"));
  CHECK_FALSE(StatesFanFault("  2f2 | 12/01/2026 | 09:30:02 | Fan FAN_MOD2 | Lower Critical going low | Deasserted"));
  // Before: gpu_thermal_throttle @ fn-9/gpu0 (three of eight GPUs hot: their own cold plates).
  CHECK(testing::CaseAnswer(FanCase(true)) == "gpu_thermal_throttle @ fn-9");
  // Near miss: without the fan's lines, three hot GPUs of eight stay the first GPU's.
  CHECK(testing::CaseAnswer(FanCase(false)) == "gpu_thermal_throttle @ fn-9/gpu0");
}

}  // namespace
}  // namespace vigil
