// One rank that left the job on its own uncaught exception before its peers' collectives timed out
// (RG26, 2026-12-04): a rank's Python traceback ending in an exception of the training code
// ("30: KeyError: 'shard-01877'", "[rank5]: ValueError: ..."), no other rank raising one, and the
// peers' watchdog / collective timeouts after it. The peers wait in a collective the dead rank never
// joins: their timeouts are its symptom, the exception is the fault. Exceptions that name the
// communication itself (DistBackendError, NCCL, a timeout), a CUDA / device / ECC error, a file
// system's refusal (a quota, no space, an I/O error) or a non-finite value are left to the readers of
// those categories. Pure function, thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Each rank's own exception of the training code in one log (rank -> the exception's line): the
// last line of a rank's traceback naming an exception ("30: KeyError: 'shard-01877'"); nullopt when
// a rank's traceback ends in an exception of another category (the communication, CUDA, a file
// system: another reader's). Both finders below read it; a caller asking both of the same log
// computes it once (KB8: it was computed twice per log, a regex match per line each time).
using OwnExceptionLines = std::optional<std::map<int, size_t>>;
OwnExceptionLines OwnExceptions(const std::vector<std::string>& lines);

struct RankExitBeforeTimeouts {
  bool found = false;
  int rank = -1;
  size_t line = 0;          // the exception's line in `lines`
  size_t timeout_line = 0;  // the first peer timeout's line
};

// `lines` in the order pasted (one log), `times_ms` each line's time (`no_time` when it prints none).
// The exception must come before every peer timeout: by at least 30 s when both print a time, else
// by line order. The rank is the line's label: `srun -l`'s "30: " or PyTorch's "[rank30]:".
RankExitBeforeTimeouts FindRankExitBeforeTimeouts(const std::vector<std::string>& lines,
                                                  const std::vector<int64_t>& times_ms, int64_t no_time);
// The same with `raised` = OwnExceptions(lines), computed by the caller.
RankExitBeforeTimeouts FindRankExitBeforeTimeouts(const std::vector<std::string>& lines,
                                                  const std::vector<int64_t>& times_ms, int64_t no_time,
                                                  const OwnExceptionLines& raised);

// The same rank's exception seen from its peers' side of the network (PLC11): the peers' IB
// completion errors ("NET/IB : Got completion from peer ... IBV_WC_RETRY_EXC_ERR(12)", "transport
// retry counter exceeded", ncclRemoteError, "remote process exited or there was a network error")
// are what ranks print when the queue pairs of a process that exited vanish (the pack's
// pack-rank-python-exception). Read over all of a case's logs (the rank's own stderr beside the
// job's output): exactly one rank raising an exception of the training code (as above) in them all,
// no rank raising one of another category, and at least one peer error line not labelled with that
// rank. Order: when the exception and a peer error both print a time, the exception must not be
// later; in one log untimed, it must come first by line; across logs untimed, nothing orders them
// and the exception stands (a peer's network error raises no IndexError in the rank's data code).
struct RankExitBeforePeerErrors {
  bool found = false;
  int rank = -1;
  size_t log = 0, line = 0;              // the exception's log (index into `logs`) and line
  size_t error_log = 0, error_line = 0;  // the first peer error's
};
RankExitBeforePeerErrors FindRankExitBeforePeerErrors(const std::vector<std::vector<std::string>>& logs,
                                                      const std::vector<std::vector<int64_t>>& times_ms,
                                                      int64_t no_time);
// The same with `raised[g]` = OwnExceptions(logs[g]), computed by the caller (one per log).
RankExitBeforePeerErrors FindRankExitBeforePeerErrors(const std::vector<std::vector<std::string>>& logs,
                                                      const std::vector<std::vector<int64_t>>& times_ms,
                                                      int64_t no_time, const std::vector<OwnExceptionLines>& raised);
// The same finding for a rank killed by its own fatal signal (PLC12, 2026-12-04): one rank's line
// stating its process died of SIGSEGV / SIGBUS / SIGILL / SIGFPE ("[rank45] Fatal Python error:
// Segmentation fault", "12: Segmentation fault (core dumped)"), no other rank stating one, before the
// peers' collective timeouts or their reports that a remote process exited (NCCL's "remote process
// exited or there was a network error"): the peers were left waiting for it. An abort (SIGABRT,
// "Fatal Python error: Aborted") is not read: the NCCL watchdog takes every waiting rank down by
// abort, so a rank's abort is no sign it left first. torchrun's "Root Cause (first observed
// failure)" then often names a waiter (the first rank its agent saw exit, rank 0 aborted by its
// watchdog). Before: by at least 30 s when both print a time, else by line order; `timeout_line` is
// the first peer line. `lines`, `times_ms` as above.
RankExitBeforeTimeouts FindRankSignalBeforePeers(const std::vector<std::string>& lines,
                                                 const std::vector<int64_t>& times_ms, int64_t no_time);

}  // namespace vigil
