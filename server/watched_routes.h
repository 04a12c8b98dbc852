#pragma once
// WatchedRoutes: how routes from outside HttpApi (HttpApiOptions::extra_routes, the chat's
// RegisterChatRoutes) are added to `vigil serve`'s httplib::Server. Every handler registered
// through it first calls ConnectionWatchdog::HandlerStarted(): httplib calls a handler once the
// request's body has been read, so from there the time is the server's and --request-timeout must
// not cut the connection. Before (f6c535e..8d75923) each such route had to call HandlerStarted
// itself, and one that took a body and forgot was cut --request-timeout into its handler.
//
// Only plain handlers (whole body in Request::body) are offered. A body-taking method (POST, PUT,
// PATCH, DELETE) is registered through httplib's content-reader form (Capped): the body is read
// there, at most the limit, and HandlerStarted is called once it is read. On a server without a
// watchdog (a test's own httplib::Server) HandlerStarted does nothing, so RegisterChatRoutes works
// on any server.
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace vigil {

class WatchedRoutes {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // Implicit, so that a function taking WatchedRoutes is called with the server itself.
  WatchedRoutes(httplib::Server& server) : server_(&server) {}  // NOLINT(google-explicit-constructor)
  // With a body limit: a request whose body (read whole, chunked ones included) is over `max_body`
  // bytes gets `too_large` instead of the route's handler. HttpApi passes its --max-body when the
  // server reads larger bodies for the webhook route (--max-webhook-body): httplib's own limit is then
  // the webhook's, and a chunked body has no Content-Length to refuse it by before it is read.
  WatchedRoutes(httplib::Server& server, size_t max_body, Handler too_large)
      : server_(&server), max_body_(max_body), too_large_(std::move(too_large)) {}

  WatchedRoutes& Get(const std::string& pattern, Handler handler);
  WatchedRoutes& Post(const std::string& pattern, Handler handler);
  WatchedRoutes& Put(const std::string& pattern, Handler handler);
  WatchedRoutes& Patch(const std::string& pattern, Handler handler);
  WatchedRoutes& Delete(const std::string& pattern, Handler handler);
  WatchedRoutes& Options(const std::string& pattern, Handler handler);

  // `handler` preceded by ConnectionWatchdog::HandlerStarted() (what every method above registers).
  static Handler Watched(Handler handler);

  // For httplib's content-reader registration (Server::Post(pattern, HandlerWithContentReader)):
  // reads the body, at most `max_body` bytes of it as inflated (Content-Encoding gzip / br), then
  // calls `handler` with the request holding it. Over the limit: `too_large` (the rest is read and
  // dropped, holding nothing: httplib 0.11 would read a body left unread as the client's next
  // requests). A body httplib could not read (a Content-Length over
  // its payload limit, a broken chunk, a client gone): its status (413 / 400), the error handler's
  // body. RV6 (2026-12-06): httplib 0.11 reads a plain handler's chunked body whole whatever its size
  // (its payload limit is checked against Content-Length only) and inflates a gzip body whole; the
  // limit was checked after, on what was already in memory (a 0.97 MB gzip took serve over 1 GB).
  using ReaderHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;
  static ReaderHandler Capped(Handler handler, size_t max_body, Handler too_large);

 private:
  Handler Limited(Handler handler) const;  // Watched, and the body limit when one is set
  size_t Cap() const;        // Capped's limit: max_body_, or none (SIZE_MAX) without one
  Handler TooLarge() const;  // too_large_, or a plain 413 without one

  httplib::Server* server_;
  size_t max_body_ = 0;  // 0: no limit of its own (httplib's payload limit, Content-Length only)
  Handler too_large_;
};

}  // namespace vigil
