#include "agents/nccl_versions.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "core/ascii.h"

namespace vigil {

std::optional<MixedNcclVersions> FindMixedNcclVersions(const std::vector<std::string>& lines) {
  static const std::regex kVersion(R"(\bNCCL (?:version )?v?(\d{1,2}\.\d{1,3}\.\d{1,3})\b)");
  static const std::regex kHost(R"(^\s*([A-Za-z][A-Za-z0-9._-]*):\d+:\d+ \[\d+\] NCCL INFO )");
  // A launcher's listing of its pods: "[TIME ]POD (NODE) ... NCCL 2.20.5" (PLC34).
  static const std::regex kPodNode(R"(^\s*(?:\d{4}-\d\d-\d\dT\S+\s+)?[A-Za-z][A-Za-z0-9._-]* \(([A-Za-z][A-Za-z0-9._-]*)\) )");
  // PyTorch's rank prefix, after a shipper's time stamp and pod name where there are (PLC34).
  static const std::regex kRank(R"(^\s*(?:\d{4}-\d\d-\d\dT\S+\s+)?(?:[A-Za-z][A-Za-z0-9._-]*:\s*)?\[rank(\d{1,6})\]:)");
  std::map<std::string, std::set<std::string>> by_writer;
  std::vector<std::string> order;
  std::map<std::string, size_t> first_of;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000 || line.find("NCCL ") == std::string::npos) continue;
    std::smatch v, w;
    if (!std::regex_search(line, v, kVersion)) continue;
    std::string writer;
    if (std::regex_search(line, w, kHost)) {
      writer = "host " + w.str(1);
    } else if (std::regex_search(line, w, kPodNode)) {
      writer = "host " + w.str(1);
    } else if (std::regex_search(line, w, kRank)) {
      writer = "rank " + w.str(1);
    } else {
      continue;
    }
    const std::string version = v.str(1);
    by_writer[writer].insert(version);
    if (!first_of.count(version)) {
      first_of[version] = i;
      order.push_back(version);
    }
  }
  if (order.size() < 2) return std::nullopt;
  for (const auto& [writer, versions] : by_writer) {
    if (versions.size() > 1) return std::nullopt;  // one writer, two versions: an upgrade between runs
  }
  MixedNcclVersions out;
  out.versions = order;
  out.writers = by_writer.size();
  out.first_line = first_of[order[1]];
  return out;
}

std::optional<NcclVersionMismatch> FindNcclVersionMismatch(const std::vector<std::string>& lines) {
  static const std::regex kPair(
      R"(mismatched nccl version detected\s*:?\s*rank\s*(\d{1,6})\s*(?:has\s+)?version\s*[:=]?\s*(\d{3,6})\s*[,;]?\s*)"
      R"(rank\s*(\d{1,6})\s*(?:has\s+)?version\s*[:=]?\s*(\d{3,6}))");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > 2000) continue;
    const std::string l = AsciiLower(lines[i]);
    if (l.find("mismatched nccl version") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(l, m, kPair)) continue;
    const int a = std::atoi(m.str(1).c_str()), b = std::atoi(m.str(3).c_str());
    const long va = std::strtol(m.str(2).c_str(), nullptr, 10), vb = std::strtol(m.str(4).c_str(), nullptr, 10);
    if (va == vb || a == b || (a != 0 && b != 0)) continue;
    NcclVersionMismatch out;
    out.line = i;
    out.odd_rank = a == 0 ? b : a;
    out.odd_version = a == 0 ? vb : va;
    out.ref_version = a == 0 ? va : vb;
    return out;
  }
  return std::nullopt;
}


}  // namespace vigil
