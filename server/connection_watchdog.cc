#include "server/connection_watchdog.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace vigil {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Key(const std::string& addr, int port) { return addr + "|" + std::to_string(port); }

// The request being served on this thread (set by RequestStarted, cleared by RequestDone), for
// HandlerStarted, which a route's handler calls without knowing the watchdog or its peer.
struct ThreadRequest {
  ConnectionWatchdog* watchdog = nullptr;
  std::string key;
};
thread_local ThreadRequest t_request;

// The port of a socket address (AF_INET / AF_INET6), or -1.
int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// For a TCP connection on `port`: its key (the peer as httplib writes Request::remote_addr and
// remote_port: getnameinfo NI_NUMERICHOST) and inode; false for any other descriptor.
// The scan's first touch of descriptors other threads own (found in /proc/self/fd): one may be
// closed, or be a new socket, while this runs; the kernel answers EBADF or the socket it is now,
// and the caller re-checks key and inode on a duplicate before acting. ThreadSanitizer reports
// that unsynchronised use of another thread's descriptor as a race; scripts/tsan.supp suppresses
// it for this function by its name (it touches nothing but `fd` and its own arguments).
bool InspectForeignDescriptor(int fd, int port, std::string* key, uint64_t* inode) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || PortOf(local) != port) return false;
  sockaddr_storage peer{};
  len = sizeof(peer);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return false;  // the listener
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&peer), len, host, sizeof(host), nullptr, 0, NI_NUMERICHOST) != 0) {
    return false;
  }
  *key = Key(host, PortOf(peer));
  *inode = static_cast<uint64_t>(st.st_ino);
  return true;
}

}  // namespace

ConnectionWatchdog::ConnectionWatchdog(ConnectionWatchdogOptions options) : options_(std::move(options)) {}

namespace {

// The descriptor of the connection on `port` from `peer_addr`:`peer_port` (and its inode), or -1.
int FindConnection(int port, const std::string& peer_addr, int peer_port, uint64_t* inode_out = nullptr) {
  const std::string want = Key(peer_addr, peer_port);
  int fd = -1;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(dir)) {
      char* end = nullptr;
      const long n = std::strtol(e->d_name, &end, 10);
      if (end == e->d_name || *end != '\0' || n == dirfd(dir)) continue;
      std::string key;
      uint64_t inode = 0;
      if (InspectForeignDescriptor(static_cast<int>(n), port, &key, &inode) && key == want) {
        fd = static_cast<int>(n);
        if (inode_out != nullptr) *inode_out = inode;
        break;
      }
    }
    closedir(dir);
  }
  return fd;
}

}  // namespace

bool EndAnsweredConnection(int port, const std::string& peer_addr, int peer_port, int linger_ms) {
  const int fd = FindConnection(port, peer_addr, peer_port);
  if (fd < 0) return false;
  const int keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);  // the connection, held past httplib's close
  int ends[2];
  if (keep < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    if (keep >= 0) close(keep);
    shutdown(fd, SHUT_RDWR);  // at least no answer to what follows
    return true;
  }
  close(ends[1]);                       // httplib's next read of `fd` meets the end: it closes it
  dup3(ends[0], fd, O_CLOEXEC);
  close(ends[0]);
  shutdown(keep, SHUT_WR);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(linger_ms);
  char buf[16384];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{keep, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t got = recv(keep, buf, sizeof buf, 0);
    if (got <= 0) break;  // the client closed (or an error): done
  }
  close(keep);
  return true;
}

ConnectionWatchdog::~ConnectionWatchdog() { Stop(); }

void ConnectionWatchdog::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      ScanOnce();
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(options_.scan_ms), [this] { return stopping_; });
    }
  });
}

void ConnectionWatchdog::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ConnectionWatchdog::RequestStarted(const std::string& peer_addr, int peer_port, bool has_body) {
  const std::string key = Key(peer_addr, peer_port);
  {
    std::lock_guard lock(mu_);
    Conn& c = conns_[key];
    c.in_request = true;
    c.reading_body = has_body;
    c.clock_ms = NowMs();  // the body's deadline counts from its header, not the wait for a thread
  }
  t_request = ThreadRequest{this, key};
}

bool ConnectionWatchdog::RequestDone(const std::string& peer_addr, int peer_port) {
  const std::string key = Key(peer_addr, peer_port);
  bool was_cut = false;
  {
    std::lock_guard lock(mu_);
    Conn& c = conns_[key];
    c.in_request = false;
    c.reading_body = false;
    c.clock_ms = NowMs();
    was_cut = c.cut;
  }
  if (t_request.watchdog == this && t_request.key == key) t_request = ThreadRequest{};
  return was_cut;
}

void ConnectionWatchdog::HandlerStarted() {
  if (t_request.watchdog != nullptr) t_request.watchdog->MarkHandlerStarted(t_request.key);
}

void ConnectionWatchdog::MarkHandlerStarted(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(key);
  if (it != conns_.end()) it->second.reading_body = false;
}

namespace {
// Bytes the client sent that no thread has read yet; 0 when none or unknown.
int Unread(int fd) {
  int unread = 0;
  return ioctl(fd, FIONREAD, &unread) == 0 ? unread : 0;
}

// The unread bytes (peeked, not taken) hold a whole request header: a blank line within the
// first 16 KiB.
bool HeaderWaiting(int fd) {
  char buf[16384];
  const ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
  if (n <= 0) return false;
  const std::string_view b(buf, static_cast<size_t>(n));
  return b.find("\r\n\r\n") != std::string_view::npos || b.find("\n\n") != std::string_view::npos;
}

long ThisThreadId() { return static_cast<long>(syscall(SYS_gettid)); }

// Whether thread `tid` of this process is blocked reading descriptor `fd`: in poll / ppoll on
// one pollfd of it (httplib 0.11's wait for bytes, CPPHTTPLIB_USE_POLL) or in recvfrom / read of
// it. From /proc/self/task/TID/syscall ("NR arg0 arg1 ..." while in a system call); the pollfd is
// read with process_vm_readv (an address that is no longer mapped is an error, not a crash).
bool ThreadReads(long tid, int fd) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%ld/syscall", tid);
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return false;
  long nr = -1;
  unsigned long a0 = 0, a1 = 0;
  const int n = std::fscanf(f, "%ld %lx %lx", &nr, &a0, &a1);
  std::fclose(f);
  if (n != 3) return false;  // "running", or not in a system call
  bool polls = false;
#ifdef SYS_poll
  polls = polls || nr == SYS_poll;
#endif
#ifdef SYS_ppoll
  polls = polls || nr == SYS_ppoll;
#endif
  if (polls) {
    if (a1 != 1) return false;  // httplib waits on one descriptor
    pollfd p{};
    iovec local{&p, sizeof(p)};
    iovec remote{reinterpret_cast<void*>(a0), sizeof(p)};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(sizeof(p)) && p.fd == fd;
  }
  bool reads = false;
#ifdef SYS_recvfrom
  reads = reads || nr == SYS_recvfrom;
#endif
#ifdef SYS_read
  reads = reads || nr == SYS_read;
#endif
  return reads && static_cast<long>(a0) == fd;
}

// Bytes this TCP socket has received since it was accepted (TCP_INFO's tcpi_bytes_received, Linux
// 4.1); -1 when unknown (an older kernel's shorter tcp_info).
int64_t BytesReceived(int fd) {
  tcp_info ti{};
  socklen_t len = sizeof(ti);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
      len < offsetof(tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
    return -1;
  }
  return static_cast<int64_t>(ti.tcpi_bytes_received);
}

// The thread of this process (other than the caller) blocked reading `fd`, or -1; `*files_read`
// counts the threads' files read.
long ThreadReading(int fd, std::atomic<int64_t>* files_read) {
  long found = -1;
  const long self = ThisThreadId();
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* e = readdir(dir)) {
      char* end = nullptr;
      const long tid = std::strtol(e->d_name, &end, 10);
      if (end == e->d_name || *end != '\0' || tid == self) continue;
      ++*files_read;
      if (ThreadReads(tid, fd)) {
        found = tid;
        break;
      }
    }
    closedir(dir);
  }
  return found;
}

}  // namespace

bool ConnectionWatchdog::HeaderCutOnThisThread() {
  CutReader r;
  {
    std::lock_guard lock(mu_);
    auto it = cut_readers_.find(ThisThreadId());
    if (it == cut_readers_.end()) return false;
    r = it->second;
    cut_readers_.erase(it);
  }
  // The thread's connection is the cut one while that socket is still open under its number: the
  // thread closes it only after this log. A record left by a cut whose thread logged nothing (no
  // byte of a request read) names a socket closed since, or a number now another socket's.
  struct stat st {};
  return fstat(r.fd, &st) == 0 && S_ISSOCK(st.st_mode) && static_cast<uint64_t>(st.st_ino) == r.inode;
}

bool ConnectionWatchdog::Late(const Conn& c, int64_t now) const {
  const int64_t waited = now - c.clock_ms;
  const bool header_late = !c.in_request && options_.header_timeout_ms > 0 && waited > options_.header_timeout_ms;
  const bool body_late =
      c.in_request && c.reading_body && options_.request_timeout_ms > 0 && waited > options_.request_timeout_ms;
  return !c.cut && (header_late || body_late);
}

bool ConnectionWatchdog::ToCut(const Conn& c, int64_t now) const {
  return Late(c, now) || (draining_ && !c.cut && !c.in_request);
}

int ConnectionWatchdog::Drain() {
  {
    std::lock_guard lock(mu_);
    draining_ = true;
  }
  return ScanOnce();
}

int ConnectionWatchdog::ScanOnce() {
  struct Found {
    int fd;
    std::string key;
    uint64_t inode;
    bool header_waiting = false;  // a whole request header sent, unread
  };
  std::vector<Found> found;
  if (DIR* dir = opendir("/proc/self/fd")) {
    const int own = dirfd(dir);
    while (dirent* e = readdir(dir)) {
      char* end = nullptr;
      const long fd = std::strtol(e->d_name, &end, 10);
      if (end == e->d_name || *end != '\0' || fd == own) continue;
      Found f{static_cast<int>(fd), "", 0};
      if (InspectForeignDescriptor(f.fd, options_.port, &f.key, &f.inode)) {
        f.header_waiting = Unread(f.fd) > 0 && HeaderWaiting(f.fd);
        found.push_back(std::move(f));
      }
    }
    closedir(dir);
  }
  const int64_t now = NowMs();
  std::vector<Found> late;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, c] : conns_) c.seen = false;
    for (const Found& f : found) {
      Conn& c = conns_[f.key];
      if (c.inode != 0 && c.inode != f.inode) c = Conn{};  // the peer port was reused: another connection
      if (c.inode == 0) {
        c.inode = f.inode;
        if (c.clock_ms == 0) c.clock_ms = now;
      }
      c.seen = true;
      c.misses = 0;
      // Between requests, a whole header waiting unread means the client has sent its request and
      // every thread is busy: that wait is the server's, so its header clock starts again. Before,
      // the clock ran from the first scan, and a client queued longer than header_timeout_ms was
      // cut in the moment a thread read its bytes and had not yet called RequestStarted (seen:
      // server_test's BODY-trickling case cut its /healthz, 1 run in 4 at load 5). A queued slow
      // client (part of a header) keeps its clock: it is cut as soon as a thread has read it.
      if (!c.in_request && f.header_waiting) c.clock_ms = now;
      if (ToCut(c, now)) late.push_back(f);
    }
    // Closed ones go after two scans without them (an entry a request made before any scan saw
    // its connection gets that long to be seen).
    for (auto it = conns_.begin(); it != conns_.end();) {
      if (!it->second.seen && ++it->second.misses >= 2) {
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
  }
  int cut = 0;
  for (const Found& f : late) {
    // httplib's threads close their descriptors whenever they like, and a number closed is the
    // next socket's (an outgoing Prometheus / Alertmanager connection, a new client): checking
    // f.fd and then shutting f.fd down could cut that other socket. So the check and the
    // shutdown both go through a duplicate taken first: it holds the socket the check saw, and
    // shutdown(2) acts on that socket whatever f.fd has become meanwhile.
    const int dup = fcntl(f.fd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) continue;  // closed meanwhile
    std::string key;
    uint64_t inode = 0;
    if (InspectForeignDescriptor(dup, options_.port, &key, &inode) && key == f.key && inode == f.inode) {
      // Bytes waiting unread: the client has sent and no thread has read it yet (all busy); the
      // server is the slow one. A slowloris connection being served has its bytes read at once.
      const bool waiting = Unread(dup) > 0;
      if (!waiting && options_.before_cut_for_test) options_.before_cut_for_test(f.fd);
      // Marked cut before the shutdown: the serving thread's read fails at once and its
      // RequestDone must already see the mark (it tells HttpApi not to count that request).
      // Still late, judged again under the lock: the cuts earlier in this loop free httplib's
      // threads, which take the queued connections at once; one whose request has started since
      // the scan (RequestStarted) is no longer late and is left alone.
      // A connection between requests (its header not read yet): the thread reading it, if one
      // is blocked on it now, logs the cut as a 400 without the peer; found before the shutdown
      // (which wakes it) and remembered with the mark.
      long reader = -1;
      auto mark = [&](bool cut_now) {
        std::lock_guard lock(mu_);
        auto it = conns_.find(f.key);
        if (it == conns_.end() || it->second.inode != f.inode) return false;
        if (cut_now && !ToCut(it->second, NowMs())) return false;
        it->second.cut = cut_now;
        if (reader >= 0 && cut_now && !it->second.in_request) {
          cut_readers_[reader] = CutReader{f.fd, f.inode};
        } else if (reader >= 0 && !cut_now) {
          cut_readers_.erase(reader);
        }
        return true;
      };
      if (!waiting) {
        bool header_phase = false;
        {
          std::lock_guard lock(mu_);
          auto it = conns_.find(f.key);
          header_phase = it != conns_.end() && !it->second.in_request;
        }
        // Only one that has sent something can be logged (httplib logs nothing for a connection
        // closed before its request line), so a crowd of silent connections (connected, nothing
        // sent) costs no thread's file: looking read up to every thread's per cut (review RV-SV).
        if (header_phase && BytesReceived(dup) != 0) reader = ThreadReading(f.fd, &reader_files_read_);
      }
      if (!waiting && mark(true)) {
        // Draining, the read side only: a request whose header was read just before this (its
        // RequestStarted not yet called) still gets its answer written.
        bool draining = false;
        {
          std::lock_guard lock(mu_);
          draining = draining_;
        }
        if (shutdown(dup, draining ? SHUT_RD : SHUT_RDWR) == 0) {
          ++cut;
          if (options_.on_cut) options_.on_cut();
        } else {
          mark(false);
        }
      }
    }
    close(dup);
  }
  return cut;
}

int64_t BytesReadPastRequest(int port, const std::string& peer_addr, int peer_port, uint64_t request_bytes) {
  // What the server's reads took of each connection by the end of its last request answered:
  // inode -> bytes. A connection not in it starts at 0 (its first request). Bounded: cleared when
  // it holds kMaxConnections (a connection then unseen counts its earlier requests too, and is
  // ended at worst: a false "read past").
  static std::mutex mu;
  static std::map<uint64_t, int64_t> read_before;
  constexpr size_t kMaxConnections = 4096;
  uint64_t inode = 0;
  const int fd = FindConnection(port, peer_addr, peer_port, &inode);
  if (fd < 0) return -1;
  // Received, then unread: a byte arriving between the two is counted as unread, never as taken.
  tcp_info ti{};
  socklen_t len = sizeof(ti);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
      len < offsetof(tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
    return -1;
  }
  int64_t received = static_cast<int64_t>(ti.tcpi_bytes_received);
  // The client's FIN counts one in tcpi_bytes_received (it advances rcv_nxt): curl closing as soon
  // as it has the answer read as "1 byte read past the request" (seen on vigil serve).
  // The kernel's TCP states (include/net/tcp_states.h) after a FIN received: CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT.
  constexpr uint8_t kTimeWait = 6, kCloseWait = 8, kLastAck = 9, kClosing = 11;
  if (ti.tcpi_state == kCloseWait || ti.tcpi_state == kLastAck || ti.tcpi_state == kClosing ||
      ti.tcpi_state == kTimeWait) {
    --received;
  }
  const int64_t taken = received - Unread(fd);
  std::lock_guard lock(mu);
  if (read_before.size() >= kMaxConnections && read_before.find(inode) == read_before.end()) read_before.clear();
  int64_t& before = read_before[inode];
  const int64_t past = taken - before - static_cast<int64_t>(request_bytes);
  before = taken;
  return past > 0 ? past : 0;
}

}  // namespace vigil
