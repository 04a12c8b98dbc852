// The physical GPUs behind a process's CUDA device ordinals, as a job's own printed environment
// says (RG19, 2026-12-03). A process started with CUDA_VISIBLE_DEVICES=6,7 (or by Slurm with
// SLURM_JOB_GPUS=6,7, whose device cgroup renumbers them 0,1) calls physical GPU 6 "GPU 0" /
// "cuda:0" / "device 0": its OOM message, its rank's local device and torchrun's local rank all
// name the ordinal, not the node's nvidia-smi index.
// VisibleDevicesOf reads one line's assignments - `SLURM_JOB_GPUS=6,7`, `SLURM_STEP_GPUS=6,7`,
// `NVIDIA_VISIBLE_DEVICES=6,7`, `CUDA_VISIBLE_DEVICES=6,7`, with '=' or ':' (`export X=...`, `X: 6,7`,
// JSON's `"X": "6,7"`, quotes allowed) - and returns ordinal -> physical index:
//   - a physical list (SLURM_JOB_GPUS, SLURM_STEP_GPUS, NVIDIA_VISIBLE_DEVICES) alone, or with a
//     CUDA_VISIBLE_DEVICES that renumbers it (0..n-1) or repeats it: that list;
//   - CUDA_VISIBLE_DEVICES alone: its list;
//   - anything else (the two lists disagree, a value that is no list of distinct small integers:
//     `all`, `none`, a UUID, `$SLURM_JOB_GPUS` unexpanded) or a line that also names a rank
//     (`RANK=13 LOCAL_RANK=5 ... CUDA_VISIBLE_DEVICES=...`: one rank's, which rank_hosts.h reads): none.
// Pure and thread safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace vigil {

// `line`'s ordinal -> physical GPU index list; nullopt when the line states none (or over 2000 bytes).
std::optional<std::vector<int>> VisibleDevicesOf(std::string_view line);

// The GPU UUIDs `line` assigns to NVIDIA_VISIBLE_DEVICES or CUDA_VISIBLE_DEVICES, in ordinal order
// (RG20, realistic18 rl18-08): Kubernetes' device plugin gives a pod its GPUs by UUID
// (`NVIDIA_VISIBLE_DEVICES=GPU-7d2e91a0-...`), and CUDA accepts UUIDs in CUDA_VISIBLE_DEVICES; the
// pod's processes call the first "GPU 0". nullopt when the line assigns no such list (indices, `all`,
// `none`, a MIG device, a UUID repeated, the two variables disagreeing) or also names a rank, or is
// over 2000 bytes. The caller maps each UUID to its node and index (`nvidia-smi -L`).
std::optional<std::vector<std::string>> VisibleDeviceUuidsOf(std::string_view line);

// The device variable a shell command prints alone - `printenv NVIDIA_VISIBLE_DEVICES`, `echo
// $CUDA_VISIBLE_DEVICES` (or `${...}`), also behind `kubectl exec POD --` or `ssh NODE` - so that the
// next line, its value alone, reads as "NAME=value"; "" for another command.
std::string PrintedDeviceVariable(std::string_view command_line);

}  // namespace vigil
