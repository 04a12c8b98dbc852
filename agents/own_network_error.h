// A rank that failed on its own NIC's error (PLC51, 2026-12-07; realistic46 rl46-10). NCCL prints a
// rank's completion errors under its process's prefix ("trn-c305:52131:52781 [3] ... NET/IB : Got
// completion from peer 10.31.3.58<49211> with status=IBV_WC_RETRY_EXC_ERR(12) ... hca mlx5_3"), and
// the same process then reports "NCCL error: remote process exited or there was a network error" and
// exits 1 ("failed (exitcode: 1) ... (pid: 52131)"). Those later lines are that network error's end,
// not a crash of its own: where the process's node shows the HCA failing first-hand (port counters,
// a port state, the kernel's mlx5 lines), the rank's exit lines are read as ib_link_failure (the
// reasoner's ReadOwnNetworkErrorExits; rl46-10's rank 131, exit 1 after RETRY_EXC on mlx5_3 with
// symbol errors and link downs there, was answered rank_process_crash 0.84). A flush error
// (IBV_WC_WR_FLUSH_ERR) is a queue pair already in error, not a first error. Pure functions, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct OwnIbErrorProcess {
  std::string host;  // the NCCL prefix's host
  long pid = -1;
  std::string hca;   // "mlx5_3" where the line names it, else ""
};

// The processes of `lines` (at most 20,000 read; lines over 2,000 bytes skipped) that printed a
// completion error of their own under NCCL's "HOST:PID:TID [DEV]" prefix: "Got completion from peer
// ... status=IBV_WC_<X>_ERR" (not WR_FLUSH_ERR) or "NET/IB : ... error ... hca mlx5_N". One entry
// per pid, in first-seen order.
std::vector<OwnIbErrorProcess> OwnIbErrorProcesses(const std::vector<std::string>& lines);

// Whether `line` is one of process `pid`'s own: glog's "[E1203 22:17:08.000000 52131 file.cpp:N]"
// thread/pid field, torchrun's "(pid: 52131)", "pid=52131" or NCCL's "HOST:52131:TID" prefix.
bool LineOfPid(const std::string& line, long pid);

}  // namespace vigil
