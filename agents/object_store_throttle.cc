#include "agents/object_store_throttle.h"

#include <regex>

#include "agents/object_store.h"

namespace vigil {

bool StatesObjectStoreWriteThrottled(const std::string& line) {
  if (line.size() > 4000) return false;
  if (line.find("Busy") == std::string::npos && line.find("busy") == std::string::npos &&
      line.find("TimedOut") == std::string::npos && line.find("ateLimitExceeded") == std::string::npos &&
      line.find("rate of change") == std::string::npos) {
    return false;
  }
  static const std::regex kAzure(
      R"(\bServer ?Busy\b[^\n]{0,120}(?:\bover the account limit\b|\b[Tt]he server is busy\b)|)"
      R"(\b503\b[^\n]{0,40}\bServer ?Busy\b|\bServerBusy\b[^\n]{0,40}\b503\b|)"
      R"(\bOperationTimedOut\b[^\n]{0,120}(?:\b50[03]\b|within the permitted time)|\b50[03]\b[^\n]{0,60}\bOperationTimedOut\b)");
  static const std::regex kGcs(
      R"(\b(?:429|503)\b[^\n]{0,160}\b(?:rateLimitExceeded|userRateLimitExceeded|rate of change requests)\b|)"
      R"(\b(?:rateLimitExceeded|userRateLimitExceeded)\b[^\n]{0,80}\b(?:429|503)\b)");
  if (!std::regex_search(line, kAzure) && !std::regex_search(line, kGcs)) return false;
  if (!NamesObjectStore(line) && line.find("gcsfuse") == std::string::npos &&
      line.find("googleapi") == std::string::npos && line.find("ServerBusy") == std::string::npos &&
      line.find("OperationTimedOut") == std::string::npos) {
    return false;  // a generic 429 / 503 of some other service
  }
  static const std::regex kWrite(
      R"(\b(?:PUT|POST|PATCH)\b|StageBlock|PutBlock|CommitBlockList|PutObject|UploadPart|[Uu]pload|[Ww]rit(?:e|ing)\b|)"
      R"([Ss]av(?:e|ing)\b|[Ff]lush)");
  return std::regex_search(line, kWrite);
}

std::optional<std::vector<size_t>> FindObjectStoreWriteThrottle(const std::vector<std::string>& lines) {
  std::vector<size_t> hits;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (StatesObjectStoreWriteThrottled(lines[i])) hits.push_back(i);
  }
  if (hits.size() < 2) return std::nullopt;
  return hits;
}

}  // namespace vigil
