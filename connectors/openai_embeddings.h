// OpenAiEmbeddings: client for an OpenAI-compatible POST {url}/embeddings endpoint (OpenAI,
// vLLM, llama.cpp server, Ollama's /v1, Azure OpenAI deployments).
//
// `url` is the API base ("http://host:8000/v1"); "/embeddings" is appended to its path (before a
// query string such as Azure's `?api-version=...`) unless the path already ends with it. Inputs are sent in batches of `max_batch` texts; the rows come back in input
// order (sorted by the response's `index` field). Retries: 429 and 5xx are retried up to
// `max_retries` times, honouring Retry-After, with exponential back-off otherwise.
// Errors: InvalidArgument (empty URL or model, 4xx other than 429, malformed response body,
// wrong number of rows), Unavailable (connection failure, 429/5xx after retries),
// DeadlineExceeded (timeout); each names the URL with a `user:password@`'s password `[redacted]`.
// A 2xx answer over 256 MiB is refused (InvalidArgument). Thread safety: Embed may be called from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil {

struct OpenAiEmbeddingsOptions {
  std::string url;  // API base, e.g. http://127.0.0.1:8000/v1
  std::string model;
  std::string api_key;  // Bearer token; empty = no Authorization header
  bool azure = false;   // send the key as `api-key:` instead of a Bearer token
  int64_t timeout_ms = 60'000;
  size_t max_batch = 64;
  int max_retries = 3;
};

class OpenAiEmbeddings {
 public:
  explicit OpenAiEmbeddings(OpenAiEmbeddingsOptions options) : options_(std::move(options)) {}
  // One vector per input text, in input order.
  Result<std::vector<std::vector<float>>> Embed(std::span<const std::string> texts) const;
  const OpenAiEmbeddingsOptions& options() const { return options_; }

 private:
  Result<std::vector<std::vector<float>>> EmbedBatch(std::span<const std::string> texts) const;
  OpenAiEmbeddingsOptions options_;
};

// Validates the options (URL scheme, model) and builds the client.
Result<std::unique_ptr<OpenAiEmbeddings>> MakeOpenAiEmbeddings(const OpenAiEmbeddingsOptions& options);

}  // namespace vigil
