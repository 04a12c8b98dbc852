// The host-wide lease on the hardware an intrusive probe loads, without any project library, so
// that both sides use one implementation: the command executors (probes/probe_lock.h wraps this
// with Status/Result) and `vigil-probe` itself when run by hand (VER4). The scheme, the lock folder
// and its fallback are described in probes/probe_lock.h.
//
// A vigil-probe started by a command executor is told, by the environment variable
// kProbeLeaseHeldEnv, that its caller already holds the lease (or keeps intrusive probes apart
// itself): it then takes none. Without it, vigil-probe takes the lease before an intrusive probe
// runs, waiting within its --time-limit.
//
// Thread safety: HostLease is owned by one thread; TryTakeHostLease may be called from several.
#pragma once

#include <string>
#include <vector>

namespace vigil_probe {

// Set (to any non-empty value) in a probe process's environment by the command executors, which
// hold the lease themselves: vigil-probe then takes no lock (it would wait on its caller's).
inline constexpr const char* kProbeLeaseHeldEnv = "VIGIL_PROBE_LEASE_HELD";

// The default lock folder and the one used when /run/lock is missing or not writable.
inline constexpr const char* kRunLockDir = "/run/lock/vigil-probe";
inline constexpr const char* kTmpLockDir = "/tmp/vigil-probe-locks";

// kTaken: `lease` holds it. kHeld: another lease holds a conflicting lock (nothing kept).
// kError: a lock file could not be opened or locked (`error` says which and why).
enum class LeaseTry { kTaken, kHeld, kError };

class HostLease {
 public:
  HostLease() = default;
  ~HostLease();
  HostLease(HostLease&& other) noexcept;
  HostLease& operator=(HostLease&& other) noexcept;
  HostLease(const HostLease&) = delete;
  HostLease& operator=(const HostLease&) = delete;

  bool held() const { return !fds_.empty(); }
  const std::vector<std::string>& paths() const { return paths_; }  // the lock files held
  void Release();

 private:
  friend LeaseTry TryTakeHostLease(const std::string& dir, const std::string& node, int gpu, HostLease* lease,
                                   std::string* error);
  std::vector<int> fds_;
  std::vector<std::string> paths_;
};

// Tries once, without waiting, to take the lease for `node` ("" / "localhost": this host) and GPU
// `gpu` (-1: the whole node) in folder `dir`.
LeaseTry TryTakeHostLease(const std::string& dir, const std::string& node, int gpu, HostLease* lease,
                          std::string* error);

// "node-3" -> "node-3.lock", gpu 5 -> "node-3.gpu5.lock"; "" and "localhost" are this host's name;
// bytes other than [A-Za-z0-9._-] become '_'.
std::string HostLeaseFileName(const std::string& node, int gpu);

// Makes `dir` (its parent must exist) mode 1777 when missing; "" when it is a folder (not a link)
// this process may create files in, else why not.
std::string UsableLockDir(const std::string& dir);

// What a vigil-probe run loads, from its --target ("node/gpuN", "gpuN", "node" or "") and --gpus:
// one GPU (the target's, else the one --gpus names), or the whole node (gpu -1) when neither names
// exactly one.
struct LeaseTarget {
  std::string node;  // "" = this host
  int gpu = -1;
};
LeaseTarget LeaseTargetOf(const std::string& target, const std::vector<int>& gpus);

// TryTakeHostLease every 20 ms until taken, an error, or `wait_s` seconds have passed (kHeld).
// `waited_s` (may be null): the seconds it waited.
LeaseTry TakeHostLeaseWaiting(const std::string& dir, const std::string& node, int gpu, double wait_s,
                              HostLease* lease, std::string* error, double* waited_s);

// kRunLockDir, else kTmpLockDir when that one is not usable; "" with `why` naming each folder tried
// and why it failed when neither is.
std::string DefaultLockDir(std::string* why);

}  // namespace vigil_probe
