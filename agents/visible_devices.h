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

}  // namespace vigil
