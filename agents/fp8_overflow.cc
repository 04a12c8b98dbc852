#include "agents/fp8_overflow.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <tuple>

namespace vigil {

bool IsNonFiniteAmaxWarning(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kAmax(R"(non-finite amax\b(\s*[:=]?\s*(\d+)\b)?)", std::regex::icase);
  std::smatch m;
  if (std::regex_search(line, m, kAmax)) return !m[2].matched || std::strtoll(m.str(2).c_str(), nullptr, 10) > 0;
  // Transformer Engine's other wordings (RG24): "FP8 amax for tensor <name> GEMM input (fwd) is inf;
  // scale set to 0" (an amax whose value is inf / nan, in the same clause) and "FP8 scaling factor
  // overflow in <name>" / "amax overflow". A finite amax ("amax ... is 312.5") and the fp16 scaler's
  // "loss scale overflow" are not these.
  if (line.find("amax") == std::string::npos && line.find("AMAX") == std::string::npos &&
      line.find("fp8") == std::string::npos && line.find("FP8") == std::string::npos) {
    return false;
  }
  static const std::regex kAmaxValue(R"(\bamax\b[^;|,]{0,160}?(?:\bis|=|:)\s*[-+]?(?:inf|nan)\b)", std::regex::icase);
  static const std::regex kOverflow(R"(\b(?:fp8\s+scal(?:e|ing)(?:\s+factor)?|amax)\s+overflow)", std::regex::icase);
  return std::regex_search(line, kAmaxValue) || std::regex_search(line, kOverflow);
}

Fp8OverflowBeforeNan FindFp8OverflowBeforeNan(const std::vector<std::string>& lines) {
  // The key as loggers write it: Megatron's "lm loss: nan | grad norm: 0.3", a logger's prefixed
  // "train_loss=nan" / "train/grad_norm=0.3" (Lightning, W&B names), and Hugging Face Trainer's
  // Python dict "{'loss': nan, 'grad_norm': 0.3}" (the key quoted). Before review S35 only the first
  // shape was read: `\bloss` does not start inside "train_loss", and a quote stood between the key
  // and its ':'.
  static const std::regex kNanLoss(R"((?:^|[^a-z0-9_])(?:[a-z0-9]+[_/])*loss['"]?\s*[:=]\s*[-+]?nan\b)",
                                   std::regex::icase);
  static const std::regex kGradNorm(
      R"((?:^|[^a-z0-9_])(?:[a-z0-9]+[_/])*grad[ _]norm['"]?\s*[:=]\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)))",
      std::regex::icase);
  Fp8OverflowBeforeNan out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 4000 || t.find("oss") == std::string::npos || !std::regex_search(t, kNanLoss)) continue;
    out.nan_line = i;
    const size_t lo = i > kAmaxLeadLines ? i - kAmaxLeadLines : 0;
    bool warned = false;
    for (size_t j = lo; j < i; ++j) {
      if (IsNonFiniteAmaxWarning(lines[j])) {
        warned = true;
        out.warning_line = j;
      }
    }
    if (!warned) return {};
    std::vector<double> norms;
    for (size_t j = i; j-- > 0 && norms.size() < 10;) {
      if (lines[j].size() > 4000 || lines[j].find("norm") == std::string::npos) continue;
      std::smatch m;
      if (!std::regex_search(lines[j], m, kGradNorm)) continue;
      const double v = std::strtod(m.str(1).c_str(), nullptr);
      if (!std::isfinite(v) || v < 0) return {};  // a NaN / Inf norm before the loss: not flat
      norms.push_back(v);
    }
    if (norms.size() < 3) return {};
    // norms[0] is the reading nearest the NaN. All flat, or all but that one flat (RG24): the step the
    // amax overflowed may itself jump (0.41, 0.40, then 37.5); a divergence climbs over several steps,
    // so the readings before its last are not flat.
    auto [mn, mx] = std::minmax_element(norms.begin(), norms.end());
    if (*mx > 2 * *mn) {
      std::tie(mn, mx) = std::minmax_element(norms.begin() + 1, norms.end());
      if (*mx > 2 * *mn) return {};
    }
    out.grad_norm_min = *mn;
    out.grad_norm_max = *mx;
    out.found = true;
    return out;
  }
  return {};
}

}  // namespace vigil
