#include "probes/probe_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
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

std::string ProbeLeaseHolders(const std::string& dir, const std::string& node, int gpu) {
  struct File {
    std::string dev_ino;  // as /proc/locks writes it: "fe:00:11051032"
    bool exclusive_only;  // only an exclusive holder keeps the lease from us
  };
  std::vector<File> files;
  auto add = [&](const std::string& name, bool exclusive_only) {
    struct stat st {};
    if (stat((dir + "/" + name).c_str(), &st) != 0) return;
    char id[64];
    std::snprintf(id, sizeof id, "%02x:%02x:%llu", major(st.st_dev), minor(st.st_dev),
                  static_cast<unsigned long long>(st.st_ino));
    files.push_back({id, exclusive_only});
  };
  add(ProbeLockFileName(node, -1), gpu >= 0);
  if (gpu >= 0) add(ProbeLockFileName(node, gpu), false);
  // "1: FLOCK  ADVISORY  WRITE 750 fe:00:11051032 0 EOF"; a waiter's line has "->" after the number.
  std::ifstream locks("/proc/locks");
  std::set<long> pids;
  for (std::string line; std::getline(locks, line);) {
    std::istringstream in(line);
    std::string number, kind, advisory, mode, dev_ino;
    long pid = 0;
    if (!(in >> number >> kind >> advisory >> mode >> pid >> dev_ino) || kind != "FLOCK") continue;
    if (pid <= 0 || pid == getpid()) continue;
    for (const File& f : files) {
      if (f.dev_ino == dev_ino && (!f.exclusive_only || mode == "WRITE")) pids.insert(pid);
    }
  }
  std::string out;
  for (long pid : pids) {
    std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string words((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    while (!words.empty() && words.back() == '\0') words.pop_back();
    for (char& c : words) {
      if (c == '\0' || c == '\n') c = ' ';
    }
    if (words.size() > 160) words = words.substr(0, 157) + "...";
    if (!out.empty()) out += ", ";
    out += "pid " + std::to_string(pid);
    if (!words.empty()) out.append(" (").append(words).append(")");
  }
  return out;
}

Result<std::optional<ProbeLease>> TryAcquireProbeLease(const std::string& dir, const std::string& node, int gpu) {
  ProbeLease lease;
  std::string error;
  switch (vigil_probe::TryTakeHostLease(dir, node, gpu, &lease.lease_, &error)) {
    case vigil_probe::LeaseTry::kTaken:
      return std::optional<ProbeLease>(std::move(lease));
    case vigil_probe::LeaseTry::kHeld:
      return std::optional<ProbeLease>();
    case vigil_probe::LeaseTry::kError:
      break;
  }
  return FailedPreconditionError(error);
}

}  // namespace vigil
