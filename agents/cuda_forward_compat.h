// A container's CUDA forward-compatibility package that the node cannot use (PLC70, 2026-12-07,
// realistic62 rl62-09). An image that ships cuda-compat (libcuda from a newer CUDA, loaded before the
// host's driver) runs only where the GPU and the host driver support forward compatibility: on a node
// whose driver is newer than the package, or whose GPU does not take it, CUDA fails at its first
// allocation with CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE ("forward compatibility was attempted on
// non supported HW"; PyTorch warns first "The NVIDIA driver on your system is newer than the
// forward-compatibility package in the container"). NCCL's init then fails ("unhandled cuda error") and
// every other rank sees "remote process exited". The launch's set-up (the job's image against the
// drivers of the nodes it got: a fleet half upgraded gives it on every upgraded node), not a rank's
// crash: launch_config_error on the whole job. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// True for a line stating that CUDA's forward compatibility failed on the device: the driver API's
// CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE, the runtime's cudaErrorCompatNotSupportedOnDevice, their
// message "forward compatibility was attempted on non supported HW", or PyTorch's warning that the
// driver is newer than the container's forward-compatibility package.
bool StatesCudaForwardCompatFailure(const std::string& line);

// The first line of `lines` that StatesCudaForwardCompatFailure reads, preferring an error line
// (CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE / cudaErrorCompatNotSupportedOnDevice / "forward
// compatibility was attempted") over PyTorch's warning; nullopt when none.
std::optional<size_t> FindCudaForwardCompatFailure(const std::vector<std::string>& lines);

}  // namespace vigil
