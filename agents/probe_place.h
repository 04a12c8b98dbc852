// Where a probe result places its finding (PLC10, 2026-12-04): readers of a result's own words
// for the GPU it is about, which is not always the probe's target.
//  - A node-level count from gpu.inventory ("expected 8 GPUs, CUDA sees 7", "7 GPUs visible to NVML
//    and CUDA, 8 expected on this node; 0000:3a:00.0 is missing", nvml_gpu_count above gpu_count):
//    the probe ran on a GPU that answered, so that GPU is not the lost one. The place is the node,
//    or the GPU whose PCI bus id the result names as missing.
//  - A GPU index written in a probe's details as a number (5, what vigil-probe writes) or as a
//    name ("gpu5", "GPU 5", how people and other tools write it).
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/json.h"

namespace vigil {

// True when `probe` is gpu.inventory, `status` is "fail" and the result reads as a node's GPU count
// short of what the node should have: its reason says so ("expected N GPUs, CUDA sees M", "M GPUs
// visible ..., N expected", "... is missing", "does not enumerate"), or its metrics show fewer GPUs
// to CUDA (gpu_count) than NVML lists (nvml_gpu_count). A failure for another reason (another
// process holds the GPU, a MIG mismatch, a driver version) is not.
bool InventoryCountShort(std::string_view probe, std::string_view status, const std::string& reason,
                         const std::map<std::string, double>& metrics);

// The PCI bus id a probe's reason names as missing ("0000:3a:00.0 is missing", "missing:
// 0000:3a:00.0", "0000:3a:00.0 not enumerated", "missing GPU 0000:3a:00.0"), as written; "" for none.
std::string MissingBusIdInReason(const std::string& reason);

// A GPU index from a details value: a non-negative integer, or a string "gpu5" / "GPU 5" / "5"
// (nothing else in it); -1 otherwise and beyond 4095.
int GpuIndexOfJson(const Json& v);

// The GPU every GPU pair a probe's reason lists has in common ("14 pairs below 0.7 of the median:
// gpu0->gpu6 137.8, gpu1->gpu6 144.3, gpu6->gpu2 140.1"): 6. `listed` is set when the reason lists
// at least one pair "gpuA->gpuB" (or "gpuA<->gpuB", "gpuA-gpuB"); -1 when it lists none or the pairs
// share no GPU or several (one pair alone names two GPUs and no place).
int GpuCommonToPairs(const std::string& reason, bool* listed);

// Whether an evidence source is a node.kernel_log probe's ("probe node.kernel_log@node-3"): the
// kernel's report of what happened on a GPU, not a test of it.
bool IsKernelLogProbeSource(std::string_view source);

}  // namespace vigil
