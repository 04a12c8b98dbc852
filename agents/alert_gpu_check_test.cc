// FailedGpuCheckInWords (AO5): a GPU health check an alert says failed without saying what it found.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_gpu_check.h"

namespace vigil {
namespace {

GpuCheckKind Kind(const std::string& text) { return FailedGpuCheckInWords(text).kind; }

TEST_CASE("gpu check: health checks and diagnostics that failed, not saying what they found") {
  CHECK(Kind("SlurmNodeDrained\nnode dgx-c14 drained by NHC: check_gpu failed") == GpuCheckKind::kHealth);
  CHECK(Kind("NodeHealthCheckFailed\nNHC: hgx-a2-11 drained (GPU check failed)") == GpuCheckKind::kHealth);
  CHECK(Kind("hgx-9 drained by epilog: gpu health check failed") == GpuCheckKind::kHealth);
  CHECK(Kind("slurm drained h100-77: prolog GPU check failed") == GpuCheckKind::kHealth);
  CHECK(Kind("Pre-job health check failed on a100-c3n01 (dcgmi diag -r 2)") == GpuCheckKind::kHealth);
  CHECK(Kind("DCGM diag level 3 failed on node-12") == GpuCheckKind::kHealth);
  CHECK(Kind("GPU health check failed on hgx-b200-r4-02 (check dcgm_diag_r3)") == GpuCheckKind::kHealth);
  CHECK(Kind("node-4 GPU 6 failed DCGM health check") == GpuCheckKind::kHealth);
  CHECK(Kind("hpc-n31 drained: NHC: nv_health failed") == GpuCheckKind::kHealth);
  CHECK(Kind("node-problem-detector reports GPUUnhealthy on k8s-a100-3") == GpuCheckKind::kHealth);
  CHECK(Kind("node gke-a3-4 cordoned by NPD (GPU Unhealthy)") == GpuCheckKind::kHealth);
  CHECK(Kind("GPU 3 of h200-node-7 unhealthy; pod restarted") == GpuCheckKind::kHealth);
  CHECK(Kind("GPUHealthDegraded\nGPUProblem") == GpuCheckKind::kHealth);
  CHECK(Kind("NodeDrained\nslurm drained dgx-h100-9\ngpu_check") == GpuCheckKind::kHealth);
  CHECK(Kind("SlurmNodeDrained\nnode xe-21 drained by health check") == GpuCheckKind::kHealth);
  CHECK(Kind("SlurmNodeDrained\nsj1-r2-07 drained by NHC") == GpuCheckKind::kHealth);
  CHECK(Kind("prolog health check failed on a3-ultra-0042, node drained") == GpuCheckKind::kHealth);
  CHECK(FailedGpuCheckInWords("NHC: a100-r9-1 drained (gpu check failed)").quote == "gpu check failed");
  CHECK(FailedGpuCheckInWords("NHC: a100-r9-1 drained (gpu check failed)").gpu == -1);
  CHECK(FailedGpuCheckInWords("GPU 3 of h200-node-7 unhealthy; pod restarted").gpu == 3);
  CHECK(FailedGpuCheckInWords("node-4 GPU 6 failed DCGM health check").gpu == 6);
  CHECK(FailedGpuCheckInWords("GPU 1 fine\nnode-4 drained by NHC").gpu == -1);  // another line's GPU
}

TEST_CASE("gpu check: nvidia-smi failing or hanging") {
  CHECK(Kind("a100-p2-77 drained by NHC: nvidia-smi failed") == GpuCheckKind::kSmiFailed);
  CHECK(Kind("health check: nvidia-smi exited 255 on dgx-4") == GpuCheckKind::kSmiFailed);
  CHECK(Kind("nvidia-smi: No devices were found on node-9") == GpuCheckKind::kSmiFailed);
  CHECK(Kind("Unable to determine the device handle for GPU 0000:3B:00.0") == GpuCheckKind::kSmiFailed);
  CHECK(Kind("node-2: nvidia-smi timed out (60s) in the prolog") == GpuCheckKind::kSmiHung);
  CHECK(Kind("nvidia-smi hangs on hgx-3 since 04:10") == GpuCheckKind::kSmiHung);
  CHECK(Kind("NvidiaSmiHang\nnode-17") == GpuCheckKind::kSmiHung);
}

TEST_CASE("gpu check: a check that names its finding or another part, passes, or is no health check") {
  // What it found is named: the pack's signatures and the other readers read those.
  CHECK(Kind("dgx-4 drained by NHC: GPU 0 row remap failure") == GpuCheckKind::kNone);
  CHECK(Kind("slurm drained dc2-h100-1: Reason=gpu_dbe") == GpuCheckKind::kNone);
  CHECK(Kind("node-3 drained by NHC: GPU ECC") == GpuCheckKind::kNone);
  CHECK(Kind("DCGM health: memory failure on node-1") == GpuCheckKind::kNone);
  CHECK(Kind("GPU health check failed: Xid 79 on GPU 2") == GpuCheckKind::kNone);
  CHECK(Kind("NHC: check_hw_ib failed, mlx5_2 down; node drained") == GpuCheckKind::kNone);
  CHECK(Kind("node-8 drained by NHC: check_fs_mount /lustre failed") == GpuCheckKind::kNone);
  CHECK(Kind("GPU 4 failed health check: temperature 95 C") == GpuCheckKind::kNone);
  CHECK(Kind("GPU health check failed: NVLink 3 inactive") == GpuCheckKind::kNone);
  CHECK(Kind("GPU health check failed: PCIe link x8 of x16") == GpuCheckKind::kNone);
  // Another reason to drain, or a node simply down.
  CHECK(Kind("3 nodes drained: Kill task failed") == GpuCheckKind::kNone);
  CHECK(Kind("gpu-w09 drained: maint: PSU swap") == GpuCheckKind::kNone);
  CHECK(Kind("Slurm node gpu-q12 is down") == GpuCheckKind::kNone);
  CHECK(Kind("node-5 drained by admin: reinstall") == GpuCheckKind::kNone);
  // A check that passed, and words that only look alike.
  CHECK(Kind("GPU health check passed on node-3 after reset") == GpuCheckKind::kNone);
  CHECK(Kind("nvidia-smi shows 8 GPUs on node-4") == GpuCheckKind::kNone);
  CHECK(Kind("pod train-0 failed; job restarted") == GpuCheckKind::kNone);
  CHECK(Kind("checkpoint save failed on gpu-node-3") == GpuCheckKind::kNone);
  CHECK(Kind("gpu-r4-n2 unreachable for 5m") == GpuCheckKind::kNone);
  CHECK(Kind("") == GpuCheckKind::kNone);
  CHECK(Kind(std::string(5000, 'x') + " gpu check failed") == GpuCheckKind::kNone);
}

}  // namespace
}  // namespace vigil
