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
// A probe that times the GPU without loading it (ProbeTimesTheGpu: gpu.kernel_launch) takes the
// lease *shared* (VER5, reverted; VER6): shared on the node's file and on its GPU's, so an intrusive
// probe's exclusive lock keeps it out (it would time another process's GEMM: ~2,450 us beside one on
// an H200, ~10 us alone) and such probes share the GPU. Within one process an exclusive lease of its
// own covers it (the verification planner lets a triage's kernel_launch run beside its own GEMM; a
// lock on another descriptor would wait for it): taken without a lock of its own on that file, and
// the exclusive lock is kept, as it is (flock's conversion to shared is not atomic: VER7), when its
// lease ends before the covered one.
//
// Thread safety: HostLease is owned by one thread; TryTakeHostLease and TakeHostLeaseWaiting may be
// called from several (the covering bookkeeping is behind a mutex).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
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

  bool held() const { return !paths_.empty(); }
  const std::vector<std::string>& paths() const { return paths_; }  // the lock files held
  void Release();

  // How a file is held: flock shared or exclusive on a descriptor of the lease's own, or covered by
  // this process's exclusive lock of another lease (no descriptor).
  enum class Hold { kShared, kExclusive, kCovered };

 private:
  friend LeaseTry TryTakeHostLease(const std::string& dir, const std::string& node, int gpu, HostLease* lease,
                                   std::string* error, bool shared);
  std::vector<int> fds_;  // -1 for a covered file
  std::vector<std::string> paths_;
  std::vector<Hold> holds_;
  std::vector<std::pair<dev_t, ino_t>> files_;
};

// Whether `probe` does not load the GPU but times it, so that another probe's load there (a GEMM)
// is what it would measure: gpu.kernel_launch (its launch+sync round trip went from ~10 us to
// ~2,450 us beside a GEMM on an H200). It takes the lease shared (above).
bool ProbeTimesTheGpu(std::string_view probe);

// Tries once, without waiting, to take the lease for `node` ("" / "localhost": this host) and GPU
// `gpu` (-1: the whole node) in folder `dir`. `shared`: the lease of a probe that times the GPU
// (shared on the node's file and the GPU's; for the whole node, exclusive on the node's file, as
// the GPUs' files are not known); a file this process holds exclusive covers it.
LeaseTry TryTakeHostLease(const std::string& dir, const std::string& node, int gpu, HostLease* lease,
                          std::string* error, bool shared = false);

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

// Who keeps the lease for `node`/`gpu` (`shared`: the shared lease) in `dir` from this process,
// read from /proc/locks: "pid 123 (vigil serve --listen ...)", several joined by ", "; "" when
// none is seen (not Linux, the holder gone meanwhile). For a GPU: any holder of its file and an
// exclusive holder of the node's; for the whole node: any holder of the node's file; for a shared
// lease only exclusive holders. This process's own locks are left out.
std::string HostLeaseHolders(const std::string& dir, const std::string& node, int gpu, bool shared = false);

// What TakeHostLeaseWaiting did: kTaken (the lease holds it), kError (`error` says which file and
// why) or kHeld (held by another process for all of `wait_s`; `holders` who held it then).
struct HostLeaseWait {
  LeaseTry got = LeaseTry::kHeld;
  double waited_s = 0;
  std::string error;
  std::string holders;
};

// The one lease wait, of the command executors (probes/probe_lock.h WaitForProbeLease) and of
// vigil-probe run by hand (VER6; each had its own loop before): TryTakeHostLease every 20 ms until
// taken, an error, or `wait_s` seconds have passed. `on_wait` (may be empty) is called once, when
// the lease is first found held, with who holds it (HostLeaseHolders).
HostLeaseWait TakeHostLeaseWaiting(const std::string& dir, const std::string& node, int gpu, double wait_s,
                                   HostLease* lease, bool shared = false,
                                   const std::function<void(const std::string& holders)>& on_wait = nullptr);

// kRunLockDir, else kTmpLockDir when that one is not usable; "" with `why` naming each folder tried
// and why it failed when neither is.
std::string DefaultLockDir(std::string* why);

}  // namespace vigil_probe
