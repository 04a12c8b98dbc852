// ConnectionWatchdog: cuts the connections of `vigil serve` whose next request's header has not
// come in time (slowloris: a header byte a second holds one of httplib's threads for as long as
// the client likes, since httplib's read timeout bounds each read, not the request).
//
// httplib (0.11) gives no hook on an accepted socket, so the watchdog finds them itself: every
// `scan_ms` it walks the process' descriptors (/proc/self/fd) for TCP sockets whose local port is
// the server's and that have a peer. A connection's clock starts when the watchdog first sees it
// and again when a response on it has been written (RequestDone); while a request is being
// served (RequestStarted, called once its header has been read, until RequestDone) it is never
// cut. A connection whose clock passes `header_timeout_ms` is shut down (shutdown(2) both ways:
// httplib's read returns, it closes the socket and the thread is free); on_cut is called. One
// with unread bytes waiting is not cut: it sent its request and waits for a free thread.
// Connections are told apart by peer address and port, and by the socket's inode (a new
// connection from a reused peer port starts afresh).
// Limits: a slow request body is not cut by it (the route's read timeout bounds each read, and
// --max-body the size); a request's handler is never cut. Between the scan that finds a
// connection late and its shutdown the descriptor is duplicated and the duplicate checked again
// (same peer, same inode) and shut down: a descriptor number httplib closed and the process gave
// to another socket meanwhile (an outgoing connection, a new client) is never the one cut.
// The listening socket is never cut (it has no peer).
//
// Thread safety: RequestStarted / RequestDone from any thread (httplib's); Start / Stop from one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace vigil {

struct ConnectionWatchdogOptions {
  int port = 0;                  // the server's (bound) port
  int header_timeout_ms = 20'000;
  int scan_ms = 500;
  std::function<void()> on_cut;  // after each connection cut (metrics); may be empty
  // Tests only: called with the late connection's descriptor number after it was checked, just
  // before its shutdown (a test closes it and puts another socket at that number there).
  std::function<void(int fd)> before_cut_for_test;
};

class ConnectionWatchdog {
 public:
  explicit ConnectionWatchdog(ConnectionWatchdogOptions options);
  ~ConnectionWatchdog();  // Stop()
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  void Start();
  void Stop();
  void RequestStarted(const std::string& peer_addr, int peer_port);
  void RequestDone(const std::string& peer_addr, int peer_port);
  // Walks the descriptors once (what the thread does every scan_ms); the number cut.
  int ScanOnce();

 private:
  struct Conn {
    uint64_t inode = 0;  // 0: known from a request only, not yet seen by a scan
    int64_t clock_ms = 0;
    bool in_request = false;
    bool seen = false;
    int misses = 0;  // scans in a row that did not find it
  };
  ConnectionWatchdogOptions options_;
  std::mutex mu_;
  std::map<std::string, Conn> conns_;  // "addr|port"
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil
