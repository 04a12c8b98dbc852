#include "agents/attention_fallback.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

bool StatesFusedAttentionUnavailable(const std::string& line) {
  if (line.size() > 2000) return false;
  const std::string l = AsciiLower(line);
  static const std::regex kExt(
      R"(\bflash[_-]?attn(?:_\d)?(?:_cuda)?\b|\bflash[_ -]attention\s+(?:2|3|extension)\b|\bxformers\b|\btransformer[_ ]engine\b[^\n]{0,40}\b(?:attention|fused_attn)\b)");
  if (!std::regex_search(l, kExt)) return false;
  static const std::regex kNotUsable(
      R"(\bextension\s+(?:not\s+found|not\s+available|failed\s+to\s+load|could\s+not\s+be\s+loaded)\b|\bundefined\s+symbol\b|)"
      R"(\b(?:built|compiled)\s+for\s*:?\s+(?:torch|pytorch)\b|\b(?:can'?t|cannot|could\s+not|unable\s+to)\s+load\b|\bfailed\s+to\s+(?:load|import)\b|\bcannot\s+import\b|)"
      R"(\bnot\s+built\s+for\b)");
  if (!std::regex_search(l, kNotUsable)) return false;
  // A line that says it is fine after all ("flash_attn available", "loaded") is not this reading.
  // Nor a fall-back to another fused kernel (Transformer Engine's "flash-attn 3 is not installed; falling
  // back to cuDNN fused attention"): not the slow path.
  static const std::regex kDenied(
      R"(\b(?:successfully\s+loaded|is\s+available)\b|\bfall(?:ing|s)?\s+back\s+to\s+(?:the\s+)?(?:cudnn|fused|flash|fa[23]\b|xformers|memory[ _-]efficient))");
  return !std::regex_search(l, kDenied);
}

bool StatesSdpaMathBackend(const std::string& line) {
  if (line.size() > 2000) return false;
  const std::string l = AsciiLower(line);
  static const std::regex kMathKernel(R"(\b(?:aten::)?_scaled_dot_product_attention_math\b|\bsdpa_math\b)");
  if (std::regex_search(l, kMathKernel)) return true;
  static const std::regex kMathBackend(
      R"(\b(?:sdpa|scaled[_ ]dot[_ ]product[_ ]attention|attention)\b[^\n]{0,80}\b(?:using|falls?\s+back\s+to|falling\s+back\s+to|fallback\s+to)\s+(?:the\s+)?math\s+(?:backend|kernel|implementation)\b)");
  return std::regex_search(l, kMathBackend);
}

std::optional<AttentionFallback> FindAttentionFallback(const std::vector<std::string>& lines) {
  AttentionFallback f;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!f.unavailable_line && StatesFusedAttentionUnavailable(lines[i])) f.unavailable_line = i;
    if (!f.math_line && StatesSdpaMathBackend(lines[i])) f.math_line = i;
    if (f.unavailable_line && f.math_line) break;
  }
  if (!f.unavailable_line && !f.math_line) return std::nullopt;
  return f;
}

}  // namespace vigil
