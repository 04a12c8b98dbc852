// Host-wide leases on the hardware an intrusive probe loads, shared by every process on this host
// that runs probes through a command executor (`vigil serve`'s triage workers, a second `vigil
// serve`, `vigil diagnose --alert`, `vigil probe run` by hand): two GEMMs on one GPU each measure
// about half its throughput, a slowness the probes made themselves.
//
// A lease is a set of flock(2) locks on files in a lock folder:
//   - a probe on one GPU (`node/gpuN`): shared on `node.lock`, exclusive on `node.gpuN.lock`;
//   - a node-wide probe (`node`, every GPU: gpu.sdc, the NCCL tests, `vigil probe run gpu.gemm`
//     with no --target): exclusive on `node.lock`.
// So two probes on one GPU, or a node-wide one beside any probe of that node, never overlap;
// probes on other GPUs or nodes do. The node is the target's node ("" and "localhost" are this
// host's name), written into the file name with bytes other than [A-Za-z0-9._-] as '_'. The
// locks go when the lease is destroyed or the process ends (the kernel drops flock locks with the
// last descriptor; the descriptors are close-on-exec, so a probe process does not keep them).
//
// The lock folder: the executor spec's `lock_dir=DIR`, else /run/lock/vigil-probe (the FHS place for
// lock files, a tmpfs shared by every user of the host), else /tmp/vigil-probe-locks when /run/lock
// is missing or not writable. A folder it makes is mode 1777 (like /tmp: every user's vigil shares
// it), a lock file 0666. A folder that cannot be made or used is an error naming each folder tried
// and why. `vigil-probe` started by hand takes the same lease itself (VER4); one a command executor
// starts is told by the environment (vigil_probe::kProbeLeaseHeldEnv) that its caller holds it.
// Not covered: processes on other hosts (each host has its own folder: two `vigil serve` on two
// hosts probing node-3 over ssh are not kept apart).
//
// Thread safety: a ProbeLease is owned by one thread; TryAcquireProbeLease may be called from
// several threads (locks taken in one process on separate descriptors exclude each other too, but
// for a shared lease that this process's own exclusive one covers: host_lease.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "probes/gpu/host_lease.h"

namespace vigil {

struct ProbeLeaseWait;

// The locks themselves are probes/gpu/host_lease.h's (vigil-probe takes the same ones when run by
// hand); this is its Status-returning face for the command executors.
class ProbeLease {
 public:
  // The lock files held (for messages and tests).
  const std::vector<std::string>& paths() const { return lease_.paths(); }

 private:
  friend Result<std::optional<ProbeLease>> TryAcquireProbeLease(const std::string& dir, const std::string& node,
                                                                int gpu, bool shared);
  friend ProbeLeaseWait WaitForProbeLease(const std::string& dir, const std::string& node, int gpu,
                                          double wait_s, bool shared,
                                          const std::function<void(const std::string&)>& on_wait);
  vigil_probe::HostLease lease_;
};

using vigil_probe::ProbeTimesTheGpu;  // gpu.kernel_launch: takes the lease shared (host_lease.h)

// The lock folder to use: `configured` when not empty (made if missing), else the default and its
// fallback above. The folder's path, or an error naming every folder tried and why it failed.
Result<std::string> ProbeLockDir(const std::string& configured);

// Tries once, without waiting, to take the lease for `target` ("node/gpuN", "node", "gpuN" or ""
// for this host; `gpu` >= 0 the GPU, -1 the whole node) in `dir`. nullopt while another lease
// holds a conflicting lock; an error when a lock file cannot be opened or locked, or is not a regular
// file (a FIFO someone made there: opened non-blocking, never waited on). A file already there is
// opened without O_CREAT (fs.protected_regular refuses that for another user's file in the folder).
// `shared`: the lease of a probe that times the GPU (ProbeTimesTheGpu; host_lease.h).
Result<std::optional<ProbeLease>> TryAcquireProbeLease(const std::string& dir, const std::string& node, int gpu,
                                                       bool shared = false);

// Takes the lease, waiting up to `wait_s` (host_lease.h TakeHostLeaseWaiting, the wait vigil-probe
// run by hand uses too): `lease` holds it, else another process held it all that time and `holders`
// says who (pid and command line, host_lease.h HostLeaseHolders), or `error` says why a lock file
// cannot be used. `on_wait` is told who holds it when it first has to wait.
struct ProbeLeaseWait {
  std::optional<ProbeLease> lease;
  double waited_s = 0;
  std::string holders;
  std::string error;  // not empty: no lease can be had here
};
ProbeLeaseWait WaitForProbeLease(const std::string& dir, const std::string& node, int gpu, double wait_s,
                                 bool shared, const std::function<void(const std::string& holders)>& on_wait);

// The file name a node's lock uses (exposed for tests and messages): "node-3" -> "node-3.lock",
// gpu 5 -> "node-3.gpu5.lock"; "" and "localhost" are this host's name.
std::string ProbeLockFileName(const std::string& node, int gpu);

}  // namespace vigil
