#include "agents/replica_checksum_lines.h"

#include <map>
#include <regex>
#include <set>
#include <utility>

namespace vigil {

std::optional<ReplicaChecksumOdd> FindReplicaChecksumOdd(const std::vector<std::string>& lines) {
  static const std::regex kRank(R"(\brank\s*[=:#]?\s*(\d{1,6})\b)", std::regex::icase);
  static const std::regex kIter(R"(\b(?:iter|iteration|step)\s*[=:#]?\s*(\d{1,12})\b)", std::regex::icase);
  static const std::regex kValue(
      R"(\b(?:checksum|hash|digest)\b[^|;]{0,40}?\b(0x[0-9a-fA-F]{4,}|[0-9a-f]{8,})\b)", std::regex::icase);
  struct Seen {
    std::string value;
    size_t line;
  };
  std::map<long long, std::map<int, Seen>> by_iter;  // iteration -> rank -> its value
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& s = lines[i];
    if (s.size() > 2000 || s.find("ank") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(s, m, kValue)) continue;
    const std::string value = m.str(1);
    std::set<int> ranks;
    int rank = -1;
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kRank); it != std::sregex_iterator(); ++it) {
      rank = std::stoi(it->str(1));
      ranks.insert(rank);
    }
    if (ranks.size() != 1 || !std::regex_search(s, m, kIter)) continue;
    const long long iter = std::stoll(m.str(1));
    by_iter[iter].emplace(rank, Seen{value, i});
  }
  std::optional<ReplicaChecksumOdd> out;
  for (const auto& [iter, ranks] : by_iter) {
    if (ranks.size() < 3) continue;
    std::map<std::string, std::vector<int>> holders;
    for (const auto& [rank, seen] : ranks) holders[seen.value].push_back(rank);
    if (holders.size() != 2) continue;
    const auto lone = holders.begin()->second.size() == 1 ? holders.begin() : std::next(holders.begin());
    const auto rest = lone == holders.begin() ? std::next(holders.begin()) : holders.begin();
    if (lone->second.size() != 1 || rest->second.size() < 2) continue;
    const int rank = lone->second.front();
    if (out && out->rank != rank) return std::nullopt;  // two ranks odd: no one GPU
    if (!out) {
      out = ReplicaChecksumOdd{rank, ranks.at(rank).line, iter, rest->second.size(), 0};
    }
    ++out->iterations;
  }
  return out;
}

std::optional<ReplicaChecksumOdd> FindStatedReplicaOdd(const std::vector<std::string>& lines) {
  // "rank 3014 sha1=9a3c41d0 vs 31 other replicas sha1=51e2f7aa", "rank=77 checksum 0x1f2e... vs 7 other ranks".
  // The rank nearest the value: no other "rank" between ("[rank0]: DP group 5: rank 13 sha1=..." is 13).
  static const std::regex kOdd(
      R"(\brank\s*[=:#]?\s*(\d{1,6})\b(?:(?!rank)[^|;]){0,40}?\b(?:sha1|sha256|md5|crc32|checksum|hash|digest)\b\s*[=:]?\s*(?:0x)?[0-9a-fA-F]{6,}\b\s*,?\s*(?:vs\.?|versus|while)\s+(?:the\s+)?(\d{1,6})\s+other\s+(?:replicas|ranks|DP ranks)\b)",
      std::regex::icase);
  static const std::regex kIter(R"(\b(?:iter|iteration|step)\s*[=:#]?\s*(\d{1,12})\b)", std::regex::icase);
  std::optional<ReplicaChecksumOdd> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& s = lines[i];
    if (s.size() > 2000 || s.find("other") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(s, m, kOdd)) continue;
    const int rank = std::stoi(m.str(1));
    const size_t others = static_cast<size_t>(std::stoul(m.str(2)));
    if (others < 2) continue;
    if (out && out->rank != rank) return std::nullopt;  // two ranks named odd: no one culprit
    if (!out) {
      out = ReplicaChecksumOdd{};
      out->rank = rank;
      out->line = i;
      out->agreeing = others;
      std::smatch it;
      // The check's iteration: on the line, else on the line before it (the check's header).
      if (std::regex_search(s, it, kIter) || (i > 0 && std::regex_search(lines[i - 1], it, kIter))) {
        out->iteration = std::stoll(it.str(1));
      }
    }
    ++out->iterations;
  }
  return out;
}

}  // namespace vigil
