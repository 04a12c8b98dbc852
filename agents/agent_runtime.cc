#include "agents/agent_runtime.h"

#include "core/utf8.h"

namespace vigil {

AgentRuntime::AgentRuntime(LlmClient* llm, std::span<const Tool> tools, AgentBudget budget, Clock* clock)
    : llm_(llm), tools_(tools), budget_(budget), clock_(clock ? clock : SystemClock()) {}

std::optional<Json> ParseJsonAnswer(const std::string& text) {
  auto try_parse = [](std::string_view s) -> std::optional<Json> {
    auto j = ParseJson(s, "answer");
    if (j.ok() && j->is_object()) return *j;
    return std::nullopt;
  };
  if (auto j = try_parse(text)) return j;
  auto fence = text.find("```");
  if (fence != std::string::npos) {
    auto start = text.find('\n', fence);
    auto end = start == std::string::npos ? std::string::npos : text.find("```", start);
    if (end != std::string::npos) {
      if (auto j = try_parse(std::string_view(text).substr(start + 1, end - start - 1))) return j;
    }
  }
  auto open = text.find('{');
  auto close = text.rfind('}');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return try_parse(std::string_view(text).substr(open, close - open + 1));
  }
  return std::nullopt;
}

AgentRunResult AgentRuntime::Run(std::vector<ChatMessage> messages, ToolContext& context,
                                 const std::string& purpose) {
  AgentRunResult out;
  const int64_t start_ns = clock_->MonotonicNs();
  std::vector<std::string> tool_names;
  for (const Tool& t : tools_) tool_names.emplace_back(t.name);
  std::string names_list;
  for (const std::string& n : tool_names) names_list += (names_list.empty() ? "" : ", ") + n;
  auto elapsed_s = [&] { return (clock_->MonotonicNs() - start_ns) / 1e9; };

  while (true) {
    if (out.steps >= budget_.max_steps) {
      out.stop_reason = "max_steps";
      break;
    }
    if (out.usage.total() >= budget_.max_tokens) {
      out.stop_reason = "max_tokens";
      break;
    }
    if (elapsed_s() >= budget_.max_wall_s) {
      out.stop_reason = "max_wall_s";
      break;
    }
    ChatRequest req;
    req.messages = messages;
    req.tools = ToolSpecsFor(tools_);
    req.purpose = purpose;
    // The last allowed step must answer: no tools offered.
    if (out.steps + 1 == budget_.max_steps) {
      req.tools.clear();
      req.messages.push_back({"user", "Budget reached: answer now with the JSON object, no more tool calls.", {}, "", ""});
    }
    ++out.steps;
    auto resp = llm_->Chat(req);
    if (!resp.ok()) {
      out.stop_reason = "llm_error: " + resp.status().ToString();
      out.trace.push_back({{"type", "stop"}, {"step", out.steps}, {"reason", out.stop_reason}});
      break;
    }
    out.usage.Add(resp->usage);
    const ChatMessage& msg = resp->message;
    if (!msg.content.empty()) {
      out.trace.push_back({{"type", msg.tool_calls.empty() ? "answer" : "thought"}, {"step", out.steps},
                           {"text", msg.content}});
    }
    if (msg.tool_calls.empty()) {
      out.final_text = msg.content;
      out.final_json = ParseJsonAnswer(msg.content);
      out.stop_reason = "answered";
      break;
    }
    ChatMessage assistant = msg;
    assistant.role = "assistant";
    messages.push_back(assistant);
    for (const ToolCall& call : msg.tool_calls) {
      out.trace.push_back({{"type", "tool_call"}, {"step", out.steps}, {"tool", call.name},
                           {"arguments", call.arguments.is_null() ? Json(call.arguments_text) : call.arguments}});
      Json result;
      bool invalid = false;
      const Tool* tool = nullptr;
      for (const Tool& t : tools_) {
        if (t.name == call.name) tool = &t;
      }
      if (tool == nullptr) {
        invalid = true;
        std::string hint = ClosestMatch(call.name, tool_names);
        result = {{"error", "unknown tool `" + call.name + "`" + (hint.empty() ? "" : "; did you mean `" + hint + "`?") +
                                " Tools: " + names_list}};
      } else if (call.arguments.is_null() && !call.arguments_text.empty() &&
                 call.arguments_text.find_first_not_of(" \t\n") != std::string::npos) {
        invalid = true;
        result = {{"error", "arguments are not valid JSON: " + call.arguments_text.substr(0, 200)}};
      } else {
        Json args = call.arguments.is_object() ? call.arguments : Json::object();
        if (!call.arguments.is_null() && !call.arguments.is_object()) {
          invalid = true;
          result = {{"error", "arguments must be a JSON object"}};
        } else {
          Result<Json> r = InternalError("tool threw");
          try {
            r = tool->run(args, context);
          } catch (const std::exception& e) {
            r = InternalError(std::string("tool threw: ") + e.what());
          }
          if (r.ok()) {
            result = *r;
          } else {
            invalid = r.status().code() == StatusCode::kInvalidArgument || r.status().code() == StatusCode::kNotFound;
            result = {{"error", r.status().ToString()}};
          }
        }
      }
      if (invalid) ++out.invalid_tool_calls;
      // A tool's output holds what a node printed (any bytes): dumped with U+FFFD for bytes that are
      // not UTF-8, and cut before a character, never inside one (either made the strict dump()
      // throw type_error 316 out of the run, here or at the LLM request).
      std::string text = DumpJson(result);
      const bool truncated = text.size() > budget_.max_result_chars;
      if (truncated) {
        const size_t whole = text.size();
        text = Utf8Prefix(text, budget_.max_result_chars);
        text += "... [truncated: ";
        text += std::to_string(whole);
        text += " chars]";
      }
      out.trace.push_back({{"type", "tool_result"}, {"step", out.steps}, {"tool", call.name},
                           {"result", truncated ? Json(text) : result}});
      ChatMessage tool_msg;
      tool_msg.role = "tool";
      tool_msg.content = text;
      tool_msg.tool_call_id = call.id;
      tool_msg.name = call.name;
      messages.push_back(std::move(tool_msg));
    }
  }
  out.trace.push_back({{"type", "stop"}, {"reason", out.stop_reason}, {"steps", out.steps},
                       {"tokens", out.usage.total()}, {"invalid_tool_calls", out.invalid_tool_calls}});
  return out;
}

}  // namespace vigil
