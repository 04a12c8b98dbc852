// PLC62 (realistic55 rl55-12, seen): a worker pod that a namespace's ResourceQuota forbade (the API
// server's "pods \"W\" is forbidden: exceeded quota: Q, requested: ..., used: ..., limited: ..."), while
// the job's launcher waits for a world it cannot reach (a rendezvous short of its nodes, timed out; the
// operator's "15/16 replicas created"), is the launch's: the job asked for more than its quota lets it
// run, so it never starts (launch_config_error, the job). The launcher's store connection failures and
// timeouts are that wait's consequence, not the network's. Before, the case answered
// nccl_network_misconfig 0.44 from a c10d "Connection refused ... Retrying" to the master before it
// listened. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether a line states that creating a pod (or another object) was forbidden by an exceeded quota.
bool StatesQuotaDenied(const std::string& line);

// Whether a line states that the job's launch waited for, or gave up on, a world it did not reach:
// torchelastic's RendezvousTimeoutError / "waiting: N of min M" with N < M / a rendezvous timed out /
// "N participants, min_nodes=M" with N < M; a training operator's "N/M replicas created" with N < M.
bool StatesWorldNotReached(const std::string& line);

struct QuotaDeniedWorker {
  size_t quota = 0;  // the first quota-denied line
  size_t wait = 0;   // the first line of the world not reached
};

// Both lines of `lines`, or nullopt. Lines over 4000 bytes are not read.
std::optional<QuotaDeniedWorker> FindQuotaDeniedWorker(const std::vector<std::string>& lines);

// Whether a line is the launcher's store / rendezvous connection failing or timing out (c10d's socket
// "failed to connect to", DistStoreError, a store or rendezvous timeout): what a never-complete world
// makes its members print.
bool StatesStoreWaitFailure(const std::string& line);

}  // namespace vigil
