// A rendezvous store whose port another process already holds (PLC52, 2026-12-07). Two jobs placed on
// one node that both hard-code MASTER_PORT (29500, torchrun's default) collide there: the second job's
// TCPStore server cannot listen ("The server socket has failed to listen on any local network address.
// port: 29500, ... code: -98, name: EADDRINUSE", or older PyTorch's "failed to bind to [::]:29500
// (errno: 98 - Address already in use)"), and its own clients then time out or are refused connecting
// to that port, since what listens there is the other job's store. Those connect failures are the port
// collision's consequence, the launch's configuration, not the network's (builtin_reasoner.cc moves them
// to launch_config_error). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The port a line says a store server could not listen on because it is in use (EADDRINUSE / errno 98 /
// "address already in use" on a line that names the port: "port: 29500", ":29500 (errno: 98"). nullopt
// for another line, or one over 4000 bytes.
std::optional<int> StorePortInUse(const std::string& line);

// The port a store client's connect failure names: c10d's "... has timed out after 300000ms while trying
// to connect to (HOST, 29500)" and "... has failed to connect to [HOST]:29500 (errno: 111 ...)".
// nullopt for another line, or one over 4000 bytes.
std::optional<int> StoreConnectPort(const std::string& line);

}  // namespace vigil
