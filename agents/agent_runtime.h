// AgentRuntime: the LLM tool-calling loop with budgets and a full trace.
//
// Run() sends the conversation with the tool specs, executes the tool calls the model makes
// (through the explicit Tool table, agents/tools.h), appends their results and repeats until the
// model answers without calling a tool or a budget ends:
//   max_steps (model calls), max_tokens (prompt + completion, from ChatResponse::usage),
//   max_wall_s (measured with the injected Clock), intrusive probes (ToolContext budget).
// Invalid tool calls (unknown tool, arguments that are not JSON, bad arguments, a tool error) are
// answered to the model as {"error": "..."} tool messages and recorded; the loop goes on. An LLM
// error (timeout, unavailable) ends the loop with stop_reason "llm_error: ..." — callers fall back.
//
// Trace: a JSON array of {"type": "thought"|"tool_call"|"tool_result"|"answer"|"stop", ...}
// entries in order, with the step number; tool results are truncated to max_result_chars.
// Thread safety: one Run at a time per runtime; the LlmClient must outlive it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agents/tools.h"
#include "connectors/llm_client.h"
#include "core/clock.h"

namespace vigil {

struct AgentBudget {
  int max_steps = 12;
  int64_t max_tokens = 60'000;
  double max_wall_s = 300;
  size_t max_result_chars = 6000;
};

struct AgentRunResult {
  std::string final_text;            // the model's last message without tool calls ("" if none)
  std::optional<Json> final_json;    // final_text parsed as a JSON object (code fences stripped)
  std::string stop_reason;           // "answered", "max_steps", "max_tokens", "max_wall_s", "llm_error: ..."
  int steps = 0;
  int invalid_tool_calls = 0;
  TokenUsage usage;
  Json trace = Json::array();
};

class AgentRuntime {
 public:
  AgentRuntime(LlmClient* llm, std::span<const Tool> tools, AgentBudget budget, Clock* clock = nullptr);

  AgentRunResult Run(std::vector<ChatMessage> messages, ToolContext& context, const std::string& purpose);

 private:
  LlmClient* llm_;
  std::span<const Tool> tools_;
  AgentBudget budget_;
  Clock* clock_;
};

// Parses a model's final message as a JSON object: the whole text, or the first ```json fenced
// block, or the outermost {...}. nullopt when none parses.
std::optional<Json> ParseJsonAnswer(const std::string& text);

}  // namespace vigil
