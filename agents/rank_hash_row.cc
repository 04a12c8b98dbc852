#include "agents/rank_hash_row.h"

#include <iterator>
#include <map>
#include <regex>

#include "core/ascii.h"

namespace vigil {

namespace {

constexpr size_t kHeaderLinesAbove = 2;

bool NamesDigest(const std::string& line) {
  static const std::regex kDigest(R"(\b(?:checksums?|hash(?:es)?|digests?|sha\d*|md5|crc\d*)\b)", std::regex::icase);
  return line.size() <= 4000 && std::regex_search(line, kDigest);
}

}  // namespace

std::optional<ReplicaChecksumOdd> FindRankHashRowOdd(const std::vector<std::string>& lines) {
  static const std::regex kPair(R"((?:^|[\s,;|])(\d{1,6})\s*[:=]\s*((?:0x)?[0-9a-fA-F]{8,64})(?=$|[\s,;|]))");
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000) continue;
    std::map<std::string, std::vector<int>> by_value;  // value -> ranks printing it
    size_t pairs = 0;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kPair); it != std::sregex_iterator(); ++it) {
      std::string v = AsciiLower((*it)[2].str());
      if (v.rfind("0x", 0) == 0) v = v.substr(2);
      by_value[v].push_back(std::stoi((*it)[1].str()));
      ++pairs;
    }
    if (pairs < 3 || by_value.size() != 2) continue;
    bool header = NamesDigest(line);
    for (size_t k = 1; !header && k <= kHeaderLinesAbove && k <= i; ++k) header = NamesDigest(lines[i - k]);
    if (!header) continue;
    const auto& a = *by_value.begin();
    const auto& b = *std::next(by_value.begin());
    const auto* odd = a.second.size() == 1 && b.second.size() >= 2 ? &a : b.second.size() == 1 && a.second.size() >= 2 ? &b : nullptr;
    if (odd == nullptr) continue;
    ReplicaChecksumOdd r;
    r.rank = odd->second.front();
    r.line = i;
    r.agreeing = (odd == &a ? b : a).second.size();
    r.iterations = 1;
    return r;
  }
  return std::nullopt;
}

}  // namespace vigil
