#include "connectors/openai_llm_client.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "connectors/http_client.h"
#include "connectors/retry_after.h"
#include "core/ascii.h"
#include "core/logging.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace vigil {
namespace {

constexpr std::string_view kComponent = "llm";

Json MessageToJson(const ChatMessage& m) {
  Json j = {{"role", m.role}};
  if (m.role == "assistant" && !m.tool_calls.empty()) {
    j["content"] = m.content.empty() ? Json(nullptr) : Json(m.content);
    Json calls = Json::array();
    for (const auto& c : m.tool_calls) {
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments_text}}}});
    }
    j["tool_calls"] = std::move(calls);
  } else {
    j["content"] = m.content;
  }
  if (m.role == "tool") {
    j["tool_call_id"] = m.tool_call_id;
    if (!m.name.empty()) j["name"] = m.name;
  }
  return j;
}

std::string SchemaInstruction(const Json& schema) {
  return "Answer with one JSON object and nothing else (no prose, no code fences). It must conform to this "
         "JSON schema:\n" +
         schema.dump();
}

// Fills a ToolCall's parsed arguments from its text (null when the text is not JSON).
void ParseArguments(ToolCall& call) {
  if (call.arguments_text.empty()) {
    call.arguments = Json::object();
    return;
  }
  auto parsed = ParseJson(call.arguments_text, "tool call arguments");
  call.arguments = parsed.ok() ? *parsed : Json(nullptr);
}

// The error object of an answer: `"error": {...}` (OpenAI), or the body itself when it is one
// (`{"object": "error", "message": ...}`: vLLM's ErrorResponse, RV10: read as "no choices" before).
// Null for none; `"error": null` is none (RV8: servers writing every field of their response model
// send it on success; it was the error "null").
const Json* ErrorObjectOf(const Json& body) {
  if (!body.is_object()) return nullptr;
  if (auto it = body.find("error"); it != body.end()) return it->is_null() ? nullptr : &*it;
  if (auto it = body.find("object"); it != body.end() && it->is_string() && it->get<std::string>() == "error") {
    return &body;
  }
  return nullptr;
}

// The error an answer says it is, "" for none; its `type` named when given.
std::string ErrorMessageOf(const Json& body) {
  const Json* e = ErrorObjectOf(body);
  if (e == nullptr) return "";
  if (e->is_string()) return e->get<std::string>();
  if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
    std::string m = (*e)["message"].get<std::string>();
    if (auto t = e->find("type"); t != e->end() && t->is_string() && !t->get<std::string>().empty()) {
      m += " (" + t->get<std::string>() + ")";
    }
    return m;
  }
  return e->dump();
}

// RV10: an error body the server's state caused (overloaded, an internal error, a rate limit), sent
// with HTTP 200 by some OpenAI-compatible servers and proxies (vLLM's `"code": 500`, OpenAI's
// `"type": "server_error"`): worth another try, as a 5xx / 429 is. Any other (a bad request) is not.
bool TransientError(const Json& body) {
  const Json* e = ErrorObjectOf(body);
  if (e == nullptr || !e->is_object()) return false;
  for (const char* key : {"type", "code"}) {
    auto it = e->find(key);
    if (it == e->end()) continue;
    if (it->is_number_integer()) {
      const int64_t code = it->get<int64_t>();
      if (code == 429 || (code >= 500 && code <= 599)) return true;
    } else if (it->is_string()) {
      const std::string v = AsciiLower(it->get<std::string>());
      for (const char* word : {"server_error", "internalserver", "internal_server", "unavailable", "overloaded",
                               "rate_limit", "ratelimit", "timeout"}) {
        if (v.find(word) != std::string::npos) return true;
      }
    }
  }
  return false;
}

// Message content: a string, or (newer OpenAI-style servers) an array of parts whose text parts
// are concatenated; null and anything else give "".
std::string ContentText(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const Json& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string())
        out += part["text"].get<std::string>();
    }
  }
  return out;
}

// A token count of a usage object: 0 when the field is missing, null, not a number or negative
// (servers send null for what they do not count; a negative count would lower the spent budget).
int64_t CountField(const Json& usage, const char* key) {
  if (!usage.contains(key)) return 0;
  const Json& v = usage[key];
  if (v.is_number_unsigned()) return static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), INT64_MAX));
  if (v.is_number_integer()) return std::max<int64_t>(0, v.get<int64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return d >= 0 && d < 9e18 ? static_cast<int64_t>(d) : 0;
  }
  return 0;
}

// A choice's or tool-call delta's `index`: `fallback` when missing; -1 when it is not a
// non-negative integer (the caller refuses or skips it).
int64_t IndexField(const Json& obj, int64_t fallback) {
  if (!obj.contains("index")) return fallback;
  const Json& v = obj["index"];
  if (v.is_number_unsigned()) return static_cast<int64_t>(std::min<uint64_t>(v.get<uint64_t>(), INT64_MAX));
  if (v.is_number_integer()) return std::max<int64_t>(-1, v.get<int64_t>());
  return -1;
}

std::string Truncate(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return Utf8Prefix(s, n) + "...(" + std::to_string(s.size()) + " bytes)";
}

int64_t EstimateTokens(size_t chars) { return static_cast<int64_t>((chars + 3) / 4); }

void RedactInPlace(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[redacted]");
  }
}

}  // namespace

Json ChatRequestToJson(const ChatRequest& request, const std::string& model, bool schema_in_prompt,
                       bool stream_usage) {
  Json body = Json::object();
  if (!model.empty()) body["model"] = model;
  Json messages = Json::array();
  for (const auto& m : request.messages) messages.push_back(MessageToJson(m));
  if (request.response_schema && schema_in_prompt) {
    // Put the schema where every server reads it: a system message right before the last turn.
    Json sys = {{"role", "system"}, {"content", SchemaInstruction(*request.response_schema)}};
    messages.insert(messages.empty() ? messages.end() : messages.end() - 1, sys);
  }
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const auto& t : request.tools) {
      Json params =
          t.parameters.is_null() ? Json{{"type", "object"}, {"properties", Json::object()}} : t.parameters;
      tools.push_back(
          {{"type", "function"},
           {"function", {{"name", t.name}, {"description", t.description}, {"parameters", params}}}});
    }
    body["tools"] = std::move(tools);
  }
  if (request.response_schema && !schema_in_prompt) {
    body["response_format"] = {{"type", "json_schema"},
                               {"json_schema", {{"name", "response"}, {"schema", *request.response_schema}}}};
  }
  body["temperature"] = request.temperature;
  if (request.max_tokens > 0) body["max_tokens"] = request.max_tokens;
  if (request.stream) {
    body["stream"] = true;
    if (stream_usage) body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

Result<ChatResponse> ParseChatCompletion(std::string_view text) {
  ASSIGN_OR_RETURN(Json body, ParseJson(text, "LLM response body"));
  if (!body.is_object()) return InvalidArgumentError("LLM response body: expected a JSON object");
  if (std::string err = ErrorMessageOf(body); !err.empty()) {
    return Status(TransientError(body) ? StatusCode::kUnavailable : StatusCode::kInvalidArgument,
                  "LLM response: error: " + err);
  }
  if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty() ||
      !body["choices"][0].is_object() || !body["choices"][0].contains("message") ||
      !body["choices"][0]["message"].is_object()) {
    return InvalidArgumentError("LLM response: no choices[0].message in " + Truncate(text, 200));
  }
  const Json& choice = body["choices"][0];
  const Json& msg = choice["message"];
  ChatResponse r;
  r.message.role = "assistant";
  if (msg.contains("content")) r.message.content = ContentText(msg["content"]);
  if (msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
    int i = 0;
    for (const Json& c : msg["tool_calls"]) {
      if (!c.is_object() || !c.contains("function") || !c["function"].is_object()) {
        return InvalidArgumentError("LLM response: tool_calls[" + std::to_string(i) +
                                    "] has no function object");
      }
      ToolCall call;
      call.id = c.contains("id") && c["id"].is_string() ? c["id"].get<std::string>() : "call_" + std::to_string(i);
      const Json& f = c["function"];
      call.name = f.contains("name") && f["name"].is_string() ? f["name"].get<std::string>() : "";
      if (f.contains("arguments")) {
        call.arguments_text =
            f["arguments"].is_string() ? f["arguments"].get<std::string>() : f["arguments"].dump();
      }
      ParseArguments(call);
      r.message.tool_calls.push_back(std::move(call));
      ++i;
    }
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    r.finish_reason = choice["finish_reason"].get<std::string>();
  }
  if (body.contains("usage") && body["usage"].is_object()) {
    r.usage.prompt_tokens = CountField(body["usage"], "prompt_tokens");
    r.usage.completion_tokens = CountField(body["usage"], "completion_tokens");
  }
  if (body.contains("model") && body["model"].is_string()) r.model = body["model"].get<std::string>();
  return r;
}

Status ChatStreamAssembler::Add(std::string_view data) {
  if (data == "[DONE]") {
    done_ = true;
    return Status::Ok();
  }
  ++chunks_;
  auto parsed = ParseJson(data, "LLM stream chunk " + std::to_string(chunks_));
  if (!parsed.ok()) return parsed.status();
  const Json& chunk = *parsed;
  if (std::string err = ErrorMessageOf(chunk); !err.empty()) {
    return Status(TransientError(chunk) ? StatusCode::kUnavailable : StatusCode::kInvalidArgument,
                  "LLM stream: error: " + err);
  }
  if (!chunk.is_object())
    return InvalidArgumentError("LLM stream chunk " + std::to_string(chunks_) + ": not an object");
  if (chunk.contains("model") && chunk["model"].is_string())
    response_.model = chunk["model"].get<std::string>();
  if (chunk.contains("usage") && chunk["usage"].is_object()) {
    response_.usage.prompt_tokens = CountField(chunk["usage"], "prompt_tokens");
    response_.usage.completion_tokens = CountField(chunk["usage"], "completion_tokens");
  }
  if (!chunk.contains("choices") || !chunk["choices"].is_array()) return Status::Ok();
  for (const Json& choice : chunk["choices"]) {
    if (!choice.is_object() || IndexField(choice, 0) != 0) continue;
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
      response_.finish_reason = choice["finish_reason"].get<std::string>();
      saw_finish_ = true;
    }
    if (!choice.contains("delta") || !choice["delta"].is_object()) continue;
    const Json& delta = choice["delta"];
    if (delta.contains("content")) response_.message.content += ContentText(delta["content"]);
    if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
      for (const Json& d : delta["tool_calls"]) {
        if (!d.is_object()) continue;
        const int64_t index = IndexField(d, 0);
        if (index < 0 || index > 1024) {
          std::string msg = "LLM stream chunk ";
          msg += std::to_string(chunks_);
          msg += ": tool call index ";
          if (d["index"].is_number()) {
            msg += d["index"].dump();
          } else {
            msg += "of type ";
            msg += d["index"].type_name();
          }
          msg += " is not an integer in 0..1024";
          return InvalidArgumentError(msg);
        }
        const size_t at = static_cast<size_t>(index);
        if (calls_.size() <= at) calls_.resize(at + 1);
        ToolCall& call = calls_[at];
        if (d.contains("id") && d["id"].is_string()) call.id = d["id"].get<std::string>();
        if (d.contains("function") && d["function"].is_object()) {
          const Json& f = d["function"];
          if (f.contains("name") && f["name"].is_string()) call.name += f["name"].get<std::string>();
          if (f.contains("arguments") && f["arguments"].is_string()) {
            call.arguments_text += f["arguments"].get<std::string>();
          } else if (f.contains("arguments") && f["arguments"].is_object()) {
            call.arguments_text += f["arguments"].dump();  // Ollama sends whole objects
          }
        }
      }
    }
  }
  return Status::Ok();
}

Result<ChatResponse> ChatStreamAssembler::Finish() const {
  if (!done_ && !saw_finish_) {
    return UnavailableError("LLM stream ended after " + std::to_string(chunks_) +
                            " chunk(s) without a finish_reason or [DONE] (truncated)");
  }
  ChatResponse r = response_;
  r.message.role = "assistant";
  for (size_t i = 0; i < calls_.size(); ++i) {
    ToolCall call = calls_[i];
    if (call.id.empty()) call.id = "call_" + std::to_string(i);
    ParseArguments(call);
    r.message.tool_calls.push_back(std::move(call));
  }
  return r;
}

// ---------------------------------------------------------------------------------------------

struct OpenAiLlmClient::Attempt {
  Json log = Json::array();  // one entry per HTTP attempt, for the audit line
  int http_status = 0;
  int64_t retry_after_ms = -1;
  bool retryable = false;
  bool schema_rejected = false;
  bool stream_options_rejected = false;
};

OpenAiLlmClient::OpenAiLlmClient(OpenAiLlmOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : SystemClock()) {
  rng_.seed(options_.jitter_seed ? options_.jitter_seed : std::random_device{}());
}

Result<std::unique_ptr<OpenAiLlmClient>> OpenAiLlmClient::Create(OpenAiLlmOptions options) {
  std::string url = options.url;
  std::string shown = HideUrlPassword(url);  // for errors: no password, no key pasted into the URL
  RedactInPlace(shown, options.api_key);
  auto scheme_end = url.find("://");
  if (url.empty() || scheme_end == std::string::npos ||
      (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0) ||
      url.size() == scheme_end + 3 || url[scheme_end + 3] == '/') {
    return InvalidArgumentError("llm_url: `" + shown +
                                "` is not an http(s) URL with a host, e.g. http://127.0.0.1:8000/v1");
  }
  // What libcurl would refuse at every call: found here, once, naming it.
  for (size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7f) {
      return InvalidArgumentError("llm_url: `" + shown + "` has a space or control character at position " +
                                  std::to_string(i + 1) + " (percent-encode it, e.g. %20)");
    }
  }
  {
    const size_t host_start = scheme_end + 3;
    std::string authority = url.substr(host_start, url.find_first_of("/?#", host_start) - host_start);
    if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);  // user:pass@
    const size_t bracket = authority.rfind(']');  // [IPv6]:port
    const size_t colon = authority.find(':', bracket == std::string::npos ? 0 : bracket);
    if (colon != std::string::npos) {
      const std::string port = authority.substr(colon + 1);
      const std::optional<uint64_t> number = port.empty() || port[0] == '+' ? std::nullopt : ParseUint(port);
      if (!number || *number < 1 || *number > 65535) {
        return InvalidArgumentError("llm_url: `" + shown + "`: port `" + port + "` is not a number from 1 to 65535");
      }
    }
  }
  std::string query;
  if (auto q = url.find('?'); q != std::string::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  size_t path_start = url.find('/', scheme_end + 3);
  std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  // Azure: a deployment URL (needs api-version), or any *.openai.azure.com /
  // *.cognitiveservices.azure.com host (the v1 API at /openai/v1 takes no api-version).
  std::string host = url.substr(
      scheme_end + 3, path_start == std::string::npos ? std::string::npos : path_start - scheme_end - 3);
  // user:password@ first (a colon in it is not the port's), then the port.
  if (auto at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  bool deployment = path.find("/openai/deployments/") != std::string::npos;
  bool azure =
      deployment || host.ends_with(".openai.azure.com") || host.ends_with(".cognitiveservices.azure.com");
  if (path.ends_with("/chat/completions")) {
    // Used as given.
  } else if (path.empty()) {
    url += "/v1/chat/completions";
  } else {
    url += "/chat/completions";
  }
  if (deployment && query.find("api-version=") == std::string::npos) {
    query += (query.empty() ? "" : "&") + std::string("api-version=") + UrlEncode(options.api_version);
  }
  if (!query.empty()) url += "?" + query;
  // Found at start-up rather than at the first call: the folder must exist and take a file.
  if (!options.audit_dir.empty()) RETURN_IF_ERROR(CheckLlmAuditDir(options.audit_dir));
  auto client = std::unique_ptr<OpenAiLlmClient>(new OpenAiLlmClient(std::move(options)));
  client->endpoint_ = url;
  client->shown_endpoint_ = HideUrlPassword(url);
  RedactInPlace(client->shown_endpoint_, client->options_.api_key);
  client->azure_ = azure;
  return client;
}

TokenUsage OpenAiLlmClient::Usage() const {
  std::lock_guard lock(mu_);
  return usage_;
}

double OpenAiLlmClient::CostUsd() const {
  TokenUsage u = Usage();
  return (u.prompt_tokens * options_.price_input_per_mtok +
          u.completion_tokens * options_.price_output_per_mtok) /
         1e6;
}

std::string OpenAiLlmClient::Describe() const {
  std::string d = (azure_ ? "azure:" : "openai:") + shown_endpoint_;
  if (!options_.model.empty()) d += " model=" + options_.model;
  return d;
}

Status OpenAiLlmClient::CheckBudget() const {
  TokenUsage u = Usage();
  if (options_.token_budget > 0 && u.total() >= options_.token_budget) {
    return ResourceExhaustedError("LLM token budget spent: used " + std::to_string(u.total()) + " of " +
                                  std::to_string(options_.token_budget) + " tokens (llm_token_budget)");
  }
  if (options_.cost_budget_usd > 0) {
    double cost = CostUsd();
    if (cost >= options_.cost_budget_usd) {
      return ResourceExhaustedError("LLM cost budget spent: used $" + std::to_string(cost) + " of $" +
                                    std::to_string(options_.cost_budget_usd) + " (llm_cost_budget)");
    }
  }
  return Status::Ok();
}

void OpenAiLlmClient::Account(const TokenUsage& usage) {
  std::lock_guard lock(mu_);
  usage_.Add(usage);
}

int64_t OpenAiLlmClient::BackoffMs(int attempt) {
  int64_t base = options_.backoff_initial_ms;
  for (int i = 0; i < attempt && base < options_.backoff_max_ms; ++i) base *= 2;
  base = std::min(base, options_.backoff_max_ms);
  std::lock_guard lock(mu_);
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(0, base / 2));
  return base - base / 2 + jitter(rng_);
}

Status OpenAiLlmClient::OpenAudit(std::ofstream& out, std::string& path) const {
  std::string date = FormatRfc3339Ms(clock_->NowMs()).substr(0, 10);  // YYYY-MM-DD
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  path = (std::filesystem::path(options_.audit_dir) / ("llm-" + date + ".jsonl")).string();
  std::error_code ec;
  std::filesystem::create_directories(options_.audit_dir, ec);
  errno = 0;
  out.open(path, std::ios::app);
  if (!out) {
    const std::string why = ec ? ec.message() : errno != 0 ? std::strerror(errno) : "cannot open";
    return UnavailableError("cannot append to the LLM audit log " + path + ": " + why +
                            "; request not sent (every call is audited)");
  }
  return Status::Ok();
}

Status OpenAiLlmClient::WriteAudit(std::ofstream& out, const std::string& path, const std::string& line) {
  std::lock_guard lock(mu_);
  out << line << '\n';
  if (!out.flush()) {
    return UnavailableError("write to the LLM audit log " + path +
                            " failed; the answer is not used (every call is audited)");
  }
  return Status::Ok();
}

Result<ChatResponse> OpenAiLlmClient::SendOnce(const ChatRequest& request, bool with_schema,
                                               Attempt& attempt) {
  attempt.http_status = 0;
  attempt.retry_after_ms = -1;
  attempt.retryable = false;
  attempt.schema_rejected = false;
  attempt.stream_options_rejected = false;
  bool schema_in_prompt = request.response_schema.has_value() && !with_schema;
  bool stream_usage = request.stream && stream_options_supported_.load();
  Json body = ChatRequestToJson(request, options_.model, schema_in_prompt, stream_usage);
  HttpRequest http = HttpRequest::PostJson(endpoint_, DumpJson(body));
  http.timeout_ms = options_.timeout_ms;
  http.cancel = request.cancel;  // aborts the transfer in flight (a cancelled attempt is not retried)
  if (!options_.api_key.empty()) {
    if (azure_) {
      http.headers.push_back({"api-key", options_.api_key});
    } else {
      http.headers.push_back({"Authorization", "Bearer " + options_.api_key});
    }
  }
  ChatStreamAssembler assembler;
  Status stream_error;
  bool saw_event = false;
  std::string raw;  // the body as received, for servers that ignore `stream` and answer plain JSON
  SseParser parser([&](const std::string&, const std::string& data) {
    saw_event = true;
    if (stream_error.ok()) stream_error = assembler.Add(data);
  });
  // A 2xx body is taken up to max_answer_bytes, plain or streamed (RV8: it was read whole, and an
  // answer that never ended, or a stream line that never did, took memory until the time limit).
  std::string plain;  // a plain 2xx body
  size_t received = 0;
  bool over = false;
  if (request.stream) http.headers.push_back({"Accept", "text/event-stream"});
  http.on_body = [&](std::string_view chunk) {
    received += chunk.size();
    if (options_.max_answer_bytes != 0 && received > options_.max_answer_bytes) {
      over = true;
      return false;
    }
    if (!request.stream) {
      plain.append(chunk);
      return true;
    }
    if (!saw_event) raw.append(chunk);
    parser.Feed(chunk);
    return stream_error.ok();
  };
  auto sent = HttpSend(http);
  if (over) {  // not retried: the same question would get the same answer
    const size_t cap = options_.max_answer_bytes;
    return InvalidArgumentError("LLM endpoint " + shown_endpoint_ + " answered over " +
                                (cap >= (size_t{1} << 20) ? std::to_string(cap >> 20) + " MiB"
                                                          : std::to_string(cap) + " bytes") +
                                " (max_answer_bytes): not read further");
  }
  if (!sent.ok()) {
    if (request.stream && !stream_error.ok()) {
      attempt.retryable = stream_error.code() == StatusCode::kUnavailable;  // RV10: an error chunk
      return stream_error;
    }
    // Connection-level failures are worth another try; a timeout is not (it already took long).
    attempt.retryable = sent.status().code() == StatusCode::kUnavailable;
    std::string m = sent.status().message();
    // libcurl's error names the URL, which may hold a password or the key.
    for (size_t pos = m.find(endpoint_); pos != std::string::npos;
         pos = m.find(endpoint_, pos + shown_endpoint_.size())) {
      m.replace(pos, endpoint_.size(), shown_endpoint_);
    }
    RedactInPlace(m, options_.api_key);
    return Status(sent.status().code(), m);
  }
  const HttpResponse& res = *sent;
  attempt.http_status = res.status;
  // A 2xx body that is no chat completion (a web page from a proxy or the wrong port, a JSON
  // without choices): the error names the endpoint and, when it is not JSON, how the body starts.
  // The key is redacted from the whole message (the endpoint may hold it) and from the body
  // before it is cut, so no part of it is printed.
  auto parse = [&](const std::string& text) -> Result<ChatResponse> {
    Result<ChatResponse> r = ParseChatCompletion(text);
    if (r.ok()) return r;
    attempt.retryable = r.status().code() == StatusCode::kUnavailable;  // RV10: a transient error body
    std::string m = "LLM endpoint " + shown_endpoint_ + " answered HTTP " + std::to_string(res.status);
    const bool json = ParseJson(text).ok();
    if (json) {
      m += ": " + r.status().message();
    } else {
      std::string body = text;
      RedactInPlace(body, options_.api_key);
      m += " with a body that is not JSON (is llm_url an OpenAI-compatible API?): " + r.status().message() +
           "; the body starts `" + Truncate(body, 160) + "`";
    }
    RedactInPlace(m, options_.api_key);
    return Status(json ? r.status().code() : StatusCode::kInvalidArgument, m);
  };
  if (res.ok()) {
    if (!request.stream) return parse(plain);
    parser.Finish();
    if (!stream_error.ok()) {
      attempt.retryable = stream_error.code() == StatusCode::kUnavailable;  // RV10: an error chunk
      return stream_error;
    }
    if (!saw_event && res.Header("content-type").find("event-stream") == std::string::npos) {
      return parse(raw);
    }
    auto assembled = assembler.Finish();
    if (!assembled.ok()) attempt.retryable = true;  // truncated stream
    return assembled;
  }
  std::string server_message;
  if (auto parsed = ParseJson(res.body, "error body"); parsed.ok()) server_message = ErrorMessageOf(*parsed);
  if (server_message.empty()) {
    std::string body = res.body;
    RedactInPlace(body, options_.api_key);  // before the cut, so no part of the key is left
    server_message = Truncate(body, 300);
  }
  std::string what = "LLM endpoint " + shown_endpoint_ + " answered HTTP " + std::to_string(res.status);
  if (!server_message.empty()) what += ": " + server_message;
  RedactInPlace(what, options_.api_key);  // some proxies echo the request headers; the URL may hold it
  if (res.status == 429 || res.status >= 500) {
    attempt.retryable = true;
    // RV11: a value not read is said (it was dropped without a word); the backoff is used.
    const std::string retry_after = res.Header("retry-after");
    std::string why;
    attempt.retry_after_ms = ParseRetryAfterMs(retry_after, clock_->NowMs(), &why);
    if (attempt.retry_after_ms < 0 && !retry_after.empty()) {
      LogWarn(kComponent, "LLM endpoint " + shown_endpoint_ + ": " + RetryAfterIgnored(retry_after, why) +
                              "; backing off instead");
    }
    return UnavailableError(what);
  }
  if (res.status == 400 || res.status == 422) {
    // Only an error about the optional extras triggers a fallback; a too-long prompt does not.
    const std::string lower = AsciiLower(res.body);
    bool about_stream_options = lower.find("stream_options") != std::string::npos;
    attempt.stream_options_rejected = stream_usage && about_stream_options;
    attempt.schema_rejected =
        with_schema && !about_stream_options &&
        (lower.find("response_format") != std::string::npos || lower.find("schema") != std::string::npos ||
         lower.find("format") != std::string::npos);
  }
  if (res.status == 401 || res.status == 403) {
    what += azure_ ? " (check llm_api_key / VIGIL_LLM_API_KEY; Azure sends it as the api-key header)"
                   : " (check llm_api_key / VIGIL_LLM_API_KEY)";
  }
  if (res.status == 404) what += " (check llm_url and llm_model)";
  return InvalidArgumentError(what);
}

Result<ChatResponse> OpenAiLlmClient::Chat(const ChatRequest& request) {
  if (options_.stream && !request.stream) {  // llm_stream: every caller's request streams
    ChatRequest streamed = request;
    streamed.stream = true;
    return Chat(streamed);
  }
  RETURN_IF_ERROR(CheckBudget());
  // Opened before sending: a prompt that could not be audited is never sent.
  std::ofstream audit;
  std::string audit_path;
  if (!options_.audit_dir.empty()) RETURN_IF_ERROR(OpenAudit(audit, audit_path));
  int64_t start_ns = clock_->MonotonicNs();
  Attempt attempt;
  Result<ChatResponse> result = UnavailableError("LLM request not sent");
  bool with_schema = request.response_schema.has_value() && schema_supported_.load();
  bool schema_fallback_used = false;
  bool stream_fallback_used = false;
  int retries = 0;
  while (true) {
    if (retries > 0) {
      if (HttpStopRequested(request.cancel)) {
        result = CancelledError("LLM request to " + shown_endpoint_ + ": not retried (stop requested)");
        break;
      }
      if (Status budget = CheckBudget(); !budget.ok()) {
        result = budget;
        break;
      }
    }
    result = SendOnce(request, with_schema, attempt);
    Json entry = {{"http_status", attempt.http_status}, {"with_schema", with_schema}};
    if (!result.ok()) entry["error"] = result.status().ToString();
    if (result.ok() || !attempt.retryable) {
      if (!result.ok() && attempt.stream_options_rejected && !stream_fallback_used) {
        LogInfo(kComponent, "server rejected stream_options; streaming without usage reports");
        stream_options_supported_ = false;
        stream_fallback_used = true;
        entry["fallback"] = "no stream_options";
        attempt.log.push_back(std::move(entry));
        continue;
      }
      if (!result.ok() && attempt.schema_rejected && !schema_fallback_used) {
        // The server does not take response_format json_schema: say it in the prompt instead.
        LogInfo(kComponent, "server rejected response_format json_schema; falling back to schema in prompt");
        schema_supported_ = false;
        with_schema = false;
        schema_fallback_used = true;
        entry["fallback"] = "schema in prompt";
        attempt.log.push_back(std::move(entry));
        continue;
      }
      attempt.log.push_back(std::move(entry));
      break;
    }
    if (retries >= options_.max_retries) {
      attempt.log.push_back(std::move(entry));
      result = UnavailableError(result.status().message() + " (gave up after " + std::to_string(retries + 1) +
                                " attempts)");
      break;
    }
    int64_t delay = attempt.retry_after_ms >= 0
                        ? std::min(attempt.retry_after_ms, options_.retry_after_max_ms)
                        : BackoffMs(retries);
    entry["retry_in_ms"] = delay;
    attempt.log.push_back(std::move(entry));
    LogWarn(kComponent, result.status().message() + "; retrying in " + std::to_string(delay) + " ms");
    // In slices when the call can be cancelled, so a stop does not wait out a long backoff. A
    // process-wide stop (CancelAllHttpTransfers: vigil diagnose's SIGINT / SIGTERM) is seen within a
    // second: slices of at most 1 s then, 100 ms when the request has its own cancel.
    for (int64_t left = delay; left > 0 && !HttpStopRequested(request.cancel);) {
      const int64_t slice = std::min<int64_t>(left, request.cancel ? 100 : 1000);
      clock_->SleepMs(slice);
      left -= slice;
    }
    ++retries;
  }

  bool estimated = false;
  if (result.ok()) {
    ChatResponse& r = *result;
    if (r.usage.total() == 0) {
      // The server reported no usage (some streaming servers): estimate so the budget still holds.
      estimated = true;
      size_t prompt_chars = 0, completion_chars = r.message.content.size();
      for (const auto& m : request.messages) prompt_chars += m.content.size();
      for (const auto& c : r.message.tool_calls) completion_chars += c.name.size() + c.arguments_text.size();
      r.usage.prompt_tokens = EstimateTokens(prompt_chars);
      r.usage.completion_tokens = EstimateTokens(completion_chars);
    }
    Account(r.usage);
  }

  if (!options_.audit_dir.empty()) {
    Json line = {{"time", FormatRfc3339Ms(clock_->NowMs())},
                 {"purpose", request.purpose},
                 {"endpoint", shown_endpoint_},
                 {"model", options_.model},
                 {"request", ChatRequestToJson(request, options_.model,
                                               !with_schema && request.response_schema.has_value(),
                                               request.stream && stream_options_supported_.load())},
                 {"attempts", attempt.log},
                 {"latency_ms", (clock_->MonotonicNs() - start_ns) / 1'000'000}};
    if (result.ok()) {
      const ChatResponse& r = *result;
      Json msg = MessageToJson(r.message);
      line["response"] = {{"message", msg}, {"finish_reason", r.finish_reason}, {"model", r.model}};
      line["usage"] = {{"prompt_tokens", r.usage.prompt_tokens},
                       {"completion_tokens", r.usage.completion_tokens},
                       {"estimated", estimated}};
      line["cost_usd"] = (r.usage.prompt_tokens * options_.price_input_per_mtok +
                          r.usage.completion_tokens * options_.price_output_per_mtok) /
                         1e6;
    } else {
      line["error"] = result.status().ToString();
      if (IsCancelled(result.status())) line["cancelled"] = true;  // ChatRequest::cancel ended it
    }
    std::string text = DumpJson(line);
    RedactInPlace(text, options_.api_key);
    RETURN_IF_ERROR(WriteAudit(audit, audit_path, text));
  }
  return result;
}

std::string LlmAuditDir(const Config& config) {
  return (std::filesystem::path(config.GetString("data_dir")) / "audit").string();
}

Status CheckLlmAuditDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = fs::path(dir) / (".probe-" + std::to_string(::getpid()));
  std::string why = ec ? ec.message() : "";
  if (why.empty()) {
    errno = 0;
    std::ofstream test(probe);
    if (!test) why = errno != 0 ? std::strerror(errno) : "cannot create a file there";
  }
  fs::remove(probe, ec);
  if (!why.empty()) {
    return InvalidArgumentError("LLM audit log folder " + dir + " (data_dir/audit): " + why +
                                "; every LLM call is audited, so none is made");
  }
  return Status::Ok();
}

Result<std::unique_ptr<LlmClient>> MakeLlmClient(const Config& config) {
  if (config.GetString("llm_url").empty()) return std::unique_ptr<LlmClient>();
  // Ranges the type check does not know: a budget that silently meant "unlimited" (negative, NaN)
  // or a retry count silently clamped would not do what the user asked for.
  auto refuse = [&](std::string_view name, const std::string& accepted) {
    return InvalidArgumentError("invalid value `" + config.GetString(name) + "` for " + std::string(name) +
                                " (from " + config.SourceOf(name) + "): expected " + accepted);
  };
  if (config.GetInt("llm_token_budget") < 0) return refuse("llm_token_budget", "a whole number >= 0 (0 = unlimited)");
  if (!(config.GetDouble("llm_cost_budget") >= 0)) return refuse("llm_cost_budget", "a number >= 0 (0 = unlimited)");
  for (std::string_view price : {"llm_price_input", "llm_price_output"}) {
    const double v = config.GetDouble(price);
    if (!(v >= 0) || !std::isfinite(v)) return refuse(price, "a finite number >= 0");
  }
  const int64_t retries = config.GetInt("llm_max_retries");
  if (retries < 0 || retries > 20) return refuse("llm_max_retries", "a whole number from 0 to 20");
  OpenAiLlmOptions o;
  o.url = config.GetString("llm_url");
  o.model = config.GetString("llm_model");
  o.api_key = config.GetString("llm_api_key");
  o.api_version = config.GetString("llm_api_version");
  o.timeout_ms = config.GetDurationMs("llm_timeout");
  o.max_retries = static_cast<int>(retries);
  o.token_budget = config.GetInt("llm_token_budget");
  o.cost_budget_usd = config.GetDouble("llm_cost_budget");
  o.price_input_per_mtok = config.GetDouble("llm_price_input");
  o.price_output_per_mtok = config.GetDouble("llm_price_output");
  o.audit_dir = LlmAuditDir(config);
  o.stream = config.GetBool("llm_stream");
  ASSIGN_OR_RETURN(auto client, OpenAiLlmClient::Create(std::move(o)));
  return std::unique_ptr<LlmClient>(std::move(client));
}

}  // namespace vigil
