#include "server/watched_routes.h"

#include <httplib.h>

#include <cstdint>
#include <string>
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

size_t WatchedRoutes::Cap() const { return max_body_ == 0 ? SIZE_MAX : max_body_; }

WatchedRoutes::Handler WatchedRoutes::TooLarge() const {
  if (too_large_) return too_large_;
  return [](const httplib::Request&, httplib::Response& res) { res.set_content("request body too large", "text/plain"); };
}

WatchedRoutes::ReaderHandler WatchedRoutes::Capped(Handler handler, size_t max_body, Handler too_large) {
  return [handler = std::move(handler), max_body, too_large = std::move(too_large)](
             const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    // Over the limit, the rest is read and dropped: httplib 0.11 keeps a connection open whatever the
    // answer says, so a body left unread would be parsed as the client's next requests (400s, or a
    // request hidden in the body served). A body that never ends is cut by the watchdog's request
    // deadline (its handler has not started).
    std::string body;
    bool over = false;
    auto take = [&](const char* data, size_t n) {
      if (!over && n <= max_body - body.size()) {
        body.append(data, n);
      } else if (!over) {
        over = true;
        std::string().swap(body);
      }
      return true;
    };
    // A multipart body fills no Request::body (httplib parses it into files); its bytes count alike.
    size_t multipart_bytes = 0;
    const bool read_all = req.is_multipart_form_data()
                              ? read([](const httplib::MultipartFormData&) { return true; },
                                     [&](const char*, size_t n) {
                                       multipart_bytes += n;
                                       over = over || multipart_bytes > max_body;
                                       return true;
                                     })
                              : read(take);
    if (over) {
      res.status = 413;
      too_large(req, res);
      return;
    }
    if (!read_all) {
      if (res.status < 400) res.status = 400;  // the error handler's body, as for a plain route's failed read
      return;
    }
    httplib::Request whole = req;
    whole.body = std::move(body);
    handler(whole, res);
  };
}

WatchedRoutes& WatchedRoutes::Get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, Limited(std::move(handler)));
  return *this;
}
WatchedRoutes& WatchedRoutes::Post(const std::string& pattern, Handler handler) {
  server_->Post(pattern, Capped(Limited(std::move(handler)), Cap(), TooLarge()));
  return *this;
}
WatchedRoutes& WatchedRoutes::Put(const std::string& pattern, Handler handler) {
  server_->Put(pattern, Capped(Limited(std::move(handler)), Cap(), TooLarge()));
  return *this;
}
WatchedRoutes& WatchedRoutes::Patch(const std::string& pattern, Handler handler) {
  server_->Patch(pattern, Capped(Limited(std::move(handler)), Cap(), TooLarge()));
  return *this;
}
WatchedRoutes& WatchedRoutes::Delete(const std::string& pattern, Handler handler) {
  server_->Delete(pattern, Capped(Limited(std::move(handler)), Cap(), TooLarge()));
  return *this;
}
WatchedRoutes& WatchedRoutes::Options(const std::string& pattern, Handler handler) {
  server_->Options(pattern, Limited(std::move(handler)));
  return *this;
}

}  // namespace vigil
