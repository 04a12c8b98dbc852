// A rank's death by a signal as its per-node launcher reports it (PLC10, 2026-12-04). DeepSpeed's
// launcher prints, on the node where a rank died, the command of that rank's process and its return
// code: "[ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train.py',
// '--local_rank=4', ...] exits with return code = -11". A negative code is the signal that killed it
// (-11 SIGSEGV, -6 SIGABRT, -7 SIGBUS, -9 SIGKILL); its `--local_rank=K` is the rank's GPU on that
// node (one process per GPU). The Python fault handler's "Fatal Python error: Segmentation fault" a
// few lines above it names no rank or GPU: the launcher line does. Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The local rank of a launcher line reporting its process's exit by a signal: "exits with return
// code = -N" (or "exited with return code -N") with "--local_rank=K" / "--local-rank K" in the
// command it prints; nullopt for a zero or positive code (the rank exited on its own: after its
// NCCL call failed, code 1), for a line naming no local rank, and for lines over 4000 bytes. Also
// torchrun's agent's form, "failed (exitcode: -6) local_rank: 1 (pid: 142) of binary: ..." (PLC12).
std::optional<int> SignalExitLocalRank(const std::string& line);

// Whether a line states that its process died of a fatal signal: "Fatal Python error:
// Segmentation fault" / "Aborted" / "Bus error", "Segmentation fault (core dumped)", "received
// signal SIGSEGV", "*** SIGABRT", and glibc's heap-check messages it aborts on ("free(): invalid
// pointer", "double free or corruption (out)": PLC12). Not a line that only reports a peer's exit.
bool StatesFatalSignal(const std::string& line);

}  // namespace vigil
