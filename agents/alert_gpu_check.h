// A GPU health check an alert says failed, without saying what it found (AO5, 2026-12-04): a node
// drained or cordoned by its health check ("dgx-b07 drained by NHC: gpu check failed", "hgx-b7-2
// drained by prolog: gpu health check failed", "Pre-job health check failed on h100-c12n04 (dcgmi diag
// -r 3)", "node-problem-detector: GPUUnhealthy on a100-node-09", a `reason="gpu_check"` label), or
// nvidia-smi itself failing or hanging in one ("a100-pod3-118 drained by NHC: nvidia-smi failed",
// "nvidia-smi timed out (30s) in node health check"). The reasoner reads the ranked pair of causes such
// a failure most often is (builtin_reasoner.cc AddAlertGpuCheck). Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// What kind of GPU check an alert says failed.
enum class GpuCheckKind {
  kNone,          // no failed GPU check in the text, or one that names what it found
  kHealth,        // a GPU health check / DCGM diagnostic failed, or a GPU was marked unhealthy
  kSmiFailed,     // nvidia-smi failed or found no device: the driver does not reach a GPU
  kSmiHung,       // nvidia-smi hung or timed out: the driver waits on a GPU (its firmware)
};

struct GpuCheckReading {
  GpuCheckKind kind = GpuCheckKind::kNone;
  std::string quote;  // the words read
  int gpu = -1;       // the GPU those words name ("GPU 5 of n unhealthy", "GPU 2 failed DCGM health check"), else -1
};

// What `text` (an alert's name, summary, description, message and its `reason` / `check` /
// `condition` label values, joined by newlines) says of a failed GPU check. Read: "gpu (health) check
// failed", "check_gpu failed", "nv_health failed", "DCGM diag level 2 failed", "dcgmi diag -r 3"
// beside a failed check, "failed DCGM health check", "GPUUnhealthy", "GPU 5 of n unhealthy",
// "GPUProblem"; a node drained or a check failing with no check named ("drained by health check",
// "drained by NHC", "prolog health check failed ... drained"); nvidia-smi failing ("nvidia-smi
// failed", "No devices were found", "unable to determine the device handle") or hanging ("nvidia-smi
// timed out", "NvidiaSmiHang"). Not read (kNone): a text that names what the check found or another
// part of the node (ECC, DBE, remap, retired pages, Xid, NVLink, PCIe, temperature, power, clocks,
// memory, InfiniBand / HCA, a mount, disk or filesystem, CPU, DIMM, OOM, a kill task, maintenance),
// a check that passed, a drain with a reason that is no health check. Texts over 4096 characters are
// not read.
GpuCheckReading FailedGpuCheckInWords(const std::string& text);

}  // namespace vigil
