// PLC42 (2026-12-06): realistic40's remaining misses (SEEN, not blind). General readings, with cases
// written here as another stack prints the same failure (nodes pq-NN, no case text of the set):
// - a learning rate's warmup is no deviating reading (DeviatingLines): a healthy Megatron log whose
//   learning rate climbs 4.5x recalled a loss-NaN incident (rl40-24: loss_divergence 0.17);
// - an MoE router statistic with a space for the separator ("e40 10.1 | ... | median 0.96") is read
//   (MoeMaxOverMean; rl40-23: the alert's straggler won);
// - a power limit lowered on several GPUs of a node together is the node's cap even where only one
//   GPU's clock is exported (FindLoweredPowerCaps; rl40-08: placed on GPU 0);
// - one pipeline stage computing >= 1.25x the others' median is the job's straggler, an uneven
//   layer split where the case says so (FindSlowPipelineStage; rl40-24: the timers unread);
// - a flight-recorder verdict that part of the group entered a collective while the others are in
//   another is a collective mismatch, the job's hang (FindCollectiveMismatch; rl40-15: one rank's GPU).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/moe_router_stats.h"
#include "agents/pipeline_stage.h"
#include "agents/power_limit.h"

namespace vigil {
namespace {

// Megatron iteration lines, iterations 20-90: learning rate `lr_step` * i e-05 (a warmup when > 0),
// loss falling, grad norm `gn(i)`.
std::vector<std::string> MegatronLines(double lr_step, double gn_growth) {
  std::vector<std::string> out;
  for (int i = 2; i <= 9; ++i) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "7: [2026-12-01 04:%02d:00] iteration       %d0/   50000 | consumed samples:        %d | elapsed time per "
                  "iteration (ms): 8%03d.0 | learning rate: %.6fE-05 | global batch size:   512 | lm loss: %.6fE+00 | "
                  "loss scale: 1.0 | grad norm: %.3f | number of skipped iterations:   0 | number of nan iterations:   0 |",
                  i, i, 10240 + 5120 * i, 400 + i, lr_step > 0 ? lr_step * i : 3.0, 6.0 - 0.2 * i, 1.5 + gn_growth * i);
    out.push_back(buf);
  }
  return out;
}

TEST_CASE("plc42: a learning rate's warmup is no deviating reading") {
  DiagnosisCase c;
  c.logs.push_back({"slurm-7.out", {}, 0});
  size_t n = 1;
  for (const std::string& l : MegatronLines(0.6, 0)) c.logs[0].lines.push_back({n++, l});
  // Before: the last line (the learning rate 5.4 over 1.2) was returned.
  CHECK(DeviatingLines(FlattenLogs(c), {}).empty());
  // Near miss: the grad norm climbing 1.7 -> 15 in the same lines still deviates.
  DiagnosisCase g;
  g.logs.push_back({"slurm-7.out", {}, 0});
  n = 1;
  for (const std::string& l : MegatronLines(0.6, 1.5)) g.logs[0].lines.push_back({n++, l});
  const std::vector<size_t> dev = DeviatingLines(FlattenLogs(g), {});
  REQUIRE(dev.size() == 1);
  CHECK(dev[0] == 7);
  // The same through the reasoner: a healthy run is no loss_divergence (before: loss_divergence @ job).
  Json healthy = testing::Case("t-plc42-warmup", {"pq-01", "pq-02"}, Json::array({testing::Log("slurm-7.out", MegatronLines(0.6, 0))}));
  CHECK(testing::RunCaseWithOwnProbes(healthy).root_cause != "loss_divergence");
}

TEST_CASE("plc42: an MoE router statistic with spaces for separators") {
  const std::string line =
      "0: [moe] tokens per expert (iteration 900, layer mean, % of routed tokens): e17 12.0 | e18 9.0 | e3 2.0 | ... | "
      "median 1.2 | min 0.1";
  auto v = MoeMaxOverMean(line);
  REQUIRE(v.has_value());  // before: nullopt
  CHECK(*v == doctest::Approx(10.0));
  auto e = MoeBusiestExpert(line);
  REQUIRE(e.has_value());
  CHECK(*e == 17);
  // Near misses: "=" still read; no MoE word, no reading; no reference, no reading.
  CHECK(MoeMaxOverMean("expert load (tokens %): e7=31.0 e41=24.0 median=0.90").has_value());
  CHECK_FALSE(MoeMaxOverMean("per-stage compute (ms): s0 301 | s5 437 | median 300").has_value());
  CHECK_FALSE(MoeMaxOverMean("[moe] tokens per expert: e17 12.0 | e18 9.0").has_value());
}

TimeSeries Gpu(const std::string& name, const std::string& node, int gpu, const std::vector<double>& values) {
  return testing::GpuSeries(name, node, gpu, "NVIDIA H200", 1796198400000, 120000, values);
}

TEST_CASE("plc42: a power limit lowered on a node's GPUs together, one GPU's clock exported, is the node's cap") {
  const std::vector<double> lowered = {700, 700, 700, 450, 450, 450};
  const std::vector<double> clock = {1980, 1980, 1980, 1310, 1310, 1310};
  auto caps = FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 0, lowered),
                                    Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, lowered),
                                    Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 0, clock)});
  REQUIRE(caps.size() == 2);  // before: GPU 0 only
  CHECK(caps[1].gpu == 5);
  CHECK(caps[1].draw_w == 0);
  // Near misses: GPU 5 lowered to another limit, or hours later, or its own clock exported and not
  // down, or alone (no GPU of its node shown at the cap): not counted.
  const std::vector<double> other = {700, 700, 700, 500, 500, 500};
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 0, lowered),
                              Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, other),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 0, clock)})
            .size() == 1);
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 0, lowered),
                              testing::GpuSeries("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, "NVIDIA H200", 1796198400000 + 3600000,
                                                 120000, lowered),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 0, clock)})
            .size() == 1);
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 0, lowered),
                              Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, lowered),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 0, clock),
                              Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 5, std::vector<double>(6, 1980))})
            .size() == 1);
  CHECK(FindLoweredPowerCaps({Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, lowered)}).empty());
}

Json CapCase(bool both) {
  std::vector<std::string> lines;
  for (int i = 0; i < 10; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "[rank0]:2026-12-01 08:%02d:00,000 - root - INFO - step: %d  loss: 2.10%02d  tps: %d  mfu: %.2f%%",
                  2 * i, 500 + 10 * i, 50 - i, i < 4 ? 9100 : 6300, i < 4 ? 47.3 : 32.6);
    lines.push_back(buf);
  }
  Json c = testing::Case("t-plc42-cap", {"pq-07", "pq-08"}, Json::array({testing::Log("train/worker-0", lines)}));
  Json metrics = Json::array();
  const std::vector<double> lowered = {700, 700, 700, 450, 450, 450};
  metrics.push_back(testing::MetricJson(Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 0, lowered)));
  metrics.push_back(testing::MetricJson(
      Gpu("DCGM_FI_DEV_POWER_MGMT_LIMIT", "pq-07", 5, both ? lowered : std::vector<double>(6, 700))));
  metrics.push_back(testing::MetricJson(Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-07", 0, {1980, 1980, 1980, 1310, 1310, 1310})));
  metrics.push_back(testing::MetricJson(Gpu("DCGM_FI_DEV_SM_CLOCK", "pq-08", 0, std::vector<double>(6, 1980))));
  c["metrics"] = metrics;
  return c;
}

TEST_CASE("plc42: the node's cap placed on the node") {
  // Before: gpu_power_throttle @ pq-07/gpu0.
  CHECK(testing::CaseAnswer(CapCase(true)) == "gpu_power_throttle @ pq-07");
  // Near miss: GPU 5's limit untouched, the cap is GPU 0's.
  CHECK(testing::CaseAnswer(CapCase(false)) == "gpu_power_throttle @ pq-07/gpu0");
}

std::vector<std::string> StageLines(int last_stage_ms, bool layers) {
  std::vector<std::string> out = {
      "0: using world size: 256, data-parallel size: 8, tensor-model-parallel size: 8, pipeline-model-parallel size: 4"};
  if (layers) out.push_back("0: --num-layers 62 --decoder-first-pipeline-num-layers 20: stage 0 gets 20 layers, stages 1-3 get 14 layers each");
  for (int i = 1; i <= 6; ++i) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "255: [2026-12-01 05:%02d:00] iteration      %d00/   30000 | elapsed time per iteration (ms): 7410.0 | lm loss: "
                  "3.%d00000E+00 | loss scale: 1.0 | grad norm: 0.900 | number of skipped iterations:   0 | number of nan iterations:   0 |",
                  2 * i, i, 9 - i);
    out.push_back(buf);
  }
  out.push_back("0: stage timers, forward+backward compute per microbatch (ms): stage 0: " + std::to_string(last_stage_ms) +
                " | stage 1: 201 | stage 2: 199 | stage 3: 203");
  out.push_back("0: stage timers, p2p wait per iteration (ms): stage 0: 3 | stage 1: 1210 | stage 2: 1190 | stage 3: 1170");
  return out;
}

TEST_CASE("plc42: one pipeline stage computing far slower than the others") {
  auto st = FindSlowPipelineStage(StageLines(290, true));
  REQUIRE(st.has_value());
  CHECK(st->stage == 0);
  CHECK(st->value == 290);
  CHECK(st->peers == 201);
  CHECK(st->layers == 20);
  CHECK(st->peer_layers == 14);
  // Near misses: 1.2x is no straggler; the wait timers alone are not read; two slow stages single out none.
  CHECK_FALSE(FindSlowPipelineStage(StageLines(240, true)).has_value());
  CHECK_FALSE(FindSlowPipelineStage({"stage timers, p2p wait per iteration (ms): stage 0: 3 | stage 1: 1210 | stage 2: 1190 | stage 3: 1170"})
                  .has_value());
  CHECK_FALSE(FindSlowPipelineStage({"forward compute (ms): stage0 300 | stage1 301 | stage2 450 | stage3 452"}).has_value());
  // Through the reasoner: the uneven split is the job's straggler (before: unknown, the timers unread).
  Json c = testing::Case("t-plc42-stages", {"pq-01", "pq-02", "pq-03", "pq-04"},
                         Json::array({testing::Log("slurm-31.out", StageLines(290, true))}));
  CHECK(testing::CaseAnswer(c) == "straggler_rank @ job");
}

std::vector<std::string> SplitHangLines(const std::string& verdict) {
  std::vector<std::string> out;
  for (int r : {16, 19, 22, 25, 28, 31}) {
    out.push_back(std::to_string(r) + ": [rank" + std::to_string(r) + "]:[E1201 03:20:0" + std::to_string(r % 10) +
                  ".000000 7100 ProcessGroupNCCL.cpp:616] [PG ID 0 PG GUID 0(default_pg) Rank " + std::to_string(r) +
                  "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=880, OpType=ALLREDUCE, NumelIn=1, "
                  "NumelOut=1, Timeout(ms)=600000) ran for 600010 milliseconds before timing out.");
  }
  for (int r : {0, 3, 6, 9}) {
    out.push_back(std::to_string(r) + ": [rank" + std::to_string(r) + "]:[E1201 03:20:1" + std::to_string(r) +
                  ".000000 7000 ProcessGroupNCCL.cpp:616] [PG ID 2 PG GUID 2(PIPELINE_MODEL_PARALLEL_GROUP) Rank " +
                  std::to_string(r) + "] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40211, OpType=RECV, "
                  "NumelIn=4194304, NumelOut=4194304, Timeout(ms)=600000) ran for 600003 milliseconds before timing out.");
  }
  out.push_back("fr_trace summary, pg 0 (default_pg, 32 ranks):");
  out.push_back("  ranks 16-31 (pp 1): last enqueued 880 ALLREDUCE numel 1 float32, not completed");
  out.push_back("  ranks 0-15 (pp 0): last enqueued 879, last completed 879");
  out.push_back("  " + verdict);
  return out;
}

TEST_CASE("plc42: part of the group in a collective, the others in another: a mismatch, the job's hang") {
  auto m = FindCollectiveMismatch(SplitHangLines("Mismatch: collective 880 entered by 16/32 ranks; ranks 0-15 are in pg 2 RECV (seq 40211)"));
  REQUIRE(m.has_value());  // before: nullopt
  CHECK(m->line_index == 13);
  // Near misses: every rank entered; the others in no collective; the verdict denied.
  CHECK_FALSE(FindCollectiveMismatch({"Mismatch: collective 880 entered by 32/32 ranks; ranks 0-15 are in pg 2 RECV"}).has_value());
  CHECK_FALSE(FindCollectiveMismatch({"Mismatch: collective 880 entered by 16/32 ranks; ranks 0-15 are in dataloader"}).has_value());
  CHECK_FALSE(FindCollectiveMismatch({"no mismatch: collective 880 entered by 16/32 ranks; ranks 0-15 are in pg 2 RECV"}).has_value());
  // Through the reasoner: the job's (before: the first watchdog line's rank, pq-03/gpu0).
  Json c = testing::Case("t-plc42-split", {"pq-01", "pq-02", "pq-03", "pq-04"},
                         Json::array({testing::Log("slurm-44.out",
                                                   SplitHangLines("Mismatch: collective 880 entered by 16/32 ranks; ranks 0-15 "
                                                                  "are in pg 2 RECV (seq 40211)"))}));
  CHECK(testing::CaseAnswer(c) == "nccl_collective_hang @ job");
}

}  // namespace
}  // namespace vigil
