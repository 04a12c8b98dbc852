// ConnectionWatchdog: cuts the connections of `vigil serve` whose next request's header, or whose
// request's body, has not come in time (slowloris: a header byte a second holds one of httplib's threads for as long as
// the client likes, since httplib's read timeout bounds each read, not the request).
//
// httplib (0.11) gives no hook on an accepted socket, so the watchdog finds them itself: every
// `scan_ms` it walks the process' descriptors (/proc/self/fd) for TCP sockets whose local port is
// the server's and that have a peer. A connection's clock starts when the watchdog first sees it
// and again when a response on it has been written (RequestDone); while a request is being
// served (RequestStarted, called once its header has been read, until RequestDone) it is never
// cut. A connection whose clock passes `header_timeout_ms` is shut down (shutdown(2) both ways:
// httplib's read returns, it closes the socket and the thread is free); on_cut is called. One
// with unread bytes waiting is not cut: it sent its request and waits for a free thread; between
// requests, when those bytes hold a whole header (peeked), the wait also starts its clock again
// (it is the server's), so a thread that takes it has header_timeout_ms from the last scan that
// saw it waiting; a queued slow client (part of a header) keeps its clock and is cut once read. A
// connection is judged late again under the lock just before its shutdown (a thread freed by
// an earlier cut of the same scan may have started its request meanwhile).
// Connections are told apart by peer address and port, and by the socket's inode (a new
// connection from a reused peer port starts afresh). httplib logs a connection cut in its header
// phase without the peer (it takes it after the header), so before such a cut the watchdog looks
// for the thread reading it (/proc/self/task/*/syscall: blocked in poll on that descriptor, or in
// recv / read of it) and remembers it; that thread's log then says "cut" (HeaderCutOnThisThread).
// Linux only; a reader not found (the thread running just then, /proc unreadable) is counted as
// before, a 400 of the path. Not looked for when the connection has received no byte (TCP_INFO):
// httplib logs nothing for it, and looking reads up to every thread's /proc file (review RV-SV).
// A request with a body (Content-Length > 0 or chunked) is in its body phase from RequestStarted
// (header read) until its handler starts (HandlerStarted, called by the handler on its thread):
// a connection still in it `request_timeout_ms` after its header was read is cut the same way
// (so a connection is held at most header_timeout_ms + request_timeout_ms before its handler; the
// time a request waited for a free thread is not counted against it) (a body trickled a byte at a time, each read within the read
// timeout, would otherwise hold the thread for as long as the client likes). A request without a
// body, and one whose handler has started, is never cut: the handler's time is the server's.
// A route that takes a body and whose handler does not call HandlerStarted would be cut after
// request_timeout_ms in its handler: HttpApi's routes call it through its wrapper, and every route
// of HttpApiOptions::extra_routes (the chat's) through WatchedRoutes (server/watched_routes.h),
// which is the only way to add one. Between the scan that finds a
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
  int header_timeout_ms = 20'000;  // 0: no header deadline
  // A request's body must have come this long after its header was read; 0: no such deadline.
  int request_timeout_ms = 60'000;
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
  // Called on the thread serving the request once its header has been read; `has_body`: it has a
  // body still to be read (Content-Length > 0 or chunked). Remembers the request for
  // HandlerStarted on this thread.
  void RequestStarted(const std::string& peer_addr, int peer_port, bool has_body = false);
  // The request's answer was written (or failed); true when the watchdog cut this connection (its
  // "answer" is httplib's failed read, never sent: HttpApi does not count it as a request).
  bool RequestDone(const std::string& peer_addr, int peer_port);
  // For httplib's log of a request whose header read failed (Request::remote_port -1: httplib
  // takes the peer only after the header): true when the watchdog cut the connection the calling
  // thread was reading (found blocked on it just before the cut, and that socket is still open
  // under the same descriptor), so HttpApi counts a cut, not a 400 of the path. False for a
  // header that ended any other way (the client closed, a malformed line).
  bool HeaderCutOnThisThread();
  // The request being served on the calling thread has its body: its handler runs, and the
  // connection is no longer cut until RequestDone. Does nothing on a thread with no request of a
  // watchdog's (a server without one, a test's own httplib::Server).
  static void HandlerStarted();
  // Walks the descriptors once (what the thread does every scan_ms); the number cut.
  int ScanOnce();
  // The server is stopping (httplib's stop() closed the listener): from now on every connection
  // between requests with no byte of a next request waiting is cut at once (shutdown(2) of its
  // read side: its thread, waiting up to the keep-alive timeout for a next request that will not
  // be served, ends now; an answer still being written is not cut off), whatever its clock; a
  // request being served, and bytes sent and waiting for a thread, are left to finish. Walks the
  // descriptors once now (ScanOnce); the thread's scans keep doing it. The number cut.
  // REV3, 2026-12-04: SIGTERM took up to 3.7 s with Prometheus scraping vigil serve: its idle
  // keep-alive connection held a thread of httplib's until the keep-alive timeout (5 s).
  int Drain();
  // Threads' /proc/self/task/TID/syscall files read so far looking for a header-phase cut's
  // reader (the cost of the matching: up to every thread's per cut; tests read it).
  int64_t ReaderFilesRead() const { return reader_files_read_.load(); }

 private:
  void MarkHandlerStarted(const std::string& key);
  struct Conn {
    uint64_t inode = 0;  // 0: known from a request only, not yet seen by a scan
    int64_t clock_ms = 0;
    bool in_request = false;
    bool reading_body = false;  // in_request, its body not yet all read (no handler started)
    bool seen = false;
    int misses = 0;  // scans in a row that did not find it
    bool cut = false;  // shut down already (its thread has not closed it yet): not cut nor counted again
  };
  // Late, or between requests while draining (Drain). Under mu_.
  bool ToCut(const Conn& c, int64_t now) const;
  // Past its header deadline (between requests) or its body deadline (a body still being read),
  // and not cut yet. Under mu_.
  bool Late(const Conn& c, int64_t now) const;
  ConnectionWatchdogOptions options_;
  std::mutex mu_;
  std::map<std::string, Conn> conns_;  // "addr|port"
  // A header-phase cut's reader: the thread found blocked reading (poll / recv) the descriptor
  // cut, with that socket's inode; taken by the thread's HeaderCutOnThisThread. Under mu_.
  struct CutReader {
    int fd = -1;
    uint64_t inode = 0;
  };
  std::map<long, CutReader> cut_readers_;  // by thread id (gettid)
  std::atomic<int64_t> reader_files_read_{0};
  std::condition_variable cv_;
  bool stopping_ = false;
  bool draining_ = false;  // Drain() was called; under mu_
  std::thread thread_;
};

// RV10: ends the connection of the request just answered on the calling thread (httplib's logger
// runs there after the answer is written), the peer `peer_addr`:`peer_port` on `port`. For an answer
// given before the body was read (HttpApi's pre-routing 401 / 411 / 413, which say `Connection:
// close`): httplib 0.11 decides to keep a connection from the request's header only, so it read the
// unread body, as it came, as the next request (a body that was a request was answered, one that
// was not got a 400). The socket httplib reads is replaced by one at its end (httplib then reads
// nothing more and closes it); the connection itself is shut for writing (the answer, then FIN) and
// what the client still sends is read and dropped for at most `linger_ms` (a close with bytes
// unread sends a reset, which can drop the answer in flight), then closed. False when no such
// connection was found (nothing done).
bool EndAnsweredConnection(int port, const std::string& peer_addr, int peer_port, int linger_ms = 1000);

// RV11: the bytes the server read from the connection of the request just answered (on `port`,
// the peer `peer_addr`:`peer_port`) beyond that request's `request_bytes` (its header and body as
// sent): > 0 when the client pipelined (sent its next request before this answer) and httplib 0.11
// read part or all of the next request with this one. httplib reads through a 4 KiB buffer that
// it drops with the request, so those bytes are lost: a small next request wholly (never
// answered), a large one's head (its rest then read as a request: a 400 the client takes for its
// answer). 0 when nothing was read past it; -1 when unknown (no such socket, no TCP_INFO bytes).
// Measured with TCP_INFO's tcpi_bytes_received less the bytes still unread (FIONREAD), against
// what this connection's reads had taken at its previous request's end (remembered by inode).
// Call once per request, after its answer, on the thread that served it (httplib's logger).
int64_t BytesReadPastRequest(int port, const std::string& peer_addr, int peer_port, uint64_t request_bytes);

}  // namespace vigil
