// Whether a line is about an object store (S3, Ceph RGW, MinIO, GCS, Azure Blob) rather than a file
// system (RG20, realistic18 rl18-20). A bucket is shared by every node of the job, like an NFS export
// or a Lustre file system: a checkpoint upload that the store throttles (503 SlowDown) or lets time
// out fails on many ranks at once and is the job's storage, not the node of the first rank printed.
//
// A line names an object store when it holds one of: a bucket URL (s3://, gs://, gcs://, az://,
// abfs(s)://, oss://, cos://); the AWS SDK's names (botocore, boto3, s3transfer, its `Read timeout on
// endpoint URL`); an S3 operation (PutObject, GetObject, UploadPart, Create/CompleteMultipartUpload);
// S3's throttling code `SlowDown`; a multipart upload's `uploadId=` query. PLC65 (realistic57 rl57-29,
// seen): Azure Blob's names too - an account endpoint `*.blob.core.windows.net`, blobfuse / blobfuse2 (the
// FUSE mount) and azcopy, the Blob operations they log (BlockBlob::, StageBlock, PutBlock(List),
// CommitBlockList), Azure Storage's throttling code `ServerBusy` - and GCS's `storage.googleapis.com`.
//
// Thread safety: pure function.
#pragma once

#include <string_view>

namespace vigil {

bool NamesObjectStore(std::string_view line);

}  // namespace vigil
