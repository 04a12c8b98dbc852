// ScriptedLlmClient: an LlmClient that replays canned answers in order, for tests and for
// reproducing an audited run offline. It never touches the network.
//
// Each Chat() records the request and returns the next scripted item: an assistant answer
// (content, finish_reason, usage as pushed) or an error Status. Once the script is used up, Chat
// returns Unavailable "scripted LLM: script exhausted after N answers", as a down endpoint would.
// Usage() sums the usage of the answers returned. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "connectors/llm_client.h"

namespace vigil {

class ScriptedLlmClient : public LlmClient {
 public:
  void PushAnswer(std::string content, std::string finish_reason = "stop", TokenUsage usage = {100, 50});
  void PushError(Status status);

  Result<ChatResponse> Chat(const ChatRequest& request) override;
  TokenUsage Usage() const override;
  std::string Describe() const override { return "scripted"; }

  // Every request received so far, in order.
  std::vector<ChatRequest> requests() const;

 private:
  mutable std::mutex mu_;
  std::deque<std::variant<ChatResponse, Status>> script_;
  std::vector<ChatRequest> requests_;
  TokenUsage usage_;
  int answered_ = 0;
};

}  // namespace vigil
