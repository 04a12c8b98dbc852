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
namespace {

constexpr const char* kRunLockDir = "/run/lock/vigil-probe";
constexpr const char* kTmpLockDir = "/tmp/vigil-probe-locks";

std::string ThisHost() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// Makes `dir` (its parent must exist) mode 1777 when missing; checks that it is a folder (not a
// link: /tmp is everyone's) this process may create files in. "" when usable, else why not.
std::string UsableDir(const std::string& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return std::strerror(errno);
    if (mkdir(dir.c_str(), 01777) != 0 && errno != EEXIST) return std::string("cannot make it: ") + std::strerror(errno);
    // mkdir's mode passes through the umask; the folder is shared by every user's vigil.
    if (lstat(dir.c_str(), &st) == 0 && st.st_uid == geteuid()) chmod(dir.c_str(), 01777);
    if (lstat(dir.c_str(), &st) != 0) return std::strerror(errno);
  }
  if (S_ISLNK(st.st_mode)) return "it is a symbolic link";
  if (!S_ISDIR(st.st_mode)) return "it is not a folder";
  if (access(dir.c_str(), W_OK | X_OK) != 0) return std::string("cannot create files in it: ") + std::strerror(errno);
  return "";
}

}  // namespace

ProbeLease::~ProbeLease() { Release(); }

ProbeLease::ProbeLease(ProbeLease&& other) noexcept
    : fds_(std::exchange(other.fds_, {})), paths_(std::exchange(other.paths_, {})) {}

ProbeLease& ProbeLease::operator=(ProbeLease&& other) noexcept {
  if (this != &other) {
    Release();
    fds_ = std::exchange(other.fds_, {});
    paths_ = std::exchange(other.paths_, {});
  }
  return *this;
}

void ProbeLease::Release() {
  for (int fd : fds_) close(fd);  // closing the last descriptor drops its flock
  fds_.clear();
  paths_.clear();
}

std::string ProbeLockFileName(const std::string& node, int gpu) {
  std::string name = node.empty() || node == "localhost" ? ThisHost() : node;
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (name.empty() || name[0] == '.') name.insert(name.begin(), '_');  // no "..", no hidden file
  if (gpu >= 0) name += ".gpu" + std::to_string(gpu);
  return name + ".lock";
}

Result<std::string> ProbeLockDir(const std::string& configured) {
  if (!configured.empty()) {
    std::string why = UsableDir(configured);
    if (why.empty()) return configured;
    return FailedPreconditionError("probe lock folder " + configured + " (the executor's lock_dir=): " + why);
  }
  std::string tried;
  for (const char* dir : {kRunLockDir, kTmpLockDir}) {
    std::string why = UsableDir(dir);
    if (why.empty()) return std::string(dir);
    if (!tried.empty()) tried += "; ";
    tried.append(dir).append(": ").append(why);
  }
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
  // The node's lock first (shared for one GPU, exclusive for the whole node), then the GPU's.
  std::vector<std::pair<std::string, int>> wanted = {{ProbeLockFileName(node, -1), gpu >= 0 ? LOCK_SH : LOCK_EX}};
  if (gpu >= 0) wanted.push_back({ProbeLockFileName(node, gpu), LOCK_EX});
  for (const auto& [name, how] : wanted) {
    const std::string path = dir + "/" + name;
    // O_CREAT only for a file not there yet: Debian ships fs.protected_regular = 2, which refuses
    // (EACCES, root included) an O_CREAT open of another user's file in a sticky world-writable folder,
    // such as this one (1777): once a user's `vigil probe run` had made a lock file, root's `vigil
    // serve` could not open it and answered every intrusive probe with `error`.
    // O_NONBLOCK: a FIFO in the lock's place (anyone may make one in the 1777 folder) blocked the
    // open until a writer came, past every limit.
    constexpr int kOpen = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    int fd = open(path.c_str(), kOpen);
    if (fd < 0 && errno == ENOENT) {
      fd = open(path.c_str(), kOpen | O_CREAT | O_EXCL, 0666);
      if (fd < 0 && errno == EEXIST) fd = open(path.c_str(), kOpen);  // made meanwhile
    }
    if (fd < 0) return FailedPreconditionError("probe lock " + path + ": cannot open it: " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return FailedPreconditionError("probe lock " + path +
                                     ": it is not a regular file (a FIFO, a device or a folder someone put there); "
                                     "remove it, or name another folder with the executor's lock_dir=");
    }
    // Another user's vigil opens it read-only too: flock needs no write access.
    if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0777) != 0666) fchmod(fd, 0666);
    lease.fds_.push_back(fd);
    lease.paths_.push_back(path);
    if (flock(fd, how | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return std::optional<ProbeLease>();  // held: `lease` lets go of what it took
      return FailedPreconditionError("probe lock " + path + ": " + std::strerror(errno));
    }
  }
  return std::optional<ProbeLease>(std::move(lease));
}

}  // namespace vigil
