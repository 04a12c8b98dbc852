#include "agents/object_store.h"

#include <regex>
#include <string>

namespace vigil {

bool NamesObjectStore(std::string_view line) {
  if (line.size() > 4000) return false;
  static const std::regex kStore(
      R"(\b(s3|gs|gcs|az|abfss?|oss|cos)://|\b(botocore|boto3|s3transfer)\b|Read timeout on endpoint URL|)"
      R"(\b(PutObject|GetObject|UploadPart|CreateMultipartUpload|CompleteMultipartUpload)\b|\bSlowDown\b|[?&]uploadId=)");
  const std::string s(line);
  return std::regex_search(s, kStore);
}

}  // namespace vigil
