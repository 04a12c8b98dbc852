// A rank that saw no GPU at all, on a node that did not lose its GPUs, was launched without one (NV55,
// found on the H100 machine, probes/HISTORY.md run 55): a job started with CUDA_VISIBLE_DEVICES naming a
// GPU the node does not have printed PyTorch's "ValueError: ProcessGroupNCCL is only supported with GPUs,
// no GPUs found!" and torchrun's "failed (exitcode: 1)", and was answered rank_process_crash 0.62 on the
// node's gpu0. A process that finds no GPU where the node has them was given none: CUDA_VISIBLE_DEVICES or
// NVIDIA_VISIBLE_DEVICES, a container started without the GPU runtime, a device plugin, cgroup or Slurm
// GRES that hid the devices - the launch's fault (launch_config_error), unless the case shows the node
// losing its GPUs (an Xid 79, "fallen off the bus", the driver failing to start the GPU, nvidia-smi
// finding no device), which gpu_fallen_off_bus and its kin read, or a driver that cannot serve the
// process's CUDA (too old, a mismatch: the pack's host-kind entries read it on its node). Pure
// functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// A line saying CUDA found no GPU at all: PyTorch's "No CUDA GPUs are available", the runtime's "no
// CUDA-capable device is detected", cudaErrorNoDevice, CUDA_ERROR_NO_DEVICE (PLC25's 3a-nodevice, which
// counts the nodes printing it; lines over 4000 bytes are not read). Not "invalid device ordinal" (a GPU
// index past those visible: a launch layout, not CUDA failing).
bool StatesNoCudaDevice(const std::string& line);

// Whether a process's line states that it found no GPU at all: StatesNoCudaDevice, or PyTorch's
// "ProcessGroupNCCL is only supported with GPUs, no GPUs found!" (lines over 4000 bytes are not read).
bool StatesNoGpuVisible(const std::string& line);

// Whether a line states that a node lost a GPU, or the driver could not bring one up (lines over 4000
// bytes are not read): an Xid 79, "fallen off the bus", "GPU is lost", "RmInitAdapter failed",
// nvidia-smi's "No devices were found" / "Unable to determine the device handle".
bool StatesGpuLost(const std::string& line);

// Whether a line states that the node's driver cannot serve the process's CUDA (lines over 4000 bytes
// are not read): PyTorch's "The NVIDIA driver on your system is too old" and "Found no NVIDIA driver on
// your system", CUDA's "driver version is insufficient for CUDA runtime version" (35), "system has
// unsupported display driver / cuda driver combination" (803), cudaErrorInsufficientDriver,
// cudaErrorSystemDriverMismatch, CUDA_ERROR_SYSTEM_DRIVER_MISMATCH.
bool StatesDriverCannotServe(const std::string& line);

}  // namespace vigil
