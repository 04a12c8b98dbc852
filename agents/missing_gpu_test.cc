// MissingGpuInWords / ExpressionTestsMissingGpu (AO4): a GPU missing from its node, as alerts say it.
#include <doctest/doctest.h>

#include <string>

#include "agents/missing_gpu.h"

namespace vigil {
namespace {

TEST_CASE("missing gpu: the wordings of GPU-count and series-stopped alerts") {
  CHECK_FALSE(MissingGpuInWords("xe9680-0117 exports 7 GPUs, expected 8").empty());
  CHECK_FALSE(MissingGpuInWords("dcgm-exporter on h200-e05 reports 7 GPUs, expected 8").empty());
  CHECK_FALSE(MissingGpuInWords("gpu-m08 advertises 7 allocatable GPUs (expected 8)").empty());
  CHECK_FALSE(MissingGpuInWords("Node k8s-h100-pool2-07: 7 of 8 nvidia.com/gpu allocatable").empty());
  CHECK_FALSE(MissingGpuInWords("b200-p1-04 exposes fewer GPUs than it has").empty());
  CHECK_FALSE(MissingGpuInWords("Node k8s-b200-12 advertises fewer GPUs than it has").empty());
  CHECK_FALSE(MissingGpuInWords("Fewer GPUs can be scheduled on the node than it has").empty());
  CHECK_FALSE(MissingGpuInWords("nvidia-smi sees 6 of 8 GPUs on dgx-07").empty());
  CHECK_FALSE(MissingGpuInWords("no DCGM samples from GPU 0 for 8 minutes").empty());
  CHECK_FALSE(MissingGpuInWords("dcgm-exporter stopped reporting GPU 5 on node-3").empty());
  CHECK_FALSE(MissingGpuInWords("DCGM metrics for gpu 3 stopped at 02:11").empty());
  CHECK_FALSE(MissingGpuInWords("GPU 2 missing from dcgm-exporter on a100-r1-n4").empty());
  CHECK(MissingGpuInWords("xe9680-0117 exports 7 GPUs, expected 8").find("7 GPUs, expected 8") != std::string::npos);
}

TEST_CASE("missing gpu: counts of GPUs in a state, exporters down, jobs stopping are not read") {
  CHECK(MissingGpuInWords("7 of 8 GPUs idle on node-3 for 20m").empty());
  CHECK(MissingGpuInWords("hpc-h100-0275: 8 GPUs clock-limited by SW power cap for 30 min").empty());
  CHECK(MissingGpuInWords("All GPUs on h200-p21 below 1100 MHz under load").empty());
  CHECK(MissingGpuInWords("node-3 exports 8 GPUs, expected 8").empty());
  CHECK(MissingGpuInWords("node-3 exports 9 GPUs, expected 8").empty());
  CHECK(MissingGpuInWords("no DCGM samples from node-3 for 8 minutes").empty());  // the exporter, all GPUs
  CHECK(MissingGpuInWords("dcgm-exporter down on node-3").empty());
  CHECK(MissingGpuInWords("ds-bert: no heartbeat from rank 0 for 30m").empty());
  CHECK(MissingGpuInWords("bloom-7b-sft stopped logging for 10 minutes").empty());
  CHECK(MissingGpuInWords("GPU 3 utilization stopped at 0% for 10m").empty());
  CHECK(MissingGpuInWords("2 of 8 GPUs above 85 C").empty());
  CHECK(MissingGpuInWords("").empty());
  CHECK(MissingGpuInWords(std::string(5000, 'x') + " exports 7 GPUs, expected 8").empty());
}

TEST_CASE("missing gpu: rule expressions that count a node's GPUs") {
  CHECK(ExpressionTestsMissingGpu("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{modelName=~\".*H100.*\"}) < 8"));
  CHECK(ExpressionTestsMissingGpu("count by (kubernetes_node) (DCGM_FI_DEV_GPU_TEMP{cluster=\"tyo-2\"}) < 8"));
  CHECK(ExpressionTestsMissingGpu("count(DCGM_FI_DEV_GPU_UTIL) by (Hostname) <= 7"));
  CHECK(ExpressionTestsMissingGpu("count by (Hostname) (last_over_time(DCGM_FI_DEV_GPU_TEMP[10m])) - count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) >= 1"));
  CHECK(ExpressionTestsMissingGpu("absent(DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-3\",gpu=\"3\"})"));
  CHECK(ExpressionTestsMissingGpu("absent_over_time(DCGM_FI_DEV_POWER_USAGE{gpu=\"1\"}[5m])"));
  CHECK(ExpressionTestsMissingGpu("kube_node_status_allocatable{resource=\"nvidia_com_gpu\"} < kube_node_status_capacity{resource=\"nvidia_com_gpu\"}"));
  CHECK(ExpressionTestsMissingGpu("kube_node_status_allocatable{resource=\"nvidia_com_gpu\"} < 8"));
  CHECK_FALSE(ExpressionTestsMissingGpu("count by (exported_instance) (DCGM_FI_DEV_SM_CLOCK < 1100 and DCGM_FI_DEV_GPU_UTIL > 90) == 8"));
  CHECK_FALSE(ExpressionTestsMissingGpu("count by (Hostname) ((DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) > 0) >= 4"));
  CHECK_FALSE(ExpressionTestsMissingGpu("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP > 85) < 8"));
  CHECK_FALSE(ExpressionTestsMissingGpu("count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) > 8"));
  CHECK_FALSE(ExpressionTestsMissingGpu("kube_node_status_allocatable{resource=\"cpu\"} < 8"));
  CHECK_FALSE(ExpressionTestsMissingGpu("absent(up{job=\"dcgm-exporter\"})"));
  CHECK_FALSE(ExpressionTestsMissingGpu("DCGM_FI_DEV_GPU_TEMP > 85"));
  CHECK_FALSE(ExpressionTestsMissingGpu(""));
}

}  // namespace
}  // namespace vigil
