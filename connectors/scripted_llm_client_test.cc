#include "connectors/scripted_llm_client.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

TEST_CASE("ScriptedLlmClient replays answers and errors in order, then is Unavailable") {
  ScriptedLlmClient llm;
  llm.PushAnswer("first", "stop", {10, 5});
  llm.PushError(DeadlineExceededError("slow"));
  llm.PushAnswer("cut", "length", {1, 2});
  ChatRequest req;
  req.purpose = "p1";
  auto a = llm.Chat(req);
  REQUIRE(a.ok());
  CHECK(a->message.role == "assistant");
  CHECK(a->message.content == "first");
  CHECK(llm.Chat(req).status().code() == StatusCode::kDeadlineExceeded);
  auto c = llm.Chat(req);
  REQUIRE(c.ok());
  CHECK(c->finish_reason == "length");
  auto d = llm.Chat(req);
  CHECK(d.status().code() == StatusCode::kUnavailable);
  CHECK(d.status().message().find("after 3 answers") != std::string::npos);
  CHECK(llm.Usage().total() == 18);
  CHECK(llm.requests().size() == 4);
  CHECK(llm.requests()[0].purpose == "p1");
}

}  // namespace
}  // namespace vigil
