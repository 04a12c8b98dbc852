// Round-7 tests of the built-in reasoner: the scope of a storage failure (a shared file system is
// the job's, a local disk the node's) and at most one intrusive probe per GPU per wave.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"

namespace vigil {
namespace {

TEST_CASE("round 7: storage lines naming a shared file system scope the failure to the job") {
  // Shared / network file systems, as the kernel, the client and the training code word them.
  CHECK(NamesSharedStorage({"nfs: server fs-01 not responding, still trying"}));
  CHECK(NamesSharedStorage({"LustreError: 11-0: scratch-OST0004-osc: operation ost_read failed: rc = -107"}));
  CHECK(NamesSharedStorage({"OSError: [Errno 5] Input/output error: '/mnt/shared/ckpt/step_4000/model.pt'"}));
  CHECK(NamesSharedStorage({"mmfs: GPFS: file system gpfs0 unmounted"}));
  CHECK(NamesSharedStorage({"beegfs: Communication error with storage server"}));
  CHECK(NamesSharedStorage({"OSError: [Errno 116] Stale file handle: '/data/shards/part-0041'"}));
  // Node-local devices and mounts.
  CHECK_FALSE(NamesSharedStorage({"EXT4-fs error (device nvme1n1p1): ext4_journal_check_start: Detected aborted journal"}));
  CHECK_FALSE(NamesSharedStorage({"blk_update_request: I/O error, dev sdb, sector 123456"}));
  CHECK_FALSE(NamesSharedStorage({"OSError: [Errno 28] No space left on device: '/local_scratch/cache/shard.bin'"}));
  CHECK_FALSE(NamesSharedStorage({"OSError: [Errno 30] Read-only file system: '/raid/ckpt'"}));
  // Nothing about where: not shared (the node stays the component).
  CHECK_FALSE(NamesSharedStorage({"OSError: [Errno 5] Input/output error"}));
  CHECK_FALSE(NamesSharedStorage({}));
  // Both named: the majority decides (a local cache in front of an NFS dataset failing locally).
  CHECK_FALSE(NamesSharedStorage({"nvme0n1: I/O 812 QID 5 timeout, aborting", "EXT4-fs error (device nvme0n1)",
                                  "copy from /mnt/nfs/dataset to local cache failed"}));
  CHECK(NamesSharedStorage({"nfs: server fs-01 not responding, still trying", "nfs: server fs-01 not responding, timed out",
                            "reading /local/cache/idx failed"}));
  // One client evicted by a Lustre server: that node, even next to a failed read on the shared path.
  CHECK_FALSE(NamesSharedStorage({"OSError: [Errno 5] Input/output error: '/lustre/ckpt/step_42000/model_00.pt'",
                                  "LustreError: 167-0: scratch-OST0012-osc: This client was evicted by scratch-OST0012"}));
  // Words that only look alike.
  CHECK_FALSE(NamesSharedStorage({"conf.nfsv_retry=3 loaded", "rank 3 shared memory segment /dev/shm/nccl-abc"}));
}

}  // namespace
}  // namespace vigil
