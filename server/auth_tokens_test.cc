// AuthTokens (the token file, the header check, reload) and HttpApi's bearer-token check on the
// real server over loopback. tests/serve_auth_test.sh runs `vigil serve --auth-token-file` with a
// real Alertmanager and the chat page in Chromium.
#include "server/auth_tokens.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "connectors/alertmanager.h"
#include "knowledge/temp_dir_testing.h"
#include "server/http_api.h"

namespace vigil {
namespace {

constexpr const char* kTokenA = "tok-A-0123456789abcdef";
constexpr const char* kTokenB = "tok-B-fedcba9876543210==";

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text, mode_t mode = 0600) {
  const std::string path = (dir.path / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(chmod(path.c_str(), mode) == 0);
  return path;
}

}  // namespace

TEST_CASE("ReadAuthTokenFile: one token a line, comments and blanks skipped, spaces trimmed") {
  TempDir dir("vigil_auth_test");
  const std::string path = WriteFile(dir, "tokens",
                                     std::string("# on-call tokens\n\n  ") + kTokenA + "  \r\n" + kTokenB +
                                         "   # alertmanager\n   # " + "old-token-not-used-0000\n");
  auto tokens = ReadAuthTokenFile(path);
  REQUIRE_MESSAGE(tokens.ok(), tokens.status().ToString());
  CHECK(*tokens == std::vector<std::string>{kTokenA, kTokenB});
  // A UTF-8 byte-order mark before the first token (Notepad's "UTF-8 with BOM"): not part of it
  // (DOG5; refused as ":1: not a bearer token" with b776139c).
  const std::string bom = WriteFile(dir, "bom", std::string("\xEF\xBB\xBF") + kTokenA + "\r\n");
  auto bom_tokens = ReadAuthTokenFile(bom);
  REQUIRE_MESSAGE(bom_tokens.ok(), bom_tokens.status().ToString());
  CHECK(*bom_tokens == std::vector<std::string>{kTokenA});
}

TEST_CASE("ReadAuthTokenFile: refused, naming the file (and the line), never quoting a token") {
  TempDir dir("vigil_auth_test");
  auto error_of = [](const std::string& path) {
    auto r = ReadAuthTokenFile(path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return r.status().message();
  };
  const std::string missing = (dir.path / "nope").string();
  CHECK(error_of(missing) == "--auth-token-file " + missing + ": No such file or directory");
  const std::string empty = WriteFile(dir, "empty", "# nothing yet\n\n");
  CHECK(error_of(empty) == "--auth-token-file " + empty + ": holds no token (one per line, # comments)");
  const std::string open = WriteFile(dir, "open", std::string(kTokenA) + "\n", 0644);
  CHECK(error_of(open) == "--auth-token-file " + open +
                              ": readable or writable by every user (mode 0644); it holds secrets: chmod 600 it");
  CHECK(error_of(dir.path.string()).find("not a regular file") != std::string::npos);
  const std::string spaced = WriteFile(dir, "spaced", std::string(kTokenA) + "\nsecret with-a-space-0123\n");
  const std::string m = error_of(spaced);
  CHECK(m.starts_with("--auth-token-file " + spaced + ":2: not a bearer token"));
  CHECK(m.find("secret") == std::string::npos);
  const std::string short_one = WriteFile(dir, "short", "abc123\n");
  CHECK(error_of(short_one) == "--auth-token-file " + short_one +
                                   ":1: a token of 6 characters; use 16 to 4096 (e.g. `openssl rand -hex 32`)");
  // '=' only at the end (RFC 6750 b64token).
  CHECK(error_of(WriteFile(dir, "eq", "abc=def0123456789abc\n")).find(":1: not a bearer token") != std::string::npos);
}

TEST_CASE("ConstantTimeEquals") {
  CHECK(ConstantTimeEquals("abcdef", "abcdef"));
  CHECK_FALSE(ConstantTimeEquals("abcdeg", "abcdef"));
  CHECK_FALSE(ConstantTimeEquals("abcde", "abcdef"));
  CHECK_FALSE(ConstantTimeEquals("abcdefg", "abcdef"));
  CHECK_FALSE(ConstantTimeEquals("", "abcdef"));
  CHECK_FALSE(ConstantTimeEquals(std::string_view("abcdef\0", 7), "abcdef"));
}

TEST_CASE("AuthTokens: the Authorization header, and SIGHUP's reload") {
  TempDir dir("vigil_auth_test");
  const std::string path = WriteFile(dir, "tokens", std::string(kTokenA) + "\n" + kTokenB + "\n");
  auto auth = AuthTokens::Load(path);
  REQUIRE(auth.ok());
  AuthTokens& a = **auth;
  CHECK(a.count() == 2);
  CHECK(a.Accepts(std::string("Bearer ") + kTokenA));
  CHECK(a.Accepts(std::string("bearer  ") + kTokenB));
  CHECK(a.Accepts(std::string("BEARER ") + kTokenA + " "));
  CHECK_FALSE(a.Accepts(""));
  CHECK_FALSE(a.Accepts("Bearer"));
  CHECK_FALSE(a.Accepts("Bearer "));
  CHECK_FALSE(a.Accepts(kTokenA));                                        // no scheme
  CHECK_FALSE(a.Accepts(std::string("Basic ") + kTokenA));                // another scheme
  CHECK_FALSE(a.Accepts(std::string("Bearer") + kTokenA));                // no space
  CHECK_FALSE(a.Accepts(std::string("Bearer ") + kTokenA + "x"));         // longer
  CHECK_FALSE(a.Accepts(std::string("Bearer tok-A-0123456789abcde")));    // a prefix
  CHECK_FALSE(a.Accepts(std::string("Bearer ") + kTokenA + " " + kTokenB));

  const std::string kTokenC = "tok-C-new-one-after-rotation";
  WriteFile(dir, "tokens", "# rotated\n" + kTokenC + "\n");
  REQUIRE(a.Reload().ok());
  CHECK(a.count() == 1);
  CHECK(a.Accepts("Bearer " + kTokenC));
  CHECK_FALSE(a.Accepts(std::string("Bearer ") + kTokenA));
  // A reload that fails keeps the tokens in use.
  WriteFile(dir, "tokens", "\n");
  const Status bad = a.Reload();
  CHECK(bad.message().find("holds no token") != std::string::npos);
  CHECK(a.Accepts("Bearer " + kTokenC));
  CHECK(a.count() == 1);
}

namespace {

// HttpApi with `auth` on loopback, with a stand-in chat page at / and /api/v1/chat.
struct AuthServer {
  TempDir dir{"vigil_auth_api_test"};
  std::unique_ptr<IncidentStore> store;
  std::unique_ptr<AuthTokens> auth;
  std::unique_ptr<HttpApi> api;
  std::thread thread;

  explicit AuthServer(bool metrics_public) {
    IncidentStoreOptions so;
    so.path = (dir.path / "incidents.db").string();
    auto opened = IncidentStore::Open(so);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    auto loaded = AuthTokens::Load(WriteFile(dir, "tokens", std::string(kTokenA) + "\n"));
    REQUIRE(loaded.ok());
    auth = std::move(*loaded);
    HttpApiOptions o;
    o.store = store.get();
    o.parse_webhook = [](std::string_view body) -> Result<WebhookAlerts> {
      ASSIGN_OR_RETURN(AlertmanagerWebhook hook, ParseAlertmanagerWebhook(body));
      return WebhookAlertsOf(std::move(hook));
    };
    o.auth = auth.get();
    o.metrics_public = metrics_public;
    o.extra_routes = [](WatchedRoutes s) {
      s.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("<html>page</html>", "text/html"); });
      s.Post("/api/v1/chat", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"answer\": \"ok\"}", "application/json");
      });
    };
    o.extra_route_paths = {"/", "/api/v1/chat"};
    api = std::make_unique<HttpApi>(o);
    REQUIRE(api->Bind("127.0.0.1", 0).ok());
    thread = std::thread([this] { CHECK(api->Run().ok()); });
  }
  ~AuthServer() {
    api->Stop();
    thread.join();
  }
  httplib::Client Client(const std::string& authorization = "") const {
    httplib::Client c("127.0.0.1", api->port());
    c.set_read_timeout(10, 0);
    if (!authorization.empty()) c.set_default_headers({{"Authorization", authorization}});
    return c;
  }
};

const char* kWebhook = R"({"version":"4","groupKey":"{}:{alertname=\"GpuXid\"}","truncatedAlerts":0,
  "status":"firing","receiver":"vigil","groupLabels":{"alertname":"GpuXid"},"commonLabels":{"alertname":"GpuXid"},
  "commonAnnotations":{},"externalURL":"http://am:9093","alerts":[
  {"status":"firing","labels":{"alertname":"GpuXid","Hostname":"node-3"},"annotations":{"summary":"XID 79"},
   "startsAt":"2026-12-01T02:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p:9090/graph",
   "fingerprint":"f1"}]})";

}  // namespace

TEST_CASE("HttpApi --auth-token-file: 401 without an accepted bearer token; /healthz and the chat page public") {
  AuthServer server(/*metrics_public=*/false);
  auto none = server.Client();
  auto wrong = server.Client("Bearer tok-A-0123456789abcdeX");
  auto right = server.Client(std::string("Bearer ") + kTokenA);

  auto r = none.Get("/api/v1/incidents");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("WWW-Authenticate") == "Bearer realm=\"vigil\"");
  CHECK(r->get_header_value("Content-Type") == "application/json");
  auto body = ParseJson(r->body, "401 body");
  REQUIRE(body.ok());
  CHECK((*body)["where"] == "Authorization header");
  CHECK((*body)["error"].get<std::string>().find("bearer token") != std::string::npos);

  {  // A keep-alive client is told to close: a body it sent with the refused request was not read.
    auto keep = server.Client();
    keep.set_keep_alive(true);
    r = keep.Post("/api/v1/alerts", kWebhook, "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("Connection") == "close");
  }

  r = wrong.Get("/api/v1/incidents");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("WWW-Authenticate") == "Bearer realm=\"vigil\", error=\"invalid_token\"");
  CHECK(r->body.find("tok-A") == std::string::npos);  // the token sent is not echoed

  r = right.Get("/api/v1/incidents");
  REQUIRE(r);
  CHECK(r->status == 200);

  // The webhook: refused without the token, nothing recorded; taken with it.
  r = none.Post("/api/v1/alerts", kWebhook, "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(server.store->List("", 10)->empty());
  r = right.Post("/api/v1/alerts", kWebhook, "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(server.store->List("", 10)->size() == 1);

  // Every other route and an unknown path are 401 without it (no route is revealed).
  for (const char* path : {"/api/v1/incidents/1", "/metrics", "/nope"}) {
    r = none.Get(path);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 401, path);
  }
  r = none.Post("/api/v1/chat", "{\"message\": \"hi\"}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  r = none.Post("/api/v1/diagnose", "{}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  r = right.Post("/api/v1/chat", "{\"message\": \"hi\"}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);

  // Public: the health check and the chat page (which asks for the token itself).
  r = none.Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = none.Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = none.Post("/healthz", "{}", "application/json");  // public is GET only
  REQUIRE(r);
  CHECK(r->status == 401);

  // The 401s are counted like any answer.
  r = right.Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("vigil_http_requests_total{route=\"/api/v1/alerts\",method=\"POST\",code=\"401\"} 2") !=
        std::string::npos);
}

TEST_CASE("HttpApi --auth-token-file --metrics-public: /metrics needs no token, the rest still does") {
  AuthServer server(/*metrics_public=*/true);
  auto none = server.Client();
  auto r = none.Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("vigil_build_info") != std::string::npos);
  r = none.Get("/api/v1/incidents");
  REQUIRE(r);
  CHECK(r->status == 401);
}

}  // namespace vigil
