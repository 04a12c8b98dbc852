// LlmClient: the one way the product talks to a language model.
//
// The interface is small so tests hand in fakes and agents never see HTTP. The real client
// (OpenAI-compatible /v1/chat/completions over libcurl: vLLM, llama.cpp server, Ollama, OpenAI,
// Azure OpenAI) is made by MakeLlmClient from the config (llm_url, llm_model, llm_api_key,
// llm_timeout, llm_stream, ...). Implementations are thread-safe unless documented otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/json.h"
#include "core/saturating.h"
#include "core/status.h"

namespace vigil {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments_text;  // as the model produced it (may be invalid JSON)
  Json arguments;              // parsed; null when arguments_text is not valid JSON
};

struct ChatMessage {
  std::string role;     // "system", "user", "assistant", "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages that call tools
  std::string tool_call_id;          // tool messages: which call this answers
  std::string name;                  // tool messages: the tool's name
};

struct ToolSpec {
  std::string name;
  std::string description;
  Json parameters;  // JSON schema of the arguments object
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
  std::optional<Json> response_schema;  // JSON-schema structured output where supported
  double temperature = 0;
  int max_tokens = 0;                   // 0 = server default
  bool stream = false;                  // use SSE streaming (same result, assembled)
  std::string purpose;                  // for the audit log: "rule-detect", "diagnose", ...
  // May be empty. Polled before the request is sent, while it is in flight and before each retry;
  // true ends the call at once: Chat returns Cancelled (core/status.h IsCancelled),
  // never retried. E.g. `vigil train-rules`' SIGINT predicate.
  std::function<bool()> cancel;
};

// Token counts as servers report them. Sums saturate at the int64 limits: a server's count is read
// up to INT64_MAX (ParseChatCompletion), so `prompt_tokens + completion_tokens` and the running
// totals overflowed, which is undefined (SAN, 2026-12-02: UBSan in input_fuzz's llm_http target,
// "9223372036854775807 + 5 cannot be represented in type 'long int'"; in a Release build the total
// wrapped negative, under any token budget).
struct TokenUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total() const { return SaturatingAdd(prompt_tokens, completion_tokens); }
  // Adds `u`'s counts to these (a client's or a run's running total).
  void Add(const TokenUsage& u) {
    prompt_tokens = SaturatingAdd(prompt_tokens, u.prompt_tokens);
    completion_tokens = SaturatingAdd(completion_tokens, u.completion_tokens);
  }
};

struct ChatResponse {
  ChatMessage message;        // role "assistant"
  std::string finish_reason;  // "stop", "tool_calls", "length", ...
  TokenUsage usage;
  std::string model;
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // One chat completion. Errors: Unavailable (connection, 5xx after retries, 429 after retries),
  // DeadlineExceeded (timeout), InvalidArgument (4xx other than 429, malformed response),
  // ResourceExhausted (token/cost budget spent), Cancelled (request.cancel turned
  // true; IsCancelled).
  virtual Result<ChatResponse> Chat(const ChatRequest& request) = 0;
  // Tokens used so far by this client.
  virtual TokenUsage Usage() const = 0;
  // "openai:http://host:8000/v1 model=..." for logs and reports.
  virtual std::string Describe() const = 0;
};

// Builds the client the config names. nullptr (with OK) when no llm_url is set: callers then use
// the built-in reasoner / proposer. InvalidArgument for a malformed URL, a bad setting, or an
// audit folder (LlmAuditDir) that cannot be created or take a file (CheckLlmAuditDir).
Result<std::unique_ptr<LlmClient>> MakeLlmClient(const Config& config);

// The audit folder of the client MakeLlmClient builds: <data_dir>/audit.
std::string LlmAuditDir(const Config& config);

// OK when `dir` exists (it is created) and takes a file; else InvalidArgument "LLM audit log folder
// DIR (data_dir/audit): <the OS error>; every LLM call is audited, so none is made". The check
// MakeLlmClient makes, for callers that fall back to a built-in answer instead of refusing
// (`vigil diagnose`). Touches the file system (a probe file, removed).
[[nodiscard]] Status CheckLlmAuditDir(const std::string& dir);

}  // namespace vigil
