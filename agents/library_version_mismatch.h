// A library's version mismatch inside the job's own software stack (PLC74, 2026-12-07, realistic64
// rl64-29, SEEN). A framework extension built against one version of a library (DeepEP's deep_ep_cpp
// linked against NVSHMEM 3.2.5) that runs where the image ships another (the host library 3.0.6)
// fails its init on every rank: "NVSHMEM ERROR ... nvshmem version mismatch: host library 3.0.6,
// device library (linked into deep_ep_cpp) 3.2.5". What follows (the bootstrap that never completes,
// "nvshmemx_init_attr failed", the RuntimeError, every task's exit) are its symptoms. The job's image
// against the wheel it installed: launch_config_error on the whole job, not a rank's crash nor the
// network.
//
// Not read: a warning the job ran past (PyTorch's "[W...] NCCL version mismatch: PyTorch was built with
// NCCL 2.21.5 but runtime loaded 2.23.4", realistic61 rl61-21: the line must state an error - ERROR,
// error, failed, a Python *Error:, FATAL, a glog [E...] prefix - and no warning level); NVML's "Driver/library version mismatch" and the kernel's "NVRM: API mismatch" (a node
// whose driver was upgraded without a reboot: the node's, not the job's); a mismatch naming one version
// only, or the same version twice; a line naming no library (a checkpoint's format version).
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// True for a line stating that two builds of one library the job loads disagree on their version:
// "version mismatch" naming two different versions (x.y or x.y.z) and a library (the word library, a
// shared object "*.so", or a GPU communication / math library by name: NVSHMEM, NCCL, cuDNN, cuBLAS), on a
// line stating an error, not a warning.
bool StatesLibraryVersionMismatch(const std::string& line);

// The first line of `lines` that StatesLibraryVersionMismatch reads; nullopt when none.
std::optional<size_t> FindLibraryVersionMismatch(const std::vector<std::string>& lines);

}  // namespace vigil
