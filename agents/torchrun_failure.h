// torchrun's failure report, read once (TW1, 2026-12-07; moved here from builtin_reasoner.h, where
// FindTorchrunFailures placed failed ranks, and watchdog_abort.cc kept a second parser of the same
// entries). torchrun's agent prints, for each failed rank, an entry under "Root Cause (first observed
// failure):" or "Failures:":
//   [0]:
//     time      : 2026-12-05_14:41:55
//     host      : n-02
//     rank      : 10 (local_rank: 2)
//     exitcode  : -6 (pid: 91638)
//     error_file: <N/A>
//     traceback : Signal 6 (SIGABRT) received by PID 91638
// (under `srun --label` each line starts with the task's label, "3: [0]:", "3:   time : ..."), and
// before it its own line for the worker: "failed (exitcode: -6) local_rank: 2 (pid: 91638) of binary:
// /usr/bin/python3". Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// One failed worker. The agent that prints the report may run on another node than the failed rank
// (the launcher's node, rank 0's node): `host` is where the rank ran. Lines [first_line, last_line]
// are the entry (the "[N]:" header and its fields; for the agent's own line, that line). Fields the
// entry does not print stay empty / -1 / nullopt.
struct TorchrunFailure {
  std::string host;
  int rank = -1;
  int local_rank = -1;
  long pid = -1;
  size_t first_line = 0;
  size_t last_line = 0;
  std::optional<int> exit_code;  // "exitcode : -6 (pid: N)"; the agent's "failed (exitcode: -6)"
  int signal = -1;               // the traceback's "Signal 6 (SIGABRT)" (or a signal it names: SIGABRT -> 6)
  std::string time;              // the entry's "time : 2026-12-05_14:41:55" as "2026-12-05 14:41:55"; "" if none
  bool agent_line = false;       // the agent's own "failed (exitcode: ...)" line, not a report entry
  // The agent's "failed (exitcode: ...) local_rank: L (pid: P)" lines of a report entry's pid: the
  // same failure, said once more (no entry of their own then).
  std::vector<size_t> agent_lines;
  // SIGABRT: exit code -6 or signal 6.
  bool Aborted() const { return exit_code == -6 || signal == 6; }
};

// The report's entries, then the agent's lines whose pid no entry has. A header or field line may
// carry srun's label ("3: [0]:", "3:   rank : 10"); an entry's fields carry its header's label. An
// entry is kept when it names a host or a rank.
std::vector<TorchrunFailure> FindTorchrunFailures(const std::vector<std::string>& lines);

}  // namespace vigil
