#include "connectors/openai_embeddings.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/json.h"

namespace vigil {
namespace {

class EmbeddingsServer {
 public:
  EmbeddingsServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~EmbeddingsServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// One text embedded through a client of `url` (model "m", no retries).
Result<std::vector<std::vector<float>>> EmbedOne(const std::string& url) {
  OpenAiEmbeddingsOptions o;
  o.url = url;
  o.model = std::string(1, 'm');  // GCC 12's -Wrestrict misfires on = "m" in some callers
  o.max_retries = 0;
  auto client = MakeOpenAiEmbeddings(o);
  if (!client.ok()) return client.status();
  std::vector<std::string> v{"x"};
  return (*client)->Embed(v);
}

}  // namespace

TEST_CASE("OpenAiEmbeddings: batches, reorders by index, sends the key, retries 503") {
  EmbeddingsServer srv;
  std::atomic<int> calls{0}, failures_left{1};
  std::string auth;
  srv.server().Post("/v1/embeddings", [&](const httplib::Request& req, httplib::Response& res) {
    ++calls;
    auth = req.get_header_value("Authorization");
    if (failures_left-- > 0) {
      res.status = 503;
      res.set_header("Retry-After", "0");
      return;
    }
    Json body = Json::parse(req.body);
    Json data = Json::array();
    // Reverse order on purpose: the client must sort by `index`.
    for (int i = static_cast<int>(body["input"].size()) - 1; i >= 0; --i) {
      std::string t = body["input"][i];
      data.push_back({{"index", i}, {"embedding", {static_cast<double>(t.size()), 1.0, 0.0}}});
    }
    res.set_content(Json{{"data", data}, {"model", body["model"]}}.dump(), "application/json");
  });
  OpenAiEmbeddingsOptions o;
  o.url = srv.Base();
  o.model = "test-embed";
  o.api_key = "sekret";
  o.max_batch = 2;
  auto client = MakeOpenAiEmbeddings(o);
  REQUIRE(client.ok());
  std::vector<std::string> texts = {"a", "bb", "ccc"};
  auto rows = (*client)->Embed(texts);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0][0] == 1.0f);
  CHECK((*rows)[1][0] == 2.0f);
  CHECK((*rows)[2][0] == 3.0f);
  CHECK(calls == 3);  // one 503 + two batches
  CHECK(auth == "Bearer sekret");
}

TEST_CASE("rv8 OpenAiEmbeddings: a URL with a query string gets /embeddings on its path") {
  // `.../v1?api-version=2024-10-21` was sent as `/v1?api-version=2024-10-21/embeddings`: the base
  // path, a mangled query.
  EmbeddingsServer srv;
  std::string version;
  srv.server().Post("/v1/embeddings", [&](const httplib::Request& req, httplib::Response& res) {
    version = req.get_param_value("api-version");
    res.set_content(R"({"data":[{"index":0,"embedding":[1,2]}]})", "application/json");
  });
  auto version_sent = [&](const std::string& url) {
    version.clear();
    CHECK(EmbedOne(url).ok());
    return version;
  };
  CHECK(version_sent(srv.Base() + "?api-version=2024-10-21") == "2024-10-21");
  CHECK(version_sent(srv.Base() + "/?api-version=2024-10-21") == "2024-10-21");
  CHECK(version_sent(srv.Base() + "/embeddings?api-version=2024-10-21") == "2024-10-21");
}

TEST_CASE("rv8 OpenAiEmbeddings: errors never print the URL's password") {
  // The URL was printed whole: "embeddings http://user:s3cret@host/..." and libcurl's
  // "POST http://user:s3cret@...: Failed to connect".
  EmbeddingsServer srv;
  srv.server().Post("/v1/embeddings", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_content(R"({"error":{"message":"bad key"}})", "application/json");
  });
  auto message = [](const std::string& url) { return EmbedOne(url).status().message(); };
  std::string base = srv.Base();
  base.insert(base.find("://") + 3, "user:s3cret@");
  std::string m = message(base);
  INFO(m);
  CHECK(m.find("s3cret") == std::string::npos);
  CHECK(m.find("embeddings http://user:[redacted]@127.0.0.1:") != std::string::npos);
  CHECK(m.find("HTTP 401") != std::string::npos);
  m = message("http://user:s3cret@127.0.0.1:1/v1");
  INFO(m);
  CHECK(m.find("s3cret") == std::string::npos);
  CHECK(m.find("embeddings http://user:[redacted]@127.0.0.1:1/v1/embeddings: ") == 0);
}

TEST_CASE("rv8 OpenAiEmbeddings: a value past float's range is refused, not stored as inf") {
  // 1e39 became inf, and the embedder's norm then made the whole stored vector NaN.
  EmbeddingsServer srv;
  srv.server().Post("/v1/embeddings", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"data":[{"index":0,"embedding":[0.5,1e39]}]})", "application/json");
  });
  auto r = EmbedOne(srv.Base());
  INFO(r.status().ToString());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("data[0].embedding[1] = 1e+39 is not a finite float") != std::string::npos);
}

TEST_CASE("OpenAiEmbeddings: errors name what went wrong") {
  EmbeddingsServer srv;
  srv.server().Post("/v1/embeddings", [&](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body);
    std::string first = body["input"][0];
    if (first == "bad-request") {
      res.status = 400;
      res.set_content(R"({"error":{"message":"model not found"}})", "application/json");
    } else if (first == "short") {
      res.set_content(R"({"data":[]})", "application/json");
    } else {
      res.set_content("not json", "text/plain");
    }
  });
  OpenAiEmbeddingsOptions o;
  o.url = srv.Base() + "/embeddings";
  o.model = "m";
  o.max_retries = 0;
  auto client = MakeOpenAiEmbeddings(o);
  REQUIRE(client.ok());
  auto run = [&](std::string t) {
    std::vector<std::string> v{t};
    return (*client)->Embed(v).status();
  };
  Status s = run("bad-request");
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("HTTP 400") != std::string::npos);
  CHECK(s.message().find("model not found") != std::string::npos);
  CHECK(run("short").message().find("expected 1 embeddings, got 0") != std::string::npos);
  CHECK(run("other").code() == StatusCode::kInvalidArgument);
  o.url = "ftp://x";
  CHECK(MakeOpenAiEmbeddings(o).status().code() == StatusCode::kInvalidArgument);
  o.url = "http://127.0.0.1:1/v1";
  o.model = "";
  CHECK(MakeOpenAiEmbeddings(o).status().code() == StatusCode::kInvalidArgument);
  o.model = "m";
  auto unreachable = MakeOpenAiEmbeddings(o);
  REQUIRE(unreachable.ok());
  std::vector<std::string> v{"x"};
  CHECK((*unreachable)->Embed(v).status().code() == StatusCode::kUnavailable);
}

}  // namespace vigil
