#include "agents/quota_denied_pod.h"

#include <regex>

#include "core/parse.h"

namespace vigil {
namespace {

// "N ... M" read as two integers, true when N < M.
bool Short(const std::smatch& m) {
  const std::optional<int32_t> n = ParseInt32(m.str(1));
  const std::optional<int32_t> of = ParseInt32(m.str(2));
  return n && of && *n < *of;
}

}  // namespace

bool StatesQuotaDenied(const std::string& line) {
  if (line.size() > 4000 || line.find("quota") == std::string::npos) return false;
  static const std::regex kQuota(R"(\bforbidden:\s*exceeded quota\b|\bexceeded quota:\s*[\w.-]+,\s*requested:)");
  return std::regex_search(line, kQuota);
}

bool StatesWorldNotReached(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kTimeout(R"(\bRendezvousTimeoutError\b|\brendezvous\b.{0,80}\btimed out\b)", std::regex::icase);
  static const std::regex kWaiting(R"(\bwaiting:\s*(\d{1,7}) of min (\d{1,7})\b)");
  static const std::regex kParticipants(R"(\b(\d{1,7}) participants,\s*min_nodes=(\d{1,7})\b)");
  static const std::regex kReplicas(R"(\b(\d{1,7})\s*/\s*(\d{1,7}) replicas created\b)");
  if (std::regex_search(line, kTimeout)) return true;
  std::smatch m;
  for (const std::regex* re : {&kWaiting, &kParticipants, &kReplicas}) {
    if (std::regex_search(line, m, *re) && Short(m)) return true;
  }
  return false;
}

std::optional<QuotaDeniedWorker> FindQuotaDeniedWorker(const std::vector<std::string>& lines) {
  std::optional<size_t> quota, wait;
  for (size_t i = 0; i < lines.size() && !(quota && wait); ++i) {
    if (!quota && StatesQuotaDenied(lines[i])) quota = i;
    if (!wait && StatesWorldNotReached(lines[i])) wait = i;
  }
  if (!quota || !wait) return std::nullopt;
  return QuotaDeniedWorker{*quota, *wait};
}

bool StatesStoreWaitFailure(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kStore(
      R"(\[c10d\].{0,120}\bfailed to connect to\b|\bDistStoreError\b|\bRendezvousTimeoutError\b|\bstore\b.{0,80}\b(?:timed out|timeout)\b)",
      std::regex::icase);
  return std::regex_search(line, kStore);
}

}  // namespace vigil
