// An object store's throttling answer to the job's checkpoint writes (PLC71, realistic57 rl57-29, seen).
// A checkpoint saved to a bucket / storage account is written by many ranks (or one FUSE mount) at
// once; past the account's or bucket's rate the store refuses the writes with a "busy, slow down"
// answer, the client retries, the save stalls, and the ranks that finished wait for it in the next
// collective until the watchdog fires. The job's storage is the fault (storage_failure, the job: a
// bucket is every node's), not the collective that timed out while waiting.
// Read here (the line must also name the store: object_store.h's NamesObjectStore, gcsfuse or Google's
// `googleapi` client, or hold Azure's own codes ServerBusy / OperationTimedOut):
//   - Azure Storage: `ServerBusy` ("503 Server Busy", "Ingress / Egress is over the account limit",
//     "The server is busy"), `OperationTimedOut` with a 500 / 503 or "within the permitted time";
//   - GCS: 429 / 503 with `rateLimitExceeded` / `userRateLimitExceeded` / "rate of change requests";
// on a write (PUT, POST, StageBlock, PutBlock(List), CommitBlockList, an upload, a write, a save, a
// flush) - a read's throttling (GET, a download, a load) is not the save's. S3's `503 SlowDown` on a
// PUT is the knowledge pack's entry (pack-storage-object-store-write-throttled) and is not read again
// here. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether `line` is Azure Storage's or GCS's throttling answer to a write (the list above). Lines over
// 4000 bytes are not read.
bool StatesObjectStoreWriteThrottled(const std::string& line);

// The throttled-write lines of `lines`, in order, when there are two or more (a retried write, two
// shards); nullopt otherwise (one busy answer a retry absorbed is no failed save).
std::optional<std::vector<size_t>> FindObjectStoreWriteThrottle(const std::vector<std::string>& lines);

}  // namespace vigil
