#include "agents/compute_wait.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>
#include <utility>

#include "agents/upper_median.h"

namespace vigil {

namespace {
double Seconds(const std::string& value, const std::string& unit) {
  const double v = std::strtod(value.c_str(), nullptr);
  return unit == "ms" ? v / 1e3 : v;
}
}  // namespace

std::optional<ComputeWaitStraggler> FindComputeWaitStraggler(const std::vector<std::string>& lines) {
  static const std::regex kRank(R"(\brank\s*[:=#]?\s*(\d{1,6})\b)", std::regex::icase);
  static const std::regex kCompute(
      R"(\b(?:fwd\s*[+_/-]?\s*bwd|forward\s*[+_/-]?\s*backward|compute(?:[ _-]?time)?)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|s)\b)",
      std::regex::icase);
  static const std::regex kWait(
      R"(\b(?:all[ _-]?reduce|all[ _-]?gather|reduce[ _-]?scatter|collective|comm|nccl)[ _-]?wait\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|s)\b)",
      std::regex::icase);
  constexpr size_t kMaxLines = 20000;
  std::map<int, std::pair<std::vector<double>, std::vector<double>>> per_rank;  // compute, wait
  std::map<int, size_t> first_line;
  for (size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
    const std::string& text = lines[i];
    if (text.size() > 500 || text.find("wait") == std::string::npos) continue;
    std::smatch r, c, w;
    if (!std::regex_search(text, r, kRank) ||
        std::distance(std::sregex_iterator(text.begin(), text.end(), kRank), std::sregex_iterator()) != 1 ||
        !std::regex_search(text, c, kCompute) || !std::regex_search(text, w, kWait)) {
      continue;
    }
    const int rank = std::atoi(r.str(1).c_str());
    per_rank[rank].first.push_back(Seconds(c.str(1), c.str(2)));
    per_rank[rank].second.push_back(Seconds(w.str(1), w.str(2)));
    first_line.emplace(rank, i);
  }
  if (per_rank.size() < 2) return std::nullopt;
  std::optional<ComputeWaitStraggler> slow;
  std::vector<double> others_compute, others_wait;
  for (const auto& [rank, v] : per_rank) {
    const double compute = UpperMedian(v.first);
    if (!slow || compute > slow->compute_s) {
      if (slow) {
        others_compute.push_back(slow->compute_s);
        others_wait.push_back(slow->wait_s);
      }
      slow = ComputeWaitStraggler{rank, compute, 0, UpperMedian(v.second), 0, per_rank.size(), first_line[rank]};
    } else {
      others_compute.push_back(compute);
      others_wait.push_back(UpperMedian(v.second));
    }
  }
  slow->peers_compute_s = UpperMedian(others_compute);
  slow->peers_wait_s = UpperMedian(others_wait);
  const double max_other = *std::max_element(others_compute.begin(), others_compute.end());
  const double min_other = *std::min_element(others_compute.begin(), others_compute.end());
  const double min_wait = *std::min_element(others_wait.begin(), others_wait.end());
  if (!(slow->peers_compute_s > 0) || slow->compute_s < 1.25 * max_other || max_other > 1.10 * slow->peers_compute_s ||
      min_other * 1.10 < slow->peers_compute_s || slow->wait_s > 0.25 * min_wait ||
      slow->peers_wait_s < 0.5 * (slow->compute_s - slow->peers_compute_s)) {
    return std::nullopt;
  }
  return slow;
}

}  // namespace vigil
