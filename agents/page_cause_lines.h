// Three small readers for a page with two things in it (PLC28, 2026-12-05: realistic32's blind
// misses rl32-13 and rl32-27). Pure functions, thread safe.
//
// - FirstRankAbortMs: when the job's processes began to stop. Utilisation that every GPU of a node
//   loses after that is the job being taken down (by whatever fault), not an input pipeline
//   starving it (rl32-13: a peer's IB port errors, the watchdog aborts at 19:01:40, the node's
//   GPUs at 0 % from 19:03, answered dataloader_stall 0.58).
// - LustreConnectBusy: a Lustre client's reconnect refused with EBUSY (-16) - the server still
//   tears down the client's old connection; the client retries and gets in. Routine, unlike a
//   write, read or connect that fails otherwise (rl32-27: one such line answered storage_failure
//   0.55 for data-loader workers out of file descriptors).
// - DataLoaderOutOfFiles: a data-loader worker that ran out of file descriptors (EMFILE): the
//   input pipeline itself failing (rl32-27).
// - StatesLocalBlockDeviceFailure: a node's kernel saying its own disk failed: a storage fault whose
//   evidence says so, and names a local device more than a shared file system, is that node's even
//   where a line of the case names a local path beside an export (rl32-15: "staging to
//   /local_nvme/..., upload to lustre:/vega/..." made the local staging path the export's; `job`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether a line states that a rank's process is being taken down: PyTorch's "Process group
// watchdog thread terminated with exception", "... we are taking the entire process down", torch
// elastic's "failed (exitcode: N)" / ChildFailedError, Slurm's "srun: error: NODE: task N: Exited
// with exit code N" / "task N: Killed". A warning that a collective is slow, or a timeout that the
// watchdog only reports, is not: the process may still run.
bool StatesRankAbort(const std::string& line);

// The earliest time (`times_ms[i]`, unix ms) of a line for which StatesRankAbort holds; lines
// whose time is `no_time` are skipped. nullopt when none.
std::optional<int64_t> FirstRankAbortMs(const std::vector<std::string>& lines, const std::vector<int64_t>& times_ms,
                                        int64_t no_time);

// Whether a utilisation series was still at its working level at `at_ms`: its last sample at or
// before `at_ms` is at least 0.8 x the median of its samples up to then (at least two of them, the
// median above 0). A GPU busy when the job was taken down lost its utilisation to the abort; one
// already idle before it lost it to something else (an input stall among them).
bool StillBusyAt(const std::vector<int64_t>& timestamps_ms, const std::vector<double>& values, int64_t at_ms);

// "LustreError: 11-0: fs-OST00a1-osc-ffff...: operation ost_connect to node 10.0.0.21@o2ib failed:
// rc = -16" (also mds_connect / mgs_connect, and ptlrpc's "... connect ... rc = -16" wording is
// not read): a reconnect the server answered EBUSY.
bool LustreConnectBusy(const std::string& line);

// A data-loader worker's error that the process ran out of file descriptors: "dataloader worker 3:
// OSError: [Errno 24] Too many open files: '/data/part-00412.parquet'", "DataLoader worker (pid
// 4411) ... EMFILE", and PyTorch's own "RuntimeError: Too many open files. Communication with the
// workers is no longer possible." An EMFILE with no data-loader worker in the line (a web server,
// a shell) is not.
bool DataLoaderOutOfFiles(const std::string& line);

// The kernel's own report of a local block device failing: "nvme nvme2: I/O 712 (Write) QID 41
// timeout, aborting", "nvme nvme0: controller is down; will reset", "I/O error, dev nvme2n1, sector
// ...", "I/O error, dev sdb, sector ...", "XFS (md0): log I/O error -5", "XFS (nvme1n1): metadata
// I/O error", "EXT4-fs error (device sdc1): ...", "md/raid0:md0: Disk failure on nvme2n1". A network
// file system's error (nfs, Lustre) or an I/O error a process printed is not.
bool StatesLocalBlockDeviceFailure(const std::string& line);

}  // namespace vigil
