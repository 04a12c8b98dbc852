#include "probes/probe_lock.h"

#include <utility>

namespace vigil {

std::string ProbeLockFileName(const std::string& node, int gpu) { return vigil_probe::HostLeaseFileName(node, gpu); }

Result<std::string> ProbeLockDir(const std::string& configured) {
  if (!configured.empty()) {
    std::string why = vigil_probe::UsableLockDir(configured);
    if (why.empty()) return configured;
    return FailedPreconditionError("probe lock folder " + configured + " (the executor's lock_dir=): " + why);
  }
  std::string tried;
  std::string dir = vigil_probe::DefaultLockDir(&tried);
  if (!dir.empty()) return dir;
  return FailedPreconditionError(
      "no usable probe lock folder, so intrusive probes cannot be kept apart from other processes' on this host (" +
      tried + "); name one with the probe executor's lock_dir=DIR option (e.g. local:lock_dir=DIR)");
}

Result<std::optional<ProbeLease>> TryAcquireProbeLease(const std::string& dir, const std::string& node, int gpu,
                                                       bool shared) {
  ProbeLease lease;
  std::string error;
  switch (vigil_probe::TryTakeHostLease(dir, node, gpu, &lease.lease_, &error, shared)) {
    case vigil_probe::LeaseTry::kTaken:
      return std::optional<ProbeLease>(std::move(lease));
    case vigil_probe::LeaseTry::kHeld:
      return std::optional<ProbeLease>();
    case vigil_probe::LeaseTry::kError:
      break;
  }
  return FailedPreconditionError(error);
}

ProbeLeaseWait WaitForProbeLease(const std::string& dir, const std::string& node, int gpu, double wait_s,
                                 bool shared, const std::function<void(const std::string& holders)>& on_wait) {
  ProbeLeaseWait out;
  ProbeLease lease;
  vigil_probe::HostLeaseWait w = vigil_probe::TakeHostLeaseWaiting(dir, node, gpu, wait_s, &lease.lease_, shared, on_wait);
  out.waited_s = w.waited_s;
  out.holders = std::move(w.holders);
  if (w.got == vigil_probe::LeaseTry::kTaken) out.lease = std::move(lease);
  if (w.got == vigil_probe::LeaseTry::kError) out.error = std::move(w.error);
  return out;
}

}  // namespace vigil
