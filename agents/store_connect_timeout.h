// A process waiting for the job's store / rendezvous and giving up (PLC69, realistic61 rl61-01: one
// node of 32 came back from a reimage with a driver too old for the image's CUDA, its 8 ranks died at
// CUDA init, and rank 0's "[c10d] The client socket has timed out after 600000ms while trying to
// connect to (HOST, 29500)" read as nccl_network_misconfig 0.30 over the node's launch_config_error).
// Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether a line is a process's wait for the store or rendezvous failing (lines over 4000 bytes are not
// read): StatesStoreWaitFailure's wordings (quota_denied_pod.h), or c10d's socket "has timed out after
// Nms while trying to connect to (HOST, PORT)", or a TCPStore / rendezvous "timed out waiting for"
// its clients or peers.
bool StatesStoreConnectTimeout(const std::string& line);

}  // namespace vigil
