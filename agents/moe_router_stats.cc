#include "agents/moe_router_stats.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <string>

#include "core/ascii.h"

namespace vigil {
namespace {

constexpr const char* kNum = R"(([0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)%?)";

std::optional<double> Ratio(const std::string& a, const std::string& b) {
  const double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
  if (!std::isfinite(x) || !std::isfinite(y) || !(y > 0) || x < 0) return std::nullopt;
  return x / y;
}

}  // namespace

std::optional<double> MoeMaxOverMean(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  const std::string t = AsciiLower(line);
  if (t.find("expert") == std::string::npos && t.find("moe") == std::string::npos &&
      t.find("router") == std::string::npos && t.find("exp_counts") == std::string::npos) {
    return std::nullopt;
  }
  std::smatch m;
  // A list of per-expert counts ("tokens per expert [2101, 2180, ...]") is read by the reasoner's own
  // reader (series and the hot expert, ReadMoeRouting), whatever ratio the line also prints.
  static const std::regex kList(R"(\[\s*[0-9]+(?:\s*,\s*[0-9]+)+\s*\])");
  if (std::regex_search(t, m, kList)) return std::nullopt;
  // A ratio stated as such: "max/mean = 17.5", "(max/mean) 18.0", "max/mean: 6.2".
  static const std::regex kStated(std::string(R"(\bmax\s*/\s*mean\)?\s*[:=]?\s*)") + kNum);
  if (std::regex_search(t, m, kStated)) return std::strtod(m.str(1).c_str(), nullptr);
  // ... with what is counted between the ratio's name and its value, when that names experts or
  // tokens (RG19): "max/mean tokens per expert 14.2", "max/mean load per expert: 6.1", "max/mean
  // expert load = 9.0"; not "max/mean bytes per rank 7.9" (an all-to-all's bytes per rank).
  static const std::regex kStatedOf(std::string(R"(\bmax\s*/\s*mean\s+((?:[a-z_]+\s+){0,3}[a-z_]+)\s*[:=]?\s*)") + kNum);
  if (std::regex_search(t, m, kStatedOf) &&
      (m.str(1).find("expert") != std::string::npos || m.str(1).find("token") != std::string::npos)) {
    return std::strtod(m.str(2).c_str(), nullptr);
  }
  // "max A ... mean B" / "max A ... median B" (the reference after the max, within the line).
  static const std::regex kMaxRef(std::string(R"(\bmax\s*[:=]?\s*)") + kNum +
                                  R"([^|;]{0,120}?\b(mean|median|avg|average)\s*[:=]?\s*)" + kNum);
  if (std::regex_search(t, m, kMaxRef)) return Ratio(m.str(1), m.str(3));
  // "e7=31.0 e41=24.0 median=0.90": the largest per-expert value over the median or mean.
  // Also with a space for the separator (PLC42, realistic40 rl40-23: Megatron's "[moe] tokens per
  // expert (...): e40 10.1 | e41 9.6 | ... | median 0.96").
  static const std::regex kRef(std::string(R"(\b(mean|median|avg)(?:\s*[:=]\s*|\s+))") + kNum);
  if (std::regex_search(t, m, kRef)) {
    const std::string ref = m.str(2);
    static const std::regex kExpertValue(std::string(R"(\be(?:xpert)?[_ ]?[0-9]{1,4}(?:\s*[:=]\s*|\s+))") + kNum);
    double best = -1;
    for (auto it = std::sregex_iterator(t.begin(), t.end(), kExpertValue); it != std::sregex_iterator(); ++it) {
      best = std::max(best, std::strtod((*it)[1].str().c_str(), nullptr));
    }
    if (best >= 0) return Ratio(std::to_string(best), ref);
  }
  // PLC79 (realistic68 rl68-25, seen): the busiest expert's load stated as a multiple of the capacity
  // ("max expert load 19.70 x capacity", "max load 3.1x capacity"): the capacity is at least the even
  // share, so the multiple is at most max / mean.
  static const std::regex kTimesCapacity(std::string(R"(\bmax\b(?:\s+[a-z_/]+){0,3}\s*[:=]?\s*)") + kNum +
                                         R"(\s*(?:x|\xc3\x97)\s*(?:the\s+)?(?:expert\s+)?capacity\b)");
  if (std::regex_search(t, m, kTimesCapacity)) return std::strtod(m.str(1).c_str(), nullptr);
  // DeepSpeed's "exp_counts max A min B (N experts, capacity C)".
  static const std::regex kCapacity(std::string(R"(\bmax\s*[:=]?\s*)") + kNum +
                                    R"([^|;]{0,80}?\bcapacity\s*[:=]?\s*)" + kNum);
  if (std::regex_search(t, m, kCapacity)) return Ratio(m.str(1), m.str(2));
  // PLC55 (realistic50 rl50-14): the busiest expert's share of the tokens, where the line states how
  // many experts share them: "tokens/expert (64 experts): max 0.318 (expert 17), min 0.0002". The
  // even share is 1 / N (a fraction) or 100 / N (a percent); a share above the whole is no share.
  static const std::regex kExperts(R"(\b([0-9]{1,4})\s+experts\b)");
  static const std::regex kShare(R"(\bmax\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)(%?))");
  std::smatch n;
  if (t.find("token") != std::string::npos && std::regex_search(t, n, kExperts) && std::regex_search(t, m, kShare)) {
    const double experts = std::strtod(n.str(1).c_str(), nullptr);
    const bool percent = !m.str(2).empty();
    const double share = std::strtod(m.str(1).c_str(), nullptr) / (percent ? 100.0 : 1.0);
    if (experts >= 2 && share > 0 && share <= 1 && (percent || m.str(1).find('.') != std::string::npos)) {
      return share * experts;
    }
  }
  return std::nullopt;
}

std::optional<int> MoeBusiestExpert(const std::string& line) {
  if (!MoeMaxOverMean(line)) return std::nullopt;
  const std::string t = AsciiLower(line);
  std::smatch m;
  static const std::regex kAfterMax(R"(\bmax\b[^|;()]{0,60}\(\s*(?:expert|e)\s*[#_]?([0-9]{1,4})\b)");
  if (std::regex_search(t, m, kAfterMax)) return std::stoi(m.str(1));
  static const std::regex kBusiest(R"(\b(?:busiest|hottest|most loaded|top)\s+expert\s*[:=#]?\s*([0-9]{1,4})\b)");
  if (std::regex_search(t, m, kBusiest)) return std::stoi(m.str(1));
  static const std::regex kExpertValue(std::string(R"(\be(?:xpert)?[_ ]?([0-9]{1,4})(?:\s*[:=]\s*|\s+))") + kNum);
  int best = -1;
  double most = -1;
  for (auto it = std::sregex_iterator(t.begin(), t.end(), kExpertValue); it != std::sregex_iterator(); ++it) {
    const double v = std::strtod((*it)[2].str().c_str(), nullptr);
    if (v > most) {
      most = v;
      best = std::stoi((*it)[1].str());
    }
  }
  if (best >= 0) return best;
  return std::nullopt;
}

MoeArgs MoeParallelArgs(const std::string& line) {
  MoeArgs out;
  if (line.size() > 4000) return out;
  std::string t = AsciiLower(line);
  if (t.find("expert") == std::string::npos && t.find("ep_size") == std::string::npos &&
      t.find("parallel") == std::string::npos && t.find("ep-size") == std::string::npos) {
    return out;
  }
  // Hyphens inside a name ("--num-experts") read as underscores; a leading "--" stays a separator.
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == '-' && std::isalpha(static_cast<unsigned char>(t[i - 1])) && std::isalpha(static_cast<unsigned char>(t[i + 1]))) {
      t[i] = '_';
    }
  }
  static const std::regex kArg(
      R"re((?:^|[^\w])(num_experts|num_moe_experts|expert_model_parallel_size|ep_size|moe_expert_parallel_size|)re"
      R"re(tensor_model_parallel_size)(?![\w])['"]?\s*(?:\.{2,}|[:=])?\s*([0-9]{1,5})(?![\w.]))re");
  for (auto it = std::sregex_iterator(t.begin(), t.end(), kArg); it != std::sregex_iterator(); ++it) {
    const int v = std::stoi((*it)[2].str());
    const std::string k = (*it)[1].str();
    if (k == "num_experts" || k == "num_moe_experts") out.num_experts = v;
    else if (k == "tensor_model_parallel_size") out.tensor_parallel = v;
    else out.expert_parallel = v;
  }
  return out;
}

}  // namespace vigil
