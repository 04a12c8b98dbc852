#include "agents/batch_layout_check.h"

#include <regex>

namespace vigil {

std::optional<size_t> FindBatchLayoutCheck(const std::vector<std::string>& lines) {
  // A size of the batch or of the layout ...
  static const std::regex kSize(
      R"(\b(?:(?:global|micro|train|training|mini)[ _-]?batch[ _-]?size|batch[ _-]size|world[ _-]?size|)"
      R"((?:data|tensor|pipeline|context|expert|sequence)[ _-](?:model[ _-])?parallel(?:[ _-]size)?|(?:dp|tp|pp|cp|ep)[ _-]size)\b)",
      std::regex::icase);
  // ... not fitting another.
  static const std::regex kNotFit(
      R"(\b(?:is not|isn't|not|must be|should be|has to be|needs to be)\s+(?:evenly\s+)?(?:divisible by|a multiple of)\b|)"
      R"(\btrain_batch_size is not equal to micro_batch_per_gpu)",
      std::regex::icase);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000) continue;
    std::smatch fit;
    if (!std::regex_search(line, fit, kNotFit)) continue;
    // A size named before the verdict (its subject) and one after it (what it must divide by).
    const std::string before = fit.prefix().str(), after = fit.suffix().str();
    const bool deepspeed = fit.str(0).find("train_batch_size") != std::string::npos;
    if (deepspeed || (std::regex_search(before, kSize) && std::regex_search(after, kSize))) return i;
  }
  return std::nullopt;
}

}  // namespace vigil
