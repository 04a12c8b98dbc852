#include "probes/gpu/host_lease.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

namespace vigil_probe {
namespace {

std::string ThisHost() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

HostLease::~HostLease() { Release(); }

HostLease::HostLease(HostLease&& other) noexcept
    : fds_(std::exchange(other.fds_, {})), paths_(std::exchange(other.paths_, {})) {}

HostLease& HostLease::operator=(HostLease&& other) noexcept {
  if (this != &other) {
    Release();
    fds_ = std::exchange(other.fds_, {});
    paths_ = std::exchange(other.paths_, {});
  }
  return *this;
}

void HostLease::Release() {
  for (int fd : fds_) close(fd);  // closing the last descriptor drops its flock
  fds_.clear();
  paths_.clear();
}

std::string HostLeaseFileName(const std::string& node, int gpu) {
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

std::string UsableLockDir(const std::string& dir) {
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

std::string DefaultLockDir(std::string* why) {
  std::string tried;
  for (const char* dir : {kRunLockDir, kTmpLockDir}) {
    std::string not_usable = UsableLockDir(dir);
    if (not_usable.empty()) return dir;
    if (!tried.empty()) tried += "; ";
    tried.append(dir).append(": ").append(not_usable);
  }
  if (why != nullptr) *why = tried;
  return "";
}

LeaseTry TryTakeHostLease(const std::string& dir, const std::string& node, int gpu, HostLease* lease,
                          std::string* error) {
  HostLease taken;
  // The node's lock first (shared for one GPU, exclusive for the whole node), then the GPU's.
  std::vector<std::pair<std::string, int>> wanted = {{HostLeaseFileName(node, -1), gpu >= 0 ? LOCK_SH : LOCK_EX}};
  if (gpu >= 0) wanted.push_back({HostLeaseFileName(node, gpu), LOCK_EX});
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
    if (fd < 0) {
      if (error != nullptr) *error = "probe lock " + path + ": cannot open it: " + std::strerror(errno);
      return LeaseTry::kError;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      if (error != nullptr) {
        *error = "probe lock " + path +
                 ": it is not a regular file (a FIFO, a device or a folder someone put there); "
                 "remove it, or name another folder with the executor's lock_dir=";
      }
      return LeaseTry::kError;
    }
    // Another user's vigil opens it read-only too: flock needs no write access.
    if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0777) != 0666) fchmod(fd, 0666);
    taken.fds_.push_back(fd);
    taken.paths_.push_back(path);
    if (flock(fd, how | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return LeaseTry::kHeld;  // `taken` lets go of what it took
      if (error != nullptr) *error = "probe lock " + path + ": " + std::strerror(errno);
      return LeaseTry::kError;
    }
  }
  *lease = std::move(taken);
  return LeaseTry::kTaken;
}

LeaseTarget LeaseTargetOf(const std::string& target, const std::vector<int>& gpus) {
  LeaseTarget t;
  std::string gpu_part = target;
  const size_t slash = target.find('/');
  if (slash != std::string::npos) {
    t.node = target.substr(0, slash);
    gpu_part = target.substr(slash + 1);
  } else if (target.rfind("gpu", 0) != 0) {
    t.node = target;
    gpu_part.clear();
  }
  if (gpu_part.size() > 3 && gpu_part.rfind("gpu", 0) == 0 &&
      gpu_part.find_first_not_of("0123456789", 3) == std::string::npos && gpu_part.size() <= 9) {
    t.gpu = std::stoi(gpu_part.substr(3));
  } else if (gpus.size() == 1 && gpus[0] >= 0) {
    t.gpu = gpus[0];
  }
  return t;
}

LeaseTry TakeHostLeaseWaiting(const std::string& dir, const std::string& node, int gpu, double wait_s,
                              HostLease* lease, std::string* error, double* waited_s) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const LeaseTry got = TryTakeHostLease(dir, node, gpu, lease, error);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited_s != nullptr) *waited_s = waited;
    if (got != LeaseTry::kHeld || waited >= wait_s) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace vigil_probe
