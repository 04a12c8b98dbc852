// PLC75 (realistic65 rl65-22, seen): a job whose attention runs on PyTorch's unfused "math" path because
// its fused-attention kernel is not usable in the image it was launched with. A fused-attention
// extension that does not load for the installed torch ("flash_attn_2_cuda extension not found (built
// for torch 2.4); falling back", "flash_attn ... undefined symbol", "xformers ... built for PyTorch
// 2.4.1, you have 2.6.0") and scaled_dot_product_attention on its math backend ("SDPA: using math
// backend", a profiler's top kernel "aten::_scaled_dot_product_attention_math") make the step several
// times slower with no error: the job's launch configuration (its image), not the GPUs or the fabric.
// Pure, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// A fused-attention extension (flash-attn, xformers, Transformer Engine's attention) that could not be
// loaded or was built for another torch. Not a package merely "not installed" (a stack picks another
// backend then, often a fused one), nor a fall-back to another fused kernel (cuDNN, FA3, xformers).
bool StatesFusedAttentionUnavailable(const std::string& line);
// scaled_dot_product_attention running on its unfused math backend (a warning naming it, or a profiler
// line naming the math kernel).
bool StatesSdpaMathBackend(const std::string& line);

struct AttentionFallback {
  std::optional<size_t> unavailable_line;  // the first StatesFusedAttentionUnavailable line
  std::optional<size_t> math_line;         // the first StatesSdpaMathBackend line
};
// The first line of each kind in `lines`; nullopt when neither is there.
std::optional<AttentionFallback> FindAttentionFallback(const std::vector<std::string>& lines);

}  // namespace vigil
