// A process that is alive but stopped (PLC29, 2026-12-05): a rank stopped by a debugger (gdb
// attached with `gdb -p PID`, ptrace), by SIGSTOP / SIGTSTP (`kill -STOP PID`, Ctrl-Z) makes no
// progress while it holds its place in every collective: its peers' watchdogs time out, the stopped
// process writes nothing. The tools print it so:
//   - ps's STAT / S column "T" (stopped by a job-control signal) or "t" (tracing stop), with or
//     without modifiers ("tl+", "T<", "Tl"): read under a ps header that names PID and STAT / S / STATE,
//     or under the ps command whose field list names them (`ps -eo pid,stat,etime,cmd | grep python`);
//   - /proc/PID/status: "State:\tt (tracing stop)", "State:\tT (stopped)" (the pid from the command
//     above it that reads /proc/PID/status);
//   - a shell's job line: "[1]+  Stopped                 python train.py", "[2]-  Stopped (SIGTSTP) ..."
//     (set aside once `fg` / `bg` resumed it: ResumedJob);
//   - gdb's attach: "Attaching to process 38811", "Attaching to program: /usr/bin/python3, process 38811";
//     a `gdb -p PID` / `gdb --pid=PID` / `gdb attach PID` command (in a ps row or typed): gdb stops
//     the process it attaches to;
//   - a `kill -STOP PID` / `kill -SIGSTOP PID` / `kill -s STOP PID` / `kill -19 PID` command.
// Not read as stopped: a TracerPid line alone (strace traces a running process), py-spy's dump (it
// pauses the process for the sample only), gdb's in batch mode (`gdb -p PID -batch -ex bt`: it
// detaches when done; RV2), a "T" in any column but the state's, a process resumed with SIGCONT or
// that gdb says it detached from, a state "S" / "R" / "D".
// StoppedProcessReader reads one log's lines in order; for each line that states a stopped process
// it returns the pid (-1 when the line names none) and the local rank its command line gives
// (`--local_rank 2`, `--local-rank=2`, `LOCAL_RANK=2`; -1 when none): the GPU the rank drives on its
// node. A pid whose row (any line that starts with the pid and names a local rank) gave a local rank
// earlier in the same log keeps it for a later line (/proc/PID/status under the ps table, a `gdb -p
// PID` row below the rank's). Pure per instance; not thread safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct StoppedProcess {
  int64_t pid = -1;
  int local_rank = -1;
  std::string how;  // "ps STAT tl+", "State: t (tracing stop)", "shell job Stopped", "gdb attach", "kill -STOP"
  int job = -1;     // a shell job's number ("[1]+  Stopped ..."), -1 for the other readings
};

class StoppedProcessReader {
 public:
  std::optional<StoppedProcess> Read(std::string_view line);
  // Whether a `kill -CONT PID` (SIGCONT, -18) was read for `pid` (before or after its stop), or a gdb
  // that let it go: a batch-mode gdb on it (`gdb -p PID -batch ...`: a stack dump, detached when done;
  // the command itself is no stop) or gdb's "[Inferior 1 (process PID) detached]" / "Detaching from
  // process PID" (RV2, 2026-12-06).
  bool Resumed(int64_t pid) const;
  // Whether a ps row of `pid` read so far shows it running or sleeping (STAT R / S / D / I): a gdb or
  // kill -STOP reading of that pid is then over (the debugger continued it).
  bool SeenRunning(int64_t pid) const;
  // Whether shell job `job` was resumed (RV2, 2026-12-06): a typed `fg` / `bg` (of `%N`, or no number: the
  // last job read stopped), bash's "[N]+ cmd &" after `bg`, or `jobs`' "[N]+  Running ...".
  bool ResumedJob(int job) const;

 private:
  int pid_col_ = -1;
  int stat_col_ = -1;
  int64_t status_pid_ = -1;                // the pid of the /proc/PID/status command above
  std::map<int64_t, int> local_rank_of_;   // pid -> local rank, from ps rows
  std::set<int64_t> resumed_;              // pids a kill -CONT resumed
  std::set<int64_t> released_;             // pids a gdb detached from (batch mode, "detached")
  std::set<int64_t> running_;              // pids a ps row shows running or sleeping
  int last_job_ = -1;                      // the last shell job read stopped (`fg` / `bg` with no number)
  std::set<int> resumed_jobs_;             // shell jobs fg / bg resumed
};

// The local rank a process's command line or environment names ("--local_rank 2",
// "--local-rank=2", "LOCAL_RANK=2"), -1 when none.
int LocalRankOfCommand(std::string_view line);

// The local rank of process `pid` that a process listing among `lines` gives (PLC70, realistic62
// rl62-30): a row whose first or second word is the pid (`ps -eo pid,...` / `ps aux`'s USER PID ...)
// and whose command names a local rank (LocalRankOfCommand); -1 when none, or when two rows give two.
// For a stop read in one log (a sudo / auth log's `cuda-gdb -p PID`) whose rank another log of the same
// node lists.
int LocalRankOfPid(const std::vector<std::string>& lines, int64_t pid);

}  // namespace vigil
