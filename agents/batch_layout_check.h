// A trainer's start-up check that the batch or world size does not fit the parallel layout (PLC54,
// realistic49 rl49-29: a job requeued onto 14 nodes instead of 16 dies at Megatron's
// "AssertionError: global batch size (1536) is not divisible by micro batch size (2) times data parallel
// size (7)" on every attempt; the node failure that shrank the allocation and the requeues were the loud
// lines, and no reader named the assertion). The batch / parallel sizes must fit the GPUs the job got:
// the launch's configuration, launch_config_error on the whole job. Read: a line saying a batch size
// (global / micro / train / mini batch), a world size or a parallel size (data / tensor / pipeline /
// context / expert parallel, dp / tp / pp) is not (or must be) divisible by - or a multiple of - another
// size, or DeepSpeed's "train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step *
// world_size". Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The first such line of `lines` (lines over 4000 bytes are not read); nullopt for none.
std::optional<size_t> FindBatchLayoutCheck(const std::vector<std::string>& lines);

}  // namespace vigil
