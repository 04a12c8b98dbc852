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

}  // namespace
}  // namespace vigil
