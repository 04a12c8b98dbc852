#include "server/watched_routes.h"

#include <httplib.h>

#include <utility>

#include "server/connection_watchdog.h"

namespace vigil {

WatchedRoutes::Handler WatchedRoutes::Watched(Handler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    ConnectionWatchdog::HandlerStarted();  // the body has been read: from here the time is ours
    handler(req, res);
  };
}

WatchedRoutes::Handler WatchedRoutes::Limited(Handler handler) const {
  if (max_body_ == 0 || !too_large_) return Watched(std::move(handler));
  return Watched([handler = std::move(handler), max = max_body_, too_large = too_large_](const httplib::Request& req,
                                                                                      httplib::Response& res) {
    if (req.body.size() > max) {
      too_large(req, res);
    } else {
      handler(req, res);
    }
  });
}

WatchedRoutes& WatchedRoutes::Get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Post(const std::string& pattern, Handler handler) {
  server_->Post(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Put(const std::string& pattern, Handler handler) {
  server_->Put(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Patch(const std::string& pattern, Handler handler) {
  server_->Patch(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Delete(const std::string& pattern, Handler handler) {
  server_->Delete(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Options(const std::string& pattern, Handler handler) {
  server_->Options(pattern, Limited(std::move(handler)));
  return *this;
}

}  // namespace vigil
