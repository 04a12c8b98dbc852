// A checkpoint saved for another parallel layout than the run that loads it (PLC21, 2026-12-05): a job
// restarted on fewer (or more) GPUs, or with another TP / DP split, cannot load a checkpoint whose
// sharded optimizer state or parameter shards were cut for the old layout unless the format reshards.
// That is the launch's configuration (the job's), not a fault of the network or a GPU.
//
// CheckpointLayoutLine reads one line's own statement of it:
//   - DeepSpeed ZeRO: "The checkpoint being loaded used a DP world size of 32 but the current world size is
//     30. Automatic adjustment of ZeRO's optimizer state partitioning with a new world size is not
//     currently supported.";
//   - Megatron's check_checkpoint_args: "tensor_model_parallel_size value from checkpoint (4) is not equal to
//     the input argument value (8)." (a parallel / world-size argument only);
//   - a checkpoint error naming a parallel size saved and the current one: "... was saved with
//     data-parallel size 32 (world 128); current data-parallel size 30 (world 120)", "checkpoint ... mismatch
//     in tensor_model_parallel_size: checkpoint 4, current 8";
//   - torch's state-dict load (FSDP / a TP-sharded model): "size mismatch for decoder.layers.0.mlp.fc1.weight:
//     copying a param with shape torch.Size([4096, 8192]) from checkpoint, the shape in current model is
//     torch.Size([2048, 8192])."; torch.distributed.checkpoint: "Size mismatch between saved torch.Size([..])
//     and current: torch.Size([..]) for ...";
//   - Megatron-Core dist_checkpointing's load (PLC37): "Global shape mismatch for loaded
//     (torch.Size([6144, 6144])) and expected ((6144, 12288)) tensor for key ...".
// Equal numbers ("DP world size of 32 but the current world size is 32") state no mismatch.
//
// CheckpointLayoutMismatchIn reads a log's lines for the same fact across lines: a checkpoint saved with
// its world size ("saving checkpoint at iteration 66122 (world size 128, dp=32 tp=4)", "world_size": 128 of
// its metadata) and, after it, the run that loads it printing another ("using world size: 120,
// data-parallel size: 30, ..."), followed by a failed load (a line naming the checkpoint and an error /
// exception / failure, or a Traceback within a few lines of the load). A world size printed with no
// checkpoint, or a checkpoint resumed with the world it was saved with, is no mismatch.
// Pure and thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct CheckpointLayoutMismatch {
  size_t line = 0;   // the line that states it (the error, or the failed load)
  std::string what;  // in words: "data-parallel size 32 in the checkpoint, 30 now"
};

// The mismatch one line states by itself, or nullopt.
std::optional<CheckpointLayoutMismatch> CheckpointLayoutLine(std::string_view line);

// The first mismatch `lines` state, alone (CheckpointLayoutLine) or across lines (saved world size vs the
// loading run's, then a failed load); nullopt when none.
std::optional<CheckpointLayoutMismatch> CheckpointLayoutMismatchIn(const std::vector<std::string_view>& lines);

// A resumed job that loaded no checkpoint (PLC38, realistic37 rl37-13): Megatron's load_checkpoint
// prints "WARNING: could not find the metadata file DIR/latest_checkpointed_iteration.txt" and "will not
// load any checkpoints and will start from random" when its load directory holds no tracker file. On a
// job's first run that is normal; it is the launch's configuration (`--load` empty or pointing elsewhere,
// a renamed variable) when the directory is unset (the path "None/..." or "/latest_...": no directory
// was given) or the case shows the same job saved a checkpoint earlier (a "saved checkpoint ... iteration
// N" line, N > 0, before it in its log or in another log). The loss then restarts at its random-init level:
// no divergence. Returns the index of the "start from random" line in `logs[log]`; nullopt otherwise.
struct ScratchStart {
  size_t log = 0;
  size_t line = 0;
  std::string why;  // "the load directory is unset" / "a checkpoint was saved at iteration N before"
};
std::optional<ScratchStart> ResumeStartedFromScratch(const std::vector<std::vector<std::string_view>>& logs);

}  // namespace vigil
