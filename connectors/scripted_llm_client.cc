#include "connectors/scripted_llm_client.h"

namespace vigil {

void ScriptedLlmClient::PushAnswer(std::string content, std::string finish_reason, TokenUsage usage) {
  ChatResponse r;
  r.message.role = "assistant";
  r.message.content = std::move(content);
  r.finish_reason = std::move(finish_reason);
  r.usage = usage;
  r.model = "scripted";
  std::lock_guard lock(mu_);
  script_.push_back(std::move(r));
}

void ScriptedLlmClient::PushError(Status status) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(status));
}

Result<ChatResponse> ScriptedLlmClient::Chat(const ChatRequest& request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
  if (script_.empty()) {
    return UnavailableError("scripted LLM: script exhausted after " + std::to_string(answered_) + " answers");
  }
  auto next = std::move(script_.front());
  script_.pop_front();
  ++answered_;
  if (std::holds_alternative<Status>(next)) return std::get<Status>(next);
  ChatResponse r = std::get<ChatResponse>(std::move(next));
  usage_.Add(r.usage);
  return r;
}

TokenUsage ScriptedLlmClient::Usage() const {
  std::lock_guard lock(mu_);
  return usage_;
}

std::vector<ChatRequest> ScriptedLlmClient::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace vigil
