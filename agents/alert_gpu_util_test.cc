// GpuUtilLowInWords (AO5): GPU utilisation an alert says is low.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_gpu_util.h"

namespace vigil {
namespace {

TEST_CASE("gpu util low: the wordings of low-utilisation alerts") {
  CHECK(GpuUtilLowInWords("GPUUtilizationLow\nvit-l: mean GPU utilisation 29% over 15m") != "");
  CHECK(GpuUtilLowInWords("GPUUtilLow\nGPU util 47% on job t5-xl for 20m") != "");
  CHECK(GpuUtilLowInWords("GPU utilization below 50% for 15m on a100-p3-02") != "");
  CHECK(GpuUtilLowInWords("GPUUtilisationLow\njob-wide GPU util 36% (was 94%)") != "");
  CHECK(GpuUtilLowInWords("TrainingGPUUtilizationLow\nGPUs of mm-pt-7 are underutilised") != "");
  CHECK(GpuUtilLowInWords("GPUUtilizationLow\nGPUs of train/llm-ft-worker-3 are mostly idle") != "");
  CHECK(GpuUtilLowInWords("JobGPUUtilizationLow\njob 88123 under its usual load") != "");
  CHECK(GpuUtilLowInWords("GPUUnderutilized\nsd-xl-ft GPU util 40% (24h avg 92%)") != "");
}

TEST_CASE("gpu util low: high or other utilisation, GPUs with no work, a named cause") {
  CHECK(GpuUtilLowInWords("GPU utilisation above 95% for 2h on node-3") == "");
  CHECK(GpuUtilLowInWords("GPUUtilHigh\nGPU util 99% on node-3") == "");
  CHECK(GpuUtilLowInWords("GPU memory utilisation 97% on gpu-2") == "");
  CHECK(GpuUtilLowInWords("framebuffer 98% used on GPU 0") == "");
  CHECK(GpuUtilLowInWords("CPU utilisation 12% on node-7") == "");
  CHECK(GpuUtilLowInWords("NVLink bandwidth utilisation 20% of peak") == "");
  CHECK(GpuUtilLowInWords("GPUIdleAllocated\nAll GPUs of gh-3 idle while allocated to job 7102") == "");
  CHECK(GpuUtilLowInWords("GPUUtilizationLow\nGPU 2 utilisation 10% after Xid 79") == "");
  CHECK(GpuUtilLowInWords("GPU 3 idle for 20m") == "");
  CHECK(GpuUtilLowInWords("training step time 1.4x median") == "");
  CHECK(GpuUtilLowInWords("") == "");
  CHECK(GpuUtilLowInWords(std::string(5000, 'x') + " GPU util 30%") == "");
}

}  // namespace
}  // namespace vigil
