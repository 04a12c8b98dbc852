// The IMEX daemon's report that it could not import memory from, or reach, a peer node (PLC67). Pure,
// thread safe.
//
// On a multi-node NVLink domain (GB200 / GB300 NVL72) the nvidia-imex daemons of the compute trays
// export and import GPU memory between trays; a daemon that logs "Failed to import memory from node 11:
// IMEX_ERR_PEER_UNREACHABLE" is up and running and says the PATH to that peer failed. That is what a
// down or untrained NVLink between the trays does (Blackwell NVLink Xids 144-150, `nvidia-smi nvlink -s`
// links <inactive>); it is no IMEX daemon or channel misconfiguration (the pack's nvidia-imex
// "failed / inactive / not running" signature reads the daemon's own failure). The reasoner drops such
// a line from nccl_network_misconfig where the case's logs show NVLink faults, and keeps it otherwise
// (the peer's daemon down reads the same from this side).
#pragma once

#include <string>

namespace vigil {

// Whether `line` is an IMEX daemon's (a line naming nvidia-imex / IMEX) report that importing memory
// from a peer node failed or that a peer is unreachable: "Failed to import memory from node N",
// "IMEX_ERR_PEER_UNREACHABLE", "peer node N unreachable". The daemon's own failure ("nvidia-imex.service:
// Failed", "inactive", "version ... does not match") is not. Lines over 4000 bytes are not read.
bool IsImexPeerImportFailure(const std::string& line);

}  // namespace vigil
