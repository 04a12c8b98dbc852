#pragma once
// WatchedRoutes: how routes from outside HttpApi (HttpApiOptions::extra_routes, the chat's
// RegisterChatRoutes) are added to `vigil serve`'s httplib::Server. Every handler registered
// through it first calls ConnectionWatchdog::HandlerStarted(): httplib calls a handler once the
// request's body has been read, so from there the time is the server's and --request-timeout must
// not cut the connection. Before (f6c535e..8d75923) each such route had to call HandlerStarted
// itself, and one that took a body and forgot was cut --request-timeout into its handler.
//
// Only plain handlers (whole body in Request::body) are offered: a content-reader handler reads
// the body itself inside the handler, so the watchdog could not tell the client's time from the
// server's. On a server without a watchdog (a test's own httplib::Server) HandlerStarted does
// nothing, so RegisterChatRoutes works on any server.
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace httplib {
class Server;
struct Request;
struct Response;
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

 private:
  Handler Limited(Handler handler) const;  // Watched, and the body limit when one is set

  httplib::Server* server_;
  size_t max_body_ = 0;  // 0: no limit of its own (httplib's payload limit only)
  Handler too_large_;
};

}  // namespace vigil
