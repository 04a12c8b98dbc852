// OpenAiLlmClient: LlmClient over an OpenAI-compatible /v1/chat/completions endpoint.
//
// Works with vLLM, llama.cpp's server, Ollama (/v1), OpenAI and Azure OpenAI. What it does
// beyond one HTTP POST:
//   - Endpoint: `url` is a base URL. "http://h:8000/v1" -> ".../v1/chat/completions";
//     "http://h:8080" (no path) -> ".../v1/chat/completions"; a URL already ending in
//     "/chat/completions" is used as is. Azure: a URL whose path contains
//     "/openai/deployments/" gets "?api-version=<api_version>" (unless present); such URLs and
//     any *.openai.azure.com / *.cognitiveservices.azure.com host (e.g. the v1 API at
//     ".../openai/v1") send the key in an `api-key` header instead of `Authorization: Bearer`.
//   - Content given as an array of parts is joined; tool arguments given as an object (Ollama)
//     are taken as their JSON text. libcurl honours the usual https_proxy / no_proxy variables.
//   - Tool calling (tools -> `tools`, `tool_calls` parsed; arguments that are not valid JSON are
//     kept in ToolCall::arguments_text with ToolCall::arguments null, for the agent to repair).
//   - Structured output: request.response_schema is sent as
//     `response_format: {type: json_schema, ...}`. When the server rejects that (HTTP 400/422),
//     with an error that mentions the format/schema, the request is resent at once without it and
//     with the schema written into a system message, and the client remembers not to send it
//     again. Likewise `stream_options` (asked for usage in streams) is dropped when rejected.
//   - Streaming (request.stream): SSE chunks are assembled into the same ChatResponse (content
//     and tool-call deltas by index). A stream that ends before a finish_reason or [DONE] is
//     Unavailable (retried). A server that ignores `stream` and answers plain JSON is accepted.
//   - Retries: connection errors, 429 and 5xx are retried up to `max_retries` times with
//     exponential backoff and equal jitter (delay in [b/2, b], b = min(backoff_max_ms,
//     backoff_initial_ms * 2^attempt)); a Retry-After header (seconds or HTTP-date) is honoured
//     instead, capped at `retry_after_max_ms`. Timeouts (DeadlineExceeded) are not retried.
//     Sleeping goes through the injected Clock, so tests do not wait.
//   - Cancel (ChatRequest::cancel): polled before the request, during the transfer (libcurl's
//     progress callback aborts it, within about a second while the server is silent), between
//     backoff slices of 100 ms and before each retry; true ends the call with Cancelled
//     (core/status.h IsCancelled), not retried, and its audit line has "cancelled": true.
//   - Budget: once the tokens (or dollars, from the per-million prices) used by this client reach
//     `token_budget` (`cost_budget_usd`), Chat returns ResourceExhausted without sending. The call
//     that crosses the line still returns its answer (it is already paid for). When a server
//     reports no usage, tokens are estimated as (characters + 3) / 4 and the audit line says so.
//   - Audit: every Chat call appends one JSON line to `<audit_dir>/llm-YYYYMMDD.jsonl` (UTC date
//     of the injected clock): time, purpose, endpoint, model, the request body as sent, the
//     response message, usage, cost, attempts with their errors, latency. Headers are never
//     written, and the API key is redacted from anything written. The log must be writable:
//     Create is InvalidArgument when the folder cannot be created or take a file; a call whose
//     audit file cannot be opened is Unavailable and sends nothing; a failed audit write after
//     the answer is Unavailable too (the answer is not returned; its tokens are counted).
// Errors: see LlmClient::Chat. A 401/403 names the key setting; other 4xx carry the server's
// error message. No error message, audit line or Describe() holds the API key or a part of it:
// it is redacted also from the endpoint (a key pasted into `url`) and from a body before it is
// cut; the password of a `user:password@` in `url` is shown as `[redacted]`.
// Thread safety: Chat may be called concurrently; usage, budget and the audit file are guarded.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "connectors/llm_client.h"
#include "core/clock.h"

namespace vigil {

struct OpenAiLlmOptions {
  std::string url;                         // base URL, see above (required)
  std::string model;                       // sent as "model" when not empty
  std::string api_key;                     // empty = no auth header
  std::string api_version = "2024-10-21";  // Azure only
  int64_t timeout_ms = 120'000;            // one HTTP attempt
  int max_retries = 4;
  int64_t backoff_initial_ms = 1'000;
  int64_t backoff_max_ms = 60'000;
  int64_t retry_after_max_ms = 300'000;
  int64_t token_budget = 0;          // 0 = unlimited
  double cost_budget_usd = 0;        // 0 = unlimited
  double price_input_per_mtok = 0;   // USD per million prompt tokens
  double price_output_per_mtok = 0;  // USD per million completion tokens
  std::string audit_dir;             // "" = no audit log
  bool stream = false;               // every request streams, whatever ChatRequest::stream says (llm_stream)
  size_t max_answer_bytes = size_t{64} << 20;  // a 2xx body (plain or streamed) over this is refused; 0 = no limit
  Clock* clock = nullptr;            // not owned; nullptr = SystemClock()
  uint64_t jitter_seed = 0;          // 0 = seeded from std::random_device
};

class OpenAiLlmClient : public LlmClient {
 public:
  // InvalidArgument when the URL is malformed (no http(s) scheme or host).
  static Result<std::unique_ptr<OpenAiLlmClient>> Create(OpenAiLlmOptions options);

  Result<ChatResponse> Chat(const ChatRequest& request) override;
  TokenUsage Usage() const override;
  std::string Describe() const override;

  double CostUsd() const;
  // The resolved chat-completions URL (with api-version for Azure).
  const std::string& endpoint() const { return endpoint_; }
  bool azure() const { return azure_; }
  // False once the server has rejected response_format json_schema.
  bool structured_output_supported() const { return schema_supported_.load(); }

 private:
  explicit OpenAiLlmClient(OpenAiLlmOptions options);
  struct Attempt;
  Result<ChatResponse> SendOnce(const ChatRequest& request, bool with_schema, Attempt& attempt);
  int64_t BackoffMs(int attempt);
  Status CheckBudget() const;
  void Account(const TokenUsage& usage);
  // Today's audit file, opened for appending (Unavailable naming the file when it cannot be).
  Status OpenAudit(std::ofstream& out, std::string& path) const;
  Status WriteAudit(std::ofstream& out, const std::string& path, const std::string& line);

  OpenAiLlmOptions options_;
  Clock* clock_;
  std::string endpoint_;
  std::string shown_endpoint_;  // for messages, Describe and the audit: no password, no key
  bool azure_ = false;
  std::atomic<bool> schema_supported_{true};
  std::atomic<bool> stream_options_supported_{true};

  mutable std::mutex mu_;  // guards usage_, rng_, audit writes
  TokenUsage usage_;
  std::mt19937_64 rng_;
};

// Request/response mapping, exposed for tests and for other OpenAI-compatible callers.
// The /chat/completions request body. `schema_in_prompt` writes response_schema into a system
// message instead of response_format (the fallback for servers without structured output).
// `stream_usage` adds stream_options.include_usage to streaming requests.
Json ChatRequestToJson(const ChatRequest& request, const std::string& model, bool schema_in_prompt,
                       bool stream_usage = true);
// Parses a non-streaming response body. InvalidArgument (naming what is wrong) when the body
// is not JSON, is an error object, or has no choices[0].message.
Result<ChatResponse> ParseChatCompletion(std::string_view body);

// Assembles streamed chat.completion.chunk events. Feed every SSE data payload in order.
class ChatStreamAssembler {
 public:
  // InvalidArgument for a chunk that is not JSON or is an error object.
  Status Add(std::string_view data);
  // The assembled response; Unavailable when the stream ended before a finish_reason/[DONE].
  Result<ChatResponse> Finish() const;
  bool done() const { return done_; }

 private:
  ChatResponse response_;
  std::vector<ToolCall> calls_;  // by delta index
  bool done_ = false;
  bool saw_finish_ = false;
  int chunks_ = 0;
};

}  // namespace vigil
