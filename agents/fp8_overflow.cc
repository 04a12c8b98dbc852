#include "agents/fp8_overflow.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>
#include <tuple>
#include <utility>

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
  // PLC63 (realistic56 rl56-24): TE's history buffer as it names it, "amax_history contains inf for
  // layer X" (the history holds a non-finite reading, the scale computed from it is lost), also
  // "amax_history[-1] became nan".
  static const std::regex kAmaxValue(
      R"(\bamax(?:_history(?:\[-?\d+\])?)?(?:\b|(?=\[))[^;|,]{0,160}?(?:\bis|=|:|\bcontains|\bbecame|\bhas)\s*[-+]?(?:inf|nan)\b)",
      std::regex::icase);
  static const std::regex kOverflow(R"(\b(?:fp8\s+scal(?:e|ing)(?:\s+factor)?|amax)\s+overflow)", std::regex::icase);
  return std::regex_search(line, kAmaxValue) || std::regex_search(line, kOverflow);
}

std::optional<std::pair<double, double>> LossFlatBeforeNan(const std::vector<std::string>& lines, size_t nan_line) {
  // The loss as FindFp8OverflowBeforeNan's NaN line names it ("lm loss: 1.71", "reduced_train_loss: 2.11",
  // "train/loss=2.1", "'loss': 2.1"), a finite number.
  static const std::regex kLoss(
      R"((?:^|[^a-z0-9_])(?:[a-z0-9]+[_/ ])*loss['"]?\s*[:=]\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf))\b)",
      std::regex::icase);
  std::vector<double> losses;
  for (size_t j = std::min(nan_line, lines.size()); j-- > 0 && losses.size() < 10;) {
    const std::string& t = lines[j];
    if (t.size() > 4000 || t.find("oss") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kLoss)) continue;
    const double v = std::strtod(m.str(1).c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;  // an earlier non-finite loss: not flat up to the NaN
    if (v <= 0) continue;
    losses.push_back(v);
  }
  if (losses.size() < 3) return std::nullopt;
  const auto [mn, mx] = std::minmax_element(losses.begin(), losses.end());
  if (*mx > kFlatLossRatio * *mn) return std::nullopt;
  return std::make_pair(*mn, *mx);
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
    // PLC52 (realistic47 rl47-27): a log that prints no grad norm at all (NeMo's "reduced_train_loss:
    // 2.11 | global_step: ..." lines) is judged by its loss readings instead (LossFlatBeforeNan): a
    // divergence climbs there too, an overflow does not.
    if (norms.empty()) {
      const std::optional<std::pair<double, double>> flat = LossFlatBeforeNan(lines, i);
      if (!flat) return {};
      std::tie(out.grad_norm_min, out.grad_norm_max) = *flat;
      out.by_loss = true;
      out.found = true;
      return out;
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

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The cells of a table row: split on '|' (the empty cells of a leading / trailing '|' dropped) when
// `piped`, else on runs of blanks.
std::vector<std::string> Cells(const std::string& line, bool piped) {
  std::vector<std::string> out;
  if (piped) {
    size_t start = 0;
    while (true) {
      size_t bar = line.find('|', start);
      out.push_back(Trim(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    if (!out.empty() && out.front().empty()) out.erase(out.begin());
    if (!out.empty() && out.back().empty()) out.pop_back();
  } else {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      if (j > i) out.push_back(line.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

// A cell's number: finite, or +-inf / nan as printed ("inf", "-inf", "nan", "NaN"); nullopt for
// anything else (a word, a number followed by text).
std::optional<double> CellNumber(const std::string& cell) {
  if (cell.empty() || cell.size() > 40) return std::nullopt;
  std::string low;
  for (char ch : cell) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  size_t k = low[0] == '+' || low[0] == '-' ? 1 : 0;
  const std::string body = low.substr(k);
  if (body == "inf" || body == "infinity") return low[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (end == cell.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

AmaxTableCollapse FindAmaxTableCollapse(const std::vector<std::string>& lines) {
  for (size_t h = 0; h < lines.size(); ++h) {
    const std::string& head = lines[h];
    if (head.size() > 400 || (head.find("amax") == std::string::npos && head.find("AMAX") == std::string::npos)) {
      continue;
    }
    const bool piped = head.find('|') != std::string::npos;
    const std::vector<std::string> names = Cells(head, piped);
    int amax = -1, scale = -1;
    bool header = names.size() >= 2;
    for (size_t k = 0; k < names.size() && header; ++k) {
      std::string low;
      for (char ch : names[k]) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      if (CellNumber(names[k])) header = false;  // a row of numbers is no header
      if (low.find("amax") != std::string::npos && amax < 0) amax = static_cast<int>(k);
      else if (low.rfind("scale", 0) == 0 && low.find("inv") == std::string::npos && scale < 0) scale = static_cast<int>(k);
    }
    if (!header || amax < 0) continue;
    bool finite_amax = false, positive_scale = false;
    std::string amax_before, scale_before;
    for (size_t r = h + 1; r < lines.size() && r <= h + 200; ++r) {
      const std::vector<std::string> cells = Cells(lines[r], piped);
      if (cells.size() != names.size()) break;  // the table ended
      std::optional<double> a = CellNumber(cells[amax]);
      if (!a) break;
      double sv = -1;  // the scale's reading, -1 when the table has none or the cell is no number
      if (scale >= 0) {
        if (std::optional<double> s = CellNumber(cells[scale])) sv = *s;
      }
      const bool amax_lost = !std::isfinite(*a) && finite_amax;
      const bool scale_lost = sv == 0 && positive_scale;
      if (amax_lost || scale_lost) {
        AmaxTableCollapse out;
        out.found = true;
        out.line = r;
        if (amax_lost) out.what = names[amax] + " " + amax_before + " -> " + cells[amax];
        if (scale_lost) {
          if (!out.what.empty()) out.what += "; ";
          out.what += names[scale] + " " + scale_before + " -> " + cells[scale];
        }
        return out;
      }
      if (std::isfinite(*a)) {
        finite_amax = true;
        amax_before = cells[amax];
      }
      if (std::isfinite(sv) && sv > 0) {
        positive_scale = true;
        scale_before = cells[scale];
      }
    }
  }
  return {};
}

bool GradNormClimbsBeforeNan(const std::vector<std::string>& lines) {
  // The key with ':' / '=' or a blank before the value ("grad_norm 0.88" in a '|'-separated step line).
  static const std::regex kGradNorm(
      R"((?:^|[^a-z0-9_])(?:[a-z0-9]+[_/])*grad[ _]norm['"]?\s*[:=]?\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)))",
      std::regex::icase);
  static const std::regex kNanLoss(R"((?:^|[^a-z0-9_])(?:[a-z0-9]+[_/])*loss['"]?\s*[:=]?\s*[-+]?(?:nan|inf)\b)",
                                   std::regex::icase);
  std::vector<double> norms;
  for (const std::string& t : lines) {
    if (t.size() > 4000) continue;
    if (t.find("oss") != std::string::npos && std::regex_search(t, kNanLoss)) break;
    if (t.find("norm") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(t, m, kGradNorm)) continue;
    const double v = std::strtod(m.str(1).c_str(), nullptr);
    if (!std::isfinite(v)) break;
    if (v >= 0) norms.push_back(v);
  }
  if (norms.size() > 10) norms.erase(norms.begin(), norms.end() - 10);
  if (norms.size() < 2) return false;
  auto [mn, mx] = std::minmax_element(norms.begin(), norms.end());
  if (*mx <= 2 * *mn) return false;
  if (norms.size() < 3) return true;
  std::tie(mn, mx) = std::minmax_element(norms.begin(), norms.end() - 1);
  return *mx > 2 * *mn;
}

}  // namespace vigil
