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

WatchedRoutes& WatchedRoutes::Get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, Watched(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Post(const std::string& pattern, Handler handler) {
  server_->Post(pattern, Watched(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Put(const std::string& pattern, Handler handler) {
  server_->Put(pattern, Watched(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Patch(const std::string& pattern, Handler handler) {
  server_->Patch(pattern, Watched(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Delete(const std::string& pattern, Handler handler) {
  server_->Delete(pattern, Watched(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Options(const std::string& pattern, Handler handler) {
  server_->Options(pattern, Watched(std::move(handler)));
  return *this;
}

}  // namespace vigil
