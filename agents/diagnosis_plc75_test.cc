// PLC75 (2026-12-07, realistic65, SEEN fixes: what its blind run missed): evidence written for these tests
// (made-up minimal lines in the shape of a training job's logs, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/attention_fallback.h"
#include "agents/diagnosis_testing.h"
#include "agents/lspci_nic_link.h"
#include "agents/oom_batch_retry.h"
#include "agents/step_interval_data_wait.h"
#include "agents/work_per_step_change.h"

namespace vigil {
namespace {

// 1. (rl65-18) The input wait printed on its own line as an average per step, the step time from the
//    progress lines' stamps.
TEST_CASE("plc75: ReadAveragedDataWait reads an average input wait per step") {
  CHECK(ReadAveragedDataWait("INFO - data_loading_time avg 6.20s / step") == doctest::Approx(6.2));
  CHECK(ReadAveragedDataWait("dataloader wait mean 4100 ms per step") == doctest::Approx(4.1));
  CHECK(ReadAveragedDataWait("mean data wait per step: 3.5 s") == doctest::Approx(3.5));
  CHECK_FALSE(ReadAveragedDataWait("step: 20 loss: 2.1 data_wait: 7.9s tflops: 180").has_value());
  CHECK_FALSE(ReadAveragedDataWait("data_loading_time avg 6.20s").has_value());  // not per step
  CHECK_FALSE(ReadAveragedDataWait("checkpoint load time avg 6.20s / step").has_value());
}

std::vector<std::string> ProgressWithWait(const std::string& wait_line) {
  return {"2026-03-01 10:00:00,000 - INFO - step:  10  loss: 2.40  tps: 1,000",
          "2026-03-01 10:01:40,000 - INFO - step:  20  loss: 2.39  tps: 1,000",
          "2026-03-01 10:03:20,000 - INFO - step:  30  loss: 2.38  tps: 1,000",
          wait_line,
          "2026-03-01 10:05:00,000 - INFO - step:  40  loss: 2.38  tps: 1,000"};
}

TEST_CASE("plc75: FindAveragedDataWait takes the wait's share of the stamped step time") {
  const LogClock utc;
  // 10 steps every 100 s: 10 s a step; 6 s of it waiting.
  auto r = FindAveragedDataWait(ProgressWithWait("2026-03-01 10:03:30,000 - INFO - data_loading_time avg 6.0s / step"), utc);
  REQUIRE(r.has_value());
  CHECK(r->share == doctest::Approx(0.6));
  CHECK(r->lines == 1);
  CHECK_FALSE(FindAveragedDataWait(ProgressWithWait("2026-03-01 10:03:30,000 - INFO - data_loading_time avg 30s / step"), utc)
                  .has_value());  // longer than the step
  CHECK_FALSE(FindAveragedDataWait(ProgressWithWait("2026-03-01 10:03:30,000 - INFO - eval done"), utc).has_value());
}

std::string LoaderCase(const std::string& wait_line) {
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    char buf[200];
    // 10 steps each 200 s (20 s a step) after a restart.
    std::snprintf(buf, sizeof buf, "\"[rank0]:2026-03-01 %02d:%02d:00,000 - root - INFO - step: %4d  loss:  2.40  tps: 1,100  mfu: 21.0%%\",",
                  10 + (i * 200) / 3600, ((i * 200) % 3600) / 60, 100 + 10 * i);
    lines += buf;
  }
  return R"JSON({
  "id": "plc75-loader",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingMFULow", "severity": "warning", "job": "lm-7"},
            "annotations": {"summary": "lm-7 MFU 21% (baseline 38%)"}, "startsAt": "2026-03-01T10:30:00Z"},
  "topology": {"nodes": ["ld-01", "ld-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "lm-7-master-0/pytorch.log", "lines": [)JSON" +
         lines + "\"" + wait_line + R"JSON("]}]
})JSON";
}

TEST_CASE("plc75: an average input wait of most of the stamped step is an input-bound job") {
  const Diagnosis d = testing::RunCaseText(LoaderCase("[rank0]:2026-03-01 10:20:00,000 - root - INFO - data_loading_time avg 13.0s / step"));
  CHECK(d.root_cause == "dataloader_stall");
  CHECK(d.component == "job");
  const Diagnosis base = testing::RunCaseText(LoaderCase("[rank0]:2026-03-01 10:20:00,000 - root - INFO - data_loading_time avg 0.04s / step"));
  CHECK(base.root_cause != "dataloader_stall");
}

// 2. (rl65-22) The fused-attention extension that does not load for the image's torch, SDPA on its
//    math backend.
TEST_CASE("plc75: StatesFusedAttentionUnavailable and StatesSdpaMathBackend") {
  CHECK(StatesFusedAttentionUnavailable("flash_attn/__init__.py:9: UserWarning: flash_attn_2_cuda extension not found (built for torch 2.3); falling back"));
  CHECK(StatesFusedAttentionUnavailable("ImportError: .../flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2E"));
  CHECK(StatesFusedAttentionUnavailable("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for: PyTorch 2.3.0 (you have 2.5.1)"));
  CHECK_FALSE(StatesFusedAttentionUnavailable("flash_attn 2.6.3 successfully loaded"));
  CHECK_FALSE(StatesFusedAttentionUnavailable("extension not found: my_tokenizer_ext"));
  CHECK_FALSE(StatesFusedAttentionUnavailable("transformer_engine/pytorch/attention.py:90: UserWarning: flash-attn 3 is not installed; falling back to cuDNN fused attention"));
  CHECK_FALSE(StatesFusedAttentionUnavailable("UserWarning: flash_attn (FA2) is not installed; only FA3 / SDPA backends available"));
  CHECK(StatesSdpaMathBackend("attention.py:41: UserWarning: SDPA: using math backend (sdpa_math) for shape [2, 32, 4096, 128]"));
  CHECK(StatesSdpaMathBackend("  aten::_scaled_dot_product_attention_math   38.0%   20.1 s"));
  CHECK(StatesSdpaMathBackend("scaled_dot_product_attention falling back to the math kernel"));
  CHECK_FALSE(StatesSdpaMathBackend("  aten::_scaled_dot_product_flash_attention   12.0%   2.1 s"));
  CHECK_FALSE(StatesSdpaMathBackend("using math library libm.so.6"));
}

std::string AttentionCase(const std::string& a, const std::string& b) {
  std::string steps;
  for (int i = 0; i < 10; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "\"[rank0]:2026-03-02 09:%02d:00,000 - root - INFO - step: %4d  loss:  2.40  tps: 1,800  mfu: 24.0%%\",",
                  3 * i, 200 + 10 * i);
    steps += buf;
  }
  return R"JSON({
  "id": "plc75-attn",
  "topology": {"nodes": ["at-01", "at-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "lm-8-master-0/pytorch.log", "lines": [
    "[rank0]:2026-03-02 08:58:00,000 - root - INFO - torch 2.6.0, image trainer:2026.03 (was 2026.02: torch 2.4.1)",
    ")JSON" + a + R"JSON(", ")JSON" + b + R"JSON(", )JSON" +
         steps + R"JSON("[rank0]:2026-03-02 09:30:00,000 - root - INFO - done"]}]
})JSON";
}

TEST_CASE("plc75: flash-attn not loading for the new torch and SDPA's math backend are the image's configuration") {
  const Diagnosis d = testing::RunCaseText(AttentionCase(
      "[rank0]:flash_attn/__init__.py:9: UserWarning: flash_attn_2_cuda extension not found (built for torch 2.4); falling back",
      "[rank0]:model.py:50: UserWarning: SDPA: using math backend for shape [4, 32, 8192, 128]"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  CHECK(testing::ProbabilityOf(d, "launch_config_error") >= 0.4);
  const Diagnosis base = testing::RunCaseText(AttentionCase("[rank0]: loading model", "[rank0]: model ready"));
  CHECK(base.root_cause != "launch_config_error");
}

// 3. (rl65-23) A planned larger step: step time up, per-GPU FLOP/s level, the job printed the change.
TEST_CASE("plc75: StatesWorkPerStepGrew reads a larger sequence or batch") {
  CHECK(StatesWorkPerStepGrew("> seq length 8192 (was 4096)"));
  CHECK(StatesWorkPerStepGrew("config: global_batch_size 1024 -> 2048"));
  CHECK(StatesWorkPerStepGrew("tokens per global batch 8,388,608 (was 4,194,304)"));
  CHECK(StatesWorkPerStepGrew("max_seq_len: from 2048 to 4096"));
  CHECK_FALSE(StatesWorkPerStepGrew("> seq length 4096 (was 8192)"));
  CHECK_FALSE(StatesWorkPerStepGrew("global batch size:  4096 | lm loss: 1.72"));
  CHECK_FALSE(StatesWorkPerStepGrew("learning rate 3e-4 (was 1e-4)"));
}

std::vector<std::string> MegatronSteps(double before_ms, double before_tf, double after_ms, double after_tf,
                                       const std::string& between) {
  std::vector<std::string> out;
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out.push_back(between);
    char buf[300];
    const bool late = i >= 4;
    std::snprintf(buf, sizeof buf,
                  " [2026-03-03 06:%02d:00] iteration %8d/  90000 | elapsed time per iteration (ms): %.1f | throughput per GPU "
                  "(TFLOP/s/GPU): %.1f | global batch size:  2048 |",
                  i, 500 + 10 * i, late ? after_ms : before_ms, late ? after_tf : before_tf);
    out.push_back(buf);
  }
  return out;
}

TEST_CASE("plc75: FindWorkPerStepChange needs a slower step, level FLOP/s and a printed larger step") {
  auto r = FindWorkPerStepChange(MegatronSteps(4000, 400, 8400, 396, "> seq length 8192 (was 4096)"));
  REQUIRE(r.has_value());
  CHECK(r->step_ratio == doctest::Approx(2.1));
  CHECK_FALSE(FindWorkPerStepChange(MegatronSteps(4000, 400, 8400, 200, "> seq length 8192 (was 4096)")).has_value());
  CHECK_FALSE(FindWorkPerStepChange(MegatronSteps(4000, 400, 8400, 396, "> loading checkpoint")).has_value());
  CHECK_FALSE(FindWorkPerStepChange(MegatronSteps(4000, 400, 4100, 398, "> seq length 8192 (was 4096)")).has_value());
}

std::string LongerStepCase(const std::string& between) {
  std::string lines;
  for (const std::string& l : MegatronSteps(4000, 400, 8400, 396, between)) lines += "\"" + l + "\",";
  return R"JSON({
  "id": "plc75-work",
  "alert": {"status": "firing", "labels": {"alertname": "TrainingStepTimeRegression", "severity": "critical", "job_id": "9001"},
            "annotations": {"summary": "Job 9001 step time 110% above its 24h baseline"}, "startsAt": "2026-03-03T06:10:00Z"},
  "topology": {"nodes": ["wk-01", "wk-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-9001.out", "lines": [)JSON" +
         lines + R"JSON("done"]}]
})JSON";
}

TEST_CASE("plc75: a step slower by a planned longer sequence at level FLOP/s is the job's configuration") {
  const Diagnosis d = testing::RunCaseText(LongerStepCase("> seq length 8192 (was 4096)"));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");
  const Diagnosis base = testing::RunCaseText(LongerStepCase("> loading checkpoint"));
  CHECK(base.root_cause != "launch_config_error");
}

// 4. (rl65-24) An OOM the job caught and retried at a smaller batch: the job's, not GPU 0's.
TEST_CASE("plc75: StatesOomBatchRetry") {
  CHECK(StatesOomBatchRetry("auto_batch.py:30 caught OutOfMemoryError at micro_batch_size=8; retrying with micro_batch_size=4"));
  CHECK(StatesOomBatchRetry("Decreasing batch size to: 16"));
  CHECK(StatesOomBatchRetry("CUDA out of memory; reducing micro batch to 2 and retrying"));
  CHECK_FALSE(StatesOomBatchRetry("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"));
  CHECK_FALSE(StatesOomBatchRetry("retrying with micro_batch_size=4 after a NCCL timeout"));
}

std::string OomRetryCase(const std::string& second) {
  return R"JSON({
  "id": "plc75-oom",
  "topology": {"nodes": ["om-01", "om-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "slurm-31.out", "lines": [
    "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 0 has a total capacity of 79.10 GiB of which 2.10 GiB is free.",
    ")JSON" + second + R"JSON(",
    " [2026-03-04 02:00:35] iteration      110/  90000 | elapsed time per iteration (ms): 3500.0 | throughput per GPU (TFLOP/s/GPU): 280.0 |"]}]
})JSON";
}

TEST_CASE("plc75: an OOM the job retried at a smaller micro-batch is placed on the job") {
  const Diagnosis d = testing::RunCaseText(
      OomRetryCase("[rank0]: mbs.py:61 caught OutOfMemoryError at micro_batch_size=4; retrying with micro_batch_size=2"));
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "job");
  const Diagnosis base = testing::RunCaseText(OomRetryCase("[rank0]: exiting"));
  CHECK(base.root_cause == "cuda_oom");
  CHECK(base.component != "job");
}

// 5. (rl65-14) A NIC's lspci link down-trained: the NIC, by the command's comment.
TEST_CASE("plc75: LspciDownTrainedLinks reads an HCA's down-trained lspci link") {
  const LspciDownTrained d = LspciDownTrainedLinks({
      "$ lspci -s 0000:5e:00.0 -vv | grep Lnk   # mlx5_6",
      "  LnkCap: Port #0, Speed 32GT/s, Width x16",
      "  LnkSta: Speed 32GT/s, Width x8",
      "$ lspci -s 0000:6e:00.0 -vv | grep Lnk   # mlx5_7",
      "  LnkSta: Speed 32GT/s (ok), Width x16 (ok)"});
  CHECK(d.hcas == std::vector<std::string>{"mlx5_6"});
  CHECK_FALSE(d.other);
  const LspciDownTrained g = LspciDownTrainedLinks({"$ lspci -s 0000:18:00.0 -vv | grep LnkSta", "  LnkSta: Speed 16GT/s (downgraded), Width x16 (ok)"});
  CHECK(g.hcas.empty());
  CHECK(g.other);
}

std::string NicPcieCase(const std::string& comment) {
  return R"JSON({
  "id": "plc75-nicpcie",
  "topology": {"nodes": ["np-01", "np-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
               "gpu_pci_bus": {"gpu0": "00000000:18:00.0", "gpu1": "00000000:2A:00.0"}},
  "logs": [{"source": "np-02/link-check.txt", "lines": [
    "$ sudo lspci -s 0000:5e:00.0 -vv | grep -E 'LnkCap|LnkSta')JSON" + comment + R"JSON(",
    "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16",
    "\t\tLnkSta:\tSpeed 32GT/s (ok), Width x8 (downgraded)"]}]
})JSON";
}

TEST_CASE("plc75: a PCIe link down-trained under an lspci command naming an HCA is placed on that NIC") {
  const Diagnosis d = testing::RunCaseText(NicPcieCase("   # mlx5_6"));
  CHECK(d.root_cause == "pcie_link_degraded");
  CHECK(d.component == "np-02/mlx5_6");
  const Diagnosis base = testing::RunCaseText(NicPcieCase(""));
  CHECK(base.root_cause == "pcie_link_degraded");
  CHECK(base.component != "np-02/mlx5_6");
}

// 6. (rl65-07, rl65-08) An IB link fault with no HCA by name: the one HCA the failed probe on its node names.
std::string SlowRailCase(const std::string& reason) {
  return R"JSON({
  "id": "plc75-rail",
  "topology": {"nodes": ["rl-01", "rl-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "rl-02/journal-kernel.log", "lines": [
    "Mar 05 18:58:12 rl-02 kernel: mlx5_core 0000:9c:00.0 ibp156s0: Link down",
    "Mar 05 18:58:19 rl-02 kernel: mlx5_core 0000:9c:00.0 ibp156s0: Link up"]}],
  "probes": {"nccl.sendrecv@rl-02": {"probe": "nccl.sendrecv", "target": "rl-02", "status": "fail",
             "metrics": {"min_rail_gbps": 11.8, "median_rail_gbps": 47.0}, "reason": ")JSON" + reason + R"JSON(", "duration_s": 2.0}}
})JSON";
}

TEST_CASE("plc75: an IB link fault on a netdev no line ties is placed on the HCA the failed probe names") {
  const Diagnosis d = testing::RunCaseText(SlowRailCase("rail 4 (mlx5_4) 11.8 GB/s"), /*intrusive=*/true);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "rl-02/mlx5_4");
  const Diagnosis two = testing::RunCaseText(SlowRailCase("rails mlx5_4 and mlx5_5 slow"), /*intrusive=*/true);
  CHECK(two.root_cause == "ib_link_failure");
  CHECK(two.component != "rl-02/mlx5_4");
}

}  // namespace
}  // namespace vigil
