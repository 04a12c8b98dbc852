// A checkpoint saved for another parallel layout (PLC21, checkpoint_layout.h).
#include "agents/checkpoint_layout.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace vigil {
namespace {

std::optional<CheckpointLayoutMismatch> In(const std::vector<std::string>& lines) {
  std::vector<std::string_view> v(lines.begin(), lines.end());
  return CheckpointLayoutMismatchIn(v);
}

}  // namespace

TEST_CASE("checkpoint layout: the frameworks' own statements of it") {
  std::optional<CheckpointLayoutMismatch> m = CheckpointLayoutLine(
      "deepspeed.runtime.zero.utils.ZeRORuntimeException: The checkpoint being loaded used a DP world size of 32 but "
      "the current world size is 30. Automatic adjustment of ZeRO's optimizer state partitioning with a new world size "
      "is not currently supported.");
  REQUIRE(m);
  CHECK(m->what == "DP world size 32 in the checkpoint, 30 now");
  m = CheckpointLayoutLine(
      "AssertionError: tensor_model_parallel_size value from checkpoint (4) is not equal to the input argument value (8).");
  REQUIRE(m);
  CHECK(m->what == "tensor_model_parallel_size 4 in the checkpoint, 8 now");
  m = CheckpointLayoutLine(
      "[rank0]: megatron.core.dist_checkpointing.core.CheckpointingException: sharded optimizer state was saved with "
      "data-parallel size 16 (world 64); current data-parallel size 12 (world 48)");
  REQUIRE(m);
  CHECK(m->what == "data-parallel size 16 in the checkpoint, 12 now");
  m = CheckpointLayoutLine("RuntimeError: checkpoint mismatch in tensor_model_parallel_size: checkpoint 2, current 4");
  REQUIRE(m);
  m = CheckpointLayoutLine(
      "\tsize mismatch for decoder.layers.0.mlp.linear_fc1.weight: copying a param with shape torch.Size([7168, 4096]) "
      "from checkpoint, the shape in current model is torch.Size([3584, 4096]).");
  REQUIRE(m);
  CHECK(m->what.find("decoder.layers.0.mlp.linear_fc1.weight") == 0);
  m = CheckpointLayoutLine(
      "ValueError: Size mismatch between saved torch.Size([1024, 4096]) and current: torch.Size([512, 4096]) for "
      "model.layers.3.self_attn.q_proj.weight");
  REQUIRE(m);
}

TEST_CASE("checkpoint layout: equal sizes, other arguments and other words state no mismatch") {
  CHECK_FALSE(CheckpointLayoutLine(
      "The checkpoint being loaded used a DP world size of 32 but the current world size is 32. Automatic adjustment"));
  CHECK_FALSE(CheckpointLayoutLine(
      "AssertionError: hidden_size value from checkpoint (4096) is not equal to the input argument value (5120)."));
  CHECK_FALSE(CheckpointLayoutLine("saved checkpoint with data-parallel size 32 (world 128); current loss 1.93"));
  CHECK_FALSE(CheckpointLayoutLine("size mismatch for tokens: 1024 vs 2048 in the batch"));
  CHECK_FALSE(CheckpointLayoutLine("using world size: 120, data-parallel size: 30, tensor-model-parallel size: 4"));
  CHECK_FALSE(CheckpointLayoutLine("DPO training: world size 8, dp 8, saved with reference model"));
}

TEST_CASE("checkpoint layout: saved with one world, loaded by another, the load failed") {
  const std::vector<std::string> lines = {
      "[2026-11-20 10:00:00] SIGTERM received; saving checkpoint at iteration 5000 (world size 64) to /ckpt/run ... done",
      "== restart ==",
      "using world size: 56, data-parallel size: 14, context-parallel size: 1, tensor-model-parallel size: 4",
      " loading checkpoint from /ckpt/run at iteration 5000",
      "[rank0]: Traceback (most recent call last):",
      "[rank0]: RuntimeError: Error(s) in loading optimizer state: bucket sizes differ"};
  std::optional<CheckpointLayoutMismatch> m = In(lines);
  REQUIRE(m);
  CHECK(m->what == "world size 64 in the checkpoint, 56 now");
  CHECK(m->line == 4);
}

TEST_CASE("checkpoint layout: near misses across lines") {
  // A world-size line and a failure with no checkpoint saved for another world.
  CHECK_FALSE(In({"using world size: 56, data-parallel size: 14, tensor-model-parallel size: 4",
                  " loading checkpoint from /ckpt/run at iteration 5000",
                  "[rank0]: Traceback (most recent call last):", "[rank0]: OSError: [Errno 5] Input/output error"}));
  // A checkpoint resumed on the same layout, then an unrelated failure.
  CHECK_FALSE(In({"saving checkpoint at iteration 5000 (world size 64) ... done",
                  "using world size: 64, data-parallel size: 16, tensor-model-parallel size: 4",
                  " loading checkpoint from /ckpt/run at iteration 5000",
                  "[rank0]: Traceback (most recent call last):", "[rank0]: OSError: [Errno 5] Input/output error"}));
  // Saved for another world but loaded fine (the format reshards): no failure, no mismatch.
  CHECK_FALSE(In({"saving checkpoint at iteration 5000 (world size 64) ... done",
                  "using world size: 56, data-parallel size: 14, tensor-model-parallel size: 4",
                  " loading distributed checkpoint from /ckpt/run at iteration 5000",
                  " successfully loaded checkpoint from /ckpt/run at iteration 5000"}));
}

}  // namespace vigil
