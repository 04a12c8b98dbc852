// FindFp8OverflowBeforeNan on the training loggers' other line shapes (review S35, 2026-12-03).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/fp8_overflow.h"

namespace vigil {
namespace {

// Hugging Face Trainer logs each step as a Python dict ("{'loss': nan, 'grad_norm': 0.31, ...}"),
// Lightning's progress line as "train_loss=nan"; before, the NaN loss and grad norm readers wanted
// `loss:` / `grad norm:` right after a word boundary, so neither shape was read and an FP8 overflow
// of an HF / Lightning job stayed a loss divergence. Each log: three flat steps (grad norm 0.305 ..
// 0.318), Transformer Engine's warning on line 3, the NaN loss on line 4.
TEST_CASE("FindFp8OverflowBeforeNan reads Hugging Face Trainer's dict lines and Lightning's prefixed keys") {
  const std::vector<std::vector<std::string>> logs = {
      {"{'loss': 2.2102, 'grad_norm': 0.311, 'learning_rate': 0.0003, 'epoch': 0.41}",
       "{'loss': 2.2087, 'grad_norm': 0.305, 'learning_rate': 0.0003, 'epoch': 0.42}",
       "{'loss': 2.2113, 'grad_norm': 0.318, 'learning_rate': 0.0003, 'epoch': 0.43}",
       "transformer_engine WARNING: non-finite amax (inf) in model.layers.11.mlp.fc2; scale_inv set to inf",
       "{'loss': nan, 'grad_norm': nan, 'learning_rate': 0.0003, 'epoch': 0.44}"},
      {"Epoch 3: 41%| 410/1000 [10:04<14:30, 1.45it/s, v_num=7, train_loss=2.210, train/grad_norm=0.311]",
       "Epoch 3: 41%| 411/1000 [10:05<14:29, 1.45it/s, v_num=7, train_loss=2.208, train/grad_norm=0.305]",
       "Epoch 3: 41%| 412/1000 [10:06<14:28, 1.45it/s, v_num=7, train_loss=2.211, train/grad_norm=0.318]",
       "TE stats: non-finite amax 2 in layers.11.mlp.fc2 bwd grad_output",
       "Epoch 3: 41%| 413/1000 [10:07<14:27, 1.45it/s, v_num=7, train_loss=nan, train/grad_norm=nan]"},
  };
  for (const std::vector<std::string>& lines : logs) {
    INFO(lines.front());
    const Fp8OverflowBeforeNan f = FindFp8OverflowBeforeNan(lines);
    CHECK(f.found);
    CHECK(f.nan_line == 4);
    CHECK(f.warning_line == 3);
    CHECK(f.grad_norm_min == doctest::Approx(0.305));
    CHECK(f.grad_norm_max == doctest::Approx(0.318));
  }
}

TEST_CASE("FindFp8OverflowBeforeNan: a loss scale or a val_loss that is not NaN is no NaN loss") {
  // "loss_scale: nan" is the scaler, not the loss; the words around the key must not make one.
  const std::vector<std::string> lines = {
      "{'loss': 2.2102, 'grad_norm': 0.311}", "{'loss': 2.2087, 'grad_norm': 0.305}",
      "{'loss': 2.2113, 'grad_norm': 0.318}", "TE stats: non-finite amax 2 in layers.11.mlp.fc2",
      "loss_scale: nan, skipped step",
  };
  CHECK_FALSE(FindFp8OverflowBeforeNan(lines).found);
}

// Transformer Engine words the overflow other ways too: "FP8 amax for tensor <name> ... is inf; scale
// set to 0" and "FP8 scaling factor overflow in <name> (amax 4.1e+05 > fp8 e4m3 max 448 ...)". And
// the step the amax overflows is the one whose grad norm jumps (0.41, 0.40, then 37.5 on the step
// TE warned after): one jump on the last reading is the overflow's own step, where a divergence
// climbs over several steps first (the earlier readings are not flat). Before (RG24), neither
// wording was read as a warning and the one-step jump failed the "flat" test, so Megatron's NaN
// after a TE overflow stayed a loss_divergence at 0.86.
TEST_CASE("FindFp8OverflowBeforeNan reads TE's 'amax ... is inf' / 'scaling factor overflow' and allows the overflow step's jump") {
  const std::vector<std::string> lines = {
      " [2026-11-30 09:10:02] iteration     8800/  120000 | lm loss: 1.982E+00 | grad norm: 0.287 | loss scale: 1.0 |",
      " [2026-11-30 09:12:40] iteration     8900/  120000 | lm loss: 1.975E+00 | grad norm: 0.301 | loss scale: 1.0 |",
      " [2026-11-30 09:12:43] iteration     8901/  120000 | lm loss: 1.979E+00 | grad norm: 52.8 | loss scale: 1.0 |",
      "UserWarning: transformer_engine: FP8 amax for tensor decoder.layers.9.self_attention.linear_proj GEMM input "
      "(bwd) is inf; scale set to 0",
      "UserWarning: transformer_engine: FP8 scaling factor overflow in decoder.layers.9.self_attention.linear_proj "
      "(amax 7.7e+05 > fp8 e5m2 max 57344 * 2^margin)",
      " [2026-11-30 09:12:46] iteration     8902/  120000 | lm loss: nan | grad norm: nan | loss scale: 1.0 |",
  };
  const Fp8OverflowBeforeNan f = FindFp8OverflowBeforeNan(lines);
  CHECK(f.found);
  CHECK(f.nan_line == 5);
  CHECK(f.warning_line == 4);
  CHECK(f.grad_norm_min == doctest::Approx(0.287));
  CHECK(f.grad_norm_max == doctest::Approx(0.301));
  CHECK(IsNonFiniteAmaxWarning(lines[3]));
  CHECK(IsNonFiniteAmaxWarning(lines[4]));
  // A finite amax and a healthy scale are no warning.
  CHECK_FALSE(IsNonFiniteAmaxWarning("TE stats: FP8 amax for tensor layers.3.fc1 is 312.5; scale 1.43"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history_len: 1024"));
}

TEST_CASE("FindFp8OverflowBeforeNan: a grad norm climbing over several steps before the warning is a divergence") {
  const std::vector<std::string> lines = {
      "iteration 100 | lm loss: 2.10 | grad norm: 0.31 |", "iteration 101 | lm loss: 2.30 | grad norm: 0.95 |",
      "iteration 102 | lm loss: 3.40 | grad norm: 4.20 |", "iteration 103 | lm loss: 7.90 | grad norm: 61.0 |",
      "UserWarning: transformer_engine: FP8 amax for tensor layers.2.fc2 is inf; scale set to 0",
      "iteration 104 | lm loss: nan | grad norm: nan |",
  };
  CHECK_FALSE(FindFp8OverflowBeforeNan(lines).found);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// FindAmaxTableCollapse (RG26) on an FP8 meta dump in '|' columns and in blank-aligned columns.
TEST_CASE("FindAmaxTableCollapse reads the row where the amax turns inf or the scale falls to 0") {
  const std::vector<std::string> piped = {
      "fp8 meta, layer 4 fc1 weight",
      " step | amax  | scale   | scale_inv",
      "  10  | 1.2   | 3.7e+02 | 2.7e-03",
      "  11  | 1.3   | 3.4e+02 | 2.9e-03",
      "  12  | nan   | 3.4e+02 | 2.9e-03",
      "done"};
  AmaxTableCollapse t = FindAmaxTableCollapse(piped);
  CHECK(t.found);
  CHECK(t.line == 4);
  CHECK(t.what == "amax 1.3 -> nan");
  const std::vector<std::string> blanks = {"step amax scale", "5 4.0e+01 1.1e+01", "6 4.1e+01 0.0"};
  t = FindAmaxTableCollapse(blanks);
  CHECK(t.found);
  CHECK(t.line == 2);
  CHECK(t.what == "scale 1.1e+01 -> 0.0");
  // Healthy: amax finite, scale positive; a non-finite first row has nothing finite before it.
  CHECK_FALSE(FindAmaxTableCollapse({"step | amax | scale", "1 | 3.0 | 140", "2 | 3.1 | 138"}).found);
  CHECK_FALSE(FindAmaxTableCollapse({"step | amax | scale", "1 | inf | 140"}).found);
  // A line naming amax that heads no table of numbers.
  CHECK_FALSE(FindAmaxTableCollapse({"amax history length 16", "inf loop detected"}).found);
}

TEST_CASE("GradNormClimbsBeforeNan: a climb before the NaN, not a flat run or one jump at the end") {
  CHECK(GradNormClimbsBeforeNan({"grad norm 0.9", "grad norm 3.1", "grad norm 12.0", "loss nan"}));
  CHECK_FALSE(GradNormClimbsBeforeNan({"grad_norm: 0.9", "grad_norm: 1.0", "grad_norm: 0.95", "loss: nan"}));
  CHECK_FALSE(GradNormClimbsBeforeNan({"grad_norm: 0.9", "grad_norm: 1.0", "grad_norm: 38.0", "loss: nan"}));
  CHECK_FALSE(GradNormClimbsBeforeNan({"grad_norm: 0.9", "loss: nan"}));
}

// PLC52 (realistic47 rl47-27's shape): NeMo's step lines print the loss and no grad norm at all
// ("reduced_train_loss: 2.112 | global_step: 55020"); the loss flat up to TE's "fp8 amax ... is
// inf" warning, then NaN on every rank, is the overflow. Before, three grad norms were required and
// such a log was never read as one (loss_divergence 0.25 led). A loss that climbs before the NaN
// (2.1 -> 7.9) is still a divergence, and a grad norm printed still decides by itself.
TEST_CASE("plc52 FindFp8OverflowBeforeNan reads a flat loss where the log prints no grad norm") {
  const std::vector<std::string> flat = {
      "[NeMo I 2026-12-06 23:10:00 nemo_logging:381] reduced_train_loss: 2.112 | global_step: 55020 | train_step_timing in s: 2.101",
      "[NeMo I 2026-12-06 23:11:00 nemo_logging:381] reduced_train_loss: 2.111 | global_step: 55040 | train_step_timing in s: 2.101",
      "[NeMo I 2026-12-06 23:12:00 nemo_logging:381] reduced_train_loss: 2.110 | global_step: 55060 | train_step_timing in s: 2.101",
      "[NeMo W 2026-12-06 23:14:10 transformer_engine:212] rank 0: fp8 amax for layer 31 fc2 input is inf; scale_inv set to nan",
      "[NeMo I 2026-12-06 23:15:00 nemo_logging:381] reduced_train_loss: nan | global_step: 55100 | train_step_timing in s: 2.099",
  };
  const Fp8OverflowBeforeNan f = FindFp8OverflowBeforeNan(flat);
  CHECK(f.found);
  CHECK(f.by_loss);
  CHECK(f.nan_line == 4);
  CHECK(f.warning_line == 3);
  CHECK(f.grad_norm_min == doctest::Approx(2.110));
  CHECK(f.grad_norm_max == doctest::Approx(2.112));

  std::vector<std::string> climbing = flat;
  climbing[1] = "[NeMo I 2026-12-06 23:11:00 nemo_logging:381] reduced_train_loss: 3.902 | global_step: 55040 | train_step_timing in s: 2.101";
  climbing[2] = "[NeMo I 2026-12-06 23:12:00 nemo_logging:381] reduced_train_loss: 7.902 | global_step: 55060 | train_step_timing in s: 2.101";
  CHECK_FALSE(FindFp8OverflowBeforeNan(climbing).found);
  // Two readings only: too few to call flat.
  CHECK_FALSE(FindFp8OverflowBeforeNan({flat[1], flat[2], flat[3], flat[4]}).found);
  // A grad norm printed that climbs: no overflow, whatever the loss does.
  const std::vector<std::string> megatron = {
      " iteration 10 | lm loss: 1.712000E+00 | grad norm: 0.810 |",
      " iteration 20 | lm loss: 1.709000E+00 | grad norm: 4.710 |",
      " iteration 30 | lm loss: 1.731000E+00 | grad norm: 112.0 |",
      "TE: fp8 amax for layer 3 fc2 input is inf",
      " iteration 40 | lm loss: nan | grad norm: nan |",
  };
  CHECK_FALSE(FindFp8OverflowBeforeNan(megatron).found);
}

}  // namespace
}  // namespace vigil
