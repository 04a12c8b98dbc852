// A line in which a process reports that its peer or server went away (PLC25): the waiter's side of a
// crash. The reasoner places a crashed rank where a process died, not where a peer reported its lost
// connection (builtin_reasoner.cc Component, rank_process_crash). Pure function, thread safe.
#pragma once

#include <string_view>

namespace vigil {

// NCCL / IB completion errors "from peer", ncclRemoteError, "remote process exited or there was a
// network error", c10d's "Connection was likely closed. Did the remote server shutdown or crash?",
// gloo's "Connection closed by peer", "Connection reset by peer", "Broken pipe". Only the first 2000
// characters are read.
bool StatesPeerLoss(std::string_view line);

}  // namespace vigil
