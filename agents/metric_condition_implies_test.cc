// ExpressionImpliesCondition (NA): an alert rule's expression firing means a pack condition held -
// the same metric, a compatible reading, a bound at least as strict. Unknown forms imply nothing.
#include <doctest/doctest.h>

#include <string>

#include "agents/metric_condition.h"

namespace vigil {
namespace {

TEST_CASE("expression implies condition: the forms real rules take") {
  const char* temp = "DCGM_FI_DEV_GPU_TEMP > 85";
  // The condition itself, spaces aside.
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP>85", temp));
  // A stricter threshold, a label matcher (one GPU of those the condition reads), an aggregation
  // over GPUs, a gauge averaged / maxed / minned over a window, the threshold written first.
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 90", temp));
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP >= 86", temp));
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP{gpu=\"3\", job=~\"dcgm.*\"} > 90", temp));
  CHECK(ExpressionImpliesCondition("max by (gpu) (DCGM_FI_DEV_GPU_TEMP) > 90", temp));
  CHECK(ExpressionImpliesCondition("avg by (Hostname) (DCGM_FI_DEV_GPU_TEMP) > 88", temp));
  CHECK(ExpressionImpliesCondition("avg_over_time(DCGM_FI_DEV_GPU_TEMP[10m]) > 85", temp));
  CHECK(ExpressionImpliesCondition("min_over_time(DCGM_FI_DEV_GPU_TEMP{gpu=\"1\"}[5m]) > 87", temp));
  CHECK(ExpressionImpliesCondition("90 < DCGM_FI_DEV_GPU_TEMP", temp));
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 90 and DCGM_FI_DEV_GPU_UTIL > 10", temp));
  // A counter: >= 1 is > 0; rate for increase at 0; a shorter window and a higher bound.
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_ROW_REMAP_PENDING >= 1", "DCGM_FI_DEV_ROW_REMAP_PENDING > 0"));
  CHECK(ExpressionImpliesCondition("rate(node_vmstat_oom_kill[10m]) > 0", "increase(node_vmstat_oom_kill[10m]) > 0"));
  CHECK(ExpressionImpliesCondition("increase(node_vmstat_oom_kill[5m]) > 0", "increase(node_vmstat_oom_kill[10m]) > 0"));
  CHECK(ExpressionImpliesCondition("max by (gpu) (increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m])) > 500",
                                   "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100"));
  // rate 1/s over 5m is an increase of 300 in 5m: > 100 in 10m.
  CHECK(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 1",
                                   "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100"));
  CHECK(ExpressionImpliesCondition("DCGM_FI_DEV_XID_ERRORS == 79", "DCGM_FI_DEV_XID_ERRORS == 79"));
  CHECK(ExpressionImpliesCondition("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.03",
                                   "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.05"));
  CHECK(ExpressionImpliesCondition("node_infiniband_state_id < 4", "node_infiniband_state_id != 4"));
}

TEST_CASE("expression implies condition: what does not follow") {
  const char* temp = "DCGM_FI_DEV_GPU_TEMP > 85";
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP < 85", temp));       // the other side
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 80", temp));       // a looser bound
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP >= 85", temp));      // 85 itself
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_MEMORY_TEMP > 95", temp));    // another metric
  CHECK_FALSE(ExpressionImpliesCondition("sum by (Hostname) (DCGM_FI_DEV_GPU_TEMP) > 700", temp));  // no GPU need be
  CHECK_FALSE(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) > 90", temp));
  CHECK_FALSE(ExpressionImpliesCondition("absent(DCGM_FI_DEV_GPU_TEMP)", temp));
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 90 or DCGM_FI_DEV_MEMORY_TEMP > 95", temp));
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 90 unless DCGM_FI_DEV_GPU_UTIL < 1", temp));
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP > DCGM_FI_DEV_SLOWDOWN_TEMP", temp));
  CHECK_FALSE(ExpressionImpliesCondition("deriv(DCGM_FI_DEV_GPU_TEMP[10m]) > 90", temp));
  // The condition's own matcher must be the alert's.
  CHECK_FALSE(ExpressionImpliesCondition("up == 0", "up{job=\"dcgm-exporter\"} == 0"));
  CHECK(ExpressionImpliesCondition("up{job=\"dcgm-exporter\",instance=\"n3:9400\"} == 0", "up{job=\"dcgm-exporter\"} == 0"));
  // Any Xid is not one Xid; the threshold is not the value.
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_XID_ERRORS > 0", "DCGM_FI_DEV_XID_ERRORS == 79"));
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_XID_ERRORS >= 79", "DCGM_FI_DEV_XID_ERRORS == 79"));
  // A lower rate, or falling. (A counter over a longer window: "a longer window by pigeonhole" below.)
  CHECK_FALSE(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 0.1",
                                         "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100"));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) < 100",
                                         "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100"));
  // Another reading of the ratio: not the condition.
  CHECK_FALSE(ExpressionImpliesCondition("(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100 > 90",
                                         "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.05"));
  // Bad input: false, never a crash.
  for (const char* bad : {"", "(", ">", "X{a=\"1\"", "X[", "max by (", "1e999 > X", "X > 85 and", "\"\"", "rate(X[5m]"}) {
    CHECK_FALSE(ExpressionImpliesCondition(bad, temp));
    CHECK_FALSE(ExpressionImpliesCondition(temp, bad));
  }
}

TEST_CASE("expression implies condition: a linear reading, a namespaced name, the alert's value") {
  const char* avail = "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.05";
  const char* used = "100 - (node_memory_MemAvailable_bytes{job=\"node-exporter\"} / node_memory_MemTotal_bytes{job=\"node-exporter\"} * 100) > 90";
  // > 90 % used is < 10 % available: not < 5 %.
  CHECK_FALSE(ExpressionImpliesCondition(used, avail));
  CHECK(ExpressionImpliesCondition(
      "100 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100) > 97", avail));
  // Fired at 98.71 % used: 1.29 % available.
  CHECK(ExpressionValueImpliesCondition(used, 98.71, avail));
  CHECK_FALSE(ExpressionValueImpliesCondition(used, 92.5, avail));
  // A value the expression does not fire at is not its value.
  CHECK_FALSE(ExpressionValueImpliesCondition(used, 15, avail));
  CHECK_FALSE(ExpressionValueImpliesCondition("DCGM_FI_DEV_GPU_TEMP > 80 and DCGM_FI_DEV_GPU_UTIL > 1", 91, "DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK(ExpressionValueImpliesCondition("avg_over_time(DCGM_FI_DEV_GPU_TEMP[10m]) > 80", 91, "DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK_FALSE(ExpressionValueImpliesCondition("avg_over_time(DCGM_FI_DEV_GPU_TEMP[10m]) > 80", 84, "DCGM_FI_DEV_GPU_TEMP > 85"));
  // An exporter's namespace before the pack's name of several words; a one-word name only itself.
  CHECK(ExpressionImpliesCondition("training_loss_scale <= 1 and increase(training_skipped_steps_total[30m]) > 50", "loss_scale <= 1"));
  CHECK_FALSE(ExpressionImpliesCondition("training_loss_scale <= 2", "loss_scale <= 1"));
  CHECK_FALSE(ExpressionImpliesCondition("job_training_loss_scale <= 1", "loss_scale <= 1"));
  CHECK_FALSE(ExpressionImpliesCondition("moe_aux_loss != moe_aux_loss", "loss != loss"));
  CHECK_FALSE(ExpressionImpliesCondition("job:loss_scale:min <= 1", "loss_scale <= 1"));
  // A counter that grew is above 0.
  CHECK(ExpressionImpliesCondition("increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) > 0", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL > 0"));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) >= 0", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL > 0"));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL[10m]) > 5", "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL > 1000"));
  // The same inequality with a matcher added.
  CHECK(ExpressionImpliesCondition("node_infiniband_state_id{device=~\"mlx5_[0-9]+\"} != 4", "node_infiniband_state_id != 4"));
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_CASE("expression implies condition: an aggregation over fewer series is another value (RV-NA)") {
  // The alert may select fewer series than the condition when the condition reads each series (some
  // GPU above 85 C), not when it aggregates them: the sum, average, count, max or min of one rank's
  // series says nothing of all ranks'. Before RV-NA each of these was read as implied.
  CHECK_FALSE(ExpressionImpliesCondition("sum(loss_scale{rank=\"0\"}) < 1", "sum(loss_scale) < 128"));
  CHECK_FALSE(ExpressionImpliesCondition("avg(loss_scale{rank=\"0\"}) < 1", "avg(loss_scale) < 128"));
  CHECK_FALSE(ExpressionImpliesCondition("max(loss_scale{rank=\"0\"}) < 1", "max(loss_scale) < 128"));
  CHECK_FALSE(ExpressionImpliesCondition("min(loss_scale{rank=\"0\"}) > 1000", "min(loss_scale) > 128"));
  // gpu_fallen_off_bus's "fewer than 8 GPUs report": counting GPU 0 alone is always fewer than 8.
  const char* lost = "count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8";
  CHECK_FALSE(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"}) < 8", lost));
  CHECK_FALSE(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{gpu!=\"0\"}) < 8", lost));
  // A matcher on a label the aggregation groups by picks whole groups: the same value per group.
  CHECK(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{Hostname=\"gpu-7\"}) < 7", lost));
  CHECK(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8", lost));
  CHECK_FALSE(ExpressionImpliesCondition("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{Hostname=~\"gpu-.*\"}) < 8", lost));
  // Per-series readings keep taking a matcher: one GPU's temperature above 90 is some GPU's.
  CHECK(ExpressionImpliesCondition("max by (gpu) (DCGM_FI_DEV_GPU_TEMP{gpu=\"3\"}) > 90", "DCGM_FI_DEV_GPU_TEMP > 85"));
}

TEST_CASE("expression implies condition: hostile expressions are refused in bounded time, no crash (RV-NA)") {
  // An alert's expression comes from its generatorURL, which a webhook sender writes (up to
  // `vigil serve --max-body`, 1 MiB). Before RV-NA 200,000 nested parentheses overflowed the parser's
  // stack (a crash of vigil serve); a chain of 100,000 `+ 1` built a tree as deep, destroyed and
  // compared recursively.
  std::string deep(200000, '(');
  deep += "DCGM_FI_DEV_GPU_TEMP";
  deep += std::string(200000, ')');
  deep += " > 90";
  CHECK_FALSE(ExpressionImpliesCondition(deep, "DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK_FALSE(ExpressionValueImpliesCondition(deep, 91, "DCGM_FI_DEV_GPU_TEMP > 85"));
  std::string fns;
  for (int i = 0; i < 100000; ++i) fns += "abs(";
  fns += "DCGM_FI_DEV_GPU_TEMP";
  fns += std::string(100000, ')');
  fns += " > 90";
  CHECK_FALSE(ExpressionImpliesCondition(fns, "DCGM_FI_DEV_GPU_TEMP > 85"));
  std::string chain = "DCGM_FI_DEV_GPU_TEMP";
  for (int i = 0; i < 100000; ++i) chain += " + 0";
  chain += " > 90";
  CHECK_FALSE(ExpressionImpliesCondition(chain, "DCGM_FI_DEV_GPU_TEMP > 85"));
  std::string conj = "DCGM_FI_DEV_GPU_TEMP > 90";
  for (int i = 0; i < 50000; ++i) conj += " and DCGM_FI_DEV_GPU_TEMP > 90";
  CHECK_FALSE(ExpressionImpliesCondition(conj, "DCGM_FI_DEV_GPU_TEMP > 85"));
  // The same bound holds for the pack's own conditions (EvaluateMetricCondition): not understood.
  CHECK_FALSE(EvaluateMetricCondition(deep, {}).has_value());
  // Odd bytes: refused.
  CHECK_FALSE(ExpressionImpliesCondition(std::string("DCGM_FI_DEV_GPU_TEMP\0 > 90", 25), "DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK_FALSE(ExpressionImpliesCondition("DCGM_FI_DEV_GPU_TEMP \xff\xfe > 90", "DCGM_FI_DEV_GPU_TEMP > 85"));
  // A real rule's length and nesting is far inside the bound.
  CHECK(ExpressionImpliesCondition("(((max by (gpu) (avg_over_time(DCGM_FI_DEV_GPU_TEMP{job=\"dcgm\"}[5m]))))) > 90",
                                   "DCGM_FI_DEV_GPU_TEMP > 85"));
}


TEST_CASE("expression implies condition: a text over 16 KiB is not read (RV-NA)") {
  // AlertStatedValue reads the expression once per number of the annotations: a 600 KB metric name
  // (3 tokens) was tokenized each time. Now a text over 16 KiB is not understood.
  const std::string name(100000, 'X');
  CHECK_FALSE(ExpressionImpliesCondition(name + " > 90", name + " > 85"));
  CHECK_FALSE(ExpressionValueImpliesCondition(name + " > 90", 91, name + " > 85"));
  CHECK_FALSE(ExpressionThreshold(name + " > 90").has_value());
  const std::string ok(200, 'X');
  CHECK(ExpressionImpliesCondition(ok + " > 90", ok + " > 85"));
  // The threshold of one comparison, either way round; none of a conjunction or vector comparison.
  CHECK(ExpressionThreshold("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10") == 10);
  CHECK(ExpressionThreshold("0.95 < DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)") == 0.95);
  CHECK_FALSE(ExpressionThreshold("X > 1 and Y > 2").has_value());
  CHECK_FALSE(ExpressionThreshold("X > Y").has_value());
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_CASE("expression implies condition: a counter over a longer window, by pigeonhole (AO2)") {
  const char* replay = "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100";
  // An hour is six 10-minute windows: more than 600 in the hour is more than 100 in one of them.
  CHECK(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) > 600", replay));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) > 500", replay));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) >= 600", replay));
  // A window that is not a multiple: 15 minutes lie in two 10-minute windows.
  CHECK(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[15m]) > 200", replay));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[15m]) > 150", replay));
  // A rate over an hour is its increase: 0.2/s is 720 in the hour, 120 in one window.
  CHECK(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) > 0.2", replay));
  // Any growth over the hour is growth in one of its windows.
  CHECK(ExpressionImpliesCondition("increase(node_vmstat_oom_kill[1h]) > 0", "increase(node_vmstat_oom_kill[10m]) > 0"));
  // The value the alert states: 4018 replays in the hour under `> 500` is > 669 in one window.
  CHECK(ExpressionValueImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) > 500", 4018, replay));
  CHECK_FALSE(ExpressionValueImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) > 500", 580, replay));
  // An hour's NVLink CRC errors above 100 with no value: above 16.7 in one window, not above 100.
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h]) > 100",
                                         "increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[10m]) > 100"));
  // Another counter, falling, or a window not written: nothing.
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL[1h]) > 6000", replay));
  CHECK_FALSE(ExpressionImpliesCondition("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) < 6000", replay));
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_CASE("expression states counter growth: the counter rising, whatever the bound (AO2)") {
  const char* crc = "increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[10m]) > 100";
  CHECK(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h]) > 100", crc));
  CHECK(ExpressionStatesCounterGrowth("rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL{gpu=\"5\"}[5m]) > 0", crc));
  CHECK(ExpressionStatesCounterGrowth("max by (Hostname, gpu) (increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[30m])) >= 1", crc));
  CHECK(ExpressionStatesCounterGrowth("up == 1 and increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h]) > 10", crc));
  // Not growth: `>= 0` holds of any counter, `<` is the other side; another counter; a gauge condition.
  CHECK_FALSE(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h]) >= 0", crc));
  CHECK_FALSE(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h]) < 100", crc));
  CHECK_FALSE(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL[1h]) > 100", crc));
  CHECK_FALSE(ExpressionStatesCounterGrowth("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL > 100", crc));
  CHECK_FALSE(ExpressionStatesCounterGrowth("sum(increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[1h])) > 100", crc));
  CHECK_FALSE(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_GPU_TEMP[1h]) > 1", "DCGM_FI_DEV_GPU_TEMP > 85"));
  // The condition's matcher must be the alert's.
  CHECK_FALSE(ExpressionStatesCounterGrowth("increase(node_filesystem_x_total[1h]) > 1",
                                            "increase(node_filesystem_x_total{mountpoint=\"/ckpt\"}[10m]) > 5"));
  for (const char* bad : {"", "(", "rate(X[5m]", "X > 1 or"}) {
    CHECK_FALSE(ExpressionStatesCounterGrowth(bad, crc));
    CHECK_FALSE(ExpressionStatesCounterGrowth(crc, bad));
  }
}

TEST_CASE("expression implies condition: a counter's rate in another unit, a positive scale (AO5b)") {
  // Per minute (`rate * 60`), per hour (`* 3600`), or divided: the same growth in another unit.
  // 50/min over 5 m is 250 in 5 m, more than 100 in one 10-minute window.
  const char* replay = "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100";
  CHECK(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * 60 > 50", replay));
  CHECK(ExpressionImpliesCondition("60 * rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 50", replay));
  CHECK(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * 3600 > 3000", replay));
  // 10/min over 5 m is 50: not > 100 in 10 minutes, only growth.
  CHECK_FALSE(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * 60 > 10", replay));
  CHECK(ExpressionStatesCounterGrowth("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * 60 > 10", replay));
  CHECK(ExpressionStatesCounterGrowth("increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[1h]) / 60 > 1", replay));
  // A negative scale turns the comparison: `-rate > t` is a bound from above, no growth.
  CHECK_FALSE(ExpressionImpliesCondition("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * -60 > 50", replay));
  CHECK_FALSE(ExpressionStatesCounterGrowth("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * -60 < -50", replay));
  // A zero scale states nothing of the rate.
  CHECK_FALSE(ExpressionStatesCounterGrowth("rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) * 0 > -1", replay));
}

TEST_CASE("expression implies condition: steps and iterations are one word in a metric name (AO5b)") {
  // Megatron counts skipped iterations, DeepSpeed skipped steps: the same counter under an exporter's namespace.
  const char* skipped = "increase(skipped_iterations_total[30m]) > 20";
  CHECK(ExpressionImpliesCondition("increase(train_skipped_steps_total{pytorchjob=\"a\"}[10m]) > 20", skipped));
  CHECK(ExpressionImpliesCondition("increase(skipped_iters_total[10m]) > 30", skipped));
  CHECK(ExpressionImpliesCondition("increase(skipped_iterations_total[10m]) > 20", skipped));
  CHECK_FALSE(ExpressionImpliesCondition("increase(train_skipped_steps_total[10m]) > 10", skipped));
  // Only the whole word: `stepsize`, `steps_per_s` are other metrics.
  CHECK_FALSE(ExpressionImpliesCondition("increase(skipped_stepsize_total[10m]) > 20", skipped));
  CHECK_FALSE(ExpressionImpliesCondition("increase(skipped_samples_total[10m]) > 20", skipped));
}


}  // namespace
}  // namespace vigil
