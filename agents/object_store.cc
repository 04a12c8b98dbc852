#include "agents/object_store.h"

#include <regex>
#include <string>

namespace vigil {

bool NamesObjectStore(std::string_view line) {
  if (line.size() > 4000) return false;
  static const std::regex kStore(
      R"(\b(s3|gs|gcs|az|abfss?|oss|cos)://|\b(botocore|boto3|s3transfer)\b|Read timeout on endpoint URL|)"
      R"(\b(PutObject|GetObject|UploadPart|CreateMultipartUpload|CompleteMultipartUpload)\b|\bSlowDown\b|[?&]uploadId=|)"
      // Azure Blob (PLC65, realistic57 rl57-29): the account's endpoint, its FUSE mount and copy tool,
      // the Blob REST operations they log, the throttling code; GCS's endpoint.
      R"(\.blob\.core\.windows\.net\b|\b(blobfuse2?|azcopy)\b|\bBlockBlob::|\b(StageBlock|CommitBlockList|PutBlock|PutBlockList)\b|)"
      R"(\bServerBusy\b|\bstorage\.googleapis\.com\b)");
  const std::string s(line);
  return std::regex_search(s, kStore);
}

}  // namespace vigil
