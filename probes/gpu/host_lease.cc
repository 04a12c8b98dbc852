#include "probes/gpu/host_lease.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

namespace vigil_probe {
namespace {

std::string ThisHost() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// This process's exclusive locks and the shared leases they cover, by lock file (device, inode).
// `kept`: the descriptor of an exclusive lock whose lease ended while covered leases ran on, kept
// (exclusive: never converted, VER7) until the last of them ends (another process's GEMM would start
// beside them); it covers this process's new shared leases as the lease did.
struct OwnFile {
  int exclusive = 0;
  int covered = 0;
  int kept = -1;
};
struct OwnFiles {
  std::mutex mu;
  std::map<std::pair<dev_t, ino_t>, OwnFile> files;
};
OwnFiles& Own() {
  static OwnFiles* own = new OwnFiles;  // never destroyed: leases may end in threads after main
  return *own;
}

}  // namespace

bool ProbeTimesTheGpu(std::string_view probe) { return probe == "gpu.kernel_launch"; }

HostLease::~HostLease() { Release(); }

HostLease::HostLease(HostLease&& other) noexcept
    : fds_(std::exchange(other.fds_, {})),
      paths_(std::exchange(other.paths_, {})),
      holds_(std::exchange(other.holds_, {})),
      files_(std::exchange(other.files_, {})) {}

HostLease& HostLease::operator=(HostLease&& other) noexcept {
  if (this != &other) {
    Release();
    fds_ = std::exchange(other.fds_, {});
    paths_ = std::exchange(other.paths_, {});
    holds_ = std::exchange(other.holds_, {});
    files_ = std::exchange(other.files_, {});
  }
  return *this;
}

void HostLease::Release() {
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (holds_[i] == Hold::kShared) {
      close(fds_[i]);  // closing the last descriptor drops its flock
      continue;
    }
    OwnFiles& own = Own();
    std::lock_guard<std::mutex> lock(own.mu);
    OwnFile& f = own.files[files_[i]];
    if (holds_[i] == Hold::kExclusive) {
      --f.exclusive;
      // Leases it covers run on: keep the file from other processes, still exclusive. Not turned
      // shared (VER6 did): flock(2) converts a lock by removing it and then taking the new one, "not
      // guaranteed to be atomic", so a process waiting for the GPU could get it in between (its GEMM
      // then runs inside the covered launch's measurement) and the conversion fail, letting go of
      // the file altogether. Another process's kernel launch waits for this one (under a second).
      if (f.exclusive == 0 && f.covered > 0 && f.kept < 0) {
        f.kept = fds_[i];
      } else {
        close(fds_[i]);
      }
    } else if (--f.covered == 0 && f.kept >= 0) {
      close(f.kept);
      f.kept = -1;
    }
    if (f.exclusive == 0 && f.covered == 0 && f.kept < 0) own.files.erase(files_[i]);
  }
  fds_.clear();
  paths_.clear();
  holds_.clear();
  files_.clear();
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
                          std::string* error, bool shared) {
  HostLease taken;
  // The node's lock first (shared for one GPU, exclusive for the whole node), then the GPU's
  // (shared for a probe that times it).
  std::vector<std::pair<std::string, int>> wanted = {{HostLeaseFileName(node, -1), gpu >= 0 ? LOCK_SH : LOCK_EX}};
  if (gpu >= 0) wanted.push_back({HostLeaseFileName(node, gpu), shared ? LOCK_SH : LOCK_EX});
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
    if (st.st_uid == geteuid() && (st.st_mode & 0777) != 0666) fchmod(fd, 0666);
    const std::pair<dev_t, ino_t> file{st.st_dev, st.st_ino};
    if (flock(fd, how | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err != EWOULDBLOCK) {
        if (error != nullptr) *error = "probe lock " + path + ": " + std::strerror(err);
        return LeaseTry::kError;
      }
      // A shared lease of a probe that times the GPU, held out by this process's own exclusive lock:
      // covered by it (the planner of this process let the two run together).
      OwnFiles& own = Own();
      std::lock_guard<std::mutex> lock(own.mu);
      auto it = own.files.find(file);
      const bool own_exclusive = it != own.files.end() && (it->second.exclusive > 0 || it->second.kept >= 0);
      if (!shared || how != LOCK_SH || !own_exclusive) {
        return LeaseTry::kHeld;  // `taken` lets go of what it took
      }
      ++it->second.covered;
      taken.fds_.push_back(-1);
      taken.paths_.push_back(path);
      taken.holds_.push_back(HostLease::Hold::kCovered);
      taken.files_.push_back(file);
      continue;
    }
    taken.fds_.push_back(fd);
    taken.paths_.push_back(path);
    taken.files_.push_back(file);
    if (how == LOCK_EX) {
      OwnFiles& own = Own();
      std::lock_guard<std::mutex> lock(own.mu);
      ++own.files[file].exclusive;
      taken.holds_.push_back(HostLease::Hold::kExclusive);
    } else {
      taken.holds_.push_back(HostLease::Hold::kShared);
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

std::string HostLeaseHolders(const std::string& dir, const std::string& node, int gpu, bool shared) {
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
  add(HostLeaseFileName(node, -1), gpu >= 0);
  if (gpu >= 0) add(HostLeaseFileName(node, gpu), shared);
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

HostLeaseWait TakeHostLeaseWaiting(const std::string& dir, const std::string& node, int gpu, double wait_s,
                                   HostLease* lease, bool shared,
                                   const std::function<void(const std::string& holders)>& on_wait) {
  HostLeaseWait w;
  const auto start = std::chrono::steady_clock::now();
  for (bool told = false;; std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
    w.got = TryTakeHostLease(dir, node, gpu, lease, &w.error, shared);
    w.waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (w.got != LeaseTry::kHeld) return w;
    if (w.waited_s >= wait_s) break;
    if (!told && on_wait) on_wait(HostLeaseHolders(dir, node, gpu, shared));
    told = true;
  }
  w.holders = HostLeaseHolders(dir, node, gpu, shared);  // who: a hung holder, or one to wait for
  return w;
}

}  // namespace vigil_probe
