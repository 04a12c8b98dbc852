#include "agents/rerun_check.h"

#include <regex>

#include "core/ascii.h"

namespace vigil {

std::optional<int> RankFaultyByRerun(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  const std::string lower = AsciiLower(line);
  if (lower.find("specific to") == std::string::npos) return std::nullopt;
  // The verdict must rest on the check: a hardware fault named, or the rerun that showed it.
  if (lower.find("hardware") == std::string::npos && lower.find("rerun") == std::string::npos &&
      lower.find("reproduc") == std::string::npos) {
    return std::nullopt;
  }
  // "not specific to rank N" / "transient" clear the rank.
  static const std::regex kSpecific(R"((?:^|[^a-z])(not\s+)?(?:persistent\s+and\s+)?specific\s+to\s+rank\s+(\d{1,7})\b)");
  std::smatch m;
  if (!std::regex_search(lower, m, kSpecific) || m[1].matched) return std::nullopt;
  if (lower.find("transient") != std::string::npos) return std::nullopt;
  return std::stoi(m.str(2));
}


bool Fp8OffRerunFinite(const std::string& line) {
  if (line.size() > 4000) return false;
  const std::string lower = AsciiLower(line);
  static const std::regex kRerun(R"(\b(?:re-?ran|re-?run\w*|replay\w*|repeat\w*|repro\w*|retr(?:y|ied)|recomput\w*)\b)");
  if (!std::regex_search(lower, kRerun)) return false;
  // FP8 turned off for the rerun: a higher precision named as the rerun's, or FP8 said off.
  static const std::regex kFp8Off(
      R"(\b(?:fp8|float8)(?:_enabled|_autocast)?\s*(?:[:=]\s*)?(?:disabled|off|false|0)\b|)"
      R"(\b(?:without|no)[- ](?:fp8|float8)\b|--no-fp8\b|)"
      R"(\b(?:in|with|under|as|using)\s+(?:pure\s+)?(?:bf16|bfloat16|fp16|float16|fp32|float32)\b|)"
      R"(\b(?:bf16|bfloat16|fp16|fp32)[- ](?:only|precision|autocast|rerun|re-run|replay)\b)");
  if (!std::regex_search(lower, kFp8Off)) return false;
  // A rerun that went bad too is no evidence for FP8; "non-finite" / "not finite" / "infinite" are bad.
  // ("no NaN" says the opposite: read without it).
  static const std::regex kNoNan(R"(\bno\s+nans?\b)");
  const bool no_nan = std::regex_search(lower, kNoNan);
  static const std::regex kBad(R"(\b(?:nan|inf|infinite|non-?finite|not\s+finite|diverg\w*|overflow\w*)\b)");
  if (std::regex_search(std::regex_replace(lower, kNoNan, " "), kBad)) return false;
  if (no_nan) return true;
  // Its result finite: said so, or a loss printed as a number.
  static const std::regex kFinite(R"(\bfinite\b|\b(?:lm[ _])?loss\s*(?:[:=]\s*|\s)[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?\b)");
  return std::regex_search(lower, kFinite);
}

}  // namespace vigil
