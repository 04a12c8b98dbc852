// Sightings of one log signature days apart (PLC12, 2026-12-04): an operator's `dmesg -T | grep Xid`
// over a fleet, or one node's whole kernel log, keeps an earlier incident's line beside today's
// ("Xid 79 ... fallen off the bus" on another node nine days ago, since resolved by a GPU swap). Both
// lines match the same signature; the signature's weight and place go to its first line, so the old
// incident's GPU became the answer. A sighting more than `gap_ms` before the signature's newest timed
// sighting belongs to an earlier incident: the newer sightings lead. Pure function, thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace vigil {

// For each sighting (its line's time, `no_time` when it prints none), whether it is an earlier
// incident's: timed more than `gap_ms` before the newest timed sighting. Untimed sightings are never
// marked (nothing says when they were written); with fewer than two timed sightings none is.
std::vector<bool> EarlierIncidentSightings(const std::vector<int64_t>& times_ms, int64_t no_time, int64_t gap_ms);

// A fault's own "it is over" line (PLC13, 2026-12-04): the driver's "Xid 79 cleared", "GPU reset
// completed", `nvidia-smi -r`'s "GPU 00000000:3A:00.0 was successfully reset.", "remapping
// complete"; a port's "Link is Up" / "state ACTIVE" / "PortState: Active" after its "Link is Down";
// Slurm's node resumed (`scontrol update ... state=resume`, "state set to RESUME", "returned to
// service"). A sighting such a line follows is an earlier incident's, as one days older is: a
// recovered past fault beside a new, different fault does not lead. What it ends: a GPU's fault
// (kGpu), a port's (kLink) or whatever drained the node (kNode). A line that says the reset or the
// recovery failed or did not happen ("reset failed", "not cleared", "Unable to reset") is kNone.
// PLC37: a file-system client's own reconnection (Lustre "Connection restored to ...", NFS "nfs:
// server X OK") ends that node's storage stall (kStorage): its hung tasks in D state, its lost
// connections (realistic38 rl38-19: a hung_task 2.5 h before a rank's segfault, its Lustre
// connection restored a minute later, answered storage_failure).
enum class FaultOver { kNone, kGpu, kLink, kNode, kStorage };
FaultOver StatesFaultOver(std::string_view line);
// What a storage outage broke outlives its reconnection (PLC38, realistic15 rl15-25): a write that failed
// during it (an I/O error - EIO, "Input/output error", "Remote I/O error", a stale handle - on a line about a
// checkpoint, a save or a writer) and, later in the same log, a load failing on a damaged file (torch's
// "PytorchStreamReader failed", "failed finding central directory", "unexpected EOF", "invalid load key",
// a truncated / corrupt file, archive or checkpoint, a checksum mismatch). The resume fails on the file the
// outage cut short, however long the server has been back. True when one log of `logs` shows both, in order.
bool StorageWriteBrokeLaterLoad(const std::vector<std::vector<std::string_view>>& logs);

// Where a line was written, to order a sighting and a recovery line: its time (`no_time` when it
// prints none), its log and its line in that log.
struct LineAt {
  int64_t time_ms = 0;
  size_t log = 0;
  size_t line = 0;
};
// Whether `later` was written after `earlier`: by time when both are timed (the same time: by line in
// one log), else by line in one log; lines of two logs not both timed are not ordered (false).
bool WrittenAfter(const LineAt& earlier, const LineAt& later, int64_t no_time);

// For each sighting of a fault, whether a recovery line of its place follows it (`ends(s, r)`: the
// caller's test that recovery `r` ends what sighting `s` shows - the same GPU, port or node, a
// recovery of that kind). A sighting that is itself a recovery line (`s` and `r` at one LineAt: the
// signature matched "Xid 79 cleared") is recovered. A sighting after the recovery (the fault recurs)
// is not: each sighting is judged by the recovery lines after it.
std::vector<bool> RecoveredSightings(const std::vector<LineAt>& sightings, const std::vector<LineAt>& recoveries,
                                     const std::function<bool(size_t sighting, size_t recovery)>& ends, int64_t no_time);
// The same reading, with every recovery that ends each sighting (indexes into `recoveries`, in
// order; empty: not recovered). RecoveredSightings is `!RecoveriesEnding(...)[s].empty()`.
std::vector<std::vector<size_t>> RecoveriesEnding(const std::vector<LineAt>& sightings,
                                                  const std::vector<LineAt>& recoveries,
                                                  const std::function<bool(size_t sighting, size_t recovery)>& ends,
                                                  int64_t no_time);

}  // namespace vigil
