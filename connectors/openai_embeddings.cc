#include "connectors/openai_embeddings.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "connectors/http_client.h"
#include "connectors/retry_after.h"
#include "connectors/http_endpoint.h"
#include "core/json.h"
#include "core/logging.h"

namespace vigil {
namespace {
// One answer of at most max_batch rows: 64 texts of 4,096 dimensions is about 5 MB of JSON.
constexpr size_t kMaxEmbeddingsAnswerBytes = size_t{256} << 20;
}  // namespace

Result<std::unique_ptr<OpenAiEmbeddings>> MakeOpenAiEmbeddings(const OpenAiEmbeddingsOptions& options) {
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    return InvalidArgumentError("embeddings URL `" + options.url + "` must start with http:// or https://");
  }
  if (options.model.empty()) return InvalidArgumentError("embeddings: a model name is required");
  if (options.max_batch == 0) return InvalidArgumentError("embeddings: max_batch must be positive");
  return std::make_unique<OpenAiEmbeddings>(options);
}

Result<std::vector<std::vector<float>>> OpenAiEmbeddings::Embed(std::span<const std::string> texts) const {
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); i += options_.max_batch) {
    size_t n = std::min(options_.max_batch, texts.size() - i);
    ASSIGN_OR_RETURN(auto rows, EmbedBatch(texts.subspan(i, n)));
    for (auto& r : rows) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<std::vector<float>>> OpenAiEmbeddings::EmbedBatch(
    std::span<const std::string> texts) const {
  // "/embeddings" goes at the end of the path, before a query (RV8: an Azure-style
  // `.../v1?api-version=...` became `?api-version=.../embeddings`, a request to the base path).
  std::string url = options_.url;
  const size_t query_at = std::min(url.find_first_of("?#", url.find("://") == std::string::npos ? 0 : url.find("://") + 3), url.size());
  std::string query = url.substr(query_at);
  url.resize(query_at);
  while (url.ends_with("/")) url.pop_back();
  if (!url.ends_with("/embeddings")) url += "/embeddings";
  url += query;
  Json body{{"model", options_.model}, {"input", Json::array()}};
  for (const auto& t : texts) body["input"].push_back(t);
  HttpRequest req = HttpRequest::PostJson(url, DumpJson(body));
  req.timeout_ms = options_.timeout_ms;
  if (!options_.api_key.empty()) {
    if (options_.azure)
      req.headers.push_back({"api-key", options_.api_key});
    else
      req.headers.push_back({"Authorization", "Bearer " + options_.api_key});
  }
  // Messages name the URL with its password `[redacted]` (RV8: the password was printed in every
  // error, libcurl's included); a 2xx body is kept to kMaxEmbeddingsAnswerBytes.
  const std::string shown = HideUrlPassword(url);
  std::string where = "embeddings " + shown;
  HttpResponse res;
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(res, SendToEndpoint(req, kMaxEmbeddingsAnswerBytes, where, shown,
                                         "send fewer texts a request (max_batch)"));
    bool retryable = res.status == 429 || res.status >= 500;
    if (!retryable || attempt >= options_.max_retries) break;
    const std::string retry_after = res.Header("retry-after");
    std::string why;
    int64_t wait_ms =
        ParseRetryAfterMs(retry_after,
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count(),
                          &why);
    if (wait_ms < 0) {
      // RV11: said, as the LLM client says it; the backoff is used.
      if (!retry_after.empty()) LogWarn("embeddings", where + ": " + RetryAfterIgnored(retry_after, why) + "; backing off instead");
      wait_ms = 200LL << attempt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(wait_ms, 30'000)));
  }
  if (res.status == 429 || res.status >= 500) {
    return UnavailableError(where + ": HTTP " + std::to_string(res.status) + " after " +
                            std::to_string(options_.max_retries) + " retries: " + BodyPreview(res.body, 200));
  }
  if (!res.ok()) {
    return InvalidArgumentError(where + ": HTTP " + std::to_string(res.status) + ": " + BodyPreview(res.body, 300));
  }
  ASSIGN_OR_RETURN(Json j, ParseJson(res.body, where + " response"));
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) {
    return InvalidArgumentError(where + ": response has no `data` array");
  }
  if (j["data"].size() != texts.size()) {
    return InvalidArgumentError(where + ": expected " + std::to_string(texts.size()) + " embeddings, got " +
                                std::to_string(j["data"].size()));
  }
  std::vector<std::vector<float>> rows(texts.size());
  std::vector<bool> seen(texts.size(), false);
  for (size_t i = 0; i < j["data"].size(); ++i) {
    const Json& item = j["data"][i];
    size_t index = i;
    if (item.contains("index") && item["index"].is_number_integer()) index = item["index"].get<size_t>();
    if (index >= texts.size() || seen[index]) {
      return InvalidArgumentError(where + ": data[" + std::to_string(i) + "] has a bad or repeated index");
    }
    if (!item.contains("embedding") || !item["embedding"].is_array() || item["embedding"].empty()) {
      return InvalidArgumentError(where + ": data[" + std::to_string(i) +
                                  "].embedding is not a non-empty array");
    }
    seen[index] = true;
    auto& row = rows[index];
    row.reserve(item["embedding"].size());
    for (const auto& v : item["embedding"]) {
      if (!v.is_number())
        return InvalidArgumentError(where + ": data[" + std::to_string(i) + "].embedding has a non-number");
      // RV8: a value past float's range (1e39) became inf (a double to float conversion out of range),
      // and the row's norm made the whole stored vector NaN.
      const double d = v.get<double>();
      if (!(std::fabs(d) <= std::numeric_limits<float>::max()))
        return InvalidArgumentError(where + ": data[" + std::to_string(i) + "].embedding[" +
                                    std::to_string(row.size()) + "] = " + v.dump() + " is not a finite float");
      row.push_back(static_cast<float>(d));
    }
    if (row.size() != rows[0].size() && index != 0 && !rows[0].empty()) {
      return InvalidArgumentError(where + ": embeddings of different lengths in one response");
    }
  }
  return rows;
}

}  // namespace vigil
